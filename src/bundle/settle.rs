//! Settling: which received ops take effect. For every scope an import touches, the ops held and
//! the ops arriving are judged together (crate::authority), each new op is written once —
//! applied or held with its reason — and a scope whose applied ops lost their authorisation is
//! derived again. The same judgement runs over the whole log when state is rebuilt, so an op held
//! on import is held on rebuild too. A vault never holds back its own ops.

use crate::bundle::BundleError;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use rusqlite::{OptionalExtension, params};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::format::Manifest;
use crate::{
    authority::{self, Access, Body, CaseFacts, OpFacts, Parties, Verdict, Verdicts},
    log::{Hash32, Header, Hlc, Op, OpKind, Scope, Tx, root_id},
};

/// What an import changed, scope by scope, for settling afterwards.
#[derive(Default)]
pub(super) struct Touched {
    pub scopes: BTreeSet<Scope>,
    /// Scopes whose purged bodies came back: derive them again whole.
    pub restored: BTreeSet<Scope>,
    /// Verified ops that continue their series, in series order, not yet written: their
    /// verdicts are decided first so each is written once, already applied or held.
    pub incoming: BTreeMap<Scope, Vec<Incoming>>,
    /// Series heads as they stand with the incoming ops: (site, scope) → (last seq, head hash).
    pub heads: HashMap<(Uuid, Scope), (u64, Hash32)>,
    pub entities: BTreeSet<Uuid>,
    pub max_hlc: Vec<Hlc>,
    /// Case → household, from case create ops in this import.
    pub case_household: HashMap<Uuid, Uuid>,
    /// Ids of the ops queued so far, so a second op with one of them is caught before storing.
    pub op_ids: HashSet<Uuid>,
}

pub(super) struct Incoming {
    pub op: Op,
    /// None when the body was purged; Err when it is not a JSON object (held, never read).
    pub fields: Result<Option<Map<String, Value>>, ()>,
}

impl Incoming {
    pub fn new(op: Op) -> Incoming {
        let fields = op.fields().map_err(|_| ());
        Incoming { op, fields }
    }
}

pub(super) struct Settled {
    pub records_new: usize,
    pub records_changed: usize,
    pub conflicts: Vec<Uuid>,
    pub held: BTreeMap<String, usize>,
    pub released: usize,
}

struct StoredOp {
    header: Header,
    fields: Result<Option<Map<String, Value>>, ()>,
    held: Option<String>,
}

/// The fields an op applies: none when purged or unreadable.
fn applicable(f: &Result<Option<Map<String, Value>>, ()>) -> Option<&Map<String, Value>> {
    f.as_ref().ok().and_then(Option::as_ref)
}

fn body<'a>(fields: &'a Result<Option<Map<String, Value>>, ()>) -> Body<'a> {
    match fields {
        Ok(Some(f)) => Body::Fields(f),
        Ok(None) => Body::Purged,
        Err(()) => Body::Unreadable,
    }
}

fn facts_of<'a>(h: &'a Header, fields: &'a Result<Option<Map<String, Value>>, ()>) -> OpFacts<'a> {
    OpFacts {
        id: h.id,
        v: h.v,
        site: h.site,
        seq: h.seq,
        hlc: h.hlc,
        kind: h.kind,
        etype: &h.etype,
        entity: h.entity,
        parent: h.parent,
        by: h.by,
        body: body(fields),
    }
}

