//! Golden vectors: a real bundle, its parts and a member card, committed under tests/vectors/ and
//! checked byte for byte, so the wire format cannot change by accident. Regenerate (only on a
//! deliberate format change) with KASANE_WRITE_VECTORS=1 cargo test --test engine vectors.

use std::path::PathBuf;

use kasane::{Basis, Error, Op, testing};
use serde_json::{Value, json};

use crate::support::*;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn generate() {
    let mut s = agency_vault(900, "福祉総務課", clock());
    let mut r = agency_vault(901, "生活福祉課", clock());
    introduce(&mut s.vault, &mut r.vault, true);
    let hh = household(&mut s.vault, "髙橋家", "鎌倉市材木座三丁目4-12");
    person(&mut s.vault, hh, "髙橋", "ハル", "タカハシ", "ハル", "S15", "本人");
    let c = case(&mut s.vault, hh, "母の認知症と長男のひきこもり");
    s.vault
        .add_note(kasane::NewNote {
            case: c,
            kind: kasane::NoteKind::Visit,
            text: "長男は自室から出てこない。".into(),
            date: None,
            internal: false,
        })
        .unwrap();
    s.vault
        .share_case(c, r.vault.identity().agency, Some(Basis::ShienKaigi))
        .unwrap();
    let bundle = bundle_for(&mut s.vault, &r.vault, false);
    let (sender_key, _) = testing::site_secrets(&s.vault).unwrap();
    let (_, recipient_secret) = testing::site_secrets(&r.vault).unwrap();
    let me = r.vault.identity().site;
    let kasane::testing::Verified {
        header,
        manifest,
        segments,
    } = testing::verify_file(&bundle, &sender_key, &recipient_secret, me).unwrap();
    let future = testing::reseal(&s.vault, &r.vault, &bundle, &mut |p| {
        p.header.format = 2;
        p.header.min_reader = 2;
    })
    .unwrap();
    let (card, info) = s.vault.my_card().unwrap();
    let segs: Vec<Value> = segments
        .iter()
        .map(|(st, ops)| {
            json!({
                "statement": hex(&st.encode()),
                "site": st.site, "scope": st.scope.to_string(), "first": st.first, "last": st.last, "head": st.head,
                "ops": ops.iter().map(|o| json!({
                    "header": String::from_utf8(o.header_bytes.clone()).unwrap(),
                    "body": o.body.as_ref().map(|b| String::from_utf8(b.clone()).unwrap()),
                    "hash": o.hash,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let vector = json!({
        "comment": "Golden vectors for bundle format 1 (docs/bundle-format.md). Test keys only: never use them for anything real.",
        "sender_key": sender_key,
        "recipient_secret": recipient_secret,
        "recipient_site": me,
        "bundle": header.bundle,
        "header": header,
        "manifest": manifest,
        "segments": segs,
        "card_fingerprint": info.fingerprint,
    });
    std::fs::create_dir_all(dir()).unwrap();
    std::fs::write(dir().join("bundle-v1.kasane"), &bundle).unwrap();
    std::fs::write(dir().join("bundle-v1-future.kasane"), &future).unwrap();
    std::fs::write(
        dir().join("bundle-v1.json"),
        serde_json::to_string_pretty(&vector).unwrap() + "\n",
    )
    .unwrap();
    std::fs::write(dir().join("card-v1.txt"), card).unwrap();
}

#[test]
fn the_committed_vectors_still_read_exactly_as_written() {
    if std::env::var("KASANE_WRITE_VECTORS").is_ok_and(|v| v == "1") {
        generate();
    }
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(dir().join("bundle-v1.json")).expect("vectors present")).unwrap();
    let bundle = std::fs::read(dir().join("bundle-v1.kasane")).unwrap();
    let key = v["sender_key"].as_str().unwrap();
    let secret = v["recipient_secret"].as_str().unwrap();
    let me: uuid::Uuid = serde_json::from_value(v["recipient_site"].clone()).unwrap();
    let kasane::testing::Verified {
        header,
        manifest,
        segments,
    } = testing::verify_file(&bundle, key, secret, me).expect("the golden bundle verifies with today's reader");
    assert_eq!(
        serde_json::to_value(&header).unwrap(),
        v["header"],
        "header fields as written"
    );
    assert_eq!(
        serde_json::to_value(&manifest).unwrap(),
        v["manifest"],
        "manifest as written"
    );
    let expected = v["segments"].as_array().unwrap();
    assert_eq!(segments.len(), expected.len());
    for ((st, ops), e) in segments.iter().zip(expected) {
        assert_eq!(hex(&st.encode()), e["statement"], "segment statement bytes are frozen");
        assert_eq!(
            kasane::testing::Statement::decode(&unhex(e["statement"].as_str().unwrap())).unwrap(),
            *st
        );
        let eops = e["ops"].as_array().unwrap();
        assert_eq!(ops.len(), eops.len());
        for (o, eo) in ops.iter().zip(eops) {
            assert_eq!(
                o.header_bytes,
                eo["header"].as_str().unwrap().as_bytes(),
                "op header bytes are kept exactly"
            );
            assert_eq!(serde_json::to_value(o.hash).unwrap(), eo["hash"]);
            // The op hash is a function of the bytes alone: recompute it from the vector text.
            let again = Op::from_bytes(
                eo["header"].as_str().unwrap().as_bytes().to_vec(),
                eo["body"].as_str().map(|b| b.as_bytes().to_vec()),
            )
            .unwrap();
            assert_eq!(
                again.hash, o.hash,
                "the op hash (BLAKE3 derive_key \"kasane op header v1\") is frozen"
            );
        }
    }
    assert!(
        expected.iter().any(|e| e["ops"].to_string().contains("髙橋")),
        "the vectors carry Japanese text as UTF-8"
    );
    let future = std::fs::read(dir().join("bundle-v1-future.kasane")).unwrap();
    let err = testing::verify_file(&future, key, secret, me).unwrap_err();
    assert_eq!(
        err.code(),
        "bundle.needs-update",
        "a newer min_reader is recognised before decrypting"
    );
    let err = testing::verify_file(&bundle[..bundle.len() / 2], key, secret, me).unwrap_err();
    assert_eq!(err.code(), "bundle.truncated");
    let err = testing::verify_file(&bundle, key, secret, uuid::Uuid::from_u128(1)).unwrap_err();
    assert_eq!(
        err.code(),
        "bundle.readdressed",
        "a reader that is not a named recipient refuses"
    );
    let card = std::fs::read_to_string(dir().join("card-v1.txt")).unwrap();
    let (_, fp) = kasane::parse_card(&card).expect("the golden card parses");
    assert_eq!(
        fp,
        v["card_fingerprint"].as_str().unwrap(),
        "the fingerprint algorithm is frozen"
    );
    let _: Option<Error> = None;
}
