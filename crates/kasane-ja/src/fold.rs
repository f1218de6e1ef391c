//! Search folding: the form text takes for matching only (never for display). Folding never fails,
//! and is idempotent: folding folded text changes nothing.

use std::collections::HashMap;
use std::sync::OnceLock;

use unicode_normalization::{UnicodeNormalization, is_nfkc};

use super::kana;

/// Name variants (異体字) and the one form each folds to, as (representative, variants). Only
/// characters NFKC leaves alone belong here; NFKC already folds the compatibility ideographs
/// (隆 U+F9DC → 隆) except the twelve that Unicode counts as unified, such as 﨑 U+FA11.
const VARIANTS: &[(char, &str)] = &[
    ('高', "髙"),
    ('崎', "\u{FA11}嵜碕"),
    ('斎', "齋齊斉"),
    ('辺', "邊邉"),
    ('沢', "澤"),
    ('浜', "濱濵"),
    ('広', "廣"),
    ('島', "嶋嶌"),
    ('国', "國圀"),
    ('桜', "櫻"),
    ('蔵', "藏"),
    ('竜', "龍"),
    ('恵', "惠"),
    ('徳', "德"),
    ('真', "眞"),
    ('実', "實"),
    ('条', "條"),
    ('瀬', "瀨"),
    ('渕', "淵"),
    ('柳', "栁"),
    ('吉', "\u{20BB7}"),
    ('館', "舘"),
    ('富', "冨"),
    ('松', "柗枩"),
    ('峰', "峯"),
    ('野', "埜"),
    ('穂', "穗"),
    ('円', "圓"),
    ('槙', "槇"),
    ('髪', "髮"),
    ('万', "萬"),
    ('与', "與"),
    ('礼', "禮"),
    ('静', "靜"),
    ('団', "團"),
    ('弥', "彌"),
    ('将', "將"),
    ('戸', "戶户"),
    ('岳', "嶽"),
    ('曽', "曾"),
    ('増', "增"),
    ('黒', "黑"),
    ('関', "關"),
    ('鉄', "鐵"),
    ('豊', "豐"),
    ('寿', "壽"),
    ('栄', "榮"),
    ('児', "兒"),
    ('県', "縣"),
    ('桑', "桒"),
    ('荘', "莊"),
    ('渋', "澁澀"),
    ('顕', "顯"),
    ('晋', "晉"),
    ('亜', "亞"),
    ('来', "來"),
    ('乗', "乘"),
    ('舎', "舍"),
    ('青', "靑"),
    ('清', "淸"),
    ('慎', "愼"),
    ('巌', "巖"),
    ('聡', "聰"),
    ('凛', "凜"),
    ('学', "學"),
    ('会', "會"),
    ('滝', "瀧"),
    ('桧', "檜"),
    ('村', "邨"),
    ('沖', "冲"),
    ('鴎', "鷗"),
    ('郷', "鄕"),
    ('園', "薗"),
    ('騨', "驒"),
];

fn variant_map() -> &'static HashMap<char, char> {
    static MAP: OnceLock<HashMap<char, char>> = OnceLock::new();
    MAP.get_or_init(|| {
        VARIANTS
            .iter()
            .flat_map(|&(rep, variants)| variants.chars().map(move |v| (v, rep)))
            .collect()
    })
}

fn is_kanji(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3FFFF}'
        | '々')
}

/// Dashes and minus signs people type between the numbers of an address (as NFKC leaves them).
fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'
            | '\u{2012}'
            | '\u{2013}'
            | '\u{2014}'
            | '\u{2015}'
            | '\u{2043}'
            | '\u{2212}'
            | '\u{2E3A}'
            | '\u{2E3B}'
    )
}

/// Removes what is invisible or only selects a glyph, before NFKC, so that a base and a mark they
/// separated still compose; the spacing voicing marks become combining ones (か゛ → が).
fn pre_map(c: char) -> Option<char> {
    match c {
        '\u{FE00}'..='\u{FE0F}'
        | '\u{E0100}'..='\u{E01EF}'
        | '\u{200B}'..='\u{200D}'
        | '\u{2060}'
        | '\u{FEFF}'
        | '\u{00AD}' => None,
        '゛' => Some('\u{3099}'),
        '゜' => Some('\u{309A}'),
        _ => Some(c),
    }
}

