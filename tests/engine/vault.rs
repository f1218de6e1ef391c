//! The vault: creation, unlocking, workers, passphrases, recovery, refusals, and nothing readable
//! on disk.

use std::fs;

use kasane::{Error, KdfCost, KeyError, Kind, Vault, VaultDir, VaultError};

use crate::support::*;

fn unlock(path: &std::path::Path, worker: Option<&str>, p: &str) -> Result<Vault, Error> {
    VaultDir::open(path)?.unlock(worker, &pass(p), ambient(99))
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
    assert!(matches!(err, Error::Key(KeyError::WrongPassphrase)), "got {err:?}");
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
        VaultDir::open(&missing),
        Err(Error::Vault(VaultError::Missing(_)))
    ));
    let other = dir.path().join("other");
    fs::create_dir_all(&other).unwrap();
    fs::write(other.join("notes.txt"), "hello").unwrap();
    assert!(matches!(
        VaultDir::open(&other),
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
        matches!(VaultDir::open(&t.path), Err(Error::Vault(VaultError::Incomplete(_)))),
        "a database without the marker written last is a setup that did not finish"
    );
}

#[test]
fn short_passphrases_are_refused_at_setup() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = setup("X");
    s.passphrase = pass("short");
    let err = Vault::create(&dir.path().join("v"), s, ambient(5)).expect_err("too short");
    assert!(matches!(err, Error::Key(KeyError::PassphraseTooShort)));
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
        Err(Error::Key(KeyError::WorkerExists(_)))
    ));
    drop(t.vault);
    let err = unlock(&t.path, None, PASS).expect_err("with two workers, the vault must ask who");
    assert!(matches!(err, Error::Key(KeyError::WorkerRequired { .. })));
    let v = unlock(&t.path, Some("佐藤"), "sato passphrase").expect("佐藤 unlocks with their own passphrase");
    assert_eq!(v.identity().worker, sato);
    drop(v);
    assert!(
        matches!(
            unlock(&t.path, Some("佐藤"), PASS),
            Err(Error::Key(KeyError::WrongPassphrase))
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
            ),
            Err(Error::Key(KeyError::WrongPassphrase))
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
        Err(Error::Key(KeyError::WrongPassphrase))
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
        dir().recover(&typo, None, &pass("new passphrase 1"), KdfCost::Fixed(10), ambient(1)),
        Err(Error::Key(KeyError::RecoveryCodeTypo))
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
    assert!(matches!(err, Error::Key(KeyError::WrongRecoveryCode)), "got {err:?}");
    assert_eq!(err.kind(), Kind::Auth);
    unlock(&t.path, None, PASS).expect("failed recoveries change nothing");
    let lower = t.code.to_lowercase().replace('-', " ");
    dir()
        .recover(&lower, None, &pass("new passphrase 1"), KdfCost::Fixed(10), ambient(1))
        .expect("the code as typed back recovers");
    assert!(matches!(
        unlock(&t.path, None, PASS),
        Err(Error::Key(KeyError::WrongPassphrase))
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
    assert!(matches!(err, Error::Key(KeyError::SlotFromAnotherVault)), "got {err:?}");
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
        matches!(err, Error::Migrate(kasane::MigrateError::Newer { found: 999, .. })),
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
    assert!(matches!(err, Error::Vault(VaultError::Busy)), "got {err:?}");
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
