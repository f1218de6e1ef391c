//! Golden vectors: a real bundle, its parts and a member card, committed under tests/vectors/ and
//! checked two ways. They are generated again from code (fixed seeds, a fixed clock) and compared
//! with the committed files, so a change to what export writes cannot go unnoticed; and the
//! committed files are read back as an independent reader would. Only the age layer is random
//! (its file key and ephemeral key come from the OS), so the regenerated files are compared
//! through what the age layer carries: the plaintext, byte for byte. Rewrite them (only on a
//! deliberate format change) with KASANE_WRITE_VECTORS=1 cargo test --test engine vectors.

use std::path::PathBuf;

use kasane::{Basis, Op, testing};
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

/// The two vaults the vectors come from, as deterministic as the engine allows.
struct Source {
    s: TestVault,
    r: TestVault,
}

fn source() -> Source {
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
            outreach: None,
        })
        .unwrap();
    s.vault
        .share_case(c, r.vault.identity().agency, Some(Basis::ShienKaigi))
        .unwrap();
    Source { s, r }
}

/// What the age layer of a bundle carries, opened with the source's keys.
fn plaintext(src: &Source, bundle: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    testing::reseal(&src.s.vault, &src.r.vault, bundle, &mut |p| out = p.plaintext())
        .expect("the bundle opens with the source's keys");
    out
}

/// The files the vectors consist of.
struct Vectors {
    bundle: Vec<u8>,
    future: Vec<u8>,
    json: Value,
    card: String,
}

fn generate(src: &mut Source) -> Vectors {
    let bundle = bundle_for(&mut src.s.vault, &src.r.vault, false);
    let (sender_key, _) = testing::site_secrets(&src.s.vault).unwrap();
    let (_, recipient_secret) = testing::site_secrets(&src.r.vault).unwrap();
    let me = src.r.vault.identity().site;
    let kasane::testing::Verified {
        header,
        manifest,
        segments,
    } = testing::verify_file(&bundle, &sender_key, &recipient_secret, me).unwrap();
    let mut manifest_text = String::new();
    testing::reseal(&src.s.vault, &src.r.vault, &bundle, &mut |p| {
        manifest_text = String::from_utf8(p.manifest_bytes.clone()).unwrap()
    })
    .unwrap();
    let future = testing::reseal(&src.s.vault, &src.r.vault, &bundle, &mut |p| {
        p.header.format = kasane::BUNDLE_FORMAT + 1;
        p.header.min_reader = kasane::BUNDLE_FORMAT + 1;
    })
    .unwrap();
    let (card, info) = src.s.vault.my_card().unwrap();
    let mut derived = Vec::new();
    let segs: Vec<Value> = segments
        .iter()
        .map(|(st, ops)| {
            for o in ops {
                let h = &o.header;
                if h.kind != kasane::OpKind::Create {
                    continue;
                }
                // How the record id of each create is derived (docs/vault-format.md).
                let root = testing::root_id(&h.etype, h.site, h.id);
                let record = testing::record_id(h.scope, h.site, h.seq);
                let rule = if h.entity == root {
                    "root_id(scope kind, site, op id)"
                } else if h.entity == record {
                    "record_id(scope, site, seq)"
                } else if h.etype == "share" {
                    "share id (case, agency)"
                } else {
                    "the agency's or site's own id"
                };
                derived.push(json!({"op": h.id, "etype": h.etype, "entity": h.entity, "rule": rule}));
            }
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
    let json = json!({
        "comment": "Golden vectors for bundle format 2 (a file carrying a progress scope), manifest 1, operations version 2 and member card format 2 (docs/bundle-format.md). Test keys only: never use them for anything real.",
        "sender_key": sender_key,
        "recipient_secret": recipient_secret,
        "recipient_site": me,
        "bundle": header.bundle,
        "header": header,
        "manifest": manifest,
        "manifest_bytes": manifest_text,
        "plaintext": hex(&plaintext(src, &bundle)),
        "segments": segs,
        "derived_ids": derived,
        "card_fingerprint": info.fingerprint,
    });
    Vectors {
        bundle,
        future,
        json,
        card,
    }
}

/// A vector without what the random age layer decides (the payload's hash and length).
fn stable(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(h) = v["header"].as_object_mut() {
        h.remove("payload_hash");
        h.remove("payload_len");
    }
    v
}

fn committed() -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir().join("bundle-v2.json")).expect("vectors present")).unwrap()
}

