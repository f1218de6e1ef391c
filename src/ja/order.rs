//! 五十音順: a sort key for Japanese readings in the spirit of JIS X 4061; comparing keys gives a
//! total order on strings, and two keys are equal only when the strings are.

use unicode_normalization::UnicodeNormalization;

use super::kana::{self, Voicing};
use super::romaji;

/// Kana in 五十音 order; a kana's primary weight is its position here (after folding voicing and size).
const GOJUON: &str = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわゐゑをん";

/// Word breaks (spaces, ・) weigh least, so やま たろう sorts before やまだ たろう.
const SEPARATOR: u32 = 0;
/// Non-kana characters inside a reading sort after every kana, by code point.
const OTHER: u32 = 0x100;

// Secondary weights: unvoiced < voiced < semi-voiced, normal < small, and a vowel written out (かあ)
// before the same vowel written with ー (かー).
const PLAIN: u8 = 0;
const SMALL: u8 = 1;
const VOICED: u8 = 2;
const SEMI_VOICED: u8 = 3;
const LONG_MARK: u8 = 4;

/// Sort key for a reading in 五十音順. Compares, in order: whether the string has any kana (strings
/// without kana go last), base kana, voicing/size, the NFKC text, and finally the raw text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GojuonKey {
    no_kana: bool,
    primary: Vec<u32>,
    secondary: Vec<u8>,
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

/// The weights of one kana letter, or None when it is not a hiragana letter.
fn kana_weights(c: char) -> Option<(char, u32, u8)> {
    if !kana::is_hiragana_letter(c) {
        return None;
    }
    let (unvoiced, voicing) = kana::split_voicing(c);
    let (base, size) = match kana::normal_size(unvoiced) {
        Some(normal) => (normal, SMALL),
        None => (unvoiced, PLAIN),
    };
    let weight = gojuon_weight(base)?;
    Some((base, weight, size.max(voicing_weight(voicing))))
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
    let mut secondary: Vec<u8> = Vec::new();
    let mut last_base: Option<char> = None;
    let mut has_kana = false;
    for c in hiragana.chars() {
        let (weight, second, base) = if c.is_whitespace() || c == '・' {
            if primary.last() == Some(&SEPARATOR) {
                continue;
            }
            (SEPARATOR, PLAIN, None)
        } else if let Some((base, weight, second)) = kana_weights(c) {
            has_kana = true;
            (weight, second, Some(base))
        } else if c == '\u{3099}' || c == '\u{309A}' {
            // A mark NFKC could not compose (わ゛) voices the kana before it.
            if let (Some(_), Some(last)) = (last_base, secondary.last_mut()) {
                *last = if c == '\u{3099}' { VOICED } else { SEMI_VOICED };
            }
            continue;
        } else if let (Some(prev), 'ゝ' | 'ゞ') = (last_base, c) {
            let voicing = if c == 'ゞ' { VOICED } else { PLAIN };
            let weight = gojuon_weight(prev).unwrap_or(OTHER);
            (weight, voicing, Some(prev))
        } else if let Some(read) = last_base.filter(|_| c == 'ー').and_then(long_mark_kana) {
            (gojuon_weight(read).unwrap_or(OTHER), LONG_MARK, Some(read))
        } else {
            (OTHER.saturating_add(u32::from(c)), PLAIN, None)
        };
        primary.push(weight);
        secondary.push(second);
        last_base = base;
    }
    if !has_kana {
        primary.clear();
        secondary.clear();
    }
    GojuonKey {
        no_kana: !has_kana,
        primary,
        secondary,
        normalized,
        raw: reading.to_owned(),
    }
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
        assert_ascending(&["きよう", "きょう"], "normal size before small");
        assert_ascending(&["かとう", "ガトウ", "がどう"], "katakana weighs like hiragana");
        assert_ascending(
            &["やま たろう", "やまだ たろう", "やまだ はなこ"],
            "the space between family and given name weighs least",
        );
        assert_ascending(
            &["かあ", "かー", "かい"],
            "ー reads as the vowel before it, just after it",
        );
        assert_ascending(
            &["さん", "さんあ", "さんん", "さんー"],
            "ー after ん reads as ん, just after it",
        );
        assert_ascending(&["わたなべ", "ん", "Yamada", "山田"], "strings without kana come last");
        assert_ascending(&["Abe", "Yamada", "山田"], "no-kana strings sort by their NFKC text");
    }

    #[test]
    fn equal_weights_fall_back_to_the_text() {
        let hira = gojuon_key("ささき");
        let kata = gojuon_key("ササキ");
        let half = gojuon_key("ｻｻｷ");
        assert_eq!(
            (&hira.primary, &hira.secondary),
            (&kata.primary, &kata.secondary),
            "script does not change the primary or secondary weights"
        );
        assert_eq!(
            (&kata.primary, &kata.secondary),
            (&half.primary, &half.secondary),
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
            gojuon_key("いすゞ").secondary,
            gojuon_key("いすず").secondary,
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
            prop_assert_eq!(h.secondary, k.secondary, "hiragana and katakana weigh alike");
        }
    }
}
