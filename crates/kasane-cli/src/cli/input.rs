//! Reading what the user typed, for every noun alike: ids, dates, agencies, "none" for clearing,
//! and files named on the command line. A mistake in the input comes back as an error that says
//! what was typed, never as a panic.

use kasane::{Error, Vault, parse_date};
use uuid::Uuid;

use super::{CliError, Result, usage};

/// Reads a file the user named, mapping failures to a message that names it.
pub fn read_named(path: &std::path::Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|source| CliError::File {
        path: path.to_owned(),
        source,
    })
}

/// Checks that a file the user named can be opened, before the engine reads it: a mistyped or
/// missing name is the user's to fix (exit 2, the file named), not a failure of the exchange.
pub fn readable_named(path: &std::path::Path) -> Result<()> {
    std::fs::File::open(path).map(drop).map_err(|source| CliError::File {
        path: path.to_owned(),
        source,
    })
}

/// Writes a file the user named, mapping failures to a message that names it.
pub fn write_named(path: &std::path::Path, contents: impl AsRef<[u8]>) -> Result<()> {
    std::fs::write(path, contents).map_err(|source| CliError::File {
        path: path.to_owned(),
        source,
    })
}

/// Ids are pasted from earlier output, often with a stray space, so they are trimmed first.
pub fn id(s: &str, what: &str) -> Result<Uuid> {
    Uuid::parse_str(s.trim()).map_err(|_| {
        usage(format!(
            "\"{s}\" is not a {what} id (ids look like 0196f3a2-…; copy them from earlier output)"
        ))
    })
}

pub fn date(s: &str) -> Result<kasane::Date> {
    Ok(parse_date(s).map_err(Error::from)?)
}

/// "none" or "" clears an optional value on update.
pub fn clearable<T>(s: &Option<String>, f: impl Fn(&str) -> Result<T>) -> Result<Option<Option<T>>> {
    match s.as_deref().map(str::trim) {
        None => Ok(None),
        Some("" | "none" | "なし") => Ok(Some(None)),
        Some(v) => Ok(Some(Some(f(v)?))),
    }
}

pub fn agency(v: &Vault, s: &str) -> Result<Uuid> {
    Ok(v.find_agency(s)?.id)
}

pub fn person_id(s: &Option<String>) -> Result<Option<Uuid>> {
    s.as_deref().map(|p| id(p, "person")).transpose()
}
