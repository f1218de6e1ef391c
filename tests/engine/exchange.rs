//! Exchange between agencies: cards, sharing rules, bundles both ways, conflicts, quarantine and
//! purge — with real keys, real encryption, real vaults.

use kasane::{Basis, CaseUpdate, HouseholdUpdate, ImportStatus, Kind, NewConsent, NoteKind};

use crate::support::*;

struct Pair {
    a: TestVault,
    b: TestVault,
    case: uuid::Uuid,
    household: uuid::Uuid,
}

/// A (福祉総務課, lead) records a household and case and shares it with B (生活福祉課).
fn pair() -> Pair {
    let mut a = agency_vault(101, "福祉総務課", clock());
    let mut b = agency_vault(102, "生活福祉課", clock());
    introduce(&mut a.vault, &mut b.vault, true);
    let household = household(&mut a.vault, "高橋家", "鎌倉市大町2-3-4");
    person(
        &mut a.vault,
        household,
        "高橋",
        "ハル",
        "タカハシ",
        "ハル",
        "S15",
        "本人",
    );
    let case = case(&mut a.vault, household, "8050");
    a.vault
        .add_note(kasane::NewNote {
            case,
            kind: NoteKind::Visit,
            text: "共有される経過".into(),
            date: None,
            internal: false,
            outreach: None,
        })
        .unwrap();
    a.vault
        .add_note(kasane::NewNote {
            case,
            kind: NoteKind::Other,
            text: "機関内メモ：共有しない".into(),
            date: None,
            internal: true,
            outreach: None,
        })
        .unwrap();
    let b_agency = b.vault.identity().agency;
    a.vault.share_case(case, b_agency, Some(Basis::ShienKaigi)).unwrap();
    Pair { a, b, case, household }
}

#[test]
fn a_shared_case_reaches_the_partner_without_internal_items() {
    let mut p = pair();
    let preview = p.a.vault.export_preview(p.b.vault.identity().agency, false).unwrap();
    assert_eq!(preview.cases.len(), 1, "the preview lists the one shared case");
    assert_eq!(preview.cases[0].title, "8050");
    let dir = tempfile::tempdir().unwrap();
    let report =
        p.a.vault
            .export_bundle(
                p.b.vault.identity().agency,
                false,
                &dir.path().join("x.kasane"),
                &mut |_| {},
            )
            .unwrap();
    assert_eq!(
        preview.ops, report.ops as u64,
        "the preview counts exactly what the export writes"
    );
    let s = sync(&mut p.a.vault, &mut p.b.vault);
    assert_eq!(s.status, ImportStatus::Applied);
    let d = p.b.vault.case_detail(p.case).expect("B sees the shared case");
    assert_eq!(d.household.label, "高橋家");
    assert_eq!(d.members.len(), 1);
    assert_eq!(d.notes.len(), 1, "internal (local) notes never leave A");
    assert_eq!(d.notes[0].text, "共有される経過");
    let a_digest = p.a.vault.digest().unwrap();
    let b_digest = p.b.vault.digest().unwrap();
    for scope in [format!("case:{}", p.case), format!("household:{}", p.household)] {
        assert_eq!(
            a_digest.get(&scope),
            b_digest.get(&scope),
            "{scope} must be identical on both sides"
        );
    }
    let again = bundle_for(&mut p.a.vault, &p.b.vault, false);
    let s = deliver(&mut p.b.vault, &again).unwrap();
    assert_eq!(s.ops_new, 0, "an incremental export only carries what B lacks: {s:?}");
    sync(&mut p.b.vault, &mut p.a.vault);
    assert_eq!(
        p.a.vault
            .export_preview(p.b.vault.identity().agency, false)
            .unwrap()
            .ops,
        0,
        "once B says what it holds, nothing is left to send"
    );
}

#[test]
fn an_unshared_case_is_never_exported() {
    let mut p = pair();
    let other_hh = household(&mut p.a.vault, "秘密家", "鎌倉市雪ノ下1-1");
    let other = case(&mut p.a.vault, other_hh, "共有していないケース");
    sync(&mut p.a.vault, &mut p.b.vault);
    assert!(
        p.b.vault.case_detail(other).is_err(),
        "B must not receive a case that was not shared with it"
    );
    assert!(p.b.vault.search_quiet("秘密").unwrap().is_empty(), "nor its household");
}

