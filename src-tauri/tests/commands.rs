//! The command layer against real vaults: each test creates a SQLCipher vault in a temporary
//! folder through `vault_create` (KDF cost 2^10 so tests stay quick) and calls the same functions
//! the Tauri commands call, checking what the window would receive — data and error payloads.

use std::{
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
};

use kasane::KdfCost;
use kasane_desktop::{
    Desktop,
    case::{self, CaseUpdateInput, ConsentPrintInput, NewCaseInput, NewConsentInput, NewNoteInput},
    error::{CommandError, DateProblem, EraIssue, EraName, ErrorKind},
    household::{self, HouseholdFilterInput, NewHouseholdInput, NewPersonInput, NewRelationInput, PersonUpdateInput},
    progress::{Progress, Step},
    reference,
    search::{self, HitKind},
    vault::{self, NewVaultInput, NewWorkerInput, PassphraseChangeInput, RecoverInput, UnlockInput, WorkerRemoveInput},
    view::{CaseStatus, Change, ConsentGiver, ConsentHow, ConsentPurpose, InfoKind, NoteKind, RelationKind, Risk, Sex},
};

const PASS: &str = "correct horse battery";

struct Fixture {
    _tmp: tempfile::TempDir,
    path: PathBuf,
    desk: Desktop,
    recovery_code: String,
    worker: String,
    agency: String,
}

fn no_progress(_: Progress) {}

fn create_in(path: &Path) -> (Desktop, vault::CreatedVault) {
    let desk = Desktop::new(None).with_kdf(KdfCost::Fixed(10));
    let created = vault::vault_create(
        &desk,
        NewVaultInput {
            path: path.display().to_string(),
            agency: "福祉総務課".into(),
            site: "本庁舎PC-1".into(),
            worker: "山田".into(),
            passphrase: PASS.into(),
            passphrase_again: PASS.into(),
        },
        &no_progress,
    )
    .expect("a vault is created in an empty temporary folder");
    (desk, created)
}

fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().expect("temporary folder");
    let path = tmp.path().join("vault");
    let (desk, created) = create_in(&path);
    Fixture {
        _tmp: tmp,
        path,
        desk,
        recovery_code: created.recovery_code,
        worker: created.session.worker_id,
        agency: created.session.agency_id,
    }
}

fn household(f: &Fixture, label: &str, district: &str) -> String {
    household::household_add(
        &f.desk,
        NewHouseholdInput {
            label: label.into(),
            district: district.into(),
            address: "鎌倉市大町2-3-4".into(),
            phone: String::new(),
        },
    )
    .expect("a household with a known district is added")
}

fn person(f: &Fixture, household: &str, names: (&str, &str, &str, &str), birth: &str) -> Result<String, CommandError> {
    household::person_add(
        &f.desk,
        NewPersonInput {
            household: household.into(),
            family_name: names.0.into(),
            given_name: names.1.into(),
            family_kana: names.2.into(),
            given_kana: names.3.into(),
            birth: birth.into(),
            sex: Sex::Female,
            relation: "本人".into(),
            living_together: true,
            deceased: String::new(),
            expecting: String::new(),
        },
    )
}

fn open_case(f: &Fixture, household: &str, problems: &[&str], next_review: &str) -> String {
    case::case_open(
        &f.desk,
        NewCaseInput {
            household: household.into(),
            title: "母の認知症と長男のひきこもり".into(),
            problems: problems.iter().map(|p| p.to_string()).collect(),
            lead_agency: None,
            risk: Some(Risk::High),
            next_review: next_review.into(),
            opened: String::new(),
        },
    )
    .expect("a case with known problem codes opens")
}

#[test]
fn creating_a_vault_reports_each_step_and_returns_a_recovery_code_in_fourteen_groups() {
    let tmp = tempfile::tempdir().expect("temporary folder");
    let desk = Desktop::new(None).with_kdf(KdfCost::Fixed(10));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = {
        let seen = seen.clone();
        move |p: Progress| seen.lock().expect("progress list").push(p.step)
    };
    let created = vault::vault_create(
        &desk,
        NewVaultInput {
            path: tmp.path().join("v").display().to_string(),
            agency: "福祉総務課".into(),
            site: "PC-1".into(),
            worker: "山田".into(),
            passphrase: PASS.into(),
            passphrase_again: PASS.into(),
        },
        &sink,
    )
    .expect("vault created");
    assert_eq!(created.session.worker_name, "山田", "the first worker is signed in");
    assert_eq!(
        created.session.agency_name, "福祉総務課",
        "the session names the agency"
    );
    let groups: Vec<&str> = created.recovery_code.split('-').collect();
    assert_eq!(
        groups.len(),
        14,
        "the recovery code is shown in 14 groups of four so it can be written down: {}",
        created.recovery_code
    );
    assert!(groups.iter().all(|g| g.len() == 4), "each group has four symbols");
    assert_eq!(
        *seen.lock().expect("progress list"),
        vec![Step::CreateVault, Step::ReadIdentity, Step::Done],
        "the window is told each step, ending with Done"
    );
    assert!(desk.is_unlocked(), "a new vault is open for the worker who created it");
}

#[test]
fn mismatched_or_short_passphrases_are_refused_before_anything_is_written() {
    let tmp = tempfile::tempdir().expect("temporary folder");
    let desk = Desktop::new(None).with_kdf(KdfCost::Fixed(10));
    let path = tmp.path().join("v");
    let input = |a: &str, b: &str| NewVaultInput {
        path: path.display().to_string(),
        agency: "福祉総務課".into(),
        site: "PC".into(),
        worker: "山田".into(),
        passphrase: a.into(),
        passphrase_again: b.into(),
    };
    let e = vault::vault_create(&desk, input(PASS, "something else"), &no_progress).expect_err("mismatch refused");
    assert_eq!(e.code, "key.passphrase-mismatch", "the two entries differ: {e}");
    let e = vault::vault_create(&desk, input("short", "short"), &no_progress).expect_err("short refused");
    assert_eq!(e.code, "key.passphrase-too-short", "{e}");
    assert_eq!(e.kind, ErrorKind::BadInput);
    assert!(!path.exists(), "a refused setup leaves no folder behind");
    let e = vault::vault_create(
        &desk,
        NewVaultInput {
            path: "relative/v".into(),
            ..input(PASS, PASS)
        },
        &no_progress,
    )
    .expect_err("relative path refused");
    assert_eq!(e.code, "input.relative-path", "{e}");
}

#[test]
fn locking_drops_the_vault_and_unlocking_needs_the_right_passphrase() {
    let f = fixture();
    assert!(vault::vault_lock(&f.desk), "the open vault is locked");
    let e = household::households(&f.desk, HouseholdFilterInput::default()).expect_err("locked");
    assert_eq!(e.code, "vault.locked", "commands on a locked vault say so: {e}");

    let folder = vault::vault_inspect(f.path.display().to_string()).expect("the folder is readable while locked");
    assert_eq!(folder.workers.len(), 1, "the unlock screen can offer the one worker");
    assert_eq!(folder.workers[0].name, "山田");

    let unlock = |pass: &str| {
        vault::vault_unlock(
            &f.desk,
            UnlockInput {
                path: f.path.display().to_string(),
                worker: folder.workers[0].id.clone(),
                passphrase: pass.into(),
            },
            &no_progress,
        )
    };
    let e = unlock("wrong passphrase").expect_err("wrong passphrase refused");
    assert_eq!(e.code, "key.wrong-passphrase", "{e}");
    assert_eq!(
        e.kind,
        ErrorKind::Auth,
        "the window shows a clear wrong-passphrase message for kind auth"
    );
    assert!(!f.desk.is_unlocked(), "a failed unlock leaves the vault locked");
    let session = unlock(PASS).expect("right passphrase unlocks");
    assert_eq!(session.worker_id, f.worker);
    assert!(household::households(&f.desk, HouseholdFilterInput::default()).is_ok());
}

#[test]
fn missing_folders_are_reported_with_the_engines_code() {
    let tmp = tempfile::tempdir().expect("temporary folder");
    let e = vault::vault_inspect(tmp.path().join("nothing").display().to_string()).expect_err("no vault there");
    assert_eq!(e.code, "vault.missing", "{e}");
    assert_eq!(e.kind, ErrorKind::Vault);
}

#[test]
fn a_member_with_a_wareki_birth_date_shows_its_wareki_and_age() {
    let f = fixture();
    let h = household(&f, "髙橋家", "kamakura-2");
    person(&f, &h, ("髙橋", "ハル", "タカハシ", "ハル"), "S15").expect("昭和15 is a valid partial birth date");
    person(&f, &h, ("髙橋", "一郎", "たかはし", "いちろう"), "昭和45年3月2日").expect("a full 和暦 date");
    let detail = household::household_detail(&f.desk, h.clone()).expect("household detail");
    assert_eq!(detail.members.len(), 2);
    let haru = detail
        .members
        .iter()
        .find(|m| m.given_name == "ハル")
        .expect("ハル is a member");
    let birth = haru.birth.as_ref().expect("birth recorded");
    assert_eq!(birth.iso, "1940", "S15 is the year 1940");
    assert_eq!(birth.wareki, "昭和15年", "the engine's 和暦 is passed through");
    let age = haru.age.expect("age known from the year");
    assert_eq!(age.max - age.min, 1, "a year-only birth date gives a one-year range");
    let ichiro = detail
        .members
        .iter()
        .find(|m| m.given_name == "一郎")
        .expect("一郎 is a member");
    assert_eq!(ichiro.birth.as_ref().map(|b| b.iso.as_str()), Some("1970-03-02"));
}

#[test]
fn impossible_dates_come_back_as_structured_problems_for_the_form() {
    let f = fixture();
    let h = household(&f, "佐藤家", "koshigoe");
    let e = person(&f, &h, ("佐藤", "花子", "サトウ", "ハナコ"), "R1.4.30").expect_err("令和 began on 2019-05-01");
    assert_eq!(e.code, "input.bad-date", "{e}");
    assert_eq!(
        e.field.as_deref(),
        Some("birth"),
        "the form can put the message under the birth field"
    );
    match e.date.as_deref() {
        Some(DateProblem::NotInEra {
            era, issue, era_start, ..
        }) => {
            assert_eq!(*era, EraName::Reiwa);
            assert_eq!(*issue, EraIssue::BeforeStart);
            assert_eq!(era_start, "2019-05-01", "the UI says when 令和 began");
        }
        other => panic!("expected a not-in-era problem, got {other:?}"),
    }
    let e = reference::date_check("2023-02-29".into(), false).expect_err("2023 is not a leap year");
    assert!(
        matches!(e.date.as_deref(), Some(DateProblem::DayNotInMonth { days: 28, .. })),
        "February 2023 has 28 days: {e:?}"
    );
    let ok = reference::date_check("令和元年5月1日".into(), false).expect("the first day of 令和");
    assert_eq!(ok.iso, "2019-05-01");
    assert_eq!(ok.wareki, "令和元年5月1日");
    let e = reference::date_check("S15".into(), false).expect_err("a full date is needed here");
    assert!(
        matches!(e.date.as_deref(), Some(DateProblem::Incomplete { .. })),
        "{e:?}"
    );
    let e = person(&f, &h, ("佐藤", "花子", "sato", "ハナコ"), "").expect_err("readings are kana");
    assert_eq!(e.code, "input.not-kana", "{e}");
    assert_eq!(e.field.as_deref(), Some("family name reading"));
}

#[test]
fn households_filter_by_district_problem_status_and_lead_agency() {
    let f = fixture();
    let a = household(&f, "高橋家", "kamakura-2");
    let b = household(&f, "鈴木家", "koshigoe");
    person(&f, &a, ("高橋", "ハル", "タカハシ", "ハル"), "S15").expect("member");
    person(&f, &b, ("鈴木", "次郎", "スズキ", "ジロウ"), "H2").expect("member");
    let c = open_case(&f, &a, &["hachimaru-gomaru", "dementia"], "");
    let list = |filter: HouseholdFilterInput| {
        household::households(&f.desk, filter)
            .expect("list")
            .into_iter()
            .map(|r| r.label)
            .collect::<Vec<_>>()
    };
    assert_eq!(list(HouseholdFilterInput::default()).len(), 2);
    assert_eq!(
        list(HouseholdFilterInput {
            district: Some("koshigoe".into()),
            ..Default::default()
        }),
        vec!["鈴木家"]
    );
    assert_eq!(
        list(HouseholdFilterInput {
            problem: Some("dementia".into()),
            ..Default::default()
        }),
        vec!["高橋家"]
    );
    assert_eq!(
        list(HouseholdFilterInput {
            case_status: Some(CaseStatus::Intake),
            lead_agency: Some(f.agency.clone()),
            ..Default::default()
        }),
        vec!["高橋家"],
        "a new case is 受付 and led by this agency"
    );
    case::case_update(
        &f.desk,
        c,
        CaseUpdateInput {
            status: Some(CaseStatus::Active),
            ..Default::default()
        },
    )
    .expect("status changes");
    assert!(
        list(HouseholdFilterInput {
            case_status: Some(CaseStatus::Intake),
            ..Default::default()
        })
        .is_empty(),
        "no household has an intake case any more"
    );
}

