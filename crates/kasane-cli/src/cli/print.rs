//! Printing shared by every command: plain Japanese-first text for people, or JSON (`--json`)
//! whose shapes are documented in docs/cli.md and only ever grow; dates in 和暦 with ISO beside
//! them. Output to a closed pipe ends the program quietly rather than in a panic.

use std::io::Write;

use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

/// Prints a line to stdout; when the reader has gone away (`kasane … | head`) we stop quietly
/// instead of panicking, as Unix tools do.
macro_rules! outln {
    () => { outln!("") };
    ($($arg:tt)*) => {{
        // Imported here so that the macro works in any module, whatever that module imports.
        use std::io::Write as _;
        let mut stdout = std::io::stdout().lock();
        if let Err(e) = writeln!(stdout, $($arg)*) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
        }
    }};
}
pub(super) use outln;

/// How a command prints its result; built once from `--json`.
pub struct Out {
    pub(super) json: bool,
}

impl Out {
    pub fn new(json: bool) -> Self {
        Out { json }
    }

    pub(super) fn print_json(&self, v: &impl Serialize) {
        outln!("{}", serde_json::to_string_pretty(v).unwrap_or_else(|_| "null".into()));
    }

    pub fn id(&self, kind: &str, id: Uuid) {
        if self.json {
            self.print_json(&json!({ "kind": kind, "id": id }));
        } else {
            outln!("{id}");
        }
    }

    pub fn done(&self, msg: &str) {
        if self.json {
            self.print_json(&json!({ "ok": true, "message": msg }));
        } else {
            outln!("{msg}");
        }
    }

    /// A printable document written to a file: where, and — because it is plain HTML outside the
    /// encrypted case records — that it is not encrypted and should be deleted after printing.
    pub fn printout(&self, msg: &str, path: &std::path::Path) {
        if self.json {
            self.print_json(&json!({
                "ok": true,
                "message": msg,
                "path": path,
                "encrypted": false,
                "notice": kasane::PRINTOUT_NOTICE_JA,
                "notice_en": kasane::PRINTOUT_NOTICE_EN,
            }));
        } else {
            outln!("{msg}");
            outln!("{} / {}", kasane::PRINTOUT_NOTICE_JA, kasane::PRINTOUT_NOTICE_EN);
        }
    }

    pub fn progress(&self, what: &str, done: usize, total: usize) {
        if self.json {
            return;
        }
        let mut e = std::io::stderr();
        let pct = (done * 100).checked_div(total).unwrap_or(100);
        let _ = write!(e, "\r{what}: {done}/{total} ({pct}%)");
        if done >= total {
            let _ = writeln!(e);
        }
    }
}

pub fn district_name(code: &str) -> String {
    kasane::districts()
        .iter()
        .find(|d| d.code == code)
        .map(|d| d.name_ja.to_string())
        .unwrap_or_else(|| code.to_string())
}

pub fn problem_names(codes: &[String]) -> String {
    codes
        .iter()
        .map(|c| {
            kasane::problems()
                .iter()
                .find(|p| p.code == c)
                .map(|p| p.label_ja)
                .unwrap_or(c)
        })
        .collect::<Vec<_>>()
        .join("・")
}

/// A date in a detail view: 和暦 with the day of the week, then ISO — 令和8年12月10日(木) (2026-12-10).
pub fn date_both(d: &kasane::Date) -> String {
    format!("{}({}) ({})", kasane::wareki(*d), kasane::weekday_ja(*d), d)
}

/// A date in a list row, shorter: R8.12.10 (2026-12-10).
pub fn date_cell(d: &kasane::Date) -> String {
    format!("{} ({})", kasane::PartialDate::from_date(*d).wareki_short(), d)
}

/// A moment in this PC's time zone: R8.12.10 14:03 (2026-12-10).
pub fn stamp(t: jiff::Timestamp, seconds: bool) -> String {
    let z = t.to_zoned_datetime(jiff::tz::TimeZone::system());
    let d = z.date();
    let time = if seconds {
        z.strftime("%H:%M:%S")
    } else {
        z.strftime("%H:%M")
    };
    format!("{} {time} ({d})", kasane::PartialDate::from_date(d).wareki_short())
}
