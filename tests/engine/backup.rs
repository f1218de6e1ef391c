//! Backup and restore with real vaults: a backup taken while the vault is in use opens with the
//! same password and holds the same records; refusals leave nothing; a restore makes a new site
//! of the agency that a partner accepts once it compares the 照合番号, the old site retired; the
//! restored PC catches up from the partner — including what the lost PC sent after the backup —
//! and both end with the same records.

use kasane::VaultDir;

use crate::support::*;

#[test]
fn a_backup_opens_as_the_vault_was_and_refusals_leave_nothing() {
    let mut t = new_vault(1911);
    let v = &mut t.vault;
    let hh = household(v, "高橋家", "鎌倉市大町2-3-4");
    let c = case(v, hh, "8050");
    add_visit_note(v, c, "自宅を訪問した");
    assert!(v.backup_status().unwrap().due, "never backed up: the reminder is due");

    let e = v.backup(&t.path.join("keys")).unwrap_err();
    assert!(
        e.message_ja().contains("フォルダの外"),
        "not inside the vault: {}",
        e.message_ja()
    );
    let missing = tempfile::tempdir().unwrap();
    assert!(
        v.backup(&missing.path().join("none")).is_err(),
        "a folder that does not exist"
    );

    let usb = tempfile::tempdir().unwrap();
    let report = v.backup(usb.path()).unwrap();
    assert!(report.path.starts_with(usb.path()) && report.bytes > 0);
    let names: Vec<String> = std::fs::read_dir(usb.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names.len(),
        1,
        "only the finished backup, no temporary folder: {names:?}"
    );
    let status = v.backup_status().unwrap();
    assert!(!status.due && status.last.is_some(), "just backed up");
    assert!(v.set_backup_reminder_days(0).is_err() && v.set_backup_reminder_days(366).is_err());
    v.set_backup_reminder_days(14).unwrap();
    assert_eq!(v.backup_status().unwrap().reminder_days, 14);

    let digest = v.digest().unwrap();
    let copy = VaultDir::open(&report.path)
        .unwrap()
        .unlock(None, &pass(PASS), ambient(1912))
        .expect("the backup opens with the same password");
    assert_eq!(copy.digest().unwrap(), digest, "and holds the same records");
    drop(copy);

    // A restore never goes over another vault, and a wrong password leaves nothing behind.
    let other = new_vault(1913);
    let e = VaultDir::restore(&report.path, &other.path, None, &pass(PASS), "新PC", ambient(1914))
        .map(|_| ())
        .unwrap_err();
    assert_eq!(e.code(), "vault.not-empty", "{e}");
    assert!(other.path.join("kasane.db").exists(), "the other vault is untouched");
    let fresh = tempfile::tempdir().unwrap();
    let to = fresh.path().join("restored");
    let e = VaultDir::restore(
        &report.path,
        &to,
        None,
        &pass("not the password"),
        "新PC",
        ambient(1915),
    )
    .map(|_| ())
    .unwrap_err();
    assert_eq!(e.kind(), kasane::Kind::Auth, "{e}");
    assert!(!to.exists(), "no half-restored folder");
    let not_a_backup = tempfile::tempdir().unwrap();
    assert!(
        VaultDir::restore(not_a_backup.path(), &to, None, &pass(PASS), "新PC", ambient(1916)).is_err(),
        "an empty folder is not a backup"
    );
}

#[test]
fn a_restored_pc_is_a_new_site_that_catches_up_from_the_partner() {
    let mut a = agency_vault(1921, "福祉総務課", clock());
    let mut b = agency_vault(1922, "生活福祉課", clock());
    introduce(&mut a.vault, &mut b.vault, true);
    sync(&mut b.vault, &mut a.vault);
    let hh = household(&mut a.vault, "高橋家", "鎌倉市大町2-3-4");
    let c = case(&mut a.vault, hh, "8050");
    add_visit_note(&mut a.vault, c, "backup の前の訪問");
    a.vault
        .share_case(c, agency_id(&b.vault), Some(kasane::Basis::ShienKaigi))
        .unwrap();
    sync(&mut a.vault, &mut b.vault);
    sync(&mut b.vault, &mut a.vault);

    let usb = tempfile::tempdir().unwrap();
    let backup = a.vault.backup(usb.path()).unwrap().path;
    // After the backup the old PC writes once more and sends it, then is lost.
    add_visit_note(&mut a.vault, c, "backup の後の訪問");
    sync(&mut a.vault, &mut b.vault);
    let old_site = a.vault.identity().site;
    // The old PC is lost; whoever finds it still has its keys (kept in `a` below).

    let new_pc = tempfile::tempdir().unwrap();
    let (mut r, report) = VaultDir::restore(
        &backup,
        &new_pc.path().join("vault"),
        None,
        &pass(PASS),
        "福祉総務課-新PC",
        ambient(1923),
    )
    .unwrap();
    assert_eq!(report.old_site, old_site);
    assert_ne!(report.new_site, old_site, "new keys, a new site");
    assert_eq!(r.identity().site, report.new_site);
    let before = r.case_detail(c).unwrap().notes.len();
    assert_eq!(before, 1, "the backup holds what was written before it");

    // The partner compares the new PC's 照合番号, as for any new PC of the agency.
    let (card, info) = r.my_card().unwrap();
    assert_eq!(info.fingerprint, report.fingerprint);
    let imported = b.vault.import_card(&card).unwrap();
    b.vault.verify_card(imported.site, &report.fingerprint).unwrap();
    sync(&mut r, &mut b.vault);
    let old = b
        .vault
        .sites()
        .unwrap()
        .into_iter()
        .find(|s| s.site == old_site)
        .expect("the partner knows the old site");
    assert!(old.revoked, "the old site is retired at the partner");
    assert_eq!(
        b.vault.case_detail(c).unwrap().notes.len(),
        2,
        "the partner keeps what the old site wrote before it was retired"
    );

    // Whatever the old PC's key signs from now on stands nowhere: its files are refused whole.
    add_visit_note(&mut a.vault, c, "見つけた人が書いた記録");
    let from_old = bundle_for(&mut a.vault, &b.vault, false);
    assert!(
        deliver(&mut b.vault, &from_old).is_err(),
        "a file from the retired PC is refused"
    );
    assert!(
        b.vault
            .case_detail(c)
            .unwrap()
            .notes
            .iter()
            .all(|n| n.text != "見つけた人が書いた記録"),
        "nothing of it reaches the partner"
    );

    // The restored PC catches up, the note written after the backup included.
    sync(&mut b.vault, &mut r);
    let notes = r.case_detail(c).unwrap().notes;
    assert!(
        notes.iter().any(|n| n.text == "backup の後の訪問"),
        "the partner sent back what the lost PC wrote after the backup: {notes:?}"
    );
    let shared = |v: &kasane::Vault| {
        let d = v.digest().unwrap();
        (
            d.get(&format!("case:{c}")).copied(),
            d.get(&format!("household:{hh}")).copied(),
        )
    };
    assert_eq!(shared(&r), shared(&b.vault), "both hold the same case and household");

    // New work is signed by the new site, and the partner takes it.
    add_visit_note(&mut r, c, "復元後の訪問");
    let s = sync(&mut r, &mut b.vault);
    assert!(s.held.is_empty(), "nothing held: {s:?}");
    assert!(
        b.vault
            .case_detail(c)
            .unwrap()
            .notes
            .iter()
            .any(|n| n.text == "復元後の訪問")
    );
    assert_eq!(shared(&r), shared(&b.vault), "and they agree again");
}
