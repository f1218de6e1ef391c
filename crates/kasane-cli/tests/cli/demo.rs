//! The demo city, seeded into a real vault: every stage of the case cycle has cases, each with
//! what that stage has been through, and the community resources the city's documents name are
//! in the directory, and some cases closed long ago are due for disposal, so no screen of the app
//! opens empty.

use kasane::{CaseFilter, CaseStatus, GoalResult};

use crate::support::*;

#[test]
fn the_demo_city_has_cases_in_every_stage_with_what_each_stage_went_through() {
    let mut t = agency_vault(900, "福祉総務課", clock());
    let v = &mut t.vault;
    kasane_demo::fill_demo(v, 200, 2026, kasane_demo::DemoLead::AsGenerated, &mut |_, _| {}).unwrap();
    let cases = v
        .cases(&CaseFilter {
            include_closed: true,
            ..Default::default()
        })
        .unwrap();
    let mut seen_second_version = false;
    let mut seen_tag = false;
    for status in CaseStatus::ALL {
        let of: Vec<_> = cases.iter().filter(|c| c.status == *status).collect();
        assert!(!of.is_empty(), "the demo has cases at the stage {status}");
        for s in of {
            let c = v.case_detail(s.id).unwrap().case;
            assert!(
                c.intake.is_some(),
                "every demo case came in through an intake: {}",
                c.title
            );
            let past_assessment = *status != CaseStatus::Intake && *status != CaseStatus::Assessment;
            assert_eq!(
                c.formulation.is_some(),
                *status != CaseStatus::Intake,
                "an overall view once the case is past intake ({status})"
            );
            let versions = v.plan_versions(s.id).unwrap();
            assert_eq!(
                !versions.is_empty(),
                past_assessment,
                "a plan from the planning stage on ({status})"
            );
            assert_eq!(
                c.support_decision.is_some(),
                matches!(status, CaseStatus::Active | CaseStatus::Closed),
                "the decision to support comes with support ({status})"
            );
            assert_eq!(
                c.closure.is_some(),
                *status == CaseStatus::Closed,
                "a closed case says why"
            );
            let goals = v.goals_of(s.id).unwrap();
            if let Some(now) = versions.last() {
                let current: Vec<_> = goals.iter().filter(|g| g.plan == Some(now.id)).collect();
                assert!(!current.is_empty(), "the plan in force has goals");
                if *status == CaseStatus::Closed {
                    assert!(
                        current.iter().all(|g| g.evaluation.is_some()),
                        "a closed case's goals were evaluated at closing"
                    );
                }
                if now.number == 2 {
                    seen_second_version = true;
                    let carried = current
                        .iter()
                        .find(|g| g.carried_from.is_some())
                        .expect("a goal carried on");
                    let from = goals.iter().find(|g| Some(g.id) == carried.carried_from).unwrap();
                    assert_eq!(
                        from.evaluation.as_ref().map(|e| e.result),
                        Some(GoalResult::Partly),
                        "what is carried was not fully met"
                    );
                }
            }
            seen_tag |= v.actions_of(s.id).unwrap().iter().any(|a| !a.tags.is_empty());
        }
    }
    assert!(
        seen_second_version,
        "some long-running case was revised into a second version"
    );
    assert!(
        seen_tag,
        "some actions are counted as 参加支援, アウトリーチ or 地域資源"
    );
    let resources = v.resources(None, None).unwrap();
    assert!(
        resources.iter().any(|r| r.name.contains("ここかま")),
        "the ここかま platform is in the directory: {resources:?}"
    );
    assert!(resources.len() >= 10, "with the resources its members run");
    assert!(
        !v.disposal_due_cases().unwrap().is_empty(),
        "some cases this agency leads closed long ago, past their retention: the disposal screen has work"
    );
}
