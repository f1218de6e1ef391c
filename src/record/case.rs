//! Cases: one household's support story, with its status (受付→アセスメント→プラン→支援中→終結),
//! lead agency (主担当機関), problems from the city's taxonomy, risk and next review date. A case
//! is its own scope, so it can be shared with partners without sharing anything else.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    Consent, Fields, Household, Note, Person, Record, RecordError, choice, conflicts_of, load_one, require_text, view,
};
use crate::{
    Vault,
    ja::Date,
    log::{EntityState, Tx},
};

choice!(CaseStatus, "status", {
    Intake = "intake" / "受付",
    Assessment = "assessment" / "アセスメント",
    Planning = "planning" / "プラン",
    Active = "active" / "支援中",
    Closed = "closed" / "終結",
});

choice!(Risk, "risk", {
    Low = "low" / "低",
    Medium = "medium" / "中",
    High = "high" / "高",
    Urgent = "urgent" / "緊急",
});

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Case {
    #[serde(skip_deserializing)]
    pub id: Uuid,
    pub household: Uuid,
    pub title: String,
    pub status: CaseStatus,
    pub lead_agency: Uuid,
    #[serde(default)]
    pub problems: Vec<String>,
    #[serde(default)]
    pub risk: Option<Risk>,
    #[serde(default)]
    pub next_review: Option<Date>,
    pub opened: Date,
    #[serde(default)]
    pub key_person: Option<Uuid>,
    /// How the consultation came (相談受付).
    #[serde(default)]
    pub intake: Option<super::Intake>,
    /// The overall 見立て and 支援方針.
    #[serde(default)]
    pub formulation: Option<super::Formulation>,
    /// The decision to support it (支援決定).
    #[serde(default)]
    pub support_decision: Option<super::SupportDecision>,
    /// Set while the case is closed (終結): when, why, who keeps watching.
    #[serde(default)]
    pub closure: Option<super::Closure>,
    /// The last reopening, once a closed case was reopened.
    #[serde(default)]
    pub reopened: Option<super::Reopening>,
    #[serde(skip_deserializing)]
    pub conflicts: Vec<String>,
}

impl Record for Case {
    const ETYPE: &'static str = "case";
    fn set_meta(&mut self, st: &EntityState) {
        self.id = st.id;
        self.conflicts = conflicts_of(st);
    }
}

#[derive(Debug, Clone)]
pub struct NewCase {
    pub household: Uuid,
    pub title: String,
    pub problems: Vec<String>,
    /// None: this vault's own agency.
    pub lead_agency: Option<Uuid>,
    pub risk: Option<Risk>,
    pub next_review: Option<Date>,
    /// None: today.
    pub opened: Option<Date>,
}

#[derive(Debug, Clone, Default)]
pub struct CaseUpdate {
    pub title: Option<String>,
    pub status: Option<CaseStatus>,
    pub risk: Option<Option<Risk>>,
    pub lead_agency: Option<Uuid>,
    pub next_review: Option<Option<Date>>,
    pub problems: Option<Vec<String>>,
    pub key_person: Option<Option<Uuid>>,
}

/// What lists and rankings read of a case, straight from its stored fields (the same names and
/// choices as [`Case`]): the rest of a case record (intake, formulation …) is long, and lists read
/// every case.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct CaseHead {
    #[serde(skip)]
    pub id: Uuid,
    pub household: Uuid,
    pub title: String,
    pub status: CaseStatus,
    pub lead_agency: Uuid,
    #[serde(default)]
    pub problems: Vec<String>,
    #[serde(default)]
    pub risk: Option<Risk>,
    #[serde(default)]
    pub next_review: Option<Date>,
    pub opened: Date,
}

impl CaseHead {
    /// The case's line in a list, with its household's label and its lead's name.
    fn line(self, household_label: String, lead_agency_name: String, in_conflict: bool, today: Date) -> CaseSummary {
        CaseSummary {
            household_label,
            lead_agency_name,
            review_overdue: self.status != CaseStatus::Closed && self.next_review.is_some_and(|d| d < today),
            in_conflict,
            id: self.id,
            household: self.household,
            title: self.title,
            status: self.status,
            risk: self.risk,
            lead_agency: self.lead_agency,
            problems: self.problems,
            opened: self.opened,
            next_review: self.next_review,
        }
    }
}

/// What the case list reads of a household.
#[derive(Deserialize)]
struct HouseholdHead {
    label: String,
    district: String,
}

/// A line of the case list / ledger.
#[derive(Debug, Clone, Serialize)]
pub struct CaseSummary {
    pub id: Uuid,
    pub household: Uuid,
    pub household_label: String,
    pub title: String,
    pub status: CaseStatus,
    pub risk: Option<Risk>,
    pub lead_agency: Uuid,
    pub lead_agency_name: String,
    pub problems: Vec<String>,
    pub opened: Date,
    pub next_review: Option<Date>,
    /// The next review date has passed.
    pub review_overdue: bool,
    pub in_conflict: bool,
}

