//! Japanese text handling: search folding, kana, romaji, 五十音順 and 和暦 dates. Everything here is
//! total over its input: malformed text gives an error or a harmless result, never a panic.
#![forbid(unsafe_code)]

mod address;
mod date;
mod fold;
mod kana;
mod order;
mod romaji;

pub use date::{Age, DateError, DateField, Era, EraProblem, PartialDate, parse_date, wareki, weekday_ja};

pub use address::fold_address;
pub use fold::{fold_for_search, fold_long_vowels};
pub use jiff::civil::Date;
pub use kana::{is_kana_reading, to_hiragana, to_katakana};
pub use order::{GojuonKey, gojuon_key, name_key};
pub use romaji::{is_romaji, kana_to_romaji, romaji_key};
