//! A partner agency that runs a modified build and signs with its own real site key: every way it
//! was found to write what it may not (docs/threat-model.md) is reproduced here with ops crafted
//! in its own vault and carried in a bundle it really signed. Each op must be held — kept in the
//! log with its reason, never applied — and the recipient's records, digest and quarantine must be
//! what they were, on import and again after the state is rebuilt from the log.

use kasane::{Basis, CaseUpdate, Kind, OpKind, Scope, Vault};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::*;

/// 福祉総務課 (L) leads a shared case and a case it shares with nobody; 生活福祉課 (P, the hostile
/// partner) is shared the first; 高齢者いきいき課 (T) is a third agency both know.
struct City {
    l: TestVault,
    p: TestVault,
    t: TestVault,
    household: Uuid,
    case: Uuid,
    note: Uuid,
    secret_household: Uuid,
    secret_case: Uuid,
}

fn city() -> City {
    let mut l = agency_vault(301, "福祉総務課", clock());
    let mut p = agency_vault(302, "生活福祉課", clock());
    let mut t = agency_vault(303, "高齢者いきいき課", clock());
    introduce(&mut l.vault, &mut p.vault, true);
    introduce(&mut l.vault, &mut t.vault, true);
    introduce(&mut p.vault, &mut t.vault, true);
    let household = household(&mut l.vault, "高橋家", "鎌倉市大町2-3-4");
    person(
        &mut l.vault,
        household,
        "高橋",
        "ハル",
        "タカハシ",
        "ハル",
        "S15",
        "本人",
    );
    let case = case(&mut l.vault, household, "8050");
    let note = l.vault.add_note(visit_note(case, "共有される経過")).unwrap();
    let secret_household = crate::support::household(&mut l.vault, "秘密家", "鎌倉市小町1-1-1");
    person(
        &mut l.vault,
        secret_household,
        "秘密",
        "花子",
        "ヒミツ",
        "ハナコ",
        "1960",
        "本人",
    );
    let secret_case = crate::support::case(&mut l.vault, secret_household, "共有していないケース");
    l.vault.add_note(visit_note(secret_case, "非共有の経過")).unwrap();
    let p_agency = p.vault.identity().agency;
    l.vault.share_case(case, p_agency, Some(Basis::ShienKaigi)).unwrap();
    sync(&mut l.vault, &mut p.vault);
    City {
        l,
        p,
        t,
        household,
        case,
        note,
        secret_household,
        secret_case,
    }
}

/// Writes one crafted op in the hostile vault: its body is `fields` as JSON.
fn craft(v: &mut Vault, scope: Scope, kind: OpKind, etype: &str, entity: Uuid, parent: Option<Uuid>, fields: Value) {
    kasane::testing::craft_op(
        v,
        scope,
        kind,
        etype,
        entity,
        parent,
        &mut |_| {},
        fields.to_string().into_bytes(),
    )
    .expect("a modified build can write any op into its own log");
}

/// The id the hostile site's next create in `scope` derives, as an honest create would have.
fn next_id(v: &Vault, scope: Scope) -> Uuid {
    let seq = kasane::testing::next_seq(v, scope).unwrap();
    kasane::testing::record_id(scope, v.identity().site, seq)
}

/// Delivers everything P has for L and returns the summary; L's digest of the scopes that
/// matter must be unchanged, and stays so after a rebuild from the log.
fn deliver_and_check_untouched(c: &mut City, scopes: &[Scope]) -> kasane::ImportSummary {
    let before = c.l.vault.digest().unwrap();
    let s = sync(&mut c.p.vault, &mut c.l.vault);
    let after = c.l.vault.digest().unwrap();
    for scope in scopes {
        let k = scope.to_string();
        assert_eq!(
            before.get(&k),
            after.get(&k),
            "{k} must be exactly as before the hostile bundle: {s:?}"
        );
    }
    c.l.vault.rebuild_state().unwrap();
    assert_eq!(
        after,
        c.l.vault.digest().unwrap(),
        "rebuilding from the log judges the partner's ops as import did: nothing held comes back"
    );
    s
}

