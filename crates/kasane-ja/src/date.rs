//! Dates in 和暦 and ISO, including dates known only to the year or month; every accepted date exists
//! in the calendar and, when written in 和暦, lies inside its era. Parsing never panics.

use std::fmt;
use std::str::FromStr;

use jiff::civil::{Date, date};
use unicode_normalization::UnicodeNormalization;

const MEIJI_START: Date = date(1868, 1, 1);
const TAISHO_START: Date = date(1912, 7, 30);
const SHOWA_START: Date = date(1926, 12, 25);
const HEISEI_START: Date = date(1989, 1, 8);
const REIWA_START: Date = date(2019, 5, 1);
const SHOWA_END: Date = date(1989, 1, 7);
const HEISEI_END: Date = date(2019, 4, 30);

/// Years a person can plausibly type for a case record; anything else is a typo.
const YEAR_RANGE: std::ops::RangeInclusive<u32> = 1800..=2200;

/// The eras of modern Japan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Era {
    Meiji,
    Taisho,
    Showa,
    Heisei,
    Reiwa,
}

impl Era {
    /// Every era, oldest first.
    pub const ALL: [Era; 5] = [Era::Meiji, Era::Taisho, Era::Showa, Era::Heisei, Era::Reiwa];

    pub fn name_ja(self) -> &'static str {
        match self {
            Era::Meiji => "明治",
            Era::Taisho => "大正",
            Era::Showa => "昭和",
            Era::Heisei => "平成",
            Era::Reiwa => "令和",
        }
    }

    pub fn letter(self) -> char {
        match self {
            Era::Meiji => 'M',
            Era::Taisho => 'T',
            Era::Showa => 'S',
            Era::Heisei => 'H',
            Era::Reiwa => 'R',
        }
    }

    /// First day. 明治 is counted from 1 January 1868 (its 元年), as Japanese records do.
    pub fn start(self) -> Date {
        match self {
            Era::Meiji => MEIJI_START,
            Era::Taisho => TAISHO_START,
            Era::Showa => SHOWA_START,
            Era::Heisei => HEISEI_START,
            Era::Reiwa => REIWA_START,
        }
    }

    /// Last day, or None for the current era. 明治 and 大正 end on the day the next era began,
    /// so that day can be written in either era.
    pub fn end(self) -> Option<Date> {
        match self {
            Era::Meiji => Some(TAISHO_START),
            Era::Taisho => Some(SHOWA_START),
            Era::Showa => Some(SHOWA_END),
            Era::Heisei => Some(HEISEI_END),
            Era::Reiwa => None,
        }
    }

    /// The era in effect on `date` (the newer one on a shared day); None before 1868.
    pub fn of(date: Date) -> Option<Era> {
        Era::ALL.into_iter().rev().find(|era| era.start() <= date)
    }

    fn from_letter(c: char) -> Option<Era> {
        Era::ALL.into_iter().find(|era| era.letter() == c.to_ascii_uppercase())
    }

    /// Year number within the era of a Gregorian year (1989 in 平成 → 1).
    fn year_of(self, year: i16) -> i32 {
        i32::from(year) - i32::from(self.start().year()) + 1
    }
}

/// Which part of a date was out of range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateField {
    Year,
    Month,
    Day,
}

impl fmt::Display for DateField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DateField::Year => "year",
            DateField::Month => "month",
            DateField::Day => "day",
        })
    }
}

/// Why a 和暦 date is not in its era.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EraProblem {
    /// The date (or the whole month or year) is before the era began.
    BeforeStart,
    /// The date (or the whole month or year) is after the era ended.
    AfterEnd,
    /// Era years count from 1 (元年); there is no year 0.
    YearZero,
}

fn explain_era_problem(era: &Era, problem: &EraProblem) -> String {
    let name = era.name_ja();
    match (problem, era.end()) {
        (EraProblem::BeforeStart, _) => format!("{name} began on {}", era.start()),
        (EraProblem::AfterEnd, Some(end)) => format!("{name} ended on {end}"),
        (EraProblem::AfterEnd, None) => format!("{name} has not ended"),
        (EraProblem::YearZero, _) => {
            format!("{name} years count from 1 (元年); there is no year 0")
        }
    }
}

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn month_name(month: &u8) -> &'static str {
    usize::from(*month)
        .checked_sub(1)
        .and_then(|i| MONTH_NAMES.get(i))
        .copied()
        .unwrap_or("that month")
}

