//! Portfront's database schema as sea-orm migrations, shared by SQLite and PostgreSQL.
//!
//! Conventions: UUID primary keys, UTC timestamps (`timestamp with time zone`), money and other
//! decimals as canonical decimal text (exact on both engines), code lists as JSON arrays.

pub use sea_orm_migration::prelude::*;

mod m20261125_000001_catalog;
mod m20261126_000001_api_clients;
mod m20261126_000002_accounts;
mod m20261127_000001_companies_and_sign_in;
mod m20261202_000001_search_text;
mod m20261202_000002_email_verified;
mod m20261203_000001_two_factor;
mod m20261204_000001_trade;
mod m20261205_000001_messages;
mod m20261206_000001_notifications;
mod m20261207_000001_eco;
mod m20261208_000001_shipments;
mod m20261209_000001_feed_polls;

/// Every migration, oldest first. The server runs the pending ones at start.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_catalog::Migration),
            Box::new(m20261126_000001_api_clients::Migration),
            Box::new(m20261126_000002_accounts::Migration),
            Box::new(m20261127_000001_companies_and_sign_in::Migration),
            Box::new(m20261202_000001_search_text::Migration),
            Box::new(m20261202_000002_email_verified::Migration),
            Box::new(m20261203_000001_two_factor::Migration),
            Box::new(m20261204_000001_trade::Migration),
            Box::new(m20261205_000001_messages::Migration),
            Box::new(m20261206_000001_notifications::Migration),
            Box::new(m20261207_000001_eco::Migration),
            Box::new(m20261208_000001_shipments::Migration),
            Box::new(m20261209_000001_feed_polls::Migration),
        ]
    }
}
