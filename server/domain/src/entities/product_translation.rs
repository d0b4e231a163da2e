//! `product_translations`: a product's text in one locale.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "product_translations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub product_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub locale: String,
    pub name: String,
    pub summary: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    /// JSON array of `{"label": …, "value": …}`.
    pub specs: Json,
    /// Name, summary and description lower-cased by Rust ([`search_text`]): what the catalog
    /// search matches, the same on SQLite (whose `lower()` knows only ASCII) and PostgreSQL.
    #[sea_orm(column_type = "Text")]
    pub search_text: String,
}

/// The `search_text` of a translation: its texts lower-cased with Unicode's case mapping
/// (`str::to_lowercase`, as the search pattern is)
/// ("ĐÈN LED" → "đèn led"), one per line.
pub fn search_text(name: &str, summary: &str, description: &str) -> String {
    let mut out = String::with_capacity(name.len() + summary.len() + description.len() + 2);
    for (i, part) in [name, summary, description].into_iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&part.to_lowercase());
    }
    out
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::product::Entity",
        from = "Column::ProductId",
        to = "super::product::Column::Id",
        on_delete = "Cascade"
    )]
    Product,
}

impl Related<super::product::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Product.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
