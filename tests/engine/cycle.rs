//! The case cycle around the middle: 相談受付, facts apart from 見立て with the overall view,
//! plan versions approved at a 重層的支援会議, evaluation feeding the next version — locally, at a
//! partner, and against a partner's modified build.

use kasane::{
    AssessmentRevision, ClosureReason, Error, GoalResult, GoalTerm, IntakeRoute, NewAction, NewAssessmentEntry,
    NewClosure, NewIntake, NewMeeting, NewPlanVersion, Vault, Visitor, parse_date,
};
use uuid::Uuid;

use crate::support::*;

fn day(s: &str) -> kasane::Date {
    parse_date(s).expect("a test date")
}

fn intake() -> NewIntake {
    NewIntake {
        date: Some(day("2026-11-20")),
        time: Some("9:30".into()),
        received_by: "山田".into(),
        route: IntakeRoute::Community,
        referrer: Some("大町地区の民生委員".into()),
        visitor: Visitor::Family,
        visitor_name: Some("長女".into()),
        complaint: "「父が外に出なくなって、家の中が片付かない。どうしたらいいか分からない」".into(),
        situation: Some("父（80代）と長男（50代）の二人暮らし".into()),
        consent: None,
    }
}

fn meeting(v: &mut Vault, kind: &str, date: &str, case: Uuid) -> Uuid {
    let me = v.identity().agency;
    let m = v
        .new_meeting(NewMeeting {
            kind: kind.into(),
            series: None,
            date: day(date),
            time: None,
            place: "本庁舎".into(),
            chair: None,
            attendees: vec![me],
        })
        .expect("a meeting");
    v.add_to_agenda(m, case, None, vec![], None)
        .expect("the case on the agenda");
    m
}

fn action(v: &mut Vault, case: Uuid, goal: Uuid, text: &str, owner_person: Option<Uuid>) -> Uuid {
    let me = v.identity().agency;
    v.add_action(NewAction {
        case,
        goal: Some(goal),
        text: text.into(),
        owner_agency: me,
        owner_worker: None,
        key_person: None,
        owner_person,
        frequency: Some("週1回".into()),
        due: Some(day("2027-01-31")),
        meeting: None,
        tags: Vec::new(),
    })
    .expect("an action")
}

fn refusal(e: impl Into<Error>) -> String {
    e.into().message_ja()
}

/// 相談受付: how the consultation came, who came, the complaint in their words, who received it;
/// refused when wrong in any of its parts, kept whole when right, printed as the 相談受付票, seen
/// by the partner.
#[test]
fn an_intake_records_how_the_consultation_came_and_prints_as_its_form() {
    let (mut l, mut b, c) = lead_and_partner(1711);
    let v = &mut l.vault;
    let e = v.print_intake(c, 1).unwrap_err();
    assert!(
        e.message_ja().contains("相談受付の記録がありません"),
        "{}",
        e.message_ja()
    );
    let cases: [(NewIntake, &str); 4] = [
        (
            NewIntake {
                date: Some(day("2026-12-01")),
                ..intake()
            },
            "未来",
        ),
        (
            NewIntake {
                time: Some("25:00".into()),
                ..intake()
            },
            "14:30 のように",
        ),
        (
            NewIntake {
                complaint: "  ".into(),
                ..intake()
            },
            "主訴を入力",
        ),
        (
            NewIntake {
                received_by: String::new(),
                ..intake()
            },
            "受付者を入力",
        ),
    ];
    for (bad, why) in cases {
        let msg = refusal(v.record_intake(c, bad).unwrap_err());
        assert!(msg.contains(why), "refused with a message that says {why}: {msg}");
    }
    let other = household(v, "佐藤家", "鎌倉市材木座1-1-1");
    let p = person(v, other, "佐藤", "一郎", "サトウ", "イチロウ", "S30", "本人");
    let me = v.identity().agency;
    let k = v.add_consent(consent(p, vec![me], "2026-11-20")).unwrap();
    let msg = refusal(
        v.record_intake(
            c,
            NewIntake {
                consent: Some(k),
                ..intake()
            },
        )
        .unwrap_err(),
    );
    assert!(
        msg.contains("この世帯のものではありません"),
        "a consent of another household: {msg}"
    );
    assert!(
        v.case_detail(c).unwrap().case.intake.is_none(),
        "no refusal left a trace"
    );
    let msg = refusal(b.vault.record_intake(c, intake()).unwrap_err());
    assert!(
        msg.contains("主担当機関（福祉総務課）"),
        "only the lead records the intake: {msg}"
    );

    let v = &mut l.vault;
    v.record_intake(c, intake()).unwrap();
    let got = v
        .case_detail(c)
        .unwrap()
        .case
        .intake
        .expect("the intake is on the case");
    assert_eq!(got.time.as_deref(), Some("09:30"), "the time is kept as HH:MM");
    assert_eq!(got.route, IntakeRoute::Community);
    let form = v.print_intake(c, 1).unwrap();
    for part in [
        "相談受付票",
        "取扱注意",
        "令和8年11月20日 09:30",
        "地域住民・民生委員から（大町地区の民生委員）",
        "家族（長女）",
        "「父が外に出なくなって",
        "本人同意",
        "受付者：",
    ] {
        assert!(form.contains(part), "the intake form shows {part}");
    }
    assert!(
        !form.contains("配布資料") && !form.contains("会議終了後に回収"),
        "a case form is filed, not a meeting handout collected afterwards"
    );
    assert!(
        form.contains("出力：") && form.contains("令和8年"),
        "the foot says which agency printed the form and when"
    );
    sync(&mut l.vault, &mut b.vault);
    assert_eq!(
        b.vault.case_detail(c).unwrap().case.intake,
        Some(got),
        "the partner sharing the case sees the same intake"
    );
}