#[test]
fn the_committed_vectors_are_what_this_build_writes() {
    let mut src = source();
    let fresh = generate(&mut src);
    if std::env::var("KASANE_WRITE_VECTORS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(dir()).unwrap();
        std::fs::write(dir().join("bundle-v2.kasane"), &fresh.bundle).unwrap();
        std::fs::write(dir().join("bundle-v2-future.kasane"), &fresh.future).unwrap();
        std::fs::write(
            dir().join("bundle-v2.json"),
            serde_json::to_string_pretty(&fresh.json).unwrap() + "\n",
        )
        .unwrap();
        std::fs::write(dir().join("card-v2.txt"), &fresh.card).unwrap();
    }
    let hint = "what export writes changed: if that is deliberate, rewrite the vectors with KASANE_WRITE_VECTORS=1 cargo test --test engine vectors, and update docs/bundle-format.md";
    let old = committed();
    // Field by field first, so a failure says where.
    for key in [
        "header",
        "manifest",
        "manifest_bytes",
        "segments",
        "derived_ids",
        "card_fingerprint",
    ] {
        assert_eq!(stable(&fresh.json)[key], stable(&old)[key], "{key}: {hint}");
    }
    assert_eq!(stable(&fresh.json), stable(&old), "{hint}");
    assert_eq!(
        std::fs::read_to_string(dir().join("card-v2.txt")).expect("card-v2.txt present"),
        fresh.card,
        "the member card: {hint}"
    );
    // The committed files carry exactly the plaintext this build writes.
    let bundle = std::fs::read(dir().join("bundle-v2.kasane")).unwrap();
    assert_eq!(
        hex(&plaintext(&src, &bundle)),
        fresh.json["plaintext"],
        "the committed bundle's plaintext: {hint}"
    );
    let future = std::fs::read(dir().join("bundle-v2-future.kasane")).unwrap();
    assert_eq!(plaintext(&src, &future), plaintext(&src, &bundle), "{hint}");
}

/// A file of format 1 (written before progress scopes existed, and still written when a file
/// carries none) reads with today's reader, segment for segment.
#[test]
fn the_format_1_vectors_still_read() {
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(dir().join("bundle-v1.json")).expect("format 1 vectors"))
            .unwrap();
    let bundle = std::fs::read(dir().join("bundle-v1.kasane")).unwrap();
    let key = v["sender_key"].as_str().unwrap();
    let secret = v["recipient_secret"].as_str().unwrap();
    let me: uuid::Uuid = serde_json::from_value(v["recipient_site"].clone()).unwrap();
    let read = testing::verify_file(&bundle, key, secret, me).expect("a format 1 file reads with today's reader");
    assert_eq!(read.header.format, 1);
    let expected = v["segments"].as_array().unwrap();
    assert_eq!(read.segments.len(), expected.len());
    for ((st, _), e) in read.segments.iter().zip(expected) {
        assert_eq!(hex(&st.encode()), e["statement"], "segment statement bytes are frozen");
    }
}

