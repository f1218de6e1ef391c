//! The vault: creation, unlocking, workers, passphrases, recovery, refusals, and nothing readable
//! on disk.

use std::fs;

use kasane::{Error, KdfCost, KeyError, Kind, StoreError, Vault, VaultDir, VaultError};

use crate::support::*;

fn unlock(path: &std::path::Path, worker: Option<&str>, p: &str) -> Result<Vault, Error> {
    VaultDir::open(path)?.unlock(worker, &pass(p), ambient(99))
}

/// SQLCipher finishes its start-up after SQLite says it is initialised; a thread keying its first
/// database in that window used to be refused. That happens once per process, so the test runs
/// itself again as fresh processes, each opening its first vaults on several threads at once.
#[test]
fn vaults_made_on_several_threads_as_a_process_starts_all_open() {
    const CHILD: &str = "KASANE_TEST_FIRST_OPENS";
    const THREADS: usize = 4;
    if std::env::var_os(CHILD).is_some() {
        let start = std::sync::Arc::new(std::sync::Barrier::new(THREADS));
        let made: Vec<_> = (0..THREADS as u64)
            .map(|seed| {
                let start = start.clone();
                std::thread::spawn(move || {
                    start.wait();
                    new_vault(seed)
                })
            })
            .collect();
        for m in made {
            assert!(m.join().is_ok(), "each thread's first vault is created and opened");
        }
        return;
    }
    let me = std::env::current_exe().expect("the test binary's path");
    for run in 0..60 {
        let out = std::process::Command::new(&me)
            .args([
                "vault::vaults_made_on_several_threads_as_a_process_starts_all_open",
                "--exact",
            ])
            .env(CHILD, "1")
            .output()
            .expect("the test binary runs again");
        assert!(
            out.status.success(),
            "run {run}: every thread opens its vault even while SQLCipher is still starting:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn a_new_vault_unlocks_with_its_passphrase_and_knows_who_it_is() {
    let t = new_vault(1);
    let me = t.vault.identity();
    drop(t.vault);
    let v = unlock(&t.path, None, PASS).expect("the first worker's passphrase unlocks the vault");
    assert_eq!(
        v.identity().site,
        me.site,
        "site identity is stored in the vault, not regenerated"
    );
    assert_eq!(v.worker_name(), "山田");
    let agencies = v.agencies().expect("agencies");
    assert_eq!(agencies.len(), 1);
    assert_eq!(agencies[0].name, "福祉総務課");
    assert_eq!(t.code.len(), 69, "the recovery code is shown as 14 groups of four");
}

#[test]
fn a_wrong_passphrase_is_refused_and_changes_nothing() {
    let t = new_vault(2);
    drop(t.vault);
    let before: Vec<(std::path::PathBuf, Vec<u8>)> = files(&t.path)
        .into_iter()
        .map(|p| {
            let b = fs::read(&p).unwrap();
            (p, b)
        })
        .collect();
    let err = unlock(&t.path, None, "wrong passphrase!").expect_err("a wrong passphrase must not unlock");
    assert!(
        matches!(err, Error::Store(StoreError::Key(KeyError::WrongPassphrase))),
        "got {err:?}"
    );
    assert_eq!(err.kind(), Kind::Auth);
    let after: Vec<(std::path::PathBuf, Vec<u8>)> = files(&t.path)
        .into_iter()
        .map(|p| {
            let b = fs::read(&p).unwrap();
            (p, b)
        })
        .collect();
    assert!(before == after, "a refused unlock must not touch any file of the vault");
}

#[test]
fn missing_and_unsuitable_folders_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere");
    assert!(matches!(
        VaultDir::open(&missing).map_err(Error::from),
        Err(Error::Vault(VaultError::Missing(_)))
    ));
    let other = dir.path().join("other");
    fs::create_dir_all(&other).unwrap();
    fs::write(other.join("notes.txt"), "hello").unwrap();
    assert!(matches!(
        VaultDir::open(&other).map_err(Error::from),
        Err(Error::Vault(VaultError::NotAVault(_)))
    ));
    let err = Vault::create(&other, setup("X"), ambient(3)).expect_err("a folder with files is not a new vault");
    assert!(matches!(err, Error::Vault(VaultError::NotEmpty(_))));
    assert_eq!(
        fs::read_dir(&other).unwrap().count(),
        1,
        "refusing must not have written anything"
    );
}

#[test]
fn an_interrupted_setup_is_recognised() {
    let t = new_vault(4);
    drop(t.vault);
    fs::remove_file(t.path.join("vault.json")).unwrap();
    assert!(
        matches!(VaultDir::open(&t.path), Err(VaultError::Incomplete(_))),
        "a database without the marker written last is a setup that did not finish"
    );
}

#[test]
fn short_passphrases_are_refused_at_setup() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = setup("X");
    s.passphrase = pass("short");
    let err = Vault::create(&dir.path().join("v"), s, ambient(5)).expect_err("too short");
    assert!(matches!(
        err,
        Error::Store(StoreError::Key(KeyError::PassphraseTooShort))
    ));
    assert!(
        !dir.path().join("v").exists(),
        "nothing is created when the passphrase is refused"
    );
}

