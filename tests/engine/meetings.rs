//! Shared assessment, plan and role assignments, referrals, and support meetings: agenda
//! proposals and their boundaries, the legal-basis gate, the record and its finalisation, meeting
//! packs, the ledger and printing.

use kasane::{
    ActionStatus, ActionUpdate, Basis, CaseStatus, CaseUpdate, ItemRecord, NewAction, NewAssessmentEntry, NewConsent,
    NewMeeting, PrintWhat, Vault, parse_date,
};
use uuid::Uuid;

use crate::support::*;

fn day(s: &str) -> kasane::Date {
    parse_date(s).unwrap()
}

fn meeting(v: &mut Vault, kind: &str, date: &str, attendees: Vec<Uuid>) -> Uuid {
    v.new_meeting(NewMeeting {
        kind: kind.into(),
        series: None,
        date: day(date),
        time: Some("14:00".into()),
        place: "本庁舎 第3会議室".into(),
        chair: None,
        attendees,
    })
    .unwrap()
}

/// Records financial hardship on a case, as the 困窮 meetings' remit asks.
fn hardship(v: &mut Vault, case: Uuid) {
    v.update_case(
        case,
        CaseUpdate {
            problems: Some(vec!["poverty".into(), "unemployment".into()]),
            ..Default::default()
        },
    )
    .unwrap();
}

fn codes(v: &Vault, m: Uuid, case: Uuid) -> Vec<&'static str> {
    v.propose_agenda(m, None)
        .unwrap()
        .shown
        .into_iter()
        .find(|p| p.case == case)
        .map(|p| p.reasons.into_iter().map(|r| r.code).collect())
        .unwrap_or_default()
}

fn action(v: &mut Vault, case: Uuid, owner: Uuid, due: &str) -> Uuid {
    v.add_action(NewAction {
        case,
        goal: None,
        text: "家計相談への同行".into(),
        owner_agency: owner,
        owner_worker: None,
        key_person: None,
        owner_person: None,
        frequency: None,
        due: Some(day(due)),
        meeting: None,
        tags: Vec::new(),
    })
    .unwrap()
}

#[test]
fn agenda_proposals_give_each_reason_at_its_boundary_and_skip_closed_cases() {
    let mut t = new_vault(801);
    let v = &mut t.vault;
    let me = v.identity().agency;
    let other = v.add_agency("生活福祉課", Some("seikatsu-fukushi")).unwrap();
    let new_case = |v: &mut Vault, title: &str, opened: &str| {
        let hh = household(v, title, "x");
        v.open_case(kasane::NewCase {
            household: hh,
            title: title.into(),
            problems: vec!["poverty".into()],
            lead_agency: None,
            risk: None,
            next_review: None,
            opened: Some(day(opened)),
        })
        .unwrap()
    };
    // The previous meeting of the same series was on 2026-11-10; this one is on 2026-12-10.
    let earlier = meeting(v, "shien-kaigi", "2026-11-10", vec![other]);
    let m = meeting(v, "shien-kaigi", "2026-12-10", vec![other]);
    let other_series = v
        .new_meeting(NewMeeting {
            kind: "shien-kaigi".into(),
            series: Some("高齢者部会".into()),
            date: day("2026-11-30"),
            time: None,
            place: "x".into(),
            chair: None,
            attendees: vec![other],
        })
        .unwrap();
    let _ = (earlier, other_series);
    let due_today = new_case(v, "期日当日", "2026-01-05");
    v.update_case(
        due_today,
        CaseUpdate {
            next_review: Some(Some(day("2026-12-10"))),
            ..Default::default()
        },
    )
    .unwrap();
    let due_later = new_case(v, "期日翌日", "2026-01-05");
    v.update_case(
        due_later,
        CaseUpdate {
            next_review: Some(Some(day("2026-12-11"))),
            ..Default::default()
        },
    )
    .unwrap();
    let fresh = new_case(v, "前回以降の受付", "2026-11-11");
    let before = new_case(v, "前回当日の受付", "2026-11-10");
    let overdue = new_case(v, "期限超過", "2026-01-05");
    action(v, overdue, me, "2026-12-09");
    let due_on_day = new_case(v, "会議当日期限", "2026-01-05");
    action(v, due_on_day, other, "2026-12-10");
    let done = new_case(v, "完了済み", "2026-01-05");
    let a = action(v, done, me, "2026-12-01");
    v.update_action(
        a,
        ActionUpdate {
            status: Some(ActionStatus::Done),
            ..Default::default()
        },
    )
    .unwrap();
    let flagged = new_case(v, "協議依頼", "2026-01-05");
    v.flag_case(flagged, false, "母の入院で状況が変わった").unwrap();
    let closing = new_case(v, "終結提案", "2026-01-05");
    v.flag_case(closing, true, "目標を達成").unwrap();
    let closed = new_case(v, "終結済み", "2026-01-05");
    v.update_case(
        closed,
        CaseUpdate {
            status: Some(CaseStatus::Closed),
            next_review: Some(Some(day("2026-12-01"))),
            ..Default::default()
        },
    )
    .unwrap();

    assert_eq!(
        codes(v, m, due_today),
        ["review-due"],
        "a review due on the meeting day is due"
    );
    assert!(codes(v, m, due_later).is_empty(), "a review due the day after is not");
    assert_eq!(
        codes(v, m, fresh),
        ["new-case"],
        "opened after the previous meeting of the series"
    );
    assert!(
        codes(v, m, before).is_empty(),
        "opened on the day of the previous meeting: already could be discussed there"
    );
    assert_eq!(codes(v, m, overdue), ["overdue-actions"]);
    assert!(
        codes(v, m, due_on_day).is_empty(),
        "an action due on the meeting day is not yet overdue"
    );
    assert!(codes(v, m, done).is_empty(), "a finished action is never overdue");
    assert_eq!(codes(v, m, flagged), ["flagged"]);
    assert_eq!(codes(v, m, closing), ["propose-close"]);
    assert!(codes(v, m, closed).is_empty(), "closed cases are never proposed");
}

