//! The agency directory as this vault knows it: agencies and their workers. Directory entries
//! travel to every partner (scope `directory`), so names of agencies and workers are shared, never
//! anything about a household.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Fields, Record, RecordError, conflicts_of, load_all, load_one, require_text, view};
use crate::{
    Error, Vault,
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

/// Whether an agency is known: in the directory, or from a partner's card.
pub(crate) fn agency_exists(tx: &mut crate::log::Tx<'_>, id: Uuid) -> Result<bool, Error> {
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
    pub fn add_agency(&mut self, name: &str, code: Option<&str>) -> Result<Uuid, Error> {
        let name = require_text("agency name", name)?;
        let code = match code.map(str::trim).filter(|c| !c.is_empty()) {
            Some(c) if crate::reference::agency_info(c).is_none() => {
                return Err(RecordError::BadChoice {
                    field: "agency code",
                    value: c.to_string(),
                    allowed: "a code from agencies-kamakura.tsv (see `kasane agency codes`)",
                }
                .into());
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
    pub fn agencies(&self) -> Result<Vec<Agency>, Error> {
        let mut out: Vec<Agency> = load_all(&self.conn, "agency", None)?
            .iter()
            .map(view::<Agency>)
            .collect::<Result<_, _>>()?;
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

    pub fn agency(&self, id: Uuid) -> Result<Agency, Error> {
        match load_one(&self.conn, id, "agency") {
            Ok(st) => Ok(view(&st)?),
            Err(Error::Record(RecordError::NotFound(_)) | Error::Log(_)) => self
                .agencies()?
                .into_iter()
                .find(|a| a.id == id)
                .ok_or_else(|| RecordError::UnknownAgency(id).into()),
            Err(e) => Err(e),
        }
    }

    /// Finds an agency by id, name or city code (what people type on the command line).
    pub fn find_agency(&self, text: &str) -> Result<Agency, Error> {
        let t = text.trim();
        if let Ok(id) = Uuid::parse_str(t) {
            return self.agency(id);
        }
        self.agencies()?
            .into_iter()
            .find(|a| a.name == t || a.code.as_deref() == Some(t))
            .ok_or_else(|| {
                RecordError::BadChoice {
                    field: "agency",
                    value: t.to_string(),
                    allowed: "an agency id, name or code from `kasane agency list`",
                }
                .into()
            })
    }

    pub fn directory_workers(&self) -> Result<Vec<Worker>, Error> {
        let mut out: Vec<Worker> = load_all(&self.conn, "worker", None)?
            .iter()
            .map(view::<Worker>)
            .collect::<Result<_, _>>()?;
        out.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        Ok(out)
    }
}
