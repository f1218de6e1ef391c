//! Engine benchmark: builds a demo vault (10,000 households by default) and prints, in one run and
//! side by side: write throughput through the operation log against a bare SQL insert of the
//! same rows, open time without and with the passphrase KDF, and search latency per query kind.
//! Figures, not assertions: `cargo bench --bench engine` (KASANE_BENCH_HOUSEHOLDS=N to resize).

use std::time::{Duration, Instant};

use kasane::{Ambient, FixedClock, KdfCost, SecretString, Setup, Vault, VaultDir, kana_to_romaji, to_hiragana};
use kasane_demo::{DemoConfig, DemoHousehold, city as demo_city, fill_demo};
use rand::{Rng, SeedableRng};
use rusqlite::{Connection, params};

const SEED: u64 = 2026;
const PASS: &str = "benchmark passphrase";

fn clock() -> FixedClock {
    FixedClock::new("2026-11-25T01:00:00Z".parse().expect("timestamp"))
}

/// A vault for the benchmark: the cheapest KDF (opening is measured separately), the fixed clock.
fn bench_vault(path: &std::path::Path, agency: &str, site: &str, seed: u64) -> Vault {
    Vault::create(
        path,
        Setup {
            agency: agency.into(),
            site: site.into(),
            worker: "bench".into(),
            passphrase: SecretString::from(PASS.to_string()),
            kdf: KdfCost::BenchmarkOnly(10),
            join: None,
        },
        Ambient::fixed(clock(), seed),
    )
    .expect("create vault")
    .0
}

