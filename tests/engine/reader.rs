//! What a reader of the exchange format accepts, as docs/bundle-format.md specifies it, against a
//! partner agency running a modified build that signs with its real key: authentication before
//! any version is trusted, the version rules of the header, the manifest and the ops, a history
//! that does not continue ours, decompression bombs and zstd framing, nothing decrypted for an
//! unverified sender, and a bundle that fails after it verified.

use std::time::{Duration, Instant};

use kasane::{Basis, Error, ImportStatus, Kind, Scope, Vault, testing};
use serde_json::{Value, json};

use crate::support::*;

/// Imports `bytes` expecting a refusal with `code`; the shared state must not move and nothing
/// may wait in the inbox as "needs-update".
fn refused(v: &mut Vault, bytes: &[u8], code: &str, why: &str) -> Error {
    let before = v.digest().unwrap();
    let waiting = |v: &Vault| v.inbox().unwrap().iter().filter(|e| e.status == "needs-update").count();
    let waiting_before = waiting(v);
    let err = deliver(v, bytes).expect_err(&format!("{why}: expected a refusal with {code}, but it was accepted"));
    assert_eq!(err.code(), code, "{why}: wrong reason: {err}");
    assert_eq!(
        err.kind(),
        Kind::Rejected,
        "{why}: a refused bundle exits as rejected (7)"
    );
    assert_eq!(v.digest().unwrap(), before, "{why}: a refused bundle changes nothing");
    assert_eq!(
        waiting(v),
        waiting_before,
        "{why}: a refused file must not be kept as needs-update: {:?}",
        v.inbox().unwrap()
    );
    err
}

/// Imports `bytes` expecting it to wait for a newer Kasane, never half-applied.
fn waits(v: &mut Vault, bytes: &[u8], reason: &str, why: &str) {
    let before = v.digest().unwrap();
    let s = deliver(v, bytes).unwrap_or_else(|e| panic!("{why}: expected needs-update, got {} ({e})", e.code()));
    assert_eq!(s.status, ImportStatus::NeedsUpdate, "{why}: {s:?}");
    assert_eq!(
        v.digest().unwrap(),
        before,
        "{why}: nothing of a file that waits is applied"
    );
    assert_eq!(s.ops_new, 0, "{why}");
    let inbox = v.inbox().unwrap();
    assert!(
        inbox
            .iter()
            .any(|e| e.status == "needs-update" && e.reason.as_deref().is_some_and(|r| r.contains(reason))),
        "{why}: it waits in the inbox, saying why ({reason}): {inbox:?}"
    );
}

fn flip(bytes: &[u8], at: usize) -> Vec<u8> {
    let mut b = bytes.to_vec();
    b[at] ^= 0x01;
    b
}

/// Where the header JSON of a bundle file starts, and its length.
fn header_span(b: &[u8]) -> (usize, usize) {
    (18, u32::from_be_bytes(b[14..18].try_into().unwrap()) as usize)
}

fn newer_header(w: &World, format: u32, min_reader: u32) -> Vec<u8> {
    testing::reseal(&w.a.vault, &w.b.vault, &w.bundle, &mut |p| {
        p.header.format = format;
        p.header.min_reader = min_reader;
    })
    .unwrap()
}

