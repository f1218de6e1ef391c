//! Changing the rosters this vault follows, and judging again what they decide: a meeting that
//! invites, or a share that goes to, an agency off a roster is held, and released when the
//! roster comes to include it. Whatever changes here, the verdicts equal those of a vault that
//! received the same ops with the same rosters.

use std::collections::BTreeSet;

use rusqlite::OptionalExtension as _;
use uuid::Uuid;

use super::{
    BundleError,
    settle::{Touched, cases_sharing_under_rosters, parties, rejudge_all, scopes_held_for, settle, stored_scopes},
};
use crate::{
    Vault, authority,
    ja::Date,
    log::Scope,
    record::{self, NewRosterEntry, RecordError, msg},
};

impl Vault {
    /// Puts an agency on a conference's roster (only the keeper may), then releases meetings
    /// and shares from partners that waited for it.
    pub fn add_roster_entry(&mut self, new: NewRosterEntry) -> Result<Uuid, BundleError> {
        let id = self.insert_roster_entry(new)?;
        self.rejudge_rosters()?;
        Ok(id)
    }

    /// Ends a membership on its last day; partners' meetings after it that invite the agency
    /// are held from then on.
    pub fn end_roster_entry(&mut self, id: Uuid, last_day: Date) -> Result<(), BundleError> {
        self.close_roster_entry(id, last_day)?;
        self.rejudge_rosters()
    }

    /// Follows the rosters kept by `agency` (the city's coordinating agency, usually): our own
    /// agency, or a partner whose card a person has verified — a roster decides who receives
    /// cases, so it is never taken from an agency known only from an unverified card. Every
    /// partner op is judged again and state derived again. Returns how many verdicts changed.
    pub fn designate_roster_keeper(&mut self, agency: Uuid) -> Result<usize, BundleError> {
        let name = self.agency(agency)?.name;
        if agency != self.me.agency {
            let verified: Option<i64> = self
                .conn
                .query_row(
                    "SELECT 1 FROM card WHERE agency = ?1 AND verified_at IS NOT NULL AND revoked_at IS NULL",
                    [agency.as_bytes()],
                    |r| r.get(0),
                )
                .optional()?;
            if verified.is_none() {
                return Err(RecordError::Refused(msg!(
                    ja: "{name}の連携カードが照合されていません。照合番号を確かめてから名簿の管理機関にしてください",
                    en: "{name}'s member card has not been verified; compare its fingerprint first, then make it the roster keeper"
                ))
                .into());
            }
        }
        let me = self.me;
        self.write(|tx| {
            record::set_roster_keeper(tx.conn(), agency)?;
            tx.audit("roster.keeper", Some(agency.to_string()), Some(name.clone()));
            tx.flush()?;
            let parties = parties(tx.conn(), me)?;
            let changed = rejudge_all(tx, &parties)?;
            crate::log::rebuild(tx.conn(), None, crate::document::document)?;
            Ok(changed)
        })
    }

    /// Judges again every meeting, every case shared under a law that keeps a roster, and every
    /// scope with ops held for want of a roster entry, with the rosters as they now stand.
    fn rejudge_rosters(&mut self) -> Result<(), BundleError> {
        let parties = parties(&self.conn, self.me)?;
        self.write(|tx| {
            let mut scopes: BTreeSet<Scope> = stored_scopes(tx)?
                .into_iter()
                .filter(|s| matches!(s, Scope::Conference(_)))
                .collect();
            scopes.extend(scopes_held_for(tx, authority::HOLD_NOT_ON_ROSTER)?);
            scopes.extend(cases_sharing_under_rosters(tx)?);
            let mut t = Touched {
                scopes,
                ..Touched::default()
            };
            settle(tx, &mut t, &parties)?;
            Ok(())
        })
    }
}
