//! Consent per person (本人同意): who consented (or their proxy), for what purpose, to which
//! agencies, which kinds of information, from when to when, how and before whom — and a share
//! under consent covers only what the consent covers: locally, on import from a partner whose
//! modified build shares anyway, and again after the state is rebuilt from the log.

use kasane::{
    Basis, CaseUpdate, ConsentGiver, ConsentHow, ConsentPurpose, InfoKind, NewConsent, NewReferral, OpKind, Scope,
    Vault, parse_date,
};
use serde_json::json;
use uuid::Uuid;

use crate::support::*;

fn day(s: &str) -> kasane::Date {
    parse_date(s).unwrap()
}

/// The vault at `path` opened again on a PC whose clock reads `clock`.
fn unlock_with_clock(path: &std::path::Path, clock: kasane::FixedClock) -> Vault {
    kasane::VaultDir::open(path)
        .unwrap()
        .unlock(None, &pass(PASS), kasane::Ambient::fixed(clock, 1399))
        .expect("the vault opens again")
}

#[test]
fn a_consent_says_who_for_what_to_whom_which_information_and_until_when() {
    let mut t = new_vault(1301);
    let v = &mut t.vault;
    let b = v.add_agency("生活福祉課", Some("seikatsu-fukushi")).unwrap();
    let hh = household(v, "青木家", "鎌倉市大船1-2-3");
    let child = person(v, hh, "青木", "陽", "あおき", "よう", "2015-05-01", "長男");
    let base = consent(child, vec![b], "2026-11-01");
    let before = op_count(v);

    let refusals: Vec<(&str, NewConsent)> = vec![
        (
            "naming no agency",
            NewConsent {
                agencies: vec![],
                ..base.clone()
            },
        ),
        (
            "with no purpose",
            NewConsent {
                purposes: vec![],
                ..base.clone()
            },
        ),
        (
            "with no kind of information",
            NewConsent {
                kinds: vec![],
                ..base.clone()
            },
        ),
        (
            "ending before it starts",
            NewConsent {
                until: day("2026-10-31"),
                ..base.clone()
            },
        ),
        (
            "dated in the future",
            NewConsent {
                date: day("2026-12-01"),
                until: day("2027-12-01"),
                ..base.clone()
            },
        ),
        (
            "by a proxy without the proxy's name",
            NewConsent {
                given_by: ConsentGiver::LegalRepresentative,
                giver_relation: Some("母".into()),
                ..base.clone()
            },
        ),
        (
            "given verbally with no one who heard it",
            NewConsent {
                how: ConsentHow::Verbal,
                ..base.clone()
            },
        ),
    ];
    for (what, bad) in refusals {
        let e = v.add_consent(bad).expect_err(what);
        assert!(
            !e.message_ja().is_empty() && !e.code().is_empty(),
            "a consent {what} is refused with a message: {} ({})",
            e.message_ja(),
            e.code()
        );
    }
    assert_eq!(op_count(v), before, "a refused consent writes nothing");

    let k = v
        .add_consent(NewConsent {
            given_by: ConsentGiver::LegalRepresentative,
            giver_name: Some("青木 由美".into()),
            giver_relation: Some("母".into()),
            how: ConsentHow::Verbal,
            witness: Some("相談員 山田".into()),
            kinds: vec![InfoKind::Progress, InfoKind::Basic, InfoKind::Basic],
            ..base.clone()
        })
        .expect("a minor's consent given by the mother, heard by a worker");
    let got = v.consents_of(hh).unwrap().into_iter().find(|c| c.id == k).unwrap();
    assert_eq!(got.person, child, "the consent is about the child");
    assert_eq!(got.given_by, ConsentGiver::LegalRepresentative);
    assert_eq!(got.giver_name.as_deref(), Some("青木 由美"));
    assert_eq!(got.giver_relation.as_deref(), Some("母"));
    assert_eq!(got.witness.as_deref(), Some("相談員 山田"));
    assert_eq!(
        got.kinds,
        vec![InfoKind::Basic, InfoKind::Progress],
        "kinds are kept once each, in the form's order"
    );
    assert_eq!(got.until, Some(day("2027-11-01")));
    assert!(
        got.is_valid_on(day("2027-11-01")) && !got.is_valid_on(day("2027-11-02")),
        "in force to its last day"
    );
}

