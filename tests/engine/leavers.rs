//! A worker who left: removing them changes the database key and the recovery code, so neither
//! their password, nor a copy of their key file, nor the old key or code opens the case records
//! again, while everyone who stays opens them as before; every refusal changes nothing; key files
//! in the second form become the third at the next unlock.

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
};

use kasane::{Error, KdfCost, KeyError, Kind, StoreError, Vault, VaultDir, VaultError};

use crate::support::*;

const SATO: &str = "sato passphrase";
const SUZUKI: &str = "suzuki passphrase";

fn unlock(path: &Path, worker: &str, p: &str) -> Result<Vault, Error> {
    VaultDir::open(path)?.unlock(Some(worker), &pass(p), ambient(99))
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// Every file of the keys folder, by name, with its bytes.
fn key_files(vault: &Path) -> BTreeMap<String, Vec<u8>> {
    files(&vault.join("keys"))
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                fs::read(&p).unwrap(),
            )
        })
        .collect()
}

fn slot_of(vault: &Path, name: &str) -> PathBuf {
    files(&vault.join("keys"))
        .into_iter()
        .find(|p| {
            let json: serde_json::Value = serde_json::from_slice(&fs::read(p).unwrap()).unwrap();
            json["name"] == name
        })
        .unwrap_or_else(|| panic!("no slot named {name}"))
}

/// 山田 (who is signed in), 佐藤 (who leaves) and 鈴木 (who stays), with a household recorded.
fn three_workers(seed: u64) -> TestVault {
    let mut t = new_vault(seed);
    t.vault.add_worker("佐藤", &pass(SATO), KdfCost::Fixed(10)).unwrap();
    t.vault.add_worker("鈴木", &pass(SUZUKI), KdfCost::Fixed(10)).unwrap();
    household(&mut t.vault, "山田家", "川口市本町1-1");
    t
}

#[test]
fn removing_a_worker_who_left_changes_the_key_and_the_recovery_code() {
    let mut t = three_workers(40);
    let sato = t.vault.workers().iter().find(|w| w.name == "佐藤").unwrap().worker;
    let before = t.vault.digest().unwrap();
    let work = tempfile::tempdir().unwrap();
    // What the leaver could have kept: the whole folder as it was, their key file among it.
    let kept = work.path().join("kept");
    copy_dir(&t.path, &kept);
    let sato_slot = fs::read(slot_of(&t.path, "佐藤")).unwrap();

    let mut shown = None;
    let (removal, code) = t
        .vault
        .remove_workers(&["佐藤"], &mut |c| shown = Some(c.display().to_string()))
        .expect("remove 佐藤");
    assert_eq!(
        shown.as_deref(),
        Some(code.display().as_str()),
        "the code is shown before the switch"
    );
    assert_eq!(removal.removed.len(), 1);
    assert_eq!(
        (removal.removed[0].worker, removal.removed[0].name.as_str()),
        (sato, "佐藤")
    );
    let mut remaining = removal.remaining.clone();
    remaining.sort();
    assert_eq!(remaining, ["山田", "鈴木"]);
    let code = code.display().to_string();
    assert_ne!(code, t.code, "a new recovery code");

    // The open vault goes on under the new key, with everything it held.
    assert_eq!(t.vault.digest().unwrap(), before, "the records are all there");
    assert!(t.vault.workers().iter().all(|w| w.worker != sato));
    household(&mut t.vault, "鈴木家", "川口市本町2-2");
    let after = t.vault.digest().unwrap();
    let trail = t.vault.audit_trail().expect("the trail verifies across the key change");
    let entry = trail.iter().find(|e| e.action == "worker.remove").expect("one entry");
    assert_eq!(entry.worker, Some(t.vault.identity().worker));
    assert_eq!(entry.target.as_deref(), Some(sato.to_string().as_str()));
    assert_eq!(trail.iter().filter(|e| e.action == "worker.remove").count(), 1);
    drop(t.vault);
    for leftover in [
        "kasane.db.next",
        "keys.next",
        "keys.old",
        "rekey.lock",
        "kasane.db-journal",
    ] {
        assert!(!t.path.join(leftover).exists(), "{leftover} is not left behind");
    }
    assert!(!t.path.join("keys").join(format!("worker-{sato}.json")).exists());

    // Those who stay open it with the passwords they have; the leaver cannot.
    assert_eq!(unlock(&t.path, "鈴木", SUZUKI).expect("鈴木").digest().unwrap(), after);
    unlock(&t.path, "山田", PASS).expect("山田");
    let err = unlock(&t.path, "佐藤", SATO).expect_err("the leaver's password");
    assert!(
        matches!(err, Error::Store(StoreError::Key(KeyError::NoSuchWorker { .. }))),
        "got {err:?}"
    );

    // The leaver's key file put back opens only the old key, which no longer opens the database.
    let back = t.path.join("keys").join(format!("worker-{sato}.json"));
    fs::write(&back, &sato_slot).unwrap();
    let err = unlock(&t.path, "佐藤", SATO).expect_err("a kept key file");
    assert!(matches!(err, Error::Vault(VaultError::Unreadable)), "got {err:?}");
    fs::remove_file(&back).unwrap();
    // The same for the whole old keys folder: the old key, whoever's file it comes from.
    let mixed = work.path().join("mixed");
    copy_dir(&t.path, &mixed);
    fs::remove_dir_all(mixed.join("keys")).unwrap();
    copy_dir(&kept.join("keys"), &mixed.join("keys"));
    for (who, p) in [("佐藤", SATO), ("山田", PASS)] {
        let err = unlock(&mixed, who, p).expect_err("the old key on the new database");
        assert!(
            matches!(err, Error::Vault(VaultError::Unreadable)),
            "{who}: got {err:?}"
        );
    }
    // (The old folder itself still opens with the old key: what was copied before is not undone.)
    unlock(&kept, "佐藤", SATO).expect("a copy taken before the change keeps its old key");

    // The old recovery code no longer opens; the new one does.
    let err = VaultDir::open(&t.path)
        .unwrap()
        .recover(
            &t.code,
            Some("鈴木"),
            &pass("new suzuki passphrase"),
            KdfCost::Fixed(10),
            ambient(1),
        )
        .expect_err("the old code");
    assert!(
        matches!(err, VaultError::Store(StoreError::Key(KeyError::WrongRecoveryCode))),
        "got {err:?}"
    );
    VaultDir::open(&t.path)
        .unwrap()
        .recover(
            &code,
            Some("鈴木"),
            &pass("new suzuki passphrase"),
            KdfCost::Fixed(10),
            ambient(1),
        )
        .expect("the new code");
    unlock(&t.path, "鈴木", "new suzuki passphrase").expect("鈴木's new password");
}

