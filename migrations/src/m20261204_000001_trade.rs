//! The buying flow: RFQs with their lines, quotes with versions, lines and buyer counters,
//! orders with their lines, one `transitions` table recording every status change of the
//! three (actor, party, source, reason, time), the `outbox` of domain events written in the
//! same transaction as the change, and `counters` for human-readable numbers
//! (`RFQ-2026-00001`, gap-tolerant: a rolled-back transaction may skip one).
//!
//! Money is decimal text; quantities are integers; `orders.quote_id` is unique, so a quote
//! becomes at most one order whatever races.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Companies {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Counters {
    Table,
    Name,
    Value,
}

#[derive(DeriveIden)]
enum Rfqs {
    Table,
    Id,
    Number,
    CompanyId,
    CreatedBy,
    Status,
    Incoterm,
    NamedPlace,
    DestinationPort,
    RequiredBy,
    PoNumber,
    Notes,
    Currency,
    AssigneeId,
    DeclineReason,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RfqLines {
    Table,
    Id,
    RfqId,
    Position,
    ProductId,
    Description,
    Quantity,
    Unit,
    TargetPrice,
}

#[derive(DeriveIden)]
enum Quotes {
    Table,
    Id,
    RfqId,
    Number,
    Status,
    CurrentVersion,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum QuoteVersions {
    Table,
    Id,
    QuoteId,
    Version,
    Currency,
    Incoterm,
    NamedPlace,
    Freight,
    Insurance,
    PaymentTerms,
    ValidUntil,
    InternalNotes,
    Subtotal,
    Total,
    CreatedBy,
    CreatedAt,
    SentAt,
}

#[derive(DeriveIden)]
enum QuoteLines {
    Table,
    Id,
    QuoteVersionId,
    Position,
    ProductId,
    Description,
    Quantity,
    Unit,
    UnitPrice,
    LeadTimeDays,
    LineTotal,
}

#[derive(DeriveIden)]
enum QuoteCounters {
    Table,
    Id,
    QuoteId,
    Version,
    Lines,
    Message,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Orders {
    Table,
    Id,
    Number,
    CompanyId,
    QuoteId,
    QuoteVersion,
    RfqId,
    Status,
    Currency,
    Incoterm,
    NamedPlace,
    PortOfLoading,
    ShipToPort,
    PoNumber,
    Subtotal,
    Freight,
    Insurance,
    Total,
    InvoiceNumber,
    InvoiceDate,
    ShipmentReferences,
    CancelReason,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OrderLines {
    Table,
    Id,
    OrderId,
    Position,
    ProductId,
    Description,
    Quantity,
    Unit,
    UnitPrice,
    LineTotal,
    LeadTimeDays,
}

#[derive(DeriveIden)]
enum Transitions {
    Table,
    Id,
    Subject,
    SubjectId,
    FromStatus,
    ToStatus,
    ActorUserId,
    Actor,
    Party,
    Source,
    Reason,
    At,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    Kind,
    Payload,
    CreatedAt,
    AvailableAt,
    Attempts,
    LastError,
    LeaseUntil,
    ProcessedAt,
}

fn fk(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .to_owned()
}

fn index(
    name: &str,
    table: impl IntoIden,
    cols: &[&'static str],
    unique: bool,
) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(Alias::new(*c));
    }
    if unique {
        i.unique();
    }
    i.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    #[expect(
        elided_lifetimes_in_paths,
        reason = "the trait's async_trait signature elides it"
    )]
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, Restrict, SetNull};
        let tables = [
            Table::create()
                .table(Counters::Table)
                .col(string_len(Counters::Name, 40).primary_key())
                .col(big_integer(Counters::Value))
                .to_owned(),
            Table::create()
                .table(Rfqs::Table)
                .col(uuid(Rfqs::Id).primary_key())
                .col(string_len_uniq(Rfqs::Number, 20))
                .col(uuid(Rfqs::CompanyId))
                .col(uuid(Rfqs::CreatedBy))
                .col(string_len(Rfqs::Status, 20))
                .col(string_len(Rfqs::Incoterm, 3))
                .col(string_len(Rfqs::NamedPlace, 100))
                .col(string_len(Rfqs::DestinationPort, 5))
                .col(date_null(Rfqs::RequiredBy))
                .col(string_len_null(Rfqs::PoNumber, 35))
                .col(text(Rfqs::Notes))
                .col(string_len(Rfqs::Currency, 3))
                .col(uuid_null(Rfqs::AssigneeId))
                .col(text_null(Rfqs::DeclineReason))
                .col(timestamp_with_time_zone(Rfqs::CreatedAt))
                .col(timestamp_with_time_zone(Rfqs::UpdatedAt))
                .foreign_key(&mut fk(
                    (Rfqs::Table, Rfqs::CompanyId),
                    (Companies::Table, Companies::Id),
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    (Rfqs::Table, Rfqs::CreatedBy),
                    (Users::Table, Users::Id),
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    (Rfqs::Table, Rfqs::AssigneeId),
                    (Users::Table, Users::Id),
                    SetNull,
                ))
                .to_owned(),
            Table::create()
                .table(RfqLines::Table)
                .col(uuid(RfqLines::Id).primary_key())
                .col(uuid(RfqLines::RfqId))
                .col(integer(RfqLines::Position))
                .col(uuid_null(RfqLines::ProductId))
                .col(string_len(RfqLines::Description, 200))
                .col(big_integer(RfqLines::Quantity))
                .col(string_len(RfqLines::Unit, 3))
                .col(string_len_null(RfqLines::TargetPrice, 40))
                .foreign_key(&mut fk(
                    (RfqLines::Table, RfqLines::RfqId),
                    (Rfqs::Table, Rfqs::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    (RfqLines::Table, RfqLines::ProductId),
                    (Products::Table, Products::Id),
                    SetNull,
                ))
                .to_owned(),
            Table::create()
                .table(Quotes::Table)
                .col(uuid(Quotes::Id).primary_key())
                .col(uuid_uniq(Quotes::RfqId))
                .col(string_len_uniq(Quotes::Number, 20))
                .col(string_len(Quotes::Status, 20))
                .col(integer(Quotes::CurrentVersion))
                .col(timestamp_with_time_zone(Quotes::CreatedAt))
                .col(timestamp_with_time_zone(Quotes::UpdatedAt))
                .foreign_key(&mut fk(
                    (Quotes::Table, Quotes::RfqId),
                    (Rfqs::Table, Rfqs::Id),
                    Cascade,
                ))
                .to_owned(),
            Table::create()
                .table(QuoteVersions::Table)
                .col(uuid(QuoteVersions::Id).primary_key())
                .col(uuid(QuoteVersions::QuoteId))
                .col(integer(QuoteVersions::Version))
                .col(string_len(QuoteVersions::Currency, 3))
                .col(string_len(QuoteVersions::Incoterm, 3))
                .col(string_len(QuoteVersions::NamedPlace, 100))
                .col(string_len(QuoteVersions::Freight, 40))
                .col(string_len(QuoteVersions::Insurance, 40))
                .col(text(QuoteVersions::PaymentTerms))
                .col(date(QuoteVersions::ValidUntil))
                .col(text(QuoteVersions::InternalNotes))
                .col(string_len(QuoteVersions::Subtotal, 40))
                .col(string_len(QuoteVersions::Total, 40))
                .col(uuid_null(QuoteVersions::CreatedBy))
                .col(timestamp_with_time_zone(QuoteVersions::CreatedAt))
                .col(timestamp_with_time_zone_null(QuoteVersions::SentAt))
                .foreign_key(&mut fk(
                    (QuoteVersions::Table, QuoteVersions::QuoteId),
                    (Quotes::Table, Quotes::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    (QuoteVersions::Table, QuoteVersions::CreatedBy),
                    (Users::Table, Users::Id),
                    SetNull,
                ))
                .to_owned(),
            Table::create()
                .table(QuoteLines::Table)
                .col(uuid(QuoteLines::Id).primary_key())
                .col(uuid(QuoteLines::QuoteVersionId))
                .col(integer(QuoteLines::Position))
                .col(uuid_null(QuoteLines::ProductId))
                .col(string_len(QuoteLines::Description, 200))
                .col(big_integer(QuoteLines::Quantity))
                .col(string_len(QuoteLines::Unit, 3))
                .col(string_len(QuoteLines::UnitPrice, 40))
                .col(integer(QuoteLines::LeadTimeDays))
                .col(string_len(QuoteLines::LineTotal, 40))
                .foreign_key(&mut fk(
                    (QuoteLines::Table, QuoteLines::QuoteVersionId),
                    (QuoteVersions::Table, QuoteVersions::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    (QuoteLines::Table, QuoteLines::ProductId),
                    (Products::Table, Products::Id),
                    SetNull,
                ))
                .to_owned(),
            Table::create()
                .table(QuoteCounters::Table)
                .col(uuid(QuoteCounters::Id).primary_key())
                .col(uuid(QuoteCounters::QuoteId))
                .col(integer(QuoteCounters::Version))
                .col(json(QuoteCounters::Lines))
                .col(text(QuoteCounters::Message))
                .col(uuid_null(QuoteCounters::CreatedBy))
                .col(timestamp_with_time_zone(QuoteCounters::CreatedAt))
                .foreign_key(&mut fk(
                    (QuoteCounters::Table, QuoteCounters::QuoteId),
                    (Quotes::Table, Quotes::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    (QuoteCounters::Table, QuoteCounters::CreatedBy),
                    (Users::Table, Users::Id),
                    SetNull,
                ))
                .to_owned(),
            Table::create()
                .table(Orders::Table)
                .col(uuid(Orders::Id).primary_key())
                .col(string_len_uniq(Orders::Number, 20))
                .col(uuid(Orders::CompanyId))
                .col(uuid_uniq(Orders::QuoteId))
                .col(integer(Orders::QuoteVersion))
                .col(uuid(Orders::RfqId))
                .col(string_len(Orders::Status, 20))
                .col(string_len(Orders::Currency, 3))
                .col(string_len(Orders::Incoterm, 3))
                .col(string_len(Orders::NamedPlace, 100))
                .col(string_len_null(Orders::PortOfLoading, 5))
                .col(string_len(Orders::ShipToPort, 5))
                .col(string_len_null(Orders::PoNumber, 35))
                .col(string_len(Orders::Subtotal, 40))
                .col(string_len(Orders::Freight, 40))
                .col(string_len(Orders::Insurance, 40))
                .col(string_len(Orders::Total, 40))
                .col(string_len_null(Orders::InvoiceNumber, 35))
                .col(date_null(Orders::InvoiceDate))
                .col(json(Orders::ShipmentReferences))
                .col(text_null(Orders::CancelReason))
                .col(uuid_null(Orders::CreatedBy))
                .col(timestamp_with_time_zone(Orders::CreatedAt))
                .col(timestamp_with_time_zone(Orders::UpdatedAt))
                .foreign_key(&mut fk(
                    (Orders::Table, Orders::CompanyId),
                    (Companies::Table, Companies::Id),
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    (Orders::Table, Orders::QuoteId),
                    (Quotes::Table, Quotes::Id),
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    (Orders::Table, Orders::RfqId),
                    (Rfqs::Table, Rfqs::Id),
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    (Orders::Table, Orders::CreatedBy),
                    (Users::Table, Users::Id),
                    SetNull,
                ))
                .to_owned(),
            Table::create()
                .table(OrderLines::Table)
                .col(uuid(OrderLines::Id).primary_key())
                .col(uuid(OrderLines::OrderId))
                .col(integer(OrderLines::Position))
                .col(uuid_null(OrderLines::ProductId))
                .col(string_len(OrderLines::Description, 200))
                .col(big_integer(OrderLines::Quantity))
                .col(string_len(OrderLines::Unit, 3))
                .col(string_len(OrderLines::UnitPrice, 40))
                .col(string_len(OrderLines::LineTotal, 40))
                .col(integer(OrderLines::LeadTimeDays))
                .foreign_key(&mut fk(
                    (OrderLines::Table, OrderLines::OrderId),
                    (Orders::Table, Orders::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    (OrderLines::Table, OrderLines::ProductId),
                    (Products::Table, Products::Id),
                    SetNull,
                ))
                .to_owned(),
            Table::create()
                .table(Transitions::Table)
                .col(uuid(Transitions::Id).primary_key())
                .col(string_len(Transitions::Subject, 10))
                .col(uuid(Transitions::SubjectId))
                .col(string_len_null(Transitions::FromStatus, 20))
                .col(string_len(Transitions::ToStatus, 20))
                .col(uuid_null(Transitions::ActorUserId))
                .col(string_len(Transitions::Actor, 254))
                .col(string_len(Transitions::Party, 10))
                .col(string_len(Transitions::Source, 10))
                .col(text_null(Transitions::Reason))
                .col(timestamp_with_time_zone(Transitions::At))
                .foreign_key(&mut fk(
                    (Transitions::Table, Transitions::ActorUserId),
                    (Users::Table, Users::Id),
                    SetNull,
                ))
                .to_owned(),
            Table::create()
                .table(Outbox::Table)
                .col(uuid(Outbox::Id).primary_key())
                .col(string_len(Outbox::Kind, 40))
                .col(json(Outbox::Payload))
                .col(timestamp_with_time_zone(Outbox::CreatedAt))
                .col(timestamp_with_time_zone(Outbox::AvailableAt))
                .col(integer(Outbox::Attempts).default(0))
                .col(text_null(Outbox::LastError))
                .col(timestamp_with_time_zone_null(Outbox::LeaseUntil))
                .col(timestamp_with_time_zone_null(Outbox::ProcessedAt))
                .to_owned(),
        ];
        for statement in tables {
            manager.create_table(statement).await?;
        }
        let indexes = [
            index("idx_rfqs_company_id", Rfqs::Table, &["company_id"], false),
            index(
                "idx_rfqs_status",
                Rfqs::Table,
                &["status", "created_at"],
                false,
            ),
            index(
                "idx_rfq_lines_rfq_position",
                RfqLines::Table,
                &["rfq_id", "position"],
                true,
            ),
            index(
                "idx_quote_versions_quote_version",
                QuoteVersions::Table,
                &["quote_id", "version"],
                true,
            ),
            index(
                "idx_quote_lines_version_position",
                QuoteLines::Table,
                &["quote_version_id", "position"],
                true,
            ),
            index(
                "idx_quote_counters_quote_id",
                QuoteCounters::Table,
                &["quote_id"],
                false,
            ),
            index(
                "idx_orders_company_id",
                Orders::Table,
                &["company_id"],
                false,
            ),
            index("idx_orders_status", Orders::Table, &["status"], false),
            index(
                "idx_orders_updated_at",
                Orders::Table,
                &["updated_at"],
                false,
            ),
            index(
                "idx_order_lines_order_position",
                OrderLines::Table,
                &["order_id", "position"],
                true,
            ),
            index(
                "idx_transitions_subject",
                Transitions::Table,
                &["subject_id", "at"],
                false,
            ),
            index(
                "idx_outbox_pending",
                Outbox::Table,
                &["processed_at", "available_at"],
                false,
            ),
        ];
        for statement in indexes {
            manager.create_index(statement).await?;
        }
        Ok(())
    }

    #[expect(
        elided_lifetimes_in_paths,
        reason = "the trait's async_trait signature elides it"
    )]
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables: [DynIden; 11] = [
            Outbox::Table.into_iden(),
            Transitions::Table.into_iden(),
            OrderLines::Table.into_iden(),
            Orders::Table.into_iden(),
            QuoteCounters::Table.into_iden(),
            QuoteLines::Table.into_iden(),
            QuoteVersions::Table.into_iden(),
            Quotes::Table.into_iden(),
            RfqLines::Table.into_iden(),
            Rfqs::Table.into_iden(),
            Counters::Table.into_iden(),
        ];
        for table in tables {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
