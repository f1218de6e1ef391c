//! Who a partner is: member cards (format 2, whose check number covers the agency a card claims)
//! against a partner agency's modified build, the join of a second PC of one's own agency, and
//! agency names used as targets when another agency has renamed its entry after them.

use std::path::Path;

use kasane::{Kind, Vault, testing};
use serde_json::json;

use crate::support::*;

#[test]
fn a_card_claiming_this_vault_s_own_agency_is_refused() {
    let mut b = agency_vault(700, "生活福祉課", clock());
    let p = agency_vault(701, "子ども家庭課", clock());
    let b_agency = agency_id(&b.vault);
    // P's modified build signs a card saying P's PC belongs to B's agency.
    let forged = testing::forged_card(&p.vault, &mut |c| {
        c.agency = b_agency;
        c.agency_name = "生活福祉課".into();
    })
    .unwrap();
    let (_, fp) = kasane::parse_card(&forged).expect("the forged card is well signed");
    let err = b.vault.import_card(&forged).unwrap_err();
    assert_eq!(err.code(), "card.own-agency", "{err}");
    assert_eq!(err.kind(), Kind::Refused);
    assert!(
        err.to_string().contains("--own-pc"),
        "the message says how a PC of this agency is imported: {err}"
    );
    assert!(
        b.vault.sites().unwrap().iter().all(|s| s.fingerprint != fp),
        "nothing of the card was stored"
    );
    // Under the real card, P's check number is another one: the phone check catches the claim.
    let (genuine, genuine_fp) = p.vault.my_card().map(|(t, i)| (t, i.fingerprint)).unwrap();
    assert_ne!(
        fp, genuine_fp,
        "a card claiming another agency cannot show the check number of the partner's real card"
    );
    let info = b.vault.import_card(&genuine).unwrap();
    assert_eq!(info.fingerprint, genuine_fp);
}

#[test]
fn a_card_claiming_a_third_agency_does_not_pass_the_phone_check() {
    let mut b = agency_vault(705, "生活福祉課", clock());
    let c = agency_vault(706, "高齢者いきいき課", clock());
    let p = agency_vault(707, "子ども家庭課", clock());
    let (card_c, _) = c.vault.my_card().unwrap();
    b.vault.import_card(&card_c).unwrap();
    // P claims to be a PC of C. B phones P, which reads out the number of its real card.
    let forged = testing::forged_card(&p.vault, &mut |card| {
        card.agency = agency_id(&c.vault);
        card.agency_name = "高齢者いきいき課".into();
    })
    .unwrap();
    let info = b.vault.import_card(&forged).unwrap();
    let (_, real) = p.vault.my_card().unwrap();
    let err = b.vault.verify_card(info.site, &real.fingerprint).unwrap_err();
    assert_eq!(
        err.code(),
        "card.fingerprint-mismatch",
        "the check number covers the agency a card claims, so the real card's number does not match"
    );
}

#[test]
fn a_pc_of_one_s_own_agency_is_imported_as_such_and_a_partner_s_is_not() {
    let mut a1 = agency_vault(710, "福祉総務課", clock());
    let mut b = agency_vault(711, "生活福祉課", clock());
    let (card_a1, _) = a1.vault.my_card().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut s = setup("");
    s.site = "福祉総務課-PC2".into();
    s.join = Some(card_a1.clone());
    let (mut a2, _) = Vault::create(&dir.path().join("a2"), s, ambient(712)).expect("joining works");
    assert_eq!(agency_id(&a2), agency_id(&a1.vault));
    let (card_a2, _) = a2.my_card().unwrap();
    let err = a1.vault.import_card(&card_a2).unwrap_err();
    assert_eq!(
        err.code(),
        "card.own-agency",
        "a plain import of a card of this agency is refused: {err}"
    );
    let info = a1
        .vault
        .import_own_pc_card(&card_a2)
        .expect("imported as a PC of this agency");
    assert_eq!(info.agency, agency_id(&a1.vault));
    let (card_b, _) = b.vault.my_card().unwrap();
    let err = a1.vault.import_own_pc_card(&card_b).unwrap_err();
    assert_eq!(err.code(), "card.not-own-agency", "{err}");
    assert!(
        a2.import_card(&card_a1).is_err(),
        "once set up, the joined PC too imports its agency's cards only as such"
    );
    b.vault
        .import_card(&card_a2)
        .expect("a partner imports the new PC's card as usual");
}

