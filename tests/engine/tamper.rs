//! The tamper matrix: every layer of a bundle altered, and every way a bundle can be wrong for
//! its recipient. Each is refused (or quarantined) with the right reason, and the recipient's
//! shared state is unchanged.

use kasane::{Basis, Clock, Error, FixedClock, ImportStatus, Kind, Vault, testing};

use crate::support::*;

struct World {
    a: TestVault,
    b: TestVault,
    bundle: Vec<u8>,
}

fn world(seed: u64) -> World {
    let mut a = agency_vault(seed, "福祉総務課", clock());
    let mut b = agency_vault(seed + 1, "生活福祉課", clock());
    introduce(&mut a.vault, &mut b.vault, true);
    let hh = household(&mut a.vault, "高橋家", "鎌倉市大町2-3-4");
    person(&mut a.vault, hh, "高橋", "ハル", "タカハシ", "ハル", "S15", "本人");
    let c = case(&mut a.vault, hh, "8050");
    for i in 0..3 {
        a.vault
            .add_note(kasane::NewNote {
                case: c,
                kind: kasane::NoteKind::Visit,
                text: format!("経過{i}"),
                date: None,
                internal: false,
                outreach: None,
            })
            .unwrap();
    }
    let bid = b.vault.identity().agency;
    a.vault.share_case(c, bid, Some(Basis::ShienKaigi)).unwrap();
    let bundle = bundle_for(&mut a.vault, &b.vault, false);
    World { a, b, bundle }
}

/// Imports `bytes` into `v` expecting a refusal with `code`; the shared state must not move.
fn refused(v: &mut Vault, bytes: &[u8], code: &str) {
    let before = v.digest().unwrap();
    let err = deliver(v, bytes).expect_err(&format!("a bundle that should fail with {code} was accepted"));
    assert_eq!(err.code(), code, "wrong reason: {err}");
    assert_eq!(err.kind(), Kind::Rejected, "a refused bundle exits as rejected");
    assert!(!err.to_string().contains('\n'), "the reason is one line");
    assert_eq!(
        v.digest().unwrap(),
        before,
        "a refused bundle ({code}) must leave the vault's state unchanged"
    );
}

fn flip(bytes: &[u8], at: usize) -> Vec<u8> {
    let mut b = bytes.to_vec();
    b[at] ^= 0x01;
    b
}

const MAGIC: usize = 14;

fn header_len(b: &[u8]) -> usize {
    u32::from_be_bytes(b[MAGIC..MAGIC + 4].try_into().unwrap()) as usize
}

#[test]
fn each_outer_layer_flipped_is_refused_before_anything_is_decrypted() {
    let mut w = world(300);
    let b = w.bundle.clone();
    let hl = header_len(&b);
    let header_start = MAGIC + 4;
    let created = std::str::from_utf8(&b[header_start..header_start + hl])
        .unwrap()
        .find("\"created\":")
        .unwrap()
        + 11;
    refused(
        &mut w.b.vault,
        &flip(&b, header_start + created),
        "bundle.header-signature",
    );
    refused(
        &mut w.b.vault,
        &flip(&b, header_start + hl + 10),
        "bundle.header-signature",
    );
    let payload = header_start + hl + 64;
    refused(&mut w.b.vault, &flip(&b, payload + 30), "bundle.payload-mismatch");
    refused(&mut w.b.vault, &flip(&b, b.len() - 5), "bundle.payload-mismatch");
    refused(&mut w.b.vault, &b[..b.len() - 100], "bundle.truncated");
    refused(&mut w.b.vault, &b[..40], "bundle.truncated");
    refused(&mut w.b.vault, b"hello, this is not a bundle", "bundle.not-a-bundle");
    let s = deliver(&mut w.b.vault, &b).expect("the untouched bundle still imports afterwards");
    assert_eq!(s.status, ImportStatus::Applied);
}

#[test]
fn inner_layers_altered_by_the_sender_itself_are_refused() {
    let mut w = world(310);
    let (a, b) = (&w.a.vault, &w.b.vault);
    let manifest = testing::reseal(a, b, &w.bundle, &mut |p| p.manifest_bytes[5] ^= 1).unwrap();
    let segment = testing::reseal(a, b, &w.bundle, &mut |p| {
        let s = &mut p.segments[0].statement;
        let last = s.len() - 1;
        s[last] ^= 1;
    })
    .unwrap();
    let op = testing::reseal(a, b, &w.bundle, &mut |p| {
        let seg = p.segments.iter_mut().find(|s| s.ops.len() > 1).unwrap();
        let body = seg.ops[1].body.as_mut().unwrap();
        body[3] ^= 1;
    })
    .unwrap();
    let op_header = testing::reseal(a, b, &w.bundle, &mut |p| {
        let seg = p.segments.iter_mut().find(|s| s.ops.len() > 1).unwrap();
        let pos = seg.ops[1].header.len() - 3;
        seg.ops[1].header[pos] ^= 1;
    })
    .unwrap();
    let dropped = testing::reseal(a, b, &w.bundle, &mut |p| {
        let seg = p.segments.iter_mut().find(|s| s.ops.len() > 2).unwrap();
        seg.ops.remove(1);
    })
    .unwrap();
    let bv = &mut w.b.vault;
    refused(bv, &manifest, "bundle.manifest-signature");
    refused(bv, &segment, "bundle.segment");
    refused(bv, &op, "bundle.segment");
    refused(bv, &op_header, "bundle.segment");
    refused(bv, &dropped, "bundle.segment");
}

