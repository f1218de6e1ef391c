//! Who sees and writes what. Every case has a lead agency (主担当機関) and a share set: the
//! agencies that may see and write it, each under a recorded legal basis. Only the lead changes
//! the share set or hands over the lead. Authorisation of ops received from partners is a pure
//! function of the ops themselves, replayed in (HLC, site, op id) order, so every vault that
//! holds the same ops reaches the same verdicts.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::{
    Error, Vault,
    error::Kind,
    log::{Hlc, OpKind, Scope},
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

/// One share entity per (case, agency): re-sharing after a removal reuses it, and two sites of
/// the lead agency sharing at once write the same entity instead of two.
fn share_id(case: Uuid, agency: Uuid) -> Uuid {
    let mut h = blake3::Hasher::new_derive_key("kasane share id v1");
    h.update(case.as_bytes());
    h.update(agency.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&h.finalize().as_bytes()[..16]);
    uuid::Builder::from_custom_bytes(b).into_uuid()
}

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
        let peers = crate::bundle::sites_of_agency(&self.conn, agency)?;
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
                    crate::bundle::forget_acks(tx, *site, &[Scope::Case(case), Scope::Household(household)])?;
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
            .map(view::<Share>)
            .collect::<Result<_, _>>()?;
        for s in &mut out {
            s.agency_name = names.get(&s.agency).cloned().unwrap_or_else(|| s.agency.to_string());
        }
        out.sort_by(|a, b| b.active.cmp(&a.active).then(a.agency_name.cmp(&b.agency_name)));
        Ok(out)
    }

    fn require_lead(&self, c: &record::Case) -> Result<(), Error> {
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
            let c: record::Case = view(&st)?;
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

/// What the judge needs of one op.
#[derive(Debug, Clone)]
pub(crate) struct OpFacts<'a> {
    pub id: Uuid,
    pub site: Uuid,
    pub hlc: Hlc,
    pub etype: &'a str,
    pub entity: Uuid,
    pub kind: OpKind,
    pub fields: Option<&'a Map<String, Value>>,
}

impl OpFacts<'_> {
    fn order(&self) -> (Hlc, Uuid, Uuid) {
        (self.hlc, self.site, self.id)
    }
}

/// None: apply. Some(reason): hold.
pub(crate) type Verdict = Option<&'static str>;

pub(crate) const HOLD_NOT_SHARED: &str = "not-shared";
pub(crate) const HOLD_NOT_LEAD: &str = "not-lead";
pub(crate) const HOLD_CASE_UNKNOWN: &str = "case-unknown";
pub(crate) const HOLD_HOUSEHOLD_UNKNOWN: &str = "household-unknown";
pub(crate) const HOLD_NOT_CREATOR: &str = "not-creator";
pub(crate) const HOLD_UNKNOWN_SITE: &str = "unknown-site";
pub(crate) const HOLD_DUPLICATE_CREATE: &str = "duplicate-create";
pub(crate) const HOLD_NOT_COORDINATOR: &str = "not-coordinator";
pub(crate) const HOLD_FINALISED: &str = "finalised";
pub(crate) const HOLD_MEETING_UNKNOWN: &str = "meeting-unknown";

/// Who could write a case, when: per agency, half-open HLC intervals.
#[derive(Debug, Clone, Default)]
pub(crate) struct Access {
    intervals: HashMap<Uuid, Vec<(Hlc, Option<Hlc>)>>,
}

impl Access {
    fn open(&mut self, agency: Uuid, at: Hlc) {
        let v = self.intervals.entry(agency).or_default();
        if v.last().is_none_or(|(_, end)| end.is_some()) {
            v.push((at, None));
        }
    }
    fn close(&mut self, agency: Uuid, at: Hlc) {
        if let Some((_, end)) = self.intervals.get_mut(&agency).and_then(|v| v.last_mut()) {
            if end.is_none() {
                *end = Some(at);
            }
        }
    }
    pub fn has(&self, agency: Uuid, at: Hlc) -> bool {
        self.intervals
            .get(&agency)
            .is_some_and(|v| v.iter().any(|(from, to)| *from <= at && to.is_none_or(|t| at < t)))
    }
}

fn uuid_field(fields: Option<&Map<String, Value>>, k: &str) -> Option<Uuid> {
    fields?.get(k)?.as_str().and_then(|s| Uuid::parse_str(s).ok())
}

