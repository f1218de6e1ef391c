//! The `kasane` binary end to end: real processes, real vault folders, documented exit codes and
//! JSON shapes.

use std::process::Command;

use serde_json::Value;

use crate::run::*;

#[test]
fn a_worker_records_a_household_and_finds_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("v");
    let init = ok(
        &vault,
        &[
            "init",
            "--agency",
            "福祉総務課",
            "--site",
            "PC-1",
            "--worker",
            "山田",
            "--kdf-cost",
            "10",
        ],
    );
    let code = init["recovery_code"]
        .as_str()
        .expect("init prints the recovery code once");
    assert_eq!(code.len(), 69);
    let hh = id(&ok(
        &vault,
        &[
            "household",
            "add",
            "--label",
            "髙橋家",
            "--district",
            "kamakura-2",
            "--address",
            "鎌倉市大町2-3-4",
        ],
    ));
    let p = id(&ok(
        &vault,
        &[
            "person",
            "add",
            "--household",
            &hh,
            "--family-name",
            "髙橋",
            "--given-name",
            "ハル",
            "--family-kana",
            "タカハシ",
            "--given-kana",
            "ハル",
            "--birth",
            "昭和15年",
            "--sex",
            "female",
            "--relation",
            "本人",
        ],
    ));
    let shown = ok(&vault, &["person", "show", &p]);
    assert_eq!(shown["birth"], "1940");
    assert_eq!(shown["birth_wareki"], "昭和15年");
    assert_eq!(
        shown["age"]["max"].as_u64().unwrap() - shown["age"]["min"].as_u64().unwrap(),
        1,
        "a year-only birth gives a one-year range"
    );
    let c = id(&ok(
        &vault,
        &[
            "case",
            "open",
            "--household",
            &hh,
            "--title",
            "8050",
            "--problem",
            "hachimaru-gomaru",
            "dementia",
        ],
    ));
    ok(
        &vault,
        &[
            "case",
            "update",
            &c,
            "--status",
            "支援中",
            "--risk",
            "high",
            "--next-review",
            "R8.12.10",
        ],
    );
    ok(
        &vault,
        &[
            "note",
            "add",
            "--case",
            &c,
            "--kind",
            "訪問",
            "--text",
            "母は腰痛で通院中。",
        ],
    );
    let case = ok(&vault, &["case", "show", &c]);
    assert_eq!(case["case"]["status"], "active");
    assert_eq!(case["case"]["next_review"], "2026-12-10");
    assert_eq!(case["notes"][0]["kind"], "visit");
    let hits = ok(&vault, &["search", "高橋"]);
    assert!(
        hits.as_array().unwrap().iter().any(|h| h["id"] == p.as_str()),
        "髙 typed, 高 searched: {hits}"
    );
    let hits = ok(&vault, &["search", "takahashi"]);
    assert!(!hits.as_array().unwrap().is_empty());
    let list = ok(&vault, &["household", "list"]);
    assert_eq!(list[0]["members"], 1);
    let audit = ok(&vault, &["audit"]);
    assert_eq!(audit["verified"], true);
    assert!(
        audit["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "person.view"),
        "showing a person is audited"
    );
}

#[test]
fn exit_codes_tell_scripts_what_went_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("v");
    let missing = kasane(&vault, "x", &["household", "list"]);
    assert_eq!(missing.code, 6, "no vault: exit 6; stderr: {}", missing.stderr);
    assert!(
        missing.stderr.contains("kasane init"),
        "the message says how to fix it: {}",
        missing.stderr
    );
    ok(
        &vault,
        &[
            "init",
            "--agency",
            "A",
            "--site",
            "S",
            "--worker",
            "W",
            "--kdf-cost",
            "10",
        ],
    );
    let wrong = kasane(&vault, "not the passphrase", &["household", "list"]);
    assert_eq!(wrong.code, 3, "wrong passphrase: exit 3");
    let ja = Command::new(BIN)
        .arg("--vault")
        .arg(&vault)
        .args(["household", "list"])
        .env("KASANE_PASSPHRASE", "not the passphrase")
        .env("LANG", "ja_JP.UTF-8")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&ja.stderr).contains("パスワードが違います"),
        "a Japanese environment gets Japanese messages"
    );
    let bad = kasane(
        &vault,
        "cli test passphrase",
        &["household", "add", "--label", "x", "--district", "tokyo"],
    );
    assert_eq!(bad.code, 2, "unknown district: exit 2; {}", bad.stderr);
    assert!(
        bad.stderr.contains("kamakura-1"),
        "the message lists valid districts: {}",
        bad.stderr
    );
    let hh = id(&ok(
        &vault,
        &["household", "add", "--label", "x", "--district", "tamanawa"],
    ));
    let impossible = kasane(
        &vault,
        "cli test passphrase",
        &[
            "person",
            "add",
            "--household",
            &hh,
            "--family-name",
            "a",
            "--given-name",
            "b",
            "--family-kana",
            "あ",
            "--given-kana",
            "い",
            "--birth",
            "R1.4.30",
            "--sex",
            "male",
            "--relation",
            "本人",
        ],
    );
    assert_eq!(impossible.code, 2, "R1.4.30 does not exist: exit 2");
    let nobody = kasane(
        &vault,
        "cli test passphrase",
        &["person", "show", "01960000-0000-7000-8000-000000000000"],
    );
    assert_eq!(nobody.code, 5, "unknown id: exit 5; {}", nobody.stderr);
    // Files named on the command line are the user's to fix: exit 2 and the file named, never
    // "internal".
    let card_path = dir.path().join("届いていない.card");
    let no_card = kasane(
        &vault,
        "cli test passphrase",
        &["card", "import", card_path.to_str().unwrap()],
    );
    assert_eq!(no_card.code, 2, "a missing card file is bad input: {}", no_card.stderr);
    assert!(
        no_card.stderr.contains("届いていない.card") && no_card.stderr.contains("no such file"),
        "the message names the file and says it is missing: {}",
        no_card.stderr
    );
    for verb in ["inspect", "import"] {
        let bundle_path = dir.path().join("届いていない.kasane");
        let no_bundle = kasane(
            &vault,
            "cli test passphrase",
            &["bundle", verb, bundle_path.to_str().unwrap()],
        );
        assert_eq!(
            no_bundle.code, 2,
            "a missing exchange file is bad input for bundle {verb}: {}",
            no_bundle.stderr
        );
        assert!(
            no_bundle.stderr.contains("届いていない.kasane") && no_bundle.stderr.contains("no such file"),
            "bundle {verb} names the missing file: {}",
            no_bundle.stderr
        );
    }
    std::fs::write(&card_path, b"\xff\xfe not text").unwrap();
    let not_text = kasane(
        &vault,
        "cli test passphrase",
        &["card", "import", card_path.to_str().unwrap()],
    );
    assert_eq!(
        not_text.code, 2,
        "a card file that is not UTF-8 is bad input: {}",
        not_text.stderr
    );
    let ja_missing = Command::new(BIN)
        .arg("--vault")
        .arg(&vault)
        .args(["card", "import", dir.path().join("none.card").to_str().unwrap()])
        .env("KASANE_PASSPHRASE", "cli test passphrase")
        .env("LANG", "ja_JP.UTF-8")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&ja_missing.stderr).contains("見つかりません"),
        "a Japanese environment is told in Japanese that the file is missing: {}",
        String::from_utf8_lossy(&ja_missing.stderr)
    );
    let json_err = kasane(&vault, "not the passphrase", &["--json", "household", "list"]);
    let e: Value = serde_json::from_str(json_err.stderr.trim()).expect("--json errors are JSON on stderr");
    assert_eq!(e["error"]["code"], "key.wrong-passphrase");
}