#[test]
fn workers_have_their_own_passphrases_and_changing_one_rewrites_only_that_slot() {
    let mut t = new_vault(6);
    let sato = t
        .vault
        .add_worker("佐藤", &pass("sato passphrase"), KdfCost::Fixed(10))
        .expect("add worker");
    assert!(matches!(
        t.vault.add_worker("佐藤", &pass("another one"), KdfCost::Fixed(10)),
        Err(Error::Store(StoreError::Key(KeyError::WorkerExists(_))))
    ));
    drop(t.vault);
    let err = unlock(&t.path, None, PASS).expect_err("with two workers, the vault must ask who");
    assert!(matches!(
        err,
        Error::Store(StoreError::Key(KeyError::WorkerRequired { .. }))
    ));
    let v = unlock(&t.path, Some("佐藤"), "sato passphrase").expect("佐藤 unlocks with their own passphrase");
    assert_eq!(v.identity().worker, sato);
    drop(v);
    assert!(
        matches!(
            unlock(&t.path, Some("佐藤"), PASS),
            Err(Error::Store(StoreError::Key(KeyError::WrongPassphrase)))
        ),
        "one worker's passphrase must not open another's slot"
    );

    let keys = t.path.join("keys");
    let yamada_slot = files(&keys)
        .into_iter()
        .find(|p| fs::read_to_string(p).unwrap().contains("山田"))
        .unwrap();
    let sato_slot = files(&keys)
        .into_iter()
        .find(|p| fs::read_to_string(p).unwrap().contains("佐藤"))
        .unwrap();
    let (y0, s0) = (fs::read(&yamada_slot).unwrap(), fs::read(&sato_slot).unwrap());
    let mut v = unlock(&t.path, Some("山田"), PASS).unwrap();
    assert!(
        matches!(
            v.change_passphrase(
                &pass("not the current one"),
                &pass("a brand new passphrase"),
                KdfCost::Fixed(11)
            )
            .map_err(Error::from),
            Err(Error::Store(StoreError::Key(KeyError::WrongPassphrase)))
        ),
        "changing a passphrase asks for the current one again"
    );
    v.change_passphrase(&pass(PASS), &pass("a brand new passphrase"), KdfCost::Fixed(11))
        .expect("change");
    drop(v);
    assert_ne!(
        fs::read(&yamada_slot).unwrap(),
        y0,
        "the changed worker's slot is rewritten"
    );
    assert_eq!(fs::read(&sato_slot).unwrap(), s0, "other slots are untouched");
    assert!(
        fs::read_to_string(&yamada_slot).unwrap().contains("\"kdf_log_n\": 11"),
        "the slot records the KDF cost it was made with"
    );
    assert!(matches!(
        unlock(&t.path, Some("山田"), PASS),
        Err(Error::Store(StoreError::Key(KeyError::WrongPassphrase)))
    ));
    unlock(&t.path, Some("山田"), "a brand new passphrase").expect("the new passphrase works");
}

