//! The disclosure ledger of a case (情報提供の記録): every time the case's records went to another
//! agency — which agency, from when to when, on which legal basis, for what purpose, and why it
//! ended — and every meeting that took the case up, with the agencies invited. It is read from the
//! operation log, not from the share records' latest state, so a share that ended and was given
//! again shows as two entries, and nothing in it can be edited: it is what the privacy review and
//! a person's 開示請求 are shown.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::{
    Error, Vault,
    ja::Date,
    log::{Op, Scope},
    record::{self, Basis, ConsentPurpose, load_all},
};

/// One entry of the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Disclosure {
    /// The agency that received the records (for a meeting: each invited agency, one entry each).
    pub agency: Uuid,
    pub agency_name: String,
    /// What went: the case's records, or the case as a meeting's 検討ケース.
    pub what: DisclosureKind,
    /// The legal basis, as its code (`shien-kaigi`, `consent:<id>` …) and in Japanese.
    pub basis: String,
    pub basis_ja: String,
    /// For a share under consent: the purpose it served.
    pub purpose: Option<ConsentPurpose>,
    /// For a meeting: which one.
    pub meeting: Option<Uuid>,
    pub from: Date,
    /// When access ended (a share removed, or ended when its consent was withdrawn or ran out);
    /// None while it lasts, and for a meeting (what was said there stays in its record).
    pub until: Option<Date>,
    pub ended_reason: Option<String>,
    /// For a disclosure for a meeting: the last day of access it was given (it ends then unless
    /// the meeting decided a lasting share).
    #[serde(default)]
    pub last_day: Option<Date>,
    /// The case's shared contact-log entries (支援経過) were left out.
    #[serde(default)]
    pub without_progress_notes: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DisclosureKind {
    /// The case's records, household and members (a share of the case).
    CaseRecords,
    /// The case discussed at a meeting.
    Meeting,
}

impl DisclosureKind {
    pub fn label_ja(self) -> &'static str {
        match self {
            DisclosureKind::CaseRecords => "ケース記録一式（世帯・世帯員を含む）",
            DisclosureKind::Meeting => "会議での検討（検討ケース）",
        }
    }
}

fn date_of(fields: &Map<String, Value>, k: &str) -> Option<Date> {
    fields.get(k)?.as_str()?.parse().ok()
}

impl Vault {
    /// The disclosure ledger of a case, oldest first; logged as a view.
    pub fn disclosure_ledger(&mut self, case: Uuid) -> Result<Vec<Disclosure>, Error> {
        let out = self.disclosure_ledger_quiet(case)?;
        self.audit_now("case.disclosures", Some(case.to_string()), None)?;
        Ok(out)
    }

