//! Two-step sign-in, recent authentication, and connecting a provider from the account page.
//!
//! - `users.totp_secret` (base32, set while enrolling), `users.totp_enabled_at` (set once the
//!   first code is confirmed: from then on every sign-in asks for a code) and
//!   `users.totp_last_step` (the last time step accepted, so a code works once).
//! - `recovery_codes`: one-time codes for a lost authenticator, stored as SHA-256 only.
//! - `sessions.pending_factor`: a password (or provider) was accepted but the second factor is
//!   still to come; such a session signs nobody in. `sessions.factor_failures` counts wrong
//!   codes against it. `sessions.authenticated_at`: when the person last proved who they are
//!   (sign-in, or the confirm-identity page); sensitive actions ask for it to be recent.
//! - `oidc_logins.link_user_id`: a provider sign-in started from the account page to connect
//!   the provider to that (signed-in) account, instead of signing in.
//!
//! SQLite alters one column per statement, so each column is its own `ALTER TABLE`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    TotpSecret,
    TotpEnabledAt,
    TotpLastStep,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    AuthenticatedAt,
    PendingFactor,
    FactorFailures,
}

#[derive(DeriveIden)]
enum OidcLogins {
    Table,
    LinkUserId,
}

#[derive(DeriveIden)]
enum RecoveryCodes {
    Table,
    Id,
    UserId,
    CodeHash,
    CreatedAt,
    UsedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    #[expect(
        elided_lifetimes_in_paths,
        reason = "the trait's async_trait signature elides it"
    )]
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let alters = [
            Table::alter()
                .table(Users::Table)
                .add_column(string_len_null(Users::TotpSecret, 64))
                .to_owned(),
            Table::alter()
                .table(Users::Table)
                .add_column(timestamp_with_time_zone_null(Users::TotpEnabledAt))
                .to_owned(),
            Table::alter()
                .table(Users::Table)
                .add_column(big_integer_null(Users::TotpLastStep))
                .to_owned(),
            Table::alter()
                .table(Sessions::Table)
                .add_column(timestamp_with_time_zone_null(Sessions::AuthenticatedAt))
                .to_owned(),
            Table::alter()
                .table(Sessions::Table)
                .add_column(boolean(Sessions::PendingFactor).default(false))
                .to_owned(),
            Table::alter()
                .table(Sessions::Table)
                .add_column(integer(Sessions::FactorFailures).default(0))
                .to_owned(),
            Table::alter()
                .table(OidcLogins::Table)
                .add_column(uuid_null(OidcLogins::LinkUserId))
                .to_owned(),
        ];
        for statement in alters {
            manager.alter_table(statement).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(RecoveryCodes::Table)
                    .col(uuid(RecoveryCodes::Id).primary_key())
                    .col(uuid(RecoveryCodes::UserId))
                    .col(char_len_uniq(RecoveryCodes::CodeHash, 64))
                    .col(timestamp_with_time_zone(RecoveryCodes::CreatedAt))
                    .col(timestamp_with_time_zone_null(RecoveryCodes::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RecoveryCodes::Table, RecoveryCodes::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_recovery_codes_user_id")
                    .table(RecoveryCodes::Table)
                    .col(RecoveryCodes::UserId)
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
            .drop_table(Table::drop().table(RecoveryCodes::Table).to_owned())
            .await?;
        let drops = [
            Table::alter()
                .table(OidcLogins::Table)
                .drop_column(OidcLogins::LinkUserId)
                .to_owned(),
            Table::alter()
                .table(Sessions::Table)
                .drop_column(Sessions::FactorFailures)
                .to_owned(),
            Table::alter()
                .table(Sessions::Table)
                .drop_column(Sessions::PendingFactor)
                .to_owned(),
            Table::alter()
                .table(Sessions::Table)
                .drop_column(Sessions::AuthenticatedAt)
                .to_owned(),
            Table::alter()
                .table(Users::Table)
                .drop_column(Users::TotpLastStep)
                .to_owned(),
            Table::alter()
                .table(Users::Table)
                .drop_column(Users::TotpEnabledAt)
                .to_owned(),
            Table::alter()
                .table(Users::Table)
                .drop_column(Users::TotpSecret)
                .to_owned(),
        ];
        for statement in drops {
            manager.alter_table(statement).await?;
        }
        Ok(())
    }
}
