//! Persons (世帯員): names in kanji with kana readings, a birth date that may be partial,
//! relation to the household head, living together or not.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Fields, Record, RecordError, choice, conflicts_of, load_all, load_one, require_text, view};
use crate::{
    Vault,
    ja::{self, Age, Date, PartialDate},
    log::{EntityState, Scope, Tx},
};

choice!(
    /// Sex as recorded; その他 and 未回答 are first-class answers.
    Sex, "sex", {
        Female = "female" / "女性",
        Male = "male" / "男性",
        Other = "other" / "その他",
        Unanswered = "unanswered" / "未回答",
    }
);

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Person {
    #[serde(skip_deserializing)]
    pub id: Uuid,
    #[serde(skip_deserializing)]
    pub household: Uuid,
    pub family_name: String,
    pub given_name: String,
    pub family_kana: String,
    pub given_kana: String,
    #[serde(default)]
    pub birth: Option<PartialDate>,
    pub sex: Sex,
    pub relation: String,
    #[serde(default = "yes")]
    pub living_together: bool,
    #[serde(default)]
    pub deceased: Option<PartialDate>,
    /// 出産予定日 of a 特定妊婦: a pregnant woman the 要保護児童対策地域協議会 supports before the
    /// birth (児童福祉法第6条の3第5項). While it is on or after a day she is within 要対協's remit.
    #[serde(default)]
    pub expecting: Option<Date>,
    #[serde(default)]
    pub archived: bool,
    /// Age as of today (a range when the birth date is partial); filled when read.
    #[serde(skip_deserializing)]
    pub age: Option<Age>,
    #[serde(skip_deserializing)]
    pub birth_wareki: Option<String>,
    #[serde(skip_deserializing)]
    pub conflicts: Vec<String>,
}

fn yes() -> bool {
    true
}

impl Record for Person {
    const ETYPE: &'static str = "person";
    fn set_meta(&mut self, st: &EntityState) {
        self.id = st.id;
        self.household = st.parent.unwrap_or_default();
        self.conflicts = conflicts_of(st);
        self.birth_wareki = self.birth.map(|b| b.wareki());
    }
}

impl Person {
    /// Fills the age as of `today` (at death, for the deceased).
    pub fn with_age(mut self, today: Date) -> Person {
        let on = self.deceased.and_then(|d| d.to_date()).unwrap_or(today);
        self.age = self.birth.and_then(|b| b.age_on(on));
        self
    }
    pub fn full_name(&self) -> String {
        format!("{} {}", self.family_name, self.given_name)
    }
    pub fn full_kana(&self) -> String {
        format!("{} {}", self.family_kana, self.given_kana)
    }
}

#[derive(Debug, Clone)]
pub struct NewPerson {
    pub household: Uuid,
    pub family_name: String,
    pub given_name: String,
    pub family_kana: String,
    pub given_kana: String,
    pub birth: Option<PartialDate>,
    pub sex: Sex,
    pub relation: String,
    pub living_together: bool,
    pub deceased: Option<PartialDate>,
    /// 出産予定日 (特定妊婦).
    pub expecting: Option<Date>,
}

#[derive(Debug, Clone, Default)]
pub struct PersonUpdate {
    pub family_name: Option<String>,
    pub given_name: Option<String>,
    pub family_kana: Option<String>,
    pub given_kana: Option<String>,
    pub birth: Option<Option<PartialDate>>,
    pub sex: Option<Sex>,
    pub relation: Option<String>,
    pub living_together: Option<bool>,
    pub deceased: Option<Option<PartialDate>>,
    pub expecting: Option<Option<Date>>,
    pub archived: Option<bool>,
}

fn kana(field: &'static str, s: &str) -> Result<String, RecordError> {
    let t = require_text(field, s)?;
    if !ja::is_kana_reading(&t) {
        return Err(RecordError::NotKana { field, value: t });
    }
    Ok(t)
}

