//! 五十音順: a sort key for Japanese readings after JIS X 4061 (読み照合, as CLDR's Japanese
//! collation implements it); comparing keys gives a total order on strings, and two keys are equal
//! only when the strings are. People sort by family-name reading, then given-name reading.

use unicode_normalization::UnicodeNormalization;

use super::kana::{self, Voicing};
use super::romaji;

/// Kana in 五十音 order; a kana's primary weight is its position here (after folding voicing and size).
const GOJUON: &str = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわゐゑをん";

/// Word breaks (spaces, ・) weigh least, so やま たろう sorts before やまだ たろう.
const SEPARATOR: u32 = 0;
/// Non-kana characters inside a reading sort after every kana, by code point.
const OTHER: u32 = 0x100;

// Weights compared only where the base kana of two strings are all equal, level by level over the
// whole string as JIS X 4061 does. First voicing: 清音 < 濁音 < 半濁音 (は < ば < ぱ).
const PLAIN: u8 = 0;
const VOICED: u8 = 1;
const SEMI_VOICED: u8 = 2;
// Then the form of the kana: ー (a long vowel written with the mark) < small kana (拗音・促音) <
// an iteration mark < the kana written out, so かー < かぁ < かあ and きゃ < きや.
const LONG_MARK: u8 = 0;
const SMALL: u8 = 1;
const ITERATION: u8 = 2;
const FULL: u8 = 3;

/// Sort key for a reading in 五十音順. Compares, in order: whether the string has any kana (strings
/// without kana go last), base kana (ー read as the vowel before it), voicing, the form of each
/// kana, the NFKC text (so hiragana before katakana), and finally the raw text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GojuonKey {
    no_kana: bool,
    primary: Vec<u32>,
    voicing: Vec<u8>,
    form: Vec<u8>,
    normalized: String,
    raw: String,
}

fn voicing_weight(voicing: Voicing) -> u8 {
    match voicing {
        Voicing::Plain => PLAIN,
        Voicing::Voiced => VOICED,
        Voicing::SemiVoiced => SEMI_VOICED,
    }
}

fn gojuon_weight(base: char) -> Option<u32> {
    let index = GOJUON.chars().position(|k| k == base)?;
    u32::try_from(index).ok().map(|i| i + 1)
}

/// The weights of one kana letter (base, primary, voicing, form), or None when it is not a
/// hiragana letter.
fn kana_weights(c: char) -> Option<(char, u32, u8, u8)> {
    if !kana::is_hiragana_letter(c) {
        return None;
    }
    let (unvoiced, voicing) = kana::split_voicing(c);
    let (base, form) = match kana::normal_size(unvoiced) {
        Some(normal) => (normal, SMALL),
        None => (unvoiced, FULL),
    };
    let weight = gojuon_weight(base)?;
    Some((base, weight, voicing_weight(voicing), form))
}

/// What ー after `prev` reads as: the あ-row kana of its vowel (か → あ), or ん after ん.
fn long_mark_kana(prev: char) -> Option<char> {
    match romaji::syllable(prev)?.chars().last()? {
        'a' => Some('あ'),
        'i' => Some('い'),
        'u' => Some('う'),
        'e' => Some('え'),
        'o' => Some('お'),
        _ => (prev == 'ん').then_some('ん'),
    }
}

