//! Retention and disposal with real vaults: the schedule, which closed cases are due (counted
//! from the April after the fiscal year of closing), refusals that erase nothing, a disposal that
//! erases the case and its household and keeps a 廃棄記録, and the partner that received the
//! case erasing its copy from the lead's next file.

use kasane::{ClosureReason, Error, NewCase, NewClosure, NewNote, NoteKind, RetentionKind, Vault, parse_date};
use uuid::Uuid;

use crate::support::*;

fn old_case(v: &mut Vault, hh: Uuid, title: &str, problems: &[&str], opened: &str, closed: &str) -> Uuid {
    let c = v
        .open_case(NewCase {
            household: hh,
            title: title.into(),
            problems: problems.iter().map(|p| p.to_string()).collect(),
            lead_agency: None,
            risk: None,
            next_review: None,
            opened: Some(parse_date(opened).expect("a date")),
        })
        .expect("a case opened in the past");
    v.add_note(NewNote {
        case: c,
        kind: NoteKind::Visit,
        text: format!("{title}の訪問記録。本人と面会した。"),
        date: Some(parse_date(opened).expect("a date")),
        internal: false,
        outreach: None,
    })
    .expect("a note");
    v.add_note(NewNote {
        case: c,
        kind: NoteKind::Other,
        text: "機関内の引継ぎメモ".into(),
        date: Some(parse_date(opened).expect("a date")),
        internal: true,
        outreach: None,
    })
    .expect("an internal note");
    v.close_case(
        c,
        NewClosure {
            date: Some(parse_date(closed).expect("a date")),
            reason: ClosureReason::GoalsMet,
            watch: None,
            note: None,
        },
    )
    .expect("closed");
    c
}

#[test]
fn the_schedule_has_defaults_and_refuses_a_period_out_of_range() {
    let mut t = new_vault(1811);
    let v = &mut t.vault;
    let s = v.retention_schedule().unwrap();
    assert_eq!(
        s.iter().map(|p| (p.kind, p.years, p.default)).collect::<Vec<_>>(),
        vec![
            (RetentionKind::General, 5, true),
            (RetentionKind::ChildProtection, 10, true)
        ],
        "five years for case files and ten for child protection until the city sets them"
    );
    for bad in [0, 101] {
        let e = Error::from(v.set_retention_years(RetentionKind::General, bad).unwrap_err());
        assert!(e.message_ja().contains("1年から100年"), "{}", e.message_ja());
    }
    v.set_retention_years(RetentionKind::General, 7).unwrap();
    let s = v.retention_schedule().unwrap();
    assert_eq!((s[0].years, s[0].default), (7, false), "the city's setting is kept");
    assert_eq!(
        RetentionKind::of_case(&["child-abuse".to_string(), "poverty".to_string()]),
        RetentionKind::ChildProtection
    );
}

#[test]
fn only_closed_cases_past_their_retention_are_due_and_a_refusal_erases_nothing() {
    let mut t = new_vault(1821);
    let v = &mut t.vault;
    let hh = household(v, "高橋家", "鎌倉市大町2-3-4");
    // Today is 2026-11-25. Closed in June 2020 (FY2020): due on 2026-04-01.
    let due = old_case(v, hh, "家計の相談", &["poverty"], "2019-04-10", "2020-06-01");
    // Closed in January 2022 (FY2021): due on 2027-04-01.
    let later = old_case(v, hh, "就労の相談", &["unemployment"], "2021-04-10", "2022-01-10");
    // Child protection, closed in 2020: ten years.
    let child = old_case(v, hh, "子どもの見守り", &["child-abuse"], "2019-05-10", "2020-06-01");
    let open = case(v, hh, "今の相談");

    let listed = v.retained_cases().unwrap();
    assert_eq!(listed.len(), 3, "the open case is not in the schedule");
    let due_list = v.disposal_due_cases().unwrap();
    assert_eq!(due_list.iter().map(|r| r.case).collect::<Vec<_>>(), vec![due]);
    assert_eq!(due_list[0].due, parse_date("2026-04-01").unwrap());
    let child_row = listed.iter().find(|r| r.case == child).unwrap();
    assert_eq!(
        (child_row.kind, child_row.due),
        (RetentionKind::ChildProtection, parse_date("2031-04-01").unwrap())
    );

    let ops = op_count(v);
    for (cases, why) in [
        (vec![later], "保存期間は"),
        (vec![due, child], "保存期間は"),
        (vec![open], "終結していない"),
    ] {
        let e = Error::from(v.dispose_cases(&cases, "福祉総務課長", &mut |_, _| {}).unwrap_err());
        assert!(e.message_ja().contains(why), "refused saying {why}: {}", e.message_ja());
    }
    let e = Error::from(v.dispose_cases(&[due], " ", &mut |_, _| {}).unwrap_err());
    assert_eq!(e.code(), "input.missing", "who approved is required");
    assert_eq!(op_count(v), ops, "a refusal erases and writes nothing");
    assert!(v.disposal_records().unwrap().is_empty());
    assert!(v.case_detail(due).is_ok(), "the due case is still whole");
}