#[test]
fn a_share_under_consent_covers_only_what_the_consent_covers() {
    let mut t = new_vault(1302);
    let v = &mut t.vault;
    let b = v.add_agency("生活福祉課", Some("seikatsu-fukushi")).unwrap();
    let c = v.add_agency("地域包括支援センター", None).unwrap();
    let hh = household(v, "高橋家", "鎌倉市大町2-3-4");
    let mother = person(v, hh, "高橋", "ハル", "たかはし", "はる", "1940-02-03", "本人");
    let son = person(v, hh, "高橋", "一郎", "たかはし", "いちろう", "1975-06-07", "長男");
    let case_id = case(v, hh, "8050");
    v.update_case(
        case_id,
        CaseUpdate {
            key_person: Some(Some(mother)),
            ..CaseUpdate::default()
        },
    )
    .unwrap();

    // The son's consent does not speak for his mother, the case's 本人.
    v.add_consent(consent(son, vec![b, c], "2026-11-01")).unwrap();
    let e = v.share_case(case_id, b, Some(Basis::JusotekiShienKaigi)).unwrap_err();
    assert_eq!(e.code(), "share.consent", "{e}");
    assert!(
        e.message_ja().contains("本人"),
        "the refusal says whose consent is needed: {}",
        e.message_ja()
    );

    // Hers names B only, for referrals only, and leaves out the household's finances.
    let narrow = v
        .add_consent(NewConsent {
            purposes: vec![ConsentPurpose::Referral],
            kinds: vec![InfoKind::Basic, InfoKind::Health, InfoKind::Progress],
            ..consent(mother, vec![b], "2026-11-10")
        })
        .unwrap();
    let e = v.share_case(case_id, c, Some(Basis::Consent(narrow))).unwrap_err();
    assert!(
        e.message_ja().contains("地域包括支援センター"),
        "an agency the consent does not name is refused by name: {}",
        e.message_ja()
    );
    let e = v.share_case(case_id, b, Some(Basis::Consent(narrow))).unwrap_err();
    assert!(
        e.message_ja().contains("目的") && e.message_ja().contains("関係機関へのつなぎ"),
        "working together is not a purpose she agreed to: {}",
        e.message_ja()
    );
    let e = v
        .add_referral(NewReferral {
            case: case_id,
            to_agency: Some(b),
            to_resource: None,
            reason: "生活保護の相談".into(),
            consent: Some(narrow),
        })
        .unwrap_err();
    assert!(
        e.message_ja().contains("家計"),
        "a referral shares the whole case, finances included, which she left out: {}",
        e.message_ja()
    );
    assert!(v.shares_of(case_id).unwrap().is_empty(), "nothing refused was shared");

    // Her full consent, for a year: the share stands, names its purpose, and ends with the period.
    let full = v.add_consent(consent(mother, vec![b], "2026-11-20")).unwrap();
    v.share_case(case_id, b, Some(Basis::Consent(full))).expect("covered");
    let s = v.shares_of(case_id).unwrap();
    assert_eq!(s[0].purpose, Some(ConsentPurpose::CoordinatedSupport), "{s:?}");
    assert!(
        v.end_lapsed_shares().unwrap().ended.is_empty(),
        "in its period nothing ends"
    );
    let later = clock();
    later.set("2027-11-21T01:00:00Z".parse().unwrap());
    drop(t.vault);
    let mut v = unlock_with_clock(&t.path, later);
    let v = &mut v;
    let s = v.shares_of(case_id).unwrap();
    assert!(
        !s[0].active,
        "opened the day after the consent's last day, the vault ends the share resting on it: {s:?}"
    );
    assert!(
        s[0].removed_reason
            .as_deref()
            .is_some_and(|r| r.contains("同意期間の終了")),
        "{s:?}"
    );
    assert!(
        v.end_lapsed_shares().unwrap().ended.is_empty(),
        "nothing is left to end"
    );
    let e = v.share_case(case_id, b, Some(Basis::Consent(full))).unwrap_err();
    assert!(
        e.message_ja().contains("期間"),
        "a lapsed consent says so: {}",
        e.message_ja()
    );
}