#[test]
fn workers_passphrases_and_recovery_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("v");
    let init = ok(
        &vault,
        &[
            "init",
            "--agency",
            "A",
            "--site",
            "S",
            "--worker",
            "山田",
            "--kdf-cost",
            "10",
        ],
    );
    let code = init["recovery_code"].as_str().unwrap().to_string();
    let add = Command::new(BIN)
        .args(["--vault"])
        .arg(&vault)
        .args(["worker", "add", "佐藤", "--kdf-cost", "10"])
        .env("KASANE_PASSPHRASE", "cli test passphrase")
        .env("KASANE_NEW_PASSPHRASE", "sato's own passphrase")
        .output()
        .unwrap();
    assert!(add.status.success(), "{}", String::from_utf8_lossy(&add.stderr));
    let who = kasane(&vault, "cli test passphrase", &["household", "list"]);
    assert_eq!(who.code, 2, "two workers: say which one");
    let r = kasane(
        &vault,
        "sato's own passphrase",
        &["--worker", "佐藤", "household", "list"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rec = Command::new(BIN)
        .args(["--vault"])
        .arg(&vault)
        .args(["--worker", "山田", "recover", "--kdf-cost", "10"])
        .env("KASANE_RECOVERY_CODE", &code)
        .env("KASANE_NEW_PASSPHRASE", "yamada recovered")
        .output()
        .unwrap();
    assert!(rec.status.success(), "{}", String::from_utf8_lossy(&rec.stderr));
    assert_eq!(
        kasane(&vault, "cli test passphrase", &["--worker", "山田", "status"]).code,
        3,
        "the old passphrase no longer works"
    );
    assert_eq!(
        kasane(&vault, "yamada recovered", &["--worker", "山田", "status"]).code,
        0
    );
}

#[test]
fn init_calibrates_the_passphrase_kdf_unless_told_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("v");
    ok(&vault, &["init", "--agency", "A", "--site", "S", "--worker", "W"]);
    let slot = std::fs::read_dir(vault.join("keys"))
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with("worker-"))
        .expect("a worker slot");
    let slot: Value = serde_json::from_slice(&std::fs::read(slot.path()).unwrap()).unwrap();
    let n = slot["kdf_log_n"].as_u64().unwrap();
    assert!(
        (12..=20).contains(&n),
        "the default cost is measured on this PC (aiming at 0.5–1 s), never the test minimum of 10; got 2^{n}"
    );
}

#[test]
fn two_vaults_exchange_cards_and_bundles_both_ways_through_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    ok(
        &a,
        &[
            "init",
            "--agency",
            "福祉総務課",
            "--site",
            "A-1",
            "--worker",
            "山田",
            "--kdf-cost",
            "10",
        ],
    );
    ok(
        &b,
        &[
            "init",
            "--agency",
            "生活福祉課",
            "--site",
            "B-1",
            "--worker",
            "佐藤",
            "--kdf-cost",
            "10",
        ],
    );
    let (card_a, card_b) = (dir.path().join("a.card"), dir.path().join("b.card"));
    ok(&a, &["card", "export", "--out", card_a.to_str().unwrap()]);
    ok(&b, &["card", "export", "--out", card_b.to_str().unwrap()]);
    let b_at_a = ok(&a, &["card", "import", card_b.to_str().unwrap()]);
    let a_at_b = ok(&b, &["card", "import", card_a.to_str().unwrap()]);
    assert_eq!(b_at_a["verified"], false, "an imported card starts unverified");
    let wrong = kasane(
        &a,
        "cli test passphrase",
        &[
            "card",
            "verify",
            b_at_a["site"].as_str().unwrap(),
            "--fingerprint",
            "11111 22222 33333 44444 55555 66666",
        ],
    );
    assert_eq!(
        wrong.code, 4,
        "a fingerprint that does not match is refused: {}",
        wrong.stderr
    );
    ok(
        &a,
        &[
            "card",
            "verify",
            b_at_a["site"].as_str().unwrap(),
            "--fingerprint",
            b_at_a["fingerprint"].as_str().unwrap(),
        ],
    );
    ok(
        &b,
        &[
            "card",
            "verify",
            a_at_b["site"].as_str().unwrap(),
            "--fingerprint",
            a_at_b["fingerprint"].as_str().unwrap(),
        ],
    );
    let sites = ok(&a, &["sites"]);
    assert_eq!(sites.as_array().unwrap().len(), 2);

    let hh = id(&ok(
        &a,
        &["household", "add", "--label", "高橋家", "--district", "kamakura-2"],
    ));
    let c = id(&ok(
        &a,
        &[
            "case",
            "open",
            "--household",
            &hh,
            "--title",
            "8050",
            "--problem",
            "hachimaru-gomaru",
        ],
    ));
    let b_agency = b_at_a["agency"].as_str().unwrap();
    let no_basis = kasane(&a, "cli test passphrase", &["case", "share", &c, "--agency", b_agency]);
    assert_eq!(
        no_basis.code, 4,
        "a share without a legal basis is refused: {}",
        no_basis.stderr
    );
    ok(
        &a,
        &["case", "share", &c, "--agency", b_agency, "--basis", "shien-kaigi"],
    );
    let a2b = dir.path().join("a2b.kasane");
    let report = ok(
        &a,
        &["bundle", "export", "--to", b_agency, "--out", a2b.to_str().unwrap()],
    );
    assert!(report["ops"].as_u64().unwrap() > 0);
    let preview = ok(&b, &["bundle", "inspect", a2b.to_str().unwrap()]);
    assert_eq!(preview["sender_verified"], true);
    let summary = ok(&b, &["bundle", "import", a2b.to_str().unwrap()]);
    assert_eq!(summary["status"], "applied");
    assert_eq!(ok(&b, &["case", "show", &c])["case"]["title"], "8050");

    ok(&b, &["case", "update", &c, "--title", "8050（Bより）"]);
    ok(&a, &["case", "update", &c, "--title", "8050（Aより）"]);
    let b2a = dir.path().join("b2a.kasane");
    ok(
        &b,
        &[
            "bundle",
            "export",
            "--to",
            a_at_b["agency"].as_str().unwrap(),
            "--out",
            b2a.to_str().unwrap(),
        ],
    );
    let summary = ok(&a, &["bundle", "import", b2a.to_str().unwrap()]);
    assert_eq!(
        summary["conflicts"].as_array().unwrap().len(),
        1,
        "both changed the title: {summary}"
    );
    let conflicts = ok(&a, &["conflicts"]);
    let pick = conflicts[0]["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["value"] == "8050（Bより）")
        .unwrap()["op"]
        .as_str()
        .unwrap()
        .to_string();
    ok(&a, &["conflicts", "resolve", &c, "--field", "title", "--pick", &pick]);
    let a2b2 = dir.path().join("a2b2.kasane");
    ok(
        &a,
        &["bundle", "export", "--to", b_agency, "--out", a2b2.to_str().unwrap()],
    );
    ok(&b, &["bundle", "import", a2b2.to_str().unwrap()]);
    assert_eq!(
        ok(&a, &["digest"])["scopes"][format!("case:{c}")],
        ok(&b, &["digest"])["scopes"][format!("case:{c}")],
        "both sides agree on the case"
    );
    let again = ok(&b, &["bundle", "import", a2b2.to_str().unwrap()]);
    assert_eq!(again["status"], "already-imported");
    let rejected = kasane(
        &b,
        "cli test passphrase",
        &["bundle", "import", card_a.to_str().unwrap()],
    );
    assert_eq!(
        rejected.code, 7,
        "a rejected bundle has its own exit code: {}",
        rejected.stderr
    );
    assert_eq!(rejected.stderr.trim().lines().count(), 1, "and a one-line reason");
    assert!(ok(&b, &["quarantine"]).as_array().unwrap().is_empty());
}