#[test]
fn the_recovery_code_resets_a_passphrase_and_typos_are_told_apart_from_wrong_codes() {
    let t = new_vault(7);
    let other = new_vault(8);
    drop(t.vault);
    let dir = || VaultDir::open(&t.path).unwrap();
    let mut typo: Vec<char> = t.code.chars().collect();
    typo[0] = if typo[0] == 'Z' { 'Y' } else { 'Z' };
    let typo: String = typo.into_iter().collect();
    assert!(matches!(
        dir()
            .recover(&typo, None, &pass("new passphrase 1"), KdfCost::Fixed(10), ambient(1))
            .map_err(Error::from),
        Err(Error::Store(StoreError::Key(KeyError::RecoveryCodeTypo)))
    ));
    let err = dir()
        .recover(
            &other.code,
            None,
            &pass("new passphrase 1"),
            KdfCost::Fixed(10),
            ambient(1),
        )
        .expect_err("another vault's code");
    assert!(
        matches!(err, VaultError::Store(StoreError::Key(KeyError::WrongRecoveryCode))),
        "got {err:?}"
    );
    assert_eq!(err.kind(), Kind::Auth);
    unlock(&t.path, None, PASS).expect("failed recoveries change nothing");
    let lower = t.code.to_lowercase().replace('-', " ");
    dir()
        .recover(&lower, None, &pass("new passphrase 1"), KdfCost::Fixed(10), ambient(1))
        .expect("the code as typed back recovers");
    assert!(matches!(
        unlock(&t.path, None, PASS),
        Err(Error::Store(StoreError::Key(KeyError::WrongPassphrase)))
    ));
    unlock(&t.path, None, "new passphrase 1").expect("recovered passphrase unlocks");
}

#[test]
fn a_slot_copied_from_another_vault_is_refused() {
    let a = new_vault(9);
    let b = new_vault(10);
    drop(a.vault);
    drop(b.vault);
    let b_slot = files(&b.path.join("keys"))
        .into_iter()
        .find(|p| p.file_name().unwrap().to_str().unwrap().starts_with("worker-"))
        .unwrap();
    fs::copy(&b_slot, a.path.join("keys").join(b_slot.file_name().unwrap())).unwrap();
    let err = VaultDir::open(&a.path).expect_err("a foreign slot must be noticed");
    assert!(
        matches!(err, VaultError::Store(StoreError::Key(KeyError::SlotFromAnotherVault))),
        "got {err:?}"
    );
}

#[test]
fn a_database_from_a_newer_version_is_refused() {
    let t = new_vault(11);
    kasane::testing::sql(&t.vault)
        .pragma_update(None, "user_version", 999)
        .unwrap();
    drop(t.vault);
    let err = unlock(&t.path, None, PASS).expect_err("schema 999 is newer than this build");
    assert!(
        matches!(
            err,
            Error::Store(StoreError::Migrate(kasane::MigrateError::Newer { found: 999, .. }))
        ),
        "got {err:?}"
    );
    assert_eq!(err.kind(), Kind::Vault);
}