#[test]
fn the_legal_basis_gate_shares_under_support_meetings_and_demands_consent_for_consent_based_ones() {
    let mut t = new_vault(802);
    let v = &mut t.vault;
    let b = v.add_agency("生活福祉課", Some("seikatsu-fukushi")).unwrap();
    let c = v.add_agency("学校", Some("school")).unwrap();
    let hh = household(v, "高橋家", "x");
    let p = person(v, hh, "高橋", "ハル", "タカハシ", "ハル", "S15", "本人");
    let case_id = case(v, hh, "8050");
    let shien = meeting(v, "shien-kaigi", "2026-12-10", vec![b, c]);
    v.add_to_agenda(shien, case_id, Some(15), vec![], None)
        .expect("a 支援会議 takes a case without consent");
    let shares = v.shares_of(case_id).unwrap();
    assert!(
        shares.iter().all(|s| s.basis == Basis::ShienKaigi && s.active),
        "putting it on the agenda shared it with the attendees, recorded"
    );
    assert_eq!(shares.len(), 2);

    let hh2 = household(v, "青木家", "x");
    let p2 = person(v, hh2, "青木", "一", "あおき", "はじめ", "1950", "本人");
    let case2 = case(v, hh2, "同意ケース");
    let jusoteki = meeting(v, "jusoteki-shien-kaigi", "2026-12-10", vec![b, c]);
    let err = v.add_to_agenda(jusoteki, case2, None, vec![], None).unwrap_err();
    assert_eq!(err.code(), "meeting.consent-missing");
    assert!(
        err.to_string().contains("生活福祉課") && err.to_string().contains("学校"),
        "the message names who is not covered: {err}"
    );
    assert!(v.shares_of(case2).unwrap().is_empty(), "a refused case is not shared");
    v.add_consent(NewConsent {
        scope: "重層的支援会議".into(),
        ..consent(p2, vec![b], "2026-11-01")
    })
    .unwrap();
    let err = v.add_to_agenda(jusoteki, case2, None, vec![], None).unwrap_err();
    assert!(
        err.to_string().contains("学校") && !err.to_string().contains("生活福祉課"),
        "only the agency the consent does not name is missing: {err}"
    );
    v.add_consent(NewConsent {
        scope: "重層的支援会議（学校を含む）".into(),
        how: kasane::ConsentHow::Verbal,
        witness: Some("相談員".into()),
        ..consent(p2, vec![b, c], "2026-11-02")
    })
    .unwrap();
    v.add_to_agenda(jusoteki, case2, None, vec![], None)
        .expect("with consent covering every attendee it goes on");
    assert!(
        v.shares_of(case2)
            .unwrap()
            .iter()
            .all(|s| s.basis == Basis::JusotekiShienKaigi)
    );
    let _ = p;
}

