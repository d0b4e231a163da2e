//! `feed_polls`: how a `dcsa-poll` source is polled — the publisher's DCSA 3.0 `GET /events`
//! address, its OAuth2 token endpoint and client (the secret sealed with a key derived from
//! the server's feed key file, `domain::shipments::polling`), and where the last poll stopped
//! (the `Next-Page-Cursor` to go on from, else the newest update time seen), the schedule, the
//! lease a replica holds while it polls, and the last failure.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FeedSources {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum FeedPolls {
    Table,
    FeedSourceId,
    EventsUrl,
    TokenUrl,
    ClientId,
    ClientSecretSealed,
    Scope,
    IntervalSeconds,
    Cursor,
    UpdatedMin,
    NextPollAt,
    LeaseUntil,
    Failures,
    LastPollAt,
    LastError,
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
                    .table(FeedPolls::Table)
                    .col(uuid(FeedPolls::FeedSourceId).primary_key())
                    .col(string_len(FeedPolls::EventsUrl, 500))
                    .col(string_len(FeedPolls::TokenUrl, 500))
                    .col(string_len(FeedPolls::ClientId, 200))
                    .col(text(FeedPolls::ClientSecretSealed))
                    .col(string_len_null(FeedPolls::Scope, 200))
                    .col(integer(FeedPolls::IntervalSeconds).default(60))
                    .col(text_null(FeedPolls::Cursor))
                    .col(timestamp_with_time_zone_null(FeedPolls::UpdatedMin))
                    .col(timestamp_with_time_zone(FeedPolls::NextPollAt))
                    .col(timestamp_with_time_zone_null(FeedPolls::LeaseUntil))
                    .col(integer(FeedPolls::Failures).default(0))
                    .col(timestamp_with_time_zone_null(FeedPolls::LastPollAt))
                    .col(text_null(FeedPolls::LastError))
                    .foreign_key(
                        ForeignKey::create()
                            .from(FeedPolls::Table, FeedPolls::FeedSourceId)
                            .to(FeedSources::Table, FeedSources::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_feed_polls_next_poll_at")
                    .table(FeedPolls::Table)
                    .col(FeedPolls::NextPollAt)
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
            .drop_table(Table::drop().table(FeedPolls::Table).to_owned())
            .await
    }
}