#[test]
fn nothing_personal_is_readable_in_the_vault_folder() {
    let mut t = new_vault(12);
    let secrets = [
        "髙橋",
        "タカハシ",
        "材木座六丁目十一番",
        "ひきこもりの長男",
        "0467-99-8765",
        "寝たきりの母",
    ];
    let hh = t
        .vault
        .add_household(kasane::NewHousehold {
            label: "髙橋家".into(),
            district: "kamakura-2".into(),
            address: Some("鎌倉市材木座六丁目十一番".into()),
            phone: Some("0467-99-8765".into()),
        })
        .unwrap();
    person(
        &mut t.vault,
        hh,
        "髙橋",
        "花子",
        "タカハシ",
        "ハナコ",
        "S23.5.1",
        "本人",
    );
    let c = case(&mut t.vault, hh, "ひきこもりの長男と寝たきりの母");
    for i in 0..200 {
        t.vault
            .add_note(kasane::NewNote {
                case: c,
                kind: kasane::NoteKind::Visit,
                text: format!("訪問{i}回目。ひきこもりの長男は自室。寝たきりの母の介護。"),
                date: None,
                internal: i % 2 == 0,
                outreach: None,
            })
            .unwrap();
    }
    let check = |when: &str| {
        for f in files(&t.path) {
            let bytes = fs::read(&f).unwrap();
            for s in secrets {
                let needle = s.as_bytes();
                assert!(
                    !bytes.windows(needle.len()).any(|w| w == needle),
                    "{when}: {} contains \"{s}\" in plain text",
                    f.display()
                );
            }
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            assert!(
                !name.ends_with("-journal"),
                "{when}: a rollback journal would hold plaintext pages: {name}"
            );
        }
    };
    check("while open (WAL in use)");
    drop(t.vault);
    check("after closing");
}

#[test]
fn a_vault_in_use_elsewhere_is_reported_as_busy_and_nothing_is_written() {
    let t = new_vault(13);
    let mut other = VaultDir::open(&t.path)
        .unwrap()
        .unlock(None, &pass(PASS), ambient(14))
        .unwrap();
    let before = other.op_count().unwrap();
    // The first window holds a write transaction open (as a long import would).
    kasane::testing::sql(&t.vault).execute_batch("BEGIN IMMEDIATE").unwrap();
    let err = other
        .add_household(kasane::NewHousehold {
            label: "x".into(),
            district: "tamanawa".into(),
            address: None,
            phone: None,
        })
        .expect_err("a second writer must wait and then give up, not corrupt anything");
    assert_eq!(err.code(), "vault.busy", "got {err:?}");
    assert_eq!(err.kind(), Kind::Vault);
    kasane::testing::sql(&t.vault).execute_batch("ROLLBACK").unwrap();
    assert_eq!(
        other.op_count().unwrap(),
        before,
        "nothing was written by the refused attempt"
    );
    other
        .add_household(kasane::NewHousehold {
            label: "x".into(),
            district: "tamanawa".into(),
            address: None,
            phone: None,
        })
        .expect("works once the other window is done");
}

/// The worker slots in `keys/`, by the name their JSON shows.
fn slot_of(vault: &std::path::Path, name: &str) -> std::path::PathBuf {
    files(&vault.join("keys"))
        .into_iter()
        .find(|p| {
            let json: serde_json::Value = serde_json::from_slice(&fs::read(p).unwrap()).unwrap();
            json["name"] == name
        })
        .unwrap_or_else(|| panic!("no slot named {name}"))
}

