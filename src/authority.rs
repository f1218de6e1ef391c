//! Which operations take effect. Every record lives in one scope, with a type that scope allows
//! and an id derived from the op that created it there; every op is judged by the site that
//! signed it: fields naming an author must name that site's agency and worker, authored items
//! change only by their author, a case's lead and share set only by its lead, a finalised meeting
//! only through corrections, a directory entry only by its own agency; a meeting whose law frees
//! sharing without consent invites, and a case shared under such a law goes to, only agencies on
//! that conference's roster (構成員名簿) on the day; a share under the person's consent rests on a
//! consent recorded in the household that covers it, and a consent's terms never change. The
//! verdicts are a pure
//! function of the ops of a scope (replayed in (HLC, site, op id) order) and of who is known from
//! cards, so every vault holding the same ops reaches the same verdicts — on import and when
//! state is rebuilt from the log. A vault never holds back its own ops (the caller sees to that).

use std::collections::{BTreeSet, HashMap, HashSet};

use serde_json::{Map, Value};
use uuid::Uuid;

use crate::log::{Hlc, OP_VERSION, OpKind, Scope, record_id, root_id};

type Date = jiff::civil::Date;

fn date_field(fields: &Map<String, Value>, k: &str) -> Option<Date> {
    fields.get(k)?.as_str()?.parse().ok()
}

/// None: apply. Some(reason): keep in the log without applying it.
pub(crate) type Verdict = Option<&'static str>;
pub(crate) type Verdicts = HashMap<Uuid, Verdict>;

pub(crate) const HOLD_NOT_SHARED: &str = "not-shared";
/// A share under a law whose conferences are for some people only (要対協: children and 特定妊婦;
/// 地域ケア会議: older people; 困窮の支援会議: people in hardship) of a case that, on the share's
/// first day, its records do not show to be one of them.
pub(crate) const HOLD_OUTSIDE_REMIT: &str = "outside-remit";
/// Written by an attendee after its disclosure for a meeting ended.
pub(crate) const HOLD_DISCLOSURE_ENDED: &str = "disclosure-ended";
pub(crate) const HOLD_NOT_LEAD: &str = "not-lead";
pub(crate) const HOLD_CASE_UNKNOWN: &str = "case-unknown";
pub(crate) const HOLD_HOUSEHOLD_UNKNOWN: &str = "household-unknown";
pub(crate) const HOLD_NOT_CREATOR: &str = "not-creator";
pub(crate) const HOLD_UNKNOWN_SITE: &str = "unknown-site";
pub(crate) const HOLD_DUPLICATE_CREATE: &str = "duplicate-create";
pub(crate) const HOLD_NOT_COORDINATOR: &str = "not-coordinator";
pub(crate) const HOLD_FINALISED: &str = "finalised";
pub(crate) const HOLD_MEETING_UNKNOWN: &str = "meeting-unknown";
/// The record type does not live in this kind of scope (a share in the directory, a site entry
/// in a case), or a scope's root record is not the scope's own.
pub(crate) const HOLD_WRONG_SCOPE: &str = "wrong-scope";
/// A create whose record id is not the one its op derives: it names a record of another scope.
pub(crate) const HOLD_FORGED_ID: &str = "forged-id";
/// A change to a record that was not created in this scope (or has not arrived).
pub(crate) const HOLD_RECORD_UNKNOWN: &str = "record-unknown";
/// A change of a record's type or parent.
pub(crate) const HOLD_TYPE_CHANGE: &str = "type-change";
/// Fields naming an author (agency, worker) that are not the signing site's.
pub(crate) const HOLD_NOT_SIGNER: &str = "not-signer";
/// A change to a contact-log or assessment entry by an agency that did not write it.
pub(crate) const HOLD_NOT_AUTHOR: &str = "not-author";
/// A field value this build cannot read as the record's type (a number for a status …).
pub(crate) const HOLD_BAD_FIELD: &str = "bad-field";
/// An op body that is not a JSON object of fields.
pub(crate) const HOLD_BAD_BODY: &str = "bad-body";
/// Nothing in the scope's ops gives this vault's agency a part in it.
pub(crate) const HOLD_NOT_ENTITLED: &str = "not-entitled";
/// An op header version this build does not judge.
pub(crate) const HOLD_OP_VERSION: &str = "op-version";
/// A case opened in a household its author may not write.
pub(crate) const HOLD_HOUSEHOLD_NOT_SHARED: &str = "household-not-shared";
/// A meeting inviting, or a share under a conference's law going to, an agency that is not on
/// that conference's roster (構成員名簿) on the day.
pub(crate) const HOLD_NOT_ON_ROSTER: &str = "not-on-roster";
/// A share under the person's consent that no consent recorded in the household covers: not the
/// case's 本人's, not in force on the share's first day, not naming the agency, not for the
/// share's purpose, or leaving out a kind of information.
pub(crate) const HOLD_CONSENT_NOT_COVERING: &str = "consent-not-covering";
/// A change to what a consent says (who, purpose, agencies, kinds, period): a consent is fixed
/// once given, and only its withdrawal is recorded later.
pub(crate) const HOLD_CONSENT_TERMS: &str = "consent-terms";

/// The body of an op, as far as the judge is concerned.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Body<'a> {
    Fields(&'a Map<String, Value>),
    /// Erased by a purge: judged by its header alone.
    Purged,
    /// Bytes that are not a JSON object.
    Unreadable,
}

impl<'a> Body<'a> {
    fn fields(self) -> Option<&'a Map<String, Value>> {
        match self {
            Body::Fields(f) => Some(f),
            _ => None,
        }
    }
}

/// What the judge needs of one op.
#[derive(Debug, Clone)]
pub(crate) struct OpFacts<'a> {
    pub id: Uuid,
    pub v: u32,
    pub site: Uuid,
    pub seq: u64,
    pub hlc: Hlc,
    pub kind: OpKind,
    pub etype: &'a str,
    pub entity: Uuid,
    pub parent: Option<Uuid>,
    pub by: Uuid,
    pub body: Body<'a>,
}

impl OpFacts<'_> {
    fn order(&self) -> (Hlc, Uuid, Uuid) {
        (self.hlc, self.site, self.id)
    }
    fn fields(&self) -> Option<&Map<String, Value>> {
        self.body.fields()
    }
    fn uuid(&self, k: &str) -> Option<Uuid> {
        uuid_field(self.fields(), k)
    }
}

fn uuid_field(fields: Option<&Map<String, Value>>, k: &str) -> Option<Uuid> {
    fields?.get(k)?.as_str().and_then(|s| Uuid::parse_str(s).ok())
}

/// Who is who, as this vault knows it from cards and from itself.
#[derive(Debug, Clone, Default)]
pub(crate) struct Parties {
    /// Site → agency: this site and every site whose card this vault holds.
    pub site_agency: HashMap<Uuid, Uuid>,
    /// Workers in the directory (as applied): worker → agency.
    pub worker_agency: HashMap<Uuid, Uuid>,
    pub our_agency: Uuid,
    /// The rosters in force, as kept by the agency this vault designated.
    pub rosters: Rosters,
}

/// Who is a member of which conference, when: the rosters (構成員名簿) of the conferences whose
/// law lets members share without the person's consent. Only the roster keeper's entries count
/// (each vault designates the keeper itself, so a partner cannot put itself on a roster).
#[derive(Debug, Clone, Default)]
pub(crate) struct Rosters {
    /// Conference type → the legal basis its meetings share under, for every conference type
    /// that needs a roster (its law frees sharing without consent).
    pub statutory: HashMap<String, String>,
    /// (conference type, agency) → membership periods.
    pub members: HashMap<(String, Uuid), Vec<Membership>>,
}