fn held_total(s: &kasane::ImportSummary) -> usize {
    s.held.values().sum()
}

fn quarantined_ops(v: &Vault) -> usize {
    v.quarantine()
        .unwrap()
        .iter()
        .filter(|e| e.kind == "ops")
        .map(|e| e.count)
        .sum()
}

#[test]
fn a_share_written_from_its_own_directory_gets_the_partner_nothing() {
    let mut c = city();
    let p = c.p.vault.identity();
    let scope = Scope::Directory;
    let id = next_id(&c.p.vault, scope);
    craft(
        &mut c.p.vault,
        scope,
        OpKind::Create,
        "share",
        id,
        Some(c.secret_case),
        json!({"agency": p.agency, "basis": "shien-kaigi", "active": true, "since": "2026-11-25"}),
    );
    // And the same share written straight into the case it was never given.
    let share = kasane::testing::share_id(c.secret_case, p.agency);
    craft(
        &mut c.p.vault,
        Scope::Case(c.secret_case),
        OpKind::Create,
        "share",
        share,
        Some(c.secret_case),
        json!({"agency": p.agency, "basis": "shien-kaigi", "active": true, "since": "2026-11-25"}),
    );
    // P's own export would never carry a case it does not hold; its modified build pushes it in.
    let bytes = bundle_for(&mut c.p.vault, &c.l.vault, false);
    let pushed = kasane::testing::own_series_segment(&c.p.vault, Scope::Case(c.secret_case))
        .unwrap()
        .expect("P's series in the secret case");
    let crafted = kasane::testing::reseal(&c.p.vault, &c.l.vault, &bytes, &mut |parts| {
        parts.segments.push(pushed.clone());
        let mut m: Value = serde_json::from_slice(&parts.manifest_bytes).unwrap();
        m["segments"] = json!(parts.segments.len());
        parts.manifest_bytes = serde_json::to_vec(&m).unwrap();
        parts.resign_manifest = true;
    })
    .unwrap();
    let before = c.l.vault.digest().unwrap();
    let s = deliver(&mut c.l.vault, &crafted).expect("the bundle itself verifies");
    let after = c.l.vault.digest().unwrap();
    for scope in [Scope::Case(c.secret_case), Scope::Household(c.secret_household)] {
        let k = scope.to_string();
        assert_eq!(before.get(&k), after.get(&k), "{k} is exactly as it was: {s:?}");
    }
    c.l.vault.rebuild_state().unwrap();
    assert_eq!(
        after,
        c.l.vault.digest().unwrap(),
        "and stays so when rebuilt from the log"
    );
    assert_eq!(
        s.held.get("wrong-scope"),
        Some(&1),
        "a share does not live in the directory: {s:?}"
    );
    assert_eq!(s.held.get("not-lead"), Some(&1), "only the lead shares its case: {s:?}");
    assert!(
        c.l.vault.shares_of(c.secret_case).unwrap().is_empty(),
        "the secret case is shared with nobody"
    );
    let preview = c.l.vault.export_preview(p.agency, false).unwrap();
    assert!(
        preview.cases.iter().all(|pc| pc.case != c.secret_case),
        "the lead's next export must not carry the case it never shared: {preview:?}"
    );
    sync(&mut c.l.vault, &mut c.p.vault);
    assert!(
        c.p.vault.case_detail(c.secret_case).is_err(),
        "the partner still has no copy of the secret case (notes, address)"
    );
    assert!(c.p.vault.household(c.secret_household).is_err(), "nor of its household");
    assert_eq!(
        quarantined_ops(&c.l.vault),
        2,
        "both ops are kept and shown in quarantine"
    );
}

