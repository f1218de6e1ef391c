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

choice!(
    /// Who gave the consent: the person, or someone entitled to consent for them.
    ConsentGiver, "who consented", {
    Person = "person" / "本人",
    LegalRepresentative = "legal-representative" / "法定代理人",
    Guardian = "guardian" / "成年後見人",
    OtherProxy = "other-proxy" / "その他の代理人",
});

choice!(
    /// What the information may be shared for. A share names the purpose it serves, and the
    /// consent must include it.
    ConsentPurpose, "purpose of the consent", {
    JusotekiShienKaigi = "jusoteki-shien-kaigi" / "重層的支援会議での検討",
    ShienChoseiKaigi = "shien-chosei-kaigi" / "支援調整会議での検討",
    Referral = "referral" / "関係機関へのつなぎ",
    CoordinatedSupport = "coordinated-support" / "関係機関が連携して支援するための情報共有",
});

choice!(
    /// The kinds of information a consent lets go to the named agencies.
    InfoKind, "kind of information", {
    Basic = "basic" / "基本情報",
    Health = "health" / "健康・障害",
    Finances = "finances" / "家計",
    Progress = "progress" / "支援経過",
});

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Consent {
    #[serde(skip_deserializing)]
    pub id: Uuid,
    #[serde(skip_deserializing)]
    pub household: Uuid,
    /// The person the information is about.
    pub person: Uuid,
    #[serde(default = "ConsentGiver::person")]
    pub given_by: ConsentGiver,
    /// The proxy's name and relation to the person (required unless the person consented).
    #[serde(default)]
    pub giver_name: Option<String>,
    #[serde(default)]
    pub giver_relation: Option<String>,
    /// The wording the person agreed to (the form's text, or their words).
    pub scope: String,
    #[serde(default)]
    pub purposes: Vec<ConsentPurpose>,
    #[serde(default)]
    pub kinds: Vec<InfoKind>,
    /// The agencies the consent names; it covers no other.
    #[serde(default)]
    pub agencies: Vec<Uuid>,
    /// The first day it is in force.
    pub date: Date,
    /// The last day it is in force.
    #[serde(default)]
    pub until: Option<Date>,
    pub how: ConsentHow,
    /// Who heard a verbal consent, or witnessed the signing.
    #[serde(default)]
    pub witness: Option<String>,
    #[serde(default)]
    pub withdrawn: Option<Date>,
    #[serde(skip_deserializing)]
    pub conflicts: Vec<String>,
}

impl ConsentGiver {
    fn person() -> ConsentGiver {
        ConsentGiver::Person
    }
}

impl Record for Consent {
    const ETYPE: &'static str = "consent";
    fn set_meta(&mut self, st: &EntityState) {
        self.id = st.id;
        self.household = st.parent.unwrap_or_default();
        self.conflicts = conflicts_of(st);
    }
}

pub(crate) use crate::authority::{ConsentUse, Uncovered};

impl Consent {
    /// In force on `day`: given on or before it, not past its period, not withdrawn by then.
    pub fn is_valid_on(&self, day: Date) -> bool {
        self.date <= day && self.until.is_none_or(|u| day <= u) && self.withdrawn.is_none_or(|w| w > day)
    }

    /// Recorded in the old form, without purpose, kinds or period.
    pub fn is_old_form(&self) -> bool {
        self.kinds.is_empty()
    }

    /// What the consent says, as the judge of partners' shares reads it.
    pub(crate) fn terms(&self) -> crate::authority::ConsentTerms {
        crate::authority::ConsentTerms {
            id: self.id,
            person: self.person,
            agencies: self.agencies.clone(),
            date: self.date,
            until: self.until,
            withdrawn: self.withdrawn,
            purposes: self.purposes.iter().map(|p| p.code().to_string()).collect(),
            kinds: self.kinds.iter().map(|k| k.code().to_string()).collect(),
        }
    }

