//! The shared family assessment: entries by domain, about the whole household or one member, each
//! by an agency and worker, keeping what was found (把握した状況, facts) apart from the worker's
//! judgement (見立て: background, strengths, needs, risk) so judgement can be told apart when a
//! person asks for their records; and the case's overall 見立て and 支援方針, written by its lead.
//! Every agency on the case adds its own view; entries are immutable items (edits are new versions).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Fields, Record, RecordError, Risk, conflicts_of, load_all, optional_text, require_text, view};
use crate::{
    Vault,
    ja::Date,
    log::{EntityState, Scope, Tx},
};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AssessmentEntry {
    #[serde(skip_deserializing)]
    pub id: Uuid,
    pub case: Uuid,
    /// A code from assessment-domains.tsv.
    pub domain: String,
    /// The member it is about; None: the whole household.
    #[serde(default)]
    pub person: Option<Uuid>,
    pub agency: Uuid,
    pub worker: Uuid,
    pub date: Date,
    /// 把握した状況（事実）: what was found (in the wishes domain: what the person or family
    /// wants, in their words).
    pub seen: String,
    /// 見立て（課題の背景・判断）: the worker's reading of it.
    #[serde(default)]
    pub judgement: Option<String>,
    #[serde(default)]
    pub strengths: Option<String>,
    #[serde(default)]
    pub needs: Option<String>,
    #[serde(default)]
    pub risk: Option<Risk>,
    /// The person (or family) does not want contact — recorded in their own place.
    #[serde(default)]
    pub no_contact: bool,
    #[serde(default)]
    pub retracted: bool,
    #[serde(skip_deserializing)]
    pub agency_name: String,
    #[serde(skip_deserializing)]
    pub conflicts: Vec<String>,
    /// The op that wrote the current text; a meeting snapshot records it, so later changes show.
    #[serde(skip_deserializing)]
    pub version: Option<Uuid>,
}

impl AssessmentEntry {
    /// The fields that are the worker's judgement (評価・判断情報), which a reviewer may withhold
    /// from a disclosure request; the rest is what was found.
    pub const JUDGEMENT_FIELDS: &'static [&'static str] = &["judgement", "strengths", "needs", "risk"];
}

impl Record for AssessmentEntry {
    const ETYPE: &'static str = "assessment";
    fn set_meta(&mut self, st: &EntityState) {
        self.id = st.id;
        self.conflicts = conflicts_of(st);
        self.version = [
            "seen",
            "judgement",
            "strengths",
            "needs",
            "risk",
            "no_contact",
            "retracted",
        ]
        .iter()
        .filter_map(|f| st.author(f))
        .max_by_key(|r| (r.hlc, r.id))
        .map(|r| r.id);
    }
}

#[derive(Debug, Clone)]
pub struct NewAssessmentEntry {
    pub case: Uuid,
    pub domain: String,
    pub person: Option<Uuid>,
    pub seen: String,
    pub judgement: Option<String>,
    pub strengths: Option<String>,
    pub needs: Option<String>,
    pub risk: Option<Risk>,
    pub no_contact: bool,
    /// None: today.
    pub date: Option<Date>,
}

/// A change to an assessment entry; None leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct AssessmentRevision<'a> {
    pub seen: Option<&'a str>,
    pub judgement: Option<&'a str>,
    pub strengths: Option<&'a str>,
    pub needs: Option<&'a str>,
    pub risk: Option<Risk>,
}

/// The case's overall 見立て and 支援方針 (アセスメントシートの総合), with the agencies whose
/// entries it drew on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Formulation {
    pub date: Date,
    /// 全体の見立て.
    pub view: String,
    /// 支援方針.
    pub policy: String,
    /// The agencies with current entries when it was written (who took part).
    #[serde(default)]
    pub agencies: Vec<Uuid>,
}

/// One domain of the household view: every agency's entries, newest first.
#[derive(Debug, Clone, Serialize)]
pub struct DomainView {
    pub domain: String,
    pub label_ja: String,
    pub label_en: String,
    pub entries: Vec<AssessmentEntry>,
}

