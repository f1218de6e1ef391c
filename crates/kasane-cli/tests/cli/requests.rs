//! `kasane person records`: every record about one person for a disclosure request (開示請求) — the
//! marks in `--json`, the printout and the JSON file written with `--out` (readable by the owner
//! alone), and the refusals: an unknown person (exit 5), an id that is not one (exit 2), a folder
//! that is not there (exit 2, the file named).

use std::path::Path;

use serde_json::Value;

use crate::run::*;

/// The marks on the field `key` of the first item of `kind` for which `pick` holds.
fn marks_of(r: &Value, kind: &str, pick: impl Fn(&Value) -> bool, key: &str) -> Vec<String> {
    let item = r["sections"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|s| s["items"].as_array().into_iter().flatten())
        .find(|i| i["kind"] == kind && pick(i))
        .unwrap_or_else(|| panic!("an item of kind {kind}: {r}"));
    let field = item["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["key"] == key)
        .unwrap_or_else(|| panic!("{kind} has {key}: {item}"));
    field["marks"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| m["kind"].as_str().unwrap_or("").to_string())
        .collect()
}

fn person(vault: &Path, hh: &str, given: &str, kana: &str, relation: &str) -> String {
    id(&ok(
        vault,
        &[
            "person",
            "add",
            "--household",
            hh,
            "--family-name",
            "髙橋",
            "--given-name",
            given,
            "--family-kana",
            "タカハシ",
            "--given-kana",
            kana,
            "--birth",
            "S15",
            "--sex",
            "female",
            "--relation",
            relation,
        ],
    ))
}

#[test]
fn a_persons_records_come_marked_for_the_reviewer_as_json_as_a_printout_and_as_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("v");
    init(&vault, "福祉総務課");
    let hh = id(&ok(
        &vault,
        &["household", "add", "--label", "高橋家", "--district", "kamakura-2"],
    ));
    let haru = person(&vault, &hh, "ハル", "ハル", "本人");
    let son = person(&vault, &hh, "一郎", "イチロウ", "長男");
    let c = id(&ok(
        &vault,
        &[
            "case",
            "open",
            "--household",
            &hh,
            "--title",
            "母の認知症",
            "--problem",
            "dementia",
            "--risk",
            "high",
        ],
    ));
    ok(
        &vault,
        &[
            "case",
            "intake",
            &c,
            "--route",
            "family",
            "--visitor",
            "family",
            "--visitor-name",
            "長女",
            "--complaint",
            "母が薬を飲み忘れる",
            "--received-by",
            "山田",
        ],
    );
    for (about, judgement) in [(&haru, "認知症の進行が疑われる"), (&son, "長期のひきこもり")] {
        ok(
            &vault,
            &[
                "assessment",
                "add",
                "--case",
                &c,
                "--domain",
                "health",
                "--person",
                about,
                "--seen",
                "見たこと",
                "--judgement",
                judgement,
            ],
        );
    }

    let r = ok(&vault, &["person", "records", &haru]);
    assert_eq!(r["format"], "kasane-person-records/1");
    assert_eq!(r["person"]["id"], haru.as_str());
    assert_eq!(r["cases"], 1);
    let about = |who: &'static str| {
        move |i: &Value| {
            i["fields"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|f| f["key"] == "about" && f["value"].as_str().is_some_and(|v| v.contains(who)))
        }
    };
    assert_eq!(marks_of(&r, "assessment", about("ハル"), "judgement"), ["judgement"]);
    assert!(
        marks_of(&r, "assessment", about("ハル"), "seen").is_empty(),
        "her facts are hers"
    );
    assert_eq!(
        marks_of(&r, "intake", |_| true, "complaint"),
        ["third-party"],
        "told by her daughter"
    );
    assert_eq!(marks_of(&r, "case", |_| true, "risk"), ["judgement"]);
    let sons_entry = r["sections"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|s| s["items"].as_array().into_iter().flatten())
        .find(|i| i["kind"] == "assessment" && about("一郎")(i))
        .expect("the entry about her son");
    assert_eq!(sons_entry["marks"][0]["kind"], "third-party", "{sons_entry}");
    assert!(
        sons_entry["marks"][0]["reason_ja"]
            .as_str()
            .is_some_and(|s| s.contains("髙橋 一郎")),
        "{sons_entry}"
    );
    assert!(
        r["counts"]["judgement"].as_u64().is_some_and(|n| n >= 3),
        "{}",
        r["counts"]
    );

    let text = kasane_ja(&vault, &["person", "records", &haru]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(
        text.stdout.contains("【評価・判断】記録した職員の見立て"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("【第三者の情報】"), "{}", text.stdout);

    let paper = dir.path().join("開示請求.html");
    let written = ok(
        &vault,
        &[
            "person",
            "records",
            &haru,
            "--out",
            paper.to_str().unwrap(),
            "--copies",
            "2",
        ],
    );
    assert_eq!(written["encrypted"], false, "{written}");
    let html = std::fs::read_to_string(&paper).unwrap();
    assert!(html.contains("保有個人情報の開示請求に係る記録") && html.contains("配布資料 No. 2/2"));
    assert!(html.contains("【第三者の情報】") && html.contains("認知症の進行が疑われる"));
    let file = dir.path().join("開示請求.JSON");
    ok(&vault, &["person", "records", &haru, "--out", file.to_str().unwrap()]);
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(json["format"], "kasane-person-records/1", "a .json name writes JSON");
    assert_eq!(json["counts"], r["counts"], "the file says what --json says");
    #[cfg(unix)]
    for f in [&paper, &file] {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{} is readable by its owner alone", f.display());
    }

    let audit = ok(&vault, &["audit", "--target", &haru]);
    let actions: Vec<&str> = audit["entries"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(actions.contains(&"person.records.view"), "{actions:?}");
    assert_eq!(actions.iter().filter(|a| **a == "print").count(), 2, "{actions:?}");
}

#[test]
fn records_are_refused_for_an_unknown_person_a_bad_id_and_a_missing_folder() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("v");
    init(&vault, "福祉総務課");
    let hh = id(&ok(
        &vault,
        &["household", "add", "--label", "高橋家", "--district", "kamakura-2"],
    ));
    let haru = person(&vault, &hh, "ハル", "ハル", "本人");

    let unknown = kasane_ja(
        &vault,
        &["--json", "person", "records", "00000000-0000-0000-0000-000000000001"],
    );
    assert_eq!(unknown.code, 5, "not found: {}", unknown.stderr);
    let e: Value = serde_json::from_str(unknown.stderr.trim()).expect("the error as JSON on stderr");
    assert_eq!(e["error"]["code"], "record.not-found", "{e}");
    assert_eq!(e["error"]["message_ja"], "その記録はこの記録データにありません");

    let household_id = kasane_ja(&vault, &["person", "records", &hh]);
    assert_eq!(
        household_id.code, 5,
        "a household is not a person: {}",
        household_id.stderr
    );

    let bad = kasane_ja(&vault, &["person", "records", "高橋"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("person id"), "{}", bad.stderr);

    let nowhere = dir.path().join("ない").join("開示請求.html");
    let missing = kasane_ja(
        &vault,
        &["person", "records", &haru, "--out", nowhere.to_str().unwrap()],
    );
    assert_eq!(missing.code, 2, "the user's to fix: {}", missing.stderr);
    assert!(
        missing.stderr.contains("開示請求.html") && missing.stderr.contains("見つかりません"),
        "names the file, in Japanese: {}",
        missing.stderr
    );
    assert!(!nowhere.exists());
}
