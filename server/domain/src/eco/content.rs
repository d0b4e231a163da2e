//! What an RCEP certificate or declaration of origin says (Annex 3B minimum information), as
//! types that can only hold valid values. [`OriginContent`] is the checked whole; its JSON form is
//! the credential subject of the VC, field for field.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::codes::{CountryCode, HsCode, OriginCriterion, UnitCode};
use crate::money::Money;

/// At most this many goods items per certificate (Annex 3B).
pub const MAX_GOODS_ITEMS: usize = 50;

/// One reason a document cannot be issued: where (line and field), what, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Goods line (1-based) the problem is on; `None` for the document as a whole.
    pub line: Option<usize>,
    /// The field, named as in the credential subject (`hsCode`, `fobValue`, …).
    pub field: String,
    pub problem: String,
    pub fix: String,
}

impl Problem {
    pub fn document(field: &str, problem: impl Into<String>, fix: impl Into<String>) -> Self {
        Self {
            line: None,
            field: field.to_owned(),
            problem: problem.into(),
            fix: fix.into(),
        }
    }

    pub fn line(
        line: usize,
        field: &str,
        problem: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self {
            line: Some(line),
            field: field.to_owned(),
            problem: problem.into(),
            fix: fix.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        write!(f, "{}: {} \u{2014} {}", self.field, self.problem, self.fix)
    }
}

/// The refusal of a build: every problem found, not just the first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub struct BuildRefusal {
    pub problems: Vec<Problem>,
}

impl fmt::Display for BuildRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the e-CO cannot be issued: ")?;
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl From<BuildRefusal> for crate::DomainError {
    fn from(r: BuildRefusal) -> Self {
        let field = match r.problems.first() {
            Some(Problem {
                line: Some(l),
                field,
                ..
            }) => format!("line {l} {field}"),
            Some(p) => p.field.clone(),
            None => "e-CO".to_owned(),
        };
        let message = r
            .problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ");
        crate::DomainError::invalid(field, message)
    }
}

