//! The audit trail: views and changes are recorded, and editing the trail is detected.

use crate::support::*;

#[test]
fn views_and_changes_are_recorded_in_order() {
    let mut t = new_vault(51);
    let hh = household(&mut t.vault, "a", "b");
    t.vault.household_detail(hh).unwrap();
    t.vault.search("a").unwrap();
    let trail = t.vault.audit_trail().unwrap();
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["vault.create", "household.add", "household.view", "search"]);
    assert!(
        trail.iter().all(|e| e.worker == Some(t.vault.identity().worker)),
        "every entry names the worker"
    );
    assert_eq!(trail[2].target.as_deref(), Some(hh.to_string().as_str()));
}

#[test]
fn editing_or_removing_an_entry_is_detected() {
    let mut t = new_vault(52);
    for i in 0..5 {
        household(&mut t.vault, &format!("h{i}"), "x");
    }
    t.vault.audit_trail().expect("an untouched trail verifies");
    let sql = kasane::testing::sql(&t.vault);
    sql.execute("UPDATE audit SET action = 'nothing.to.see' WHERE seq = 3", [])
        .unwrap();
    let err = t.vault.audit_trail().expect_err("a changed entry must be detected");
    assert!(
        err.to_string().contains("entry 3"),
        "the message names the entry: {err}"
    );

    let mut t = new_vault(53);
    for i in 0..5 {
        household(&mut t.vault, &format!("h{i}"), "x");
    }
    kasane::testing::sql(&t.vault)
        .execute("DELETE FROM audit WHERE seq = 2", [])
        .unwrap();
    assert!(t.vault.audit_trail().is_err(), "a removed entry must be detected");
}

#[test]
fn listing_a_cases_contact_log_is_audited_once_naming_the_case() {
    let mut t = new_vault(53);
    let hh = household(&mut t.vault, "髙橋家", "鎌倉市大町");
    let c = case(&mut t.vault, hh, "8050");
    for internal in [false, true] {
        t.vault
            .add_note(kasane::NewNote {
                case: c,
                kind: kasane::NoteKind::Visit,
                text: "長男は自室".into(),
                date: None,
                internal,
                outreach: None,
            })
            .unwrap();
    }
    let before = t.vault.audit_trail().unwrap().len();
    let notes = t.vault.notes_of(c).unwrap();
    assert_eq!(notes.len(), 2, "the internal memo is listed too");
    let trail = t.vault.audit_trail().unwrap();
    assert_eq!(trail.len(), before + 1, "exactly one entry for reading the contact log");
    let e = trail.last().unwrap();
    assert_eq!(e.action, "note.list");
    assert_eq!(
        e.target.as_deref(),
        Some(c.to_string().as_str()),
        "the entry names the case"
    );
    assert_eq!(e.worker, Some(t.vault.identity().worker));
    assert!(
        !e.detail.as_deref().unwrap_or("").contains("長男"),
        "ids and counts, not the text"
    );

    // The case view lists the same log inside its own single view entry.
    t.vault.case_detail(c).unwrap();
    let trail = t.vault.audit_trail().unwrap();
    assert_eq!(trail.len(), before + 2);
    assert_eq!(trail.last().unwrap().action, "case.view");
}

/// The actions a list of entries names, in the order given.
fn actions(page: &kasane::AuditPage) -> Vec<&str> {
    page.entries.iter().map(|r| r.entry.action.as_str()).collect()
}

/// A trail over two local days and two workers: 山田 sets up on 2026-11-24 at 23:30 (JST) and
/// adds a household; at 00:30 on the 25th — still the 24th in UTC — opens a case, adds a
/// contact-log entry and views the case; then 佐藤 unlocks and views the household.
struct Trail {
    t: TestVault,
    household: uuid::Uuid,
    case: uuid::Uuid,
    sato: uuid::Uuid,
}

