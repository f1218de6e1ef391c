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
