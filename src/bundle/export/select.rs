//! Who a bundle goes to and how far each series is to be sent: the partner's verified, unrevoked
//! sites, the series of the scopes it may see, how far every recipient site is known to hold
//! them, and a purge notice for each case it was removed from and may still hold.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::params;
use uuid::Uuid;

use super::SeriesRow;
use crate::{
    Vault,
    bundle::{BundleError, format::PurgeNotice},
    log::Scope,
};

/// How long after a share ends every bundle to the agency repeats the purge request, whether or
/// not the agency has acknowledged holding the case.
pub(crate) const RECENT_REMOVAL_DAYS: i64 = 180;

/// A removed share as stored: its case, why and when it ended.
/// A 廃棄記録 as purge notices read it: case, household, whether the household was erased, the day.
type DisposedCase = (Option<String>, Option<String>, Option<i64>, Option<String>);
type RemovedShare = (Option<Vec<u8>>, Option<String>, Option<String>);

impl Vault {
    /// The agency and the verified, unrevoked sites a bundle goes to: one site, or every site of
    /// an agency.
    pub(super) fn recipients(&self, to: Uuid) -> Result<(Uuid, Vec<(Uuid, String)>), BundleError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT site, agency, age_recipient, verified_at IS NOT NULL, revoked_at IS NOT NULL, agency_name FROM card WHERE site = ?1 OR agency = ?1",
        )?;
        let rows = stmt.query_map([to.as_bytes()], |r| {
            Ok((
                Uuid::from_slice(&r.get::<_, Vec<u8>>(0)?).unwrap_or_default(),
                Uuid::from_slice(&r.get::<_, Vec<u8>>(1)?).unwrap_or_default(),
                r.get::<_, String>(2)?,
                r.get::<_, bool>(3)?,
                r.get::<_, bool>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        let mut agency = None;
        let mut name = to.to_string();
        let mut out = Vec::new();
        for r in rows {
            let (site, a, recipient, verified, revoked, agency_name) = r?;
            agency = Some(a);
            name = agency_name;
            if verified && !revoked {
                out.push((site, recipient));
            }
        }
        let agency = match agency {
            Some(a) => a,
            None => self
                .agency(to)
                .map(|a| a.id)
                .map_err(|_| BundleError::NoRecipient(to.to_string()))?,
        };
        if out.is_empty() {
            return Err(BundleError::NoRecipient(name));
        }
        out.sort();
        Ok((agency, out))
    }

    /// For each (series site, scope): the most every recipient site is known to hold.
    pub(super) fn acks_of(&self, sites: &[Uuid]) -> Result<BTreeMap<(Uuid, String), u64>, BundleError> {
        let mut per_site: Vec<BTreeMap<(Uuid, String), u64>> = Vec::new();
        for peer in sites {
            let mut m = BTreeMap::new();
            let mut stmt = self
                .conn
                .prepare_cached("SELECT site, scope, seq FROM peer_ack WHERE peer = ?1")?;
            let mut rows = stmt.query([peer.as_bytes()])?;
            while let Some(r) = rows.next()? {
                let site = Uuid::from_slice(&r.get::<_, Vec<u8>>(0)?).unwrap_or_default();
                m.insert((site, r.get::<_, String>(1)?), r.get::<_, i64>(2)? as u64);
            }
            per_site.push(m);
        }
        // A series counts as held only as far as the site that holds least of it.
        let Some(first) = per_site.first() else {
            return Ok(BTreeMap::new());
        };
        Ok(first
            .iter()
            .map(|(k, &v)| {
                (
                    k.clone(),
                    per_site
                        .iter()
                        .map(|m| m.get(k).copied().unwrap_or(0))
                        .min()
                        .unwrap_or(v),
                )
            })
            .collect())
    }

    pub(super) fn series_in(&self, scopes: &BTreeSet<Scope>) -> Result<Vec<SeriesRow>, BundleError> {
        let mut out = Vec::new();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT r.id, r.site, r.last_seq FROM series r JOIN scope s ON s.id = r.scope WHERE s.name = ?1 AND r.last_seq > 0 ORDER BY r.site")?;
        for scope in scopes {
            let rows = stmt.query_map([scope.to_string()], |r| {
                Ok(SeriesRow {
                    id: r.get(0)?,
                    site: Uuid::from_slice(&r.get::<_, Vec<u8>>(1)?).unwrap_or_default(),
                    scope: *scope,
                    last: r.get::<_, i64>(2)? as u64,
                })
            })?;
            for r in rows {
                out.push(r?);
            }
        }
        Ok(out)
    }

    /// Cases this vault leads that the agency was removed from, and that the agency may still
    /// hold: their scopes (and the household's, if it sees no other case of it) are to be purged.
    /// It may hold a case it has acknowledged, any case when it has acknowledged nothing yet, and
    /// any case removed recently ([`RECENT_REMOVAL_DAYS`]): a partner that received the case and
    /// has sent nothing back since has acknowledged nothing of it.
    pub(super) fn purge_notices(
        &self,
        agency: Uuid,
        sites: &[Uuid],
        visible: &BTreeSet<Scope>,
    ) -> Result<Vec<PurgeNotice>, BundleError> {
        let mut out = Vec::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT e.parent, json_extract(e.fields, '$.removed_reason'), json_extract(e.fields, '$.removed') FROM entity e JOIN entity c ON c.id = e.parent
             WHERE e.etype = 'share' AND json_extract(e.fields, '$.agency') = ?1 AND json_extract(e.fields, '$.active') = 0
               AND json_extract(c.fields, '$.lead_agency') = ?2",
        )?;
        let rows: Vec<RemovedShare> = stmt
            .query_map(params![agency.to_string(), self.me.agency.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let recent = self
            .ambient
            .clock
            .today()
            .checked_sub(jiff::Span::new().days(RECENT_REMOVAL_DAYS))
            .map(|d| d.to_string())
            .unwrap_or_default();
        let mut held = self
            .conn
            .prepare_cached("SELECT 1 FROM peer_ack WHERE peer = ?1 AND scope = ?2 LIMIT 1")?;
        let mut any_ack = self
            .conn
            .prepare_cached("SELECT 1 FROM peer_ack WHERE peer = ?1 LIMIT 1")?;
        for (case, reason, removed) in rows {
            let Some(case) = case.and_then(|c| Uuid::from_slice(&c).ok()) else {
                continue;
            };
            let scope = Scope::Case(case);
            if visible.contains(&scope) {
                continue;
            }
            // Dates are stored as YYYY-MM-DD, so text order is date order.
            let removed_recently = removed.is_some_and(|d| d >= recent);
            let may_hold = removed_recently
                || sites.iter().any(|p| {
                    held.exists(params![p.as_bytes(), scope.to_string()]).unwrap_or(true)
                        || !any_ack.exists([p.as_bytes()]).unwrap_or(true)
                });
            if !may_hold {
                continue;
            }
            let reason = reason.unwrap_or_else(|| "share removed".into());
            out.push(PurgeNotice {
                scope: scope.to_string(),
                reason: reason.clone(),
            });
            out.push(PurgeNotice {
                scope: Scope::Progress(case).to_string(),
                reason: reason.clone(),
            });
            if let Ok(c) = self.case_quiet(case) {
                let hh = Scope::Household(c.household);
                if !visible.contains(&hh) {
                    out.push(PurgeNotice {
                        scope: hh.to_string(),
                        reason,
                    });
                }
            }
        }
        // Cases disposed of at the end of their retention: their share records are erased with
        // them, so the 廃棄記録 says who received each.
        let mut disposed = self.conn.prepare_cached(
            "SELECT json_extract(fields, '$.case'), json_extract(fields, '$.household'), json_extract(fields, '$.household_erased'), json_extract(fields, '$.disposed')
             FROM entity WHERE etype = 'disposal'
               AND EXISTS (SELECT 1 FROM json_each(entity.fields, '$.notified') WHERE value = ?1)",
        )?;
        let rows: Vec<DisposedCase> = disposed
            .query_map([agency.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        for (case, household, household_erased, when) in rows {
            let Some(case) = case.and_then(|c| Uuid::parse_str(&c).ok()) else {
                continue;
            };
            let scope = Scope::Case(case);
            let recently = when.is_some_and(|d| d >= recent);
            let may_hold = recently
                || sites
                    .iter()
                    .any(|p| held.exists(params![p.as_bytes(), scope.to_string()]).unwrap_or(true));
            if !may_hold {
                continue;
            }
            let reason = "保存期間満了による廃棄 / disposed of at the end of its retention".to_string();
            let mut scopes = vec![scope, Scope::Progress(case)];
            // The household goes too when the agency sees no other case of it (erased here or
            // not: a case it was never given keeps it here only).
            if let Some(hh) = household.and_then(|h| Uuid::parse_str(&h).ok()).map(Scope::Household) {
                if household_erased == Some(1) || !visible.contains(&hh) {
                    scopes.push(hh);
                }
            }
            for s in scopes {
                out.push(PurgeNotice {
                    scope: s.to_string(),
                    reason: reason.clone(),
                });
            }
        }
        out.sort_by(|a, b| a.scope.cmp(&b.scope));
        out.dedup();
        Ok(out)
    }
}
