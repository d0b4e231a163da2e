//! Certificates of origin: the data the e-CO needs where it belongs (products: HS edition,
//! origin modifiers, producer; exporter profile: declaration place, issuing mode and body;
//! orders: transport; order lines: packages, marks, FOB value), the issuance jobs the order's
//! move to `export_cleared` writes (`eco_jobs`), and the issued certificates with their
//! status-list entry (`certificates`).
//!
//! Two unique keys carry the "exactly one" rules: `certificates.current_order_id` holds the
//! order's id while the certificate is valid (NULL once revoked, and NULLs never collide), so
//! an order has at most one valid certificate; `eco_jobs.open_order_id` holds it while a job
//! is open, so an order has at most one job in flight. `(status_list, status_index)` is unique:
//! no two certificates share a revocation bit.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Products {
    Table,
    HsEdition,
    OriginModifiers,
    ProducerName,
    ProducerAddress,
    ProducerCountry,
    ProducerConfidential,
}

#[derive(DeriveIden, Clone, Copy)]
enum ExporterProfile {
    Table,
    DeclarationPlace,
    IssuingMode,
    IssuingBodyName,
    IssuingBodyPlace,
}

#[derive(DeriveIden, Clone, Copy)]
enum Orders {
    Table,
    Id,
    TransportMode,
    Vessel,
    Voyage,
    DepartureDate,
    PortOfDischarge,
}

#[derive(DeriveIden, Clone, Copy)]
enum OrderLines {
    Table,
    PackageCount,
    PackageKind,
    Marks,
    FobValue,
}