#[test]
fn every_refusal_leaves_the_key_files_and_the_records_as_they_were() {
    let mut t = three_workers(41);
    let (yamada, suzuki) = (
        t.vault.identity().worker,
        t.vault.workers().iter().find(|w| w.name == "鈴木").unwrap().worker,
    );
    let keys = key_files(&t.path);
    let digest = t.vault.digest().unwrap();
    let trail = t.vault.audit_trail().unwrap().len();
    let unchanged = |v: &Vault, what: &str| {
        assert_eq!(key_files(&t.path), keys, "{what}: the key files are as they were");
        assert_eq!(v.digest().unwrap(), digest, "{what}: the records are as they were");
        assert_eq!(v.audit_trail().unwrap().len(), trail, "{what}: nothing was written");
        assert!(!t.path.join("kasane.db.next").exists() && !t.path.join("keys.next").exists());
    };

    let err = t
        .vault
        .remove_workers(&["山田"], &mut |_| {})
        .expect_err("removing yourself");
    assert!(
        matches!(err, Error::Vault(VaultError::RemovingYourself(ref n)) if n == "山田"),
        "got {err:?}"
    );
    assert_eq!((err.kind(), err.code()), (Kind::Refused, "vault.removing-yourself"));
    assert!(err.message_ja().contains("自分自身"), "{}", err.message_ja());
    unchanged(&t.vault, "yourself");

    let err = t
        .vault
        .remove_workers(&["山田", "佐藤", "鈴木"], &mut |_| {})
        .expect_err("everyone");
    assert!(matches!(err, Error::Vault(VaultError::LastWorker(_))), "got {err:?}");
    assert_eq!(err.code(), "vault.last-worker");
    unchanged(&t.vault, "everyone");

    let err = t
        .vault
        .remove_workers(&["田中"], &mut |_| {})
        .expect_err("nobody of that name");
    assert!(
        matches!(err, Error::Store(StoreError::Key(KeyError::NoSuchWorker { .. }))),
        "got {err:?}"
    );
    unchanged(&t.vault, "unknown");

    // 鈴木's key file is still in the second form: a key change cannot reach it.
    kasane::testing::write_v2_slot(&mut t.vault, suzuki, &pass(SUZUKI)).unwrap();
    let keys_v2 = key_files(&t.path);
    let err = t
        .vault
        .remove_workers(&["佐藤"], &mut |_| {})
        .expect_err("鈴木 has not unlocked since");
    assert!(
        matches!(err, Error::Vault(VaultError::OlderKeyFiles(ref n)) if n == "鈴木"),
        "got {err:?}"
    );
    assert_eq!((err.kind(), err.code()), (Kind::Refused, "vault.older-key-files"));
    assert!(err.to_string().contains("鈴木") && err.to_string().contains("opens Kasane once"));
    assert!(
        err.message_ja().contains("鈴木") && err.message_ja().contains("一度自分のパスワードでかさねを開いて"),
        "{}",
        err.message_ja()
    );
    assert_eq!(key_files(&t.path), keys_v2, "refused: the key files are as they were");
    assert_eq!(t.vault.digest().unwrap(), digest);

    // Another window with the case records open: the key is not changed under it.
    let other = unlock(&t.path, "佐藤", SATO).expect("佐藤 in another window");
    kasane::testing::write_v2_slot(&mut t.vault, suzuki, &pass(SUZUKI)).unwrap();
    let err = t
        .vault
        .remove_workers(&["佐藤", "鈴木"], &mut |_| {})
        .expect_err("open elsewhere");
    assert!(matches!(err, Error::Vault(VaultError::Busy)), "got {err:?}");
    assert_eq!(other.digest().unwrap(), digest, "the other window reads on");
    drop(other);
    assert_eq!(t.vault.digest().unwrap(), digest);
    assert!(!t.path.join("kasane.db.next").exists() && !t.path.join("keys.next").exists());
    household(&mut t.vault, "佐藤家", "川口市本町3-3");

    // Removed at the same time, the worker with the older key file is no obstacle.
    let (removal, _code) = t
        .vault
        .remove_workers(&["佐藤", "鈴木"], &mut |_| {})
        .expect("both together");
    assert_eq!(removal.removed.len(), 2);
    assert_eq!(removal.remaining, ["山田"]);
    assert_eq!(t.vault.workers().len(), 1);
    assert_eq!(t.vault.workers()[0].worker, yamada);
    drop(t.vault);
    unlock(&t.path, "山田", PASS).expect("山田 alone");
}