pub(crate) fn insert(
    tx: &mut Tx<'_>,
    new: &NewAssessmentEntry,
    agency: Uuid,
    worker: Uuid,
    today: Date,
) -> Result<Uuid, RecordError> {
    let domain = crate::reference::assessment_domain(new.domain.trim())
        .ok_or_else(|| RecordError::BadChoice {
            field: "assessment domain",
            value: new.domain.clone(),
            allowed: "wishes household health care money housing children safety connection daily-life",
        })?
        .code;
    let seen = require_text("what was seen", &new.seen)?;
    let date = new.date.unwrap_or(today);
    if date > today {
        return Err(RecordError::Inconsistent(
            super::msg!(ja: "見立ての日付 {date} が未来の日付です", en: "the assessment date {date} is in the future"),
        ));
    }
    let case = tx.expect(new.case, "case")?;
    let household = case.parent;
    if let Some(p) = new.person {
        if tx.expect(p, "person")?.parent != household {
            return Err(RecordError::Inconsistent(
                super::msg!(ja: "対象者はこのケースの世帯員から選んでください", en: "the person must be a member of the case's household"),
            ));
        }
    }
    let fields = Fields::new()
        .put("case", new.case)
        .put("domain", domain)
        .maybe("person", new.person)
        .put("agency", agency)
        .put("worker", worker)
        .put("date", date)
        .put("seen", seen)
        .maybe("judgement", optional_text("judgement", new.judgement.as_deref())?)
        .maybe("strengths", optional_text("strengths", new.strengths.as_deref())?)
        .maybe("needs", optional_text("needs", new.needs.as_deref())?)
        .maybe("risk", new.risk)
        .put("no_contact", new.no_contact)
        .into_map();
    Ok(tx.create(Scope::Case(new.case), "assessment", Some(new.case), fields)?)
}

impl Vault {
    pub fn add_assessment(&mut self, new: NewAssessmentEntry) -> Result<Uuid, RecordError> {
        let (agency, worker, today) = (self.me.agency, self.me.worker, self.ambient.clock.today());
        self.write(|tx| {
            let id = insert(tx, &new, agency, worker, today)?;
            tx.audit(
                "assessment.add",
                Some(id.to_string()),
                Some(format!("case {}", new.case)),
            );
            Ok(id)
        })
    }

    /// Only the agency that wrote an entry revises or retracts it: each agency speaks for itself.
    fn require_own_entry(&self, id: Uuid) -> Result<(), RecordError> {
        let e: AssessmentEntry = view(&super::load_one(&self.conn, id, "assessment")?)?;
        if e.agency != self.me.agency {
            return Err(RecordError::Refused(super::msg!(
                ja: "この見立ては別の機関のものです。修正・取消はその機関が行います",
                en: "this entry is another agency's view; only that agency revises or retracts it"
            )));
        }
        Ok(())
    }

    /// A new version of an entry's text (found, judgement, strengths, needs, risk); the old one
    /// stays in the log.
    pub fn revise_assessment(&mut self, id: Uuid, r: AssessmentRevision<'_>) -> Result<(), RecordError> {
        let AssessmentRevision {
            seen,
            judgement,
            strengths,
            needs,
            risk,
        } = r;
        let mut f = Fields::new();
        if let Some(s) = seen {
            f = f.put("seen", require_text("what was seen", s)?);
        }
        if let Some(s) = judgement {
            f = f.put("judgement", optional_text("judgement", Some(s))?);
        }
        if let Some(s) = strengths {
            f = f.put("strengths", optional_text("strengths", Some(s))?);
        }
        if let Some(s) = needs {
            f = f.put("needs", optional_text("needs", Some(s))?);
        }
        let fields = f.maybe("risk", risk).into_map();
        if fields.is_empty() {
            return Err(RecordError::Missing("something to change"));
        }
        self.require_own_entry(id)?;
        self.write(|tx| {
            tx.expect(id, "assessment")?;
            tx.set(id, fields.clone())?;
            tx.audit("assessment.revise", Some(id.to_string()), None);
            Ok(())
        })
    }