/// The 支援会議 of 10 December the meetings section proposes an agenda for.
fn shien_kaigi(v: &mut Vault, attendees: Vec<uuid::Uuid>) -> uuid::Uuid {
    v.new_meeting(kasane::NewMeeting {
        kind: "shien-kaigi".into(),
        series: None,
        date: "2026-12-10".parse().expect("date"),
        time: Some("14:00".into()),
        place: "本庁舎".into(),
        chair: None,
        attendees,
    })
    .expect("meeting")
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The same records as plain typed rows in a plain SQLCipher database with the same settings:
/// what a conventional design would write. `with_search` adds the same trigram index Kasane keeps.
fn bare_insert(path: &std::path::Path, city: &[DemoHousehold], with_search: bool) -> (usize, Duration) {
    let mut conn = Connection::open(path).expect("open bare db");
    conn.execute_batch(
        "PRAGMA key = \"x'000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F'\";
         PRAGMA cipher_compatibility = 4; PRAGMA temp_store = MEMORY; PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL; PRAGMA secure_delete = ON; PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536;
         CREATE TABLE household (id BLOB PRIMARY KEY, label TEXT, district TEXT, address TEXT, phone TEXT);
         CREATE TABLE person (id BLOB PRIMARY KEY, household BLOB, family_name TEXT, given_name TEXT, family_kana TEXT,
             given_kana TEXT, birth TEXT, sex TEXT, relation TEXT, living_together INTEGER, deceased TEXT);
         CREATE INDEX person_household ON person(household);
         CREATE TABLE relation (id BLOB PRIMARY KEY, household BLOB, a BLOB, b BLOB, kind TEXT, status TEXT);
         CREATE TABLE kcase (id BLOB PRIMARY KEY, household BLOB, title TEXT, status TEXT, lead TEXT, problems TEXT,
             risk TEXT, opened TEXT, next_review TEXT);
         CREATE INDEX case_household ON kcase(household);
         CREATE TABLE note (id BLOB PRIMARY KEY, kcase BLOB, date TEXT, kind TEXT, agency TEXT, text TEXT, internal INTEGER);
         CREATE INDEX note_case ON note(kcase);
         CREATE TABLE consent (id BLOB PRIMARY KEY, person BLOB, scope TEXT, date TEXT, how TEXT, withdrawn TEXT);
         CREATE TABLE doc (n INTEGER PRIMARY KEY, text TEXT);
         CREATE VIRTUAL TABLE doc_fts USING fts5(text, content='doc', content_rowid='n', tokenize='trigram');",
    )
    .expect("bare schema");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let mut id = move || rng.r#gen::<[u8; 16]>().to_vec();
    let started = Instant::now();
    let mut rows = 0usize;
    for batch in city.chunks(250) {
        let tx = conn.transaction().expect("tx");
        {
            let mut hh_s = tx
                .prepare_cached("INSERT INTO household VALUES (?1, ?2, ?3, ?4, ?5)")
                .expect("p");
            let mut p_s = tx
                .prepare_cached("INSERT INTO person VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")
                .expect("p");
            let mut r_s = tx
                .prepare_cached("INSERT INTO relation VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                .expect("p");
            let mut c_s = tx
                .prepare_cached("INSERT INTO kcase VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
                .expect("p");
            let mut n_s = tx
                .prepare_cached("INSERT INTO note VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
                .expect("p");
            let mut k_s = tx
                .prepare_cached("INSERT INTO consent VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                .expect("p");
            let mut d_s = tx
                .prepare_cached("INSERT INTO doc (text) VALUES (?1) RETURNING n")
                .expect("p");
            let mut f_s = tx
                .prepare_cached("INSERT INTO doc_fts (rowid, text) VALUES (?1, ?2)")
                .expect("p");
            let mut doc = |text: &str| {
                if with_search {
                    let n: i64 = d_s.query_row([text], |r| r.get(0)).expect("doc");
                    f_s.execute(params![n, text]).expect("fts");
                }
            };
            for h in batch {
                let hid = id();
                hh_s.execute(params![hid, h.label, h.district, h.address, h.phone])
                    .expect("hh");
                doc(&format!(
                    "{} {} {}",
                    h.label,
                    h.address,
                    h.phone.as_deref().unwrap_or("")
                ));
                rows += 1;
                let mut pids = Vec::new();
                for m in &h.members {
                    let pid = id();
                    p_s.execute(params![
                        pid,
                        hid,
                        m.family_name,
                        m.given_name,
                        m.family_kana,
                        m.given_kana,
                        m.birth,
                        m.sex,
                        m.relation,
                        m.living_together,
                        m.deceased
                    ])
                    .expect("person");
                    doc(&format!(
                        "{}{} {}{}",
                        m.family_name, m.given_name, m.family_kana, m.given_kana
                    ));
                    pids.push(pid);
                    rows += 1;
                }
                for r in &h.relations {
                    r_s.execute(params![id(), hid, pids[r.a], pids[r.b], r.kind, r.status])
                        .expect("relation");
                    rows += 1;
                }
                for c in &h.cases {
                    let cid = id();
                    c_s.execute(params![
                        cid,
                        hid,
                        c.title,
                        c.status,
                        c.lead_agency,
                        c.problems.join(","),
                        c.risk,
                        c.opened.to_string(),
                        c.next_review.map(|d| d.to_string())
                    ])
                    .expect("case");
                    rows += 1;
                    for n in &c.notes {
                        n_s.execute(params![
                            id(),
                            cid,
                            n.date.to_string(),
                            n.kind,
                            n.agency,
                            n.text,
                            n.internal
                        ])
                        .expect("note");
                        doc(&n.text);
                        rows += 1;
                    }
                }
                for k in &h.consents {
                    k_s.execute(params![
                        id(),
                        pids[k.person],
                        k.scope,
                        k.date.to_string(),
                        k.how,
                        k.withdrawn.map(|d| d.to_string())
                    ])
                    .expect("consent");
                    rows += 1;
                }
            }
        }
        tx.commit().expect("commit");
    }
    (rows, started.elapsed())
}

fn main() {
    let households: usize = std::env::var("KASANE_BENCH_HOUSEHOLDS")
        .ok()
        .and_then(|s| s.parse().ok())
        // A debug build (`cargo test --all-targets`, as CI runs it) is a smoke run: it checks that
        // the benchmark builds and runs; its figures mean nothing. `cargo bench` measures.
        .unwrap_or(if cfg!(debug_assertions) { 300 } else { 10_000 });
    let tmp = tempfile::tempdir().expect("tempdir");
    let vault_path = tmp.path().join("vault");
    println!("Kasane engine benchmark — {households} demo households, seed {SEED}");
    println!();

    // 1. Writes through the operation log.
    let mut vault = bench_vault(&vault_path, "福祉総務課", "bench", SEED);
    let report = fill_demo(
        &mut vault,
        households,
        SEED,
        kasane_demo::DemoLead::ThisAgency,
        &mut |_, _| {},
    )
    .expect("fill demo");
    let log_rows =
        report.households + report.persons + report.relations + report.cases + report.notes + report.consents;
    let log_time = report.seconds;

    let today = vault.ambient().clock.today();
    let city: Vec<DemoHousehold> = demo_city(&DemoConfig {
        households,
        seed: SEED,
        today,
    })
    .collect();
    let (bare_rows, bare_time) = bare_insert(&tmp.path().join("bare.db"), &city, true);
    let (plain_rows, plain_time) = bare_insert(&tmp.path().join("plain.db"), &city, false);
    println!(
        "Writes ({} households, {} persons, {} cases, {} contact-log entries, {} consents)",
        report.households, report.persons, report.cases, report.notes, report.consents
    );
    println!("  {:<44} {:>9} {:>10} {:>12}", "", "rows", "seconds", "rows/s");
    let line = |name: &str, rows: usize, secs: f64| {
        println!("  {:<44} {:>9} {:>10.2} {:>12.0}", name, rows, secs, rows as f64 / secs);
    };
    line("operation log (ops, state, search, audit)", log_rows, log_time);
    line(
        "bare SQL insert, same rows + trigram index",
        bare_rows,
        bare_time.as_secs_f64(),
    );
    line(
        "bare SQL insert, same rows, no search index",
        plain_rows,
        plain_time.as_secs_f64(),
    );
    let r1 = (log_rows as f64 / log_time) / (bare_rows as f64 / bare_time.as_secs_f64());
    let r2 = (log_rows as f64 / log_time) / (plain_rows as f64 / plain_time.as_secs_f64());
    println!(
        "  ratio log / bare with index: {r1:.2}× (goal ≥ 0.5×)   log / bare without index: {r2:.2}×   ({} ops, {:.0} ops/s)",
        report.ops,
        report.ops as f64 / log_time
    );
    // The log writes more records than the bare insert: every case also gets its plan, actions,
    // assessment and review cycle (the bare rows have none), so it stores more ops than rows.
    println!(
        "  the log stores {:.2} ops per bare row (plans, actions, assessments, case cycles); per op stored: {:.2}× the bare rows/s",
        report.ops as f64 / log_rows as f64,
        (report.ops as f64 / log_time) / (bare_rows as f64 / bare_time.as_secs_f64())
    );
    println!();

    // 2. Search latency per kind of query, on samples drawn from the city itself.
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let people: Vec<_> = city.iter().flat_map(|h| h.members.iter()).collect();
    let notes: Vec<&str> = city
        .iter()
        .flat_map(|h| h.cases.iter())
        .flat_map(|c| c.notes.iter())
        .map(|n| n.text.as_str())
        .collect();
    let sample = |rng: &mut rand_chacha::ChaCha8Rng, f: &dyn Fn(&kasane_demo::DemoPerson) -> String| -> Vec<String> {
        (0..200).map(|_| f(people[rng.gen_range(0..people.len())])).collect()
    };
    let words = [
        "通院",
        "デイサービス",
        "ケアマネ",
        "滞納",
        "民生委員",
        "食料支援",
        "登校",
        "地域包括",
        "家賃",
        "訪問した",
    ];
    let kinds: Vec<(&str, Vec<String>)> = vec![
        (
            "kanji name (family given)",
            sample(&mut rng, &|p| format!("{} {}", p.family_name, p.given_name)),
        ),
        ("kanji family name", sample(&mut rng, &|p| p.family_name.clone())),
        (
            "kana reading (hiragana)",
            sample(&mut rng, &|p| to_hiragana(&p.family_kana)),
        ),
        ("romaji", sample(&mut rng, &|p| kana_to_romaji(&p.family_kana))),
        (
            "1 character",
            sample(&mut rng, &|p| {
                p.given_name.chars().next().map(String::from).unwrap_or_default()
            }),
        ),
        (
            "2 characters",
            sample(&mut rng, &|p| p.family_name.chars().take(2).collect()),
        ),
        (
            "full text (contact log)",
            (0..200)
                .map(|i| {
                    if i % 2 == 0 {
                        words[i / 2 % words.len()].to_string()
                    } else {
                        let t = notes[rng.gen_range(0..notes.len())];
                        let chars: Vec<char> = t.chars().collect();
                        let start = rng.gen_range(0..chars.len().saturating_sub(6).max(1));
                        chars[start..(start + 5).min(chars.len())].iter().collect()
                    }
                })
                .collect(),
        ),
    ];
    println!("Search latency (200 queries each, after one warm-up pass)");
    println!(
        "  {:<28} {:>9} {:>9} {:>9} {:>10}",
        "query kind", "p50 ms", "p95 ms", "max ms", "avg hits"
    );
    let mut one_char_max = Duration::ZERO;
    for (name, queries) in &kinds {
        for q in queries.iter().take(20) {
            let _ = vault.search_quiet(q);
        }
        let mut times = Vec::new();
        let mut hits = 0usize;
        for q in queries {
            let t = Instant::now();
            hits += vault.search_quiet(q).expect("search").len();
            times.push(t.elapsed());
        }
        times.sort();
        if *name == "1 character" {
            one_char_max = *times.last().unwrap_or(&Duration::ZERO);
        }
        println!(
            "  {:<28} {:>9.2} {:>9.2} {:>9.2} {:>10.1}",
            name,
            ms(pct(&times, 0.5)),
            ms(pct(&times, 0.95)),
            ms(*times.last().unwrap_or(&Duration::ZERO)),
            hits as f64 / queries.len() as f64
        );
    }
    // A one- or two-character query reads the documents of the trigrams it begins in one pass
    // over that range of the index (before: one lookup per trigram and index segment); matches
    // are read newest first only until every kind has its 50; a search is one read transaction;
    // a hit loads its fields, not its ops' bookkeeping. Before: max 50–68 ms, p95 18–26 ms.
    println!(
        "  worst query kind (1 character): max {:.2} ms; goal ≤ 20 ms ({:.2}× of it)",
        ms(one_char_max),
        ms(one_char_max) / 20.0
    );
    println!("  (1–2 character terms: one pass over the index's trigram range, read newest first until 50 per kind)");
    println!();

    // 3. Meetings: proposing an agenda over every case, and a pack for two attendee agencies
    //    after 40 cases went on the agenda (each put there through the legal-basis gate).
    let mut partners: Vec<Vault> = ["生活福祉課", "高齢者いきいき課"]
        .iter()
        .enumerate()
        .map(|(i, name)| bench_vault(&tmp.path().join(format!("partner{i}")), name, "PC", 10 + i as u64))
        .collect();
    for p in &mut partners {
        let (mine, _) = vault.my_card().unwrap();
        let (theirs, _) = p.my_card().unwrap();
        let info = vault.import_card(&theirs).unwrap();
        vault.verify_card(info.site, &info.fingerprint).unwrap();
        let back = p.import_card(&mine).unwrap();
        p.verify_card(back.site, &back.fingerprint).unwrap();
    }
    let attendees: Vec<uuid::Uuid> = partners.iter().map(|p| p.identity().agency).collect();
    let meeting = shien_kaigi(&mut vault, attendees.clone());
    // Proposing: ranked, the best 20 with their reasons and the rest counted by reason (what
    // the meeting screen asks for), and widened to every proposal. Several runs: the first reads
    // pages the page cache does not hold yet.
    let mut ranked = Vec::new();
    let mut proposals = vault.propose_agenda(meeting, Some(kasane::PROPOSALS_SHOWN)).unwrap();
    for _ in 0..5 {
        let t = Instant::now();
        proposals = vault.propose_agenda(meeting, Some(kasane::PROPOSALS_SHOWN)).unwrap();
        ranked.push(t.elapsed());
    }
    ranked.sort();
    let t = Instant::now();
    let every = vault.propose_agenda(meeting, None).unwrap();
    let every_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    for p in every.shown.iter().take(40) {
        let reasons = p.reasons.iter().map(|r| r.code.to_string()).collect();
        vault.add_to_agenda(meeting, p.case, Some(10), reasons, None).unwrap();
    }
    let agenda_s = t.elapsed().as_secs_f64();
    let pack_dir = tmp.path().join("pack");
    let t = Instant::now();
    let pack = vault.export_meeting_pack(meeting, &pack_dir).unwrap();
    let pack_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let html = vault.print_meeting(meeting, kasane::PrintWhat::Pack(None), 1).unwrap();
    let print_s = t.elapsed().as_secs_f64();
    println!(
        "Meetings ({households} households, {} cases proposed, {} shown)",
        proposals.total,
        proposals.shown.len()
    );
    let (p50, max) = (ms(pct(&ranked, 0.5)), ms(*ranked.last().unwrap_or(&Duration::ZERO)));
    println!(
        "  {:<52} {:>9.1} ms   max {max:.1} of 5; goal ≤ 100 ms ({:.2}× of it)",
        format!("propose an agenda (ranked, best {} shown)", kasane::PROPOSALS_SHOWN),
        p50,
        p50 / 100.0
    );
    println!(
        "  {:<52} {:>9.1} ms   {:.2}× the ranked list",
        "propose, widened to every proposal",
        every_s * 1000.0,
        every_s * 1000.0 / p50.max(1e-9)
    );
    println!(
        "  {:<52} {:>9.1} ms",
        "put 40 cases on it (legal-basis gate, shares)",
        agenda_s * 1000.0
    );
    println!(
        "  {:<52} {:>9.1} ms   {} bundles, {} ops",
        "export the meeting pack",
        pack_s * 1000.0,
        pack.len(),
        pack.iter()
            .filter_map(|(_, r)| r.as_ref().ok())
            .map(|r| r.ops)
            .sum::<usize>()
    );
    // Each pack reads one household and one case through the (parent, type) index; before that
    // lookup had a statement of its own, every pack read every person, note and action of the
    // vault (9.8 s for 40).
    println!(
        "  {:<52} {:>9.1} ms   {} KB of HTML; goal ≤ 500 ms ({:.2}× of it)",
        "print the 40 prep packs",
        print_s * 1000.0,
        html.len() / 1024,
        print_s / 0.5
    );
    drop(partners);

    // The city as generated: most cases are led by other agencies, so most proposals wait on
    // their lead and the ranking reads each one's shares. Measured in a vault just opened (its
    // page cache empty, as after an unlock) and again once its pages are cached.
    let city_path = tmp.path().join("city");
    let mut city = bench_vault(&city_path, "福祉総務課", "city", SEED);
    fill_demo(
        &mut city,
        households,
        SEED,
        kasane_demo::DemoLead::AsGenerated,
        &mut |_, _| {},
    )
    .expect("fill the city as generated");
    let directory = city.agencies().unwrap();
    let invited: Vec<uuid::Uuid> = ["生活福祉課", "高齢者いきいき課"]
        .iter()
        .map(|n| {
            directory
                .iter()
                .find(|a| a.name == *n)
                .map(|a| a.id)
                .expect("on the city's list")
        })
        .collect();
    let city_meeting = shien_kaigi(&mut city, invited);
    drop(city);
    let city = VaultDir::open(&city_path)
        .map_err(kasane::Error::from)
        .and_then(|d| {
            d.unlock(
                Some("bench"),
                &SecretString::from(PASS.to_string()),
                Ambient::fixed(clock(), 1),
            )
        })
        .expect("reopen the city");
    let t = Instant::now();
    let first = city
        .propose_agenda(city_meeting, Some(kasane::PROPOSALS_SHOWN))
        .unwrap();
    let cold = t.elapsed();
    let mut warm: Vec<Duration> = (0..5)
        .map(|_| {
            let t = Instant::now();
            city.propose_agenda(city_meeting, Some(kasane::PROPOSALS_SHOWN))
                .unwrap();
            t.elapsed()
        })
        .collect();
    warm.sort();
    let waiting = first.rest.iter().find(|r| r.code == "ask-lead").map_or(0, |r| r.count);
    println!(
        "  {:<52} {:>9.1} ms   first after opening; {} proposed, {} of the rest wait on their lead",
        "propose, the city as generated (other leads)",
        ms(cold),
        first.total,
        waiting
    );
    println!(
        "  {:<52} {:>9.1} ms   p50 of 5 once cached; goal ≤ 100 ms ({:.2}× of it)",
        "",
        ms(pct(&warm, 0.5)),
        ms(pct(&warm, 0.5)) / 100.0
    );
    // The ranking reads every case, overdue action and share once, straight from their stored
    // fields into the few it needs (scan_fields): through whole records it took 222 ms and 354 ms
    // here (goal ≤ 100 ms); parsing and copying, not SQLite, was two thirds of it.
    println!("  (propose reads case, action and share fields narrow, once each; the case list too)");
    drop(city);
    println!();

    // Statistics: every table of a 年度, for each grouping, against reading the case list once
    // (every case record, the least any count over cases must read).
    let t = Instant::now();
    let all_cases = vault
        .cases(&kasane::CaseFilter {
            include_closed: true,
            ..Default::default()
        })
        .unwrap()
        .len();
    let list_s = t.elapsed().as_secs_f64();
    let fiscal = if today.month() >= 4 {
        today.year()
    } else {
        today.year() - 1
    };
    println!("Statistics ({households} households, {all_cases} cases; the 年度 beginning April {fiscal})");
    println!(
        "  {:<52} {:>9.1} ms",
        "read the case list once (baseline)",
        list_s * 1000.0
    );
    for by in ["none", "month", "district", "problem", "agency", "age-band"] {
        let q = kasane::StatsQuery::fiscal_year(fiscal, kasane::Grouping::parse(by).unwrap(), false).unwrap();
        let t = Instant::now();
        let stats = vault.statistics(&q).unwrap();
        let secs = t.elapsed().as_secs_f64();
        println!(
            "  {:<52} {:>9.1} ms   {:>5.1}× the case list, {} tables × {} columns",
            format!("every table, by {by}"),
            secs * 1000.0,
            secs / list_s.max(1e-9),
            stats.tables.len(),
            stats.columns.len()
        );
    }
    println!();

    // 4. Opening: with a KDF slot at the cheapest cost (≈ no KDF) and with the calibrated cost.
    vault
        .add_worker("calibrated", &SecretString::from(PASS.to_string()), KdfCost::Calibrated)
        .expect("calibrated worker");
    let calibrated_log_n = vault
        .workers()
        .iter()
        .find(|w| w.name == "calibrated")
        .map(|w| w.kdf_log_n)
        .unwrap_or(0);
    drop(vault);
    let open = |worker: &str, n: usize| -> Vec<Duration> {
        let mut t: Vec<Duration> = (0..n)
            .map(|_| {
                let s = Instant::now();
                let v = VaultDir::open(&vault_path)
                    .map_err(kasane::Error::from)
                    .and_then(|d| {
                        d.unlock(
                            Some(worker),
                            &SecretString::from(PASS.to_string()),
                            Ambient::fixed(clock(), 1),
                        )
                    })
                    .expect("unlock");
                let e = s.elapsed();
                drop(v);
                e
            })
            .collect();
        t.sort();
        t
    };
    let cheap = open("bench", 20);
    let full = open("calibrated", 5);
    println!("Open and unlock (vault of {households} households)");
    println!("  {:<44} {:>9} {:>9}", "", "p50 ms", "max ms");
    println!(
        "  {:<44} {:>9.1} {:>9.1}",
        "without KDF (scrypt 2^10, ~1 ms)",
        ms(pct(&cheap, 0.5)),
        ms(*cheap.last().unwrap_or(&Duration::ZERO))
    );
    println!(
        "  {:<44} {:>9.1} {:>9.1}",
        format!("with calibrated KDF (scrypt 2^{calibrated_log_n})"),
        ms(pct(&full, 0.5)),
        ms(*full.last().unwrap_or(&Duration::ZERO))
    );
    println!(
        "  ratio: {:.0}×",
        pct(&full, 0.5).as_secs_f64() / pct(&cheap, 0.5).as_secs_f64().max(1e-9)
    );
}
