//! Records: households, persons with 和暦 dates, relationships, cases, consent, contact log —
//! and the refusals that keep bad input out.

use kasane::{
    CaseStatus, CaseUpdate, Error, HouseholdFilter, NewConsent, NewNote, NewPerson, NewRelation, NoteKind, PartialDate,
    PartnerStatus, RecordError, RelationKind, Risk, Sex,
};

use crate::support::*;

#[test]
fn a_household_with_members_relations_and_a_case_reads_back_whole() {
    let mut t = new_vault(31);
    let v = &mut t.vault;
    let hh = household(v, "高橋家", "鎌倉市大町2-3-4");
    let mother = person(v, hh, "高橋", "ハル", "タカハシ", "ハル", "S15", "本人");
    let son = person(v, hh, "高橋", "一郎", "たかはし", "いちろう", "昭和48年5月1日", "長男");
    v.add_relation(NewRelation {
        a: mother,
        b: son,
        kind: RelationKind::ParentChild,
        status: None,
    })
    .unwrap();
    let c = case(v, hh, "8050問題");
    let d = v.household_detail(hh).unwrap();
    assert_eq!(d.members.len(), 2);
    assert_eq!(d.members[0].relation, "本人", "the head is listed first");
    let son_p = d.members.iter().find(|p| p.id == son).unwrap();
    assert_eq!(
        son_p.birth.map(|b| b.iso()),
        Some("1973-05-01".into()),
        "和暦 input is stored as ISO"
    );
    assert_eq!(son_p.birth_wareki.as_deref(), Some("昭和48年5月1日"));
    assert_eq!(
        son_p.age.and_then(|a| a.exact()),
        Some(53),
        "born 1973-05-01, on 2026-11-25 he is 53"
    );
    let mother_p = d.members.iter().find(|p| p.id == mother).unwrap();
    let age = mother_p.age.unwrap();
    assert_eq!(
        (age.min, age.max),
        (85, 86),
        "a year-only birth date gives an age range"
    );
    assert_eq!(d.relations.len(), 1);
    assert_eq!(d.cases[0].id, c);
    assert_eq!(d.cases[0].status, CaseStatus::Intake, "new cases start at 受付");
}

#[test]
fn impossible_and_future_dates_are_refused_with_the_reason() {
    let mut t = new_vault(32);
    let hh = household(&mut t.vault, "a", "b");
    let err = PartialDate::parse("R1.4.30").expect_err("令和 began on 1 May 2019");
    assert!(
        err.to_string().contains("令和"),
        "the message says which era rule was broken: {err}"
    );
    let future = t.vault.add_person(NewPerson {
        household: hh,
        family_name: "未来".into(),
        given_name: "太郎".into(),
        family_kana: "みらい".into(),
        given_kana: "たろう".into(),
        birth: Some(PartialDate::parse("2030-01-01").unwrap()),
        sex: Sex::Other,
        relation: "本人".into(),
        living_together: true,
        deceased: None,
        expecting: None,
    });
    assert!(
        matches!(
            future.map_err(Error::from),
            Err(Error::Record(RecordError::Inconsistent(_)))
        ),
        "a birth date after today is refused"
    );
}

#[test]
fn relations_must_stay_inside_one_household_and_partners_carry_a_status() {
    let mut t = new_vault(33);
    let v = &mut t.vault;
    let h1 = household(v, "一", "x");
    let h2 = household(v, "二", "y");
    let a = person(v, h1, "甲", "一", "こう", "いち", "1960", "本人");
    let b = person(v, h2, "乙", "二", "おつ", "に", "1962", "本人");
    let c = person(v, h1, "甲", "花", "こう", "はな", "1963", "妻");
    assert!(
        v.add_relation(NewRelation {
            a,
            b,
            kind: RelationKind::Partner,
            status: None
        })
        .is_err()
    );
    assert!(
        v.add_relation(NewRelation {
            a,
            b: a,
            kind: RelationKind::Partner,
            status: None
        })
        .is_err()
    );
    assert!(
        v.add_relation(NewRelation {
            a,
            b: c,
            kind: RelationKind::ParentChild,
            status: Some(PartnerStatus::Married)
        })
        .is_err(),
        "a parent-child tie has no marital status"
    );
    v.add_relation(NewRelation {
        a,
        b: c,
        kind: RelationKind::Partner,
        status: Some(PartnerStatus::Separated),
    })
    .unwrap();
    let d = v.household_detail(h1).unwrap();
    assert_eq!(d.relations[0].status, Some(PartnerStatus::Separated));
}

