//! Plain records — households, persons, relationships, cases, consent, contact log, the agency
//! directory — as typed views over derived state, and the vault operations that write them.
//! Validation happens here, before any op is written: a refused input leaves no trace.

mod assessment;
mod case;
mod consent;
mod directory;
mod household;
mod note;
mod person;
mod plan;
mod referral;
mod relation;

use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Map, Value};
use uuid::Uuid;

pub use assessment::{AssessmentEntry, DomainView, NewAssessmentEntry};
pub use case::{Case, CaseDetail, CaseFilter, CaseStatus, CaseSummary, CaseUpdate, NewCase, Risk};
pub use consent::{Consent, ConsentHow, NewConsent};
pub use directory::{Agency, Worker};
pub use household::{Household, HouseholdDetail, HouseholdFilter, HouseholdSummary, HouseholdUpdate, NewHousehold};
pub use note::{NewNote, Note, NoteKind};
pub use person::{NewPerson, Person, PersonUpdate, Sex};
pub use plan::{Action, ActionStatus, ActionUpdate, Goal, NewAction, RoleAgency, RoleMatrix};
pub use referral::{NewReferral, NewResource, Referral, ReferralStatus, Resource};
pub use relation::{NewRelation, PartnerStatus, Relation, RelationKind};

#[cfg(feature = "seed")]
pub(crate) use assessment::insert as insert_assessment;
#[cfg(feature = "seed")]
pub(crate) use case::insert as insert_case;
#[cfg(feature = "seed")]
pub(crate) use consent::insert as insert_consent;
#[cfg(feature = "seed")]
pub(crate) use household::insert as insert_household;
#[cfg(feature = "seed")]
pub(crate) use note::insert as insert_note;
#[cfg(feature = "seed")]
pub(crate) use person::insert as insert_person;
pub(crate) use plan::insert_action;
#[cfg(feature = "seed")]
pub(crate) use relation::insert as insert_relation;

use crate::{error::Kind, ja::DateError, log::EntityState};

/// A message in both languages Kasane speaks, for refusals whose wording depends on the case.
/// Displays in English (logs, the CLI's default); `ja` is what a case worker reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    pub ja: String,
    pub en: String,
}

impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en)
    }
}

/// `msg!(ja: "…{x}…", en: "…{x}…")` builds a `Msg` from two format strings.
macro_rules! msg {
    (ja: $ja:expr, en: $en:expr $(,)?) => {
        $crate::record::Msg {
            ja: format!($ja),
            en: format!($en),
        }
    };
}
pub(crate) use msg;

/// The longest free text we accept in one field; a contact-log entry is rarely over 2,000.
pub const MAX_TEXT_CHARS: usize = 20_000;

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("{0} is required")]
    Missing(&'static str),
    #[error("{field} is too long ({chars} characters; at most {max})")]
    TooLong {
        field: &'static str,
        chars: usize,
        max: usize,
    },
    #[error("\"{0}\" is not a district code; use one of: {1}")]
    UnknownDistrict(String, String),
    #[error("\"{0}\" is not a problem code (see `kasane problems` for the list)")]
    UnknownProblem(String),
    #[error("{field} must be written in kana (hiragana or katakana), not \"{value}\"")]
    NotKana { field: &'static str, value: String },
    #[error("\"{value}\" is not a valid {field}; use one of: {allowed}")]
    BadChoice {
        field: &'static str,
        value: String,
        allowed: &'static str,
    },
    #[error(transparent)]
    Date(#[from] DateError),
    #[error("{0}")]
    Inconsistent(Msg),
    #[error("agency {0} is not in the directory of these case records")]
    UnknownAgency(Uuid),
    /// A name (or code) more than one agency answers to; the message lists them.
    #[error("{0}")]
    AmbiguousAgency(Msg),
    #[error("the record {0} does not exist")]
    NotFound(Uuid),
    #[error("{0}")]
    Refused(Msg),
}

impl RecordError {
    pub fn kind(&self) -> Kind {
        match self {
            RecordError::NotFound(_) => Kind::NotFound,
            RecordError::Refused(_) => Kind::Refused,
            _ => Kind::BadInput,
        }
    }
    pub fn code(&self) -> &'static str {
        match self {
            RecordError::Missing(_) => "input.missing",
            RecordError::TooLong { .. } => "input.too-long",
            RecordError::UnknownDistrict(..) => "input.unknown-district",
            RecordError::UnknownProblem(_) => "input.unknown-problem",
            RecordError::NotKana { .. } => "input.not-kana",
            RecordError::BadChoice { .. } => "input.bad-choice",
            RecordError::Date(_) => "input.bad-date",
            RecordError::Inconsistent(_) => "input.inconsistent",
            RecordError::UnknownAgency(_) => "input.unknown-agency",
            RecordError::AmbiguousAgency(_) => "input.ambiguous-agency",
            RecordError::NotFound(_) => "record.not-found",
            RecordError::Refused(_) => "refused",
        }
    }
}

/// Trims and requires non-empty text of sensible length.
pub(crate) fn require_text(field: &'static str, s: &str) -> Result<String, RecordError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(RecordError::Missing(field));
    }
    limit(field, t)?;
    Ok(t.to_string())
}

/// Optional text: blank means absent.
pub(crate) fn optional_text(field: &'static str, s: Option<&str>) -> Result<Option<String>, RecordError> {
    match s.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => {
            limit(field, t)?;
            Ok(Some(t.to_string()))
        }
    }
}

fn limit(field: &'static str, t: &str) -> Result<(), RecordError> {
    let chars = t.chars().count();
    if chars > MAX_TEXT_CHARS {
        return Err(RecordError::TooLong {
            field,
            chars,
            max: MAX_TEXT_CHARS,
        });
    }
    Ok(())
}

