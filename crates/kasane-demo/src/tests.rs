//! Tests for the synthetic city: determinism, proportions, family coherence, reference codes
//! and note hygiene, checked over whole generated cities with fixed seeds.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

use jiff::civil::{Date, date};

use super::{DemoConfig, DemoHousehold, city, names, places, specs};

const TODAY: Date = date(2026, 3, 10);
const DOMAIN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/domain");

fn config(households: usize, seed: u64) -> DemoConfig {
    DemoConfig {
        households,
        seed,
        today: TODAY,
    }
}

fn sample(households: usize, seed: u64) -> Vec<DemoHousehold> {
    city(&config(households, seed)).collect()
}

/// First column of a reference TSV, header skipped.
fn codes(file: &str) -> HashSet<String> {
    let path = format!("{DOMAIN}/{file}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

fn birth_year(birth: &str) -> i32 {
    birth[..4].parse().expect("birth year")
}

fn age(h: &DemoHousehold, i: usize) -> i32 {
    i32::from(TODAY.year()) - birth_year(&h.members[i].birth)
}

fn is_katakana(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| ('\u{30A1}'..='\u{30FA}').contains(&c) || c == 'ー')
}

fn has_rel(h: &DemoHousehold, a: usize, b: usize, kind: &str) -> bool {
    h.relations.iter().any(|r| r.kind == kind && r.a == a && r.b == b)
}

fn partner_of_head(h: &DemoHousehold, i: usize) -> bool {
    h.relations
        .iter()
        .any(|r| r.kind == "partner" && ((r.a == 0 && r.b == i) || (r.a == i && r.b == 0)))
}

#[test]
fn same_seed_same_city_and_streams_by_index() {
    let a = sample(300, 42);
    let b = sample(300, 42);
    assert_eq!(a, b);
    // A shorter city is a prefix of a longer one: households do not depend on the total.
    let prefix = sample(120, 42);
    assert_eq!(prefix[..], a[..120]);
    let other = sample(300, 43);
    assert_ne!(a, other);
    let differing = a.iter().zip(&other).filter(|(x, y)| x != y).count();
    assert!(differing > 290, "only {differing} households differ");
}

#[test]
fn different_today_shifts_dates_not_structure_randomly() {
    let mut later = config(50, 42);
    later.today = date(2027, 1, 1);
    let a = sample(50, 42);
    let b: Vec<_> = city(&later).collect();
    assert_ne!(a, b);
    for h in &b {
        for c in &h.cases {
            assert!(c.opened <= later.today);
        }
    }
}

#[test]
fn proportions_over_two_thousand_households() {
    let city = sample(2000, 2024);
    let people: usize = city.iter().map(|h| h.members.len()).sum();
    let per_household = people as f64 / city.len() as f64;
    assert!(
        (2.2..=2.9).contains(&per_household),
        "members/household {per_household}"
    );

    let with_case = city.iter().filter(|h| !h.cases.is_empty()).count();
    let share = with_case as f64 / city.len() as f64;
    assert!((0.44..=0.58).contains(&share), "households with a case {share}");

    let cases: Vec<_> = city.iter().flat_map(|h| &h.cases).collect();
    let notes: usize = cases.iter().map(|c| c.notes.len()).sum();
    let per_case = notes as f64 / cases.len() as f64;
    assert!((8.5..=11.5).contains(&per_case), "notes/case {per_case}");

    let two = city.iter().filter(|h| h.cases.len() == 2).count();
    assert!(two > 10 && two < with_case / 5, "two-case households {two}");
    assert!(city.iter().all(|h| h.cases.len() <= 2));

    let closed = cases.iter().filter(|c| c.status == "closed").count();
    let closed_share = closed as f64 / cases.len() as f64;
    assert!((0.10..=0.20).contains(&closed_share), "closed {closed_share}");
    for status in ["intake", "assessment", "planning", "active"] {
        assert!(cases.iter().any(|c| c.status == status), "no {status} case");
    }
    for risk in ["low", "medium", "high", "urgent"] {
        assert!(cases.iter().any(|c| c.risk == risk), "no {risk} case");
    }

    let all_notes: Vec<_> = cases.iter().flat_map(|c| &c.notes).collect();
    let internal = all_notes.iter().filter(|n| n.internal).count() as f64 / notes as f64;
    assert!((0.07..=0.13).contains(&internal), "internal {internal}");
    for kind in ["visit", "office", "phone", "email", "meeting", "accompany", "other"] {
        assert!(all_notes.iter().any(|n| n.kind == kind), "no {kind} note");
    }

    let persons: Vec<_> = city.iter().flat_map(|h| &h.members).collect();
    let unusual = persons
        .iter()
        .filter(|p| p.sex == "other" || p.sex == "unanswered")
        .count() as f64
        / persons.len() as f64;
    assert!(unusual > 0.002 && unusual < 0.02, "other/unanswered {unusual}");
    let old: Vec<_> = persons.iter().filter(|p| birth_year(&p.birth) < 1950).collect();
    let partial = old.iter().filter(|p| p.birth.len() < 10).count() as f64 / old.len() as f64;
    assert!((0.12..=0.28).contains(&partial), "partial pre-1950 births {partial}");
    assert!(
        persons
            .iter()
            .all(|p| p.birth.len() == 10 || birth_year(&p.birth) < 1950)
    );
    let deceased = persons.iter().filter(|p| p.deceased.is_some()).count() as f64 / persons.len() as f64;
    assert!(deceased > 0.002 && deceased < 0.05, "deceased {deceased}");

    println!(
        "members/household {per_household:.3}, case share {share:.3}, notes/case {per_case:.2}, \
         two-case {two}, closed {closed_share:.3}, internal {internal:.3}, \
         other/unanswered {unusual:.4}, partial old births {partial:.3}, deceased {deceased:.4}"
    );
    let with_phone = city.iter().filter(|h| h.phone.is_some()).count();
    assert!(with_phone > 1600 && with_phone < 1950);
    let flats = city.iter().filter(|h| h.address.contains('号')).count();
    assert!(flats > 300 && flats < 900, "flats {flats}");

    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for h in &city {
        *kinds.entry(h.scenario).or_default() += 1;
    }
    for kind in [
        "elderly-alone",
        "rorou-kaigo",
        "hachimaru-gomaru",
        "double-care",
        "young-carer",
        "single-parent",
        "hikikomori",
        "poverty",
        "dementia",
        "child-abuse",
        "elder-abuse",
    ] {
        assert!(kinds.get(kind).copied().unwrap_or(0) >= 5, "{kind}: {kinds:?}");
    }
    // Older people alone or as couples are the most common kind of case.
    let elderly = kinds["elderly-alone"];
    assert!(
        kinds.iter().filter(|(k, _)| **k != "none").all(|(_, &n)| n <= elderly),
        "{kinds:?}"
    );

    let districts: HashSet<_> = city.iter().map(|h| h.district).collect();
    assert_eq!(districts.len(), places::DISTRICTS.len());
}

#[test]
fn every_code_is_in_the_reference_tables() {
    let districts = codes("districts-kamakura.tsv");
    let problems = codes("problem-taxonomy.tsv");
    let agencies = codes("agencies-kamakura.tsv");
    assert!(districts.len() == 9 && problems.len() > 30 && agencies.len() > 20);
    for d in places::DISTRICTS {
        assert!(districts.contains(d.code), "{}", d.code);
    }
    for s in specs::ALL {
        assert!(problems.contains(s.code), "{}", s.code);
        for (c, _) in s.extra {
            assert!(problems.contains(*c), "{c}");
        }
        for (_, c) in s.conditions {
            assert!(c.is_empty() || problems.contains(*c), "{c}");
        }
        for (a, _) in s.leads {
            assert!(agencies.contains(*a), "{a}");
        }
        for a in s.supports {
            assert!(agencies.contains(*a), "{a}");
        }
    }
    for h in sample(2000, 7) {
        assert!(districts.contains(h.district));
        assert!(h.scenario == "none" || problems.contains(h.scenario), "{}", h.scenario);
        for c in &h.cases {
            assert!(agencies.contains(c.lead_agency));
            for p in &c.problems {
                assert!(problems.contains(*p), "{p}");
            }
            for n in &c.notes {
                assert!(agencies.contains(n.agency), "{}", n.agency);
            }
        }
    }
}

#[test]
fn tables_are_big_enough_and_readings_katakana() {
    let (surnames, male, female) = names::table_sizes();
    assert!(surnames >= 120, "{surnames} surnames");
    assert!(male >= 60 && female >= 60, "{male} male, {female} female given names");
    for r in names::all_readings() {
        assert!(is_katakana(r), "{r}");
    }
    for s in specs::ALL {
        for pool in [s.titles, s.intake, s.observe, s.plan, s.accompany, s.close] {
            assert!(!pool.is_empty(), "{} has an empty pool", s.code);
        }
        assert!(!s.conditions.is_empty() && !s.leads.is_empty() && !s.supports.is_empty());
        // Every kind needs a title that works without C (often absent) or an age band.
        assert!(
            s.titles.iter().any(|t| !t.contains("{C") && !t.starts_with('[')),
            "{}",
            s.code
        );
    }
}

#[test]
fn persons_are_well_formed() {
    let variants = ["髙橋", "齋藤", "齊藤", "斉藤", "渡邊", "渡邉", "山﨑", "濱田", "澤田"];
    let mut seen_variant = HashSet::new();
    let mut kana_given = 0;
    for h in sample(2000, 11) {
        assert!(!h.members.is_empty());
        assert!(h.label.starts_with(h.members[0].family_name.as_str()), "{}", h.label);
        for (i, p) in h.members.iter().enumerate() {
            assert!(is_katakana(&p.family_kana), "{}", p.family_kana);
            assert!(is_katakana(&p.given_kana), "{}", p.given_kana);
            assert!(!p.family_name.is_empty() && !p.given_name.is_empty());
            assert!(["female", "male", "other", "unanswered"].contains(&p.sex));
            assert_eq!(i == 0, p.relation == "本人");
            assert!(p.birth.len() == 4 || p.birth.len() == 7 || p.birth.len() == 10);
            if p.birth.len() == 10 {
                let d: Date = p.birth.parse().expect("ISO birth date");
                assert!(d <= TODAY);
            }
            if let Some(d) = &p.deceased {
                let d: Date = d.parse().expect("ISO death date");
                assert!(d < TODAY && !p.living_together);
                assert!(i32::from(d.year()) - birth_year(&p.birth) >= 50);
            }
            if variants.contains(&p.family_name.as_str()) {
                seen_variant.insert(p.family_name.clone());
            }
            if p.given_name.chars().all(|c| !('\u{4E00}'..='\u{9FFF}').contains(&c)) {
                kana_given += 1;
            }
        }
        assert!(h.address.starts_with("鎌倉市"));
        let district = places::DISTRICTS
            .iter()
            .find(|d| d.code == h.district)
            .expect("district");
        let rest = &h.address["鎌倉市".len()..];
        // Longest match, so 七里ガ浜東 is not taken for 七里ガ浜 and 今泉台 not for 今泉.
        let town = district
            .towns
            .iter()
            .filter(|t| rest.starts_with(t.name))
            .max_by_key(|t| t.name.len())
            .unwrap_or_else(|| panic!("{} not in {}", h.address, h.district));
        let after = &rest[town.name.len()..];
        assert!(
            after.starts_with(|c: char| c.is_ascii_digit() || "一二三四五六七".contains(c)),
            "{}",
            h.address
        );
        if let Some(phone) = &h.phone {
            let ok = phone.starts_with("0467-0") && phone.len() == 12
                || (phone.starts_with("090-0") || phone.starts_with("080-0") || phone.starts_with("070-0"))
                    && phone.len() == 13;
            assert!(ok, "{phone}");
        }
    }
    assert!(seen_variant.len() >= 5, "{seen_variant:?}");
    assert!(kana_given > 20, "{kana_given} kana given names");
}

#[test]
fn families_are_coherent() {
    let male_words = ["長男", "次男", "三男", "夫", "父", "義父", "兄", "弟"];
    let female_words = ["長女", "次女", "三女", "妻", "母", "義母", "姉", "妹"];
    let child_words = ["長男", "次男", "三男", "長女", "次女", "三女"];
    let mut shared = 0usize;
    let mut total = 0usize;
    for h in sample(2000, 99) {
        let n = h.members.len();
        for r in &h.relations {
            assert!(r.a < n && r.b < n && r.a != r.b);
            match r.kind {
                "parent-child" => {
                    assert!(r.status.is_none());
                    let gap = birth_year(&h.members[r.b].birth) - birth_year(&h.members[r.a].birth);
                    assert!(gap >= 16, "{}: parent-child gap {gap}", h.scenario);
                }
                "partner" => {
                    let s = r.status.expect("partner status");
                    assert!(["married", "cohabiting", "separated", "divorced"].contains(&s));
                    let gap = (age(&h, r.a) - age(&h, r.b)).abs();
                    assert!(gap <= 15, "{}: partner gap {gap}", h.scenario);
                }
                other => panic!("relation kind {other}"),
            }
        }
        let head_age = age(&h, 0);
        for (i, p) in h.members.iter().enumerate().skip(1) {
            let rel = p.relation;
            if p.sex == "male" {
                assert!(!female_words.contains(&rel), "{rel} is male");
            }
            if p.sex == "female" {
                assert!(!male_words.contains(&rel), "{rel} is female");
            }
            let a = age(&h, i);
            match rel {
                r if child_words.contains(&r) => {
                    assert!(has_rel(&h, 0, i, "parent-child"), "{} {r}", h.scenario);
                    assert!(a <= head_age - 16);
                }
                "父" | "母" => {
                    assert!(has_rel(&h, i, 0, "parent-child"));
                    assert!(a >= head_age + 16);
                }
                "義父" | "義母" => assert!(a > head_age),
                "孫" => assert!(a <= head_age - 32),
                "兄" | "姉" => assert!(a > head_age),
                "弟" | "妹" => assert!(a < head_age),
                "妻" | "夫" => assert!(partner_of_head(&h, i)),
                "同居人" => {}
                other => panic!("unexpected relation {other}"),
            }
            total += 1;
            if p.family_name == h.members[0].family_name {
                shared += 1;
            }
        }
        // Children are numbered in birth order per sex.
        for words in [["長男", "次男", "三男"], ["長女", "次女", "三女"]] {
            let ages: Vec<i32> = words
                .iter()
                .filter_map(|w| h.members.iter().position(|m| m.relation == *w))
                .map(|i| age(&h, i))
                .collect();
            assert!(ages.windows(2).all(|w| w[0] >= w[1]), "{ages:?}");
        }
    }
    let share = shared as f64 / total as f64;
    assert!((0.75..0.97).contains(&share), "shared surname {share}");
}

fn of_kind(scenario: &str) -> Vec<DemoHousehold> {
    let found: Vec<_> = city(&config(6000, 5)).filter(|h| h.scenario == scenario).collect();
    assert!(found.len() >= 20, "{scenario}: only {}", found.len());
    found
}

fn living(h: &DemoHousehold) -> impl Iterator<Item = usize> + '_ {
    (0..h.members.len()).filter(|&i| h.members[i].living_together)
}