/// Per domain, what was found stays apart from the worker's judgement, which is marked as such;
/// the lead writes the overall 見立て and 支援方針, naming the agencies whose entries it drew on.
#[test]
fn facts_and_judgement_stay_apart_and_the_overall_view_names_who_took_part() {
    let (mut l, mut b, c) = lead_and_partner(1721);
    let entry = |seen: &str, judgement: Option<&str>| NewAssessmentEntry {
        case: c,
        domain: "care".into(),
        person: None,
        seen: seen.into(),
        judgement: judgement.map(str::to_string),
        strengths: None,
        needs: None,
        risk: None,
        no_contact: false,
        date: None,
    };
    let mine = l
        .vault
        .add_assessment(entry(
            "訪問時、台所に未開封の郵便物が積まれていた",
            Some("金銭管理が難しくなっている可能性"),
        ))
        .unwrap();
    b.vault.add_assessment(entry("家賃の滞納が3か月ある", None)).unwrap();
    sync(&mut b.vault, &mut l.vault);
    let v = &mut l.vault;
    v.revise_assessment(
        mine,
        AssessmentRevision {
            judgement: Some("認知機能の低下による金銭管理の困難が考えられる"),
            ..Default::default()
        },
    )
    .unwrap();
    let entries = v.assessment_entries(c).unwrap();
    let e = entries.iter().find(|e| e.id == mine).unwrap();
    assert_eq!(
        e.seen, "訪問時、台所に未開封の郵便物が積まれていた",
        "the facts are unchanged"
    );
    assert_eq!(
        e.judgement.as_deref(),
        Some("認知機能の低下による金銭管理の困難が考えられる"),
        "the judgement is revised on its own"
    );
    assert!(
        kasane::AssessmentEntry::JUDGEMENT_FIELDS.contains(&"judgement")
            && !kasane::AssessmentEntry::JUDGEMENT_FIELDS.contains(&"seen"),
        "judgement is marked for a disclosure request, facts are not"
    );

    let msg = refusal(b.vault.set_formulation(c, "全体", "方針", None).unwrap_err());
    assert!(
        msg.contains("主担当機関"),
        "only the lead writes the overall view: {msg}"
    );
    let v = &mut l.vault;
    assert!(
        v.set_formulation(c, "全体の見立て", " ", None).is_err(),
        "the policy is required"
    );
    v.set_formulation(
        c,
        "父の認知機能の低下と長男の孤立が重なり、家計が回らなくなっている",
        "父の受診と介護認定、長男の居場所づくりを並行して進める",
        None,
    )
    .unwrap();
    let f = v.case_detail(c).unwrap().case.formulation.expect("written");
    let mut who = vec![agency_id(&l.vault), agency_id(&b.vault)];
    who.sort();
    assert_eq!(f.agencies, who, "both agencies' entries went into it");
    let pack_entries = l.vault.assessment_view(c).unwrap();
    assert!(!pack_entries.is_empty());
}

