//! Japanese search over persons, households and the contact log. Each searchable entity has one
//! document of folded text (NFKC, kana folded to hiragana, name variants folded, romaji keys of
//! readings); FTS5 trigram answers terms of three or more characters, and shorter terms scan the
//! documents directly, so a one-character query is slower but never silently empty.

use crate::record::RecordError;
use rusqlite::{Connection, params};
use serde::Serialize;
use uuid::Uuid;

use crate::{Vault, ja};

/// Hits per kind a search returns at most.
pub const LIMIT: usize = 50;

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
    /// Where it belongs: a person's household label, a note's case title, a household's district.
    pub context: String,
}

/// Splits a query into terms, each with the forms it may take in a document: romaji terms become
/// romaji keys; other terms are folded, and also tried with long vowels folded (サトー finds サトウ)
/// and in the one form of an address (小町一丁目五番 finds 小町1-5-9). A document matches a term
/// when it contains any of its forms, so everything the folded term alone found is still found.
pub fn terms(query: &str) -> Vec<Vec<String>> {
    query
        .split(|c: char| c.is_whitespace())
        .filter(|t| !t.is_empty())
        .filter_map(|t| {
            let mut forms = Vec::new();
            let mut add = |f: String| {
                let f = f.replace(' ', "");
                if !f.is_empty() && !forms.contains(&f) {
                    forms.push(f);
                }
            };
            if ja::is_romaji(t) {
                add(ja::romaji_key(t));
            } else {
                let folded = ja::fold_for_search(t);
                add(ja::fold_long_vowels(&folded));
                add(ja::fold_address(&folded));
                add(folded);
            }
            (!forms.is_empty()).then_some(forms)
        })
        .collect()
}

fn fts_quote(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// A short term expanding to more trigrams than this is too common to be worth an index query;
/// it is checked on the text of what the other terms found, or found by a scan that stops early.
const MAX_EXPANSION: usize = 400;

/// The indexed trigrams that begin with a one- or two-character term; None when too many.
fn expand(conn: &Connection, term: &str) -> rusqlite::Result<Option<Vec<String>>> {
    let mut upper = term.to_string();
    upper.push(char::MAX);
    let mut stmt = conn.prepare_cached("SELECT term FROM search_vocab WHERE term >= ?1 AND term < ?2 LIMIT ?3")?;
    let terms: Vec<String> = stmt
        .query_map(params![term, upper, (MAX_EXPANSION + 1) as i64], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok((terms.len() <= MAX_EXPANSION).then_some(terms))
}

/// Raw matches: (entity, kind) of documents containing every term (any of its forms), at most
/// `per_kind` of each.
fn matches(conn: &Connection, terms: &[Vec<String>], per_kind: usize) -> rusqlite::Result<Vec<(Uuid, String)>> {
    let mut clauses = Vec::new();
    // Terms checked on the text of what the index found: a form too common to expand makes its
    // whole term unindexed.
    let mut unindexed: Vec<&[String]> = Vec::new();
    'term: for forms in terms {
        let mut alternatives = Vec::new();
        for f in forms {
            if f.chars().count() >= 3 {
                alternatives.push(fts_quote(f));
                continue;
            }
            match expand(conn, f)? {
                // No indexed trigram begins with it: no document contains this form.
                Some(e) => alternatives.extend(e.iter().map(|x| fts_quote(x))),
                None => {
                    unindexed.push(forms);
                    continue 'term;
                }
            }
        }
        if alternatives.is_empty() {
            return Ok(Vec::new());
        }
        clauses.push(format!("({})", alternatives.join(" OR ")));
    }
    let mut out = Vec::new();
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut take = |entity: Vec<u8>, kind: String, text: &str, out: &mut Vec<(Uuid, String)>| {
        if !unindexed
            .iter()
            .all(|forms| forms.iter().any(|f| text.contains(f.as_str())))
        {
            return;
        }
        let c = counts.entry(kind.clone()).or_default();
        if *c < per_kind {
            *c += 1;
            if let Ok(id) = Uuid::from_slice(&entity) {
                out.push((id, kind));
            }
        }
    };
    if !clauses.is_empty() {
        let mut stmt = conn.prepare_cached(
            "SELECT d.entity, d.kind, d.text FROM search_fts JOIN search_doc d ON d.n = search_fts.rowid
             WHERE search_fts MATCH ?1 ORDER BY search_fts.rowid DESC",
        )?;
        let mut rows = stmt.query([clauses.join(" AND ")])?;
        while let Some(r) = rows.next()? {
            let text: String = r.get(2)?;
            take(r.get(0)?, r.get(1)?, &text, &mut out);
        }
        return Ok(out);
    }
    // Every term is a very common character or pair: scanning finds enough hits quickly.
    for kinds in ["kind IN ('person', 'household')", "kind = 'note'"] {
        let mut sql = format!("SELECT entity, kind, text FROM search_doc WHERE {kinds}");
        let mut args: Vec<&str> = Vec::new();
        for forms in &unindexed {
            let any: Vec<String> = forms
                .iter()
                .map(|f| {
                    args.push(f);
                    format!("instr(text, ?{}) > 0", args.len())
                })
                .collect();
            sql.push_str(&format!(" AND ({})", any.join(" OR ")));
        }
        sql.push_str(&format!(" ORDER BY n DESC LIMIT {}", per_kind * 2));
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(args.iter()))?;
        while let Some(r) = rows.next()? {
            let text: String = r.get(2)?;
            take(r.get(0)?, r.get(1)?, &text, &mut out);
        }
    }
    Ok(out)
}

/// A text field of the entity `id` (a household's label, a case's title), or "".
fn label_of(conn: &Connection, id: Option<Uuid>, field: &str) -> Result<String, RecordError> {
    let Some(id) = id else { return Ok(String::new()) };
    Ok(crate::log::load_entity(conn, id)?
        .and_then(|st| st.fields.get(field).and_then(|v| v.as_str()).map(str::to_string))
        .unwrap_or_default())
}

impl Vault {
    /// Persons, households and contact-log entries matching every term of `query`. Persons come
    /// first in 五十音順, then households, then contact-log entries newest first. Logged.
    pub fn search(&mut self, query: &str) -> Result<Vec<Hit>, RecordError> {
        let hits = self.search_quiet(query)?;
        self.audit_now("search", None, Some(format!("{} hits", hits.len())))?;
        Ok(hits)
    }

    /// `search` without the audit entry, for benchmarks and type-ahead.
    pub fn search_quiet(&self, query: &str) -> Result<Vec<Hit>, RecordError> {
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
                    let age = st
                        .fields
                        .get("birth")
                        .and_then(|v| v.as_str())
                        .and_then(|b| b.parse::<ja::PartialDate>().ok())
                        .and_then(|b| b.age_on(today))
                        .map(|a| format!(" {a}歳"))
                        .unwrap_or_default();
                    persons.push((
                        ja::name_key(&s("family_kana"), &s("given_kana")),
                        Hit {
                            kind: "person",
                            id,
                            label: format!("{} {}", s("family_name"), s("given_name")),
                            detail: format!("{} {}{age}", s("family_kana"), s("given_kana")),
                            household: st.parent,
                            case: None,
                            context: label_of(&self.conn, st.parent, "label")?,
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
                        context: crate::reference::district(&s("district"))
                            .map(|d| d.name_ja.to_string())
                            .unwrap_or_default(),
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
                            context: label_of(&self.conn, st.parent, "title")?,
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
            .map(|(_, h)| h)
            .chain(households.into_iter().map(|(_, h)| h))
            .chain(notes.into_iter().map(|(_, h)| h))
            .collect())
    }
}