fn scope_ops(tx: &mut Tx<'_>, scope: Scope) -> Result<Vec<StoredOp>, BundleError> {
    let scope_id = tx.scope_id(scope)?;
    let mut stmt = tx.conn().prepare_cached(
        "SELECT o.header, o.body, o.held FROM op o JOIN series r ON r.id = o.series WHERE r.scope = ?1",
    )?;
    type Row = (Vec<u8>, Option<Vec<u8>>, Option<String>);
    let rows: Vec<Row> = stmt
        .query_map([scope_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::with_capacity(rows.len());
    for (h, b, held) in rows {
        let op = Op::from_bytes(h, b).map_err(crate::log::LogError::from)?;
        let fields = op.fields().map_err(|_| ());
        out.push(StoredOp {
            header: op.header,
            fields,
            held,
        });
    }
    Ok(out)
}

/// Whether any op of the scope is already stored (before this import's ops are written).
fn scope_has_ops(tx: &mut Tx<'_>, scope: Scope) -> Result<bool, BundleError> {
    let scope_id = tx.scope_id(scope)?;
    Ok(tx
        .conn()
        .prepare_cached("SELECT 1 FROM series WHERE scope = ?1 AND last_seq > 0")?
        .exists([scope_id])?)
}

/// Who is who, as this vault knows it now: sites from cards (and itself), workers from the
/// directory as applied.
pub(crate) fn parties(conn: &rusqlite::Connection, me: crate::vault::Identity) -> Result<Parties, BundleError> {
    let site_agency = crate::site::site_agencies(conn, me)?;
    let mut worker_agency = HashMap::new();
    let mut stmt = conn.prepare_cached("SELECT id, parent FROM entity WHERE etype = 'worker'")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id = Uuid::from_slice(&r.get::<_, Vec<u8>>(0)?).unwrap_or_default();
        if let Some(a) = r.get::<_, Option<Vec<u8>>>(1)?.and_then(|p| Uuid::from_slice(&p).ok()) {
            worker_agency.insert(id, a);
        }
    }
    Ok(Parties {
        site_agency,
        worker_agency,
        our_agency: me.agency,
        rosters: crate::record::rosters_in_force(conn, me.agency)?,
    })
}

/// What judging one round of scopes learns, shared between the scopes of that round.
#[derive(Default)]
struct Round {
    /// Case → what its judgement found (access, household, opening).
    cases: HashMap<Uuid, CaseFacts>,
    /// Household → the agency that created it, where known.
    household_creators: HashMap<Uuid, Option<Uuid>>,
}

/// The agency that created a household: the author of its root create (whose id proves it).
fn household_creator(
    tx: &mut Tx<'_>,
    household: Uuid,
    incoming: Option<&Vec<Incoming>>,
    parties: &Parties,
    round: &mut Round,
) -> Result<Option<Uuid>, BundleError> {
    if let Some(c) = round.household_creators.get(&household) {
        return Ok(*c);
    }
    let is_root = |h: &Header| {
        h.kind == OpKind::Create
            && h.etype == "household"
            && h.entity == household
            && h.entity == root_id("household", h.site, h.id)
    };
    let mut found = incoming.and_then(|ops| ops.iter().map(|i| &i.op.header).find(|h| is_root(h)).map(|h| h.site));
    if found.is_none() && scope_has_ops(tx, Scope::Household(household))? {
        found = scope_ops(tx, Scope::Household(household))?
            .iter()
            .map(|o| &o.header)
            .find(|h| is_root(h))
            .map(|h| h.site);
    }
    let creator = found.and_then(|s| parties.site_agency.get(&s).copied());
    round.household_creators.insert(household, creator);
    Ok(creator)
}

/// What the case scope's ops say about it, judged from what is stored (for a case this round
/// does not touch).
fn stored_case(tx: &mut Tx<'_>, case: Uuid, parties: &Parties, round: &mut Round) -> Result<CaseFacts, BundleError> {
    if let Some(f) = round.cases.get(&case) {
        return Ok(f.clone());
    }
    let ops = scope_ops(tx, Scope::Case(case))?;
    let mut f: Vec<OpFacts> = ops.iter().map(|o| facts_of(&o.header, &o.fields)).collect();
    let household = match household_of_case(tx, case, &f)? {
        Some(h) if has_shares(&f) => household_facts(tx, h, None)?,
        _ => authority::HouseholdFacts::default(),
    };
    let (_, facts) = authority::judge_case(case, &mut f, parties, &crate::schema::readable, &household);
    round.cases.insert(case, facts.clone());
    Ok(facts)
}

/// The household a case hangs from: its create's parent, or the applied case's.
fn household_of_case(tx: &mut Tx<'_>, case: Uuid, ops: &[OpFacts]) -> Result<Option<Uuid>, BundleError> {
    if let Some(h) = ops
        .iter()
        .find(|o| o.kind == OpKind::Create && o.etype == "case" && o.entity == case)
        .and_then(|o| o.parent)
    {
        return Ok(Some(h));
    }
    Ok(tx.entity(case)?.and_then(|st| st.parent))
}

/// Whether a case's ops touch its share set (only then do its household's consents and members
/// matter).
fn has_shares(ops: &[OpFacts]) -> bool {
    ops.iter().any(|o| o.etype == "share")
}

/// The consents and members recorded in a household, from its stored ops and those arriving now.
fn household_facts(
    tx: &mut Tx<'_>,
    household: Uuid,
    incoming: Option<&Vec<Incoming>>,
) -> Result<authority::HouseholdFacts, BundleError> {
    let scope = Scope::Household(household);
    let stored = if scope_has_ops(tx, scope)? {
        scope_ops(tx, scope)?
    } else {
        Vec::new()
    };
    let f: Vec<OpFacts> = stored
        .iter()
        .map(|o| facts_of(&o.header, &o.fields))
        .chain(
            incoming
                .into_iter()
                .flatten()
                .map(|i| facts_of(&i.op.header, &i.fields)),
        )
        .collect();
    Ok(authority::household_facts(household, &f))
}

/// The cases of a household, as applied or arriving now.
fn cases_of(tx: &mut Tx<'_>, household: Uuid, touched: &HashMap<Uuid, Uuid>) -> Result<BTreeSet<Uuid>, BundleError> {
    let mut cases: BTreeSet<Uuid> = touched
        .iter()
        .filter(|(_, h)| **h == household)
        .map(|(c, _)| *c)
        .collect();
    let mut stmt = tx
        .conn()
        .prepare_cached("SELECT id FROM entity WHERE etype = 'case' AND parent = ?1")?;
    let rows = stmt.query_map([household.as_bytes()], |r| r.get::<_, Vec<u8>>(0))?;
    for r in rows {
        cases.insert(Uuid::from_slice(&r?).unwrap_or_default());
    }
    Ok(cases)
}

/// What judging a scope may look at beyond its own ops: who is who, the ops arriving for other
/// scopes, and which household each case arriving belongs to.
struct Context<'a> {
    parties: &'a Parties,
    others: &'a BTreeMap<Scope, Vec<Incoming>>,
    case_household: &'a HashMap<Uuid, Uuid>,
}