/// docs/cli.md promises that text output shows 和暦 beside ISO for every date: a detail view with
/// the day of the week (令和8年12月10日(木)), list rows in the short form (R8.12.10).
#[test]
fn text_output_shows_wareki_beside_every_date() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("v");
    init(&vault, "福祉総務課");
    ok(&vault, &["agency", "add", "--name", "生活福祉課"]);
    let m = id(&ok(
        &vault,
        &[
            "meeting",
            "new",
            "--type",
            "shien-kaigi",
            "--date",
            "R8.12.10 14:00",
            "--place",
            "本庁舎",
            "--attendee",
            "生活福祉課",
        ],
    ));
    let pass = "cli test passphrase";
    let show = kasane(&vault, pass, &["meeting", "show", &m]);
    assert_eq!(show.code, 0, "meeting show failed: {}", show.stderr);
    assert!(
        show.stdout.contains("令和8年12月10日(木) 14:00 (2026-12-10)"),
        "meeting show gives the date in 和暦 with its weekday and the time, then ISO: {}",
        show.stdout
    );
    let list = kasane(&vault, pass, &["meeting", "list"]);
    assert_eq!(list.code, 0, "meeting list failed: {}", list.stderr);
    assert!(
        list.stdout.contains("R8.12.10 (2026-12-10)"),
        "a list row shows the short 和暦 beside ISO: {}",
        list.stdout
    );
    let audit = kasane(&vault, pass, &["audit"]);
    assert!(
        audit
            .stdout
            .lines()
            .any(|l| l.contains("R8.") || l.contains("R9.") || l.contains("R1")),
        "audit times carry 和暦 too: {}",
        audit.stdout
    );
}

#[test]
fn printed_documents_are_written_for_the_owner_alone_and_said_to_be_unencrypted() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("v");
    let pass = "cli test passphrase";
    init(&vault, "福祉総務課");
    ok(&vault, &["agency", "add", "--name", "生活福祉課"]);
    let m = id(&ok(
        &vault,
        &[
            "meeting",
            "new",
            "--type",
            "shien-kaigi",
            "--date",
            "R8.12.10 14:00",
            "--place",
            "本庁舎",
            "--attendee",
            "生活福祉課",
        ],
    ));
    let agenda = dir.path().join("次第.html");
    // A file already there with a wider mode is replaced, not kept as it was.
    std::fs::write(&agenda, "old").unwrap();
    let r = kasane(
        &vault,
        pass,
        &[
            "meeting",
            "print",
            &m,
            "--what",
            "agenda",
            "--out",
            agenda.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("このファイルは暗号化されていません。印刷後は削除してください"),
        "the command says plainly that the file is not encrypted: {}",
        r.stdout
    );
    assert!(std::fs::read_to_string(&agenda).unwrap().contains("次第"));
    let ledger = dir.path().join("台帳.html");
    let j = ok(&vault, &["ledger", "--print", ledger.to_str().unwrap()]);
    assert_eq!(j["encrypted"], false, "{j}");
    assert_eq!(j["notice"], kasane::PRINTOUT_NOTICE_JA);
    assert_eq!(j["path"], ledger.to_str().unwrap());
    #[cfg(unix)]
    for f in [&agenda, &ledger] {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{} is readable by its owner alone", f.display());
    }
}

#[test]
fn listing_the_contact_log_is_in_the_audit_trail() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("v");
    ok(
        &vault,
        &[
            "init",
            "--agency",
            "A",
            "--site",
            "S",
            "--worker",
            "山田",
            "--kdf-cost",
            "10",
        ],
    );
    let hh = id(&ok(
        &vault,
        &["household", "add", "--label", "x", "--district", "tamanawa"],
    ));
    let c = id(&ok(
        &vault,
        &[
            "case",
            "open",
            "--household",
            &hh,
            "--title",
            "t",
            "--problem",
            "hikikomori",
        ],
    ));
    ok(
        &vault,
        &[
            "note",
            "add",
            "--case",
            &c,
            "--kind",
            "訪問",
            "--text",
            "機関内のメモ",
            "--internal",
        ],
    );
    let notes = ok(&vault, &["note", "list", "--case", &c]);
    assert_eq!(notes.as_array().map(Vec::len), Some(1));
    let trail = ok(&vault, &["audit"]);
    let entries = trail["entries"].as_array().or(trail.as_array()).expect("audit entries");
    let listed: Vec<&Value> = entries.iter().filter(|e| e["action"] == "note.list").collect();
    assert_eq!(listed.len(), 1, "{trail}");
    assert_eq!(listed[0]["target"], c.as_str());
}

