//! Key rotation with real vaults and real keys: a partner follows a rotation whatever order the
//! files arrive in, and so does a third agency that meets it only in segments a partner relays;
//! files partners made for the old encryption key still open; whoever kept the old key (a copy
//! of the vault taken before the rotation) can neither write beyond what that key had signed
//! nor slip in a rotation of its own.

use kasane::VaultDir;

use crate::support::*;

fn notes(v: &mut kasane::Vault, case: uuid::Uuid) -> Vec<String> {
    v.case_detail(case)
        .expect("the case is held")
        .notes
        .into_iter()
        .map(|n| n.text)
        .collect()
}

fn card_at(v: &kasane::Vault, site: uuid::Uuid) -> kasane::SiteInfo {
    v.sites()
        .unwrap()
        .into_iter()
        .find(|s| s.site == site)
        .expect("the partner's card is held")
}

#[test]
fn a_partner_follows_a_rotation_whatever_order_the_files_arrive_in() {
    let (mut l, mut b, c) = lead_and_partner(2101);
    let l_site = l.vault.identity().site;
    let (old_card, before) = l.vault.my_card().unwrap();
    // A file the partner made for the lead before the rotation, still on its way.
    add_visit_note(&mut b.vault, c, "生活福祉課の訪問（鍵の更新前）");
    let from_b_before = bundle_for(&mut b.vault, &l.vault, false);

    add_visit_note(&mut l.vault, c, "更新前の訪問");
    let old = bundle_for(&mut l.vault, &b.vault, false);
    let rotation = l.vault.rotate_keys().unwrap();
    assert_eq!(rotation.epoch, 1, "the first rotation of the site");
    assert!(rotation.series > 0, "the frontier names the series the old key signed");
    let (_, after) = l.vault.my_card().unwrap();
    assert_ne!(
        after.fingerprint, before.fingerprint,
        "new keys show a new check number"
    );
    assert_eq!(after.fingerprint, rotation.fingerprint);
    add_visit_note(&mut l.vault, c, "更新後の訪問");
    let new = bundle_for(&mut l.vault, &b.vault, false);
    assert_eq!(
        kasane::testing::header_of(&new).unwrap().format,
        3,
        "a file carrying a rotation is format 3, so an older reader waits for an update"
    );

    // The newer file first: its header carries the rotation, signed by the key the partner knows.
    let s = deliver(&mut b.vault, &new).expect("the file signed with the new key is accepted");
    assert_eq!(s.key_changes, 1, "the partner learnt the rotation: {s:?}");
    assert!(s.quarantined.is_empty(), "nothing kept aside: {s:?}");
    let at_b = card_at(&b.vault, l_site);
    assert!(
        at_b.verified,
        "trust in the old key passes to the new one, which it signed"
    );
    assert_eq!(
        at_b.fingerprint, after.fingerprint,
        "the partner shows the new check number, so a phone call can compare it"
    );
    // The card as it was before the rotation is refused as out of date; the current one is
    // the card already held.
    let err = b.vault.import_card(&old_card).expect_err("an old card");
    assert_eq!(err.code(), "card.keys-retired", "{err}");
    let (new_card, _) = l.vault.my_card().unwrap();
    let again = b
        .vault
        .import_card(&new_card)
        .expect("the current card is the one held");
    assert!(again.verified, "importing it again changes nothing");
    // Then the older file, signed with the retired key: still read, as far as that key had signed.
    let s = deliver(&mut b.vault, &old).expect("an older file signed before the rotation is read");
    assert!(
        s.quarantined.is_empty(),
        "its segments lie within the old key's frontier: {s:?}"
    );
    let held = notes(&mut b.vault, c);
    for text in ["更新前の訪問", "更新後の訪問"] {
        assert!(held.contains(&text.to_string()), "{text} reached the partner: {held:?}");
    }

    // The partner's file made for the old encryption key opens; its next one uses the new key.
    let s = deliver(&mut l.vault, &from_b_before).expect("a file encrypted to the retired key opens");
    assert!(s.ops_new > 0, "{s:?}");
    add_visit_note(&mut b.vault, c, "生活福祉課の訪問（鍵の更新後）");
    sync(&mut b.vault, &mut l.vault);
    let held = notes(&mut l.vault, c);
    assert!(held.contains(&"生活福祉課の訪問（鍵の更新後）".to_string()), "{held:?}");
    let shared = |v: &kasane::Vault| v.digest().unwrap().get(&format!("case:{c}")).copied();
    assert_eq!(shared(&l.vault), shared(&b.vault), "both hold the same case");

    // A second rotation: a partner that knows the first follows the next from it.
    let second = l.vault.rotate_keys().unwrap();
    assert_eq!(second.epoch, 2);
    add_visit_note(&mut l.vault, c, "二度目の更新後の訪問");
    let s = sync(&mut l.vault, &mut b.vault);
    assert_eq!(s.key_changes, 1, "only the new rotation is learnt: {s:?}");
    assert_eq!(card_at(&b.vault, l_site).fingerprint, second.fingerprint);
    let changes = b.vault.key_changes().unwrap();
    assert_eq!(changes.len(), 2, "the partner keeps both rotations: {changes:?}");
    assert!(changes.iter().all(|k| k.site == l_site && !k.own));
    assert_eq!(
        l.vault.key_changes().unwrap().iter().filter(|k| k.own).count(),
        2,
        "the lead lists its own rotations"
    );
}

