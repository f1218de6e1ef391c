//! Consent records: what a person agreed to share, with whom, when and how — and when they
//! withdrew it. Withdrawal is a date, not a deletion: what was shared under the consent stays
//! explainable.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Fields, Record, RecordError, choice, conflicts_of, load_all, require_text, view};
use crate::{
    Error, Vault,
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

pub(crate) fn insert(tx: &mut Tx<'_>, new: &NewConsent, today: Date) -> Result<Uuid, Error> {
    let scope_text = require_text("scope", &new.scope)?;
    if new.date > today {
        return Err(RecordError::Inconsistent({
            let d = new.date;
            super::msg!(ja: "同意日 {d} が未来の日付です", en: "the consent date {d} is in the future")
        })
        .into());
    }
    for a in &new.agencies {
        if !super::directory::agency_exists(tx, *a)? {
            return Err(RecordError::UnknownAgency(*a).into());
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
    pub fn add_consent(&mut self, new: NewConsent) -> Result<Uuid, Error> {
        let today = self.ambient.clock.today();
        self.write(|tx| {
            let id = insert(tx, &new, today)?;
            tx.audit("consent.add", Some(id.to_string()), None);
            Ok(id)
        })
    }

    /// Records a withdrawal. Shares of this agency's cases that rested on the consent end, and
    /// the partners' copies are asked to purge (returns the (case, agency) shares ended).
    pub fn withdraw_consent(&mut self, id: Uuid, on: Date) -> Result<Vec<(Uuid, Uuid)>, Error> {
        let household = self.write(|tx| {
            let st = tx.expect(id, "consent")?;
            let c: Consent = view(st)?;
            if let Some(w) = c.withdrawn {
                return Err(RecordError::Refused(super::msg!(ja: "この同意は {w} にすでに撤回されています", en: "this consent was already withdrawn on {w}")).into());
            }
            if on < c.date {
                return Err(RecordError::Inconsistent({
                    let given = c.date;
                    super::msg!(ja: "撤回日（{on}）は同意日（{given}）より前にできません", en: "withdrawal ({on}) cannot be before the consent was given ({given})")
                })
                .into());
            }
            tx.set(id, Fields::new().put("withdrawn", on).into_map())?;
            tx.audit("consent.withdraw", Some(id.to_string()), None);
            Ok(c.household)
        })?;
        self.end_shares_resting_on(household, id)
    }

    /// Consents of every member of a household.
    pub fn consents_of(&self, household: Uuid) -> Result<Vec<Consent>, Error> {
        let mut out: Vec<Consent> = load_all(&self.conn, "consent", Some(household))?
            .iter()
            .filter_map(|st| view::<Consent>(st).ok())
            .collect();
        out.sort_by(|a, b| b.date.cmp(&a.date).then(a.id.cmp(&b.id)));
        Ok(out)
    }
}
