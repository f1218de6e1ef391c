//! The signed segments a bundle carries: our own series signed now, another site's series relayed
//! only as the segments its author signed, each with the stored ops it covers.

#[cfg(feature = "testing")]
use std::collections::BTreeSet;

use rusqlite::params;

use super::SeriesRow;
#[cfg(feature = "testing")]
use crate::log::Scope;
use crate::{
    Vault,
    bundle::BundleError,
    bundle::format::{Segment, Statement, WireOp},
    log::Hash32,
};

impl Vault {
    fn ops_between(&self, series: i64, first: u64, last: u64) -> Result<(Vec<WireOp>, Hash32), BundleError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT header, body, hash FROM op WHERE series = ?1 AND seq BETWEEN ?2 AND ?3 ORDER BY seq",
        )?;
        let mut rows = stmt.query(params![series, first as i64, last as i64])?;
        let mut ops = Vec::with_capacity((last - first + 1) as usize);
        let mut head = Hash32::ZERO;
        while let Some(r) = rows.next()? {
            ops.push(WireOp {
                header: r.get(0)?,
                body: r.get(1)?,
            });
            head = Hash32::from_slice(&r.get::<_, Vec<u8>>(2)?).unwrap_or_default();
        }
        if ops.len() as u64 != last - first + 1 {
            return Err(
                crate::vault::VaultError::Damaged(format!("series {series} lacks ops {first}..={last}")).into(),
            );
        }
        Ok((ops, head))
    }

    /// This site's whole series in `scope`, signed as one segment, whatever the scope: what a
    /// modified build could put in any bundle. Tests only.
    #[cfg(feature = "testing")]
    pub(crate) fn own_series_segment(&self, scope: Scope) -> Result<Option<Segment>, BundleError> {
        let keys = self.site_keys()?;
        let scopes: BTreeSet<Scope> = [scope].into_iter().collect();
        match self.series_in(&scopes)?.into_iter().find(|s| s.site == self.me.site) {
            Some(s) => Ok(Some(self.own_segment(&s, 1, &keys)?)),
            None => Ok(None),
        }
    }

    pub(super) fn own_segment(
        &self,
        s: &SeriesRow,
        first: u64,
        keys: &crate::site::SiteKeys,
    ) -> Result<Segment, BundleError> {
        let (ops, head) = self.ops_between(s.id, first, s.last)?;
        let statement = Statement {
            site: s.site,
            scope: s.scope,
            first,
            last: s.last,
            head,
        }
        .encode();
        let signature = keys.sign(&statement).to_bytes();
        Ok(Segment {
            statement,
            signature,
            ops,
        })
    }

    /// The stored segments of another site's series that cover `from..=last`, with their ops.
    pub(super) fn relayed_segments(&self, s: &SeriesRow, from: u64) -> Result<Vec<Segment>, BundleError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT first, last, statement, signature FROM segment WHERE series = ?1 AND last >= ?2 ORDER BY first, last DESC")?;
        let stored: Vec<(u64, u64, Vec<u8>, Vec<u8>)> = stmt
            .query_map(params![s.id, from as i64], |r| {
                Ok((
                    r.get::<_, i64>(0)? as u64,
                    r.get::<_, i64>(1)? as u64,
                    r.get(2)?,
                    r.get(3)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        let mut pos = from;
        while pos <= s.last {
            // The covering segment that reaches furthest.
            let Some((first, last, statement, signature)) = stored
                .iter()
                .filter(|(f, l, ..)| *f <= pos && *l >= pos)
                .max_by_key(|(_, l, ..)| *l)
            else {
                break;
            };
            let (ops, _) = self.ops_between(s.id, *first, *last)?;
            let signature: [u8; 64] = signature
                .as_slice()
                .try_into()
                .map_err(|_| crate::vault::VaultError::Damaged("stored segment signature".into()))?;
            out.push(Segment {
                statement: statement.clone(),
                signature,
                ops,
            });
            pos = last + 1;
        }
        Ok(out)
    }
}