#[test]
fn the_city_keeps_a_roster_and_a_meeting_invites_only_its_members() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("v");
    let pass = "cli test passphrase";
    init(&vault, "福祉総務課");
    ok(&vault, &["agency", "add", "--name", "生活福祉課"]);
    ok(&vault, &["agency", "add", "--name", "民間の居場所"]);
    let entry = id(&ok(
        &vault,
        &[
            "roster",
            "add",
            "--conference",
            "shien-kaigi",
            "--agency",
            "生活福祉課",
            "--from",
            "R8.4.1",
            "--charter",
            "鎌倉市支援会議設置要綱",
        ],
    ));
    let list = ok(&vault, &["roster", "list"]);
    assert_eq!(list["entries"][0]["entry"]["id"], entry.as_str(), "{list}");
    assert_eq!(list["entries"][0]["agency_name"], "生活福祉課");
    assert_eq!(
        list["keeper_name"], "福祉総務課",
        "a new vault keeps its own rosters: {list}"
    );
    let new = |attendee: &str| {
        kasane(
            &vault,
            pass,
            &[
                "--json",
                "meeting",
                "new",
                "--type",
                "shien-kaigi",
                "--date",
                "2026-12-10",
                "--place",
                "本庁舎",
                "--attendee",
                attendee,
            ],
        )
    };
    let refused = new("民間の居場所");
    assert_eq!(
        refused.code, 4,
        "an attendee off the roster is refused (exit 4): {}",
        refused.stderr
    );
    let e: Value = serde_json::from_str(refused.stderr.trim()).expect("a JSON error");
    assert_eq!(e["error"]["code"], "meeting.not-on-roster", "{e}");
    assert!(
        e["error"]["message_ja"]
            .as_str()
            .unwrap_or_default()
            .contains("構成員名簿"),
        "{e}"
    );
    assert_eq!(new("生活福祉課").code, 0, "a member is invited");
    let keeper = kasane(&vault, pass, &["roster", "keeper", "民間の居場所"]);
    assert_eq!(
        keeper.code, 4,
        "an agency without a verified card cannot keep the rosters: {}",
        keeper.stderr
    );
    let printed = dir.path().join("名簿.html");
    ok(
        &vault,
        &[
            "roster",
            "print",
            "--out",
            printed.to_str().unwrap(),
            "--on",
            "2026-12-10",
        ],
    );
    let html = std::fs::read_to_string(&printed).unwrap();
    assert!(
        html.contains("構成員名簿") && html.contains("生活福祉課") && html.contains("鎌倉市支援会議設置要綱"),
        "the printout lists the member and its 要綱"
    );
    assert!(
        html.contains("名簿は登録されていません"),
        "a conference without a roster says so on paper"
    );
    ok(&vault, &["roster", "end", &entry, "--on", "2026-11-30"]);
    assert_eq!(new("生活福祉課").code, 4, "after the membership ends it is refused");
}

#[test]
fn a_consent_is_recorded_with_its_terms_printed_for_signing_and_limits_sharing() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("v");
    let pass = "cli test passphrase";
    init(&vault, "福祉総務課");
    ok(&vault, &["agency", "add", "--name", "生活福祉課"]);
    let hh = id(&ok(
        &vault,
        &["household", "add", "--label", "高橋家", "--district", "kamakura-2"],
    ));
    let p = id(&ok(
        &vault,
        &[
            "person",
            "add",
            "--household",
            &hh,
            "--family-name",
            "高橋",
            "--given-name",
            "ハル",
            "--family-kana",
            "たかはし",
            "--given-kana",
            "はる",
            "--birth",
            "S15.2.3",
            "--sex",
            "female",
            "--relation",
            "本人",
        ],
    ));
    let c = id(&ok(
        &vault,
        &[
            "case",
            "open",
            "--household",
            &hh,
            "--title",
            "8050",
            "--problem",
            "hachimaru-gomaru",
        ],
    ));
    let terms = |extra: &[&str]| -> Vec<String> {
        let mut a: Vec<String> = [
            "--person",
            &p,
            "--scope",
            "支援のための情報共有",
            "--purpose",
            "coordinated-support",
            "--agency",
            "生活福祉課",
            "--date",
            "2026-11-20",
            "--until",
            "R9.11.19",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let run = |head: &[&str], extra: &[&str]| {
        let mut args: Vec<String> = ["--json"].iter().chain(head).map(|s| s.to_string()).collect();
        args.extend(terms(extra));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        kasane(&vault, pass, &refs)
    };
    let verbal = run(&["consent", "add"], &["--kind", "all", "--how", "口頭"]);
    assert_eq!(
        verbal.code, 4,
        "a verbal consent without a witness is refused: {}",
        verbal.stderr
    );
    assert!(verbal.stderr.contains("立会人"), "{}", verbal.stderr);
    let narrow = id(&serde_json::from_str(
        &run(
            &["consent", "add"],
            &["--kind", "basic", "--kind", "progress", "--how", "書面"],
        )
        .stdout,
    )
    .expect("the consent's id as JSON"));
    let refused = kasane(
        &vault,
        pass,
        &[
            "--json",
            "case",
            "share",
            &c,
            "--agency",
            "生活福祉課",
            "--basis",
            &format!("consent:{narrow}"),
        ],
    );
    assert_eq!(refused.code, 4, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("家計") && refused.stderr.contains("健康・障害"),
        "the refusal names the kinds the consent leaves out: {}",
        refused.stderr
    );
    let full =
        id(&serde_json::from_str(&run(&["consent", "add"], &["--kind", "all", "--how", "written"]).stdout).unwrap());
    ok(
        &vault,
        &[
            "case",
            "share",
            &c,
            "--agency",
            "生活福祉課",
            "--basis",
            &format!("consent:{full}"),
        ],
    );
    let form = dir.path().join("同意書.html");
    let printed = run(
        &["consent", "print", "--out", form.to_str().unwrap()],
        &[
            "--kind",
            "all",
            "--how",
            "written",
            "--by",
            "成年後見人",
            "--giver-name",
            "高橋 次郎",
            "--relation",
            "成年後見人（弟）",
        ],
    );
    assert_eq!(printed.code, 0, "{}", printed.stderr);
    let html = std::fs::read_to_string(&form).unwrap();
    for part in [
        "同意書",
        "高橋 ハル",
        "生活福祉課",
        "☑家計",
        "令和9年11月19日",
        "成年後見人",
        "高橋 次郎",
        "撤回",
        "取扱注意",
    ] {
        assert!(html.contains(part), "the form shows {part}");
    }
    let again = dir.path().join("again.html");
    ok(
        &vault,
        &["consent", "print", "--id", &narrow, "--out", again.to_str().unwrap()],
    );
    assert!(
        std::fs::read_to_string(&again).unwrap().contains("☐家計"),
        "a recorded consent prints again with what it left out unticked"
    );
    let shown = ok(&vault, &["case", "show", &c]);
    assert_eq!(shown["consents"].as_array().map(Vec::len), Some(2), "{shown}");
    ok(&vault, &["consent", "withdraw", &full, "--date", "2026-11-25"]);
    let ledger = ok(&vault, &["case", "disclosures", &c]);
    assert_eq!(ledger[0]["agency_name"], "生活福祉課", "{ledger}");
    assert_eq!(ledger[0]["basis"], format!("consent:{full}"));
    assert_eq!(ledger[0]["purpose"], "coordinated-support");
    assert!(
        ledger[0]["until"].is_string()
            && ledger[0]["ended_reason"]
                .as_str()
                .is_some_and(|r| r.contains("同意撤回")),
        "the withdrawal ended it: {ledger}"
    );
    let paper = dir.path().join("提供記録.html");
    ok(&vault, &["case", "disclosures", &c, "--out", paper.to_str().unwrap()]);
    assert!(std::fs::read_to_string(&paper).unwrap().contains("情報提供の記録"));
}

#[test]
fn a_case_is_disclosed_for_a_meeting_to_the_attendees_chosen_until_the_days_set() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("v");
    let pass = "cli test passphrase";
    init(&vault, "福祉総務課");
    let shown = ok(&vault, &["meeting", "disclosure-days"]);
    assert_eq!(
        shown["disclosure_days"], 30,
        "30 days unless the city sets another: {shown}"
    );
    let refused = kasane(&vault, pass, &["--json", "meeting", "disclosure-days", "400"]);
    assert_eq!(
        refused.code, 2,
        "more than a year is bad input (exit 2): {}",
        refused.stderr
    );
    assert!(refused.stderr.contains("365"), "{}", refused.stderr);
    let set = ok(&vault, &["meeting", "disclosure-days", "14"]);
    assert_eq!(set["disclosure_days"], 14, "{set}");

    ok(&vault, &["agency", "add", "--name", "生活福祉課"]);
    ok(&vault, &["agency", "add", "--name", "高齢者いきいき課"]);
    let hh = id(&ok(
        &vault,
        &["household", "add", "--label", "高橋家", "--district", "kamakura-2"],
    ));
    let c = id(&ok(
        &vault,
        &[
            "case",
            "open",
            "--household",
            &hh,
            "--title",
            "8050",
            "--problem",
            "hachimaru-gomaru",
        ],
    ));
    let m = id(&ok(
        &vault,
        &[
            "meeting",
            "new",
            "--type",
            "shien-kaigi",
            "--date",
            "2026-12-10",
            "--place",
            "本庁舎",
            "--attendee",
            "生活福祉課",
            "高齢者いきいき課",
        ],
    ));
    ok(
        &vault,
        &["meeting", "agenda", "add", &m, "--case", &c, "--to", "生活福祉課"],
    );
    let records = |ledger: &Value| -> Vec<Value> {
        ledger
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|d| d["what"] == "case-records")
            .collect()
    };
    let ledger = ok(&vault, &["case", "disclosures", &c]);
    let given = records(&ledger);
    assert_eq!(given.len(), 1, "only the attendee chosen is given the case: {ledger}");
    assert_eq!(given[0]["agency_name"], "生活福祉課");
    assert_eq!(
        given[0]["last_day"], "2026-12-24",
        "14 days after the meeting: {ledger}"
    );
    assert_eq!(given[0]["meeting"], m.as_str());

    // The meeting decides that 生活福祉課 keeps the case under 支援会議.
    let half = kasane(
        &vault,
        pass,
        &[
            "--json",
            "meeting",
            "record",
            &m,
            "--case",
            &c,
            "--keep-shared",
            "生活福祉課",
        ],
    );
    assert_eq!(half.code, 2, "a lasting share needs its basis: {}", half.stderr);
    ok(
        &vault,
        &[
            "meeting",
            "record",
            &m,
            "--case",
            &c,
            "--keep-shared",
            "生活福祉課",
            "--keep-basis",
            "shien-kaigi",
        ],
    );
    let ledger = ok(&vault, &["case", "disclosures", &c]);
    let given = records(&ledger);
    assert!(
        given
            .last()
            .is_some_and(|d| d["last_day"].is_null() && d["until"].is_null()),
        "the share lasts now: {ledger}"
    );
}