#[test]
fn hachimaru_parents_and_children() {
    for h in of_kind("hachimaru-gomaru") {
        let ok = h.relations.iter().any(|r| {
            r.kind == "parent-child"
                && h.members[r.a].living_together
                && h.members[r.b].living_together
                && (75..=90).contains(&age(&h, r.a))
                && (45..=60).contains(&age(&h, r.b))
        });
        assert!(ok, "{h:#?}");
        assert!(h.cases[0].problems.contains(&"hachimaru-gomaru"));
    }
}

#[test]
fn young_carers_live_with_someone_who_needs_care() {
    let care = [
        "disability-mental",
        "disability-physical",
        "addiction",
        "dementia",
        "care-need",
    ];
    for h in of_kind("young-carer") {
        let carer = living(&h).find(|&i| (10..18).contains(&age(&h, i)));
        let carer = carer.unwrap_or_else(|| panic!("{h:#?}"));
        let parent = h
            .relations
            .iter()
            .any(|r| r.kind == "parent-child" && r.b == carer && h.members[r.a].living_together);
        assert!(parent, "{h:#?}");
        assert!(living(&h).any(|i| age(&h, i) >= 28));
        let problems = &h.cases[0].problems;
        assert_eq!(problems[0], "young-carer");
        assert!(problems.iter().any(|p| care.contains(p)), "{problems:?}");
    }
}

