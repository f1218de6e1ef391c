//! Who sees and writes what. Every case has a lead agency (主担当機関) and a share set: the
//! agencies that may see and write it, each under a recorded legal basis. Only the lead changes
//! the share set or hands over the lead. Authorisation of ops received from partners is a pure
//! function of the ops themselves, replayed in (HLC, site, op id) order, so every vault that
//! holds the same ops reaches the same verdicts.

use kasane_store::{Kind, StoreError};
use std::collections::BTreeSet;

use serde_json::Value;
use uuid::Uuid;

pub use crate::record::{Basis, Share};
use crate::{
    Vault,
    ja::Date,
    log::Scope,
    record::{self, Consent, Fields, RecordError, load_all, view},
};

#[derive(Debug, thiserror::Error)]
pub enum ShareError {
    #[error(
        "sharing needs a legal basis; choose one of: shien-kaigi (支援会議, 社会福祉法106条の6), jusoteki-shien-kaigi (重層的支援会議, with consent), yotaikyo (要対協), chiiki-care-kaigi (地域ケア会議), konkyu-shien-kaigi (支援会議, 生活困窮者自立支援法9条), or consent:<id> (a consent record)"
    )]
    NoBasis,
    #[error("{0}")]
    Consent(record::Msg),
    #[error("the case is already led by {0}")]
    OwnAgency(String),
    #[error("the case is not shared with {0}")]
    NotShared(String),
    /// The agency is not on the roster of any conference sharing under that basis.
    #[error("{0}")]
    NotOnRoster(record::Msg),
    /// The basis's law is for some people only, and the case's records do not show it is one.
    #[error("{0}")]
    OutsideRemit(record::Msg),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Record(#[from] RecordError),
}

kasane_store::carries_store_errors!(ShareError);

impl ShareError {
    pub fn kind(&self) -> Kind {
        match self {
            ShareError::Store(e) => e.kind(),
            ShareError::Record(e) => e.kind(),
            _ => Kind::Refused,
        }
    }
    pub fn code(&self) -> &'static str {
        match self {
            ShareError::Store(e) => e.code(),
            ShareError::Record(e) => e.code(),
            ShareError::NoBasis => "share.no-basis",
            ShareError::Consent(_) => "share.consent",
            ShareError::OwnAgency(_) => "share.own-agency",
            ShareError::NotShared(_) => "share.not-shared",
            ShareError::NotOnRoster(_) => "share.not-on-roster",
            ShareError::OutsideRemit(_) => "share.outside-remit",
        }
    }

    /// The message in Japanese, as a case worker reads it: what happened and what to do.
    pub fn message_ja(&self) -> String {
        match self {
            ShareError::Store(e) => e.message_ja(),
            ShareError::Record(e) => e.message_ja(),
                ShareError::NoBasis => "共有には法的根拠が必要です。支援会議（社会福祉法第106条の6）、重層的支援会議（本人同意）、要対協、地域ケア会議、支援会議（生活困窮者自立支援法第9条）、または同意記録から選んでください".into(),
                ShareError::Consent(m) => m.ja.clone(),
                ShareError::OwnAgency(a) => format!("このケースの主担当は{a}です"),
                ShareError::NotShared(a) => format!("このケースは{a}と共有していません"),
                ShareError::NotOnRoster(m) => m.ja.clone(),
                ShareError::OutsideRemit(m) => m.ja.clone(),
            }
    }
}

/// A disclosure for a meeting: the meeting, the last day of access, and whether the case's
/// shared contact-log entries go too.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MeetingTerm {
    pub meeting: Uuid,
    pub until: Date,
    pub progress_notes: bool,
}

/// What ending lapsed access did: the (case, agency) shares this agency ended, and the scopes
/// of cases disclosed to it that it erased.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Lapsed {
    pub ended: Vec<(Uuid, Uuid)>,
    pub purged: Vec<String>,
}

// One share entity per (case, agency): re-sharing after a removal reuses it, and two sites of
// the lead agency sharing at once write the same entity instead of two.
use crate::authority::share_id;

