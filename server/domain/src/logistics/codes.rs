//! Logistics codes as types that can only hold valid values: vessel IMO number, container
//! number (ISO 6346 with its check digit) and the DCSA Track & Trace code lists.

use serde::{Deserialize, Serialize};

use crate::codes::{CodeError, enum_code_impls, string_newtype_impls};

/// IMO ship identification number: seven digits, the last one a check digit
/// (weights 7..2 over the first six). `IMO 9321483` and `9321483` are both accepted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ImoNumber(String);

string_newtype_impls!(ImoNumber);

impl ImoNumber {
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let t = s.trim();
        let t = t
            .strip_prefix("IMO")
            .or_else(|| t.strip_prefix("imo"))
            .unwrap_or(t)
            .trim();
        let d = t.as_bytes();
        if d.len() != 7 || !d.iter().all(u8::is_ascii_digit) {
            return Err(CodeError::new(
                "IMO number",
                s,
                "it has 7 digits, e.g. 9321483",
            ));
        }
        let sum: u32 = d[..6]
            .iter()
            .zip((2..=7).rev())
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        if sum % 10 != u32::from(d[6] - b'0') {
            return Err(CodeError::new(
                "IMO number",
                s,
                "the check digit (last digit) does not match",
            ));
        }
        Ok(Self(t.to_owned()))
    }
}

/// Container number after ISO 6346: owner code (3 letters), equipment category (U, J or Z),
/// 6-digit serial number and a check digit, e.g. `ABCU1234560`. Spaces and dashes are
/// dropped on input.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "ContainerText", into = "String")]
pub struct ContainerNumber(String);

/// A container number as it arrives in JSON: read with [`ContainerNumber::parse_format`], so
/// a wrong check digit is kept (and flagged on its event), in feeds and in stored events.
#[derive(Deserialize)]
#[serde(transparent)]
struct ContainerText(String);

impl TryFrom<ContainerText> for ContainerNumber {
    type Error = CodeError;
    fn try_from(t: ContainerText) -> Result<Self, CodeError> {
        Self::parse_format(&t.0)
    }
}

string_newtype_impls!(ContainerNumber);

/// ISO 6346 letter values: A=10 and up, skipping the multiples of 11.
fn iso6346_letter_value(b: u8) -> u32 {
    let mut v = 10;
    let mut c = b'A';
    while c < b {
        v += 1;
        if v % 11 == 0 {
            v += 1;
        }
        c += 1;
    }
    v
}

/// The check digit ISO 6346 computes for the first ten characters (already validated).
fn iso6346_check_digit(first_ten: &[u8]) -> u32 {
    let sum: u32 = first_ten
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            let v = if b.is_ascii_digit() {
                u32::from(b - b'0')
            } else {
                iso6346_letter_value(b)
            };
            v << i
        })
        .sum();
    sum % 11 % 10
}

impl ContainerNumber {
    /// A container number with a right ISO 6346 check digit.
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let c = Self::parse_format(s)?;
        if !c.check_digit_ok() {
            return Err(CodeError::new(
                "container number",
                s,
                "the ISO 6346 check digit (last digit) does not match",
            ));
        }
        Ok(c)
    }

    /// A container number as feeds send it: the format must hold (owner code, category,
    /// serial, a digit), but a wrong check digit is kept — the event is flagged
    /// ([`super::event::EventFlag::BadCheckDigit`]) instead of being lost.
    pub fn parse_format(s: &str) -> Result<Self, CodeError> {
        let up: String = s
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .collect::<String>()
            .to_ascii_uppercase();
        let b = up.as_bytes();
        if b.len() != 11 {
            return Err(CodeError::new(
                "container number",
                s,
                "it has 11 characters: owner code, category, 6 digits, check digit",
            ));
        }
        if !b[..3].iter().all(u8::is_ascii_uppercase) {
            return Err(CodeError::new(
                "container number",
                s,
                "it starts with a 3-letter owner code",
            ));
        }
        if !matches!(b[3], b'U' | b'J' | b'Z') {
            return Err(CodeError::new(
                "container number",
                s,
                "the 4th letter is the category U, J or Z",
            ));
        }
        if !b[4..].iter().all(u8::is_ascii_digit) {
            return Err(CodeError::new(
                "container number",
                s,
                "a 6-digit serial number and a check digit follow the letters",
            ));
        }
        Ok(Self(up))
    }

    /// Whether the last digit is the ISO 6346 check digit of the first ten characters.
    pub fn check_digit_ok(&self) -> bool {
        let b = self.0.as_bytes();
        b.len() == 11 && iso6346_check_digit(&b[..10]) == u32::from(b[10] - b'0')
    }

    /// The owner code (first three letters), e.g. `ABC`.
    pub fn owner_code(&self) -> &str {
        &self.0[..3]
    }
}