fn two_day_trail(seed: u64) -> Trail {
    let clock = kasane::FixedClock::new("2026-11-24T14:30:00Z".parse().expect("timestamp"));
    let mut t = agency_vault(seed, "福祉総務課", clock.clone());
    let household = household(&mut t.vault, "髙橋家", "鎌倉市大町");
    let sato = t
        .vault
        .add_worker("佐藤", &pass("sato passphrase"), kasane::KdfCost::Fixed(10))
        .expect("a second worker");
    clock.advance_ms(60 * 60 * 1000);
    let case = case(&mut t.vault, household, "8050");
    t.vault
        .add_note(kasane::NewNote {
            case,
            kind: kasane::NoteKind::Visit,
            text: "長男は自室".into(),
            date: None,
            internal: false,
            outreach: None,
        })
        .expect("a contact-log entry");
    t.vault.case_detail(case).expect("the case");
    clock.advance_ms(60 * 1000);
    let TestVault {
        _dir,
        path,
        vault,
        code,
    } = t;
    drop(vault);
    let vault = kasane::VaultDir::open(&path)
        .expect("the folder")
        .unlock(
            Some("佐藤"),
            &pass("sato passphrase"),
            kasane::Ambient::fixed(clock, seed + 100),
        )
        .expect("佐藤 unlocks");
    let mut t = TestVault {
        _dir,
        path,
        vault,
        code,
    };
    t.vault.household_detail(household).expect("the household");
    Trail {
        t,
        household,
        case,
        sato,
    }
}

#[test]
fn the_filtered_trail_is_newest_first_with_names_and_local_days() {
    let Trail { t, sato, .. } = two_day_trail(54);
    let all = t.vault.audit_entries(&kasane::AuditFilter::default()).unwrap();
    assert_eq!(all.total, t.vault.audit_trail().unwrap().len());
    assert_eq!(all.matching, all.total, "no filter: every entry");
    assert_eq!(
        actions(&all),
        [
            "household.view",
            "unlock",
            "case.view",
            "note.add",
            "case.open",
            "worker.add",
            "household.add",
            "vault.create"
        ],
        "newest first"
    );
    let seqs: Vec<i64> = all.entries.iter().map(|r| r.entry.seq).collect();
    assert!(seqs.windows(2).all(|w| w[0] > w[1]), "{seqs:?}");
    assert_eq!(all.entries[0].entry.worker, Some(sato));
    assert_eq!(
        all.entries[0].worker_name.as_deref(),
        Some("佐藤"),
        "the worker's name is resolved"
    );
    assert_eq!(all.entries[2].worker_name.as_deref(), Some("山田"));
    // 00:30 on the 25th in Japan is 15:30 on the 24th in UTC: the list uses the worker's day.
    let case_open = &all.entries[4];
    assert_eq!(case_open.day.to_string(), "2026-11-25");
    assert_eq!(case_open.time.to_string(), "00:30:00");
    assert_eq!(all.entries[7].day.to_string(), "2026-11-24");
    assert_eq!(all.entries[7].time.to_string(), "23:30:00");
    assert_eq!(all.entries[0].kind, kasane::AuditKind::View);
    assert_eq!(all.entries[1].kind, kasane::AuditKind::Open);
}