impl Vault {
    /// Records a withdrawal. Shares of this agency's cases that rested on the consent end, and
    /// the partners' copies are asked to purge (returns the (case, agency) shares ended).
    pub fn withdraw_consent(&mut self, id: Uuid, on: Date) -> Result<Vec<(Uuid, Uuid)>, ShareError> {
        let household = self.write(|tx| -> Result<_, ShareError> {
            let st = tx.expect(id, "consent")?;
            let c: Consent = view(st)?;
            if let Some(w) = c.withdrawn {
                return Err(RecordError::Refused(record::msg!(ja: "この同意は {w} にすでに撤回されています", en: "this consent was already withdrawn on {w}")).into());
            }
            if on < c.date {
                return Err(RecordError::Inconsistent({
                    let given = c.date;
                    record::msg!(ja: "撤回日（{on}）は同意日（{given}）より前にできません", en: "withdrawal ({on}) cannot be before the consent was given ({given})")
                })
                .into());
            }
            tx.set(id, Fields::new().put("withdrawn", on).into_map())?;
            tx.audit("consent.withdraw", Some(id.to_string()), None);
            Ok(c.household)
        })?;
        self.end_shares_resting_on(household, id)
    }

    /// Shares a case with an agency under a legal basis. Only the lead agency may; a basis that
    /// needs consent is checked against the consent records.
    pub fn share_case(&mut self, case: Uuid, agency: Uuid, basis: Option<Basis>) -> Result<(), ShareError> {
        self.share_cases(&[case], agency, basis)
    }

    /// Shares several cases with one agency in one transaction (all or none).
    pub fn share_cases(&mut self, cases: &[Uuid], agency: Uuid, basis: Option<Basis>) -> Result<(), ShareError> {
        let basis = basis.ok_or(ShareError::NoBasis)?;
        self.share_cases_for(cases, agency, basis, basis.default_purpose(), None)
    }

    /// Shares cases for a purpose (a meeting, a referral): a share under the person's consent
    /// names it, and the consent must include it. A disclosure for a meeting names the meeting
    /// and its last day (`term`); any other share lasts until it is removed.
    pub(crate) fn share_cases_for(
        &mut self,
        cases: &[Uuid],
        agency: Uuid,
        basis: Basis,
        purpose: Option<record::ConsentPurpose>,
        term: Option<MeetingTerm>,
    ) -> Result<(), ShareError> {
        let purpose = if basis.needs_consent() {
            purpose.or(basis.default_purpose())
        } else {
            None
        };
        let target = self.agency(agency)?;
        let today = self.ambient.clock.today();
        self.require_roster(basis, agency, today)?;
        let mut checked = Vec::with_capacity(cases.len());
        for &case in cases {
            let c = self.case_quiet(case)?;
            self.require_lead(&c)?;
            if agency == c.lead_agency {
                return Err(ShareError::OwnAgency(target.name));
            }
            if let Some(purpose) = purpose {
                self.check_consent(&c, agency, &target.name, basis, purpose, today)?;
            }
            if crate::authority::Remit::conference_of_basis(&basis.code()).is_some() {
                let members = self.members_of(c.household)?;
                if let Some(why) = crate::remit::outside_for_basis(&basis.code(), today, &members, &c.problems) {
                    return Err(ShareError::OutsideRemit(why));
                }
            }
            checked.push((case, c.household));
        }
        let peers = crate::peers::sites_of_agency(&self.conn, agency)?;
        self.write(|tx| {
            for &(case, household) in &checked {
                let id = share_id(case, agency);
                let fields = Fields::new()
                    .put("basis", basis)
                    .put("active", true)
                    .put("since", today)
                    .maybe("purpose", purpose)
                    .maybe("meeting", term.map(|t| t.meeting))
                    .maybe("until", term.map(|t| t.until))
                    .maybe("progress_notes", term.map(|t| t.progress_notes))
                    .put("removed", Value::Null)
                    .put("removed_reason", Value::Null);
                if tx.entity(id)?.is_some() {
                    // Sharing again clears what an earlier share had: a consent share's purpose,
                    // a meeting disclosure's meeting and last day. The agency never changes (a
                    // partner holds a change of it as a change of what the record is).
                    let fields = fields
                        .put("purpose", purpose)
                        .put("meeting", term.map(|t| t.meeting))
                        .put("until", term.map(|t| t.until))
                        .put("progress_notes", term.map(|t| t.progress_notes));
                    tx.set(id, fields.into_map())?;
                } else {
                    let fields = fields.put("agency", agency).into_map();
                    tx.create_with_id(id, Scope::Case(case), "share", Some(case), fields)?;
                }
                // The agency may hold stubs from an earlier share that was removed: send it all again.
                for site in &peers {
                    crate::peers::forget_acks(
                        tx.conn(),
                        *site,
                        &[Scope::Case(case), Scope::Progress(case), Scope::Household(household)],
                    )?;
                }
                tx.audit(
                    "case.share",
                    Some(case.to_string()),
                    Some(format!("{} {}", agency, basis.code())),
                );
            }
            Ok(())
        })
    }