macro_rules! dcsa_code {
    ($(#[$m:meta])* $name:ident, $kind:literal, $hint:literal { $($v:ident => $label:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub enum $name { $(#[doc = $label] $v),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$v),+];

            /// The code as sent on the wire.
            pub fn as_str(&self) -> &'static str {
                match self { $($name::$v => stringify!($v)),+ }
            }

            /// What the code means, in English.
            pub fn label(&self) -> &'static str {
                match self { $($name::$v => $label),+ }
            }

            pub fn parse(s: &str) -> Result<Self, CodeError> {
                match s.trim() {
                    $(stringify!($v) => Ok($name::$v),)+
                    _ => Err(CodeError::new($kind, s, $hint)),
                }
            }
        }

        enum_code_impls!($name);
    };
}

dcsa_code! {
    /// What an event is about: the vessel's movement, a piece of equipment, or the paperwork.
    EventType, "event type", "use TRANSPORT, EQUIPMENT, SHIPMENT, IOT or REEFER" {
        TRANSPORT => "Transport event",
        EQUIPMENT => "Equipment event",
        SHIPMENT => "Shipment event",
        IOT => "IoT event",
        REEFER => "Reefer event",
    }
}

dcsa_code! {
    /// How certain an event is: planned, estimated or actual.
    EventClassifier, "event classifier", "use PLN, EST or ACT" {
        PLN => "Planned",
        EST => "Estimated",
        ACT => "Actual",
    }
}

dcsa_code! {
    /// Vessel movements.
    TransportEventType, "transport event type", "use ARRI or DEPA" {
        ARRI => "Arrived",
        DEPA => "Departed",
    }
}

dcsa_code! {
    /// Equipment movements, seal handling and customs decisions (T&T 3.0 list).
    EquipmentEventType, "equipment event type",
    "use a DCSA equipment event code such as LOAD, DISC, GTIN, GTOT or CUSR" {
        LOAD => "Loaded",
        DISC => "Discharged",
        GTIN => "Gated in",
        GTOT => "Gated out",
        STUF => "Stuffed",
        STRP => "Stripped",
        PICK => "Picked up",
        DROP => "Dropped off",
        INSP => "Inspected",
        RSEA => "Resealed",
        RMVD => "Removed",
        AVPU => "Available for pick-up",
        AVDO => "Available for drop-off",
        CROS => "Crossed",
        CUSS => "Customs selected for scan",
        CUSI => "Customs selected for inspection",
        CUSR => "Customs released",
    }
}

impl EquipmentEventType {
    /// Whether this is a customs decision (selected for scan or inspection, released).
    pub fn is_customs(&self) -> bool {
        matches!(self, Self::CUSS | Self::CUSI | Self::CUSR)
    }
}