#[test]
fn the_lead_cannot_be_taken_from_a_household_scope_nor_the_case_purged_by_the_partner() {
    let mut c = city();
    let p = c.p.vault.identity();
    craft(
        &mut c.p.vault,
        Scope::Household(c.household),
        OpKind::Set,
        "case",
        c.case,
        None,
        json!({"lead_agency": p.agency}),
    );
    craft(
        &mut c.p.vault,
        Scope::Case(c.case),
        OpKind::Set,
        "case",
        c.case,
        None,
        json!({"lead_agency": p.agency}),
    );
    let scopes = [Scope::Case(c.case), Scope::Household(c.household)];
    let s = deliver_and_check_untouched(&mut c, &scopes);
    assert_eq!(
        s.held.get("wrong-scope"),
        Some(&1),
        "a case is not written in a household scope: {s:?}"
    );
    assert_eq!(
        s.held.get("not-lead"),
        Some(&1),
        "only the lead hands over the lead: {s:?}"
    );
    let l = c.l.vault.identity();
    assert_eq!(c.l.vault.case_detail(c.case).unwrap().case.lead_agency, l.agency);

    // Now a purge request, signed by P, for the case and household L leads.
    let bytes = bundle_for(&mut c.p.vault, &c.l.vault, true);
    let (case, household) = (c.case, c.household);
    let crafted = kasane::testing::reseal(&c.p.vault, &c.l.vault, &bytes, &mut |parts| {
        let mut m: Value = serde_json::from_slice(&parts.manifest_bytes).unwrap();
        m["purge"] = json!([
            {"scope": format!("case:{case}"), "reason": "同意撤回"},
            {"scope": format!("household:{household}"), "reason": "同意撤回"},
        ]);
        parts.manifest_bytes = serde_json::to_vec(&m).unwrap();
        parts.resign_manifest = true;
    })
    .unwrap();
    let before = c.l.vault.digest().unwrap();
    let s = deliver(&mut c.l.vault, &crafted).expect("a signed bundle from a verified partner opens");
    assert!(
        s.purged.is_empty(),
        "nothing the lead leads is purged at a partner's request: {s:?}"
    );
    assert_eq!(before, c.l.vault.digest().unwrap(), "every record is as it was");
    assert_eq!(
        c.l.vault.notes_of(c.case).unwrap().len(),
        1,
        "the lead's own note keeps its body"
    );
}

#[test]
fn a_partner_can_neither_revoke_a_third_agencys_site_nor_block_its_own_revocation() {
    let mut c = city();
    let (p, t, l) = (c.p.vault.identity(), c.t.vault.identity(), c.l.vault.identity());
    // T's site "revoked", written in a case scope and in P's directory series.
    craft(
        &mut c.p.vault,
        Scope::Case(c.case),
        OpKind::Create,
        "site",
        t.site,
        Some(p.agency),
        json!({"name": "x", "agency": t.agency, "revoked": true}),
    );
    craft(
        &mut c.p.vault,
        Scope::Directory,
        OpKind::Create,
        "site",
        t.site,
        Some(p.agency),
        json!({"name": "x", "agency": p.agency, "revoked": true}),
    );
    // Records of other types under L's agency id, which once broke `site revoke`, `sites`,
    // `quarantine` and `card export` at L.
    craft(
        &mut c.p.vault,
        Scope::Directory,
        OpKind::Create,
        "worker",
        l.agency,
        Some(p.agency),
        json!({"name": "なりすまし", "agency": p.agency}),
    );
    craft(
        &mut c.p.vault,
        Scope::Case(c.case),
        OpKind::Create,
        "note",
        l.agency,
        Some(c.case),
        json!({"case": c.case, "date": "2026-11-25", "kind": "visit", "agency": p.agency, "worker": p.worker, "text": "x"}),
    );
    // (P's own directory entries arrive in this bundle too, so only the case is compared whole.)
    let scopes = [Scope::Case(c.case)];
    let s = deliver_and_check_untouched(&mut c, &scopes);
    assert_eq!(held_total(&s), 4, "all four are held: {s:?}");
    assert!(
        s.held.contains_key("wrong-scope") && s.held.contains_key("forged-id"),
        "{s:?}"
    );
    let sites = c.l.vault.sites().expect("the site list still reads");
    let t_site = sites.iter().find(|x| x.site == t.site).expect("T's site is known");
    assert!(!t_site.revoked, "only T's own agency revokes T's site");
    c.l.vault.my_card().expect("L can still export its card");
    c.l.vault.quarantine().expect("the quarantine still reads");
    let revoked = c.l.vault.revoke_site(p.site).expect("L can revoke P's site");
    assert!(revoked.revoked);
    // A bundle from T is still accepted at L.
    let tn = crate::support::household(&mut c.t.vault, "鈴木家", "鎌倉市岩瀬1-2-3");
    let _ = tn;
    sync(&mut c.t.vault, &mut c.l.vault);
}