#[test]
fn sharing_needs_a_basis_the_lead_and_for_consent_bases_a_valid_consent() {
    let mut p = pair();
    let b_agency = p.b.vault.identity().agency;
    let hh = household(&mut p.a.vault, "青木家", "x");
    let person = person(&mut p.a.vault, hh, "青木", "一", "あおき", "はじめ", "1950", "本人");
    let c = case(&mut p.a.vault, hh, "x");
    let err = p.a.vault.share_case(c, b_agency, None).unwrap_err();
    assert_eq!(err.code(), "share.no-basis");
    assert_eq!(err.kind(), Kind::Refused);
    let err =
        p.a.vault
            .share_case(c, b_agency, Some(Basis::JusotekiShienKaigi))
            .unwrap_err();
    assert_eq!(err.code(), "share.consent", "重層的支援会議 needs consent: {err}");
    let k =
        p.a.vault
            .add_consent(NewConsent {
                scope: "重層的支援会議での共有".into(),
                ..consent(person, vec![b_agency], "2026-11-01")
            })
            .unwrap();
    p.a.vault
        .share_case(c, b_agency, Some(Basis::Consent(k)))
        .expect("a consent naming B is a basis");
    sync(&mut p.a.vault, &mut p.b.vault);
    let a_agency = p.a.vault.identity().agency;
    let err = p.b.vault.share_case(c, a_agency, Some(Basis::ShienKaigi)).unwrap_err();
    assert_eq!(err.code(), "share.not-lead", "B is not the lead: {err}");
}

#[test]
fn concurrent_edits_become_a_conflict_that_either_side_resolves() {
    let mut p = pair();
    sync(&mut p.a.vault, &mut p.b.vault);
    p.a.vault
        .update_household(
            p.household,
            HouseholdUpdate {
                label: Some("髙橋家".into()),
                ..Default::default()
            },
        )
        .unwrap();
    p.b.vault
        .update_household(
            p.household,
            HouseholdUpdate {
                label: Some("高橋 世帯".into()),
                ..Default::default()
            },
        )
        .unwrap();
    sync(&mut p.b.vault, &mut p.a.vault);
    let s = sync(&mut p.a.vault, &mut p.b.vault);
    assert_eq!(
        s.ops_new, 1,
        "only A's own edit goes to B; B's comes back only as an ack"
    );
    let ca = p.a.vault.conflicts().unwrap();
    let cb = p.b.vault.conflicts().unwrap();
    assert_eq!(ca.len(), 1, "both edits kept as a conflict at A");
    assert_eq!(cb.len(), 1, "and at B");
    let values: Vec<String> = ca[0]
        .values
        .iter()
        .map(|v| v.value.as_str().unwrap().to_string())
        .collect();
    assert!(
        values.contains(&"髙橋家".to_string()) && values.contains(&"高橋 世帯".to_string()),
        "no edit is lost: {values:?}"
    );
    assert!(
        ca[0].values.iter().all(|v| v.agency_name.is_some()),
        "each value names its agency"
    );
    let pick = ca[0].values.iter().find(|v| v.value == "高橋 世帯").unwrap().op;
    p.a.vault
        .resolve_conflict(p.household, "label", Some(pick), None)
        .unwrap();
    assert!(p.a.vault.conflicts().unwrap().is_empty());
    sync(&mut p.a.vault, &mut p.b.vault);
    assert!(
        p.b.vault.conflicts().unwrap().is_empty(),
        "the resolution travels like any change"
    );
    assert_eq!(p.b.vault.household(p.household).unwrap().label, "高橋 世帯");
    assert_eq!(p.a.vault.digest().unwrap(), p.b.vault.digest().unwrap());
}

