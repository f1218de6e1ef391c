//! Conference rosters (構成員名簿): the rosters this PC follows by conference, keeping them (for
//! the keeper), choosing whose rosters to follow, and the printable rosters.

use std::collections::HashMap;

use kasane::{NewRosterEntry, RecordError};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{
    desktop::Desktop,
    error::CommandError,
    view::{DateView, date_input, id, id_text},
};

#[derive(Debug, Clone, Serialize, TS)]
pub struct RostersView {
    /// The agency whose rosters this PC follows.
    pub keeper: String,
    pub keeper_name: String,
    /// This PC's agency keeps them (and may change them).
    pub mine: bool,
    /// One per conference whose law lets members share without consent, in the city's order.
    pub conferences: Vec<ConferenceRosterView>,
    /// Agencies whose rosters this PC could follow: its own, and partners with a verified card.
    pub keeper_choices: Vec<KeeperChoice>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ConferenceRosterView {
    pub code: String,
    pub label_ja: String,
    pub label_en: String,
    pub legal_basis: String,
    /// Entries exist, so meetings and shares under this conference's law are checked against it.
    pub in_force: bool,
    pub entries: Vec<RosterEntryView>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct RosterEntryView {
    pub id: String,
    pub agency: String,
    pub agency_name: String,
    pub from: DateView,
    pub to: Option<DateView>,
    pub charter: String,
    /// A member today.
    pub member_today: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct KeeperChoice {
    pub agency: String,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct NewRosterInput {
    /// Conference type code.
    pub conference: String,
    pub agency: String,
    /// As typed (和暦 or ISO).
    pub from: String,
    /// Blank: open-ended.
    pub to: String,
    pub charter: String,
}

pub fn rosters(desk: &Desktop) -> Result<RostersView, CommandError> {
    desk.with_vault(|v| {
        let me = v.identity().agency;
        let today = v.ambient().clock.today();
        let names: HashMap<_, _> = v.agencies()?.into_iter().map(|a| (a.id, a.name)).collect();
        let name = |a| names.get(&a).cloned().unwrap_or_else(|| id_text(a));
        let keeper = v.roster_keeper()?;
        let entries = v.rosters()?;
        let conferences = kasane::conference_types()
            .iter()
            .filter(|t| kasane::roster_basis(t.code).is_some())
            .map(|t| {
                let mine: Vec<RosterEntryView> = entries
                    .iter()
                    .filter(|e| e.conference == t.code)
                    .map(|e| RosterEntryView {
                        id: id_text(e.id),
                        agency: id_text(e.agency),
                        agency_name: name(e.agency),
                        from: e.from.into(),
                        to: e.to.map(DateView::from),
                        charter: e.charter.clone(),
                        member_today: e.covers(today),
                    })
                    .collect();
                ConferenceRosterView {
                    code: t.code.into(),
                    label_ja: t.label_ja.into(),
                    label_en: t.label_en.into(),
                    legal_basis: t.legal_basis.into(),
                    in_force: !mine.is_empty(),
                    entries: mine,
                }
            })
            .collect();
        let mut keeper_choices = vec![KeeperChoice {
            agency: id_text(me),
            name: name(me),
        }];
        for s in v.sites()? {
            if s.verified && !s.revoked && !keeper_choices.iter().any(|k| k.agency == id_text(s.agency)) {
                keeper_choices.push(KeeperChoice {
                    agency: id_text(s.agency),
                    name: s.agency_name,
                });
            }
        }
        Ok(RostersView {
            keeper: id_text(keeper),
            keeper_name: name(keeper),
            mine: keeper == me,
            conferences,
            keeper_choices,
        })
    })
}

pub fn roster_add(desk: &Desktop, input: NewRosterInput) -> Result<String, CommandError> {
    let from = date_input("from", &input.from)?.ok_or_else(|| CommandError::from(RecordError::Missing("from")))?;
    let new = NewRosterEntry {
        conference: input.conference,
        agency: id("agency", &input.agency)?,
        from,
        to: date_input("to", &input.to)?,
        charter: input.charter,
    };
    desk.with_vault(|v| Ok(id_text(v.add_roster_entry(new)?)))
}

pub fn roster_end(desk: &Desktop, entry: String, date: String) -> Result<(), CommandError> {
    let entry = id("roster entry", &entry)?;
    let last = date_input("date", &date)?.ok_or_else(|| CommandError::from(RecordError::Missing("date")))?;
    desk.with_vault(|v| Ok(v.end_roster_entry(entry, last)?))
}

/// Follows the rosters of `agency`; returns how many received operations were judged differently.
pub fn roster_keeper(desk: &Desktop, agency: String) -> Result<u32, CommandError> {
    let agency = id("agency", &agency)?;
    desk.with_vault(|v| Ok(v.designate_roster_keeper(agency)? as u32))
}

pub fn roster_print(desk: &Desktop, date: String, copies: u32) -> Result<String, CommandError> {
    let on = date_input("date", &date)?;
    desk.with_vault(|v| {
        let on = on.unwrap_or_else(|| v.ambient().clock.today());
        Ok(v.print_rosters(on, copies.clamp(1, 99))?)
    })
}