/// A membership's first day and last day (open-ended when None).
pub(crate) type Membership = (Date, Option<Date>);

impl Rosters {
    /// Whether meetings of this conference type invite only agencies on its roster: its law
    /// needs one and the keeper has entered it. Until the first entry of a conference's roster
    /// its meetings are unchecked (and the app says so), so a vault from before rosters keeps
    /// working when it is upgraded.
    pub fn requires(&self, conference: &str) -> bool {
        self.statutory.contains_key(conference) && self.members.keys().any(|(c, _)| c == conference)
    }
    /// Whether the agency is on the conference's roster on the day.
    pub fn covers(&self, conference: &str, agency: Uuid, day: Date) -> bool {
        self.members
            .get(&(conference.to_string(), agency))
            .is_some_and(|p| p.iter().any(|(from, to)| *from <= day && to.is_none_or(|t| day <= t)))
    }
    /// For a share under `basis`: None when no roster in force binds the basis (consent, or no
    /// roster entered yet), else whether the agency is on the roster of a conference sharing
    /// under that basis on the day.
    pub fn covers_basis(&self, basis: &str, agency: Uuid, day: Date) -> Option<bool> {
        let kept: Vec<&String> = self
            .statutory
            .iter()
            .filter(|(c, b)| *b == basis && self.requires(c))
            .map(|(c, _)| c)
            .collect();
        (!kept.is_empty()).then(|| kept.iter().any(|c| self.covers(c, agency, day)))
    }
}

impl Parties {
    fn agency_of(&self, site: Uuid) -> Option<Uuid> {
        self.site_agency.get(&site).copied()
    }
    /// Agencies that identify themselves with a card (and ours): only they write their entry.
    fn is_card_agency(&self, agency: Uuid) -> bool {
        agency == self.our_agency || self.site_agency.values().any(|a| *a == agency)
    }
}

/// Where a record type lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// The scope's own record: its id is the scope's id.
    Root,
    /// Hangs from the scope's root: its parent is the scope's id.
    UnderRoot,
    /// In the directory, without a parent.
    Directory,
    /// In the directory, hanging from its agency (which must be the author's).
    DirectoryOfAgency,
}

/// The kind of scope a record type lives in, and how.
fn home(etype: &str) -> Option<(&'static str, Place)> {
    Some(match etype {
        "household" => ("household", Place::Root),
        "person" | "relation" | "consent" => ("household", Place::UnderRoot),
        "case" => ("case", Place::Root),
        "share" | "note" | "assessment" | "goal" | "action" | "referral" | "flag" | "plan" => {
            ("case", Place::UnderRoot)
        }
        "meeting" => ("conference", Place::Root),
        "agenda-item" | "correction" => ("conference", Place::UnderRoot),
        "agency" | "resource" | "roster-entry" => ("directory", Place::Directory),
        "site" | "worker" => ("directory", Place::DirectoryOfAgency),
        _ => return None,
    })
}

/// Fields that name who wrote a record: they must name the signer, and never change.
fn author_fields(etype: &str) -> &'static [&'static str] {
    match etype {
        "note" | "assessment" => &["agency", "worker"],
        "goal" | "flag" | "correction" => &["agency"],
        "roster-entry" => &["keeper"],
        _ => &[],
    }
}

/// Records only their author agency may change after writing them.
fn authored_only(etype: &str) -> bool {
    matches!(etype, "note" | "assessment")
}

/// The id a share record must have: one per (case, agency), so two sites of the lead agency
/// sharing at once write the same record.
pub(crate) fn share_id(case: Uuid, agency: Uuid) -> Uuid {
    let mut h = blake3::Hasher::new_derive_key("kasane share id v1");
    h.update(case.as_bytes());
    h.update(agency.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&h.finalize().as_bytes()[..16]);
    uuid::Builder::from_custom_bytes(b).into_uuid()
}

/// Checks what holds for every record whatever its scope: the op is of a version this build
/// judges, its type lives in this kind of scope, its id is the one its create derives, it changes
/// neither type nor parent, author fields name the signer, authored items change only by their
/// author, and its fields read as its type. Returns the verdict of every op failing a check; the
/// rest go on to the scope's own rules.
fn structure(scope: Scope, ops: &[OpFacts], parties: &Parties, readable: &dyn Fn(&str, &Value) -> bool) -> Verdicts {
    let mut out = Verdicts::new();
    // Record → (type, parent, author agency) from its valid create.
    let mut records: HashMap<Uuid, (&str, Option<Uuid>, Uuid)> = HashMap::new();
    // Record → its fields as applied so far, to check each change reads as the type; records
    // with a purged op cannot be checked that way.
    let mut state: HashMap<Uuid, Map<String, Value>> = HashMap::new();
    let mut incomplete: HashSet<Uuid> = HashSet::new();
    for op in ops {
        if matches!(op.body, Body::Purged) {
            incomplete.insert(op.entity);
        }
        let Some(author) = parties.agency_of(op.site) else {
            out.insert(op.id, Some(HOLD_UNKNOWN_SITE));
            continue;
        };
        let v = check_one(scope, op, author, parties, &records);
        let v = v.or_else(|| {
            let Some(fields) = op.fields() else {
                return matches!(op.body, Body::Unreadable).then_some(HOLD_BAD_BODY);
            };
            if incomplete.contains(&op.entity) {
                return None;
            }
            let mut merged = state.get(&op.entity).cloned().unwrap_or_default();
            for (k, val) in fields {
                merged.insert(k.clone(), val.clone());
            }
            (!readable(op.etype, &Value::Object(merged))).then_some(HOLD_BAD_FIELD)
        });
        if v.is_none() {
            if op.kind == OpKind::Create {
                records.entry(op.entity).or_insert((op.etype, op.parent, author));
            }
            if let Some(fields) = op.fields() {
                let s = state.entry(op.entity).or_default();
                for (k, val) in fields {
                    s.insert(k.clone(), val.clone());
                }
            }
        }
        out.insert(op.id, v);
    }
    out
}