/// Verdicts for every op of a case scope (sorted here), and who had access when.
pub(crate) fn judge_case(
    case: Uuid,
    ops: &mut [OpFacts],
    agency_of: &dyn Fn(Uuid) -> Option<Uuid>,
) -> (HashMap<Uuid, Verdict>, Access) {
    ops.sort_by_key(OpFacts::order);
    let mut verdicts = HashMap::new();
    let mut access = Access::default();
    let mut lead: Option<Uuid> = None;
    let mut share_agency: HashMap<Uuid, Uuid> = HashMap::new();
    for op in ops.iter() {
        let Some(author) = agency_of(op.site) else {
            verdicts.insert(op.id, Some(HOLD_UNKNOWN_SITE));
            continue;
        };
        let fields = op.fields;
        if op.etype == "case" && op.entity == case && op.kind == OpKind::Create {
            // A case is opened by its lead: a create naming another agency is not a valid opening
            // (handing over is a separate op by the lead), and a second create is a forgery or a
            // bug either way.
            let named = uuid_field(fields, "lead_agency").unwrap_or(author);
            let v = if lead.is_some() {
                Some(HOLD_DUPLICATE_CREATE)
            } else if named != author {
                Some(HOLD_NOT_LEAD)
            } else {
                lead = Some(author);
                access.open(author, op.hlc);
                None
            };
            verdicts.insert(op.id, v);
            continue;
        }
        let Some(current) = lead else {
            verdicts.insert(op.id, Some(HOLD_CASE_UNKNOWN));
            continue;
        };
        let is_lead = author == current;
        let changes_lead =
            op.etype == "case" && op.entity == case && fields.is_some_and(|f| f.contains_key("lead_agency"));
        if changes_lead || op.etype == "share" {
            if !is_lead {
                verdicts.insert(op.id, Some(HOLD_NOT_LEAD));
                continue;
            }
            verdicts.insert(op.id, None);
            if changes_lead {
                if let Some(new) = uuid_field(fields, "lead_agency") {
                    access.close(current, op.hlc);
                    lead = Some(new);
                    access.open(new, op.hlc);
                }
            }
            if op.etype == "share" {
                if let Some(a) = uuid_field(fields, "agency") {
                    share_agency.insert(op.entity, a);
                }
                let active = fields.and_then(|f| f.get("active")).and_then(Value::as_bool);
                if let (Some(a), Some(active)) = (share_agency.get(&op.entity).copied(), active) {
                    if active {
                        access.open(a, op.hlc);
                    } else if Some(a) != lead {
                        access.close(a, op.hlc);
                    }
                }
            }
            continue;
        }
        let ok = is_lead || access.has(author, op.hlc);
        verdicts.insert(op.id, if ok { None } else { Some(HOLD_NOT_SHARED) });
    }
    (verdicts, access)
}

/// Verdicts for a household scope: its creator, and agencies with access to one of its cases at
/// the time, may write it.
pub(crate) fn judge_household(
    household: Uuid,
    ops: &mut [OpFacts],
    agency_of: &dyn Fn(Uuid) -> Option<Uuid>,
    cases: &[Access],
) -> HashMap<Uuid, Verdict> {
    ops.sort_by_key(OpFacts::order);
    let mut verdicts = HashMap::new();
    let mut creator: Option<Uuid> = None;
    for op in ops.iter() {
        let Some(author) = agency_of(op.site) else {
            verdicts.insert(op.id, Some(HOLD_UNKNOWN_SITE));
            continue;
        };
        if op.etype == "household" && op.entity == household && op.kind == OpKind::Create && creator.is_none() {
            creator = Some(author);
            verdicts.insert(op.id, None);
            continue;
        }
        let ok = creator == Some(author) || cases.iter().any(|a| a.has(author, op.hlc));
        let v = if ok {
            None
        } else if creator.is_none() && cases.is_empty() {
            Some(HOLD_HOUSEHOLD_UNKNOWN)
        } else {
            Some(HOLD_NOT_SHARED)
        };
        verdicts.insert(op.id, v);
    }
    verdicts
}

