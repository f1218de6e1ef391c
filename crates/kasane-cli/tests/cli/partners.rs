//! The `kasane` command where agency names and partners' card files are involved: an ambiguous
//! name is refused wherever one is a target, and a bad card file is told from an internal error.

use std::{path::Path, process::Command};

use kasane::testing;
use serde_json::Value;

use crate::support::*;

fn cli(vault: &Path, args: &[&str]) -> (i32, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_kasane"))
        .arg("--vault")
        .arg(vault)
        .arg("--json")
        .args(args)
        .env("KASANE_PASSPHRASE", PASS)
        .env_remove("KASANE_WORKER")
        .env_remove("KASANE_VAULT")
        .output()
        .unwrap();
    let text = if out.status.success() { out.stdout } else { out.stderr };
    (
        out.status.code().unwrap_or(-1),
        serde_json::from_slice(&text).unwrap_or(Value::Null),
    )
}

#[test]
fn the_cli_refuses_an_ambiguous_agency_name_wherever_one_is_a_target() {
    let w = squatted(750, "生活福祉課", "生活福祉課");
    let case = w.case.to_string();
    let b_agency = agency_id(&w.b.vault).to_string();
    let TestVault { _dir, path, vault, .. } = w.a;
    drop(vault);
    let out = _dir.path().join("to-b.kasane");
    let out = out.to_str().unwrap();
    for args in [
        vec![
            "case",
            "share",
            &case,
            "--agency",
            "生活福祉課",
            "--basis",
            "shien-kaigi",
        ],
        vec!["bundle", "export", "--to", "生活福祉課", "--out", out],
        vec![
            "meeting",
            "new",
            "--type",
            "shien-kaigi",
            "--date",
            "2026-12-10 14:00",
            "--place",
            "本庁舎",
            "--attendee",
            "生活福祉課",
        ],
    ] {
        let (code, err) = cli(&path, &args);
        assert_eq!(code, 2, "{args:?}: an ambiguous name is bad input: {err}");
        assert_eq!(err["error"]["code"], "input.ambiguous-agency", "{args:?}: {err}");
        assert!(
            err["error"]["message"].as_str().unwrap().contains(&b_agency),
            "{args:?}: the candidates are listed with their ids: {err}"
        );
    }
    let (code, shares) = cli(
        &path,
        &["case", "share", &case, "--agency", &b_agency, "--basis", "shien-kaigi"],
    );
    assert_eq!(code, 0, "by id the share goes to B: {shares}");
    assert!(
        shares
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["agency"] == b_agency.as_str() && s["active"] == true),
        "{shares}"
    );
}

#[test]
fn the_cli_tells_user_errors_in_card_files_from_internal_ones() {
    let a = agency_vault(760, "福祉総務課", clock());
    let p = agency_vault(761, "子ども家庭課", clock());
    let own = testing::forged_card(&p.vault, &mut |c| {
        c.agency = agency_id(&a.vault);
        c.agency_name = "福祉総務課".into();
    })
    .unwrap();
    let TestVault { _dir, path, vault, .. } = a;
    drop(vault);
    let dir = _dir.path();
    let binary = dir.join("binary.card");
    std::fs::write(&binary, b"KASANE MEMBER CARD 2\n\xff\xfe\x00 not text").unwrap();
    let v1 = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors/card-v1.txt");
    let own_file = dir.join("own.card");
    std::fs::write(&own_file, &own).unwrap();
    let (code, err) = cli(&path, &["card", "import", binary.to_str().unwrap()]);
    assert_eq!(
        code, 2,
        "a file that is not UTF-8 text is bad input, not internal: {err}"
    );
    assert_eq!(err["error"]["code"], "card.invalid");
    let (code, err) = cli(&path, &["card", "import", v1.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(err["error"]["code"], "card.outdated");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("ask the partner for a new file")
    );
    let (code, err) = cli(&path, &["card", "import", own_file.to_str().unwrap()]);
    assert_eq!(code, 4, "a card claiming this agency is refused: {err}");
    assert_eq!(err["error"]["code"], "card.own-agency");
    let (code, info) = cli(&path, &["card", "import", "--own-pc", own_file.to_str().unwrap()]);
    assert_eq!(code, 0, "imported deliberately as a PC of this agency: {info}");
    let (code, err) = cli(
        &path,
        &[
            "init",
            "--join",
            binary.to_str().unwrap(),
            "--site",
            "x",
            "--worker",
            "y",
        ],
    );
    assert_eq!(code, 2, "joining with a file that is not text is bad input: {err}");
}

#[test]
fn a_key_change_made_on_the_command_line_reaches_the_partner_in_the_next_file() {
    let (l, b, case) = lead_and_partner(2141);
    let b_agency = agency_id(&b.vault).to_string();
    let TestVault {
        _dir: l_dir,
        path: l_path,
        vault,
        ..
    } = l;
    drop(vault);
    let TestVault {
        _dir: b_dir,
        path: b_path,
        vault,
        ..
    } = b;
    drop(vault);

    let (code, none) = cli(&l_path, &["site", "key-changes"]);
    assert_eq!(
        (code, none.as_array().map(Vec::len)),
        (0, Some(0)),
        "no change yet: {none}"
    );
    let (code, rotated) = cli(&l_path, &["site", "rotate-keys"]);
    assert_eq!(code, 0, "{rotated}");
    assert_eq!(rotated["epoch"], 1, "{rotated}");
    let fingerprint = rotated["fingerprint"].as_str().unwrap().to_string();

    let (code, _) = cli(
        &l_path,
        &[
            "note",
            "add",
            "--case",
            &case.to_string(),
            "--kind",
            "visit",
            "--text",
            "鍵の更新後の訪問",
        ],
    );
    assert_eq!(code, 0);
    let file = l_dir.path().join("to-b.kasane");
    let file = file.to_str().unwrap();
    let (code, exported) = cli(&l_path, &["bundle", "export", "--to", &b_agency, "--out", file]);
    assert_eq!(code, 0, "{exported}");
    let (code, imported) = cli(&b_path, &["bundle", "import", file]);
    assert_eq!(code, 0, "{imported}");
    assert_eq!(imported["key_changes"], 1, "the partner learnt the change: {imported}");

    let (_, changes) = cli(&b_path, &["site", "key-changes"]);
    assert_eq!(changes.as_array().map(Vec::len), Some(1), "{changes}");
    assert_eq!(changes[0]["own"], false);
    let (_, sites) = cli(&b_path, &["sites"]);
    assert!(
        sites
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["fingerprint"] == fingerprint.as_str() && s["verified"] == true),
        "the partner shows the new check number, still trusted: {sites}"
    );
    drop(b_dir);
}