#[test]
fn home_lists_this_agencys_cases_with_reviews_and_the_case_page_shows_the_contact_log() {
    let f = fixture();
    let h = household(&f, "高橋家", "kamakura-2");
    let p = person(&f, &h, ("高橋", "ハル", "タカハシ", "ハル"), "S15").expect("member");
    let c = open_case(&f, &h, &["dementia"], "2020-04-01");
    let home = case::home(&f.desk).expect("home");
    assert_eq!(home.cases.len(), 1, "the new case is led by this agency");
    assert!(home.cases[0].review_overdue, "a review date in 2020 is overdue");
    assert_eq!(home.cases[0].household_label, "高橋家");

    let shared = case::note_add(
        &f.desk,
        NewNoteInput {
            case: c.clone(),
            kind: NoteKind::Visit,
            text: "長男は自室から出てこず".into(),
            date: "R6.6.14".into(),
            internal: false,
            outreach: None,
        },
    )
    .expect("a shared entry");
    case::note_add(
        &f.desk,
        NewNoteInput {
            case: c.clone(),
            kind: NoteKind::Phone,
            text: "機関内の覚え書き".into(),
            date: String::new(),
            internal: true,
            outreach: None,
        },
    )
    .expect("an internal entry");
    let terms = NewConsentInput {
        person: p,
        given_by: ConsentGiver::Guardian,
        giver_name: "高橋 次郎".into(),
        giver_relation: "成年後見人（弟）".into(),
        scope: "支援のための情報共有".into(),
        purposes: vec![ConsentPurpose::CoordinatedSupport],
        kinds: vec![
            InfoKind::Basic,
            InfoKind::Health,
            InfoKind::Finances,
            InfoKind::Progress,
        ],
        agencies: vec![],
        date: String::new(),
        until: "R9.11.30".into(),
        how: ConsentHow::Written,
        witness: String::new(),
    };
    let e = case::consent_add(&f.desk, terms.clone()).expect_err("a consent naming no agency");
    assert!(e.message_ja.contains("機関"), "the refusal says to name an agency: {e}");
    let terms = NewConsentInput {
        agencies: vec![f.agency.clone()],
        ..terms
    };
    let e = case::consent_add(
        &f.desk,
        NewConsentInput {
            until: String::new(),
            ..terms.clone()
        },
    )
    .expect_err("a consent without its last day");
    assert!(e.message_ja.contains("同意の期間の終わり"), "{e}");
    let form = case::consent_print(&f.desk, ConsentPrintInput::Terms(Box::new(terms.clone())))
        .expect("the 同意書 prints before saving");
    assert!(
        form.contains("同意書")
            && form.contains("成年後見人")
            && form.contains("高橋 次郎")
            && form.contains("令和9年11月30日"),
        "the form shows the proxy and the period"
    );
    case::consent_add(&f.desk, terms).expect("consent recorded");
    let detail = case::case_detail(&f.desk, c.clone()).expect("case detail");
    assert_eq!(detail.notes.len(), 2);
    assert!(
        detail.notes[0].internal,
        "the newest entry (today) is the internal one, marked as such"
    );
    assert!(!detail.notes[1].internal);
    assert_eq!(
        detail.notes[1].date.wareki, "令和6年6月14日",
        "the date typed as R6.6.14"
    );
    assert_eq!(detail.lead_agency_name, "福祉総務課");

    case::note_retract(&f.desk, shared.clone()).expect("retract");
    let detail = case::case_detail(&f.desk, c.clone()).expect("case detail");
    assert!(
        detail.notes.iter().any(|n| n.id == shared && n.retracted),
        "a retracted entry stays, marked"
    );

    let consent = detail.consents[0].id.clone();
    case::consent_withdraw(&f.desk, consent.clone(), String::new()).expect("withdraw");
    let e = case::consent_withdraw(&f.desk, consent, String::new()).expect_err("only once");
    assert_eq!(e.code, "refused", "{e}");
    assert_eq!(e.kind, ErrorKind::Refused);

    case::case_update(
        &f.desk,
        c.clone(),
        CaseUpdateInput {
            next_review: Some(Change { value: None }),
            risk: Some(Change { value: None }),
            ..Default::default()
        },
    )
    .expect("review date and risk cleared");
    let detail = case::case_detail(&f.desk, c).expect("case detail");
    assert!(
        detail.case.next_review.is_none() && detail.case.risk.is_none(),
        "both were cleared"
    );
}

#[test]
fn search_finds_a_person_by_kana_romaji_and_kanji_variant() {
    let f = fixture();
    let h = household(&f, "髙橋家", "kamakura-2");
    person(&f, &h, ("髙橋", "ハル", "タカハシ", "ハル"), "S15").expect("member");
    for query in ["たかはし", "takahashi", "高橋", "ﾀｶﾊｼ"] {
        let hits = search::search(&f.desk, query.into(), false).expect("search");
        assert!(
            hits.iter().any(|h| h.kind == HitKind::Person && h.label == "髙橋 ハル"),
            "{query} should find 髙橋 ハル, got {hits:?}"
        );
    }
    assert!(
        search::search(&f.desk, "   ".into(), true).expect("blank").is_empty(),
        "a blank query finds nothing"
    );
}

#[test]
fn members_can_be_related_and_edited() {
    let f = fixture();
    let h = household(&f, "高橋家", "kamakura-2");
    let mother = person(&f, &h, ("高橋", "ハル", "タカハシ", "ハル"), "S15").expect("member");
    let son = person(&f, &h, ("高橋", "一郎", "タカハシ", "イチロウ"), "S45").expect("member");
    relation::add(&f, &mother, &son);
    household::person_update(
        &f.desk,
        son.clone(),
        PersonUpdateInput {
            relation: Some("長男".into()),
            birth: Some(Change {
                value: Some("昭和45年3月2日".into()),
            }),
            ..Default::default()
        },
    )
    .expect("edit");
    let detail = household::household_detail(&f.desk, h).expect("detail");
    assert_eq!(detail.relations.len(), 1);
    assert_eq!(detail.relations[0].kind, RelationKind::ParentChild);
    let ichiro = detail.members.iter().find(|m| m.id == son).expect("son");
    assert_eq!(ichiro.relation, "長男");
    assert_eq!(ichiro.birth.as_ref().map(|b| b.wareki.as_str()), Some("昭和45年3月2日"));
}

mod relation {
    use super::*;
    pub fn add(f: &Fixture, parent: &str, child: &str) {
        household::relation_add(
            &f.desk,
            NewRelationInput {
                a: parent.into(),
                b: child.into(),
                kind: RelationKind::ParentChild,
                status: None,
            },
        )
        .expect("parent and child in one household");
    }
}

#[test]
fn workers_passphrases_and_the_recovery_code() {
    let f = fixture();
    let added = vault::worker_add(
        &f.desk,
        NewWorkerInput {
            name: "佐々木".into(),
            passphrase: "sasaki passphrase".into(),
            passphrase_again: "sasaki passphrase".into(),
        },
        &no_progress,
    )
    .expect("a second worker");
    assert_eq!(vault::vault_workers(&f.desk).expect("workers").len(), 2);

    let wrong = vault::passphrase_change(
        &f.desk,
        PassphraseChangeInput {
            current_passphrase: "not my passphrase".into(),
            passphrase: "a new passphrase".into(),
            passphrase_again: "a new passphrase".into(),
        },
        &no_progress,
    )
    .expect_err("an unattended unlocked window must not be enough to change the passphrase");
    assert_eq!(
        wrong.kind,
        ErrorKind::Auth,
        "a wrong current passphrase is an authentication failure: {wrong:?}"
    );
    vault::passphrase_change(
        &f.desk,
        PassphraseChangeInput {
            current_passphrase: PASS.into(),
            passphrase: "a new passphrase".into(),
            passphrase_again: "a new passphrase".into(),
        },
        &no_progress,
    )
    .expect("passphrase changed");
    vault::vault_lock(&f.desk);
    let unlock = |worker: &str, pass: &str| {
        vault::vault_unlock(
            &f.desk,
            UnlockInput {
                path: f.path.display().to_string(),
                worker: worker.into(),
                passphrase: pass.into(),
            },
            &no_progress,
        )
    };
    assert_eq!(
        unlock(&f.worker, PASS).expect_err("old passphrase").code,
        "key.wrong-passphrase",
        "the old passphrase no longer works"
    );
    unlock(&f.worker, "a new passphrase").expect("the new one does");
    vault::vault_lock(&f.desk);
    unlock(&added.id, "sasaki passphrase").expect("the second worker unlocks with their own");

    let recover = |code: &str| {
        vault::vault_recover(
            &f.desk,
            RecoverInput {
                path: f.path.display().to_string(),
                worker: f.worker.clone(),
                recovery_code: code.into(),
                new_passphrase: "recovered passphrase".into(),
                new_passphrase_again: "recovered passphrase".into(),
            },
            &no_progress,
        )
    };
    let mut typo = f.recovery_code.clone();
    let last = if typo.ends_with('0') { "1" } else { "0" };
    typo.replace_range(typo.len() - 1.., last);
    assert_eq!(
        recover(&typo).expect_err("typo").code,
        "key.recovery-code-typo",
        "a mistyped code is reported as a typo"
    );
    let session = recover(&f.recovery_code.to_lowercase()).expect("the code, typed in lower case, recovers");
    assert_eq!(session.worker_id, f.worker, "signed in as the recovered worker");
    vault::vault_lock(&f.desk);
    unlock(&f.worker, "recovered passphrase").expect("the new passphrase works");
}

#[test]
fn removing_a_worker_who_left_changes_the_key_and_shows_a_new_recovery_code_once() {
    let f = fixture();
    household(&f, "高橋家", "kamakura-2");
    let add = |name: &str, pass: &str| {
        vault::worker_add(
            &f.desk,
            NewWorkerInput {
                name: name.into(),
                passphrase: pass.into(),
                passphrase_again: pass.into(),
            },
            &no_progress,
        )
        .expect("a worker")
    };
    let sasaki = add("佐々木", "sasaki passphrase");
    let ito = add("伊藤", "ito passphrase");
    let remove = |worker: &str| {
        let steps = Arc::new(Mutex::new(Vec::new()));
        let seen = steps.clone();
        let report = move |p: Progress| seen.lock().unwrap().push(p.step);
        let out = vault::worker_remove(&f.desk, WorkerRemoveInput { worker: worker.into() }, &report);
        (out, steps.lock().unwrap().clone())
    };

    let (me, _) = remove(&f.worker);
    let me = me.expect_err("nobody removes themselves");
    assert_eq!(
        (me.code.as_str(), me.kind),
        ("vault.removing-yourself", ErrorKind::Refused)
    );
    assert!(me.message_ja.contains("自分自身"), "{}", me.message_ja);
    assert_eq!(remove("not an id").0.expect_err("a bad id").code, "input.bad-id");
    assert_eq!(
        vault::vault_workers(&f.desk).unwrap().len(),
        3,
        "refusals change nothing"
    );

    let (done, steps) = remove(&sasaki.id);
    let done = done.expect("佐々木 removed");
    assert!(
        steps.contains(&Step::ChangeKey),
        "the window is told the key is being changed"
    );
    assert_eq!(done.removed.name, "佐々木");
    assert_eq!(done.remaining.len(), 2);
    assert_eq!(done.recovery_code.len(), 69);
    assert_ne!(done.recovery_code, f.recovery_code);
    let names: Vec<String> = vault::vault_workers(&f.desk)
        .unwrap()
        .into_iter()
        .map(|w| w.name)
        .collect();
    assert!(!names.contains(&"佐々木".to_string()), "{names:?}");
    assert_eq!(
        household::households(&f.desk, HouseholdFilterInput::default())
            .unwrap()
            .len(),
        1,
        "the session goes on under the new key"
    );

    vault::vault_lock(&f.desk);
    let unlock = |worker: &str, pass: &str| {
        vault::vault_unlock(
            &f.desk,
            UnlockInput {
                path: f.path.display().to_string(),
                worker: worker.into(),
                passphrase: pass.into(),
            },
            &no_progress,
        )
    };
    assert_eq!(
        unlock(&sasaki.id, "sasaki passphrase").expect_err("the leaver").code,
        "key.no-such-worker"
    );
    unlock(&ito.id, "ito passphrase").expect("伊藤 keeps their password");
    vault::vault_lock(&f.desk);
    let recover = |code: &str| {
        vault::vault_recover(
            &f.desk,
            RecoverInput {
                path: f.path.display().to_string(),
                worker: ito.id.clone(),
                recovery_code: code.into(),
                new_passphrase: "ito recovered".into(),
                new_passphrase_again: "ito recovered".into(),
            },
            &no_progress,
        )
    };
    assert_eq!(
        recover(&f.recovery_code).expect_err("the old code").code,
        "key.wrong-recovery-code"
    );
    recover(&done.recovery_code).expect("the new code");
}

#[test]
fn app_start_names_the_env_vault_and_the_open_session() {
    let f = fixture();
    let desk = Desktop::new(Some(f.path.clone()));
    let start = vault::app_start(&desk).expect("start info");
    assert_eq!(start.env_vault.as_deref(), Some(f.path.display().to_string().as_str()));
    assert!(start.session.is_none(), "a fresh window has nothing unlocked");
    assert_eq!(start.min_passphrase_chars, kasane::MIN_PASSPHRASE_CHARS as u32);
    let start = vault::app_start(&f.desk).expect("start info");
    assert_eq!(
        start.session.map(|s| s.worker_name),
        Some("山田".to_string()),
        "a reloaded window gets the session back"
    );
}

#[test]
fn reference_data_offers_the_citys_districts_and_problems() {
    let r = reference::reference_data();
    assert!(r.districts.iter().any(|d| d.code == "kamakura-2"));
    assert!(r.problems.iter().any(|p| p.code == "hachimaru-gomaru"));
    assert_eq!(
        r.case_statuses.first(),
        Some(&CaseStatus::Intake),
        "in the engine's order"
    );
    assert_eq!(r.note_kinds.len(), kasane::NoteKind::ALL.len());
}

/// Every command is in the app manifest, in the invoke handler and allowed by the one capability —
/// and nothing else is: a command missing from the manifest would bypass the ACL.
#[test]
fn commands_manifest_handler_and_capability_agree() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The wrappers, the invoke handler (`ipc::handler`), the manifest's names (build.rs) and
    // COMMANDS are all expanded from the one table, and lib.rs installs that handler.
    let lib = std::fs::read_to_string(root.join("src/lib.rs")).expect("read src/lib.rs");
    assert!(
        lib.contains(".invoke_handler(ipc::handler())") && !lib.contains("generate_handler!"),
        "lib.rs installs the handler made from the command table, and no other"
    );
    let table = std::fs::read_to_string(root.join("src/commands.rs")).expect("read src/commands.rs");
    let mut handled: Vec<String> = table
        .split("commands! {")
        .nth(1)
        .expect("commands.rs holds one commands! table")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("//") && *l != "}")
        .map(|l| l.split('(').next().unwrap_or_default().trim().to_string())
        .collect();
    let mut listed: Vec<String> = kasane_desktop::COMMANDS.iter().map(|s| s.to_string()).collect();
    handled.sort();
    listed.sort();
    assert_eq!(
        handled, listed,
        "the command table and COMMANDS must list the same commands"
    );
    let described: Vec<&str> = kasane_desktop::ipc::TABLE.iter().map(|c| c.name).collect();
    assert_eq!(
        described,
        kasane_desktop::COMMANDS,
        "the table as data (for the TypeScript functions) lists the same commands"
    );

    let cap: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("capabilities/main.json")).expect("read the capability"),
    )
    .expect("the capability is JSON");
    let mut allowed: Vec<String> = cap["permissions"]
        .as_array()
        .expect("permissions list")
        .iter()
        .filter_map(|p| p.as_str())
        .map(str::to_string)
        .collect();
    allowed.sort();
    let mut expected: Vec<String> = listed
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    expected.push("dialog:allow-open".into());
    // Files dropped on the window arrive as the webview's drag-drop event: the page may listen
    // (and stop listening) to events, never emit them.
    expected.push("core:event:allow-listen".into());
    expected.push("core:event:allow-unlisten".into());
    expected.sort();
    assert_eq!(
        allowed, expected,
        "the capability allows exactly the app's commands and the folder chooser"
    );
    let caps = std::fs::read_dir(root.join("capabilities"))
        .expect("capabilities folder")
        .count();
    assert_eq!(caps, 1, "there is exactly one capability");

    let conf: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("tauri.conf.json")).expect("read tauri.conf.json"))
            .expect("tauri.conf.json is JSON");
    assert_eq!(conf["app"]["withGlobalTauri"], serde_json::Value::Bool(false));
    let csp = conf["app"]["security"]["csp"].to_string();
    assert!(!csp.contains("unsafe-eval"), "no eval in the window: {csp}");
    assert!(!csp.contains("unsafe-inline"), "no inline scripts or styles: {csp}");
    assert!(
        !csp.contains("https:") && !csp.contains("http://localhost") && !csp.contains('*'),
        "no remote origins: {csp}"
    );
}