/// Verdicts for a meeting's scope: the coordinating agency (which opened it) records it, until
/// it is finalised; afterwards only corrections, which any attendee may add.
pub(crate) fn judge_conference(
    meeting: Uuid,
    ops: &mut [OpFacts<'_>],
    agency_of: &dyn Fn(Uuid) -> Option<Uuid>,
) -> HashMap<Uuid, Verdict> {
    ops.sort_by_key(OpFacts::order);
    let mut verdicts = HashMap::new();
    let mut coordinator: Option<Uuid> = None;
    let mut attendees: Vec<Uuid> = Vec::new();
    let mut finalised = false;
    let list = |f: Option<&Map<String, Value>>, k: &str| -> Option<Vec<Uuid>> {
        f?.get(k)?.as_array().map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().and_then(|s| Uuid::parse_str(s).ok()))
                .collect()
        })
    };
    for op in ops.iter() {
        let Some(author) = agency_of(op.site) else {
            verdicts.insert(op.id, Some(HOLD_UNKNOWN_SITE));
            continue;
        };
        let v = if op.etype == "meeting" && op.entity == meeting && op.kind == OpKind::Create && coordinator.is_none() {
            if uuid_field(op.fields, "coordinator") == Some(author) {
                coordinator = Some(author);
                attendees = list(op.fields, "attendees").unwrap_or_default();
                None
            } else {
                Some(HOLD_NOT_COORDINATOR)
            }
        } else if coordinator.is_none() {
            Some(HOLD_MEETING_UNKNOWN)
        } else if op.etype == "correction" && op.kind == OpKind::Create {
            if coordinator == Some(author) || attendees.contains(&author) {
                None
            } else {
                Some(HOLD_NOT_SHARED)
            }
        } else if finalised {
            Some(HOLD_FINALISED)
        } else if coordinator == Some(author) {
            if op.entity == meeting {
                if let Some(a) = list(op.fields, "attendees") {
                    attendees = a;
                }
                finalised |= op
                    .fields
                    .is_some_and(|f| f.get("finalised").is_some_and(|v| !v.is_null()));
            }
            None
        } else {
            Some(HOLD_NOT_COORDINATOR)
        };
        verdicts.insert(op.id, v);
    }
    verdicts
}

