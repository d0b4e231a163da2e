//! Trade codes as types that can only hold valid values: HS code, country, UN/LOCODE,
//! Incoterm, RCEP origin criterion, unit of measure, currency, SKU and URL slug.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why a code was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{kind} \u{201c}{value}\u{201d} is not valid: {reason}")]
pub struct CodeError {
    pub kind: &'static str,
    pub value: String,
    pub reason: &'static str,
}

impl CodeError {
    /// A refusal of `value` (cut to 40 characters) as a `kind`, with what is wrong.
    pub(crate) fn new(kind: &'static str, value: &str, reason: &'static str) -> Self {
        let value: String = value.chars().take(40).collect();
        Self {
            kind,
            value,
            reason,
        }
    }
}

/// `FromStr` and `TryFrom<String>` through the type's `fn parse(&str) -> Result<Self, CodeError>`.
macro_rules! parse_impls {
    ($name:ident) => {
        impl ::std::str::FromStr for $name {
            type Err = $crate::codes::CodeError;
            fn from_str(s: &str) -> Result<Self, $crate::codes::CodeError> {
                Self::parse(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::codes::CodeError;
            fn try_from(s: String) -> Result<Self, $crate::codes::CodeError> {
                Self::parse(&s)
            }
        }
    };
}
pub(crate) use parse_impls;

/// `as_str`, `Display`, `FromStr`, `TryFrom<String>` and `Into<String>` for a validated text
/// newtype `struct Name(String)` that has `fn parse(&str) -> Result<Self, CodeError>`.
macro_rules! string_newtype_impls {
    ($name:ident) => {
        impl $name {
            /// The value as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        $crate::codes::parse_impls!($name);

        impl From<$name> for String {
            fn from(c: $name) -> String {
                c.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}
#[cfg_attr(
    not(feature = "logistics"),
    expect(
        unused_imports,
        reason = "only the logistics codes use it outside this module"
    )
)]
pub(crate) use string_newtype_impls;

/// `Display`, `FromStr`, `TryFrom<String>` and `Into<String>` for a code enum that has
/// `fn as_str(&self) -> &'static str` and `fn parse(&str) -> Result<Self, CodeError>`.
macro_rules! enum_code_impls {
    ($name:ident) => {
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        $crate::codes::parse_impls!($name);

        impl From<$name> for String {
            fn from(c: $name) -> String {
                c.as_str().to_owned()
            }
        }
    };
}
#[cfg_attr(
    not(feature = "logistics"),
    expect(
        unused_imports,
        reason = "only the logistics codes use it outside this module"
    )
)]
pub(crate) use enum_code_impls;

macro_rules! string_code {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        string_newtype_impls!($name);
    };
}

string_code! {
    /// Harmonized System code: 6 digits (the international subheading), or a national
    /// extension of 8 or 10 digits. Dots and spaces are accepted on input and dropped.
    HsCode
}

impl HsCode {
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let digits: String = s.chars().filter(|c| !matches!(c, '.' | ' ')).collect();
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(CodeError::new("HS code", s, "use digits only, e.g. 850131"));
        }
        if !matches!(digits.len(), 6 | 8 | 10) {
            return Err(CodeError::new(
                "HS code",
                s,
                "it must have 6, 8 or 10 digits",
            ));
        }
        if &digits[..2] == "00" || &digits[..2] > "97" {
            return Err(CodeError::new("HS code", s, "the chapter must be 01 to 97"));
        }
        Ok(Self(digits))
    }

    /// The 6-digit international subheading (what RCEP certificates carry).
    pub fn subheading(&self) -> &str {
        &self.0[..6]
    }

    /// The 2-digit chapter.
    pub fn chapter(&self) -> &str {
        &self.0[..2]
    }

    /// Written with dots the way customs documents show it: `8501.31` or `8501.31.10`.
    pub fn dotted(&self) -> String {
        let mut out = format!("{}.{}", &self.0[..4], &self.0[4..6]);
        if self.0.len() > 6 {
            out.push('.');
            out.push_str(&self.0[6..]);
        }
        out
    }
}

/// The fifteen parties to the RCEP agreement (ISO 3166-1 alpha-2).
pub const RCEP_PARTIES: [&str; 15] = [
    "AU", "BN", "KH", "CN", "ID", "JP", "KR", "LA", "MY", "MM", "NZ", "PH", "SG", "TH", "VN",
];

string_code! {
    /// ISO 3166-1 alpha-2 country code, upper case.
    CountryCode
}

