//! Bundles out: what an export to a partner would carry, and the export itself into a folder the
//! user chose, under a new file name (nothing is overwritten).

use kasane::{ExportPreview, ExportReport, Vault};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{BundleReport, count, existing_folder, file_name_part, free_name, with_progress};
use crate::{
    desktop::Desktop,
    error::CommandError,
    view::{id, id_text},
};

#[derive(Debug, Clone, Serialize, TS)]
pub struct PreviewCaseView {
    pub case: String,
    pub household_label: String,
    pub title: String,
    pub ops: u32,
}

/// What an export would carry.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ExportPreviewView {
    pub agency: String,
    pub agency_name: String,
    /// Sites it would be encrypted to.
    pub recipients: u32,
    pub full: bool,
    pub cases: Vec<PreviewCaseView>,
    /// Households of those cases.
    pub households: u32,
    pub meetings: u32,
    pub scopes: u32,
    /// Operations that would go, in all (directory included).
    pub ops: u32,
    /// Operations of the directory (agencies, sites, workers) and other scopes than cases.
    pub directory_ops: u32,
    pub purges: u32,
}

impl From<ExportPreview> for ExportPreviewView {
    fn from(p: ExportPreview) -> Self {
        let households: std::collections::BTreeSet<&str> = p.cases.iter().map(|c| c.household_label.as_str()).collect();
        let case_ops: u64 = p.cases.iter().map(|c| c.ops).sum();
        ExportPreviewView {
            agency: id_text(p.agency),
            agency_name: p.agency_name,
            recipients: count(p.recipients.len()),
            full: p.full,
            households: count(households.len()),
            cases: p
                .cases
                .into_iter()
                .map(|c| PreviewCaseView {
                    case: id_text(c.case),
                    household_label: c.household_label,
                    title: c.title,
                    ops: count(c.ops),
                })
                .collect(),
            meetings: count(p.meetings),
            scopes: count(p.scopes),
            ops: count(p.ops),
            directory_ops: count(p.ops.saturating_sub(case_ops)),
            purges: count(p.purges.len()),
        }
    }
}

/// `to` is an agency id (all its verified sites) or one site's id.
pub fn bundle_preview(desk: &Desktop, to: String, full: bool) -> Result<ExportPreviewView, CommandError> {
    let to = id("agency", &to)?;
    desk.with_vault(|v| Ok(v.export_preview(to, full)?.into()))
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct BundleExportInput {
    /// Agency id or site id.
    pub to: String,
    pub full: bool,
    /// The folder to write the bundle into (a new file; nothing is overwritten).
    pub folder: String,
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ExportReportView {
    pub path: String,
    pub agency_name: String,
    pub recipients: u32,
    pub full: bool,
    pub segments: u32,
    pub ops: u32,
    pub bytes: f64,
    pub seconds: f64,
}

impl From<ExportReport> for ExportReportView {
    fn from(r: ExportReport) -> Self {
        ExportReportView {
            path: r.path.display().to_string(),
            agency_name: r.agency_name,
            recipients: count(r.recipients.len()),
            full: r.full,
            segments: count(r.segments),
            ops: count(r.ops),
            bytes: r.bytes as f64,
            seconds: r.seconds,
        }
    }
}

pub fn bundle_export(
    desk: &Desktop,
    input: BundleExportInput,
    sink: &dyn BundleReport,
) -> Result<ExportReportView, CommandError> {
    let to = id("agency", &input.to)?;
    let folder = existing_folder("folder", &input.folder)?;
    with_progress(sink, |progress| {
        desk.with_vault(|v: &mut Vault| {
            let me = v.identity();
            let from = v.agency(me.agency).map(|a| a.name).unwrap_or_default();
            // `to` is an agency, or one of its sites.
            let partner = match v.agency(to) {
                Ok(a) => a.name,
                Err(_) => v.site_info(to).map(|s| s.agency_name).unwrap_or_default(),
            };
            let day = v.ambient().clock.today().to_string().replace('-', "");
            let stem = format!("{}から{}へ-{day}", file_name_part(&from), file_name_part(&partner));
            let out = free_name(&folder, &stem, "kasane");
            Ok(v.export_bundle(to, input.full, &out, progress)?.into())
        })
    })
}
