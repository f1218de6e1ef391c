//! The agency directory as this vault knows it: agencies and their workers. Directory entries
//! travel to every partner (scope `directory`), so names of agencies and workers are shared, never
//! anything about a household.

use kasane_store::StoreError;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Fields, Record, RecordError, conflicts_of, load_all, load_one, msg, require_text, view};
use crate::{
    Vault,
    log::{EntityState, Scope},
};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Agency {
    #[serde(skip_deserializing)]
    pub id: Uuid,
    pub name: String,
    /// The code from the city's agency list (agencies-kamakura.tsv), when it is one of those.
    #[serde(default)]
    pub code: Option<String>,
    #[serde(skip_deserializing)]
    pub conflicts: Vec<String>,
}

impl Record for Agency {
    const ETYPE: &'static str = "agency";
    fn set_meta(&mut self, st: &EntityState) {
        self.id = st.id;
        self.conflicts = conflicts_of(st);
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Worker {
    #[serde(skip_deserializing)]
    pub id: Uuid,
    pub name: String,
    pub agency: Uuid,
    #[serde(skip_deserializing)]
    pub conflicts: Vec<String>,
}

impl Record for Worker {
    const ETYPE: &'static str = "worker";
    fn set_meta(&mut self, st: &EntityState) {
        self.id = st.id;
        self.conflicts = conflicts_of(st);
    }
}

/// What one member card says its site and agency are called.
struct CardName {
    agency: Uuid,
    agency_name: String,
    site_name: String,
}

/// Whether an agency is known: in the directory, or from a partner's card.
pub(crate) fn agency_exists(tx: &mut crate::log::Tx<'_>, id: Uuid) -> Result<bool, RecordError> {
    if tx.entity(id)?.is_some_and(|st| st.etype == "agency") {
        return Ok(true);
    }
    Ok(tx
        .conn()
        .prepare_cached("SELECT 1 FROM card WHERE agency = ?1")?
        .exists([id.as_bytes()])?)
}

impl Vault {
    /// Adds an agency to the directory (one that has no Kasane site yet, or before its card
    /// arrives). `code` ties it to the city's agency list.
    pub fn add_agency(&mut self, name: &str, code: Option<&str>) -> Result<Uuid, RecordError> {
        let name = require_text("agency name", name)?;
        let code = match code.map(str::trim).filter(|c| !c.is_empty()) {
            Some(c) if crate::reference::agency_info(c).is_none() => {
                return Err(RecordError::BadChoice {
                    field: "agency code",
                    value: c.to_string(),
                    allowed: "a code from agencies-kamakura.tsv (see `kasane agency codes`)",
                });
            }
            c => c.map(str::to_string),
        };
        self.write(|tx| {
            let f = Fields::new().put("name", &name).maybe("code", code.as_ref()).into_map();
            let id = tx.create(Scope::Directory, "agency", None, f)?;
            tx.audit("agency.add", Some(id.to_string()), None);
            Ok(id)
        })
    }

    /// Every agency this vault knows: directory entries, and partners known only from their
    /// member cards so far (their own directory entries arrive with their first bundle).
    pub fn agencies(&self) -> Result<Vec<Agency>, RecordError> {
        let mut out: Vec<Agency> = load_all(&self.conn, "agency", None)?
            .iter()
            .filter_map(|st| view::<Agency>(st).ok())
            .collect();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT agency, agency_name, agency_code FROM card ORDER BY imported_at")?;
        let rows = stmt.query_map([], |r| {
            Ok(Agency {
                id: Uuid::from_slice(&r.get::<_, Vec<u8>>(0)?).unwrap_or_default(),
                name: r.get(1)?,
                code: r.get(2)?,
                conflicts: Vec::new(),
            })
        })?;
        for a in rows {
            let a = a?;
            if !out.iter().any(|x| x.id == a.id) {
                out.push(a);
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        Ok(out)
    }

    pub fn agency(&self, id: Uuid) -> Result<Agency, RecordError> {
        match load_one(&self.conn, id, "agency") {
            Ok(st) => Ok(view(&st)?),
            Err(RecordError::NotFound(_) | RecordError::Store(StoreError::Log(_))) => self
                .agencies()?
                .into_iter()
                .find(|a| a.id == id)
                .ok_or_else(|| RecordError::UnknownAgency(id)),
            Err(e) => Err(e),
        }
    }

    /// Finds an agency by id, name or city code (what people type on the command line). Names
    /// are compared after Japanese folding (full and half width, kana, character variants), as
    /// the directory shows them and as their member cards name them. A name or code that more
    /// than one agency answers to is refused with the candidates listed — their ids and the PCs
    /// their member cards name — so an agency that renamed its own entry after another is never
    /// chosen in its place.
    pub fn find_agency(&self, text: &str) -> Result<Agency, RecordError> {
        let t = text.trim();
        if let Ok(id) = Uuid::parse_str(t) {
            return self.agency(id);
        }
        let folded = crate::ja::fold_for_search(t);
        let cards = self.card_names()?;
        let mut matches: Vec<Agency> = self
            .agencies()?
            .into_iter()
            .filter(|a| {
                a.code.as_deref() == Some(t)
                    || crate::ja::fold_for_search(&a.name) == folded
                    || cards
                        .iter()
                        .any(|c| c.agency == a.id && crate::ja::fold_for_search(&c.agency_name) == folded)
            })
            .collect();
        match matches.len() {
            0 => Err(RecordError::BadChoice {
                field: "agency",
                value: t.to_string(),
                allowed: "an agency id, name or code from `kasane agency list`",
            }),
            1 => Ok(matches.remove(0)),
            _ => {
                let describe = |a: &Agency, ja: bool| {
                    let mut parts = vec![format!("{} {}", if ja { "ID" } else { "id" }, a.id)];
                    if let Some(c) = &a.code {
                        parts.push(format!("{} {c}", if ja { "コード" } else { "code" }));
                    }
                    let of_agency: Vec<&CardName> = cards.iter().filter(|c| c.agency == a.id).collect();
                    let sites: Vec<&str> = of_agency.iter().map(|c| c.site_name.as_str()).collect();
                    if sites.is_empty() {
                        parts.push(
                            if ja {
                                "機関確認ファイルなし"
                            } else {
                                "no agency check file"
                            }
                            .into(),
                        );
                    } else {
                        parts.push(format!("{} {}", if ja { "端末" } else { "PC" }, sites.join(", ")));
                    }
                    if let Some(c) = of_agency.iter().find(|c| c.agency_name != a.name) {
                        parts.push(if ja {
                            format!("機関確認ファイルの機関名 {}", c.agency_name)
                        } else {
                            format!("its check file names it {}", c.agency_name)
                        });
                    }
                    if ja {
                        format!("{}（{}）", a.name, parts.join("、"))
                    } else {
                        format!("{} ({})", a.name, parts.join("; "))
                    }
                };
                let ja: Vec<String> = matches.iter().map(|a| describe(a, true)).collect();
                let en: Vec<String> = matches.iter().map(|a| describe(a, false)).collect();
                let (ja, en) = (ja.join("／"), en.join(" / "));
                Err(RecordError::AmbiguousAgency(msg!(
                    ja: "「{t}」に当てはまる機関が複数あります：{ja}。機関のID（または、その機関だけが持つ市の機関コード）で指定してください",
                    en: "\"{t}\" could be more than one agency: {en}; choose one by its id (or by its city code where only one agency has it)",
                )))
            }
        }
    }

    /// The agency and PC names every imported member card gives (revoked ones included: they
    /// still say who an agency is).
    fn card_names(&self) -> Result<Vec<CardName>, RecordError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT agency, agency_name, site_name FROM card ORDER BY site_name")?;
        let rows = stmt.query_map([], |r| {
            Ok(CardName {
                agency: Uuid::from_slice(&r.get::<_, Vec<u8>>(0)?).unwrap_or_default(),
                agency_name: r.get(1)?,
                site_name: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn directory_workers(&self) -> Result<Vec<Worker>, RecordError> {
        let mut out: Vec<Worker> = load_all(&self.conn, "worker", None)?
            .iter()
            .filter_map(|st| view::<Worker>(st).ok())
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        Ok(out)
    }
}