#[test]
fn withdrawing_a_consent_ends_the_shares_on_it_and_keeps_the_record() {
    let mut t = new_vault(1303);
    let v = &mut t.vault;
    let b = v.add_agency("生活福祉課", Some("seikatsu-fukushi")).unwrap();
    let hh = household(v, "佐藤家", "鎌倉市腰越1-2-3");
    let p = person(v, hh, "佐藤", "花子", "さとう", "はなこ", "1960-01-01", "本人");
    let case_id = case(v, hh, "家計");
    let k = v.add_consent(consent(p, vec![b], "2026-11-01")).unwrap();
    v.share_case(case_id, b, Some(Basis::JusotekiShienKaigi)).unwrap();
    let ended = v.withdraw_consent(k, day("2026-11-25")).unwrap();
    assert_eq!(
        ended,
        vec![(case_id, b)],
        "the share under 重層的支援会議 rested on it alone"
    );
    let kept = v.consents_of(hh).unwrap();
    assert_eq!(
        kept[0].withdrawn,
        Some(day("2026-11-25")),
        "withdrawal is a date on the record"
    );
}

/// The person withdraws: the share resting on the consent ends, and the partner that received
/// the case — and sent nothing back since — is asked to purge it and does.
#[test]
fn a_withdrawal_reaches_the_partner_as_a_purge_request() {
    let mut l = agency_vault(1305, "福祉総務課", clock());
    let mut b = agency_vault(1306, "生活福祉課", clock());
    introduce(&mut l.vault, &mut b.vault, true);
    sync(&mut b.vault, &mut l.vault);
    let ba = agency_id(&b.vault);
    let hh = household(&mut l.vault, "佐藤家", "鎌倉市腰越1-2-3");
    let p = person(
        &mut l.vault,
        hh,
        "佐藤",
        "花子",
        "さとう",
        "はなこ",
        "1960-01-01",
        "本人",
    );
    let case_id = case(&mut l.vault, hh, "家計");
    let k = l.vault.add_consent(consent(p, vec![ba], "2026-11-01")).unwrap();
    l.vault.share_case(case_id, ba, Some(Basis::Consent(k))).unwrap();
    sync(&mut l.vault, &mut b.vault);
    assert!(b.vault.case_detail(case_id).is_ok(), "B was given the case");

    l.vault.withdraw_consent(k, day("2026-11-25")).unwrap();
    let s = sync(&mut l.vault, &mut b.vault);
    assert!(
        s.purged.contains(&format!("case:{case_id}")) && s.purged.contains(&format!("household:{hh}")),
        "B erases the case and the household it saw only through it: {s:?}"
    );
    assert!(b.vault.case_detail(case_id).is_err());
    assert!(
        b.vault.consents_of(hh).unwrap().is_empty(),
        "the consent went with the household"
    );
}

/// 生活福祉課 (P) leads a case and runs a modified build that shares under consent anyway;
/// 福祉総務課 (L) receives it.
struct Pair {
    l: TestVault,
    p: TestVault,
    case: Uuid,
    household: Uuid,
    person: Uuid,
}

fn pair() -> Pair {
    let mut l = agency_vault(1311, "福祉総務課", clock());
    let mut p = agency_vault(1312, "生活福祉課", clock());
    introduce(&mut l.vault, &mut p.vault, true);
    sync(&mut l.vault, &mut p.vault);
    let hh = household(&mut p.vault, "高橋家", "鎌倉市大町2-3-4");
    let person = person(
        &mut p.vault,
        hh,
        "高橋",
        "ハル",
        "たかはし",
        "はる",
        "1940-02-03",
        "本人",
    );
    let case = case(&mut p.vault, hh, "8050");
    Pair {
        l,
        p,
        case,
        household: hh,
        person,
    }
}

