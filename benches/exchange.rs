//! Exchange benchmark, printed side by side in one run: on a history of about 100,000 operations,
//! export time; import throughput against a bare SQL apply of the same rows; duplicate re-import;
//! bundle bytes against the zstd-compressed operations; and bytes per extra recipient site.
//! `cargo bench --bench exchange` (KASANE_BENCH_HOUSEHOLDS=N to resize; 8,000 ≈ 100,000 ops).

use std::time::Instant;

use kasane::{Ambient, Basis, CaseFilter, FixedClock, KdfCost, SecretString, Setup, Vault, testing};
use kasane_demo::{DemoLead, fill_demo};
use rusqlite::{Connection, params};

const PASS: &str = "benchmark passphrase";

fn clock() -> FixedClock {
    FixedClock::new("2026-11-25T01:00:00Z".parse().expect("timestamp"))
}

fn vault(dir: &std::path::Path, name: &str, agency: &str, seed: u64, join: Option<String>) -> Vault {
    Vault::create(
        &dir.join(name),
        Setup {
            agency: agency.into(),
            site: format!("{name}-PC"),
            worker: "bench".into(),
            passphrase: SecretString::from(PASS.to_string()),
            kdf: KdfCost::BenchmarkOnly(10),
            join,
        },
        Ambient::fixed(clock(), seed),
    )
    .expect("create vault")
    .0
}

fn introduce(a: &mut Vault, b: &mut Vault) {
    let (ca, _) = a.my_card().unwrap();
    let (cb, _) = b.my_card().unwrap();
    let ib = a.import_card(&cb).unwrap();
    let ia = b.import_card(&ca).unwrap();
    a.verify_card(ib.site, &ib.fingerprint).unwrap();
    b.verify_card(ia.site, &ia.fingerprint).unwrap();
}

