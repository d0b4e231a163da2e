//! The logistics engine: UN/LOCODE locations, the shipment event model (after DCSA Track &
//! Trace 3.0), feed adapters (DCSA 2.2 callbacks, DCSA 3.0 events, EDIFACT IFTSTA/COARRI/CODECO),
//! upsert rules, the shipment picture and sea-lane routing. Framework-free and pure: the server
//! persists and pushes, this module decides. See `docs/logistics.md`.
//!
//! The feature `locations` compiles only the location master (the storefront names ports with
//! it); `logistics` adds the rest of the engine and its crates (graph, R-tree, EDIFACT, zones).

#[cfg(feature = "logistics")]
pub mod adapters;
#[cfg(feature = "logistics")]
pub mod codes;
#[cfg(feature = "logistics")]
pub mod error;
#[cfg(feature = "logistics")]
pub mod event;
pub mod locations;
#[cfg(feature = "logistics")]
pub mod picture;
#[cfg(feature = "logistics")]
pub mod routing;
#[cfg(feature = "logistics")]
pub mod upsert;

#[cfg(feature = "logistics")]
pub use adapters::profile::PartnerProfile;
#[cfg(feature = "logistics")]
pub use error::{EdifactError, FeedError, JsonError, SignatureError};
#[cfg(feature = "logistics")]
pub use event::{Event, EventKey, EventKind, FeedItem, Retraction, SourceId};
pub use locations::{GeoPoint, LocationMaster, LocationRef, LocationStatus};
#[cfg(feature = "logistics")]
pub use picture::{PictureOptions, ShipmentPicture};
#[cfg(feature = "logistics")]
pub use routing::{Passage, RouteOptions, SeaRoute, SeaRouter};
#[cfg(feature = "logistics")]
pub use upsert::{EventStore, ShipmentEvent, UpsertOutcome};
