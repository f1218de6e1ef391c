//! Current state of one entity, derived from its ops. Every field is a multi-value register:
//! the live ops of a field are those no other op supersedes; the shown value is the live op with
//! the greatest (HLC, site, op id); more than one live op is a conflict that keeps every value.
//! Applying the same set of ops in any order gives the same state.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::{Hlc, OpKind, Scope, op::Header};

/// Who wrote a live value and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpRef {
    pub id: Uuid,
    pub hlc: Hlc,
    pub site: Uuid,
    pub by: Uuid,
}

impl OpRef {
    fn order_key(&self) -> (Hlc, Uuid, Uuid) {
        (self.hlc, self.site, self.id)
    }
}

/// The bookkeeping behind `fields`; stored as JSON beside it (see `MetaWire` for the layout).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Meta {
    /// Op references used by `live`.
    ops: Vec<OpRef>,
    /// Field → indices into `ops` of its live ops, the shown one first, the rest in order.
    live: BTreeMap<String, Vec<u32>>,
    /// Field → values of the live ops after the first (only for fields in conflict).
    alt: BTreeMap<String, Vec<Value>>,
    /// Field → ops named in a `prev` before they arrived; when they arrive they are dead on arrival.
    pend: BTreeMap<String, Vec<Uuid>>,
}

/// Stored form of `Meta`, compact because every record carries one: op references as arrays,
/// and the common case — a field whose only live op is the first reference — as a bare name.
#[derive(Serialize, Deserialize)]
struct MetaWire {
    o: Vec<(Uuid, Hlc, Uuid, Uuid)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    d: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    l: BTreeMap<String, Vec<u32>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    a: BTreeMap<String, Vec<Value>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    p: BTreeMap<String, Vec<Uuid>>,
}

impl Serialize for Meta {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut d = Vec::new();
        let mut l = BTreeMap::new();
        for (f, idx) in &self.live {
            if idx.as_slice() == [0] {
                d.push(f.clone());
            } else {
                l.insert(f.clone(), idx.clone());
            }
        }
        MetaWire {
            o: self.ops.iter().map(|r| (r.id, r.hlc, r.site, r.by)).collect(),
            d,
            l,
            a: self.alt.clone(),
            p: self.pend.clone(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Meta {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = MetaWire::deserialize(d)?;
        let mut live = w.l;
        for f in w.d {
            live.insert(f, vec![0]);
        }
        Ok(Meta {
            ops: w
                .o
                .into_iter()
                .map(|(id, hlc, site, by)| OpRef { id, hlc, site, by })
                .collect(),
            live,
            alt: w.a,
            pend: w.p,
        })
    }
}

/// One value of a field, as shown to a user choosing between concurrent edits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LiveValue {
    pub value: Value,
    pub op: OpRef,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EntityState {
    pub id: Uuid,
    /// Empty until the create op has arrived (a later edit may come first from another site).
    pub etype: String,
    pub scope: Scope,
    pub parent: Option<Uuid>,
    /// When the entity was created, from its create op.
    pub created: Option<Hlc>,
    /// The shown value of every field.
    pub fields: Map<String, Value>,
    pub meta: Meta,
}

impl EntityState {
    pub fn new(id: Uuid, scope: Scope) -> Self {
        EntityState {
            id,
            etype: String::new(),
            scope,
            parent: None,
            created: None,
            fields: Map::new(),
            meta: Meta::default(),
        }
    }

    pub fn is_conflicted(&self) -> bool {
        self.meta.live.values().any(|l| l.len() > 1)
    }

    /// Fields with more than one live value.
    pub fn conflicted_fields(&self) -> Vec<&str> {
        self.meta
            .live
            .iter()
            .filter(|(_, l)| l.len() > 1)
            .map(|(f, _)| f.as_str())
            .collect()
    }

    /// Op ids a new write of `field` must name in `prev`: everything live for it.
    pub fn live_ids(&self, field: &str) -> impl Iterator<Item = Uuid> + '_ {
        self.meta
            .live
            .get(field)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.meta.ops.get(i as usize).map(|r| r.id))
    }

    /// Every live value of a field, the shown one first.
    pub fn live_values(&self, field: &str) -> Vec<LiveValue> {
        let Some(live) = self.meta.live.get(field) else {
            return Vec::new();
        };
        let alts = self.meta.alt.get(field);
        live.iter()
            .enumerate()
            .filter_map(|(n, &i)| {
                let op = self.meta.ops.get(i as usize)?.clone();
                let value = if n == 0 {
                    self.fields.get(field).cloned().unwrap_or(Value::Null)
                } else {
                    alts.and_then(|a| a.get(n - 1)).cloned().unwrap_or(Value::Null)
                };
                Some(LiveValue { value, op })
            })
            .collect()
    }

