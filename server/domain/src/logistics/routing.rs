//! Sea-lane routing over the marine network (Eurostat SeaRoute derivative, Apache-2.0): a
//! graph built once from the embedded GeoJSON with haversine edge weights, ports snapped to
//! the nearest network node through an R-tree, A* shortest paths cached per port pair, output
//! with continuous longitudes for Leaflet, and passages (Suez, Panama …) that can be avoided.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

use petgraph::graph::{NodeIndex, UnGraph};
use petgraph::visit::EdgeFiltered;
use rstar::RTree;
use rstar::primitives::GeomWithData;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::locations::{GeoPoint, LocationMaster};
use crate::codes::UnLocode;

const MARNET_GEOJSON: &str = include_str!("../../data/logistics/searoute/marnet_searoute.geojson");

/// Mean Earth radius (IUGG), km.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Great-circle distance in km.
pub fn haversine_km(a: GeoPoint, b: GeoPoint) -> f64 {
    let (la1, la2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = la2 - la1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

fn unit_vector(p: GeoPoint) -> [f64; 3] {
    let (la, lo) = (p.lat.to_radians(), p.lon.to_radians());
    [la.cos() * lo.cos(), la.cos() * lo.sin(), la.sin()]
}

/// Straits and canals the network marks, which a route can be told to avoid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Passage {
    Suez,
    Panama,
    Malacca,
    Sunda,
    Gibraltar,
    BabElMandeb,
    Hormuz,
    Bosporus,
    Dardanelles,
    Bering,
    Northwest,
    /// Passage south of Cape Horn / through the Chilean channels.
    Chile,
    /// The Cape of Good Hope route.
    SouthAfrica,
}

impl Passage {
    fn from_network(name: &str) -> Option<Self> {
        Some(match name {
            "suez" => Self::Suez,
            "panama" => Self::Panama,
            "malacca" => Self::Malacca,
            "sunda" => Self::Sunda,
            "gibraltar" => Self::Gibraltar,
            "babalmandab" => Self::BabElMandeb,
            "ormuz" => Self::Hormuz,
            "bosporus" => Self::Bosporus,
            "dardanelles" => Self::Dardanelles,
            "bering" => Self::Bering,
            "northwest" => Self::Northwest,
            "chili" => Self::Chile,
            "south_africa" => Self::SouthAfrica,
            _ => return None,
        })
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// What a route may not use.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RouteOptions {
    pub avoid: BTreeSet<Passage>,
}

impl Default for RouteOptions {
    /// Commercial defaults: no Northwest Passage (seasonal ice).
    fn default() -> Self {
        Self {
            avoid: BTreeSet::from([Passage::Northwest]),
        }
    }
}

impl RouteOptions {
    /// The defaults plus the given passages to avoid (e.g. `&[Passage::Suez]`).
    pub fn avoiding(passages: &[Passage]) -> Self {
        let mut o = Self::default();
        o.avoid.extend(passages.iter().copied());
        o
    }

    fn mask(&self) -> u16 {
        self.avoid.iter().fold(0, |m, p| m | p.bit())
    }
}

/// A sea route ready for the map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeaRoute {
    /// Total length in km, port to port (snapping legs included).
    pub distance_km: f64,
    /// The polyline from the origin port to the destination port. Longitudes are continuous:
    /// a route across the antimeridian goes past 180 (or below −180) instead of jumping, so
    /// Leaflet draws it the short way.
    pub points: Vec<GeoPoint>,
    /// Marked passages the route goes through.
    pub passages: Vec<Passage>,
}

impl SeaRoute {
    /// The point a fraction (0..=1) of the distance along the route (longitude continuous).
    pub fn point_at(&self, fraction: f64) -> Option<GeoPoint> {
        let first = *self.points.first()?;
        let f = if fraction.is_finite() {
            fraction.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let lengths: Vec<f64> = self
            .points
            .windows(2)
            .map(|w| haversine_km(w[0], w[1]))
            .collect();
        let total: f64 = lengths.iter().sum();
        if f >= 1.0 {
            return self.points.last().copied();
        }
        let mut left = f * total;
        for (w, len) in self.points.windows(2).zip(&lengths) {
            if left <= *len && *len > 0.0 {
                let t = left / len;
                return Some(GeoPoint {
                    lat: w[0].lat + (w[1].lat - w[0].lat) * t,
                    lon: w[0].lon + (w[1].lon - w[0].lon) * t,
                });
            }
            left -= len;
        }
        self.points.last().copied().or(Some(first))
    }
}

/// Why no route was found.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RoutingError {
    #[error("the marine network could not be read: {0}")]
    Network(String),
    #[error("{0} has no coordinates in the location master")]
    UnknownPort(String),
    #[error("no sea route avoiding {0} connects these ports")]
    NoRoute(String),
}

#[derive(Debug, Clone, Copy)]
struct Lane {
    km: f64,
    passage: Option<Passage>,
}

type CacheKey = (u64, u64, u64, u64, u16);

/// The routing graph; build once, share everywhere (see [`SeaRouter::embedded`]).
pub struct SeaRouter {
    graph: UnGraph<GeoPoint, Lane>,
    tree: RTree<GeomWithData<[f64; 3], u32>>,
    cache: Mutex<HashMap<CacheKey, Arc<SeaRoute>>>,
}

impl fmt::Debug for SeaRouter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SeaRouter")
            .field("nodes", &self.graph.node_count())
            .field("edges", &self.graph.edge_count())
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct Network {
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    #[serde(default)]
    properties: Properties,
    geometry: Geometry,
}

#[derive(Deserialize, Default)]
struct Properties {
    passage: Option<String>,
}

#[derive(Deserialize)]
#[serde(tag = "type")]
enum Geometry {
    LineString { coordinates: Vec<[f64; 2]> },
    MultiLineString { coordinates: Vec<Vec<[f64; 2]>> },
}

/// Normalises a network coordinate: longitudes past 180 wrap, −180 and 180 are one meridian.
fn node_point(c: [f64; 2]) -> Option<GeoPoint> {
    let mut lon = c[0];
    if lon > 180.0 {
        lon -= 360.0;
    }
    if lon <= -180.0 {
        lon += 360.0;
    }
    GeoPoint::new(c[1], lon)
}

fn node_key(p: GeoPoint) -> (i64, i64) {
    // Micro-degree grid: the network's shared vertices agree to 6 decimals.
    #[expect(
        clippy::cast_possible_truncation,
        reason = "coordinates are within ±180, far inside i64 at 1e6 scale"
    )]
    let k = ((p.lon * 1e6).round() as i64, (p.lat * 1e6).round() as i64);
    k
}

