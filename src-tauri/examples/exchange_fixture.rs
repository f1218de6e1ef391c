//! Two agencies that already exchange (and a third whose card has just arrived), for looking at
//! the exchange and conflicts screens and for their screenshots (ui/e2e/exchange-screens.e2e.ts):
//!
//! - 福祉総務課 (A) and 生活福祉課 (B) have verified each other's cards; A shares two cases with B
//!   and B holds them; both then changed the same household and case fields;
//! - `usb/` holds A's next bundle for B (importing it at B makes conflicts) and the card of
//!   高齢者いきいき課 (C), not yet imported at B;
//! - B has an action due and a meeting coming.
//!
//! ```sh
//! cargo run -p kasane-desktop --example exchange_fixture -- OUT_DIR
//! ```
//! prints a JSON object with B's vault folder, passphrase and the files in `usb/`.

use std::path::{Path, PathBuf};

use kasane::{Basis, KdfCost, NewAction, NewMeeting};
use kasane_desktop::{
    Desktop,
    case::{self, CaseUpdateInput, NewCaseInput, NewNoteInput},
    exchange::{self, BundleExportInput, BundleProgress},
    household::{self, HouseholdUpdateInput, NewHouseholdInput, NewPersonInput},
    progress::Progress,
    vault::{self, NewVaultInput},
    view::{Change, NoteKind, Risk, Sex},
};

const PASS: &str = "correct horse battery";

fn agency(root: &Path, dir: &str, name: &str, site: &str, worker: &str) -> (Desktop, String) {
    let desk = Desktop::new(None).with_kdf(KdfCost::Fixed(12));
    let created = vault::vault_create(
        &desk,
        NewVaultInput {
            path: root.join(dir).display().to_string(),
            agency: name.into(),
            site: site.into(),
            worker: worker.into(),
            passphrase: PASS.into(),
            passphrase_again: PASS.into(),
        },
        &|_: Progress| {},
    )
    .expect("vault");
    (desk, created.session.agency_id)
}

fn introduce(usb: &Path, from: &Desktop, to: &Desktop) {
    let card = exchange::card_export(from, usb.display().to_string()).expect("card");
    let site = exchange::card_import(to, card.clone()).expect("import card");
    let fp = exchange::exchange_overview(from).expect("overview").me.fingerprint;
    exchange::card_verify(to, site.site, fp).expect("verify");
    std::fs::remove_file(card).ok();
}

fn send(usb: &Path, from: &Desktop, to_agency: &str) -> String {
    exchange::bundle_export(
        from,
        BundleExportInput {
            to: to_agency.into(),
            full: false,
            folder: usb.display().to_string(),
        },
        &|_: BundleProgress| {},
    )
    .expect("export")
    .path
}

fn receive(at: &Desktop, path: &str) {
    exchange::bundle_import(at, path.into(), &|_: BundleProgress| {}).expect("import");
    std::fs::remove_file(path).ok();
}

fn household_with_case(
    a: &Desktop,
    label: &str,
    family: (&str, &str, &str, &str),
    title: &str,
    review: &str,
) -> (String, String) {
    let hh = household::household_add(
        a,
        NewHouseholdInput {
            label: label.into(),
            district: "kamakura-1".into(),
            address: "鎌倉市大町2-3-4".into(),
            phone: "0467-00-0000".into(),
        },
    )
    .expect("household");
    household::person_add(
        a,
        NewPersonInput {
            household: hh.clone(),
            family_name: family.0.into(),
            given_name: family.1.into(),
            family_kana: family.2.into(),
            given_kana: family.3.into(),
            birth: "S15.4.1".into(),
            sex: Sex::Female,
            relation: "本人".into(),
            living_together: true,
            deceased: String::new(),
            expecting: String::new(),
        },
    )
    .expect("person");
    let case = case::case_open(
        a,
        NewCaseInput {
            household: hh.clone(),
            title: title.into(),
            problems: vec![],
            lead_agency: None,
            risk: Some(Risk::Medium),
            next_review: review.into(),
            opened: String::new(),
        },
    )
    .expect("case");
    case::note_add(
        a,
        NewNoteInput {
            case: case.clone(),
            kind: NoteKind::Visit,
            text: "自宅を訪問。長男と面談し、今後の支援について話し合った。".into(),
            date: String::new(),
            internal: false,
            outreach: None,
        },
    )
    .expect("note");
    (hh, case)
}