/// Why text could not be read as a date. Messages quote the input as typed and say what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("no date given; write 2024-06-14, R6.6.14 or 令和6年6月14日")]
    Empty,
    #[error("\"{0}\" is not a date; write 2024-06-14, R6.6.14 or 令和6年6月14日")]
    Unrecognised(String),
    #[error("{input}: {field} {value} is out of range; it must be {min}–{max}")]
    OutOfRange {
        input: String,
        field: DateField,
        value: u32,
        min: u32,
        max: u32,
    },
    #[error("{input}: {} {year} has {days} days", month_name(.month))]
    DayNotInMonth {
        input: String,
        year: i16,
        month: u8,
        day: u8,
        days: u8,
    },
    #[error("{input} is not a valid date: {}", explain_era_problem(.era, .problem))]
    NotInEra {
        input: String,
        era: Era,
        problem: EraProblem,
    },
    #[error("\"{0}\" is not a complete date; year, month and day are all needed")]
    Incomplete(String),
}

fn is_leap(year: i16) -> bool {
    let y = i32::from(year);
    (y.rem_euclid(4) == 0 && y.rem_euclid(100) != 0) || y.rem_euclid(400) == 0
}

fn days_in_month(year: i16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// `value` as a u8 when it lies in 1..=max.
fn within(value: u32, max: u8) -> Option<u8> {
    u8::try_from(value).ok().filter(|v| (1..=max).contains(v))
}

fn civil(year: i16, month: u8, day: u8) -> Option<Date> {
    Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()
}

/// A date that may be known only to the year or to the year and month (normal for older people's
/// birth dates). Orders by year, then month, then day, with an unknown part first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartialDate {
    year: i16,
    month: Option<u8>,
    day: Option<u8>,
}

/// A reading of the text before any check: numbers as written.
struct Written {
    era: Option<Era>,
    year: u32,
    month: Option<u32>,
    day: Option<u32>,
}

/// A tiny cursor over normalised date text.
struct Cursor<'a> {
    rest: &'a str,
}

impl<'a> Cursor<'a> {
    fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    fn eat(&mut self, prefix: &str) -> bool {
        match self.rest.strip_prefix(prefix) {
            Some(rest) => {
                self.rest = rest;
                true
            }
            None => false,
        }
    }

    fn eat_char(&mut self, accept: impl Fn(char) -> bool) -> Option<char> {
        let c = self.rest.chars().next().filter(|&c| accept(c))?;
        self.rest = &self.rest[c.len_utf8()..];
        Some(c)
    }

    /// A run of ASCII digits whose length is within `digits`.
    fn number(&mut self, digits: std::ops::RangeInclusive<usize>) -> Option<u32> {
        let len = self.rest.bytes().take_while(u8::is_ascii_digit).count();
        if !digits.contains(&len) {
            return None;
        }
        let (text, rest) = self.rest.split_at(len);
        self.rest = rest;
        text.parse().ok()
    }

    fn era(&mut self) -> Option<Era> {
        for era in Era::ALL {
            let name = era.name_ja();
            // The first kanji alone (昭23.5.1) is a common short form on forms.
            let first = name.char_indices().nth(1).map_or(name, |(i, _)| &name[..i]);
            if self.eat(name) || self.eat(first) {
                return Some(era);
            }
        }
        let letter = self.rest.chars().next()?;
        let era = Era::from_letter(letter)?;
        self.rest = &self.rest[letter.len_utf8()..];
        Some(era)
    }
}

impl Written {
    /// Reads the shapes listed on [`PartialDate::parse`]; None when the text has another shape.
    fn scan(text: &str) -> Option<Written> {
        let mut cur = Cursor { rest: text };
        let era = cur.era();
        let year = match era {
            Some(_) if cur.eat("元") => 1,
            Some(_) => cur.number(1..=3)?,
            // ISO years need all four digits: "48" could be 昭和 or 1948.
            None => cur.number(4..=4)?,
        };
        let (month, day) = if cur.is_empty() {
            (None, None)
        } else if cur.eat("年") {
            if cur.is_empty() {
                (None, None)
            } else {
                let month = cur.number(1..=2)?;
                if !cur.eat("月") {
                    return None;
                }
                if cur.is_empty() {
                    (Some(month), None)
                } else {
                    let day = cur.number(1..=2)?;
                    if !cur.eat("日") {
                        return None;
                    }
                    (Some(month), Some(day))
                }
            }
        } else {
            let sep = cur.eat_char(|c| matches!(c, '.' | '/' | '-'))?;
            let month = cur.number(1..=2)?;
            if cur.is_empty() {
                (Some(month), None)
            } else {
                cur.eat_char(|c| c == sep)?;
                (Some(month), Some(cur.number(1..=2)?))
            }
        };
        if !cur.is_empty() {
            return None;
        }
        Some(Written { era, year, month, day })
    }

