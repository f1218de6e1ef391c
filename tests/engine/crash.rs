//! Crash safety: the real `kasane` binary is killed at random moments while importing a bundle,
//! dozens of times. Every time, the vault must open, pass SQLite's integrity check, hold either
//! the state from before or the state from after (never a mix), and finish the import on retry.

use std::{
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

fn import_child(vault: &Path, bundle: &Path) -> std::process::Child {
    Command::new(BIN)
        .arg("--vault")
        .arg(vault)
        .args(["bundle", "import"])
        .arg(bundle)
        .env("KASANE_PASSPHRASE", PASS)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn kasane")
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
    kasane::fill_demo(&mut a.vault, 150, 7, kasane::DemoLead::ThisAgency, &mut |_, _| {}).unwrap();
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
    let status = import_child(&reference, &bundle_path).wait().unwrap();
    let full = started.elapsed();
    assert!(status.success());
    let after = VaultDir::open(&reference)
        .unwrap()
        .unlock(None, &pass(PASS), ambient(1))
        .unwrap()
        .digest()
        .unwrap();
    assert_ne!(before, after);

    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(42);
    let (mut killed, mut mid_state) = (0, 0);
    for round in 0..30 {
        let dir = work.path().join(format!("round{round}"));
        copy_dir(&pristine, &dir);
        let mut child = import_child(&dir, &bundle_path);
        let delay = Duration::from_micros(rng.gen_range(0..(full.as_micros() as u64 * 13 / 10).max(1)));
        std::thread::sleep(delay);
        let finished = child.try_wait().unwrap().is_some();
        let _ = child.kill();
        let _ = child.wait();
        if !finished {
            killed += 1;
        }
        {
            let v = kasane::testing::unlock_as_left(&dir, None, &pass(PASS), ambient(2))
                .expect("the vault opens after a kill");
            assert_eq!(
                integrity(&v),
                "ok",
                "round {round}: integrity after a kill at {delay:?}"
            );
            let d = v.digest().unwrap();
            assert!(
                d == before || d == after,
                "round {round}: the vault holds a half-applied bundle (kill at {delay:?})"
            );
            if d == before {
                mid_state += 1;
            }
        }
        // Opening the vault retries what the inbox holds; if the kill came before the file
        // reached the inbox, the worker simply imports it again.
        let mut v = VaultDir::open(&dir)
            .unwrap()
            .unlock(None, &pass(PASS), ambient(3))
            .unwrap();
        if v.digest().unwrap() != after {
            v.import_bundle(&bundle_path, &mut |_| {}).unwrap();
        }
        assert_eq!(integrity(&v), "ok");
        assert_eq!(
            v.digest().unwrap(),
            after,
            "round {round}: the retried import ends in the right state"
        );
        assert!(
            v.inbox().unwrap().iter().all(|e| e.status == "applied"),
            "round {round}: the inbox shows the bundle applied"
        );
        drop(v);
        let _ = std::fs::remove_dir_all(&dir);
    }
    assert!(
        killed >= 10,
        "most rounds must kill the import before it finished (killed {killed} of 30)"
    );
    assert!(
        mid_state >= 5,
        "and many kills must land before the commit ({mid_state} of 30)"
    );
}