macro_rules! text_type {
    ($(#[$m:meta])* $name:ident, $max:expr, $what:literal) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Trims and checks: 1 to
            #[doc = stringify!($max)]
            /// characters, no control characters other than line breaks.
            pub fn parse(s: &str) -> Result<Self, String> {
                let t = s.trim();
                if t.is_empty() {
                    return Err(format!("{} is empty", $what));
                }
                if t.chars().count() > $max {
                    return Err(format!("{} is longer than {} characters", $what, $max));
                }
                if t.chars().any(|c| c.is_control() && c != '\n') {
                    return Err(format!("{} contains control characters", $what));
                }
                Ok(Self(t.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(s: String) -> Result<Self, String> {
                Self::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(t: $name) -> String {
                t.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

text_type!(
    /// Free text on the form (names, addresses, descriptions, remarks).
    Text, 1000, "the text"
);
text_type!(
    /// Certificate or reference number, invoice number, authorisation code: one line,
    /// at most 64 characters.
    Reference, 64, "the reference"
);

impl Reference {
    /// For text whose format guarantees validity (generated numbers).
    pub(crate) fn from_checked(s: String) -> Self {
        debug_assert!(Self::parse_line(&s).is_ok(), "{s}");
        Self(s)
    }

    /// A reference must be a single line.
    pub fn parse_line(s: &str) -> Result<Self, String> {
        if s.contains('\n') {
            return Err("the reference must be on one line".into());
        }
        Self::parse(s)
    }
}

/// Certificate of Origin (issued by an issuing body) or Declaration of Origin (made by an
/// approved exporter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DocumentKind {
    #[serde(rename = "CertificateOfOrigin")]
    CertificateOfOrigin,
    #[serde(rename = "DeclarationOfOrigin")]
    DeclarationOfOrigin,
}

impl DocumentKind {
    /// The default kind of a back-to-back certificate's original proof.
    pub fn certificate() -> Self {
        Self::CertificateOfOrigin
    }

    /// The VC type name.
    pub fn credential_type(self) -> &'static str {
        match self {
            Self::CertificateOfOrigin => "RcepCertificateOfOrigin",
            Self::DeclarationOfOrigin => "RcepDeclarationOfOrigin",
        }
    }
}

/// A country that is party to RCEP.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RcepParty(CountryCode);

impl RcepParty {
    pub fn new(country: CountryCode) -> Result<Self, String> {
        if country.is_rcep_party() {
            Ok(Self(country))
        } else {
            Err(format!("{country} is not a party to RCEP"))
        }
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        Self::new(CountryCode::parse(s).map_err(|e| e.to_string())?)
    }

    pub fn country(&self) -> &CountryCode {
        &self.0
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl TryFrom<String> for RcepParty {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

impl From<RcepParty> for String {
    fn from(p: RcepParty) -> String {
        p.0.into()
    }
}

/// The 6-digit HS subheading that RCEP certificates carry.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HsSubheading(String);

impl HsSubheading {
    pub fn from_code(code: &HsCode) -> Self {
        Self(code.subheading().to_owned())
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        let code = HsCode::parse(s).map_err(|e| e.to_string())?;
        if code.as_str().len() != 6 {
            return Err("the certificate carries the 6-digit subheading".into());
        }
        Ok(Self::from_code(&code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `8501.31`
    pub fn dotted(&self) -> String {
        format!("{}.{}", &self.0[..4], &self.0[4..])
    }
}

impl TryFrom<String> for HsSubheading {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

impl From<HsSubheading> for String {
    fn from(h: HsSubheading) -> String {
        h.0
    }
}

/// The HS edition the code is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum HsEdition {
    HS2012,
    HS2017,
    HS2022,
}

impl HsEdition {
    pub fn parse(s: &str) -> Result<Self, String> {
        match s
            .trim()
            .to_ascii_uppercase()
            .replace([' ', '-'], "")
            .as_str()
        {
            "HS2012" | "2012" => Ok(Self::HS2012),
            "HS2017" | "2017" => Ok(Self::HS2017),
            "HS2022" | "2022" => Ok(Self::HS2022),
            _ => Err(format!(
                "\u{201c}{s}\u{201d} is not an HS edition; use HS2012, HS2017 or HS2022"
            )),
        }
    }
}

/// Additional origin indications that only qualify a basis: accumulation and de minimis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum OriginModifier {
    /// Accumulation (RCEP Article 3.4).
    ACU,
    /// De minimis (RCEP Article 3.7).
    DMI,
}

/// Optional note on how the RCEP country of origin was determined (Article 2.6, paragraph 6
/// subparagraph (a) or (b)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CountryOfOriginNote {
    #[serde(rename = "2.6.6(a)")]
    A,
    #[serde(rename = "2.6.6(b)")]
    B,
}

/// Box 10: the basis (WO, PE, CTC, RVC or CR) with its optional modifiers. A modifier can only
/// exist together with a basis, so `ACU` alone is unrepresentable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OriginConferring {
    pub basis: OriginCriterion,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifiers: Vec<OriginModifier>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_of_origin_note: Option<CountryOfOriginNote>,
}

impl OriginConferring {
    pub fn new(basis: OriginCriterion) -> Self {
        Self {
            basis,
            modifiers: Vec::new(),
            country_of_origin_note: None,
        }
    }

    /// Parses the form's text, e.g. `RVC`, `CTC ACU`, `PE DMI ACU`. Refuses a modifier without
    /// a basis, two bases, or a repeated modifier.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut basis = None;
        let mut modifiers = Vec::new();
        for word in text.split([' ', ',', '+', '/']).filter(|w| !w.is_empty()) {
            let up = word.to_ascii_uppercase();
            match up.as_str() {
                "ACU" | "DMI" => {
                    let m = if up == "ACU" {
                        OriginModifier::ACU
                    } else {
                        OriginModifier::DMI
                    };
                    if modifiers.contains(&m) {
                        return Err(format!("{up} is given twice"));
                    }
                    modifiers.push(m);
                }
                _ => {
                    let b = OriginCriterion::parse(&up).map_err(|e| e.to_string())?;
                    if basis.replace(b).is_some() {
                        return Err("give one basis only (WO, PE, CTC, RVC or CR)".into());
                    }
                }
            }
        }
        let basis = basis.ok_or_else(|| {
            if modifiers.is_empty() {
                "the origin criterion is empty; give WO, PE, CTC, RVC or CR".to_owned()
            } else {
                "ACU and DMI only qualify a basis; add WO, PE, CTC, RVC or CR".to_owned()
            }
        })?;
        modifiers.sort();
        Ok(Self {
            basis,
            modifiers,
            country_of_origin_note: None,
        })
    }

    /// As printed in box 10: `CTC ACU`.
    pub fn display(&self) -> String {
        let mut out = self.basis.as_str().to_owned();
        for m in &self.modifiers {
            out.push(' ');
            out.push_str(match m {
                OriginModifier::ACU => "ACU",
                OriginModifier::DMI => "DMI",
            });
        }
        out
    }
}

/// A UN/ECE Recommendation 20 unit code. Any syntactically valid Rec 20 code (2–3 upper-case
/// letters or digits) is accepted, not only the catalog's [`UnitCode`] subset, because goods on
/// a certificate are often measured in other units (e.g. `KGM` gross weight, `MTQ`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Rec20Unit(String);

impl Rec20Unit {
    pub fn parse(s: &str) -> Result<Self, String> {
        let up = s.trim().to_ascii_uppercase();
        let ok = (2..=3).contains(&up.len())
            && up
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            && up.chars().any(|c| c.is_ascii_uppercase());
        if ok {
            Ok(Self(up))
        } else {
            Err(format!(
                "\u{201c}{s}\u{201d} is not a UN/ECE Rec 20 unit code such as PCE, KGM or MTR"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<UnitCode> for Rec20Unit {
    fn from(u: UnitCode) -> Self {
        Self(u.as_str().to_owned())
    }
}

impl TryFrom<String> for Rec20Unit {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

impl From<Rec20Unit> for String {
    fn from(u: Rec20Unit) -> String {
        u.0
    }
}

/// Box 12: a positive quantity in a Rec 20 unit. The value travels as a decimal string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "QuantityData", into = "QuantityData")]
pub struct Quantity {
    value: Decimal,
    unit: Rec20Unit,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct QuantityData {
    value: Decimal,
    unit: Rec20Unit,
}

impl Quantity {
    pub fn new(value: Decimal, unit: Rec20Unit) -> Result<Self, String> {
        if value <= Decimal::ZERO {
            return Err(format!("the quantity {value} is not positive"));
        }
        Ok(Self {
            value: value.normalize(),
            unit,
        })
    }

    pub fn value(&self) -> Decimal {
        self.value
    }

    pub fn unit(&self) -> &Rec20Unit {
        &self.unit
    }
}

impl TryFrom<QuantityData> for Quantity {
    type Error = String;
    fn try_from(d: QuantityData) -> Result<Self, String> {
        Self::new(d.value, d.unit)
    }
}

impl From<Quantity> for QuantityData {
    fn from(q: Quantity) -> Self {
        Self {
            value: q.value,
            unit: q.unit,
        }
    }
}

/// Number and kind of packages (kind as a UN/ECE Rec 21 code such as `CT`, `PK`, `PX`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Packages {
    pub count: u32,
    pub kind: Reference,
}

/// A party on the form: name, address and country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Party {
    pub name: Text,
    pub address: Text,
    pub country: CountryCode,
}

/// Box 3: the producer, or why it is not shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "disclosure", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Producer {
    Known {
        party: Party,
    },
    Confidential,
    NotAvailable,
    /// Each goods item names its own producer.
    PerItem,
}

/// Box 4: means of transport and route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Transport {
    pub departure_date: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vessel: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voyage: Option<Reference>,
    pub port_of_loading: crate::codes::UnLocode,
    pub port_of_discharge: crate::codes::UnLocode,
}

/// Box 13: an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Invoice {
    pub number: Reference,
    pub date: NaiveDate,
}

/// The operator that invoices the importer when that is not the exporter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThirdPartyInvoicing {
    pub operator_name: Text,
    pub operator_country: CountryCode,
}

/// Back-to-back certificate: the original proof of origin it is based on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OriginalProof {
    /// What the original is (a Certificate of Origin unless said otherwise).
    #[serde(default = "DocumentKind::certificate")]
    pub kind: DocumentKind,
    pub number: Reference,
    pub issue_date: NaiveDate,
    pub valid_until: NaiveDate,
    pub exporting_party: RcepParty,
    /// The first exporter's approved-exporter authorisation code: required when the original
    /// is a Declaration of Origin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_exporter_code: Option<Reference>,
}

/// Box 15: the exporter's declaration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExporterDeclaration {
    pub place: Text,
    pub date: NaiveDate,
    pub signatory: Text,
}

/// Box 16: who vouches for the origin — an issuing body (CO) or an approved exporter (DoO).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "camelCase")]
pub enum Attestation {
    #[serde(rename_all = "camelCase")]
    IssuingBody {
        name: Text,
        place: Text,
        date: NaiveDate,
    },
    #[serde(rename_all = "camelCase")]
    ApprovedExporter { authorisation_code: Reference },
}

/// One goods line (boxes 6–12).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GoodsItem {
    pub item_number: u32,
    pub marks: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub packages: Option<Packages>,
    pub description: Text,
    pub hs_code: HsSubheading,
    pub hs_edition: HsEdition,
    pub origin_criterion: OriginConferring,
    pub country_of_origin: RcepParty,
    pub quantity: Quantity,
    /// FOB value: present exactly when the basis is RVC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fob_value: Option<Money>,
    /// Which invoice the line is on, when there are several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_number: Option<Reference>,
    /// The producer, when box 3 says [`Producer::PerItem`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub producer: Option<Party>,
}

/// Every field of the document, unchecked. [`OriginContent::new`] checks it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OriginContentData {
    pub kind: DocumentKind,
    pub number: Reference,
    pub exporting_party: RcepParty,
    pub importing_party: RcepParty,
    pub issue_date: NaiveDate,
    pub valid_until: NaiveDate,
    pub exporter: Party,
    pub producer: Producer,
    pub consignee: Party,
    pub transport: Transport,
    pub invoices: Vec<Invoice>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub third_party_invoicing: Option<ThirdPartyInvoicing>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub back_to_back: Option<OriginalProof>,
    #[serde(default)]
    pub issued_retroactively: bool,
    #[serde(default)]
    pub certified_true_copy: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<Reference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remarks: Option<Text>,
    pub goods: Vec<GoodsItem>,
    pub exporter_declaration: ExporterDeclaration,
    pub attestation: Attestation,
}

/// A checked certificate or declaration of origin: every rule of [`validate`] holds.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "OriginContentData")]
pub struct OriginContent(OriginContentData);

impl Serialize for OriginContent {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl OriginContent {
    /// Checks every rule; refuses with all problems found.
    pub fn new(data: OriginContentData) -> Result<Self, BuildRefusal> {
        let problems = validate(&data);
        if problems.is_empty() {
            Ok(Self(data))
        } else {
            Err(BuildRefusal { problems })
        }
    }

    pub fn data(&self) -> &OriginContentData {
        &self.0
    }

    pub fn into_data(self) -> OriginContentData {
        self.0
    }

    pub fn kind(&self) -> DocumentKind {
        self.0.kind
    }

    pub fn number(&self) -> &str {
        self.0.number.as_str()
    }
}

impl TryFrom<OriginContentData> for OriginContent {
    type Error = String;
    fn try_from(d: OriginContentData) -> Result<Self, String> {
        Self::new(d).map_err(|r| r.to_string())
    }
}

/// The last day of validity: one year after issue (28 February when issued on 29 February),
/// and for a back-to-back certificate never beyond the original proof's validity.
pub fn validity_end(issue_date: NaiveDate, back_to_back: Option<&OriginalProof>) -> NaiveDate {
    let year_later = issue_date
        .with_year(issue_date.year() + 1)
        .or_else(|| NaiveDate::from_ymd_opt(issue_date.year() + 1, 2, 28))
        .unwrap_or(issue_date);
    match back_to_back {
        Some(original) => year_later.min(original.valid_until),
        None => year_later,
    }
}

/// Every rule a certificate or declaration must satisfy. Each problem names the line and
/// field and says how to fix it.
pub fn validate(d: &OriginContentData) -> Vec<Problem> {
    let mut out = Vec::new();
    let is_co = d.kind == DocumentKind::CertificateOfOrigin;

    if d.goods.is_empty() {
        out.push(Problem::document(
            "goods",
            "there are no goods items",
            "add at least one order line",
        ));
    }
    if d.goods.len() > MAX_GOODS_ITEMS {
        out.push(Problem::document(
            "goods",
            format!(
                "{} goods items; a certificate holds at most {MAX_GOODS_ITEMS}",
                d.goods.len()
            ),
            "split the shipment over several certificates",
        ));
    }
    if d.invoices.is_empty() {
        out.push(Problem::document(
            "invoices",
            "no invoice is given",
            "add the commercial invoice number and date",
        ));
    }
    if d.exporter.country != *d.exporting_party.country() {
        out.push(Problem::document(
            "exporter.country",
            format!(
                "the exporter is in {} but the exporting Party is {}",
                d.exporter.country,
                d.exporting_party.as_str()
            ),
            "issue from the Party where the exporter is established",
        ));
    }
    if d.importing_party == d.exporting_party {
        out.push(Problem::document(
            "importingParty",
            format!(
                "the importing Party is the exporting Party ({})",
                d.exporting_party.as_str()
            ),
            "a certificate of origin is for goods going to another RCEP Party",
        ));
    }
    if d.consignee.country != *d.importing_party.country() {
        out.push(Problem::document(
            "consignee.country",
            format!(
                "the consignee is in {} but the importing Party is {}",
                d.consignee.country,
                d.importing_party.as_str()
            ),
            "the goods are consigned to the importing Party: correct the consignee's country or the importing Party",
        ));
    }
    match (&d.attestation, is_co) {
        (Attestation::ApprovedExporter { .. }, true) => out.push(Problem::document(
            "attestation",
            "a Certificate of Origin is certified by an issuing body, not by an approved exporter",
            "issue a Declaration of Origin, or have the issuing body certify",
        )),
        (Attestation::IssuingBody { .. }, false) => out.push(Problem::document(
            "attestation",
            "a Declaration of Origin carries the approved exporter's authorisation code",
            "configure the approved-exporter authorisation code",
        )),
        _ => {}
    }
    let expected_end = validity_end(d.issue_date, d.back_to_back.as_ref());
    if d.valid_until != expected_end {
        out.push(Problem::document(
            "validUntil",
            format!(
                "valid until {} but the rule gives {expected_end}",
                d.valid_until
            ),
            "validity is one year from issue (back-to-back: not beyond the original)",
        ));
    }
    if let Some(original) = &d.back_to_back {
        if original.valid_until < d.issue_date {
            out.push(Problem::document(
                "backToBack.validUntil",
                format!("the original proof expired on {}", original.valid_until),
                "a back-to-back certificate needs a valid original proof of origin",
            ));
        }
        if !is_co {
            out.push(Problem::document(
                "backToBack",
                "only an issuing body issues back-to-back certificates",
                "apply to the issuing body for a back-to-back Certificate of Origin",
            ));
        }
    }
    if !is_co && d.issued_retroactively {
        out.push(Problem::document(
            "issuedRetroactively",
            "a Declaration of Origin is not issued retroactively",
            "clear the flag; retroactive issuance is for Certificates of Origin",
        ));
    }
    if !is_co && d.certified_true_copy {
        out.push(Problem::document(
            "certifiedTrueCopy",
            "certified true copies are made by the issuing body of a Certificate of Origin",
            "clear the flag",
        ));
    }
    if d.issued_retroactively && d.issue_date <= d.transport.departure_date {
        out.push(Problem::document(
            "issuedRetroactively",
            format!(
                "issued on {} but the goods depart on {}: that is not retroactive",
                d.issue_date, d.transport.departure_date
            ),
            "clear the flag; a certificate is issued retroactively only after the departure date",
        ));
    }
    if d.certified_true_copy && d.replaces.is_some() {
        out.push(Problem::document(
            "certifiedTrueCopy",
            "a certified true copy reproduces a certificate; it cannot also replace one",
            "issue either a certified true copy of the original or a replacement that names it",
        ));
    }
    if let Some(original) = &d.back_to_back
        && original.kind == DocumentKind::DeclarationOfOrigin
        && original.approved_exporter_code.is_none()
    {
        out.push(Problem::document(
            "backToBack.approvedExporterCode",
            "the original proof is a Declaration of Origin and its approved exporter's code is missing",
            "give the authorisation code of the approved exporter that made out the original declaration",
        ));
    }
    if d.issued_retroactively && (d.issue_date - d.transport.departure_date).num_days() > 365 {
        out.push(Problem::document(
            "issuedRetroactively",
            "retroactive issuance is later than one year after shipment",
            "a certificate can be issued retroactively within one year of the shipment date",
        ));
    }
    if d.replaces.as_ref() == Some(&d.number) {
        out.push(Problem::document(
            "replaces",
            "the document replaces itself",
            "give the number of the document being replaced",
        ));
    }
    let per_item = d.producer == Producer::PerItem;
    for (i, item) in d.goods.iter().enumerate() {
        let line = i + 1;
        if item.item_number as usize != line {
            out.push(Problem::line(
                line,
                "itemNumber",
                format!("item number {} is out of sequence", item.item_number),
                "number the goods items 1, 2, 3, … in order",
            ));
        }
        let rvc = item.origin_criterion.basis == OriginCriterion::RVC;
        match (&item.fob_value, rvc) {
            (None, true) => out.push(Problem::line(
                line,
                "fobValue",
                "the basis is RVC but no FOB value is given",
                "enter the line's FOB value (RVC goods must show it)",
            )),
            (Some(_), false) => out.push(Problem::line(
                line,
                "fobValue",
                format!(
                    "the basis is {} and the FOB value is shown",
                    item.origin_criterion.basis
                ),
                "show the FOB value only for RVC goods",
            )),
            (Some(fob), true) if fob.amount <= Decimal::ZERO => out.push(Problem::line(
                line,
                "fobValue",
                format!("the FOB value {fob} is not positive"),
                "enter the FOB value of the goods",
            )),
            _ => {}
        }
        if per_item && item.producer.is_none() {
            out.push(Problem::line(
                line,
                "producer",
                "box 3 says the producer is given per item, and this item has none",
                "name the item's producer, or mark the producer CONFIDENTIAL",
            ));
        }
        if !per_item && item.producer.is_some() {
            out.push(Problem::line(
                line,
                "producer",
                "the item names a producer but box 3 is not per item",
                "set the producer to per item, or remove it from the line",
            ));
        }
        if let Some(no) = &item.invoice_number
            && !d.invoices.iter().any(|inv| inv.number == *no)
        {
            out.push(Problem::line(
                line,
                "invoiceNumber",
                format!("invoice {no} is not among the document's invoices"),
                "list the invoice in box 13 or correct the line",
            ));
        }
        if let Some(p) = &item.packages
            && p.count == 0
        {
            out.push(Problem::line(
                line,
                "packages.count",
                "zero packages",
                "give the number of packages, or omit packages for bulk goods",
            ));
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::codes::{Currency, UnLocode};
    use std::str::FromStr;

    pub(crate) fn text(s: &str) -> Text {
        Text::parse(s).unwrap()
    }

    pub(crate) fn date(s: &str) -> NaiveDate {
        NaiveDate::from_str(s).unwrap()
    }

    pub(crate) fn item(n: u32, basis: &str) -> GoodsItem {
        let origin = OriginConferring::parse(basis).unwrap();
        let fob = (origin.basis == OriginCriterion::RVC).then(|| {
            Money::new(
                Decimal::from_str("1250.00").unwrap(),
                Currency::parse("USD").unwrap(),
            )
        });
        GoodsItem {
            item_number: n,
            marks: text("N/M"),
            packages: Some(Packages {
                count: 10,
                kind: Reference::parse("CT").unwrap(),
            }),
            description: text("Oak dining chair, assembled"),
            hs_code: HsSubheading::parse("940161").unwrap(),
            hs_edition: HsEdition::HS2022,
            origin_criterion: origin,
            country_of_origin: RcepParty::parse("CN").unwrap(),
            quantity: Quantity::new(Decimal::from(40), Rec20Unit::parse("PCE").unwrap()).unwrap(),
            fob_value: fob,
            invoice_number: None,
            producer: None,
        }
    }

    pub(crate) fn valid_declaration() -> OriginContentData {
        let issue = date("2026-11-20");
        OriginContentData {
            kind: DocumentKind::DeclarationOfOrigin,
            number: Reference::parse("PF-DOO-2026-000042").unwrap(),
            exporting_party: RcepParty::parse("CN").unwrap(),
            importing_party: RcepParty::parse("JP").unwrap(),
            issue_date: issue,
            valid_until: validity_end(issue, None),
            exporter: Party {
                name: text("Ningbo Oak Furniture Co., Ltd."),
                address: text("88 Harbour Road, Beilun, Ningbo, Zhejiang"),
                country: CountryCode::parse("CN").unwrap(),
            },
            producer: Producer::Confidential,
            consignee: Party {
                name: text("Kobe Interiors K.K."),
                address: text("1-2-3 Minatojima, Chuo-ku, Kobe"),
                country: CountryCode::parse("JP").unwrap(),
            },
            transport: Transport {
                departure_date: date("2026-11-22"),
                vessel: Some(text("EVER GIVEN")),
                voyage: Some(Reference::parse("0123E").unwrap()),
                port_of_loading: UnLocode::parse("CNNGB").unwrap(),
                port_of_discharge: UnLocode::parse("JPUKB").unwrap(),
            },
            invoices: vec![Invoice {
                number: Reference::parse("INV-2026-0815").unwrap(),
                date: issue,
            }],
            third_party_invoicing: None,
            back_to_back: None,
            issued_retroactively: false,
            certified_true_copy: false,
            replaces: None,
            remarks: None,
            goods: vec![item(1, "RVC"), item(2, "CTC ACU")],
            exporter_declaration: ExporterDeclaration {
                place: text("Ningbo"),
                date: issue,
                signatory: text("Li Wei, Export Manager"),
            },
            attestation: Attestation::ApprovedExporter {
                authorisation_code: Reference::parse("CNAE-3302-0001").unwrap(),
            },
        }
    }

    fn problems(d: &OriginContentData) -> Vec<(Option<usize>, String)> {
        validate(d).into_iter().map(|p| (p.line, p.field)).collect()
    }

    #[test]
    fn accepts_a_complete_declaration() {
        assert_eq!(validate(&valid_declaration()), vec![]);
    }

    #[test]
    fn rejects_fob_missing_for_rvc() {
        let mut d = valid_declaration();
        d.goods[0].fob_value = None;
        assert_eq!(problems(&d), vec![(Some(1), "fobValue".into())]);
        let msg = validate(&d)[0].to_string();
        assert!(msg.contains("line 1") && msg.contains("FOB"), "{msg}");
    }

    #[test]
    fn rejects_fob_value_when_basis_is_not_rvc() {
        let mut d = valid_declaration();
        d.goods[1].fob_value = d.goods[0].fob_value;
        assert_eq!(problems(&d), vec![(Some(2), "fobValue".into())]);
    }

    #[test]
    fn rejects_more_than_fifty_goods_items() {
        let mut d = valid_declaration();
        d.goods = (1..=51).map(|n| item(n, "WO")).collect();
        assert_eq!(problems(&d), vec![(None, "goods".into())]);
    }

    #[test]
    fn rejects_a_document_without_goods() {
        let mut d = valid_declaration();
        d.goods.clear();
        assert_eq!(problems(&d), vec![(None, "goods".into())]);
    }

    #[test]
    fn rejects_a_document_without_invoices() {
        let mut d = valid_declaration();
        d.invoices.clear();
        assert_eq!(problems(&d), vec![(None, "invoices".into())]);
    }

    #[test]
    fn rejects_non_rcep_country_of_origin() {
        let err = RcepParty::parse("US").unwrap_err();
        assert!(err.contains("not a party to RCEP"));
        let json = serde_json::to_value(valid_declaration()).unwrap();
        let mut bad = json.clone();
        bad["goods"][0]["countryOfOrigin"] = "US".into();
        assert!(serde_json::from_value::<OriginContent>(bad).is_err());
        assert!(serde_json::from_value::<OriginContent>(json).is_ok());
    }

    #[test]
    fn rejects_acu_or_dmi_without_a_basis() {
        assert!(
            OriginConferring::parse("ACU")
                .unwrap_err()
                .contains("add WO, PE, CTC, RVC or CR")
        );
        assert!(OriginConferring::parse("DMI").is_err());
        assert!(OriginConferring::parse("CTC RVC").is_err());
        assert!(OriginConferring::parse("CTC ACU ACU").is_err());
        assert_eq!(
            OriginConferring::parse("dmi ctc acu").unwrap().display(),
            "CTC ACU DMI"
        );
    }

    #[test]
    fn rejects_exporter_outside_exporting_party() {
        let mut d = valid_declaration();
        d.exporter.country = CountryCode::parse("VN").unwrap();
        assert_eq!(problems(&d), vec![(None, "exporter.country".into())]);
    }

    #[test]
    fn rejects_declaration_without_approved_exporter_code() {
        let mut d = valid_declaration();
        d.attestation = Attestation::IssuingBody {
            name: text("CCPIT Ningbo"),
            place: text("Ningbo"),
            date: d.issue_date,
        };
        assert_eq!(problems(&d), vec![(None, "attestation".into())]);
    }

    #[test]
    fn rejects_certificate_attested_by_an_approved_exporter() {
        let mut d = valid_declaration();
        d.kind = DocumentKind::CertificateOfOrigin;
        assert_eq!(problems(&d), vec![(None, "attestation".into())]);
    }

    #[test]
    fn rejects_validity_other_than_one_year_from_issue() {
        let mut d = valid_declaration();
        d.valid_until = date("2028-01-01");
        assert_eq!(problems(&d), vec![(None, "validUntil".into())]);
        assert_eq!(validity_end(date("2028-02-29"), None), date("2029-02-28"));
    }

    #[test]
    fn back_to_back_validity_never_exceeds_the_original() {
        let original = OriginalProof {
            kind: DocumentKind::CertificateOfOrigin,
            approved_exporter_code: None,
            number: Reference::parse("VN-2026-1").unwrap(),
            issue_date: date("2026-06-01"),
            valid_until: date("2027-06-01"),
            exporting_party: RcepParty::parse("VN").unwrap(),
        };
        assert_eq!(
            validity_end(date("2026-11-20"), Some(&original)),
            date("2027-06-01")
        );
    }

    #[test]
    fn rejects_back_to_back_when_original_expired() {
        let mut d = certificate();
        let original = OriginalProof {
            kind: DocumentKind::CertificateOfOrigin,
            approved_exporter_code: None,
            number: Reference::parse("VN-2025-1").unwrap(),
            issue_date: date("2025-06-01"),
            valid_until: date("2026-06-01"),
            exporting_party: RcepParty::parse("VN").unwrap(),
        };
        d.valid_until = validity_end(d.issue_date, Some(&original));
        d.back_to_back = Some(original);
        assert_eq!(problems(&d), vec![(None, "backToBack.validUntil".into())]);
    }

    #[test]
    fn rejects_retroactive_flag_on_a_declaration() {
        let mut d = valid_declaration();
        d.issued_retroactively = true;
        d.transport.departure_date = date("2026-11-01");
        assert_eq!(problems(&d), vec![(None, "issuedRetroactively".into())]);
    }

    #[test]
    fn rejects_retroactive_issue_more_than_one_year_after_shipment() {
        let mut d = certificate();
        d.issued_retroactively = true;
        d.transport.departure_date = date("2025-10-01");
        assert_eq!(problems(&d), vec![(None, "issuedRetroactively".into())]);
    }

    fn certificate() -> OriginContentData {
        let mut d = valid_declaration();
        d.kind = DocumentKind::CertificateOfOrigin;
        d.attestation = Attestation::IssuingBody {
            name: text("CCPIT Ningbo"),
            place: text("Ningbo"),
            date: d.issue_date,
        };
        d
    }

    #[test]
    fn rejects_retroactive_issue_before_the_goods_depart() {
        let mut d = certificate();
        d.issued_retroactively = true;
        // Issued 2026-11-20, departing 2026-11-22: not after the departure.
        assert_eq!(problems(&d), vec![(None, "issuedRetroactively".into())]);
        d.transport.departure_date = d.issue_date;
        assert_eq!(problems(&d), vec![(None, "issuedRetroactively".into())]);
        d.transport.departure_date = date("2026-11-19");
        assert_eq!(validate(&d), vec![]);
    }

    #[test]
    fn rejects_a_consignee_outside_the_importing_party() {
        let mut d = valid_declaration();
        d.consignee.country = CountryCode::parse("KR").unwrap();
        assert_eq!(problems(&d), vec![(None, "consignee.country".into())]);
    }

    #[test]
    fn rejects_the_exporting_party_as_importing_party() {
        let mut d = valid_declaration();
        d.importing_party = RcepParty::parse("CN").unwrap();
        d.consignee.country = CountryCode::parse("CN").unwrap();
        assert_eq!(problems(&d), vec![(None, "importingParty".into())]);
    }

    #[test]
    fn rejects_a_certified_true_copy_that_replaces() {
        let mut d = certificate();
        d.certified_true_copy = true;
        assert_eq!(validate(&d), vec![]);
        d.replaces = Some(Reference::parse("PF-CO-2026-000001").unwrap());
        assert_eq!(problems(&d), vec![(None, "certifiedTrueCopy".into())]);
    }

    #[test]
    fn rejects_back_to_back_of_a_declaration_without_the_first_exporters_code() {
        let mut d = certificate();
        let mut original = OriginalProof {
            kind: DocumentKind::DeclarationOfOrigin,
            approved_exporter_code: None,
            number: Reference::parse("VN-DOO-2026-1").unwrap(),
            issue_date: date("2026-10-01"),
            valid_until: date("2027-10-01"),
            exporting_party: RcepParty::parse("VN").unwrap(),
        };
        d.valid_until = validity_end(d.issue_date, Some(&original));
        d.back_to_back = Some(original.clone());
        assert_eq!(
            problems(&d),
            vec![(None, "backToBack.approvedExporterCode".into())]
        );
        original.approved_exporter_code = Some(Reference::parse("VN-AE-0815").unwrap());
        d.back_to_back = Some(original.clone());
        assert_eq!(validate(&d), vec![]);
        // An original Certificate of Origin needs no code.
        original.kind = DocumentKind::CertificateOfOrigin;
        original.approved_exporter_code = None;
        d.back_to_back = Some(original);
        assert_eq!(validate(&d), vec![]);
    }

    #[test]
    fn rejects_a_document_that_replaces_itself() {
        let mut d = valid_declaration();
        d.replaces = Some(d.number.clone());
        assert_eq!(problems(&d), vec![(None, "replaces".into())]);
    }

    #[test]
    fn rejects_per_item_producer_missing_on_a_line() {
        let mut d = valid_declaration();
        d.producer = Producer::PerItem;
        d.goods[0].producer = Some(d.exporter.clone());
        assert_eq!(problems(&d), vec![(Some(2), "producer".into())]);
    }

    #[test]
    fn rejects_items_out_of_sequence() {
        let mut d = valid_declaration();
        d.goods[1].item_number = 5;
        assert_eq!(problems(&d), vec![(Some(2), "itemNumber".into())]);
    }

    #[test]
    fn rejects_a_line_invoice_not_listed_in_box_13() {
        let mut d = valid_declaration();
        d.goods[0].invoice_number = Some(Reference::parse("INV-OTHER").unwrap());
        assert_eq!(problems(&d), vec![(Some(1), "invoiceNumber".into())]);
    }

    #[test]
    fn rejects_non_positive_quantity() {
        let unit = Rec20Unit::parse("KGM").unwrap();
        assert!(Quantity::new(Decimal::ZERO, unit.clone()).is_err());
        assert!(Quantity::new(Decimal::from(-1), unit).is_err());
    }

    #[test]
    fn accepts_any_rec20_unit_but_not_garbage() {
        assert_eq!(Rec20Unit::parse("mtq").unwrap().as_str(), "MTQ");
        assert_eq!(Rec20Unit::from(UnitCode::PCE).as_str(), "PCE");
        for bad in ["", "K", "KGMS", "12", "K-G"] {
            assert!(Rec20Unit::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn hs_subheading_holds_six_digits_only() {
        assert_eq!(HsSubheading::parse("9401.61").unwrap().dotted(), "9401.61");
        assert!(HsSubheading::parse("94016100").is_err());
        assert_eq!(
            HsSubheading::from_code(&HsCode::parse("94016100").unwrap()).as_str(),
            "940161"
        );
    }

    #[test]
    fn decimals_travel_as_strings() {
        let json = serde_json::to_value(&valid_declaration().goods[0]).unwrap();
        assert_eq!(json["quantity"]["value"], "40");
        assert_eq!(json["fobValue"]["amount"], "1250.00");
    }

    #[test]
    fn refusal_maps_to_a_domain_error_naming_the_line() {
        let mut d = valid_declaration();
        d.goods[0].fob_value = None;
        let err: crate::DomainError = OriginContent::new(d).unwrap_err().into();
        assert!(
            err.to_string()
                .starts_with("line 1 fobValue: line 1: fobValue"),
            "{err}"
        );
    }
}
