//! The domain's integration tests, one binary (one link, one copy of the generic code) with a
//! module per area: repositories on SQLite and PostgreSQL (`PORTFRONT_TEST_PG_URL`), and the
//! logistics adapters, routing and shipment picture against the sample data in `../data`, and
//! the feeds stored and linked to orders (`shipments_repo`).

mod common;

mod accounts_repo;
mod auth_repo;
mod catalog_repo;
mod eco_issuance;
mod logistics_adapters;
mod logistics_routing;
mod logistics_shipment;
mod notify_repo;
mod people_repo;
mod shipments_repo;
mod trade_demo;
mod trade_messages;
mod trade_repo;
mod two_factor_repo;