    /// Checks the numbers and the era and builds the date; `input` is quoted in errors.
    fn resolve(self, input: &str) -> Result<PartialDate, DateError> {
        let out_of_range = |field, value, min, max| DateError::OutOfRange {
            input: input.to_owned(),
            field,
            value,
            min,
            max,
        };
        let not_in_era = |era, problem| DateError::NotInEra {
            input: input.to_owned(),
            era,
            problem,
        };
        let month = self
            .month
            .map(|m| within(m, 12).ok_or_else(|| out_of_range(DateField::Month, m, 1, 12)))
            .transpose()?;
        let day = self
            .day
            .map(|d| within(d, 31).ok_or_else(|| out_of_range(DateField::Day, d, 1, 31)))
            .transpose()?;
        let year = match self.era {
            None => self.year,
            Some(era) => {
                if self.year == 0 {
                    return Err(not_in_era(era, EraProblem::YearZero));
                }
                let year = u32::from(era.start().year().unsigned_abs()).saturating_add(self.year - 1);
                // Checked before the year range, so S999 is reported as after 昭和, not as year 2924.
                if era.end().is_some_and(|end| year > u32::from(end.year().unsigned_abs())) {
                    return Err(not_in_era(era, EraProblem::AfterEnd));
                }
                year
            }
        };
        let year = i16::try_from(year)
            .ok()
            .filter(|_| YEAR_RANGE.contains(&year))
            .ok_or_else(|| out_of_range(DateField::Year, year, *YEAR_RANGE.start(), *YEAR_RANGE.end()))?;
        if let (Some(month), Some(day)) = (month, day) {
            let days = days_in_month(year, month);
            if day > days {
                return Err(DateError::DayNotInMonth {
                    input: input.to_owned(),
                    year,
                    month,
                    day,
                    days,
                });
            }
        }
        let date = PartialDate { year, month, day };
        if let Some(era) = self.era {
            let (first, last) = date.period().ok_or_else(|| DateError::Unrecognised(input.to_owned()))?;
            if last < era.start() {
                return Err(not_in_era(era, EraProblem::BeforeStart));
            }
            if era.end().is_some_and(|end| first > end) {
                return Err(not_in_era(era, EraProblem::AfterEnd));
            }
        }
        Ok(date)
    }
}

impl PartialDate {
    /// Reads a date typed by a person, after NFKC, trimming and dropping inner spaces:
    /// ISO-like "1948-05-01", "1948-5-1", "1948/5/1", "1948.5.1", "1948年5月1日", "1948-05", "1948年5月",
    /// "1948"; 和暦 with a letter "S23.5.1", "s23/5/1", "S23-5-1", "S23.5", "S23", "R元.5.1"; with the
    /// era name "昭和23年5月1日", "昭和23年5月", "昭和23年", "令和元年5月1日" (or its first kanji,
    /// "昭23.5.1"). Refuses impossible dates, 和暦 outside the era and years outside 1800–2200.
    pub fn parse(s: &str) -> Result<PartialDate, DateError> {
        let input = s.trim();
        let text: String = input.nfkc().filter(|c| !c.is_whitespace()).collect();
        if text.is_empty() {
            return Err(DateError::Empty);
        }
        Written::scan(&text)
            .ok_or_else(|| DateError::Unrecognised(input.to_owned()))?
            .resolve(input)
    }

