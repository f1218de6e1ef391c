//! Shared fixtures: vaults with a fixed clock and seed and the cheapest KDF the engine allows
//! (asked for explicitly, as tests may).

use std::path::{Path, PathBuf};

use kasane::{
    Ambient, FixedClock, KdfCost, NewCase, NewHousehold, NewPerson, PartialDate, SecretString, Setup, Sex, Vault,
};
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
    to.import_bundle(&path, &mut |_| {})
}

pub fn sync(from: &mut Vault, to: &mut Vault) -> kasane::ImportSummary {
    let b = bundle_for(from, to, false);
    deliver(to, &b).expect("import")
}