impl CountryCode {
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let up = s.trim().to_ascii_uppercase();
        if up.len() != 2 || !up.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(CodeError::new(
                "country code",
                s,
                "use two letters, e.g. CN",
            ));
        }
        Ok(Self(up))
    }

    /// Whether the country is a party to RCEP.
    pub fn is_rcep_party(&self) -> bool {
        RCEP_PARTIES.contains(&self.0.as_str())
    }
}

string_code! {
    /// UN/LOCODE: two-letter country code plus three letters or digits 2–9, e.g. `CNNGB`.
    UnLocode
}

impl UnLocode {
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let up: String = s.trim().chars().filter(|c| *c != ' ').collect::<String>();
        let up = up.to_ascii_uppercase();
        let bytes = up.as_bytes();
        if bytes.len() != 5 {
            return Err(CodeError::new(
                "UN/LOCODE",
                s,
                "it has 5 characters, e.g. CNNGB",
            ));
        }
        if !bytes[..2].iter().all(u8::is_ascii_uppercase) {
            return Err(CodeError::new(
                "UN/LOCODE",
                s,
                "it starts with a 2-letter country code",
            ));
        }
        if !bytes[2..]
            .iter()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'9').contains(b))
        {
            return Err(CodeError::new(
                "UN/LOCODE",
                s,
                "the location part is 3 letters or digits 2-9",
            ));
        }
        Ok(Self(up))
    }

    /// The country part.
    pub fn country(&self) -> &str {
        &self.0[..2]
    }
}

string_code! {
    /// Stock-keeping unit: 3–32 characters of A–Z, 0–9 and `-`, upper case.
    Sku
}

impl Sku {
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let up = s.trim().to_ascii_uppercase();
        if !(3..=32).contains(&up.len()) {
            return Err(CodeError::new("SKU", s, "use 3 to 32 characters"));
        }
        if !up
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(CodeError::new(
                "SKU",
                s,
                "use letters, digits and hyphens only",
            ));
        }
        Ok(Self(up))
    }
}

string_code! {
    /// URL slug: lower-case ASCII words joined by single hyphens, at most 80 characters.
    Slug
}

impl Slug {
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let ok_chars = s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if s.is_empty() || s.len() > 80 {
            return Err(CodeError::new("slug", s, "use 1 to 80 characters"));
        }
        if !ok_chars || s.starts_with('-') || s.ends_with('-') || s.contains("--") {
            return Err(CodeError::new(
                "slug",
                s,
                "use lower-case letters and digits joined by single hyphens",
            ));
        }
        Ok(Self(s.to_owned()))
    }
}

/// A currency with its ISO 4217 code and the number of decimals money is rounded to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency {
    code: [u8; 3],
}

/// Currencies buyers in RCEP markets pay in, with their minor units (ISO 4217).
const CURRENCIES: [(&str, u32); 17] = [
    ("USD", 2),
    ("EUR", 2),
    ("CNY", 2),
    ("JPY", 0),
    ("KRW", 0),
    ("AUD", 2),
    ("NZD", 2),
    ("SGD", 2),
    ("MYR", 2),
    ("THB", 2),
    ("VND", 0),
    ("IDR", 2),
    ("PHP", 2),
    ("BND", 2),
    ("KHR", 2),
    ("LAK", 2),
    ("MMK", 2),
];

impl Currency {
    /// Every currency code accepted, in the order the table lists them.
    pub fn codes() -> impl Iterator<Item = &'static str> {
        CURRENCIES.iter().map(|(c, _)| *c)
    }

    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let up = s.trim().to_ascii_uppercase();
        match CURRENCIES.iter().find(|(c, _)| *c == up) {
            Some((c, _)) => {
                let b = c.as_bytes();
                Ok(Self {
                    code: [b[0], b[1], b[2]],
                })
            }
            None => Err(CodeError::new(
                "currency",
                s,
                "use an ISO 4217 code such as USD",
            )),
        }
    }

    pub fn code(&self) -> &str {
        // The bytes always come from the ASCII table above.
        std::str::from_utf8(&self.code).unwrap_or("XXX")
    }

    /// Decimals of the currency's minor unit (2 for USD, 0 for JPY).
    pub fn minor_units(&self) -> u32 {
        CURRENCIES
            .iter()
            .find(|(c, _)| c.as_bytes() == self.code)
            .map_or(2, |(_, m)| *m)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Currency {
    type Error = CodeError;
    fn try_from(s: String) -> Result<Self, CodeError> {
        Self::parse(&s)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.code().to_owned()
    }
}

macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident, $kind:literal, $hint:literal { $($(#[$vm:meta])* $v:ident),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub enum $name { $($(#[$vm])* $v),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$v),+];

            pub fn as_str(&self) -> &'static str {
                match self { $($name::$v => stringify!($v)),+ }
            }

            pub fn parse(s: &str) -> Result<Self, CodeError> {
                let up = s.trim().to_ascii_uppercase();
                $(if up == stringify!($v) { return Ok($name::$v); })+
                Err(CodeError::new($kind, s, $hint))
            }
        }

        enum_code_impls!($name);
    };
}