    /// Writes the case's overall 見立て and 支援方針 (only its lead agency does), naming the
    /// agencies whose entries stand today. Refused for a closed case and without either text.
    pub fn set_formulation(
        &mut self,
        case: Uuid,
        overall: &str,
        policy: &str,
        date: Option<Date>,
    ) -> Result<(), RecordError> {
        let c = self.case_quiet(case)?;
        self.require_lead_for(
            &c,
            "全体の見立てと支援方針の記録",
            "writes the overall assessment and support policy",
        )?;
        if c.status == super::CaseStatus::Closed {
            return Err(RecordError::Refused(super::msg!(
                ja: "終結したケースの見立ては変更できません。先に再開してください",
                en: "a closed case's assessment cannot change; reopen it first"
            )));
        }
        let today = self.ambient.clock.today();
        let date = date.unwrap_or(today);
        if date > today {
            return Err(RecordError::Inconsistent(
                super::msg!(ja: "日付 {date} が未来の日付です", en: "the date {date} is in the future"),
            ));
        }
        let mut agencies: Vec<Uuid> = self
            .assessment_entries(case)?
            .into_iter()
            .filter(|e| !e.retracted)
            .map(|e| e.agency)
            .collect();
        agencies.sort();
        agencies.dedup();
        let formulation = Formulation {
            date,
            view: require_text("overall assessment", overall)?,
            policy: require_text("support policy", policy)?,
            agencies,
        };
        self.write(|tx| {
            tx.expect(case, "case")?;
            tx.set(case, Fields::new().put("formulation", &formulation).into_map())?;
            tx.audit("assessment.formulation", Some(case.to_string()), None);
            Ok(())
        })
    }

    pub fn retract_assessment(&mut self, id: Uuid) -> Result<(), RecordError> {
        self.require_own_entry(id)?;
        self.write(|tx| {
            tx.expect(id, "assessment")?;
            tx.set(id, Fields::new().put("retracted", true).into_map())?;
            tx.audit("assessment.retract", Some(id.to_string()), None);
            Ok(())
        })
    }

    /// Every assessment entry of a case (retracted ones included, marked), newest first.
    pub fn assessment_entries(&self, case: Uuid) -> Result<Vec<AssessmentEntry>, RecordError> {
        let names: std::collections::HashMap<Uuid, String> =
            self.agencies()?.into_iter().map(|a| (a.id, a.name)).collect();
        let mut out: Vec<AssessmentEntry> = load_all(&self.conn, "assessment", Some(case))?
            .iter()
            .filter_map(|st| view::<AssessmentEntry>(st).ok())
            .collect();
        for e in &mut out {
            e.agency_name = names.get(&e.agency).cloned().unwrap_or_default();
        }
        out.sort_by(|a, b| b.date.cmp(&a.date).then(b.id.cmp(&a.id)));
        Ok(out)
    }

    /// The household view: per domain (in the city's order), every agency's current entries side
    /// by side, newest first, so the family need not tell its story again to each agency.
    pub fn assessment_view(&mut self, case: Uuid) -> Result<Vec<DomainView>, RecordError> {
        let entries = self.assessment_entries(case)?;
        let mut by: BTreeMap<String, Vec<AssessmentEntry>> = BTreeMap::new();
        for e in entries.into_iter().filter(|e| !e.retracted) {
            by.entry(e.domain.clone()).or_default().push(e);
        }
        let out = crate::reference::assessment_domains()
            .iter()
            .map(|d| DomainView {
                domain: d.code.to_string(),
                label_ja: d.label_ja.to_string(),
                label_en: d.label_en.to_string(),
                entries: by.remove(d.code).unwrap_or_default(),
            })
            .collect();
        self.audit_now("assessment.view", Some(case.to_string()), None)?;
        Ok(out)
    }
}