/// A plan version is the lead's: it is approved by a 重層的支援会議 that took the case up and has
/// been held; once approved it does not change here; a partner's change arriving after the
/// approval shows as needing approval again, and the approval then covers the change.
#[test]
fn a_plan_version_is_approved_at_a_meeting_and_a_change_after_it_needs_approval_again() {
    let (mut l, mut b, c) = lead_and_partner(1731);
    let v = &mut l.vault;
    let msg = refusal(
        v.new_plan_version(
            c,
            NewPlanVersion {
                to: None,
                policy: Some("方針".into()),
                ..Default::default()
            },
        )
        .unwrap_err(),
    );
    assert!(msg.contains("期間の終わり"), "a plan needs its period: {msg}");
    let msg = refusal(
        v.new_plan_version(
            c,
            NewPlanVersion {
                from: Some(day("2026-12-01")),
                to: Some(day("2026-11-30")),
                policy: Some("方針".into()),
                ..Default::default()
            },
        )
        .unwrap_err(),
    );
    assert!(msg.contains("より前"), "a period that ends before it starts: {msg}");
    let msg = refusal(
        v.new_plan_version(
            c,
            NewPlanVersion {
                to: Some(day("2027-05-31")),
                ..Default::default()
            },
        )
        .unwrap_err(),
    );
    assert!(
        msg.contains("支援方針を入力"),
        "without a policy or an overall view to take it from: {msg}"
    );
    v.set_formulation(c, "見立て", "父の受診と長男の居場所づくり", None)
        .unwrap();
    let plan = v
        .new_plan_version(
            c,
            NewPlanVersion {
                to: Some(day("2027-05-31")),
                next_evaluation: Some(day("2027-02-28")),
                ..Default::default()
            },
        )
        .unwrap();
    let p = v.plan_version(plan).unwrap();
    assert_eq!(
        (p.number, p.policy.as_str(), p.current),
        (1, "父の受診と長男の居場所づくり", true),
        "the first version takes the policy of the overall view"
    );
    let hh = v.case_detail(c).unwrap().case.household;
    let son = person(v, hh, "高橋", "一郎", "タカハシ", "イチロウ", "S48", "長男");
    let g = v.add_goal(c, "父が定期的に受診できる", Some(GoalTerm::Short)).unwrap();
    let walk = action(v, c, g, "朝の散歩に父を誘う", Some(son));
    let a = v.role_matrix(c).unwrap().actions;
    assert_eq!(a[0].owner_person, Some(son), "the son carries an action himself");
    assert_eq!(a[0].frequency.as_deref(), Some("週1回"));

    let support_meeting = meeting(v, "shien-kaigi", "2026-11-24", c);
    let msg = refusal(v.approve_plan(plan, support_meeting).unwrap_err());
    assert!(
        msg.contains("重層的支援会議"),
        "a 支援会議 does not approve plans: {msg}"
    );
    let later = meeting(v, "jusoteki-shien-kaigi", "2026-12-10", c);
    let msg = refusal(v.approve_plan(plan, later).unwrap_err());
    assert!(msg.contains("まだ開かれていません"), "a meeting not yet held: {msg}");
    let me = v.identity().agency;
    let not_taken = v
        .new_meeting(NewMeeting {
            kind: "jusoteki-shien-kaigi".into(),
            series: None,
            date: day("2026-11-24"),
            time: None,
            place: "本庁舎".into(),
            chair: None,
            attendees: vec![me],
        })
        .unwrap();
    let msg = refusal(v.approve_plan(plan, not_taken).unwrap_err());
    assert!(
        msg.contains("検討していません"),
        "a meeting that did not take the case up: {msg}"
    );
    let m = meeting(v, "jusoteki-shien-kaigi", "2026-11-25", c);
    v.approve_plan(plan, m).unwrap();
    let p = v.plan_version(plan).unwrap();
    assert_eq!(
        p.approval.as_ref().map(|a| a.date),
        Some(day("2026-11-25")),
        "approved on the meeting's day"
    );
    assert!(!p.changed_since_approval);
    let msg = refusal(v.approve_plan(plan, m).unwrap_err());
    assert!(msg.contains("すでに承認"), "approved once: {msg}");

    let msg = refusal(v.add_goal(c, "長男が週1回居場所に通う", None).unwrap_err());
    assert!(msg.contains("承認済み"), "an approved version takes no new goal: {msg}");
    let msg = refusal(
        v.update_action(
            walk,
            kasane::ActionUpdate {
                text: Some("夕方の散歩".into()),
                ..Default::default()
            },
        )
        .unwrap_err(),
    );
    assert!(msg.contains("承認済み"), "nor a changed action: {msg}");
    v.update_action(
        walk,
        kasane::ActionUpdate {
            status: Some(kasane::ActionStatus::InProgress),
            ..Default::default()
        },
    )
    .expect("carrying an action out is progress, not a change of plan");
    assert!(!v.plan_version(plan).unwrap().changed_since_approval);

    sync(&mut l.vault, &mut b.vault);
    let msg = refusal(b.vault.approve_plan(plan, m).unwrap_err());
    assert!(
        msg.contains("主担当機関"),
        "the partner does not approve the lead's plan: {msg}"
    );
    // The partner's build changes the approved goal anyway.
    kasane::testing::raw_set(&mut b.vault, g, serde_json::json!({"text": "父が月1回受診できる"})).unwrap();
    sync(&mut b.vault, &mut l.vault);
    let v = &mut l.vault;
    let p = v.plan_version(plan).unwrap();
    assert!(
        p.changed_since_approval,
        "a change after the approval needs approval again"
    );
    let sheet = v.print_plan(plan, 1).unwrap();
    assert!(sheet.contains("再承認が必要"), "the printed plan says so");
    v.approve_plan(plan, m).unwrap();
    assert!(
        !v.plan_version(plan).unwrap().changed_since_approval,
        "the new approval covers the plan as changed"
    );
    let digest = v.digest().unwrap();
    v.rebuild_state().unwrap();
    assert!(
        !v.plan_version(plan).unwrap().changed_since_approval && digest == v.digest().unwrap(),
        "a rebuild reads the same"
    );

    v.record_plan_agreement(plan, son, None, None).unwrap();
    let outsider_hh = household(v, "佐藤家", "鎌倉市材木座1-1-1");
    let outsider = person(v, outsider_hh, "佐藤", "一郎", "サトウ", "イチロウ", "S30", "本人");
    assert!(
        v.record_plan_agreement(plan, outsider, None, None).is_err(),
        "only a member of the household agrees to its plan"
    );
    let sheet = v.print_plan(plan, 1).unwrap();
    for part in [
        "支援プラン（第1版）",
        "取扱注意",
        "父の受診と長男の居場所づくり",
        "令和8年11月25日 〜 令和9年5月31日",
        "父が月1回受診できる",
        "短期目標",
        "本人・家族：高橋 一郎（支援：福祉総務課）",
        "週1回",
        "重層的支援会議で承認",
        "高橋 一郎さんの同意を得ました",
        "本人署名：",
        "主担当機関（福祉総務課）：",
    ] {
        assert!(sheet.contains(part), "the printed plan shows {part}");
    }
    assert!(!sheet.contains("再承認が必要"), "approved again");
}