#[test]
fn bundles_for_someone_else_or_from_someone_unknown_are_refused() {
    let mut w = world(320);
    let mut c = agency_vault(323, "こども支援課", clock());
    introduce(&mut w.a.vault, &mut c.vault, true);
    introduce(&mut w.b.vault, &mut c.vault, true);
    // Wrong recipient: A's bundle for C, given to B.
    let for_c = bundle_for(&mut w.a.vault, &c.vault, false);
    refused(&mut w.b.vault, &for_c, "bundle.not-for-us");
    // Re-addressed: B passes A's signed manifest (naming B) on inside a bundle encrypted to C.
    let c_recipient = testing::age_recipient(&c.vault).unwrap();
    let forwarded = testing::reseal(&w.a.vault, &w.b.vault, &w.bundle, &mut |p| {
        p.also_to = vec![c_recipient.clone()];
        p.not_to_recipient = true;
    })
    .unwrap();
    refused(&mut c.vault, &forwarded, "bundle.readdressed");
    // Unknown sender: D's bundle reaches B, which never imported D's card.
    let mut d = agency_vault(324, "教育センター", clock());
    let (card_b, _) = w.b.vault.my_card().unwrap();
    let info_b = d.vault.import_card(&card_b).unwrap();
    d.vault.verify_card(info_b.site, &info_b.fingerprint).unwrap();
    let from_d = bundle_for(&mut d.vault, &w.b.vault, false);
    refused(&mut w.b.vault, &from_d, "bundle.unknown-sender");
}

#[test]
fn an_unverified_sender_is_quarantined_until_its_fingerprint_is_verified() {
    let mut a = agency_vault(330, "福祉総務課", clock());
    let mut b = agency_vault(331, "生活福祉課", clock());
    // B verifies A's card, but A's card at B is not verified yet.
    let (card_a, _) = a.vault.my_card().unwrap();
    let (card_b, _) = b.vault.my_card().unwrap();
    let info_b = a.vault.import_card(&card_b).unwrap();
    a.vault.verify_card(info_b.site, &info_b.fingerprint).unwrap();
    let info_a = b.vault.import_card(&card_a).unwrap();
    let hh = household(&mut a.vault, "高橋家", "x");
    let c = case(&mut a.vault, hh, "8050");
    a.vault
        .share_case(c, b.vault.identity().agency, Some(Basis::ShienKaigi))
        .unwrap();
    let bundle = bundle_for(&mut a.vault, &b.vault, false);
    let before = b.vault.digest().unwrap();
    let s = deliver(&mut b.vault, &bundle).unwrap();
    assert_eq!(s.status, ImportStatus::Quarantined);
    assert!(
        s.quarantined.get("unverified-sender").copied().unwrap_or(0) > 0,
        "{s:?}"
    );
    assert_eq!(
        b.vault.digest().unwrap(),
        before,
        "nothing from an unverified sender is applied"
    );
    assert_eq!(s.segments, 0, "nor even decrypted: {s:?}");
    assert!(
        b.vault.inbox().unwrap().iter().any(|e| e.status == "unverified"),
        "the file waits in the inbox until the check number is compared"
    );
    assert!(
        b.vault.process_inbox().unwrap().is_empty(),
        "unlocking does not try it again while the card is unverified"
    );
    assert!(
        b.vault
            .quarantine()
            .unwrap()
            .iter()
            .all(|q| q.reason == "unverified-sender")
    );
    let err = b
        .vault
        .verify_card(info_a.site, "00000 00000 00000 00000 00000 00000")
        .unwrap_err();
    assert_eq!(err.code(), "card.fingerprint-mismatch");
    b.vault.verify_card(info_a.site, &info_a.fingerprint).unwrap();
    assert!(
        b.vault.case_detail(c).is_ok(),
        "verifying the card releases what was kept"
    );
    assert!(b.vault.quarantine().unwrap().is_empty());
}

#[test]
fn a_revoked_sender_is_refused_and_a_replay_changes_nothing() {
    let mut w = world(340);
    let s = deliver(&mut w.b.vault, &w.bundle).unwrap();
    assert_eq!(s.status, ImportStatus::Applied);
    let before = w.b.vault.digest().unwrap();
    let again = deliver(&mut w.b.vault, &w.bundle).unwrap();
    assert_eq!(again.status, ImportStatus::AlreadyImported, "a replay is a no-op");
    assert_eq!(w.b.vault.digest().unwrap(), before);
    let a_site = w.a.vault.identity().site;
    w.b.vault.revoke_site(a_site).unwrap();
    let later = bundle_for(&mut w.a.vault, &w.b.vault, true);
    refused(&mut w.b.vault, &later, "bundle.revoked-sender");
}