fn held_for(v: &Vault, why: &str) -> usize {
    kasane::testing::held_ops(v)
        .unwrap()
        .iter()
        .filter(|(_, w)| w == why)
        .count()
}

#[test]
fn a_partner_sharing_beyond_the_consent_gets_nothing_across_until_a_consent_covers_it() {
    let mut x = pair();
    let la = agency_id(&x.l.vault);
    // P records a consent for another agency only, then shares with L under 重層的支援会議
    // anyway.
    let other = x.p.vault.add_agency("民間の居場所", None).unwrap();
    let k =
        x.p.vault
            .add_consent(consent(x.person, vec![other], "2026-11-01"))
            .unwrap();
    forged_share(
        &mut x.p.vault,
        x.case,
        la,
        "jusoteki-shien-kaigi",
        Some("coordinated-support"),
    );
    let s = sync(&mut x.p.vault, &mut x.l.vault);
    assert!(
        s.held.get("consent-not-covering") == Some(&1),
        "the share no consent covers is held at L: {s:?}"
    );
    assert!(
        x.l.vault.case_detail(x.case).is_err(),
        "with the share held, nothing entitles L to the case"
    );
    assert_eq!(
        x.l.vault.consents_of(x.household).unwrap().len(),
        0,
        "nor to the household and its consents"
    );

    // P's build then rewrites that consent to name L: a consent's terms never change.
    kasane::testing::craft_op(
        &mut x.p.vault,
        Scope::Household(x.household),
        OpKind::Set,
        "consent",
        k,
        None,
        &mut |_| {},
        json!({"agencies": [other, la]}).to_string().into_bytes(),
    )
    .unwrap();
    let s = sync(&mut x.p.vault, &mut x.l.vault);
    assert_eq!(
        held_for(&x.l.vault, "consent-not-covering"),
        1,
        "still no consent covers it: {s:?}"
    );

    // The person consents to L, from today: the share that waited for it stands.
    x.p.vault
        .add_consent(consent(x.person, vec![la], "2026-11-25"))
        .unwrap();
    let s = sync(&mut x.p.vault, &mut x.l.vault);
    assert!(s.released >= 1, "what waited is released: {s:?}");
    assert_eq!(held_for(&x.l.vault, "consent-not-covering"), 0);
    assert_eq!(
        held_for(&x.l.vault, "consent-terms"),
        1,
        "the rewrite of the consent's agencies is held now the household is L's to see"
    );
    let kept = x.l.vault.consents_of(x.household).unwrap();
    assert_eq!(
        kept.iter().find(|c| c.id == k).map(|c| c.agencies.clone()),
        Some(vec![other]),
        "the consent reads as given"
    );
    assert!(x.l.vault.case_detail(x.case).is_ok(), "L now sees the case");
    let digest = x.l.vault.digest().unwrap();
    x.l.vault.rebuild_state().unwrap();
    assert_eq!(digest, x.l.vault.digest().unwrap(), "a rebuild judges the same");
}

#[test]
fn a_partner_naming_a_consent_that_does_not_cover_the_share_is_held_and_stays_held_on_rebuild() {
    let mut x = pair();
    let la = agency_id(&x.l.vault);
    // A consent for referrals only: P's build shares "for working together" on it.
    let k =
        x.p.vault
            .add_consent(NewConsent {
                purposes: vec![ConsentPurpose::Referral],
                ..consent(x.person, vec![la], "2026-11-01")
            })
            .unwrap();
    forged_share(
        &mut x.p.vault,
        x.case,
        la,
        &format!("consent:{k}"),
        Some("coordinated-support"),
    );
    let s = sync(&mut x.p.vault, &mut x.l.vault);
    assert_eq!(s.held.get("consent-not-covering"), Some(&1), "{s:?}");
    let digest = x.l.vault.digest().unwrap();
    x.l.vault.rebuild_state().unwrap();
    assert_eq!(digest, x.l.vault.digest().unwrap(), "a rebuild holds it too");
    assert!(x.l.vault.case_detail(x.case).is_err());

    // The same share under 支援会議 needs no consent (no roster kept yet): it stands.
    let mut y = pair();
    let la = agency_id(&y.l.vault);
    forged_share(&mut y.p.vault, y.case, la, "shien-kaigi", Some("coordinated-support"));
    let s = sync(&mut y.p.vault, &mut y.l.vault);
    assert!(!s.held.contains_key("consent-not-covering"), "{s:?}");
    assert!(
        y.l.vault.case_detail(y.case).is_ok(),
        "a share under a law needs no consent"
    );
}