#[test]
fn notes_and_finalised_meetings_change_only_as_their_authors_allow() {
    let mut c = city();
    let (p, l) = (c.p.vault.identity(), c.l.vault.identity());
    // A meeting L coordinates with P attending, finalised.
    let meeting =
        c.l.vault
            .new_meeting(kasane::NewMeeting {
                kind: "shien-kaigi".into(),
                series: None,
                date: "2026-11-25".parse().unwrap(),
                time: Some("14:00".into()),
                place: "本庁舎".into(),
                chair: None,
                attendees: vec![p.agency],
            })
            .unwrap();
    let item =
        c.l.vault
            .add_to_agenda(meeting, c.case, Some(20), vec!["added".into()], None)
            .unwrap();
    c.l.vault
        .record_item(
            meeting,
            c.case,
            kasane::ItemRecord {
                lasting: None,
                discussion: Some("長男の状況を共有した".into()),
                decisions: vec!["家計相談につなぐ".into()],
                next_review: Some("2027-01-20".parse().unwrap()),
                actions: vec![],
            },
        )
        .unwrap();
    c.l.vault.finalise_meeting(meeting).unwrap();
    sync(&mut c.l.vault, &mut c.p.vault);

    // P rewrites L's note, writes a note in L's name, and rewrites the finalised record — in
    // the meeting's scope and from the case it was shared.
    // (L's note lives in the case's progress scope, where shared contact-log entries are kept.)
    craft(
        &mut c.p.vault,
        Scope::Progress(c.case),
        OpKind::Set,
        "note",
        c.note,
        None,
        json!({"text": "改ざんした経過"}),
    );
    let id = next_id(&c.p.vault, Scope::Case(c.case));
    craft(
        &mut c.p.vault,
        Scope::Case(c.case),
        OpKind::Create,
        "note",
        id,
        Some(c.case),
        json!({"case": c.case, "date": "2026-11-25", "kind": "visit", "agency": l.agency, "worker": l.worker, "text": "主担当を名乗る経過"}),
    );
    let edit = json!({"discussion": "書き換えた議事", "decisions": ["なし"]});
    craft(
        &mut c.p.vault,
        Scope::Conference(meeting),
        OpKind::Set,
        "agenda-item",
        item,
        None,
        edit.clone(),
    );
    craft(
        &mut c.p.vault,
        Scope::Case(c.case),
        OpKind::Set,
        "agenda-item",
        item,
        None,
        edit,
    );
    let scopes = [Scope::Case(c.case), Scope::Progress(c.case), Scope::Conference(meeting)];
    let s = deliver_and_check_untouched(&mut c, &scopes);
    assert_eq!(
        s.held.get("not-author"),
        Some(&1),
        "only the author agency changes its note: {s:?}"
    );
    assert_eq!(
        s.held.get("not-signer"),
        Some(&1),
        "a note's agency and worker are its signer's: {s:?}"
    );
    assert!(
        s.held.contains_key("finalised"),
        "a finalised record changes only through corrections: {s:?}"
    );
    assert_eq!(
        s.held.get("wrong-scope"),
        Some(&1),
        "an agenda item is not written in a case: {s:?}"
    );
    let notes = c.l.vault.notes_of(c.case).unwrap();
    assert_eq!(notes.len(), 1, "no note in the lead's name appeared");
    assert_eq!(
        notes[0].text, "共有される経過",
        "the lead's note is as the lead wrote it"
    );
    let d = c.l.vault.meeting_detail(meeting).unwrap();
    assert_eq!(d.agenda[0].item.discussion.as_deref(), Some("長男の状況を共有した"));
}