    /// Reads exactly the form [`PartialDate::iso`] writes ("1948", "1948-05", "1948-05-01"), for
    /// stored data; any year 0000–9999 is accepted so that every serialised value reads back.
    pub fn from_iso(s: &str) -> Option<PartialDate> {
        let number = |text: &str, len: usize| -> Option<u32> {
            let digits = text.len() == len && text.bytes().all(|b| b.is_ascii_digit());
            if digits { text.parse().ok() } else { None }
        };
        let mut parts = s.split('-');
        let year = i16::try_from(number(parts.next()?, 4)?).ok()?;
        let month = match parts.next() {
            Some(text) => Some(within(number(text, 2)?, 12)?),
            None => None,
        };
        let day = match (month, parts.next()) {
            (Some(m), Some(text)) => Some(within(number(text, 2)?, days_in_month(year, m))?),
            (_, None) => None,
            (None, Some(_)) => return None,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(PartialDate { year, month, day })
    }

    pub fn year(&self) -> i16 {
        self.year
    }

    pub fn month(&self) -> Option<u8> {
        self.month
    }

    pub fn day(&self) -> Option<u8> {
        self.day
    }

    pub fn from_date(d: Date) -> PartialDate {
        PartialDate {
            year: d.year(),
            month: Some(d.month().unsigned_abs()),
            day: Some(d.day().unsigned_abs()),
        }
    }

    /// The full date, when year, month and day are all known.
    pub fn to_date(&self) -> Option<Date> {
        civil(self.year, self.month?, self.day?)
    }

    /// First and last day the date could be.
    fn period(&self) -> Option<(Date, Date)> {
        match (self.month, self.day) {
            (Some(m), Some(d)) => civil(self.year, m, d).map(|x| (x, x)),
            (Some(m), None) => civil(self.year, m, 1).map(|x| (x, x.last_of_month())),
            (None, _) => civil(self.year, 1, 1).map(|x| (x, x.last_of_year())),
        }
    }

    /// "1948", "1948-05" or "1948-05-01".
    pub fn iso(&self) -> String {
        let year = if self.year < 0 {
            format!("-{:04}", self.year.unsigned_abs())
        } else {
            format!("{:04}", self.year)
        };
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{year}-{m:02}-{d:02}"),
            (Some(m), None) => format!("{year}-{m:02}"),
            (None, _) => year,
        }
    }

    /// The era in effect on the first day of the known period ("1989" → 昭和64年).
    fn era(&self) -> Option<Era> {
        self.period().and_then(|(first, _)| Era::of(first))
    }

    /// "昭和23年5月1日", "昭和23年5月", "昭和23年", "令和元年5月1日", using the era in effect on the
    /// first day of the known period ("1989" → "昭和64年"). Before 1868: "1850年1月2日".
    pub fn wareki(&self) -> String {
        let year = match self.era() {
            Some(era) => match era.year_of(self.year) {
                1 => format!("{}元年", era.name_ja()),
                n => format!("{}{n}年", era.name_ja()),
            },
            None => format!("{}年", self.year),
        };
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{year}{m}月{d}日"),
            (Some(m), None) => format!("{year}{m}月"),
            (None, _) => year,
        }
    }

    /// "S23.5.1", "R1.5", "S64"; ISO before 1868, which has no era.
    pub fn wareki_short(&self) -> String {
        let Some(era) = self.era() else {
            return self.iso();
        };
        let year = format!("{}{}", era.letter(), era.year_of(self.year));
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{year}.{m}.{d}"),
            (Some(m), None) => format!("{year}.{m}"),
            (None, _) => year,
        }
    }

    /// Age in whole years on `today`, as a range when the birthday is not known precisely enough
    /// to tell (year only, or the birth month with no day). None when the date is after today.
    pub fn age_on(&self, today: Date) -> Option<Age> {
        let (first, last) = self.period()?;
        if first > today {
            return None;
        }
        let latest = last.min(today);
        Some(Age {
            min: whole_years(latest, today)?,
            max: whole_years(first, today)?,
        })
    }
}

/// Completed years from `birth` to `on`; a 29 February birthday is reached on 1 March in other years.
fn whole_years(birth: Date, on: Date) -> Option<u16> {
    let mut years = i32::from(on.year()) - i32::from(birth.year());
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    u16::try_from(years).ok()
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

impl FromStr for PartialDate {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PartialDate::parse(s)
    }
}

impl serde::Serialize for PartialDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.iso())
    }
}

impl<'de> serde::Deserialize<'de> for PartialDate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IsoVisitor;

        impl serde::de::Visitor<'_> for IsoVisitor {
            type Value = PartialDate;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an ISO date: YYYY, YYYY-MM or YYYY-MM-DD")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<PartialDate, E> {
                PartialDate::from_iso(v)
                    .ok_or_else(|| E::custom(format!("\"{v}\" is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")))
            }
        }

        deserializer.deserialize_str(IsoVisitor)
    }
}

/// An age in whole years; `min < max` when the birth date is too vague to tell which.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Age {
    pub min: u16,
    pub max: u16,
}

impl Age {
    /// The age, when the range is a single year.
    pub fn exact(&self) -> Option<u16> {
        (self.min == self.max).then_some(self.min)
    }
}

