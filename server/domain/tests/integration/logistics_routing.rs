//! Sea-lane routing sanity: distances of known lanes, no shortcuts over land, passages,
//! antimeridian handling and the cache.
#![cfg(feature = "logistics")]

use domain::codes::UnLocode;
use domain::logistics::routing::haversine_km;
use domain::logistics::{GeoPoint, LocationMaster, Passage, RouteOptions, SeaRoute, SeaRouter};

fn router() -> &'static SeaRouter {
    SeaRouter::embedded().expect("the embedded network loads")
}

fn route(from: &str, to: &str, options: &RouteOptions) -> std::sync::Arc<SeaRoute> {
    router()
        .route_ports(
            &UnLocode::parse(from).expect("test port codes are valid"),
            &UnLocode::parse(to).expect("test port codes are valid"),
            LocationMaster::embedded(),
            options,
        )
        .expect("a sea route exists between test ports")
}

fn p(lat: f64, lon: f64) -> GeoPoint {
    GeoPoint { lat, lon }
}

/// The smallest distance (km) between a point and the route, checked every few km.
fn closest_approach(route: &SeaRoute, point: GeoPoint) -> f64 {
    let mut best = f64::MAX;
    for w in route.points.windows(2) {
        let len = haversine_km(w[0], w[1]);
        let steps = (len / 5.0).ceil().max(1.0) as usize;
        for s in 0..=steps {
            let t = s as f64 / steps as f64;
            let q = p(
                w[0].lat + (w[1].lat - w[0].lat) * t,
                w[0].lon + (w[1].lon - w[0].lon) * t,
            );
            best = best.min(haversine_km(q, point));
        }
    }
    best
}

/// Inland places a sea route must keep away from (name, point, minimum distance km).
const INLAND: &[(&str, f64, f64, f64)] = &[
    ("Phnom Penh", 11.56, 104.92, 100.0),
    ("Central Highlands, Vietnam", 13.98, 108.0, 100.0),
    ("Ho Chi Minh City inland", 11.3, 106.6, 40.0),
    ("Malay Peninsula interior", 4.18, 102.05, 60.0),
    ("Johor interior", 2.03, 103.32, 40.0),
    ("Sumatra interior (Pekanbaru)", 0.51, 101.45, 60.0),
    ("Borneo interior", 1.0, 113.0, 150.0),
    ("Luzon interior", 16.0, 121.0, 40.0),
    ("Hainan interior", 19.2, 109.7, 30.0),
    ("Guangzhou", 23.13, 113.26, 40.0),
    ("Bangkok inland", 14.5, 100.6, 80.0),
];

fn assert_stays_at_sea(r: &SeaRoute) {
    for (name, lat, lon, min_km) in INLAND {
        let d = closest_approach(r, p(*lat, *lon));
        assert!(d >= *min_km, "the route passes {d:.0} km from {name}");
    }
}

#[test]
fn shanghai_to_port_klang_is_about_4600_km() {
    let r = route("CNSHA", "MYPKG", &RouteOptions::default());
    assert!(
        (r.distance_km - 4_600.0).abs() <= 460.0,
        "{}",
        r.distance_km
    );
    assert_stays_at_sea(&r);
}

#[test]
fn yangshan_to_cai_mep_is_about_3050_km() {
    let r = route("CNYSA", "VNCMT", &RouteOptions::default());
    assert!(
        (r.distance_km - 3_050.0).abs() <= 305.0,
        "{}",
        r.distance_km
    );
    assert_stays_at_sea(&r);
}

#[test]
fn yangshan_to_port_klang_goes_round_singapore_and_up_the_strait_of_malacca() {
    let r = route("CNYSA", "MYPKG", &RouteOptions::default());
    assert_stays_at_sea(&r);
    // Singapore Strait, then the Strait of Malacca between Port Dickson and Sumatra.
    assert!(
        closest_approach(&r, p(1.2, 103.85)) < 30.0,
        "misses the Singapore Strait"
    );
    assert!(
        closest_approach(&r, p(2.3, 101.5)) < 50.0,
        "misses the Strait of Malacca"
    );
    // Never straight across the Gulf of Thailand's shore or the peninsula.
    assert!(
        r.points.iter().all(|q| q.lon > 100.0),
        "no detour west of Port Klang"
    );
}

