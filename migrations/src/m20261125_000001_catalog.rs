//! The catalog: categories, products, their per-locale text, images and price tiers.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Categories {
    Table,
    Id,
    Slug,
    Position,
    Image,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CategoryTranslations {
    Table,
    CategoryId,
    Locale,
    Name,
    Description,
}

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
    Sku,
    Slug,
    CategoryId,
    Unit,
    Moq,
    OrderIncrement,
    Currency,
    PriceOnRequest,
    LeadTimeMinDays,
    LeadTimeMaxDays,
    Incoterms,
    PortOfLoading,
    Certifications,
    HsCode,
    CountryOfOrigin,
    OriginCriterion,
    RvcPercent,
    TariffShift,
    Featured,
    Published,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProductTranslations {
    Table,
    ProductId,
    Locale,
    Name,
    Summary,
    Description,
    Specs,
}

#[derive(DeriveIden)]
enum ProductImages {
    Table,
    Id,
    ProductId,
    Position,
    Path,
}

#[derive(DeriveIden)]
enum PriceTiers {
    Table,
    ProductId,
    MinQuantity,
    UnitPrice,
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
                    .table(Categories::Table)
                    .col(uuid(Categories::Id).primary_key())
                    .col(string_len_uniq(Categories::Slug, 80))
                    .col(integer(Categories::Position).default(0))
                    .col(string_len_null(Categories::Image, 300))
                    .col(timestamp_with_time_zone(Categories::CreatedAt))
                    .col(timestamp_with_time_zone(Categories::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CategoryTranslations::Table)
                    .col(uuid(CategoryTranslations::CategoryId))
                    .col(string_len(CategoryTranslations::Locale, 16))
                    .col(string_len(CategoryTranslations::Name, 120))
                    .col(text(CategoryTranslations::Description))
                    .primary_key(
                        Index::create()
                            .col(CategoryTranslations::CategoryId)
                            .col(CategoryTranslations::Locale),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                CategoryTranslations::Table,
                                CategoryTranslations::CategoryId,
                            )
                            .to(Categories::Table, Categories::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Products::Table)
                    .col(uuid(Products::Id).primary_key())
                    .col(string_len_uniq(Products::Sku, 32))
                    .col(string_len_uniq(Products::Slug, 80))
                    .col(uuid(Products::CategoryId))
                    .col(string_len(Products::Unit, 8))
                    .col(big_integer(Products::Moq))
                    .col(big_integer(Products::OrderIncrement))
                    .col(char_len(Products::Currency, 3))
                    .col(boolean(Products::PriceOnRequest).default(false))
                    .col(integer(Products::LeadTimeMinDays))
                    .col(integer(Products::LeadTimeMaxDays))
                    .col(json(Products::Incoterms))
                    .col(char_len(Products::PortOfLoading, 5))
                    .col(json(Products::Certifications))
                    .col(string_len(Products::HsCode, 10))
                    .col(char_len(Products::CountryOfOrigin, 2))
                    .col(string_len(Products::OriginCriterion, 3))
                    .col(string_len_null(Products::RvcPercent, 8))
                    .col(string_len_null(Products::TariffShift, 200))
                    .col(boolean(Products::Featured).default(false))
                    .col(boolean(Products::Published).default(true))
                    .col(timestamp_with_time_zone(Products::CreatedAt))
                    .col(timestamp_with_time_zone(Products::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Products::Table, Products::CategoryId)
                            .to(Categories::Table, Categories::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_products_category_id", Products::CategoryId),
            ("idx_products_country_of_origin", Products::CountryOfOrigin),
            ("idx_products_moq", Products::Moq),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Products::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(ProductTranslations::Table)
                    .col(uuid(ProductTranslations::ProductId))
                    .col(string_len(ProductTranslations::Locale, 16))
                    .col(string_len(ProductTranslations::Name, 200))
                    .col(string_len(ProductTranslations::Summary, 400))
                    .col(text(ProductTranslations::Description))
                    .col(json(ProductTranslations::Specs))
                    .primary_key(
                        Index::create()
                            .col(ProductTranslations::ProductId)
                            .col(ProductTranslations::Locale),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProductTranslations::Table, ProductTranslations::ProductId)
                            .to(Products::Table, Products::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProductImages::Table)
                    .col(uuid(ProductImages::Id).primary_key())
                    .col(uuid(ProductImages::ProductId))
                    .col(integer(ProductImages::Position))
                    .col(string_len(ProductImages::Path, 300))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProductImages::Table, ProductImages::ProductId)
                            .to(Products::Table, Products::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_product_images_product_id")
                    .table(ProductImages::Table)
                    .col(ProductImages::ProductId)
                    .col(ProductImages::Position)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PriceTiers::Table)
                    .col(uuid(PriceTiers::ProductId))
                    .col(big_integer(PriceTiers::MinQuantity))
                    .col(string_len(PriceTiers::UnitPrice, 32))
                    .primary_key(
                        Index::create()
                            .col(PriceTiers::ProductId)
                            .col(PriceTiers::MinQuantity),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PriceTiers::Table, PriceTiers::ProductId)
                            .to(Products::Table, Products::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    #[expect(
        elided_lifetimes_in_paths,
        reason = "the trait's async_trait signature elides it"
    )]
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PriceTiers::Table.into_iden(),
            ProductImages::Table.into_iden(),
            ProductTranslations::Table.into_iden(),
            Products::Table.into_iden(),
            CategoryTranslations::Table.into_iden(),
            Categories::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
