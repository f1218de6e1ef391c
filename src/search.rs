//! Japanese search over persons, households and the contact log. Each searchable entity has one
//! document of folded text (NFKC, kana folded to hiragana, name variants folded, romaji keys of
//! readings); FTS5 trigram answers terms of three or more characters, and shorter terms scan the
//! documents directly, so a one-character query is slower but never silently empty.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use uuid::Uuid;

use crate::{Error, Vault, ja, log::EntityState};

/// Hits per kind a search returns at most.
pub const LIMIT: usize = 50;

/// The document text for an entity, or None when its type is not searchable.
fn document(st: &EntityState) -> Option<(&'static str, String)> {
    let s = |k: &str| st.fields.get(k).and_then(|v| v.as_str()).unwrap_or("");
    match st.etype.as_str() {
        "person" => {
            let (fk, gk) = (s("family_kana"), s("given_kana"));
            let (rf, rg) = (
                ja::romaji_key(&ja::kana_to_romaji(fk)),
                ja::romaji_key(&ja::kana_to_romaji(gk)),
            );
            Some((
                "person",
                format!(
                    "{}{} {} {}{} {} {}{}",
                    ja::fold_for_search(s("family_name")),
                    ja::fold_for_search(s("given_name")),
                    "\u{1f}",
                    ja::fold_for_search(fk),
                    ja::fold_for_search(gk),
                    "\u{1f}",
                    rf,
                    rg,
                ),
            ))
        }
        "household" => {
            let district = crate::reference::district(s("district"))
                .map(|d| format!("{} {}", d.area_ja, d.name_ja))
                .unwrap_or_default();
            Some((
                "household",
                ja::fold_for_search(&format!(
                    "{} \u{1f} {} \u{1f} {} \u{1f} {}",
                    s("label"),
                    s("address"),
                    s("phone"),
                    district
                )),
            ))
        }
        "note" => Some(("note", ja::fold_for_search(s("text")))),
        _ => None,
    }
}

