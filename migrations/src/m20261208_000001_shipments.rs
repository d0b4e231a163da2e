//! Live logistics: the carrier and port feeds (`feed_sources`, with every delivery in
//! `feed_deliveries`), the shipment events they sent after the upsert rules
//! (`shipment_events`, one row per (source, event ID), tombstones included, with the references
//! each names in `shipment_event_refs`), and the shipment references staff keep on an order
//! as rows (`order_references`) so an event finds its orders by index.
//!
//! A source's webhook secret is not stored: `secret_salt` and the server's key file derive it
//! (`domain::shipments::sources`), so the database alone does not reveal it.
//! `shipment_events.seq` is the change sequence the live stream resumes from.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::prelude::Json as JsonValue;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Orders {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum FeedSources {
    Table,
    Id,
    Name,
    Kind,
    SecretSalt,
    Profile,
    MovesOrders,
    Enabled,
    RatePerMinute,
    AcceptedCount,
    RejectedCount,
    EventCount,
    FlaggedCount,
    LastEventAt,
    LastDeliveryAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum FeedDeliveries {
    Table,
    Id,
    SourceId,
    ReceivedAt,
    Outcome,
    Status,
    Detail,
    BodyBytes,
    BodySha256,
    Events,
    Inserted,
    Updated,
    Duplicates,
    Stale,
    Retracted,
    Flagged,
    Unusable,
    Problems,
    OrdersMoved,
}

#[derive(DeriveIden)]
enum ShipmentEvents {
    Table,
    Id,
    Source,
    EventId,
    Entry,
    Live,
    EventTime,
    UpdatedTime,
    Seq,
    DeliveryId,
    ReceivedAt,
}

#[derive(DeriveIden)]
enum ShipmentEventRefs {
    Table,
    ShipmentEventId,
    Reference,
    Kind,
}

