//! Disclosure request commands (開示請求): every record about one person, on paper for the app's
//! print preview, or as a JSON file in a folder the worker picks, for the reviewer's tools. The
//! engine collects and marks the records; these commands only carry them, and never overwrite a
//! file.

use crate::{
    desktop::Desktop,
    error::CommandError,
    exchange::{existing_folder, free_name},
    view::id,
};

/// The records about one person on paper (保有個人情報の開示請求に係る記録), judgement and third
/// parties' information marked, for the app's print preview (nothing is written to a file).
pub fn person_records_print(desk: &Desktop, person: String) -> Result<String, CommandError> {
    let person = id("person", &person)?;
    desk.with_vault(|v| Ok(v.print_records_about(person, 1)?))
}

/// Writes the records about one person as JSON to a new file in `folder` (never over another
/// file), and returns its path. The name carries the day, not the person: a folder listing on a
/// shared drive should not name whom a request was about.
pub fn person_records_export(desk: &Desktop, person: String, folder: String) -> Result<String, CommandError> {
    let person = id("person", &person)?;
    let folder = existing_folder("folder", &folder)?;
    desk.with_vault(|v| {
        let text = v.records_about_json(person)?;
        let day = v.ambient().clock.today().to_string().replace('-', "");
        let path = free_name(&folder, &format!("開示請求の記録_{day}"), "json");
        v.save_printout(&path, &text)
            .map_err(|e| crate::exchange::unwritable(&path, e))?;
        Ok(path.display().to_string())
    })
}