    /// Whether sharing the whole case for `u` is within what the person agreed to — the same
    /// rule partners' shares are judged by. `old_form_ok`: an old-form consent covers the
    /// agencies it names (partners' shares made before the new form); a new share here needs
    /// the new form.
    pub(crate) fn covers(&self, u: &ConsentUse<'_>, old_form_ok: bool) -> Result<(), Uncovered> {
        self.terms().covers(u, old_form_ok)
    }

    /// The terms as given, to print the form again (an old-form consent prints its first day as
    /// its last, for want of a period).
    pub fn as_new(&self) -> NewConsent {
        NewConsent {
            person: self.person,
            given_by: self.given_by,
            giver_name: self.giver_name.clone(),
            giver_relation: self.giver_relation.clone(),
            scope: self.scope.clone(),
            purposes: self.purposes.clone(),
            kinds: self.kinds.clone(),
            agencies: self.agencies.clone(),
            date: self.date,
            until: self.until.unwrap_or(self.date),
            how: self.how,
            witness: self.witness.clone(),
        }
    }

    /// The kinds of information this consent leaves out.
    pub fn kinds_missing(&self) -> Vec<InfoKind> {
        InfoKind::ALL
            .iter()
            .copied()
            .filter(|k| !self.kinds.contains(k))
            .collect()
    }
}

