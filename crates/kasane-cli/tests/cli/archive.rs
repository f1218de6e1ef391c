//! `kasane archive`, read back as the city would without Kasane: decrypted by the reference `age`
//! tool (Debian package `age`, installed by scripts/setup.sh) typing the password at its prompt on
//! a terminal, unpacked by the system's `tar`, and checked with `sha256sum` against the manifest.
//! Then the refusals and their exit codes, and the program killed while writing: the name asked
//! for never holds a partial archive.

use std::{
    io::{BufRead, BufReader, Read, Write},
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

use serde_json::Value;

use crate::support::*;

const BIN: &str = env!("CARGO_BIN_EXE_kasane");
const ARCHIVE_PASS: &str = "the city's archive password";

fn archive_cmd(vault: &Path, out: &Path, passphrase: &str) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("--vault")
        .arg(vault)
        .args(["--json", "archive", "--out"])
        .arg(out)
        .env("KASANE_PASSPHRASE", PASS)
        .env("KASANE_ARCHIVE_PASSPHRASE", passphrase)
        .env_remove("KASANE_WORKER")
        .env_remove("KASANE_VAULT")
        .env_remove("KASANE_TEST_PAUSE_AT");
    cmd
}

/// A vault with a household whose name the test looks for, and some demo city around it.
fn vault_with_records(seed: u64) -> (TestVault, uuid::Uuid) {
    let mut t = agency_vault(seed, "福祉総務課", clock());
    let hh = household(&mut t.vault, "髙橋家", "鎌倉市大町2-3-4");
    person(&mut t.vault, hh, "髙橋", "ハル", "タカハシ", "ハル", "S15", "本人");
    case(&mut t.vault, hh, "母の認知症と長男のひきこもり");
    kasane_demo::fill_demo(&mut t.vault, 20, 11, kasane_demo::DemoLead::ThisAgency, &mut |_, _| {}).unwrap();
    (t, hh)
}