    /// Who last wrote the shown value of a field.
    pub fn author(&self, field: &str) -> Option<&OpRef> {
        let i = *self.meta.live.get(field)?.first()?;
        self.meta.ops.get(i as usize)
    }

    /// Applies one op. `seen` answers whether an op id has already been applied to this vault
    /// (needed only when a `prev` names an op that is not live here).
    pub fn apply(&mut self, header: &Header, fields: &Map<String, Value>, seen: &mut dyn FnMut(Uuid) -> bool) {
        if header.kind == OpKind::Create {
            self.etype.clone_from(&header.etype);
            self.parent = header.parent;
            self.created = Some(header.hlc);
        } else if self.etype.is_empty() {
            self.etype.clone_from(&header.etype);
        }
        let me = OpRef {
            id: header.id,
            hlc: header.hlc,
            site: header.site,
            by: header.by,
        };
        // This op may itself have been named by an op that arrived earlier, for other fields too;
        // it is settled now, so forget it wherever it waits.
        let mut dead_for: Vec<String> = Vec::new();
        self.meta.pend.retain(|field, ids| {
            if let Some(pos) = ids.iter().position(|&x| x == me.id) {
                ids.swap_remove(pos);
                dead_for.push(field.clone());
            }
            !ids.is_empty()
        });

        for (field, value) in fields {
            let mut values = self.take_field(field);
            for &p in &header.prev {
                if let Some(pos) = values.iter().position(|lv| lv.op.id == p) {
                    values.remove(pos);
                } else if !seen(p) {
                    let pend = self.meta.pend.entry(field.clone()).or_default();
                    if !pend.contains(&p) {
                        pend.push(p);
                    }
                }
            }
            let already = values.iter().any(|lv| lv.op.id == me.id);
            if !dead_for.iter().any(|f| f == field) && !already {
                values.push(LiveValue {
                    value: value.clone(),
                    op: me.clone(),
                });
            }
            self.put_field(field, values);
        }
        self.compact();
    }

    fn take_field(&mut self, field: &str) -> Vec<LiveValue> {
        let values = self.live_values(field);
        self.meta.live.remove(field);
        self.meta.alt.remove(field);
        self.fields.remove(field);
        values
    }

    fn put_field(&mut self, field: &str, mut values: Vec<LiveValue>) {
        if values.is_empty() {
            return;
        }
        values.sort_by_key(|v| std::cmp::Reverse(v.op.order_key()));
        let mut idx = Vec::with_capacity(values.len());
        let mut alts = Vec::new();
        for (n, lv) in values.into_iter().enumerate() {
            let i = match self.meta.ops.iter().position(|r| r.id == lv.op.id) {
                Some(i) => i,
                None => {
                    self.meta.ops.push(lv.op);
                    self.meta.ops.len() - 1
                }
            };
            idx.push(i as u32);
            if n == 0 {
                self.fields.insert(field.to_string(), lv.value);
            } else {
                alts.push(lv.value);
            }
        }
        self.meta.live.insert(field.to_string(), idx);
        if !alts.is_empty() {
            self.meta.alt.insert(field.to_string(), alts);
        }
    }

    /// Drops op references no field uses any more, so `meta` stays the size of the live set.
    fn compact(&mut self) {
        let mut used = vec![false; self.meta.ops.len()];
        for l in self.meta.live.values() {
            for &i in l {
                if let Some(u) = used.get_mut(i as usize) {
                    *u = true;
                }
            }
        }
        if used.iter().all(|&u| u) {
            return;
        }
        let mut remap = vec![u32::MAX; used.len()];
        let mut ops = Vec::new();
        for (i, op) in std::mem::take(&mut self.meta.ops).into_iter().enumerate() {
            if used[i] {
                remap[i] = ops.len() as u32;
                ops.push(op);
            }
        }
        self.meta.ops = ops;
        for l in self.meta.live.values_mut() {
            for i in l.iter_mut() {
                *i = remap[*i as usize];
            }
        }
    }

