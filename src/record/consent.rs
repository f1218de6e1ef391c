//! Consent records: what a person agreed to share, with whom, when and how — and when they
//! withdrew it. Withdrawal is a date, not a deletion: what was shared under the consent stays
//! explainable.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Fields, Record, RecordError, choice, conflicts_of, load_all, require_text, view};
use crate::{
    Vault,
    ja::Date,
    log::{EntityState, Scope, Tx},
};

choice!(ConsentHow, "consent method", {
    Written = "written" / "書面",
    Verbal = "verbal" / "口頭",
    Other = "other" / "その他",
});

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Consent {
    #[serde(skip_deserializing)]
    pub id: Uuid,
    #[serde(skip_deserializing)]
    pub household: Uuid,
    pub person: Uuid,
    /// What the person agreed to, in their words or the form's (e.g. 支援会議での情報共有).
    pub scope: String,
    /// The agencies the consent names; empty means the scope text says it all.
    #[serde(default)]
    pub agencies: Vec<Uuid>,
    pub date: Date,
    pub how: ConsentHow,
    #[serde(default)]
    pub withdrawn: Option<Date>,
    #[serde(skip_deserializing)]
    pub conflicts: Vec<String>,
}

impl Record for Consent {
    const ETYPE: &'static str = "consent";
    fn set_meta(&mut self, st: &EntityState) {
        self.id = st.id;
        self.household = st.parent.unwrap_or_default();
        self.conflicts = conflicts_of(st);
    }
}

impl Consent {
    /// In force on `day`: given on or before it and not withdrawn by then.
    pub fn is_valid_on(&self, day: Date) -> bool {
        self.date <= day && self.withdrawn.is_none_or(|w| w > day)
    }
}

#[derive(Debug, Clone)]
pub struct NewConsent {
    pub person: Uuid,
    pub scope: String,
    pub agencies: Vec<Uuid>,
    pub date: Date,
    pub how: ConsentHow,
}

pub(crate) fn insert(tx: &mut Tx<'_>, new: &NewConsent, today: Date) -> Result<Uuid, RecordError> {
    let scope_text = require_text("scope", &new.scope)?;
    if new.date > today {
        return Err(RecordError::Inconsistent({
            let d = new.date;
            super::msg!(ja: "同意日 {d} が未来の日付です", en: "the consent date {d} is in the future")
        }));
    }
    for a in &new.agencies {
        if !super::directory::agency_exists(tx, *a)? {
            return Err(RecordError::UnknownAgency(*a));
        }
    }
    let household = tx
        .expect(new.person, "person")?
        .parent
        .ok_or(RecordError::NotFound(new.person))?;
    let fields = Fields::new()
        .put("person", new.person)
        .put("scope", &scope_text)
        .put("agencies", &new.agencies)
        .put("date", new.date)
        .put("how", new.how)
        .into_map();
    let id = tx.create(Scope::Household(household), "consent", Some(household), fields)?;
    Ok(id)
}

impl Vault {
    pub fn add_consent(&mut self, new: NewConsent) -> Result<Uuid, RecordError> {
        let today = self.ambient.clock.today();
        self.write(|tx| {
            let id = insert(tx, &new, today)?;
            tx.audit("consent.add", Some(id.to_string()), None);
            Ok(id)
        })
    }

    /// Consents of every member of a household.
    pub fn consents_of(&self, household: Uuid) -> Result<Vec<Consent>, RecordError> {
        let mut out: Vec<Consent> = load_all(&self.conn, "consent", Some(household))?
            .iter()
            .filter_map(|st| view::<Consent>(st).ok())
            .collect();
        out.sort_by(|a, b| b.date.cmp(&a.date).then(a.id.cmp(&b.id)));
        Ok(out)
    }
}
