//! Convergence: 3–5 agencies edit one shared case and household concurrently (the same fields,
//! archive against edit, retraction against edit) and exchange bundles in random order, with
//! duplicates, losses and resends. Every vault must end with the same state, and no value may
//! be lost that nobody knowingly replaced.

use std::collections::{HashMap, HashSet};

use kasane::{Basis, CaseUpdate, HouseholdUpdate, NoteKind, PersonUpdate, Risk, Scope, Vault};
use proptest::prelude::*;

use crate::support::*;

#[derive(Debug, Clone)]
enum Edit {
    Label(u8),
    Title(u8),
    Risk(u8),
    Archive(bool),
    AddNote(u8),
    ReviseNote(u8, u8),
    RetractNote(u8),
    PersonName(u8),
    AddPerson(u8),
}

#[derive(Debug, Clone, Copy)]
enum Fate {
    Now,
    Later,
    Twice,
    Lost,
}

#[derive(Debug, Clone)]
enum Step {
    Edit(usize, Edit),
    Send {
        from: usize,
        to: usize,
        full: bool,
        fate: Fate,
    },
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => any::<u8>().prop_map(Edit::Label),
        3 => any::<u8>().prop_map(Edit::Title),
        2 => any::<u8>().prop_map(Edit::Risk),
        2 => any::<bool>().prop_map(Edit::Archive),
        2 => any::<u8>().prop_map(Edit::AddNote),
        2 => (any::<u8>(), any::<u8>()).prop_map(|(a, b)| Edit::ReviseNote(a, b)),
        1 => any::<u8>().prop_map(Edit::RetractNote),
        2 => any::<u8>().prop_map(Edit::PersonName),
        1 => any::<u8>().prop_map(Edit::AddPerson),
    ]
}

fn step(n: usize) -> impl Strategy<Value = Step> {
    let fate = prop_oneof![4 => Just(Fate::Now), 3 => Just(Fate::Later), 1 => Just(Fate::Twice), 2 => Just(Fate::Lost)];
    prop_oneof![
        3 => (0..n, edit()).prop_map(|(s, e)| Step::Edit(s, e)),
        2 => (0..n, 0..n, prop::bool::weighted(0.15), fate).prop_map(|(from, to, full, fate)| Step::Send { from, to, full, fate }),
    ]
}

fn scenario() -> impl Strategy<Value = (usize, Vec<Step>, Vec<usize>)> {
    (3usize..=5).prop_flat_map(|n| {
        (
            Just(n),
            prop::collection::vec(step(n), 10..40),
            prop::collection::vec(any::<usize>(), 64),
        )
    })
}

struct Shared {
    household: uuid::Uuid,
    case: uuid::Uuid,
    person: uuid::Uuid,
}

fn apply(v: &mut Vault, s: &Shared, e: &Edit) {
    let risks = [Risk::Low, Risk::Medium, Risk::High, Risk::Urgent];
    // An agency corrects only its own entries, so each site picks among those it wrote.
    let me = v.identity().agency;
    let notes = || {
        v.notes_of(s.case)
            .unwrap()
            .into_iter()
            .filter(|n| n.agency == me)
            .collect::<Vec<_>>()
    };
    match *e {
        Edit::Label(x) => v
            .update_household(
                s.household,
                HouseholdUpdate {
                    label: Some(format!("世帯{x}")),
                    ..Default::default()
                },
            )
            .unwrap(),
        Edit::Title(x) => v
            .update_case(
                s.case,
                CaseUpdate {
                    title: Some(format!("題{x}")),
                    ..Default::default()
                },
            )
            .unwrap(),
        Edit::Risk(x) => v
            .update_case(
                s.case,
                CaseUpdate {
                    risk: Some(Some(risks[x as usize % 4])),
                    ..Default::default()
                },
            )
            .unwrap(),
        Edit::Archive(b) => v
            .update_household(
                s.household,
                HouseholdUpdate {
                    archived: Some(b),
                    ..Default::default()
                },
            )
            .unwrap(),
        Edit::AddNote(x) => {
            v.add_note(kasane::NewNote {
                case: s.case,
                kind: NoteKind::Visit,
                text: format!("経過{x}"),
                date: None,
                internal: false,
            })
            .unwrap();
        }
        Edit::ReviseNote(i, x) => {
            let n = notes();
            if !n.is_empty() {
                v.edit_note(n[i as usize % n.len()].id, &format!("訂正{x}")).unwrap();
            }
        }
        Edit::RetractNote(i) => {
            let n = notes();
            if !n.is_empty() {
                v.retract_note(n[i as usize % n.len()].id).unwrap();
            }
        }
        Edit::PersonName(x) => v
            .update_person(
                s.person,
                PersonUpdate {
                    given_name: Some(format!("名{x}")),
                    ..Default::default()
                },
            )
            .unwrap(),
        Edit::AddPerson(x) => {
            person(
                v,
                s.household,
                "高橋",
                &format!("子{x}"),
                "たかはし",
                "こ",
                "2010",
                "孫",
            );
        }
    }
}

