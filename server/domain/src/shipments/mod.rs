//! Live logistics for orders (DESIGN §6): carrier and port feeds (`sources`), their deliveries
//! stored through the upsert rules in one transaction each (`ingest`), shipments linked to
//! orders and the orders moved by actual events (`links`), and the shipment as the API and the
//! order page show it (`view`); DCSA 3.0 publishers polled on a schedule (`polling`). The rules themselves are `logistics` (pure); this module
//! persists them. See `docs/logistics.md`.

pub mod ingest;
pub mod links;
pub mod polling;
pub mod simulation;
pub mod sources;
pub mod view;

pub use ingest::{IngestReport, ingest, record_rejection};
pub use sources::{FeedKeys, FeedKind, FeedSource};