#[test]
fn a_workers_slot_copied_over_a_colleagues_does_not_unlock_as_the_colleague() {
    let mut t = new_vault(20);
    let yamada = t.vault.identity().worker;
    let sato = t
        .vault
        .add_worker("佐藤", &pass("sato passphrase"), KdfCost::Fixed(10))
        .unwrap();
    drop(t.vault);
    let (yamada_slot, sato_slot) = (slot_of(&t.path, "山田"), slot_of(&t.path, "佐藤"));
    let sato_bytes = fs::read(&sato_slot).unwrap();
    let trail_len = |p: &std::path::Path| {
        let v = unlock(p, Some("山田"), PASS).unwrap();
        v.audit_trail().unwrap().len()
    };
    let before = trail_len(&t.path);

    // 山田 copies their own slot over 佐藤's, keeps 佐藤's file name, and edits the readable JSON
    // to say 佐藤 (the id, the name, or both), then unlocks "as 佐藤" with their own passphrase.
    let mine: serde_json::Value = serde_json::from_slice(&fs::read(&yamada_slot).unwrap()).unwrap();
    for (id, name) in [(sato, "佐藤"), (yamada, "佐藤")] {
        let mut forged = mine.clone();
        forged["worker"] = id.to_string().into();
        forged["name"] = name.into();
        fs::write(&sato_slot, serde_json::to_vec_pretty(&forged).unwrap()).unwrap();
        let err = unlock(&t.path, Some("佐藤"), PASS).expect_err("a copied slot must not unlock as its new name");
        assert!(
            matches!(&err, Error::Store(StoreError::Key(KeyError::SlotWorkerMismatch(n))) if n == "佐藤"),
            "got {err:?}"
        );
        assert_eq!(err.code(), "key.slot-wrong-worker");
        assert!(
            err.message_ja().contains("「佐藤」の鍵ファイルは別の担当者のもの"),
            "the Japanese message says what happened: {}",
            err.message_ja()
        );
    }
    assert_eq!(
        trail_len(&t.path),
        before + 1,
        "the refused attempts unlocked nothing and wrote nothing (only the check's own unlock)"
    );
    unlock(&t.path, Some("山田"), PASS).expect("the real 山田 still unlocks");

    // With 佐藤's own slot back, the real 佐藤 unlocks and the trail names 佐藤.
    fs::write(&sato_slot, &sato_bytes).unwrap();
    let v = unlock(&t.path, Some("佐藤"), "sato passphrase").expect("the real 佐藤 unlocks");
    assert_eq!(v.identity().worker, sato);
    assert_eq!(v.worker_name(), "佐藤");
    let last = v.audit_trail().unwrap().pop().unwrap();
    assert_eq!((last.action.as_str(), last.worker), ("unlock", Some(sato)));
}

#[test]
fn an_old_form_slot_still_unlocks_and_is_rewritten_with_its_worker_inside() {
    let mut t = new_vault(21);
    let yamada = t.vault.identity().worker;
    kasane::testing::write_legacy_slot(&mut t.vault, yamada, &pass(PASS)).unwrap();
    drop(t.vault);
    let slot = slot_of(&t.path, "山田");
    let json = |p: &std::path::Path| -> serde_json::Value { serde_json::from_slice(&fs::read(p).unwrap()).unwrap() };
    assert_eq!(
        json(&slot)["kasane_slot"],
        1,
        "the slot is in the first form, as older versions wrote it"
    );
    let old = fs::read(&slot).unwrap();

    let v = unlock(&t.path, None, PASS).expect("an old-form slot still unlocks");
    assert_eq!(v.identity().worker, yamada);
    let trail = v.audit_trail().unwrap();
    let actions: Vec<&str> = trail.iter().rev().take(2).map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["slot.upgrade", "unlock"], "the upgrade is in the audit trail");
    drop(v);
    assert_eq!(
        json(&slot)["kasane_slot"],
        3,
        "rewritten in the current form at the first unlock"
    );
    assert_ne!(fs::read(&slot).unwrap(), old);
    unlock(&t.path, None, PASS).expect("the rewritten slot unlocks with the same passphrase");

    // The old-form file (say, from a backup) is no longer accepted once its worker was upgraded.
    fs::write(&slot, &old).unwrap();
    let err = unlock(&t.path, None, PASS).expect_err("an old-form slot after the upgrade");
    assert!(
        matches!(err, Error::Store(StoreError::Key(KeyError::SlotWorkerMismatch(_)))),
        "got {err:?}"
    );
}

