//! `products`: what the exporter sells, with its trade and origin data.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "products")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub sku: String,
    #[sea_orm(unique)]
    pub slug: String,
    pub category_id: Uuid,
    /// UN/ECE Rec 20 unit code.
    pub unit: String,
    pub moq: i64,
    pub order_increment: i64,
    pub currency: String,
    pub price_on_request: bool,
    pub lead_time_min_days: i32,
    pub lead_time_max_days: i32,
    /// JSON array of Incoterms 2020 codes.
    pub incoterms: Json,
    /// UN/LOCODE.
    pub port_of_loading: String,
    /// JSON array of certification names.
    pub certifications: Json,
    pub hs_code: String,
    pub country_of_origin: String,
    pub origin_criterion: String,
    /// Regional value content in percent, as decimal text.
    pub rvc_percent: Option<String>,
    pub tariff_shift: Option<String>,
    /// HS edition the code is written in (`HS2012`, `HS2017`, `HS2022`).
    pub hs_edition: Option<String>,
    /// JSON array of origin modifiers (`ACU`, `DMI`) qualifying the criterion.
    pub origin_modifiers: Option<Json>,
    pub producer_name: Option<String>,
    pub producer_address: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub producer_country: Option<String>,
    /// The producer is shown as CONFIDENTIAL on certificates.
    pub producer_confidential: bool,
    pub featured: bool,
    pub published: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::category::Entity",
        from = "Column::CategoryId",
        to = "super::category::Column::Id"
    )]
    Category,
    #[sea_orm(has_many = "super::product_translation::Entity")]
    Translations,
    #[sea_orm(has_many = "super::product_image::Entity")]
    Images,
    #[sea_orm(has_many = "super::price_tier::Entity")]
    PriceTiers,
}

impl Related<super::category::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Category.def()
    }
}

impl Related<super::product_translation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Translations.def()
    }
}

impl Related<super::product_image::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Images.def()
    }
}

impl Related<super::price_tier::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::PriceTiers.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