mod exchange_commands {
    use super::*;
    use kasane::Basis;
    use kasane_desktop::exchange::{self, BundleExportInput, BundleProgress, ConflictResolveInput, ImportStatusView};

    struct Agency {
        _tmp: tempfile::TempDir,
        desk: Desktop,
        agency: String,
        files: PathBuf,
    }

    fn agency(name: &str, site: &str) -> Agency {
        let tmp = tempfile::tempdir().expect("temporary folder");
        let desk = Desktop::new(None).with_kdf(KdfCost::Fixed(10));
        let created = vault::vault_create(
            &desk,
            NewVaultInput {
                path: tmp.path().join("vault").display().to_string(),
                agency: name.into(),
                site: site.into(),
                worker: "担当者".into(),
                passphrase: PASS.into(),
                passphrase_again: PASS.into(),
            },
            &no_progress,
        )
        .expect("a vault is created");
        let files = tmp.path().join("usb");
        std::fs::create_dir(&files).expect("a folder for exchanged files");
        Agency {
            _tmp: tmp,
            desk,
            agency: created.session.agency_id,
            files,
        }
    }

    fn folder(a: &Agency) -> String {
        a.files.display().to_string()
    }

    /// Exports `from`'s card, imports it at `to` and (when asked) verifies it with the
    /// fingerprint as shown on `from`'s screen.
    fn introduce(from: &Agency, to: &Agency, verify: bool) -> exchange::SiteView {
        let card = exchange::card_export(&from.desk, folder(from)).expect("the card is written");
        let imported = exchange::card_import(&to.desk, card).expect("the partner's card is imported");
        assert!(!imported.verified, "an imported card waits for its fingerprint");
        if !verify {
            return imported;
        }
        let shown = exchange::exchange_overview(&from.desk).unwrap().me;
        exchange::card_verify(&to.desk, imported.site.clone(), shown.groups.join(" ")).expect("the fingerprints match")
    }

    type Events = Arc<Mutex<Vec<BundleProgress>>>;

    fn recorder() -> (Events, impl Fn(BundleProgress) + Send + Sync) {
        let events: Events = Arc::default();
        let sink = events.clone();
        (events, move |p| sink.lock().unwrap().push(p))
    }

    fn export_to(from: &Agency, to: &Agency) -> (String, Vec<BundleProgress>) {
        let (events, sink) = recorder();
        let report = exchange::bundle_export(
            &from.desk,
            BundleExportInput {
                to: to.agency.clone(),
                full: false,
                folder: folder(from),
            },
            &sink,
        )
        .expect("the bundle is written");
        let events = events.lock().unwrap().clone();
        (report.path, events)
    }

    fn import(at: &Agency, path: &str) -> Result<exchange::ImportSummaryView, CommandError> {
        exchange::bundle_import(&at.desk, path.to_string(), &|_: BundleProgress| {})
    }

    fn shared_case(a: &Agency, b: &Agency) -> (String, String) {
        let hh = household::household_add(
            &a.desk,
            NewHouseholdInput {
                label: "高橋家".into(),
                district: "kamakura-1".into(),
                address: "鎌倉市大町2-3-4".into(),
                phone: String::new(),
            },
        )
        .unwrap();
        let case = case::case_open(
            &a.desk,
            NewCaseInput {
                household: hh.clone(),
                title: "母の認知症と長男のひきこもり".into(),
                problems: vec![],
                lead_agency: None,
                risk: Some(Risk::High),
                next_review: String::new(),
                opened: String::new(),
            },
        )
        .unwrap();
        // No share command yet on this branch: the engine directly.
        let (c, to) = (case.parse().unwrap(), b.agency.parse().unwrap());
        a.desk
            .with_vault(|v| Ok(v.share_case(c, to, Some(Basis::ShienKaigi))?))
            .expect("the lead shares the case under 支援会議");
        (hh, case)
    }

    #[test]
    fn cards_are_exchanged_both_ways_and_a_wrong_fingerprint_is_refused() {
        let a = agency("福祉総務課", "本庁舎PC-1");
        let b = agency("生活福祉課", "本庁舎PC-2");
        let me = exchange::exchange_overview(&a.desk).unwrap().me;
        assert_eq!(me.groups.len(), 6, "six groups: {:?}", me.groups);
        assert!(
            me.groups
                .iter()
                .all(|g| g.len() == 5 && g.chars().all(|c| c.is_ascii_digit()))
        );
        assert!(me.own && me.verified);

        let card = exchange::card_export(&a.desk, folder(&a)).unwrap();
        assert!(card.ends_with(".kasanecard") && card.contains("福祉総務課"), "{card}");
        let again = exchange::card_export(&a.desk, folder(&a)).unwrap();
        assert_ne!(card, again, "a second export never overwrites the first file");
        assert!(Path::new(&card).exists() && Path::new(&again).exists());

        let imported = exchange::card_import(&b.desk, card.clone()).unwrap();
        assert_eq!(imported.agency_name, "福祉総務課");
        assert_eq!(imported.groups, me.groups, "B shows the same fingerprint A shows");
        let mut wrong = me.groups.clone();
        wrong[3] = if wrong[3] == "00000" {
            "00001".into()
        } else {
            "00000".into()
        };
        let err = exchange::card_verify(&b.desk, imported.site.clone(), wrong.join(" ")).unwrap_err();
        assert_eq!(err.code, "card.fingerprint-mismatch");
        assert_eq!(err.kind, ErrorKind::Refused);
        assert!(err.message_ja.contains("照合番号"), "{}", err.message_ja);
        let partners = exchange::exchange_overview(&b.desk).unwrap().partners;
        assert!(!partners[0].verified, "a refused comparison leaves the card unverified");
        // What a person types: full-width digits, no spaces.
        let typed: String = me
            .groups
            .concat()
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap())
            .collect();
        let verified = exchange::card_verify(&b.desk, imported.site.clone(), typed).unwrap();
        assert!(verified.verified);
        introduce(&b, &a, true);
        assert!(exchange::exchange_overview(&a.desk).unwrap().partners[0].verified);

        let err = exchange::card_import(&a.desk, again).unwrap_err();
        assert_eq!(err.code, "card.own", "a site's own card is not a partner's");
        let garbage = a.files.join("garbage.kasanecard");
        std::fs::write(&garbage, "hello").unwrap();
        let err = exchange::card_import(&a.desk, garbage.display().to_string()).unwrap_err();
        assert_eq!(err.code, "card.invalid");
        let err = exchange::card_import(&a.desk, a.files.join("missing").display().to_string()).unwrap_err();
        assert_eq!(err.code, "file.unreadable");
        let err = exchange::card_import(&a.desk, "relative.kasanecard".into()).unwrap_err();
        assert_eq!(err.code, "input.relative-path");
        let err = exchange::card_export(&a.desk, a.files.join("nope").display().to_string()).unwrap_err();
        assert_eq!(err.code, "file.no-folder");
        let err = exchange::card_verify(&a.desk, "not-an-id".into(), "1".into()).unwrap_err();
        assert_eq!(err.code, "input.bad-id");

