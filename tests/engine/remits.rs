//! A law's remit binds its shares: a case goes to another agency under 要対協 only when its
//! records show a child (or 特定妊婦's problem), under 地域ケア会議 only an older person, under
//! the 困窮 支援会議 only hardship — locally, on import from a partner whose modified build shares
//! anyway, when the record that brings the case within the remit arrives, and after a rebuild.

use kasane::Basis;

use crate::support::*;

#[test]
fn a_share_under_a_law_with_a_remit_needs_a_case_within_it_here_and_at_every_partner() {
    let mut l = agency_vault(1501, "福祉総務課", clock());
    let mut p = agency_vault(1502, "子ども家庭課", clock());
    introduce(&mut l.vault, &mut p.vault, true);
    sync(&mut l.vault, &mut p.vault);
    let la = agency_id(&l.vault);
    // An older couple's household: nothing about a child.
    let hh = household(&mut p.vault, "高橋家", "鎌倉市大町2-3-4");
    person(
        &mut p.vault,
        hh,
        "高橋",
        "ハル",
        "たかはし",
        "はる",
        "1950-02-03",
        "本人",
    );
    let case = case(&mut p.vault, hh, "8050");

    // P's own build refuses, and says why.
    let e = p
        .vault
        .share_case(case, la, Some(Basis::Yotaikyo))
        .expect_err("an older couple's case is outside 要対協's remit");
    assert_eq!(e.code(), "share.outside-remit", "{e}");
    assert!(
        e.message_ja().contains("18歳未満"),
        "the refusal says what the records lack: {}",
        e.message_ja()
    );
    // A modified build shares it under 要対協 anyway: L holds the share and sees nothing of it.
    forged_share(&mut p.vault, case, la, "yotaikyo", None);
    let s = sync(&mut p.vault, &mut l.vault);
    assert_eq!(s.held.get("outside-remit"), Some(&1), "the share is held at L: {s:?}");
    assert!(l.vault.case_detail(case).is_err(), "nothing entitles L to the case");
    let digest = l.vault.digest().unwrap();
    l.vault.rebuild_state().unwrap();
    assert_eq!(digest, l.vault.digest().unwrap(), "a rebuild holds it too");

    // A grandchild comes to live with them: the household now has a child, and the share that
    // waited stands once the record arrives.
    person(&mut p.vault, hh, "高橋", "陽", "たかはし", "よう", "2015-05-01", "孫");
    let s = sync(&mut p.vault, &mut l.vault);
    assert!(s.released >= 1, "the share waiting for the record is released: {s:?}");
    assert!(
        kasane::testing::held_ops(&l.vault)
            .unwrap()
            .iter()
            .all(|(_, why)| why != "outside-remit"),
        "nothing stays held for the remit"
    );
    assert!(l.vault.case_detail(case).is_ok(), "L sees the case now");
    let digest = l.vault.digest().unwrap();
    l.vault.rebuild_state().unwrap();
    assert_eq!(digest, l.vault.digest().unwrap(), "a rebuild judges the same");
}

#[test]
fn an_expectant_mother_recorded_as_tokutei_ninpu_is_within_yotaikyo_until_her_due_date() {
    let mut l = agency_vault(1511, "福祉総務課", clock());
    let mut p = agency_vault(1512, "子ども家庭課", clock());
    introduce(&mut l.vault, &mut p.vault, true);
    sync(&mut l.vault, &mut p.vault);
    let la = agency_id(&l.vault);
    let hh = household(&mut p.vault, "青木家", "鎌倉市大船1-2-3");
    let mother = person(
        &mut p.vault,
        hh,
        "青木",
        "美咲",
        "あおき",
        "みさき",
        "1998-06-01",
        "本人",
    );
    let case = case(&mut p.vault, hh, "若年妊娠");
    assert!(
        p.vault.share_case(case, la, Some(Basis::Yotaikyo)).is_err(),
        "an adult alone, nothing recorded about a child or a pregnancy"
    );
    p.vault
        .update_person(
            mother,
            kasane::PersonUpdate {
                expecting: Some(Some(kasane::parse_date("2027-03-01").unwrap())),
                ..Default::default()
            },
        )
        .unwrap();
    p.vault
        .share_case(case, la, Some(Basis::Yotaikyo))
        .expect("a 特定妊婦 expecting after today is within 要対協's remit");
    let s = sync(&mut p.vault, &mut l.vault);
    assert!(s.held.is_empty(), "L judges the share the same: {s:?}");
    let kept = l.vault.household_detail(hh).unwrap();
    assert_eq!(
        kept.members[0].expecting,
        Some(kasane::parse_date("2027-03-01").unwrap()),
        "the due date travels with the member"
    );
}
