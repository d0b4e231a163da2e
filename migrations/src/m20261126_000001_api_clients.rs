//! Platform API clients (OAuth2 client credentials): the secret is stored only as a hash.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ApiClients {
    Table,
    Id,
    ClientId,
    Name,
    SecretHash,
    Scopes,
    CreatedAt,
    RevokedAt,
    LastUsedAt,
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
                    .table(ApiClients::Table)
                    .col(uuid(ApiClients::Id).primary_key())
                    .col(string_len_uniq(ApiClients::ClientId, 64))
                    .col(string_len(ApiClients::Name, 80))
                    .col(char_len(ApiClients::SecretHash, 64))
                    .col(string_len(ApiClients::Scopes, 400))
                    .col(timestamp_with_time_zone(ApiClients::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiClients::RevokedAt))
                    .col(timestamp_with_time_zone_null(ApiClients::LastUsedAt))
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
            .drop_table(Table::drop().table(ApiClients::Table).to_owned())
            .await
    }
}