impl Uncovered {
    /// What a case worker is told: why the consent does not cover the share, and what to do.
    pub(crate) fn explain(
        self,
        k: &Consent,
        agency_name: &str,
        purpose: ConsentPurpose,
        person_name: &str,
    ) -> super::Msg {
        use super::msg;
        match self {
            Uncovered::NotKeyPerson => msg!(
                ja: "この同意は{person_name}さんのものではありません。ケースの本人（または代理人）の同意が必要です",
                en: "this consent is not {person_name}'s; the share needs the consent of the case's key person (or their proxy)"
            ),
            Uncovered::Withdrawn(w) => {
                msg!(ja: "その同意は {w} に撤回されています", en: "that consent was withdrawn on {w}")
            }
            Uncovered::NotYet(d) => {
                msg!(ja: "その同意は {d} からのものです", en: "that consent is in force only from {d}")
            }
            Uncovered::Lapsed(u) => msg!(
                ja: "その同意の期間は {u} までで、すでに終わっています。同意を取り直してください",
                en: "that consent ran until {u} and has lapsed; record a new one"
            ),
            Uncovered::AgencyNotNamed => msg!(
                ja: "その同意には{agency_name}が含まれていません。含む同意を記録してください",
                en: "that consent does not name {agency_name}; record a consent that does"
            ),
            Uncovered::OldForm => msg!(
                ja: "その同意は旧様式で、目的・情報の種類・期間が記録されていません。新しい様式で同意を取り直してください",
                en: "that consent is in the old form, without purpose, kinds of information or period; record it again in the new form"
            ),
            Uncovered::Purpose => {
                let (want, has) = (
                    purpose.label_ja(),
                    k.purposes.iter().map(|p| p.label_ja()).collect::<Vec<_>>().join("、"),
                );
                let (want_en, has_en) = (
                    purpose.code(),
                    k.purposes.iter().map(|p| p.code()).collect::<Vec<_>>().join(", "),
                );
                msg!(
                    ja: "その同意の目的（{has}）に「{want}」は含まれていません",
                    en: "that consent's purposes ({has_en}) do not include {want_en}"
                )
            }
            Uncovered::Kinds => {
                let missing = k.kinds_missing();
                let ja = missing.iter().map(|x| x.label_ja()).collect::<Vec<_>>().join("・");
                let en = missing.iter().map(|x| x.code()).collect::<Vec<_>>().join(", ");
                msg!(
                    ja: "ケースを共有すると記録全体が相手に届きますが、その同意は{ja}を含みません。すべての種類を含む同意を取り直してください",
                    en: "sharing the case sends the whole record, and that consent leaves out: {en}; record a consent covering every kind"
                )
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewConsent {
    pub person: Uuid,
    pub given_by: ConsentGiver,
    pub giver_name: Option<String>,
    pub giver_relation: Option<String>,
    pub scope: String,
    pub purposes: Vec<ConsentPurpose>,
    pub kinds: Vec<InfoKind>,
    pub agencies: Vec<Uuid>,
    pub date: Date,
    pub until: Date,
    pub how: ConsentHow,
    pub witness: Option<String>,
}

fn sorted<T: Ord + Copy>(v: &[T]) -> Vec<T> {
    let mut v = v.to_vec();
    v.sort();
    v.dedup();
    v
}

pub(crate) fn insert(tx: &mut Tx<'_>, new: &NewConsent, today: Date) -> Result<Uuid, RecordError> {
    use super::msg;
    let scope_text = require_text("scope", &new.scope)?;
    if new.date > today {
        return Err(RecordError::Inconsistent({
            let d = new.date;
            msg!(ja: "同意日 {d} が未来の日付です", en: "the consent date {d} is in the future")
        }));
    }
    if new.until < new.date {
        let (from, until) = (new.date, new.until);
        return Err(RecordError::Inconsistent(msg!(
            ja: "同意の期間の終わり（{until}）が始まり（{from}）より前です",
            en: "the consent's period ends ({until}) before it starts ({from})"
        )));
    }
    if new.agencies.is_empty() {
        return Err(RecordError::Refused(msg!(
            ja: "同意で情報を共有する機関を１つ以上選んでください（機関の指定のない同意は記録できません）",
            en: "name at least one agency the consent lets the information go to (a consent naming no agency cannot be recorded)"
        )));
    }
    if new.purposes.is_empty() {
        return Err(RecordError::Refused(msg!(
            ja: "同意の目的を１つ以上選んでください",
            en: "choose at least one purpose of the consent"
        )));
    }
    if new.kinds.is_empty() {
        return Err(RecordError::Refused(msg!(
            ja: "共有してよい情報の種類を１つ以上選んでください",
            en: "choose at least one kind of information the consent covers"
        )));
    }
    let giver_name = super::optional_text("giver name", new.giver_name.as_deref())?;
    let giver_relation = super::optional_text("giver relation", new.giver_relation.as_deref())?;
    if new.given_by != ConsentGiver::Person && (giver_name.is_none() || giver_relation.is_none()) {
        let who = new.given_by.label_ja();
        return Err(RecordError::Refused(msg!(
            ja: "{who}による同意には、その方の氏名と本人との関係を記入してください",
            en: "a consent given by a proxy ({who}) needs the proxy's name and relation to the person"
        )));
    }
    let witness = super::optional_text("witness", new.witness.as_deref())?;
    if new.how == ConsentHow::Verbal && witness.is_none() {
        return Err(RecordError::Refused(msg!(
            ja: "口頭の同意には、同意を聞き取った職員（立会人）を記入してください",
            en: "a verbal consent needs the worker who heard it (witness)"
        )));
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
        .put("given_by", new.given_by)
        .maybe(
            "giver_name",
            giver_name.as_ref().filter(|_| new.given_by != ConsentGiver::Person),
        )
        .maybe(
            "giver_relation",
            giver_relation.as_ref().filter(|_| new.given_by != ConsentGiver::Person),
        )
        .put("scope", &scope_text)
        .put("purposes", sorted(&new.purposes))
        .put("kinds", sorted(&new.kinds))
        .put("agencies", sorted(&new.agencies))
        .put("date", new.date)
        .put("until", new.until)
        .put("how", new.how)
        .maybe("witness", witness.as_ref())
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

    /// One consent record.
    pub fn consent(&self, id: Uuid) -> Result<Consent, RecordError> {
        view(&super::load_one(&self.conn, id, "consent")?)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The judge of partners' shares reads kinds as codes: the two lists must be one.
    #[test]
    fn the_judge_knows_every_kind_of_information() {
        let codes: Vec<&str> = InfoKind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(
            codes,
            crate::authority::INFO_KINDS,
            "a case share needs every kind the form offers"
        );
    }
}