#[test]
fn a_file_is_authenticated_before_its_versions_are_believed() {
    let mut w = world(600);
    let too_new = newer_header(&w, 4, 4);
    // The header altered on the way: before, `min_reader` was read first and the file kept.
    let (start, len) = header_span(&too_new);
    let created = std::str::from_utf8(&too_new[start..start + len])
        .unwrap()
        .find("\"created\":")
        .unwrap()
        + 11;
    refused(
        &mut w.b.vault,
        &flip(&too_new, start + created),
        "bundle.header-signature",
        "a \"too new\" header whose signature does not verify",
    );
    refused(
        &mut w.b.vault,
        &flip(&too_new, too_new.len() - 3),
        "bundle.payload-mismatch",
        "a \"too new\" file whose payload was altered",
    );
    // From a site nobody introduced: unknown, whatever version it claims.
    let mut d = agency_vault(603, "教育センター", clock());
    let (card_b, _) = w.b.vault.my_card().unwrap();
    let info_b = d.vault.import_card(&card_b).unwrap();
    d.vault.verify_card(info_b.site, &info_b.fingerprint).unwrap();
    let from_d = bundle_for(&mut d.vault, &w.b.vault, false);
    let from_d_new = testing::reseal(&d.vault, &w.b.vault, &from_d, &mut |p| {
        p.header.format = 9;
        p.header.min_reader = 9;
    })
    .unwrap();
    refused(
        &mut w.b.vault,
        &from_d_new,
        "bundle.unknown-sender",
        "a \"too new\" file from an unknown sender",
    );
    // The standalone reader (golden vectors) authenticates first too.
    let (_, secret) = testing::site_secrets(&w.b.vault).unwrap();
    let (d_key, _) = testing::site_secrets(&d.vault).unwrap();
    let me = w.b.vault.identity().site;
    let err = testing::verify_file(&too_new, &d_key, &secret, me).unwrap_err();
    assert_eq!(
        err.code(),
        "bundle.header-signature",
        "another site's key does not verify a \"too new\" header: {err}"
    );
    // Authentic and too new: it waits.
    waits(&mut w.b.vault, &too_new, "format 4", "an authentic file of format 4");
    // A revoked sender is refused whatever it claims.
    let a_site = w.a.vault.identity().site;
    w.b.vault.revoke_site(a_site).unwrap();
    let later = bundle_for(&mut w.a.vault, &w.b.vault, true);
    let later_new = testing::reseal(&w.a.vault, &w.b.vault, &later, &mut |p| p.header.min_reader = 4).unwrap();
    let err = deliver(&mut w.b.vault, &later_new).unwrap_err();
    assert_eq!(err.code(), "bundle.revoked-sender", "{err}");
}

#[test]
fn header_and_manifest_versions_wait_or_are_refused_as_the_spec_says() {
    let mut w = world(610);
    let b = &mut w.b.vault;
    let before = b.digest().unwrap();
    // Versions that cannot exist are refused.
    for (format, min_reader) in [(0, 0), (1, 0), (0, 1), (2, 3), (3, 4)] {
        let file = newer_header(&w, format, min_reader);
        refused(
            &mut w.b.vault,
            &file,
            "bundle.bad-version",
            &format!("format {format}, min_reader {min_reader}"),
        );
    }
    // A format this reader does not know waits, even if it claims version-1 readers can read it.
    let readable_by_one = newer_header(&w, 4, 1);
    waits(
        &mut w.b.vault,
        &readable_by_one,
        "format 4",
        "format 4 readable from version 1",
    );
    // The manifest's version is checked after its signature, before its shape.
    let manifest = |edit: &dyn Fn(&mut Value)| {
        testing::reseal(&w.a.vault, &w.b.vault, &w.bundle, &mut |p| {
            let mut m: Value = serde_json::from_slice(&p.manifest_bytes).unwrap();
            edit(&mut m);
            p.manifest_bytes = serde_json::to_vec(&m).unwrap();
            p.resign_manifest = true;
        })
        .unwrap()
    };
    let v2 = manifest(&|m| m["manifest"] = json!(2));
    let v2_other_shape = manifest(&|m| {
        m["manifest"] = json!(2);
        m.as_object_mut().unwrap().remove("recipients");
        m["segments"] = json!("several");
    });
    let v0 = manifest(&|m| m["manifest"] = json!(0));
    let text = manifest(&|m| m["manifest"] = json!("1"));
    waits(&mut w.b.vault, &v2, "manifest 2", "a version-2 manifest");
    waits(
        &mut w.b.vault,
        &v2_other_shape,
        "manifest 2",
        "a version-2 manifest of another shape",
    );
    refused(&mut w.b.vault, &v0, "bundle.bad-version", "manifest version 0");
    refused(
        &mut w.b.vault,
        &text,
        "bundle.malformed",
        "a manifest version that is text",
    );
    let b = &mut w.b.vault;
    assert_eq!(b.digest().unwrap(), before, "nothing of any of them was applied");
    // Judged by this very build, they are not decrypted again at every unlock.
    assert!(
        b.process_inbox().unwrap().is_empty(),
        "a file waiting for an update is retried by a newer build, not at every unlock"
    );
    // The genuine file still lands.
    let s = deliver(b, &w.bundle).unwrap();
    assert_eq!(s.status, ImportStatus::Applied);
}