    /// Removes an agency from a case. Future bundles stop carrying the case to it and ask its
    /// copy to be purged.
    pub fn unshare_case(&mut self, case: Uuid, agency: Uuid, reason: &str) -> Result<(), ShareError> {
        let c = self.case_quiet(case)?;
        self.require_lead(&c)?;
        let name = self
            .agency(agency)
            .map(|a| a.name)
            .unwrap_or_else(|_| agency.to_string());
        let id = share_id(case, agency);
        let today = self.ambient.clock.today();
        let reason = record::require_text("reason", reason)?;
        self.write(|tx| {
            let active = tx
                .entity(id)?
                .and_then(|st| st.fields.get("active").and_then(Value::as_bool))
                .unwrap_or(false);
            if !active {
                return Err(ShareError::NotShared(name.clone()));
            }
            tx.set(
                id,
                Fields::new()
                    .put("active", false)
                    .put("removed", today)
                    .put("removed_reason", &reason)
                    .into_map(),
            )?;
            tx.audit(
                "case.unshare",
                Some(case.to_string()),
                Some(format!("{agency}: {reason}")),
            );
            Ok(())
        })
    }

    /// A basis whose conferences keep a roster shares only with an agency on one of their
    /// rosters on the day.
    fn require_roster(&self, basis: Basis, agency: Uuid, day: Date) -> Result<(), ShareError> {
        let rosters = self.rosters_in_force()?;
        if rosters.covers_basis(&basis.code(), agency, day) != Some(false) {
            return Ok(());
        }
        // Off every roster in force for the basis: the refusal names the first of them.
        let refusal = crate::reference::conference_types()
            .iter()
            .filter(|t| record::roster_basis(t.code) == Some(basis))
            .find_map(|t| self.roster_refusal(&rosters, t.code, &[agency], day).transpose())
            .transpose()?;
        match refusal {
            Some(m) => Err(ShareError::NotOnRoster(m)),
            None => Ok(()),
        }
    }

    /// A share under the person's consent must rest on a consent that covers it: the case's
    /// 本人's, in force on the day, naming the agency, for the purpose, for every kind of
    /// information (the whole case travels). Under 重層的支援会議 any such consent will do; a
    /// share on a consent record, that one.
    fn check_consent(
        &self,
        case: &record::Case,
        agency: Uuid,
        agency_name: &str,
        basis: Basis,
        purpose: record::ConsentPurpose,
        today: jiff::civil::Date,
    ) -> Result<(), ShareError> {
        let consents = self.consents_of(case.household)?;
        let u = record::ConsentUse {
            agency,
            day: today,
            purpose: purpose.code(),
            key_person: case.key_person,
        };
        let key_name = || -> String {
            let Some(p) = case.key_person else {
                return String::new();
            };
            self.members_of(case.household)
                .ok()
                .and_then(|ms| ms.into_iter().find(|m| m.id == p))
                .map(|m| m.full_name())
                .unwrap_or_default()
        };
        match basis {
            Basis::Consent(id) => {
                let k = consents.iter().find(|k| k.id == id).ok_or_else(|| {
                    ShareError::Consent(record::msg!(ja: "同意 {id} はこの世帯の同意記録ではありません", en: "consent {id} is not a consent record of this household"))
                })?;
                k.covers(&u, false)
                    .map_err(|why| ShareError::Consent(why.explain(k, agency_name, purpose, &key_name())))
            }
            _ => {
                let mut first_refusal = None;
                for k in &consents {
                    match k.covers(&u, false) {
                        Ok(()) => return Ok(()),
                        Err(why) => {
                            first_refusal.get_or_insert_with(|| why.explain(k, agency_name, purpose, &key_name()));
                        }
                    }
                }
                let why = first_refusal
                    .map(|m| m.ja)
                    .unwrap_or_else(|| "同意の記録がありません".into());
                Err(ShareError::Consent(record::msg!(
                    ja: "重層的支援会議では本人の同意がある場合だけ共有できますが、{agency_name}への共有を認める有効な同意がありません（{why}）。先に同意を記録してください",
                    en: "重層的支援会議 shares only with the person's consent, and no consent of this household in force covers sharing with {agency_name}; record one first (kasane consent add)"
                )))
            }
        }
    }