#[test]
fn equivocation_is_quarantined_and_reported() {
    let mut w = world(350);
    deliver(&mut w.b.vault, &w.bundle).unwrap();
    // A "cloned PC": the same site, two different next ops for the same seq.
    let case_id = w.a.vault.cases(&Default::default()).unwrap()[0].id;
    let clone_dir = tempfile::tempdir().unwrap();
    let a_path = w.a.path.clone();
    drop(std::mem::replace(
        &mut w.a.vault,
        Vault::create(&clone_dir.path().join("tmp"), setup("tmp"), ambient(1))
            .unwrap()
            .0,
    ));
    copy_dir(&a_path, &clone_dir.path().join("clone"));
    let mut a1 = kasane::VaultDir::open(&a_path)
        .unwrap()
        .unlock(None, &pass(PASS), ambient(351))
        .unwrap();
    let mut a2 = kasane::VaultDir::open(&clone_dir.path().join("clone"))
        .unwrap()
        .unlock(None, &pass(PASS), ambient(352))
        .unwrap();
    a1.update_case(
        case_id,
        kasane::CaseUpdate {
            title: Some("本物".into()),
            ..Default::default()
        },
    )
    .unwrap();
    a2.update_case(
        case_id,
        kasane::CaseUpdate {
            title: Some("偽物".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let first = bundle_for(&mut a1, &w.b.vault, false);
    let second = bundle_for(&mut a2, &w.b.vault, false);
    deliver(&mut w.b.vault, &first).unwrap();
    let before = w.b.vault.digest().unwrap();
    let s = deliver(&mut w.b.vault, &second).unwrap();
    assert!(s.quarantined.get("equivocation").copied().unwrap_or(0) > 0, "{s:?}");
    assert_eq!(w.b.vault.digest().unwrap(), before, "the second version is not applied");
    assert_eq!(w.b.vault.case_detail(case_id).unwrap().case.title, "本物");
    assert!(
        w.b.vault
            .audit_trail()
            .unwrap()
            .iter()
            .any(|e| e.action == "alert.equivocation"),
        "equivocation raises an alert"
    );
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn a_bundle_from_a_newer_version_waits_and_is_never_half_applied() {
    let mut w = world(360);
    let newer = testing::reseal(&w.a.vault, &w.b.vault, &w.bundle, &mut |p| {
        p.header.format = 4;
        p.header.min_reader = 4;
    })
    .unwrap();
    let before = w.b.vault.digest().unwrap();
    let s = deliver(&mut w.b.vault, &newer).unwrap();
    assert_eq!(s.status, ImportStatus::NeedsUpdate);
    assert_eq!(w.b.vault.digest().unwrap(), before);
    let inbox = w.b.vault.inbox().unwrap();
    assert!(
        inbox.iter().any(|e| e.status == "needs-update"),
        "it waits in the inbox: {inbox:?}"
    );
}

#[test]
fn clocks_a_day_off_are_accepted_the_future_flagged_and_not_followed() {
    for (skew, future) in [(-86_400_000i64, false), (86_400_000, true)] {
        let a_clock = clock();
        a_clock.advance_ms(skew);
        let mut a = agency_vault(370, "福祉総務課", a_clock);
        let mut b = agency_vault(371, "生活福祉課", clock());
        introduce(&mut a.vault, &mut b.vault, true);
        let hh = household(&mut a.vault, "高橋家", "x");
        let c = case(&mut a.vault, hh, "x");
        a.vault
            .share_case(c, b.vault.identity().agency, Some(Basis::ShienKaigi))
            .unwrap();
        let s = sync(&mut a.vault, &mut b.vault);
        assert_eq!(
            s.status,
            ImportStatus::Applied,
            "skew {skew}: a wrong clock does not make data invalid"
        );
        assert_eq!(
            s.future_ops > 0,
            future,
            "skew {skew}: ops from a day ahead are flagged: {s:?}"
        );
        // B's own next op must not be stamped a day ahead.
        b.vault
            .add_note(kasane::NewNote {
                case: c,
                kind: kasane::NoteKind::Phone,
                text: "x".into(),
                date: None,
                internal: false,
                outreach: None,
            })
            .unwrap();
        let mine = b
            .vault
            .ops()
            .unwrap()
            .into_iter()
            .filter(|o| o.header.site == b.vault.identity().site)
            .map(|o| o.header.hlc.ms())
            .max()
            .unwrap();
        let now = clock().now().as_millisecond() as u64;
        assert!(
            mine <= now + 5 * 60 * 1000,
            "B's clock must not be dragged a day ahead (skew {skew}): mine {mine} now {now} diff {}",
            mine as i64 - now as i64
        );
    }
}

#[allow(dead_code)]
fn _types(_: FixedClock, _: Error) {}
