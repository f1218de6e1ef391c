//! Search commands. Type-ahead asks on every pause in typing, so it uses the engine's quiet search
//! (no audit entry per keystroke); a search the user submits is logged like the CLI's.

use kasane::Hit;
use serde::Serialize;
use ts_rs::TS;

use crate::{desktop::Desktop, error::CommandError, view::id_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum HitKind {
    Person,
    Household,
    Note,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct HitView {
    pub kind: HitKind,
    pub id: String,
    /// Person: name; household: label; note: first line of the text.
    pub label: String,
    /// Person: reading and age; household: address; note: date and kind.
    pub detail: String,
    pub household: Option<String>,
    pub case: Option<String>,
    /// Where it belongs: a person's household, a note's case title, a household's district.
    pub context: String,
}

impl From<Hit> for HitView {
    fn from(h: Hit) -> Self {
        HitView {
            kind: match h.kind {
                "person" => HitKind::Person,
                "household" => HitKind::Household,
                _ => HitKind::Note,
            },
            id: id_text(h.id),
            label: h.label,
            detail: h.detail,
            household: h.household.map(id_text),
            case: h.case.map(id_text),
            context: h.context,
        }
    }
}

/// `submitted`: the user pressed Enter (logged in the audit trail); otherwise type-ahead.
pub fn search(desk: &Desktop, query: String, submitted: bool) -> Result<Vec<HitView>, CommandError> {
    desk.with_vault(|v| {
        let hits = if submitted {
            v.search(&query)?
        } else {
            v.search_quiet(&query)?
        };
        Ok(hits.into_iter().map(HitView::from).collect())
    })
}