fn check_one(
    scope: Scope,
    op: &OpFacts,
    author: Uuid,
    parties: &Parties,
    records: &HashMap<Uuid, (&str, Option<Uuid>, Uuid)>,
) -> Verdict {
    if op.v != OP_VERSION {
        return Some(HOLD_OP_VERSION);
    }
    if matches!(op.body, Body::Unreadable) {
        return Some(HOLD_BAD_BODY);
    }
    let Some((kind, place)) = home(op.etype) else {
        // A type this build does not know: kept and forwarded, never read here.
        return None;
    };
    // A shared contact-log entry lives in its case's progress scope, or (written before that
    // scope existed) in the case's own.
    let in_progress = op.etype == "note" && matches!(scope, Scope::Progress(_));
    if kind != scope.kind() && !in_progress {
        return Some(HOLD_WRONG_SCOPE);
    }
    let root = scope.id();
    if (place == Place::Root) != (Some(op.entity) == root) {
        return Some(HOLD_WRONG_SCOPE);
    }
    // A field that names the scope's root again (a note's `case`, a person's `household`) must
    // name this scope's root, and a case's `household` its parent: lists read those fields.
    let root_field = match scope {
        Scope::Case(_) | Scope::Progress(_) if place == Place::UnderRoot => Some(("case", root)),
        Scope::Household(_) if place == Place::UnderRoot => Some(("household", root)),
        Scope::Conference(_) if place == Place::UnderRoot => Some(("meeting", root)),
        Scope::Case(_) => Some(("household", if op.kind == OpKind::Create { op.parent } else { None })),
        _ => None,
    };
    if let (Some((field, expected)), Some(fields)) = (root_field, op.fields()) {
        if fields.contains_key(field) && (expected.is_none() || uuid_field(Some(fields), field) != expected) {
            return Some(HOLD_TYPE_CHANGE);
        }
    }
    // Whoever the worker is, it must not be known as another agency's.
    if parties.worker_agency.get(&op.by).is_some_and(|a| *a != author) {
        return Some(HOLD_NOT_SIGNER);
    }
    match op.kind {
        OpKind::Create => {
            let expected_parent = match place {
                Place::UnderRoot => root,
                Place::DirectoryOfAgency => Some(author),
                // A case hangs from its household; the case rules check which.
                Place::Root if op.etype == "case" => op.parent,
                Place::Root | Place::Directory => None,
            };
            if op.parent != expected_parent || (op.etype == "case" && op.parent.is_none()) {
                return Some(HOLD_TYPE_CHANGE);
            }
            if !id_is_derived(scope, op, author, parties) {
                return Some(HOLD_FORGED_ID);
            }
            if let Some((etype, parent, _)) = records.get(&op.entity) {
                // Only records with a fixed id (a share, an agency's own entry) are created twice,
                // and then identically.
                if *etype != op.etype || *parent != op.parent {
                    return Some(HOLD_TYPE_CHANGE);
                }
            }
            for f in author_fields(op.etype) {
                let claimed = op.uuid(f);
                let signer = if *f == "worker" { op.by } else { author };
                if op.fields().is_some() && claimed != Some(signer) {
                    return Some(HOLD_NOT_SIGNER);
                }
            }
            if matches!(op.etype, "worker" | "site") && op.fields().is_some() && op.uuid("agency") != Some(author) {
                return Some(HOLD_NOT_SIGNER);
            }
            None
        }
        OpKind::Set => {
            if op.parent.is_some() {
                return Some(HOLD_TYPE_CHANGE);
            }
            let Some((etype, _, creator)) = records.get(&op.entity) else {
                // An agency may edit its own entry before its create arrives.
                return (op.etype != "agency" || op.entity != author).then_some(HOLD_RECORD_UNKNOWN);
            };
            if *etype != op.etype {
                return Some(HOLD_TYPE_CHANGE);
            }
            let fields = op.fields();
            if author_fields(op.etype)
                .iter()
                .any(|f| fields.is_some_and(|m| m.contains_key(*f)))
            {
                return Some(HOLD_NOT_SIGNER);
            }
            if matches!(op.etype, "worker" | "site") && fields.is_some_and(|m| m.contains_key("agency")) {
                return Some(HOLD_TYPE_CHANGE);
            }
            if op.etype == "share" && fields.is_some_and(|m| m.contains_key("agency")) {
                return Some(HOLD_TYPE_CHANGE);
            }
            if op.etype == "consent" && fields.is_some_and(|m| m.keys().any(|k| k != "withdrawn")) {
                return Some(HOLD_CONSENT_TERMS);
            }
            if authored_only(op.etype) && *creator != author {
                return Some(HOLD_NOT_AUTHOR);
            }
            None
        }
    }
}

/// Whether a create's record id is the one it must be: derived from the op for ordinary records
/// and scope roots; the (case, agency) share id for a share; for directory entries of agencies
/// and sites, their own id, which only their agency may use.
fn id_is_derived(scope: Scope, op: &OpFacts, author: Uuid, parties: &Parties) -> bool {
    match op.etype {
        "household" | "case" | "meeting" => op.entity == root_id(op.etype, op.site, op.id),
        "share" => match (scope, op.uuid("agency")) {
            (Scope::Case(case), Some(agency)) => op.entity == share_id(case, agency),
            // A purged share body cannot be checked; its header stands as it was.
            (Scope::Case(_), None) => op.fields().is_none(),
            _ => false,
        },
        // An agency's own entry has the agency's id; an entry for an agency without Kasane (made
        // by the agency that met it) an ordinary one, never an id a card claims.
        "agency" => {
            op.entity == author
                || (op.entity == record_id(scope, op.site, op.seq) && !parties.is_card_agency(op.entity))
        }
        // A site's entry has the site's id; a card says which agency the site belongs to.
        "site" => parties.agency_of(op.entity).is_none_or(|a| a == author),
        _ => op.entity == record_id(scope, op.site, op.seq),
    }
}

/// Who could write a case, when: per agency, half-open HLC intervals, each with the last day
/// of a disclosure for a meeting (access ends with that day even before the lead ends it).
#[derive(Debug, Clone, Default)]
pub(crate) struct Access {
    intervals: HashMap<Uuid, Vec<Interval>>,
    /// Agencies that ever led the case.
    leads: BTreeSet<Uuid>,
}

/// Where an op stands in a scope's replay: (HLC, site, op id).
type OrderKey = (Hlc, Uuid, Uuid);

#[derive(Debug, Clone, Copy)]
struct Interval {
    from: OrderKey,
    to: Option<OrderKey>,
    last_day: Option<Date>,
}

/// The calendar day (in Japan, where the agencies work) an HLC timestamp falls on.
pub(crate) fn day_of(at: Hlc) -> Option<Date> {
    let ts = jiff::Timestamp::from_millisecond(i64::try_from(at.ms()).ok()?).ok()?;
    Some(
        ts.to_zoned_datetime(jiff::tz::TimeZone::fixed(jiff::tz::offset(9)))
            .date(),
    )
}

impl Access {
    fn open(&mut self, agency: Uuid, at: OrderKey) {
        self.open_until(agency, at, None);
    }
    /// Opens access, or (when open) sets its last day anew: a share made again, extended for a
    /// later meeting, or made lasting by a meeting's record.
    fn open_until(&mut self, agency: Uuid, at: OrderKey, last_day: Option<Date>) {
        let v = self.intervals.entry(agency).or_default();
        match v.last_mut() {
            Some(i) if i.to.is_none() => i.last_day = last_day,
            _ => v.push(Interval {
                from: at,
                to: None,
                last_day,
            }),
        }
    }
    fn close(&mut self, agency: Uuid, at: OrderKey) {
        if let Some(i) = self.intervals.get_mut(&agency).and_then(|v| v.last_mut()) {
            if i.to.is_none() {
                i.to = Some(at);
            }
        }
    }
    /// Whether the agency could write the case at `at` (by HLC alone: for other scopes).
    pub fn has(&self, agency: Uuid, at: Hlc) -> bool {
        self.intervals.get(&agency).is_some_and(|v| {
            v.iter().any(|i| {
                i.from.0 <= at
                    && i.to.is_none_or(|t| at < t.0)
                    && i.last_day.is_none_or(|last| day_of(at).is_some_and(|d| d <= last))
            })
        })
    }
    /// Whether the agency could write the case where op `at` stands in the replay order: an op
    /// with the same HLC as a removal stands when the replay reaches it first.
    fn has_op(&self, agency: Uuid, at: OrderKey) -> bool {
        self.intervals.get(&agency).is_some_and(|v| {
            v.iter().any(|i| {
                i.from <= at
                    && i.to.is_none_or(|t| at < t)
                    && i.last_day.is_none_or(|last| day_of(at.0).is_some_and(|d| d <= last))
            })
        })
    }
    /// The verdict on a write by the agency where op `at` stands: it stands while the agency
    /// may write the case; after its disclosure for a meeting ran out it is held as such.
    fn verdict(&self, agency: Uuid, at: OrderKey) -> Verdict {
        if self.has_op(agency, at) {
            None
        } else if self.lapsed(agency, at) {
            Some(HOLD_DISCLOSURE_ENDED)
        } else {
            Some(HOLD_NOT_SHARED)
        }
    }
    /// Whether the agency's access at `at` ended only because its disclosure for a meeting ran
    /// out (to tell that apart from never being shared).
    fn lapsed(&self, agency: Uuid, at: OrderKey) -> bool {
        self.intervals.get(&agency).is_some_and(|v| {
            v.iter()
                .any(|i| i.from <= at && i.to.is_none_or(|t| at < t) && i.last_day.is_some())
        })
    }
    /// Whether the agency ever had a part in the case (led it or was shared it).
    pub fn ever(&self, agency: Uuid) -> bool {
        self.intervals.contains_key(&agency)
    }
    /// Whether the agency ever led the case.
    pub fn ever_led(&self, agency: Uuid) -> bool {
        self.leads.contains(&agency)
    }
}

