//! Per-partner EDIFACT profiles, kept as data (TOML or JSON): what a partner's status codes
//! and document names mean in DCSA terms, which time zone its local times are in, how it
//! spells locations, which date qualifiers carry planned, estimated or actual times.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono_tz::Tz;
use serde::Deserialize;

use super::super::codes::{
    DocumentType, EquipmentEventType, EventClassifier, EventType, ReferenceType, ShipmentEventType,
    TransportEventType,
};
use super::super::error::FeedError;

const DEFAULT_PROFILE_TOML: &str = include_str!("../../../data/logistics/profiles/default.toml");

/// The DCSA event an EDIFACT status code stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusMapping {
    Transport(TransportEventType),
    Equipment(EquipmentEventType),
    Shipment(ShipmentEventType),
}

/// How one partner's EDIFACT maps to the event model.
#[derive(Debug, Clone, PartialEq)]
pub struct PartnerProfile {
    pub name: String,
    /// The time zone of times sent without one (DTM formats 102, 203, 204, UNB time).
    pub timezone: Tz,
    /// Per UN/LOCODE or country code: where local times follow the port, not the partner.
    pub location_timezones: HashMap<String, Tz>,
    /// The partner's location codes → UN/LOCODE (e.g. `VNCMP` → `VNCMT`).
    pub locode_aliases: HashMap<String, String>,
    /// IFTSTA `STS` status codes.
    pub status_codes: HashMap<String, StatusMapping>,
    /// COARRI `BGM` document name codes (e.g. 98 discharge report → DISC).
    pub coarri_documents: HashMap<String, EquipmentEventType>,
    /// CODECO `BGM` document name codes (e.g. 34 gate-in report → GTIN).
    pub codeco_documents: HashMap<String, EquipmentEventType>,
    /// `DTM` qualifiers that carry the event time, with the classifier each implies.
    pub time_qualifiers: HashMap<String, EventClassifier>,
    /// `RFF` qualifiers → document types (e.g. BN → BKG, BM → TRD).
    pub references: HashMap<String, DocumentType>,
    /// `RFF` qualifiers → DCSA shipment reference types (e.g. ON → PO, CU → SI).
    pub shipment_references: HashMap<String, ReferenceType>,
    /// `LOC` qualifiers in the order an event's place is taken from (after `9` for a
    /// loading and `11` for a discharge).
    pub location_order: Vec<String>,
}