/// Evaluation per goal feeds the next version: every goal is evaluated first; goals met stay with
/// the old version, the others are carried with their open actions; the finished version's goals
/// are not evaluated again; a closed case is not evaluated until it is reopened.
#[test]
fn the_next_version_starts_from_the_evaluation_of_the_last() {
    let mut t = new_vault(1741);
    let v = &mut t.vault;
    let hh = household(v, "高橋家", "鎌倉市大町2-3-4");
    let c = case(v, hh, "8050");
    let me = v.identity().agency;
    let early = v.add_goal(c, "家計の状況を整理する", Some(GoalTerm::Short)).unwrap();
    let first = v
        .new_plan_version(
            c,
            NewPlanVersion {
                from: Some(day("2026-11-01")),
                to: Some(day("2026-11-30")),
                policy: Some("家計と受診を整える".into()),
                next_evaluation: None,
            },
        )
        .unwrap();
    let goals = v.goals_of(c).unwrap();
    assert_eq!(
        goals.iter().find(|g| g.id == early).and_then(|g| g.plan),
        Some(first),
        "the first version takes the goals written before it"
    );
    let visits = v.add_goal(c, "父が定期的に受診できる", None).unwrap();
    let a = action(v, c, visits, "受診同行", None);
    let done = action(v, c, early, "家計表を一緒に作る", None);
    v.update_action(
        done,
        kasane::ActionUpdate {
            status: Some(kasane::ActionStatus::Done),
            ..Default::default()
        },
    )
    .unwrap();

    let msg = refusal(
        v.new_plan_version(
            c,
            NewPlanVersion {
                to: Some(day("2027-05-31")),
                ..Default::default()
            },
        )
        .unwrap_err(),
    );
    assert!(
        msg.contains("評価していない目標が2件"),
        "evaluate before revising: {msg}"
    );
    let msg = refusal(v.evaluate_goal(visits, GoalResult::Partly, None, None).unwrap_err());
    assert!(
        msg.contains("達成しなかった理由"),
        "a goal not fully met says why: {msg}"
    );
    assert!(
        v.evaluate_goal(early, GoalResult::Met, None, Some(day("2026-11-26")))
            .is_err(),
        "not in the future"
    );
    v.evaluate_goal(early, GoalResult::Met, None, None).unwrap();
    v.evaluate_goal(visits, GoalResult::Partly, Some("受診は2回。予約を本人が忘れる"), None)
        .unwrap();
    let second = v
        .new_plan_version(
            c,
            NewPlanVersion {
                to: Some(day("2027-05-31")),
                ..Default::default()
            },
        )
        .unwrap();
    let p = v.plan_version(second).unwrap();
    assert_eq!(
        (p.number, p.policy.as_str(), p.previous),
        (2, "家計と受診を整える", Some(first)),
        "the next version follows the last and keeps its policy"
    );
    assert!(!v.plan_version(first).unwrap().current, "the first version is finished");
    let goals = v.goals_of(c).unwrap();
    let carried: Vec<_> = goals.iter().filter(|g| g.plan == Some(second)).collect();
    assert_eq!(carried.len(), 1, "only the goal not fully met is carried: {goals:?}");
    assert_eq!(carried[0].carried_from, Some(visits));
    assert_eq!(carried[0].text, "父が定期的に受診できる");
    assert!(carried[0].evaluation.is_none(), "evaluated afresh in the new version");
    let actions = v.actions_of(c).unwrap();
    assert_eq!(
        actions.iter().find(|x| x.id == a).and_then(|x| x.goal),
        Some(carried[0].id),
        "the open action goes on with the carried goal"
    );
    assert_eq!(
        actions.iter().find(|x| x.id == done).and_then(|x| x.goal),
        Some(early),
        "the finished action stays with the goal met"
    );
    let msg = refusal(v.evaluate_goal(visits, GoalResult::Met, None, None).unwrap_err());
    assert!(
        msg.contains("第2版に引き継がれています"),
        "a finished plan is not evaluated again: {msg}"
    );

    v.close_case(
        c,
        NewClosure {
            date: None,
            reason: ClosureReason::GoalsMet,
            watch: None,
            note: None,
        },
    )
    .unwrap();
    let msg = refusal(v.evaluate_goal(carried[0].id, GoalResult::Met, None, None).unwrap_err());
    assert!(
        msg.contains("再開"),
        "a closed case is reopened before its goals are evaluated: {msg}"
    );
    assert!(
        v.print_closure(c, 1).unwrap().contains("一部達成"),
        "the closing sheet shows the evaluations"
    );
    v.reopen_case(c, "再び受診が途絶えた", None).unwrap();
    v.evaluate_goal(carried[0].id, GoalResult::NotMet, Some("受診が途絶えた"), None)
        .expect("a reopened case is evaluated again");
    let third = v
        .new_plan_version(
            c,
            NewPlanVersion {
                to: Some(day("2027-08-31")),
                policy: Some("受診の再開を最優先にする".into()),
                ..Default::default()
            },
        )
        .expect("and revised into a third version");
    assert_eq!(v.plan_version(third).unwrap().number, 3);
    let _ = me;
}