#[test]
fn an_operation_of_a_newer_version_makes_the_whole_bundle_wait() {
    let mut w = world(620);
    // The case and household segments are fine; one directory op says it is version 3.
    craft(&mut w.a.vault, Scope::Directory, "resource", &mut |h| h["v"] = json!(3));
    let bundle = bundle_for(&mut w.a.vault, &w.b.vault, false);
    waits(
        &mut w.b.vault,
        &bundle,
        "operation version 3",
        "a bundle with one version-3 op",
    );
    let (key, _) = testing::site_secrets(&w.a.vault).unwrap();
    let (_, secret) = testing::site_secrets(&w.b.vault).unwrap();
    let err = testing::verify_file(&bundle, &key, &secret, w.b.vault.identity().site).unwrap_err();
    assert_eq!(err.code(), "bundle.needs-update", "the standalone reader agrees: {err}");
    // An older op version is no reason to wait: the op is stored and held, per op.
    let mut w = world(625);
    let old = craft(&mut w.a.vault, Scope::Directory, "resource", &mut |h| h["v"] = json!(1));
    let bundle = bundle_for(&mut w.a.vault, &w.b.vault, false);
    let s = deliver(&mut w.b.vault, &bundle).unwrap();
    assert_eq!(s.status, ImportStatus::Applied, "{s:?}");
    assert!(
        testing::held_ops(&w.b.vault)
            .unwrap()
            .contains(&(old, "op-version".to_string())),
        "a version-1 op is held as op-version, the rest applied"
    );
}

#[test]
fn a_segment_that_does_not_continue_the_history_held_refuses_the_bundle() {
    let mut w = world(630);
    sync(&mut w.a.vault, &mut w.b.vault);
    // B tells A how far it holds A's series, so A's next bundle starts right after.
    sync(&mut w.b.vault, &mut w.a.vault);
    let bogus = "ab".repeat(32);
    craft(&mut w.a.vault, Scope::Directory, "resource", &mut |h| {
        h["chain"] = json!(bogus)
    });
    let forked = bundle_for(&mut w.a.vault, &w.b.vault, false);
    let err = refused(
        &mut w.b.vault,
        &forked,
        "bundle.segment",
        "a first op whose chain is not the hash of the op held before it",
    );
    assert!(err.to_string().contains("two different histories"), "{err}");
    assert!(
        w.b.vault.quarantine().unwrap().is_empty(),
        "nothing of a refused bundle is kept in quarantine"
    );
    let trail = w.b.vault.audit_trail().unwrap();
    assert!(
        trail.iter().any(|e| e.action == "alert.equivocation"),
        "the fork raises the alert even though the bundle is refused"
    );
    assert!(
        w.b.vault
            .inbox()
            .unwrap()
            .iter()
            .any(|e| e.status == "refused" && e.reason.as_deref().is_some_and(|r| r.contains("histories"))),
        "the inbox says why"
    );
    // The first op of a series names no op before it.
    let mut w = world(635);
    let hh = uuid::Uuid::from_u128(0x0196_aaaa_0000_7000_8000_0000_0000_0001);
    craft(&mut w.a.vault, Scope::Household(hh), "household", &mut |h| {
        h["chain"] = json!("cd".repeat(32))
    });
    let bad = bundle_for(&mut w.a.vault, &w.b.vault, true);
    // A household scope A never shared is not exported: push A's series of it into the bundle.
    let seg = testing::own_series_segment(&w.a.vault, Scope::Household(hh))
        .unwrap()
        .unwrap();
    let bad = testing::reseal(&w.a.vault, &w.b.vault, &bad, &mut |p| {
        p.segments.push(seg.clone());
        let mut m: Value = serde_json::from_slice(&p.manifest_bytes).unwrap();
        m["segments"] = json!(p.segments.len());
        p.manifest_bytes = serde_json::to_vec(&m).unwrap();
        p.resign_manifest = true;
    })
    .unwrap();
    let err = refused(
        &mut w.b.vault,
        &bad,
        "bundle.segment",
        "a seq-1 op whose chain is not zeros",
    );
    assert!(err.to_string().contains("names an operation before it"), "{err}");
}

/// A zstd frame that decompresses to `blocks` × 128 KiB of zeros in a few bytes per block:
/// RLE blocks (RFC 8878 §3.1.1.2), window 128 KiB, no content size.
fn zeros_frame(blocks: usize) -> Vec<u8> {
    let mut f = vec![0x28, 0xB5, 0x2F, 0xFD, 0x00, 7 << 3];
    for i in 0..blocks {
        let last = u32::from(i + 1 == blocks);
        let header = last | (1 << 1) | ((128 * 1024) << 3);
        f.extend_from_slice(&header.to_le_bytes()[..3]);
        f.push(0);
    }
    f
}

