//! Ranked agenda proposals: on the demo city the ranking, the list shown and the counts of the rest
//! are what the test works out on its own, case by case, from the documented weights; a proposal
//! says up front when only its lead can disclose it, and never offers what the gate then refuses;
//! the coordinator's request to the lead travels in the case's exchange file, the lead grants it,
//! and a partner cannot sign such a request in another agency's name.

use std::collections::{HashMap, HashSet};

use kasane::{
    CaseFilter, CaseStatus, NewMeeting, OpKind, ProposalAccess, Risk, Scope, Vault, parse_date, proposal_weight as w,
};
use serde_json::json;
use uuid::Uuid;

use crate::support::*;

fn meeting(v: &mut Vault, date: &str, attendees: Vec<Uuid>) -> Uuid {
    v.new_meeting(NewMeeting {
        kind: "shien-kaigi".into(),
        series: None,
        date: parse_date(date).unwrap(),
        time: Some("14:00".into()),
        place: "本庁舎".into(),
        chair: None,
        attendees,
    })
    .unwrap()
}

/// What the test expects of one case, worked out from that case's own records.
struct Expected {
    score: i32,
    risk: i32,
    review: Option<kasane::Date>,
    opened: kasane::Date,
    codes: Vec<&'static str>,
    ask_lead: bool,
}

