//! Addresses in the one form search compares: 丁目, 番, 番地, 号 and の between numbers become
//! hyphens and the numbers of those parts become digits, so 小町一丁目五番九号, 小町１丁目５番９号,
//! 小町1丁目5-9 and 小町1-5-9 meet. Place names keep their kanji numerals (二階堂, 十二所,
//! 七里ガ浜): a kanji number is read as a number only where a unit or another number follows it.

/// Units of a Japanese address that follow a number: 丁目 (the 町名's part), 番 (街区符号 under
/// 住居表示), 番地 (地番), 号 (住居番号). Longest first, so 番地 is not read as 番 + 地.
const UNITS: [&str; 4] = ["丁目", "番地", "番", "号"];

fn is_kanji_digit(c: char) -> bool {
    matches!(c, '〇' | '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九')
}

fn is_kanji_numeral(c: char) -> bool {
    is_kanji_digit(c) || matches!(c, '十' | '百' | '千')
}

fn kanji_digit(c: char) -> Option<u32> {
    "〇一二三四五六七八九"
        .chars()
        .position(|d| d == c)
        .and_then(|p| u32::try_from(p).ok())
}

/// The value of a kanji number: 五 → 5, 二十三 → 23, 十 → 10, 百五 → 105, and digit by digit
/// when there is no 十, 百 or 千 (二〇 → 20). None when it is not well formed (二三十).
fn kanji_number(run: &[char]) -> Option<u32> {
    if !run.iter().any(|c| matches!(c, '十' | '百' | '千')) {
        return run
            .iter()
            .try_fold(0u32, |n, &c| n.checked_mul(10)?.checked_add(kanji_digit(c)?));
    }
    let (mut total, mut pending, mut last_unit) = (0u32, None::<u32>, u32::MAX);
    for &c in run {
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            _ => {
                if pending.is_some() {
                    return None;
                }
                pending = Some(kanji_digit(c)?);
                continue;
            }
        };
        if unit >= last_unit {
            return None;
        }
        total += pending.take().unwrap_or(1) * unit;
        last_unit = unit;
    }
    Some(total + pending.unwrap_or(0))
}

/// The unit at `rest`'s start, if any.
fn unit_at(rest: &[char]) -> Option<&'static str> {
    UNITS.into_iter().find(|u| {
        let n = u.chars().count();
        rest.len() >= n && rest[..n].iter().copied().eq(u.chars())
    })
}

/// A number (digits or kanji numerals) starts at `rest`, after an optional の.
fn number_follows(rest: &[char]) -> bool {
    let rest = if rest.first() == Some(&'の') { &rest[1..] } else { rest };
    rest.first().is_some_and(|&c| c.is_ascii_digit() || is_kanji_numeral(c))
}

/// Folds the address forms of already search-folded text (see [`super::fold_for_search`]: digits
/// are ASCII and dashes `-` by then). Apply it to the stored address and to the query alike.
pub fn fold_address(folded: &str) -> String {
    let chars: Vec<char> = folded.chars().collect();
    let mut out = String::with_capacity(folded.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_kanji_numeral(c) {
            let end = (i..chars.len())
                .find(|&j| !is_kanji_numeral(chars[j]))
                .unwrap_or(chars.len());
            let rest = &chars[end..];
            let after_number = out.ends_with('-') && out[..out.len() - 1].ends_with(|p: char| p.is_ascii_digit());
            let numeric = unit_at(rest).is_some()
                || (matches!(rest.first(), Some('-' | 'の')) && number_follows(&rest[1..]))
                || after_number;
            match kanji_number(&chars[i..end]).filter(|_| numeric) {
                Some(n) => out.push_str(&n.to_string()),
                None => out.extend(&chars[i..end]),
            }
            i = end;
            continue;
        }
        if out.ends_with(|p: char| p.is_ascii_digit()) {
            if let Some(unit) = unit_at(&chars[i..]) {
                i += unit.chars().count();
                // 5番地の9: the の after a unit only joins the numbers.
                if unit != "号" && number_follows(&chars[i..]) {
                    if chars[i] == 'の' {
                        i += 1;
                    }
                    out.push('-');
                }
                continue;
            }
            if c == 'の' && number_follows(&chars[i + 1..]) {
                out.push('-');
                i += 1;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fold_for_search;
    use super::*;
    use proptest::prelude::*;

    fn addr(s: &str) -> String {
        fold_address(&fold_for_search(s))
    }

    /// The forms of one 住居表示 address (町名 + 丁目 + 街区符号 番 + 住居番号 号) that people
    /// write, in kanji, full-width or ASCII numbers and with hyphens, must all meet.
    #[test]
    fn forms_of_one_address_meet() {
        let forms = [
            "小町1-5-9",
            "小町１丁目５番９号",
            "小町一丁目5-9",
            "小町1丁目5-9",
            "小町一丁目五番九号",
            "小町1丁目5番9号",
            "小町１－５－９",
            "小町1ー5ー9",
            "小町一-五-九",
        ];
        for f in forms {
            assert_eq!(addr(f), "小町1-5-9", "{f} is 小町一丁目五番九号 written another way");
        }
    }

    #[test]
    fn kanji_numbers_with_tens_and_hundreds() {
        assert_eq!(addr("大船二十三番地"), "大船23", "二十三 is 23");
        assert_eq!(
            addr("山崎十番地の四"),
            "山崎10-4",
            "十 alone is 10; 番地の joins the 枝番"
        );
        assert_eq!(addr("笛田百五番地"), "笛田105", "百五 is 105");
        assert_eq!(addr("植木123番地4"), "植木123-4", "地番 with its 枝番");
        assert_eq!(addr("植木123の4"), "植木123-4", "の between numbers is a hyphen");
        assert_eq!(addr("今泉台三丁目"), "今泉台3", "a 丁目 alone keeps no trailing hyphen");
        assert_eq!(addr("岩瀬1-2-3 201号室"), "岩瀬1-2-3 201室", "号 after a number goes");
    }

    #[test]
    fn place_names_keep_their_kanji_numerals() {
        for name in ["二階堂", "十二所", "七里ガ浜東", "一の宮", "三ツ沢", "八幡"] {
            let folded = fold_for_search(name);
            assert_eq!(fold_address(&folded), folded, "{name} is a place name, not a number");
        }
        assert_eq!(
            addr("二階堂一丁目2番3号"),
            "二階堂1-2-3",
            "only the number after 二階堂 changes"
        );
        assert_eq!(addr("十二所五番"), "十二所5", "十二所 stays; 五番 is a number");
        assert_eq!(
            addr("七里ガ浜東三丁目1-1"),
            fold_for_search("七里ガ浜東") + "3-1-1",
            "七里 stays; 三丁目 is a number"
        );
    }

    #[test]
    fn ill_formed_kanji_numbers_stay_as_written() {
        assert_eq!(kanji_number(&['二', '三', '十']), None, "二三十 is not a number");
        assert_eq!(kanji_number(&['十', '百']), None, "units must fall");
        assert_eq!(kanji_number(&['二', '〇']), Some(20), "digit by digit without units");
        assert_eq!(kanji_number(&['千', '二', '百']), Some(1200), "千二百");
    }

    proptest! {
        #[test]
        fn idempotent(s in "[一二三十百〇0-9丁目番地号の町小-]{0,14}") {
            let once = fold_address(&fold_for_search(&s));
            prop_assert_eq!(fold_address(&once), once);
        }
    }
}
