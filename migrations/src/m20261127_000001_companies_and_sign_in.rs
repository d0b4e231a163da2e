//! Buyer companies and their members, OpenID Connect identities and pending sign-ins, and the
//! exporter's own profile (used on certificates of origin).

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
    Name,
    Country,
    Address,
    RegistrationId,
    ContactPhone,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CompanyMembers {
    Table,
    UserId,
    CompanyId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum UserIdentities {
    Table,
    Id,
    UserId,
    Provider,
    Subject,
    Email,
    CreatedAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum OidcLogins {
    Table,
    Id,
    StateHash,
    Provider,
    PkceVerifier,
    Nonce,
    NextPath,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum ExporterProfile {
    Table,
    Id,
    LegalName,
    Address,
    Country,
    ApprovedExporterCode,
    SignatoryName,
    SignatoryTitle,
    ContactEmail,
    UpdatedAt,
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
                    .table(Companies::Table)
                    .col(uuid(Companies::Id).primary_key())
                    .col(string_len(Companies::Name, 200))
                    .col(char_len(Companies::Country, 2))
                    .col(text(Companies::Address))
                    .col(string_len(Companies::RegistrationId, 64))
                    .col(string_len_null(Companies::ContactPhone, 40))
                    .col(timestamp_with_time_zone(Companies::CreatedAt))
                    .col(timestamp_with_time_zone(Companies::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CompanyMembers::Table)
                    .col(uuid(CompanyMembers::UserId).primary_key())
                    .col(uuid(CompanyMembers::CompanyId))
                    .col(timestamp_with_time_zone(CompanyMembers::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CompanyMembers::Table, CompanyMembers::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CompanyMembers::Table, CompanyMembers::CompanyId)
                            .to(Companies::Table, Companies::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_company_members_company_id")
                    .table(CompanyMembers::Table)
                    .col(CompanyMembers::CompanyId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(UserIdentities::Table)
                    .col(uuid(UserIdentities::Id).primary_key())
                    .col(uuid(UserIdentities::UserId))
                    .col(string_len(UserIdentities::Provider, 64))
                    .col(string_len(UserIdentities::Subject, 255))
                    .col(string_len_null(UserIdentities::Email, 254))
                    .col(timestamp_with_time_zone(UserIdentities::CreatedAt))
                    .col(timestamp_with_time_zone(UserIdentities::LastUsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(UserIdentities::Table, UserIdentities::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_user_identities_provider_subject")
                    .table(UserIdentities::Table)
                    .col(UserIdentities::Provider)
                    .col(UserIdentities::Subject)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_user_identities_user_id")
                    .table(UserIdentities::Table)
                    .col(UserIdentities::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OidcLogins::Table)
                    .col(uuid(OidcLogins::Id).primary_key())
                    .col(char_len_uniq(OidcLogins::StateHash, 64))
                    .col(string_len(OidcLogins::Provider, 64))
                    .col(string_len(OidcLogins::PkceVerifier, 128))
                    .col(string_len(OidcLogins::Nonce, 64))
                    .col(string_len_null(OidcLogins::NextPath, 500))
                    .col(timestamp_with_time_zone(OidcLogins::CreatedAt))
                    .col(timestamp_with_time_zone(OidcLogins::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ExporterProfile::Table)
                    .col(integer(ExporterProfile::Id).primary_key())
                    .col(string_len(ExporterProfile::LegalName, 200))
                    .col(text(ExporterProfile::Address))
                    .col(char_len(ExporterProfile::Country, 2))
                    .col(string_len_null(ExporterProfile::ApprovedExporterCode, 64))
                    .col(string_len(ExporterProfile::SignatoryName, 120))
                    .col(string_len(ExporterProfile::SignatoryTitle, 120))
                    .col(string_len_null(ExporterProfile::ContactEmail, 254))
                    .col(timestamp_with_time_zone(ExporterProfile::UpdatedAt))
                    .to_owned(),
            )
            .await
    }

    #[expect(
        elided_lifetimes_in_paths,
        reason = "the trait's async_trait signature elides it"
    )]
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ExporterProfile::Table.into_iden(),
            OidcLogins::Table.into_iden(),
            UserIdentities::Table.into_iden(),
            CompanyMembers::Table.into_iden(),
            Companies::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
