//! Scopes: the unit of sharing. Every op belongs to exactly one scope, and a partner receives a
//! scope whole or not at all.

use std::{fmt, str::FromStr};

use uuid::Uuid;

/// `household:<id>`, `case:<id>`, `conference:<id>`, `directory`, or `local:<id>`.
/// `local` scopes hold items that never leave this PC (機関内メモ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    Household(Uuid),
    Case(Uuid),
    Conference(Uuid),
    Directory,
    Local(Uuid),
}

impl Scope {
    pub fn kind(&self) -> &'static str {
        match self {
            Scope::Household(_) => "household",
            Scope::Case(_) => "case",
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
            Scope::Household(id) | Scope::Case(id) | Scope::Conference(id) | Scope::Local(id) => Some(id),
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

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{0}\" is not a scope (expected household:<id>, case:<id>, conference:<id>, directory or local:<id>)")]
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
}
