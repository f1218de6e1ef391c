//! Exchange between agencies and what follows from it: member cards (this site's card, partners'
//! cards imported and verified by comparing fingerprints aloud, revocation), bundles (preview,
//! export to a folder, inspect and import a file, the inbox and the quarantine), conflicts to
//! resolve, and the home screen's panels (actions due, upcoming meetings, counts). Commands only
//! translate between the window and the engine; every rule is the engine's. Paths the window
//! sends are taken only when absolute, and no file is ever overwritten.

mod cards;
mod conflicts;
mod export;
mod home;
mod import;
mod inbox;
mod reporting;

use std::path::{Path, PathBuf};

use crate::error::{CommandError, ErrorKind};

pub use cards::*;
pub use conflicts::*;
pub use export::*;
pub use home::*;
pub use import::*;
pub use inbox::*;
pub use reporting::*;

/// An error of this layer's own checks (paths and files the window names), in the shape the
/// engine's errors reach the window in, so the form can point at `field`.
pub(crate) fn own_error(code: &str, kind: ErrorKind, detail: String, ja: String, field: &str) -> CommandError {
    CommandError {
        code: code.to_string(),
        kind,
        detail,
        message_ja: ja,
        field: Some(field.to_string()),
        date: None,
    }
}

/// A file the window's folder could not take.
pub(crate) fn unwritable(path: &Path, e: std::io::Error) -> CommandError {
    own_error(
        "file.unwritable",
        ErrorKind::BadInput,
        format!("cannot write {}: {e}", path.display()),
        format!("{} に書き込めません", path.display()),
        "folder",
    )
}

/// A path typed or chosen in the window must be absolute (it would otherwise depend on where the
/// app was started).
fn full_path(field: &str, text: &str) -> Result<PathBuf, CommandError> {
    let p = PathBuf::from(text.trim());
    if text.trim().is_empty() || !p.is_absolute() {
        return Err(own_error(
            "input.relative-path",
            ErrorKind::BadInput,
            format!("\"{}\" is not a full path", text.trim()),
            format!(
                "「{}」は完全な場所ではありません。「選ぶ…」ボタンで選ぶか、{} のように始まる場所を入力してください",
                text.trim(),
                if cfg!(windows) { "E:\\" } else { "/" }
            ),
            field,
        ));
    }
    Ok(p)
}

fn unreadable(path: &Path, e: &std::io::Error) -> CommandError {
    own_error(
        "file.unreadable",
        ErrorKind::BadInput,
        format!("cannot read {}: {e}", path.display()),
        format!("{} を読めません（ファイルがないか、開けません）", path.display()),
        "file",
    )
}

/// A folder to write into must already exist: creating one from a mistyped path would scatter
/// case data where nobody looks for it.
pub(crate) fn existing_folder(field: &str, text: &str) -> Result<PathBuf, CommandError> {
    let folder = full_path(field, text)?;
    if !folder.is_dir() {
        return Err(own_error(
            "file.no-folder",
            ErrorKind::BadInput,
            format!("{} is not a folder", folder.display()),
            format!("{} というフォルダはありません", folder.display()),
            field,
        ));
    }
    Ok(folder)
}

/// Characters a file name may not hold on the PCs agencies use (Windows is the strictest).
pub(crate) fn file_name_part(s: &str) -> String {
    let cleaned: String = s
        .trim()
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches('.').trim().to_string();
    if cleaned.is_empty() { "kasane".into() } else { cleaned }
}

/// `folder/stem.ext`, or `folder/stem (2).ext` … when that name is taken: never overwrites.
pub(crate) fn free_name(folder: &Path, stem: &str, ext: &str) -> PathBuf {
    let first = folder.join(format!("{stem}.{ext}"));
    if !first.exists() {
        return first;
    }
    (2..)
        .map(|n| folder.join(format!("{stem} ({n}).{ext}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

/// Counts the engine keeps wider than the window needs; a count past u32 shows as the maximum.
fn count(n: impl TryInto<u32>) -> u32 {
    n.try_into().unwrap_or(u32::MAX)
}