dcsa_code! {
    /// Document life-cycle events (T&T 3.0 list; 2.2's is a subset).
    ShipmentEventType, "shipment event type",
    "use a DCSA shipment event code such as RECE, CONF, ISSU or RELS" {
        AMCF => "Amendment confirmed",
        AMCN => "Amendment cancelled",
        AMDC => "Amendment declined",
        AMPR => "Amendment in progress",
        AMRE => "Amendment received",
        APPR => "Approved",
        CACF => "Cancellation confirmed",
        CADC => "Cancellation declined",
        CANC => "Cancelled",
        CARE => "Cancellation received",
        CMPL => "Completed",
        CONF => "Confirmed",
        DECL => "Declined",
        DRFT => "Drafted",
        HOLD => "On hold",
        ISSU => "Issued",
        PENA => "Pending approval",
        PENM => "Pending amendment",
        PENU => "Pending update",
        PSAM => "Pending surrender for amendment",
        PSDL => "Pending surrender for delivery",
        RECE => "Received",
        REJE => "Rejected",
        RELS => "Released",
        REQS => "Requested",
        SUAM => "Surrendered for amendment",
        SUBM => "Submitted",
        SUDL => "Surrendered for delivery",
        SURR => "Surrendered",
        UPCF => "Update confirmed",
        UPCN => "Update cancelled",
        UPDC => "Update declined",
        UPDT => "Update in progress",
        UPRE => "Update received",
        VOID => "Voided",
    }
}

dcsa_code! {
    /// Document types (T&T 3.0 list, with 2.2's CUS and SRM).
    DocumentType, "document type",
    "use a DCSA document type such as BKG, TRD, SHI, VGM, CEO or INV" {
        AMF => "Advance manifest filing",
        ARN => "Arrival notice",
        BKG => "Booking",
        CAS => "Cargo survey",
        CBR => "Carrier booking request",
        CEA => "Certificate of analysis",
        CEO => "Certificate of origin",
        CQU => "Contract quotation",
        CRO => "Container release order",
        CUC => "Customs clearance",
        CUS => "Customs declaration",
        DEI => "Delivery instructions",
        DEO => "Delivery order",
        DGD => "Dangerous goods declaration",
        DOR => "Delivery order",
        FCE => "Fumigation certificate",
        HCE => "Health certificate",
        ICE => "Inspection certificate",
        INV => "Invoice",
        OOG => "Out of gauge",
        PCE => "Phytosanitary certificate",
        PFD => "Proof of delivery",
        SHI => "Shipping instruction",
        SRM => "Shipment release message",
        TRD => "Transport document",
        TRO => "Transport order",
        VCE => "Veterinary certificate",
        VGM => "Verified gross mass",
    }
}

impl DocumentType {
    /// Whether a customs release of this document frees the cargo for export (T&T 2.2 `CUS`,
    /// 3.0 `CUC`).
    pub fn is_customs_clearance(&self) -> bool {
        matches!(self, Self::CUS | Self::CUC)
    }
}

dcsa_code! {
    /// Shipment references: the parties' own numbers for the shipment (T&T 3.0
    /// `shipmentReferences[].typeCode`; 2.2 `references[].referenceType` is a subset).
    ReferenceType, "reference type",
    "use a DCSA reference type such as PO, FF, SI, CR or AAO" {
        AAO => "Consignee's reference",
        AES => "Automated Export System",
        BID => "Booking request ID",
        BPR => "Booking party reference",
        CER => "Canadian Export Reporting System",
        CR => "Customer's reference",
        CSI => "Customer shipment ID",
        DUE => "Declaração Única de Exportação",
        ECR => "Empty container release reference",
        EQ => "Equipment reference",
        FF => "Freight forwarder's reference",
        PO => "Purchase order reference",
        RUC => "Registro Único del Contribuyente",
        SI => "Shipper's reference",
    }
}

dcsa_code! {
    /// IoT event types (T&T 3.0).
    IotEventType, "IoT event type", "use DETC" {
        DETC => "Detected",
    }
}

dcsa_code! {
    /// What an IoT device detected (T&T 3.0 `iotDetails.iotEventCode`).
    IotEventCode, "IoT event code", "use DRC, DRO or LOC" {
        DRC => "Door closed",
        DRO => "Door opened",
        LOC => "Location update",
    }
}