/// What only the lead decides — the intake, the overall view, plan versions with their approval —
/// a partner's modified build cannot write: held at the lead, on import and on rebuild.
#[test]
fn a_partner_cannot_write_the_leads_intake_view_or_plan() {
    let (mut l, mut b, c) = lead_and_partner(1751);
    kasane::testing::raw_set(
        &mut b.vault,
        c,
        serde_json::json!({"intake": {"date": "2026-11-20", "received_by": "偽", "route": "phone", "visitor": "person", "complaint": "偽の主訴"}}),
    )
    .unwrap();
    kasane::testing::raw_set(
        &mut b.vault,
        c,
        serde_json::json!({"formulation": {"date": "2026-11-20", "view": "偽", "policy": "偽"}}),
    )
    .unwrap();
    let seq = kasane::testing::next_seq(&b.vault, kasane::Scope::Case(c)).unwrap();
    let forged = kasane::testing::record_id(kasane::Scope::Case(c), b.vault.identity().site, seq);
    kasane::testing::raw_create(
        &mut b.vault,
        forged,
        kasane::Scope::Case(c),
        "plan",
        Some(c),
        serde_json::json!({"case": c, "number": 1, "from": "2026-11-20", "to": "2027-03-31", "policy": "偽の方針", "created": "2026-11-20"}),
    )
    .unwrap();
    let s = sync(&mut b.vault, &mut l.vault);
    assert_eq!(s.held.get("not-lead"), Some(&3), "none of the three stands: {s:?}");
    let kept = l.vault.case_detail(c).unwrap().case;
    assert!(
        kept.intake.is_none() && kept.formulation.is_none(),
        "the lead's case is unchanged"
    );
    assert!(l.vault.plan_versions(c).unwrap().is_empty(), "and has no forged plan");
    let digest = l.vault.digest().unwrap();
    l.vault.rebuild_state().unwrap();
    assert_eq!(digest, l.vault.digest().unwrap(), "a rebuild judges the same");
    assert!(l.vault.plan_versions(c).unwrap().is_empty());
}