impl fmt::Display for Age {
    /// "84" or "84–85"; callers add the unit (歳).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.exact() {
            Some(age) => write!(f, "{age}"),
            None => write!(f, "{}–{}", self.min, self.max),
        }
    }
}

/// A complete date in any format [`PartialDate::parse`] accepts; partial dates are refused.
pub fn parse_date(s: &str) -> Result<Date, DateError> {
    PartialDate::parse(s)?
        .to_date()
        .ok_or_else(|| DateError::Incomplete(s.trim().to_owned()))
}

/// "令和7年6月14日" (元年 for an era's first year); dates before 1868 as "1850年1月2日".
pub fn wareki(date: Date) -> String {
    PartialDate::from_date(date).wareki()
}

/// The day of the week as one kanji: 月 火 水 木 金 土 日.
pub fn weekday_ja(date: Date) -> &'static str {
    ["月", "火", "水", "木", "金", "土", "日"][usize::from(date.weekday().to_monday_zero_offset().unsigned_abs())]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::Deserialize;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as ValueError, StrDeserializer};

    fn ymd(s: &str) -> Date {
        parse_date(s).unwrap_or_else(|e| panic!("{s} should parse: {e}"))
    }

    #[test]
    fn weekdays_of_known_dates() {
        // 2019-05-01, the first day of 令和, was a Wednesday; 1989-01-08, the first of 平成, a Sunday.
        assert_eq!(weekday_ja(ymd("2019-05-01")), "水", "令和元年5月1日 was a Wednesday");
        assert_eq!(weekday_ja(ymd("1989-01-08")), "日", "平成元年1月8日 was a Sunday");
        assert_eq!(weekday_ja(ymd("2026-12-10")), "木", "2026-12-10 is a Thursday");
    }

    fn refused(s: &str) -> DateError {
        match PartialDate::parse(s) {
            Ok(d) => panic!("{s} should be refused but parsed as {d}"),
            Err(e) => e,
        }
    }

    #[test]
    fn era_boundaries() {
        assert_eq!(ymd("R1.5.1"), date(2019, 5, 1), "令和 began on 2019-05-01");
        assert_eq!(ymd("R元.5.1"), date(2019, 5, 1), "元 is year 1");
        assert_eq!(ymd("令和元年5月1日"), date(2019, 5, 1), "kanji era with 元年");
        assert_eq!(ymd("H31.4.30"), date(2019, 4, 30), "平成 ended on 2019-04-30");
        assert_eq!(ymd("平成31年4月30日"), date(2019, 4, 30), "kanji form of H31.4.30");
        assert_eq!(ymd("S64.1.7"), date(1989, 1, 7), "昭和 ended on 1989-01-07");
        assert_eq!(ymd("T15.12.25"), date(1926, 12, 25), "大正's last day is 昭和's first");
        assert_eq!(ymd("S1.12.25"), date(1926, 12, 25), "昭和 began on 1926-12-25");
        assert_eq!(ymd("M45.7.30"), date(1912, 7, 30), "明治's last day is 大正's first");
        assert_eq!(ymd("T1.7.30"), date(1912, 7, 30), "大正 began on 1912-07-30");
        assert_eq!(ymd("M1.1.1"), date(1868, 1, 1), "明治 is counted from 1 January 1868");
        for s in ["R1.4.30", "H31.5.1", "S64.1.8", "S1.12.24", "M45.7.31", "H1.1.7"] {
            assert!(
                matches!(refused(s), DateError::NotInEra { .. }),
                "{s} lies outside its era"
            );
        }
        for s in ["S65", "T16", "M46", "R1.4", "H31.5", "S64.2"] {
            assert!(
                matches!(
                    refused(s),
                    DateError::NotInEra {
                        problem: EraProblem::AfterEnd | EraProblem::BeforeStart,
                        ..
                    }
                ),
                "no day of {s} is in its era"
            );
        }
        assert!(
            matches!(
                refused("R0"),
                DateError::NotInEra {
                    problem: EraProblem::YearZero,
                    ..
                }
            ),
            "era years start at 1"
        );
        assert_eq!(
            PartialDate::parse("H31.4").map(|d| d.iso()),
            Ok("2019-04".to_owned()),
            "April 2019 is (all of it) in 平成"
        );
        assert_eq!(
            PartialDate::parse("S64").map(|d| d.iso()),
            Ok("1989".to_owned()),
            "1989 began in 昭和"
        );
    }

    #[test]
    fn accepted_formats() {
        let may_first = PartialDate::from_date(date(1948, 5, 1));
        for s in [
            "1948-05-01",
            "1948-5-1",
            "1948/5/1",
            "1948.5.1",
            "1948年5月1日",
            "S23.5.1",
            "s23.5.1",
            "S23/5/1",
            "S23-5-1",
            "昭和23年5月1日",
            "昭23.5.1",
            "Ｓ２３．５．１",
            "  昭和 23年 5月 1日 ",
            "S23年5月1日",
        ] {
            assert_eq!(PartialDate::parse(s), Ok(may_first), "{s} is 1948-05-01");
        }
        for (s, iso) in [
            ("1948-05", "1948-05"),
            ("1948年5月", "1948-05"),
            ("1948", "1948"),
            ("1948年", "1948"),
            ("S23.5", "1948-05"),
            ("S23", "1948"),
            ("昭和23年5月", "1948-05"),
            ("昭和23年", "1948"),
            ("S15", "1940"),
            ("1990-03", "1990-03"),
            ("2024-02-29", "2024-02-29"),
            ("㍻2年", "1990"),
        ] {
            assert_eq!(
                PartialDate::parse(s).map(|d| d.iso()),
                Ok(iso.to_owned()),
                "{s} is {iso}"
            );
        }
        let s15 = PartialDate::parse("S15").unwrap();
        assert_eq!(
            (s15.year(), s15.month(), s15.day()),
            (1940, None, None),
            "S15 is the year 1940 only"
        );
        let ym = PartialDate::parse("1990-03").unwrap();
        assert_eq!(
            (ym.year(), ym.month(), ym.day()),
            (1990, Some(3), None),
            "1990-03 has no day"
        );
    }

    #[test]
    fn refusals_say_what_is_wrong() {
        assert_eq!(
            PartialDate::parse("  "),
            Err(DateError::Empty),
            "only spaces is no date"
        );
        assert_eq!(
            refused("2023-02-29").to_string(),
            "2023-02-29: February 2023 has 28 days",
            "2023 is not a leap year"
        );
        assert_eq!(
            refused("R1.4.30").to_string(),
            "R1.4.30 is not a valid date: 令和 began on 2019-05-01",
            "the message names the era start"
        );
        assert_eq!(
            refused("H31.5.1").to_string(),
            "H31.5.1 is not a valid date: 平成 ended on 2019-04-30",
            "the message names the era end"
        );
        assert_eq!(
            refused("abc").to_string(),
            "\"abc\" is not a date; write 2024-06-14, R6.6.14 or 令和6年6月14日",
            "unknown text gets examples of what works"
        );
        assert!(
            matches!(
                refused("1948-13-01"),
                DateError::OutOfRange {
                    field: DateField::Month,
                    value: 13,
                    ..
                }
            ),
            "there is no 13th month"
        );
        assert!(
            matches!(
                refused("1948-04-00"),
                DateError::OutOfRange {
                    field: DateField::Day,
                    value: 0,
                    ..
                }
            ),
            "there is no day 0"
        );
        assert!(
            matches!(refused("1948-04-31"), DateError::DayNotInMonth { days: 30, .. }),
            "April has 30 days"
        );
        assert!(
            matches!(
                refused("1700-01-01"),
                DateError::OutOfRange {
                    field: DateField::Year,
                    value: 1700,
                    ..
                }
            ),
            "ISO years before 1800 are typos here"
        );
        assert!(
            matches!(
                refused("2201"),
                DateError::OutOfRange {
                    field: DateField::Year,
                    ..
                }
            ),
            "ISO years after 2200 are typos here"
        );
        assert_eq!(
            PartialDate::parse("R182").map(|d| d.year()),
            Ok(2200),
            "R1 is 2019, so R182 is the last year allowed"
        );
        assert!(
            matches!(
                refused("R183"),
                DateError::OutOfRange {
                    field: DateField::Year,
                    value: 2201,
                    ..
                }
            ),
            "令和 has no end, but the year limit still applies"
        );
        for s in [
            "48.5.1",
            "S23.5.1.",
            "S23.5/1",
            "1948-05-01T00",
            "5月1日",
            "X23.5.1",
            "S1234",
            "19480501",
        ] {
            assert!(
                matches!(refused(s), DateError::Unrecognised(_)),
                "{s} is not a date shape we read"
            );
        }
        assert_eq!(
            parse_date("1948-05"),
            Err(DateError::Incomplete("1948-05".to_owned())),
            "parse_date needs a day"
        );
    }

    #[test]
    fn era_facts() {
        assert_eq!(Era::of(date(1867, 12, 31)), None, "no era before 1868");
        assert_eq!(Era::of(date(1868, 1, 1)), Some(Era::Meiji), "明治 from 1868");
        assert_eq!(
            Era::of(date(1912, 7, 30)),
            Some(Era::Taisho),
            "the newer era on a shared day"
        );
        assert_eq!(
            Era::of(date(1926, 12, 25)),
            Some(Era::Showa),
            "the newer era on a shared day"
        );
        assert_eq!(Era::of(date(1989, 1, 7)), Some(Era::Showa), "昭和's last day");
        assert_eq!(Era::of(date(2019, 5, 1)), Some(Era::Reiwa), "令和's first day");
        for pair in Era::ALL.windows(2) {
            let (older, newer) = (pair[0], pair[1]);
            let end = older.end().unwrap();
            assert!(
                end == newer.start() || end.tomorrow().unwrap() == newer.start(),
                "{older:?} must end where {newer:?} begins, leaving no gap"
            );
        }
        assert_eq!(Era::Reiwa.end(), None, "令和 has not ended");
        let names: String = Era::ALL.iter().map(|e| e.name_ja()).collect();
        assert_eq!(names, "明治大正昭和平成令和", "era names in order");
        let letters: String = Era::ALL.iter().map(|e| e.letter()).collect();
        assert_eq!(letters, "MTSHR", "era letters in order");
    }

    #[test]
    fn formatting() {
        let d = PartialDate::parse("1948-05-01").unwrap();
        assert_eq!(d.wareki(), "昭和23年5月1日", "full 和暦");
        assert_eq!(d.wareki_short(), "S23.5.1", "letter form");
        let ym = PartialDate::parse("1948-05").unwrap();
        assert_eq!(
            (ym.wareki(), ym.wareki_short()),
            ("昭和23年5月".to_owned(), "S23.5".to_owned()),
            "year-month"
        );
        let y = PartialDate::parse("1989").unwrap();
        assert_eq!(
            (y.wareki(), y.wareki_short()),
            ("昭和64年".to_owned(), "S64".to_owned()),
            "1989 began in 昭和"
        );
        let r = PartialDate::parse("2019-05").unwrap();
        assert_eq!(
            (r.wareki(), r.wareki_short()),
            ("令和元年5月".to_owned(), "R1.5".to_owned()),
            "元年 in words, 1 in letters"
        );
        assert_eq!(wareki(date(2025, 6, 14)), "令和7年6月14日", "today-ish");
        assert_eq!(wareki(date(2019, 5, 1)), "令和元年5月1日", "first day of 令和");
        assert_eq!(
            wareki(date(1912, 7, 30)),
            "大正元年7月30日",
            "a shared day is written in the new era"
        );
        assert_eq!(wareki(date(1850, 1, 2)), "1850年1月2日", "no era before 1868");
        assert_eq!(
            PartialDate::from_date(date(1850, 1, 2)).wareki_short(),
            "1850-01-02",
            "no letter before 1868"
        );
        assert_eq!(d.to_string(), "1948-05-01", "Display is ISO");
        assert_eq!("S23.5".parse::<PartialDate>(), Ok(ym), "FromStr is parse");
        assert_eq!(ym.to_date(), None, "a year-month is not a full date");
        assert_eq!(d.to_date(), Some(date(1948, 5, 1)), "a full date converts");
    }

    #[test]
    fn partial_dates_order_by_precision_within_a_year() {
        let y = PartialDate::parse("1948").unwrap();
        let ym = PartialDate::parse("1948-01").unwrap();
        let ymd = PartialDate::parse("1948-01-01").unwrap();
        let next = PartialDate::parse("1949").unwrap();
        assert!(
            y < ym && ym < ymd && ymd < next,
            "unknown parts sort first, then by time"
        );
    }

    #[test]
    fn ages() {
        let born = PartialDate::parse("1948-05-01").unwrap();
        assert_eq!(
            born.age_on(date(2026, 4, 30)),
            Some(Age { min: 77, max: 77 }),
            "day before the birthday"
        );
        assert_eq!(
            born.age_on(date(2026, 5, 1)),
            Some(Age { min: 78, max: 78 }),
            "on the birthday"
        );
        let year = PartialDate::parse("1948").unwrap();
        assert_eq!(
            year.age_on(date(2026, 11, 25)),
            Some(Age { min: 77, max: 78 }),
            "birthday could be before or after 11-25"
        );
        let month = PartialDate::parse("1948-11").unwrap();
        assert_eq!(
            month.age_on(date(2026, 11, 25)),
            Some(Age { min: 77, max: 78 }),
            "birthday could be 11-26..30"
        );
        assert_eq!(
            month.age_on(date(2026, 12, 1)),
            Some(Age { min: 78, max: 78 }),
            "the whole month is past"
        );
        assert_eq!(
            month.age_on(date(2026, 10, 31)),
            Some(Age { min: 77, max: 77 }),
            "the whole month is ahead"
        );
        assert_eq!(born.age_on(date(1948, 4, 30)), None, "not yet born");
        assert_eq!(
            born.age_on(date(1948, 5, 1)),
            Some(Age { min: 0, max: 0 }),
            "born today"
        );
        assert_eq!(
            year.age_on(date(1948, 3, 1)),
            Some(Age { min: 0, max: 0 }),
            "maybe born, but not yet one"
        );
        let leap = PartialDate::parse("2000-02-29").unwrap();
        assert_eq!(
            leap.age_on(date(2001, 2, 28)).and_then(|a| a.exact()),
            Some(0),
            "29 Feb not yet reached on 28 Feb"
        );
        assert_eq!(
            leap.age_on(date(2001, 3, 1)).and_then(|a| a.exact()),
            Some(1),
            "reached on 1 March"
        );
        assert_eq!(Age { min: 84, max: 85 }.to_string(), "84–85", "a range uses an en dash");
        assert_eq!(Age { min: 84, max: 84 }.to_string(), "84", "an exact age is one number");
        assert_eq!(Age { min: 84, max: 85 }.exact(), None, "a range is not exact");
    }

    #[test]
    fn serde_reads_iso_only() {
        let de = |s: &'static str| {
            let d: StrDeserializer<'_, ValueError> = s.into_deserializer();
            PartialDate::deserialize(d)
        };
        assert_eq!(de("1948-05-01").ok(), PartialDate::parse("1948-05-01").ok(), "full ISO");
        assert_eq!(de("1948-05").ok(), PartialDate::parse("1948-05").ok(), "year-month");
        assert_eq!(de("1948").ok(), PartialDate::parse("1948").ok(), "year");
        for bad in [
            "S23.5.1",
            "1948-5-1",
            "1948/05/01",
            "1948-02-30",
            "48",
            "1948-05-01-",
            "",
        ] {
            assert!(de(bad).is_err(), "{bad} is not the stored ISO form");
        }
        assert_eq!(
            de("1700-01-01").map(|d| d.iso()).ok(),
            Some("1700-01-01".to_owned()),
            "stored data outside the typing range still reads back"
        );
    }

    #[test]
    fn every_date_round_trips() {
        let mut day = date(1868, 1, 1);
        let last = date(2100, 12, 31);
        while day <= last {
            let p = PartialDate::from_date(day);
            for text in [p.iso(), p.wareki(), p.wareki_short()] {
                assert_eq!(parse_date(&text), Ok(day), "{text} must read back as {day}");
            }
            assert_eq!(
                PartialDate::from_iso(&p.iso()),
                Some(p),
                "stored form of {day} must read back"
            );
            day = day.tomorrow().unwrap();
        }
    }

    #[test]
    fn every_partial_date_round_trips() {
        for year in 1868..=2100i16 {
            let y = PartialDate {
                year,
                month: None,
                day: None,
            };
            let months = (1..=12u8).map(|m| PartialDate {
                year,
                month: Some(m),
                day: None,
            });
            for p in std::iter::once(y).chain(months) {
                for text in [p.iso(), p.wareki(), p.wareki_short()] {
                    assert_eq!(PartialDate::parse(&text), Ok(p), "{text} must read back as {}", p.iso());
                }
            }
        }
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC{0,16}") {
            let _ = PartialDate::parse(&s);
        }

        #[test]
        fn parse_never_panics_on_date_like_text(s in "[0-9０-９SHRTMshrtm元年月日明治大正昭和平成令和./\\- ]{0,14}") {
            if let Ok(d) = PartialDate::parse(&s) {
                prop_assert_eq!(PartialDate::parse(&d.iso()), Ok(d), "anything accepted must round-trip through ISO");
            }
        }

        #[test]
        fn wareki_round_trips(offset in 0i32..(233 * 366)) {
            let day = date(1868, 1, 1).checked_add(jiff::Span::new().days(offset)).unwrap().min(date(2100, 12, 31));
            prop_assert_eq!(parse_date(&wareki(day)), Ok(day));
        }
    }
}