code_enum! {
    /// Incoterms 2020 rules.
    Incoterm, "Incoterm", "use an Incoterms 2020 rule such as FOB or CIF" {
        EXW, FCA, FOB, CFR, CIF, CPT, CIP, DAP, DPU, DDP,
    }
}

impl Incoterm {
    /// FAS, FOB, CFR and CIF are for sea and inland waterway transport only.
    pub fn sea_only(&self) -> bool {
        matches!(self, Incoterm::FOB | Incoterm::CFR | Incoterm::CIF)
    }
}

code_enum! {
    /// The basis on which goods qualify as RCEP originating (RCEP Chapter 3 and Annex 3B):
    /// wholly obtained, produced exclusively from originating materials, change in tariff
    /// classification, regional value content, or the chemical-reaction rule.
    OriginCriterion, "origin criterion", "use WO, PE, CTC, RVC or CR" {
        WO, PE, CTC, RVC, CR,
    }
}

code_enum! {
    /// Units of measure from UN/ECE Recommendation 20 that the catalog sells in.
    UnitCode, "unit", "use a UN/ECE Rec 20 unit such as PCE, SET, KGM or MTR" {
        /// piece
        PCE,
        /// set
        SET,
        /// pair
        PR,
        /// kilogram
        KGM,
        /// tonne
        TNE,
        /// metre
        MTR,
        /// square metre
        MTK,
        /// litre
        LTR,
        /// carton
        CT,
        /// bag
        BG,
        /// roll
        RO,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hs_code_accepts_six_eight_and_ten_digits_and_drops_dots() {
        assert_eq!(HsCode::parse("8501.31").unwrap().as_str(), "850131");
        assert_eq!(HsCode::parse("94016100").unwrap().dotted(), "9401.61.00");
        assert_eq!(
            HsCode::parse("0902.10.10.00").unwrap().subheading(),
            "090210"
        );
    }

    #[test]
    fn hs_code_rejects_wrong_lengths_letters_and_chapters() {
        for bad in ["8501", "8501311", "85013a", "", "000000", "990000"] {
            assert!(HsCode::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn unlocode_is_normalised_and_checked() {
        assert_eq!(UnLocode::parse("cn ngb").unwrap().as_str(), "CNNGB");
        assert_eq!(UnLocode::parse("VNCMT").unwrap().country(), "VN");
        assert!(UnLocode::parse("CN1GB").is_err(), "digit 1 is not allowed");
        assert!(UnLocode::parse("CNNG").is_err());
        assert!(UnLocode::parse("1NNGB").is_err());
    }

    #[test]
    fn rcep_membership_is_known() {
        assert!(CountryCode::parse("vn").unwrap().is_rcep_party());
        assert!(!CountryCode::parse("US").unwrap().is_rcep_party());
        assert!(CountryCode::parse("USA").is_err());
    }

    #[test]
    fn currency_knows_its_minor_units() {
        assert_eq!(Currency::parse("jpy").unwrap().minor_units(), 0);
        assert_eq!(Currency::parse("USD").unwrap().minor_units(), 2);
        assert!(Currency::parse("ABC").is_err());
    }

    #[test]
    fn code_enums_round_trip_through_text_and_serde() {
        for i in Incoterm::ALL {
            assert_eq!(Incoterm::parse(i.as_str()).unwrap(), *i);
        }
        assert!(Incoterm::FOB.sea_only() && !Incoterm::FCA.sea_only());
        let json = serde_json::to_string(&OriginCriterion::RVC).unwrap();
        assert_eq!(json, "\"RVC\"");
        assert!(serde_json::from_str::<UnitCode>("\"XYZ\"").is_err());
    }

    #[test]
    fn slugs_and_skus_are_strict() {
        assert!(Slug::parse("oak-dining-chair").is_ok());
        for bad in ["Oak", "-a", "a-", "a--b", "a b", ""] {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Sku::parse("pf-me-0001").unwrap().as_str(), "PF-ME-0001");
        assert!(Sku::parse("PF_1").is_err());
    }

    #[test]
    fn error_messages_name_the_code_and_the_fix() {
        let e = HsCode::parse("85").unwrap_err();
        assert_eq!(
            e.to_string(),
            "HS code \u{201c}85\u{201d} is not valid: it must have 6, 8 or 10 digits"
        );
    }
}
