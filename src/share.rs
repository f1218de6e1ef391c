//! Who sees and writes what. Every case has a lead agency (主担当機関) and a share set: the
//! agencies that may see and write it, each under a recorded legal basis. Only the lead changes
//! the share set or hands over the lead. Authorisation of ops received from partners is a pure
//! function of the ops themselves, replayed in (HLC, site, op id) order, so every vault that
//! holds the same ops reaches the same verdicts.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::{
    Error, Vault,
    error::Kind,
    log::Scope,
    record::{self, Consent, Fields, RecordError, load_all, view},
};

/// The legal basis that lets an agency see a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Basis {
    /// 支援会議 (社会福祉法第106条の6): no consent needed; members bound by statutory confidentiality.
    ShienKaigi,
    /// 重層的支援会議: needs the person's consent.
    JusotekiShienKaigi,
    /// 要保護児童対策地域協議会 (児童福祉法第25条の2, 25条の5).
    Yotaikyo,
    /// 地域ケア会議 (介護保険法第115条の48).
    ChiikiCareKaigi,
    /// A specific consent record.
    Consent(Uuid),
}

impl Basis {
    pub fn code(&self) -> String {
        match self {
            Basis::ShienKaigi => "shien-kaigi".into(),
            Basis::JusotekiShienKaigi => "jusoteki-shien-kaigi".into(),
            Basis::Yotaikyo => "yotaikyo".into(),
            Basis::ChiikiCareKaigi => "chiiki-care-kaigi".into(),
            Basis::Consent(id) => format!("consent:{id}"),
        }
    }
    pub fn label_ja(&self) -> &'static str {
        match self {
            Basis::ShienKaigi => "支援会議（社会福祉法第106条の6）",
            Basis::JusotekiShienKaigi => "重層的支援会議（本人同意）",
            Basis::Yotaikyo => "要保護児童対策地域協議会（児童福祉法第25条の2）",
            Basis::ChiikiCareKaigi => "地域ケア会議（介護保険法第115条の48）",
            Basis::Consent(_) => "本人同意（同意記録）",
        }
    }
    /// Accepts the codes above, the conference-type codes that carry the same basis, or
    /// `consent:<id>`.
    pub fn parse(s: &str) -> Result<Basis, RecordError> {
        let t = s.trim();
        Ok(match t {
            "shien-kaigi" | "支援会議" => Basis::ShienKaigi,
            "jusoteki-shien-kaigi" | "重層的支援会議" => Basis::JusotekiShienKaigi,
            "yotaikyo" | "kobetsu-case-kento" | "jitsumusha-kaigi" | "要対協" => Basis::Yotaikyo,
            "chiiki-care-kaigi" | "地域ケア会議" => Basis::ChiikiCareKaigi,
            _ => match t.strip_prefix("consent:").map(|id| Uuid::parse_str(id.trim())) {
                Some(Ok(id)) => Basis::Consent(id),
                _ => {
                    return Err(RecordError::BadChoice {
                        field: "legal basis",
                        value: t.to_string(),
                        allowed: "shien-kaigi (支援会議) | jusoteki-shien-kaigi (重層的支援会議, needs consent) | yotaikyo (要対協) | chiiki-care-kaigi (地域ケア会議) | consent:<consent id>",
                    });
                }
            },
        })
    }
    /// The basis for a meeting of this conference type.
    pub fn of_conference_type(code: &str) -> Option<Basis> {
        match code {
            "shien-kaigi" => Some(Basis::ShienKaigi),
            "jusoteki-shien-kaigi" | "consent-only" => Some(Basis::JusotekiShienKaigi),
            "kobetsu-case-kento" | "jitsumusha-kaigi" => Some(Basis::Yotaikyo),
            "chiiki-care-kaigi" => Some(Basis::ChiikiCareKaigi),
            _ => None,
        }
    }
    pub fn needs_consent(&self) -> bool {
        matches!(self, Basis::JusotekiShienKaigi | Basis::Consent(_))
    }
}

impl Serialize for Basis {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.code())
    }
}
impl<'de> Deserialize<'de> for Basis {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Basis::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ShareError {
    #[error(
        "sharing needs a legal basis; choose one of: shien-kaigi (支援会議, 社会福祉法106条の6), jusoteki-shien-kaigi (重層的支援会議, with consent), yotaikyo (要対協), chiiki-care-kaigi (地域ケア会議), or consent:<id> (a consent record)"
    )]
    NoBasis,
    #[error("only the lead agency of this case ({lead}) can change who it is shared with or hand over the lead")]
    NotLead { lead: String },
    #[error("{0}")]
    Consent(record::Msg),
    #[error("the case is already led by {0}")]
    OwnAgency(String),
    #[error("the case is not shared with {0}")]
    NotShared(String),
}

