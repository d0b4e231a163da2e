//! `product_translations.search_text`: a product's texts lower-cased by Rust, so the catalog
//! search is case-insensitive for every letter ("Đ", "É", "Ä") on both engines — SQLite's
//! `lower()` folds ASCII only and PostgreSQL's depends on the database's locale. Existing rows
//! are filled in here with the same folding the application writes (`str::to_lowercase`,
//! `domain::entities::product_translation::search_text`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ProductTranslations {
    Table,
    SearchText,
}

/// The same text the application computes for a translation.
fn search_text(name: &str, summary: &str, description: &str) -> String {
    [name, summary, description]
        .map(str::to_lowercase)
        .join("\n")
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    #[expect(
        elided_lifetimes_in_paths,
        reason = "the trait's async_trait signature elides it"
    )]
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ProductTranslations::Table)
                    .add_column(text(ProductTranslations::SearchText).default(""))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let backend = db.get_database_backend();
        // The key as text, the same way in the read and the write (UUIDs are BLOBs on SQLite).
        let (key, update) = match backend {
            DatabaseBackend::Sqlite => (
                "hex(product_id)",
                "UPDATE product_translations SET search_text = ? WHERE hex(product_id) = ? AND locale = ?",
            ),
            _ => (
                "CAST(product_id AS TEXT)",
                "UPDATE product_translations SET search_text = $1 WHERE CAST(product_id AS TEXT) = $2 AND locale = $3",
            ),
        };
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                format!(
                    "SELECT {key} AS pid, locale, name, summary, description FROM product_translations"
                ),
            ))
            .await?;
        for row in rows {
            let pid: String = row.try_get("", "pid")?;
            let locale: String = row.try_get("", "locale")?;
            let text = search_text(
                &row.try_get::<String>("", "name")?,
                &row.try_get::<String>("", "summary")?,
                &row.try_get::<String>("", "description")?,
            );
            db.execute_raw(Statement::from_sql_and_values(
                backend,
                update,
                [text.into(), pid.into(), locale.into()],
            ))
            .await?;
        }
        Ok(())
    }

    #[expect(
        elided_lifetimes_in_paths,
        reason = "the trait's async_trait signature elides it"
    )]
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ProductTranslations::Table)
                    .drop_column(ProductTranslations::SearchText)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn folds_like_the_application() {
        assert_eq!(
            super::search_text("ĐÈN LED", "Ổ Cắm", "ÉTÉ"),
            "đèn led\nổ cắm\nété"
        );
    }
}
