//! Household commands: the list (filtered, in the engine's 五十音順), one household with its
//! members, relationships and cases, and the forms that add or change them. Dates arrive as the
//! text the user typed and are parsed by the engine.

use kasane::{
    Household, HouseholdDetail, HouseholdFilter, HouseholdSummary, HouseholdUpdate, NewHousehold, NewPerson,
    NewRelation, Person, PersonUpdate, Relation,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{
    case::CaseView,
    desktop::Desktop,
    error::CommandError,
    view::{
        CaseStatus, Change, DateView, PartnerStatus, RelationKind, Sex, date_input, id, id_text, optional,
        partial_date_input,
    },
};

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct HouseholdFilterInput {
    pub district: Option<String>,
    pub problem: Option<String>,
    pub case_status: Option<CaseStatus>,
    pub lead_agency: Option<String>,
    pub include_archived: bool,
}

/// A line of the household list.
#[derive(Debug, Clone, Serialize, TS)]
pub struct HouseholdRow {
    pub id: String,
    pub label: String,
    pub district: String,
    pub address: Option<String>,
    pub archived: bool,
    /// The head's reading (what the list is sorted by).
    pub reading: Option<String>,
    pub members: u32,
    pub open_cases: u32,
    pub problems: Vec<String>,
    pub case_statuses: Vec<CaseStatus>,
    pub lead_agencies: Vec<String>,
}

impl From<HouseholdSummary> for HouseholdRow {
    fn from(s: HouseholdSummary) -> Self {
        HouseholdRow {
            id: id_text(s.id),
            label: s.label,
            district: s.district,
            address: s.address,
            archived: s.archived,
            reading: s.reading,
            members: u32::try_from(s.members).unwrap_or(u32::MAX),
            open_cases: u32::try_from(s.open_cases).unwrap_or(u32::MAX),
            problems: s.problems,
            case_statuses: s.case_statuses.into_iter().map(CaseStatus::from).collect(),
            lead_agencies: s.lead_agencies.into_iter().map(id_text).collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct HouseholdView {
    pub id: String,
    pub label: String,
    pub district: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub archived: bool,
    /// Fields with more than one live value (edited concurrently at different PCs).
    pub conflicts: Vec<String>,
}

impl From<Household> for HouseholdView {
    fn from(h: Household) -> Self {
        HouseholdView {
            id: id_text(h.id),
            label: h.label,
            district: h.district,
            address: h.address,
            phone: h.phone,
            archived: h.archived,
            conflicts: h.conflicts,
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, TS)]
pub struct AgeView {
    pub min: u32,
    pub max: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct PersonView {
    pub id: String,
    pub household: String,
    pub family_name: String,
    pub given_name: String,
    pub family_kana: String,
    pub given_kana: String,
    pub birth: Option<DateView>,
    pub sex: Sex,
    pub relation: String,
    pub living_together: bool,
    pub deceased: Option<DateView>,
    /// 出産予定日 of a 特定妊婦.
    pub expecting: Option<DateView>,
    pub archived: bool,
    /// As of the engine's today (at death for the deceased); a range for partial birth dates.
    pub age: Option<AgeView>,
    pub conflicts: Vec<String>,
}

impl From<Person> for PersonView {
    fn from(p: Person) -> Self {
        PersonView {
            id: id_text(p.id),
            household: id_text(p.household),
            family_name: p.family_name,
            given_name: p.given_name,
            family_kana: p.family_kana,
            given_kana: p.given_kana,
            birth: p.birth.map(DateView::from),
            sex: p.sex.into(),
            relation: p.relation,
            living_together: p.living_together,
            deceased: p.deceased.map(DateView::from),
            expecting: p.expecting.map(DateView::from),
            archived: p.archived,
            age: p.age.map(|a| AgeView {
                min: u32::from(a.min),
                max: u32::from(a.max),
            }),
            conflicts: p.conflicts,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct RelationView {
    pub id: String,
    /// For parent-child, `a` is the parent.
    pub a: String,
    pub b: String,
    pub kind: RelationKind,
    pub status: Option<PartnerStatus>,
    pub archived: bool,
}

impl From<Relation> for RelationView {
    fn from(r: Relation) -> Self {
        RelationView {
            id: id_text(r.id),
            a: id_text(r.a),
            b: id_text(r.b),
            kind: r.kind.into(),
            status: r.status.map(PartnerStatus::from),
            archived: r.archived,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct HouseholdDetailView {
    pub household: HouseholdView,
    /// Heads first, then by birth date.
    pub members: Vec<PersonView>,
    pub relations: Vec<RelationView>,
    /// Newest first.
    pub cases: Vec<CaseView>,
}

impl From<HouseholdDetail> for HouseholdDetailView {
    fn from(d: HouseholdDetail) -> Self {
        HouseholdDetailView {
            household: d.household.into(),
            members: d.members.into_iter().map(PersonView::from).collect(),
            relations: d.relations.into_iter().map(RelationView::from).collect(),
            cases: d.cases.into_iter().map(CaseView::from).collect(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct NewHouseholdInput {
    pub label: String,
    pub district: String,
    pub address: String,
    pub phone: String,
}

/// Only the fields that are not null change; an empty address or phone clears it.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct HouseholdUpdateInput {
    pub label: Option<String>,
    pub district: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub archived: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct NewPersonInput {
    pub household: String,
    pub family_name: String,
    pub given_name: String,
    pub family_kana: String,
    pub given_kana: String,
    /// As typed: "S15", "昭和23年5月1日", "1990-03"; blank when unknown.
    pub birth: String,
    pub sex: Sex,
    pub relation: String,
    pub living_together: bool,
    /// As typed; blank when living.
    pub deceased: String,
    /// 出産予定日 of a 特定妊婦, as typed; blank for none.
    pub expecting: String,
}

/// Only the fields that are not null change; a date change with `value: null` clears the date.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct PersonUpdateInput {
    pub family_name: Option<String>,
    pub given_name: Option<String>,
    pub family_kana: Option<String>,
    pub given_kana: Option<String>,
    pub birth: Option<Change<String>>,
    pub sex: Option<Sex>,
    pub relation: Option<String>,
    pub living_together: Option<bool>,
    pub deceased: Option<Change<String>>,
    pub expecting: Option<Change<String>>,
    pub archived: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct NewRelationInput {
    /// For parent-child, the parent.
    pub a: String,
    pub b: String,
    pub kind: RelationKind,
    pub status: Option<PartnerStatus>,
}

pub fn households(desk: &Desktop, filter: HouseholdFilterInput) -> Result<Vec<HouseholdRow>, CommandError> {
    let filter = HouseholdFilter {
        district: filter.district.filter(|d| !d.is_empty()),
        problem: filter.problem.filter(|p| !p.is_empty()),
        case_status: filter.case_status.map(kasane::CaseStatus::from),
        lead_agency: filter.lead_agency.as_deref().map(|a| id("agency", a)).transpose()?,
        include_archived: filter.include_archived,
    };
    desk.with_vault(|v| Ok(v.households(&filter)?.into_iter().map(HouseholdRow::from).collect()))
}

pub fn household_detail(desk: &Desktop, household: String) -> Result<HouseholdDetailView, CommandError> {
    let household = id("household", &household)?;
    desk.with_vault(|v| Ok(v.household_detail(household)?.into()))
}

pub fn household_add(desk: &Desktop, input: NewHouseholdInput) -> Result<String, CommandError> {
    let new = NewHousehold {
        label: input.label,
        district: input.district,
        address: optional(input.address),
        phone: optional(input.phone),
    };
    desk.with_vault(|v| Ok(id_text(v.add_household(new)?)))
}

pub fn household_update(desk: &Desktop, household: String, input: HouseholdUpdateInput) -> Result<(), CommandError> {
    let household = id("household", &household)?;
    let update = HouseholdUpdate {
        label: input.label,
        district: input.district,
        address: input.address.map(optional),
        phone: input.phone.map(optional),
        archived: input.archived,
    };
    desk.with_vault(|v| Ok(v.update_household(household, update)?))
}

pub fn person_add(desk: &Desktop, input: NewPersonInput) -> Result<String, CommandError> {
    let new = NewPerson {
        household: id("household", &input.household)?,
        family_name: input.family_name,
        given_name: input.given_name,
        family_kana: input.family_kana,
        given_kana: input.given_kana,
        birth: partial_date_input("birth", &input.birth)?,
        sex: input.sex.into(),
        relation: input.relation,
        living_together: input.living_together,
        deceased: partial_date_input("deceased", &input.deceased)?,
        expecting: date_input("expecting", &input.expecting)?,
    };
    desk.with_vault(|v| Ok(id_text(v.add_person(new)?)))
}

pub fn person_update(desk: &Desktop, person: String, input: PersonUpdateInput) -> Result<(), CommandError> {
    let person = id("person", &person)?;
    let date_change = |field: &'static str, c: Option<Change<String>>| {
        c.map(|c| match c.value {
            None => Ok(None),
            Some(text) => partial_date_input(field, &text),
        })
        .transpose()
    };
    let update = PersonUpdate {
        family_name: input.family_name,
        given_name: input.given_name,
        family_kana: input.family_kana,
        given_kana: input.given_kana,
        birth: date_change("birth", input.birth)?,
        sex: input.sex.map(kasane::Sex::from),
        relation: input.relation,
        living_together: input.living_together,
        deceased: date_change("deceased", input.deceased)?,
        expecting: input
            .expecting
            .map(|c| match c.value {
                None => Ok(None),
                Some(text) => date_input("expecting", &text),
            })
            .transpose()?,
        archived: input.archived,
    };
    desk.with_vault(|v| Ok(v.update_person(person, update)?))
}

pub fn relation_add(desk: &Desktop, input: NewRelationInput) -> Result<String, CommandError> {
    let new = NewRelation {
        a: id("person", &input.a)?,
        b: id("person", &input.b)?,
        kind: input.kind.into(),
        status: input.status.map(kasane::PartnerStatus::from),
    };
    desk.with_vault(|v| Ok(id_text(v.add_relation(new)?)))
}