/// Keeps an entity's search document in step with its state (called on commit).
pub(crate) fn reindex(conn: &Connection, st: &EntityState, fresh: bool) -> rusqlite::Result<()> {
    let Some((kind, text)) = document(st) else {
        return Ok(());
    };
    let old: Option<(i64, String)> = if fresh {
        None
    } else {
        conn.prepare_cached("SELECT n, text FROM search_doc WHERE entity = ?1")?
            .query_row([st.id.as_bytes()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
    };
    match old {
        Some((_, old_text)) if old_text == text => Ok(()),
        Some((n, old_text)) => {
            conn.prepare_cached("INSERT INTO search_fts (search_fts, rowid, text) VALUES ('delete', ?1, ?2)")?
                .execute(params![n, old_text])?;
            conn.prepare_cached("UPDATE search_doc SET text = ?2 WHERE n = ?1")?
                .execute(params![n, text])?;
            conn.prepare_cached("INSERT INTO search_fts (rowid, text) VALUES (?1, ?2)")?
                .execute(params![n, text])?;
            Ok(())
        }
        None => {
            let n: i64 = conn
                .prepare_cached("INSERT INTO search_doc (entity, kind, text) VALUES (?1, ?2, ?3) RETURNING n")?
                .query_row(params![st.id.as_bytes(), kind, text], |r| r.get(0))?;
            conn.prepare_cached("INSERT INTO search_fts (rowid, text) VALUES (?1, ?2)")?
                .execute(params![n, text])?;
            Ok(())
        }
    }
}

/// One search hit with what a list needs to show it.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub kind: &'static str,
    pub id: Uuid,
    /// Person: name; household: label; note: the first line of the text.
    pub label: String,
    /// Person: reading and age; household: address; note: date and kind.
    pub detail: String,
    pub household: Option<Uuid>,
    pub case: Option<Uuid>,
}

/// Splits a query into folded terms; romaji terms become romaji keys.
pub fn terms(query: &str) -> Vec<String> {
    query
        .split(|c: char| c.is_whitespace())
        .filter(|t| !t.is_empty())
        .map(|t| {
            if ja::is_romaji(t) {
                ja::romaji_key(t).replace(' ', "")
            } else {
                ja::fold_for_search(t).replace(' ', "")
            }
        })
        .filter(|t| !t.is_empty())
        .collect()
}

fn fts_quote(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// Raw matches: (entity, kind) of documents containing every term, at most `per_kind` of each.
fn matches(conn: &Connection, terms: &[String], per_kind: usize) -> rusqlite::Result<Vec<(Uuid, String)>> {
    let (long, short): (Vec<&String>, Vec<&String>) = terms.iter().partition(|t| t.chars().count() >= 3);
    let mut out = Vec::new();
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut take = |entity: Vec<u8>, kind: String, out: &mut Vec<(Uuid, String)>| {
        let c = counts.entry(kind.clone()).or_default();
        if *c < per_kind {
            *c += 1;
            if let Ok(id) = Uuid::from_slice(&entity) {
                out.push((id, kind));
            }
        }
    };
    if !long.is_empty() {
        let expr = long.iter().map(|t| fts_quote(t)).collect::<Vec<_>>().join(" AND ");
        let mut stmt = conn.prepare_cached(
            "SELECT d.entity, d.kind, d.text FROM search_fts f JOIN search_doc d ON d.n = f.rowid WHERE search_fts MATCH ?1",
        )?;
        let mut rows = stmt.query([expr])?;
        while let Some(r) = rows.next()? {
            let text: String = r.get(2)?;
            if short.iter().all(|s| text.contains(s.as_str())) {
                take(r.get(0)?, r.get(1)?, &mut out);
            }
        }
    } else {
        // Short terms: scan people and households first, then notes, each stopping at the limit.
        for kinds in [&["person", "household"][..], &["note"][..]] {
            let mut sql = String::from("SELECT entity, kind FROM search_doc WHERE kind IN (");
            sql.push_str(&kinds.iter().map(|k| format!("'{k}'")).collect::<Vec<_>>().join(","));
            sql.push(')');
            for i in 0..short.len() {
                sql.push_str(&format!(" AND instr(text, ?{}) > 0", i + 1));
            }
            sql.push_str(&format!(" LIMIT {}", per_kind * kinds.len()));
            let mut stmt = conn.prepare_cached(&sql)?;
            let mut rows = stmt.query(rusqlite::params_from_iter(short.iter()))?;
            while let Some(r) = rows.next()? {
                take(r.get(0)?, r.get(1)?, &mut out);
            }
        }
    }
    Ok(out)
}

impl Vault {
    /// Persons, households and contact-log entries matching every term of `query`. Persons come
    /// first in 五十音順, then households, then contact-log entries newest first. Logged.
    pub fn search(&mut self, query: &str) -> Result<Vec<Hit>, Error> {
        let hits = self.search_quiet(query)?;
        self.audit_now("search", None, Some(format!("{} hits", hits.len())))?;
        Ok(hits)
    }

    /// `search` without the audit entry, for benchmarks and type-ahead.
    pub fn search_quiet(&self, query: &str) -> Result<Vec<Hit>, Error> {
        let terms = terms(query);
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let today = self.ambient.clock.today();
        let mut persons = Vec::new();
        let mut households = Vec::new();
        let mut notes = Vec::new();
        for (id, kind) in matches(&self.conn, &terms, LIMIT)? {
            let Some(st) = crate::log::load_entity(&self.conn, id)? else {
                continue;
            };
            let s = |k: &str| st.fields.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
            match kind.as_str() {
                "person" => {
                    let reading = format!("{}{}", s("family_kana"), s("given_kana"));
                    let age = st
                        .fields
                        .get("birth")
                        .and_then(|v| v.as_str())
                        .and_then(|b| b.parse::<ja::PartialDate>().ok())
                        .and_then(|b| b.age_on(today))
                        .map(|a| format!(" {a}歳"))
                        .unwrap_or_default();
                    persons.push((
                        ja::gojuon_key(&reading),
                        Hit {
                            kind: "person",
                            id,
                            label: format!("{} {}", s("family_name"), s("given_name")),
                            detail: format!("{} {}{age}", s("family_kana"), s("given_kana")),
                            household: st.parent,
                            case: None,
                        },
                    ));
                }
                "household" => households.push((
                    ja::gojuon_key(&s("label")),
                    Hit {
                        kind: "household",
                        id,
                        label: s("label"),
                        detail: s("address"),
                        household: Some(id),
                        case: None,
                    },
                )),
                _ => {
                    let text = s("text");
                    let first: String = text.lines().next().unwrap_or("").chars().take(60).collect();
                    let kind_label = crate::record::NoteKind::parse(&s("kind"))
                        .map(|k| k.label_ja())
                        .unwrap_or("");
                    notes.push((
                        s("date"),
                        Hit {
                            kind: "note",
                            id,
                            label: first,
                            detail: format!("{} {kind_label}", s("date")),
                            household: None,
                            case: st.parent,
                        },
                    ));
                }
            }
        }
        persons.sort_by(|a, b| a.0.cmp(&b.0));
        households.sort_by(|a, b| a.0.cmp(&b.0));
        notes.sort_by(|a, b| b.0.cmp(&a.0));
        Ok(persons
            .into_iter()
            .chain(households)
            .map(|(_, h)| h)
            .chain(notes.into_iter().map(|(_, h)| h))
            .collect())
    }
}