#[test]
fn a_second_form_key_file_becomes_the_third_at_the_next_unlock() {
    let mut t = new_vault(42);
    let yamada = t.vault.identity().worker;
    kasane::testing::write_v2_slot(&mut t.vault, yamada, &pass(PASS)).unwrap();
    drop(t.vault);
    let slot = slot_of(&t.path, "山田");
    let json = |p: &Path| -> serde_json::Value { serde_json::from_slice(&fs::read(p).unwrap()).unwrap() };
    assert_eq!(json(&slot)["kasane_slot"], 2);
    assert!(json(&slot).get("identity").is_none());
    assert_eq!(VaultDir::open(&t.path).unwrap().workers()[0].format, 2);

    let v = unlock(&t.path, "山田", PASS).expect("a second-form key file still unlocks");
    let trail = v.audit_trail().unwrap();
    let last: Vec<&str> = trail.iter().rev().take(2).map(|e| e.action.as_str()).collect();
    assert_eq!(last, ["slot.upgrade", "unlock"]);
    assert_eq!(v.workers()[0].format, 3);
    drop(v);
    let file = json(&slot);
    assert_eq!(file["kasane_slot"], 3);
    assert!(file["identity"].is_string() && file["recipient"].is_string() && file["recipient_tag"].is_string());
    let v = unlock(&t.path, "山田", PASS).expect("the same password opens the third form");
    let trail = v.audit_trail().unwrap();
    assert_eq!(trail.last().unwrap().action, "unlock", "upgraded once only");
}

/// A remaining worker's recipient swapped for someone else's (here the leaver's) is found while
/// the new key files are staged: the change is undone, the database stays under the old key in
/// WAL mode and takes writes, and nothing else moved.
#[test]
fn a_swapped_recipient_stops_the_key_change_halfway_and_it_is_undone() {
    let mut t = three_workers(43);
    let (sato_slot, suzuki_slot) = (slot_of(&t.path, "佐藤"), slot_of(&t.path, "鈴木"));
    let json = |p: &Path| -> serde_json::Value { serde_json::from_slice(&fs::read(p).unwrap()).unwrap() };
    let mut forged = json(&suzuki_slot);
    forged["recipient"] = json(&sato_slot)["recipient"].clone();
    fs::write(&suzuki_slot, serde_json::to_vec_pretty(&forged).unwrap()).unwrap();
    let keys = key_files(&t.path);
    let digest = t.vault.digest().unwrap();
    let trail = t.vault.audit_trail().unwrap().len();

    let err = t
        .vault
        .remove_workers(&["佐藤"], &mut |_| panic!("no code before the staging is whole"))
        .expect_err("a swapped recipient");
    assert!(
        matches!(err, Error::Store(StoreError::Key(KeyError::SlotDamaged(_)))),
        "got {err:?}"
    );
    assert_eq!(key_files(&t.path), keys);
    assert_eq!(t.vault.digest().unwrap(), digest);
    assert_eq!(t.vault.audit_trail().unwrap().len(), trail);
    for leftover in ["kasane.db.next", "keys.next", "keys.old", "rekey.lock"] {
        assert!(!t.path.join(leftover).exists(), "{leftover} removed");
    }
    let mode: String = kasane::testing::sql(&t.vault)
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal", "back in WAL mode");
    household(&mut t.vault, "佐藤家", "川口市本町3-3");
    drop(t.vault);
    unlock(&t.path, "佐藤", SATO).expect("the leaver is still there: nothing was changed");
}
