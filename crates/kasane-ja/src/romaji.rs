//! Romaji: Hepburn romanisation of kana readings and a spelling-insensitive key for matching typed
//! romaji; the key is ASCII a–z and single spaces only, and keying a key changes nothing.

use unicode_normalization::UnicodeNormalization;

use super::kana::{self, Voicing};

/// Hepburn for each hiragana from ぁ U+3041 to ゖ U+3096, in code point order. っ is empty because
/// it has no sound of its own: it doubles the consonant after it.
const SYLLABLES: [&str; 86] = [
    "a", "a", "i", "i", "u", "u", "e", "e", "o", "o", // ぁあぃいぅうぇえぉお
    "ka", "ga", "ki", "gi", "ku", "gu", "ke", "ge", "ko", "go", // かが…こご
    "sa", "za", "shi", "ji", "su", "zu", "se", "ze", "so", "zo", // さざ…そぞ
    "ta", "da", "chi", "ji", "", "tsu", "zu", "te", "de", "to", "do", // ただちぢっつづてでとど
    "na", "ni", "nu", "ne", "no", // なにぬねの
    "ha", "ba", "pa", "hi", "bi", "pi", "fu", "bu", "pu", "he", "be", "pe", "ho", "bo",
    "po", // はばぱ…ほぼぽ
    "ma", "mi", "mu", "me", "mo", // まみむめも
    "ya", "ya", "yu", "yu", "yo", "yo", // ゃやゅゆょよ
    "ra", "ri", "ru", "re", "ro", // らりるれろ
    "wa", "wa", "i", "e", "o", "n", "vu", "ka", "ke", // ゎわゐゑをんゔゕゖ
];

/// Hepburn for one hiragana letter, or None for anything else.
pub(super) fn syllable(c: char) -> Option<&'static str> {
    let index = u32::from(c).checked_sub(0x3041)?;
    SYLLABLES.get(usize::try_from(index).ok()?).copied()
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'i' | 'u' | 'e' | 'o')
}

/// The consonant part of a syllable: "sha" → "sh", "ki" → "k", "a" → "".
fn stem(romaji: &str) -> &str {
    romaji.strip_suffix(is_vowel).unwrap_or(romaji)
}

/// Joins a kana with a following small ゃ ゅ ょ (vowel given) into one syllable: きょ → kyo,
/// しゃ → sha, ふゅ → fyu. None when the kana has no consonant to attach to (いゃ).
fn with_small_y(base: &str, vowel: char) -> Option<String> {
    let consonant = stem(base);
    if consonant.is_empty() {
        return None;
    }
    // Hepburn writes sh/ch/j without the y glide: sha, cha, ja.
    let glide = if consonant.ends_with("sh") || consonant.ends_with("ch") || consonant == "j" {
        ""
    } else {
        "y"
    };
    Some(format!("{consonant}{glide}{vowel}"))
}

/// Joins a kana with a following small vowel into one syllable: ティ → ti, ファ → fa, ウィ → wi,
/// イェ → ye. None when the two should stay apart (かぁ is ka + a).
fn with_small_vowel(kana: char, base: &str, vowel: char) -> Option<String> {
    match kana {
        'う' => return Some(format!("w{vowel}")),
        'い' => return Some(format!("y{vowel}")),
        _ => {}
    }
    let consonant = stem(base);
    if consonant.is_empty() || base.ends_with(vowel) {
        return None;
    }
    Some(format!("{consonant}{vowel}"))
}