dcsa_code! {
    /// Reefer event types (T&T 3.0).
    ReeferEventType, "reefer event type", "use MEAS or ADJU" {
        MEAS => "Measured",
        ADJU => "Adjusted",
    }
}

dcsa_code! {
    /// Temperature units of reefer readings.
    TemperatureUnit, "temperature unit", "use CEL or FAH" {
        CEL => "°C",
        FAH => "°F",
    }
}

dcsa_code! {
    /// How the cargo moves.
    ModeOfTransport, "mode of transport", "use VESSEL, RAIL, TRUCK, BARGE or MULTIMODAL" {
        VESSEL => "Vessel",
        RAIL => "Rail",
        TRUCK => "Truck",
        BARGE => "Barge",
        MULTIMODAL => "Multimodal",
    }
}

dcsa_code! {
    /// Whether the container carries cargo.
    EmptyIndicator, "empty indicator", "use EMPTY or LADEN" {
        EMPTY => "Empty",
        LADEN => "Laden",
    }
}

dcsa_code! {
    /// Direction of an equipment move at a port (T&T 3.0).
    MovementType, "movement type", "use IMPORT, EXPORT or TRANSSHIPMENT" {
        IMPORT => "Import",
        EXPORT => "Export",
        TRANSSHIPMENT => "Transshipment",
    }
}

/// A short code from a code list the engine passes through without interpreting it:
/// delay reasons (SMDG), facility type codes (POTE, COFS …), ISO equipment size-type codes.
/// Upper-case letters and digits, 1 to 6 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ShortCode(String);

string_newtype_impls!(ShortCode);

impl ShortCode {
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let t = s.trim();
        if t.is_empty()
            || t.len() > 6
            || !t
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            return Err(CodeError::new(
                "code",
                s,
                "use 1 to 6 upper-case letters or digits, e.g. POTE or 45G1",
            ));
        }
        Ok(Self(t.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn container_number_accepts_a_valid_check_digit() {
        let c = ContainerNumber::parse("abcu 123456-0").unwrap();
        assert_eq!(c.as_str(), "ABCU1234560");
        assert_eq!(c.owner_code(), "ABC");
        // Well-known examples from the standard's literature.
        assert!(ContainerNumber::parse("CSQU3054383").is_ok());
        assert!(ContainerNumber::parse("MSKU9070323").is_ok());
    }

    #[test]
    fn container_number_rejects_a_wrong_check_digit() {
        let e = ContainerNumber::parse("ABCU1234561").unwrap_err();
        assert_eq!(
            e.reason,
            "the ISO 6346 check digit (last digit) does not match"
        );
        for bad in [
            "ABCU123456",
            "AB1U1234560",
            "ABCX1234560",
            "ABCU12345A0",
            "",
        ] {
            assert!(ContainerNumber::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn imo_number_checks_its_last_digit() {
        assert_eq!(ImoNumber::parse("IMO 9321483").unwrap().as_str(), "9321483");
        assert!(ImoNumber::parse("9321484").is_err());
        assert!(ImoNumber::parse("932148").is_err());
    }

    #[test]
    fn dcsa_codes_are_exact_and_round_trip() {
        for c in EquipmentEventType::ALL {
            assert_eq!(EquipmentEventType::parse(c.as_str()).unwrap(), *c);
        }
        assert!(
            EquipmentEventType::parse("load").is_err(),
            "codes are case-sensitive"
        );
        assert!(EquipmentEventType::CUSR.is_customs());
        assert_eq!(
            serde_json::to_string(&EventClassifier::ACT).unwrap(),
            "\"ACT\""
        );
    }

    proptest! {
        #[test]
        fn any_serial_has_exactly_one_valid_check_digit(owner in "[A-Z]{3}", serial in 0u32..1_000_000) {
            let base = format!("{owner}U{serial:06}");
            let valid = (0..10)
                .filter(|d| ContainerNumber::parse(&format!("{base}{d}")).is_ok())
                .count();
            prop_assert_eq!(valid, 1);
        }
    }
}
