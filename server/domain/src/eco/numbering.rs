//! Certificate and reference numbers: `PREFIX-KIND-YEAR-SEQUENCE`, e.g. `PF-DOO-2026-000042`.
//!
//! Why this and not a ULID: the number is printed in box "Certificate No." and typed by customs
//! officers and buyers, so it must be short, readable and ordered. Uniqueness across server
//! replicas comes from the sequence, which the caller draws from the shared database (a
//! PostgreSQL sequence or an SQLite row id, one counter per prefix, kind and year) inside the
//! issuing transaction. This module never touches the database: it formats and parses.
//! A Certificate of Origin issued by an authority carries the authority's number; ours is then
//! the application reference.

use std::fmt;

use super::content::{DocumentKind, Reference};

/// The site's number prefix: 2 to 8 upper-case letters or digits, configured once.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NumberPrefix(String);

impl NumberPrefix {
    pub fn parse(s: &str) -> Result<Self, String> {
        let up = s.trim().to_ascii_uppercase();
        if (2..=8).contains(&up.len())
            && up
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        {
            Ok(Self(up))
        } else {
            Err(format!(
                "\u{201c}{s}\u{201d} is not a number prefix: use 2 to 8 letters or digits, e.g. PF"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn kind_code(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::CertificateOfOrigin => "CO",
        DocumentKind::DeclarationOfOrigin => "DOO",
    }
}

/// A document number's parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentNumber {
    pub prefix: NumberPrefix,
    pub kind: DocumentKind,
    pub year: i32,
    pub sequence: u64,
}

impl DocumentNumber {
    /// The number for the `sequence`-th document of `kind` in `year` (sequence from 1).
    pub fn new(
        prefix: NumberPrefix,
        kind: DocumentKind,
        year: i32,
        sequence: u64,
    ) -> Result<Self, String> {
        if !(2000..=9999).contains(&year) {
            return Err(format!("year {year} is out of range"));
        }
        if sequence == 0 || sequence > 999_999_999 {
            return Err(format!(
                "sequence {sequence} must be between 1 and 999999999"
            ));
        }
        Ok(Self {
            prefix,
            kind,
            year,
            sequence,
        })
    }

    /// Reads `PF-DOO-2026-000042` back.
    pub fn parse(s: &str) -> Result<Self, String> {
        let bad = || format!("\u{201c}{s}\u{201d} is not a number of the form PF-DOO-2026-000042");
        let mut parts = s.trim().split('-');
        let (Some(p), Some(k), Some(y), Some(n), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(bad());
        };
        let kind = match k {
            "CO" => DocumentKind::CertificateOfOrigin,
            "DOO" => DocumentKind::DeclarationOfOrigin,
            _ => return Err(bad()),
        };
        let prefix = NumberPrefix::parse(p).map_err(|_| bad())?;
        if prefix.as_str() != p
            || y.len() != 4
            || n.len() < 6
            || !n.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let year = y.parse().map_err(|_| bad())?;
        let sequence = n.parse().map_err(|_| bad())?;
        Self::new(prefix, kind, year, sequence)
    }

    /// As a [`Reference`] for the content model.
    pub fn to_reference(&self) -> Reference {
        // The format is at most 8+1+3+1+4+1+9 = 27 characters of [A-Z0-9-]: always a valid
        // reference.
        Reference::from_checked(self.to_string())
    }
}

impl fmt::Display for DocumentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}-{}-{:06}",
            self.prefix.as_str(),
            kind_code(self.kind),
            self.year,
            self.sequence
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formats_prefix_kind_year_and_zero_padded_sequence() {
        let n = DocumentNumber::new(
            NumberPrefix::parse("pf").unwrap(),
            DocumentKind::DeclarationOfOrigin,
            2026,
            42,
        )
        .unwrap();
        assert_eq!(n.to_string(), "PF-DOO-2026-000042");
        assert_eq!(n.to_reference().as_str(), "PF-DOO-2026-000042");
    }

    #[test]
    fn rejects_malformed_numbers_and_prefixes() {
        for bad in [
            "PF-XX-2026-000001",
            "PF-CO-26-000001",
            "PF-CO-2026-1",
            "PF-CO-2026-000000",
            "pf-CO-2026-000001",
            "PF-CO-2026-000001-1",
        ] {
            assert!(DocumentNumber::parse(bad).is_err(), "{bad}");
        }
        assert!(NumberPrefix::parse("P").is_err());
        assert!(NumberPrefix::parse("P-F").is_err());
    }

    proptest! {
        #[test]
        fn numbers_parse_back_and_sort_by_sequence_within_a_year(seq in 1u64..999_999_999, year in 2000i32..9999) {
            let n = DocumentNumber::new(NumberPrefix::parse("PF").unwrap(), DocumentKind::CertificateOfOrigin, year, seq).unwrap();
            prop_assert_eq!(DocumentNumber::parse(&n.to_string()).unwrap(), n);
        }
    }
}