/// Hepburn romaji of a kana reading (hiragana or katakana, either width). っ doubles the next
/// consonant (tch before ch), ん is always n, ー repeats the previous vowel, small kana join the
/// kana before them; characters that are not kana pass through lowercased.
pub fn kana_to_romaji(kana_text: &str) -> String {
    let chars: Vec<char> = kana::to_hiragana(kana_text).chars().collect();
    let mut out = String::with_capacity(chars.len() * 2);
    let mut sokuon = false;
    let mut last_vowel: Option<char> = None;
    let mut last_kana: Option<char> = None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        let kana = match c {
            'っ' => {
                sokuon = true;
                continue;
            }
            'ー' => {
                if let Some(v) = last_vowel {
                    out.push(v);
                }
                continue;
            }
            // Iteration marks repeat the previous kana, ゞ with voicing (いすゞ → isuzu).
            'ゝ' | 'ゞ' => match last_kana {
                Some(prev) => {
                    let (base, _) = kana::split_voicing(prev);
                    let voicing = if c == 'ゞ' { Voicing::Voiced } else { Voicing::Plain };
                    kana::with_voicing(base, voicing)
                }
                None => continue,
            },
            _ if kana::is_hiragana_letter(c) => c,
            _ => {
                sokuon = false;
                last_vowel = None;
                last_kana = None;
                out.extend(c.to_lowercase());
                continue;
            }
        };
        let Some(base) = syllable(kana) else {
            continue;
        };
        let mut romaji = base.to_owned();
        match chars.get(i) {
            // A dakuten that NFKC could not compose (わ゛ from ヷ) still voices the kana.
            Some('\u{3099}') => {
                i += 1;
                romaji = match kana {
                    'わ' => "va".to_owned(),
                    'ゐ' => "vi".to_owned(),
                    'ゑ' => "ve".to_owned(),
                    'を' => "vo".to_owned(),
                    _ => romaji,
                };
            }
            Some('\u{309A}') => i += 1,
            Some(&next @ ('ゃ' | 'ゅ' | 'ょ')) if kana::normal_size(kana).is_none() => {
                let vowel = syllable(next).and_then(|s| s.chars().last()).unwrap_or('a');
                if let Some(joined) = with_small_y(base, vowel) {
                    romaji = joined;
                    i += 1;
                }
            }
            Some(&next @ ('ぁ' | 'ぃ' | 'ぅ' | 'ぇ' | 'ぉ')) if kana::normal_size(kana).is_none() => {
                let vowel = syllable(next).and_then(|s| s.chars().last()).unwrap_or('a');
                if let Some(joined) = with_small_vowel(kana, base, vowel) {
                    romaji = joined;
                    i += 1;
                }
            }
            _ => {}
        }
        if sokuon {
            sokuon = false;
            if romaji.starts_with("ch") {
                out.push('t');
            } else if let Some(first) = romaji.chars().next().filter(|c| !is_vowel(*c)) {
                out.push(first);
            }
        }
        last_vowel = romaji.chars().last().filter(|c| is_vowel(*c));
        last_kana = Some(kana);
        out.push_str(&romaji);
    }
    out
}

/// Vowels with a macron or circumflex, the usual ways to write a long vowel in romaji.
const LONG_VOWELS: &str = "āīūēōĀĪŪĒŌâîûêôÂÎÛÊÔ";

/// True when `s` (after NFKC) is latin letters, spaces, apostrophes, hyphens and long-vowel letters
/// only, with at least one letter.
pub fn is_romaji(s: &str) -> bool {
    let mut letters = 0usize;
    for c in s.nfkc() {
        if c.is_ascii_alphabetic() || LONG_VOWELS.contains(c) {
            letters += 1;
        } else if !(c.is_whitespace() || matches!(c, '\'' | '’' | '-' | '‐')) {
            return false;
        }
    }
    letters > 0
}

/// Matching key for romaji, so that Hepburn, Kunrei and Nihon-shiki spellings and the usual ways of
/// writing (or not writing) long vowels all meet: "Satoh", "Satō", "Satou" and さとう → "sato".
/// Kana in the input are romanised first. Output is a–z words separated by single spaces.
pub fn romaji_key(s: &str) -> String {
    let nfkc: String = s.nfkc().collect();
    let romanised = kana_to_romaji(&nfkc);
    let mut words: Vec<String> = Vec::new();
    for word in romanised.split_whitespace() {
        // NFD splits ō into o + macron, so dropping everything but a–z drops the marks only.
        let letters: String = word
            .nfd()
            .filter(char::is_ascii_alphabetic)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if !letters.is_empty() {
            words.push(key_word(letters));
        }
    }
    words.join(" ")
}

/// Rewrites until nothing changes, because one rewrite can expose another (s + fu → shu → syu);
/// every rewrite removes f, c, j, d or a letter, so a handful of rounds always suffices.
fn key_word(mut word: String) -> String {
    for _ in 0..8 {
        let next = collapse_long_vowels(&unify_spelling(&word));
        if next == word {
            break;
        }
        word = next;
    }
    word
}