impl SeaRouter {
    /// The router over the embedded network, built on first use (≈ tens of ms).
    pub fn embedded() -> Result<&'static SeaRouter, RoutingError> {
        static ROUTER: OnceLock<Result<SeaRouter, RoutingError>> = OnceLock::new();
        ROUTER
            .get_or_init(|| Self::from_geojson(MARNET_GEOJSON))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Builds a router from a marine network GeoJSON (LineStrings, optional `passage`).
    pub fn from_geojson(text: &str) -> Result<Self, RoutingError> {
        let network: Network =
            serde_json::from_str(text).map_err(|e| RoutingError::Network(e.to_string()))?;
        let mut graph: UnGraph<GeoPoint, Lane> = UnGraph::default();
        let mut nodes: HashMap<(i64, i64), NodeIndex> = HashMap::new();
        let mut node = |graph: &mut UnGraph<GeoPoint, Lane>, p: GeoPoint| {
            *nodes
                .entry(node_key(p))
                .or_insert_with(|| graph.add_node(p))
        };
        for f in network.features {
            let passage = f
                .properties
                .passage
                .as_deref()
                .and_then(Passage::from_network);
            let lines = match f.geometry {
                Geometry::LineString { coordinates } => vec![coordinates],
                Geometry::MultiLineString { coordinates } => coordinates,
            };
            for line in lines {
                let points: Vec<GeoPoint> = line.into_iter().filter_map(node_point).collect();
                for w in points.windows(2) {
                    let (a, b) = (node(&mut graph, w[0]), node(&mut graph, w[1]));
                    if a != b {
                        let km = haversine_km(w[0], w[1]);
                        graph.add_edge(a, b, Lane { km, passage });
                    }
                }
            }
        }
        if graph.node_count() == 0 {
            return Err(RoutingError::Network("the network has no lines".to_owned()));
        }
        let tree = RTree::bulk_load(
            graph
                .node_indices()
                .filter_map(|i| {
                    let idx = u32::try_from(i.index()).ok()?;
                    Some(GeomWithData::new(unit_vector(graph[i]), idx))
                })
                .collect(),
        );
        Ok(Self {
            graph,
            tree,
            cache: Mutex::new(HashMap::new()),
        })
    }

    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// The network node nearest to a point, and how far it is (km).
    pub fn snap(&self, p: GeoPoint) -> Option<(GeoPoint, f64)> {
        let n = self.nearest(p)?;
        let q = self.graph[n];
        Some((q, haversine_km(p, q)))
    }