#[test]
fn a_non_lead_cannot_hand_the_lead_to_itself_with_the_ordinary_commands() {
    let mut c = city();
    let p = c.p.vault.identity();
    let e =
        c.p.vault
            .update_case(
                c.case,
                CaseUpdate {
                    lead_agency: Some(p.agency),
                    ..Default::default()
                },
            )
            .expect_err("a partner's own vault refuses to make it lead");
    assert_eq!(e.kind(), Kind::Refused, "{e}");
    assert_eq!(e.code(), "share.not-lead", "{e}");
}

#[test]
fn one_unreadable_field_is_held_on_import_and_never_breaks_a_list() {
    let mut c = city();
    craft(
        &mut c.p.vault,
        Scope::Case(c.case),
        OpKind::Set,
        "case",
        c.case,
        None,
        json!({"status": 12345}),
    );
    // A poison body: valid signatures, contents that are not a record at all.
    let id = next_id(&c.p.vault, Scope::Case(c.case));
    kasane::testing::craft_op(
        &mut c.p.vault,
        Scope::Case(c.case),
        OpKind::Create,
        "note",
        id,
        Some(c.case),
        &mut |_| {},
        b"\xff not json".to_vec(),
    )
    .unwrap();
    let scopes = [Scope::Case(c.case)];
    let s = deliver_and_check_untouched(&mut c, &scopes);
    assert_eq!(
        s.held.get("bad-field"),
        Some(&1),
        "a status must read as a status: {s:?}"
    );
    assert_eq!(
        s.held.get("bad-body"),
        Some(&1),
        "a body that is not a record is held: {s:?}"
    );
    assert_eq!(s.status, kasane::ImportStatus::Applied, "the bundle itself lands");
    assert!(
        c.l.vault.process_inbox().unwrap().is_empty(),
        "nothing is left in the inbox to retry at the next unlock"
    );
    // The same damage made locally (as an older build could have applied it) is left out of
    // lists and reported, never breaking them.
    kasane::testing::raw_set(&mut c.l.vault, c.case, json!({"status": 12345})).unwrap();
    c.l.vault
        .cases(&kasane::CaseFilter {
            include_closed: true,
            ..Default::default()
        })
        .expect("the case list still reads");
    c.l.vault
        .households(&kasane::HouseholdFilter::default())
        .expect("the household list still reads");
    c.l.vault.ledger(&Default::default()).expect("the ledger still reads");
    let bad = c.l.vault.unreadable_records().unwrap();
    assert_eq!(bad.len(), 1, "the damaged case is reported: {bad:?}");
    assert_eq!(bad[0].id, c.case);
}

#[test]
fn a_scope_nothing_entitles_the_recipient_to_is_held() {
    let mut c = city();
    let (l, t) = (c.l.vault.identity(), c.t.vault.identity());
    // P opens a case of its own and shares it with L only.
    let hh = crate::support::household(&mut c.p.vault, "佐藤家", "鎌倉市腰越1-2-3");
    let pc = crate::support::case(&mut c.p.vault, hh, "Pのケース");
    c.p.vault.share_case(pc, l.agency, Some(Basis::ShienKaigi)).unwrap();
    let to_l = bundle_for(&mut c.p.vault, &c.l.vault, true);
    // The segments of that case, signed by P, pushed into a bundle for T.
    let mut case_segments = Vec::new();
    kasane::testing::reseal(&c.p.vault, &c.l.vault, &to_l, &mut |parts| {
        case_segments = parts.segments.clone();
    })
    .unwrap();
    let to_t = bundle_for(&mut c.p.vault, &c.t.vault, true);
    let crafted = kasane::testing::reseal(&c.p.vault, &c.t.vault, &to_t, &mut |parts| {
        let known: Vec<Vec<u8>> = parts.segments.iter().map(|s| s.statement.clone()).collect();
        for s in &case_segments {
            if !known.contains(&s.statement) {
                parts.segments.push(s.clone());
            }
        }
        let mut m: Value = serde_json::from_slice(&parts.manifest_bytes).unwrap();
        m["segments"] = json!(parts.segments.len());
        parts.manifest_bytes = serde_json::to_vec(&m).unwrap();
        parts.resign_manifest = true;
    })
    .unwrap();
    let s = deliver(&mut c.t.vault, &crafted).expect("the bundle itself verifies");
    assert!(
        s.held.get("not-entitled").is_some_and(|n| *n > 0),
        "T was given no part in P's case: {s:?}"
    );
    assert!(c.t.vault.case_detail(pc).is_err(), "the case is not applied at T");
    assert!(c.t.vault.household(hh).is_err(), "nor its household");
    let _ = t;
}