/// A meeting of `kind` whose shares rest on the person's consent record: refused while no consent
/// covers the attendee, then taken with one. Returns the vault, the meeting and the case's shares.
fn held_on_the_consent_record(seed: u64, kind: &str, hardship_recorded: bool) -> (TestVault, Uuid, Vec<kasane::Share>) {
    let mut t = new_vault(seed);
    let v = &mut t.vault;
    let b = v.add_agency("生活福祉課", Some("seikatsu-fukushi")).unwrap();
    let hh = household(v, "青木家", "x");
    let p = person(v, hh, "青木", "一", "あおき", "はじめ", "1950", "本人");
    let case_id = case(v, hh, "同意ケース");
    if hardship_recorded {
        hardship(v, case_id);
    }
    let m = meeting(v, kind, "2026-12-10", vec![b]);
    let err = v.add_to_agenda(m, case_id, None, vec![], None).unwrap_err();
    assert_eq!(
        err.code(),
        "meeting.consent-missing",
        "a {kind} still needs the person's consent: {err}"
    );
    let k = v
        .add_consent(NewConsent {
            scope: "生活福祉課との情報共有".into(),
            ..consent(p, vec![b], "2026-11-20")
        })
        .unwrap();
    v.add_to_agenda(m, case_id, None, vec![], None)
        .expect("with the person's consent the case goes on");
    let shares = v.shares_of(case_id).unwrap();
    assert_eq!(
        shares.iter().map(|s| s.basis).collect::<Vec<_>>(),
        [Basis::Consent(k)],
        "the share of a {kind} rests on the person's consent record, not on a 重層的支援会議"
    );
    (t, m, shares)
}

#[test]
fn a_meeting_held_only_on_consent_shares_under_the_consent_and_is_not_called_jusoteki() {
    let (mut t, m, shares) = held_on_the_consent_record(812, "consent-only", false);
    let v = &mut t.vault;
    let label = shares[0].basis.label_ja();
    assert!(
        label.starts_with("本人同意") && !label.contains("重層的支援会議"),
        "a consent-only meeting's share is shown as 本人同意: {label}"
    );
    assert!(
        Basis::JusotekiShienKaigi.label_ja().contains("重層的支援会議"),
        "a real 重層的支援会議 keeps its name"
    );
    let detail = v.meeting_detail(m).unwrap();
    assert_eq!(detail.meeting.legal_basis, "本人同意");
    assert!(
        !detail.meeting.type_label.contains("重層的支援会議"),
        "{}",
        detail.meeting.type_label
    );
}

#[test]
fn a_hardship_support_meeting_shares_without_consent_under_article_9_and_the_partner_reads_it() {
    let mut a = agency_vault(814, "福祉総務課", clock());
    let mut b = agency_vault(815, "生活福祉課", clock());
    introduce(&mut a.vault, &mut b.vault, true);
    let b_agency = b.vault.identity().agency;
    let hh = household(&mut a.vault, "青木家", "x");
    person(&mut a.vault, hh, "青木", "一", "あおき", "はじめ", "1970", "本人");
    let case_id = case(&mut a.vault, hh, "家計の困窮");
    let m = meeting(&mut a.vault, "konkyu-shien-kaigi", "2026-12-10", vec![b_agency]);
    let err = a.vault.add_to_agenda(m, case_id, None, vec![], None).unwrap_err();
    assert_eq!(
        err.code(),
        "meeting.outside-remit",
        "an 8050 case with no financial hardship recorded is outside the 困窮 meeting's remit: {err}"
    );
    assert!(
        a.vault.shares_of(case_id).unwrap().is_empty(),
        "a refused case is shared with no one"
    );
    hardship(&mut a.vault, case_id);
    a.vault
        .add_to_agenda(m, case_id, None, vec![], None)
        .expect("生活困窮者自立支援法9条 frees sharing among members without the person's consent");
    let shares = a.vault.shares_of(case_id).unwrap();
    assert_eq!(shares.len(), 1);
    assert_eq!(
        shares[0].basis,
        Basis::KonkyuShienKaigi,
        "the share rests on the 困窮 支援会議's own article, not on 社会福祉法106条の6"
    );
    assert!(shares[0].basis.label_ja().contains("生活困窮者自立支援法第9条"));
    let detail = a.vault.meeting_detail(m).unwrap();
    assert!(
        detail.meeting.legal_basis.contains("生活困窮者自立支援法 第9条"),
        "{}",
        detail.meeting.legal_basis
    );
    assert!(
        kasane::meeting_confidentiality_ja("konkyu-shien-kaigi").contains("第9条第5項"),
        "the handout names the members' duty of confidentiality"
    );
    let s = sync(&mut a.vault, &mut b.vault);
    assert!(s.held.is_empty(), "a partner reads a share under the new basis: {s:?}");
    let seen = b.vault.shares_of(case_id).unwrap();
    assert!(
        seen.iter()
            .any(|s| s.agency == b_agency && s.basis == Basis::KonkyuShienKaigi),
        "the partner holds the case under the same basis: {seen:?}"
    );
}