/// The アセスメントシート: per domain, each agency's entries with the facts in one column and the
/// judgement in another (marked as such), the overall 見立て and who took part; text typed by a
/// worker is escaped, a retracted entry is left out, and the print is logged (取扱注意).
#[test]
fn the_assessment_sheet_keeps_facts_and_judgement_in_their_own_columns() {
    let (mut l, mut b, c) = lead_and_partner(1731);
    let entry = |domain: &str, seen: &str, judgement: Option<&str>| NewAssessmentEntry {
        case: c,
        domain: domain.into(),
        person: None,
        seen: seen.into(),
        judgement: judgement.map(str::to_string),
        strengths: Some("近所に頼れる人がいる".into()),
        needs: None,
        risk: None,
        no_contact: false,
        date: None,
    };
    l.vault
        .add_assessment(entry(
            "care",
            "台所に<script>alert(1)</script>未開封の郵便物",
            Some("金銭管理が難しい"),
        ))
        .unwrap();
    b.vault
        .add_assessment(entry("money", "家賃の滞納が3か月ある", None))
        .unwrap();
    sync(&mut b.vault, &mut l.vault);
    let gone = l
        .vault
        .add_assessment(entry("housing", "取り消した記録", None))
        .unwrap();
    l.vault.retract_assessment(gone).unwrap();
    l.vault
        .set_formulation(c, "8050の世帯として支える", "長男の居場所づくりから始める", None)
        .unwrap();
    let before = l.vault.audit_trail().unwrap().len();
    let form = l.vault.print_assessment(c, 1).unwrap();
    for part in [
        "アセスメントシート",
        "取扱注意",
        "把握した状況（事実）",
        "見立て（評価・判断）",
        "金銭管理が難しい",
        "家賃の滞納が3か月ある",
        "生活福祉課",
        "近所に頼れる人がいる",
        "全体の見立てと支援方針",
        "8050の世帯として支える",
        "長男の居場所づくりから始める",
    ] {
        assert!(form.contains(part), "the sheet shows {part}");
    }
    assert!(
        form.contains("&lt;script&gt;") && !form.contains("<script>alert"),
        "what a worker typed is escaped, never markup"
    );
    assert!(!form.contains("取り消した記録"), "a retracted entry is not printed");
    let seen_at = form.find("台所に").unwrap();
    let judged_at = form.find("金銭管理が難しい").unwrap();
    assert!(
        seen_at < judged_at,
        "the facts column comes before the judgement column"
    );
    assert!(
        l.vault.audit_trail().unwrap().len() > before,
        "printing personal records is logged"
    );
}