#[test]
fn route_starts_and_ends_at_the_ports() {
    let r = route("CNYSA", "VNCMT", &RouteOptions::default());
    let master = LocationMaster::embedded();
    let yangshan = master
        .get(&UnLocode::parse("CNYSA").unwrap())
        .unwrap()
        .position;
    let cai_mep = master
        .get(&UnLocode::parse("VNCMT").unwrap())
        .unwrap()
        .position;
    assert_eq!(r.points.first(), Some(&yangshan));
    assert_eq!(r.points.last(), Some(&cai_mep));
}

#[test]
fn avoiding_suez_sends_asia_europe_round_the_cape() {
    let via_suez = route("CNSHA", "NLRTM", &RouteOptions::default());
    assert!(
        via_suez.passages.contains(&Passage::Suez),
        "{:?}",
        via_suez.passages
    );
    let no_suez = route("CNSHA", "NLRTM", &RouteOptions::avoiding(&[Passage::Suez]));
    assert!(!no_suez.passages.contains(&Passage::Suez));
    assert!(no_suez.distance_km > via_suez.distance_km + 3_000.0);
    // Without Suez and Panama: round the Cape of Good Hope, south of Africa's tip.
    let cape = route(
        "CNSHA",
        "NLRTM",
        &RouteOptions::avoiding(&[Passage::Suez, Passage::Panama]),
    );
    assert!(
        cape.points
            .iter()
            .any(|q| q.lat < -33.0 && (10.0..=35.0).contains(&q.lon)),
        "{:?}",
        cape.passages
    );
}

#[test]
fn transpacific_routes_have_continuous_longitudes() {
    let r = route("JPYOK", "USLAX", &RouteOptions::default());
    for w in r.points.windows(2) {
        assert!((w[1].lon - w[0].lon).abs() < 180.0, "{w:?}");
    }
    // Crossing eastwards from Japan goes past 180 rather than jumping to -180.
    assert!(
        r.points.iter().any(|q| q.lon > 180.0),
        "should cross the antimeridian"
    );
    assert!(
        (8_500.0..10_500.0).contains(&r.distance_km),
        "{}",
        r.distance_km
    );
}

#[test]
fn second_request_for_a_pair_comes_from_the_cache() {
    let a = route("HKHKG", "SGSIN", &RouteOptions::default());
    let b = route("HKHKG", "SGSIN", &RouteOptions::default());
    assert!(std::sync::Arc::ptr_eq(&a, &b));
}

#[test]
fn ports_snap_to_a_nearby_network_node() {
    for code in [
        "CNSHA", "CNYSA", "VNCMT", "MYPKG", "SGSIN", "JPTYO", "AUSYD", "NZAKL",
    ] {
        let port = LocationMaster::embedded()
            .get(&UnLocode::parse(code).unwrap())
            .unwrap();
        let (_, km) = router().snap(port.position).unwrap();
        assert!(km < 60.0, "{code} snaps {km:.0} km away");
    }
}

#[test]
fn interpolates_along_the_lane() {
    let r = route("CNYSA", "VNCMT", &RouteOptions::default());
    let mid = r.point_at(0.5).unwrap();
    assert_eq!(r.point_at(0.0), r.points.first().copied());
    assert_eq!(r.point_at(1.0), r.points.last().copied());
    // Halfway Yangshan–Cai Mep is in the South China Sea, off the coast.
    assert!(
        (12.0..24.0).contains(&mid.lat) && (109.0..120.0).contains(&mid.lon),
        "{mid:?}"
    );
}

// --- Against Natural Earth land polygons ------------------------------------------------

type Polygon = Vec<Vec<[f64; 2]>>;
type Edge = ([f64; 2], [f64; 2]);

/// Land polygons with their edges bucketed in half-degree latitude bands, so the ray cast of
/// a point only looks at the edges its parallel can cross.
struct Land {
    bands: std::collections::HashMap<i32, Vec<Edge>>,
}

fn band(lat: f64) -> i32 {
    (lat * 2.0).floor() as i32
}

