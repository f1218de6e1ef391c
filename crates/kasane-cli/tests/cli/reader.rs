//! The `kasane` command and a bundle that fails after it verified: listed as failed, retried only
//! when asked.

use serde_json::Value;

use crate::support::*;

#[test]
fn the_cli_lists_a_failed_bundle_and_retries_it_only_when_asked() {
    let mut w = world(680);
    let file = poison(&mut w);
    let TestVault { _dir, path, vault, .. } = w.b;
    drop(vault);
    let bundle = _dir.path().join("poison.kasane");
    std::fs::write(&bundle, &file).unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_kasane"))
            .arg("--vault")
            .arg(&path)
            .args(args)
            .env("KASANE_PASSPHRASE", PASS)
            .env_remove("KASANE_WORKER")
            .env_remove("KASANE_VAULT")
            .output()
            .unwrap()
    };
    let out = run(&["--json", "bundle", "import", bundle.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "an internal failure exits 1: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&["--json", "inbox"]);
    assert_eq!(out.status.code(), Some(0));
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    let failed = list
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["status"] == "failed")
        .unwrap_or_else(|| panic!("`kasane inbox` lists the failed file: {list}"));
    let name = failed["file"].as_str().unwrap().to_string();
    assert!(failed["reason"].as_str().is_some_and(|r| !r.is_empty()), "{failed}");
    let text = run(&["inbox"]);
    assert!(
        String::from_utf8_lossy(&text.stdout).contains("kasane inbox retry"),
        "the text tells how to retry"
    );
    // Opening the vault for any command does not retry it.
    let out = run(&["--json", "inbox"]);
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        list.as_array()
            .unwrap()
            .iter()
            .find(|e| e["file"] == name.as_str())
            .unwrap()["done_at"],
        failed["done_at"],
        "no command retried it by itself"
    );
    let out = run(&["--json", "inbox", "retry", &name]);
    assert_eq!(out.status.code(), Some(1), "asked, it is tried again and fails again");
    let out = run(&["--json", "inbox", "retry", "no-such.kasane"]);
    assert_eq!(out.status.code(), Some(2), "an unknown file is bad input");
}