#[test]
fn an_expectant_mother_is_recorded_with_her_due_date_and_fits_yotaikyo() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("v");
    let pass = "cli test passphrase";
    init(&vault, "子ども家庭課");
    ok(&vault, &["agency", "add", "--name", "福祉総務課"]);
    let hh = id(&ok(
        &vault,
        &["household", "add", "--label", "青木家", "--district", "ofuna-1"],
    ));
    let mother = id(&ok(
        &vault,
        &[
            "person",
            "add",
            "--household",
            &hh,
            "--family-name",
            "青木",
            "--given-name",
            "美咲",
            "--family-kana",
            "あおき",
            "--given-kana",
            "みさき",
            "--birth",
            "H10.6.1",
            "--sex",
            "female",
            "--relation",
            "本人",
        ],
    ));
    let c = id(&ok(
        &vault,
        &[
            "case",
            "open",
            "--household",
            &hh,
            "--title",
            "若年妊娠",
            "--problem",
            "isolation",
        ],
    ));
    let refused = kasane(
        &vault,
        pass,
        &[
            "--json",
            "case",
            "share",
            &c,
            "--agency",
            "福祉総務課",
            "--basis",
            "yotaikyo",
        ],
    );
    assert_eq!(
        refused.code, 4,
        "nothing about a child or a pregnancy yet: {}",
        refused.stderr
    );
    assert!(refused.stderr.contains("share.outside-remit"), "{}", refused.stderr);
    ok(&vault, &["person", "update", &mother, "--expecting", "2099-03-01"]);
    let shown = ok(&vault, &["person", "show", &mother]);
    assert_eq!(shown["expecting"], "2099-03-01", "{shown}");
    ok(
        &vault,
        &["case", "share", &c, "--agency", "福祉総務課", "--basis", "yotaikyo"],
    );
}

#[test]
fn a_contact_attempt_records_its_outcome_time_and_whom() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("v");
    let pass = "cli test passphrase";
    init(&vault, "福祉総務課");
    let hh = id(&ok(
        &vault,
        &["household", "add", "--label", "高橋家", "--district", "kamakura-2"],
    ));
    let c = id(&ok(
        &vault,
        &[
            "case",
            "open",
            "--household",
            &hh,
            "--title",
            "ひきこもり",
            "--problem",
            "hikikomori",
        ],
    ));
    let half = kasane(
        &vault,
        pass,
        &[
            "--json", "note", "add", "--case", &c, "--kind", "visit", "--text", "訪問", "--time", "10:30",
        ],
    );
    assert_eq!(half.code, 2, "a time alone is no contact attempt: {}", half.stderr);
    ok(
        &vault,
        &[
            "note",
            "add",
            "--case",
            &c,
            "--kind",
            "訪問",
            "--text",
            "玄関越しに声かけ",
            "--outcome",
            "拒否",
            "--time",
            "10:30",
            "--contacted",
            "本人",
        ],
    );
    let notes = ok(&vault, &["note", "list", "--case", &c]);
    assert_eq!(notes[0]["outreach"]["outcome"], "refused", "{notes}");
    assert_eq!(notes[0]["outreach"]["time"], "10:30");
    assert_eq!(notes[0]["outreach"]["contacted"], "本人");
    let text = kasane(&vault, pass, &["note", "list", "--case", &c]);
    assert!(text.stdout.contains("［拒否 10:30 本人］"), "{}", text.stdout);
}