#[test]
fn double_care_has_small_children_and_an_elder() {
    for h in of_kind("double-care") {
        let elder = (0..h.members.len()).find(|&i| age(&h, i) >= 65 && h.members[i].deceased.is_none());
        let elder = elder.unwrap_or_else(|| panic!("{h:#?}"));
        let kid = living(&h).find(|&i| age(&h, i) <= 12);
        let kid = kid.unwrap_or_else(|| panic!("{h:#?}"));
        // The carer is the child of the elder (or married to that child) and a parent of the kid.
        let carer = h
            .relations
            .iter()
            .filter(|r| r.kind == "parent-child" && r.b == kid)
            .map(|r| r.a)
            .find(|&c| {
                has_rel(&h, elder, c, "parent-child")
                    || h.relations.iter().any(|r| {
                        r.kind == "partner"
                            && (r.a == c || r.b == c)
                            && has_rel(&h, elder, if r.a == c { r.b } else { r.a }, "parent-child")
                    })
            });
        assert!(carer.is_some(), "{h:#?}");
    }
}

#[test]
fn elderly_households_are_elderly() {
    for h in of_kind("elderly-alone") {
        assert!(living(&h).all(|i| age(&h, i) >= 65), "{h:#?}");
        assert!(living(&h).count() <= 2);
    }
    for h in of_kind("rorou-kaigo") {
        let both = h.relations.iter().any(|r| {
            r.kind == "partner"
                && h.members[r.a].living_together
                && h.members[r.b].living_together
                && age(&h, r.a) >= 65
                && age(&h, r.b) >= 65
        });
        assert!(both, "{h:#?}");
    }
    for h in of_kind("dementia") {
        assert!(age(&h, 0) >= 75);
    }
}