/// Every time a case's records went to another agency, and every meeting that took it up, stays
/// on its ledger with its basis, purpose and end — a share ended and given again shows twice.
#[test]
fn the_disclosure_ledger_lists_every_share_and_meeting_with_its_basis_and_end() {
    let mut t = new_vault(1321);
    let v = &mut t.vault;
    let b = v.add_agency("生活福祉課", Some("seikatsu-fukushi")).unwrap();
    let c = v.add_agency("地域包括支援センター", None).unwrap();
    let hh = household(v, "高橋家", "鎌倉市大町2-3-4");
    let p = person(v, hh, "高橋", "ハル", "たかはし", "はる", "1940-02-03", "本人");
    let case_id = case(v, hh, "8050");
    assert!(v.disclosure_ledger(case_id).unwrap().is_empty(), "nothing given yet");

    v.share_case(case_id, b, Some(Basis::ShienKaigi)).unwrap();
    v.unshare_case(case_id, b, "支援の終了").unwrap();
    let k = v.add_consent(consent(p, vec![b, c], "2026-11-01")).unwrap();
    v.share_case(case_id, b, Some(Basis::Consent(k))).unwrap();
    let m = v
        .new_meeting(kasane::NewMeeting {
            kind: "shien-kaigi".into(),
            series: None,
            date: day("2026-12-10"),
            time: None,
            place: "本庁舎".into(),
            chair: None,
            attendees: vec![b, c],
        })
        .unwrap();
    v.add_to_agenda(m, case_id, None, vec![], None).unwrap();
    v.withdraw_consent(k, day("2026-11-25")).unwrap();

    let ledger = v.disclosure_ledger(case_id).unwrap();
    let to_b: Vec<_> = ledger
        .iter()
        .filter(|d| d.agency == b && d.what == kasane::DisclosureKind::CaseRecords)
        .collect();
    assert_eq!(to_b.len(), 2, "B was given the case twice: {ledger:#?}");
    assert_eq!(to_b[0].basis, "shien-kaigi");
    assert_eq!(
        to_b[0].until,
        Some(day("2026-11-25")),
        "the first share ended when removed"
    );
    assert_eq!(to_b[0].ended_reason.as_deref(), Some("支援の終了"));
    assert_eq!(to_b[1].basis, format!("consent:{k}"));
    assert_eq!(to_b[1].purpose, Some(ConsentPurpose::CoordinatedSupport));
    assert!(
        to_b[1].ended_reason.as_deref().is_some_and(|r| r.contains("同意撤回")),
        "the consent share ended with the withdrawal: {:?}",
        to_b[1]
    );
    let at_meeting: Vec<_> = ledger
        .iter()
        .filter(|d| d.meeting == Some(m) && d.what == kasane::DisclosureKind::Meeting)
        .collect();
    assert_eq!(at_meeting.len(), 2, "both invited agencies heard the case: {ledger:#?}");
    assert!(at_meeting.iter().all(|d| d.from == day("2026-12-10")));
    let to_c: Vec<_> = ledger
        .iter()
        .filter(|d| d.agency == c && d.what == kasane::DisclosureKind::CaseRecords)
        .collect();
    assert_eq!(to_c.len(), 1, "putting the case on the agenda shared it with C too");

    let html = v.print_disclosure_ledger(case_id, 1).unwrap();
    for part in [
        "情報提供の記録",
        "生活福祉課",
        "地域包括支援センター",
        "支援会議",
        "同意撤回",
        "取扱注意",
    ] {
        assert!(html.contains(part), "the printed ledger shows {part}");
    }
}
