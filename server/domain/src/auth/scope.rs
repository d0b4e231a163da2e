//! Platform API scopes (DESIGN.md §10): what an API client may do.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// One permission of the machine API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Scope {
    /// `catalog:read`: products and categories.
    CatalogRead,
    /// `eco:read`: signed certificates of origin.
    EcoRead,
    /// `orders:read`: orders with their status history.
    OrdersRead,
    /// `orders:export`: move an order to export-cleared.
    OrdersExport,
    /// `shipments:read`: shipment status and its event stream.
    ShipmentsRead,
}

impl Scope {
    /// Every scope, in the order the documentation lists them.
    pub const ALL: [Scope; 5] = [
        Scope::CatalogRead,
        Scope::EcoRead,
        Scope::OrdersRead,
        Scope::OrdersExport,
        Scope::ShipmentsRead,
    ];

    /// The scope's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::CatalogRead => "catalog:read",
            Scope::EcoRead => "eco:read",
            Scope::OrdersRead => "orders:read",
            Scope::OrdersExport => "orders:export",
            Scope::ShipmentsRead => "shipments:read",
        }
    }

    /// What the scope allows, for the admin panel and the OpenAPI description.
    pub fn description(self) -> &'static str {
        match self {
            Scope::CatalogRead => "Read products and categories",
            Scope::EcoRead => "Read signed electronic certificates of origin",
            Scope::OrdersRead => "Read orders and their status history",
            Scope::OrdersExport => "Mark orders as export-cleared",
            Scope::ShipmentsRead => "Read shipment status and follow its events",
        }
    }

    /// Parses one scope name.
    pub fn parse(name: &str) -> Result<Self, ScopeError> {
        Scope::ALL
            .into_iter()
            .find(|s| s.as_str() == name)
            .ok_or_else(|| ScopeError::Unknown(name.chars().take(40).collect()))
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for Scope {
    type Error = ScopeError;
    fn try_from(s: String) -> Result<Self, ScopeError> {
        Self::parse(&s)
    }
}

impl From<Scope> for String {
    fn from(s: Scope) -> String {
        s.as_str().to_owned()
    }
}

/// Why a scope list was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ScopeError {
    #[error(
        "unknown scope \u{201c}{0}\u{201d}; the scopes are catalog:read, eco:read, orders:read, orders:export and shipments:read"
    )]
    Unknown(String),
    #[error("give at least one scope")]
    Empty,
}

/// A set of scopes, written as space-separated names (RFC 6749 §3.3).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ScopeSet(Vec<Scope>);

impl ScopeSet {
    /// Parses space-separated scope names (commas are accepted too); duplicates collapse.
    /// An empty text gives an empty set.
    pub fn parse(text: &str) -> Result<Self, ScopeError> {
        let mut scopes = text
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|s| !s.is_empty())
            .map(Scope::parse)
            .collect::<Result<Vec<_>, _>>()?;
        scopes.sort();
        scopes.dedup();
        Ok(Self(scopes))
    }

    /// Like [`ScopeSet::parse`] but refuses an empty list.
    pub fn parse_non_empty(text: &str) -> Result<Self, ScopeError> {
        let set = Self::parse(text)?;
        if set.is_empty() {
            return Err(ScopeError::Empty);
        }
        Ok(set)
    }

    pub fn from_scopes(scopes: impl IntoIterator<Item = Scope>) -> Self {
        let mut v: Vec<Scope> = scopes.into_iter().collect();
        v.sort();
        v.dedup();
        Self(v)
    }

    pub fn contains(&self, scope: Scope) -> bool {
        self.0.contains(&scope)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether every scope of `other` is in this set.
    pub fn covers(&self, other: &ScopeSet) -> bool {
        other.0.iter().all(|s| self.contains(*s))
    }

    pub fn iter(&self) -> impl Iterator<Item = Scope> + '_ {
        self.0.iter().copied()
    }

    /// The scopes in both sets.
    pub fn intersection(&self, other: &ScopeSet) -> ScopeSet {
        Self(self.iter().filter(|s| other.contains(*s)).collect())
    }
}

impl fmt::Display for ScopeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(s.as_str())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_lists_parse_sorted_without_duplicates() {
        let set = ScopeSet::parse("  orders:read catalog:read,catalog:read ").unwrap();
        assert_eq!(set.to_string(), "catalog:read orders:read");
        assert!(set.contains(Scope::CatalogRead));
        assert!(!set.contains(Scope::EcoRead));
    }

    #[test]
    fn unknown_scopes_are_named() {
        let err = ScopeSet::parse("catalog:read catalog:write").unwrap_err();
        assert_eq!(err, ScopeError::Unknown("catalog:write".into()));
        assert!(err.to_string().contains("catalog:write"));
    }

    #[test]
    fn an_empty_list_is_refused_where_one_is_required() {
        assert_eq!(ScopeSet::parse("").unwrap(), ScopeSet::default());
        assert_eq!(ScopeSet::parse_non_empty(" "), Err(ScopeError::Empty));
    }

    #[test]
    fn coverage_is_a_subset_check() {
        let granted = ScopeSet::parse("catalog:read eco:read").unwrap();
        assert!(granted.covers(&ScopeSet::parse("eco:read").unwrap()));
        assert!(granted.covers(&ScopeSet::default()));
        assert!(!granted.covers(&ScopeSet::parse("orders:read eco:read").unwrap()));
    }

    #[test]
    fn every_scope_round_trips_through_its_name() {
        for s in Scope::ALL {
            assert_eq!(Scope::parse(s.as_str()), Ok(s));
            assert!(!s.description().is_empty());
        }
    }
}