#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub status: Option<CaseStatus>,
    pub lead_agency: Option<Uuid>,
    pub problem: Option<String>,
    pub district: Option<String>,
    pub include_closed: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseDetail {
    pub case: Case,
    pub lead_agency_name: String,
    pub household: Household,
    pub members: Vec<Person>,
    /// Contact log, newest first; internal entries are marked.
    pub notes: Vec<Note>,
    /// The contact attempts in the log at a glance.
    pub outreach: super::OutreachSummary,
    pub consents: Vec<Consent>,
}

fn problem_codes(codes: &[String]) -> Result<Vec<String>, RecordError> {
    let mut out: Vec<String> = Vec::new();
    for c in codes {
        let c = c.trim();
        let p = crate::reference::problem(c).ok_or_else(|| RecordError::UnknownProblem(c.to_string()))?;
        if !out.iter().any(|x| x == p.code) {
            out.push(p.code.to_string());
        }
    }
    Ok(out)
}

/// Opens a case led by this agency; when another lead is asked for, the lead is then handed over
/// in a second op, because only a lead may name the next lead.
pub(crate) fn insert(tx: &mut Tx<'_>, new: &NewCase, own_agency: Uuid, today: Date) -> Result<Uuid, RecordError> {
    let title = require_text("title", &new.title)?;
    let problems = problem_codes(&new.problems)?;
    let lead = new.lead_agency.unwrap_or(own_agency);
    if !super::directory::agency_exists(tx, lead)? {
        return Err(RecordError::UnknownAgency(lead));
    }
    let opened = new.opened.unwrap_or(today);
    tx.expect(new.household, "household")?;
    let fields = Fields::new()
        .put("household", new.household)
        .put("title", &title)
        .put("status", CaseStatus::Intake)
        .put("lead_agency", own_agency)
        .put("problems", &problems)
        .maybe("risk", new.risk)
        .maybe("next_review", new.next_review)
        .put("opened", opened)
        .into_map();
    let id = tx.create_root("case", Some(new.household), fields)?;
    if lead != own_agency {
        tx.set(id, Fields::new().put("lead_agency", lead).into_map())?;
    }
    Ok(id)
}

impl Vault {
    pub fn open_case(&mut self, new: NewCase) -> Result<Uuid, RecordError> {
        let (agency, today) = (self.me.agency, self.ambient.clock.today());
        self.write(|tx| {
            let id = insert(tx, &new, agency, today)?;
            tx.audit("case.open", Some(id.to_string()), None);
            Ok(id)
        })
    }

    pub fn update_case(&mut self, id: Uuid, u: CaseUpdate) -> Result<(), RecordError> {
        if let Some(lead) = u.lead_agency {
            self.agency(lead)?;
            // Only the lead hands over the lead (partners' vaults hold any other change of it).
            let case = self.case_quiet(id)?;
            self.require_lead(&case)?;
        }
        let mut f = Fields::new();
        if let Some(t) = &u.title {
            f = f.put("title", require_text("title", t)?);
        }
        if let Some(p) = &u.problems {
            f = f.put("problems", problem_codes(p)?);
        }
        let fields = f
            .maybe("status", u.status)
            .maybe("risk", u.risk)
            .maybe("lead_agency", u.lead_agency)
            .maybe("next_review", u.next_review)
            .maybe("key_person", u.key_person)
            .into_map();
        if fields.is_empty() {
            return Err(RecordError::Missing("at least one field to change"));
        }
        self.write(|tx| {
            let st = tx.expect(id, "case")?;
            if let Some(Some(kp)) = u.key_person {
                let household = st.parent;
                let kp_household = tx.expect(kp, "person")?.parent;
                if kp_household != household {
                    return Err(RecordError::Inconsistent(super::msg!(
                        ja: "キーパーソンはこのケースの世帯員から選んでください",
                        en: "the key person must be a member of the case's household"
                    )));
                }
            }
            tx.audit(
                "case.update",
                Some(id.to_string()),
                Some(fields.keys().cloned().collect::<Vec<_>>().join(",")),
            );
            tx.set(id, fields.clone())?;
            Ok(())
        })
    }

    /// Refuses a decision that is the case's lead agency's alone, naming the lead.
    pub(crate) fn require_lead_for(&self, c: &super::Case, what_ja: &str, what_en: &str) -> Result<(), RecordError> {
        if c.lead_agency == self.me.agency {
            return Ok(());
        }
        let lead = self.agency(c.lead_agency).map(|a| a.name).unwrap_or_default();
        Err(RecordError::Refused(super::msg!(
            ja: "{what_ja}は、このケースの主担当機関（{lead}）が行います",
            en: "only the case's lead agency ({lead}) {what_en}"
        )))
    }

    pub(crate) fn case_quiet(&self, id: Uuid) -> Result<Case, RecordError> {
        view(&load_one(&self.conn, id, "case")?)
    }