    /// A canonical description of the shared state (not how it was reached): fields with every
    /// live value and op id. Two vaults that applied the same ops produce the same bytes.
    pub fn canonical(&self) -> Value {
        let mut fields = Map::new();
        for field in self.meta.live.keys() {
            let vals: Vec<Value> = self
                .live_values(field)
                .into_iter()
                .map(|lv| serde_json::json!([lv.op.id, lv.value]))
                .collect();
            fields.insert(field.clone(), Value::Array(vals));
        }
        serde_json::json!({
            "id": self.id,
            "etype": self.etype,
            "parent": self.parent,
            "fields": fields,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::Hash32;
    use proptest::prelude::*;
    use std::collections::HashSet;

    fn op(id: u128, site: u128, hlc: u64, kind: OpKind, prev: &[u128]) -> Header {
        Header {
            v: 1,
            id: Uuid::from_u128(id),
            site: Uuid::from_u128(site),
            scope: Scope::Directory,
            seq: 1,
            hlc: Hlc::new(hlc, 0),
            chain: Hash32::ZERO,
            kind,
            etype: "household".into(),
            entity: Uuid::from_u128(99),
            parent: None,
            prev: prev.iter().map(|&p| Uuid::from_u128(p)).collect(),
            by: Uuid::from_u128(site + 1000),
            body: Hash32::ZERO,
        }
    }

    fn body(pairs: &[(&str, &str)]) -> Map<String, Value> {
        pairs.iter().map(|(k, v)| (k.to_string(), Value::from(*v))).collect()
    }

    /// A small history: create; two sites edit `label` concurrently; one of them then edits
    /// `label` again having seen both (a resolution); meanwhile `address` is edited once.
    fn history() -> Vec<(Header, Map<String, Value>)> {
        vec![
            (
                op(1, 1, 10, OpKind::Create, &[]),
                body(&[("label", "高橋家"), ("address", "大町1")]),
            ),
            (op(2, 1, 20, OpKind::Set, &[1]), body(&[("label", "髙橋家")])),
            (op(3, 2, 21, OpKind::Set, &[1]), body(&[("label", "高橋 世帯")])),
            (op(4, 2, 30, OpKind::Set, &[1]), body(&[("address", "大町2")])),
            (op(5, 1, 40, OpKind::Set, &[2, 3]), body(&[("label", "高橋家（解決）")])),
            (op(6, 3, 41, OpKind::Set, &[4]), body(&[("address", "材木座3")])),
            (op(7, 2, 41, OpKind::Set, &[4]), body(&[("address", "材木座4")])),
        ]
    }

    fn replay(order: &[usize]) -> EntityState {
        let h = history();
        let mut st = EntityState::new(Uuid::from_u128(99), Scope::Directory);
        let mut seen_ids: HashSet<Uuid> = HashSet::new();
        for &i in order {
            let (hd, b) = &h[i];
            let mut seen = |id: Uuid| seen_ids.contains(&id);
            st.apply(hd, b, &mut seen);
            seen_ids.insert(hd.id);
        }
        st
    }

    #[test]
    fn concurrent_edits_are_kept_and_a_later_edit_resolves_them() {
        let st = replay(&[0, 1, 2]);
        assert_eq!(
            st.conflicted_fields(),
            vec!["label"],
            "two edits that did not see each other must both stay live"
        );
        let vals = st.live_values("label");
        assert_eq!(vals.len(), 2);
        assert_eq!(
            vals[0].value,
            Value::from("高橋 世帯"),
            "the shown value is the one with the greater HLC"
        );
        let st = replay(&[0, 1, 2, 3, 4, 5, 6]);
        assert_eq!(st.fields["label"], Value::from("高橋家（解決）"));
        assert_eq!(
            st.conflicted_fields(),
            vec!["address"],
            "ops 6 and 7 both supersede 4 and not each other"
        );
        assert_eq!(st.live_values("address").len(), 2);
    }

    #[test]
    fn fields_untouched_by_an_edit_keep_the_create_value() {
        let st = replay(&[0, 1]);
        assert_eq!(st.fields["address"], Value::from("大町1"));
        assert_eq!(st.author("address").map(|r| r.id), Some(Uuid::from_u128(1)));
    }

    proptest! {
        #[test]
        fn any_order_gives_the_same_state(order in Just((0..7usize).collect::<Vec<_>>()).prop_shuffle()) {
            let reference = replay(&[0, 1, 2, 3, 4, 5, 6]);
            let st = replay(&order);
            prop_assert_eq!(st.canonical(), reference.canonical(), "materialisation must not depend on arrival order");
            prop_assert!(st.meta.pend.is_empty(), "once every op has arrived nothing waits");
        }
    }

    #[test]
    fn a_chain_arriving_backwards_leaves_only_the_head_live() {
        // X → Y → Z on one field, arriving Z, X, Y: the transient conflict between Z and X must
        // disappear when Y (which supersedes X) arrives, even though Y is itself already dead.
        let h = [
            (op(1, 1, 10, OpKind::Create, &[]), body(&[("label", "x")])),
            (op(2, 1, 20, OpKind::Set, &[1]), body(&[("label", "y")])),
            (op(3, 1, 30, OpKind::Set, &[2]), body(&[("label", "z")])),
        ];
        let mut st = EntityState::new(Uuid::from_u128(99), Scope::Directory);
        let mut seen_ids = HashSet::new();
        for i in [2, 0, 1] {
            let mut seen = |id: Uuid| seen_ids.contains(&id);
            st.apply(&h[i].0, &h[i].1, &mut seen);
            seen_ids.insert(h[i].0.id);
        }
        assert_eq!(st.fields["label"], Value::from("z"));
        assert!(!st.is_conflicted(), "the transient conflict must be gone");
        assert_eq!(st.etype, "household", "the create op sets the type whenever it arrives");
    }
}