/// Sort key for a reading in 五十音順 (see [`GojuonKey`]).
pub fn gojuon_key(reading: &str) -> GojuonKey {
    let normalized: String = reading.nfkc().collect();
    let hiragana = kana::to_hiragana(normalized.trim());
    let mut primary: Vec<u32> = Vec::new();
    let mut voicing: Vec<u8> = Vec::new();
    let mut form: Vec<u8> = Vec::new();
    let mut last_base: Option<char> = None;
    let mut has_kana = false;
    for c in hiragana.chars() {
        let (weight, voiced, shape, base) = if c.is_whitespace() || c == '・' {
            if primary.last() == Some(&SEPARATOR) {
                continue;
            }
            (SEPARATOR, PLAIN, FULL, None)
        } else if let Some((base, weight, voiced, shape)) = kana_weights(c) {
            has_kana = true;
            (weight, voiced, shape, Some(base))
        } else if c == '\u{3099}' || c == '\u{309A}' {
            // A mark NFKC could not compose (わ゛) voices the kana before it.
            if let (Some(_), Some(last)) = (last_base, voicing.last_mut()) {
                *last = if c == '\u{3099}' { VOICED } else { SEMI_VOICED };
            }
            continue;
        } else if let (Some(prev), 'ゝ' | 'ゞ') = (last_base, c) {
            let voiced = if c == 'ゞ' { VOICED } else { PLAIN };
            let weight = gojuon_weight(prev).unwrap_or(OTHER);
            (weight, voiced, ITERATION, Some(prev))
        } else if let Some(read) = last_base.filter(|_| c == 'ー').and_then(long_mark_kana) {
            (gojuon_weight(read).unwrap_or(OTHER), PLAIN, LONG_MARK, Some(read))
        } else {
            (OTHER.saturating_add(u32::from(c)), PLAIN, FULL, None)
        };
        primary.push(weight);
        voicing.push(voiced);
        form.push(shape);
        last_base = base;
    }
    if !has_kana {
        primary.clear();
        voicing.clear();
        form.clear();
    }
    GojuonKey {
        no_kana: !has_kana,
        primary,
        voicing,
        form,
        normalized,
        raw: reading.to_owned(),
    }
}