#[test]
fn cases_move_through_their_statuses_and_unknown_codes_are_refused() {
    let mut t = new_vault(34);
    let v = &mut t.vault;
    let hh = household(v, "a", "b");
    let c = case(v, hh, "ヤングケアラー");
    for s in ["アセスメント", "プラン", "支援中", "終結"] {
        v.update_case(
            c,
            CaseUpdate {
                status: Some(CaseStatus::parse(s).unwrap()),
                ..Default::default()
            },
        )
        .unwrap();
    }
    assert_eq!(
        v.cases(&Default::default()).unwrap().len(),
        0,
        "closed cases are hidden from the default list"
    );
    let all = v
        .cases(&kasane::CaseFilter {
            include_closed: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(all[0].status, CaseStatus::Closed);
    let err = v.update_case(
        c,
        CaseUpdate {
            problems: Some(vec!["no-such-problem".into()]),
            ..Default::default()
        },
    );
    assert!(matches!(
        err.map_err(Error::from),
        Err(Error::Record(RecordError::UnknownProblem(_)))
    ));
    let err = v.add_household(kasane::NewHousehold {
        label: "x".into(),
        district: "tokyo".into(),
        address: None,
        phone: None,
    });
    assert!(matches!(err, Err(RecordError::UnknownDistrict(..))));
    assert!(CaseStatus::parse("done").is_err());
    v.update_case(
        c,
        CaseUpdate {
            risk: Some(Some(Risk::parse("緊急").unwrap())),
            next_review: Some(Some(kasane::parse_date("R8.12.1").unwrap())),
            ..Default::default()
        },
    )
    .unwrap();
    let d = v.case_detail(c).unwrap();
    assert_eq!(d.case.risk, Some(Risk::Urgent));
    assert_eq!(d.case.next_review.map(|d| d.to_string()), Some("2026-12-01".into()));
}

#[test]
fn consent_is_withdrawn_by_date_and_never_twice() {
    let mut t = new_vault(35);
    let v = &mut t.vault;
    let hh = household(v, "a", "b");
    let p = person(v, hh, "甲", "一", "こう", "いち", "1960", "本人");
    let me = v.identity().agency;
    let k = v
        .add_consent(NewConsent {
            scope: "支援会議での情報共有".into(),
            ..consent(p, vec![me], "2026-04-01")
        })
        .unwrap();
    let day = |s| kasane::parse_date(s).unwrap();
    v.withdraw_consent(k, day("2026-10-01")).unwrap();
    let c = &v.consents_of(hh).unwrap()[0];
    assert!(c.is_valid_on(day("2026-09-30")), "valid the day before withdrawal");
    assert!(!c.is_valid_on(day("2026-10-01")), "not valid from the withdrawal date");
    assert!(!c.is_valid_on(day("2026-03-31")), "not valid before it was given");
    assert!(matches!(
        v.withdraw_consent(k, day("2026-10-02")).map_err(Error::from),
        Err(Error::Record(RecordError::Refused(_)))
    ));
}

#[test]
fn contact_log_entries_keep_versions_and_internal_ones_are_marked() {
    let mut t = new_vault(36);
    let v = &mut t.vault;
    let hh = household(v, "a", "b");
    let c = case(v, hh, "x");
    let n1 = v
        .add_note(NewNote {
            case: c,
            kind: NoteKind::Visit,
            text: "自宅訪問".into(),
            date: Some(kasane::parse_date("R8.11.20").unwrap()),
            internal: false,
            outreach: None,
        })
        .unwrap();
    let n2 = v
        .add_note(NewNote {
            case: c,
            kind: NoteKind::parse("電話").unwrap(),
            text: "内部メモ".into(),
            date: None,
            internal: true,
            outreach: None,
        })
        .unwrap();
    v.edit_note(n1, "自宅訪問（本人不在）").unwrap();
    v.retract_note(n2).unwrap();
    let notes = v.notes_of(c).unwrap();
    assert_eq!(notes[0].id, n2, "newest first");
    assert!(notes[0].internal && notes[0].retracted);
    assert_eq!(notes[1].text, "自宅訪問（本人不在）");
    let future = v.add_note(NewNote {
        case: c,
        kind: NoteKind::Visit,
        text: "x".into(),
        date: Some(kasane::parse_date("2027-01-01").unwrap()),
        internal: false,
        outreach: None,
    });
    assert!(future.is_err(), "a contact cannot be logged in the future");
    let versions = v.ops().unwrap().into_iter().filter(|o| o.header.entity == n1).count();
    assert_eq!(versions, 2, "the first version stays in the log");
}

#[test]
fn households_are_listed_in_gojuon_order_of_the_head_and_archived_ones_hidden() {
    let mut t = new_vault(37);
    let v = &mut t.vault;
    for (label, fk) in [
        ("渡辺家", "ワタナベ"),
        ("青木家", "アオキ"),
        ("佐藤家", "さとう"),
        ("加藤家", "カトウ"),
    ] {
        let hh = household(v, label, "x");
        person(v, hh, "x", "y", fk, "た", "1950", "本人");
    }
    let labels: Vec<String> = v
        .households(&HouseholdFilter::default())
        .unwrap()
        .into_iter()
        .map(|h| h.label)
        .collect();
    assert_eq!(
        labels,
        ["青木家", "加藤家", "佐藤家", "渡辺家"],
        "あ か さ わ order, katakana and hiragana readings compared alike"
    );
    let id = v.households(&HouseholdFilter::default()).unwrap()[0].id;
    v.update_household(
        id,
        kasane::HouseholdUpdate {
            archived: Some(true),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        v.households(&HouseholdFilter::default()).unwrap().len(),
        3,
        "archived households leave the default list"
    );
    assert_eq!(
        v.households(&HouseholdFilter {
            include_archived: true,
            ..Default::default()
        })
        .unwrap()
        .len(),
        4,
        "but are not deleted"
    );
}

/// Outreach (アウトリーチ): each visit or call can say when, whom the worker met or reached, and how
/// it went, so a run of attempts that never reach someone who refuses help is visible at a
/// glance — here and at a partner that receives the log.
#[test]
fn contact_attempts_say_when_whom_and_how_they_went_and_add_up() {
    use kasane::{ContactOutcome as O, Outreach, parse_date};
    let mut l = agency_vault(1601, "福祉総務課", clock());
    let mut b = agency_vault(1602, "生活福祉課", clock());
    introduce(&mut l.vault, &mut b.vault, true);
    sync(&mut b.vault, &mut l.vault);
    let v = &mut l.vault;
    let hh = household(v, "高橋家", "鎌倉市大町2-3-4");
    let c = case(v, hh, "ひきこもり");
    let attempt = |date: &str, outcome: O, time: Option<&str>, whom: Option<&str>| NewNote {
        case: c,
        kind: NoteKind::Visit,
        text: format!("{date} の訪問"),
        date: Some(parse_date(date).unwrap()),
        internal: false,
        outreach: Some(Outreach {
            time: time.map(str::to_string),
            contacted: whom.map(str::to_string),
            outcome,
        }),
    };
    let before = op_count(v);
    let e = v
        .add_note(attempt("2026-11-01", O::NotHome, Some("25:00"), None))
        .unwrap_err();
    assert!(
        Error::from(e).message_ja().contains("14:30"),
        "an impossible time is refused, saying how to write one"
    );
    assert_eq!(op_count(v), before, "nothing was written");

    v.add_note(attempt("2026-10-01", O::Met, Some("9:05"), Some("本人")))
        .unwrap();
    v.add_note(attempt("2026-10-15", O::NotHome, None, None)).unwrap();
    v.add_note(attempt("2026-11-01", O::Refused, Some("14:30"), Some(" 母 ")))
        .unwrap();
    v.add_note(attempt("2026-11-20", O::Refused, None, Some("本人")))
        .unwrap();
    v.add_note(NewNote {
        outreach: None,
        ..attempt("2026-11-21", O::Other, None, None)
    })
    .unwrap();
    let d = v.case_detail(c).unwrap();
    assert_eq!(d.outreach.attempts, 4, "an entry without an outcome is no attempt");
    assert_eq!(
        d.outreach.by_outcome,
        vec![(O::Met, 1), (O::NotHome, 1), (O::Refused, 2)],
        "counted by outcome, in the list's order"
    );
    assert_eq!(d.outreach.last_met, Some(parse_date("2026-10-01").unwrap()));
    assert_eq!(d.outreach.since_last_met, 3, "three attempts since he was last met");
    let first = d
        .notes
        .iter()
        .find(|n| n.text.starts_with("2026-10-01"))
        .and_then(|n| n.outreach.clone())
        .unwrap();
    assert_eq!(first.time.as_deref(), Some("09:05"), "times are kept as HH:MM");
    let mother = d
        .notes
        .iter()
        .find(|n| n.text.starts_with("2026-11-01"))
        .and_then(|n| n.outreach.clone())
        .unwrap();
    assert_eq!(mother.contacted.as_deref(), Some("母"), "whom, trimmed");

    // The attempts travel with the log to a partner that shares the case.
    let ba = agency_id(&b.vault);
    l.vault.share_case(c, ba, Some(kasane::Basis::ShienKaigi)).unwrap();
    sync(&mut l.vault, &mut b.vault);
    let there = b.vault.case_detail(c).unwrap();
    assert_eq!(there.outreach, d.outreach, "the partner sees the same attempts");
}

/// 終結: a case closes on a day, for a reason, with who keeps watching; it prints as a closing
/// sheet; it reopens only with a reason; the partner sees both.
#[test]
fn a_case_closes_with_its_reason_and_watcher_and_reopens_only_with_a_reason() {
    use kasane::{ClosureReason, NewClosure, parse_date};
    let (mut l, mut b, c) = lead_and_partner(1611);
    let closing = |date: &str| NewClosure {
        date: Some(parse_date(date).unwrap()),
        reason: ClosureReason::GoalsMet,
        watch: Some("民生委員（大町地区）".into()),
        note: Some("月1回の見守り訪問を依頼".into()),
    };

    let v = &mut l.vault;
    let e = v.reopen_case(c, "再相談", None).unwrap_err();
    assert!(
        Error::from(e).message_ja().contains("終結していない"),
        "an open case is not reopened"
    );
    let e = v.print_closure(c, 1).unwrap_err();
    assert!(e.message_ja().contains("終結していません"), "{}", e.message_ja());
    assert!(
        v.close_case(c, closing("2027-01-01")).is_err(),
        "a closing date in the future"
    );
    assert!(
        v.close_case(c, closing("2020-01-01")).is_err(),
        "a closing date before the case opened"
    );
    let e = b.vault.close_case(c, closing("2026-11-25")).unwrap_err();
    assert!(
        Error::from(e).message_ja().contains("主担当機関（福祉総務課）"),
        "only the lead closes the case, and the refusal names it"
    );

    v.close_case(c, closing("2026-11-25")).unwrap();
    let closed = v.case_detail(c).unwrap().case;
    assert_eq!(closed.status, kasane::CaseStatus::Closed);
    assert_eq!(closed.closure.as_ref().map(|k| k.reason), Some(ClosureReason::GoalsMet));
    let e = v.close_case(c, closing("2026-11-25")).unwrap_err();
    assert!(Error::from(e).message_ja().contains("すでに終結"), "closed once");
    let sheet = v.print_closure(c, 1).unwrap();
    for part in [
        "終結シート",
        "取扱注意",
        "目標達成",
        "民生委員（大町地区）",
        "令和8年11月25日",
    ] {
        assert!(sheet.contains(part), "the closing sheet shows {part}");
    }

    sync(&mut l.vault, &mut b.vault);
    let there = b.vault.case_detail(c).unwrap().case;
    assert_eq!(there.closure, closed.closure, "the partner sees the closure");

    let v = &mut l.vault;
    assert!(v.reopen_case(c, "  ", None).is_err(), "a reopening needs its reason");
    v.reopen_case(c, "長男から再び相談があった", None).unwrap();
    let open = v.case_detail(c).unwrap().case;
    assert_eq!(open.status, kasane::CaseStatus::Active, "in support again");
    assert!(open.closure.is_none(), "no longer closed");
    assert_eq!(
        open.reopened.as_ref().map(|r| r.reason.as_str()),
        Some("長男から再び相談があった")
    );
}

/// A partner's build that closes a case it does not lead, or decides to support it, gets nothing
/// across.
#[test]
fn a_partner_cannot_close_a_case_it_does_not_lead() {
    let (mut l, mut b, c) = lead_and_partner(1621);
    kasane::testing::raw_set(
        &mut b.vault,
        c,
        serde_json::json!({"status": "closed", "closure": {"date": "2026-11-25", "reason": "persons-wish"}}),
    )
    .unwrap();
    kasane::testing::raw_set(
        &mut b.vault,
        c,
        serde_json::json!({"support_decision": {"date": "2026-11-25", "by": "生活福祉課長"}}),
    )
    .unwrap();
    let s = sync(&mut b.vault, &mut l.vault);
    assert_eq!(
        s.held.get("not-lead"),
        Some(&2),
        "neither the closure nor the decision stands: {s:?}"
    );
    let kept = l.vault.case_detail(c).unwrap().case;
    assert!(kept.closure.is_none(), "the case stays open at the lead");
    assert!(kept.support_decision.is_none(), "and undecided");
    let digest = l.vault.digest().unwrap();
    l.vault.rebuild_state().unwrap();
    assert_eq!(digest, l.vault.digest().unwrap(), "a rebuild judges the same");
}

/// 支援決定: the lead records the decision to support (when, by whom, at which meeting); the case
/// is in support from then. A meeting that did not take the case up cannot be named.
#[test]
fn the_decision_to_support_names_who_decided_and_starts_support() {
    use kasane::{NewMeeting, SupportDecision, parse_date};
    let mut t = new_vault(1631);
    let v = &mut t.vault;
    let hh = household(v, "高橋家", "鎌倉市大町2-3-4");
    let c = case(v, hh, "8050");
    let other = case(v, hh, "別のケース");
    let me = v.identity().agency;
    let m = v
        .new_meeting(NewMeeting {
            kind: "shien-kaigi".into(),
            series: None,
            date: parse_date("2026-11-25").unwrap(),
            time: None,
            place: "本庁舎".into(),
            chair: None,
            attendees: vec![me],
        })
        .unwrap();
    v.add_to_agenda(m, other, None, vec![], None).unwrap();
    let decision = |date: &str, meeting: Option<uuid::Uuid>| SupportDecision {
        date: parse_date(date).unwrap(),
        by: "福祉総務課長".into(),
        meeting,
        note: None,
    };
    assert!(
        v.decide_support(c, decision("2027-01-01", None)).is_err(),
        "not in the future"
    );
    let e = v.decide_support(c, decision("2026-11-25", Some(m))).unwrap_err();
    assert!(
        Error::from(e).message_ja().contains("検討していません"),
        "the meeting named must have taken the case up"
    );
    assert!(
        v.decide_support(
            c,
            SupportDecision {
                by: " ".into(),
                ..decision("2026-11-25", None)
            }
        )
        .is_err(),
        "who decided is required"
    );
    v.add_to_agenda(m, c, None, vec![], None).unwrap();
    v.decide_support(c, decision("2026-11-25", Some(m))).unwrap();
    let now = v.case_detail(c).unwrap().case;
    assert_eq!(now.status, CaseStatus::Active, "a decided case is in support");
    assert_eq!(
        now.support_decision.as_ref().map(|d| d.by.as_str()),
        Some("福祉総務課長")
    );
    assert_eq!(now.support_decision.as_ref().and_then(|d| d.meeting), Some(m));
}

/// An action says what kind of support it is (参加支援, アウトリーチ, 地域資源), each once, in the
/// list's order, for the counts the city reports.
#[test]
fn an_action_carries_its_kinds_of_support() {
    use kasane::{ActionTag as T, NewAction};
    let mut t = new_vault(1641);
    let v = &mut t.vault;
    let hh = household(v, "高橋家", "鎌倉市大町2-3-4");
    let c = case(v, hh, "ひきこもり");
    let me = v.identity().agency;
    let new = |tags: Vec<T>| NewAction {
        case: c,
        goal: None,
        text: "居場所（サロン）の見学に同行".into(),
        owner_agency: me,
        owner_worker: None,
        key_person: None,
        owner_person: None,
        frequency: None,
        due: None,
        meeting: None,
        tags,
    };
    v.add_action(new(vec![T::Outreach, T::Participation, T::Outreach]))
        .unwrap();
    v.add_action(new(vec![])).unwrap();
    let mut tags: Vec<Vec<T>> = v.actions_of(c).unwrap().into_iter().map(|a| a.tags).collect();
    tags.sort();
    assert_eq!(
        tags,
        vec![vec![], vec![T::Participation, T::Outreach]],
        "each kind once, in the list's order; none is none"
    );
}