/// The same op rows inserted into a plain SQLCipher table with the same keys and indexes as
/// Kasane's op table, in one transaction: what applying costs with no verification, no
/// authorisation and no derived state.
fn bare_apply(path: &std::path::Path, ops: &[kasane::Op]) -> f64 {
    let mut conn = Connection::open(path).unwrap();
    conn.execute_batch(
        "PRAGMA key = \"x'000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F'\";
         PRAGMA cipher_compatibility = 4; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536;
         CREATE TABLE op (n INTEGER PRIMARY KEY, id BLOB NOT NULL UNIQUE, series BLOB NOT NULL, seq INTEGER NOT NULL,
             hlc INTEGER NOT NULL, entity BLOB NOT NULL, header BLOB NOT NULL, body BLOB, hash BLOB NOT NULL, UNIQUE (series, seq));",
    )
    .unwrap();
    let started = Instant::now();
    let tx = conn.transaction().unwrap();
    {
        let mut st = tx
            .prepare("INSERT INTO op (id, series, seq, hlc, entity, header, body, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
            .unwrap();
        for o in ops {
            let series = format!("{}{}", o.header.site, o.header.scope);
            st.execute(params![
                o.header.id.as_bytes(),
                series,
                o.header.seq as i64,
                o.header.hlc.raw() as i64,
                o.header.entity.as_bytes(),
                o.header_bytes,
                o.body,
                o.hash.0
            ])
            .unwrap();
        }
    }
    tx.commit().unwrap();
    started.elapsed().as_secs_f64()
}

fn main() {
    let households: usize = std::env::var("KASANE_BENCH_HOUSEHOLDS")
        .ok()
        .and_then(|s| s.parse().ok())
        // A debug build (`cargo test --all-targets`, as CI runs it) is a smoke run: it checks that
        // the benchmark builds and runs; its figures mean nothing. `cargo bench` measures.
        .unwrap_or(if cfg!(debug_assertions) { 300 } else { 8_000 });
    let tmp = tempfile::tempdir().unwrap();
    let mut a = vault(tmp.path(), "a", "福祉総務課", 1, None);
    let mut b = vault(tmp.path(), "b", "生活福祉課", 2, None);
    introduce(&mut a, &mut b);
    fill_demo(&mut a, households, 2026, DemoLead::ThisAgency, &mut |_, _| {}).unwrap();
    let cases: Vec<uuid::Uuid> = a
        .cases(&CaseFilter {
            include_closed: true,
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    a.share_cases(&cases, b.identity().agency, Some(Basis::ShienKaigi))
        .unwrap();
    println!(
        "Kasane exchange benchmark — {households} demo households, {} cases shared",
        cases.len()
    );
    println!();

    let bundle = tmp.path().join("a2b.kasane");
    let t = Instant::now();
    let report = a
        .export_bundle(b.identity().agency, false, &bundle, &mut |_| {})
        .unwrap();
    let export_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let summary = b.import_bundle(&bundle, &mut |_| {}).unwrap();
    let import_s = t.elapsed().as_secs_f64();
    assert_eq!(summary.ops_new, report.ops, "every exported op is applied");

    let exported: Vec<kasane::Op> = b
        .ops()
        .unwrap()
        .into_iter()
        .filter(|o| o.header.site == a.identity().site)
        .collect();
    let bare_s = bare_apply(&tmp.path().join("bare.db"), &exported);

    // Duplicates: the same file again (replay), and a full resend whose ops are all known.
    let t = Instant::now();
    b.import_bundle(&bundle, &mut |_| {}).unwrap();
    let replay_s = t.elapsed().as_secs_f64();
    let full = tmp.path().join("full.kasane");
    a.export_bundle(b.identity().agency, true, &full, &mut |_| {}).unwrap();
    let t = Instant::now();
    let dup = b.import_bundle(&full, &mut |_| {}).unwrap();
    let dup_s = t.elapsed().as_secs_f64();
    assert_eq!(dup.ops_new, 0);

    // Size: the bundle against the operations' own bytes, compressed the same way.
    let mut canonical = Vec::new();
    for o in &exported {
        canonical.extend_from_slice(&o.header_bytes);
        if let Some(b) = &o.body {
            canonical.extend_from_slice(b);
        }
    }
    let compressed = zstd::bulk::compress(&canonical, 3).unwrap().len() as f64;
    let bytes = report.bytes as f64;

    println!(
        "Operations: {} in {} segments over {} scopes",
        report.ops, report.segments, report.scopes
    );
    println!("  {:<48} {:>10} {:>14}", "", "seconds", "ops/s");
    println!(
        "  {:<48} {:>10.3} {:>14.0}",
        "export (collect, sign, compress, encrypt, write)",
        export_s,
        report.ops as f64 / export_s
    );
    println!(
        "  {:<48} {:>10.3} {:>14.0}",
        "import (verify, authorise, apply, index)",
        import_s,
        report.ops as f64 / import_s
    );
    println!(
        "  {:<48} {:>10.3} {:>14.0}",
        "bare SQL apply of the same op rows",
        bare_s,
        report.ops as f64 / bare_s
    );
    println!("  import / bare apply: {:.2}× (goal ≥ 0.5×)", bare_s / import_s);
    println!("  {:<48} {:>10.3}", "duplicate: the same file again", replay_s);
    println!(
        "  {:<48} {:>10.3} {:>14.0}",
        "duplicate: a full resend, every op known",
        dup_s,
        report.ops as f64 / dup_s
    );
    println!();
    println!("Size");
    println!(
        "  canonical operations (header + body bytes)      {:>12.0} bytes",
        canonical.len() as f64
    );
    println!(
        "  the same, zstd level 3                          {:>12.0} bytes",
        compressed
    );
    println!(
        "  bundle file                                      {:>12.0} bytes",
        bytes
    );
    println!(
        "  overhead: {:.1}% ({:.0} bytes: segment statements and signatures, manifest, frontier, age, header)",
        (bytes - compressed) / compressed * 100.0,
        bytes - compressed
    );

    // Bytes per extra recipient: the same bundle sealed to 1, 2, 4 and 8 sites.
    let mut extra = Vec::new();
    for i in 0..7 {
        let v = vault(tmp.path(), &format!("r{i}"), "x", 10 + i, None);
        extra.push(testing::age_recipient(&v).unwrap());
    }
    let file = std::fs::read(&bundle).unwrap();
    println!();
    println!("Per recipient (the same bundle sealed to more sites)");
    let base = file.len() as f64;
    for n in [1usize, 2, 4, 8] {
        let sealed = testing::reseal(&a, &b, &file, &mut |p| p.also_to = extra[..n - 1].to_vec()).unwrap();
        let per = if n > 1 {
            (sealed.len() as f64 - base) / (n - 1) as f64
        } else {
            0.0
        };
        println!(
            "  {n} site(s): {:>10} bytes   {:>6.0} bytes per extra site (age stanza; the manifest adds ~40 more per named site)",
            sealed.len(),
            per
        );
    }
}
