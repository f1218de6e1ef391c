//! Reference data and lookups the forms need: the city's districts and problem taxonomy, the
//! engine's choice lists in its order, this vault's agency directory, and a date preview that
//! reads what the user typed exactly as the saving command will.

use serde::Serialize;
use ts_rs::TS;

use crate::{
    desktop::Desktop,
    error::{CommandError, for_field},
    view::{
        CaseStatus, ClosureReason, ConsentGiver, ConsentHow, ConsentPurpose, ContactOutcome, DateView, InfoKind,
        IntakeRoute, NoteKind, PartnerStatus, RelationKind, Risk, Sex, Visitor, id_text,
    },
};

#[derive(Debug, Clone, Serialize, TS)]
pub struct DistrictView {
    pub code: String,
    pub area_ja: String,
    pub area_en: String,
    pub name_ja: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ProblemView {
    pub code: String,
    pub group: String,
    pub label_ja: String,
    pub label_en: String,
}

/// Everything a form offers to choose from that does not depend on the vault.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Reference {
    pub districts: Vec<DistrictView>,
    pub problems: Vec<ProblemView>,
    pub case_statuses: Vec<CaseStatus>,
    pub risks: Vec<Risk>,
    pub sexes: Vec<Sex>,
    pub note_kinds: Vec<NoteKind>,
    pub contact_outcomes: Vec<ContactOutcome>,
    pub closure_reasons: Vec<ClosureReason>,
    pub intake_routes: Vec<IntakeRoute>,
    pub visitors: Vec<Visitor>,
    pub consent_hows: Vec<ConsentHow>,
    pub consent_givers: Vec<ConsentGiver>,
    pub consent_purposes: Vec<ConsentPurpose>,
    pub info_kinds: Vec<InfoKind>,
    pub relation_kinds: Vec<RelationKind>,
    pub partner_statuses: Vec<PartnerStatus>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct AgencyView {
    pub id: String,
    pub name: String,
    pub code: Option<String>,
    /// What a picker shows, so the agency meant is plain: the name and the PCs its member cards
    /// name ("生活福祉課（生活福祉課PC-2）"); an agency without a card whose name another agency
    /// shares gets the start of its id instead.
    pub label: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct WorkerView {
    pub id: String,
    pub name: String,
    pub agency: String,
}

/// The agencies and workers this vault knows (names for the ids records carry).
#[derive(Debug, Clone, Serialize, TS)]
pub struct Directory {
    pub agencies: Vec<AgencyView>,
    pub workers: Vec<WorkerView>,
}

pub fn reference_data() -> Reference {
    Reference {
        districts: kasane::districts()
            .iter()
            .map(|d| DistrictView {
                code: d.code.to_string(),
                area_ja: d.area_ja.to_string(),
                area_en: d.area_en.to_string(),
                name_ja: d.name_ja.to_string(),
            })
            .collect(),
        problems: kasane::problems()
            .iter()
            .map(|p| ProblemView {
                code: p.code.to_string(),
                group: p.group.to_string(),
                label_ja: p.label_ja.to_string(),
                label_en: p.label_en.to_string(),
            })
            .collect(),
        case_statuses: CaseStatus::all(),
        risks: Risk::all(),
        sexes: Sex::all(),
        note_kinds: NoteKind::all(),
        contact_outcomes: ContactOutcome::all(),
        closure_reasons: ClosureReason::all(),
        intake_routes: IntakeRoute::all(),
        visitors: Visitor::all(),
        consent_hows: ConsentHow::all(),
        consent_givers: ConsentGiver::all(),
        consent_purposes: ConsentPurpose::all(),
        info_kinds: InfoKind::all(),
        relation_kinds: RelationKind::all(),
        partner_statuses: PartnerStatus::all(),
    }
}

pub fn directory(desk: &Desktop) -> Result<Directory, CommandError> {
    desk.with_vault(|v| {
        Ok(Directory {
            agencies: agency_views(v)?,
            workers: v
                .directory_workers()?
                .into_iter()
                .map(|w| WorkerView {
                    id: id_text(w.id),
                    name: w.name,
                    agency: id_text(w.agency),
                })
                .collect(),
        })
    })
}

/// Every agency with the label a picker shows (see [`AgencyView::label`]).
fn agency_views(v: &kasane::Vault) -> Result<Vec<AgencyView>, CommandError> {
    let sites = v.sites()?;
    let agencies = v.agencies()?;
    let folded: Vec<String> = agencies.iter().map(|a| kasane::fold_for_search(&a.name)).collect();
    Ok(agencies
        .iter()
        .zip(&folded)
        .map(|(a, f)| {
            let pcs: Vec<&str> = sites
                .iter()
                .filter(|s| s.agency == a.id && !s.own && !s.revoked)
                .map(|s| s.site_name.as_str())
                .collect();
            let shared = folded.iter().filter(|g| *g == f).count() > 1;
            let label = if !pcs.is_empty() {
                format!("{}（{}）", a.name, pcs.join("、"))
            } else if shared {
                format!("{}（ID {}）", a.name, &id_text(a.id)[..8])
            } else {
                a.name.clone()
            };
            AgencyView {
                id: id_text(a.id),
                name: a.name.clone(),
                code: a.code.clone(),
                label,
            }
        })
        .collect())
}

/// Reads a date as the saving command will and returns it in ISO and 和暦, for the preview under
/// a date field; `partial` allows a year, or a year and month, alone (birth and death dates).
pub fn date_check(text: String, partial: bool) -> Result<DateView, CommandError> {
    if partial {
        Ok(kasane::PartialDate::parse(&text)?.into())
    } else {
        Ok(kasane::parse_date(&text)
            .map_err(CommandError::from)
            .map_err(for_field("date"))?
            .into())
    }
}