        // Revoking: the partner stays listed, as revoked, and cannot be verified again.
        let site = imported.site.clone();
        let revoked = exchange::site_revoke(&b.desk, site.clone()).unwrap();
        assert!(revoked.revoked);
        let err = exchange::card_verify(&b.desk, site, me.groups.join(" ")).unwrap_err();
        assert_eq!(err.code, "site.revoked");
        let own = exchange::exchange_overview(&b.desk).unwrap().me.site;
        assert_eq!(
            exchange::site_revoke(&b.desk, own).unwrap_err().code,
            "site.revoke-self"
        );
    }

    #[test]
    fn new_keys_for_this_pc_reach_the_partner_with_the_next_file() {
        let a = agency("福祉総務課", "本庁舎PC-1");
        let b = agency("生活福祉課", "本庁舎PC-2");
        introduce(&a, &b, true);
        introduce(&b, &a, true);
        shared_case(&a, &b);
        let before = exchange::exchange_overview(&a.desk).unwrap().me;
        assert_eq!(before.key_changes, 0);
        let after = exchange::site_rotate_keys(&a.desk).unwrap();
        assert_eq!(after.key_changes, 1, "the first change of this PC's keys");
        assert_ne!(after.groups, before.groups, "new keys show a new check number");
        assert_eq!(exchange::exchange_overview(&a.desk).unwrap().me.groups, after.groups);

        let (path, _) = export_to(&a, &b);
        let summary = import(&b, &path).unwrap();
        assert_eq!(summary.status, ImportStatusView::Applied);
        assert_eq!(summary.key_changes, 1, "the file carried the change: {summary:?}");
        let partner = exchange::exchange_overview(&b.desk).unwrap().partners.remove(0);
        assert_eq!(partner.groups, after.groups, "the partner shows the new check number");
        assert!(partner.verified, "still trusted: the old keys signed the change");
        assert_eq!(partner.key_changes, 1);
    }

    #[test]
    fn a_shared_case_travels_as_a_bundle_once_and_bad_files_are_refused() {
        let a = agency("福祉総務課", "本庁舎PC-1");
        let b = agency("生活福祉課", "本庁舎PC-2");
        let err = exchange::bundle_preview(&a.desk, b.agency.clone(), false).unwrap_err();
        assert_eq!(err.code, "bundle.no-recipient", "no card of B yet: {err:?}");
        introduce(&a, &b, true);
        introduce(&b, &a, true);
        let (_, case) = shared_case(&a, &b);

        let preview = exchange::bundle_preview(&a.desk, b.agency.clone(), false).unwrap();
        assert_eq!(preview.agency_name, "生活福祉課");
        assert_eq!(preview.cases.len(), 1);
        assert_eq!(preview.cases[0].title, "母の認知症と長男のひきこもり");
        assert_eq!(preview.cases[0].household_label, "高橋家");
        assert_eq!(preview.households, 1);
        assert!(preview.ops > 0 && preview.recipients == 1);

        let (path, events) = export_to(&a, &b);
        assert!(path.ends_with(".kasane") && Path::new(&path).exists(), "{path}");
        assert!(
            events.iter().any(|e| e.phase == "write"),
            "progress names the phases: {events:?}"
        );
        let (second, _) = export_to(&a, &b);
        assert_ne!(path, second, "a second bundle is a new file");

        let seen = exchange::bundle_inspect(&b.desk, path.clone()).unwrap();
        assert_eq!(seen.sender_agency_name.as_deref(), Some("福祉総務課"));
        assert!(seen.sender_verified && !seen.already_imported && seen.problem.is_none());
        assert!(
            seen.ops > 0 && seen.scopes.iter().any(|k| k.kind == "case"),
            "{:?}",
            seen.scopes
        );

        let (events, sink) = recorder();
        let summary = exchange::bundle_import(&b.desk, path.clone(), &sink).unwrap();
        assert_eq!(summary.status, ImportStatusView::Applied);
        assert!(summary.ops_new > 0 && summary.records_new > 0, "{summary:?}");
        assert_eq!(summary.conflicts, 0);
        let events = events.lock().unwrap().clone();
        assert!(events.iter().any(|e| e.phase == "apply"), "{events:?}");
        let home = case::case_detail(&b.desk, case.clone()).expect("B now holds the case");
        assert_eq!(home.case.title, "母の認知症と長男のひきこもり");

        let again = import(&b, &path).unwrap();
        assert_eq!(
            again.status,
            ImportStatusView::AlreadyImported,
            "importing twice changes nothing"
        );
        assert_eq!(again.ops_new, 0);
        assert!(
            exchange::bundle_inspect(&b.desk, path.clone())
                .unwrap()
                .already_imported
        );
        let inbox = exchange::inbox(&b.desk).unwrap();
        assert!(
            inbox
                .iter()
                .any(|e| e.status == "applied" && e.sender_agency_name.as_deref() == Some("福祉総務課"))
        );
        assert!(inbox.iter().all(|e| !e.waiting));
        assert!(exchange::inbox_process(&b.desk).unwrap().is_empty(), "nothing waits");

        // A garbage file, and the real bundle with one byte changed.
        let garbage = b.files.join("garbage.kasane");
        std::fs::write(&garbage, b"PK\x03\x04 not a bundle at all").unwrap();
        let err = import(&b, &garbage.display().to_string()).unwrap_err();
        assert_eq!(err.code, "bundle.not-a-bundle");
        assert_eq!(err.kind, ErrorKind::Rejected);
        assert!(!err.message_ja.is_empty());
        let err = exchange::bundle_inspect(&b.desk, garbage.display().to_string()).unwrap_err();
        assert_eq!(err.code, "bundle.not-a-bundle");
        let mut bytes = std::fs::read(&second).unwrap();
        let at = bytes.len() - 40;
        bytes[at] ^= 0x55;
        let tampered = b.files.join("tampered.kasane");
        std::fs::write(&tampered, &bytes).unwrap();
        let err = import(&b, &tampered.display().to_string()).unwrap_err();
        assert!(
            ["bundle.payload-mismatch", "bundle.header-signature", "bundle.decrypt"].contains(&err.code.as_str()),
            "a changed byte is caught: {err:?}"
        );
        assert_eq!(err.kind, ErrorKind::Rejected);
        let err = import(&b, &b.files.join("missing.kasane").display().to_string()).unwrap_err();
        assert_eq!(err.code, "bundle.io");
        // The untampered second bundle still applies (nothing new in it but acks).
        assert_ne!(import(&b, &second).unwrap().status, ImportStatusView::NeedsUpdate);
    }

    #[test]
    fn an_unverified_sender_s_bundle_waits_in_quarantine_until_verified() {
        let a = agency("福祉総務課", "本庁舎PC-1");
        let b = agency("生活福祉課", "本庁舎PC-2");
        introduce(&b, &a, true);
        let a_at_b = introduce(&a, &b, false);
        let err = exchange::bundle_preview(&b.desk, a.agency.clone(), false).unwrap_err();
        assert_eq!(err.code, "bundle.no-recipient", "B has no verified site of A yet");
        shared_case(&a, &b);
        let (path, _) = export_to(&a, &b);
        let seen = exchange::bundle_inspect(&b.desk, path.clone()).unwrap();
        assert!(seen.sender_known && !seen.sender_verified);
        let s = import(&b, &path).unwrap();
        assert_eq!(s.status, ImportStatusView::Quarantined);
        assert!(
            s.quarantined.iter().any(|k| k.kind == "unverified-sender"),
            "{:?}",
            s.quarantined
        );
        let q = exchange::quarantine(&b.desk).unwrap();
        assert!(
            !q.is_empty() && q.iter().all(|e| e.reason == "unverified-sender"),
            "{q:?}"
        );
        let panels = exchange::home_panels(&b.desk).unwrap();
        assert_eq!(panels.quarantined as usize, q.len());
        assert_eq!(exchange::quarantine_retry(&b.desk).unwrap(), 0, "still unverified");
        let shown = exchange::exchange_overview(&a.desk).unwrap().me;
        exchange::card_verify(&b.desk, a_at_b.site, shown.fingerprint).unwrap();
        assert!(
            exchange::quarantine(&b.desk).unwrap().is_empty(),
            "verifying releases the quarantine"
        );
        assert_eq!(exchange::home_panels(&b.desk).unwrap().quarantined, 0);
    }

    #[test]
    fn concurrent_edits_are_listed_as_conflicts_and_resolved() {
        let a = agency("福祉総務課", "本庁舎PC-1");
        let b = agency("生活福祉課", "本庁舎PC-2");
        introduce(&a, &b, true);
        introduce(&b, &a, true);
        let (hh, case) = shared_case(&a, &b);
        let (path, _) = export_to(&a, &b);
        import(&b, &path).unwrap();
        assert!(exchange::conflicts(&a.desk).unwrap().is_empty());
        let rename = |at: &Agency, label: &str| {
            household::household_update(
                &at.desk,
                hh.clone(),
                household::HouseholdUpdateInput {
                    label: Some(label.into()),
                    district: None,
                    address: None,
                    phone: None,
                    archived: None,
                },
            )
            .unwrap()
        };
        rename(&a, "髙橋家");
        rename(&b, "高橋 世帯");
        let (from_b, _) = export_to(&b, &a);
        let s = import(&a, &from_b).unwrap();
        assert_eq!(s.conflicts, 1, "{s:?}");
        let list = exchange::conflicts(&a.desk).unwrap();
        assert_eq!(list.len(), 1);
        let c = &list[0];
        assert_eq!((c.etype.as_str(), c.field.as_str()), ("household", "label"));
        assert!(c.text, "a label is text: it can be merged");
        assert_eq!(c.values.len(), 2);
        let mut agencies: Vec<String> = c.values.iter().filter_map(|v| v.agency_name.clone()).collect();
        agencies.sort();
        assert_eq!(agencies, ["生活福祉課", "福祉総務課"]);
        assert!(
            c.values
                .iter()
                .all(|v| v.worker_name.as_deref() == Some("担当者") && v.at_ms > 0.0)
        );
        assert_eq!(exchange::home_panels(&a.desk).unwrap().conflicts, 1);
        let banner = kasane_desktop::plan::case_conflicts(&a.desk, case.clone(), hh.clone()).unwrap();
        assert_eq!(
            banner.len(),
            1,
            "the case page's banner counts a conflict on the case's household: {banner:?}"
        );
        assert_eq!(banner[0].field, "label");

        let err = exchange::conflict_resolve(
            &a.desk,
            ConflictResolveInput {
                entity: c.entity.clone(),
                field: c.field.clone(),
                pick: Some(c.values[0].op.clone()),
                merged: Some("両方".into()),
            },
        )
        .unwrap_err();
        assert_eq!(err.kind, ErrorKind::BadInput, "{err:?}");
        let theirs = c
            .values
            .iter()
            .find(|v| v.text.as_deref() == Some("高橋 世帯"))
            .unwrap();
        exchange::conflict_resolve(
            &a.desk,
            ConflictResolveInput {
                entity: c.entity.clone(),
                field: c.field.clone(),
                pick: Some(theirs.op.clone()),
                merged: None,
            },
        )
        .unwrap();
        assert!(
            exchange::conflicts(&a.desk).unwrap().is_empty(),
            "resolved: gone from the list"
        );
        let detail = household::household_detail(&a.desk, hh.clone()).unwrap();
        assert_eq!(detail.household.label, "高橋 世帯");
        let err = exchange::conflict_resolve(
            &a.desk,
            ConflictResolveInput {
                entity: c.entity.clone(),
                field: c.field.clone(),
                pick: Some(theirs.op.clone()),
                merged: None,
            },
        )
        .unwrap_err();
        assert_eq!(err.kind, ErrorKind::Refused, "already resolved: {err:?}");

        // The other side gets the same conflict; a merged text resolves it there.
        let (from_a, _) = export_to(&a, &b);
        import(&b, &from_a).unwrap();
        let at_b = exchange::conflicts(&b.desk).unwrap();
        if let Some(c) = at_b.first() {
            exchange::conflict_resolve(
                &b.desk,
                ConflictResolveInput {
                    entity: c.entity.clone(),
                    field: c.field.clone(),
                    pick: None,
                    merged: Some("高橋家（髙橋）".into()),
                },
            )
            .unwrap();
            assert!(exchange::conflicts(&b.desk).unwrap().is_empty());
        }
    }

    /// Exports `from`'s bundle for `to` and imports it there.
    fn deliver(from: &Agency, to: &Agency) -> exchange::ImportSummaryView {
        let (path, _) = export_to(from, to);
        import(to, &path).expect("the bundle is imported")
    }

    #[test]
    fn pickers_show_which_agency_is_meant_when_two_share_a_name() {
        let a = agency("福祉総務課", "本庁舎PC-1");
        let b = agency("生活福祉課", "生活福祉課PC-2");
        let p = agency("子ども家庭課", "子ども家庭課PC-3");
        for partner in [&b, &p] {
            introduce(&a, partner, true);
            introduce(partner, &a, true);
        }
        deliver(&b, &a);
        // P's modified build renames P's own directory entry after B.
        let p_id: uuid::Uuid = p.agency.parse().unwrap();
        p.desk
            .with_vault(|v| {
                Ok(kasane::testing::raw_set(
                    v,
                    p_id,
                    serde_json::json!({"name": "生活福祉課"}),
                )?)
            })
            .unwrap();
        deliver(&p, &a);
        let dir = reference::directory(&a.desk).unwrap();
        let of = |id: &str| dir.agencies.iter().find(|g| g.id == id).unwrap().clone();
        let (shown_b, shown_p) = (of(&b.agency), of(&p.agency));
        assert_eq!(shown_b.name, shown_p.name, "both are called 生活福祉課 now");
        assert_eq!(shown_b.label, "生活福祉課（生活福祉課PC-2）");
        assert_eq!(
            shown_p.label, "生活福祉課（子ども家庭課PC-3）",
            "a picker shows the PC its card names, so the agency meant is plain"
        );
        let mine = of(&a.agency);
        assert_eq!(mine.label, "福祉総務課", "this vault's own agency needs no PC");
    }

    #[test]
    fn an_unverified_sender_s_bundle_shows_only_its_header() {
        let a = agency("福祉総務課", "本庁舎PC-1");
        let b = agency("生活福祉課", "本庁舎PC-2");
        introduce(&b, &a, true);
        introduce(&a, &b, false);
        shared_case(&a, &b);
        let (path, _) = export_to(&a, &b);
        let seen = exchange::bundle_inspect(&b.desk, path).unwrap();
        assert!(seen.contents_hidden && seen.problem.is_none(), "{seen:?}");
        assert_eq!((seen.segments, seen.ops), (0, 0), "nothing was decrypted: {seen:?}");
    }

    #[test]
    fn a_bundle_that_failed_is_listed_and_retried_only_when_asked() {
        let a = agency("福祉総務課", "本庁舎PC-1");
        let b = agency("生活福祉課", "本庁舎PC-2");
        introduce(&a, &b, true);
        introduce(&b, &a, true);
        // B cannot store what verified (as with a full disk): a fault a test injects (debug builds).
        b.desk
            .with_vault(|v| {
                std::fs::write(v.dir().join(kasane::testing::TEST_FAULT), b"").expect("write the fault marker");
                Ok(())
            })
            .unwrap();
        let (path, _) = export_to(&a, &b);
        let err = import(&b, &path).unwrap_err();
        assert_ne!(err.kind, ErrorKind::Rejected, "{err:?}");
        let inbox = exchange::inbox(&b.desk).unwrap();
        let failed = inbox.iter().find(|e| e.status == "failed").expect("listed as failed");
        assert!(failed.reason.is_some() && !failed.waiting, "{failed:?}");
        assert_eq!(
            exchange::home_panels(&b.desk).unwrap().inbox_waiting,
            0,
            "a failure is not waiting"
        );
        // 処理する is the user asking: the failed file is tried again (and fails again).
        let results = exchange::inbox_process(&b.desk).unwrap();
        assert_eq!(results.len(), 1, "the failed file was retried");
        assert!(results[0].error.is_some());
    }

    #[test]
    fn home_panels_count_what_waits() {
        let a = agency("福祉総務課", "本庁舎PC-1");
        let p = exchange::home_panels(&a.desk).unwrap();
        assert!(p.actions.is_empty() && p.meetings.is_empty());
        assert_eq!((p.inbox_waiting, p.conflicts, p.quarantined), (0, 0, 0));
        vault::vault_lock(&a.desk);
        assert_eq!(exchange::home_panels(&a.desk).unwrap_err().code, "vault.locked");
    }
}

mod meetings {
    use super::*;
    use kasane_desktop::{
        meeting::{self, ItemRecordInput, LedgerFilterInput, NewMeetingInput, PrintDocument},
        plan::{self, ActionUpdateInput, NewActionInput, NewAssessmentInput, NewReferralInput, NewResourceInput},
        view::{ActionStatus, ActionTag, ReferralStatus},
    };

    fn agency(f: &Fixture, name: &str) -> String {
        f.desk
            .with_vault(|v| Ok(v.add_agency(name, None)?.to_string()))
            .expect("an agency is added to the directory")
    }

    fn refused(e: &CommandError, code: &str) {
        assert_eq!(e.code, code, "{e:?}");
        assert_eq!(e.kind, ErrorKind::Refused, "{e:?}");
        assert!(!e.message_ja.trim().is_empty(), "a refusal says why in Japanese: {e:?}");
    }

    fn new_meeting(f: &Fixture, kind: &str, attendees: &[&str]) -> Result<String, CommandError> {
        meeting::meeting_new(
            &f.desk,
            NewMeetingInput {
                kind: kind.into(),
                date: "2030-01-15".into(),
                time: "14:00".into(),
                place: "本庁舎 第3会議室".into(),
                chair: Some(f.agency.clone()),
                attendees: attendees.iter().map(|a| a.to_string()).collect(),
                series: String::new(),
            },
        )
    }

    fn action_input(case: &str, owner: &str, due: &str) -> NewActionInput {
        NewActionInput {
            case: case.into(),
            goal: None,
            text: "家計相談への同行".into(),
            owner_agency: owner.into(),
            owner_worker: "佐藤".into(),
            key_person: None,
            owner_person: None,
            frequency: String::new(),
            due: due.into(),
            tags: vec![ActionTag::Outreach],
        }
    }

    #[test]
    fn the_lead_shares_a_case_under_a_legal_basis_and_a_non_lead_is_refused() {
        let f = fixture();
        let other = agency(&f, "生活福祉課");
        let hh = household(&f, "高橋家", "kamakura-2");
        let c = open_case(&f, &hh, &["dementia"], "");

        plan::case_share(&f.desk, c.clone(), other.clone(), "shien-kaigi".into()).expect("the lead shares");
        let shares = plan::case_shares(&f.desk, c.clone()).expect("the share set");
        assert_eq!(shares.len(), 1);
        assert_eq!(shares[0].agency_name, "生活福祉課");
        assert!(shares[0].active);
        assert_eq!(shares[0].basis.code, "shien-kaigi");
        assert!(shares[0].basis.label_ja.contains("第106条の6"), "{:?}", shares[0].basis);

        let bad = plan::case_share(&f.desk, c.clone(), other.clone(), "gossip".into()).expect_err("unknown basis");
        assert_eq!(bad.kind, ErrorKind::BadInput);
        let own = plan::case_share(&f.desk, c.clone(), f.agency.clone(), "shien-kaigi".into())
            .expect_err("the lead's own agency is not shared with");
        assert_eq!(own.kind, ErrorKind::Refused);
        let no_consent = plan::case_share(&f.desk, c.clone(), other.clone(), "jusoteki-shien-kaigi".into())
            .expect_err("a consent-based basis without a consent");
        assert_eq!(no_consent.kind, ErrorKind::Refused);

        let no_reason =
            plan::case_unshare(&f.desk, c.clone(), other.clone(), "  ".into()).expect_err("a reason is needed");
        assert_eq!(no_reason.kind, ErrorKind::BadInput);
        plan::case_unshare(&f.desk, c.clone(), other.clone(), "支援終了".into()).expect("the lead removes");
        let shares = plan::case_shares(&f.desk, c.clone()).expect("the share set");
        assert!(!shares[0].active);
        assert_eq!(shares[0].removed_reason.as_deref(), Some("支援終了"));
        let again = plan::case_unshare(&f.desk, c.clone(), other.clone(), "二度目".into()).expect_err("not shared");
        assert_eq!(again.kind, ErrorKind::Refused);

        // A case another agency leads: this agency may not share it.
        let theirs = case::case_open(
            &f.desk,
            NewCaseInput {
                household: hh.clone(),
                title: "長男の就労".into(),
                problems: vec![],
                lead_agency: Some(other.clone()),
                risk: None,
                next_review: String::new(),
                opened: String::new(),
            },
        )
        .expect("a case led by the other agency");
        let third = agency(&f, "地域包括支援センター");
        let e = plan::case_share(&f.desk, theirs, third, "shien-kaigi".into()).expect_err("only the lead shares");
        assert_eq!(e.kind, ErrorKind::Refused, "{e:?}");
        assert!(!e.message_ja.is_empty(), "{e:?}");

        let e = plan::case_shares(&f.desk, "not-an-id".into()).expect_err("bad id");
        assert_eq!(e.code, "input.bad-id");
    }

    #[test]
    fn assessment_entries_sit_in_their_domain_and_only_ones_own_can_be_retracted() {
        let f = fixture();
        let hh = household(&f, "高橋家", "kamakura-2");
        let c = open_case(&f, &hh, &["dementia"], "");
        let reference = plan::plan_reference();
        assert!(
            reference
                .domains
                .iter()
                .any(|d| d.code == "wishes" && d.label_ja == "本人・家族の意向")
        );
        assert!(reference.bases.iter().any(|b| b.code == "shien-kaigi"));
        let add = |domain: &str, seen: &str| {
            plan::assessment_add(
                &f.desk,
                NewAssessmentInput {
                    case: c.clone(),
                    domain: domain.into(),
                    person: None,
                    seen: seen.into(),
                    judgement: String::new(),
                    strengths: "近所の友人が見守っている".into(),
                    needs: String::new(),
                    risk: Some(Risk::Medium),
                    no_contact: false,
                },
            )
        };
        let first = add("health", "物忘れが増えた").expect("an entry");
        add("health", "通院が途切れている").expect("a second entry");
        let bad = add("astrology", "…").expect_err("unknown domain");
        assert_eq!(bad.kind, ErrorKind::BadInput);
        let view = plan::assessment(&f.desk, c.clone()).expect("the assessment");
        let health = view.iter().find(|d| d.domain == "health").expect("the health domain");
        assert_eq!(health.label_ja, "心身の健康");
        assert_eq!(health.entries.len(), 2);
        assert!(health.entries.iter().all(|e| e.mine && e.agency_name == "福祉総務課"));
        assert_eq!(health.entries[0].strengths.as_deref(), Some("近所の友人が見守っている"));
        assert_eq!(health.entries[0].needs, None, "blank is none");
        plan::assessment_retract(&f.desk, first).expect("one's own entry is retracted");
        let view = plan::assessment(&f.desk, c).expect("the assessment");
        let health = view.iter().find(|d| d.domain == "health").expect("the health domain");
        assert_eq!(health.entries.len(), 1, "retracted entries leave the view");
        let e = plan::assessment_retract(&f.desk, "0190a1b2-0000-7000-8000-000000000000".into())
            .expect_err("unknown entry");
        assert_eq!(e.kind, ErrorKind::NotFound, "{e:?}");
    }

