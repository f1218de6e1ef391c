//! Concurrent edits, shown and resolved. When two agencies changed the same field without seeing
//! each other's change, both values stay live; a person compares them (values, author agencies,
//! times) and picks one or writes a merge. The resolution is an ordinary op that supersedes every
//! live value, so it travels to partners like any other change.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::{
    Vault,
    log::EntityState,
    record::{self, RecordError},
};

/// One value of a field in conflict, with who wrote it and when.
#[derive(Debug, Clone, Serialize)]
pub struct ConflictValue {
    pub value: Value,
    pub op: Uuid,
    pub site: Uuid,
    pub agency: Option<Uuid>,
    pub agency_name: Option<String>,
    pub worker: Uuid,
    pub worker_name: Option<String>,
    /// When it was written (the op's hybrid clock, as wall-clock milliseconds).
    pub at_ms: u64,
}

/// A field of a record with more than one live value.
#[derive(Debug, Clone, Serialize)]
pub struct Conflict {
    pub entity: Uuid,
    pub etype: String,
    pub scope: String,
    /// What a person calls the record ("高橋家", "高橋 一郎", a case title …).
    pub label: String,
    pub field: String,
    /// The value shown until resolved comes first.
    pub values: Vec<ConflictValue>,
}

fn label_of(st: &EntityState) -> String {
    let s = |k: &str| st.fields.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    match st.etype.as_str() {
        "person" => format!("{} {}", s("family_name"), s("given_name")),
        "case" => s("title"),
        "household" => s("label"),
        "note" => s("text").chars().take(30).collect(),
        _ => {
            let name = s("name");
            if name.is_empty() { st.etype.clone() } else { name }
        }
    }
}

/// Checks that a record still reads as its type with `field` set to `value`.
fn check_value(st: &EntityState, field: &str, value: &Value) -> Result<(), RecordError> {
    let mut probe = st.clone();
    probe.fields.insert(field.to_string(), value.clone());
    let bad = |e: RecordError| -> RecordError {
        RecordError::Inconsistent(
            record::msg!(ja: "その値は項目 {field} に合いません: {e}", en: "that value does not fit the field {field}: {e}"),
        )
    };
    match st.etype.as_str() {
        "household" => record::view::<record::Household>(&probe).map(|_| ()).map_err(bad),
        "person" => record::view::<record::Person>(&probe).map(|_| ()).map_err(bad),
        "case" => record::view::<record::Case>(&probe).map(|_| ()).map_err(bad),
        "note" => record::view::<record::Note>(&probe).map(|_| ()).map_err(bad),
        "consent" => record::view::<record::Consent>(&probe).map(|_| ()).map_err(bad),
        "relation" => record::view::<record::Relation>(&probe).map(|_| ()).map_err(bad),
        _ => Ok(()),
    }
}

impl Vault {
    /// Every field in conflict, across all records this vault holds.
    pub fn conflicts(&self) -> Result<Vec<Conflict>, RecordError> {
        let agencies: HashMap<Uuid, String> = self.agencies()?.into_iter().map(|a| (a.id, a.name)).collect();
        let workers: HashMap<Uuid, String> = self.directory_workers()?.into_iter().map(|w| (w.id, w.name)).collect();
        let site_agency = crate::site::site_agencies(&self.conn, self.me)?;
        let mut stmt = self.conn.prepare("SELECT id FROM entity WHERE conflicted = 1")?;
        let ids: Vec<Uuid> = stmt
            .query_map([], |r| r.get::<_, Vec<u8>>(0))?
            .filter_map(|r| r.ok().and_then(|b| Uuid::from_slice(&b).ok()))
            .collect();
        let mut out = Vec::new();
        for id in ids {
            let Some(st) = crate::log::load_entity(&self.conn, id)? else {
                continue;
            };
            for field in st.conflicted_fields() {
                let values = st
                    .live_values(field)
                    .into_iter()
                    .map(|lv| {
                        let agency = site_agency.get(&lv.op.site).copied();
                        ConflictValue {
                            value: lv.value,
                            op: lv.op.id,
                            site: lv.op.site,
                            agency_name: agency.and_then(|a| agencies.get(&a).cloned()),
                            agency,
                            worker: lv.op.by,
                            worker_name: workers.get(&lv.op.by).cloned(),
                            at_ms: lv.op.hlc.ms(),
                        }
                    })
                    .collect();
                out.push(Conflict {
                    entity: id,
                    etype: st.etype.clone(),
                    scope: st.scope.to_string(),
                    label: label_of(&st),
                    field: field.to_string(),
                    values,
                });
            }
        }
        out.sort_by(|a, b| a.label.cmp(&b.label).then(a.field.cmp(&b.field)));
        Ok(out)
    }

    /// Resolves a conflict with one of the live values (`pick`, an op id) or a merged value.
    pub fn resolve_conflict(
        &mut self,
        entity: Uuid,
        field: &str,
        pick: Option<Uuid>,
        merged: Option<Value>,
    ) -> Result<Value, RecordError> {
        let st = crate::log::load_entity(&self.conn, entity)?.ok_or(RecordError::NotFound(entity))?;
        let live = st.live_values(field);
        if live.len() < 2 {
            return Err(RecordError::Refused(record::msg!(
                ja: "この記録の項目 {field} には内容の食い違いがありません（すでに解決された可能性があります）",
                en: "the field {field} of this record has no differing entries (someone may have resolved it already)"
            )));
        }
        let value = match (pick, merged) {
            (Some(op), None) => live
                .iter()
                .find(|lv| lv.op.id == op)
                .map(|lv| lv.value.clone())
                .ok_or_else(|| RecordError::Inconsistent(record::msg!(ja: "{op} は、内容の食い違いとして残っている値のどれでもありません", en: "{op} is not one of the differing values")))?,
            (None, Some(v)) => v,
            _ => {
                return Err(RecordError::Inconsistent(record::msg!(
                    ja: "値を一つ選ぶか、まとめた値を入力してください（どちらか一方）",
                    en: "choose one value, or give a merged value — not both, not neither"
                )));
            }
        };
        check_value(&st, field, &value)?;
        let f = record::Fields::new().put(field, &value).into_map();
        self.write(|tx| -> Result<_, RecordError> {
            tx.set(entity, f.clone())?;
            tx.audit("conflict.resolve", Some(entity.to_string()), Some(field.to_string()));
            Ok(())
        })?;
        Ok(value)
    }
}