#[derive(DeriveIden)]
enum EcoJobs {
    Table,
    Id,
    OrderId,
    OpenOrderId,
    State,
    ReplacesCertificateId,
    ApplicationReference,
    Attempts,
    LastError,
    Problems,
    NextAttemptAt,
    LeaseUntil,
    CertificateId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Certificates {
    Table,
    Id,
    Number,
    Kind,
    OrderId,
    CurrentOrderId,
    ApplicationReference,
    Status,
    Credential,
    StatusList,
    StatusIndex,
    ReplacesId,
    ReplacedById,
    RevocationReason,
    RevokedAt,
    RevokedBy,
    IssuedAt,
    ValidUntil,
}

async fn add_columns(
    manager: &SchemaManager<'_>,
    table: impl IntoIden + Copy,
    columns: Vec<ColumnDef>,
) -> Result<(), DbErr> {
    // SQLite alters one column per statement.
    for c in columns {
        manager
            .alter_table(Table::alter().table(table).add_column(c).to_owned())
            .await?;
    }
    Ok(())
}

async fn drop_columns(
    manager: &SchemaManager<'_>,
    table: impl IntoIden + Copy,
    columns: Vec<DynIden>,
) -> Result<(), DbErr> {
    for c in columns {
        manager
            .alter_table(Table::alter().table(table).drop_column(c).to_owned())
            .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    #[expect(
        elided_lifetimes_in_paths,
        reason = "the trait's async_trait signature elides it"
    )]
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_columns(
            manager,
            Products::Table,
            vec![
                string_len_null(Products::HsEdition, 8),
                json_null(Products::OriginModifiers),
                string_len_null(Products::ProducerName, 200),
                string_len_null(Products::ProducerAddress, 500),
                string_len_null(Products::ProducerCountry, 2),
                boolean(Products::ProducerConfidential)
                    .default(false)
                    .to_owned(),
            ],
        )
        .await?;
        add_columns(
            manager,
            ExporterProfile::Table,
            vec![
                string_len_null(ExporterProfile::DeclarationPlace, 120),
                string_len(ExporterProfile::IssuingMode, 24)
                    .default("approved_exporter")
                    .to_owned(),
                string_len_null(ExporterProfile::IssuingBodyName, 200),
                string_len_null(ExporterProfile::IssuingBodyPlace, 120),
            ],
        )
        .await?;
        add_columns(
            manager,
            Orders::Table,
            vec![
                string_len_null(Orders::TransportMode, 8),
                string_len_null(Orders::Vessel, 100),
                string_len_null(Orders::Voyage, 35),
                date_null(Orders::DepartureDate),
                string_len_null(Orders::PortOfDischarge, 5),
            ],
        )
        .await?;
        add_columns(
            manager,
            OrderLines::Table,
            vec![
                integer_null(OrderLines::PackageCount),
                string_len_null(OrderLines::PackageKind, 35),
                string_len_null(OrderLines::Marks, 500),
                string_len_null(OrderLines::FobValue, 40),
            ],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(Certificates::Table)
                    .col(uuid(Certificates::Id).primary_key())
                    .col(string_len_uniq(Certificates::Number, 64))
                    .col(string_len(Certificates::Kind, 24))
                    .col(uuid(Certificates::OrderId))
                    .col(uuid_null(Certificates::CurrentOrderId).unique_key())
                    .col(string_len(Certificates::ApplicationReference, 64))
                    .col(string_len(Certificates::Status, 16))
                    .col(text(Certificates::Credential))
                    .col(integer(Certificates::StatusList))
                    .col(integer(Certificates::StatusIndex))
                    .col(uuid_null(Certificates::ReplacesId))
                    .col(uuid_null(Certificates::ReplacedById))
                    .col(text_null(Certificates::RevocationReason))
                    .col(timestamp_with_time_zone_null(Certificates::RevokedAt))
                    .col(string_len_null(Certificates::RevokedBy, 254))
                    .col(timestamp_with_time_zone(Certificates::IssuedAt))
                    .col(timestamp_with_time_zone(Certificates::ValidUntil))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Certificates::Table, Certificates::OrderId)
                            .to(Orders::Table, Orders::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_certificates_status_entry")
                    .table(Certificates::Table)
                    .col(Certificates::StatusList)
                    .col(Certificates::StatusIndex)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_certificates_order")
                    .table(Certificates::Table)
                    .col(Certificates::OrderId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EcoJobs::Table)
                    .col(uuid(EcoJobs::Id).primary_key())
                    .col(uuid(EcoJobs::OrderId))
                    .col(uuid_null(EcoJobs::OpenOrderId).unique_key())
                    .col(string_len(EcoJobs::State, 16))
                    .col(uuid_null(EcoJobs::ReplacesCertificateId))
                    .col(string_len_null(EcoJobs::ApplicationReference, 64))
                    .col(integer(EcoJobs::Attempts).default(0))
                    .col(text_null(EcoJobs::LastError))
                    .col(json_null(EcoJobs::Problems))
                    .col(timestamp_with_time_zone(EcoJobs::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(EcoJobs::LeaseUntil))
                    .col(uuid_null(EcoJobs::CertificateId))
                    .col(timestamp_with_time_zone(EcoJobs::CreatedAt))
                    .col(timestamp_with_time_zone(EcoJobs::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(EcoJobs::Table, EcoJobs::OrderId)
                            .to(Orders::Table, Orders::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_eco_jobs_due")
                    .table(EcoJobs::Table)
                    .col(EcoJobs::State)
                    .col(EcoJobs::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_eco_jobs_order")
                    .table(EcoJobs::Table)
                    .col(EcoJobs::OrderId)
                    .to_owned(),
            )
            .await
    }

    #[expect(
        elided_lifetimes_in_paths,
        reason = "the trait's async_trait signature elides it"
    )]
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(EcoJobs::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Certificates::Table).to_owned())
            .await?;
        drop_columns(
            manager,
            OrderLines::Table,
            vec![
                OrderLines::PackageCount.into_iden(),
                OrderLines::PackageKind.into_iden(),
                OrderLines::Marks.into_iden(),
                OrderLines::FobValue.into_iden(),
            ],
        )
        .await?;
        drop_columns(
            manager,
            Orders::Table,
            vec![
                Orders::TransportMode.into_iden(),
                Orders::Vessel.into_iden(),
                Orders::Voyage.into_iden(),
                Orders::DepartureDate.into_iden(),
                Orders::PortOfDischarge.into_iden(),
            ],
        )
        .await?;
        drop_columns(
            manager,
            ExporterProfile::Table,
            vec![
                ExporterProfile::DeclarationPlace.into_iden(),
                ExporterProfile::IssuingMode.into_iden(),
                ExporterProfile::IssuingBodyName.into_iden(),
                ExporterProfile::IssuingBodyPlace.into_iden(),
            ],
        )
        .await?;
        drop_columns(
            manager,
            Products::Table,
            vec![
                Products::HsEdition.into_iden(),
                Products::OriginModifiers.into_iden(),
                Products::ProducerName.into_iden(),
                Products::ProducerAddress.into_iden(),
                Products::ProducerCountry.into_iden(),
                Products::ProducerConfidential.into_iden(),
            ],
        )
        .await
    }
}
