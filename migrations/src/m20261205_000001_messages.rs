//! The message thread of an RFQ (and its quote): messages from either side, and their
//! attachments (PDF, PNG, JPEG; the bytes live under `PORTFRONT_DATA_DIR/attachments`, the
//! table keeps the name, sniffed type, size and SHA-256).

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
enum Rfqs {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum RfqMessages {
    Table,
    Id,
    RfqId,
    AuthorId,
    AuthorName,
    Party,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Attachments {
    Table,
    Id,
    RfqId,
    MessageId,
    FileName,
    ContentType,
    SizeBytes,
    Sha256,
    CreatedAt,
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    #[expect(
        elided_lifetimes_in_paths,
        reason = "the trait's async_trait signature elides it"
    )]
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, Restrict, SetNull};
        manager
            .create_table(
                Table::create()
                    .table(RfqMessages::Table)
                    .col(uuid(RfqMessages::Id).primary_key())
                    .col(uuid(RfqMessages::RfqId))
                    .col(uuid_null(RfqMessages::AuthorId))
                    .col(string_len(RfqMessages::AuthorName, 254))
                    .col(string_len(RfqMessages::Party, 10))
                    .col(text(RfqMessages::Body))
                    .col(timestamp_with_time_zone(RfqMessages::CreatedAt))
                    .foreign_key(&mut fk(
                        (RfqMessages::Table, RfqMessages::RfqId),
                        (Rfqs::Table, Rfqs::Id),
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        (RfqMessages::Table, RfqMessages::AuthorId),
                        (Users::Table, Users::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Attachments::Table)
                    .col(uuid(Attachments::Id).primary_key())
                    .col(uuid(Attachments::RfqId))
                    .col(uuid(Attachments::MessageId))
                    .col(string_len(Attachments::FileName, 200))
                    .col(string_len(Attachments::ContentType, 40))
                    .col(big_integer(Attachments::SizeBytes))
                    .col(string_len(Attachments::Sha256, 64))
                    .col(timestamp_with_time_zone(Attachments::CreatedAt))
                    .foreign_key(&mut fk(
                        (Attachments::Table, Attachments::RfqId),
                        (Rfqs::Table, Rfqs::Id),
                        Restrict,
                    ))
                    .foreign_key(&mut fk(
                        (Attachments::Table, Attachments::MessageId),
                        (RfqMessages::Table, RfqMessages::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_rfq_messages_rfq_created")
                    .table(RfqMessages::Table)
                    .col(RfqMessages::RfqId)
                    .col(RfqMessages::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_attachments_message")
                    .table(Attachments::Table)
                    .col(Attachments::MessageId)
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
            .drop_table(Table::drop().table(Attachments::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(RfqMessages::Table).to_owned())
            .await
    }
}
