//! Kana: classification, hiragana/katakana conversion and the voicing and size of a kana; only
//! kana are ever changed (half-width katakana are widened with NFKC), every other character passes.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::{compose, decompose_canonical};

const DAKUTEN: char = '\u{3099}';
const HANDAKUTEN: char = '\u{309A}';

/// Distance between a katakana and its hiragana in Unicode (ア U+30A2 − あ U+3042).
const KATA_TO_HIRA: u32 = 0x60;

/// Small kana and the normal-size kana they are a small form of.
const SMALL_KANA: [(char, char); 12] = [
    ('ぁ', 'あ'),
    ('ぃ', 'い'),
    ('ぅ', 'う'),
    ('ぇ', 'え'),
    ('ぉ', 'お'),
    ('っ', 'つ'),
    ('ゃ', 'や'),
    ('ゅ', 'ゆ'),
    ('ょ', 'よ'),
    ('ゎ', 'わ'),
    ('ゕ', 'か'),
    ('ゖ', 'け'),
];

/// Voicing of a kana: か (plain), が (voiced, 濁音), ぱ (semi-voiced, 半濁音).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Voicing {
    Plain,
    Voiced,
    SemiVoiced,
}

/// A hiragana letter, small ones included (ぁ U+3041 … ゖ U+3096).
pub(super) fn is_hiragana_letter(c: char) -> bool {
    ('\u{3041}'..='\u{3096}').contains(&c)
}

/// Any character that belongs to a kana word once folded to hiragana: letters, iteration marks,
/// combining voicing marks, the katakana that have no hiragana form, and ー itself.
pub(super) fn is_kana_like(c: char) -> bool {
    matches!(c,
        '\u{3041}'..='\u{309A}'
        | 'ゝ' | 'ゞ'
        | '\u{30A1}'..='\u{30FA}'
        | 'ー' | 'ヽ' | 'ヾ'
        | '\u{31F0}'..='\u{31FF}')
}

/// The normal-size kana of a small one (ゃ → や), or None when `c` is not a small kana.
pub(super) fn normal_size(c: char) -> Option<char> {
    SMALL_KANA
        .iter()
        .find(|(small, _)| *small == c)
        .map(|(_, normal)| *normal)
}

/// The vowel a kana letter ends in (が → a, きょ's ょ → o), for reading long vowels; None for ん,
/// っ and anything that is not a hiragana letter.
pub(super) fn vowel(c: char) -> Option<char> {
    const ROWS: [(char, &str); 5] = [
        ('a', "あかさたなはまやらわ"),
        ('i', "いきしちにひみりゐ"),
        ('u', "うくすつぬふむゆる"),
        ('e', "えけせてねへめれゑ"),
        ('o', "おこそとのほもよろを"),
    ];
    if c == 'っ' || !is_hiragana_letter(c) {
        return None;
    }
    let (plain, _) = split_voicing(c);
    let base = normal_size(plain).unwrap_or(plain);
    ROWS.iter().find(|(_, row)| row.contains(base)).map(|&(v, _)| v)
}

/// Splits a precomposed kana into its unvoiced base and its voicing (が → か, Voiced).
pub(super) fn split_voicing(c: char) -> (char, Voicing) {
    let mut base = None;
    let mut voicing = Voicing::Plain;
    decompose_canonical(c, |part| match part {
        DAKUTEN => voicing = Voicing::Voiced,
        HANDAKUTEN => voicing = Voicing::SemiVoiced,
        other => {
            if base.is_none() {
                base = Some(other);
            }
        }
    });
    (base.unwrap_or(c), voicing)
}

/// The kana `base` with the given voicing, or `base` itself when no such kana exists (voiced あ).
pub(super) fn with_voicing(base: char, voicing: Voicing) -> char {
    let mark = match voicing {
        Voicing::Plain => return base,
        Voicing::Voiced => DAKUTEN,
        Voicing::SemiVoiced => HANDAKUTEN,
    };
    compose(base, mark).unwrap_or(base)
}