#[test]
fn a_disposal_erases_the_case_keeps_its_record_and_the_partner_erases_its_copy() {
    let mut l = agency_vault(1831, "福祉総務課", clock());
    let mut b = agency_vault(1832, "生活福祉課", clock());
    introduce(&mut l.vault, &mut b.vault, true);
    sync(&mut b.vault, &mut l.vault);
    let v = &mut l.vault;
    let hh = household(v, "佐藤家", "鎌倉市材木座1-1-1");
    person(v, hh, "佐藤", "一郎", "サトウ", "イチロウ", "S30", "本人");
    let c = old_case(v, hh, "佐藤一郎さんの家計", &["poverty"], "2019-04-10", "2020-06-01");
    let other_hh = household(v, "高橋家", "鎌倉市大町2-3-4");
    let kept = old_case(v, other_hh, "高橋家の相談", &["poverty"], "2019-04-10", "2020-06-01");
    case(v, other_hh, "高橋家の今の相談");
    let ba = agency_id(&b.vault);
    l.vault.share_case(c, ba, Some(kasane::Basis::ShienKaigi)).unwrap();
    sync(&mut l.vault, &mut b.vault);
    assert!(b.vault.case_detail(c).is_ok(), "the partner received the case");
    assert!(!b.vault.search("佐藤").unwrap().is_empty(), "and can find the person");

    let v = &mut l.vault;
    let ops = op_count(v);
    let mut seen = Vec::new();
    let report = v
        .dispose_cases(&[c, kept], "福祉総務課長", &mut |done, total| {
            seen.push((done, total))
        })
        .unwrap();
    assert_eq!(seen, vec![(0, 2), (1, 2), (2, 2)], "progress after each case");
    assert_eq!(report.disposed, vec![c, kept]);
    assert_eq!(
        report.households_erased, 1,
        "佐藤家 had no other case; 高橋家 has one open"
    );
    assert!(
        matches!(v.case_detail(c), Err(kasane::RecordError::NotFound(_))),
        "the case is gone"
    );
    assert!(v.household(hh).is_err(), "the household went with its only case");
    assert!(v.household(other_hh).is_ok(), "a household with another case stays");
    assert!(
        v.search("佐藤").unwrap().is_empty(),
        "nothing of it can be found any more"
    );
    assert!(
        op_count(v) > ops,
        "headers stay (and the 廃棄記録 is written); only bodies go"
    );
    let records = v.disposal_records().unwrap();
    assert_eq!(records.len(), 2, "one 廃棄記録 per case");
    let r = records.iter().find(|r| r.case == c).unwrap();
    assert_eq!(
        (
            r.title.as_str(),
            r.approved_by.as_str(),
            r.notified.clone(),
            r.household_erased
        ),
        ("佐藤一郎さんの家計", "福祉総務課長", vec![ba], true),
        "the record says what, on whose approval, and who was asked to erase it"
    );
    assert!(r.erased > 0);
    assert!(v.audit_trail().is_ok(), "the audit trail still verifies");
    let digest = v.digest().unwrap();
    v.rebuild_state().unwrap();
    assert_eq!(digest, v.digest().unwrap(), "a rebuild derives the same state");
    assert!(v.case_detail(c).is_err(), "and nothing comes back");

    let s = sync(&mut l.vault, &mut b.vault);
    assert!(
        s.purged.iter().any(|p| p.contains(&c.to_string())),
        "the partner erased its copy at the lead's request: {s:?}"
    );
    assert!(b.vault.case_detail(c).is_err(), "the partner's copy is gone");
    assert!(b.vault.search("佐藤").unwrap().is_empty(), "with its household");
}