pub(crate) fn district_code(code: &str) -> Result<String, RecordError> {
    let code = code.trim();
    crate::reference::district(code)
        .map(|d| d.code.to_string())
        .ok_or_else(|| {
            RecordError::UnknownDistrict(
                code.to_string(),
                crate::reference::districts()
                    .iter()
                    .map(|d| d.code)
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        })
}

/// Builds the field map of an op.
#[derive(Debug, Default)]
pub(crate) struct Fields(Map<String, Value>);

impl Fields {
    pub fn new() -> Self {
        Fields(Map::new())
    }
    pub fn put(mut self, k: &str, v: impl Serialize) -> Self {
        self.0
            .insert(k.to_string(), serde_json::to_value(v).unwrap_or(Value::Null));
        self
    }
    /// Sets `k` only when `v` is Some (for partial updates).
    pub fn maybe<T: Serialize>(self, k: &str, v: Option<T>) -> Self {
        match v {
            Some(v) => self.put(k, v),
            None => self,
        }
    }
    pub fn into_map(self) -> Map<String, Value> {
        self.0
    }
}

/// A typed record read from derived state.
pub(crate) trait Record: DeserializeOwned {
    const ETYPE: &'static str;
    /// Fills what is not stored in the fields: id, parent, conflicts, derived display values.
    fn set_meta(&mut self, st: &EntityState);
}

pub(crate) fn conflicts_of(st: &EntityState) -> Vec<String> {
    st.conflicted_fields().into_iter().map(str::to_string).collect()
}

pub(crate) fn view<T: Record>(st: &EntityState) -> Result<T, RecordError> {
    if st.etype != T::ETYPE {
        return Err(RecordError::NotFound(st.id));
    }
    let mut r: T = serde_json::from_value(Value::Object(st.fields.clone())).map_err(|e| {
        let (t, id) = (T::ETYPE, st.id);
        RecordError::Inconsistent(
            msg!(ja: "保存されている{t} {id} を読み取れません: {e}", en: "stored {t} {id} cannot be read: {e}"),
        )
    })?;
    r.set_meta(st);
    Ok(r)
}

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
        "share" => reads::<crate::share::Share>(v),
        "note" => reads::<Note>(v),
        "assessment" => reads::<AssessmentEntry>(v),
        "goal" => reads::<Goal>(v),
        "action" => reads::<Action>(v),
        "referral" => reads::<Referral>(v),
        "resource" => reads::<Resource>(v),
        "flag" => reads::<crate::meeting::Flag>(v),
        "meeting" => reads::<crate::meeting::Meeting>(v),
        "agenda-item" => reads::<crate::meeting::AgendaItem>(v),
        "correction" => reads::<crate::meeting::Correction>(v),
        "agency" => reads::<Agency>(v),
        "worker" => reads::<Worker>(v),
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

impl crate::Vault {
    /// Every record that cannot be read as its type: damaged on disk, or applied by an earlier
    /// build before partners' fields were checked on import.
    pub fn unreadable_records(&self) -> Result<Vec<Unreadable>, crate::Error> {
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

/// Choice enums take either their English code or the Japanese label people use.
macro_rules! choice {
    ($(#[$m:meta])* $name:ident, $field:literal, { $($variant:ident = $code:literal / $ja:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(#[serde(rename = $code)] $variant),+
        }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            pub fn label_ja(self) -> &'static str {
                match self { $($name::$variant => $ja),+ }
            }
            pub fn parse(s: &str) -> Result<$name, $crate::record::RecordError> {
                let t = s.trim();
                // A label may explain itself in brackets (実施できず（本人・状況の事情）); the word
                // before them is accepted too.
                $(if t.eq_ignore_ascii_case($code) || t == $ja || $ja.split_once('（').is_some_and(|(short, _)| t == short) {
                    return Ok($name::$variant);
                })+
                Err($crate::record::RecordError::BadChoice {
                    field: $field,
                    value: t.to_string(),
                    allowed: concat!($($code, " (", $ja, ") "),+),
                })
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}
pub(crate) use choice;

/// Loads every entity of a type (optionally under one parent), with its scope.
pub(crate) fn load_all(
    conn: &rusqlite::Connection,
    etype: &str,
    parent: Option<Uuid>,
) -> Result<Vec<EntityState>, crate::Error> {
    let sql = "SELECT e.id, e.etype, s.name, e.parent, e.created, e.fields, e.meta FROM entity e JOIN scope s ON s.id = e.scope
               WHERE e.etype = ?1 AND (?2 IS NULL OR e.parent = ?2)";
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(rusqlite::params![etype, parent.map(|p| p.as_bytes().to_vec())], |r| {
        Ok((
            r.get::<_, Vec<u8>>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<Vec<u8>>>(3)?,
            r.get::<_, Option<i64>>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, etype, scope, parent, created, fields, meta) = row?;
        let id = Uuid::from_slice(&id).unwrap_or_default();
        out.push(crate::log::state_from_row(
            id, etype, &scope, parent, created, &fields, &meta,
        )?);
    }
    Ok(out)
}

/// One entity of an expected type, or NotFound.
pub(crate) fn load_one(
    conn: &rusqlite::Connection,
    id: Uuid,
    etype: &'static str,
) -> Result<EntityState, crate::Error> {
    match crate::log::load_entity(conn, id)? {
        Some(st) if st.etype == etype => Ok(st),
        Some(st) => Err(crate::log::LogError::WrongType {
            id,
            expected: etype,
            found: st.etype,
        }
        .into()),
        None => Err(RecordError::NotFound(id).into()),
    }
}
