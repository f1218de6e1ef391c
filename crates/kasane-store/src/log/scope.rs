//! Scopes: the unit of sharing. Every op belongs to exactly one scope, and a partner receives a
//! scope whole or not at all. Every record belongs to exactly one scope too, by construction: its
//! id is derived from the op that created it, in that scope (see [`record_id`], [`root_id`]), so
//! an op naming it from any other scope, or a second "create" of it, cannot match.

use std::{fmt, str::FromStr};

use uuid::Uuid;

/// `household:<id>`, `case:<id>`, `conference:<id>`, `directory`, or `local:<id>`.
/// `local` scopes hold items that never leave this PC (機関内メモ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    Household(Uuid),
    Case(Uuid),
    /// A case's shared contact-log entries (支援経過), apart from the rest of the case so a
    /// disclosure can leave them out. Same id as the case.
    Progress(Uuid),
    Conference(Uuid),
    Directory,
    Local(Uuid),
}

impl Scope {
    pub fn kind(&self) -> &'static str {
        match self {
            Scope::Household(_) => "household",
            Scope::Case(_) => "case",
            Scope::Progress(_) => "progress",
            Scope::Conference(_) => "conference",
            Scope::Directory => "directory",
            Scope::Local(_) => "local",
        }
    }
    /// Items in a local scope never enter a bundle.
    pub fn is_local(&self) -> bool {
        matches!(self, Scope::Local(_))
    }
    pub fn id(&self) -> Option<Uuid> {
        match *self {
            Scope::Household(id) | Scope::Case(id) | Scope::Progress(id) | Scope::Conference(id) | Scope::Local(id) => {
                Some(id)
            }
            Scope::Directory => None,
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.id() {
            Some(id) => write!(f, "{}:{}", self.kind(), id),
            None => f.write_str(self.kind()),
        }
    }
}

fn derived(context: &str, parts: &[&[u8]]) -> Uuid {
    let mut h = blake3::Hasher::new_derive_key(context);
    for p in parts {
        h.update(&(p.len() as u64).to_be_bytes());
        h.update(p);
    }
    let mut b = [0u8; 16];
    b.copy_from_slice(&h.finalize().as_bytes()[..16]);
    uuid::Builder::from_custom_bytes(b).into_uuid()
}

/// The id of a record created by op `seq` of the series (`site`, `scope`). A (site, scope, seq)
/// names one op (two different ops there are equivocation), so the id names one record, in one
/// scope, created by one site.
pub fn record_id(scope: Scope, site: Uuid, seq: u64) -> Uuid {
    derived(
        "kasane record id v1",
        &[scope.to_string().as_bytes(), site.as_bytes(), &seq.to_be_bytes()],
    )
}

/// The id of the root record of a new scope — a household, a case or a meeting — which is also
/// the scope's id, from the kind of scope and the site and op id of the op that creates it.
pub fn root_id(kind: &str, site: Uuid, op: Uuid) -> Uuid {
    derived("kasane root id v1", &[kind.as_bytes(), site.as_bytes(), op.as_bytes()])
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "\"{0}\" is not a scope (expected household:<id>, case:<id>, progress:<id>, conference:<id>, directory or local:<id>)"
)]
pub struct ScopeParseError(pub String);

impl FromStr for Scope {
    type Err = ScopeParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "directory" {
            return Ok(Scope::Directory);
        }
        let err = || ScopeParseError(s.to_string());
        let (kind, id) = s.split_once(':').ok_or_else(err)?;
        let id = Uuid::parse_str(id).map_err(|_| err())?;
        match kind {
            "household" => Ok(Scope::Household(id)),
            "case" => Ok(Scope::Case(id)),
            "progress" => Ok(Scope::Progress(id)),
            "conference" => Ok(Scope::Conference(id)),
            "local" => Ok(Scope::Local(id)),
            _ => Err(err()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_round_trip_through_text() {
        let id = Uuid::from_u128(0x0196_0000_0000_7000_8000_0000_0000_0001);
        for s in [
            Scope::Household(id),
            Scope::Case(id),
            Scope::Progress(id),
            Scope::Conference(id),
            Scope::Directory,
            Scope::Local(id),
        ] {
            assert_eq!(
                s.to_string().parse::<Scope>(),
                Ok(s),
                "scope text is stored and signed, so it must parse back to itself"
            );
        }
        assert!("case:nope".parse::<Scope>().is_err());
        assert!("meeting:0196".parse::<Scope>().is_err());
    }

    #[test]
    fn derived_ids_differ_by_every_input() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let base = record_id(Scope::Case(a), a, 1);
        assert_ne!(base, record_id(Scope::Case(b), a, 1), "another scope, another record");
        assert_ne!(
            base,
            record_id(Scope::Household(a), a, 1),
            "another kind of scope, another record"
        );
        assert_ne!(base, record_id(Scope::Case(a), b, 1), "another site, another record");
        assert_ne!(base, record_id(Scope::Case(a), a, 2), "another op, another record");
        assert_ne!(
            root_id("case", a, b),
            root_id("household", a, b),
            "a case id is never a household id"
        );
        assert_eq!(base, record_id(Scope::Case(a), a, 1), "derivation is a pure function");
    }
}