/// Every verdict for the ops of one scope, stored and arriving, with the scope's own rules and
/// whether this vault's agency has any part in it.
fn judge(
    tx: &mut Tx<'_>,
    scope: Scope,
    stored: &[StoredOp],
    incoming: &[Incoming],
    cx: &Context<'_>,
    round: &mut Round,
) -> Result<Verdicts, BundleError> {
    let (parties, others, case_household) = (cx.parties, cx.others, cx.case_household);
    let mut f: Vec<OpFacts> = stored
        .iter()
        .map(|o| facts_of(&o.header, &o.fields))
        .chain(incoming.iter().map(|i| facts_of(&i.op.header, &i.fields)))
        .collect();
    let readable = crate::schema::readable;
    let our = parties.our_agency;
    Ok(match scope {
        Scope::Directory => authority::judge_directory(&mut f, parties, &readable),
        Scope::Case(c) => {
            let household = match household_of_case(tx, c, &f)? {
                Some(h) if has_shares(&f) => household_facts(tx, h, others.get(&Scope::Household(h)))?,
                _ => authority::HouseholdFacts::default(),
            };
            let (mut v, mut facts) = authority::judge_case(c, &mut f, parties, &readable, &household);
            // A case opened in a household its author may not write would carry that household
            // to the author: the household's creator, or an agency with access to another of its
            // cases at the time, opens cases in it.
            if let (Some(h), Some((at, agency))) = (facts.household, facts.opened) {
                let creator = household_creator(tx, h, others.get(&Scope::Household(h)), parties, round)?;
                let mut accesses = Vec::new();
                for other in cases_of(tx, h, case_household)? {
                    if other != c {
                        accesses.push(stored_case(tx, other, parties, round)?.access);
                    }
                }
                let refs: Vec<&Access> = accesses.iter().collect();
                if let Some(reason) = authority::may_open_case_in(creator, &refs, agency, at) {
                    for verdict in v.values_mut() {
                        if verdict.is_none() {
                            *verdict = Some(reason);
                        }
                    }
                    facts.access = Access::default();
                }
            }
            authority::hold_unless_entitled(&mut v, facts.access.ever(our));
            round.cases.insert(c, facts);
            v
        }
        Scope::Progress(c) => {
            // Judged after the case's own scope this round (see `order`), so its facts are known.
            let facts = stored_case(tx, c, parties, round)?;
            let mut v = authority::judge_progress(c, &mut f, parties, &readable, &facts);
            authority::hold_unless_entitled(&mut v, facts.access.ever(our));
            v
        }
        Scope::Household(h) => {
            let mut accesses = Vec::new();
            for c in cases_of(tx, h, case_household)? {
                accesses.push(stored_case(tx, c, parties, round)?.access);
            }
            let refs: Vec<&Access> = accesses.iter().collect();
            let (mut v, creator) = authority::judge_household(h, &mut f, parties, &readable, &refs);
            round.household_creators.insert(h, creator);
            authority::hold_unless_entitled(&mut v, creator == Some(our) || refs.iter().any(|a| a.ever(our)));
            v
        }
        Scope::Conference(m) => {
            let (mut v, involved) = authority::judge_conference(m, &mut f, parties, &readable);
            authority::hold_unless_entitled(&mut v, involved.contains(&our));
            v
        }
        // Local scopes never arrive (refused earlier); our own ops are never held.
        Scope::Local(_) => f.iter().map(|o| (o.id, None)).collect(),
    })
}

