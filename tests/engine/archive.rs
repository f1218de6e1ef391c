//! The open archive read back as docs/archive-format.md tells a reader to: decrypted with the
//! passphrase (age's scrypt recipient), unpacked as a plain tar, the manifest's sizes and SHA-256
//! checked, every record of the vault found once in records/<type>.jsonl — partners' records and
//! types this build does not know included — the audit trail in audit.jsonl and the printed forms
//! under forms/. And the failures: a refused passphrase or destination, a name already taken, a
//! failure halfway, each leaving nothing behind and nothing in the trail.

use std::{
    collections::{BTreeMap, BTreeSet},
    io::Read,
    path::Path,
};

use kasane::{Kind, Scope, SecretString, Vault, testing};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::support::*;

const ARCHIVE_PASS: &str = "archive passphrase for the city";

/// One member of the tar: its type, mode and bytes.
struct Member {
    dir: bool,
    mode: u32,
    bytes: Vec<u8>,
}

/// Decrypts and unpacks an archive as a reader without Kasane would, in memory.
fn open(path: &Path, passphrase: &str) -> Result<BTreeMap<String, Member>, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let dec = age::Decryptor::new(file).map_err(|e| e.to_string())?;
    let id = age::scrypt::Identity::new(SecretString::from(passphrase.to_string()));
    let plain = dec
        .decrypt(std::iter::once(&id as &dyn age::Identity))
        .map_err(|e| e.to_string())?;
    let mut tar = tar::Archive::new(plain);
    let mut out = BTreeMap::new();
    for e in tar.entries().map_err(|e| e.to_string())? {
        let mut e = e.map_err(|e| e.to_string())?;
        let name = e.path().map_err(|e| e.to_string())?.display().to_string();
        let mut bytes = Vec::new();
        e.read_to_end(&mut bytes).map_err(|e| e.to_string())?;
        let m = Member {
            dir: e.header().entry_type().is_dir(),
            mode: e.header().mode().map_err(|e| e.to_string())?,
            bytes,
        };
        assert!(out.insert(name.clone(), m).is_none(), "{name} appears twice");
    }
    Ok(out)
}