#[test]
fn writes_by_an_agency_never_given_the_case_are_quarantined_not_applied() {
    let mut p = pair();
    let mut c = agency_vault(103, "高齢者いきいき課", clock());
    introduce(&mut p.a.vault, &mut c.vault, true);
    let a_agency = p.a.vault.identity().agency;
    // C never received the case, but forges it (same id, A as lead) and writes into it.
    kasane::testing::raw_create(&mut c.vault, p.case, kasane::Scope::Case(p.case), "case", Some(p.household),
        serde_json::json!({"household": p.household, "title": "乗っ取り", "status": "closed", "lead_agency": a_agency, "problems": [], "opened": "2026-11-25"})).unwrap();
    let cid = c.vault.identity();
    kasane::testing::raw_create(&mut c.vault, uuid::Uuid::from_u128(77), kasane::Scope::Case(p.case), "note", Some(p.case),
        serde_json::json!({"case": p.case, "date": "2026-11-25", "kind": "visit", "agency": cid.agency, "worker": cid.worker, "text": "偽の経過"})).unwrap();
    let before = p.a.vault.digest().unwrap();
    let s = sync(&mut c.vault, &mut p.a.vault);
    assert_eq!(s.held.values().sum::<usize>(), 2, "both forged ops are held: {s:?}");
    assert!(
        s.held.contains_key("forged-id"),
        "a case's id is derived from the op that opened it, so C cannot open A's case again: {s:?}"
    );
    let after = p.a.vault.digest().unwrap();
    let scope = format!("case:{}", p.case);
    assert_eq!(before.get(&scope), after.get(&scope), "the case at A is untouched");
    assert_eq!(p.a.vault.case_detail(p.case).unwrap().case.title, "8050");
    let q = p.a.vault.quarantine().unwrap();
    assert_eq!(
        q.iter().filter(|e| e.kind == "ops").map(|e| e.count).sum::<usize>(),
        2,
        "kept and shown with the reason: {q:?}"
    );
    // A partner in the share set may not extend the share set either.
    sync(&mut p.a.vault, &mut p.b.vault);
    let c_agency = c.vault.identity().agency;
    kasane::testing::raw_create(
        &mut p.b.vault,
        kasane::testing::share_id(p.case, c_agency),
        kasane::Scope::Case(p.case),
        "share",
        Some(p.case),
        serde_json::json!({"agency": c_agency, "basis": "shien-kaigi", "active": true, "since": "2026-11-25"}),
    )
    .unwrap();
    let s = sync(&mut p.b.vault, &mut p.a.vault);
    assert_eq!(s.held.get("not-lead").copied(), Some(1), "{s:?}");
    assert!(
        p.a.vault
            .shares_of(p.case)
            .unwrap()
            .iter()
            .all(|sh| sh.agency != c_agency),
        "C is not in A's share set"
    );
}

#[test]
fn a_write_made_after_removal_is_held_while_earlier_writes_stand() {
    let mut p = pair();
    sync(&mut p.a.vault, &mut p.b.vault);
    p.b.vault
        .add_note(kasane::NewNote {
            case: p.case,
            kind: NoteKind::Phone,
            text: "共有中の記録".into(),
            date: None,
            internal: false,
            outreach: None,
        })
        .unwrap();
    let early = bundle_for(&mut p.b.vault, &p.a.vault, false);
    let b_agency = p.b.vault.identity().agency;
    p.a.vault.unshare_case(p.case, b_agency, "終了").unwrap();
    // B has not heard of the removal and writes again, later.
    p.b.vault
        .add_note(kasane::NewNote {
            case: p.case,
            kind: NoteKind::Phone,
            text: "終了後の記録".into(),
            date: None,
            internal: false,
            outreach: None,
        })
        .unwrap();
    let late = bundle_for(&mut p.b.vault, &p.a.vault, false);
    // Delivered in reverse order: the verdicts depend on when B wrote, not on arrival.
    let s_late = deliver(&mut p.a.vault, &late).unwrap();
    let s_early = deliver(&mut p.a.vault, &early).unwrap();
    let notes: Vec<String> =
        p.a.vault
            .notes_of(p.case)
            .unwrap()
            .into_iter()
            .map(|n| n.text)
            .collect();
    assert!(
        notes.contains(&"共有中の記録".to_string()),
        "written while shared: applied ({s_early:?})"
    );
    assert!(
        !notes.contains(&"終了後の記録".to_string()),
        "written after removal: held ({s_late:?})"
    );
}

#[test]
fn removing_an_agency_purges_its_copy_and_keeps_an_audit_stub() {
    let mut p = pair();
    sync(&mut p.a.vault, &mut p.b.vault);
    assert!(p.b.vault.case_detail(p.case).is_ok());
    let b_agency = p.b.vault.identity().agency;
    p.a.vault.unshare_case(p.case, b_agency, "支援終了").unwrap();
    let s = sync(&mut p.a.vault, &mut p.b.vault);
    assert!(
        s.purged.contains(&format!("case:{}", p.case)),
        "B is asked to purge: {s:?}"
    );
    assert!(p.b.vault.case_detail(p.case).is_err(), "the case is gone from B");
    assert!(
        p.b.vault.search_quiet("高橋").unwrap().is_empty(),
        "and so is the household, with its search entries"
    );
    let ops = p.b.vault.ops().unwrap();
    assert!(
        ops.iter()
            .filter(|o| o.header.scope == kasane::Scope::Case(p.case))
            .all(|o| o.body.is_none()),
        "bodies erased"
    );
    assert!(
        ops.iter().any(|o| o.header.scope == kasane::Scope::Case(p.case)),
        "headers and hashes kept, so sequences still verify"
    );
    let trail = p.b.vault.audit_trail().unwrap();
    assert!(
        trail.iter().any(|e| e.action == "purge"),
        "an audit stub says what was purged and why"
    );
    // Sharing again sends everything again, bodies included.
    p.a.vault.share_case(p.case, b_agency, Some(Basis::ShienKaigi)).unwrap();
    sync(&mut p.a.vault, &mut p.b.vault);
    let d = p.b.vault.case_detail(p.case).expect("re-shared case is readable again");
    assert_eq!(d.notes.len(), 1);
}