impl ShareError {
    pub fn kind(&self) -> Kind {
        Kind::Refused
    }
    pub fn code(&self) -> &'static str {
        match self {
            ShareError::NoBasis => "share.no-basis",
            ShareError::NotLead { .. } => "share.not-lead",
            ShareError::Consent(_) => "share.consent",
            ShareError::OwnAgency(_) => "share.own-agency",
            ShareError::NotShared(_) => "share.not-shared",
        }
    }
}

/// One agency's place in a case's share set.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Share {
    #[serde(skip_deserializing)]
    pub id: Uuid,
    #[serde(skip_deserializing)]
    pub case: Uuid,
    pub agency: Uuid,
    pub basis: Basis,
    pub active: bool,
    pub since: jiff::civil::Date,
    #[serde(default)]
    pub removed: Option<jiff::civil::Date>,
    #[serde(default)]
    pub removed_reason: Option<String>,
    #[serde(skip_deserializing)]
    pub agency_name: String,
    #[serde(skip_deserializing)]
    pub conflicts: Vec<String>,
}

impl record::Record for Share {
    const ETYPE: &'static str = "share";
    fn set_meta(&mut self, st: &crate::log::EntityState) {
        self.id = st.id;
        self.case = st.parent.unwrap_or_default();
        self.conflicts = record::conflicts_of(st);
    }
}

// One share entity per (case, agency): re-sharing after a removal reuses it, and two sites of
// the lead agency sharing at once write the same entity instead of two.
use crate::authority::share_id;

impl Vault {
    /// Shares a case with an agency under a legal basis. Only the lead agency may; a basis that
    /// needs consent is checked against the consent records.
    pub fn share_case(&mut self, case: Uuid, agency: Uuid, basis: Option<Basis>) -> Result<(), Error> {
        self.share_cases(&[case], agency, basis)
    }

