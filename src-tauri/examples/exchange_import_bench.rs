//! A large bundle through the command layer: agency A (demo households, every case shared with B)
//! exports through `exchange::bundle_export`, B imports through `exchange::bundle_import`, both
//! with a progress sink that records when each report arrives. Prints the time taken and the
//! largest gap between progress reports (the window is promised one at least every ~100 ms).
//!
//! ```sh
//! KASANE_BENCH_HOUSEHOLDS=9000 cargo run -p kasane-desktop --release --example exchange_import_bench
//! ```

use std::{
    sync::{Arc, Mutex},
    time::Instant,
};

use kasane::{Basis, CaseFilter, KdfCost};
use kasane_demo::{DemoLead, fill_demo};
use kasane_desktop::{
    Desktop,
    exchange::{self, BundleExportInput, BundleProgress},
    progress::Progress,
    vault::{self, NewVaultInput},
};

fn agency(root: &std::path::Path, name: &str) -> (Desktop, String) {
    let desk = Desktop::new(None).with_kdf(KdfCost::BenchmarkOnly(10));
    let created = vault::vault_create(
        &desk,
        NewVaultInput {
            path: root.join(name).display().to_string(),
            agency: name.into(),
            site: format!("{name}PC"),
            worker: "担当者".into(),
            passphrase: "correct horse battery".into(),
            passphrase_again: "correct horse battery".into(),
        },
        &|_: Progress| {},
    )
    .expect("vault");
    (desk, created.session.agency_id)
}

fn introduce(root: &std::path::Path, from: &Desktop, to: &Desktop) {
    let card = exchange::card_export(from, root.display().to_string()).expect("card");
    let site = exchange::card_import(to, card).expect("import card");
    let fp = exchange::exchange_overview(from).expect("overview").me.fingerprint;
    exchange::card_verify(to, site.site, fp).expect("verify");
}

#[derive(Default)]
struct Timeline {
    /// (ms since the command started, the report)
    events: Vec<(f64, BundleProgress)>,
}

impl Timeline {
    fn report(&self, what: &str, total_ms: f64) {
        let mut gap = 0f64;
        let mut engine_gap = 0f64;
        let mut last = 0f64;
        let mut last_engine = 0f64;
        let mut prev: Option<&BundleProgress> = None;
        for (at, p) in &self.events {
            gap = gap.max(at - last);
            last = *at;
            let fresh = prev.is_none_or(|q| q.phase != p.phase || q.done != p.done || q.total != p.total);
            if fresh {
                engine_gap = engine_gap.max(at - last_engine);
                last_engine = *at;
            }
            prev = Some(p);
        }
        gap = gap.max(total_ms - last);
        engine_gap = engine_gap.max(total_ms - last_engine);
        println!(
            "{what}: {total_ms:.0} ms; {} progress reports; largest gap between reports {gap:.0} ms \
             (between the engine's own reports {engine_gap:.0} ms)",
            self.events.len()
        );
        let mut phases: Vec<&str> = Vec::new();
        for (_, p) in &self.events {
            if phases.last() != Some(&p.phase.as_str()) {
                phases.push(&p.phase);
            }
        }
        println!("  phases: {}", phases.join(" → "));
    }
}

fn recorder(started: Instant, into: Arc<Mutex<Timeline>>) -> impl Fn(BundleProgress) + Send + Sync {
    move |p| {
        let at = started.elapsed().as_secs_f64() * 1000.0;
        into.lock().unwrap().events.push((at, p));
    }
}

fn main() {
    let households: usize = std::env::var("KASANE_BENCH_HOUSEHOLDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(9_000);
    let tmp = tempfile::tempdir().expect("temporary folder");
    let root = tmp.path();
    let (a, _) = agency(root, "福祉総務課");
    let (b, b_agency) = agency(root, "生活福祉課");
    introduce(root, &a, &b);
    introduce(root, &b, &a);
    let t = Instant::now();
    let ops = a
        .with_vault(|v| {
            let report = fill_demo(v, households, 2026, DemoLead::ThisAgency, &mut |_, _| {})?;
            let cases: Vec<uuid::Uuid> = v
                .cases(&CaseFilter {
                    include_closed: true,
                    ..Default::default()
                })?
                .into_iter()
                .map(|c| c.id)
                .collect();
            v.share_cases(&cases, b_agency.parse().expect("id"), Some(Basis::ShienKaigi))?;
            Ok(report.ops)
        })
        .expect("demo data");
    println!(
        "Kasane desktop exchange bench — {households} demo households, {ops} operations (made in {:.1} s)",
        t.elapsed().as_secs_f64()
    );

    let export_line = Arc::new(Mutex::new(Timeline::default()));
    let started = Instant::now();
    let report = exchange::bundle_export(
        &a,
        BundleExportInput {
            to: b_agency.clone(),
            full: false,
            folder: root.display().to_string(),
        },
        &recorder(started, export_line.clone()),
    )
    .expect("export");
    let export_ms = started.elapsed().as_secs_f64() * 1000.0;
    println!(
        "bundle: {} operations in {} segments, {:.1} MB",
        report.ops,
        report.segments,
        report.bytes / 1e6
    );
    export_line.lock().unwrap().report("export (command layer)", export_ms);

    let import_line = Arc::new(Mutex::new(Timeline::default()));
    let started = Instant::now();
    let summary =
        exchange::bundle_import(&b, report.path.clone(), &recorder(started, import_line.clone())).expect("import");
    let import_ms = started.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(summary.ops_new, report.ops, "every exported op is applied");
    import_line.lock().unwrap().report("import (command layer)", import_ms);
    println!(
        "  applied: {} new operations, {} new records, {:.0} operations/s",
        summary.ops_new,
        summary.records_new,
        summary.ops_new as f64 / (import_ms / 1000.0)
    );
}