    /// Ends the access that has run out, before anything is sent or shown: this agency's shares
    /// that rest on a consent whose period is over, and its disclosures for a meeting past their
    /// last day (the partners' copies are then asked to purge); and this agency's own copies of
    /// cases disclosed to it for a meeting whose last day has passed, erased here without waiting
    /// for the lead's request.
    pub fn end_lapsed_shares(&mut self) -> Result<Lapsed, ShareError> {
        let mut ended = self.end_lapsed_consent_shares()?;
        ended.extend(self.end_lapsed_disclosures()?);
        let purged = self.purge_lapsed_disclosures()?;
        Ok(Lapsed { ended, purged })
    }

    fn end_lapsed_consent_shares(&mut self) -> Result<Vec<(Uuid, Uuid)>, ShareError> {
        let today = self.ambient.clock.today();
        // Only households with an active share resting on consent can have one to end.
        let resting: BTreeSet<Uuid> = self
            .conn
            .prepare_cached(
                "SELECT c.parent FROM entity s JOIN entity c ON c.id = s.parent
                 WHERE s.etype = 'share' AND json_extract(s.fields, '$.active') = 1
                   AND (json_extract(s.fields, '$.basis') = 'jusoteki-shien-kaigi'
                        OR json_extract(s.fields, '$.basis') LIKE 'consent:%')
                   AND json_extract(c.fields, '$.lead_agency') = ?1",
            )?
            .query_map([self.me.agency.to_string()], |r| r.get::<_, Option<Vec<u8>>>(0))?
            .filter_map(|r| r.ok().flatten().and_then(|b| Uuid::from_slice(&b).ok()))
            .collect();
        let mut ended = Vec::new();
        for household in resting {
            let lapsed = self
                .consents_of(household)?
                .iter()
                .any(|k| k.withdrawn.is_none() && k.until.is_some_and(|u| u < today));
            if lapsed {
                ended.extend(self.end_shares_uncovered(household, None, "同意期間の終了 / consent period over")?);
            }
        }
        Ok(ended)
    }

    /// Active shares past their last day (`until`, stored as YYYY-MM-DD so text order is date
    /// order): of cases this agency leads (`ours`), or of cases another agency leads that were
    /// disclosed to this agency.
    fn lapsed_disclosures(&self, ours: bool) -> Result<Vec<(Uuid, Uuid)>, ShareError> {
        let today = self.ambient.clock.today().to_string();
        let me = self.me.agency.to_string();
        let sql = if ours {
            "SELECT s.parent, json_extract(s.fields, '$.agency') FROM entity s JOIN entity c ON c.id = s.parent
             WHERE s.etype = 'share' AND json_extract(s.fields, '$.active') = 1
               AND json_extract(s.fields, '$.until') < ?1 AND json_extract(c.fields, '$.lead_agency') = ?2"
        } else {
            "SELECT s.parent, json_extract(s.fields, '$.agency') FROM entity s JOIN entity c ON c.id = s.parent
             WHERE s.etype = 'share' AND json_extract(s.fields, '$.active') = 1
               AND json_extract(s.fields, '$.until') < ?1 AND json_extract(s.fields, '$.agency') = ?2
               AND json_extract(c.fields, '$.lead_agency') <> ?2"
        };
        let rows: Vec<(Option<Vec<u8>>, Option<String>)> = self
            .conn
            .prepare_cached(sql)?
            .query_map([&today, &me], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows
            .into_iter()
            .filter_map(|(c, a)| Some((Uuid::from_slice(&c?).ok()?, Uuid::parse_str(&a?).ok()?)))
            .collect())
    }