    #[test]
    fn a_case_is_decided_closed_reopened_and_asked_for_from_the_window() {
        use kasane_desktop::{case, view::ClosureReason};
        let f = fixture();
        let hh = household(&f, "高橋家", "kamakura-2");
        let c = open_case(&f, &hh, &["dementia"], "");
        let blank = case::case_request(&f.desk, c.clone(), false, " ".into()).expect_err("a request needs its reason");
        assert_eq!(blank.kind, ErrorKind::BadInput);
        case::case_request(&f.desk, c.clone(), true, "終結を検討したい".into()).expect("asked");
        let open = case::case_requests(&f.desk, c.clone()).expect("requests");
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].kind, "close", "a proposal to close");
        case::case_decide(
            &f.desk,
            case::DecideSupportInput {
                case: c.clone(),
                date: String::new(),
                by: "福祉総務課長".into(),
                meeting: String::new(),
                note: String::new(),
            },
        )
        .expect("decided");
        case::case_close(
            &f.desk,
            case::CloseCaseInput {
                case: c.clone(),
                date: String::new(),
                reason: ClosureReason::GoalsMet,
                watch: "民生委員".into(),
                note: String::new(),
            },
        )
        .expect("closed");
        let sheet = case::case_closing_sheet(&f.desk, c.clone()).expect("the closing sheet");
        assert!(sheet.contains("目標達成") && sheet.contains("民生委員"));
        let e = case::case_reopen(&f.desk, c.clone(), " ".into(), String::new()).expect_err("a reason is needed");
        assert_eq!(e.kind, ErrorKind::BadInput);
        case::case_reopen(&f.desk, c.clone(), "再相談".into(), String::new()).expect("reopened");
    }

    /// The case cycle from the window: intake and its form, facts apart from judgement with the
    /// overall view, a plan version approved at a 重層的支援会議 that took the case up (not at a
    /// 支援会議), agreed, printed, evaluated and revised; each refusal as the engine words it.
    #[test]
    fn the_case_cycle_runs_from_intake_to_a_revised_plan_from_the_window() {
        use kasane_desktop::{
            case::{self, IntakeInput},
            plan::PlanVersionInput,
            view::{GoalResult, GoalTerm, IntakeRoute, Visitor},
        };
        let f = fixture();
        let hh = household(&f, "高橋家", "kamakura-2");
        let son = person(&f, &hh, ("高橋", "一郎", "たかはし", "いちろう"), "S48.6.1").expect("a member");
        let c = open_case(&f, &hh, &["hachimaru-gomaru"], "");
        let intake = |complaint: &str, time: &str| IntakeInput {
            case: c.clone(),
            date: String::new(),
            time: time.into(),
            received_by: "山田".into(),
            route: IntakeRoute::Community,
            referrer: "民生委員".into(),
            visitor: Visitor::Family,
            visitor_name: "母".into(),
            complaint: complaint.into(),
            situation: String::new(),
            consent: None,
        };
        let e = case::case_intake_sheet(&f.desk, c.clone()).expect_err("no intake yet");
        refused(&e, "refused");
        let e = case::case_intake(&f.desk, intake("  ", "")).expect_err("the complaint is required");
        assert_eq!(e.kind, ErrorKind::BadInput, "{e:?}");
        let e = case::case_intake(&f.desk, intake("困っている", "25:99")).expect_err("not a time");
        assert!(e.message_ja.contains("14:30"), "{e:?}");
        case::case_intake(&f.desk, intake("息子が部屋から出てこない", "9:30")).expect("the intake");
        let shown = case::case_detail(&f.desk, c.clone()).expect("the case").case;
        let k = shown.intake.expect("recorded");
        assert_eq!((k.route, k.time.as_deref()), (IntakeRoute::Community, Some("09:30")));
        assert!(
            case::case_intake_sheet(&f.desk, c.clone())
                .expect("the form")
                .contains("息子が部屋から出てこない")
        );

        let entry = plan::assessment_add(
            &f.desk,
            NewAssessmentInput {
                case: c.clone(),
                domain: "care".into(),
                person: None,
                seen: "郵便物が未開封".into(),
                judgement: "金銭管理が難しい".into(),
                strengths: String::new(),
                needs: String::new(),
                risk: None,
                no_contact: false,
            },
        )
        .expect("an entry");
        plan::assessment_revise(
            &f.desk,
            entry,
            "郵便物が未開封で積まれている".into(),
            "認知機能の低下".into(),
        )
        .expect("revised");
        let domains = plan::assessment(&f.desk, c.clone()).expect("the assessment");
        let e = &domains.iter().find(|d| d.domain == "care").expect("care").entries[0];
        assert_eq!(
            (e.seen.as_str(), e.judgement.as_deref()),
            ("郵便物が未開封で積まれている", Some("認知機能の低下"))
        );
        plan::assessment_overall(&f.desk, c.clone(), "孤立と介護".into(), "受診と居場所".into())
            .expect("the overall view");

        let version = |to: &str| PlanVersionInput {
            from: String::new(),
            to: to.into(),
            policy: String::new(),
            next_evaluation: String::new(),
        };
        let e = plan::plan_version_new(&f.desk, c.clone(), version("")).expect_err("the period's end is needed");
        assert_eq!(e.kind, ErrorKind::BadInput, "{e:?}");
        let v1 = plan::plan_version_new(&f.desk, c.clone(), version("2099-03-31")).expect("version 1");
        let g = plan::goal_add(
            &f.desk,
            c.clone(),
            "父が定期的に受診できる".into(),
            Some(GoalTerm::Short),
        )
        .expect("a goal");
        plan::action_add(
            &f.desk,
            NewActionInput {
                goal: Some(g.clone()),
                owner_person: Some(son.clone()),
                frequency: "週1回".into(),
                ..action_input(&c, &f.agency, "")
            },
        )
        .expect("an action the son carries");
        let meeting_on = |kind: &str| {
            let m = meeting::meeting_new(
                &f.desk,
                NewMeetingInput {
                    kind: kind.into(),
                    date: "2026-12-01".into(),
                    time: "14:00".into(),
                    place: "本庁舎".into(),
                    chair: None,
                    attendees: vec![f.agency.clone()],
                    series: String::new(),
                },
            )
            .expect("a meeting");
            meeting::agenda_add(&f.desk, m.clone(), c.clone(), None, vec![], None, false).expect("on the agenda");
            m
        };
        let wrong = meeting_on("shien-kaigi");
        let p = plan::case_plan(&f.desk, c.clone()).expect("the plan");
        assert!(
            p.approving_meetings.is_empty(),
            "a 支援会議 is not offered to approve a plan"
        );
        refused(
            &plan::plan_approve(&f.desk, v1.clone(), wrong).expect_err("not a 支援会議"),
            "refused",
        );
        let m = meeting_on("jusoteki-shien-kaigi");
        let p = plan::case_plan(&f.desk, c.clone()).expect("the plan");
        assert_eq!(
            p.approving_meetings.iter().map(|x| x.id.clone()).collect::<Vec<_>>(),
            vec![m.clone()]
        );
        plan::plan_approve(&f.desk, v1.clone(), m).expect("approved");
        plan::plan_agree(&f.desk, v1.clone(), son.clone(), String::new()).expect("agreed");
        let e = plan::goal_add(&f.desk, c.clone(), "増やす目標".into(), None)
            .expect_err("an approved plan does not change");
        refused(&e, "refused");
        let sheet = plan::plan_print(&f.desk, v1.clone()).expect("the printed plan");
        assert!(
            sheet.contains("本人署名") && sheet.contains("週1回"),
            "signature line and frequency"
        );
        let p = plan::case_plan(&f.desk, c.clone()).expect("the plan");
        let now = &p.versions[0];
        assert!(now.current && now.approved_on.is_some() && now.agreed_by.as_deref() == Some(son.as_str()));
        assert_eq!(p.actions[0].owner_person.as_deref(), Some(son.as_str()));

        let e = plan::plan_version_new(&f.desk, c.clone(), version("2099-09-30")).expect_err("evaluate first");
        refused(&e, "refused");
        let e = plan::goal_evaluate(&f.desk, g.clone(), GoalResult::Partly, " ".into(), String::new())
            .expect_err("why it was partly met");
        assert_eq!(e.kind, ErrorKind::BadInput, "{e:?}");
        plan::goal_evaluate(
            &f.desk,
            g.clone(),
            GoalResult::Partly,
            "受診は2回".into(),
            String::new(),
        )
        .expect("evaluated");
        let v2 = plan::plan_version_new(&f.desk, c.clone(), version("2099-09-30")).expect("version 2");
        let p = plan::case_plan(&f.desk, c.clone()).expect("the plan");
        assert_eq!(p.versions.iter().map(|v| v.number).collect::<Vec<_>>(), vec![1, 2]);
        let carried = p
            .goals
            .iter()
            .find(|x| x.plan.as_deref() == Some(v2.as_str()))
            .expect("carried");
        assert_eq!(carried.carried_from.as_deref(), Some(g.as_str()));
        refused(
            &plan::goal_evaluate(&f.desk, g, GoalResult::Met, String::new(), String::new()).expect_err("finished"),
            "refused",
        );
        plan::plan_revise(
            &f.desk,
            v2,
            PlanVersionInput {
                policy: "受診を最優先にする".into(),
                ..version("")
            },
        )
        .expect("an unapproved version is revised");
    }

    #[test]
    fn the_plan_has_goals_actions_with_allowed_status_changes_and_a_role_matrix() {
        let f = fixture();
        let other = agency(&f, "生活福祉課");
        let hh = household(&f, "高橋家", "kamakura-2");
        let c = open_case(&f, &hh, &["dementia"], "");
        plan::case_share(&f.desk, c.clone(), other.clone(), "shien-kaigi".into()).expect("shared");
        plan::goal_add(&f.desk, c.clone(), "母が在宅で安心して暮らせる".into(), None).expect("a goal");
        let blank = plan::goal_add(&f.desk, c.clone(), " ".into(), None).expect_err("a goal needs text");
        assert_eq!(blank.kind, ErrorKind::BadInput);
        let a = plan::action_add(&f.desk, action_input(&c, &other, "R8.7.1")).expect("an action with a 和暦 due date");
        plan::action_add(&f.desk, action_input(&c, &f.agency, "")).expect("an action without a due date");
        let bad = plan::action_add(&f.desk, action_input(&c, &other, "R8.2.30")).expect_err("an impossible date");
        assert!(bad.date.is_some(), "{bad:?}");

        let p = plan::case_plan(&f.desk, c.clone()).expect("the plan");
        assert_eq!(p.goals.len(), 1);
        assert_eq!(p.actions.len(), 2);
        let first = &p.actions[0];
        assert_eq!(first.due.as_ref().map(|d| d.iso.as_str()), Some("2026-07-01"));
        assert_eq!(first.owner_agency_name, "生活福祉課");
        assert_eq!(first.status, ActionStatus::NotStarted);
        assert_eq!(first.next_statuses.len(), 5, "a new action may become anything");
        assert_eq!(
            first.tags,
            vec![ActionTag::Outreach],
            "the action's kind of support is kept"
        );
        assert!(
            p.agencies[0].lead && p.agencies[0].name == "福祉総務課",
            "the lead comes first"
        );
        assert_eq!(p.agencies[p.owner_of[0] as usize].name, "生活福祉課");

        let set = |status: ActionStatus, note: Option<&str>| {
            plan::action_update(
                &f.desk,
                a.clone(),
                ActionUpdateInput {
                    status: Some(status),
                    note: note.map(str::to_string),
                    ..ActionUpdateInput::default()
                },
            )
        };
        let why = set(ActionStatus::CouldNot, None).expect_err("実施できず needs a reason");
        assert_eq!(why.kind, ErrorKind::BadInput);
        set(ActionStatus::Done, None).expect("done");
        let e = set(ActionStatus::CouldNot, Some("本人不在")).expect_err("a finished action is not relabelled");
        refused(&e, "refused");
        assert!(e.message_ja.contains("変えられません"), "{e:?}");
        let p = plan::case_plan(&f.desk, c.clone()).expect("the plan");
        let done = p.actions.iter().find(|x| x.id == a).expect("the action");
        assert_eq!(done.next_statuses, vec![ActionStatus::InProgress, ActionStatus::Done]);
        plan::action_update(
            &f.desk,
            a.clone(),
            ActionUpdateInput {
                due: Some(Change { value: None }),
                ..ActionUpdateInput::default()
            },
        )
        .expect("the due date is cleared");
        let nothing = plan::action_update(&f.desk, a, ActionUpdateInput::default()).expect_err("nothing to change");
        assert_eq!(nothing.kind, ErrorKind::BadInput);
    }

    #[test]
    fn referrals_go_to_resources_or_to_agencies_that_may_see_the_case() {
        let f = fixture();
        let other = agency(&f, "生活福祉課");
        let hh = household(&f, "高橋家", "kamakura-2");
        let c = open_case(&f, &hh, &["dementia"], "");
        let r = plan::resource_add(
            &f.desk,
            NewResourceInput {
                name: "大町ふれあいサロン".into(),
                kind: "salon".into(),
                district: "kamakura-2".into(),
                contact: "0467-00-0000".into(),
                note: String::new(),
            },
        )
        .expect("a resource");
        assert_eq!(plan::resources(&f.desk).expect("resources").len(), 1);
        let to_resource = plan::referral_add(
            &f.desk,
            NewReferralInput {
                case: c.clone(),
                to_agency: None,
                to_resource: Some(r),
                reason: "日中の居場所".into(),
                consent: None,
            },
        )
        .expect("a referral to a resource");
        let hidden = plan::referral_add(
            &f.desk,
            NewReferralInput {
                case: c.clone(),
                to_agency: Some(other.clone()),
                to_resource: None,
                reason: "家計相談".into(),
                consent: None,
            },
        )
        .expect_err("the agency cannot see the case yet");
        refused(&hidden, "refused");
        plan::case_share(&f.desk, c.clone(), other.clone(), "shien-kaigi".into()).expect("shared");
        let to_agency = plan::referral_add(
            &f.desk,
            NewReferralInput {
                case: c.clone(),
                to_agency: Some(other),
                to_resource: None,
                reason: "家計相談".into(),
                consent: None,
            },
        )
        .expect("a referral to an agency that sees the case");
        let e = plan::referral_update(&f.desk, to_agency, ReferralStatus::Accepted, String::new())
            .expect_err("only the receiving agency answers");
        refused(&e, "refused");
        plan::referral_update(
            &f.desk,
            to_resource.clone(),
            ReferralStatus::Completed,
            "毎週参加".into(),
        )
        .expect("the referring agency records completion");
        let list = plan::referrals(&f.desk, c.clone()).expect("referrals");
        assert_eq!(list.len(), 2);
        let done = list
            .iter()
            .find(|x| x.id == to_resource)
            .expect("the resource referral");
        assert_eq!(done.status, ReferralStatus::Completed);
        assert_eq!(done.to_name, "大町ふれあいサロン");
        assert!(plan::case_conflicts(&f.desk, c, hh).expect("conflicts").is_empty());
    }

    #[test]
    fn a_meeting_builds_its_agenda_records_finalises_and_is_then_read_only() {
        let f = fixture();
        let other = agency(&f, "生活福祉課");
        let hh = household(&f, "高橋家", "kamakura-2");
        let c = open_case(&f, &hh, &["dementia"], "2029-12-01");
        let c2 = open_case(&f, &hh, &["hikikomori"], "2029-12-20");

        let unknown = new_meeting(&f, "tea-party", &[&other]).expect_err("unknown type");
        assert_eq!(unknown.code, "meeting.unknown-type");
        let none = new_meeting(&f, "shien-kaigi", &[]).expect_err("attendees are needed");
        assert_eq!(none.kind, ErrorKind::BadInput);
        let m = new_meeting(&f, "shien-kaigi", &[&other]).expect("a meeting");
        let list = meeting::meetings(&f.desk).expect("meetings");
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].type_label, "支援会議");
        assert!(list[0].mine && list[0].confidentiality.contains("守秘義務"));
        assert_eq!(list[0].date.wareki, "令和12年1月15日");

        let proposals = meeting::meeting_proposals(&f.desk, m.clone(), None).expect("proposals");
        assert_eq!(
            proposals.total as usize,
            proposals.shown.len(),
            "unlimited: every proposal is shown"
        );
        let p = proposals
            .shown
            .iter()
            .find(|p| p.case == c)
            .expect("the case due for review is proposed");
        assert!(
            p.reasons
                .iter()
                .any(|r| r.code == "review-due" && !r.label_ja.is_empty())
        );
        assert_eq!(
            p.reasons[0].date.as_ref().map(|d| d.wareki.as_str()),
            Some("令和11年12月1日"),
            "the reason carries its date for the window to show in either language"
        );
        assert!(
            matches!(p.access, kasane_desktop::meeting::AccessView::Lead),
            "this agency leads the case it opened"
        );
        let reasons: Vec<String> = p.reasons.iter().map(|r| r.code.clone()).collect();
        meeting::agenda_add(&f.desk, m.clone(), c.clone(), None, reasons, None, false).expect("accepted");
        meeting::agenda_add(&f.desk, m.clone(), c2.clone(), Some(15), vec![], None, false).expect("accepted");
        let twice =
            meeting::agenda_add(&f.desk, m.clone(), c.clone(), None, vec![], None, false).expect_err("already on it");
        refused(&twice, "meeting.already-on-agenda");
        let shares = plan::case_shares(&f.desk, c.clone()).expect("shares");
        assert!(
            shares
                .iter()
                .any(|s| s.agency == other && s.basis.code == "shien-kaigi"),
            "accepting a case shares it with the attendees under the meeting's basis"
        );

        meeting::agenda_arrange(&f.desk, m.clone(), c2.clone(), Some(1), Some(20)).expect("moved and timed");
        let d = meeting::meeting_detail(&f.desk, m.clone()).expect("detail");
        assert_eq!(d.agenda[0].case, c2);
        assert_eq!(d.agenda[0].minutes, 20);
        assert_eq!(d.total_minutes, 30);
        meeting::agenda_remove(&f.desk, m.clone(), c2.clone()).expect("removed");
        let gone = meeting::agenda_remove(&f.desk, m.clone(), c2.clone()).expect_err("not on it");
        refused(&gone, "meeting.not-on-agenda");

        let html = meeting::meeting_print(&f.desk, m.clone(), PrintDocument::Agenda, None, 2).expect("agenda");
        assert!(html.contains("次第") && html.contains("配布資料 No. 2/2"));
        meeting::meeting_print(&f.desk, m.clone(), PrintDocument::Pack, Some(c.clone()), 1).expect("pack");

        meeting::meeting_attendance(
            &f.desk,
            m.clone(),
            vec![other.clone()],
            vec![],
            vec!["民生委員 鈴木".into()],
        )
        .expect("attendance");
        let missing = meeting::meeting_finalise(&f.desk, m.clone()).expect_err("an item has no next review");
        refused(&missing, "meeting.review-missing");
        let ids = meeting::meeting_record_item(
            &f.desk,
            m.clone(),
            c.clone(),
            ItemRecordInput {
                discussion: Some("通院の同行を検討".into()),
                decisions: vec!["包括が訪問する".into(), " ".into()],
                next_review: "R12.3.1".into(),
                actions: vec![action_input(&c, &other, "R12.2.1")],
                keep_shared: vec![],
                keep_basis: String::new(),
            },
        )
        .expect("recorded");
        assert_eq!(ids.len(), 1, "one new action");
        let d = meeting::meeting_detail(&f.desk, m.clone()).expect("detail");
        assert_eq!(d.agenda[0].decisions, vec!["包括が訪問する".to_string()]);
        assert!(!d.agenda[0].needs_review_date);
        assert_eq!(d.meeting.observers, vec!["民生委員 鈴木".to_string()]);
        let p = plan::case_plan(&f.desk, c.clone()).expect("plan");
        assert_eq!(
            p.actions[0].meeting.as_deref(),
            Some(m.as_str()),
            "the action remembers its meeting"
        );

        meeting::meeting_finalise(&f.desk, m.clone()).expect("finalised");
        let d = meeting::meeting_detail(&f.desk, m.clone()).expect("detail");
        assert!(d.meeting.finalised.is_some());
        let e = meeting::agenda_add(&f.desk, m.clone(), c2.clone(), None, vec![], None, false).expect_err("read-only");
        refused(&e, "meeting.finalised");
        // A correction goes beside the finalised record, about one case or the whole meeting.
        let blank =
            meeting::meeting_correct(&f.desk, m.clone(), None, " ".into()).expect_err("a correction says something");
        assert_eq!(blank.kind, ErrorKind::BadInput);
        meeting::meeting_correct(
            &f.desk,
            m.clone(),
            Some(c.clone()),
            "訪問は包括ではなく生活福祉課".into(),
        )
        .expect("corrected");
        let d = meeting::meeting_detail(&f.desk, m.clone()).expect("detail");
        assert_eq!(d.corrections.len(), 1);
        assert_eq!(d.corrections[0].case.as_deref(), Some(c.as_str()));
        let e = meeting::agenda_arrange(&f.desk, m.clone(), c.clone(), None, Some(5)).expect_err("read-only");
        refused(&e, "meeting.finalised");
        let e = meeting::meeting_record_item(
            &f.desk,
            m.clone(),
            c.clone(),
            ItemRecordInput {
                discussion: Some("後から".into()),
                decisions: vec![],
                next_review: String::new(),
                actions: vec![],
                keep_shared: vec![],
                keep_basis: String::new(),
            },
        )
        .expect_err("read-only");
        refused(&e, "meeting.finalised");
        let minutes = meeting::meeting_print(&f.desk, m.clone(), PrintDocument::Minutes, None, 1).expect("minutes");
        assert!(minutes.contains("包括が訪問する"));

        let out = tempfile::tempdir().expect("folder");
        let packs = meeting::meeting_pack_export(&f.desk, m.clone(), out.path().display().to_string()).expect("pack");
        let theirs = packs
            .iter()
            .find(|p| p.agency == other)
            .expect("a result for the attendee");
        assert!(
            theirs.path.is_none() && theirs.problem.as_deref().is_some_and(|p| !p.is_empty()),
            "an agency without a verified site gets no bundle, and the reason: {theirs:?}"
        );

        let rows = meeting::ledger(
            &f.desk,
            LedgerFilterInput {
                overdue_only: false,
                risk: None,
                sort: "risk".into(),
                include_closed: false,
            },
        )
        .expect("ledger");
        let row = rows.iter().find(|r| r.case == c).expect("the case is in the ledger");
        assert_eq!(row.last_review.as_ref().map(|d| d.iso.as_str()), Some("2030-01-15"));
        let bad = meeting::ledger(
            &f.desk,
            LedgerFilterInput {
                overdue_only: false,
                risk: None,
                sort: "shoe-size".into(),
                include_closed: false,
            },
        )
        .expect_err("unknown sort");
        assert_eq!(bad.kind, ErrorKind::BadInput);
    }

    #[test]
    fn a_consent_based_meeting_refuses_a_case_without_consent_in_japanese() {
        let f = fixture();
        let other = agency(&f, "生活福祉課");
        let hh = household(&f, "高橋家", "kamakura-2");
        let c = open_case(&f, &hh, &["dementia"], "2029-12-01");
        let m = new_meeting(&f, "jusoteki-shien-kaigi", &[&other]).expect("a meeting");
        let e = meeting::agenda_add(&f.desk, m.clone(), c.clone(), None, vec![], None, false).expect_err("no consent");
        refused(&e, "meeting.consent-missing");
        assert!(e.message_ja.contains("同意"), "{e:?}");
        assert!(meeting::meeting_detail(&f.desk, m).expect("detail").agenda.is_empty());
        let e = meeting::meeting_detail(&f.desk, "0190a1b2-0000-7000-8000-000000000000".into()).expect_err("unknown");
        assert_eq!(e.kind, ErrorKind::NotFound);
    }

    /// The print preview renders the engine's page in a srcdoc frame, which inherits the window's
    /// CSP: the page's one style block is allowed by its hash (no 'unsafe-inline', scripts as before).
    #[test]
    fn the_windows_csp_allows_the_printed_pages_style_by_its_hash_only() {
        use base64::Engine as _;
        use sha2::Digest as _;
        let f = fixture();
        let other = agency(&f, "生活福祉課");
        let m = new_meeting(&f, "shien-kaigi", &[&other]).expect("a meeting");
        let html = meeting::meeting_print(&f.desk, m, PrintDocument::Agenda, None, 1).expect("agenda");
        let style = html
            .split("<style>")
            .nth(1)
            .and_then(|s| s.split("</style>").next())
            .expect("one style block");
        assert!(
            !html.contains("style=\""),
            "no style attributes, which a hash cannot allow"
        );
        assert!(!html.contains("<script"), "no scripts");
        let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(style.as_bytes()));
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let conf: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(root.join("tauri.conf.json")).expect("read tauri.conf.json"))
                .expect("tauri.conf.json is JSON");
        let csp = &conf["app"]["security"]["csp"];
        assert_eq!(
            csp["style-src"].as_str(),
            Some(format!("'self' 'sha256-{hash}'").as_str()),
            "update the style hash in tauri.conf.json when the engine's print style changes"
        );
        assert_eq!(csp["script-src"].as_str(), Some("'self'"));
    }
}