#[test]
fn single_parents_and_abused_children() {
    for h in of_kind("single-parent") {
        assert!(!h.relations.iter().any(|r| r.kind == "partner"), "{h:#?}");
        let kids: Vec<_> = living(&h)
            .filter(|&i| has_rel(&h, 0, i, "parent-child") && age(&h, i) <= 18)
            .collect();
        assert!(!kids.is_empty(), "{h:#?}");
    }
    for h in of_kind("child-abuse") {
        assert!(living(&h).any(|i| age(&h, i) < 18));
        assert!(matches!(h.cases[0].risk, "medium" | "high" | "urgent" | "low"));
    }
}

#[test]
fn cases_and_notes_are_consistent() {
    let mut texts = HashSet::new();
    let mut total = 0usize;
    let mut corpus = String::new();
    for h in sample(2000, 3) {
        if h.scenario == "none" {
            assert!(h.cases.is_empty() && h.consents.is_empty());
        } else {
            assert!(!h.cases.is_empty());
            assert_eq!(h.cases[0].problems[0], h.scenario);
        }
        for c in &h.cases {
            assert!(!c.title.is_empty() && !c.title.contains('{'), "{}", c.title);
            assert!((1..=4).contains(&c.problems.len()));
            let unique: HashSet<_> = c.problems.iter().collect();
            assert_eq!(unique.len(), c.problems.len());
            assert!(["intake", "assessment", "planning", "active", "closed"].contains(&c.status));
            assert!(["low", "medium", "high", "urgent"].contains(&c.risk));
            assert!(c.opened <= TODAY);
            // Only closed cases go back further: some closed long ago, past their retention.
            let back = if c.status == "closed" {
                super::casework::OLD_CLOSED_DAYS.1
            } else {
                3 * 366
            };
            assert!(c.opened >= TODAY.saturating_sub(jiff::Span::new().days(back)));
            assert_eq!(c.next_review.is_none(), c.status == "closed");
            if let Some(r) = c.next_review {
                assert!(r >= c.opened);
                assert!(r <= TODAY.saturating_add(jiff::Span::new().days(90)));
            }
            assert!(!c.notes.is_empty());
            assert_eq!(c.notes[0].date, c.opened);
            assert!(c.notes.windows(2).all(|w| w[0].date <= w[1].date));
            for n in &c.notes {
                assert!(n.date >= c.opened && n.date <= TODAY);
                assert!(["visit", "office", "phone", "email", "meeting", "accompany", "other"].contains(&n.kind));
                assert!(!n.text.contains('{') && !n.text.contains('}') && !n.text.contains('['));
                assert!(n.text.ends_with('。'), "{}", n.text);
                let sentences = n.text.matches('。').count();
                assert!((1..=4).contains(&sentences), "{}", n.text);
                let parts: Vec<_> = n.text.split('。').filter(|p| !p.is_empty()).collect();
                let unique: HashSet<_> = parts.iter().collect();
                assert_eq!(unique.len(), parts.len(), "repeated sentence: {}", n.text);
                total += 1;
                texts.insert(n.text.clone());
                corpus.push_str(&n.text);
            }
        }
        for k in &h.consents {
            assert!(k.person < h.members.len());
            assert!(k.date <= TODAY);
            assert!(["書面", "口頭"].contains(&k.how));
            assert!(!k.scope.is_empty());
            if let Some(w) = k.withdrawn {
                assert!(w > k.date && w <= TODAY);
            }
            let opened: Vec<_> = h.cases.iter().map(|c| c.opened).collect();
            assert!(opened.iter().any(|&o| k.date >= o));
        }
    }
    let distinct = texts.len() as f64 / total as f64;
    assert!(distinct > 0.85, "distinct note texts {distinct}");
    for word in [
        "通院",
        "滞納",
        "家賃",
        "学校",
        "登校",
        "デイサービス",
        "ケアマネ",
        "地域包括",
        "民生委員",
        "食料支援",
        "ヤングケアラー",
        "ひきこもり",
        "認知症",
        "生活保護",
    ] {
        assert!(corpus.contains(word), "no {word} in notes");
    }
}

