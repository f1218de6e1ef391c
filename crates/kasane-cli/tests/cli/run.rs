//! Running the real `kasane` binary from the tests: its exit code and output, `--json` results,
//! and a new vault with the cheapest KDF.

use std::{path::Path, process::Command};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_kasane");
/// The passphrase of every vault `init` makes.
pub const PASS: &str = "cli test passphrase";

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `kasane --vault VAULT ARGS…` with `pass` as the passphrase, in the program's default
/// language; no worker or vault from the environment.
pub fn kasane(vault: &Path, pass: &str, args: &[&str]) -> Run {
    run(Command::new(BIN).env("KASANE_PASSPHRASE", pass), vault, args)
}

/// The same, on a PC set to Japanese (messages as a case worker reads them).
pub fn kasane_ja(vault: &Path, args: &[&str]) -> Run {
    run(
        Command::new(BIN)
            .env("KASANE_PASSPHRASE", PASS)
            .env_remove("KASANE_LANG")
            .env("LANG", "ja_JP.UTF-8"),
        vault,
        args,
    )
}

fn run(cmd: &mut Command, vault: &Path, args: &[&str]) -> Run {
    let out = cmd
        .arg("--vault")
        .arg(vault)
        .args(args)
        .env_remove("KASANE_WORKER")
        .env_remove("KASANE_VAULT")
        .output()
        .expect("run kasane");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `kasane --json ARGS…`, which must succeed; its JSON.
pub fn ok(vault: &Path, args: &[&str]) -> Value {
    let r = kasane(vault, PASS, &[&["--json"], args].concat());
    assert_eq!(r.code, 0, "kasane {args:?} failed: {}", r.stderr);
    serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("kasane {args:?} printed invalid JSON ({e}): {}", r.stdout))
}

/// A new vault at `vault` for `agency` (site PC-1, worker 山田, the cheapest KDF).
pub fn init(vault: &Path, agency: &str) {
    ok(
        vault,
        &[
            "init",
            "--agency",
            agency,
            "--site",
            "PC-1",
            "--worker",
            "山田",
            "--kdf-cost",
            "10",
        ],
    );
}

/// The `id` of a command's JSON answer.
pub fn id(v: &Value) -> String {
    v["id"].as_str().expect("an id").to_string()
}
