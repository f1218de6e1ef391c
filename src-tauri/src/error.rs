//! The one error shape every command returns: a stable `code` the UI translates through its
//! catalogs, the engine's `kind`, the engine's English text as `detail`, and — for the errors
//! people make while typing — the field and the date problem in structured form, so the UI can say
//! in Japanese exactly what to fix. Nothing here decides anything; it only re-describes engine errors.

use kasane::{DateError, DateField, EraProblem, Error, KeyError, Kind, RecordError};
use serde::Serialize;
use ts_rs::TS;

/// The engine's `Kind`: what the user can do about an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    BadInput,
    Auth,
    Refused,
    NotFound,
    Vault,
    /// A bundle was refused (exchange).
    Rejected,
    Internal,
}

impl From<Kind> for ErrorKind {
    /// Through the engine's own serialised name, so a kind the engine adds later arrives as
    /// Internal (shown with its detail) instead of breaking the build of the window.
    fn from(k: Kind) -> Self {
        serde_json::to_value(k)
            .ok()
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or(ErrorKind::Internal)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum DatePart {
    Year,
    Month,
    Day,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum EraName {
    Meiji,
    Taisho,
    Showa,
    Heisei,
    Reiwa,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum EraIssue {
    BeforeStart,
    AfterEnd,
    YearZero,
}

/// Why the engine refused a date, with the numbers it gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum DateProblem {
    Empty,
    Unrecognised {
        input: String,
    },
    OutOfRange {
        input: String,
        part: DatePart,
        value: u32,
        min: u32,
        max: u32,
    },
    DayNotInMonth {
        input: String,
        year: i32,
        month: u32,
        days: u32,
    },
    NotInEra {
        input: String,
        era: EraName,
        issue: EraIssue,
        /// ISO dates of the era's first and (for a past era) last day.
        era_start: String,
        era_end: Option<String>,
    },
    Incomplete {
        input: String,
    },
}

/// What a failed command returns.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CommandError {
    /// The engine's stable code (e.g. "key.wrong-passphrase"), or one of the desktop's own:
    /// "vault.locked", "input.bad-id", "internal.task".
    pub code: String,
    pub kind: ErrorKind,
    /// The engine's English message, for the "details" line and for support.
    pub detail: String,
    /// The engine's Japanese message. The UI shows it where its catalog has no sentence of its own
    /// for the code, and always for refusals, whose reason only the engine knows.
    pub message_ja: String,
    /// The engine's name of the field an input error is about ("family name reading").
    pub field: Option<String>,
    pub date: Option<Box<DateProblem>>,
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.detail)
    }
}

impl std::error::Error for CommandError {}

impl CommandError {
    pub(crate) fn own(code: &str, kind: ErrorKind, detail: impl Into<String>) -> CommandError {
        CommandError {
            code: code.to_string(),
            kind,
            message_ja: String::new(),
            detail: detail.into(),
            field: None,
            date: None,
        }
    }

    /// No vault is unlocked (never opened, locked by the user, or locked after idling).
    pub fn locked() -> CommandError {
        CommandError::own(
            "vault.locked",
            ErrorKind::Vault,
            "the case records are locked; unlock them first",
        )
    }

    /// An id sent by the UI is not a UUID: a bug in the UI, never the user's typing.
    pub fn bad_id(what: &str, value: &str) -> CommandError {
        let mut e = CommandError::own(
            "input.bad-id",
            ErrorKind::BadInput,
            format!("{what} id \"{value}\" is not an id"),
        );
        e.field = Some(what.to_string());
        e
    }

    /// The worker thread running the engine call ended without an answer.
    pub fn task(detail: impl Into<String>) -> CommandError {
        CommandError::own("internal.task", ErrorKind::Internal, detail)
    }
}