#[test]
fn child_and_elder_meetings_take_up_only_cases_their_law_is_for_and_say_what_is_missing() {
    let mut t = new_vault(817);
    let v = &mut t.vault;
    let b = v.add_agency("子ども家庭課", None).unwrap();
    let hh = household(v, "森家", "x");
    person(v, hh, "森", "和子", "もり", "かずこ", "1980-04-01", "本人");
    let case_id = case(v, hh, "子育てと仕事");
    let yotaikyo = meeting(v, "kobetsu-case-kento", "2026-12-10", vec![b]);
    let err = v.add_to_agenda(yotaikyo, case_id, None, vec![], None).unwrap_err();
    assert_eq!(err.code(), "meeting.outside-remit", "{err}");
    let ja = kasane::Error::from(err).message_ja();
    assert!(
        ja.contains("18歳未満") && ja.contains("令和8年12月10日") && ja.contains("要保護児童"),
        "the refusal says whom the meeting is for and what the records lack: {ja}"
    );
    let care = meeting(v, "chiiki-care-kaigi", "2026-12-10", vec![b]);
    let err = v.add_to_agenda(care, case_id, None, vec![], None).unwrap_err();
    assert_eq!(
        err.code(),
        "meeting.outside-remit",
        "a 46-year-old alone is no 地域ケア会議 case: {err}"
    );
    assert!(
        v.meeting_detail(yotaikyo).unwrap().agenda.is_empty() && v.shares_of(case_id).unwrap().is_empty(),
        "a refusal writes nothing"
    );
    assert!(
        codes(v, yotaikyo, case_id).is_empty() && codes(v, care, case_id).is_empty(),
        "a new case outside the remit is proposed to neither meeting"
    );
    person(v, hh, "森", "蓮", "もり", "れん", "2012-06-01", "子");
    assert!(
        codes(v, yotaikyo, case_id).contains(&"new-case"),
        "once a child is recorded, the new case is proposed to the 要対協"
    );
    v.add_to_agenda(yotaikyo, case_id, None, vec![], None)
        .expect("with a 14-year-old recorded, the case is one 要対協 is for");
    person(v, hh, "森", "ハナ", "もり", "はな", "1958-02-01", "母");
    v.add_to_agenda(care, case_id, None, vec![], None)
        .expect("with a 68-year-old recorded, the case is one 地域ケア会議 is for");
}

#[test]
fn a_support_coordination_meeting_needs_the_persons_consent_and_shares_rest_on_it() {
    let (mut t, m, _) = held_on_the_consent_record(816, "shien-chosei-kaigi", true);
    let v = &mut t.vault;
    let detail = v.meeting_detail(m).unwrap();
    assert_eq!(detail.meeting.type_label, "支援調整会議");
}

#[test]
fn assessment_changes_since_the_last_meeting_are_computed() {
    let mut t = new_vault(803);
    let v = &mut t.vault;
    let b = v.add_agency("生活福祉課", None).unwrap();
    let hh = household(v, "高橋家", "x");
    let c = case(v, hh, "8050");
    let entry = |v: &mut Vault, domain: &str, seen: &str| {
        v.add_assessment(NewAssessmentEntry {
            case: c,
            domain: domain.into(),
            person: None,
            seen: seen.into(),
            judgement: None,
            strengths: None,
            needs: None,
            risk: None,
            no_contact: false,
            date: None,
        })
        .unwrap()
    };
    let kept = entry(v, "health", "母は腰痛で通院中");
    let revised = entry(v, "money", "年金のみで生活");
    let dropped = entry(v, "housing", "持ち家");
    assert!(
        v.assessment_changes(c).unwrap().is_none(),
        "never discussed: nothing to compare with"
    );
    let m = meeting(v, "shien-kaigi", "2026-12-10", vec![b]);
    v.add_to_agenda(m, c, None, vec![], None).unwrap();
    v.record_item(
        m,
        c,
        ItemRecord {
            lasting: None,
            next_review: Some(day("2027-01-10")),
            ..Default::default()
        },
    )
    .unwrap();
    v.finalise_meeting(m).unwrap();
    let added = entry(v, "wishes", "本人は「家にいたい」");
    v.revise_assessment(
        revised,
        kasane::AssessmentRevision {
            seen: Some("年金と生活保護"),
            ..Default::default()
        },
    )
    .unwrap();
    v.retract_assessment(dropped).unwrap();
    let ch = v.assessment_changes(c).unwrap().expect("discussed once");
    assert_eq!(ch.since.id, m);
    assert_eq!(ch.added.iter().map(|e| e.id).collect::<Vec<_>>(), vec![added]);
    assert_eq!(ch.revised.iter().map(|e| e.id).collect::<Vec<_>>(), vec![revised]);
    assert_eq!(ch.retracted.iter().map(|e| e.id).collect::<Vec<_>>(), vec![dropped]);
    assert!(
        !ch.added.iter().chain(&ch.revised).any(|e| e.id == kept),
        "an unchanged entry is not a change"
    );
    let view = v.assessment_view(c).unwrap();
    assert_eq!(view.len(), 10, "every domain of the city's list has its place");
    assert_eq!(view[0].domain, "wishes", "本人・家族の意向 comes first");
}