    /// Shares several cases with one agency in one transaction (all or none).
    pub fn share_cases(&mut self, cases: &[Uuid], agency: Uuid, basis: Option<Basis>) -> Result<(), Error> {
        let basis = basis.ok_or(ShareError::NoBasis)?;
        let target = self.agency(agency)?;
        let today = self.ambient.clock.today();
        let mut checked = Vec::with_capacity(cases.len());
        for &case in cases {
            let c = self.case_quiet(case)?;
            self.require_lead(&c)?;
            if agency == c.lead_agency {
                return Err(ShareError::OwnAgency(target.name).into());
            }
            if basis.needs_consent() {
                self.check_consent(c.household, agency, &target.name, basis, today)?;
            }
            checked.push((case, c.household));
        }
        let peers = crate::peers::sites_of_agency(&self.conn, agency)?;
        self.write(|tx| {
            for &(case, household) in &checked {
                let id = share_id(case, agency);
                let fields = Fields::new()
                    .put("agency", agency)
                    .put("basis", basis)
                    .put("active", true)
                    .put("since", today)
                    .put("removed", Value::Null)
                    .put("removed_reason", Value::Null)
                    .into_map();
                if tx.entity(id)?.is_some() {
                    tx.set(id, fields)?;
                } else {
                    tx.create_with_id(id, Scope::Case(case), "share", Some(case), fields)?;
                }
                // The agency may hold stubs from an earlier share that was removed: send it all again.
                for site in &peers {
                    crate::peers::forget_acks(tx.conn(), *site, &[Scope::Case(case), Scope::Household(household)])?;
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
    pub fn unshare_case(&mut self, case: Uuid, agency: Uuid, reason: &str) -> Result<(), Error> {
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
                return Err(ShareError::NotShared(name.clone()).into());
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

    /// The share set of a case (active and removed entries).
    pub fn shares_of(&self, case: Uuid) -> Result<Vec<Share>, Error> {
        let names: HashMap<Uuid, String> = self.agencies()?.into_iter().map(|a| (a.id, a.name)).collect();
        let mut out: Vec<Share> = load_all(&self.conn, "share", Some(case))?
            .iter()
            .filter_map(|st| view::<Share>(st).ok())
            .collect();
        for s in &mut out {
            s.agency_name = names.get(&s.agency).cloned().unwrap_or_else(|| s.agency.to_string());
        }
        out.sort_by(|a, b| b.active.cmp(&a.active).then(a.agency_name.cmp(&b.agency_name)));
        Ok(out)
    }

    pub(crate) fn require_lead(&self, c: &record::Case) -> Result<(), Error> {
        if c.lead_agency != self.me.agency {
            let lead = self
                .agency(c.lead_agency)
                .map(|a| a.name)
                .unwrap_or_else(|_| c.lead_agency.to_string());
            return Err(ShareError::NotLead { lead }.into());
        }
        Ok(())
    }

    fn check_consent(
        &self,
        household: Uuid,
        agency: Uuid,
        agency_name: &str,
        basis: Basis,
        today: jiff::civil::Date,
    ) -> Result<(), Error> {
        let consents = self.consents_of(household)?;
        let covers = |k: &Consent| k.agencies.is_empty() || k.agencies.contains(&agency);
        match basis {
            Basis::Consent(id) => {
                let k = consents.iter().find(|k| k.id == id).ok_or_else(|| {
                    ShareError::Consent(record::msg!(ja: "同意 {id} はこの世帯の同意記録ではありません", en: "consent {id} is not a consent record of this household"))
                })?;
                if let Some(w) = k.withdrawn.filter(|w| *w <= today) {
                    return Err(ShareError::Consent(
                        record::msg!(ja: "その同意は {w} に撤回されています", en: "that consent was withdrawn on {w}"),
                    )
                    .into());
                }
                if !k.is_valid_on(today) {
                    return Err(
                        ShareError::Consent({ let d = k.date; record::msg!(ja: "その同意の日付 {d} は未来です", en: "that consent is dated {d} (in the future)") }).into(),
                    );
                }
                if !covers(k) {
                    return Err(ShareError::Consent(record::msg!(ja: "その同意には{agency_name}が含まれていません。含む同意を記録してください", en: "that consent does not name {agency_name}; record a consent that does"))
                    .into());
                }
                Ok(())
            }
            _ => {
                if consents.iter().any(|k| k.is_valid_on(today) && covers(k)) {
                    Ok(())
                } else {
                    Err(ShareError::Consent(record::msg!(ja: "重層的支援会議では本人の同意がある場合だけ共有できますが、この世帯には{agency_name}を含む有効な同意がありません。先に同意を記録してください", en: "重層的支援会議 shares only with the person's consent, and no member of this household has a valid consent covering {agency_name}; record one first (kasane consent add)"))
                    .into())
                }
            }
        }
    }

    /// After a consent is withdrawn, shares that rested on it end (for cases this agency leads).
    pub(crate) fn end_shares_resting_on(&mut self, household: Uuid, consent: Uuid) -> Result<Vec<(Uuid, Uuid)>, Error> {
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
                let still_covered = |s: &Share| {
                    consents
                        .iter()
                        .any(|k| k.is_valid_on(today) && (k.agencies.is_empty() || k.agencies.contains(&s.agency)))
                };
                let ends = match s.basis {
                    Basis::Consent(id) => id == consent,
                    Basis::JusotekiShienKaigi => !still_covered(&s),
                    _ => false,
                };
                if ends {
                    self.unshare_case(c.id, s.agency, "同意撤回 / consent withdrawn")?;
                    ended.push((c.id, s.agency));
                }
            }
        }
        Ok(ended)
    }
}

/// Scopes an agency may see: the directory, every case it leads or is actively shared, and the
/// households of those cases. Local scopes never.
pub(crate) fn visible_scopes(conn: &rusqlite::Connection, agency: Uuid) -> Result<BTreeSet<Scope>, Error> {
    let mut out = BTreeSet::new();
    out.insert(Scope::Directory);
    let a = agency.to_string();
    let mut cases: BTreeSet<Uuid> = BTreeSet::new();
    {
        let mut stmt = conn.prepare_cached(
            "SELECT parent FROM entity WHERE etype = 'share' AND json_extract(fields, '$.agency') = ?1 AND json_extract(fields, '$.active') = 1",
        )?;
        let mut rows = stmt.query([&a])?;
        while let Some(r) = rows.next()? {
            if let Some(p) = r.get::<_, Option<Vec<u8>>>(0)?.and_then(|p| Uuid::from_slice(&p).ok()) {
                cases.insert(p);
            }
        }
        let mut stmt = conn.prepare_cached(
            "SELECT id FROM entity WHERE etype = 'case' AND json_extract(fields, '$.lead_agency') = ?1",
        )?;
        let mut rows = stmt.query([&a])?;
        while let Some(r) = rows.next()? {
            cases.insert(Uuid::from_slice(&r.get::<_, Vec<u8>>(0)?).unwrap_or_default());
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
