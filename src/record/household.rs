//! Households (世帯): the unit cases hang from. A household is archived, never deleted.

use crate::record::RecordError;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    Case, CaseStatus, Fields, Person, Record, Relation, conflicts_of, district_code, load_all, load_one, optional_text,
    require_text, view,
};
use crate::{
    Vault, ja,
    log::{EntityState, Tx},
};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Household {
    #[serde(skip_deserializing)]
    pub id: Uuid,
    pub label: String,
    pub district: String,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub archived: bool,
    #[serde(skip_deserializing)]
    pub conflicts: Vec<String>,
}

impl Record for Household {
    const ETYPE: &'static str = "household";
    fn set_meta(&mut self, st: &EntityState) {
        self.id = st.id;
        self.conflicts = conflicts_of(st);
    }
}

#[derive(Debug, Clone, Default)]
pub struct NewHousehold {
    pub label: String,
    pub district: String,
    pub address: Option<String>,
    pub phone: Option<String>,
}

/// Only the fields that are Some change; `Some(None)` clears an optional field.
#[derive(Debug, Clone, Default)]
pub struct HouseholdUpdate {
    pub label: Option<String>,
    pub district: Option<String>,
    pub address: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub archived: Option<bool>,
}

/// A line of the household list.
#[derive(Debug, Clone, Serialize)]
pub struct HouseholdSummary {
    pub id: Uuid,
    pub label: String,
    pub district: String,
    pub address: Option<String>,
    pub archived: bool,
    /// The head's reading, used for 五十音順.
    pub reading: Option<String>,
    pub members: usize,
    pub open_cases: usize,
    /// Problem codes of the household's open cases.
    pub problems: Vec<String>,
    /// Statuses of all its cases (closed included).
    pub case_statuses: Vec<CaseStatus>,
    /// Lead agencies of its open cases.
    pub lead_agencies: Vec<Uuid>,
}

/// Narrows the household list; every condition set must hold. Case conditions match when any
/// case of the household matches.
#[derive(Debug, Clone, Default)]
pub struct HouseholdFilter {
    pub district: Option<String>,
    pub problem: Option<String>,
    pub case_status: Option<CaseStatus>,
    pub lead_agency: Option<Uuid>,
    pub include_archived: bool,
}

/// A household with everything that hangs from it.
#[derive(Debug, Clone, Serialize)]
pub struct HouseholdDetail {
    pub household: Household,
    pub members: Vec<Person>,
    pub relations: Vec<Relation>,
    pub cases: Vec<Case>,
}

pub(crate) fn insert(tx: &mut Tx<'_>, new: &NewHousehold) -> Result<Uuid, RecordError> {
    let fields = Fields::new()
        .put("label", require_text("label", &new.label)?)
        .put("district", district_code(&new.district)?)
        .maybe("address", optional_text("address", new.address.as_deref())?)
        .maybe("phone", optional_text("phone", new.phone.as_deref())?)
        .into_map();
    Ok(tx.create_root("household", None, fields)?)
}

impl Vault {
    pub fn add_household(&mut self, new: NewHousehold) -> Result<Uuid, RecordError> {
        self.write(|tx| {
            let id = insert(tx, &new)?;
            tx.audit("household.add", Some(id.to_string()), None);
            Ok(id)
        })
    }

    pub fn update_household(&mut self, id: Uuid, u: HouseholdUpdate) -> Result<(), RecordError> {
        let mut f = Fields::new();
        if let Some(l) = &u.label {
            f = f.put("label", require_text("label", l)?);
        }
        if let Some(d) = &u.district {
            f = f.put("district", district_code(d)?);
        }
        if let Some(a) = &u.address {
            f = f.put("address", optional_text("address", a.as_deref())?);
        }
        if let Some(p) = &u.phone {
            f = f.put("phone", optional_text("phone", p.as_deref())?);
        }
        f = f.maybe("archived", u.archived);
        let fields = f.into_map();
        self.write(|tx| {
            tx.expect(id, "household")?;
            let changed: Vec<&str> = fields.keys().map(String::as_str).collect();
            tx.audit("household.update", Some(id.to_string()), Some(changed.join(",")));
            tx.set(id, fields.clone())?;
            Ok(())
        })
    }

    pub fn household(&self, id: Uuid) -> Result<Household, RecordError> {
        view(&load_one(&self.conn, id, "household")?)
    }