    /// A case with its household, members, contact log and consents; logged as a view.
    pub fn case_detail(&mut self, id: Uuid) -> Result<CaseDetail, RecordError> {
        let case = self.case_quiet(id)?;
        let household = self.household(case.household)?;
        let today = self.ambient.clock.today();
        let mut members: Vec<Person> = self
            .members_of(case.household)?
            .into_iter()
            .map(|p| p.with_age(today))
            .collect();
        members.sort_by(|a, b| {
            (a.relation != "本人")
                .cmp(&(b.relation != "本人"))
                .then_with(|| a.birth.cmp(&b.birth))
        });
        let notes = self.notes_quiet(id)?;
        let consents = self.consents_of(case.household)?;
        let lead_agency_name = self.agency(case.lead_agency).map(|a| a.name).unwrap_or_default();
        self.audit_now("case.view", Some(id.to_string()), None)?;
        Ok(CaseDetail {
            case,
            lead_agency_name,
            household,
            members,
            outreach: super::OutreachSummary::of(&notes),
            notes,
            consents,
        })
    }

    /// The list lines of the given cases (those this PC holds), in the order asked: for screens
    /// that show a few cases picked by something else (the actions due on the home screen).
    pub fn case_lines(&self, ids: &[Uuid]) -> Result<Vec<CaseSummary>, RecordError> {
        use std::collections::HashMap;
        let today = self.ambient.clock.today();
        let agencies: HashMap<Uuid, String> = self.agencies()?.into_iter().map(|a| (a.id, a.name)).collect();
        let mut labels: HashMap<Uuid, String> = HashMap::new();
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let Some(st) = crate::log::load_entity(&self.conn, *id)?.filter(|st| st.etype == Case::ETYPE) else {
                continue;
            };
            let Ok(c) = CaseHead::deserialize(&st.fields) else {
                continue;
            };
            let label = match labels.get(&c.household) {
                Some(l) => l.clone(),
                None => {
                    let l = crate::log::load_entity(&self.conn, c.household)?
                        .and_then(|h| HouseholdHead::deserialize(&h.fields).ok())
                        .map(|h| h.label)
                        .unwrap_or_default();
                    labels.insert(c.household, l.clone());
                    l
                }
            };
            let lead = agencies.get(&c.lead_agency).cloned().unwrap_or_default();
            out.push(CaseHead { id: *id, ..c }.line(label, lead, st.is_conflicted(), today));
        }
        Ok(out)
    }

    /// Cases matching a filter, most urgent review first.
    pub fn cases(&self, filter: &CaseFilter) -> Result<Vec<CaseSummary>, RecordError> {
        use std::collections::HashMap;
        let today = self.ambient.clock.today();
        let agencies: HashMap<Uuid, String> = self.agencies()?.into_iter().map(|a| (a.id, a.name)).collect();
        // Read narrow: every case's list fields, and the label and district of the households
        // of the cases kept (one by one when few are kept, as on the home screen).
        let mut kept = Vec::new();
        for r in crate::log::scan_fields::<CaseHead>(&self.conn, "case")? {
            let c = CaseHead { id: r.id, ..r.fields };
            if c.status == CaseStatus::Closed && !filter.include_closed && filter.status != Some(CaseStatus::Closed) {
                continue;
            }
            if filter.status.is_some_and(|s| s != c.status)
                || filter.lead_agency.is_some_and(|l| l != c.lead_agency)
                || filter.problem.as_ref().is_some_and(|p| !c.problems.contains(p))
            {
                continue;
            }
            kept.push((c, r.conflicted));
        }
        let mut households: HashMap<Uuid, HouseholdHead> = HashMap::new();
        if kept.len() < 1000 {
            for (c, _) in &kept {
                if households.contains_key(&c.household) {
                    continue;
                }
                if let Some(st) = crate::log::load_entity(&self.conn, c.household)? {
                    if let Ok(h) = HouseholdHead::deserialize(&st.fields) {
                        households.insert(c.household, h);
                    }
                }
            }
        } else {
            for r in crate::log::scan_fields::<HouseholdHead>(&self.conn, "household")? {
                households.insert(r.id, r.fields);
            }
        }
        let mut out = Vec::with_capacity(kept.len());
        for (c, conflicted) in kept {
            let hh = households.get(&c.household);
            if let Some(d) = &filter.district {
                if hh.is_none_or(|h| &h.district != d) {
                    continue;
                }
            }
            let label = hh.map(|h| h.label.clone()).unwrap_or_default();
            let lead = agencies.get(&c.lead_agency).cloned().unwrap_or_default();
            out.push(c.line(label, lead, conflicted, today));
        }
        out.sort_by(|a, b| {
            a.next_review
                .is_none()
                .cmp(&b.next_review.is_none())
                .then(a.next_review.cmp(&b.next_review))
                .then(a.id.cmp(&b.id))
        });
        Ok(out)
    }
}