/// What one scope's judgement says beyond the verdicts.
#[derive(Debug, Clone, Default)]
pub(crate) struct CaseFacts {
    pub access: Access,
    /// The household the case was opened in, from its valid create.
    pub household: Option<Uuid>,
    /// When, and by which agency, the case was opened.
    pub opened: Option<(Hlc, Uuid)>,
}

/// Judges the ops of a case scope: structure first, then the lead and share set.
pub(crate) fn judge_case(
    case: Uuid,
    ops: &mut [OpFacts],
    parties: &Parties,
    readable: &dyn Fn(&str, &Value) -> bool,
    household: &HouseholdFacts,
) -> (Verdicts, CaseFacts) {
    ops.sort_by_key(OpFacts::order);
    let mut verdicts = structure(Scope::Case(case), ops, parties, readable);
    let mut facts = CaseFacts::default();
    let mut lead: Option<Uuid> = None;
    let mut share_agency: HashMap<Uuid, Uuid> = HashMap::new();
    let mut shares: HashMap<Uuid, Map<String, Value>> = HashMap::new();
    // The case's 本人 and problems as the case's ops so far say: a share under consent needs the
    // 本人's consent, and one under a law with a remit a case within it.
    let mut key_person: Option<Uuid> = None;
    let mut problems: Vec<String> = Vec::new();
    for op in ops.iter() {
        if verdicts.get(&op.id).copied().flatten().is_some() {
            continue;
        }
        let Some(author) = parties.agency_of(op.site) else {
            continue;
        };
        if op.etype == "case" && op.entity == case {
            if let Some(f) = op.fields().filter(|f| f.contains_key("key_person")) {
                key_person = uuid_field(Some(f), "key_person");
            }
            if let Some(list) = op.fields().and_then(|f| f.get("problems")).and_then(Value::as_array) {
                problems = list.iter().filter_map(Value::as_str).map(str::to_string).collect();
            }
        }
        if op.etype == "case" && op.kind == OpKind::Create {
            // A case is opened by its lead: a create naming another agency is not a valid
            // opening (handing over is a separate op by the lead).
            let named = op.uuid("lead_agency").unwrap_or(author);
            let v = if lead.is_some() {
                Some(HOLD_DUPLICATE_CREATE)
            } else if named != author {
                Some(HOLD_NOT_LEAD)
            } else {
                lead = Some(author);
                facts.access.open(author, op.order());
                facts.access.leads.insert(author);
                facts.household = op.parent;
                facts.opened = Some((op.hlc, author));
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
        let fields = op.fields();
        let changes_lead = op.etype == "case" && fields.is_some_and(|f| f.contains_key("lead_agency"));
        let changes_household = op.etype == "case" && fields.is_some_and(|f| f.contains_key("household"));
        // The intake, the overall 見立て and 支援方針, the decision to support (支援決定), closing
        // (終結) and reopening a case, and its plan versions with their approval and agreement
        // are its lead's decisions.
        let leads_only = op.etype == "plan"
            || op.etype == "case"
                && fields.is_some_and(|f| {
                    ["intake", "formulation", "closure", "reopened", "support_decision"]
                        .iter()
                        .any(|k| f.contains_key(*k))
                });
        if leads_only && !is_lead {
            verdicts.insert(op.id, Some(HOLD_NOT_LEAD));
            continue;
        }
        if changes_household {
            verdicts.insert(op.id, Some(HOLD_TYPE_CHANGE));
            continue;
        }
        if changes_lead || op.etype == "share" {
            if !is_lead {
                verdicts.insert(op.id, Some(HOLD_NOT_LEAD));
                continue;
            }
            if op.etype == "share" {
                let case_now = CaseNow {
                    key_person,
                    problems: &problems,
                };
                if let Some(hold) = judge_share(&mut shares, op, &parties.rosters, household, &case_now) {
                    verdicts.insert(op.id, Some(hold));
                    continue;
                }
            }
            verdicts.insert(op.id, None);
            if changes_lead {
                if let Some(new) = op.uuid("lead_agency") {
                    facts.access.close(current, op.order());
                    lead = Some(new);
                    facts.access.open(new, op.order());
                    facts.access.leads.insert(new);
                }
            }
            if op.etype == "share" {
                if let Some(a) = op.uuid("agency") {
                    share_agency.insert(op.entity, a);
                }
                let active = fields.and_then(|f| f.get("active")).and_then(Value::as_bool);
                if let (Some(a), Some(active)) = (share_agency.get(&op.entity).copied(), active) {
                    if active {
                        // The share as it stands after the op says when a disclosure ends.
                        let last_day = shares.get(&op.entity).and_then(|m| date_field(m, "until"));
                        facts.access.open_until(a, op.order(), last_day);
                    } else if Some(a) != lead {
                        facts.access.close(a, op.order());
                    }
                }
            }
            continue;
        }
        let v = if is_lead {
            None
        } else {
            facts.access.verdict(author, op.order())
        };
        verdicts.insert(op.id, v);
    }
    (verdicts, facts)
}

/// Judges a case's progress scope (its shared contact-log entries): structure first; then an
/// entry stands when its author could write the case at the time, as the case's own ops say.
pub(crate) fn judge_progress(
    case: Uuid,
    ops: &mut [OpFacts],
    parties: &Parties,
    readable: &dyn Fn(&str, &Value) -> bool,
    facts: &CaseFacts,
) -> Verdicts {
    ops.sort_by_key(OpFacts::order);
    let mut verdicts = structure(Scope::Progress(case), ops, parties, readable);
    for op in ops.iter() {
        if verdicts.get(&op.id).copied().flatten().is_some() {
            continue;
        }
        let Some(author) = parties.agency_of(op.site) else {
            continue;
        };
        let v = if facts.opened.is_none() {
            Some(HOLD_CASE_UNKNOWN)
        } else {
            facts.access.verdict(author, op.order())
        };
        verdicts.insert(op.id, v);
    }
    verdicts
}

/// Whether a share op by the lead keeps to the rosters and to the person's consent. A share that
/// is active after it, under a basis whose conferences keep a roster, goes only to an agency on
/// one of those rosters on the day it starts (`since`); one under the person's consent, only
/// where a consent recorded in the household covers it on that day. Records the share's fields
/// as they stand when the op stands.
fn judge_share(
    shares: &mut HashMap<Uuid, Map<String, Value>>,
    op: &OpFacts,
    rosters: &Rosters,
    household: &HouseholdFacts,
    case: &CaseNow<'_>,
) -> Verdict {
    let fields = op.fields()?;
    let mut merged = shares.get(&op.entity).cloned().unwrap_or_default();
    for (k, v) in fields {
        merged.insert(k.clone(), v.clone());
    }
    let active = merged.get("active").and_then(Value::as_bool) == Some(true);
    let basis = merged.get("basis").and_then(Value::as_str);
    let (agency, since) = (uuid_field(Some(&merged), "agency"), date_field(&merged, "since"));
    let verdict = match (active, basis, agency, since) {
        (true, Some(basis), Some(agency), Some(since)) => {
            if rosters.covers_basis(basis, agency, since) == Some(false) {
                Some(HOLD_NOT_ON_ROSTER)
            } else if !consent_covers(&merged, basis, agency, since, &household.consents, case.key_person) {
                Some(HOLD_CONSENT_NOT_COVERING)
            } else if !Remit::of_basis(basis).fits(since, &household.members, case.problems) {
                Some(HOLD_OUTSIDE_REMIT)
            } else {
                None
            }
        }
        // Inactive, or a share this build cannot read (held as a bad field elsewhere).
        _ => None,
    };
    if verdict.is_none() {
        shares.insert(op.entity, merged);
    }
    verdict
}

/// The case as its ops so far say, for judging a share of it.
struct CaseNow<'a> {
    key_person: Option<Uuid>,
    problems: &'a [String],
}

/// What a case's household says that the case's shares depend on: the consents recorded there
/// and the members (birth dates, deaths) as the household's ops say.
#[derive(Debug, Clone, Default)]
pub(crate) struct HouseholdFacts {
    pub consents: Vec<ConsentTerms>,
    pub members: Vec<MemberFacts>,
}

/// What a member's record says that a law's remit looks at.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub(crate) struct MemberFacts {
    #[serde(default)]
    pub birth: Option<crate::ja::PartialDate>,
    #[serde(default)]
    pub deceased: Option<crate::ja::PartialDate>,
    /// 出産予定日 of a 特定妊婦.
    #[serde(default)]
    pub expecting: Option<Date>,
}