fn lines(bytes: &[u8]) -> Vec<Value> {
    std::str::from_utf8(bytes)
        .expect("UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect()
}

fn folder_is_empty(dir: &Path) -> bool {
    std::fs::read_dir(dir).unwrap().next().is_none()
}

fn actions(v: &Vault) -> Vec<String> {
    v.audit_trail().unwrap().into_iter().map(|e| e.action).collect()
}

fn write(v: &mut Vault, out: &Path) -> Result<kasane::ArchiveReport, kasane::Error> {
    v.write_archive(out, &pass(ARCHIVE_PASS), &mut |_| {})
}

#[test]
fn the_archive_holds_every_record_the_trail_and_the_forms_and_its_manifest_verifies() {
    let mut w = world(1400);
    // A type this build does not know (a newer partner's), and one whose name is no file name.
    craft(&mut w.a.vault, Scope::Directory, "future-thing", &mut |_| {});
    craft(&mut w.a.vault, Scope::Directory, "../../escape", &mut |_| {});
    // B holds what A shared: A's household and case arrive as partners' records.
    sync(&mut w.a.vault, &mut w.b.vault);
    let v = &mut w.b.vault;
    kasane_demo::fill_demo(v, 40, 14, kasane_demo::DemoLead::AsGenerated, &mut |_, _| {}).unwrap();
    // A meeting held (its record is printed too) and one still to come (only its 次第).
    let partner = agency_id(&w.a.vault);
    let mut meeting = |date: kasane::Date| {
        v.new_meeting(kasane::NewMeeting {
            kind: "consent-only".into(),
            series: None,
            date,
            time: Some("14:00".into()),
            place: "本庁舎 第3会議室".into(),
            chair: None,
            attendees: vec![partner],
        })
        .unwrap()
    };
    let held = meeting(jiff::civil::date(2026, 11, 20));
    let coming = meeting(jiff::civil::date(2026, 12, 10));

    let entities: BTreeMap<String, String> = {
        let mut stmt = testing::sql(v).prepare("SELECT id, etype FROM entity").unwrap();
        stmt.query_map([], |r| {
            Ok((
                uuid::Uuid::from_slice(&r.get::<_, Vec<u8>>(0)?).unwrap().to_string(),
                r.get::<_, String>(1)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    };
    let trail_before = v.audit_trail().unwrap().len();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("記録一式.tar.age");
    let mut phases = Vec::new();
    let report = v
        .write_archive(&out, &pass(ARCHIVE_PASS), &mut |p| {
            if phases.last() != Some(&p.phase) {
                phases.push(p.phase);
            }
        })
        .unwrap();
    assert_eq!(phases, ["records", "audit", "forms", "write"]);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "the archive alone, no temporary file"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&out).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let raw = std::fs::read(&out).unwrap();
    assert_eq!(raw.len() as u64, report.bytes);
    assert!(
        raw.starts_with(b"age-encryption.org/v1\n-> scrypt "),
        "a binary age file with one scrypt stanza"
    );
    assert!(
        !raw.windows("高橋".len()).any(|w| w == "高橋".as_bytes()),
        "no record is readable without the passphrase"
    );

    let files = open(&out, ARCHIVE_PASS).unwrap();
    // Every member is under the archive's own folders, owner-only.
    for (name, m) in &files {
        assert!(!name.starts_with('/') && !name.split('/').any(|p| p == ".."), "{name}");
        assert_eq!(m.mode, if m.dir { 0o700 } else { 0o600 }, "{name}");
    }
    let manifest: Value = serde_json::from_slice(&files["manifest.json"].bytes).unwrap();
    assert_eq!(manifest["kasane_archive"], 1);
    assert_eq!(manifest["archive"], report.archive.to_string());
    assert_eq!(manifest["agency"]["name"], "生活福祉課");
    assert_eq!(manifest["agency"]["id"], v.identity().agency.to_string());
    assert_eq!(manifest["vault"], v.identity().vault.to_string());
    assert_eq!(
        manifest["created"], "2026-11-25T01:00:00.000Z",
        "UTC, milliseconds, from the vault's clock"
    );
    // The manifest lists every file but itself, with its size and SHA-256.
    let listed: BTreeSet<&str> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap();
            let m = &files[path];
            assert_eq!(f["bytes"].as_u64().unwrap(), m.bytes.len() as u64, "{path}");
            let sha: String = Sha256::digest(&m.bytes).iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(f["sha256"], sha.as_str(), "{path}");
            path
        })
        .collect();
    let members: BTreeSet<&str> = files
        .iter()
        .filter(|(n, m)| !m.dir && *n != "manifest.json")
        .map(|(n, _)| n.as_str())
        .collect();
    assert_eq!(listed, members);
    assert_eq!(report.files, members.len() + 1);
    let readme = std::str::from_utf8(&files["README.txt"].bytes).unwrap();
    assert!(readme.contains("age -d") && readme.contains("tar -xf") && readme.contains("生活福祉課"));

    // Every record once, in its type's file, as stored.
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for (name, m) in files.iter().filter(|(n, _)| n.starts_with("records/")) {
        if m.dir {
            continue;
        }
        for r in lines(&m.bytes) {
            let etype = r["type"].as_str().unwrap().to_string();
            let expected_file = if etype == "../../escape" {
                "records/_unnamed.jsonl".to_string()
            } else {
                format!("records/{etype}.jsonl")
            };
            assert_eq!(*name, expected_file);
            assert!(
                r["fields"].is_object() && r["conflicts"].is_object() && r["scope"].is_string(),
                "{r}"
            );
            assert!(
                seen.insert(r["id"].as_str().unwrap().to_string(), etype).is_none(),
                "each record once"
            );
        }
    }
    assert_eq!(seen, entities, "every record of the vault, none other");
    assert_eq!(report.records, entities.len());
    let per_type: BTreeMap<String, usize> = serde_json::from_value(manifest["records"].clone()).unwrap();
    assert_eq!(per_type, report.record_types);
    assert_eq!(per_type.get("future-thing"), Some(&1), "{per_type:?}");
    let households = lines(&files["records/household.jsonl"].bytes);
    let takahashi = households
        .iter()
        .find(|h| h["fields"]["label"] == "高橋家")
        .expect("the partner's household is in B's archive");
    assert!(takahashi["scope"].as_str().unwrap().starts_with("household:"));
    assert!(takahashi["created"].as_str().unwrap().ends_with('Z'));
    let persons = lines(&files["records/person.jsonl"].bytes);
    let hal = persons.iter().find(|p| p["fields"]["given_name"] == "ハル").unwrap();
    assert_eq!(hal["parent"], takahashi["id"], "a person hangs from its household");

    // The trail as it stood, then one entry for the archive itself and none per form.
    let audit = lines(&files["audit.jsonl"].bytes);
    assert_eq!(audit.len(), trail_before);
    assert_eq!(report.audit_entries, trail_before);
    assert!(report.audit_verified && manifest["audit"]["verified"] == true);
    assert_eq!(audit[0]["seq"], 1);
    let after = actions(v);
    assert_eq!(after.len(), trail_before + 1, "one entry: {:?}", &after[trail_before..]);
    assert_eq!(after[trail_before], "archive.write");
    assert_eq!(
        v.audit_trail().unwrap().last().unwrap().target.as_deref(),
        Some(report.archive.to_string().as_str())
    );

    // The forms: each case's, each plan version's, the consents', the meetings', the ledger.
    let cases = lines(&files["records/case.jsonl"].bytes);
    assert!(cases.len() > 10);
    for c in &cases {
        let id = c["id"].as_str().unwrap();
        let form = |f: &str| files.get(&format!("forms/cases/{id}/{f}"));
        assert!(form("disclosures.html").is_some(), "every case has its 情報提供の記録");
        if c["fields"].get("intake").is_some_and(|i| !i.is_null()) {
            let html = String::from_utf8(form("intake.html").unwrap().bytes.clone()).unwrap();
            assert!(html.contains("相談受付票"));
        }
        if c["fields"].get("closure").is_some_and(|k| !k.is_null()) {
            assert!(form("closure.html").is_some(), "a closed case has its 終結シート");
        }
    }
    let plans = lines(&files["records/plan.jsonl"].bytes);
    assert!(!plans.is_empty());
    for p in &plans {
        let case = p["parent"].as_str().unwrap();
        let n = p["fields"]["number"].as_u64().unwrap();
        assert!(
            files.contains_key(&format!("forms/cases/{case}/plan-{n}.html")),
            "plan {n} of {case}"
        );
    }
    for k in lines(&files["records/consent.jsonl"].bytes) {
        assert!(files.contains_key(&format!("forms/consents/{}.html", k["id"].as_str().unwrap())));
    }
    assert!(files.contains_key("forms/ledger.html"));
    assert!(files.contains_key(&format!("forms/meetings/{held}/agenda.html")));
    assert!(
        files.contains_key(&format!("forms/meetings/{held}/minutes.html")),
        "a meeting held has its record"
    );
    assert!(files.contains_key(&format!("forms/meetings/{coming}/agenda.html")));
    assert!(
        !files.contains_key(&format!("forms/meetings/{coming}/minutes.html")),
        "not yet held"
    );
    let index = std::str::from_utf8(&files["forms/index.html"].bytes).unwrap();
    let forms: Vec<&str> = files
        .keys()
        .filter(|n| n.starts_with("forms/") && n.ends_with(".html") && *n != "forms/index.html")
        .map(String::as_str)
        .collect();
    assert_eq!(report.forms, forms.len());
    assert_eq!(report.forms_skipped, 0, "{}", manifest["forms_skipped"]);
    for f in &forms {
        assert!(
            index.contains(&format!("href=\"{}\"", &f["forms/".len()..])),
            "{f} is linked"
        );
    }

    // Views and prints are audited again afterwards.
    let case = cases[0]["id"].as_str().unwrap().parse().unwrap();
    v.case_detail(case).unwrap();
    assert_eq!(actions(v).last().map(String::as_str), Some("case.view"));
}

#[test]
fn a_refused_archive_leaves_nothing_and_no_entry() {
    let mut t = new_vault(1410);
    let hh = household(&mut t.vault, "高橋家", "鎌倉市大町2-3-4");
    case(&mut t.vault, hh, "8050");
    let v = &mut t.vault;
    let dir = tempfile::tempdir().unwrap();
    let trail = actions(v).len();
    let refused = |v: &mut Vault, out: &Path, passphrase: &str, code: &str, kind: Kind| {
        let e = v.write_archive(out, &pass(passphrase), &mut |_| {}).expect_err(code);
        assert_eq!((e.code(), e.kind()), (code, kind), "{e}");
        assert!(!e.message_ja().is_empty());
        e
    };
    refused(
        v,
        &dir.path().join("a.tar.age"),
        "",
        "key.passphrase-too-short",
        Kind::BadInput,
    );
    refused(
        v,
        &dir.path().join("a.tar.age"),
        "  short  ",
        "key.passphrase-too-short",
        Kind::BadInput,
    );
    let e = refused(
        v,
        &dir.path().join("no-such-folder").join("a.tar.age"),
        ARCHIVE_PASS,
        "archive.destination",
        Kind::BadInput,
    );
    assert!(
        e.message_ja().contains("フォルダが見つかりません"),
        "{}",
        e.message_ja()
    );
    // A "folder" that is a file.
    std::fs::write(dir.path().join("plain-file"), b"x").unwrap();
    refused(
        v,
        &dir.path().join("plain-file").join("a.tar.age"),
        ARCHIVE_PASS,
        "archive.destination",
        Kind::BadInput,
    );
    std::fs::remove_file(dir.path().join("plain-file")).unwrap();
    // A name already taken is never written over.
    let taken = dir.path().join("taken.tar.age");
    std::fs::write(&taken, b"the city's older archive").unwrap();
    refused(v, &taken, ARCHIVE_PASS, "archive.exists", Kind::BadInput);
    assert_eq!(std::fs::read(&taken).unwrap(), b"the city's older archive");
    std::fs::remove_file(&taken).unwrap();
    // Not in the vault folder, however it is named.
    let inside = t.path.join("keys").join("..").join("a.tar.age");
    refused(v, &inside, ARCHIVE_PASS, "archive.inside-vault", Kind::BadInput);
    assert!(!t.path.join("a.tar.age").exists());
    assert!(folder_is_empty(dir.path()), "nothing was left behind");
    assert_eq!(actions(v).len(), trail, "a refused archive is no entry");

    // A wrong passphrase does not open a written one.
    let out = dir.path().join("a.tar.age");
    write(v, &out).unwrap();
    assert!(open(&out, "not the archive passphrase").is_err());
    assert!(open(&out, ARCHIVE_PASS).is_ok());
}

#[test]
fn an_archive_that_fails_halfway_leaves_nothing_and_the_next_one_works() {
    let mut t = new_vault(1420);
    kasane_demo::fill_demo(&mut t.vault, 10, 3, kasane_demo::DemoLead::ThisAgency, &mut |_, _| {}).unwrap();
    let v = &mut t.vault;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a.tar.age");
    let trail = actions(v).len();
    // Something fails while the forms are written (the program is stopped, the disk is full):
    // here the progress report itself panics, with part of the archive already written.
    let halfway = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = v.write_archive(&out, &pass(ARCHIVE_PASS), &mut |p| {
            if p.phase == "forms" && p.done == 2 {
                panic!("stopped halfway");
            }
        });
    }));
    assert!(halfway.is_err());
    assert!(
        folder_is_empty(dir.path()),
        "neither the archive nor its temporary file remains"
    );
    assert_eq!(actions(v).len(), trail, "no entry for an archive that was not written");
    // Views are audited again: the panic did not leave them unrecorded.
    let case = v
        .cases(&kasane::CaseFilter {
            include_closed: true,
            ..Default::default()
        })
        .unwrap()[0]
        .id;
    v.case_detail(case).unwrap();
    assert_eq!(actions(v).last().map(String::as_str), Some("case.view"));
    let report = write(v, &out).unwrap();
    assert!(report.forms > 2);
    assert!(open(&out, ARCHIVE_PASS).is_ok());
}