#[test]
fn withdrawing_the_consent_a_share_rests_on_ends_the_share() {
    let mut p = pair();
    let b_agency = p.b.vault.identity().agency;
    let hh = household(&mut p.a.vault, "青木家", "x");
    let person = person(&mut p.a.vault, hh, "青木", "一", "あおき", "はじめ", "1950", "本人");
    let c = case(&mut p.a.vault, hh, "consent case");
    let k =
        p.a.vault
            .add_consent(NewConsent {
                scope: "情報共有".into(),
                how: kasane::ConsentHow::Verbal,
                witness: Some("相談員".into()),
                ..consent(person, vec![b_agency], "2026-11-01")
            })
            .unwrap();
    p.a.vault.share_case(c, b_agency, Some(Basis::Consent(k))).unwrap();
    sync(&mut p.a.vault, &mut p.b.vault);
    assert!(p.b.vault.case_detail(c).is_ok());
    let ended =
        p.a.vault
            .withdraw_consent(k, kasane::parse_date("2026-11-25").unwrap())
            .unwrap();
    assert_eq!(ended, vec![(c, b_agency)], "the share resting on the consent ends");
    let s = sync(&mut p.a.vault, &mut p.b.vault);
    assert!(s.purged.contains(&format!("case:{c}")));
    assert!(p.b.vault.case_detail(c).is_err());
    assert!(
        p.b.vault.case_detail(p.case).is_ok(),
        "the other case, shared under 支援会議, stays"
    );
}

#[test]
fn a_partner_edit_travels_back_and_case_updates_by_the_partner_apply() {
    let mut p = pair();
    sync(&mut p.a.vault, &mut p.b.vault);
    p.b.vault
        .update_case(
            p.case,
            CaseUpdate {
                risk: Some(Some(kasane::Risk::High)),
                ..Default::default()
            },
        )
        .unwrap();
    p.b.vault
        .add_note(kasane::NewNote {
            case: p.case,
            kind: NoteKind::Phone,
            text: "Bからの電話".into(),
            date: None,
            internal: false,
            outreach: None,
        })
        .unwrap();
    let s = sync(&mut p.b.vault, &mut p.a.vault);
    assert!(s.held.is_empty(), "B is in the share set: nothing is held: {s:?}");
    let d = p.a.vault.case_detail(p.case).unwrap();
    assert_eq!(d.case.risk, Some(kasane::Risk::High));
    assert!(d.notes.iter().any(|n| n.text == "Bからの電話"));
    let err =
        p.b.vault
            .unshare_case(p.case, p.a.vault.identity().agency, "x")
            .unwrap_err();
    assert_eq!(
        err.code(),
        "share.not-lead",
        "only the lead changes who a case is shared with: {err}"
    );
}