/// The order scopes are judged in: the directory, then cases and meetings, then the cases'
/// progress scopes (whose writers depend on their cases, so a case's changes judge its progress
/// scope again), then households (likewise).
fn order(
    tx: &mut Tx<'_>,
    scopes: &BTreeSet<Scope>,
    case_household: &HashMap<Uuid, Uuid>,
) -> Result<Vec<Scope>, BundleError> {
    let mut order: Vec<Scope> = scopes
        .iter()
        .copied()
        .filter(|s| matches!(s, Scope::Directory))
        .collect();
    order.extend(
        scopes
            .iter()
            .copied()
            .filter(|s| matches!(s, Scope::Case(_) | Scope::Conference(_))),
    );
    order.extend(scopes.iter().copied().filter(|s| matches!(s, Scope::Progress(_))));
    let mut households: BTreeSet<Scope> = scopes
        .iter()
        .copied()
        .filter(|s| matches!(s, Scope::Household(_)))
        .collect();
    for s in scopes {
        if let Scope::Case(c) = s {
            let h = match case_household.get(c) {
                Some(h) => Some(*h),
                None => tx.entity(*c)?.and_then(|st| st.parent),
            };
            if let Some(h) = h {
                households.insert(Scope::Household(h));
            }
        }
    }
    order.extend(households);
    Ok(order)
}

