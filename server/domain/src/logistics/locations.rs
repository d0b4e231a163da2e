//! The UN/LOCODE-keyed location master: RCEP hub ports, the full searoute port list, the alias
//! table carriers need, optional terminal codes and coordinates — embedded in the binary, so
//! the server needs no file at run time. Lookups never fail an event: unknown codes come back
//! flagged, not refused.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::codes::{CountryCode, UnLocode};

const RCEP_PORTS_CSV: &str = include_str!("../../data/logistics/rcep_ports.csv");
const SEAROUTE_PORTS_GEOJSON: &str = include_str!("../../data/logistics/searoute/ports.geojson");
const TERMINALS_CSV: &str = include_str!("../../data/logistics/terminals.csv");

/// A point on the globe in degrees (WGS 84).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
}

impl GeoPoint {
    /// A point, if the coordinates are finite and in range.
    pub fn new(lat: f64, lon: f64) -> Option<Self> {
        (lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0)
            .then_some(Self { lat, lon })
    }
}

/// Where a port row came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PortSource {
    /// The hand-checked RCEP hub list (`rcep_ports.csv`).
    RcepHubList,
    /// The searoute port list (Eurostat SeaRoute derivative).
    Searoute,
}

/// A port or terminal operator's code at a port (e.g. `CMIT` at Cai Mep).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Terminal {
    pub code: String,
    pub name: String,
}

/// One port of the master.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Port {
    pub unlocode: UnLocode,
    pub name: String,
    pub country: CountryCode,
    pub position: GeoPoint,
    /// Other codes that mean this port (carrier habits and official-list changes).
    pub aliases: Vec<UnLocode>,
    pub terminals: Vec<Terminal>,
    /// Whether this is one of the RCEP hub ports the site maps.
    pub rcep_hub: bool,
    pub source: PortSource,
}

/// How a code as sent was understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LocationStatus {
    /// A code of the master.
    Known,
    /// An alias of a code of the master; `unlocode` holds the master's code.
    Alias,
    /// A well-formed UN/LOCODE the master does not have: kept as sent, flagged.
    Unknown,
    /// Not a UN/LOCODE at all: only the text as sent is kept, flagged.
    Malformed,
}

/// A location code as an event carried it, with what the master made of it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LocationRef {
    /// The code exactly as the partner sent it.
    pub as_sent: String,
    /// The master's code (for `Known`/`Alias`), the code as sent (for `Unknown`), or none.
    pub unlocode: Option<UnLocode>,
    pub status: LocationStatus,
}

impl LocationRef {
    /// Whether the location needs a person's attention (unknown or malformed code).
    pub fn is_flagged(&self) -> bool {
        matches!(
            self.status,
            LocationStatus::Unknown | LocationStatus::Malformed
        )
    }
}

/// One row for a `locations` table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LocationSeedRow {
    pub unlocode: String,
    pub name: String,
    pub country: String,
    pub latitude: f64,
    pub longitude: f64,
    pub rcep_hub: bool,
    pub source: PortSource,
}

/// One row for a `location_aliases` table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AliasSeedRow {
    pub alias: String,
    pub unlocode: String,
}

/// One row for a `terminals` table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TerminalSeedRow {
    pub unlocode: String,
    pub code: String,
    pub name: String,
}

/// Everything the server inserts to seed its database from the embedded master.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LocationSeed {
    pub locations: Vec<LocationSeedRow>,
    pub aliases: Vec<AliasSeedRow>,
    pub terminals: Vec<TerminalSeedRow>,
}

/// The location master: ports by UN/LOCODE plus aliases.
#[derive(Debug, Clone)]
pub struct LocationMaster {
    ports: Vec<Port>,
    by_code: HashMap<String, usize>,
    by_alias: HashMap<String, usize>,
}

#[derive(Deserialize)]
struct PortsFile {
    features: Vec<PortFeature>,
}

#[derive(Deserialize)]
struct PortFeature {
    geometry: PointGeometry,
    properties: PortProperties,
}

#[derive(Deserialize)]
struct PointGeometry {
    coordinates: Vec<f64>,
}

#[derive(Deserialize)]
struct PortProperties {
    port: Option<String>,
    name: Option<String>,
}