#[test]
fn the_committed_vectors_still_read_exactly_as_written() {
    let v = committed();
    let bundle = std::fs::read(dir().join("bundle-v2.kasane")).unwrap();
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
    assert_eq!(
        serde_json::from_str::<Value>(v["manifest_bytes"].as_str().unwrap()).unwrap(),
        v["manifest"],
        "the exact manifest bytes say what the manifest says"
    );
    let plain = unhex(v["plaintext"].as_str().unwrap());
    let mlen = u32::from_be_bytes(plain[..4].try_into().unwrap()) as usize;
    assert_eq!(
        &plain[4..4 + mlen],
        v["manifest_bytes"].as_str().unwrap().as_bytes(),
        "the plaintext begins with the manifest's length and exact bytes"
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
            assert_eq!(o.header.v, 2, "the vectors are of operations version 2");
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
    let derived = v["derived_ids"].as_array().unwrap();
    assert!(
        derived.iter().any(|d| d["rule"] == "root_id(scope kind, site, op id)")
            && derived.iter().any(|d| d["rule"] == "record_id(scope, site, seq)"),
        "the vectors show both derivations of record ids: {derived:?}"
    );
    assert!(
        expected.iter().any(|e| e["ops"].to_string().contains("髙橋")),
        "the vectors carry Japanese text as UTF-8"
    );
    let future = std::fs::read(dir().join("bundle-v2-future.kasane")).unwrap();
    let err = testing::verify_file(&future, key, secret, me).unwrap_err();
    assert_eq!(
        err.code(),
        "bundle.needs-update",
        "a newer format is recognised once the header is authenticated, before decrypting"
    );
    let err = testing::verify_file(&bundle[..bundle.len() / 2], key, secret, me).unwrap_err();
    assert_eq!(err.code(), "bundle.truncated");
    let err = testing::verify_file(&bundle, key, secret, uuid::Uuid::from_u128(1)).unwrap_err();
    assert_eq!(
        err.code(),
        "bundle.readdressed",
        "a reader that is not a named recipient refuses"
    );
    let card = std::fs::read_to_string(dir().join("card-v2.txt")).unwrap();
    let (data, fp) = kasane::parse_card(&card).expect("the golden card parses");
    assert_eq!(data.card, 2);
    assert_eq!(
        fp,
        v["card_fingerprint"].as_str().unwrap(),
        "the fingerprint algorithm is frozen"
    );
    let old = std::fs::read_to_string(dir().join("card-v1.txt")).unwrap();
    let err = kasane::parse_card(&old).unwrap_err();
    assert_eq!(
        err.code(),
        "card.outdated",
        "a card of format 1 (kept as a vector) is refused with a request for a new file"
    );
}

/// The format 3 vector: the sender rotated its keys once before writing the file, so the header
/// carries the rotation and the manifest carries it with its frontier.
fn rotated() -> (Source, Vec<u8>, Value) {
    let mut src = source();
    let (old_key, _) = testing::site_secrets(&src.s.vault).unwrap();
    src.s.vault.rotate_keys().unwrap();
    let (new_key, _) = testing::site_secrets(&src.s.vault).unwrap();
    let (_, recipient_secret) = testing::site_secrets(&src.r.vault).unwrap();
    let bundle = bundle_for(&mut src.s.vault, &src.r.vault, false);
    let header = testing::header_of(&bundle).unwrap();
    let mut manifest_text = String::new();
    testing::reseal(&src.s.vault, &src.r.vault, &bundle, &mut |p| {
        manifest_text = String::from_utf8(p.manifest_bytes.clone()).unwrap()
    })
    .unwrap();
    let json = json!({
        "comment": "Golden vectors for bundle format 3: a sender that rotated its keys once (docs/bundle-format.md, \"Key rotation\"). Test keys only: never use them for anything real.",
        "old_sign_key": old_key,
        "new_sign_key": new_key,
        "recipient_secret": recipient_secret,
        "recipient_site": src.r.vault.identity().site,
        "header": header,
        "manifest_bytes": manifest_text,
        "plaintext": hex(&plaintext(&src, &bundle)),
    });
    (src, bundle, json)
}

#[test]
fn the_rotation_vector_is_what_this_build_writes_and_reads_back_on_its_own() {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let (src, fresh_bundle, fresh) = rotated();
    if std::env::var("KASANE_WRITE_VECTORS").is_ok_and(|v| v == "1") {
        std::fs::write(dir().join("bundle-v3.kasane"), &fresh_bundle).unwrap();
        std::fs::write(
            dir().join("bundle-v3.json"),
            serde_json::to_string_pretty(&fresh).unwrap() + "\n",
        )
        .unwrap();
    }
    let hint = "what export writes for a rotated sender changed: if deliberate, rewrite with KASANE_WRITE_VECTORS=1 and update docs/bundle-format.md";
    let old: Value =
        serde_json::from_str(&std::fs::read_to_string(dir().join("bundle-v3.json")).expect("format 3 vectors"))
            .unwrap();
    for key in ["old_sign_key", "new_sign_key", "manifest_bytes", "plaintext"] {
        assert_eq!(fresh[key], old[key], "{key}: {hint}");
    }
    assert_eq!(stable(&fresh), stable(&old), "{hint}");
    let bundle = std::fs::read(dir().join("bundle-v3.kasane")).unwrap();
    assert_eq!(hex(&plaintext(&src, &bundle)), old["plaintext"], "{hint}");

    // Read back as an independent reader would, with only the spec and the two public keys.
    let key = |name: &str| {
        let bytes: [u8; 32] = b64.decode(old[name].as_str().unwrap()).unwrap().try_into().unwrap();
        ed25519_dalek::VerifyingKey::from_bytes(&bytes).unwrap()
    };
    let (old_key, new_key) = (key("old_sign_key"), key("new_sign_key"));
    assert_eq!(&bundle[..14], b"KASANE-BUNDLE\n");
    let len = u32::from_be_bytes(bundle[14..18].try_into().unwrap()) as usize;
    let header_bytes = &bundle[18..18 + len];
    let header_sig = ed25519_dalek::Signature::from_slice(&bundle[18 + len..18 + len + 64]).unwrap();
    let header: Value = serde_json::from_slice(header_bytes).unwrap();
    assert_eq!(header["format"], 3, "a file carrying a rotation is format 3");
    let rotation = &header["keys"][0];
    let data = b64.decode(rotation["data"].as_str().unwrap()).unwrap();
    let msg = [b"kasane key rotation v1\0".as_slice(), &data].concat();
    let sig =
        |f: &str| ed25519_dalek::Signature::from_slice(&b64.decode(rotation[f].as_str().unwrap()).unwrap()).unwrap();
    old_key
        .verify_strict(&msg, &sig("prev_signature"))
        .expect("the retired key signed the rotation");
    new_key
        .verify_strict(&msg, &sig("new_signature"))
        .expect("the new key signed it too");
    let parsed: Value = serde_json::from_slice(&data).unwrap();
    assert_eq!(parsed["rotation"], 1);
    assert_eq!(parsed["epoch"], 1);
    assert_eq!(parsed["prev_sign_key"], old["old_sign_key"]);
    assert_eq!(parsed["sign_key"], old["new_sign_key"]);
    let header_msg = [b"kasane bundle header v1\0".as_slice(), header_bytes].concat();
    new_key
        .verify_strict(&header_msg, &header_sig)
        .expect("the header is signed with the new key");
    assert!(
        old_key.verify_strict(&header_msg, &header_sig).is_err(),
        "and not with the retired one"
    );
    let manifest: Value = serde_json::from_str(old["manifest_bytes"].as_str().unwrap()).unwrap();
    let entry = &manifest["keys"][0];
    assert_eq!(entry["rotation"], *rotation, "the manifest carries the same rotation");
    let frontier = b64.decode(entry["frontier"].as_str().unwrap()).unwrap();
    let hash = blake3::Hasher::new_derive_key("kasane key rotation frontier v1")
        .update(&frontier)
        .finalize();
    assert_eq!(
        parsed["frontier"],
        hex(hash.as_bytes()),
        "the frontier matches its signed hash"
    );
    let series: Vec<(String, u64)> = serde_json::from_slice(&frontier).unwrap();
    let me: uuid::Uuid = serde_json::from_value(old["recipient_site"].clone()).unwrap();
    let read = testing::verify_file(
        &bundle,
        old["new_sign_key"].as_str().unwrap(),
        old["recipient_secret"].as_str().unwrap(),
        me,
    )
    .expect("every layer verifies with the new key");
    assert_eq!(read.header.format, 3);
    // Scopes are named by a hash of their name, never the name (case ids would leak to partners
    // never given those cases); a reader finds a scope it holds.
    assert!(
        series
            .iter()
            .all(|(k, _)| k.len() == 32 && k.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))),
        "{series:?}"
    );
    for (st, _) in &read.segments {
        let scope = st.scope.to_string();
        let h = blake3::Hasher::new_derive_key("kasane key rotation scope v1")
            .update(scope.as_bytes())
            .finalize();
        let key = hex(&h.as_bytes()[..16]);
        let held = series.iter().find(|(k, _)| *k == key).map(|(_, last)| *last);
        assert!(
            held.is_some_and(|last| last >= st.last),
            "the frontier covers {scope} up to what the old key signed: {series:?}"
        );
    }
}