/// Decides, for every touched scope, which ops are authorised — the stored ones and those this
/// import brings — writes the new ops (applied or held, once), applies what became authorised,
/// and derives a scope again when an applied op lost its authorisation or purged bodies came back.
pub(super) fn settle(tx: &mut Tx<'_>, t: &mut Touched, parties: &Parties) -> Result<Settled, BundleError> {
    let mut existed: HashSet<Uuid> = HashSet::new();
    let mut was_conflicted: HashSet<Uuid> = HashSet::new();
    {
        let mut stmt = tx
            .conn()
            .prepare_cached("SELECT conflicted FROM entity WHERE id = ?1")?;
        for e in &t.entities {
            if let Some(c) = stmt.query_row([e.as_bytes()], |r| r.get::<_, bool>(0)).optional()? {
                existed.insert(*e);
                if c {
                    was_conflicted.insert(*e);
                }
            }
        }
    }
    let mut report = Settled {
        records_new: 0,
        records_changed: 0,
        conflicts: Vec::new(),
        held: BTreeMap::new(),
        released: 0,
    };
    let mut round = Round::default();
    // Borrowed unless roster entries arrive, which change the rosters the later scopes are judged by.
    let mut parties = std::borrow::Cow::Borrowed(parties);
    let mut scopes = order(tx, &t.scopes, &t.case_household)?;
    // Roster entries arriving: meetings and shares held for want of a roster entry are judged
    // again, after the directory, with the rosters as they then stand.
    let rosters_arrive = t
        .incoming
        .get(&Scope::Directory)
        .is_some_and(|ops| ops.iter().any(|i| i.op.header.etype == "roster-entry"));
    if rosters_arrive {
        let mut waiting = scopes_held_for(tx, authority::HOLD_NOT_ON_ROSTER)?;
        waiting.extend(cases_sharing_under_rosters(tx)?);
        insert_before_households(&mut scopes, waiting);
    }
    // Households this import makes known: cases held while waiting for them are judged again.
    let arriving_households: BTreeSet<Uuid> = t
        .incoming
        .iter()
        .filter_map(|(s, ops)| match s {
            Scope::Household(h)
                if ops
                    .iter()
                    .any(|i| i.op.header.kind == OpKind::Create && i.op.header.entity == *h) =>
            {
                Some(*h)
            }
            _ => None,
        })
        .collect();
    if !arriving_households.is_empty() {
        let waiting = cases_waiting_for_households(tx, &arriving_households)?;
        insert_before_households(&mut scopes, waiting.into_iter().map(Scope::Case).collect());
    }
    // Consents or members arriving (or changed): the cases of their households are judged again,
    // so a share that waited for its consent, or for a record showing the case within a law's
    // remit, stands, and one resting on a consent withdrawn before it began does not.
    let consent_households: Vec<Uuid> = t
        .incoming
        .iter()
        .filter_map(|(s, ops)| match s {
            Scope::Household(h)
                if ops
                    .iter()
                    .any(|i| matches!(i.op.header.etype.as_str(), "consent" | "person")) =>
            {
                Some(*h)
            }
            _ => None,
        })
        .collect();
    if !consent_households.is_empty() {
        for why in [authority::HOLD_CONSENT_NOT_COVERING, authority::HOLD_OUTSIDE_REMIT] {
            let waiting = scopes_held_for(tx, why)?;
            insert_before_households(&mut scopes, waiting);
        }
    }
    for h in consent_households {
        let cases = cases_of(tx, h, &t.case_household)?;
        insert_before_households(&mut scopes, cases.into_iter().map(Scope::Case).collect());
    }
    progress_after_cases(tx, &mut scopes)?;
    let mut flushed = false;
    for scope in scopes {
        if matches!(scope, Scope::Household(_)) && !flushed {
            // Cases applied above must be visible to the SQL below.
            tx.flush()?;
            flushed = true;
        }
        let incoming = t.incoming.remove(&scope).unwrap_or_default();
        let restored = t.restored.contains(&scope);
        let cx = Context {
            parties: &parties,
            others: &t.incoming,
            case_household: &t.case_household,
        };
        settle_scope(tx, scope, incoming, restored, &cx, &mut round, &mut report)?;
        if scope == Scope::Directory && rosters_arrive {
            // The rosters as the directory now stands judge the meetings and shares after it.
            tx.flush()?;
            parties.to_mut().rosters = crate::record::rosters_in_force(tx.conn(), parties.our_agency)?;
        }
    }
    for e in &t.entities {
        if let Some(st) = tx.entity(*e)? {
            if st.etype.is_empty() {
                continue;
            }
            if existed.contains(e) {
                report.records_changed += 1;
            } else {
                report.records_new += 1;
            }
            if st.is_conflicted() && !was_conflicted.contains(e) {
                report.conflicts.push(*e);
            }
        }
    }
    Ok(report)
}

/// Puts the progress scopes after every case (each is judged by its case's access), adding the
/// progress scope of every case judged here that holds ops: a change to the case's share set
/// changes who may write it.
fn progress_after_cases(tx: &mut Tx<'_>, scopes: &mut Vec<Scope>) -> Result<(), BundleError> {
    let mut progress: BTreeSet<Scope> = scopes
        .iter()
        .copied()
        .filter(|s| matches!(s, Scope::Progress(_)))
        .collect();
    scopes.retain(|s| !matches!(s, Scope::Progress(_)));
    let mut holds = tx
        .conn()
        .prepare_cached("SELECT 1 FROM series r JOIN scope s ON s.id = r.scope WHERE s.name = ?1 AND r.last_seq > 0")?;
    for s in scopes.iter() {
        if let Scope::Case(c) = s {
            let p = Scope::Progress(*c);
            if !progress.contains(&p) && holds.exists([p.to_string()])? {
                progress.insert(p);
            }
        }
    }
    drop(holds);
    insert_before_households(scopes, progress);
    Ok(())
}

