//! Conference rosters (構成員名簿): which agencies are members of a conference whose law lets
//! members share without the person's consent (支援会議, 要対協, 地域ケア会議, 困窮の支援会議), from
//! when to when, under which 要綱. The city keeps them and they travel in the directory like any
//! entry; each vault counts only the entries of the keeper it designated (its own agency until it
//! names another), so a partner cannot put itself on a roster by writing an entry.

use std::collections::HashMap;

use rusqlite::OptionalExtension as _;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Basis, Fields, Record, RecordError, conflicts_of, load_all, load_one, msg, require_text, view};
use crate::{
    Vault,
    authority::{Membership, Rosters},
    ja::{Date, wareki},
    log::{EntityState, Scope},
};

/// vault_meta key naming the agency whose roster entries count here.
const KEEPER_KEY: &str = "roster_keeper";

/// One agency's membership of one conference for one period.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RosterEntry {
    #[serde(skip_deserializing)]
    pub id: Uuid,
    /// The conference type's code (shien-kaigi, kobetsu-case-kento …).
    pub conference: String,
    pub agency: Uuid,
    /// First day of membership.
    pub from: Date,
    /// Last day of membership; open-ended when absent.
    #[serde(default)]
    pub to: Option<Date>,
    /// The 要綱 (or council decision) that makes the agency a member.
    pub charter: String,
    /// The agency that keeps the roster (wrote the entry).
    pub keeper: Uuid,
    #[serde(skip_deserializing)]
    pub conflicts: Vec<String>,
}

impl Record for RosterEntry {
    const ETYPE: &'static str = "roster-entry";
    fn set_meta(&mut self, st: &EntityState) {
        self.id = st.id;
        self.conflicts = conflicts_of(st);
    }
}

impl RosterEntry {
    /// A member on `day`.
    pub fn covers(&self, day: Date) -> bool {
        self.from <= day && self.to.is_none_or(|t| day <= t)
    }
}

#[derive(Debug, Clone)]
pub struct NewRosterEntry {
    pub conference: String,
    pub agency: Uuid,
    pub from: Date,
    pub to: Option<Date>,
    pub charter: String,
}

/// The legal basis of a conference type that needs a roster (its law frees sharing without
/// consent), or None.
pub fn roster_basis(conference: &str) -> Option<Basis> {
    Basis::of_conference_type(conference).filter(|b| !b.needs_consent())
}

/// The agency whose roster entries count in this vault.
pub(crate) fn keeper(conn: &rusqlite::Connection, own: Uuid) -> Result<Uuid, RecordError> {
    let stored: Option<Vec<u8>> = conn
        .query_row("SELECT value FROM vault_meta WHERE key = ?1", [KEEPER_KEY], |r| {
            r.get(0)
        })
        .optional()
        .map_err(kasane_store::StoreError::from)?;
    Ok(stored.and_then(|b| Uuid::from_slice(&b).ok()).unwrap_or(own))
}

pub(crate) fn set_keeper(conn: &rusqlite::Connection, agency: Uuid) -> Result<(), RecordError> {
    conn.execute(
        "INSERT OR REPLACE INTO vault_meta (key, value) VALUES (?1, ?2)",
        rusqlite::params![KEEPER_KEY, agency.as_bytes().to_vec()],
    )
    .map_err(kasane_store::StoreError::from)?;
    Ok(())
}

/// The keeper's entries as applied, readable ones only.
fn entries(conn: &rusqlite::Connection, keeper: Uuid) -> Result<Vec<RosterEntry>, RecordError> {
    Ok(load_all(conn, "roster-entry", None)?
        .iter()
        .filter_map(|st| view::<RosterEntry>(st).ok())
        .filter(|e| e.keeper == keeper)
        .collect())
}

/// The rosters in force for the judge: the designated keeper's entries, and which conference
/// types need one.
pub(crate) fn rosters_in_force(conn: &rusqlite::Connection, own: Uuid) -> Result<Rosters, RecordError> {
    let keeper = keeper(conn, own)?;
    let statutory = crate::reference::conference_types()
        .iter()
        .filter_map(|t| roster_basis(t.code).map(|b| (t.code.to_string(), b.code())))
        .collect();
    let mut members: HashMap<(String, Uuid), Vec<Membership>> = HashMap::new();
    for e in entries(conn, keeper)? {
        members
            .entry((e.conference, e.agency))
            .or_default()
            .push((e.from, e.to));
    }
    Ok(Rosters { statutory, members })
}

/// A conference's name as case workers know it.
fn conference_label(code: &str) -> String {
    crate::reference::conference_type(code).map_or_else(|| code.to_string(), |t| t.label_ja.to_string())
}

impl Vault {
    /// The agency whose rosters this vault follows (its own until it names another).
    pub fn roster_keeper(&self) -> Result<Uuid, RecordError> {
        keeper(&self.conn, self.me.agency)
    }

    /// Every entry of the rosters this vault follows, by conference, agency name and start.
    pub fn rosters(&self) -> Result<Vec<RosterEntry>, RecordError> {
        let keeper = self.roster_keeper()?;
        let names: HashMap<Uuid, String> = self.agencies()?.into_iter().map(|a| (a.id, a.name)).collect();
        let mut out = entries(&self.conn, keeper)?;
        let order = |c: &str| crate::reference::conference_types().iter().position(|t| t.code == c);
        out.sort_by(|a, b| {
            (order(&a.conference), names.get(&a.agency), a.from, a.id).cmp(&(
                order(&b.conference),
                names.get(&b.agency),
                b.from,
                b.id,
            ))
        });
        Ok(out)
    }