#[test]
fn the_demo_citys_proposals_are_ranked_shown_and_counted_as_worked_out_case_by_case() {
    let mut t = new_vault(1601);
    let v = &mut t.vault;
    kasane_demo::fill_demo(v, 400, 16, kasane_demo::DemoLead::AsGenerated, &mut |_, _| {}).unwrap();
    let me = v.identity().agency;
    let agencies = v.agencies().unwrap();
    let by_name = |n: &str| agencies.iter().find(|a| a.name == n).map(|a| a.id).unwrap();
    let attendees = vec![by_name("生活福祉課"), by_name("高齢者いきいき課")];
    let day = parse_date("2026-12-10").unwrap();
    let today = v.ambient().clock.today();
    let m = meeting(v, "2026-12-10", attendees.clone());
    // No earlier meeting of the series: "new" is the month before the meeting.
    let since = parse_date("2026-11-10").unwrap();
    let until = v.meeting_disclosure_last_day(m).unwrap();

    let mut expected: HashMap<Uuid, Expected> = HashMap::new();
    for c in v.cases(&CaseFilter::default()).unwrap() {
        assert_ne!(
            c.status,
            CaseStatus::Closed,
            "the default case list holds open cases only"
        );
        let mut codes = Vec::new();
        let mut score = match c.risk {
            Some(Risk::Urgent) => 40,
            Some(Risk::High) => 30,
            Some(Risk::Medium) => 15,
            _ => 0,
        };
        let risk = score;
        if let Some(r) = c.next_review.filter(|r| *r <= day) {
            codes.push("review-due");
            score += 20 + if r < today { 10 } else { 0 };
        }
        if c.opened > since && c.opened <= day {
            codes.push("new-case");
            score += 15;
        }
        let overdue: Vec<_> = v
            .actions_of(c.id)
            .unwrap()
            .into_iter()
            .filter(|a| !a.retracted && a.status.is_open() && a.due.is_some_and(|d| d < day))
            .collect();
        if !overdue.is_empty() {
            codes.push("overdue-actions");
            let answered_here = overdue
                .iter()
                .any(|a| a.owner_agency == me || attendees.contains(&a.owner_agency));
            score += if answered_here { 20 } else { 10 };
        }
        let requests = v.open_requests(c.id).unwrap();
        if requests.iter().any(|f| f.kind == "discuss") {
            codes.push("flagged");
            score += 25;
        }
        if requests.iter().any(|f| f.kind == "close") {
            codes.push("propose-close");
            score += 25;
        }
        if codes.is_empty() {
            continue;
        }
        let shares = v.shares_of(c.id).unwrap();
        let sees = |a: Uuid, d: kasane::Date| {
            shares
                .iter()
                .any(|s| s.active && s.agency == a && s.until.is_none_or(|u| u >= d))
        };
        let ask_lead = c.lead_agency != me && attendees.iter().any(|a| *a != c.lead_agency && !sees(*a, until));
        let known =
            c.lead_agency == me || attendees.contains(&c.lead_agency) || attendees.iter().any(|a| sees(*a, today));
        score += if known { 10 } else { 0 } + if ask_lead { -20 } else { 0 };
        expected.insert(
            c.id,
            Expected {
                score,
                risk,
                review: c.next_review,
                opened: c.opened,
                codes,
                ask_lead,
            },
        );
    }
    assert!(
        expected.len() > 2 * kasane::PROPOSALS_SHOWN,
        "the demo city has more cases to propose than one list shows: {}",
        expected.len()
    );
    assert!(
        expected.values().any(|e| e.ask_lead) && expected.values().any(|e| !e.ask_lead),
        "the demo city has cases this agency can put on the agenda and cases only their lead can disclose"
    );
    assert_eq!(
        (w::RISK_URGENT, w::REQUEST, w::NEEDS_LEAD),
        (40, 25, -20),
        "the weights the test worked with are the engine's (docs/meetings.md)"
    );

    let all = v.propose_agenda(m, None).unwrap();
    assert_eq!(
        all.shown.iter().map(|p| p.case).collect::<HashSet<_>>(),
        expected.keys().copied().collect::<HashSet<_>>(),
        "every open case with a reason is proposed, and no other"
    );
    let mut order: Vec<(&Uuid, &Expected)> = expected.iter().collect();
    order.sort_by(|(a, x), (b, y)| {
        y.score
            .cmp(&x.score)
            .then(y.risk.cmp(&x.risk))
            .then(x.review.cmp(&y.review))
            .then(x.opened.cmp(&y.opened))
            .then(a.cmp(b))
    });
    let want: Vec<Uuid> = order.iter().map(|(id, _)| **id).collect();
    assert_eq!(
        all.shown.iter().map(|p| p.case).collect::<Vec<_>>(),
        want,
        "best first: by score, then risk, the earliest review, the oldest case"
    );
    for p in &all.shown {
        let e = &expected[&p.case];
        assert_eq!(p.score, e.score, "{}: the score is the sum of its weights", p.title);
        assert_eq!(
            p.reasons.iter().map(|r| r.code).collect::<Vec<_>>(),
            e.codes,
            "{}: each reason once",
            p.title
        );
        assert_eq!(
            matches!(p.access, ProposalAccess::AskLead { .. }),
            e.ask_lead,
            "{}: a case only its lead can disclose says so up front",
            p.title
        );
        for r in &p.reasons {
            assert!(
                !r.detail.contains("2026-") && !r.detail.contains("2027-"),
                "dates read in 和暦 in Japanese: {}",
                r.detail
            );
        }
    }

    let ranked = v.propose_agenda(m, Some(kasane::PROPOSALS_SHOWN)).unwrap();
    assert_eq!(ranked.total, expected.len());
    assert_eq!(
        ranked.shown.iter().map(|p| p.case).collect::<Vec<_>>(),
        want[..kasane::PROPOSALS_SHOWN],
        "the list shown is the head of the whole ranking"
    );
    let mut rest: HashMap<&str, usize> = HashMap::new();
    for id in &want[kasane::PROPOSALS_SHOWN..] {
        for code in &expected[id].codes {
            *rest.entry(code).or_default() += 1;
        }
        if expected[id].ask_lead {
            *rest.entry("ask-lead").or_default() += 1;
        }
    }
    assert_eq!(
        ranked.rest.iter().map(|r| (r.code, r.count)).collect::<HashMap<_, _>>(),
        rest,
        "the rest are counted under each of their reasons"
    );

    // What the list offers is what the gate does: a case this agency leads or every attendee sees
    // goes on the agenda; one only its lead can disclose is refused, as its proposal said.
    let offered = ranked
        .shown
        .iter()
        .find(|p| !matches!(p.access, ProposalAccess::AskLead { .. }));
    let waiting = all
        .shown
        .iter()
        .find(|p| matches!(p.access, ProposalAccess::AskLead { .. }));
    let (offered, waiting) = (offered.unwrap().case, waiting.unwrap().case);
    v.add_to_agenda(m, offered, None, vec![], None)
        .expect("a proposal offered to put on the agenda goes on it");
    let refused = v.add_to_agenda(m, waiting, None, vec![], None).unwrap_err();
    assert_eq!(refused.code(), "meeting.not-shareable");
    let after = v.propose_agenda(m, None).unwrap();
    assert!(
        !after.shown.iter().any(|p| p.case == offered) && after.total == expected.len() - 1,
        "a case on the agenda is no longer proposed"
    );
}