/// Sort key for a person in 五十音順: the family-name reading decides, and the given-name reading
/// only between equal family names (林 ハヤシ before 林田 ハヤシダ, whatever their given names).
pub fn name_key(family_reading: &str, given_reading: &str) -> (GojuonKey, GojuonKey) {
    (gojuon_key(family_reading), gojuon_key(given_reading))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn assert_ascending(words: &[&str], why: &str) {
        for pair in words.windows(2) {
            assert!(
                gojuon_key(pair[0]) < gojuon_key(pair[1]),
                "{} should sort before {}: {why}",
                pair[0],
                pair[1]
            );
        }
    }

    #[test]
    fn gojuon_examples() {
        assert_ascending(
            &["あおき", "あかい", "かとう", "がとう", "さいとう", "さとう"],
            "base kana first, then voicing",
        );
        assert_ascending(&["はし", "ばし", "ぱし"], "unvoiced < voiced < semi-voiced");
        assert_ascending(&["きょう", "きよう"], "拗音 (small ょ) before 直音 (JIS X 4061)");
        assert_ascending(&["かっこ", "かつこ"], "促音 (small っ) before 直音");
        assert_ascending(&["かとう", "ガトウ", "がどう"], "katakana weighs like hiragana");
        assert_ascending(
            &["やま たろう", "やまだ たろう", "やまだ はなこ"],
            "the space between family and given name weighs least",
        );
        assert_ascending(
            &["かー", "かぁ", "かあ", "かい"],
            "ー reads as the vowel before it, and sorts before the small and the written vowel",
        );
        assert_ascending(
            &["さん", "さんあ", "さんー", "さんん"],
            "ー after ん reads as ん, just before it",
        );
        assert_ascending(&["わたなべ", "ん", "Yamada", "山田"], "strings without kana come last");
        assert_ascending(&["Abe", "Yamada", "山田"], "no-kana strings sort by their NFKC text");
    }

    /// Orders published with the rules: a dictionary's headwords (DBPro's 辞書順 example, which
    /// follows JIS X 4061), the examples given with the rules of 五十音順 (voicing only decides
    /// between otherwise equal readings, level by level over the whole word), and CLDR's Japanese
    /// collation for ー, which it places before the small and the written-out vowel.
    #[test]
    fn published_dictionary_orders() {
        assert_ascending(
            &[
                "かっこ",
                "かつご",
                "がっこ",
                "かっこう",
                "かつごう",
                "がっこう",
                "かっこうあざみ",
                "がっこうちゅう",
                "カッコー",
                "かっこく",
            ],
            "a dictionary's order: base kana first, then voicing over the whole word, then size",
        );
        assert_ascending(
            &["は", "ば", "ぱ", "はあ", "ばあ", "ぱあ", "ひ"],
            "清音 → 濁音 → 半濁音 only between equal base readings",
        );
        assert_ascending(
            &["あーく", "ああく", "ああけ"],
            "ー is the vowel before it: あーく sits with ああく (the mark first, as CLDR's ja collation orders JIS X 4061's 長音), before ああけ",
        );
        assert_ascending(
            &[
                "わだ つよし",
                "わだ なべ",
                "わだ のりえ",
                "わたなべ みちお",
                "わだの りえ",
                "わたり てつや",
            ],
            "family and given name apart: the space weighs least",
        );
    }

    #[test]
    fn people_sort_by_family_name_first() {
        let mut people = [
            ("ハヤシダ", "アキラ"),
            ("ハヤシ", "ハナコ"),
            ("ハヤシ", "アキコ"),
            ("ババ", "イチロウ"),
            ("ハバ", "ジロウ"),
        ];
        people.sort_by_key(|(f, g)| name_key(f, g));
        assert_eq!(
            people,
            [
                ("ハバ", "ジロウ"),
                ("ババ", "イチロウ"),
                ("ハヤシ", "アキコ"),
                ("ハヤシ", "ハナコ"),
                ("ハヤシダ", "アキラ")
            ],
            "林 ハヤシ before 林田 ハヤシダ whatever the given names; ハバ before ババ by voicing of the family name"
        );
    }

    #[test]
    fn equal_weights_fall_back_to_the_text() {
        let hira = gojuon_key("ささき");
        let kata = gojuon_key("ササキ");
        let half = gojuon_key("ｻｻｷ");
        assert_eq!(
            (&hira.primary, &hira.voicing, &hira.form),
            (&kata.primary, &kata.voicing, &kata.form),
            "script does not change the primary or secondary weights"
        );
        assert_eq!(
            (&kata.primary, &kata.voicing, &kata.form),
            (&half.primary, &half.voicing, &half.form),
            "width does not change the weights"
        );
        assert_ne!(hira, kata, "different strings must have different keys");
        assert!(hira < kata, "the raw-text tie-break puts hiragana (U+30xx low) first");
    }

    #[test]
    fn iteration_marks_repeat_the_kana() {
        assert_eq!(
            gojuon_key("いすゞ").primary,
            gojuon_key("いすず").primary,
            "ゞ weighs as the previous kana"
        );
        assert_eq!(
            gojuon_key("いすゞ").voicing,
            gojuon_key("いすず").voicing,
            "ゞ carries voicing"
        );
    }

    proptest! {
        #[test]
        fn order_is_total_and_consistent(a in "[あ-んア-ンｱ-ﾝーゃ 山a]{0,6}", b in "[あ-んア-ンｱ-ﾝーゃ 山a]{0,6}", c in "[あ-んア-ンー 山]{0,6}") {
            let (ka, kb, kc) = (gojuon_key(&a), gojuon_key(&b), gojuon_key(&c));
            prop_assert_eq!(ka == kb, a == b, "keys are equal exactly when the strings are");
            prop_assert_eq!(ka.cmp(&kb), kb.cmp(&ka).reverse(), "antisymmetric");
            if ka <= kb && kb <= kc {
                prop_assert!(ka <= kc, "transitive");
            }
        }

        #[test]
        fn script_does_not_change_weights(s in "[\u{3041}-\u{3096}ー ]{0,10}") {
            let h = gojuon_key(&s);
            let k = gojuon_key(&kana::to_katakana(&s));
            prop_assert_eq!(h.primary, k.primary, "hiragana and katakana weigh alike");
            prop_assert_eq!(h.voicing, k.voicing, "hiragana and katakana weigh alike");
            prop_assert_eq!(h.form, k.form, "hiragana and katakana weigh alike");
        }
    }
}