/// Adds scopes to the judging order before the households (so the households see their cases'
/// access), leaving out those already in it.
fn insert_before_households(scopes: &mut Vec<Scope>, extra: BTreeSet<Scope>) {
    let extra: Vec<Scope> = extra.into_iter().filter(|s| !scopes.contains(s)).collect();
    let first_household = scopes
        .iter()
        .position(|s| matches!(s, Scope::Household(_)))
        .unwrap_or(scopes.len());
    scopes.splice(first_household..first_household, extra);
}

/// Every scope this vault holds ops of.
pub(super) fn stored_scopes(tx: &mut Tx<'_>) -> Result<BTreeSet<Scope>, BundleError> {
    let names: Vec<String> = tx
        .conn()
        .prepare_cached("SELECT name FROM scope")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(names.iter().filter_map(|n| n.parse().ok()).collect())
}

/// Scopes with ops held for `reason`.
pub(super) fn scopes_held_for(tx: &mut Tx<'_>, reason: &str) -> Result<BTreeSet<Scope>, BundleError> {
    let rows: Vec<Vec<u8>> = tx
        .conn()
        .prepare_cached("SELECT header FROM op WHERE held = ?1")?
        .query_map([reason], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows
        .iter()
        .filter_map(|h| serde_json::from_slice::<Header>(h).ok())
        .map(|h| h.scope)
        .collect())
}

/// Case scopes with an applied share under a law whose conferences keep a roster: judged again
/// when the rosters change (a membership ended on an earlier day), so a share off the roster as
/// it now stands is held here just as a rebuild from the log would hold it.
pub(super) fn cases_sharing_under_rosters(tx: &mut Tx<'_>) -> Result<BTreeSet<Scope>, BundleError> {
    let statutory: BTreeSet<String> = crate::reference::conference_types()
        .iter()
        .filter_map(|t| crate::record::roster_basis(t.code))
        .map(|b| b.code())
        .collect();
    let rows: Vec<(Option<Vec<u8>>, Option<String>)> = tx
        .conn()
        .prepare_cached("SELECT parent, json_extract(fields, '$.basis') FROM entity WHERE etype = 'share'")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows
        .into_iter()
        .filter(|(_, basis)| basis.as_ref().is_some_and(|b| statutory.contains(b)))
        .filter_map(|(case, _)| Uuid::from_slice(&case?).ok())
        .map(Scope::Case)
        .collect())
}