impl Land {
    fn load() -> Self {
        let polygons: Vec<Polygon> = serde_json::from_str(include_str!(
            "../data/logistics/ne-land-50m-asia-pacific.json"
        ))
        .expect("the land file parses");
        let mut bands: std::collections::HashMap<i32, Vec<Edge>> = std::collections::HashMap::new();
        // Every ring counts on its own: holes flip the parity back, as even-odd wants.
        for ring in polygons.iter().flatten() {
            for w in ring.windows(2) {
                let (lo, hi) = (w[0][1].min(w[1][1]), w[0][1].max(w[1][1]));
                for b in band(lo)..=band(hi) {
                    bands.entry(b).or_default().push((w[0], w[1]));
                }
            }
        }
        Self { bands }
    }

    fn contains(&self, p: GeoPoint) -> bool {
        let x = if p.lon > 180.0 { p.lon - 360.0 } else { p.lon };
        let y = p.lat;
        let Some(edges) = self.bands.get(&band(y)) else {
            return false;
        };
        let crossings = edges
            .iter()
            .filter(|([xi, yi], [xj, yj])| {
                (*yi > y) != (*yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi
            })
            .count();
        crossings % 2 == 1
    }
}

#[test]
fn rcep_lanes_never_cross_natural_earth_land() {
    let land = Land::load();
    let pairs = [
        ("CNSHA", "MYPKG"),
        ("CNYSA", "VNCMT"),
        ("CNYSA", "MYPKG"),
        ("VNCMT", "MYPKG"),
        ("MYPKG", "JPTYO"),
        ("KRPUS", "AUSYD"),
        ("JPTYO", "SGSIN"),
        ("CNNGB", "THLCH"),
        ("HKHKG", "IDTPP"),
        ("CNTAO", "NZAKL"),
    ];
    for (a, b) in pairs {
        let r = route(a, b, &RouteOptions::default());
        let (start, end) = (r.points[0], r.points[r.points.len() - 1]);
        let mut on_land = Vec::new();
        let mut run = 0usize;
        let mut longest_run = 0usize;
        // Sample every ~5 km along what the map draws (straight in lon/lat between points),
        // leaving out the last 40 km at each end, where a coastal port meets the network.
        for w in r.points.windows(2) {
            let steps = (haversine_km(w[0], w[1]) / 5.0).ceil().max(1.0) as usize;
            for s in 0..steps {
                let t = s as f64 / steps as f64;
                let q = p(
                    w[0].lat + (w[1].lat - w[0].lat) * t,
                    w[0].lon + (w[1].lon - w[0].lon) * t,
                );
                if haversine_km(q, start) > 40.0 && haversine_km(q, end) > 40.0 && land.contains(q)
                {
                    on_land.push(q);
                    run += 1;
                    longest_run = longest_run.max(run);
                } else {
                    run = 0;
                }
            }
        }
        // The network is coarse in places: it clips the southern tip of New Caledonia for
        // ~10 km. Tolerate clips of at most 15 km (3 samples), never a crossing.
        assert!(
            longest_run <= 3 && on_land.len() <= 4,
            "{a}→{b} crosses land at {:?}",
            &on_land[..on_land.len().min(5)]
        );
    }
}

#[test]
fn the_land_check_itself_sees_land() {
    let land = Land::load();
    assert!(land.contains(p(11.56, 104.92)), "Phnom Penh is on land");
    assert!(
        land.contains(p(35.7, 139.4)),
        "Tokyo's hinterland is on land"
    );
    assert!(
        !land.contains(p(2.3, 101.5)),
        "the Strait of Malacca is sea"
    );
    assert!(!land.contains(p(15.0, 115.0)), "the South China Sea is sea");
}

#[test]
fn a_straight_line_from_cai_mep_to_port_klang_would_cross_land() {
    // The check catches what a naive map would draw: straight across the Malay Peninsula.
    let land = Land::load();
    let (a, b) = (p(10.54, 107.0), p(3.0, 101.38));
    let crossing = (1..100).any(|i| {
        let t = f64::from(i) / 100.0;
        land.contains(p(a.lat + (b.lat - a.lat) * t, a.lon + (b.lon - a.lon) * t))
    });
    assert!(crossing);
}