#[test]
fn each_filter_keeps_only_the_entries_it_names() {
    let Trail {
        t,
        household,
        case,
        sato,
    } = two_day_trail(55);
    let page = |f: kasane::AuditFilter| t.vault.audit_entries(&f).expect("a page of the trail");
    let day = |s: &str| Some(kasane::parse_date(s).expect("a date"));

    let on_25th = page(kasane::AuditFilter {
        from: day("2026-11-25"),
        ..Default::default()
    });
    assert_eq!(
        actions(&on_25th),
        ["household.view", "unlock", "case.view", "note.add", "case.open"],
        "from the 25th (local) on, though case.open was on the 24th in UTC"
    );
    let on_24th = page(kasane::AuditFilter {
        to: day("R8.11.24"),
        ..Default::default()
    });
    assert_eq!(actions(&on_24th), ["worker.add", "household.add", "vault.create"]);
    let one_day = page(kasane::AuditFilter {
        from: day("2026-11-25"),
        to: day("2026-11-25"),
        ..Default::default()
    });
    assert_eq!(one_day.matching, 5, "both ends are included");
    let none = page(kasane::AuditFilter {
        from: day("2026-11-26"),
        ..Default::default()
    });
    assert_eq!((none.matching, none.entries.len()), (0, 0));
    assert_eq!(none.total, on_25th.total, "the whole trail is still counted");

    let by_sato = page(kasane::AuditFilter {
        worker: Some(sato),
        ..Default::default()
    });
    assert_eq!(actions(&by_sato), ["household.view", "unlock"]);

    let views = page(kasane::AuditFilter {
        kind: Some(kasane::AuditKind::View),
        ..Default::default()
    });
    assert_eq!(actions(&views), ["household.view", "case.view"]);
    let households = page(kasane::AuditFilter {
        kind: Some(kasane::AuditKind::Household),
        ..Default::default()
    });
    assert_eq!(
        actions(&households),
        ["household.add"],
        "a view of a household is a view, not a change"
    );

    for prefix in ["case", "case.", " case. "] {
        let cases = page(kasane::AuditFilter {
            action: Some(prefix.into()),
            ..Default::default()
        });
        assert_eq!(actions(&cases), ["case.view", "case.open"], "action {prefix:?}");
    }
    let exact = page(kasane::AuditFilter {
        action: Some("case.open".into()),
        ..Default::default()
    });
    assert_eq!(actions(&exact), ["case.open"]);
    let partial_word = page(kasane::AuditFilter {
        action: Some("cas".into()),
        ..Default::default()
    });
    assert_eq!(partial_word.matching, 0, "a prefix ends at a dot");

    let about_case = page(kasane::AuditFilter {
        target: Some(format!(" {} ", case.to_string().to_uppercase())),
        ..Default::default()
    });
    assert_eq!(
        actions(&about_case),
        ["case.view", "note.add", "case.open"],
        "the case's id finds the entries naming it, and the contact-log entry added to it"
    );
    let about_household = page(kasane::AuditFilter {
        target: Some(household.to_string()),
        kind: Some(kasane::AuditKind::View),
        ..Default::default()
    });
    assert_eq!(actions(&about_household), ["household.view"], "filters combine");
    assert_eq!(about_household.entries[0].worker_name.as_deref(), Some("佐藤"));

    let backwards = t.vault.audit_entries(&kasane::AuditFilter {
        from: day("2026-11-25"),
        to: day("2026-11-24"),
        ..Default::default()
    });
    let err = kasane::Error::from(backwards.expect_err("a period ending before it starts is refused"));
    assert_eq!(err.kind(), kasane::Kind::BadInput);
    assert!(err.message_ja().contains("令和8年11月25日"), "{}", err.message_ja());
}