mod security_review {
    use super::*;
    use kasane_desktop::meeting::{self, NewMeetingInput, PrintDocument};

    fn files_under(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).expect("read folder").flatten() {
                if e.path().is_dir() {
                    stack.push(e.path());
                } else {
                    out.push(e.path());
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn the_case_page_logs_one_view_naming_the_case_for_its_contact_log() {
        let f = fixture();
        let h = household(&f, "高橋家", "kamakura-2");
        let c = open_case(&f, &h, &["dementia"], "2030-04-01");
        case::note_add(
            &f.desk,
            NewNoteInput {
                case: c.clone(),
                kind: NoteKind::Visit,
                text: "機関内の覚え書き".into(),
                date: String::new(),
                internal: true,
                outreach: None,
            },
        )
        .expect("an internal entry");
        let trail = || f.desk.with_vault(|v| Ok(v.audit_trail()?)).expect("audit trail");
        let before = trail().len();
        let detail = case::case_detail(&f.desk, c.clone()).expect("case detail");
        assert_eq!(detail.notes.len(), 1, "the internal memo is shown");
        let after = trail();
        assert_eq!(after.len(), before + 1, "one entry for the page and its contact log");
        let e = after.last().expect("an entry");
        assert_eq!(e.action, "case.view");
        assert_eq!(e.target.as_deref(), Some(c.as_str()), "the entry names the case");
    }

    #[test]
    fn a_vault_made_in_the_app_is_its_owners_alone() {
        let f = fixture();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
            assert_eq!(mode(&f.path), 0o700, "the vault folder");
            assert_eq!(mode(&f.path.join("keys")), 0o700);
            for file in files_under(&f.path) {
                assert_eq!(mode(&file), 0o600, "{}", file.display());
            }
        }
        let _ = &f;
    }

    #[test]
    fn printing_writes_no_file_and_the_preview_says_a_saved_file_is_not_encrypted() {
        let f = fixture();
        let place = format!("印刷確認室-{}", std::process::id());
        let other = f
            .desk
            .with_vault(|v| Ok(v.add_agency("生活福祉課", None)?.to_string()))
            .expect("an attendee agency");
        let m = meeting::meeting_new(
            &f.desk,
            NewMeetingInput {
                kind: "shien-kaigi".into(),
                date: "2030-01-15".into(),
                time: "14:00".into(),
                place: place.clone(),
                chair: Some(f.agency.clone()),
                attendees: vec![other],
                series: String::new(),
            },
        )
        .expect("a meeting");
        let in_vault = files_under(&f.path);
        let tmp = std::env::temp_dir();
        let holds_place =
            |p: &Path| std::fs::read(p).is_ok_and(|b| b.windows(place.len()).any(|w| w == place.as_bytes()));
        let html = meeting::meeting_print(&f.desk, m, PrintDocument::Agenda, None, 3).expect("agenda");
        assert!(html.contains(&place), "the document comes back to the window in memory");
        assert_eq!(files_under(&f.path), in_vault, "no file appears in the vault folder");
        let left: Vec<PathBuf> = std::fs::read_dir(&tmp)
            .expect("temporary folder")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && holds_place(p))
            .collect();
        assert!(
            left.is_empty(),
            "no copy of the document in the temporary folder: {left:?}"
        );

        // The preview tells the worker, in their words, that a saved file is not encrypted.
        let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src");
        let preview = std::fs::read_to_string(ui.join("screens/meetings/PrintPreview.svelte")).expect("preview");
        assert!(
            preview.contains(r#"data-testid="print-not-encrypted">{t("print.notEncrypted")}</p>"#),
            "the preview shows the note"
        );
        // The Japanese catalog is split by screen area; the note may sit in any of its parts.
        let mut ja = String::new();
        for part in std::fs::read_dir(ui.join("lib/i18n/ja")).expect("ja catalog").flatten() {
            ja.push_str(&std::fs::read_to_string(part.path()).expect("a part of the ja catalog"));
        }
        let note = ja
            .lines()
            .find(|l| l.contains("\"print.notEncrypted\""))
            .expect("the Japanese note");
        assert!(
            note.contains("暗号化されていません") && note.contains("印刷後は削除してください"),
            "{note}"
        );
        assert!(kasane::PRINTOUT_NOTICE_JA.ends_with("暗号化されていません。印刷後は削除してください"));
    }
}

mod audit_commands {
    use super::*;
    use kasane_desktop::audit::{self, AuditFilterInput, AuditKind};