/// Whom a conference's law is for. 支援会議 (社会福祉法106条の6), 重層的支援会議 and sharing on consent:
/// any household the members need to consider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Remit {
    Any,
    /// 要保護児童・要支援児童・特定妊婦 (児童福祉法25条の2).
    Children,
    /// Older people: 65 and over, or 要介護・要支援 (介護保険法115条の48).
    Older,
    /// 生活困窮者 (生活困窮者自立支援法).
    Hardship,
}

/// Problem codes that speak of a child in the household.
const CHILD_PROBLEMS: &[&str] = &[
    "child-abuse",
    "young-carer",
    "non-attendance",
    "child-poverty",
    "medical-care-child",
];
/// Problem codes that speak of an older person's care.
const OLDER_PROBLEMS: &[&str] = &["care-need", "dementia", "elder-abuse", "rorou-kaigo", "elderly-alone"];
/// Problem codes that make someone a 生活困窮者. 生活保護 alone does not: its recipients are
/// supported under that law instead.
const HARDSHIP_PROBLEMS: &[&str] = &["poverty", "debt-arrears", "unemployment", "child-poverty", "housing"];

impl Remit {
    pub fn of_conference(conference: &str) -> Remit {
        match conference {
            "kobetsu-case-kento" | "jitsumusha-kaigi" => Remit::Children,
            "chiiki-care-kaigi" => Remit::Older,
            "konkyu-shien-kaigi" | "shien-chosei-kaigi" => Remit::Hardship,
            _ => Remit::Any,
        }
    }
    /// The conference type whose remit binds a share under `basis` (a basis code), for the laws
    /// that say whom their conferences are for; None for a basis any case may be shared under.
    pub fn conference_of_basis(basis: &str) -> Option<&'static str> {
        match basis {
            "yotaikyo" => Some("kobetsu-case-kento"),
            "chiiki-care-kaigi" => Some("chiiki-care-kaigi"),
            "konkyu-shien-kaigi" => Some("konkyu-shien-kaigi"),
            _ => None,
        }
    }
    /// The remit of the law a share under `basis` (a basis code) rests on.
    pub fn of_basis(basis: &str) -> Remit {
        Remit::conference_of_basis(basis).map_or(Remit::Any, Remit::of_conference)
    }
    /// Whether a case fits on `on`, from its living members' ages (a partial birth date counts
    /// when the person may be of the age), a 特定妊婦 still expecting, and its problems.
    pub fn fits(self, on: Date, members: &[MemberFacts], problems: &[String]) -> bool {
        let has = |codes: &[&str]| problems.iter().any(|p| codes.contains(&p.as_str()));
        let living = || members.iter().filter(|m| m.deceased.is_none());
        let ages = || living().filter_map(|m| m.birth.and_then(|b| b.age_on(on)));
        match self {
            Remit::Any => true,
            Remit::Children => {
                ages().any(|a| a.min < 18)
                    || living().any(|m| m.expecting.is_some_and(|d| d >= on))
                    || has(CHILD_PROBLEMS)
            }
            Remit::Older => ages().any(|a| a.max >= 65) || has(OLDER_PROBLEMS),
            Remit::Hardship => has(HARDSHIP_PROBLEMS),
        }
    }
}

/// The household's facts from its ops (stored and arriving), read the same whichever order the
/// case's scope and the household's arrive in.
pub(crate) fn household_facts(household: Uuid, ops: &[OpFacts]) -> HouseholdFacts {
    HouseholdFacts {
        consents: consents_in(household, ops),
        members: members_in(household, ops),
    }
}

/// The members of a household as its ops say: each person's fields from its create in the
/// household and every later change, in op order. A person whose dates this build cannot read
/// is left out (its ops are held as bad fields elsewhere).
fn members_in(household: Uuid, ops: &[OpFacts]) -> Vec<MemberFacts> {
    let mut ops: Vec<&OpFacts> = ops.iter().filter(|o| o.etype == "person").collect();
    ops.sort_by_key(|o| o.order());
    let mut fields: Vec<(Uuid, Map<String, Value>)> = Vec::new();
    for op in ops {
        let Some(f) = op.fields() else {
            continue;
        };
        match (op.kind, fields.iter_mut().find(|(id, _)| *id == op.entity)) {
            (OpKind::Create, None) if op.parent == Some(household) => fields.push((op.entity, f.clone())),
            (OpKind::Set, Some((_, m))) => m.extend(f.iter().map(|(k, v)| (k.clone(), v.clone()))),
            _ => {}
        }
    }
    fields
        .into_iter()
        .filter_map(|(_, m)| serde_json::from_value(Value::Object(m)).ok())
        .collect()
}