#[test]
fn a_case_is_closed_printed_and_reopened_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("v");
    let pass = "cli test passphrase";
    init(&vault, "福祉総務課");
    let hh = id(&ok(
        &vault,
        &["household", "add", "--label", "高橋家", "--district", "kamakura-2"],
    ));
    let c = id(&ok(
        &vault,
        &[
            "case",
            "open",
            "--household",
            &hh,
            "--title",
            "8050",
            "--problem",
            "hachimaru-gomaru",
        ],
    ));
    let sheet = dir.path().join("終結.html");
    let early = kasane(
        &vault,
        pass,
        &["--json", "case", "closing-sheet", &c, "--out", sheet.to_str().unwrap()],
    );
    assert_eq!(early.code, 4, "an open case has no closing sheet: {}", early.stderr);
    ok(&vault, &["case", "decide", &c, "--by", "福祉総務課長"]);
    let shown = ok(&vault, &["case", "show", &c]);
    assert_eq!(shown["case"]["support_decision"]["by"], "福祉総務課長", "{shown}");
    assert_eq!(shown["case"]["status"], "active", "a decided case is in support");
    let bad = kasane(&vault, pass, &["--json", "case", "close", &c, "--reason", "飽きた"]);
    assert_eq!(bad.code, 2, "an unknown reason is bad input: {}", bad.stderr);
    ok(
        &vault,
        &[
            "case",
            "close",
            &c,
            "--reason",
            "目標達成",
            "--watch",
            "民生委員（大町地区）",
        ],
    );
    let shown = ok(&vault, &["case", "show", &c]);
    assert_eq!(shown["case"]["status"], "closed", "{shown}");
    assert_eq!(shown["case"]["closure"]["reason"], "goals-met");
    assert_eq!(shown["case"]["closure"]["watch"], "民生委員（大町地区）");
    ok(&vault, &["case", "closing-sheet", &c, "--out", sheet.to_str().unwrap()]);
    let html = std::fs::read_to_string(&sheet).unwrap();
    assert!(
        html.contains("終結シート") && html.contains("目標達成"),
        "the sheet says why"
    );
    ok(&vault, &["case", "reopen", &c, "--reason", "再び相談があった"]);
    let shown = ok(&vault, &["case", "show", &c]);
    assert_eq!(shown["case"]["status"], "active");
    assert_eq!(shown["case"]["reopened"]["reason"], "再び相談があった");
}