/// Fold text for search indexing and querying: NFKC; lowercase; whitespace runs → one space,
/// trimmed; katakana → hiragana; variation selectors dropped; name variants (異体字) → one form;
/// dashes → "-" (ー too, unless it follows kana). The counter/place-name ヶ family (ヶ ヵ ケ ガ が カ か)
/// between two kanji folds to が, so 由比ヶ浜, 由比ガ浜 and 由比が浜 meet; elsewhere ヶ and ヵ are か.
pub fn fold_for_search(s: &str) -> String {
    let mut folded = fold_once(s);
    // A mapped character can compose with a mark after it that its original could not take
    // (ゕ + ゙ → か + ゙ → が), so fold again until NFKC has nothing left to do.
    for _ in 0..4 {
        if is_nfkc(&folded) {
            break;
        }
        folded = fold_once(&folded);
    }
    folded
}

/// Long vowels in folded kana, so that the ways people write one sound meet: ー, the vowel written
/// again (さとお, いいだ) and the spellings of 現代仮名遣い (おう for a long お as in さとう, えい for a
/// long え as in けいこ, ゆう, きゅう) all become ー after a kana of that vowel. Apply it to
/// [`fold_for_search`]'s output, to a name reading and to a query alike; other text passes through.
/// It merges what the kana alone cannot tell apart (a long お and お+う across a word boundary),
/// so it is for finding names, never for display.
pub fn fold_long_vowels(folded: &str) -> String {
    let mut out = String::with_capacity(folded.len());
    let mut vowel: Option<char> = None;
    for c in folded.chars() {
        let long = vowel.is_some_and(|v| match c {
            'ー' => true,
            'あ' => v == 'a',
            'い' => v == 'i' || v == 'e',
            'う' => v == 'u' || v == 'o',
            'え' => v == 'e',
            'お' => v == 'o',
            _ => false,
        });
        if long {
            // One long vowel however many times it is written (さとうう, こーー); the vowel
            // carries on, so さとおう stays one long お.
            if !out.ends_with('ー') {
                out.push('ー');
            }
            continue;
        }
        vowel = kana::vowel(c);
        out.push(c);
    }
    out
}