#[test]
fn a_third_agency_meets_the_rotation_in_segments_a_partner_relays() {
    let (mut l, mut b, c) = lead_and_partner(2111);
    let mut p = agency_vault(2113, "子ども家庭課", clock());
    introduce(&mut l.vault, &mut p.vault, true);
    introduce(&mut b.vault, &mut p.vault, true);
    sync(&mut p.vault, &mut l.vault);
    l.vault
        .share_case(c, agency_id(&p.vault), Some(kasane::Basis::ShienKaigi))
        .unwrap();
    sync(&mut l.vault, &mut b.vault);
    sync(&mut l.vault, &mut p.vault);

    l.vault.rotate_keys().unwrap();
    add_visit_note(&mut l.vault, c, "更新後の訪問");
    sync(&mut l.vault, &mut b.vault);
    // P hears of it only through B, which relays the lead's segment signed with the new key.
    let s = sync(&mut b.vault, &mut p.vault);
    assert_eq!(
        s.key_changes, 1,
        "the relayed file carries the author's rotation: {s:?}"
    );
    assert!(s.quarantined.is_empty(), "{s:?}");
    assert!(notes(&mut p.vault, c).contains(&"更新後の訪問".to_string()));
    let (_, l_card) = l.vault.my_card().unwrap();
    assert_eq!(card_at(&p.vault, l_card.site).fingerprint, l_card.fingerprint);
}

#[test]
fn whoever_kept_the_old_key_writes_nothing_new_and_cannot_rotate_it_elsewhere() {
    let (mut l, mut b, c) = lead_and_partner(2121);
    add_visit_note(&mut l.vault, c, "更新前の訪問");
    sync(&mut l.vault, &mut b.vault);
    // A copy of the vault taken before the rotation: it holds the old signing key.
    let usb = tempfile::tempdir().unwrap();
    let copy = l.vault.backup(usb.path()).unwrap().path;
    let mut thief = VaultDir::open(&copy)
        .unwrap()
        .unlock(None, &pass(PASS), ambient(2129))
        .unwrap();

    l.vault.rotate_keys().unwrap();
    sync(&mut l.vault, &mut b.vault);

    // Work signed with the old key beyond what it had signed is kept aside, never applied.
    add_visit_note(&mut thief, c, "古い鍵で書かれた記録");
    let digest = b.vault.digest().unwrap();
    let forged = bundle_for(&mut thief, &b.vault, false);
    let s = deliver(&mut b.vault, &forged).expect("the file is read; its new work is not applied");
    assert_eq!(
        s.quarantined.get("retired-key"),
        Some(&1),
        "the segment beyond the old key's frontier is kept aside: {s:?}"
    );
    assert!(!notes(&mut b.vault, c).contains(&"古い鍵で書かれた記録".to_string()));
    assert_eq!(b.vault.digest().unwrap(), digest, "no record changed");
    let released = b.vault.retry_quarantine().unwrap();
    assert_eq!(released, 0, "a retired key never gains what it lacked");

    // A rotation of its own, signed with the old key, conflicts with the one the partner holds.
    thief.rotate_keys().unwrap();
    let forged = bundle_for(&mut thief, &b.vault, false);
    let err = deliver(&mut b.vault, &forged).expect_err("a second rotation for the same step is refused");
    assert_eq!(err.code(), "bundle.key-conflict", "{err}");
    assert!(
        err.message_ja().contains("照合番号"),
        "the case worker is told to call the partner: {}",
        err.message_ja()
    );
    let alerts = b.vault.audit_trail().unwrap();
    assert!(
        alerts.iter().any(|e| e.action == "alert.key-conflict"),
        "the conflict raises an alert in the audit trail"
    );
    assert_eq!(
        b.vault.digest().unwrap(),
        digest,
        "nothing of the refused file was applied"
    );
    let (_, l_card) = l.vault.my_card().unwrap();
    assert_eq!(
        card_at(&b.vault, l_card.site).fingerprint,
        l_card.fingerprint,
        "the partner still holds the real rotation"
    );
}

#[test]
fn a_tampered_rotation_refuses_the_file_and_teaches_nothing() {
    let (mut l, mut b, c) = lead_and_partner(2131);
    let (_, before) = l.vault.my_card().unwrap();
    l.vault.rotate_keys().unwrap();
    add_visit_note(&mut l.vault, c, "更新後の訪問");
    let good = bundle_for(&mut l.vault, &b.vault, false);
    let digest = b.vault.digest().unwrap();

    // The header's rotation with its data changed (another new key named): its signatures no
    // longer verify, so the file is refused before anything is decrypted.
    let tampered = kasane::testing::edit_header(&good, &mut |h| {
        let data = &mut h["keys"][0]["data"];
        let mut s = data.as_str().unwrap().to_string();
        let last = s.pop().unwrap();
        s.push(if last == 'A' { 'B' } else { 'A' });
        *data = s.into();
    })
    .unwrap();
    let err = deliver(&mut b.vault, &tampered).expect_err("a tampered rotation is refused");
    assert_eq!(err.code(), "bundle.key-change", "{err}");
    assert_eq!(b.vault.digest().unwrap(), digest, "nothing applied");
    assert_eq!(
        card_at(&b.vault, before.site).fingerprint,
        before.fingerprint,
        "no rotation was learnt from a refused file"
    );
    assert!(b.vault.key_changes().unwrap().is_empty());
    // The genuine file still goes in.
    let s = deliver(&mut b.vault, &good).expect("the genuine file");
    assert_eq!(s.key_changes, 1);
}