/// Case scopes with ops held because their household had not arrived, among `households`.
fn cases_waiting_for_households(tx: &mut Tx<'_>, households: &BTreeSet<Uuid>) -> Result<BTreeSet<Uuid>, BundleError> {
    let mut out = BTreeSet::new();
    let rows: Vec<Vec<u8>> = tx
        .conn()
        .prepare_cached("SELECT header FROM op WHERE held = ?1")?
        .query_map([authority::HOLD_HOUSEHOLD_UNKNOWN], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for h in rows {
        let Ok(header) = serde_json::from_slice::<Header>(&h) else {
            continue;
        };
        if let (Scope::Case(c), true) = (header.scope, header.kind == OpKind::Create && header.etype == "case") {
            if header.parent.is_some_and(|p| households.contains(&p)) {
                out.insert(c);
            }
        }
    }
    Ok(out)
}

fn settle_scope(
    tx: &mut Tx<'_>,
    scope: Scope,
    incoming: Vec<Incoming>,
    restored: bool,
    cx: &Context<'_>,
    round: &mut Round,
    report: &mut Settled,
) -> Result<(), BundleError> {
    let me_site = tx.site();
    let had_ops = scope_has_ops(tx, scope)?;
    let stored = if had_ops { scope_ops(tx, scope)? } else { Vec::new() };
    let verdicts = judge(tx, scope, &stored, &incoming, cx, round)?;
    // What this site wrote itself was checked when it was written; a partner's ops can never
    // make this vault withdraw its own.
    let verdict = |h: &Header| -> Verdict {
        if h.site == me_site {
            None
        } else {
            verdicts.get(&h.id).copied().flatten()
        }
    };
    // The new ops are written once, with their verdict.
    for i in &incoming {
        let v = verdict(&i.op.header);
        tx.store_remote(&i.op, v)?;
        if let Some(reason) = v {
            *report.held.entry(reason.to_string()).or_default() += 1;
        }
    }
    let lost = stored.iter().any(|o| o.held.is_none() && verdict(&o.header).is_some());
    if lost || restored {
        let authorised: Vec<(Header, Map<String, Value>)> = stored
            .iter()
            .map(|o| (&o.header, applicable(&o.fields)))
            .chain(incoming.iter().map(|i| (&i.op.header, applicable(&i.fields))))
            .filter(|(h, _)| verdict(h).is_none())
            .filter_map(|(h, f)| f.map(|f| (h.clone(), f.clone())))
            .collect();
        tx.rebuild_scope(scope, &authorised)?;
    } else {
        let mut to_apply: Vec<(&Header, &Map<String, Value>)> = stored
            .iter()
            .filter(|o| o.held.is_some() && verdict(&o.header).is_none())
            .filter_map(|o| applicable(&o.fields).map(|f| (&o.header, f)))
            .chain(
                incoming
                    .iter()
                    .filter(|i| verdict(&i.op.header).is_none())
                    .filter_map(|i| applicable(&i.fields).map(|f| (&i.op.header, f))),
            )
            .collect();
        to_apply.sort_by_key(|(h, _)| (h.hlc, h.site, h.id));
        for (h, f) in to_apply {
            tx.apply_in(h, f, !had_ops)?;
        }
    }
    let mut upd = tx.conn().prepare_cached("UPDATE op SET held = ?2 WHERE id = ?1")?;
    for o in &stored {
        let v = verdict(&o.header);
        if o.held.as_deref() != v {
            upd.execute(params![o.header.id.as_bytes(), v])?;
            if v.is_none() {
                report.released += 1;
            }
        }
    }
    Ok(())
}

/// Judges every op in the log again and records the verdicts (`op.held`), for a rebuild of the
/// derived state from the log: what import would hold is held here too, whatever build stored
/// it. Returns how many verdicts changed.
pub(crate) fn rejudge_all(tx: &mut Tx<'_>, parties: &Parties) -> Result<usize, BundleError> {
    let scopes = stored_scopes(tx)?;
    let mut case_household = HashMap::new();
    for s in &scopes {
        if let Scope::Case(c) = s {
            for o in scope_ops(tx, *s)? {
                let h = &o.header;
                if h.kind == OpKind::Create && h.etype == "case" && h.entity == *c {
                    if let Some(p) = h.parent {
                        case_household.insert(*c, p);
                    }
                }
            }
        }
    }
    let me_site = tx.site();
    let mut round = Round::default();
    let mut changed = 0;
    let none = BTreeMap::new();
    for scope in order(tx, &scopes, &case_household)? {
        if scope.is_local() {
            continue;
        }
        let stored = scope_ops(tx, scope)?;
        let cx = Context {
            parties,
            others: &none,
            case_household: &case_household,
        };
        let verdicts = judge(tx, scope, &stored, &[], &cx, &mut round)?;
        let mut upd = tx.conn().prepare_cached("UPDATE op SET held = ?2 WHERE id = ?1")?;
        for o in &stored {
            let v = if o.header.site == me_site {
                None
            } else {
                verdicts.get(&o.header.id).copied().flatten()
            };
            if o.held.as_deref() != v {
                upd.execute(params![o.header.id.as_bytes(), v])?;
                changed += 1;
            }
        }
    }
    Ok(changed)
}

/// Purges the scopes a manifest asks for, when the ops show that the sender's agency leads the
/// case concerned and this agency never led it. Bodies of this site's own ops are kept.
pub(super) fn purge(
    tx: &mut Tx<'_>,
    manifest: &Manifest,
    sender_agency: Uuid,
    parties: &Parties,
) -> Result<Vec<String>, BundleError> {
    let mut done = Vec::new();
    if manifest.purge.is_empty() {
        return Ok(done);
    }
    tx.flush()?;
    let our = parties.our_agency;
    let mut round = Round::default();
    // Who leads a case and who ever led it, replayed from its ops (never read from a field a
    // partner could have written).
    let mut verdict_for_case = |tx: &mut Tx<'_>, case: Uuid| -> Result<(bool, bool), BundleError> {
        let facts = stored_case(tx, case, parties, &mut round)?;
        let sender_leads = facts.access.ever_led(sender_agency) && lead_now(tx, case)? == Some(sender_agency);
        Ok((sender_leads, facts.access.ever_led(our)))
    };
    // Decide every notice before erasing anything: a household's notice is judged by its cases,
    // which an earlier notice of the same bundle may be about to erase.
    let mut allowed = Vec::new();
    for notice in &manifest.purge {
        let Ok(scope) = notice.scope.parse::<Scope>() else {
            continue;
        };
        let ok = match scope {
            Scope::Case(c) | Scope::Progress(c) => {
                let (sender_leads, we_led) = verdict_for_case(tx, c)?;
                sender_leads && !we_led
            }
            Scope::Household(h) => {
                let cases = cases_of(tx, h, &HashMap::new())?;
                let mut any_sender = false;
                let mut any_ours = false;
                for c in cases {
                    let (sender_leads, we_led) = verdict_for_case(tx, c)?;
                    any_sender |= sender_leads;
                    any_ours |= we_led || lead_now(tx, c)? == Some(our);
                }
                // Only if none of its cases is this agency's own to keep.
                any_sender && !any_ours
            }
            _ => false,
        };
        if ok {
            allowed.push((scope, notice.reason.clone()));
        }
    }
    for (scope, reason) in allowed {
        let n = tx.purge_scope(scope)?;
        tx.audit(
            "purge",
            Some(scope.to_string()),
            Some(format!("{n} bodies erased at the request of {sender_agency}: {reason}")),
        );
        done.push(scope.to_string());
    }
    Ok(done)
}