    fn end_lapsed_disclosures(&mut self) -> Result<Vec<(Uuid, Uuid)>, ShareError> {
        let lapsed = self.lapsed_disclosures(true)?;
        for &(case, agency) in &lapsed {
            self.unshare_case(
                case,
                agency,
                "会議のための情報提供の期間終了 / the disclosure for the meeting ended",
            )?;
        }
        Ok(lapsed)
    }

    /// Erases this agency's copies of cases disclosed to it for a meeting whose last day has
    /// passed, and of their households when it sees no other case there.
    fn purge_lapsed_disclosures(&mut self) -> Result<Vec<String>, ShareError> {
        let lapsed = self.lapsed_disclosures(false)?;
        if lapsed.is_empty() {
            return Ok(Vec::new());
        }
        let me = self.me.agency;
        let households: BTreeSet<Uuid> = lapsed
            .iter()
            .filter_map(|(c, _)| self.case_quiet(*c).ok().map(|c| c.household))
            .collect();
        self.write(|tx| -> Result<_, ShareError> {
            let mut purged = Vec::new();
            let mut erase = |tx: &mut crate::log::Tx<'_>, scope: Scope| -> Result<(), ShareError> {
                let n = tx.purge_scope(scope)?;
                tx.audit(
                    "purge",
                    Some(scope.to_string()),
                    Some(format!("{n} bodies erased: the disclosure for the meeting ended")),
                );
                purged.push(scope.to_string());
                Ok(())
            };
            for &(case, _) in &lapsed {
                erase(tx, Scope::Case(case))?;
                erase(tx, Scope::Progress(case))?;
            }
            let visible = visible_scopes(tx.conn(), me)?;
            for h in households.into_iter().map(Scope::Household) {
                if !visible.contains(&h) {
                    erase(tx, h)?;
                }
            }
            Ok(purged)
        })
    }

    /// After a consent is withdrawn, shares that rested on it end (for cases this agency leads).
    pub(crate) fn end_shares_resting_on(
        &mut self,
        household: Uuid,
        consent: Uuid,
    ) -> Result<Vec<(Uuid, Uuid)>, ShareError> {
        self.end_shares_uncovered(household, Some(consent), "同意撤回 / consent withdrawn")
    }

    /// Ends the active shares of this agency's cases in a household that rest on the person's
    /// consent and that no consent in force today covers any more — or that named `consent`.
    fn end_shares_uncovered(
        &mut self,
        household: Uuid,
        consent: Option<Uuid>,
        reason: &str,
    ) -> Result<Vec<(Uuid, Uuid)>, ShareError> {
        let today = self.ambient.clock.today();
        let consents = self.consents_of(household)?;
        let mut ended = Vec::new();
        for st in load_all(&self.conn, "case", Some(household))? {
            let Ok(c) = view::<record::Case>(&st) else {
                continue;
            };
            if c.lead_agency != self.me.agency {
                continue;
            }
            for s in self.shares_of(c.id)?.into_iter().filter(|s| s.active) {
                let Some(purpose) = s
                    .purpose
                    .or(s.basis.default_purpose())
                    .filter(|_| s.basis.needs_consent())
                else {
                    continue;
                };
                let u = record::ConsentUse {
                    agency: s.agency,
                    day: today,
                    purpose: purpose.code(),
                    key_person: c.key_person,
                };
                // Shares made before consents had a purpose and kinds stand on old-form consents.
                let covered = |k: &Consent| k.covers(&u, true).is_ok();
                let ends = match s.basis {
                    Basis::Consent(id) => Some(id) == consent || !consents.iter().any(|k| k.id == id && covered(k)),
                    _ => !consents.iter().any(covered),
                };
                if ends {
                    self.unshare_case(c.id, s.agency, reason)?;
                    ended.push((c.id, s.agency));
                }
            }
        }
        Ok(ended)
    }
}

