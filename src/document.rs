//! What a search document says about a record: the folded text of a person, a household or a
//! contact-log entry that the store indexes in the same transaction as the record's change. The
//! vault gives this to every write and to a rebuild, and rewrites all documents when this build
//! writes them differently from the one that wrote them.

use kasane_store::StoreError;
use rusqlite::{Connection, OptionalExtension};

use crate::{
    index, ja,
    log::{self, EntityState},
};

/// The document text for an entity, or None when its type is not searchable.
pub(crate) fn document(st: &EntityState) -> Option<(&'static str, String)> {
    let s = |k: &str| st.fields.get(k).and_then(|v| v.as_str()).unwrap_or("");
    match st.etype.as_str() {
        "person" => {
            let (fk, gk) = (s("family_kana"), s("given_kana"));
            let (rf, rg) = (
                ja::romaji_key(&ja::kana_to_romaji(fk)),
                ja::romaji_key(&ja::kana_to_romaji(gk)),
            );
            let (names, readings) = (
                ja::fold_for_search(&format!("{}{}", s("family_name"), s("given_name"))),
                ja::fold_for_search(&format!("{fk}{gk}")),
            );
            let mut text = format!("{names} \u{1f} {readings} \u{1f} {rf}{rg} \u{1f} {rf} {rg} \u{1f}");
            // Long vowels however they are written (サトウ, サトー), family and given name apart
            // so that the end of one does not lengthen the start of the other.
            let long = |k: &str| ja::fold_long_vowels(&ja::fold_for_search(k));
            let long_readings = format!("{}{}", long(fk), long(gk));
            if long_readings != readings {
                text.push_str(&format!(" {long_readings} \u{1f}"));
            }
            let long_names = format!("{}{}", long(s("family_name")), long(s("given_name")));
            if long_names != names {
                text.push_str(&format!(" {long_names} \u{1f}"));
            }
            Some(("person", text))
        }
        "household" => {
            let district = crate::reference::district(s("district"))
                .map(|d| format!("{} {}", d.area_ja, d.name_ja))
                .unwrap_or_default();
            let mut text = ja::fold_for_search(&format!(
                "{} \u{1f} {} \u{1f} {} \u{1f} {}",
                s("label"),
                s("address"),
                s("phone"),
                district
            ));
            // The address once more in the one form every way of writing it folds to.
            let address = ja::fold_for_search(s("address"));
            let folded_address = ja::fold_address(&address);
            if folded_address != address {
                text.push_str(&format!(" \u{1f} {folded_address}"));
            }
            Some(("household", text))
        }
        "note" => Some(("note", format!("{} \u{1f}", ja::fold_for_search(s("text"))))),
        _ => None,
    }
}

/// What [`document`] writes, by version: raised whenever it changes, so that a vault indexed by an
/// older build has its documents written again when it is opened (2: long vowels and addresses).
const DOCUMENT_VERSION: i64 = 2;

/// Writes every search document again when they were written by an older [`document`]; a no-op
/// (one small read) otherwise. Returns whether it rewrote them.
pub(crate) fn refresh_if_stale(conn: &mut Connection) -> Result<bool, StoreError> {
    let have: Option<i64> = conn
        .query_row("SELECT value FROM vault_meta WHERE key = 'search_documents'", [], |r| {
            r.get(0)
        })
        .optional()?;
    if have == Some(DOCUMENT_VERSION) {
        return Ok(false);
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    index::clear(&tx)?;
    let mut batch = index::Batch::default();
    for etype in ["person", "household", "note"] {
        for st in log::load_all(&tx, etype, None)? {
            batch.stage(&tx, st.id, document(&st), true)?;
        }
    }
    batch.apply(&tx)?;
    tx.execute(
        "INSERT OR REPLACE INTO vault_meta (key, value) VALUES ('search_documents', ?1)",
        [DOCUMENT_VERSION],
    )?;
    tx.commit()?;
    Ok(true)
}