    /// A household with members (heads first, then by age), relations and cases; logged as a view.
    pub fn household_detail(&mut self, id: Uuid) -> Result<HouseholdDetail, RecordError> {
        let household = self.household(id)?;
        let today = self.ambient.clock.today();
        let mut members: Vec<Person> = self.members_of(id)?.into_iter().map(|p| p.with_age(today)).collect();
        members.sort_by(|a, b| {
            (a.relation != "本人")
                .cmp(&(b.relation != "本人"))
                .then_with(|| a.birth.cmp(&b.birth))
                .then_with(|| a.id.cmp(&b.id))
        });
        let relations = load_all(&self.conn, "relation", Some(id))?
            .iter()
            .filter_map(|st| view::<Relation>(st).ok())
            .collect();
        let mut cases: Vec<Case> = load_all(&self.conn, "case", Some(id))?
            .iter()
            .filter_map(|st| view::<Case>(st).ok())
            .collect();
        cases.sort_by_key(|c| std::cmp::Reverse(c.opened));
        self.audit_now("household.view", Some(id.to_string()), None)?;
        Ok(HouseholdDetail {
            household,
            members,
            relations,
            cases,
        })
    }

    /// Every household, sorted 五十音順 by the head's reading (then by label).
    pub fn households(&self, filter: &HouseholdFilter) -> Result<Vec<HouseholdSummary>, RecordError> {
        use std::collections::HashMap;
        // The 本人's reading, family and given name apart, for 五十音順 by family name first.
        let mut heads: HashMap<Uuid, (String, String)> = HashMap::new();
        let mut members: HashMap<Uuid, usize> = HashMap::new();
        {
            let mut stmt = self.conn.prepare_cached(
                "SELECT parent, json_extract(fields, '$.relation'), json_extract(fields, '$.family_kana'), json_extract(fields, '$.given_kana')
                 FROM entity WHERE etype = 'person'",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let Some(parent) = r.get::<_, Option<Vec<u8>>>(0)?.and_then(|p| Uuid::from_slice(&p).ok()) else {
                    continue;
                };
                *members.entry(parent).or_default() += 1;
                if r.get::<_, Option<String>>(1)?.as_deref() == Some("本人") {
                    let reading = (
                        r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                        r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                    );
                    heads.insert(parent, reading);
                }
            }
        }
        #[derive(Default)]
        struct Cases {
            open: usize,
            problems: Vec<String>,
            statuses: Vec<CaseStatus>,
            leads: Vec<Uuid>,
        }
        let mut cases: HashMap<Uuid, Cases> = HashMap::new();
        for st in load_all(&self.conn, "case", None)? {
            let Ok(c) = view::<Case>(&st) else {
                continue;
            };
            let e = cases.entry(c.household).or_default();
            if !e.statuses.contains(&c.status) {
                e.statuses.push(c.status);
            }
            if c.status != CaseStatus::Closed {
                e.open += 1;
                for p in c.problems {
                    if !e.problems.contains(&p) {
                        e.problems.push(p);
                    }
                }
                if !e.leads.contains(&c.lead_agency) {
                    e.leads.push(c.lead_agency);
                }
            }
        }
        let mut out = Vec::new();
        for st in load_all(&self.conn, "household", None)? {
            let Ok(h) = view::<Household>(&st) else {
                continue;
            };
            if h.archived && !filter.include_archived {
                continue;
            }
            if filter.district.as_deref().is_some_and(|d| d != h.district) {
                continue;
            }
            let c = cases.remove(&h.id).unwrap_or_default();
            if filter.problem.as_ref().is_some_and(|p| !c.problems.contains(p))
                || filter.case_status.is_some_and(|s| !c.statuses.contains(&s))
                || filter.lead_agency.is_some_and(|l| !c.leads.contains(&l))
            {
                continue;
            }
            let head = heads.remove(&h.id);
            // Households with a 本人 in 五十音順 of the 本人's name; the rest after, by label.
            let order = match &head {
                Some((f, g)) => (false, Some(ja::name_key(f, g)), None, h.id),
                None => (true, None, Some(ja::gojuon_key(&h.label)), h.id),
            };
            out.push((
                order,
                HouseholdSummary {
                    reading: head.map(|(f, g)| format!("{f}{g}")),
                    members: members.get(&h.id).copied().unwrap_or(0),
                    open_cases: c.open,
                    problems: c.problems,
                    case_statuses: c.statuses,
                    lead_agencies: c.leads,
                    id: h.id,
                    label: h.label,
                    district: h.district,
                    address: h.address,
                    archived: h.archived,
                },
            ));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out.into_iter().map(|(_, s)| s).collect())
    }
}