#[test]
fn a_second_pc_joins_its_agency_and_a_lost_pc_is_revoked_for_every_partner() {
    let mut a1 = agency_vault(150, "福祉総務課", clock());
    let (card_a1, _) = a1.vault.my_card().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut s = setup("");
    s.site = "福祉総務課-PC2".into();
    s.join = Some(card_a1.clone());
    let (mut a2, _) = kasane::Vault::create(&dir.path().join("a2"), s, ambient(151)).unwrap();
    assert_eq!(
        a2.identity().agency,
        a1.vault.identity().agency,
        "the joining PC is a site of the same agency"
    );
    let mut b = agency_vault(152, "生活福祉課", clock());
    // PC 1 takes PC 2's card as a PC of its own agency (a plain import would refuse it); PC 2
    // holds PC 1's card since it joined with it.
    let (card_a2, _) = a2.my_card().unwrap();
    let info_a2 = a1.vault.import_own_pc_card(&card_a2).unwrap();
    a1.vault.verify_card(info_a2.site, &info_a2.fingerprint).unwrap();
    let info_a1 = a2.site_info(a1.vault.identity().site).unwrap();
    a2.verify_card(info_a1.site, &info_a1.fingerprint).unwrap();
    introduce(&mut a1.vault, &mut b.vault, true);
    introduce(&mut a2, &mut b.vault, true);
    // B shares a case with agency A: the bundle is readable on both of A's PCs.
    let hh = household(&mut b.vault, "青木家", "x");
    let c = case(&mut b.vault, hh, "共有ケース");
    b.vault
        .share_case(c, a1.vault.identity().agency, Some(Basis::ShienKaigi))
        .unwrap();
    let bytes = bundle_for(&mut b.vault, &a1.vault, false);
    deliver(&mut a1.vault, &bytes).expect("PC 1 reads it");
    deliver(&mut a2, &bytes).expect("PC 2 reads the same file");
    assert!(a2.case_detail(c).is_ok());
    // PC 2 is lost: PC 1 revokes it, and B learns it from PC 1's next bundle.
    let a2_site = a2.identity().site;
    a1.vault.revoke_site(a2_site).unwrap();
    sync(&mut a1.vault, &mut b.vault);
    let info = b.vault.site_info(a2_site).unwrap();
    assert!(info.revoked, "the revocation travelled to the partner");
    let from_lost = bundle_for(&mut a2, &b.vault, true);
    let err = deliver(&mut b.vault, &from_lost).unwrap_err();
    assert_eq!(err.code(), "bundle.revoked-sender");
    assert!(
        a1.vault.revoke_site(a1.vault.identity().site).is_err(),
        "a PC cannot revoke itself"
    );
}

#[test]
fn a_partner_relays_the_lead_s_segments_unchanged_with_the_lead_s_signature() {
    let mut a = agency_vault(160, "福祉総務課", clock());
    let mut b = agency_vault(161, "生活福祉課", clock());
    let mut c = agency_vault(162, "高齢者いきいき課", clock());
    introduce(&mut a.vault, &mut b.vault, true);
    introduce(&mut a.vault, &mut c.vault, true);
    introduce(&mut b.vault, &mut c.vault, true);
    let hh = household(&mut a.vault, "高橋家", "x");
    let case_id = case(&mut a.vault, hh, "8050");
    a.vault
        .add_note(kasane::NewNote {
            case: case_id,
            kind: NoteKind::Visit,
            text: "Aの記録".into(),
            date: None,
            internal: false,
            outreach: None,
        })
        .unwrap();
    for partner in [b.vault.identity().agency, c.vault.identity().agency] {
        a.vault.share_case(case_id, partner, Some(Basis::ShienKaigi)).unwrap();
    }
    sync(&mut a.vault, &mut b.vault);
    // C never hears from A directly: B passes A's segments on.
    let s = sync(&mut b.vault, &mut c.vault);
    assert!(s.ops_new > 0 && s.held.is_empty() && s.quarantined.is_empty(), "{s:?}");
    let notes = c.vault.notes_of(case_id).unwrap();
    assert_eq!(notes[0].text, "Aの記録");
    let a_site = a.vault.identity().site;
    assert!(
        c.vault
            .ops()
            .unwrap()
            .iter()
            .any(|o| o.header.site == a_site && o.header.scope == kasane::Scope::Case(case_id)),
        "C holds A's own ops (authored and signed by A), not copies re-signed by B"
    );
    let scope = format!("case:{case_id}");
    assert_eq!(
        a.vault.digest().unwrap().get(&scope),
        c.vault.digest().unwrap().get(&scope)
    );
    // Had B altered A's ops on the way, A's signature would not verify at C.
    let full = bundle_for(&mut b.vault, &c.vault, true);
    let forged = kasane::testing::reseal(&b.vault, &c.vault, &full, &mut |p| {
        let seg = p
            .segments
            .iter_mut()
            .find(|s| {
                s.ops.iter().any(|o| {
                    o.body
                        .as_ref()
                        .is_some_and(|b| String::from_utf8_lossy(b).contains("Aの記録"))
                })
            })
            .unwrap();
        let op = seg
            .ops
            .iter_mut()
            .find(|o| {
                o.body
                    .as_ref()
                    .is_some_and(|b| String::from_utf8_lossy(b).contains("Aの記録"))
            })
            .unwrap();
        let text = String::from_utf8(op.body.clone().unwrap())
            .unwrap()
            .replace("Aの記録", "Bの改ざん");
        op.body = Some(text.into_bytes());
    })
    .unwrap();
    let err = deliver(&mut c.vault, &forged).unwrap_err();
    assert_eq!(
        err.code(),
        "bundle.segment",
        "a relay cannot alter another agency's record: {err}"
    );
}