    fn nearest(&self, p: GeoPoint) -> Option<NodeIndex> {
        self.tree
            .nearest_neighbor(&unit_vector(p))
            .map(|g| NodeIndex::new(g.data as usize))
    }

    /// The route between two ports of the location master (cached).
    pub fn route_ports(
        &self,
        from: &UnLocode,
        to: &UnLocode,
        master: &LocationMaster,
        options: &RouteOptions,
    ) -> Result<Arc<SeaRoute>, RoutingError> {
        let position = |c: &UnLocode| {
            master
                .get(c)
                .map(|p| p.position)
                .ok_or_else(|| RoutingError::UnknownPort(c.to_string()))
        };
        self.route(position(from)?, position(to)?, options)
    }

    /// The route between two points (cached per point pair and options).
    pub fn route(
        &self,
        from: GeoPoint,
        to: GeoPoint,
        options: &RouteOptions,
    ) -> Result<Arc<SeaRoute>, RoutingError> {
        let key = (
            from.lat.to_bits(),
            from.lon.to_bits(),
            to.lat.to_bits(),
            to.lon.to_bits(),
            options.mask(),
        );
        if let Some(hit) = self.cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(hit);
        }
        let route = Arc::new(self.route_uncached(from, to, options)?);
        if let Ok(mut c) = self.cache.lock() {
            c.insert(key, Arc::clone(&route));
        }
        Ok(route)
    }

    /// Computes a route without the cache (A* with the great-circle distance as heuristic).
    pub fn route_uncached(
        &self,
        from: GeoPoint,
        to: GeoPoint,
        options: &RouteOptions,
    ) -> Result<SeaRoute, RoutingError> {
        let no_route = || {
            let names: Vec<String> = options.avoid.iter().map(|p| format!("{p:?}")).collect();
            RoutingError::NoRoute(if names.is_empty() {
                "nothing".to_owned()
            } else {
                names.join(", ")
            })
        };
        let (Some(start), Some(goal)) = (self.nearest(from), self.nearest(to)) else {
            return Err(no_route());
        };
        let mask = options.mask();
        let allowed = EdgeFiltered::from_fn(
            &self.graph,
            |e: petgraph::graph::EdgeReference<'_, Lane>| {
                e.weight().passage.is_none_or(|p| mask & p.bit() == 0)
            },
        );
        let target = self.graph[goal];
        let (km, path) = petgraph::algo::astar(
            &allowed,
            start,
            |n| n == goal,
            |e| e.weight().km,
            |n| haversine_km(self.graph[n], target),
        )
        .ok_or_else(no_route)?;
        let mut passages = Vec::new();
        for w in path.windows(2) {
            if let Some(p) = self
                .graph
                .edges_connecting(w[0], w[1])
                .filter_map(|e| e.weight().passage)
                .next()
                && !passages.contains(&p)
            {
                passages.push(p);
            }
        }
        let mut points = Vec::with_capacity(path.len() + 2);
        points.push(from);
        points.extend(path.iter().map(|&n| self.graph[n]));
        points.push(to);
        points.dedup();
        let distance_km = km + haversine_km(from, self.graph[start]) + haversine_km(target, to);
        Ok(SeaRoute {
            distance_km,
            points: continuous_longitudes(points),
            passages,
        })
    }
}

/// Shifts longitudes by whole turns so consecutive points are never more than 180° apart.
pub fn continuous_longitudes(mut points: Vec<GeoPoint>) -> Vec<GeoPoint> {
    for i in 1..points.len() {
        let prev = points[i - 1].lon;
        let mut lon = points[i].lon;
        while lon - prev > 180.0 {
            lon -= 360.0;
        }
        while lon - prev < -180.0 {
            lon += 360.0;
        }
        points[i].lon = lon;
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn haversine_matches_a_known_distance() {
        // Shanghai to Singapore ≈ 3,800 km great-circle.
        let d = haversine_km(
            GeoPoint {
                lat: 31.23,
                lon: 121.47,
            },
            GeoPoint {
                lat: 1.29,
                lon: 103.85,
            },
        );
        assert!((d - 3_820.0).abs() < 40.0, "{d}");
    }

    #[test]
    fn longitudes_stay_continuous_across_the_antimeridian() {
        let pts = continuous_longitudes(vec![
            GeoPoint {
                lat: 0.0,
                lon: 170.0,
            },
            GeoPoint {
                lat: 0.0,
                lon: -175.0,
            },
            GeoPoint {
                lat: 0.0,
                lon: -160.0,
            },
        ]);
        let lons: Vec<f64> = pts.iter().map(|p| p.lon).collect();
        assert_eq!(lons, vec![170.0, 185.0, 200.0]);
    }
}