/// Runs the reference `age -d` in a pseudo-terminal (it reads a passphrase only from a
/// terminal), typing `passphrase` once it asks for it. Returns whether it succeeded, and what it
/// said.
fn age_decrypt(archive: &Path, plain: &Path, passphrase: &str) -> (bool, String) {
    // util-linux `script` gives the command a terminal and relays our stdin to it.
    let command = format!("age -d -o '{}' '{}'", plain.display(), archive.display());
    let mut child = Command::new("script")
        .args(["--quiet", "--return", "--command", &command, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run `script` (util-linux)");
    let mut stdout = child.stdout.take().unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 256];
    // Wait for the prompt, as a person would, before typing.
    while !String::from_utf8_lossy(&seen).to_lowercase().contains("passphrase") {
        let n = stdout.read(&mut buf).expect("read age's terminal");
        assert!(
            n > 0,
            "age ended without asking for the passphrase: {}",
            String::from_utf8_lossy(&seen)
        );
        seen.extend_from_slice(&buf[..n]);
    }
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(format!("{passphrase}\r").as_bytes()).unwrap();
    stdin.flush().unwrap();
    let mut rest = Vec::new();
    stdout.read_to_end(&mut rest).unwrap();
    seen.extend_from_slice(&rest);
    let status = child.wait().unwrap();
    drop(stdin);
    (status.success(), String::from_utf8_lossy(&seen).into_owned())
}

fn run_ok(cmd: &mut Command, what: &str) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("run {what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn an_archive_opens_with_the_reference_age_and_tar_tools_and_matches_its_manifest() {
    let (t, hh) = vault_with_records(1500);
    let TestVault { _dir, path, vault, .. } = t;
    drop(vault);
    let work = tempfile::tempdir().unwrap();
    let archive = work.path().join("記録一式.tar.age");
    let out = archive_cmd(&path, &archive, ARCHIVE_PASS).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("the report as JSON");
    assert_eq!(report["path"], archive.display().to_string());
    assert!(report["records"].as_u64().unwrap() > 100, "{report}");
    assert!(report["forms"].as_u64().unwrap() > 10, "{report}");
    assert_eq!(report["audit_verified"], true);
    assert_eq!(
        report["bytes"].as_u64(),
        Some(std::fs::metadata(&archive).unwrap().len())
    );

    // A wrong password does not open it, and leaves nothing usable.
    let wrong = work.path().join("wrong.tar");
    let (ok, said) = age_decrypt(&archive, &wrong, "not the password");
    assert!(!ok, "age refuses a wrong password: {said}");
    assert!(said.contains("incorrect passphrase"), "age says why: {said}");

    let plain = work.path().join("records.tar");
    let (ok, said) = age_decrypt(&archive, &plain, ARCHIVE_PASS);
    assert!(ok, "age -d with the archive's password: {said}");
    let unpacked = work.path().join("unpacked");
    std::fs::create_dir(&unpacked).unwrap();
    run_ok(
        Command::new("tar").arg("-xf").arg(&plain).arg("-C").arg(&unpacked),
        "tar -xf",
    );

    // Every file the manifest lists, with its size and SHA-256, by the standard tools.
    let manifest: Value = serde_json::from_slice(&std::fs::read(unpacked.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["kasane_archive"], 1);
    assert_eq!(manifest["archive"], report["archive"]);
    let mut sums = String::new();
    for f in manifest["files"].as_array().unwrap() {
        let p = f["path"].as_str().unwrap();
        assert_eq!(
            std::fs::metadata(unpacked.join(p)).unwrap().len(),
            f["bytes"].as_u64().unwrap(),
            "{p}"
        );
        sums.push_str(&format!("{}  {p}\n", f["sha256"].as_str().unwrap()));
    }
    std::fs::write(work.path().join("sums"), sums).unwrap();
    run_ok(
        Command::new("sha256sum")
            .args(["--check", "--strict", "--quiet"])
            .arg(work.path().join("sums"))
            .current_dir(&unpacked),
        "sha256sum --check",
    );

    // The household the test wrote, as JSON Lines any reader parses.
    let households = std::fs::read_to_string(unpacked.join("records/household.jsonl")).unwrap();
    let mine: Vec<Value> = households
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|h| h["id"] == hh.to_string())
        .collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["fields"]["label"], "髙橋家");
    assert_eq!(mine[0]["fields"]["address"], "鎌倉市大町2-3-4");
    let persons = std::fs::read_to_string(unpacked.join("records/person.jsonl")).unwrap();
    assert!(persons.lines().any(|l| l.contains("\"family_name\":\"髙橋\"")));
    let readme = std::fs::read_to_string(unpacked.join("README.txt")).unwrap();
    assert!(readme.contains("age -d") && readme.contains("tar -xf"));
    assert!(
        std::fs::read_to_string(unpacked.join("forms/index.html"))
            .unwrap()
            .contains("相談受付票")
    );

    // The archive is one entry in the trail.
    let trail = run_ok(
        Command::new(BIN)
            .arg("--vault")
            .arg(&path)
            .args(["--json", "audit", "--action", "archive"])
            .env("KASANE_PASSPHRASE", PASS)
            .env_remove("KASANE_WORKER")
            .env_remove("KASANE_VAULT"),
        "kasane audit",
    );
    let trail: Value = serde_json::from_str(&trail).unwrap();
    assert_eq!(trail["matching"], 1, "{trail}");
    assert_eq!(trail["entries"][0]["target"], report["archive"]);
}