#[test]
fn a_card_renamed_by_its_agency_must_be_compared_again() {
    let mut a = agency_vault(715, "福祉総務課", clock());
    let mut b = agency_vault(716, "生活福祉課", clock());
    introduce(&mut a.vault, &mut b.vault, true);
    let a_agency = agency_id(&a.vault);
    testing::raw_set(&mut a.vault, a_agency, json!({"name": "福祉政策課"})).unwrap();
    let (renamed, info) = a.vault.my_card().unwrap();
    let before = b.vault.site_info(info.site).unwrap();
    assert!(before.verified);
    let after = b.vault.import_card(&renamed).unwrap();
    assert_ne!(
        after.fingerprint, before.fingerprint,
        "the agency name is in the check number"
    );
    assert!(
        !after.verified,
        "a card under a new agency name is unverified until its number is compared again"
    );
    assert_eq!(after.agency_name, "福祉政策課");
    let again = b.vault.verify_card(info.site, &info.fingerprint).unwrap();
    assert!(again.verified);
}

#[test]
fn version_one_cards_are_refused_with_a_request_for_a_new_file() {
    let mut b = agency_vault(720, "生活福祉課", clock());
    let v1 = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/card-v1.txt")).unwrap();
    let err = b.vault.import_card(&v1).unwrap_err();
    assert_eq!(err.code(), "card.outdated", "{err}");
    assert_eq!(err.kind(), Kind::BadInput);
    assert!(err.to_string().contains("ask the partner for a new file"), "{err}");
}

#[test]
fn a_name_two_agencies_answer_to_is_refused_with_the_candidates() {
    let w = squatted(730, "生活福祉課", "生活福祉課");
    let (b_agency, p_agency) = (agency_id(&w.b.vault), agency_id(&w.p.vault));
    let err = w.a.vault.find_agency("生活福祉課").unwrap_err();
    assert_eq!(err.code(), "input.ambiguous-agency", "{err}");
    assert_eq!(err.kind(), Kind::BadInput);
    let msg = err.to_string();
    for needle in [
        b_agency.to_string(),
        p_agency.to_string(),
        "生活福祉課-PC".into(),
        "子ども家庭課-PC".into(),
        "its check file names it 子ども家庭課".into(),
    ] {
        assert!(msg.contains(&needle), "the candidates are listed with {needle}: {msg}");
    }
    assert!(msg.contains("by its id"), "the message says how to choose: {msg}");
    let ja = kasane::Error::from(err).message("ja");
    assert!(ja.contains("複数") && ja.contains(&b_agency.to_string()), "{ja}");
    assert_eq!(
        w.a.vault.find_agency(&b_agency.to_string()).unwrap().id,
        b_agency,
        "by id it is plain"
    );
    assert_eq!(
        w.a.vault.find_agency("子ども家庭課").unwrap().id,
        p_agency,
        "the name on P's card still names P alone"
    );
}

#[test]
fn names_are_compared_after_japanese_folding() {
    let w = squatted(740, "高齢者いきいき課", "髙齢者イキイキ課");
    let err = w.a.vault.find_agency("高齢者いきいき課").unwrap_err();
    assert_eq!(
        err.code(),
        "input.ambiguous-agency",
        "a variant kanji and katakana do not make another name: {err}"
    );
    let err = w.a.vault.find_agency("ｺｳﾚｲｼｬ").unwrap_err();
    assert_eq!(err.code(), "input.bad-choice", "a part of a name is no name: {err}");
}