fn check_dates(birth: Option<PartialDate>, deceased: Option<PartialDate>, today: Date) -> Result<(), RecordError> {
    if let Some(b) = birth {
        if b > PartialDate::from_date(today) {
            let b = b.iso();
            return Err(RecordError::Inconsistent(
                super::msg!(ja: "生年月日 {b} が未来の日付です", en: "the birth date {b} is in the future"),
            ));
        }
    }
    if let (Some(b), Some(d)) = (birth, deceased) {
        // Compare only to the precision both have: 1948 vs 1948-05-01 is not "before".
        if d.year() < b.year()
            || (d.year() == b.year() && matches!((d.month(), b.month()), (Some(dm), Some(bm)) if dm < bm))
        {
            let (d, b) = (d.iso(), b.iso());
            return Err(RecordError::Inconsistent(super::msg!(
                ja: "死亡日 {d} が生年月日 {b} より前になっています",
                en: "the date of death {d} is before the birth date {b}"
            )));
        }
    }
    if let Some(d) = deceased {
        if d > PartialDate::from_date(today) {
            let d = d.iso();
            return Err(RecordError::Inconsistent(
                super::msg!(ja: "死亡日 {d} が未来の日付です", en: "the date of death {d} is in the future"),
            ));
        }
    }
    Ok(())
}

pub(crate) fn insert(tx: &mut Tx<'_>, new: &NewPerson, today: Date) -> Result<Uuid, RecordError> {
    check_dates(new.birth, new.deceased, today)?;
    let fields = Fields::new()
        .put("family_name", require_text("family name", &new.family_name)?)
        .put("given_name", require_text("given name", &new.given_name)?)
        .put("family_kana", kana("family name reading", &new.family_kana)?)
        .put("given_kana", kana("given name reading", &new.given_kana)?)
        .maybe("birth", new.birth)
        .put("sex", new.sex)
        .put("relation", require_text("relation", &new.relation)?)
        .put("living_together", new.living_together)
        .maybe("deceased", new.deceased)
        .maybe("expecting", new.expecting)
        .into_map();
    tx.expect(new.household, "household")?;
    let id = tx.create(Scope::Household(new.household), "person", Some(new.household), fields)?;
    Ok(id)
}

impl Vault {
    /// The members of a household as recorded (no age filled in), unreadable ones left out.
    pub(crate) fn members_of(&self, household: Uuid) -> Result<Vec<Person>, RecordError> {
        Ok(load_all(&self.conn, "person", Some(household))?
            .iter()
            .filter_map(|st| view::<Person>(st).ok())
            .collect())
    }

    pub fn add_person(&mut self, new: NewPerson) -> Result<Uuid, RecordError> {
        let today = self.ambient.clock.today();
        self.write(|tx| {
            let id = insert(tx, &new, today)?;
            tx.audit("person.add", Some(id.to_string()), None);
            Ok(id)
        })
    }

    pub fn update_person(&mut self, id: Uuid, u: PersonUpdate) -> Result<(), RecordError> {
        let current = self.person_quiet(id)?;
        let birth = u.birth.unwrap_or(current.birth);
        let deceased = u.deceased.unwrap_or(current.deceased);
        check_dates(birth, deceased, self.ambient.clock.today())?;
        let mut f = Fields::new();
        if let Some(v) = &u.family_name {
            f = f.put("family_name", require_text("family name", v)?);
        }
        if let Some(v) = &u.given_name {
            f = f.put("given_name", require_text("given name", v)?);
        }
        if let Some(v) = &u.family_kana {
            f = f.put("family_kana", kana("family name reading", v)?);
        }
        if let Some(v) = &u.given_kana {
            f = f.put("given_kana", kana("given name reading", v)?);
        }
        if let Some(v) = &u.relation {
            f = f.put("relation", require_text("relation", v)?);
        }
        let fields = f
            .maybe("birth", u.birth)
            .maybe("sex", u.sex)
            .maybe("living_together", u.living_together)
            .maybe("deceased", u.deceased)
            .maybe("expecting", u.expecting)
            .maybe("archived", u.archived)
            .into_map();
        self.write(|tx| {
            tx.audit(
                "person.update",
                Some(id.to_string()),
                Some(fields.keys().cloned().collect::<Vec<_>>().join(",")),
            );
            tx.set(id, fields.clone())?;
            Ok(())
        })
    }

    pub(crate) fn person_quiet(&self, id: Uuid) -> Result<Person, RecordError> {
        let st = load_one(&self.conn, id, "person")?;
        let p: Person = view(&st)?;
        Ok(p.with_age(self.ambient.clock.today()))
    }

    /// One person, with age as of today; logged as a view.
    pub fn person(&mut self, id: Uuid) -> Result<Person, RecordError> {
        let p = self.person_quiet(id)?;
        self.audit_now("person.view", Some(id.to_string()), None)?;
        Ok(p)
    }
}