#[derive(DeriveIden)]
enum OrderReferences {
    Table,
    OrderId,
    Reference,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    #[expect(
        elided_lifetimes_in_paths,
        reason = "the trait's async_trait signature elides it"
    )]
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(FeedSources::Table)
                    .col(uuid(FeedSources::Id).primary_key())
                    .col(string_len_uniq(FeedSources::Name, 64))
                    .col(string_len(FeedSources::Kind, 16))
                    .col(string_len(FeedSources::SecretSalt, 64))
                    .col(text_null(FeedSources::Profile))
                    .col(boolean(FeedSources::MovesOrders).default(true))
                    .col(boolean(FeedSources::Enabled).default(true))
                    .col(integer(FeedSources::RatePerMinute).default(600))
                    .col(big_integer(FeedSources::AcceptedCount).default(0))
                    .col(big_integer(FeedSources::RejectedCount).default(0))
                    .col(big_integer(FeedSources::EventCount).default(0))
                    .col(big_integer(FeedSources::FlaggedCount).default(0))
                    .col(timestamp_with_time_zone_null(FeedSources::LastEventAt))
                    .col(timestamp_with_time_zone_null(FeedSources::LastDeliveryAt))
                    .col(timestamp_with_time_zone(FeedSources::CreatedAt))
                    .col(timestamp_with_time_zone(FeedSources::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(FeedDeliveries::Table)
                    .col(uuid(FeedDeliveries::Id).primary_key())
                    .col(uuid(FeedDeliveries::SourceId))
                    .col(timestamp_with_time_zone(FeedDeliveries::ReceivedAt))
                    .col(string_len(FeedDeliveries::Outcome, 16))
                    .col(integer(FeedDeliveries::Status))
                    .col(text_null(FeedDeliveries::Detail))
                    .col(big_integer(FeedDeliveries::BodyBytes))
                    .col(string_len(FeedDeliveries::BodySha256, 64))
                    .col(integer(FeedDeliveries::Events).default(0))
                    .col(integer(FeedDeliveries::Inserted).default(0))
                    .col(integer(FeedDeliveries::Updated).default(0))
                    .col(integer(FeedDeliveries::Duplicates).default(0))
                    .col(integer(FeedDeliveries::Stale).default(0))
                    .col(integer(FeedDeliveries::Retracted).default(0))
                    .col(integer(FeedDeliveries::Flagged).default(0))
                    .col(integer(FeedDeliveries::Unusable).default(0))
                    .col(json_null(FeedDeliveries::Problems))
                    .col(integer(FeedDeliveries::OrdersMoved).default(0))
                    .foreign_key(
                        ForeignKey::create()
                            .from(FeedDeliveries::Table, FeedDeliveries::SourceId)
                            .to(FeedSources::Table, FeedSources::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_feed_deliveries_source_received")
                    .table(FeedDeliveries::Table)
                    .col(FeedDeliveries::SourceId)
                    .col(FeedDeliveries::ReceivedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ShipmentEvents::Table)
                    .col(uuid(ShipmentEvents::Id).primary_key())
                    .col(string_len(ShipmentEvents::Source, 64))
                    .col(string_len(ShipmentEvents::EventId, 100))
                    .col(json(ShipmentEvents::Entry))
                    .col(boolean(ShipmentEvents::Live))
                    .col(timestamp_with_time_zone_null(ShipmentEvents::EventTime))
                    .col(timestamp_with_time_zone(ShipmentEvents::UpdatedTime))
                    .col(big_integer(ShipmentEvents::Seq))
                    .col(uuid_null(ShipmentEvents::DeliveryId))
                    .col(timestamp_with_time_zone(ShipmentEvents::ReceivedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_shipment_events_key")
                    .table(ShipmentEvents::Table)
                    .col(ShipmentEvents::Source)
                    .col(ShipmentEvents::EventId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_shipment_events_seq")
                    .table(ShipmentEvents::Table)
                    .col(ShipmentEvents::Seq)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ShipmentEventRefs::Table)
                    .col(uuid(ShipmentEventRefs::ShipmentEventId))
                    .col(string_len(ShipmentEventRefs::Reference, 100))
                    .col(string_len(ShipmentEventRefs::Kind, 8))
                    .primary_key(
                        Index::create()
                            .col(ShipmentEventRefs::ShipmentEventId)
                            .col(ShipmentEventRefs::Reference),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ShipmentEventRefs::Table, ShipmentEventRefs::ShipmentEventId)
                            .to(ShipmentEvents::Table, ShipmentEvents::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_shipment_event_refs_reference")
                    .table(ShipmentEventRefs::Table)
                    .col(ShipmentEventRefs::Reference)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OrderReferences::Table)
                    .col(uuid(OrderReferences::OrderId))
                    .col(string_len(OrderReferences::Reference, 100))
                    .primary_key(
                        Index::create()
                            .col(OrderReferences::OrderId)
                            .col(OrderReferences::Reference),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(OrderReferences::Table, OrderReferences::OrderId)
                            .to(Orders::Table, Orders::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_order_references_reference")
                    .table(OrderReferences::Table)
                    .col(OrderReferences::Reference)
                    .to_owned(),
            )
            .await?;
        backfill_order_references(manager).await
    }

    #[expect(
        elided_lifetimes_in_paths,
        reason = "the trait's async_trait signature elides it"
    )]
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            OrderReferences::Table.into_iden(),
            ShipmentEventRefs::Table.into_iden(),
            ShipmentEvents::Table.into_iden(),
            FeedDeliveries::Table.into_iden(),
            FeedSources::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

/// The references already kept on orders (a JSON array per order) become rows. The id is
/// copied by the database itself (`INSERT … SELECT`), whatever type the engine stores it as.
async fn backfill_order_references(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let backend = manager.get_database_backend();
    let (key, insert) = match backend {
        DatabaseBackend::Sqlite => (
            "hex(id)",
            "INSERT INTO order_references (order_id, reference) SELECT id, ? FROM orders WHERE hex(id) = ?",
        ),
        _ => (
            "CAST(id AS TEXT)",
            "INSERT INTO order_references (order_id, reference) SELECT id, $1 FROM orders WHERE CAST(id AS TEXT) = $2",
        ),
    };
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            format!("SELECT {key} AS oid, shipment_references FROM orders"),
        ))
        .await?;
    for row in rows {
        let oid: String = row.try_get("", "oid")?;
        let refs: JsonValue = row.try_get("", "shipment_references")?;
        let mut seen: Vec<String> = Vec::new();
        for r in refs.as_array().into_iter().flatten() {
            let Some(r) = r.as_str().map(str::trim).filter(|r| !r.is_empty()) else {
                continue;
            };
            if seen.iter().any(|s| s == r) {
                continue;
            }
            seen.push(r.to_owned());
            db.execute_raw(Statement::from_sql_and_values(
                backend,
                insert,
                [r.into(), oid.clone().into()],
            ))
            .await?;
        }
    }
    Ok(())
}