    /// The ledger without the audit entry, for reads inside another audited one (a person's
    /// records for a disclosure request).
    pub(crate) fn disclosure_ledger_quiet(&self, case: Uuid) -> Result<Vec<Disclosure>, Error> {
        let c = self.case_quiet(case)?;
        let names: HashMap<Uuid, String> = self.agencies()?.into_iter().map(|a| (a.id, a.name)).collect();
        let name = |a: &Uuid| names.get(a).cloned().unwrap_or_else(|| a.to_string());
        let mut out = Vec::new();

        // The share records' history: every applied op on them, in the order they took effect.
        let mut ops: Vec<Op> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT o.header, o.body FROM op o JOIN series r ON r.id = o.series JOIN scope s ON s.id = r.scope
                 WHERE s.name = ?1 AND o.held IS NULL",
            )?;
            let rows = stmt.query_map([Scope::Case(case).to_string()], |r| {
                Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Option<Vec<u8>>>(1)?))
            })?;
            let mut ops = Vec::new();
            for row in rows {
                let (h, b) = row?;
                if let Ok(op) = Op::from_bytes(h, b) {
                    if op.header.etype == "share" {
                        ops.push(op);
                    }
                }
            }
            ops
        };
        ops.sort_by_key(|o| (o.header.hlc, o.header.site, o.header.id));
        let mut state: HashMap<Uuid, Map<String, Value>> = HashMap::new();
        // Share record → the index in `out` of its open entry.
        let mut open: HashMap<Uuid, usize> = HashMap::new();
        for op in &ops {
            // A purged body says nothing more about when the share started or ended.
            let Ok(Some(fields)) = op.fields() else {
                continue;
            };
            let s = state.entry(op.header.entity).or_default();
            for (k, v) in fields {
                s.insert(k, v);
            }
            let active = s.get("active").and_then(Value::as_bool) == Some(true);
            let since = date_of(s, "since");
            let basis = s.get("basis").and_then(Value::as_str).map(str::to_string);
            let agency = s
                .get("agency")
                .and_then(Value::as_str)
                .and_then(|a| Uuid::parse_str(a).ok());
            let purpose: Option<ConsentPurpose> = s.get("purpose").and_then(|p| serde_json::from_value(p.clone()).ok());
            let meeting = s
                .get("meeting")
                .and_then(Value::as_str)
                .and_then(|m| Uuid::parse_str(m).ok());
            let last_day = date_of(s, "until");
            let without_progress_notes = s.get("progress_notes").and_then(Value::as_bool) == Some(false);
            let was = open.get(&op.header.entity).copied();
            // A change of basis or start while active ends one entry and starts the next.
            let same = was.is_some_and(|i: usize| {
                let e: &Disclosure = &out[i];
                Some(&e.basis) == basis.as_ref() && Some(e.from) == since
            });
            if let Some(i) = was.filter(|_| active && same) {
                // Extended for a later meeting, or made lasting by a meeting's record.
                out[i].last_day = last_day;
                out[i].without_progress_notes = without_progress_notes;
                out[i].meeting = meeting.or(out[i].meeting);
            }
            if let Some(i) = was.filter(|_| !active || !same) {
                let e: &mut Disclosure = &mut out[i];
                e.until = if active { since } else { date_of(s, "removed").or(since) };
                e.ended_reason = if active {
                    Some("根拠または期間の変更 / basis or period changed".into())
                } else {
                    s.get("removed_reason").and_then(Value::as_str).map(str::to_string)
                };
                open.remove(&op.header.entity);
            }
            if active && !same {
                if let (Some(agency), Some(from), Some(basis)) = (agency, since, basis) {
                    let basis_ja = Basis::parse(&basis)
                        .map(|b| b.label_ja().to_string())
                        .unwrap_or_else(|_| basis.clone());
                    open.insert(op.header.entity, out.len());
                    out.push(Disclosure {
                        agency,
                        agency_name: name(&agency),
                        what: DisclosureKind::CaseRecords,
                        basis,
                        basis_ja,
                        purpose,
                        meeting,
                        from,
                        until: None,
                        ended_reason: None,
                        last_day,
                        without_progress_notes,
                    });
                }
            }
        }

        // Meetings that took the case up: every invited agency but the lead heard it.
        for st in load_all(&self.conn, "agenda-item", None)? {
            let Ok(item) = record::view::<crate::meeting::AgendaItem>(&st) else {
                continue;
            };
            if item.case != case || item.removed {
                continue;
            }
            let Ok(m) = self.meeting(item.meeting) else {
                continue;
            };
            let basis = Basis::of_conference_type(&m.kind);
            for a in m.attendees.iter().filter(|a| **a != c.lead_agency) {
                out.push(Disclosure {
                    agency: *a,
                    agency_name: name(a),
                    what: DisclosureKind::Meeting,
                    basis: m.kind.clone(),
                    basis_ja: basis.map_or_else(
                        || m.type_label.clone(),
                        |b| {
                            // 支援会議's basis already names it: 支援会議（社会福祉法第106条の6）.
                            if b.label_ja().starts_with(m.type_label.as_str()) {
                                b.label_ja().to_string()
                            } else {
                                format!("{}（{}）", m.type_label, b.label_ja())
                            }
                        },
                    ),
                    purpose: Basis::purpose_of_conference(&m.kind),
                    meeting: Some(m.id),
                    from: m.date,
                    until: None,
                    ended_reason: None,
                    last_day: None,
                    without_progress_notes: false,
                });
            }
        }
        out.sort_by(|a, b| a.from.cmp(&b.from).then(a.agency_name.cmp(&b.agency_name)));
        Ok(out)
    }
}