#[test]
fn the_format_document_names_every_record_type_and_field_the_demo_city_writes() {
    let mut t = new_vault(1430);
    kasane_demo::fill_demo(&mut t.vault, 60, 5, kasane_demo::DemoLead::AsGenerated, &mut |_, _| {}).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a.tar.age");
    write(&mut t.vault, &out).unwrap();
    let files = open(&out, ARCHIVE_PASS).unwrap();
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/archive-format.md")).unwrap();
    let mut missing = Vec::new();
    for (name, m) in files.iter().filter(|(n, m)| n.starts_with("records/") && !m.dir) {
        let etype = name.trim_start_matches("records/").trim_end_matches(".jsonl");
        // The type's section runs from its heading to the next heading of that level.
        let heading = format!("\n### `{etype}`");
        let Some(at) = doc.find(&heading) else {
            missing.push(format!("a section `### `{etype}``"));
            continue;
        };
        let rest = &doc[at + heading.len()..];
        let section = &rest[..rest.find("\n### ").or_else(|| rest.find("\n## ")).unwrap_or(rest.len())];
        let fields: BTreeSet<String> = lines(&m.bytes)
            .iter()
            .flat_map(|r| r["fields"].as_object().unwrap().keys().cloned().collect::<Vec<_>>())
            .collect();
        for f in fields {
            if !section.contains(&format!("`{f}`")) {
                missing.push(format!("{etype}.{f}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs/archive-format.md does not describe: {missing:?}"
    );
}