#[test]
fn pages_follow_each_other_without_gaps_or_repeats() {
    let Trail { t, .. } = two_day_trail(56);
    let all = t.vault.audit_entries(&kasane::AuditFilter::default()).unwrap();
    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let page = t
            .vault
            .audit_entries(&kasane::AuditFilter {
                limit: Some(3),
                offset,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(page.matching, all.matching, "every page counts every matching entry");
        assert!(page.entries.len() <= 3);
        if page.entries.is_empty() {
            break;
        }
        offset += page.entries.len();
        seen.extend(page.entries.into_iter().map(|r| r.entry.seq));
    }
    let every: Vec<i64> = all.entries.iter().map(|r| r.entry.seq).collect();
    assert_eq!(seen, every);
    let filtered = t
        .vault
        .audit_entries(&kasane::AuditFilter {
            action: Some("case".into()),
            limit: Some(1),
            offset: 1,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(actions(&filtered), ["case.open"], "the second page of a filtered list");
    assert_eq!(filtered.matching, 2);
}

#[test]
fn a_tampered_trail_is_refused_whatever_the_filter() {
    let Trail { t, .. } = two_day_trail(57);
    kasane::testing::sql(&t.vault)
        .execute("UPDATE audit SET detail = 'nothing happened' WHERE seq = 2", [])
        .unwrap();
    for filter in [
        kasane::AuditFilter::default(),
        // Only entries after the altered one, and none at all: the chain is still checked whole.
        kasane::AuditFilter {
            limit: Some(1),
            ..Default::default()
        },
        kasane::AuditFilter {
            kind: Some(kasane::AuditKind::Print),
            ..Default::default()
        },
    ] {
        let err = kasane::Error::from(
            t.vault
                .audit_entries(&filter)
                .expect_err("an altered trail is an error"),
        );
        assert_eq!(err.code(), "audit.damaged", "{filter:?}");
        assert!(err.to_string().contains("entry 2"), "names the entry: {err}");
    }
}

/// Every action code the engine writes (the first argument of each `audit`, `audit_now` and
/// `audit_read` call in src/) has a kind, so finding entries by kind misses none of them.
#[test]
fn every_action_the_engine_writes_has_a_kind() {
    let mut files = Vec::new();
    rust_files(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut codes = std::collections::BTreeSet::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("a source file");
        for call in [".audit(", "audit_now(", "audit_read("] {
            for (at, _) in text.match_indices(call) {
                codes.extend(first_argument_codes(&text[at + call.len()..]));
            }
        }
    }
    assert!(codes.len() > 40, "the action codes were found: {codes:?}");
    for must in [
        "case.open",
        "household.view",
        "bundle.import",
        "alert.op-id-reused",
        "print",
    ] {
        assert!(codes.contains(must), "{must} was found: {codes:?}");
    }
    let unsorted: Vec<&String> = codes
        .iter()
        .filter(|c| kasane::AuditKind::of(c) == kasane::AuditKind::Other)
        .collect();
    assert!(
        unsorted.is_empty(),
        "give these actions a kind in AuditKind::of: {unsorted:?}"
    );
    for k in kasane::AuditKind::ALL {
        assert_eq!(kasane::AuditKind::parse(k.code()).unwrap(), *k);
        assert_eq!(kasane::AuditKind::parse(k.label_ja()).unwrap(), *k);
    }
    assert!(kasane::AuditKind::parse("閲覧以外").is_err());
}

/// The string literals shaped like action codes in a call's first argument (up to its first
/// comma outside brackets): one, or two when the argument chooses between them.
fn first_argument_codes(rest: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut chars = rest.chars();
    let mut literal: Option<String> = None;
    while let Some(c) = chars.next() {
        if let Some(s) = literal.as_mut() {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => {
                    let s = literal.take().unwrap_or_default();
                    let code_like = !s.is_empty()
                        && s.split('.')
                            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c == '-'));
                    if code_like {
                        out.push(s);
                    }
                }
                _ => s.push(c),
            }
            continue;
        }
        match c {
            '"' => literal = Some(String::new()),
            '(' | '{' | '[' => depth += 1,
            ')' | '}' | ']' if depth == 0 => break,
            ')' | '}' | ']' => depth -= 1,
            ',' if depth == 0 => break,
            _ => {}
        }
    }
    out
}

#[test]
fn a_printout_saved_as_a_file_is_logged_and_never_goes_inside_the_vault_folder() {
    let mut t = new_vault(53);
    let inside = t.path.join("forms");
    std::fs::create_dir_all(&inside).unwrap();
    for folder in [t.path.clone(), inside] {
        let e = t.vault.check_printout_folder(&folder).unwrap_err();
        assert_eq!(
            e.kind(),
            kasane::Kind::Refused,
            "{} is in the vault folder, which every copy of the vault carries: {e}",
            folder.display()
        );
    }
    let elsewhere = tempfile::tempdir().unwrap();
    t.vault
        .check_printout_folder(elsewhere.path())
        .expect("a folder outside the vault takes the file");
    t.vault
        .check_printout_folder(&elsewhere.path().join("not-yet"))
        .expect("a folder that does not exist is for the write itself to report");
    let file = elsewhere.path().join("支援プラン.pdf");
    t.vault.printout_saved("支援プラン 第1版", &file).unwrap();
    let trail = t.vault.audit_trail().unwrap();
    let last = trail.last().expect("an entry");
    assert_eq!(last.action, "print.pdf", "the file leaving the vault is logged");
    assert!(
        last.detail
            .as_deref()
            .is_some_and(|d| d.contains("支援プラン 第1版") && d.contains("支援プラン.pdf")),
        "the entry names the form and where it went: {:?}",
        last.detail
    );
    assert_eq!(kasane::AuditKind::of("print.pdf"), kasane::AuditKind::Print);
}