    /// The rosters this vault follows, as the judge reads them.
    pub(crate) fn rosters_in_force(&self) -> Result<Rosters, RecordError> {
        rosters_in_force(&self.conn, self.me.agency)
    }

    /// A refusal naming the agencies of `agencies` that are off the conference's roster on the
    /// day; None when all are on it or no roster binds the conference.
    pub(crate) fn roster_refusal(
        &self,
        rosters: &Rosters,
        conference: &str,
        agencies: &[Uuid],
        day: Date,
    ) -> Result<Option<super::Msg>, RecordError> {
        if !rosters.requires(conference) {
            return Ok(None);
        }
        let mut off = Vec::new();
        for a in agencies.iter().filter(|a| !rosters.covers(conference, **a, day)) {
            off.push(self.agency(*a).map(|x| x.name).unwrap_or_else(|_| a.to_string()));
        }
        if off.is_empty() {
            return Ok(None);
        }
        let (label, who, on) = (conference_label(conference), off.join("、"), wareki(day));
        Ok(Some(msg!(
            ja: "{who}は{on}時点で{label}の構成員名簿に載っていません。名簿に載っている機関だけが出席し、ケースの共有を受けられます（名簿の管理機関に登録を依頼してください）",
            en: "{who} is not on the roster (構成員名簿) of {label} on {day}: only agencies on the roster attend its meetings and receive cases under its law; ask the roster's keeper to add them"
        )))
    }

    fn require_keeper(&self) -> Result<(), RecordError> {
        let keeper = self.roster_keeper()?;
        if keeper != self.me.agency {
            let name = self
                .agency(keeper)
                .map(|a| a.name)
                .unwrap_or_else(|_| keeper.to_string());
            return Err(RecordError::Refused(msg!(
                ja: "構成員名簿は{name}が管理しています。変更は{name}に依頼してください",
                en: "the rosters are kept by {name}; ask them to change it"
            )));
        }
        Ok(())
    }

    /// Puts an agency on a conference's roster for a period. Only the keeper writes rosters;
    /// a membership may not overlap another of the same agency in the same conference.
    pub(crate) fn insert_roster_entry(&mut self, new: NewRosterEntry) -> Result<Uuid, RecordError> {
        self.require_keeper()?;
        let conference = new.conference.trim();
        let Some(t) = crate::reference::conference_type(conference).filter(|t| roster_basis(t.code).is_some()) else {
            return Err(RecordError::BadChoice {
                field: "conference type",
                value: conference.to_string(),
                allowed: "shien-kaigi | kobetsu-case-kento | jitsumusha-kaigi | chiiki-care-kaigi | konkyu-shien-kaigi (conferences whose law lets members share without consent keep a roster)",
            });
        };
        let charter = require_text("charter", &new.charter)?;
        if let Some(to) = new.to.filter(|to| *to < new.from) {
            let from = new.from;
            return Err(RecordError::Inconsistent(msg!(
                ja: "名簿の終了日（{to}）が開始日（{from}）より前です",
                en: "the roster membership ends ({to}) before it starts ({from})"
            )));
        }
        let agency = self.agency(new.agency)?;
        let overlaps = entries(&self.conn, self.roster_keeper()?)?.into_iter().find(|e| {
            e.conference == t.code
                && e.agency == new.agency
                && e.from <= new.to.unwrap_or(Date::MAX)
                && new.from <= e.to.unwrap_or(Date::MAX)
        });
        if let Some(e) = overlaps {
            let (name, label, from) = (agency.name, t.label_ja, wareki(e.from));
            return Err(RecordError::Refused(msg!(
                ja: "{name}はすでに{from}から{label}の構成員名簿に載っています。期間を終えてから登録し直してください",
                en: "{name} is already on the roster of {label} from {from}; end that membership first"
            )));
        }
        let me = self.me.agency;
        let entry = self.write(|tx| {
            let f = Fields::new()
                .put("conference", t.code)
                .put("agency", new.agency)
                .put("from", new.from)
                .maybe("to", new.to)
                .put("charter", &charter)
                .put("keeper", me)
                .into_map();
            let id = tx.create(Scope::Directory, "roster-entry", None, f)?;
            tx.audit(
                "roster.add",
                Some(id.to_string()),
                Some(format!("{} {}", t.code, new.agency)),
            );
            Ok::<_, RecordError>(id)
        })?;
        Ok(entry)
    }

    /// Ends a membership on its last day. What was shared while the agency was a member stays
    /// explained by the roster as it was.
    pub(crate) fn close_roster_entry(&mut self, id: Uuid, last_day: Date) -> Result<(), RecordError> {
        self.require_keeper()?;
        let e: RosterEntry = view(&load_one(&self.conn, id, "roster-entry")?)?;
        if last_day < e.from {
            let from = e.from;
            return Err(RecordError::Inconsistent(msg!(
                ja: "終了日（{last_day}）が名簿の開始日（{from}）より前です",
                en: "the last day ({last_day}) is before the membership started ({from})"
            )));
        }
        self.write(|tx| {
            tx.set(id, Fields::new().put("to", last_day).into_map())?;
            tx.audit("roster.end", Some(id.to_string()), Some(last_day.to_string()));
            Ok::<_, RecordError>(())
        })
    }
}