#[test]
fn a_decompression_bomb_stops_at_the_cap_and_is_refused() {
    // The frame is a real zstd frame: a small one decodes to zeros.
    assert_eq!(
        zstd::stream::decode_all(&zeros_frame(4)[..]).unwrap(),
        vec![0u8; 512 * 1024],
        "the hand-made frame is valid zstd"
    );
    let mut w = world(640);
    // 4 GiB of zeros in 128 KiB.
    let bomb = zeros_frame(32 * 1024);
    assert!(bomb.len() < 140 * 1024);
    let file = testing::reseal(&w.a.vault, &w.b.vault, &w.bundle, &mut |p| {
        p.raw_compressed = Some(bomb.clone())
    })
    .unwrap();
    let started = Instant::now();
    let err = refused(&mut w.b.vault, &file, "bundle.too-large", "a decompression bomb");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "the bomb is refused at the cap (64 × the payload), not after unfolding 4 GiB: {:?}",
        started.elapsed()
    );
    assert!(err.to_string().contains("too large"), "{err}");
    let path = w.b._dir.path().join("bomb.kasane");
    std::fs::write(&path, &file).unwrap();
    let p = w.b.vault.inspect_bundle(&path).unwrap();
    assert!(
        p.problem.as_deref().is_some_and(|m| m.contains("too large")),
        "inspect refuses to unfold it too: {p:?}"
    );
}

#[test]
fn the_payload_is_exactly_one_zstd_frame() {
    let mut w = world(650);
    let reframe = |make: &dyn Fn(&[u8]) -> Vec<u8>| {
        testing::reseal(&w.a.vault, &w.b.vault, &w.bundle, &mut |p| {
            let plain = p.plaintext();
            p.raw_compressed = Some(make(&plain));
        })
        .unwrap()
    };
    let two = reframe(&|plain| {
        let half = plain.len() / 2;
        let mut out = zstd::bulk::compress(&plain[..half], 3).unwrap();
        out.extend(zstd::bulk::compress(&plain[half..], 3).unwrap());
        out
    });
    let trailing = reframe(&|plain| {
        let mut out = zstd::bulk::compress(plain, 3).unwrap();
        out.extend_from_slice(b"junk");
        out
    });
    // A skippable frame (magic 0x184D2A50) after, and before, the data frame.
    let skippable: Vec<u8> = [&[0x50, 0x2A, 0x4D, 0x18][..], &4u32.to_le_bytes(), b"skip"].concat();
    let skip_after = reframe(&|plain| [zstd::bulk::compress(plain, 3).unwrap(), skippable.clone()].concat());
    let skip_before = reframe(&|plain| [skippable.clone(), zstd::bulk::compress(plain, 3).unwrap()].concat());
    let cut = reframe(&|plain| {
        let full = zstd::bulk::compress(plain, 3).unwrap();
        full[..full.len() - 5].to_vec()
    });
    let other_level = reframe(&|plain| zstd::bulk::compress(plain, 19).unwrap());
    for (file, why) in [
        (&two, "two frames"),
        (&trailing, "bytes after the frame"),
        (&skip_after, "a skippable frame after the frame"),
        (&skip_before, "a skippable frame before the frame"),
        (&cut, "a cut frame"),
    ] {
        refused(&mut w.b.vault, file, "bundle.malformed", why);
    }
    let s = deliver(&mut w.b.vault, &other_level).expect("one frame at another compression level is read");
    assert_eq!(s.status, ImportStatus::Applied);
}

