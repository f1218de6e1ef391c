//! Shared fixtures: vaults with a fixed clock and seed and the cheapest KDF the engine allows
//! (asked for explicitly, as tests may), and the small worlds of agencies several tests start from.
//! Shared by the engine tests and the `kasane` command tests (crates/kasane-cli), each using a
//! part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use kasane::{
    Ambient, Basis, FixedClock, KdfCost, NewCase, NewHousehold, NewPerson, OpKind, PartialDate, Scope, SecretString,
    Setup, Sex, Vault, testing,
};
use serde_json::{Value, json};
use tempfile::TempDir;
use uuid::Uuid;

pub const PASS: &str = "correct horse battery";

pub fn clock() -> FixedClock {
    // 2026-11-25 10:00 JST
    FixedClock::new("2026-11-25T01:00:00Z".parse().expect("timestamp"))
}

pub fn ambient(seed: u64) -> Ambient {
    Ambient::fixed(clock(), seed)
}

pub fn pass(s: &str) -> SecretString {
    SecretString::from(s.to_string())
}

pub fn setup(agency: &str) -> Setup {
    Setup {
        agency: agency.into(),
        site: "本庁舎PC-1".into(),
        worker: "山田".into(),
        passphrase: pass(PASS),
        kdf: KdfCost::Fixed(10),
        join: None,
    }
}

pub struct TestVault {
    pub _dir: TempDir,
    pub path: PathBuf,
    pub vault: Vault,
    pub code: String,
}

pub fn new_vault(seed: u64) -> TestVault {
    let dir = tempfile::tempdir().expect("tempdir");
    let (vault, code) =
        Vault::create(&dir.path().join("vault"), setup("福祉総務課"), ambient(seed)).expect("create vault");
    TestVault {
        code: code.display().to_string(),
        path: dir.path().join("vault"),
        _dir: dir,
        vault,
    }
}

pub fn household(v: &mut Vault, label: &str, address: &str) -> Uuid {
    v.add_household(NewHousehold {
        label: label.into(),
        district: "kamakura-2".into(),
        address: Some(address.into()),
        phone: Some("0467-22-1234".into()),
    })
    .expect("add household")
}

#[allow(clippy::too_many_arguments)]
pub fn person(v: &mut Vault, hh: Uuid, fam: &str, giv: &str, fk: &str, gk: &str, birth: &str, relation: &str) -> Uuid {
    v.add_person(NewPerson {
        household: hh,
        family_name: fam.into(),
        given_name: giv.into(),
        family_kana: fk.into(),
        given_kana: gk.into(),
        birth: Some(PartialDate::parse(birth).expect("birth date")),
        sex: Sex::Female,
        relation: relation.into(),
        living_together: true,
        deceased: None,
        expecting: None,
    })
    .expect("add person")
}

pub fn case(v: &mut Vault, hh: Uuid, title: &str) -> Uuid {
    v.open_case(NewCase {
        household: hh,
        title: title.into(),
        problems: vec!["hachimaru-gomaru".into(), "hikikomori".into()],
        lead_agency: None,
        risk: None,
        next_review: None,
        opened: None,
    })
    .expect("open case")
}

/// Every file under `dir`, recursively.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

pub fn op_count(v: &Vault) -> usize {
    v.ops().expect("ops").len()
}

/// A vault for one agency with its own clock, for exchange tests.
pub fn agency_vault(seed: u64, agency: &str, clock: FixedClock) -> TestVault {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut s = setup(agency);
    s.site = format!("{agency}-PC");
    let (vault, code) = Vault::create(&dir.path().join("vault"), s, Ambient::fixed(clock, seed)).expect("create vault");
    TestVault {
        code: code.display().to_string(),
        path: dir.path().join("vault"),
        _dir: dir,
        vault,
    }
}

/// Exchanges member cards between two vaults; `verify` also marks them verified.
pub fn introduce(a: &mut Vault, b: &mut Vault, verify: bool) {
    let (ca, _) = a.my_card().expect("card a");
    let (cb, _) = b.my_card().expect("card b");
    let ib = a.import_card(&cb).expect("a imports b");
    let ia = b.import_card(&ca).expect("b imports a");
    if verify {
        a.verify_card(ib.site, &ib.fingerprint).expect("a verifies b");
        b.verify_card(ia.site, &ia.fingerprint).expect("b verifies a");
    }
}

/// Exports from `from` to `to`'s agency and returns the bundle bytes.
pub fn bundle_for(from: &mut Vault, to: &Vault, full: bool) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("b.kasane");
    from.export_bundle(to.identity().agency, full, &path, &mut |_| {})
        .expect("export");
    std::fs::read(&path).expect("read bundle")
}

/// Imports bundle bytes into `to`.
pub fn deliver(to: &mut Vault, bytes: &[u8]) -> Result<kasane::ImportSummary, kasane::Error> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("in.kasane");
    std::fs::write(&path, bytes).expect("write bundle");
    Ok(to.import_bundle(&path, &mut |_| {})?)
}

pub fn sync(from: &mut Vault, to: &mut Vault) -> kasane::ImportSummary {
    let b = bundle_for(from, to, false);
    deliver(to, &b).expect("import")
}

pub fn agency_id(v: &Vault) -> uuid::Uuid {
    v.identity().agency
}

/// A (福祉総務課) knows B (生活福祉課) and P (子ども家庭課); P's modified build renames P's own
/// directory entry to `squat`, and A has P's directory.
pub struct Squat {
    pub a: TestVault,
    pub b: TestVault,
    pub p: TestVault,
    pub case: uuid::Uuid,
}