#[test]
fn consents_exist_for_most_cases() {
    let city = sample(2000, 17);
    let with_case: Vec<_> = city.iter().filter(|h| !h.cases.is_empty()).collect();
    let with_consent = with_case.iter().filter(|h| !h.consents.is_empty()).count();
    assert!(
        with_consent * 10 > with_case.len() * 8,
        "{with_consent}/{}",
        with_case.len()
    );
    let withdrawn = city
        .iter()
        .flat_map(|h| &h.consents)
        .filter(|k| k.withdrawn.is_some())
        .count();
    assert!(withdrawn > 0);
}

#[test]
fn serialises_dates_as_iso_strings() {
    let h = city(&config(400, 1))
        .find(|h| !h.cases.is_empty())
        .expect("a household with a case");
    let json = serde_json::to_value(&h).expect("json");
    let opened = json["cases"][0]["opened"].as_str().expect("opened string");
    assert_eq!(opened, h.cases[0].opened.to_string());
    assert_eq!(json["members"][0]["relation"], "本人");
}

#[test]
fn scenario_mix_prints_for_humans() {
    let mut kinds: HashMap<&str, usize> = HashMap::new();
    for h in sample(2000, 2024) {
        *kinds.entry(h.scenario).or_default() += 1;
    }
    let mut sorted: Vec<_> = kinds.into_iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    println!("{sorted:?}");
    assert!(sorted.len() >= 20);
}

