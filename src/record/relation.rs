//! Relationships between two members of one household: parent and child, or partners (married,
//! cohabiting, separated, divorced). They draw the genogram.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Fields, Record, RecordError, choice, conflicts_of};
use crate::{
    Vault,
    log::{EntityState, Scope, Tx},
};

choice!(RelationKind, "relation kind", {
    ParentChild = "parent-child" / "親子",
    Partner = "partner" / "パートナー",
});

choice!(PartnerStatus, "partner status", {
    Married = "married" / "婚姻",
    Cohabiting = "cohabiting" / "内縁",
    Separated = "separated" / "別居",
    Divorced = "divorced" / "離婚",
});

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Relation {
    #[serde(skip_deserializing)]
    pub id: Uuid,
    #[serde(skip_deserializing)]
    pub household: Uuid,
    /// For parent-child, `a` is the parent.
    pub a: Uuid,
    pub b: Uuid,
    pub kind: RelationKind,
    #[serde(default)]
    pub status: Option<PartnerStatus>,
    #[serde(default)]
    pub archived: bool,
    #[serde(skip_deserializing)]
    pub conflicts: Vec<String>,
}

impl Record for Relation {
    const ETYPE: &'static str = "relation";
    fn set_meta(&mut self, st: &EntityState) {
        self.id = st.id;
        self.household = st.parent.unwrap_or_default();
        self.conflicts = conflicts_of(st);
    }
}

#[derive(Debug, Clone)]
pub struct NewRelation {
    pub a: Uuid,
    pub b: Uuid,
    pub kind: RelationKind,
    pub status: Option<PartnerStatus>,
}

impl Vault {
    pub fn add_relation(&mut self, new: NewRelation) -> Result<Uuid, RecordError> {
        self.write(|tx| {
            let id = insert(tx, &new)?;
            tx.audit("relation.add", Some(id.to_string()), None);
            Ok(id)
        })
    }
}

pub(crate) fn insert(tx: &mut Tx<'_>, new: &NewRelation) -> Result<Uuid, RecordError> {
    if new.a == new.b {
        return Err(RecordError::Inconsistent(
            super::msg!(ja: "関係は二人の別の人の間で記録してください", en: "a relationship needs two different persons"),
        ));
    }
    let status = match (new.kind, new.status) {
        (RelationKind::Partner, None) => Some(PartnerStatus::Married),
        (RelationKind::ParentChild, Some(_)) => {
            return Err(RecordError::Inconsistent(super::msg!(
                ja: "婚姻・内縁・別居・離婚はパートナーの関係にだけ付けられます",
                en: "a status (married, cohabiting, separated, divorced) applies to partners only"
            )));
        }
        (_, s) => s,
    };
    let ha = tx.expect(new.a, "person")?.parent;
    let hb = tx.expect(new.b, "person")?.parent;
    let Some(household) = ha.filter(|h| Some(*h) == hb) else {
        return Err(RecordError::Inconsistent(super::msg!(
            ja: "二人とも同じ世帯の世帯員である必要があります（別居の家族は「同居していない世帯員」として記録してください）",
            en: "both persons must be members of the same household (record someone living elsewhere as a member who does not live together)"
        )));
    };
    let fields = Fields::new()
        .put("a", new.a)
        .put("b", new.b)
        .put("kind", new.kind)
        .maybe("status", status)
        .into_map();
    let id = tx.create(Scope::Household(household), "relation", Some(household), fields)?;
    Ok(id)
}