/// Verdicts for the directory: an entry is written by the agency that created it (an agency
/// may also edit its own agency entry); entries for agencies known from their cards can only be
/// created by those agencies.
pub(crate) fn judge_directory(
    ops: &mut [OpFacts],
    agency_of: &dyn Fn(Uuid) -> Option<Uuid>,
    card_agencies: &BTreeSet<Uuid>,
) -> HashMap<Uuid, Verdict> {
    ops.sort_by_key(OpFacts::order);
    let mut verdicts = HashMap::new();
    let mut creators: HashMap<Uuid, Uuid> = HashMap::new();
    for op in ops.iter() {
        let Some(author) = agency_of(op.site) else {
            verdicts.insert(op.id, Some(HOLD_UNKNOWN_SITE));
            continue;
        };
        let own_agency_entry = op.etype == "agency" && op.entity == author;
        let v = match (op.kind, creators.get(&op.entity).copied()) {
            (OpKind::Create, None) => {
                if op.etype == "agency" && card_agencies.contains(&op.entity) && op.entity != author {
                    Some(HOLD_NOT_CREATOR)
                } else {
                    creators.insert(op.entity, author);
                    None
                }
            }
            (_, Some(c)) if c == author || own_agency_entry => None,
            (_, Some(_)) => Some(HOLD_NOT_CREATOR),
            (OpKind::Set, None) if own_agency_entry => None,
            (OpKind::Set, None) => Some(HOLD_NOT_CREATOR),
        };
        verdicts.insert(op.id, v);
    }
    verdicts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(
        id: u128,
        site: u128,
        hlc: u64,
        etype: &'static str,
        entity: u128,
        kind: OpKind,
        fields: serde_json::Value,
    ) -> OpFacts<'static> {
        // Tests leak their small field maps so the facts can borrow them for 'static.
        let fields: &'static Map<String, Value> = Box::leak(Box::new(fields.as_object().cloned().unwrap_or_default()));
        OpFacts {
            id: Uuid::from_u128(id),
            site: Uuid::from_u128(site),
            hlc: Hlc::new(hlc, 0),
            etype,
            entity: Uuid::from_u128(entity),
            kind,
            fields: Some(fields),
        }
    }

    const CASE: u128 = 100;
    // Sites 1, 2, 3 belong to agencies 11, 12, 13.
    fn agency_of(site: Uuid) -> Option<Uuid> {
        let s = site.as_u128();
        (1..=3).contains(&s).then(|| Uuid::from_u128(s + 10))
    }

    #[test]
    fn a_partner_writes_only_while_shared_and_only_the_lead_shares() {
        let a12 = Uuid::from_u128(12).to_string();
        let mut ops = vec![
            op(
                1,
                1,
                10,
                "case",
                CASE,
                OpKind::Create,
                serde_json::json!({"lead_agency": Uuid::from_u128(11).to_string()}),
            ),
            op(2, 2, 15, "note", 200, OpKind::Create, serde_json::json!({})),
            op(
                3,
                1,
                20,
                "share",
                300,
                OpKind::Create,
                serde_json::json!({"agency": a12, "active": true}),
            ),
            op(4, 2, 25, "note", 201, OpKind::Create, serde_json::json!({})),
            op(
                5,
                2,
                26,
                "share",
                301,
                OpKind::Create,
                serde_json::json!({"agency": Uuid::from_u128(13).to_string(), "active": true}),
            ),
            op(
                6,
                1,
                30,
                "share",
                300,
                OpKind::Set,
                serde_json::json!({"active": false}),
            ),
            op(7, 2, 35, "note", 202, OpKind::Create, serde_json::json!({})),
            op(8, 1, 40, "case", CASE, OpKind::Set, serde_json::json!({"title": "x"})),
        ];
        let (v, access) = judge_case(Uuid::from_u128(CASE), &mut ops, &agency_of);
        let get = |id: u128| v[&Uuid::from_u128(id)];
        assert_eq!(get(1), None, "the creator's create op stands");
        assert_eq!(
            get(2),
            Some(HOLD_NOT_SHARED),
            "a write before the case was shared is held"
        );
        assert_eq!(get(3), None, "the lead shares");
        assert_eq!(get(4), None, "a write while shared applies");
        assert_eq!(get(5), Some(HOLD_NOT_LEAD), "a partner cannot extend the share set");
        assert_eq!(get(7), Some(HOLD_NOT_SHARED), "a write after removal is held");
        assert_eq!(get(8), None);
        assert!(access.has(Uuid::from_u128(12), Hlc::new(25, 0)));
        assert!(!access.has(Uuid::from_u128(12), Hlc::new(35, 0)));
    }

    #[test]
    fn the_verdicts_do_not_depend_on_the_order_ops_are_listed_in() {
        let a12 = Uuid::from_u128(12).to_string();
        let base = vec![
            op(
                1,
                1,
                10,
                "case",
                CASE,
                OpKind::Create,
                serde_json::json!({"lead_agency": Uuid::from_u128(11).to_string()}),
            ),
            op(
                3,
                1,
                20,
                "share",
                300,
                OpKind::Create,
                serde_json::json!({"agency": a12, "active": true}),
            ),
            op(4, 2, 25, "note", 201, OpKind::Create, serde_json::json!({})),
            op(
                9,
                1,
                27,
                "case",
                CASE,
                OpKind::Set,
                serde_json::json!({"lead_agency": Uuid::from_u128(12).to_string()}),
            ),
            op(
                10,
                2,
                28,
                "share",
                300,
                OpKind::Set,
                serde_json::json!({"active": false}),
            ),
        ];
        let (reference, _) = judge_case(Uuid::from_u128(CASE), &mut base.clone(), &agency_of);
        let mut rev: Vec<OpFacts> = base.into_iter().rev().collect();
        let (v, _) = judge_case(Uuid::from_u128(CASE), &mut rev, &agency_of);
        assert_eq!(v, reference);
        assert_eq!(
            v[&Uuid::from_u128(10)],
            None,
            "after the handover the new lead changes the share set"
        );
    }

    #[test]
    fn directory_entries_belong_to_their_creator() {
        let cards: BTreeSet<Uuid> = [Uuid::from_u128(12)].into_iter().collect();
        let mut ops = vec![
            op(1, 1, 10, "agency", 500, OpKind::Create, serde_json::json!({})),
            op(2, 2, 11, "agency", 500, OpKind::Set, serde_json::json!({"name": "x"})),
            op(3, 1, 12, "agency", 12, OpKind::Create, serde_json::json!({})),
            op(4, 2, 13, "agency", 12, OpKind::Create, serde_json::json!({})),
            op(5, 2, 14, "agency", 12, OpKind::Set, serde_json::json!({"name": "y"})),
        ];
        let v = judge_directory(&mut ops, &agency_of, &cards);
        assert_eq!(v[&Uuid::from_u128(1)], None);
        assert_eq!(
            v[&Uuid::from_u128(2)],
            Some(HOLD_NOT_CREATOR),
            "another agency's entry is not ours to edit"
        );
        assert_eq!(
            v[&Uuid::from_u128(3)],
            Some(HOLD_NOT_CREATOR),
            "nobody may create a partner's agency entry but that partner"
        );
        assert_eq!(v[&Uuid::from_u128(4)], None);
        assert_eq!(v[&Uuid::from_u128(5)], None);
    }
}
