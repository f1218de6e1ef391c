//! Who a partner is: member cards (format 2, whose check number covers the agency a card claims)
//! against a partner agency's modified build, the join of a second PC of one's own agency, and
//! agency names used as targets when another agency has renamed its entry after them.

use std::{path::Path, process::Command};

use kasane::{Kind, Vault, testing};
use serde_json::{Value, json};

use crate::support::*;

fn agency_id(v: &Vault) -> uuid::Uuid {
    v.identity().agency
}

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

/// A (福祉総務課) knows B (生活福祉課) and P (子ども家庭課); P's modified build renames P's own
/// directory entry to `squat`, and A has P's directory.
struct Squat {
    a: TestVault,
    b: TestVault,
    p: TestVault,
    case: uuid::Uuid,
}

fn squatted(seed: u64, b_name: &str, squat: &str) -> Squat {
    let mut a = agency_vault(seed, "福祉総務課", clock());
    let mut b = agency_vault(seed + 1, b_name, clock());
    let mut p = agency_vault(seed + 2, "子ども家庭課", clock());
    introduce(&mut a.vault, &mut b.vault, true);
    introduce(&mut a.vault, &mut p.vault, true);
    sync(&mut b.vault, &mut a.vault);
    let p_agency = agency_id(&p.vault);
    testing::raw_set(&mut p.vault, p_agency, json!({"name": squat})).unwrap();
    let s = sync(&mut p.vault, &mut a.vault);
    assert!(s.held.is_empty(), "an agency renames its own entry: {s:?}");
    assert_eq!(a.vault.agency(p_agency).unwrap().name, squat, "the rename is applied");
    let hh = household(&mut a.vault, "高橋家", "x");
    let case = case(&mut a.vault, hh, "8050");
    Squat { a, b, p, case }
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
    let ja = err.message("ja");
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

fn cli(vault: &Path, args: &[&str]) -> (i32, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_kasane"))
        .arg("--vault")
        .arg(vault)
        .arg("--json")
        .args(args)
        .env("KASANE_PASSPHRASE", PASS)
        .env_remove("KASANE_WORKER")
        .env_remove("KASANE_VAULT")
        .output()
        .unwrap();
    let text = if out.status.success() { out.stdout } else { out.stderr };
    (
        out.status.code().unwrap_or(-1),
        serde_json::from_slice(&text).unwrap_or(Value::Null),
    )
}

#[test]
fn the_cli_refuses_an_ambiguous_agency_name_wherever_one_is_a_target() {
    let w = squatted(750, "生活福祉課", "生活福祉課");
    let case = w.case.to_string();
    let b_agency = agency_id(&w.b.vault).to_string();
    let TestVault { _dir, path, vault, .. } = w.a;
    drop(vault);
    let out = _dir.path().join("to-b.kasane");
    let out = out.to_str().unwrap();
    for args in [
        vec![
            "case",
            "share",
            &case,
            "--agency",
            "生活福祉課",
            "--basis",
            "shien-kaigi",
        ],
        vec!["bundle", "export", "--to", "生活福祉課", "--out", out],
        vec![
            "meeting",
            "new",
            "--type",
            "shien-kaigi",
            "--date",
            "2026-12-10 14:00",
            "--place",
            "本庁舎",
            "--attendee",
            "生活福祉課",
        ],
    ] {
        let (code, err) = cli(&path, &args);
        assert_eq!(code, 2, "{args:?}: an ambiguous name is bad input: {err}");
        assert_eq!(err["error"]["code"], "input.ambiguous-agency", "{args:?}: {err}");
        assert!(
            err["error"]["message"].as_str().unwrap().contains(&b_agency),
            "{args:?}: the candidates are listed with their ids: {err}"
        );
    }
    let (code, shares) = cli(
        &path,
        &["case", "share", &case, "--agency", &b_agency, "--basis", "shien-kaigi"],
    );
    assert_eq!(code, 0, "by id the share goes to B: {shares}");
    assert!(
        shares
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["agency"] == b_agency.as_str() && s["active"] == true),
        "{shares}"
    );
}

#[test]
fn the_cli_tells_user_errors_in_card_files_from_internal_ones() {
    let a = agency_vault(760, "福祉総務課", clock());
    let p = agency_vault(761, "子ども家庭課", clock());
    let own = testing::forged_card(&p.vault, &mut |c| {
        c.agency = agency_id(&a.vault);
        c.agency_name = "福祉総務課".into();
    })
    .unwrap();
    let TestVault { _dir, path, vault, .. } = a;
    drop(vault);
    let dir = _dir.path();
    let binary = dir.join("binary.card");
    std::fs::write(&binary, b"KASANE MEMBER CARD 2\n\xff\xfe\x00 not text").unwrap();
    let v1 = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/card-v1.txt");
    let own_file = dir.join("own.card");
    std::fs::write(&own_file, &own).unwrap();
    let (code, err) = cli(&path, &["card", "import", binary.to_str().unwrap()]);
    assert_eq!(
        code, 2,
        "a file that is not UTF-8 text is bad input, not internal: {err}"
    );
    assert_eq!(err["error"]["code"], "card.invalid");
    let (code, err) = cli(&path, &["card", "import", v1.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(err["error"]["code"], "card.outdated");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("ask the partner for a new file")
    );
    let (code, err) = cli(&path, &["card", "import", own_file.to_str().unwrap()]);
    assert_eq!(code, 4, "a card claiming this agency is refused: {err}");
    assert_eq!(err["error"]["code"], "card.own-agency");
    let (code, info) = cli(&path, &["card", "import", "--own-pc", own_file.to_str().unwrap()]);
    assert_eq!(code, 0, "imported deliberately as a PC of this agency: {info}");
    let (code, err) = cli(
        &path,
        &[
            "init",
            "--join",
            binary.to_str().unwrap(),
            "--site",
            "x",
            "--worker",
            "y",
        ],
    );
    assert_eq!(code, 2, "joining with a file that is not text is bad input: {err}");
}