fn main() {
    let out = PathBuf::from(std::env::args().nth(1).expect("usage: exchange_fixture OUT_DIR"));
    std::fs::create_dir_all(&out).expect("out dir");
    let usb = out.join("usb");
    std::fs::create_dir_all(&usb).expect("usb dir");
    let (a, a_agency) = agency(&out, "a", "福祉総務課", "本庁舎PC-1", "山田 花子");
    let (b, b_agency) = agency(&out, "b", "生活福祉課", "本庁舎PC-2", "佐藤 一郎");
    let (c, _) = agency(&out, "c", "高齢者いきいき課", "分室PC-1", "鈴木 次郎");
    introduce(&usb, &a, &b);
    introduce(&usb, &b, &a);

    let (hh1, case1) = household_with_case(
        &a,
        "高橋家",
        ("高橋", "ハル", "タカハシ", "ハル"),
        "母の認知症と長男のひきこもり",
        "R8.12.1",
    );
    let (_, case2) = household_with_case(
        &a,
        "小林家",
        ("小林", "美咲", "コバヤシ", "ミサキ"),
        "ひとり親世帯の家計と就労",
        "R8.12.20",
    );
    let (ca, cb, bag) = (
        case1.parse().expect("id"),
        case2.parse().expect("id"),
        b_agency.parse().expect("id"),
    );
    a.with_vault(|v| {
        v.share_cases(&[ca, cb], bag, Some(Basis::ShienKaigi))?;
        let today = v.ambient().clock.today();
        let soon = (0..5).fold(today, |d, _| d.tomorrow().unwrap_or(d));
        v.add_action(NewAction {
            case: ca,
            goal: None,
            text: "長男の就労相談の予約を取る".into(),
            owner_agency: bag,
            owner_worker: None,
            key_person: None,
            owner_person: None,
            frequency: None,
            due: Some(soon),
            meeting: None,
            tags: Vec::new(),
        })?;
        Ok(())
    })
    .expect("share");
    let p = send(&usb, &a, &b_agency);
    receive(&b, &p);

    // Both change the same fields without seeing each other's change.
    let rename = |d: &Desktop, label: &str| {
        household::household_update(
            d,
            hh1.clone(),
            HouseholdUpdateInput {
                label: Some(label.into()),
                district: None,
                address: None,
                phone: None,
                archived: None,
            },
        )
        .expect("rename")
    };
    let review = |d: &Desktop, risk: Risk, date: &str| {
        case::case_update(
            d,
            case1.clone(),
            CaseUpdateInput {
                risk: Some(Change { value: Some(risk) }),
                next_review: Some(Change {
                    value: Some(date.into()),
                }),
                ..CaseUpdateInput::default()
            },
        )
        .expect("update case")
    };
    rename(&a, "髙橋家");
    review(&a, Risk::High, "R8.12.10");
    rename(&b, "高橋 世帯");
    review(&b, Risk::Urgent, "R8.12.3");
    let pending = send(&usb, &a, &b_agency);

    b.with_vault(|v| {
        let today = v.ambient().clock.today();
        let next_week = (0..7).fold(today, |d, _| d.tomorrow().unwrap_or(d));
        let me = v.identity().agency;
        v.new_meeting(NewMeeting {
            kind: "shien-kaigi".into(),
            series: None,
            date: next_week,
            time: Some("14:00".into()),
            place: "本庁舎 第3会議室".into(),
            chair: None,
            attendees: vec![me],
        })?;
        Ok(())
    })
    .expect("meeting");
    let c_card = exchange::card_export(&c, usb.display().to_string()).expect("card of C");
    let c_fp = exchange::exchange_overview(&c).expect("C").me.fingerprint;
    let _ = a_agency;
    println!(
        "{}",
        serde_json::json!({
            "vault": out.join("b").display().to_string(),
            "passphrase": PASS,
            "bundle": pending,
            "card": c_card,
            "card_fingerprint": c_fp,
            "folder": usb.display().to_string(),
        })
    );
}