impl LocationMaster {
    /// The master built from the embedded data, parsed once per process.
    pub fn embedded() -> &'static LocationMaster {
        static MASTER: OnceLock<LocationMaster> = OnceLock::new();
        MASTER.get_or_init(|| {
            Self::from_sources(RCEP_PORTS_CSV, SEAROUTE_PORTS_GEOJSON, TERMINALS_CSV)
        })
    }

    /// Builds a master from the three sources. Bad rows are skipped, never fatal: the master
    /// is reference data, and one odd row must not take tracking down.
    pub fn from_sources(rcep_csv: &str, searoute_geojson: &str, terminals_csv: &str) -> Self {
        let mut master = Self {
            ports: Vec::new(),
            by_code: HashMap::new(),
            by_alias: HashMap::new(),
        };
        for line in rcep_csv.lines().skip(1) {
            let cols: Vec<&str> = line.split(',').map(str::trim).collect();
            let [code, name, country, lat, lon, aliases] = cols.as_slice() else {
                continue;
            };
            let (Ok(unlocode), Ok(country), Some(position)) = (
                UnLocode::parse(code),
                CountryCode::parse(country),
                lat.parse()
                    .ok()
                    .zip(lon.parse().ok())
                    .and_then(|(la, lo)| GeoPoint::new(la, lo)),
            ) else {
                continue;
            };
            let aliases: Vec<UnLocode> = aliases
                .split(';')
                .filter_map(|a| UnLocode::parse(a).ok())
                .collect();
            master.insert(Port {
                unlocode,
                name: (*name).to_owned(),
                country,
                position,
                aliases,
                terminals: Vec::new(),
                rcep_hub: true,
                source: PortSource::RcepHubList,
            });
        }
        if let Ok(file) = serde_json::from_str::<PortsFile>(searoute_geojson) {
            for f in file.features {
                let Some(unlocode) = f.properties.port.and_then(|p| UnLocode::parse(&p).ok())
                else {
                    continue;
                };
                let Some(position) = (match f.geometry.coordinates.as_slice() {
                    [lon, lat, ..] => GeoPoint::new(*lat, *lon),
                    _ => None,
                }) else {
                    continue;
                };
                let Ok(country) = CountryCode::parse(unlocode.country()) else {
                    continue;
                };
                master.insert(Port {
                    name: f.properties.name.unwrap_or_else(|| unlocode.to_string()),
                    unlocode,
                    country,
                    position,
                    aliases: Vec::new(),
                    terminals: Vec::new(),
                    rcep_hub: false,
                    source: PortSource::Searoute,
                });
            }
        }
        for line in terminals_csv.lines().skip(1) {
            let mut cols = line.splitn(3, ',').map(str::trim);
            let (Some(code), Some(terminal), Some(name)) = (cols.next(), cols.next(), cols.next())
            else {
                continue;
            };
            if let Some(&i) = UnLocode::parse(code)
                .ok()
                .and_then(|c| master.by_code.get(c.as_str()))
            {
                master.ports[i].terminals.push(Terminal {
                    code: terminal.to_owned(),
                    name: name.to_owned(),
                });
            }
        }
        master
    }

    /// Adds a port unless its code (or alias) is already taken: the first source wins.
    fn insert(&mut self, port: Port) {
        let code = port.unlocode.as_str();
        if self.by_code.contains_key(code) || self.by_alias.contains_key(code) {
            return;
        }
        let i = self.ports.len();
        self.by_code.insert(code.to_owned(), i);
        for a in &port.aliases {
            self.by_alias.entry(a.as_str().to_owned()).or_insert(i);
        }
        self.ports.push(port);
    }

    /// All ports, RCEP hubs first.
    pub fn ports(&self) -> &[Port] {
        &self.ports
    }

    /// The RCEP hub ports.
    pub fn rcep_hubs(&self) -> impl Iterator<Item = &Port> {
        self.ports.iter().filter(|p| p.rcep_hub)
    }

    /// The port a code means, by its own code or an alias.
    pub fn get(&self, code: &UnLocode) -> Option<&Port> {
        self.by_code
            .get(code.as_str())
            .or_else(|| self.by_alias.get(code.as_str()))
            .map(|&i| &self.ports[i])
    }

    /// What a code as sent means. Never fails: unknown and malformed codes come back flagged.
    /// `partner_aliases` (from a feed profile) are tried first, then the master's own aliases.
    pub fn resolve_with(
        &self,
        as_sent: &str,
        partner_aliases: &HashMap<String, String>,
    ) -> LocationRef {
        let trimmed = as_sent.trim();
        let mapped = partner_aliases.get(trimmed).map_or(trimmed, String::as_str);
        let Ok(code) = UnLocode::parse(mapped) else {
            return LocationRef {
                as_sent: as_sent.to_owned(),
                unlocode: None,
                status: LocationStatus::Malformed,
            };
        };
        let aliased = mapped != trimmed;
        if let Some(&i) = self.by_code.get(code.as_str()) {
            return LocationRef {
                as_sent: as_sent.to_owned(),
                unlocode: Some(self.ports[i].unlocode.clone()),
                status: if aliased {
                    LocationStatus::Alias
                } else {
                    LocationStatus::Known
                },
            };
        }
        if let Some(&i) = self.by_alias.get(code.as_str()) {
            return LocationRef {
                as_sent: as_sent.to_owned(),
                unlocode: Some(self.ports[i].unlocode.clone()),
                status: LocationStatus::Alias,
            };
        }
        LocationRef {
            as_sent: as_sent.to_owned(),
            unlocode: Some(code),
            status: LocationStatus::Unknown,
        }
    }

    /// [`resolve_with`](Self::resolve_with) without partner aliases.
    pub fn resolve(&self, as_sent: &str) -> LocationRef {
        self.resolve_with(as_sent, &HashMap::new())
    }

    /// The port a resolved reference points at, if the master has it.
    pub fn port_of(&self, r: &LocationRef) -> Option<&Port> {
        match r.status {
            LocationStatus::Known | LocationStatus::Alias => {
                r.unlocode.as_ref().and_then(|c| self.get(c))
            }
            LocationStatus::Unknown | LocationStatus::Malformed => None,
        }
    }

    /// The rows to insert to seed a database with this master (locations, aliases, terminals).
    pub fn seed_rows(&self) -> LocationSeed {
        let locations = self
            .ports
            .iter()
            .map(|p| LocationSeedRow {
                unlocode: p.unlocode.to_string(),
                name: p.name.clone(),
                country: p.country.to_string(),
                latitude: p.position.lat,
                longitude: p.position.lon,
                rcep_hub: p.rcep_hub,
                source: p.source,
            })
            .collect();
        let aliases = self
            .ports
            .iter()
            .flat_map(|p| {
                p.aliases.iter().map(|a| AliasSeedRow {
                    alias: a.to_string(),
                    unlocode: p.unlocode.to_string(),
                })
            })
            .collect();
        let terminals = self
            .ports
            .iter()
            .flat_map(|p| {
                p.terminals.iter().map(|t| TerminalSeedRow {
                    unlocode: p.unlocode.to_string(),
                    code: t.code.clone(),
                    name: t.name.clone(),
                })
            })
            .collect();
        LocationSeed {
            locations,
            aliases,
            terminals,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn master() -> &'static LocationMaster {
        LocationMaster::embedded()
    }

    #[test]
    fn knows_the_rcep_hub_ports_by_their_codes() {
        for code in ["CNSHA", "CNYSA", "VNCMT", "MYPKG"] {
            let r = master().resolve(code);
            assert_eq!(r.status, LocationStatus::Known, "{code}");
            let port = master().port_of(&r).unwrap();
            assert!(port.rcep_hub, "{code} is a hub");
        }
        assert!(master().rcep_hubs().count() >= 50);
    }

    #[test]
    fn resolves_official_and_carrier_aliases_to_one_port() {
        let r = master().resolve("CNSHG");
        assert_eq!(r.status, LocationStatus::Alias);
        assert_eq!(r.unlocode.unwrap().as_str(), "CNSHA");
        assert_eq!(
            master().resolve("CNNBG").unlocode.unwrap().as_str(),
            "CNNGB"
        );
    }

    #[test]
    fn includes_the_full_searoute_port_list() {
        assert!(master().ports().len() > 3_800);
        let rotterdam = master().resolve("NLRTM");
        assert_eq!(rotterdam.status, LocationStatus::Known);
        assert!(!master().port_of(&rotterdam).unwrap().rcep_hub);
    }

    #[test]
    fn keeps_and_flags_unknown_and_malformed_codes() {
        let unknown = master().resolve("ZZZZZ");
        assert_eq!(unknown.status, LocationStatus::Unknown);
        assert_eq!(unknown.unlocode.as_ref().unwrap().as_str(), "ZZZZZ");
        assert!(unknown.is_flagged());
        let malformed = master().resolve("Cai Mep!");
        assert_eq!(malformed.status, LocationStatus::Malformed);
        assert_eq!(malformed.as_sent, "Cai Mep!");
        assert!(malformed.unlocode.is_none());
    }

    #[test]
    fn partner_aliases_win_over_the_master() {
        let mut aliases = HashMap::new();
        aliases.insert("VNCMP".to_owned(), "VNCMT".to_owned());
        let r = master().resolve_with("VNCMP", &aliases);
        assert_eq!(r.status, LocationStatus::Alias);
        assert_eq!(r.unlocode.unwrap().as_str(), "VNCMT");
    }

    #[test]
    fn seed_rows_cover_ports_aliases_and_terminals() {
        let seed = master().seed_rows();
        assert_eq!(seed.locations.len(), master().ports().len());
        assert!(
            seed.aliases
                .iter()
                .any(|a| a.alias == "CNSHG" && a.unlocode == "CNSHA")
        );
        assert!(
            seed.terminals
                .iter()
                .any(|t| t.unlocode == "VNCMT" && t.code == "CMIT")
        );
        let codes: std::collections::HashSet<_> =
            seed.locations.iter().map(|l| &l.unlocode).collect();
        assert_eq!(codes.len(), seed.locations.len(), "no duplicate keys");
    }
}