fn era_name(era: kasane::Era) -> EraName {
    match era {
        kasane::Era::Meiji => EraName::Meiji,
        kasane::Era::Taisho => EraName::Taisho,
        kasane::Era::Showa => EraName::Showa,
        kasane::Era::Heisei => EraName::Heisei,
        kasane::Era::Reiwa => EraName::Reiwa,
    }
}

impl From<&DateError> for DateProblem {
    fn from(e: &DateError) -> Self {
        match e {
            DateError::Empty => DateProblem::Empty,
            DateError::Unrecognised(input) => DateProblem::Unrecognised { input: input.clone() },
            DateError::OutOfRange {
                input,
                field,
                value,
                min,
                max,
            } => DateProblem::OutOfRange {
                input: input.clone(),
                part: match field {
                    DateField::Year => DatePart::Year,
                    DateField::Month => DatePart::Month,
                    DateField::Day => DatePart::Day,
                },
                value: *value,
                min: *min,
                max: *max,
            },
            DateError::DayNotInMonth {
                input,
                year,
                month,
                days,
                ..
            } => DateProblem::DayNotInMonth {
                input: input.clone(),
                year: i32::from(*year),
                month: u32::from(*month),
                days: u32::from(*days),
            },
            DateError::NotInEra { input, era, problem } => DateProblem::NotInEra {
                input: input.clone(),
                era: era_name(*era),
                issue: match problem {
                    EraProblem::BeforeStart => EraIssue::BeforeStart,
                    EraProblem::AfterEnd => EraIssue::AfterEnd,
                    EraProblem::YearZero => EraIssue::YearZero,
                },
                era_start: era.start().to_string(),
                era_end: era.end().map(|d| d.to_string()),
            },
            DateError::Incomplete(input) => DateProblem::Incomplete { input: input.clone() },
        }
    }
}

impl From<Error> for CommandError {
    fn from(e: Error) -> Self {
        let (field, date) = match &e {
            Error::Record(RecordError::Missing(f)) => (Some((*f).to_string()), None),
            Error::Record(RecordError::TooLong { field, .. }) => (Some((*field).to_string()), None),
            Error::Record(RecordError::NotKana { field, .. }) => (Some((*field).to_string()), None),
            Error::Record(RecordError::BadChoice { field, .. }) => (Some((*field).to_string()), None),
            Error::Record(RecordError::Date(d)) => (None, Some(Box::new(DateProblem::from(d)))),
            _ => (None, None),
        };
        CommandError {
            code: e.code().to_string(),
            kind: e.kind().into(),
            detail: e.to_string(),
            message_ja: e.message_ja(),
            field,
            date,
        }
    }
}

impl From<DateError> for CommandError {
    fn from(e: DateError) -> Self {
        CommandError::from(Error::from(e))
    }
}

/// Every engine module's own error answers a command the way the engine's API error does.
macro_rules! engine_errors {
    ($($t:ty),* $(,)?) => {
        $(impl From<$t> for CommandError {
            fn from(e: $t) -> Self {
                CommandError::from(Error::from(e))
            }
        })*
    };
}

engine_errors!(
    KeyError,
    kasane::StoreError,
    kasane::VaultError,
    RecordError,
    kasane::SiteError,
    kasane::ShareError,
    kasane::BundleError,
    kasane::MeetingError,
);

/// Makes `field` the field of an input error that the engine reported without one (dates are
/// parsed before the engine knows which field they were for).
pub(crate) fn for_field(field: &'static str) -> impl FnOnce(CommandError) -> CommandError {
    move |mut e| {
        if e.field.is_none() {
            e.field = Some(field.to_string());
        }
        e
    }
}

impl CommandError {
    /// A vault folder must be given in full: a relative one would depend on where the app started.
    pub fn relative_path(path: &str) -> CommandError {
        let mut e = CommandError::own(
            "input.relative-path",
            ErrorKind::BadInput,
            format!("\"{path}\" is not a full folder path"),
        );
        e.field = Some("folder".to_string());
        e
    }
}