/// The default `LOC` order: activity place, terminal, place of discharge, place of loading.
const DEFAULT_LOCATION_ORDER: [&str; 4] = ["175", "165", "11", "9"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    name: String,
    timezone: String,
    #[serde(default)]
    location_timezones: HashMap<String, String>,
    #[serde(default)]
    locode_aliases: HashMap<String, String>,
    #[serde(default)]
    status_codes: HashMap<String, WireStatus>,
    #[serde(default)]
    coarri_documents: HashMap<String, EquipmentEventType>,
    #[serde(default)]
    codeco_documents: HashMap<String, EquipmentEventType>,
    #[serde(default)]
    time_qualifiers: HashMap<String, EventClassifier>,
    #[serde(default)]
    references: HashMap<String, DocumentType>,
    #[serde(default)]
    shipment_references: HashMap<String, ReferenceType>,
    #[serde(default)]
    location_order: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireStatus {
    event: EventType,
    code: String,
}

fn tz(field: &str, name: &str) -> Result<Tz, FeedError> {
    name.parse::<Tz>().map_err(|_| {
        FeedError::Profile(format!(
            "{field}: unknown time zone '{name}' (use an IANA name such as Asia/Ho_Chi_Minh)"
        ))
    })
}

impl TryFrom<Wire> for PartnerProfile {
    type Error = FeedError;

    fn try_from(w: Wire) -> Result<Self, FeedError> {
        let timezone = tz("timezone", &w.timezone)?;
        let location_timezones = w
            .location_timezones
            .iter()
            .map(|(k, v)| Ok((k.clone(), tz(&format!("location_timezones.{k}"), v)?)))
            .collect::<Result<_, FeedError>>()?;
        let status_codes = w
            .status_codes
            .into_iter()
            .map(|(k, s)| {
                let bad = |e: crate::codes::CodeError| {
                    FeedError::Profile(format!("status_codes.{k}: {e}"))
                };
                let m = match s.event {
                    EventType::TRANSPORT => {
                        StatusMapping::Transport(TransportEventType::parse(&s.code).map_err(bad)?)
                    }
                    EventType::EQUIPMENT => {
                        StatusMapping::Equipment(EquipmentEventType::parse(&s.code).map_err(bad)?)
                    }
                    EventType::SHIPMENT => {
                        StatusMapping::Shipment(ShipmentEventType::parse(&s.code).map_err(bad)?)
                    }
                    EventType::IOT | EventType::REEFER => {
                        return Err(FeedError::Profile(format!(
                            "status_codes.{k}: EDIFACT statuses map to TRANSPORT, EQUIPMENT or SHIPMENT events, not {}",
                            s.event
                        )));
                    }
                };
                Ok((k, m))
            })
            .collect::<Result<_, FeedError>>()?;
        Ok(Self {
            name: w.name,
            timezone,
            location_timezones,
            locode_aliases: w.locode_aliases,
            status_codes,
            coarri_documents: w.coarri_documents,
            codeco_documents: w.codeco_documents,
            time_qualifiers: w.time_qualifiers,
            references: w.references,
            shipment_references: w.shipment_references,
            location_order: if w.location_order.is_empty() {
                DEFAULT_LOCATION_ORDER.map(str::to_owned).to_vec()
            } else {
                w.location_order
            },
        })
    }
}

impl PartnerProfile {
    /// Reads a profile from TOML (the format `docs/logistics.md` describes).
    pub fn from_toml(text: &str) -> Result<Self, FeedError> {
        let wire: Wire = toml::from_str(text)
            .map_err(|e| FeedError::Profile(e.to_string().trim_end().to_owned()))?;
        wire.try_into()
    }

    /// Reads a profile from JSON (same fields as the TOML form).
    pub fn from_json(text: &str) -> Result<Self, FeedError> {
        let wire: Wire =
            serde_json::from_str(text).map_err(|e| FeedError::Profile(e.to_string()))?;
        wire.try_into()
    }

    /// The embedded default profile: the code meanings of the shared samples' README (STS AE
    /// loaded, VA arrived, UV unloaded …; COARRI 98/44, CODECO 34/36), times in UTC unless a
    /// port's zone is listed. Real partners get their own profile.
    pub fn default_profile() -> &'static PartnerProfile {
        static DEFAULT: OnceLock<PartnerProfile> = OnceLock::new();
        DEFAULT.get_or_init(|| match Self::from_toml(DEFAULT_PROFILE_TOML) {
            Ok(p) => p,
            // The embedded file is tested; this arm only keeps start-up panic-free.
            Err(_) => Self {
                name: "empty".to_owned(),
                timezone: Tz::UTC,
                location_timezones: HashMap::new(),
                locode_aliases: HashMap::new(),
                status_codes: HashMap::new(),
                coarri_documents: HashMap::new(),
                codeco_documents: HashMap::new(),
                time_qualifiers: HashMap::new(),
                references: HashMap::new(),
                shipment_references: HashMap::new(),
                location_order: DEFAULT_LOCATION_ORDER.map(str::to_owned).to_vec(),
            },
        })
    }

    /// The time zone of a local time at a location: by UN/LOCODE, then country, then the
    /// partner's own.
    pub fn timezone_at(&self, unlocode: Option<&str>) -> Tz {
        unlocode
            .and_then(|c| {
                self.location_timezones
                    .get(c)
                    .or_else(|| c.get(..2).and_then(|cc| self.location_timezones.get(cc)))
            })
            .copied()
            .unwrap_or(self.timezone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_default_profile_loads() {
        let text = DEFAULT_PROFILE_TOML;
        let p = PartnerProfile::from_toml(text).unwrap();
        assert_eq!(
            p.status_codes.get("AE"),
            Some(&StatusMapping::Equipment(EquipmentEventType::LOAD))
        );
        assert_eq!(
            p.coarri_documents.get("98"),
            Some(&EquipmentEventType::DISC)
        );
        assert_eq!(
            p.codeco_documents.get("34"),
            Some(&EquipmentEventType::GTIN)
        );
        assert_eq!(p.timezone_at(Some("VNCMT")).name(), "Asia/Ho_Chi_Minh");
        assert_eq!(p.timezone_at(Some("MYPKG")).name(), "Asia/Kuala_Lumpur");
        assert_eq!(p.timezone_at(None), Tz::UTC);
    }

    #[test]
    fn profiles_load_from_json_too() {
        let p = PartnerProfile::from_json(
            r#"{"name":"t","timezone":"Asia/Tokyo","status_codes":{"VA":{"event":"TRANSPORT","code":"ARRI"}}}"#,
        )
        .unwrap();
        assert_eq!(
            p.status_codes.get("VA"),
            Some(&StatusMapping::Transport(TransportEventType::ARRI))
        );
    }

    #[test]
    fn rejects_profiles_with_unknown_zones_or_codes() {
        let e = PartnerProfile::from_toml("name = \"x\"\ntimezone = \"Mars/Olympus\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown time zone 'Mars/Olympus'"), "{e}");
        let e = PartnerProfile::from_toml(
            "name = \"x\"\ntimezone = \"UTC\"\n[status_codes]\nAE = { event = \"EQUIPMENT\", code = \"ARRI\" }\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("status_codes.AE"), "{e}");
        let e = PartnerProfile::from_toml("name = \"x\"\ntimezone = \"UTC\"\nbogus = 1\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("bogus"), "{e}");
    }
}