/// 福祉総務課 (C) coordinates a 支援会議 with 高齢者いきいき課 (T) attending; 生活福祉課 (L) leads
/// a case and shares it with C only.
struct Meeting {
    c: TestVault,
    l: TestVault,
    t: TestVault,
    case: Uuid,
    meeting: Uuid,
}

fn coordinator_and_lead(seed: u64) -> Meeting {
    let mut c = agency_vault(seed, "福祉総務課", clock());
    let mut l = agency_vault(seed + 1, "生活福祉課", clock());
    let mut t = agency_vault(seed + 2, "高齢者いきいき課", clock());
    introduce(&mut c.vault, &mut l.vault, true);
    introduce(&mut c.vault, &mut t.vault, true);
    introduce(&mut l.vault, &mut t.vault, true);
    let hh = household(&mut l.vault, "高橋家", "鎌倉市大町2-3-4");
    let case = case(&mut l.vault, hh, "8050");
    l.vault
        .share_case(case, agency_id(&c.vault), Some(kasane::Basis::ShienKaigi))
        .unwrap();
    sync(&mut l.vault, &mut c.vault);
    c.vault.flag_case(case, false, "母の入院で状況が変わった").unwrap();
    let ta = agency_id(&t.vault);
    let meeting = meeting(&mut c.vault, "2026-12-10", vec![ta]);
    Meeting { c, l, t, case, meeting }
}

#[test]
fn a_case_another_agency_leads_is_proposed_with_a_request_to_its_lead_which_travels_and_is_granted() {
    let mut w = coordinator_and_lead(1610);
    let (m, case) = (w.meeting, w.case);
    let ta = agency_id(&w.t.vault);
    let p = w.c.vault.propose_agenda(m, None).unwrap();
    assert_eq!(p.shown.len(), 1);
    assert_eq!(
        p.shown[0].access,
        ProposalAccess::AskLead {
            missing: vec![ta],
            asked: None
        },
        "the attendee who does not see the case is named, and nobody has asked yet"
    );
    assert_eq!(
        w.c.vault.add_to_agenda(m, case, None, vec![], None).unwrap_err().code(),
        "meeting.not-shareable"
    );

    let request = w.c.vault.ask_lead_to_share(m, case).unwrap();
    let p = w.c.vault.propose_agenda(m, None).unwrap();
    assert_eq!(
        p.shown[0].access,
        ProposalAccess::AskLead {
            missing: vec![ta],
            asked: Some(w.c.vault.ambient().clock.today())
        },
        "the proposal shows the request was made"
    );
    assert_eq!(
        p.shown[0].reasons.iter().map(|r| r.code).collect::<Vec<_>>(),
        ["new-case", "flagged"],
        "the request to the lead is no request to discuss: the case is new, and the coordinator asked to discuss it"
    );

    sync(&mut w.c.vault, &mut w.l.vault);
    let open = w.l.vault.open_requests(case).unwrap();
    let asked = open
        .iter()
        .find(|f| f.id == request)
        .expect("the request reached the lead in the exchange file");
    assert_eq!(asked.kind, "share");
    assert_eq!(asked.agencies, vec![ta], "it names the attendee to disclose to");
    assert_eq!(asked.agency, agency_id(&w.c.vault), "and who asks");
    assert!(asked.reason.contains("支援会議") && asked.reason.contains("令和8年12月10日"));

    assert_eq!(
        w.c.vault.grant_share_request(request).unwrap_err().code(),
        "share.not-lead",
        "only the lead can grant it"
    );
    w.l.vault.grant_share_request(request).unwrap();
    let share =
        w.l.vault
            .shares_of(case)
            .unwrap()
            .into_iter()
            .find(|s| s.agency == ta)
            .expect("the lead disclosed the case to the attendee");
    assert_eq!(share.meeting, Some(m), "for that meeting");
    assert_eq!(share.until, Some(w.c.vault.meeting_disclosure_last_day(m).unwrap()));
    assert!(
        !w.l.vault.open_requests(case).unwrap().iter().any(|f| f.id == request),
        "a granted request is no longer open"
    );

    sync(&mut w.l.vault, &mut w.c.vault);
    let p = w.c.vault.propose_agenda(m, None).unwrap();
    assert_eq!(p.shown[0].access, ProposalAccess::Shared);
    w.c.vault
        .add_to_agenda(m, case, None, vec![], None)
        .expect("every attendee sees the case now: it goes on the agenda");
}