pub fn squatted(seed: u64, b_name: &str, squat: &str) -> Squat {
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

/// A (福祉総務課) shares a case with B (生活福祉課); both cards verified. `bundle` is A's first
/// bundle for B.
pub struct World {
    pub a: TestVault,
    pub b: TestVault,
    pub bundle: Vec<u8>,
}

pub fn world(seed: u64) -> World {
    let mut a = agency_vault(seed, "福祉総務課", clock());
    let mut b = agency_vault(seed + 1, "生活福祉課", clock());
    introduce(&mut a.vault, &mut b.vault, true);
    let hh = household(&mut a.vault, "高橋家", "鎌倉市大町2-3-4");
    person(&mut a.vault, hh, "高橋", "ハル", "タカハシ", "ハル", "S15", "本人");
    let c = case(&mut a.vault, hh, "8050");
    a.vault
        .share_case(c, b.vault.identity().agency, Some(Basis::ShienKaigi))
        .unwrap();
    let bundle = bundle_for(&mut a.vault, &b.vault, false);
    World { a, b, bundle }
}

/// A's next op in `scope` as a modified build writes it: `edit` changes the header JSON.
pub fn craft(v: &mut Vault, scope: Scope, etype: &str, edit: &mut dyn FnMut(&mut Value)) -> uuid::Uuid {
    let seq = testing::next_seq(v, scope).unwrap();
    let site = v.identity().site;
    let entity = testing::record_id(scope, site, seq);
    let body = serde_json::to_vec(&json!({"name": "地域の居場所", "kind": "居場所"})).unwrap();
    testing::craft_op(v, scope, OpKind::Create, etype, entity, None, edit, body).unwrap()
}

/// A bundle that verifies whole and then cannot be stored — as a full disk or a damaged database
/// would make it — by the fault a test can inject after verification (debug builds only).
pub fn poison(w: &mut World) -> Vec<u8> {
    craft(&mut w.a.vault, Scope::Directory, "resource", &mut |_| {});
    std::fs::write(w.b.path.join(kasane::testing::TEST_FAULT), b"").unwrap();
    bundle_for(&mut w.a.vault, &w.b.vault, false)
}

/// Every `.rs` file under `dir`, at any depth (none when it cannot be read).
pub fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// A consent in the new form: the person's own, in writing, for every purpose and kind of
/// information, naming `agencies`, for a year from `date`.
pub fn consent(person: Uuid, agencies: Vec<Uuid>, date: &str) -> kasane::NewConsent {
    let date = kasane::parse_date(date).expect("a test date");
    kasane::NewConsent {
        person,
        given_by: kasane::ConsentGiver::Person,
        giver_name: None,
        giver_relation: None,
        scope: "支援のための関係機関での情報共有".into(),
        purposes: kasane::ConsentPurpose::ALL.to_vec(),
        kinds: kasane::InfoKind::ALL.to_vec(),
        agencies,
        date,
        until: date.saturating_add(jiff::Span::new().years(1)),
        how: kasane::ConsentHow::Written,
        witness: None,
    }
}

/// A share op as a partner's modified build writes it, skipping every local check; the vault's
/// own state then applies it, so its exports carry the case to the agency.
pub fn forged_share(v: &mut Vault, case: Uuid, agency: Uuid, basis: &str, purpose: Option<&str>) {
    let id = testing::share_id(case, agency);
    let mut fields = json!({"agency": agency, "basis": basis, "active": true, "since": "2026-11-25", "removed": null, "removed_reason": null});
    if let Some(p) = purpose {
        fields["purpose"] = json!(p);
    }
    testing::craft_op(
        v,
        Scope::Case(case),
        OpKind::Create,
        "share",
        id,
        Some(case),
        &mut |_| {},
        fields.to_string().into_bytes(),
    )
    .expect("a crafted share op");
    v.rebuild_state().expect("state rebuilt");
}

/// 福祉総務課 (L) leads a case in 高橋家 and has shared it with 生活福祉課 (B) under 支援会議; both
/// hold it.
pub fn lead_and_partner(seed: u64) -> (TestVault, TestVault, uuid::Uuid) {
    let mut l = agency_vault(seed, "福祉総務課", clock());
    let mut b = agency_vault(seed + 1, "生活福祉課", clock());
    introduce(&mut l.vault, &mut b.vault, true);
    sync(&mut b.vault, &mut l.vault);
    let hh = household(&mut l.vault, "高橋家", "鎌倉市大町2-3-4");
    let c = case(&mut l.vault, hh, "8050");
    let ba = agency_id(&b.vault);
    l.vault.share_case(c, ba, Some(kasane::Basis::ShienKaigi)).unwrap();
    sync(&mut l.vault, &mut b.vault);
    (l, b, c)
}

/// A contact-log entry of a visit, shared with the case's agencies, dated today.
pub fn visit_note(case: Uuid, text: &str) -> kasane::NewNote {
    kasane::NewNote {
        case,
        kind: kasane::NoteKind::Visit,
        text: text.into(),
        date: None,
        internal: false,
        outreach: None,
    }
}

/// Writes [`visit_note`]; returns the entry's id.
pub fn add_visit_note(v: &mut Vault, case: Uuid, text: &str) -> Uuid {
    v.add_note(visit_note(case, text)).expect("a contact-log entry")
}