    fn filter() -> AuditFilterInput {
        AuditFilterInput {
            from: String::new(),
            to: String::new(),
            worker: None,
            kind: None,
            action: String::new(),
            target: String::new(),
            limit: None,
            offset: 0,
        }
    }

    /// 山田's vault with a household and a case, each viewed once.
    fn viewed() -> (Fixture, String, String) {
        let f = fixture();
        let h = household(&f, "高橋家", "kamakura-2");
        let c = open_case(&f, &h, &["dementia"], "2030-04-01");
        case::case_detail(&f.desk, c.clone()).expect("the case page");
        household::household_detail(&f.desk, h.clone()).expect("the household page");
        (f, h, c)
    }

    #[test]
    fn the_activity_record_is_filtered_and_paged_newest_first() {
        let (f, h, c) = viewed();
        let all = audit::audit_entries(&f.desk, filter()).expect("the whole trail");
        assert_eq!(all.matching, all.total);
        let actions: Vec<&str> = all.entries.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            &actions[..4],
            ["household.view", "case.view", "case.open", "household.add"],
            "newest first"
        );
        let e = &all.entries[0];
        assert_eq!(e.kind, AuditKind::View);
        assert_eq!(e.worker.as_deref(), Some(f.worker.as_str()));
        assert_eq!(e.worker_name.as_deref(), Some("山田"));
        assert_eq!(e.target.as_deref(), Some(h.as_str()));
        assert!(e.date.wareki.starts_with("令和"), "{:?}", e.date);
        assert!(e.time.len() == 5 && e.time.as_bytes()[2] == b':', "HH:MM: {}", e.time);

        let cases = audit::audit_entries(
            &f.desk,
            AuditFilterInput {
                kind: Some(AuditKind::Case),
                ..filter()
            },
        )
        .expect("cases");
        let actions: Vec<&str> = cases.entries.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["case.open"], "a view of the case is a view, not a change");
        let about = audit::audit_entries(
            &f.desk,
            AuditFilterInput {
                target: format!("  {c} "),
                worker: Some(f.worker.clone()),
                from: "R8.1.1".into(),
                ..filter()
            },
        )
        .expect("about the case");
        let actions: Vec<&str> = about.entries.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["case.view", "case.open"]);

        let first = audit::audit_entries(
            &f.desk,
            AuditFilterInput {
                limit: Some(2),
                ..filter()
            },
        )
        .expect("first page");
        let second = audit::audit_entries(
            &f.desk,
            AuditFilterInput {
                limit: Some(2),
                offset: 2,
                ..filter()
            },
        )
        .expect("second page");
        let seqs: Vec<u32> = first.entries.iter().chain(&second.entries).map(|e| e.seq).collect();
        let expected: Vec<u32> = all.entries.iter().take(4).map(|e| e.seq).collect();
        assert_eq!(seqs, expected, "the second page follows the first");
        assert_eq!(second.matching, all.matching);
        // Reading the record is not itself recorded, so the pages stay where they were.
        let again = audit::audit_entries(&f.desk, filter()).expect("again");
        assert_eq!(again.total, all.total);
    }

    #[test]
    fn a_mistyped_period_comes_back_for_the_form_and_an_altered_record_is_refused() {
        let (f, _, _) = viewed();
        let e = audit::audit_entries(
            &f.desk,
            AuditFilterInput {
                from: "R1.4.30".into(),
                ..filter()
            },
        )
        .expect_err("an impossible date");
        assert_eq!(e.field.as_deref(), Some("from"));
        assert!(matches!(e.date.as_deref(), Some(DateProblem::NotInEra { .. })), "{e:?}");
        let e = audit::audit_entries(
            &f.desk,
            AuditFilterInput {
                from: "R8.12.1".into(),
                to: "R8.11.30".into(),
                ..filter()
            },
        )
        .expect_err("a period ending before it starts");
        assert_eq!(e.code, "input.inconsistent");
        assert_eq!(e.kind, ErrorKind::BadInput);
        assert!(e.message_ja.contains("期間"), "{}", e.message_ja);

        f.desk
            .with_vault(|v| {
                kasane::testing::sql(v)
                    .execute("UPDATE audit SET target = NULL WHERE seq = 2", [])
                    .map_err(|e| CommandError::task(e.to_string()))
            })
            .expect("tampered");
        let e = audit::audit_entries(
            &f.desk,
            AuditFilterInput {
                kind: Some(AuditKind::Print),
                ..filter()
            },
        )
        .expect_err("an altered record is an error whatever is asked for");
        assert_eq!(e.code, "audit.damaged");
    }

    #[test]
    fn kinds_keep_the_engines_codes() {
        for k in kasane::AuditKind::ALL {
            assert_eq!(
                serde_json::to_value(AuditKind::from(*k)).expect("serialises"),
                serde_json::Value::from(k.code())
            );
        }
    }

    /// The action codes the engine writes: string literals shaped like `case.open` in the first
    /// argument of each `audit`, `audit_now` and `audit_read` call under src/.
    fn engine_action_codes() -> std::collections::BTreeSet<String> {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../src");
        let mut stack = vec![src];
        let mut codes = std::collections::BTreeSet::new();
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).expect("read src").flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                if p.extension().is_none_or(|x| x != "rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&p).expect("a source file");
                for call in [".audit(", "audit_now(", "audit_read("] {
                    for (at, _) in text.match_indices(call) {
                        // The first argument: up to the first comma outside brackets.
                        let mut depth = 0i32;
                        let arg: String = text[at + call.len()..]
                            .chars()
                            .take_while(|c| {
                                match c {
                                    '(' | '{' | '[' => depth += 1,
                                    ')' | '}' | ']' => depth -= 1,
                                    ',' if depth == 0 => return false,
                                    _ => {}
                                }
                                depth >= 0
                            })
                            .collect();
                        for (i, literal) in arg.split('"').enumerate() {
                            let code_like = i % 2 == 1
                                && literal
                                    .split('.')
                                    .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c == '-'));
                            if code_like {
                                codes.insert(literal.to_string());
                            }
                        }
                    }
                }
            }
        }
        codes
    }

    /// Every action the engine writes has a name on the 操作の記録 screen, in both languages.
    #[test]
    fn every_action_the_engine_writes_is_named_in_both_catalogs() {
        let codes = engine_action_codes();
        assert!(codes.len() > 40 && codes.contains("case.open"), "{codes:?}");
        let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/i18n");
        for lang in ["ja", "en"] {
            let catalog = std::fs::read_to_string(ui.join(lang).join("audit.ts")).expect("the catalog");
            let missing: Vec<&String> = codes
                .iter()
                .filter(|c| !catalog.contains(&format!("\"audit.action.{c}\":")))
                .collect();
            assert!(
                missing.is_empty(),
                "name these actions in ui/src/lib/i18n/{lang}/audit.ts: {missing:?}"
            );
        }
    }
}

mod retention_commands {
    use super::*;
    use kasane_desktop::{case, retention, view::ClosureReason};

    /// The schedule, the closed cases with their disposal day, a disposal with progress after
    /// each case, and the 廃棄記録 — from the window; a period out of range and a case not yet
    /// due are refused as the engine words it.
    #[test]
    fn retention_is_set_and_a_due_case_is_disposed_of_with_progress() {
        let f = fixture();
        let schedule = retention::retention_schedule(&f.desk).expect("the schedule");
        assert_eq!(schedule.len(), 2);
        let e = retention::retention_set(&f.desk, retention::RetentionKind::General, 0).expect_err("zero years");
        assert_eq!(e.kind, ErrorKind::BadInput, "{e:?}");
        retention::retention_set(&f.desk, retention::RetentionKind::General, 6).expect("six years");
        assert_eq!(retention::retention_schedule(&f.desk).unwrap()[0].years, 6);

        let hh = household(&f, "高橋家", "kamakura-2");
        let closed_case = |opened: &str, closed: &str| {
            let c = case::case_open(
                &f.desk,
                NewCaseInput {
                    household: hh.clone(),
                    title: format!("{opened}からの相談"),
                    problems: vec!["poverty".into()],
                    lead_agency: None,
                    risk: None,
                    next_review: String::new(),
                    opened: opened.into(),
                },
            )
            .expect("a case opened in the past");
            case::case_close(
                &f.desk,
                case::CloseCaseInput {
                    case: c.clone(),
                    date: closed.into(),
                    reason: ClosureReason::GoalsMet,
                    watch: String::new(),
                    note: String::new(),
                },
            )
            .expect("closed");
            c
        };
        // Six years from the April after FY2019: due since 2026-04-01.
        let due = closed_case("2018-04-10", "2019-06-01");
        let later = closed_case("2024-04-10", "2025-06-01");
        let listed = retention::retention_cases(&f.desk).expect("the cases");
        assert_eq!(
            listed.iter().map(|c| (c.case.clone(), c.is_due)).collect::<Vec<_>>(),
            vec![(due.clone(), true), (later.clone(), false)],
            "soonest first, the due one marked"
        );
        let refused = retention::retention_dispose(&f.desk, vec![later.clone()], "福祉総務課長".into(), &|_| {})
            .expect_err("not due yet");
        assert_eq!(refused.kind, ErrorKind::Refused, "{refused:?}");
        let seen = std::sync::Mutex::new(Vec::new());
        let report = retention::retention_dispose(&f.desk, vec![due.clone()], "福祉総務課長".into(), &|p| {
            seen.lock().unwrap().push((p.done, p.total))
        })
        .expect("disposed");
        assert_eq!(
            (report.disposed, report.households_erased),
            (1, 0),
            "the household keeps its other case"
        );
        assert_eq!(
            *seen.lock().unwrap(),
            vec![(0, 1), (1, 1)],
            "progress before and after the case"
        );
        let records = retention::disposal_records(&f.desk).expect("the record");
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].case, due);
        assert_eq!(records[0].approved_by, "福祉総務課長");
        let gone = case::case_detail(&f.desk, due).expect_err("erased");
        assert_eq!(gone.kind, ErrorKind::NotFound, "{gone:?}");
    }
}

mod request_commands {
    use super::*;
    use kasane_desktop::{plan, request};

    /// The records about one person for a disclosure request (開示請求), from the window: the
    /// print preview with judgement and a third party's information marked, and the JSON file
    /// written to a folder under a new name each time (never over another file, and never naming
    /// the person); refused for a folder that is not there or not a full path, an id that is not
    /// one or not a person's, and while locked.
    #[test]
    fn a_persons_records_print_marked_and_save_as_json_in_a_folder() {
        let f = fixture();
        let hh = household(&f, "高橋家", "kamakura-2");
        let haru = person(&f, &hh, ("髙橋", "ハル", "たかはし", "はる"), "S15.3.2").expect("ハル");
        household::person_add(
            &f.desk,
            NewPersonInput {
                household: hh.clone(),
                family_name: "髙橋".into(),
                given_name: "一郎".into(),
                family_kana: "たかはし".into(),
                given_kana: "いちろう".into(),
                birth: "S45".into(),
                sex: Sex::Male,
                relation: "長男".into(),
                living_together: true,
                deceased: String::new(),
                expecting: String::new(),
            },
        )
        .expect("her son");
        let c = open_case(&f, &hh, &["dementia"], "");
        plan::assessment_add(
            &f.desk,
            plan::NewAssessmentInput {
                case: c,
                domain: "health".into(),
                person: Some(haru.clone()),
                seen: "薬の飲み忘れが週に数回ある".into(),
                judgement: "認知症の進行が疑われる".into(),
                strengths: String::new(),
                needs: String::new(),
                risk: None,
                no_contact: false,
            },
        )
        .expect("an entry about her");

        let html = request::person_records_print(&f.desk, haru.clone()).expect("the printout");
        for text in [
            "保有個人情報の開示請求に係る記録",
            "髙橋 ハル",
            "【評価・判断】",
            "【第三者の情報】",
            "認知症の進行が疑われる",
        ] {
            assert!(html.contains(text), "the preview shows {text}");
        }

        let out = tempfile::tempdir().expect("a folder to save in");
        let folder = out.path().display().to_string();
        let first = request::person_records_export(&f.desk, haru.clone(), folder.clone()).expect("saved");
        let second = request::person_records_export(&f.desk, haru.clone(), folder.clone()).expect("saved again");
        assert_ne!(first, second, "the second file does not replace the first");
        for path in [&first, &second] {
            let name = Path::new(path).file_name().unwrap().to_string_lossy().to_string();
            assert!(name.starts_with("開示請求の記録_") && name.ends_with(".json"), "{name}");
            assert!(!name.contains("ハル"), "the name does not say whom it is about: {name}");
            let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            assert_eq!(json["format"], "kasane-person-records/1");
            assert_eq!(json["person"]["id"], haru.as_str());
            assert!(
                json["counts"]["judgement"].as_u64().is_some_and(|n| n >= 2),
                "{}",
                json["counts"]
            );
        }

        let e = request::person_records_export(&f.desk, haru.clone(), out.path().join("ない").display().to_string())
            .expect_err("no such folder");
        assert_eq!(
            (e.code.as_str(), e.field.as_deref()),
            ("file.no-folder", Some("folder")),
            "{e}"
        );
        let e = request::person_records_export(&f.desk, haru.clone(), "USB".into()).expect_err("not a full path");
        assert_eq!(e.code, "input.relative-path", "{e}");
        let e = request::person_records_print(&f.desk, "高橋".into()).expect_err("not an id");
        assert_eq!(e.code, "input.bad-id", "{e}");
        let e = request::person_records_print(&f.desk, hh.clone()).expect_err("a household is not a person");
        assert_eq!(
            (e.code.as_str(), e.kind),
            ("record.not-found", ErrorKind::NotFound),
            "{e}"
        );
        assert_eq!(e.message_ja, "その記録はこの記録データにありません");
        assert_eq!(
            std::fs::read_dir(out.path()).unwrap().count(),
            2,
            "refusals wrote nothing"
        );

        vault::vault_lock(&f.desk);
        let e = request::person_records_export(&f.desk, haru, folder).expect_err("locked");
        assert_eq!(e.code, "vault.locked", "{e}");
    }
}

mod archive_commands {
    //! 設定 → 全記録の出力: the open archive written into a chosen folder under a new name, with
    //! progress, and the refusals the form shows.
    use super::*;
    use kasane_desktop::{
        archive::{self, ArchiveInput},
        exchange::BundleProgress,
    };

    const ARCHIVE_PASS: &str = "the city's archive password";

    fn input(folder: &str, passphrase: &str, again: &str) -> ArchiveInput {
        ArchiveInput {
            folder: folder.into(),
            passphrase: passphrase.into(),
            passphrase_again: again.into(),
        }
    }