/// The lead of a case as applied (only authorised ops are applied).
fn lead_now(tx: &mut Tx<'_>, case: Uuid) -> Result<Option<Uuid>, BundleError> {
    Ok(tx.entity(case)?.filter(|st| st.etype == "case").and_then(|st| {
        st.fields
            .get("lead_agency")
            .and_then(Value::as_str)
            .and_then(|s| Uuid::parse_str(s).ok())
    }))
}

/// A site revoked by its own agency (its directory entry, which only that agency may write) is
/// revoked here too — for the card of that site with that agency.
pub(super) fn sync_revocations(tx: &mut Tx<'_>) -> Result<(), BundleError> {
    tx.flush()?;
    let sites: Vec<(Vec<u8>, Option<Vec<u8>>)> = tx
        .conn()
        .prepare_cached("SELECT id, parent FROM entity WHERE etype = 'site' AND json_extract(fields, '$.revoked') = 1")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (s, agency) in sites {
        let (Ok(s), Some(agency)) = (Uuid::from_slice(&s), agency) else {
            continue;
        };
        let frontier = crate::peers::series_frontier_of(tx.conn(), s)?;
        tx.conn().execute(
            "UPDATE card SET revoked_at = ?2, revoked_frontier = ?3 WHERE site = ?1 AND agency = ?4 AND revoked_at IS NULL",
            params![
                s.as_bytes(),
                tx.ambient().clock.now().as_millisecond(),
                serde_json::to_string(&frontier).unwrap_or_default(),
                agency
            ],
        )?;
    }
    Ok(())
}

impl crate::Vault {
    /// Judges the directory again after who is who changed (a card imported or verified): an
    /// entry a partner wrote for a site or agency that a card now says is another agency's is
    /// held, and one that waited for a card is applied.
    pub(crate) fn rejudge_directory(&mut self) -> Result<(), BundleError> {
        let parties = parties(&self.conn, self.me)?;
        self.write(|tx| {
            let mut t = Touched::default();
            t.scopes.insert(Scope::Directory);
            settle(tx, &mut t, &parties)?;
            sync_revocations(tx)
        })
    }
}