/// Writes, in P's vault, a case of P's own (a valid opening: P names itself lead, the id is
/// derived from the op) in `household`, shared with `with`. Returns the case id.
fn open_case_in(v: &mut Vault, household: Uuid, title: &str, with: Uuid) -> Uuid {
    let me = v.identity();
    let op = Uuid::from_u128(0x0196_0000_0000_7000_8000_0000_0000_0000 | u128::from(title.len() as u32));
    let case = kasane::testing::root_id("case", me.site, op);
    let fields = json!({"household": household, "title": title, "status": "intake", "lead_agency": me.agency, "problems": [], "opened": "2026-11-25"});
    kasane::testing::craft_op(
        v,
        Scope::Case(case),
        OpKind::Create,
        "case",
        case,
        Some(household),
        &mut |h| h["id"] = json!(op),
        fields.to_string().into_bytes(),
    )
    .unwrap();
    craft(
        v,
        Scope::Case(case),
        OpKind::Create,
        "share",
        kasane::testing::share_id(case, with),
        Some(case),
        json!({"agency": with, "basis": "shien-kaigi", "active": true, "since": "2026-11-25"}),
    );
    case
}

#[test]
fn a_case_opened_in_a_household_the_partner_was_never_given_does_not_carry_it_there() {
    let mut c = city();
    let l = c.l.vault.identity();
    // In the household it sees through the shared case, P may open a case of its own …
    let own = open_case_in(&mut c.p.vault, c.household, "生活困窮の相談", l.agency);
    // … but not in the secret household, which would make L export that household to P.
    let grabbed = open_case_in(&mut c.p.vault, c.secret_household, "乗っ取り", l.agency);
    let bytes = bundle_for(&mut c.p.vault, &c.l.vault, false);
    let pushed: Vec<_> = [own, grabbed]
        .into_iter()
        .map(|k| {
            kasane::testing::own_series_segment(&c.p.vault, Scope::Case(k))
                .unwrap()
                .unwrap()
        })
        .collect();
    let crafted = kasane::testing::reseal(&c.p.vault, &c.l.vault, &bytes, &mut |parts| {
        parts.segments.extend(pushed.iter().cloned());
        let mut m: Value = serde_json::from_slice(&parts.manifest_bytes).unwrap();
        m["segments"] = json!(parts.segments.len());
        parts.manifest_bytes = serde_json::to_vec(&m).unwrap();
        parts.resign_manifest = true;
    })
    .unwrap();
    let before = c.l.vault.digest().unwrap();
    let s = deliver(&mut c.l.vault, &crafted).expect("the bundle itself verifies");
    let after = c.l.vault.digest().unwrap();
    for scope in [Scope::Household(c.secret_household), Scope::Case(c.secret_case)] {
        let k = scope.to_string();
        assert_eq!(before.get(&k), after.get(&k), "{k} is exactly as it was: {s:?}");
    }
    assert_eq!(
        s.held.get("household-not-shared"),
        Some(&2),
        "a case in a household P was never given is held, with its share: {s:?}"
    );
    assert!(
        c.l.vault.case_detail(own).is_ok(),
        "P's case in the household it shares is applied at L"
    );
    assert!(c.l.vault.case_detail(grabbed).is_err(), "the other is not");
    c.l.vault.rebuild_state().unwrap();
    assert_eq!(
        after,
        c.l.vault.digest().unwrap(),
        "rebuilding from the log judges them alike"
    );
    let preview = c.l.vault.export_preview(c.p.vault.identity().agency, false).unwrap();
    sync(&mut c.l.vault, &mut c.p.vault);
    assert!(
        c.p.vault.household(c.secret_household).is_err(),
        "L's next export still carries no trace of the secret household to P: {preview:?}"
    );
}