#[test]
fn asking_the_lead_is_refused_when_there_is_nothing_to_ask() {
    let mut w = coordinator_and_lead(1620);
    let (m, case) = (w.meeting, w.case);
    // The coordinator's own case: it discloses it itself.
    let hh = household(&mut w.c.vault, "青木家", "鎌倉市小町1-1-1");
    let own = crate::support::case(&mut w.c.vault, hh, "自機関のケース");
    assert_eq!(
        w.c.vault.ask_lead_to_share(m, own).unwrap_err().code(),
        "meeting.own-lead"
    );
    // Every attendee sees the case already.
    w.l.vault
        .share_case(case, agency_id(&w.t.vault), Some(kasane::Basis::ShienKaigi))
        .unwrap();
    sync(&mut w.l.vault, &mut w.c.vault);
    assert_eq!(
        w.c.vault.ask_lead_to_share(m, case).unwrap_err().code(),
        "meeting.already-shared"
    );
    // A request to discuss is not one to disclose.
    let discuss = w.c.vault.open_requests(case).unwrap()[0].id;
    sync(&mut w.c.vault, &mut w.l.vault);
    assert_eq!(
        w.l.vault.grant_share_request(discuss).unwrap_err().code(),
        "meeting.not-share-request"
    );
    assert_eq!(
        w.t.vault.ask_lead_to_share(m, case).unwrap_err().code(),
        "record.not-found",
        "an agency that holds neither the meeting nor the case asks nothing"
    );
}

#[test]
fn a_partner_cannot_sign_a_request_to_the_lead_in_another_agencys_name() {
    let mut w = coordinator_and_lead(1630);
    let case = w.case;
    // The coordinator runs a modified build: it writes a request that claims to come from the
    // third agency, signed with its own real key.
    let ta = agency_id(&w.t.vault);
    let fields = json!({
        "case": case, "kind": "share", "reason": "偽の依頼", "agency": ta, "date": "2026-11-25",
        "meeting": w.meeting, "conference": "shien-kaigi", "meeting_date": "2026-12-10", "agencies": [ta]
    });
    let seq = kasane::testing::next_seq(&w.c.vault, Scope::Case(case)).unwrap();
    let id = kasane::testing::record_id(Scope::Case(case), w.c.vault.identity().site, seq);
    kasane::testing::craft_op(
        &mut w.c.vault,
        Scope::Case(case),
        OpKind::Create,
        "flag",
        id,
        Some(case),
        &mut |_| {},
        fields.to_string().into_bytes(),
    )
    .expect("a modified build writes any op into its own log");
    let s = sync(&mut w.c.vault, &mut w.l.vault);
    assert_eq!(s.held.values().sum::<usize>(), 1, "the forged request is held: {s:?}");
    assert!(
        !w.l.vault.open_requests(case).unwrap().iter().any(|f| f.id == id),
        "the lead never sees a request its signer did not make"
    );
    w.l.vault.rebuild_state().unwrap();
    assert!(
        !w.l.vault.open_requests(case).unwrap().iter().any(|f| f.id == id),
        "nor after its state is rebuilt from the log"
    );
    assert_eq!(
        w.l.vault.grant_share_request(id).unwrap_err().code(),
        "record.not-found"
    );
}