/// Scopes an agency may see: the directory, every case it leads or is actively shared (with its
/// progress scope unless the share leaves the contact-log entries out), and the households of
/// those cases. Local scopes never.
pub(crate) fn visible_scopes(conn: &rusqlite::Connection, agency: Uuid) -> Result<BTreeSet<Scope>, ShareError> {
    let mut out = BTreeSet::new();
    out.insert(Scope::Directory);
    let a = agency.to_string();
    let mut cases: BTreeSet<Uuid> = BTreeSet::new();
    // Cases whose shared contact-log entries the agency sees too.
    let mut progress: BTreeSet<Uuid> = BTreeSet::new();
    {
        let mut stmt = conn.prepare_cached(
            "SELECT parent, coalesce(json_extract(fields, '$.progress_notes'), 1) FROM entity WHERE etype = 'share' AND json_extract(fields, '$.agency') = ?1 AND json_extract(fields, '$.active') = 1",
        )?;
        let mut rows = stmt.query([&a])?;
        while let Some(r) = rows.next()? {
            if let Some(p) = r.get::<_, Option<Vec<u8>>>(0)?.and_then(|p| Uuid::from_slice(&p).ok()) {
                cases.insert(p);
                if r.get::<_, i64>(1)? != 0 {
                    progress.insert(p);
                }
            }
        }
        let mut stmt = conn.prepare_cached(
            "SELECT id FROM entity WHERE etype = 'case' AND json_extract(fields, '$.lead_agency') = ?1",
        )?;
        let mut rows = stmt.query([&a])?;
        while let Some(r) = rows.next()? {
            let c = Uuid::from_slice(&r.get::<_, Vec<u8>>(0)?).unwrap_or_default();
            cases.insert(c);
            progress.insert(c);
        }
    }
    // A meeting goes to its coordinator and attendees — to each only if every case on its agenda
    // is one that agency may see, because the record holds what was said about each.
    {
        let mut stmt = conn.prepare_cached(
            "SELECT m.id, json_extract(m.fields, '$.coordinator'), json_extract(m.fields, '$.attendees') FROM entity m WHERE m.etype = 'meeting'",
        )?;
        let meetings: Vec<(Vec<u8>, Option<String>, Option<String>)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut items = conn.prepare_cached(
            "SELECT json_extract(fields, '$.case') FROM entity WHERE etype = 'agenda-item' AND parent = ?1 AND coalesce(json_extract(fields, '$.removed'), 0) = 0",
        )?;
        for (id, coordinator, attendees) in meetings {
            let Ok(id) = Uuid::from_slice(&id) else { continue };
            let invited = coordinator.as_deref() == Some(a.as_str())
                || attendees.as_deref().is_some_and(|list| list.contains(&a));
            if !invited {
                continue;
            }
            let agenda: Vec<Option<String>> = items
                .query_map([id.as_bytes()], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let all_visible = agenda.iter().all(|c| {
                c.as_deref()
                    .and_then(|c| Uuid::parse_str(c).ok())
                    .is_some_and(|c| cases.contains(&c))
            });
            if all_visible {
                out.insert(Scope::Conference(id));
            }
        }
    }
    let mut stmt = conn.prepare_cached("SELECT parent FROM entity WHERE id = ?1 AND etype = 'case'")?;
    out.extend(progress.into_iter().map(Scope::Progress));
    for c in cases {
        out.insert(Scope::Case(c));
        if let Some(h) = stmt
            .query_row([c.as_bytes()], |r| r.get::<_, Option<Vec<u8>>>(0))
            .ok()
            .flatten()
            .and_then(|p| Uuid::from_slice(&p).ok())
        {
            out.insert(Scope::Household(h));
        }
    }
    Ok(out)
}