#[test]
fn an_old_form_slot_copied_over_a_colleagues_is_refused_too() {
    let json = |p: &std::path::Path| -> serde_json::Value { serde_json::from_slice(&fs::read(p).unwrap()).unwrap() };
    let forge = |from: &serde_json::Value, worker: uuid::Uuid, name: &str| {
        let mut f = from.clone();
        f["worker"] = worker.to_string().into();
        f["name"] = name.into();
        serde_json::to_vec_pretty(&f).unwrap()
    };
    let two_old_slots = |seed| {
        let mut t = new_vault(seed);
        let yamada = t.vault.identity().worker;
        let sato = t
            .vault
            .add_worker("佐藤", &pass("sato passphrase"), KdfCost::Fixed(10))
            .unwrap();
        kasane::testing::write_legacy_slot(&mut t.vault, yamada, &pass(PASS)).unwrap();
        kasane::testing::write_legacy_slot(&mut t.vault, sato, &pass("sato passphrase")).unwrap();
        drop(t.vault);
        (t._dir, t.path, sato)
    };

    // Copied after this version first opened the vault: 山田 kept their old-form slot (a backup)
    // and, once it was upgraded, puts it in 佐藤's place while 佐藤's is still in the old form.
    let (_keep, path, sato) = two_old_slots(22);
    let (yamada_slot, sato_slot) = (slot_of(&path, "山田"), slot_of(&path, "佐藤"));
    let yamada_backup = json(&yamada_slot);
    drop(unlock(&path, Some("山田"), PASS).expect("山田's old-form slot unlocks and is upgraded"));
    assert_eq!(json(&yamada_slot)["kasane_slot"], 3);
    assert_eq!(json(&sato_slot)["kasane_slot"], 1, "佐藤 has not unlocked yet");
    let sato_own = fs::read(&sato_slot).unwrap();
    fs::write(&sato_slot, forge(&yamada_backup, sato, "佐藤")).unwrap();
    let err = unlock(&path, Some("佐藤"), PASS).expect_err("山田's old slot under 佐藤's name");
    assert!(
        matches!(err, Error::Store(StoreError::Key(KeyError::SlotWorkerMismatch(_)))),
        "got {err:?}"
    );
    fs::write(&sato_slot, sato_own).unwrap();
    unlock(&path, Some("佐藤"), "sato passphrase").expect("佐藤's own old-form slot unlocks");
    assert_eq!(json(&sato_slot)["kasane_slot"], 3);

    // Copied before this version ever opened the vault: the same wrapped key under two workers is
    // a copy, and neither is trusted (both set a new password with the recovery code).
    let (_keep, path, sato) = two_old_slots(28);
    let (yamada_slot, sato_slot) = (slot_of(&path, "山田"), slot_of(&path, "佐藤"));
    fs::write(&sato_slot, forge(&json(&yamada_slot), sato, "佐藤")).unwrap();
    let err = unlock(&path, Some("佐藤"), PASS).expect_err("a copy found at the first open");
    assert!(
        matches!(err, Error::Store(StoreError::Key(KeyError::SlotWorkerMismatch(_)))),
        "got {err:?}"
    );
    assert!(matches!(
        unlock(&path, Some("山田"), PASS),
        Err(Error::Store(StoreError::Key(KeyError::SlotWorkerMismatch(_))))
    ));
}