    #[test]
    fn the_archive_is_written_under_a_new_name_with_progress_and_refusals_write_nothing() {
        let f = fixture();
        let hh = household(&f, "髙橋家", "kamakura-2");
        open_case(&f, &hh, &["dementia"], "");
        let out = tempfile::tempdir().expect("a folder to write in");
        let folder = out.path().display().to_string();
        let quiet = |_: BundleProgress| {};

        let refused = |i: ArchiveInput, code: &str| {
            let e = archive::archive_write(&f.desk, i, &quiet).expect_err(code);
            assert_eq!(e.code, code, "{e}");
            assert_eq!(e.kind, ErrorKind::BadInput, "{e}");
            assert!(!e.message_ja.is_empty());
            e
        };
        let e = refused(
            input(&folder, ARCHIVE_PASS, "another password"),
            "key.passphrase-mismatch",
        );
        assert_eq!(e.message_ja, "2回入力したパスワードが一致しません");
        refused(input(&folder, "", ""), "key.passphrase-too-short");
        refused(input("USB", ARCHIVE_PASS, ARCHIVE_PASS), "input.relative-path");
        let e = refused(
            input(
                &out.path().join("ない").display().to_string(),
                ARCHIVE_PASS,
                ARCHIVE_PASS,
            ),
            "file.no-folder",
        );
        assert_eq!(e.field.as_deref(), Some("folder"));
        let e = refused(
            input(&f.path.display().to_string(), ARCHIVE_PASS, ARCHIVE_PASS),
            "archive.inside-vault",
        );
        assert!(e.message_ja.contains("記録データのフォルダの中"), "{}", e.message_ja);
        assert_eq!(
            std::fs::read_dir(out.path()).unwrap().count(),
            0,
            "refusals wrote nothing"
        );

        let events: Arc<Mutex<Vec<BundleProgress>>> = Arc::default();
        let sink = {
            let events = events.clone();
            move |p: BundleProgress| events.lock().unwrap().push(p)
        };
        let first =
            archive::archive_write(&f.desk, input(&folder, ARCHIVE_PASS, ARCHIVE_PASS), &sink).expect("written");
        let phases: Vec<String> = {
            let mut seen: Vec<String> = Vec::new();
            for p in events.lock().unwrap().iter() {
                if seen.last() != Some(&p.phase) {
                    seen.push(p.phase.clone());
                }
            }
            seen
        };
        for phase in ["prepare", "records", "audit", "forms", "write"] {
            assert!(
                phases.iter().any(|p| p == phase),
                "the window hears {phase}: {phases:?}"
            );
        }
        let name = Path::new(&first.path)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string();
        assert!(
            name.starts_with("かさね記録一式-福祉総務課-") && name.ends_with(".tar.age"),
            "{name}"
        );
        assert!(
            first.records > 0 && first.forms > 0 && first.audit_verified,
            "{first:?}"
        );
        assert_eq!(first.forms_skipped, 0);
        let bytes = std::fs::read(&first.path).unwrap();
        assert_eq!(bytes.len() as f64, first.bytes);
        assert!(
            bytes.starts_with(b"age-encryption.org/v1\n-> scrypt "),
            "an age file with the password"
        );

        let second =
            archive::archive_write(&f.desk, input(&folder, ARCHIVE_PASS, ARCHIVE_PASS), &quiet).expect("again");
        assert_ne!(first.path, second.path, "the second archive does not replace the first");
        assert_eq!(std::fs::read(&first.path).unwrap(), bytes);
        assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 2);

        vault::vault_lock(&f.desk);
        refused_locked(&f, &folder);
    }

    fn refused_locked(f: &Fixture, folder: &str) {
        let e =
            archive::archive_write(&f.desk, input(folder, ARCHIVE_PASS, ARCHIVE_PASS), &|_| {}).expect_err("locked");
        assert_eq!(e.code, "vault.locked", "{e}");
    }
}

mod backup_commands {
    use super::*;
    use kasane_desktop::{backup, exchange, household};

    /// A backup from the window into a chosen folder: the reminder is due before and not after,
    /// a folder that does not exist and one inside the vault are refused, and the reminder's
    /// period is kept within 1–365 days.
    #[test]
    fn a_backup_is_written_to_a_chosen_folder_and_the_reminder_follows() {
        let f = fixture();
        assert!(backup::backup_status(&f.desk).unwrap().due, "never backed up");
        let e = backup::backup_write(&f.desk, "/no/such/folder".into()).expect_err("no folder");
        assert_eq!(e.kind, ErrorKind::BadInput, "{e:?}");
        let e = backup::backup_write(&f.desk, f.path.join("keys").display().to_string()).expect_err("inside the vault");
        assert_eq!(e.kind, ErrorKind::Refused, "{e:?}");
        let usb = tempfile::tempdir().unwrap();
        let done = backup::backup_write(&f.desk, usb.path().display().to_string()).expect("written");
        assert!(std::path::Path::new(&done.path).join("kasane.db").exists(), "{done:?}");
        let s = backup::backup_status(&f.desk).unwrap();
        assert!(!s.due && s.last_ms.is_some(), "{s:?}");
        assert_eq!(
            backup::backup_reminder_set(&f.desk, 0).expect_err("zero days").kind,
            ErrorKind::BadInput
        );
        backup::backup_reminder_set(&f.desk, 30).unwrap();
        assert_eq!(backup::backup_status(&f.desk).unwrap().reminder_days, 30);
    }

    /// A backup restored from the window onto a new PC: the same records and passwords, a new
    /// PC with new keys (a new 照合番号), the old PC retired; a restore onto a folder that holds
    /// something, with a wrong password, or without a name for the PC changes nothing.
    #[test]
    fn a_backup_is_restored_from_the_window_as_a_new_pc_of_the_agency() {
        let f = fixture();
        let hh = household(&f, "高橋家", "kamakura-1");
        let usb = tempfile::tempdir().unwrap();
        let done = backup::backup_write(&f.desk, usb.path().display().to_string()).unwrap();
        let old_site = f.desk.with_vault(|v| Ok(v.identity().site)).unwrap();
        let old_fp = f.desk.with_vault(|v| Ok(v.my_card()?.1.fingerprint)).unwrap();

        let new_pc = tempfile::tempdir().unwrap();
        let input = |path: &std::path::Path, passphrase: &str, site: &str| vault::RestoreInput {
            backup: done.path.clone(),
            path: path.display().to_string(),
            worker: f.worker.clone(),
            passphrase: passphrase.into(),
            site: site.into(),
        };
        let desk = Desktop::new(None).with_kdf(KdfCost::Fixed(10));
        let occupied = new_pc.path().join("occupied");
        std::fs::create_dir(&occupied).unwrap();
        std::fs::write(occupied.join("memo.txt"), "大事なメモ").unwrap();
        let e = vault::vault_restore(&desk, input(&occupied, PASS, "新PC"), &no_progress).expect_err("not empty");
        assert_eq!(e.code, "vault.not-empty", "{e:?}");
        assert!(occupied.join("memo.txt").exists(), "nothing in the folder was touched");
        let target = new_pc.path().join("vault");
        let e = vault::vault_restore(&desk, input(&target, "まちがったパスワードです", "新PC"), &no_progress)
            .expect_err("wrong password");
        assert_eq!(e.code, "key.wrong-passphrase", "{e:?}");
        assert!(!target.exists(), "a wrong password leaves no half-restored folder");
        let e = vault::vault_restore(&desk, input(&target, PASS, "  "), &no_progress).expect_err("no name");
        assert_eq!(e.kind, ErrorKind::BadInput, "{e:?}");
        assert!(
            !target.exists(),
            "a PC without a name is refused before anything is copied"
        );

        let steps = std::sync::Mutex::new(Vec::new());
        let restored = vault::vault_restore(&desk, input(&target, PASS, "本庁舎PC-新"), &|p: Progress| {
            steps.lock().unwrap().push(p.step)
        })
        .expect("restored");
        assert!(
            steps.lock().unwrap().contains(&Step::Restore),
            "progress names the restore"
        );
        assert_eq!(restored.session.agency_id, f.agency, "the same agency");
        assert_eq!(restored.groups.len(), 6);
        assert_ne!(restored.groups.join(" "), old_fp, "new keys, a new 照合番号");
        assert_eq!(
            restored.old_site_name, "本庁舎PC-1",
            "the PC the backup came from is named"
        );
        assert!(
            household::household_detail(&desk, hh.clone()).is_ok(),
            "the records came along"
        );
        let sites = exchange::exchange_overview(&desk).unwrap();
        assert_ne!(sites.me.site, old_site.to_string());
        assert!(
            sites
                .partners
                .iter()
                .any(|p| p.site == old_site.to_string() && p.revoked),
            "the old PC is listed as retired: {:?}",
            sites.partners
        );
    }
}

mod statistics_commands {
    use super::*;
    use kasane_desktop::statistics::{self, StatsInput};

    fn input(by: &str, anonymised: bool) -> StatsInput {
        StatsInput {
            year: None,
            from: "2010-04-01".into(),
            to: "令和8年11月25日".into(),
            by: by.into(),
            anonymised,
        }
    }

    /// The statistics screen's commands on a demo city: the tables as the engine counts them, a
    /// fiscal year by default, CSV and a workbook written under new names, and bad requests refused.
    #[test]
    fn the_counts_are_shown_and_saved_as_csv_and_xlsx() {
        let f = fixture();
        f.desk
            .with_vault(|v| {
                kasane_demo::fill_demo(v, 40, 8, kasane_demo::DemoLead::AsGenerated, &mut |_, _| {})?;
                Ok(())
            })
            .unwrap();
        let s = statistics::statistics(&f.desk, input("district", false)).unwrap();
        assert_eq!(s.columns.last().unwrap().label, "合計");
        let intake = s.tables.iter().find(|t| t.key == "intake").expect("the intake table");
        let all = intake.rows.iter().find(|r| r.key == "all").unwrap();
        let total = all.cells.last().unwrap().n.expect("a count");
        assert!(total > 0.0, "the demo city's consultations: {all:?}");
        let engine = f
            .desk
            .with_vault(|v| {
                Ok(v.statistics(&kasane::StatsQuery {
                    from: kasane::parse_date("2010-04-01").unwrap(),
                    to: kasane::parse_date("2026-11-25").unwrap(),
                    by: kasane::Grouping::District,
                    anonymised: false,
                })?)
            })
            .unwrap();
        assert_eq!(
            serde_json::to_value(engine.table("intake").unwrap().rows.last().unwrap().cells.last()).unwrap()["n"],
            total as u64,
            "the screen shows the engine's count"
        );
        let fy = statistics::statistics(
            &f.desk,
            StatsInput {
                year: None,
                from: String::new(),
                to: String::new(),
                by: "month".into(),
                anonymised: false,
            },
        )
        .unwrap();
        assert_eq!(fy.columns.len(), 13, "today's 年度 by month: {:?}", fy.heading);
        let anon = statistics::statistics(&f.desk, input("district", true)).unwrap();
        assert!(anon.anonymised && anon.heading.contains("<3"));
        assert!(
            anon.tables
                .iter()
                .flat_map(|t| &t.rows)
                .flat_map(|r| &r.cells)
                .all(|c| !matches!(c.n, Some(n) if n == 1.0 || n == 2.0)),
            "no 1 or 2 left"
        );

        let folder = tempfile::tempdir().unwrap();
        let dir = folder.path().display().to_string();
        let csv = statistics::statistics_export(&f.desk, input("district", false), dir.clone(), false).unwrap();
        assert!(csv.ends_with(".csv"), "{csv}");
        assert!(
            std::fs::read(&csv).unwrap().starts_with(b"\xEF\xBB\xBF"),
            "UTF-8 with BOM"
        );
        let xlsx = statistics::statistics_export(&f.desk, input("district", false), dir.clone(), true).unwrap();
        assert!(xlsx.ends_with(".xlsx"), "{xlsx}");
        assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"), "an .xlsx is a zip");
        let again = statistics::statistics_export(&f.desk, input("district", false), dir.clone(), true).unwrap();
        assert_ne!(again, xlsx, "a second file never overwrites the first");

        let e = statistics::statistics_export(&f.desk, input("district", false), "/no/such/folder".into(), true)
            .unwrap_err();
        assert_eq!(e.code, "file.no-folder", "{e:?}");
        let e = statistics::statistics(&f.desk, input("weekday", false)).unwrap_err();
        assert_eq!(e.kind, ErrorKind::BadInput, "{e:?}");
        let mut backwards = input("none", false);
        backwards.to = "2009-01-01".into();
        let e = statistics::statistics(&f.desk, backwards).unwrap_err();
        assert_eq!(
            e.kind,
            ErrorKind::BadInput,
            "a period that ends before it begins: {e:?}"
        );
    }
}

/// Without a window there is no web engine to lay a PDF out: each refusal the window can meet
/// comes first, then a clear error, and nothing is left in the folder. (The PDF itself is made
/// and read back in the end-to-end cycle walk, where the window runs.)
#[test]
fn a_pdf_is_refused_clearly_and_leaves_nothing_behind() {
    use kasane_desktop::pdf::{self, PdfInput};
    let f = fixture();
    let h = household(&f, "鈴木家", "koshigoe");
    let c = open_case(&f, &h, &["hikikomori"], "");
    let html = case::case_disclosures_print(&f.desk, c).expect("a printout of the case");
    let folder = tempfile::tempdir().unwrap();
    let input = |html: &str, folder: &str| PdfInput {
        html: html.into(),
        title: "情報提供の記録 <鈴木家>/1".into(),
        folder: folder.into(),
    };
    let dir = folder.path().display().to_string();

    let e = pdf::printout_pdf(&f.desk, input(&html, "relative/folder")).unwrap_err();
    assert_eq!(e.code, "input.relative-path", "a folder must be a full path: {e:?}");
    let e = pdf::printout_pdf(&f.desk, input(&html, "/no/such/folder")).unwrap_err();
    assert_eq!(e.code, "file.no-folder", "{e:?}");
    let e = pdf::printout_pdf(&f.desk, input(&html, &f.path.display().to_string())).unwrap_err();
    assert_eq!(
        e.kind,
        ErrorKind::Refused,
        "an unencrypted form never goes into the vault folder, which travels with every copy of it: {e:?}"
    );
    let e = pdf::printout_pdf(&f.desk, input("<p>anything</p>", &dir)).unwrap_err();
    assert_eq!(
        e.code, "input.not-a-printout",
        "only the engine's documents are laid out: {e:?}"
    );
    let e = pdf::printout_pdf(&f.desk, input(&html, &dir)).unwrap_err();
    assert_eq!(e.code, "print.no-window", "{e:?}");
    assert_eq!(
        std::fs::read_dir(folder.path()).unwrap().count(),
        0,
        "a PDF that was not made leaves no file, partial or whole"
    );

    vault::vault_lock(&f.desk);
    let e = pdf::printout_pdf(&f.desk, input(&html, &dir)).unwrap_err();
    assert_eq!(e.code, "vault.locked", "a locked vault saves nothing: {e:?}");
}