/// Digests of the shared scopes only (each vault also has its own directory entries).
fn shared_digest(v: &Vault, s: &Shared) -> Vec<Option<kasane::Hash32>> {
    let d = v.digest().unwrap();
    vec![
        d.get(&format!("case:{}", s.case)).copied(),
        d.get(&format!("household:{}", s.household)).copied(),
    ]
}

/// Every op of the shared scopes is either live in the final state or named as superseded by an
/// applied op that wrote the same field: nothing vanished without someone seeing it.
fn nothing_lost(v: &Vault, s: &Shared) -> Result<(), String> {
    let ops: Vec<kasane::Op> = v
        .ops()
        .unwrap()
        .into_iter()
        .filter(|o| o.header.scope == Scope::Case(s.case) || o.header.scope == Scope::Household(s.household))
        .collect();
    let held: HashSet<uuid::Uuid> = kasane::testing::held_ops(v)
        .unwrap()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let mut superseded: HashMap<(uuid::Uuid, String), HashSet<uuid::Uuid>> = HashMap::new();
    let fields_of = |o: &kasane::Op| o.fields().unwrap().unwrap_or_default();
    for o in ops.iter().filter(|o| !held.contains(&o.header.id)) {
        for f in fields_of(o).keys() {
            superseded
                .entry((o.header.entity, f.clone()))
                .or_default()
                .extend(o.header.prev.iter().copied());
        }
    }
    for o in ops.iter().filter(|o| !held.contains(&o.header.id)) {
        let st = kasane::testing::entity_state(v, o.header.entity)
            .unwrap()
            .ok_or("entity missing")?;
        for f in fields_of(o).keys() {
            let live: HashSet<uuid::Uuid> = st.live_values(f).into_iter().map(|lv| lv.op.id).collect();
            let replaced = superseded
                .get(&(o.header.entity, f.clone()))
                .is_some_and(|p| p.contains(&o.header.id));
            if !live.contains(&o.header.id) && !replaced {
                return Err(format!(
                    "the value of {f} written by op {} vanished without being superseded",
                    o.header.id
                ));
            }
        }
    }
    Ok(())
}