/// Whether a share under `basis` starting on `since` rests on a consent that covers it. Shares
/// under a law need none; old-form consents (before purposes and kinds) still cover the agencies
/// they name, so partners' earlier shares keep standing.
fn consent_covers(
    share: &Map<String, Value>,
    basis: &str,
    agency: Uuid,
    since: Date,
    consents: &[ConsentTerms],
    key_person: Option<Uuid>,
) -> bool {
    let named = basis.strip_prefix("consent:").map(|id| Uuid::parse_str(id.trim()));
    let default_purpose = match (basis, &named) {
        ("jusoteki-shien-kaigi", _) => "jusoteki-shien-kaigi",
        (_, Some(Ok(_))) => "coordinated-support",
        // A basis under a law (or one this build cannot read, held as a bad field elsewhere).
        _ => return true,
    };
    let purpose = share.get("purpose").and_then(Value::as_str).unwrap_or(default_purpose);
    let u = ConsentUse {
        agency,
        day: since,
        purpose,
        key_person,
    };
    match named {
        Some(Ok(id)) => consents.iter().any(|k| k.id == id && k.covers(&u, true).is_ok()),
        _ => consents.iter().any(|k| k.covers(&u, true).is_ok()),
    }
}

/// The kinds of information a consent may cover (`InfoKind` codes); a case share needs them all,
/// because the whole case travels.
pub(crate) const INFO_KINDS: [&str; 4] = ["basic", "health", "finances", "progress"];

/// What a consent says, as far as sharing goes: whose it is, from when to when, to which
/// agencies, for which purposes (codes) and kinds of information (codes).
#[derive(Debug, Clone, serde::Deserialize)]
pub(crate) struct ConsentTerms {
    #[serde(skip)]
    pub id: Uuid,
    pub person: Uuid,
    #[serde(default)]
    pub agencies: Vec<Uuid>,
    pub date: Date,
    #[serde(default)]
    pub until: Option<Date>,
    #[serde(default)]
    pub withdrawn: Option<Date>,
    #[serde(default)]
    pub purposes: Vec<String>,
    #[serde(default)]
    pub kinds: Vec<String>,
}

/// A share a consent is asked to cover: the whole case going to `agency` from `day` for
/// `purpose` (a purpose code).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ConsentUse<'a> {
    pub agency: Uuid,
    pub day: Date,
    pub purpose: &'a str,
    /// The case's 本人, when it names one: the consent must be theirs.
    pub key_person: Option<Uuid>,
}

/// Why a consent does not cover a use: the judge holds the op, a local command says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Uncovered {
    NotKeyPerson,
    Withdrawn(Date),
    NotYet(Date),
    Lapsed(Date),
    AgencyNotNamed,
    /// Recorded before consents had a purpose, kinds and period: still honoured for the agencies
    /// it names when partners' shares are judged, never for a new share made here.
    OldForm,
    Purpose,
    Kinds,
}

impl ConsentTerms {
    /// Recorded in the old form, without purpose, kinds or period.
    pub fn is_old_form(&self) -> bool {
        self.kinds.is_empty()
    }

    /// Whether sharing the whole case for `u` is within what the person agreed to.
    /// `old_form_ok`: an old-form consent covers the agencies it names.
    pub fn covers(&self, u: &ConsentUse<'_>, old_form_ok: bool) -> Result<(), Uncovered> {
        if u.key_person.is_some_and(|k| k != self.person) {
            return Err(Uncovered::NotKeyPerson);
        }
        if let Some(w) = self.withdrawn.filter(|w| *w <= u.day) {
            return Err(Uncovered::Withdrawn(w));
        }
        if u.day < self.date {
            return Err(Uncovered::NotYet(self.date));
        }
        if let Some(until) = self.until.filter(|until| *until < u.day) {
            return Err(Uncovered::Lapsed(until));
        }
        if !self.agencies.contains(&u.agency) {
            return Err(Uncovered::AgencyNotNamed);
        }
        if self.is_old_form() {
            return if old_form_ok { Ok(()) } else { Err(Uncovered::OldForm) };
        }
        if !self.purposes.iter().any(|p| p == u.purpose) {
            return Err(Uncovered::Purpose);
        }
        if INFO_KINDS.iter().any(|k| !self.kinds.iter().any(|have| have == k)) {
            return Err(Uncovered::Kinds);
        }
        Ok(())
    }
}

/// The consents recorded in a household as its ops say: each one's terms from its create and its
/// withdrawal from later ops. Read from the ops, not the applied state, so a case is judged the
/// same whichever order its scope and its household's arrive in. A withdrawal by anyone counts:
/// it can only make fewer shares stand.
fn consents_in(household: Uuid, ops: &[OpFacts]) -> Vec<ConsentTerms> {
    let mut ops: Vec<&OpFacts> = ops.iter().filter(|o| o.etype == "consent").collect();
    ops.sort_by_key(|o| o.order());
    let mut out: Vec<ConsentTerms> = Vec::new();
    for op in ops {
        let Some(fields) = op.fields() else {
            continue;
        };
        match op.kind {
            OpKind::Create if op.parent == Some(household) && !out.iter().any(|k| k.id == op.entity) => {
                if let Ok(mut k) = serde_json::from_value::<ConsentTerms>(Value::Object(fields.clone())) {
                    k.id = op.entity;
                    out.push(k);
                }
            }
            OpKind::Set => {
                let withdrawn = fields
                    .get("withdrawn")
                    .and_then(Value::as_str)
                    .and_then(|d| d.parse().ok());
                if let (Some(k), Some(w)) = (out.iter_mut().find(|k| k.id == op.entity), withdrawn) {
                    k.withdrawn = Some(k.withdrawn.map_or(w, |old: Date| old.min(w)));
                }
            }
            _ => {}
        }
    }
    out
}

/// Judges the ops of a household scope: structure first; then its creator, and agencies with
/// access to one of its cases at the time, may write it.
pub(crate) fn judge_household(
    household: Uuid,
    ops: &mut [OpFacts],
    parties: &Parties,
    readable: &dyn Fn(&str, &Value) -> bool,
    cases: &[&Access],
) -> (Verdicts, Option<Uuid>) {
    ops.sort_by_key(OpFacts::order);
    let mut verdicts = structure(Scope::Household(household), ops, parties, readable);
    let mut creator: Option<Uuid> = None;
    for op in ops.iter() {
        if verdicts.get(&op.id).copied().flatten().is_some() {
            continue;
        }
        let Some(author) = parties.agency_of(op.site) else {
            continue;
        };
        if op.etype == "household" && op.kind == OpKind::Create {
            // The root id is derived from its create, so there is only one.
            creator = Some(author);
            verdicts.insert(op.id, None);
            continue;
        }
        let ok = creator == Some(author) || cases.iter().any(|a| a.has(author, op.hlc));
        let v = if ok {
            None
        } else if creator.is_none() {
            Some(HOLD_HOUSEHOLD_UNKNOWN)
        } else {
            Some(HOLD_NOT_SHARED)
        };
        verdicts.insert(op.id, v);
    }
    (verdicts, creator)
}