#[test]
fn the_audit_trail_is_filtered_by_period_worker_kind_action_and_record() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("v");
    let pass = "cli test passphrase";
    init(&vault, "福祉総務課");
    let hh = id(&ok(
        &vault,
        &["household", "add", "--label", "髙橋家", "--district", "kamakura-2"],
    ));
    let c = id(&ok(
        &vault,
        &[
            "case",
            "open",
            "--household",
            &hh,
            "--title",
            "8050",
            "--problem",
            "hikikomori",
        ],
    ));
    ok(
        &vault,
        &["note", "add", "--case", &c, "--kind", "訪問", "--text", "長男は自室"],
    );
    ok(&vault, &["case", "show", &c]);
    let actions = |v: &Value| -> Vec<String> {
        v["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .map(|e| e["action"].as_str().unwrap_or_default().to_string())
            .collect()
    };

    let views = ok(&vault, &["audit", "--kind", "view"]);
    assert_eq!(views["verified"], true);
    assert_eq!(actions(&views), ["case.view"], "{views}");
    assert_eq!(views["entries"][0]["kind"], "view");
    assert_eq!(views["entries"][0]["worker_name"], "山田");
    assert_eq!(views["entries"][0]["target"], c.as_str());
    assert!(
        views["matching"].as_u64() < views["total"].as_u64(),
        "the whole trail is counted too: {views}"
    );
    let same = ok(&vault, &["audit", "--kind", "閲覧"]);
    assert_eq!(actions(&same), ["case.view"], "the kind in Japanese");

    let cases = ok(&vault, &["audit", "--action", "case"]);
    assert_eq!(actions(&cases), ["case.open", "case.view"], "oldest first");
    let about = ok(&vault, &["audit", "--target", &c]);
    assert_eq!(
        actions(&about),
        ["case.open", "note.add", "case.view"],
        "entries naming the case, and the entry added to it"
    );
    let newest = ok(&vault, &["audit", "--by", "山田", "--kind", "case", "--limit", "1"]);
    assert_eq!(actions(&newest), ["note.add"], "--limit keeps the newest");
    let before = ok(
        &vault,
        &[
            "audit", "--by", "山田", "--kind", "case", "--limit", "1", "--offset", "1",
        ],
    );
    assert_eq!(actions(&before), ["case.open"], "--offset goes back a page");
    let long_ago = ok(&vault, &["audit", "--from", "2000-01-01", "--to", "R1.5.1"]);
    assert_eq!(long_ago["matching"], 0);
    assert!(long_ago["total"].as_u64() > Some(5));
    let since = ok(&vault, &["audit", "--from", "2000-01-01"]);
    assert_eq!(since["matching"], since["total"]);

    let backwards = kasane(&vault, pass, &["--json", "audit", "--from", "R8.1.2", "--to", "R8.1.1"]);
    assert_eq!(
        backwards.code, 2,
        "a period ending before it starts: {}",
        backwards.stderr
    );
    let nobody = kasane(&vault, pass, &["audit", "--by", "鈴木"]);
    assert_eq!(nobody.code, 2, "an unknown worker: {}", nobody.stderr);
    assert!(
        nobody.stderr.contains("山田"),
        "the workers are named: {}",
        nobody.stderr
    );
    let bad_kind = kasane(&vault, pass, &["audit", "--kind", "閲覧以外"]);
    assert_eq!(bad_kind.code, 2, "{}", bad_kind.stderr);

    let text = kasane(&vault, pass, &["audit", "--kind", "view"]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(
        text.stdout.contains("山田")
            && text.stdout.contains("case.view")
            && text.stdout.contains("条件に合う記録 1 件"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("ハッシュチェーン検証済み"), "{}", text.stdout);
}

/// The case cycle from the command line, every step in `--json`: 相談受付 and its form, facts and
/// judgement, the overall view, a plan version approved at a 重層的支援会議 and agreed, printed with
/// its signature lines, evaluated, and revised into a second version carrying the goal not met.
#[test]
fn the_case_cycle_runs_from_intake_to_a_revised_plan_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("v");
    let pass = "cli test passphrase";
    init(&vault, "福祉総務課");
    let hh = id(&ok(
        &vault,
        &["household", "add", "--label", "高橋家", "--district", "kamakura-2"],
    ));
    let son = id(&ok(
        &vault,
        &[
            "person",
            "add",
            "--household",
            &hh,
            "--family-name",
            "高橋",
            "--given-name",
            "一郎",
            "--family-kana",
            "タカハシ",
            "--given-kana",
            "イチロウ",
            "--birth",
            "S48",
            "--sex",
            "male",
            "--relation",
            "本人",
        ],
    ));
    let c = id(&ok(
        &vault,
        &[
            "case",
            "open",
            "--household",
            &hh,
            "--title",
            "8050",
            "--problem",
            "hachimaru-gomaru",
        ],
    ));
    let bad = kasane(
        &vault,
        pass,
        &[
            "--json",
            "case",
            "intake",
            &c,
            "--route",
            "伝書鳩",
            "--visitor",
            "本人",
            "--complaint",
            "x",
            "--received-by",
            "山田",
        ],
    );
    assert_eq!(bad.code, 2, "an unknown route is bad input: {}", bad.stderr);
    ok(
        &vault,
        &[
            "case",
            "intake",
            &c,
            "--route",
            "地域住民・民生委員から",
            "--referrer",
            "民生委員",
            "--visitor",
            "家族",
            "--visitor-name",
            "長女",
            "--complaint",
            "父が外に出なくなった",
            "--received-by",
            "山田",
            "--time",
            "9:30",
        ],
    );
    let shown = ok(&vault, &["case", "show", &c]);
    assert_eq!(shown["case"]["intake"]["route"], "community", "{shown}");
    assert_eq!(shown["case"]["intake"]["time"], "09:30");
    let form = dir.path().join("受付.html");
    ok(&vault, &["case", "intake-sheet", &c, "--out", form.to_str().unwrap()]);
    let html = std::fs::read_to_string(&form).unwrap();
    assert!(
        html.contains("相談受付票") && html.contains("父が外に出なくなった"),
        "the form carries the complaint"
    );

    ok(
        &vault,
        &[
            "assessment",
            "add",
            "--case",
            &c,
            "--domain",
            "care",
            "--seen",
            "郵便物が未開封で積まれている",
            "--judgement",
            "金銭管理が難しくなっている",
        ],
    );
    let view = ok(&vault, &["assessment", "list", "--case", &c]);
    let care = view
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["domain"] == "care")
        .cloned()
        .unwrap();
    assert_eq!(care["entries"][0]["judgement"], "金銭管理が難しくなっている", "{care}");
    assert_eq!(care["entries"][0]["seen"], "郵便物が未開封で積まれている");
    ok(
        &vault,
        &[
            "assessment",
            "overall",
            "--case",
            &c,
            "--view",
            "孤立と介護の重なり",
            "--policy",
            "受診と居場所づくり",
        ],
    );

    let plan = id(&ok(
        &vault,
        &["plan", "new", "--case", &c, "--from", "2026-12-01", "--to", "R9.5.31"],
    ));
    let goal = id(&ok(
        &vault,
        &[
            "plan",
            "goal",
            "add",
            "--case",
            &c,
            "--text",
            "父が定期的に受診できる",
            "--term",
            "短期目標",
        ],
    ));
    ok(
        &vault,
        &[
            "plan",
            "action",
            "add",
            "--case",
            &c,
            "--goal",
            &goal,
            "--text",
            "朝の散歩に誘う",
            "--owner",
            "福祉総務課",
            "--person",
            &son,
            "--frequency",
            "週1回",
        ],
    );
    let m = id(&ok(
        &vault,
        &[
            "meeting",
            "new",
            "--type",
            "jusoteki-shien-kaigi",
            "--date",
            "2026-12-01",
            "--place",
            "本庁舎",
            "--attendee",
            "福祉総務課",
        ],
    ));
    let early = kasane(&vault, pass, &["--json", "plan", "approve", &plan, "--meeting", &m]);
    assert_ne!(
        early.code, 0,
        "a meeting that did not take the case up does not approve its plan"
    );
    ok(&vault, &["meeting", "agenda", "add", &m, "--case", &c]);
    ok(&vault, &["plan", "approve", &plan, "--meeting", &m]);
    ok(&vault, &["plan", "agree", &plan, "--person", &son]);
    let printed = dir.path().join("プラン.html");
    ok(&vault, &["plan", "print", &plan, "--out", printed.to_str().unwrap()]);
    let html = std::fs::read_to_string(&printed).unwrap();
    assert!(
        html.contains("本人署名") && html.contains("受診と居場所づくり") && html.contains("週1回"),
        "the printed plan has its policy, roles and signature line"
    );

    let refused = kasane(
        &vault,
        pass,
        &[
            "--json",
            "plan",
            "new",
            "--case",
            &c,
            "--from",
            "2026-12-01",
            "--to",
            "R9.8.31",
        ],
    );
    assert_ne!(
        refused.code, 0,
        "a goal not evaluated blocks the next version: {}",
        refused.stdout
    );
    ok(
        &vault,
        &[
            "plan",
            "goal",
            "evaluate",
            &goal,
            "--result",
            "一部達成",
            "--comment",
            "受診は2回",
        ],
    );
    let second = id(&ok(
        &vault,
        &["plan", "new", "--case", &c, "--from", "2026-12-02", "--to", "R9.8.31"],
    ));
    let show = ok(&vault, &["plan", "show", &c]);
    let versions = show["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2, "{show}");
    assert_eq!(versions[1]["id"], second.as_str());
    assert_eq!(versions[1]["current"], true);
    assert_eq!(
        versions[0]["approval"]["meeting"],
        m.as_str(),
        "the first version keeps its approval"
    );
    let carried: Vec<&Value> = show["goals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["plan"] == second.as_str())
        .collect();
    assert_eq!(carried.len(), 1, "the goal partly met is carried: {show}");
    assert_eq!(carried[0]["carried_from"], goal.as_str());
}

/// Retention from the command line: the schedule (and a period out of range refused), the closed
/// cases with their disposal day, a disposal listed first and done only with --yes, and the
/// 廃棄記録 — each in `--json`.
#[test]
fn retention_is_set_listed_and_a_disposal_needs_yes_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("v");
    let pass = "cli test passphrase";
    init(&vault, "福祉総務課");
    let schedule = ok(&vault, &["retention", "show"]);
    assert_eq!(schedule[0]["kind"], "general");
    assert_eq!(schedule[0]["years"], 5);
    let bad = kasane(&vault, pass, &["--json", "retention", "set", "general", "0"]);
    assert_ne!(bad.code, 0, "zero years is refused: {}", bad.stdout);
    ok(&vault, &["retention", "set", "児童虐待に関するケース記録", "30"]);
    assert_eq!(ok(&vault, &["retention", "show"])[1]["years"], 30);

    let hh = id(&ok(
        &vault,
        &["household", "add", "--label", "高橋家", "--district", "kamakura-2"],
    ));
    let c = id(&ok(
        &vault,
        &[
            "case",
            "open",
            "--household",
            &hh,
            "--title",
            "家計の相談",
            "--problem",
            "poverty",
            "--opened",
            "2019-04-10",
        ],
    ));
    ok(
        &vault,
        &["case", "close", &c, "--reason", "目標達成", "--date", "2020-06-01"],
    );
    let listed = ok(&vault, &["retention", "list", "--due"]);
    assert_eq!(
        listed[0]["case"],
        c.as_str(),
        "closed in FY2020, due since 2026-04-01: {listed}"
    );
    assert_eq!(listed[0]["due"], "2026-04-01");
    let dry = ok(
        &vault,
        &["retention", "dispose", "--case", &c, "--approved-by", "福祉総務課長"],
    );
    assert_eq!(dry[0]["case"], c.as_str(), "without --yes the case is only listed");
    assert_eq!(
        ok(&vault, &["case", "show", &c])["case"]["status"],
        "closed",
        "and kept"
    );
    let done = ok(
        &vault,
        &[
            "retention",
            "dispose",
            "--case",
            &c,
            "--approved-by",
            "福祉総務課長",
            "--yes",
        ],
    );
    assert_eq!(done["disposed"][0], c.as_str());
    let gone = kasane(&vault, pass, &["--json", "case", "show", &c]);
    assert_ne!(gone.code, 0, "the case is erased");
    let records = ok(&vault, &["retention", "records"]);
    assert_eq!(records[0]["case"], c.as_str());
    assert_eq!(records[0]["approved_by"], "福祉総務課長");
}

#[test]
fn removing_a_worker_who_left_lists_first_then_changes_the_key_and_prints_a_new_code_once() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("v");
    let init = ok(
        &vault,
        &[
            "init",
            "--agency",
            "A",
            "--site",
            "S",
            "--worker",
            "山田",
            "--kdf-cost",
            "10",
        ],
    );
    let old_code = init["recovery_code"].as_str().unwrap().to_string();
    for (name, pass) in [("佐藤", "sato's own passphrase"), ("鈴木", "suzuki's own passphrase")] {
        let add = Command::new(BIN)
            .arg("--vault")
            .arg(&vault)
            .args(["--worker", "山田", "worker", "add", name, "--kdf-cost", "10"])
            .env("KASANE_PASSPHRASE", PASS)
            .env("KASANE_NEW_PASSPHRASE", pass)
            .output()
            .unwrap();
        assert!(add.status.success(), "{}", String::from_utf8_lossy(&add.stderr));
    }
    let list = ok(&vault, &["worker", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 3);
    assert!(list.as_array().unwrap().iter().all(|w| w["slot_format"] == 3));
    let keys_before: Vec<_> = std::fs::read_dir(vault.join("keys"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();

    // Without --yes: what would happen, nothing changed.
    let r = kasane(&vault, PASS, &["--worker", "山田", "worker", "remove", "佐藤"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("佐藤") && r.stdout.contains("--yes"), "{}", r.stdout);
    assert!(r.stdout.contains("山田、鈴木"), "who stays: {}", r.stdout);
    let plan = ok(&vault, &["--worker", "山田", "worker", "remove", "佐藤"]);
    assert_eq!(plan["done"], false);
    assert!(plan["recovery_code"].is_null());
    assert_eq!(plan["removed"][0]["name"], "佐藤");
    assert_eq!(
        kasane(&vault, "sato's own passphrase", &["--worker", "佐藤", "status"]).code,
        0,
        "佐藤 is still there"
    );

    // Refusals: yourself (exit 4, nothing changed), in both languages.
    let r = kasane(
        &vault,
        PASS,
        &["--json", "--worker", "山田", "worker", "remove", "山田", "--yes"],
    );
    assert_eq!(r.code, 4, "{}", r.stderr);
    let e: serde_json::Value = serde_json::from_str(&r.stderr).unwrap();
    assert_eq!(e["error"]["code"], "vault.removing-yourself");
    assert!(e["error"]["message_ja"].as_str().unwrap().contains("自分自身"));

    // With --yes: the code is printed once, as text.
    let r = kasane(&vault, PASS, &["--worker", "山田", "worker", "remove", "佐藤", "--yes"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let new_code = r
        .stdout
        .lines()
        .map(str::trim)
        .find(|l| l.len() == 69 && l.matches('-').count() == 13)
        .unwrap_or_else(|| panic!("a recovery code is printed: {}", r.stdout))
        .to_string();
    assert_ne!(new_code, old_code);
    assert_eq!(r.stdout.matches(&new_code).count(), 1, "printed once");
    assert_eq!(
        kasane(&vault, "sato's own passphrase", &["--worker", "佐藤", "status"]).code,
        2,
        "佐藤 is no longer a worker here (no such worker)"
    );
    assert_eq!(
        kasane(&vault, "suzuki's own passphrase", &["--worker", "鈴木", "status"]).code,
        0
    );
    let keys_after: Vec<_> = std::fs::read_dir(vault.join("keys"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(keys_after.len(), keys_before.len() - 1, "the leaver's key file is gone");
    let trail = ok(&vault, &["--worker", "山田", "audit"]);
    assert!(trail.to_string().contains("worker.remove"), "{trail}");

    let recover = |code: &str| {
        Command::new(BIN)
            .arg("--vault")
            .arg(&vault)
            .args(["--worker", "鈴木", "recover", "--kdf-cost", "10"])
            .env("KASANE_RECOVERY_CODE", code)
            .env("KASANE_NEW_PASSPHRASE", "suzuki recovered")
            .output()
            .unwrap()
    };
    assert_eq!(
        recover(&old_code).status.code(),
        Some(3),
        "the old code no longer works"
    );
    let r = recover(&new_code);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));

    // --json: one document with the new code.
    let add = Command::new(BIN)
        .arg("--vault")
        .arg(&vault)
        .args(["--worker", "山田", "worker", "add", "高橋", "--kdf-cost", "10"])
        .env("KASANE_PASSPHRASE", PASS)
        .env("KASANE_NEW_PASSPHRASE", "takahashi passphrase")
        .output()
        .unwrap();
    assert!(add.status.success());
    let done = ok(&vault, &["--worker", "山田", "worker", "remove", "高橋", "--yes"]);
    assert_eq!(done["done"], true);
    assert_eq!(done["removed"][0]["name"], "高橋");
    assert_eq!(done["recovery_code"].as_str().map(str::len), Some(69));
}