#[test]
fn refusals_exit_with_their_codes_and_leave_nothing() {
    let (t, _) = vault_with_records(1510);
    let TestVault { _dir, path, vault, .. } = t;
    drop(vault);
    let work = tempfile::tempdir().unwrap();
    let refused = |out: &Path, passphrase: &str, code: &str| {
        let r = archive_cmd(&path, out, passphrase).output().unwrap();
        assert_eq!(
            r.status.code(),
            Some(2),
            "{code}: {}",
            String::from_utf8_lossy(&r.stderr)
        );
        let e: Value = serde_json::from_slice(&r.stderr).expect("the error as JSON on stderr");
        assert_eq!(e["error"]["code"], code);
        assert_eq!(e["error"]["kind"], "bad-input");
        assert!(!e["error"]["message_ja"].as_str().unwrap().is_empty());
    };
    let out = work.path().join("a.tar.age");
    refused(&out, "", "key.passphrase-too-short");
    refused(&out, "short", "key.passphrase-too-short");
    refused(
        &work.path().join("missing").join("a.tar.age"),
        ARCHIVE_PASS,
        "archive.destination",
    );
    refused(&path.join("a.tar.age"), ARCHIVE_PASS, "archive.inside-vault");
    assert!(
        std::fs::read_dir(work.path()).unwrap().next().is_none(),
        "nothing was written"
    );
    std::fs::write(&out, b"an older archive").unwrap();
    refused(&out, ARCHIVE_PASS, "archive.exists");
    assert_eq!(std::fs::read(&out).unwrap(), b"an older archive", "never written over");

    // Without the variable the password is asked on the terminal; without a terminal (a new
    // session, as a scheduled job runs) the command says which variable to set.
    let r = Command::new("setsid")
        .arg("--wait")
        .arg(BIN)
        .arg("--vault")
        .arg(&path)
        .args(["--json", "archive", "--out"])
        .arg(work.path().join("b.tar.age"))
        .env("KASANE_PASSPHRASE", PASS)
        .env_remove("KASANE_ARCHIVE_PASSPHRASE")
        .env_remove("KASANE_WORKER")
        .env_remove("KASANE_VAULT")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(
        r.status.code(),
        Some(2),
        "without a terminal it says which variable to set"
    );
    assert!(
        String::from_utf8_lossy(&r.stderr).contains("KASANE_ARCHIVE_PASSPHRASE"),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    assert!(!work.path().join("b.tar.age").exists());
}

/// Starts `kasane archive` told to stop at `point`, waits until it says it has, and kills it.
fn kill_at(vault: &Path, out: &Path, point: &str) {
    let mut child = archive_cmd(vault, out, ARCHIVE_PASS)
        .env("KASANE_TEST_PAUSE_AT", point)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stderr.take().unwrap());
    let mut text = String::new();
    let wanted = format!("paused at {point}");
    while !text.contains(&wanted) {
        let mut chunk = Vec::new();
        let n = reader.read_until(b'\n', &mut chunk).unwrap();
        text.push_str(&String::from_utf8_lossy(&chunk));
        assert!(n > 0, "kasane archive ended without stopping at {point}: {text}");
    }
    child.kill().unwrap();
    let _ = child.wait();
}

#[test]
fn an_archive_killed_while_written_leaves_no_file_under_its_name() {
    let (t, _) = vault_with_records(1520);
    let TestVault { _dir, path, vault, .. } = t;
    drop(vault);
    let work = tempfile::tempdir().unwrap();
    let out: PathBuf = work.path().join("a.tar.age");
    for point in ["archive-forms", "archive-sealed"] {
        kill_at(&path, &out, point);
        assert!(!out.exists(), "killed at {point}: no archive under the name asked for");
        let left: Vec<String> = std::fs::read_dir(work.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            left.iter().all(|n| n.starts_with(".a.tar.age.") && n.ends_with(".tmp")),
            "only the hidden temporary file may remain: {left:?}"
        );
    }
    // The next run writes it whole.
    let r = archive_cmd(&path, &out, ARCHIVE_PASS).output().unwrap();
    assert_eq!(r.status.code(), Some(0), "{}", String::from_utf8_lossy(&r.stderr));
    assert!(out.exists());
}