/// Judges a meeting's scope: structure first; then the coordinating agency (which opened it)
/// records it until it is finalised; afterwards only corrections, which any attendee may add.
/// Also returns the agencies the meeting involves (coordinator and every attendee named).
pub(crate) fn judge_conference(
    meeting: Uuid,
    ops: &mut [OpFacts],
    parties: &Parties,
    readable: &dyn Fn(&str, &Value) -> bool,
) -> (Verdicts, BTreeSet<Uuid>) {
    ops.sort_by_key(OpFacts::order);
    let mut verdicts = structure(Scope::Conference(meeting), ops, parties, readable);
    let mut coordinator: Option<Uuid> = None;
    let mut attendees: Vec<Uuid> = Vec::new();
    let mut involved = BTreeSet::new();
    let mut finalised = false;
    // The meeting's type and date as they stand.
    let mut kind: Map<String, Value> = Map::new();
    let list = |f: Option<&Map<String, Value>>, k: &str| -> Option<Vec<Uuid>> {
        f?.get(k)?.as_array().map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().and_then(|s| Uuid::parse_str(s).ok()))
                .collect()
        })
    };
    for op in ops.iter() {
        if verdicts.get(&op.id).copied().flatten().is_some() {
            continue;
        }
        let Some(author) = parties.agency_of(op.site) else {
            continue;
        };
        let v = if op.etype == "meeting" && op.kind == OpKind::Create {
            let invited = list(op.fields(), "attendees").unwrap_or_default();
            if op.uuid("coordinator") != Some(author) {
                Some(HOLD_NOT_COORDINATOR)
            } else if !invites_on_roster(op.fields(), &mut kind, &invited, &parties.rosters) {
                Some(HOLD_NOT_ON_ROSTER)
            } else {
                coordinator = Some(author);
                attendees = invited;
                involved.insert(author);
                involved.extend(attendees.iter().copied());
                None
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
                let changed = list(op.fields(), "attendees");
                let invited = changed.as_deref().unwrap_or(&attendees);
                if op.fields().is_some_and(|f| f.contains_key("coordinator")) {
                    Some(HOLD_NOT_COORDINATOR)
                } else if !invites_on_roster(op.fields(), &mut kind, invited, &parties.rosters) {
                    Some(HOLD_NOT_ON_ROSTER)
                } else {
                    if let Some(a) = changed {
                        attendees = a;
                        involved.extend(attendees.iter().copied());
                    }
                    finalised |= op
                        .fields()
                        .is_some_and(|f| f.get("finalised").is_some_and(|v| !v.is_null()));
                    None
                }
            } else {
                None
            }
        } else {
            Some(HOLD_NOT_COORDINATOR)
        };
        verdicts.insert(op.id, v);
    }
    (verdicts, involved)
}

/// Whether a meeting op invites only agencies on the roster of the meeting's conference on its
/// day, when its law needs a roster: checked on the meeting's type, date and attendees as they
/// stand after the op (`standing` holds its type and date, and takes the op's when it stands).
fn invites_on_roster(
    fields: Option<&Map<String, Value>>,
    standing: &mut Map<String, Value>,
    invited: &[Uuid],
    rosters: &Rosters,
) -> bool {
    let mut merged = standing.clone();
    for k in ["type", "date"] {
        if let Some(v) = fields.and_then(|f| f.get(k)) {
            merged.insert(k.to_string(), v.clone());
        }
    }
    let conference = merged.get("type").and_then(Value::as_str).unwrap_or_default();
    let ok = !rosters.requires(conference)
        || date_field(&merged, "date").is_some_and(|day| invited.iter().all(|a| rosters.covers(conference, *a, day)));
    if ok {
        *standing = merged;
    }
    ok
}

/// Judges the directory: structure first; then an entry is written by the agency that created
/// it, and an agency edits its own entry.
pub(crate) fn judge_directory(
    ops: &mut [OpFacts],
    parties: &Parties,
    readable: &dyn Fn(&str, &Value) -> bool,
) -> Verdicts {
    ops.sort_by_key(OpFacts::order);
    let mut verdicts = structure(Scope::Directory, ops, parties, readable);
    let mut creators: HashMap<Uuid, Uuid> = HashMap::new();
    for op in ops.iter() {
        if verdicts.get(&op.id).copied().flatten().is_some() {
            continue;
        }
        let Some(author) = parties.agency_of(op.site) else {
            continue;
        };
        let own_agency_entry = op.etype == "agency" && op.entity == author;
        let v = match (op.kind, creators.get(&op.entity).copied()) {
            (OpKind::Create, None) => {
                creators.insert(op.entity, author);
                None
            }
            (_, Some(c)) if c == author || own_agency_entry => None,
            (_, Some(_)) => Some(HOLD_NOT_CREATOR),
            (OpKind::Set, None) if own_agency_entry => None,
            (OpKind::Set, None) => Some(HOLD_RECORD_UNKNOWN),
        };
        verdicts.insert(op.id, v);
    }
    verdicts
}

/// Holds every op of a scope this vault's agency has no part in (none of its ops entitle it),
/// except what structure already held.
pub(crate) fn hold_unless_entitled(verdicts: &mut Verdicts, entitled: bool) {
    if entitled {
        return;
    }
    for v in verdicts.values_mut() {
        if v.is_none() {
            *v = Some(HOLD_NOT_ENTITLED);
        }
    }
}