#[test]
fn actions_follow_their_status_rules_and_feed_the_role_matrix() {
    let mut t = new_vault(804);
    let v = &mut t.vault;
    let me = v.identity().agency;
    let b = v.add_agency("地域包括支援センター", Some("hokatsu")).unwrap();
    let hh = household(v, "高橋家", "x");
    let c = case(v, hh, "8050");
    let a1 = action(v, c, me, "2026-11-01");
    let a2 = action(v, c, b, "2027-01-01");
    let err = v
        .update_action(
            a1,
            ActionUpdate {
                status: Some(ActionStatus::CouldNot),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert!(
        matches!(err, kasane::RecordError::Missing(_)),
        "実施できず needs a reason: {err}"
    );
    v.update_action(
        a1,
        ActionUpdate {
            status: Some(ActionStatus::InProgress),
            ..Default::default()
        },
    )
    .unwrap();
    let err = v
        .update_action(
            a1,
            ActionUpdate {
                status: Some(ActionStatus::NotStarted),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(
        err.kind(),
        kasane::Kind::Refused,
        "started actions do not go back to 未着手"
    );
    v.update_action(
        a2,
        ActionUpdate {
            status: Some(ActionStatus::DidNot),
            note: Some("本人が訪問を拒否".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let m = v.role_matrix(c).unwrap();
    assert!(
        m.agencies[0].lead && m.agencies[0].id == me,
        "the lead agency is first and marked"
    );
    assert_eq!(m.agencies[0].overdue, 1, "a1 is past due and still in progress");
    let owner_b = m.agencies.iter().position(|g| g.id == b).unwrap();
    let i = m.actions.iter().position(|a| a.id == a2).unwrap();
    assert_eq!(m.owner_of[i], owner_b, "the matrix puts each action under its owner");
    assert_eq!(v.overdue_actions(Some(me)).unwrap().len(), 1);
    assert!(
        v.overdue_actions(Some(b)).unwrap().is_empty(),
        "未実施 is finished, not overdue"
    );
}

#[test]
fn the_actions_due_soon_are_an_agencys_open_ones_due_by_the_day_overdue_included() {
    let mut t = new_vault(809);
    let v = &mut t.vault;
    let me = v.identity().agency;
    let other = v.add_agency("生活福祉課", Some("seikatsu-fukushi")).unwrap();
    let hh = household(v, "高橋家", "x");
    let c = case(v, hh, "8050");
    let today = v.ambient().clock.today().to_string();
    let late = action(v, c, me, "2026-11-01");
    let on_the_day = action(v, c, me, "2026-12-09");
    let after = action(v, c, me, "2026-12-10");
    action(v, c, other, "2026-12-01");
    let done = action(v, c, me, &today);
    v.update_action(
        done,
        ActionUpdate {
            status: Some(ActionStatus::Done),
            ..Default::default()
        },
    )
    .unwrap();
    let due: Vec<Uuid> = v
        .open_actions_due(me, day("2026-12-09"))
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(
        due,
        [late, on_the_day],
        "this agency's open actions due by the day, oldest first; not one due after it, not another agency's, not a finished one"
    );
    assert!(!due.contains(&after));
    let overdue = v.overdue_actions(Some(me)).unwrap();
    assert_eq!(overdue.len(), 1, "only the one past its due date is overdue");
    assert!(overdue[0].overdue && overdue[0].owner_agency_name == "福祉総務課");
    let lines = v.case_lines(&[Uuid::nil(), c, hh]).unwrap();
    assert_eq!(lines.len(), 1, "an unknown id and a household are no cases");
    assert_eq!(
        (lines[0].id, lines[0].title.as_str(), lines[0].household_label.as_str()),
        (c, "8050", "高橋家"),
        "a case's list line names its household"
    );
}

#[test]
fn a_finalised_record_is_read_only_and_corrections_are_new_entries() {
    let mut t = new_vault(805);
    let v = &mut t.vault;
    let b = v.add_agency("生活福祉課", None).unwrap();
    let hh = household(v, "高橋家", "x");
    let c = case(v, hh, "8050");
    let hh2 = household(v, "青木家", "x");
    let c2 = case(v, hh2, "終結予定");
    let m = meeting(v, "shien-kaigi", "2026-12-10", vec![b]);
    v.add_to_agenda(m, c, Some(20), vec![], None).unwrap();
    v.add_to_agenda(m, c2, Some(5), vec![], None).unwrap();
    v.arrange_agenda(m, c2, Some(1), Some(10)).unwrap();
    let d = v.meeting_detail(m).unwrap();
    assert_eq!(d.agenda[0].item.case, c2, "moved to the top");
    assert_eq!(d.total_minutes, 30, "the agenda shows total time");
    let err = v.finalise_meeting(m).unwrap_err();
    assert_eq!(
        err.code(),
        "meeting.review-missing",
        "items without a next review are flagged: {err}"
    );
    assert!(err.to_string().contains("高橋家") && err.to_string().contains("青木家"));
    v.record_item(
        m,
        c,
        ItemRecord {
            lasting: None,
            discussion: Some("長男の就労について検討".into()),
            decisions: vec!["家計相談を実施".into()],
            next_review: Some(day("2027-01-20")),
            actions: vec![],
        },
    )
    .unwrap();
    v.update_case(
        c2,
        CaseUpdate {
            status: Some(CaseStatus::Closed),
            ..Default::default()
        },
    )
    .unwrap();
    v.record_attendance(m, vec![b], vec![], vec!["社協 見学".into()])
        .unwrap();
    v.finalise_meeting(m).expect("a case being closed needs no next review");
    assert_eq!(
        v.case_detail(c).unwrap().case.next_review,
        Some(day("2027-01-20")),
        "the next review set at the meeting became the case's"
    );
    let err = v
        .record_item(
            m,
            c,
            ItemRecord {
                lasting: None,
                discussion: Some("書き換え".into()),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), "meeting.finalised");
    assert_eq!(
        v.arrange_agenda(m, c, Some(1), None).unwrap_err().code(),
        "meeting.finalised"
    );
    v.correct_meeting(m, Some(c), "決定事項の担当機関を訂正").unwrap();
    let d = v.meeting_detail(m).unwrap();
    assert_eq!(
        d.agenda
            .iter()
            .find(|e| e.item.case == c)
            .unwrap()
            .item
            .discussion
            .as_deref(),
        Some("長男の就労について検討"),
        "the record itself is unchanged"
    );
    assert_eq!(d.corrections.len(), 1);
}

#[test]
fn printed_documents_carry_what_they_must() {
    let mut t = new_vault(806);
    let v = &mut t.vault;
    let b = v.add_agency("生活福祉課", None).unwrap();
    let hh = household(v, "高橋家", "鎌倉市大町");
    let mother = person(v, hh, "高橋", "ハル", "タカハシ", "ハル", "S15", "本人");
    let son = person(v, hh, "高橋", "一郎", "タカハシ", "イチロウ", "S48.5.1", "長男");
    v.add_relation(kasane::NewRelation {
        a: mother,
        b: son,
        kind: kasane::RelationKind::ParentChild,
        status: None,
    })
    .unwrap();
    let c = case(v, hh, "母の認知症と長男のひきこもり");
    action(v, c, b, "2026-11-01");
    v.add_assessment(NewAssessmentEntry {
        case: c,
        domain: "wishes".into(),
        person: Some(son),
        seen: "長男は支援者と会おうとしない".into(),
        judgement: None,
        strengths: None,
        needs: None,
        risk: None,
        no_contact: true,
        date: None,
    })
    .unwrap();
    let m = meeting(v, "shien-kaigi", "2026-12-10", vec![b]);
    v.add_to_agenda(m, c, Some(25), vec!["review-due".into()], None)
        .unwrap();
    let agenda = v.print_meeting(m, PrintWhat::Agenda, 4).unwrap();
    for k in 1..=4 {
        assert!(
            agenda.contains(&format!("配布資料 No. {k}/4")),
            "handouts are numbered so they can be collected"
        );
    }
    assert_eq!(
        agenda.matches("取扱注意").count(),
        4,
        "取扱注意 heads every copy (and every printed page)"
    );
    for s in [
        "支援会議 次第",
        "社会福祉法 第106条の6",
        "守秘義務",
        "令和8年12月10日（木）",
        "高橋家",
        "母の認知症と長男のひきこもり",
        "見直し期日",
        "合計 25分",
        "size: A4",
    ] {
        assert!(agenda.contains(s), "the agenda shows {s}");
    }
    let pack = v.print_meeting(m, PrintWhat::Pack(None), 1).unwrap();
    for s in [
        "世帯の状況",
        "たかはし いちろう",
        "昭和48年5月1日",
        "<svg class=\"genogram\"",
        "見立ての変化",
        "関わり・連絡を拒否（援助拒否）",
        "役割分担（未完了）",
        "期限超過",
        "前回の検討はありません",
    ] {
        assert!(pack.contains(s), "the prep pack shows {s}");
    }
    v.record_item(
        m,
        c,
        ItemRecord {
            lasting: None,
            discussion: Some("長男の就労について検討。".into()),
            decisions: vec!["生活福祉課が家計相談".into()],
            next_review: Some(day("2027-01-20")),
            actions: vec![],
        },
    )
    .unwrap();
    v.finalise_meeting(m).unwrap();
    let minutes = v.print_meeting(m, PrintWhat::Minutes, 1).unwrap();
    for s in [
        "支援会議 記録",
        "確定",
        "長男の就労について検討。",
        "生活福祉課が家計相談",
        "次回見直し",
        "令和9年1月20日",
    ] {
        assert!(minutes.contains(s), "the minutes show {s}");
    }
    let ledger = v.print_ledger(&Default::default(), 1).unwrap();
    assert!(
        ledger.contains("進行管理台帳") && ledger.contains("高橋家") && ledger.contains("R8.12.10"),
        "the ledger shows the last review, in 和暦 as municipal tables write it"
    );
    assert!(!ledger.contains("2026-12-10"), "no ISO date on the printed ledger");
    assert!(
        v.audit_trail().unwrap().iter().any(|e| e.action == "print"),
        "printing is audited"
    );
}

#[test]
fn the_ledger_shows_last_and_next_review_and_overdue_work() {
    let mut t = new_vault(807);
    let v = &mut t.vault;
    let me = v.identity().agency;
    let b = v.add_agency("生活福祉課", None).unwrap();
    let hh = household(v, "高橋家", "x");
    let c = case(v, hh, "8050");
    v.update_case(
        c,
        CaseUpdate {
            risk: Some(Some(kasane::Risk::High)),
            ..Default::default()
        },
    )
    .unwrap();
    let hh2 = household(v, "青木家", "x");
    let c2 = case(v, hh2, "安定");
    action(v, c, me, "2026-10-01");
    let m = meeting(v, "shien-kaigi", "2026-11-20", vec![b]);
    v.add_to_agenda(m, c, None, vec![], None).unwrap();
    v.record_item(
        m,
        c,
        ItemRecord {
            lasting: None,
            next_review: Some(day("2027-01-10")),
            ..Default::default()
        },
    )
    .unwrap();
    v.finalise_meeting(m).unwrap();
    let rows = v
        .ledger(&kasane::LedgerFilter {
            sort: kasane::LedgerSort::Risk,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(rows[0].case, c, "sorted by risk, the high-risk case first");
    assert_eq!(rows[0].last_review, Some(day("2026-11-20")));
    assert_eq!(rows[0].next_review, Some(day("2027-01-10")));
    assert_eq!((rows[0].open_actions, rows[0].overdue_actions), (1, 1));
    let overdue = v
        .ledger(&kasane::LedgerFilter {
            overdue_only: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        overdue.iter().map(|r| r.case).collect::<Vec<_>>(),
        vec![c],
        "{c2} has nothing overdue"
    );
}

#[test]
fn a_meeting_pack_gives_each_attendee_only_the_cases_it_may_see() {
    let mut a = agency_vault(810, "福祉総務課", clock());
    let mut b = agency_vault(811, "生活福祉課", clock());
    let mut c = agency_vault(812, "こども家庭相談課", clock());
    introduce(&mut a.vault, &mut b.vault, true);
    introduce(&mut a.vault, &mut c.vault, true);
    let (bid, cid) = (b.vault.identity().agency, c.vault.identity().agency);
    let hh = household(&mut a.vault, "高橋家", "x");
    let on_agenda = case(&mut a.vault, hh, "議題のケース");
    let hh2 = household(&mut a.vault, "秘密家", "y");
    let only_b = case(&mut a.vault, hh2, "生活福祉課とだけ共有");
    a.vault.share_case(only_b, bid, Some(Basis::ShienKaigi)).unwrap();
    let m = meeting(&mut a.vault, "shien-kaigi", "2026-12-10", vec![bid, cid]);
    a.vault.add_to_agenda(m, on_agenda, None, vec![], None).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let results = a.vault.export_meeting_pack(m, dir.path()).unwrap();
    assert_eq!(results.len(), 2, "one bundle per attendee agency");
    let file_for = |agency: Uuid| {
        results
            .iter()
            .find(|(x, _)| *x == agency)
            .unwrap()
            .1
            .as_ref()
            .unwrap()
            .path
            .clone()
    };
    let sb = b.vault.import_bundle(&file_for(bid), &mut |_| {}).unwrap();
    let sc = c.vault.import_bundle(&file_for(cid), &mut |_| {}).unwrap();
    assert!(sb.held.is_empty() && sc.held.is_empty(), "{sb:?} {sc:?}");
    assert!(
        b.vault.meeting(m).is_ok() && c.vault.meeting(m).is_ok(),
        "both attendees receive the meeting"
    );
    assert!(
        b.vault.case_detail(on_agenda).is_ok() && c.vault.case_detail(on_agenda).is_ok(),
        "and the case on its agenda"
    );
    assert!(b.vault.case_detail(only_b).is_ok(), "B may see the case shared with it");
    assert!(
        c.vault.case_detail(only_b).is_err(),
        "C never receives a case it may not see"
    );
    assert!(c.vault.search_quiet("秘密").unwrap().is_empty());
    // An attendee's own edit of the record is not the coordinator's: held at A.
    let hostile = kasane::testing::raw_set(&mut b.vault, m, serde_json::json!({"place": "別の場所"}));
    assert!(hostile.is_ok());
    let s = sync(&mut b.vault, &mut a.vault);
    assert_eq!(s.held.get("not-coordinator").copied(), Some(1), "{s:?}");
    assert_eq!(a.vault.meeting(m).unwrap().place, "本庁舎 第3会議室");
}

#[test]
fn a_referral_is_answered_by_the_agency_it_went_to() {
    let mut a = agency_vault(820, "福祉総務課", clock());
    let mut b = agency_vault(821, "生活福祉課", clock());
    introduce(&mut a.vault, &mut b.vault, true);
    let bid = b.vault.identity().agency;
    let hh = household(&mut a.vault, "高橋家", "x");
    let p = person(&mut a.vault, hh, "高橋", "一郎", "たかはし", "いちろう", "1973", "本人");
    let c = case(&mut a.vault, hh, "就労相談");
    let err = a
        .vault
        .add_referral(kasane::NewReferral {
            case: c,
            to_agency: Some(bid),
            to_resource: None,
            reason: "就労準備支援".into(),
            consent: None,
        })
        .unwrap_err();
    assert_eq!(
        err.kind(),
        kasane::Kind::Refused,
        "B cannot see the case yet: a referral needs consent"
    );
    let k = a
        .vault
        .add_consent(NewConsent {
            scope: "生活福祉課への紹介".into(),
            ..consent(p, vec![bid], "2026-11-20")
        })
        .unwrap();
    let r = a
        .vault
        .add_referral(kasane::NewReferral {
            case: c,
            to_agency: Some(bid),
            to_resource: None,
            reason: "就労準備支援".into(),
            consent: Some(k),
        })
        .unwrap();
    assert!(
        a.vault
            .shares_of(c)
            .unwrap()
            .iter()
            .any(|s| s.agency == bid && s.basis == Basis::Consent(k)),
        "the referral shared the case under its consent"
    );
    assert!(
        a.vault
            .update_referral(r, kasane::ReferralStatus::Accepted, None)
            .is_err(),
        "A cannot answer for B"
    );
    sync(&mut a.vault, &mut b.vault);
    b.vault
        .update_referral(r, kasane::ReferralStatus::Accepted, Some("12月から就労準備支援を開始"))
        .unwrap();
    sync(&mut b.vault, &mut a.vault);
    let got = &a.vault.referrals_of(c).unwrap()[0];
    assert_eq!(
        got.status,
        kasane::ReferralStatus::Accepted,
        "the loop closes when the receiver answers"
    );
    assert_eq!(got.response.as_deref(), Some("12月から就労準備支援を開始"));
    let res = a
        .vault
        .add_resource(kasane::NewResource {
            name: "こども食堂たまなわ".into(),
            kind: "食料支援".into(),
            district: Some("tamanawa".into()),
            contact: None,
            note: None,
        })
        .unwrap();
    a.vault
        .add_referral(kasane::NewReferral {
            case: c,
            to_agency: None,
            to_resource: Some(res),
            reason: "食料支援".into(),
            consent: None,
        })
        .unwrap();
    assert_eq!(a.vault.resources(Some("tamanawa"), None).unwrap().len(), 1);
}

#[test]
fn the_confidentiality_statement_is_known_before_a_meeting_exists() {
    let mut t = new_vault(807);
    let v = &mut t.vault;
    let b = v.add_agency("生活福祉課", None).unwrap();
    for ct in kasane::conference_types() {
        let m = meeting(v, ct.code, "2026-12-10", vec![b]);
        assert_eq!(
            v.meeting(m).unwrap().confidentiality,
            kasane::meeting_confidentiality_ja(ct.code),
            "a form planning a {} shows what its record will say",
            ct.code
        );
    }
    assert!(kasane::meeting_confidentiality_ja("shien-kaigi").contains("第106条の6"));
}
