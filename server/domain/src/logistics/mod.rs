//! The logistics engine: UN/LOCODE locations, the shipment event model (after DCSA Track &
//! Trace 3.0), feed adapters (DCSA 2.2 callbacks, DCSA 3.0 events, EDIFACT IFTSTA/COARRI/CODECO),
//! upsert rules, the shipment picture and sea-lane routing. Framework-free and pure: the server
//! persists and pushes, this module decides. See `docs/logistics.md`.

pub mod adapters;
pub mod codes;
pub mod error;
pub mod event;
pub mod locations;
pub mod picture;
pub mod routing;
pub mod upsert;

pub use adapters::profile::PartnerProfile;
pub use error::{EdifactError, FeedError, JsonError, SignatureError};
pub use event::{Event, EventKey, EventKind, FeedItem, Retraction, SourceId};
pub use locations::{GeoPoint, LocationMaster, LocationRef, LocationStatus};
pub use picture::{PictureOptions, ShipmentPicture};
pub use routing::{Passage, RouteOptions, SeaRoute, SeaRouter};
pub use upsert::{EventStore, ShipmentEvent, UpsertOutcome};
