//! Crash safety: the real `kasane` binary is killed while importing a bundle — at every point the
//! import acknowledges (file in the inbox, opened and verified, written but not committed,
//! committed), and at random moments besides; and while disposing of cases. Every time, the vault
//! must open, pass SQLite's integrity check, hold either the state from before or the state from
//! after (never a mix; the acknowledged points say which), and finish the work on retry.

use std::{
    io::{BufRead, BufReader, Read},
    path::Path,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use kasane::{Basis, VaultDir};
use rand::{Rng, SeedableRng};

use crate::support::*;

const BIN: &str = env!("CARGO_BIN_EXE_kasane");

fn copy_dir(from: &Path, to: &Path) {
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

/// `kasane ARGS…` on `vault`, stopping at `pause_at` (its stderr piped, to hear it stop there).
fn child(vault: &Path, args: &[&str], pause_at: Option<&str>) -> std::process::Child {
    command(vault, args, pause_at).spawn().expect("spawn kasane")
}

/// The command [`child`] spawns, for a test that also reads what it prints.
fn command(vault: &Path, args: &[&str], pause_at: Option<&str>) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("--vault")
        .arg(vault)
        .args(args)
        .env("KASANE_PASSPHRASE", PASS)
        .stdout(Stdio::null())
        .stderr(if pause_at.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
    match pause_at {
        Some(p) => cmd.env("KASANE_TEST_PAUSE_AT", p),
        None => cmd.env_remove("KASANE_TEST_PAUSE_AT"),
    };
    cmd
}

fn import_child(vault: &Path, bundle: &Path, pause_at: Option<&str>) -> std::process::Child {
    let bundle = bundle.to_str().expect("a UTF-8 path");
    child(vault, &["bundle", "import", bundle], pause_at)
}

/// Waits until the child says it has stopped at `point` (the import acknowledged getting there),
/// then kills it.
fn kill_when_paused(child: &mut std::process::Child, point: &str) {
    wait_until_paused(child, point);
    child.kill().expect("kill the paused import");
    let _ = child.wait();
}

/// Waits until the child says it has stopped at `point`. Progress lines end in `\r`, so the
/// stream is split on both line ends.
fn wait_until_paused(child: &mut std::process::Child, point: &str) {
    let stderr = child.stderr.take().expect("piped stderr");
    let mut text = String::new();
    let mut reader = BufReader::new(stderr);
    let wanted = format!("paused at {point}");
    loop {
        let mut chunk = Vec::new();
        let n = reader.read_until(b'\n', &mut chunk).expect("read the child's stderr");
        text.push_str(&String::from_utf8_lossy(&chunk));
        if text.contains(&wanted) {
            break;
        }
        if n == 0 {
            let mut rest = String::new();
            let _ = reader.read_to_string(&mut rest);
            panic!("the import ended without stopping at {point}: {text}{rest}");
        }
    }
}

fn integrity(v: &kasane::Vault) -> String {
    kasane::testing::sql(v)
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn an_import_killed_at_any_moment_leaves_the_vault_whole_and_completes_on_retry() {
    let work = tempfile::tempdir().unwrap();
    let mut a = agency_vault(700, "福祉総務課", clock());
    let mut b = agency_vault(701, "生活福祉課", clock());
    introduce(&mut a.vault, &mut b.vault, true);
    kasane_demo::fill_demo(&mut a.vault, 150, 7, kasane_demo::DemoLead::ThisAgency, &mut |_, _| {}).unwrap();
    let bid = b.vault.identity().agency;
    for c in a
        .vault
        .cases(&kasane::CaseFilter {
            include_closed: true,
            ..Default::default()
        })
        .unwrap()
    {
        a.vault.share_case(c.id, bid, Some(Basis::ShienKaigi)).unwrap();
    }
    let bundle_path = work.path().join("a2b.kasane");
    let report = a.vault.export_bundle(bid, false, &bundle_path, &mut |_| {}).unwrap();
    assert!(
        report.ops > 1000,
        "a bundle large enough to be killed in the middle: {} ops",
        report.ops
    );
    let before = b.vault.digest().unwrap();
    let pristine = work.path().join("pristine");
    let TestVault {
        _dir: _keep,
        path: b_path,
        vault,
        ..
    } = b;
    drop(vault);
    copy_dir(&b_path, &pristine);

    // The state after a complete import, and how long an uninterrupted import takes.
    let reference = work.path().join("reference");
    copy_dir(&pristine, &reference);
    let started = Instant::now();
    let status = import_child(&reference, &bundle_path, None).wait().unwrap();
    let full = started.elapsed();
    assert!(status.success());
    let after = VaultDir::open(&reference)
        .unwrap()
        .unlock(None, &pass(PASS), ambient(1))
        .unwrap()
        .digest()
        .unwrap();
    assert_ne!(before, after);

    // Killed where the import said it was: before its commit the vault is as before, after it
    // as after; either way the retry completes it.
    let points = [
        ("inbox", &before),
        ("opened", &before),
        ("before-commit", &before),
        ("committed", &after),
    ];
    for (i, (point, expected)) in points.iter().enumerate() {
        let dir = work.path().join(format!("point{i}"));
        copy_dir(&pristine, &dir);
        let mut child = import_child(&dir, &bundle_path, Some(point));
        kill_when_paused(&mut child, point);
        check_and_retry(&dir, &bundle_path, &before, &after, Some(expected), point);
    }

    // And at moments nobody chose: whatever state a kill leaves must be one of the two.
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(42);
    for round in 0..12 {
        let dir = work.path().join(format!("round{round}"));
        copy_dir(&pristine, &dir);
        let mut child = import_child(&dir, &bundle_path, None);
        let delay = Duration::from_micros(rng.gen_range(0..(full.as_micros() as u64 * 13 / 10).max(1)));
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        check_and_retry(
            &dir,
            &bundle_path,
            &before,
            &after,
            None,
            &format!("a kill after {delay:?}"),
        );
    }
}

type Digest = std::collections::BTreeMap<String, kasane::Hash32>;

/// The vault at `dir` opens whole, holds `expected` (or, when None, the state before or after),
/// and a retry — opening it, then importing again if the file never reached the inbox — ends in
/// the state after.
fn check_and_retry(dir: &Path, bundle: &Path, before: &Digest, after: &Digest, expected: Option<&Digest>, when: &str) {
    {
        let v =
            kasane::testing::unlock_as_left(dir, None, &pass(PASS), ambient(2)).expect("the vault opens after a kill");
        assert_eq!(integrity(&v), "ok", "{when}: integrity after the kill");
        let d = v.digest().unwrap();
        match expected {
            Some(e) => assert_eq!(&d, e, "{when}: the state the import had acknowledged"),
            None => assert!(
                &d == before || &d == after,
                "{when}: the vault holds a half-applied bundle"
            ),
        }
    }
    let mut v = VaultDir::open(dir)
        .unwrap()
        .unlock(None, &pass(PASS), ambient(3))
        .unwrap();
    if &v.digest().unwrap() != after {
        v.import_bundle(bundle, &mut |_| {}).unwrap();
    }
    assert_eq!(integrity(&v), "ok");
    assert_eq!(
        &v.digest().unwrap(),
        after,
        "{when}: the retried import ends in the right state"
    );
    assert!(
        v.inbox().unwrap().iter().all(|e| e.status == "applied"),
        "{when}: the inbox shows the bundle applied"
    );
    drop(v);
    let _ = std::fs::remove_dir_all(dir);
}

fn dispose_child(vault: &Path, pause_at: Option<&str>) -> std::process::Child {
    child(
        vault,
        &[
            "retention",
            "dispose",
            "--all-due",
            "--approved-by",
            "福祉総務課長",
            "--yes",
        ],
        pause_at,
    )
}

/// A disposal run killed halfway — inside a case's transaction, and right after one committed —
/// leaves every case either whole or disposed with exactly one 廃棄記録, and running it again
/// finishes the rest.
#[test]
fn a_disposal_killed_halfway_leaves_each_case_whole_or_recorded_and_resumes() {
    let t = agency_vault(720, "福祉総務課", clock());
    let TestVault {
        _dir: _keep,
        path,
        mut vault,
        ..
    } = t;
    let mut cases = Vec::new();
    for (i, label) in ["高橋家", "佐藤家", "鈴木家"].into_iter().enumerate() {
        let hh = household(&mut vault, label, "鎌倉市大町2-3-4");
        let c = vault
            .open_case(kasane::NewCase {
                household: hh,
                title: format!("{label}の相談"),
                problems: vec!["poverty".into()],
                lead_agency: None,
                risk: None,
                next_review: None,
                opened: Some(kasane::parse_date("2019-04-10").unwrap()),
            })
            .unwrap();
        vault
            .close_case(
                c,
                kasane::NewClosure {
                    date: Some(kasane::parse_date(&format!("2020-06-0{}", i + 1)).unwrap()),
                    reason: kasane::ClosureReason::GoalsMet,
                    watch: None,
                    note: None,
                },
            )
            .unwrap();
        cases.push(c);
    }
    drop(vault);
    let open = || {
        VaultDir::open(&path)
            .unwrap()
            .unlock(None, &pass(PASS), ambient(9))
            .unwrap()
    };

    let mut child = dispose_child(&path, Some("disposal-uncommitted"));
    kill_when_paused(&mut child, "disposal-uncommitted");
    let v = open();
    assert_eq!(integrity(&v), "ok");
    assert!(
        v.disposal_records().unwrap().is_empty(),
        "killed before its commit: nothing disposed"
    );
    assert_eq!(v.disposal_due_cases().unwrap().len(), 3, "every case whole");
    drop(v);

    let mut child = dispose_child(&path, Some("disposal-committed"));
    kill_when_paused(&mut child, "disposal-committed");
    let mut v = open();
    assert_eq!(integrity(&v), "ok");
    let records = v.disposal_records().unwrap();
    assert_eq!(
        records.len(),
        1,
        "killed after one commit: that case is disposed and recorded"
    );
    assert!(v.case_detail(records[0].case).is_err(), "and erased");
    assert_eq!(
        v.disposal_due_cases().unwrap().len(),
        2,
        "the others are whole and still due"
    );
    drop(v);

    assert!(
        dispose_child(&path, None).wait().unwrap().success(),
        "the run again finishes"
    );
    let v = open();
    let mut disposed: Vec<_> = v.disposal_records().unwrap().into_iter().map(|r| r.case).collect();
    disposed.sort();
    let mut want = cases.clone();
    want.sort();
    assert_eq!(disposed, want, "exactly one 廃棄記録 per case");
    assert!(v.disposal_due_cases().unwrap().is_empty());
    assert!(v.audit_trail().is_ok());
}

/// A backup started while another process is importing (stopped inside its transaction, then
/// killed) holds the import whole or not at all — opening the records finishes an interrupted
/// import first, so here whole; and a restore refuses a folder that already holds a vault.
#[test]
fn a_backup_taken_during_an_import_holds_it_whole_and_a_restore_keeps_off_another_vault() {
    let work = tempfile::tempdir().unwrap();
    let mut a = agency_vault(730, "福祉総務課", clock());
    let b = agency_vault(731, "生活福祉課", clock());
    let TestVault {
        _dir: _keep_b,
        path: b_path,
        vault: mut bv,
        ..
    } = b;
    introduce(&mut a.vault, &mut bv, true);
    kasane_demo::fill_demo(&mut a.vault, 20, 7, kasane_demo::DemoLead::ThisAgency, &mut |_, _| {}).unwrap();
    let bid = bv.identity().agency;
    for c in a.vault.cases(&kasane::CaseFilter::default()).unwrap() {
        a.vault.share_case(c.id, bid, Some(Basis::ShienKaigi)).unwrap();
    }
    let bundle_path = work.path().join("a2b.kasane");
    a.vault.export_bundle(bid, false, &bundle_path, &mut |_| {}).unwrap();
    let before = bv.digest().unwrap();
    drop(bv);

    let mut importing = import_child(&b_path, &bundle_path, Some("before-commit"));
    // Wait until the import says it is inside its transaction, then back up while it waits there.
    let stderr = importing.stderr.take().expect("piped stderr");
    let mut reader = BufReader::new(stderr);
    let mut seen = String::new();
    while !seen.contains("paused at before-commit") {
        let mut line = Vec::new();
        assert!(
            reader.read_until(b'\n', &mut line).unwrap() > 0,
            "the import ended early: {seen}"
        );
        seen.push_str(&String::from_utf8_lossy(&line));
    }
    let usb = work.path().join("usb");
    std::fs::create_dir(&usb).unwrap();
    // The backup starts while the import holds its transaction open; opening the records writes an
    // entry to the audit trail, so it waits for the import's lock, which goes when the import is
    // killed before its commit. Whichever comes first, the copy is the vault without the import.
    let backing_up = Command::new(BIN)
        .arg("--vault")
        .arg(&b_path)
        .args(["--json", "backup", "--out"])
        .arg(&usb)
        .env("KASANE_PASSPHRASE", PASS)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    importing.kill().unwrap();
    let _ = importing.wait();
    let backup = backing_up.wait_with_output().unwrap();
    assert!(
        backup.status.success(),
        "a backup while an import runs: {} {}",
        String::from_utf8_lossy(&backup.stdout),
        String::from_utf8_lossy(&backup.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&backup.stdout).unwrap();
    let folder = std::path::PathBuf::from(report["path"].as_str().unwrap());
    assert!(
        import_child(&b_path, &bundle_path, None).wait().unwrap().success(),
        "the import finishes"
    );
    let after = VaultDir::open(&b_path)
        .unwrap()
        .unlock(None, &pass(PASS), ambient(733))
        .unwrap()
        .digest()
        .unwrap();
    assert_ne!(after, before);
    // Opening the records to back them up finishes an import cut short (the file waits in the
    // inbox): the copy holds the import whole, as the vault does now — never a part of it.
    let copy = VaultDir::open(&folder)
        .unwrap()
        .unlock(None, &pass(PASS), ambient(732))
        .unwrap();
    assert_eq!(integrity(&copy), "ok");
    assert_eq!(copy.digest().unwrap(), after, "the backup holds the import whole");
    drop(copy);

    // Restoring onto this PC, whose folder holds the vault, is refused and changes nothing.
    let onto = Command::new(BIN)
        .arg("--vault")
        .arg(&b_path)
        .args(["restore"])
        .arg(&folder)
        .args(["--site", "新PC"])
        .env("KASANE_PASSPHRASE", PASS)
        .output()
        .unwrap();
    assert!(!onto.status.success(), "a restore never goes over another vault");
    assert!(
        String::from_utf8_lossy(&onto.stderr).contains("already contains files"),
        "{}",
        String::from_utf8_lossy(&onto.stderr)
    );
    let kept = VaultDir::open(&b_path)
        .unwrap()
        .unlock(None, &pass(PASS), ambient(734))
        .unwrap();
    assert_eq!(kept.digest().unwrap(), after, "the vault is as it was");

    // Onto a new folder it makes a new PC of the agency, and says the 照合番号 to compare.
    let new_pc = work.path().join("new-pc");
    let restored = Command::new(BIN)
        .arg("--vault")
        .arg(&new_pc)
        .args(["--json", "restore"])
        .arg(&folder)
        .args(["--site", "新PC"])
        .env("KASANE_PASSPHRASE", PASS)
        .output()
        .unwrap();
    assert!(
        restored.status.success(),
        "{}",
        String::from_utf8_lossy(&restored.stdout)
    );
    let r: serde_json::Value = serde_json::from_slice(&restored.stdout).unwrap();
    assert_ne!(r["new_site"], r["old_site"], "a new site");
    assert_eq!(
        r["fingerprint"].as_str().unwrap().split(' ').count(),
        6,
        "six groups of five digits"
    );
}

/// A worker's removal killed at each step of its key change: staged but not switched (the old key
/// and everyone in force), and switched with the key files following (the new key in force, the
/// leaver gone). After every kill the vault opens with a remaining worker's password and checks
/// whole, with the records as they were; the state is the old one or the new one, never a mix:
/// either the leaver's password and the old recovery code still open it, or neither does and the
/// code printed before the switch does. Run again, the removal completes.
#[test]
fn a_worker_removal_killed_at_every_step_leaves_the_old_key_or_the_new_one_in_force() {
    const SATO: &str = "sato passphrase";
    const SUZUKI: &str = "suzuki passphrase";
    let work = tempfile::tempdir().unwrap();
    let TestVault {
        _dir: _keep,
        path,
        mut vault,
        code: old_code,
    } = new_vault(730);
    vault
        .add_worker("佐藤", &pass(SATO), kasane::KdfCost::Fixed(10))
        .unwrap();
    vault
        .add_worker("鈴木", &pass(SUZUKI), kasane::KdfCost::Fixed(10))
        .unwrap();
    kasane_demo::fill_demo(&mut vault, 20, 3, kasane_demo::DemoLead::ThisAgency, &mut |_, _| {}).unwrap();
    let before = vault.digest().unwrap();
    drop(vault);
    let pristine = work.path().join("pristine");
    copy_dir(&path, &pristine);

    let args = ["--worker", "山田", "worker", "remove", "佐藤", "--yes"];
    for (point, switched) in [
        ("rekey-exported", false),
        ("rekey-staged", false),
        ("rekey-switched", true),
        ("rekey-keys-set-aside", true),
    ] {
        let dir = work.path().join(point);
        copy_dir(&pristine, &dir);
        let mut c = command(&dir, &args, Some(point))
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn kasane");
        let mut stdout = c.stdout.take().expect("piped stdout");
        wait_until_paused(&mut c, point);
        // While the change is under way, another process opening the folder is told it is busy
        // and touches nothing.
        let err = VaultDir::open(&dir).expect_err("the folder while its key is being changed");
        assert!(matches!(err, kasane::VaultError::Busy), "{point}: got {err:?}");
        c.kill().expect("kill the paused removal");
        let _ = c.wait();
        let mut printed = String::new();
        let _ = stdout.read_to_string(&mut printed);
        let new_code = printed
            .lines()
            .map(str::trim)
            .find(|l| l.len() == 69 && l.matches('-').count() == 13)
            .map(str::to_string);

        let unlock = |who: &str, p: &str| VaultDir::open(&dir).unwrap().unlock(Some(who), &pass(p), ambient(3));
        let v = VaultDir::open(&dir)
            .unwrap_or_else(|e| panic!("{point}: the folder opens: {e}"))
            .unlock(Some("鈴木"), &pass(SUZUKI), ambient(3))
            .unwrap_or_else(|e| panic!("{point}: a remaining worker's password opens it: {e}"));
        assert_eq!(integrity(&v), "ok", "{point}");
        assert_eq!(v.digest().unwrap(), before, "{point}: the records are as they were");
        let sato_there = v.workers().iter().any(|w| w.name == "佐藤");
        assert_eq!(
            sato_there, !switched,
            "{point}: the leaver is gone exactly when switched"
        );
        drop(v);
        for leftover in ["kasane.db.next", "keys.next", "keys.old", "rekey.lock"] {
            assert!(!dir.join(leftover).exists(), "{point}: {leftover} settled at the open");
        }
        let sato = unlock("佐藤", SATO);
        assert_eq!(
            sato.is_ok(),
            !switched,
            "{point}: the leaver's password opens only the old state"
        );
        drop(sato);
        unlock("山田", PASS).unwrap_or_else(|e| panic!("{point}: 山田 opens: {e}"));

        // Which recovery code opens it says which key is in force.
        let recovers = |code: &str| {
            VaultDir::open(&dir)
                .unwrap()
                .recover(
                    code,
                    Some("鈴木"),
                    &pass(SUZUKI),
                    kasane::KdfCost::Fixed(10),
                    ambient(4),
                )
                .is_ok()
        };
        assert_eq!(recovers(&old_code), !switched, "{point}: the old code");
        match &new_code {
            Some(code) => assert_eq!(recovers(code), switched, "{point}: the printed code"),
            None => assert!(!switched, "{point}: a switch is never made before its code is printed"),
        }

        if !switched {
            assert!(
                child(&dir, &args, None).wait().unwrap().success(),
                "{point}: run again, it completes"
            );
            let v = VaultDir::open(&dir)
                .unwrap()
                .unlock(Some("鈴木"), &pass(SUZUKI), ambient(5))
                .unwrap();
            assert!(v.workers().iter().all(|w| w.name != "佐藤"));
            assert_eq!(v.digest().unwrap(), before);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