/// Maps Hepburn and Nihon-shiki spellings onto Kunrei-like ones (shi → si, chi → ti, tsu → tu,
/// fu → hu, ji/di → zi, du/dzu → zu, ja/jya → zya, matcha/maccha → mattya) and m before b/m/p onto n.
fn unify_spelling(word: &str) -> String {
    let w = word
        .replace("cch", "tch")
        .replace("sh", "sy")
        .replace("ch", "ty")
        .replace("tsu", "tu")
        .replace("fu", "hu")
        .replace("jy", "j")
        .replace('j', "zy")
        .replace("dy", "zy")
        .replace("di", "zi")
        .replace("dzu", "zu")
        .replace("du", "zu")
        .replace("syi", "si")
        .replace("tyi", "ti")
        .replace("zyi", "zi");
    let chars: Vec<char> = w.chars().collect();
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let before_labial = matches!(chars.get(i + 1), Some('b' | 'm' | 'p'));
            if c == 'm' && before_labial { 'n' } else { c }
        })
        .collect()
}

/// Collapses long vowels: aa, ii, uu, ee, oo and ou become one vowel, and the h of "oh" goes when
/// a consonant (other than the y of hy) or the end of the word follows it (Ohno, Satoh).
fn collapse_long_vowels(word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    let mut out = String::with_capacity(word.len());
    for (i, &c) in chars.iter().enumerate() {
        let last = out.chars().last();
        if is_vowel(c) && (last == Some(c) || (last == Some('o') && c == 'u')) {
            continue;
        }
        if c == 'h' && last == Some('o') {
            let next = chars.get(i + 1).copied();
            if next.is_none_or(|n| !is_vowel(n) && n != 'y') {
                continue;
            }
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn syllable_table_lines_up_with_unicode() {
        assert_eq!(syllable('ぁ'), Some("a"), "first entry is small a");
        assert_eq!(syllable('っ'), Some(""), "sokuon has no sound of its own");
        assert_eq!(syllable('ぽ'), Some("po"), "ぽ sits at the end of the は row");
        assert_eq!(syllable('ま'), Some("ma"), "ま follows ぽ directly");
        assert_eq!(syllable('を'), Some("o"), "modified Hepburn writes を as o");
        assert_eq!(syllable('ん'), Some("n"), "ん is n");
        assert_eq!(syllable('ゔ'), Some("vu"), "ゔ is vu");
        assert_eq!(syllable('ゖ'), Some("ke"), "last entry is small ke");
        assert_eq!(syllable('ア'), None, "katakana must be converted first");
    }

    #[test]
    fn hepburn_examples() {
        let cases = [
            ("しんじ", "shinji", "し is shi and じ is ji in Hepburn"),
            ("ちゃ", "cha", "ち + small ゃ drops the i"),
            ("きょうこ", "kyouko", "き + ょ is kyo; う stays written"),
            ("はっとり", "hattori", "っ doubles t"),
            ("まっちゃ", "matcha", "っ before ch is t"),
            ("しんいち", "shinichi", "ん is plain n, with no apostrophe"),
            ("ジュン", "jun", "katakana is read like hiragana"),
            ("ティ", "ti", "small ィ after テ replaces its vowel"),
            ("ファ", "fa", "small ァ after フ replaces its vowel"),
            ("ウィ", "wi", "ウ + small vowel is a w-syllable"),
            ("ヴ", "vu", "ヴ is vu"),
            ("ヴァイオリン", "vaiorin", "ヴ + small ァ is va"),
            ("コーヒー", "koohii", "ー repeats the previous vowel"),
            ("ｻﾄｳ ﾀﾛｳ", "satou tarou", "half-width kana and the space pass"),
            ("いすゞ", "isuzu", "ゞ repeats the previous kana voiced"),
            ("ぢゃ", "ja", "ぢゃ is ja in Hepburn"),
            ("ABC 山", "abc 山", "non-kana passes through lowercased"),
            ("ヷ", "va", "ヷ becomes わ + dakuten, read va"),
            ("あっ", "a", "a final っ has no consonant to double"),
        ];
        for (kana, want, why) in cases {
            assert_eq!(kana_to_romaji(kana), want, "{kana}: {why}");
        }
    }

    #[test]
    fn key_unifies_spellings() {
        let sato = romaji_key(&kana_to_romaji("さとう"));
        assert_eq!(sato, "sato", "ou collapses to o");
        for spelling in [
            "Satoh",
            "Satou",
            "Sato",
            "Satō",
            "SATÔ",
            "Ｓａｔｏｈ",
            "さとう",
            "サトウ",
        ] {
            assert_eq!(romaji_key(spelling), sato, "{spelling} is a spelling of さとう");
        }
        for spelling in ["Ohno", "Oono", "Ono", "Ōno"] {
            assert_eq!(romaji_key(spelling), "ono", "{spelling} is a spelling of おおの");
        }
        assert_eq!(romaji_key("Shinji"), "sinzi", "Hepburn shi/ji → Kunrei si/zi");
        assert_eq!(romaji_key("Sinzi"), "sinzi", "Kunrei is already the key");
        assert_eq!(
            romaji_key("Takahashi"),
            romaji_key(&kana_to_romaji("たかはし")),
            "typed Hepburn and romanised kana meet"
        );
        assert_eq!(romaji_key("matcha"), romaji_key("maccha"), "tch and cch are both っち");
        assert_eq!(romaji_key("matcha"), romaji_key("mattya"), "Kunrei ttya is っちゃ too");
        assert_eq!(romaji_key("Homma"), romaji_key("Honma"), "m before m is ん");
        assert_eq!(romaji_key("Namba"), "nanba", "m before b is ん");
        assert_eq!(romaji_key("Shin'ichi"), romaji_key("Shinichi"), "n' is n");
        assert_eq!(romaji_key("Tsutsui"), romaji_key("Tutui"), "tsu/tu");
        assert_eq!(romaji_key("Fujii"), romaji_key("Huzii"), "fu/hu and ji/zi");
        assert_eq!(romaji_key("Junko"), romaji_key("Zyunko"), "ju/zyu");
        assert_eq!(
            romaji_key("Jyunko"),
            romaji_key("Junko"),
            "jyu is a common misspelling of ju"
        );
        assert_eq!(
            romaji_key("Kadzuo"),
            romaji_key("Kazuo"),
            "dzu is an old spelling of づ"
        );
        assert_eq!(romaji_key("Chiba"), romaji_key("Tiba"), "chi/ti");
        assert_eq!(romaji_key("Kyouko"), romaji_key("Kyoko"), "ou/o");
        assert_eq!(romaji_key("Yuuko"), romaji_key("Yuko"), "uu/u");
        assert_eq!(
            romaji_key("  Sato   Taro "),
            "sato taro",
            "spaces are kept as one, edges dropped"
        );
        assert_eq!(romaji_key("O'Hara-2"), "ohara", "punctuation and digits are dropped");
        assert_ne!(
            romaji_key("Ohashi"),
            romaji_key("Oshi"),
            "the h of oh before a vowel is a real h"
        );
        assert_ne!(romaji_key("Kato"), romaji_key("Kado"), "voicing is not folded");
    }

    #[test]
    fn romaji_detection() {
        assert!(is_romaji("Sato Taro"), "letters and a space");
        assert!(is_romaji("Shin'ichi"), "apostrophe");
        assert!(is_romaji("Satō"), "macron vowel");
        assert!(is_romaji("Ｓａｔｏ"), "full-width letters after NFKC");
        assert!(is_romaji("Yamada-Smith"), "hyphen");
        assert!(!is_romaji("さとう"), "kana is not romaji");
        assert!(!is_romaji("Sato1"), "digits are not romaji");
        assert!(!is_romaji(" - '"), "no letter at all");
        assert!(!is_romaji(""), "empty");
    }

    proptest! {
        #[test]
        fn key_is_idempotent(s in "\\PC{0,24}") {
            let once = romaji_key(&s);
            prop_assert_eq!(romaji_key(&once), once.clone(), "keying a key must not change it");
            prop_assert!(once.chars().all(|c| c.is_ascii_lowercase() || c == ' '), "{once:?} is not a–z and spaces");
            prop_assert!(!once.contains("  ") && once.trim() == once, "{once:?} has stray spaces");
        }

        #[test]
        fn key_is_idempotent_on_latin(s in "[a-z' ]{0,24}") {
            let once = romaji_key(&s);
            prop_assert_eq!(romaji_key(&once), once, "keying a key must not change it");
        }

        #[test]
        fn hiragana_and_katakana_romanise_alike(s in "[\u{3041}-\u{3096}ー]{0,12}") {
            prop_assert_eq!(kana_to_romaji(&kana::to_hiragana(&s)), kana_to_romaji(&kana::to_katakana(&s)), "script must not matter");
        }
    }
}
