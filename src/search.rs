//! Japanese search over persons, households and the contact log. Each searchable entity has one
//! document of folded text (NFKC, kana folded to hiragana, name variants folded, romaji keys of
//! readings); FTS5 trigram answers terms of three or more characters, a shorter term becomes the
//! indexed trigrams it begins, and a term too common for that is checked on the text of what the
//! other terms found (or by a scan that stops early).

use std::collections::HashMap;

use crate::record::RecordError;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::{Vault, ja, log::LogError};

/// Hits per kind a search returns at most.
pub const LIMIT: usize = 50;

/// The kinds of search documents (see `document::document`).
const KINDS: [&str; 3] = ["person", "household", "note"];

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

/// The documents containing any of the forms of a one- or two-character term, newest first; None
/// when a form begins too many trigrams to be worth the index. The documents of every trigram a
/// form begins are read in one pass over that range of the index's terms (fts5vocab 'instance'),
/// not by a MATCH of each trigram: that looked every one of them up in every index segment, a few
/// thousand lookups for a common character, most of a one-character search's time.
fn short_term_docs(conn: &Connection, forms: &[String]) -> rusqlite::Result<Option<Vec<i64>>> {
    let mut docs = Vec::new();
    for f in forms {
        if expand(conn, f)?.is_none() {
            return Ok(None);
        }
        let mut upper = f.to_string();
        upper.push(char::MAX);
        let mut stmt = conn.prepare_cached("SELECT doc FROM temp.search_instance WHERE term >= ?1 AND term < ?2")?;
        let mut rows = stmt.query(params![f, upper])?;
        while let Some(r) = rows.next()? {
            docs.push(r.get::<_, i64>(0)?);
        }
    }
    docs.sort_unstable_by(|a, b| b.cmp(a));
    docs.dedup();
    Ok(Some(docs))
}

/// Raw matches: (entity, kind) of documents containing every term (any of its forms), at most
/// `per_kind` of each.
fn matches(conn: &Connection, terms: &[Vec<String>], per_kind: usize) -> rusqlite::Result<Vec<(Uuid, String)>> {
    if let [forms] = terms {
        if forms.iter().all(|f| f.chars().count() < 3) {
            if let Some(docs) = short_term_docs(conn, forms)? {
                return newest_per_kind(conn, &docs, per_kind);
            }
        }
    }
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
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut take = |entity: Vec<u8>, kind: String, text: Option<&str>, out: &mut Vec<(Uuid, String)>| {
        if !unindexed
            .iter()
            .all(|forms| forms.iter().any(|f| text.is_some_and(|t| t.contains(f.as_str()))))
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
    // Matches arrive newest first and only the newest `per_kind` of each kind are kept, so the
    // reading stops once every kind has them: a one-character query matches thousands of
    // documents, and looking each one up was most of its time.
    let full = |out: &[(Uuid, String)]| {
        KINDS
            .iter()
            .all(|k| out.iter().filter(|(_, kind)| kind == k).count() >= per_kind)
    };
    if !clauses.is_empty() {
        // The text is read only when a term must be checked on it: a contact-log entry's text
        // is long, and reading it for every match cost more than the match itself.
        let with_text = !unindexed.is_empty();
        let mut stmt = conn.prepare_cached(if with_text {
            "SELECT d.entity, d.kind, d.text FROM search_fts JOIN search_doc d ON d.n = search_fts.rowid
             WHERE search_fts MATCH ?1 ORDER BY search_fts.rowid DESC"
        } else {
            "SELECT d.entity, d.kind FROM search_fts JOIN search_doc d ON d.n = search_fts.rowid
             WHERE search_fts MATCH ?1 ORDER BY search_fts.rowid DESC"
        })?;
        let mut rows = stmt.query([clauses.join(" AND ")])?;
        while let Some(r) = rows.next()? {
            let text: Option<String> = if with_text { Some(r.get(2)?) } else { None };
            let before = out.len();
            take(r.get(0)?, r.get(1)?, text.as_deref(), &mut out);
            if out.len() > before && full(&out) {
                break;
            }
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
            take(r.get(0)?, r.get(1)?, Some(&text), &mut out);
        }
    }
    Ok(out)
}

/// (entity, kind) of the newest `per_kind` documents of each kind among `docs` (newest first),
/// reading no further once every kind has them.
fn newest_per_kind(conn: &Connection, docs: &[i64], per_kind: usize) -> rusqlite::Result<Vec<(Uuid, String)>> {
    let mut out = Vec::new();
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut stmt = conn.prepare_cached("SELECT entity, kind FROM search_doc WHERE n = ?1")?;
    for n in docs {
        if KINDS.iter().all(|k| counts.get(*k).is_some_and(|c| *c >= per_kind)) {
            break;
        }
        let Some((entity, kind)) = stmt
            .query_row([n], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?)))
            .optional()?
        else {
            continue;
        };
        let c = counts.entry(kind.clone()).or_default();
        if *c < per_kind {
            *c += 1;
            if let Ok(id) = Uuid::from_slice(&entity) {
                out.push((id, kind));
            }
        }
    }
    Ok(out)
}