/// Characters whose NFKC form is wanted before converting: kana, their marks and half-width kana.
/// The spacing marks ゛ ゜ are left out because NFKC turns them into a space plus a mark.
fn in_kana_run(c: char) -> bool {
    matches!(c,
        '\u{3041}'..='\u{309A}'
        | '\u{309D}'..='\u{309F}'
        | '\u{30A1}'..='\u{30FF}'
        | '\u{FF65}'..='\u{FF9F}')
}

/// Applies NFKC to each maximal run of kana and hands every resulting character to `map`;
/// characters outside the runs are copied untouched.
fn map_kana_runs(s: &str, map: fn(char, &mut String)) -> String {
    let mut out = String::with_capacity(s.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        for c in run.nfkc() {
            map(c, out);
        }
        run.clear();
    };
    for c in s.chars() {
        if in_kana_run(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Pushes the hiragana form of one full-width character (itself when it is not katakana).
pub(super) fn push_hiragana(c: char, out: &mut String) {
    match c {
        '\u{30A1}'..='\u{30F6}' => {
            out.push(char::from_u32(u32::from(c) - KATA_TO_HIRA).unwrap_or(c));
        }
        // ヷ ヸ ヹ ヺ have no precomposed hiragana, so the voicing mark stays separate.
        'ヷ' => out.push_str("わ\u{3099}"),
        'ヸ' => out.push_str("ゐ\u{3099}"),
        'ヹ' => out.push_str("ゑ\u{3099}"),
        'ヺ' => out.push_str("を\u{3099}"),
        'ヽ' => out.push('ゝ'),
        'ヾ' => out.push('ゞ'),
        _ => out.push(c),
    }
}

fn push_katakana(c: char, out: &mut String) {
    match c {
        '\u{3041}'..='\u{3096}' => {
            out.push(char::from_u32(u32::from(c) + KATA_TO_HIRA).unwrap_or(c));
        }
        'ゝ' => out.push('ヽ'),
        'ゞ' => out.push('ヾ'),
        _ => out.push(c),
    }
}

/// Katakana (full or half width) → hiragana; half-width runs are NFKC-normalised first so that
/// ｶﾞ becomes が. Everything that is not kana is returned unchanged.
pub fn to_hiragana(s: &str) -> String {
    map_kana_runs(s, push_hiragana)
}

/// Hiragana → katakana (full width; half-width katakana are widened too). Everything that is not
/// kana is returned unchanged.
pub fn to_katakana(s: &str) -> String {
    map_kana_runs(s, push_katakana)
}

/// True when `s` is a plausible kana reading: after trimming it is not empty, it holds at least one
/// kana letter and nothing but kana (either script, either width), ー, ・ and spaces.
pub fn is_kana_reading(s: &str) -> bool {
    let mut letters = 0usize;
    for c in s.trim().chars() {
        match c {
            '\u{3041}'..='\u{3096}'
            | 'ゝ'
            | 'ゞ'
            | '\u{30A1}'..='\u{30FA}'
            | 'ヽ'
            | 'ヾ'
            | '\u{31F0}'..='\u{31FF}'
            | '\u{FF66}'..='\u{FF6F}'
            | '\u{FF71}'..='\u{FF9D}' => letters += 1,
            'ー' | 'ｰ' | '・' | '･' | ' ' | '\u{3000}' | DAKUTEN | HANDAKUTEN | '゛' | '゜' | 'ﾞ' | 'ﾟ' => {
            }
            _ => return false,
        }
    }
    letters > 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn katakana_becomes_hiragana() {
        assert_eq!(
            to_hiragana("タカハシ"),
            "たかはし",
            "each full-width katakana has a hiragana twin 0x60 below it"
        );
        assert_eq!(
            to_hiragana("ヴァイオリン"),
            "ゔぁいおりん",
            "ヴ and small ァ are inside the shifted range"
        );
        assert_eq!(
            to_hiragana("ヷ"),
            "わ\u{3099}",
            "ヷ has no precomposed hiragana, so it becomes わ plus a combining dakuten"
        );
    }

    #[test]
    fn half_width_katakana_is_widened_and_composed() {
        assert_eq!(
            to_hiragana("ｶﾞｯｺｳ"),
            "がっこう",
            "NFKC joins ｶ and ﾞ into ガ before the shift to hiragana"
        );
        assert_eq!(
            to_hiragana("ｻﾄｳ ﾀﾛｳ"),
            "さとう たろう",
            "the ASCII space between two half-width runs must survive"
        );
    }

    #[test]
    fn non_kana_is_left_alone() {
        assert_eq!(
            to_hiragana("ＡＢＣ１２３山田"),
            "ＡＢＣ１２３山田",
            "NFKC is applied to kana only, so full-width latin stays full width"
        );
        assert_eq!(
            to_katakana("ｱｲｳ abc 山"),
            "アイウ abc 山",
            "half-width katakana are widened, other characters untouched"
        );
    }

    #[test]
    fn hiragana_becomes_katakana() {
        assert_eq!(to_katakana("さとう"), "サトウ", "plain letters shift up by 0x60");
        assert_eq!(
            to_katakana("いすゞ"),
            "イスヾ",
            "the voiced iteration mark has a katakana twin"
        );
    }

    #[test]
    fn kana_reading_accepts_kana_only() {
        assert!(is_kana_reading("やまだ たろう"), "hiragana with a space");
        assert!(is_kana_reading("ヤマダ　タロウ"), "katakana with an ideographic space");
        assert!(is_kana_reading("ｼﾞｮﾝ･ｽﾐｽ"), "half-width with a half-width middle dot");
        assert!(
            is_kana_reading(" コーヒー "),
            "ー is part of kana words; edges are trimmed"
        );
        assert!(!is_kana_reading(""), "empty is not a reading");
        assert!(!is_kana_reading("　 "), "only spaces is not a reading");
        assert!(!is_kana_reading("ー・"), "marks without a letter are not a reading");
        assert!(!is_kana_reading("山田"), "kanji are not a reading");
        assert!(!is_kana_reading("やまだ1"), "digits are not part of a reading");
        assert!(!is_kana_reading("yamada"), "romaji is not a kana reading");
    }

    #[test]
    fn voicing_is_split_and_rebuilt() {
        assert_eq!(split_voicing('が'), ('か', Voicing::Voiced), "が is か + dakuten");
        assert_eq!(
            split_voicing('ぽ'),
            ('ほ', Voicing::SemiVoiced),
            "ぽ is ほ + handakuten"
        );
        assert_eq!(split_voicing('ゔ'), ('う', Voicing::Voiced), "ゔ is う + dakuten");
        assert_eq!(split_voicing('あ'), ('あ', Voicing::Plain), "あ has no mark");
        assert_eq!(with_voicing('す', Voicing::Voiced), 'ず', "す + dakuten composes");
        assert_eq!(
            with_voicing('あ', Voicing::Voiced),
            'あ',
            "no voiced あ exists, so the base is kept"
        );
        assert_eq!(normal_size('ょ'), Some('よ'), "ょ is the small よ");
        assert_eq!(normal_size('よ'), None, "よ is not small");
    }

    proptest! {
        #[test]
        fn katakana_round_trips_through_hiragana(s in "[\u{3041}-\u{3096}ー ]{0,12}") {
            prop_assert_eq!(to_hiragana(&to_katakana(&s)), s, "hiragana ↔ katakana is a bijection on letters");
        }

        #[test]
        fn to_hiragana_leaves_no_full_width_katakana(s in "[\u{30A1}-\u{30F6}\u{FF66}-\u{FF9D}]{0,12}") {
            let h = to_hiragana(&s);
            prop_assert!(!h.chars().any(|c| ('\u{30A1}'..='\u{30F6}').contains(&c)), "{h:?} still has katakana");
        }
    }
}
