//! Japanese search: kanji, kana in every width, romaji, name variants, addresses, contact-log
//! text, and one- and two-character queries.

use kasane::{NewNote, NoteKind, Vault};

use crate::support::*;

fn city() -> TestVault {
    let mut t = new_vault(41);
    let v = &mut t.vault;
    let h1 = household(v, "高橋家", "鎌倉市材木座三丁目4-12");
    person(v, h1, "高橋", "一郎", "タカハシ", "イチロウ", "S15", "本人");
    let h2 = household(v, "齋藤家", "鎌倉市雪ノ下一丁目2-3");
    person(v, h2, "齋藤", "花子", "さいとう", "はなこ", "1950-03", "本人");
    let h3 = household(v, "渡邊家", "鎌倉市大船二丁目5-6");
    person(v, h3, "渡邊", "翔太", "ワタナベ", "ショウタ", "2010-04-01", "本人");
    let h4 = household(v, "山﨑家", "鎌倉市腰越1-1");
    let p4 = person(v, h4, "山﨑", "誠", "やまざき", "まこと", "1975", "本人");
    let _ = p4;
    let c = case(v, h1, "8050");
    v.add_note(NewNote {
        case: c,
        kind: NoteKind::Visit,
        text: "長男は自室から出てこず、母が食事を部屋の前に置いている。".into(),
        date: None,
        internal: false,
        outreach: None,
    })
    .unwrap();
    t
}

fn labels(v: &Vault, q: &str) -> Vec<String> {
    v.search_quiet(q).unwrap().into_iter().map(|h| h.label).collect()
}

fn finds(v: &Vault, q: &str, expected: &str) {
    let got = labels(v, q);
    assert!(
        got.iter().any(|l| l.contains(expected)),
        "searching {q:?} should find {expected:?}; got {got:?}"
    );
}

#[test]
fn name_variants_fold_both_ways() {
    let t = city();
    let v = &t.vault;
    finds(v, "髙橋", "高橋 一郎");
    for q in ["斎藤", "齊藤", "斉藤", "齋藤"] {
        finds(v, q, "齋藤 花子");
    }
    for q in ["渡辺", "渡邉", "渡邊"] {
        finds(v, q, "渡邊 翔太");
    }
    finds(v, "山崎", "山﨑 誠");
}

#[test]
fn kana_in_any_script_and_width_and_romaji_find_the_person() {
    let t = city();
    let v = &t.vault;
    for q in ["たかはし", "タカハシ", "ﾀｶﾊｼ", "Takahashi", "TAKAHASHI", "takahasi"] {
        finds(v, q, "高橋 一郎");
    }
    for q in ["saito", "Saitou", "Saitoh", "さいとう はなこ", "hanako"] {
        finds(v, q, "齋藤 花子");
    }
    finds(v, "shouta", "渡邊 翔太");
    finds(v, "Shota", "渡邊 翔太");
    finds(v, "Yamazaki Makoto", "山﨑 誠");
}

#[test]
fn addresses_and_contact_log_text_are_searched() {
    let t = city();
    let v = &t.vault;
    finds(v, "材木座", "高橋家");
    finds(v, "雪ノ下", "齋藤家");
    finds(v, "0467-22", "高橋家");
    let hits = v.search_quiet("食事を部屋").unwrap();
    assert!(
        hits.iter().any(|h| h.kind == "note"),
        "full-text search reaches the contact log"
    );
}

#[test]
fn one_and_two_character_queries_work() {
    let t = city();
    let v = &t.vault;
    finds(v, "誠", "山﨑 誠");
    finds(v, "高", "高橋 一郎");
    finds(v, "髙", "高橋 一郎");
    finds(v, "花子", "齋藤 花子");
    finds(v, "大船", "渡邊家");
    let notes: Vec<_> = v
        .search_quiet("自室")
        .unwrap()
        .into_iter()
        .filter(|h| h.kind == "note")
        .collect();
    assert_eq!(notes.len(), 1, "a two-character query reaches the contact log too");
    assert!(labels(v, "鈴").is_empty(), "no false hits");
}

#[test]
fn several_terms_must_all_match() {
    let t = city();
    let v = &t.vault;
    assert_eq!(labels(v, "高橋 一郎").first().map(String::as_str), Some("高橋 一郎"));
    assert!(
        !labels(v, "高橋 花子").iter().any(|l| l.contains("人")),
        "terms are combined with AND"
    );
    assert!(labels(v, "高橋 花子").is_empty());
    assert!(
        labels(v, "   ").is_empty(),
        "a blank query returns nothing rather than everything"
    );
}