/// Run with `cargo test --release -- --nocapture generation_time` to see the number.
#[test]
fn generation_time_for_ten_thousand_households() {
    let start = Instant::now();
    let mut households = 0usize;
    let mut cases = 0usize;
    let mut notes = 0usize;
    let mut people = 0usize;
    for h in city(&config(10_000, 1)) {
        households += 1;
        people += h.members.len();
        cases += h.cases.len();
        notes += h.cases.iter().map(|c| c.notes.len()).sum::<usize>();
    }
    let elapsed = start.elapsed();
    println!("generated {households} households, {people} people, {cases} cases, {notes} notes in {elapsed:?}");
    assert_eq!(households, 10_000);
}

#[test]
fn entries_fall_on_working_days_and_match_their_kind() {
    let mut checked = 0;
    for h in sample(1500, 23) {
        let mut names = HashSet::new();
        for m in &h.members {
            assert!(
                names.insert(m.given_name.as_str()),
                "two members named {}",
                m.given_name
            );
        }
        for c in &h.cases {
            // Only a newborn's case may open on the (closed) day of birth.
            let birthday = h.members.iter().any(|m| m.birth == c.opened.to_string());
            assert!(!super::casework::office_closed(c.opened) || birthday, "{}", c.opened);
            let first = &c.notes[0];
            let opening = first.text.split('。').next().unwrap_or("");
            if opening.contains("来所") {
                assert_eq!(first.kind, "office", "{}", first.text);
            } else if opening.contains("電話") {
                assert_eq!(first.kind, "phone", "{}", first.text);
            }
            for n in &c.notes {
                // A closing date never moves before the opening day, so only that day may be off.
                assert!(
                    !super::casework::office_closed(n.date) || n.date == c.opened,
                    "{}",
                    n.date
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 5000);
}