fn run(n: usize, steps: &[Step], shuffle: &[usize]) -> Result<usize, TestCaseError> {
    let mut sites: Vec<TestVault> = (0..n)
        .map(|i| agency_vault(500 + i as u64, &format!("機関{i}"), clock()))
        .collect();
    for i in 0..n {
        for j in i + 1..n {
            let (l, r) = sites.split_at_mut(j);
            introduce(&mut l[i].vault, &mut r[0].vault, true);
        }
    }
    let v0 = &mut sites[0].vault;
    let household = household(v0, "高橋家", "鎌倉市大町");
    let person = person(v0, household, "高橋", "一郎", "たかはし", "いちろう", "1950", "本人");
    let case = case(v0, household, "8050");
    let shared = Shared {
        household,
        case,
        person,
    };
    let lead = sites[0].vault.identity().agency;
    let mut agencies: Vec<uuid::Uuid> = sites
        .iter()
        .map(|s| s.vault.identity().agency)
        .filter(|a| *a != lead)
        .collect();
    agencies.dedup();
    for a in &agencies {
        sites[0].vault.share_case(case, *a, Some(Basis::ShienKaigi)).unwrap();
    }
    for j in 1..n {
        let (l, r) = sites.split_at_mut(j);
        sync(&mut l[0].vault, &mut r[0].vault);
    }

    let mut later: Vec<(usize, Vec<u8>)> = Vec::new();
    for st in steps {
        match st {
            Step::Edit(s, e) => apply(&mut sites[*s].vault, &shared, e),
            Step::Send { from, to, full, fate } => {
                if from == to {
                    continue;
                }
                let target = std::mem::replace(&mut sites[*to].vault, placeholder());
                let b = bundle_for(&mut sites[*from].vault, &target, *full);
                sites[*to].vault = target;
                match fate {
                    Fate::Now => {
                        deliver(&mut sites[*to].vault, &b).unwrap();
                    }
                    Fate::Later => later.push((*to, b)),
                    Fate::Twice => {
                        deliver(&mut sites[*to].vault, &b).unwrap();
                        later.push((*to, b));
                    }
                    Fate::Lost => {}
                }
            }
        }
    }
    // Late deliveries, in an order chosen by the test case.
    for (k, r) in shuffle.iter().enumerate() {
        if later.len() > 1 {
            let i = k % later.len();
            let j = r % later.len();
            later.swap(i, j);
        }
    }
    for (to, b) in later {
        deliver(&mut sites[to].vault, &b).unwrap();
    }
    // Resends until everyone has everything (losses made some acks stale).
    for round in 0..4 {
        for i in 0..n {
            for j in 0..n {
                if i != j {
                    let target = std::mem::replace(&mut sites[j].vault, placeholder());
                    let b = bundle_for(&mut sites[i].vault, &target, false);
                    sites[j].vault = target;
                    deliver(&mut sites[j].vault, &b).unwrap();
                }
            }
        }
        let first = shared_digest(&sites[0].vault, &shared);
        if sites.iter().all(|s| shared_digest(&s.vault, &shared) == first) {
            break;
        }
        prop_assert!(round < 3, "no convergence after four rounds of resends");
    }
    let first = shared_digest(&sites[0].vault, &shared);
    for (i, s) in sites.iter().enumerate() {
        prop_assert_eq!(
            shared_digest(&s.vault, &shared),
            first.clone(),
            "site {} differs from site 0",
            i
        );
        prop_assert!(
            kasane::testing::held_ops(&s.vault).unwrap().is_empty(),
            "site {i}: every writer was in the share set, so nothing is held"
        );
        prop_assert!(
            s.vault.quarantine().unwrap().is_empty(),
            "site {i}: nothing quarantined"
        );
        nothing_lost(&s.vault, &shared).map_err(TestCaseError::fail)?;
    }
    Ok(sites[0].vault.conflicts().unwrap().len())
}

/// A vault to stand in while the real one is borrowed (export needs `&Vault` of the target).
fn placeholder() -> Vault {
    thread_local! {
        static DIRS: std::cell::RefCell<Vec<tempfile::TempDir>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let dir = tempfile::tempdir().unwrap();
    let (v, _) = Vault::create(&dir.path().join("p"), setup("仮"), ambient(1)).unwrap();
    DIRS.with(|d| d.borrow_mut().push(dir));
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, max_shrink_iters: 20, .. ProptestConfig::default() })]
    #[test]
    fn every_site_converges_and_no_concurrent_value_is_lost((n, steps, shuffle) in scenario()) {
        run(n, &steps, &shuffle)?;
    }
}

#[test]
fn a_fixed_scenario_with_guaranteed_conflicts_converges() {
    // Every site edits the same fields before anyone hears of anyone: guaranteed conflicts.
    let mut steps = Vec::new();
    for s in 0..4 {
        steps.push(Step::Edit(s, Edit::Label(s as u8)));
        steps.push(Step::Edit(s, Edit::Title(s as u8)));
        steps.push(Step::Edit(s, Edit::AddNote(s as u8)));
    }
    steps.push(Step::Edit(1, Edit::Archive(true)));
    // Sites 0 and 1 (one agency) correct and retract the same entry without seeing each other.
    steps.push(Step::Send {
        from: 0,
        to: 1,
        full: false,
        fate: Fate::Now,
    });
    steps.push(Step::Edit(0, Edit::ReviseNote(0, 9)));
    steps.push(Step::Edit(1, Edit::RetractNote(0)));
    steps.push(Step::Send {
        from: 1,
        to: 2,
        full: false,
        fate: Fate::Lost,
    });
    steps.push(Step::Send {
        from: 3,
        to: 0,
        full: false,
        fate: Fate::Twice,
    });
    let conflicts = run(4, &steps, &[3, 1, 2]).unwrap();
    assert!(
        conflicts >= 2,
        "four sites editing the label and title blind must leave both in conflict, with every value kept (got {conflicts})"
    );
}