fn fold_once(s: &str) -> String {
    let normalised: Vec<char> = s.chars().filter_map(pre_map).nfkc().collect();
    let variants = variant_map();
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for (i, &c) in normalised.iter().enumerate() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        let previous = out.chars().next_back();
        let between_kanji = previous.is_some_and(is_kanji) && normalised.get(i + 1).copied().is_some_and(is_kanji);
        match c {
            'ヶ' | 'ヵ' | 'ゖ' | 'ゕ' | 'ケ' | 'ガ' | 'が' | 'カ' | 'か' if between_kanji => {
                out.push('が');
            }
            'ヶ' | 'ヵ' | 'ゖ' | 'ゕ' => out.push('か'),
            'ー' if previous.is_some_and(kana::is_kana_like) => out.push('ー'),
            'ー' => out.push('-'),
            _ if is_dash(c) => out.push('-'),
            '\u{30A1}'..='\u{30FF}' => kana::push_hiragana(c, &mut out),
            _ => match variants.get(&c) {
                Some(&rep) => out.push(rep),
                None => out.extend(c.to_lowercase()),
            },
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashSet;

    fn same(a: &str, b: &str, why: &str) {
        assert_eq!(
            fold_for_search(a),
            fold_for_search(b),
            "{a} and {b} should fold alike: {why}"
        );
    }

    #[test]
    fn name_variants_meet() {
        same("髙橋", "高橋", "髙 is the ladder form of 高");
        for v in ["齋藤", "齊藤", "斉藤"] {
            same(v, "斎藤", "齋 齊 斉 are written for 斎 in family names");
        }
        same("渡邊", "渡辺", "邊 is the old form of 辺");
        same("渡邉", "渡辺", "邉 is a common variant of 辺");
        same(
            "山\u{FA11}",
            "山崎",
            "﨑 is a compatibility ideograph NFKC keeps, so the table folds it",
        );
        same("\u{20BB7}野家", "吉野家", "𠮷 (tsuchi-yoshi) is a variant of 吉");
        same("\u{F9DC}", "隆", "NFKC folds the compatibility 隆");
        same(
            "葛\u{E0100}飾",
            "葛飾",
            "an ideographic variation selector only picks a glyph",
        );
        same(
            "辻\u{FE00}",
            "辻",
            "a standardised variation selector only picks a glyph",
        );
        assert_ne!(
            fold_for_search("邦"),
            fold_for_search("国"),
            "邦 and 国 are different characters, not variants"
        );
    }

    #[test]
    fn kana_and_width_meet() {
        same("ﾀｶﾊｼ", "たかはし", "half-width katakana widens and becomes hiragana");
        same("タカハシ", "たかはし", "katakana becomes hiragana");
        same("ｶﾞｽ", "がす", "ｶ + ﾞ composes to ガ first");
        same("か゛す", "がす", "a spacing dakuten voices the kana before it");
        same("ＡＢＣ", "abc", "full-width latin is NFKC-folded and lowercased");
    }

    #[test]
    fn spaces_and_dashes() {
        assert_eq!(fold_for_search("山田　太郎"), "山田 太郎", "U+3000 is a space");
        assert_eq!(fold_for_search("  a \t\n b  "), "a b", "runs collapse and the edges go");
        assert_eq!(
            fold_for_search("1‐2–3—4―5−6ｰ7ー8－9"),
            "1-2-3-4-5-6-7-8-9",
            "every dash look-alike between numbers is a hyphen"
        );
        assert_eq!(fold_for_search("コーヒー"), "こーひー", "ー after kana is a long vowel");
        assert_eq!(fold_for_search("ｺｰﾋｰ"), "こーひー", "half-width ｰ after kana too");
        assert_eq!(fold_for_search("ー1"), "-1", "ー with no kana before it is a dash");
    }

    #[test]
    fn place_name_ga_meets() {
        for v in ["由比ヶ浜", "由比ガ浜", "由比ケ浜", "由比ヵ浜"] {
            same(v, "由比が浜", "ヶ between kanji is the particle が");
        }
        same("一ヶ月", "一か月", "counter ヶ between kanji");
        same("3ヶ月", "3か月", "counter ヶ after a digit is か");
        assert_eq!(
            fold_for_search("ケーキ"),
            "けーき",
            "ケ outside kanji stays an ordinary kana"
        );
    }

    #[test]
    fn variant_table_is_consistent() {
        let mut seen = HashSet::new();
        let reps: HashSet<char> = VARIANTS.iter().map(|&(r, _)| r).collect();
        for &(rep, variants) in VARIANTS {
            let rep_nfkc: String = rep.to_string().nfkc().collect();
            assert_eq!(rep_nfkc, rep.to_string(), "{rep} must survive NFKC to be stable");
            for v in variants.chars() {
                assert!(seen.insert(v), "{v} is listed twice");
                assert!(
                    !reps.contains(&v),
                    "{v} is both a variant and a target: folding would chain"
                );
                assert_ne!(v, rep, "{v} maps to itself");
                let v_nfkc: String = v.to_string().nfkc().collect();
                assert_eq!(
                    v_nfkc,
                    v.to_string(),
                    "NFKC changes {v}, so the entry would never match"
                );
                assert!(is_kanji(v) && is_kanji(rep), "{v}→{rep} must be kanji");
            }
        }
    }

    /// 現代仮名遣い (昭和61年内閣告示第1号) writes a long お as おう (おお in a few words such as
    /// おおきい, とおる), a long え as えい (ええ in a few), a long う as うう and the long
    /// vowels of ゃ ゅ ょ as ゃあ ゅう ょう; katakana and names write ー. Every spelling of one
    /// sound must find the others.
    #[test]
    fn long_vowels_meet_however_they_are_written() {
        let long = |s: &str| fold_long_vowels(&fold_for_search(s));
        let groups: &[(&[&str], &str)] = &[
            (
                &["サトウ", "サトー", "サトオ", "さとう", "ｻﾄｰ"],
                "long お after と: う, お and ー",
            ),
            (&["ソウ", "ソー", "ソオ"], "long お after そ"),
            (
                &["キョウコ", "キョーコ", "きょうこ", "キョオコ"],
                "long お after the small ょ",
            ),
            (&["キュウ", "キュー", "きゅう"], "long う after the small ゅ"),
            (&["ユウキ", "ユーキ", "ゆうき"], "long う after ゆ"),
            (&["ケイコ", "ケーコ", "ケエコ", "けいこ"], "long え: い, え and ー"),
            (&["イイダ", "イーダ", "いいだ"], "long い written い or ー"),
            (
                &["オオノ", "オーノ", "おおの", "オウノ"],
                "long お at the start of a name",
            ),
            (&["マアヤ", "マーヤ"], "long あ written あ or ー"),
            (&["ジュンコ", "じゅんこ"], "no long vowel: only script differs"),
        ];
        for (spellings, why) in groups {
            for s in spellings.iter() {
                assert_eq!(
                    long(s),
                    long(spellings[0]),
                    "{s} and {} should meet: {why}",
                    spellings[0]
                );
            }
        }
        // Different sounds stay apart.
        for (a, b, why) in [
            ("カワウチ", "カーチ", "う after an あ-row kana is not a long vowel"),
            ("アイ", "アー", "い after an あ-row kana is a separate vowel"),
            ("サトウ", "サト", "a long vowel is not a short one"),
            ("ケイ", "キー", "え and い rows differ"),
            ("コウ", "クー", "お and う rows differ"),
            ("ホンウ", "ホー", "ん has no vowel to lengthen"),
        ] {
            assert_ne!(long(a), long(b), "{a} and {b} should stay apart: {why}");
        }
        assert_eq!(long("サトウ"), "さとー", "the long form writes ー");
        assert_eq!(long("山田 さとう"), "山田 さとー", "kanji and spaces pass through");
        assert_eq!(long("1-2-3"), "1-2-3", "text without kana is untouched");
    }

    #[test]
    fn mapped_kana_still_composes_with_a_following_mark() {
        assert_eq!(
            fold_for_search("ゕﾞ"),
            "が",
            "ゕ folds to か, which then takes the dakuten ゕ could not"
        );
    }

    #[test]
    fn idempotent_on_every_character_alone_and_before_a_mark() {
        // Planes 4–13 are unassigned and 15–16 private use; fold passes those through untouched.
        let assigned = (0..=0x3FFFFu32).chain(0xE0000..=0xEFFFF);
        for c in assigned.filter_map(char::from_u32) {
            for text in [c.to_string(), format!("{c}\u{3099}")] {
                let once = fold_for_search(&text);
                assert_eq!(fold_for_search(&once), once, "folding {text:?} twice differs");
            }
        }
    }

    proptest! {
        #[test]
        fn idempotent(s in "\\PC{0,20}") {
            let once = fold_for_search(&s);
            prop_assert_eq!(fold_for_search(&once), once);
        }

        #[test]
        fn idempotent_on_japanese(s in "[\u{3000}-\u{30FF}\u{FF61}-\u{FF9F}\u{FE00}\u{3099}\u{0301}゛ Aİ一山由浜髙-]{0,16}") {
            let once = fold_for_search(&s);
            prop_assert_eq!(fold_for_search(&once), once);
        }

        #[test]
        fn long_vowel_folding_is_idempotent(s in "[あ-んア-ンーゃゅょっ 山a]{0,12}") {
            let once = fold_long_vowels(&fold_for_search(&s));
            prop_assert_eq!(fold_long_vowels(&once), once.clone());
            prop_assert_eq!(fold_long_vowels(&fold_for_search(&once)), once);
        }

        #[test]
        fn never_panics_and_spaces_are_tidy(s in any::<String>()) {
            let folded = fold_for_search(&s);
            prop_assert!(!folded.starts_with(' ') && !folded.ends_with(' '), "edges must be trimmed: {folded:?}");
            prop_assert!(!folded.contains("  "), "space runs must collapse: {folded:?}");
        }
    }
}
