//! What an export would carry, shown before anything is written or signed: the same choice of
//! recipients, series and purge notices as the export itself makes.

use crate::bundle::BundleError;
use std::collections::BTreeMap;

use serde::Serialize;
use uuid::Uuid;

use crate::{Vault, log::Scope, share};

/// What an export would carry, shown before writing it.
#[derive(Debug, Clone, Serialize)]
pub struct ExportPreview {
    pub agency: Uuid,
    pub agency_name: String,
    pub recipients: Vec<Uuid>,
    pub full: bool,
    /// The cases the partner may see, with what a person recognises them by.
    pub cases: Vec<PreviewCase>,
    pub meetings: usize,
    pub scopes: usize,
    /// Operations that would go (those the partner is not known to hold).
    pub ops: u64,
    pub purges: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PreviewCase {
    pub case: Uuid,
    pub household_label: String,
    pub title: String,
    /// Operations of this case and its household that would go.
    pub ops: u64,
}

impl Vault {
    /// What `export_bundle` would write, without writing or signing anything.
    pub fn export_preview(&self, to: Uuid, full: bool) -> Result<ExportPreview, BundleError> {
        let (agency, recipients) = self.recipients(to)?;
        let agency_name = self
            .agency(agency)
            .map(|a| a.name)
            .unwrap_or_else(|_| agency.to_string());
        let recipient_sites: Vec<Uuid> = recipients.iter().map(|(s, _)| *s).collect();
        let scopes = share::visible_scopes(&self.conn, agency)?;
        let acks = if full {
            BTreeMap::new()
        } else {
            self.acks_of(&recipient_sites)?
        };
        let mut per_scope: BTreeMap<Scope, u64> = BTreeMap::new();
        for s in self.series_in(&scopes)? {
            let have = acks.get(&(s.site, s.scope.to_string())).copied().unwrap_or(0);
            *per_scope.entry(s.scope).or_default() += s.last.saturating_sub(have);
        }
        let mut cases = Vec::new();
        for scope in &scopes {
            if let Scope::Case(c) = scope {
                let Ok(case) = self.case_quiet(*c) else { continue };
                let household_label = self.household(case.household).map(|h| h.label).unwrap_or_default();
                let ops = per_scope.get(scope).copied().unwrap_or(0)
                    + per_scope.get(&Scope::Household(case.household)).copied().unwrap_or(0);
                cases.push(PreviewCase {
                    case: *c,
                    household_label,
                    title: case.title,
                    ops,
                });
            }
        }
        cases.sort_by(|a, b| {
            crate::ja::gojuon_key(&a.household_label)
                .cmp(&crate::ja::gojuon_key(&b.household_label))
                .then(a.case.cmp(&b.case))
        });
        Ok(ExportPreview {
            agency,
            agency_name,
            recipients: recipient_sites.clone(),
            full,
            cases,
            meetings: scopes.iter().filter(|s| matches!(s, Scope::Conference(_))).count(),
            scopes: scopes.len(),
            ops: per_scope.values().sum(),
            purges: self
                .purge_notices(agency, &recipient_sites, &scopes)?
                .into_iter()
                .map(|p| p.scope)
                .collect(),
        })
    }
}
