//! Conflicts: fields that concurrent edits at two agencies left with more than one live value,
//! and resolving one by choosing a value or, for free text, writing a merged one.

use kasane::Conflict;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::{
    desktop::Desktop,
    error::CommandError,
    view::{DateView, id, id_text},
};

/// One live value of a field in conflict.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ConflictValueView {
    /// The op that wrote it: what "choose this value" sends back.
    pub op: String,
    /// The value as JSON text (exact).
    pub json: String,
    /// The value when it is text.
    pub text: Option<String>,
    /// The value when it is a date.
    pub date: Option<DateView>,
    pub agency_name: Option<String>,
    pub worker_name: Option<String>,
    pub at_ms: f64,
}

/// A field of a record with more than one live value; the value shown until resolved first.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ConflictView {
    pub entity: String,
    /// "case", "household", "person", "note", "action" …
    pub etype: String,
    pub label: String,
    /// The engine's field name ("risk", "next_review", "title" …).
    pub field: String,
    /// A free-text field (not a choice, date or reference): a merged text can be written.
    pub text: bool,
    pub values: Vec<ConflictValueView>,
}

/// Fields a person writes freely, whose values can be merged by editing (choices, dates and
/// references can only be chosen).
const FREE_TEXT_FIELDS: &[&str] = &[
    "label",
    "title",
    "text",
    "address",
    "phone",
    "place",
    "note",
    "name",
    "family_name",
    "given_name",
    "family_kana",
    "given_kana",
    "scope",
    "seen",
    "strengths",
    "needs",
    "discussion",
];

fn value_date(v: &Value) -> Option<DateView> {
    let s = v.as_str()?;
    let b = s.as_bytes();
    let iso = s.len() == 10 && b[4] == b'-' && b[7] == b'-';
    iso.then(|| kasane::parse_date(s).ok()).flatten().map(DateView::from)
}

impl From<Conflict> for ConflictView {
    fn from(c: Conflict) -> Self {
        let text = FREE_TEXT_FIELDS.contains(&c.field.as_str())
            && c.values.iter().all(|v| v.value.is_string() || v.value.is_null());
        ConflictView {
            entity: id_text(c.entity),
            etype: c.etype,
            label: c.label,
            field: c.field,
            text,
            values: c
                .values
                .into_iter()
                .map(|v| ConflictValueView {
                    op: id_text(v.op),
                    json: v.value.to_string(),
                    text: v.value.as_str().map(str::to_string),
                    date: value_date(&v.value),
                    agency_name: v.agency_name,
                    worker_name: v.worker_name,
                    at_ms: v.at_ms as f64,
                })
                .collect(),
        }
    }
}

pub fn conflicts(desk: &Desktop) -> Result<Vec<ConflictView>, CommandError> {
    desk.with_vault(|v| Ok(v.conflicts()?.into_iter().map(ConflictView::from).collect()))
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ConflictResolveInput {
    pub entity: String,
    pub field: String,
    /// The op id of the value chosen; or null with `merged`.
    pub pick: Option<String>,
    /// A merged text (text fields only); or null with `pick`.
    pub merged: Option<String>,
}

pub fn conflict_resolve(desk: &Desktop, input: ConflictResolveInput) -> Result<(), CommandError> {
    let entity = id("record", &input.entity)?;
    let pick = input.pick.as_deref().map(|p| id("op", p)).transpose()?;
    let merged = input.merged.map(Value::String);
    desk.with_vault(|v| {
        v.resolve_conflict(entity, &input.field, pick, merged)?;
        Ok(())
    })
}