#[test]
fn nothing_is_decrypted_for_a_sender_whose_card_is_not_verified() {
    let mut a = agency_vault(660, "福祉総務課", clock());
    let mut b = agency_vault(661, "生活福祉課", clock());
    let c = agency_vault(662, "こども支援課", clock());
    let (card_a, _) = a.vault.my_card().unwrap();
    let (card_b, _) = b.vault.my_card().unwrap();
    let info_b = a.vault.import_card(&card_b).unwrap();
    a.vault.verify_card(info_b.site, &info_b.fingerprint).unwrap();
    let info_a = b.vault.import_card(&card_a).unwrap();
    let hh = household(&mut a.vault, "高橋家", "x");
    let k = case(&mut a.vault, hh, "8050");
    a.vault
        .share_case(k, b.vault.identity().agency, Some(Basis::ShienKaigi))
        .unwrap();
    let bundle = bundle_for(&mut a.vault, &b.vault, false);
    // Sealed to C only: had B tried to decrypt it, it would say "not addressed to this site".
    let to_c = testing::age_recipient(&c.vault).unwrap();
    let elsewhere = testing::reseal(&a.vault, &b.vault, &bundle, &mut |p| {
        p.also_to = vec![to_c.clone()];
        p.not_to_recipient = true;
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (plain, sealed) = (dir.path().join("a.kasane"), dir.path().join("c.kasane"));
    std::fs::write(&plain, &bundle).unwrap();
    std::fs::write(&sealed, &elsewhere).unwrap();
    for path in [&plain, &sealed] {
        let p = b.vault.inspect_bundle(path).unwrap();
        assert!(p.contents_hidden, "only the signed header is shown: {p:?}");
        assert_eq!(
            p.problem, None,
            "nothing was decrypted, so nothing could go wrong decrypting: {p:?}"
        );
        assert_eq!((p.segments, p.ops), (0, 0), "{p:?}");
        assert!(p.recipients.is_empty() && p.scopes.is_empty(), "{p:?}");
        assert!(p.sender_known && !p.sender_verified);
    }
    // Its header is still authenticated: an altered one is reported.
    let p = {
        let bad = flip(&bundle, bundle.len() - 2);
        std::fs::write(&plain, &bad).unwrap();
        b.vault.inspect_bundle(&plain).unwrap()
    };
    assert!(
        p.problem.is_some(),
        "an altered file is reported before anything else: {p:?}"
    );
    std::fs::write(&plain, &bundle).unwrap();
    b.vault.verify_card(info_a.site, &info_a.fingerprint).unwrap();
    let p = b.vault.inspect_bundle(&plain).unwrap();
    assert!(
        !p.contents_hidden && p.ops > 0,
        "once verified, the contents are shown: {p:?}"
    );
}

#[test]
fn a_bundle_that_fails_after_verification_is_recorded_and_not_retried_at_unlock() {
    let mut w = world(670);
    let file = poison(&mut w);
    let before = w.b.vault.digest().unwrap();
    let err = deliver(&mut w.b.vault, &file).expect_err("the poison bundle cannot be stored");
    assert_ne!(
        err.kind(),
        Kind::Rejected,
        "it verified; its failure is not a refusal: {err}"
    );
    assert_eq!(w.b.vault.digest().unwrap(), before, "nothing of it was applied");
    let inbox = w.b.vault.inbox().unwrap();
    let failed: Vec<_> = inbox.iter().filter(|e| e.status == "failed").collect();
    assert_eq!(failed.len(), 1, "the failure is listed in the inbox: {inbox:?}");
    let entry = failed[0].clone();
    assert!(
        entry.reason.as_deref().is_some_and(|r| !r.is_empty()),
        "with its reason: {entry:?}"
    );
    assert!(entry.bundle.is_some() && entry.sender == Some(w.a.vault.identity().site));
    assert!(
        w.b.path.join("inbox").join(&entry.file).is_file(),
        "the file is kept, so it can be retried when asked"
    );
    assert!(
        w.b.vault
            .audit_trail()
            .unwrap()
            .iter()
            .any(|e| e.action == "bundle.failed"),
        "the failure is audited"
    );
    // Unlocking does not try it again (each try decrypts and verifies the whole file).
    assert!(
        w.b.vault.process_inbox().unwrap().is_empty(),
        "a failed bundle is not retried automatically"
    );
    let TestVault { _dir, path, vault, .. } = w.b;
    drop(vault);
    let mut b = kasane::VaultDir::open(&path)
        .unwrap()
        .unlock(None, &pass(PASS), ambient(671))
        .unwrap();
    let again = b.inbox().unwrap();
    assert_eq!(
        again.iter().find(|e| e.file == entry.file).map(|e| e.done_at),
        Some(entry.done_at),
        "the unlock left the failed entry alone"
    );
    // When someone asks, it is tried again (and fails again, recorded again).
    let err = b.retry_inbox(&entry.file, &mut |_| {}).unwrap_err();
    assert_ne!(err.kind(), Kind::Rejected, "{err}");
    assert!(
        b.inbox()
            .unwrap()
            .iter()
            .any(|e| e.file == entry.file && e.status == "failed")
    );
    let err = b.retry_inbox("nothing-like-this.kasane", &mut |_| {}).unwrap_err();
    assert_eq!(err.kind(), Kind::BadInput, "only a listed file can be retried: {err}");
    let err = b.retry_inbox("../vault.json", &mut |_| {}).unwrap_err();
    assert_eq!(err.kind(), Kind::BadInput, "{err}");
}