#[test]
fn search_results_follow_edits() {
    let mut t = city();
    let id = t.vault.search_quiet("渡邊").unwrap()[0].id;
    t.vault
        .update_person(
            id,
            kasane::PersonUpdate {
                family_name: Some("鈴木".into()),
                family_kana: Some("スズキ".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(
        labels(&t.vault, "渡辺").iter().all(|l| !l.contains("翔太")),
        "the old name no longer matches"
    );
    finds(&t.vault, "suzuki", "鈴木 翔太");
}

/// Names people write with long vowels in every way 現代仮名遣い and katakana allow.
fn long_vowel_city() -> TestVault {
    let mut t = new_vault(43);
    let v = &mut t.vault;
    let h1 = household(v, "佐藤家", "鎌倉市小町一丁目5番9号");
    person(v, h1, "佐藤", "京子", "サトウ", "キョーコ", "S30", "本人");
    let h2 = household(v, "大野家", "鎌倉市二階堂1-2-3");
    person(v, h2, "大野", "恵一", "おおの", "けいいち", "1960", "本人");
    let h3 = household(v, "工藤家", "鎌倉市十二所二十三番地の4");
    person(v, h3, "工藤", "勇気", "クドー", "ユウキ", "1990", "本人");
    t
}

#[test]
fn long_vowels_in_readings_meet_both_ways() {
    let t = long_vowel_city();
    let v = &t.vault;
    for q in [
        "サトー",
        "さとう",
        "サトオ",
        "ｻﾄｰ",
        "きょうこ",
        "キョウコ",
        "キョーコ",
        "サトー キョーコ",
    ] {
        finds(v, q, "佐藤 京子");
    }
    for q in ["オーノ", "おおの", "オウノ", "ケーイチ", "けいいち", "ケエイチ"] {
        finds(v, q, "大野 恵一");
    }
    for q in ["くどう", "クドウ", "クドー", "ゆーき", "ユウキ"] {
        finds(v, q, "工藤 勇気");
    }
    assert!(
        !labels(v, "サト").iter().any(|l| l.contains("大野")),
        "folding long vowels must not make unrelated names meet"
    );
    assert!(
        labels(v, "キョーカ").is_empty(),
        "キョーカ is another name than キョーコ; a long vowel is folded, the rest is not"
    );
}

#[test]
fn every_written_form_of_an_address_finds_the_household() {
    let t = long_vowel_city();
    let v = &t.vault;
    for q in [
        "小町1-5-9",
        "小町１丁目５番９号",
        "小町一丁目5-9",
        "小町1丁目5-9",
        "小町一丁目五番九号",
        "小町一丁目",
        "小町1",
    ] {
        finds(v, q, "佐藤家");
    }
    for q in ["二階堂", "二階堂一丁目2番3号", "二階堂1丁目2-3"] {
        finds(v, q, "大野家");
    }
    for q in ["十二所", "十二所23-4", "十二所23番地の4", "十二所二十三番地四"] {
        finds(v, q, "工藤家");
    }
    assert!(
        labels(v, "小町1-5-8").is_empty(),
        "another 号 is another address: only the way of writing is folded"
    );
    assert!(
        labels(v, "12所").is_empty(),
        "十二所 is a place name: its kanji numerals are not a number"
    );
}

#[test]
fn documents_written_by_an_older_build_are_rewritten_on_open() {
    let t = long_vowel_city();
    let (path, dir) = (t.path.clone(), t._dir);
    {
        // What an older build left: documents without the long-vowel and address forms.
        let sql = kasane::testing::sql(&t.vault);
        let before: i64 = sql
            .query_row("SELECT count(*) FROM search_doc", [], |r| r.get(0))
            .unwrap();
        assert!(before > 0, "the fixture has search documents");
        sql.execute_batch(
            "DELETE FROM search_doc; DELETE FROM search_fts; DELETE FROM vault_meta WHERE key = 'search_documents';",
        )
        .unwrap();
    }
    assert!(
        labels(&t.vault, "サトー").is_empty(),
        "the stale index finds nothing yet"
    );
    drop(t.vault);
    let v = kasane::VaultDir::open(&path)
        .unwrap()
        .unlock(None, &pass(PASS), ambient(44))
        .unwrap();
    finds(&v, "サトー", "佐藤 京子");
    finds(&v, "小町一丁目五番九号", "佐藤家");
    drop(dir);
}

#[test]
fn people_and_households_sort_by_family_name_reading_first() {
    let mut t = new_vault(45);
    let v = &mut t.vault;
    let h1 = household(v, "林田家", "鎌倉市大町1-1-1");
    person(v, h1, "林田", "明", "ハヤシダ", "アキラ", "1970", "本人");
    let h2 = household(v, "林家", "鎌倉市大町1-1-2");
    person(v, h2, "林", "花子", "ハヤシ", "ハナコ", "1970", "本人");
    let h3 = household(v, "馬場家", "鎌倉市大町1-1-3");
    person(v, h3, "馬場", "一郎", "ババ", "イチロウ", "1970", "本人");
    let h4 = household(v, "羽場家", "鎌倉市大町1-1-4");
    person(v, h4, "羽場", "次郎", "ハバ", "ジロウ", "1970", "本人");
    let order: Vec<String> = v
        .households(&kasane::HouseholdFilter::default())
        .unwrap()
        .into_iter()
        .map(|h| h.label)
        .collect();
    assert_eq!(
        order,
        ["羽場家", "馬場家", "林家", "林田家"],
        "五十音順 by the 本人's family-name reading (ハバ < ババ < ハヤシ < ハヤシダ), given names only between equal family names"
    );
    let people: Vec<String> = v
        .search_quiet("大町")
        .unwrap()
        .into_iter()
        .filter(|h| h.kind == "household")
        .map(|h| h.label)
        .collect();
    assert_eq!(people.len(), 4, "all four households are in 大町");
    let persons: Vec<String> = v
        .search_quiet("ha")
        .unwrap()
        .into_iter()
        .filter(|h| h.kind == "person")
        .map(|h| h.label)
        .collect();
    assert_eq!(
        persons,
        ["羽場 次郎", "林 花子", "林田 明"],
        "search lists persons by family-name reading first: ハバ, ハヤシ ハナコ, then ハヤシダ アキラ"
    );
}