#[test]
fn blank_or_space_padded_passphrases_are_refused_wherever_one_is_set() {
    let blank = [
        "        ",
        "\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}\u{3000}",
        "   abc    ",
    ];
    let dir = tempfile::tempdir().unwrap();
    for b in blank {
        let mut s = setup("X");
        s.passphrase = pass(b);
        let err = Vault::create(&dir.path().join("v"), s, ambient(23)).expect_err("blank at setup");
        assert!(
            matches!(err, Error::Store(StoreError::Key(KeyError::PassphraseTooShort))),
            "{b:?}: {err:?}"
        );
        assert_eq!(err.kind(), Kind::BadInput);
    }
    assert!(!dir.path().join("v").exists(), "nothing is created");
    let mut t = new_vault(24);
    for b in blank {
        assert!(
            matches!(
                t.vault.add_worker("佐藤", &pass(b), KdfCost::Fixed(10)),
                Err(Error::Store(StoreError::Key(KeyError::PassphraseTooShort)))
            ),
            "{b:?} for a new worker"
        );
        assert!(
            matches!(
                t.vault
                    .change_passphrase(&pass(PASS), &pass(b), KdfCost::Fixed(10))
                    .map_err(Error::from),
                Err(Error::Store(StoreError::Key(KeyError::PassphraseTooShort)))
            ),
            "{b:?} as a changed password"
        );
    }
    assert_eq!(t.vault.workers().len(), 1, "no worker was added");
    drop(t.vault);
    for b in blank {
        let err = VaultDir::open(&t.path)
            .unwrap()
            .recover(&t.code, None, &pass(b), KdfCost::Fixed(10), ambient(25))
            .expect_err("blank at recovery");
        assert!(
            matches!(err, VaultError::Store(StoreError::Key(KeyError::PassphraseTooShort))),
            "{b:?}: {err:?}"
        );
    }
    unlock(&t.path, None, PASS).expect("the password is unchanged");
    assert!(
        Error::from(KeyError::PassphraseTooShort)
            .message_ja()
            .contains("前後の空白を除いて"),
        "the message says spaces do not count"
    );
}

#[cfg(unix)]
mod modes {
    use std::{fs, os::unix::fs::PermissionsExt, path::Path};

    use super::unlock;
    use crate::support::*;

    fn mode(p: &Path) -> u32 {
        fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    /// Every folder 0700 and every file 0600, with the list of files seen.
    fn assert_private(vault: &Path, when: &str) -> Vec<String> {
        assert_eq!(mode(vault), 0o700, "{when}: the vault folder");
        let mut names = Vec::new();
        let mut stack = vec![vault.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    assert_eq!(mode(&p), 0o700, "{when}: folder {}", p.display());
                    stack.push(p);
                } else {
                    assert_eq!(mode(&p), 0o600, "{when}: file {}", p.display());
                    names.push(e.file_name().to_string_lossy().into_owned());
                }
            }
        }
        names
    }

    #[test]
    fn the_vault_folder_is_the_owners_alone_after_create_and_after_writes() {
        let mut t = new_vault(26);
        let names = assert_private(&t.path, "after create (open)");
        for f in ["vault.json", "kasane.db", "kasane.db-wal", "kasane.db-shm"] {
            assert!(names.iter().any(|n| n == f), "{f} exists while open: {names:?}");
        }
        assert!(
            names.iter().filter(|n| n.starts_with("worker-")).count() == 1
                && names.iter().any(|n| n == "recovery.json")
        );
        let hh = household(&mut t.vault, "髙橋家", "鎌倉市大町");
        case(&mut t.vault, hh, "8050");
        t.vault
            .add_worker("佐藤", &pass("sato passphrase"), kasane::KdfCost::Fixed(10))
            .unwrap();
        t.vault
            .change_passphrase(&pass(PASS), &pass("a new long passphrase"), kasane::KdfCost::Fixed(10))
            .unwrap();
        let names = assert_private(&t.path, "after writes");
        assert_eq!(names.iter().filter(|n| n.starts_with("worker-")).count(), 2);
        drop(t.vault);
        assert_private(&t.path, "after closing");
    }

    #[test]
    fn a_vault_made_before_owner_only_modes_is_tightened_when_opened() {
        let t = new_vault(27);
        drop(t.vault);
        let mut stack = vec![t.path.clone()];
        while let Some(d) = stack.pop() {
            fs::set_permissions(&d, fs::Permissions::from_mode(0o755)).unwrap();
            for e in fs::read_dir(&d).unwrap().flatten() {
                if e.path().is_dir() {
                    stack.push(e.path());
                } else {
                    fs::set_permissions(e.path(), fs::Permissions::from_mode(0o644)).unwrap();
                }
            }
        }
        assert_eq!(mode(&t.path.join("kasane.db")), 0o644);
        let v = unlock(&t.path, None, PASS).expect("an older vault opens");
        assert_private(&t.path, "after opening an older vault");
        drop(v);
    }
}