/// Whether a case opened in a household by `agency` at `at` may be: the agency created the
/// household, or had access then to another case of it.
pub(crate) fn may_open_case_in(
    household_creator: Option<Uuid>,
    other_cases: &[&Access],
    agency: Uuid,
    at: Hlc,
) -> Verdict {
    match household_creator {
        None => Some(HOLD_HOUSEHOLD_UNKNOWN),
        Some(c) if c == agency => None,
        Some(_) if other_cases.iter().any(|a| a.has(agency, at)) => None,
        Some(_) => Some(HOLD_HOUSEHOLD_NOT_SHARED),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Sites 1, 2, 3 belong to agencies 11, 12, 13; the case is opened by site 1 with op 1000.
    fn parties() -> Parties {
        Parties {
            site_agency: (1..=3u128)
                .map(|s| (Uuid::from_u128(s), Uuid::from_u128(s + 10)))
                .collect(),
            worker_agency: HashMap::new(),
            our_agency: Uuid::from_u128(11),
            rosters: Rosters::default(),
        }
    }

    fn case_id() -> Uuid {
        root_id("case", Uuid::from_u128(1), Uuid::from_u128(1000))
    }

    /// Ops of one case scope, with bodies leaked to 'static so the facts can borrow them.
    struct Log {
        ops: Vec<OpFacts<'static>>,
        seqs: HashMap<u128, u64>,
    }

    impl Log {
        fn new() -> Log {
            Log {
                ops: Vec::new(),
                seqs: HashMap::new(),
            }
        }
        #[allow(clippy::too_many_arguments)]
        fn push(
            &mut self,
            id: u128,
            site: u128,
            hlc: u64,
            kind: OpKind,
            etype: &'static str,
            entity: Uuid,
            parent: Option<Uuid>,
            fields: Value,
        ) -> Uuid {
            let seq = self.seqs.entry(site).or_default();
            *seq += 1;
            let fields: &'static Map<String, Value> =
                Box::leak(Box::new(fields.as_object().cloned().unwrap_or_default()));
            self.ops.push(OpFacts {
                id: Uuid::from_u128(id),
                v: OP_VERSION,
                site: Uuid::from_u128(site),
                seq: *seq,
                hlc: Hlc::new(hlc, 0),
                kind,
                etype,
                entity,
                parent,
                by: Uuid::from_u128(site + 100),
                body: Body::Fields(fields),
            });
            entity
        }
        /// A create whose id is derived as an honest build derives it.
        fn create(&mut self, id: u128, site: u128, hlc: u64, etype: &'static str, fields: Value) -> Uuid {
            let seq = self.seqs.get(&site).copied().unwrap_or(0) + 1;
            let entity = record_id(Scope::Case(case_id()), Uuid::from_u128(site), seq);
            self.push(id, site, hlc, OpKind::Create, etype, entity, Some(case_id()), fields)
        }
    }

    fn agency(n: u128) -> String {
        Uuid::from_u128(n).to_string()
    }

    fn opened() -> Log {
        let mut log = Log::new();
        log.push(
            1000,
            1,
            10,
            OpKind::Create,
            "case",
            case_id(),
            Some(Uuid::from_u128(9)),
            serde_json::json!({"lead_agency": agency(11)}),
        );
        log
    }

    fn note(agency_n: u128, worker: u128) -> Value {
        serde_json::json!({"case": case_id().to_string(), "agency": agency(agency_n), "worker": Uuid::from_u128(worker).to_string(), "text": "x"})
    }

    fn reads(_: &str, _: &Value) -> bool {
        true
    }

    #[test]
    fn a_partner_writes_only_while_shared_and_only_the_lead_shares() {
        let mut log = opened();
        let early = log.create(2, 2, 15, "note", note(12, 102));
        let share = share_id(case_id(), Uuid::from_u128(12));
        log.push(
            3,
            1,
            20,
            OpKind::Create,
            "share",
            share,
            Some(case_id()),
            serde_json::json!({"agency": agency(12), "active": true}),
        );
        let while_shared = log.create(4, 2, 25, "note", note(12, 102));
        let other = share_id(case_id(), Uuid::from_u128(13));
        log.push(
            5,
            2,
            26,
            OpKind::Create,
            "share",
            other,
            Some(case_id()),
            serde_json::json!({"agency": agency(13), "active": true}),
        );
        log.push(
            6,
            1,
            30,
            OpKind::Set,
            "share",
            share,
            None,
            serde_json::json!({"active": false}),
        );
        let after = log.create(7, 2, 35, "note", note(12, 102));
        let (v, facts) = judge_case(case_id(), &mut log.ops, &parties(), &reads, &HouseholdFacts::default());
        let get = |id: u128| v[&Uuid::from_u128(id)];
        assert_eq!(get(1000), None, "the opening by the lead stands");
        assert_eq!(
            get(2),
            Some(HOLD_NOT_SHARED),
            "a write before the case was shared is held"
        );
        assert_eq!(get(3), None, "the lead shares");
        assert_eq!(get(4), None, "a write while shared applies");
        assert_eq!(get(5), Some(HOLD_NOT_LEAD), "a partner cannot extend the share set");
        assert_eq!(get(7), Some(HOLD_NOT_SHARED), "a write after removal is held");
        assert!(facts.access.has(Uuid::from_u128(12), Hlc::new(25, 0)));
        assert!(!facts.access.has(Uuid::from_u128(12), Hlc::new(35, 0)));
        let _ = (early, while_shared, after);
    }

    #[test]
    fn verdicts_do_not_depend_on_the_order_ops_are_listed_in() {
        let mut log = opened();
        let share = share_id(case_id(), Uuid::from_u128(12));
        log.push(
            3,
            1,
            20,
            OpKind::Create,
            "share",
            share,
            Some(case_id()),
            serde_json::json!({"agency": agency(12), "active": true}),
        );
        log.create(4, 2, 25, "note", note(12, 102));
        log.push(
            9,
            1,
            27,
            OpKind::Set,
            "case",
            case_id(),
            None,
            serde_json::json!({"lead_agency": agency(12)}),
        );
        log.push(
            10,
            2,
            28,
            OpKind::Set,
            "share",
            share,
            None,
            serde_json::json!({"active": false}),
        );
        log.create(11, 3, 29, "note", note(12, 103));
        let (reference, _) = judge_case(
            case_id(),
            &mut log.ops.clone(),
            &parties(),
            &reads,
            &HouseholdFacts::default(),
        );
        let mut reversed: Vec<OpFacts> = log.ops.iter().cloned().rev().collect();
        let (v, _) = judge_case(case_id(), &mut reversed, &parties(), &reads, &HouseholdFacts::default());
        assert_eq!(v, reference, "the same ops give the same verdicts in any order");
        assert_eq!(
            v[&Uuid::from_u128(10)],
            None,
            "after the handover the new lead changes the share set"
        );
        assert_eq!(
            v[&Uuid::from_u128(11)],
            Some(HOLD_NOT_SIGNER),
            "site 3's note claims agency 12"
        );
    }

    #[test]
    fn structure_binds_records_to_their_scope_type_and_author() {
        let mut log = opened();
        let share = share_id(case_id(), Uuid::from_u128(12));
        log.push(
            3,
            1,
            20,
            OpKind::Create,
            "share",
            share,
            Some(case_id()),
            serde_json::json!({"agency": agency(12), "active": true}),
        );
        let n = log.create(4, 2, 25, "note", note(12, 102));
        // A record id not derived from its create: it names another scope's record.
        log.push(
            5,
            2,
            26,
            OpKind::Create,
            "note",
            Uuid::from_u128(77),
            Some(case_id()),
            note(12, 102),
        );
        // A site entry in a case; a note's type changed; a note edited by another agency.
        log.push(
            6,
            2,
            27,
            OpKind::Create,
            "site",
            Uuid::from_u128(2),
            Some(Uuid::from_u128(12)),
            serde_json::json!({}),
        );
        log.push(7, 2, 28, OpKind::Set, "goal", n, None, serde_json::json!({"text": "y"}));
        log.push(8, 1, 29, OpKind::Set, "note", n, None, serde_json::json!({"text": "y"}));
        log.push(
            9,
            2,
            30,
            OpKind::Set,
            "note",
            n,
            None,
            serde_json::json!({"agency": agency(11)}),
        );
        let mut old = log.ops[1].clone();
        old.id = Uuid::from_u128(10);
        old.v = 1;
        log.ops.push(old);
        let (v, _) = judge_case(case_id(), &mut log.ops, &parties(), &reads, &HouseholdFacts::default());
        let get = |id: u128| v[&Uuid::from_u128(id)];
        assert_eq!(get(4), None, "an honest note stands");
        assert_eq!(get(5), Some(HOLD_FORGED_ID));
        assert_eq!(get(6), Some(HOLD_WRONG_SCOPE));
        assert_eq!(get(7), Some(HOLD_TYPE_CHANGE));
        assert_eq!(
            get(8),
            Some(HOLD_NOT_AUTHOR),
            "the lead does not edit the partner's note"
        );
        assert_eq!(get(9), Some(HOLD_NOT_SIGNER), "a note's author never changes");
        assert_eq!(get(10), Some(HOLD_OP_VERSION));
    }

    #[test]
    fn a_case_is_opened_only_where_its_agency_may_write_the_household() {
        let other = Access::default();
        let mut shared = Access::default();
        shared.open(Uuid::from_u128(12), (Hlc::new(5, 0), Uuid::nil(), Uuid::nil()));
        let (a11, a12) = (Uuid::from_u128(11), Uuid::from_u128(12));
        assert_eq!(
            may_open_case_in(Some(a11), &[], a11, Hlc::new(10, 0)),
            None,
            "the household's creator"
        );
        assert_eq!(
            may_open_case_in(Some(a11), &[&shared], a12, Hlc::new(10, 0)),
            None,
            "through another case"
        );
        assert_eq!(
            may_open_case_in(Some(a11), &[&other], a12, Hlc::new(10, 0)),
            Some(HOLD_HOUSEHOLD_NOT_SHARED)
        );
        assert_eq!(
            may_open_case_in(None, &[], a12, Hlc::new(10, 0)),
            Some(HOLD_HOUSEHOLD_UNKNOWN)
        );
    }
}
