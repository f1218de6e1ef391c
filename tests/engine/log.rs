//! The operation log: series, chains, hashes, and state derived from ops regardless of order.

use std::collections::HashMap;

use kasane::{CaseStatus, CaseUpdate, Hash32, HouseholdUpdate, OpKind, Scope};
use rand::{SeedableRng, seq::SliceRandom};

use crate::support::*;

fn busy_vault() -> TestVault {
    let mut t = new_vault(21);
    let v = &mut t.vault;
    let hh = household(v, "高橋家", "鎌倉市大町2-3-4");
    let p = person(v, hh, "高橋", "一郎", "タカハシ", "イチロウ", "S15", "本人");
    let c = case(v, hh, "8050");
    v.update_household(
        hh,
        HouseholdUpdate {
            label: Some("髙橋家".into()),
            ..Default::default()
        },
    )
    .unwrap();
    v.update_case(
        c,
        CaseUpdate {
            status: Some(CaseStatus::Assessment),
            ..Default::default()
        },
    )
    .unwrap();
    v.update_case(
        c,
        CaseUpdate {
            status: Some(CaseStatus::Active),
            title: Some("8050と介護".into()),
            ..Default::default()
        },
    )
    .unwrap();
    v.add_note(kasane::NewNote {
        case: c,
        kind: kasane::NoteKind::Phone,
        text: "電話連絡".into(),
        date: None,
        internal: false,
        outreach: None,
    })
    .unwrap();
    let internal = v
        .add_note(kasane::NewNote {
            case: c,
            kind: kasane::NoteKind::Other,
            text: "機関内メモ".into(),
            date: None,
            internal: true,
            outreach: None,
        })
        .unwrap();
    v.edit_note(internal, "機関内メモ（訂正）").unwrap();
    v.update_person(
        p,
        kasane::PersonUpdate {
            living_together: Some(false),
            ..Default::default()
        },
    )
    .unwrap();
    t
}

#[test]
fn every_series_is_contiguous_and_hash_chained() {
    let t = busy_vault();
    let ops = t.vault.ops().unwrap();
    let mut heads: HashMap<(uuid::Uuid, Scope), (u64, Hash32)> = HashMap::new();
    for op in &ops {
        let h = &op.header;
        let (last, head) = heads.get(&(h.site, h.scope)).copied().unwrap_or((0, Hash32::ZERO));
        assert_eq!(h.seq, last + 1, "seq numbers of a (site, scope) series have no gaps");
        assert_eq!(
            h.chain, head,
            "each op names the hash of the one before it in its series"
        );
        assert_eq!(h.id.get_version_num(), 7, "op ids are UUIDv7");
        assert_eq!(
            op.hash,
            kasane::op_hash(&op.header_bytes),
            "the op hash is over the exact stored header bytes"
        );
        heads.insert((h.site, h.scope), (h.seq, op.hash));
    }
    let scopes: std::collections::HashSet<&str> = ops.iter().map(|o| o.header.scope.kind()).collect();
    for kind in ["directory", "household", "case", "local"] {
        assert!(scopes.contains(kind), "the busy vault writes to a {kind} scope");
    }
    let internal = ops.iter().filter(|o| o.header.scope.is_local()).count();
    assert_eq!(internal, 2, "the internal note and its edit live in the local scope");
    assert!(
        ops.iter()
            .any(|o| o.header.kind == OpKind::Set && !o.header.prev.is_empty()),
        "edits name what they supersede"
    );
}

#[test]
fn state_rebuilt_from_the_log_in_any_order_equals_the_live_state() {
    let mut t = busy_vault();
    let live = t.vault.digest().unwrap();
    let n = t.vault.ops().unwrap().len();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
    for round in 0..12 {
        let mut order: Vec<usize> = (0..n).collect();
        if round > 0 {
            order.shuffle(&mut rng);
        }
        t.vault.rebuild_state_in_order(Some(&order)).unwrap();
        assert_eq!(
            t.vault.digest().unwrap(),
            live,
            "round {round}: derived state must not depend on the order ops are applied in"
        );
    }
    let hits = t.vault.search_quiet("髙橋").unwrap();
    assert!(!hits.is_empty(), "rebuilding also rebuilds the search documents");
}

#[test]
fn a_rejected_write_leaves_no_op_behind() {
    let mut t = new_vault(22);
    let hh = household(&mut t.vault, "a", "b");
    let before = op_count(&t.vault);
    let err = t.vault.add_person(kasane::NewPerson {
        household: hh,
        family_name: "高橋".into(),
        given_name: "一郎".into(),
        family_kana: "Takahashi".into(),
        given_kana: "イチロウ".into(),
        birth: None,
        sex: kasane::Sex::Male,
        relation: "本人".into(),
        living_together: true,
        deceased: None,
        expecting: None,
    });
    assert!(err.is_err(), "a reading in latin letters is not kana");
    assert_eq!(
        op_count(&t.vault),
        before,
        "validation happens before any op is written"
    );
}

#[test]
fn local_items_are_excluded_from_the_shared_digest() {
    let mut t = busy_vault();
    let d1 = t.vault.digest().unwrap();
    assert!(
        d1.keys().all(|s| !s.starts_with("local:")),
        "local scopes never count as shared state"
    );
    let c = t.vault.cases(&Default::default()).unwrap()[0].id;
    t.vault
        .add_note(kasane::NewNote {
            case: c,
            kind: kasane::NoteKind::Other,
            text: "もう一つの機関内メモ".into(),
            date: None,
            internal: true,
            outreach: None,
        })
        .unwrap();
    assert_eq!(
        t.vault.digest().unwrap(),
        d1,
        "an internal memo must not change what partners would see"
    );
}

#[test]
fn one_parents_records_are_read_through_the_parent_index() {
    let mut conn = rusqlite::Connection::open_in_memory().unwrap();
    kasane::testing::migrate_to(&mut conn, kasane::testing::latest_schema()).unwrap();
    let plan: Vec<String> = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {}", kasane_store::log::LOAD_BY_PARENT_SQL))
        .unwrap()
        .query_map(rusqlite::params!["person", vec![0u8; 16]], |r| r.get::<_, String>(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        plan.iter().any(|step| step.contains("entity_by_parent")),
        "a household's members, a case's notes: one parent's rows through the index, \
         never a scan of every record of the type (10 s for a meeting's prep packs): {plan:?}"
    );
}
