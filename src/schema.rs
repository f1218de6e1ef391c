//! What every record type must look like for this build to read it. A partner's op that would
//! leave a record unreadable is held on import rather than applied (the exchange asks here), and
//! whatever is unreadable on disk is listed rather than breaking a whole list.

use kasane_store::StoreError;
use serde::Serialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::{
    Vault, meeting,
    record::{
        Action, Agency, AssessmentEntry, Case, Consent, Goal, Household, Note, Person, PlanVersion, Record, Relation,
        RosterEntry, Worker,
    },
    referral::{Referral, Resource},
    share::Share,
};

/// Whether `fields` read as a record of type `etype`, as every list and view of this build reads
/// it; a partner's op that would make a record unreadable is held instead of applied. Types this
/// build does not know are kept and forwarded, never read, so they pass.
pub(crate) fn readable(etype: &str, v: &Value) -> bool {
    fn reads<T: Record>(v: &Value) -> bool {
        T::deserialize(v).is_ok()
    }
    let Some(fields) = v.as_object() else {
        return false;
    };
    match etype {
        "household" => reads::<Household>(v),
        "person" => reads::<Person>(v),
        "relation" => reads::<Relation>(v),
        "consent" => reads::<Consent>(v),
        "case" => reads::<Case>(v),
        "share" => reads::<Share>(v),
        "note" => reads::<Note>(v),
        "assessment" => reads::<AssessmentEntry>(v),
        "goal" => reads::<Goal>(v),
        "plan" => reads::<PlanVersion>(v),
        "action" => reads::<Action>(v),
        "referral" => reads::<Referral>(v),
        "resource" => reads::<Resource>(v),
        "flag" => reads::<meeting::Flag>(v),
        "meeting" => reads::<meeting::Meeting>(v),
        "agenda-item" => reads::<meeting::AgendaItem>(v),
        "correction" => reads::<meeting::Correction>(v),
        "agency" => reads::<Agency>(v),
        "worker" => reads::<Worker>(v),
        "roster-entry" => reads::<RosterEntry>(v),
        "site" => site_entry_reads(fields),
        _ => true,
    }
}

/// A site's directory entry: its name, its agency, whether its agency revoked it.
fn site_entry_reads(fields: &Map<String, Value>) -> bool {
    let text = |k: &str| fields.get(k).is_none_or(Value::is_string);
    text("name") && text("agency") && fields.get("revoked").is_none_or(|v| v.is_boolean() || v.is_null())
}

/// A record that cannot be read as its type: lists leave it out (one damaged record never breaks
/// a whole list) and it is reported here instead.
#[derive(Debug, Clone, Serialize)]
pub struct Unreadable {
    pub id: Uuid,
    pub etype: String,
    pub scope: String,
}

impl Vault {
    /// Every record that cannot be read as its type: damaged on disk, or applied by an earlier
    /// build before partners' fields were checked on import.
    pub fn unreadable_records(&self) -> Result<Vec<Unreadable>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT e.id, e.etype, s.name, e.fields FROM entity e JOIN scope s ON s.id = e.scope")?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let etype: String = r.get(1)?;
            let fields: Option<Value> = serde_json::from_str(&r.get::<_, String>(3)?).ok();
            if fields.is_some_and(|f| readable(&etype, &f)) {
                continue;
            }
            out.push(Unreadable {
                id: Uuid::from_slice(&r.get::<_, Vec<u8>>(0)?).unwrap_or_default(),
                etype,
                scope: r.get(2)?,
            });
        }
        Ok(out)
    }
}
