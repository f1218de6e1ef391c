//! The home screen's panels beside the review list: this agency's actions due soon, upcoming
//! meetings, and how much exchange has left waiting (inbox, conflicts, quarantine). They live with
//! exchange because most of what they count is exchange's.

use serde::Serialize;
use ts_rs::TS;
use uuid::Uuid;

use super::count;
use crate::{
    desktop::Desktop,
    error::CommandError,
    view::{DateView, id_text},
};

/// How far ahead the home screen looks for actions due.
const ACTIONS_AHEAD_DAYS: i64 = 14;

#[derive(Debug, Clone, Serialize, TS)]
pub struct HomeActionRow {
    pub id: String,
    pub case: String,
    pub case_title: String,
    pub household_label: String,
    pub text: String,
    pub due: Option<DateView>,
    pub overdue: bool,
    /// The engine's status code ("not-started", "in-progress" …).
    pub status: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct HomeMeetingRow {
    pub id: String,
    pub type_label: String,
    pub date: DateView,
    pub time: Option<String>,
    pub place: String,
}

/// The home screen's panels beside the review list.
#[derive(Debug, Clone, Serialize, TS)]
pub struct HomePanelsView {
    /// This agency's open actions overdue or due within two weeks, earliest first.
    pub actions: Vec<HomeActionRow>,
    /// Meetings from today on, soonest first.
    pub meetings: Vec<HomeMeetingRow>,
    /// Bundles in the inbox still waiting to be applied.
    pub inbox_waiting: u32,
    pub conflicts: u32,
    pub quarantined: u32,
}

pub fn home_panels(desk: &Desktop) -> Result<HomePanelsView, CommandError> {
    desk.with_vault(|v| {
        let me = v.identity().agency;
        let today = v.ambient().clock.today();
        let horizon = (0..ACTIONS_AHEAD_DAYS).fold(today, |d, _| d.tomorrow().unwrap_or(d));
        // This agency's actions overdue (in any case) and due soon (in the open cases it sees),
        // with the title and household of just their cases.
        let overdue = v.overdue_actions(Some(me))?;
        let due = v.open_actions_due(me, horizon)?;
        let mut ids: Vec<Uuid> = overdue.iter().chain(&due).map(|a| a.case).collect();
        ids.sort_unstable();
        ids.dedup();
        let cases: std::collections::HashMap<Uuid, kasane::CaseSummary> =
            v.case_lines(&ids)?.into_iter().map(|c| (c.id, c)).collect();
        let mut seen = std::collections::HashSet::new();
        let mut actions = Vec::new();
        let open = |a: &kasane::Action| {
            cases
                .get(&a.case)
                .is_some_and(|c| c.status != kasane::CaseStatus::Closed)
        };
        for (a, always) in overdue
            .into_iter()
            .map(|a| (a, true))
            .chain(due.into_iter().map(|a| (a, false)))
        {
            if !(always || open(&a)) || !seen.insert(a.id) {
                continue;
            }
            let (title, household) = cases
                .get(&a.case)
                .map(|c| (c.title.clone(), c.household_label.clone()))
                .unwrap_or_default();
            actions.push(HomeActionRow {
                id: id_text(a.id),
                case: id_text(a.case),
                case_title: title,
                household_label: household,
                text: a.text,
                due: a.due.map(DateView::from),
                overdue: a.overdue,
                status: a.status.code().to_string(),
            });
        }
        actions.sort_by(|a, b| {
            let key = |r: &HomeActionRow| r.due.as_ref().map(|d| d.iso.clone());
            key(a).cmp(&key(b)).then(a.id.cmp(&b.id))
        });
        let mut meetings: Vec<HomeMeetingRow> = v
            .meetings()?
            .into_iter()
            .filter(|m| m.date >= today && m.finalised.is_none())
            .map(|m| HomeMeetingRow {
                id: id_text(m.id),
                type_label: m.type_label,
                date: m.date.into(),
                time: m.time,
                place: m.place,
            })
            .collect();
        meetings.reverse();
        let inbox_waiting = v
            .inbox()?
            .into_iter()
            .filter(|e| !matches!(e.status.as_str(), "applied" | "quarantined" | "refused" | "failed"))
            .count();
        Ok(HomePanelsView {
            actions,
            meetings,
            inbox_waiting: count(inbox_waiting),
            conflicts: count(v.conflicts()?.len()),
            quarantined: count(v.quarantine()?.len()),
        })
    })
}