/// What a hit shows of its record.
struct Shown {
    fields: Map<String, Value>,
    parent: Option<Uuid>,
}

/// A hit's record as a list shows it: its shown fields and its parent. Not `log::load_entity`,
/// which also parses the bookkeeping of every field's ops (`meta`) that a hit never shows: that
/// parse was a third of a one-character search.
fn shown(conn: &Connection, id: Uuid) -> Result<Option<Shown>, RecordError> {
    let row = conn
        .prepare_cached("SELECT fields, parent FROM entity WHERE id = ?1")?
        .query_row([id.as_bytes()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<Vec<u8>>>(1)?))
        })
        .optional()?;
    let Some((fields, parent)) = row else {
        return Ok(None);
    };
    let fields = serde_json::from_str(&fields).map_err(|e| LogError::StateDamaged(id, e))?;
    Ok(Some(Shown {
        fields,
        parent: parent.and_then(|p| Uuid::from_slice(&p).ok()),
    }))
}

/// A text field of the entity `id` (a household's label, a case's title), or "". Remembered
/// for the rest of the search: the members of one household share it.
fn label_of(
    conn: &Connection,
    id: Option<Uuid>,
    field: &str,
    seen: &mut HashMap<Uuid, String>,
) -> Result<String, RecordError> {
    let Some(id) = id else { return Ok(String::new()) };
    if let Some(label) = seen.get(&id) {
        return Ok(label.clone());
    }
    let label = shown(conn, id)?
        .and_then(|r| r.fields.get(field).and_then(|v| v.as_str()).map(str::to_string))
        .unwrap_or_default();
    seen.insert(id, label.clone());
    Ok(label)
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
        // The index's terms with the documents they occur in, for one- and two-character terms
        // (`short_term_docs`); a table of this connection only, reading the index as it stands.
        self.conn.execute_batch(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_instance USING fts5vocab(main, search_fts, instance);",
        )?;
        // Every statement of one search reads in one read transaction: on its own, each of the
        // few hundred lookups took and gave back the database's shared lock (fcntl calls and the
        // WAL header), a tenth of a short query's time. Inside a caller's transaction there is
        // nothing to take.
        let read = if self.conn.is_autocommit() {
            Some(self.conn.unchecked_transaction()?)
        } else {
            None
        };
        let hits = self.hits(&terms)?;
        if let Some(read) = read {
            read.commit()?;
        }
        Ok(hits)
    }

    /// The hits of a search's terms, in the order `search` gives them.
    fn hits(&self, terms: &[Vec<String>]) -> Result<Vec<Hit>, RecordError> {
        let today = self.ambient.clock.today();
        let mut persons = Vec::new();
        let mut households = Vec::new();
        let mut notes = Vec::new();
        let mut labels = HashMap::new();
        for (id, kind) in matches(&self.conn, terms, LIMIT)? {
            let Some(Shown { fields, parent }) = shown(&self.conn, id)? else {
                continue;
            };
            let s = |k: &str| fields.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
            match kind.as_str() {
                "person" => {
                    let age = fields
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
                            household: parent,
                            case: None,
                            context: label_of(&self.conn, parent, "label", &mut labels)?,
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
                            case: parent,
                            context: label_of(&self.conn, parent, "title", &mut labels)?,
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