#[test]
fn an_op_reusing_the_id_of_another_is_kept_apart_and_the_rest_of_the_file_lands() {
    let mut c = city();
    // An op L holds that P never saw (from the case L shares with nobody).
    let taken =
        c.l.vault
            .ops()
            .unwrap()
            .into_iter()
            .find(|o| o.header.scope == Scope::Case(c.secret_case))
            .unwrap()
            .header
            .id;
    // An honest note, then an op that reuses the id of that op, in another series.
    c.p.vault.add_note(visit_note(c.case, "生活福祉課の経過")).unwrap();
    let id = next_id(&c.p.vault, Scope::Directory);
    let body = json!({"name": "地域の居場所", "kind": "居場所"})
        .to_string()
        .into_bytes();
    kasane::testing::craft_op(
        &mut c.p.vault,
        Scope::Directory,
        OpKind::Create,
        "resource",
        id,
        None,
        &mut |h| h["id"] = json!(taken),
        body,
    )
    .unwrap();
    let s = sync(&mut c.p.vault, &mut c.l.vault);
    assert_eq!(s.status, kasane::ImportStatus::Applied, "the file lands: {s:?}");
    assert_eq!(
        s.quarantined.get("op-id-reused"),
        Some(&1),
        "the series with the reused id is kept apart: {s:?}"
    );
    assert!(
        c.l.vault
            .notes_of(c.case)
            .unwrap()
            .iter()
            .any(|n| n.text == "生活福祉課の経過"),
        "the partner's honest note in the same file is applied"
    );
    assert!(
        c.l.vault
            .audit_trail()
            .unwrap()
            .iter()
            .any(|e| e.action == "alert.op-id-reused"),
        "and the lead is alerted"
    );
}

#[test]
fn an_entry_written_for_a_site_before_its_card_arrived_is_judged_again_when_it_does() {
    let mut l = agency_vault(311, "福祉総務課", clock());
    let mut p = agency_vault(312, "生活福祉課", clock());
    let mut t = agency_vault(313, "高齢者いきいき課", clock());
    introduce(&mut l.vault, &mut p.vault, true);
    let (pid, tid) = (p.vault.identity(), t.vault.identity());
    // P writes T's site as one of its own, revoked, before L has ever heard of T.
    craft(
        &mut p.vault,
        Scope::Directory,
        OpKind::Create,
        "site",
        tid.site,
        Some(pid.agency),
        json!({"name": "x", "agency": pid.agency, "revoked": true}),
    );
    let s = sync(&mut p.vault, &mut l.vault);
    assert!(s.held.is_empty(), "nothing says yet whose site it is: {s:?}");
    // Now L meets T: T's card says the site is T's.
    introduce(&mut l.vault, &mut t.vault, true);
    let held = kasane::testing::held_ops(&l.vault).unwrap();
    assert_eq!(
        held.len(),
        1,
        "the entry P wrote for T's site is held once the card says whose it is: {held:?}"
    );
    assert_eq!(held[0].1, "forged-id");
    let info = l
        .vault
        .sites()
        .unwrap()
        .into_iter()
        .find(|x| x.site == tid.site)
        .unwrap();
    assert!(!info.revoked, "P cannot revoke T's site");
    let hh = crate::support::household(&mut t.vault, "鈴木家", "鎌倉市岩瀬1-2-3");
    let _ = hh;
    let s = sync(&mut t.vault, &mut l.vault);
    assert_eq!(s.status, kasane::ImportStatus::Applied, "T's bundles are accepted at L");
}
