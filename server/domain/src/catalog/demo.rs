//! The demo dataset: a realistic catalog seeded into an empty database when the operator
//! sets `PORTFRONT_DEMO=1`. Every record passes the same validation as real data.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use chrono::Utc;
use rust_decimal::Decimal;
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, EntityTrait, TransactionSession, TransactionTrait,
};
use serde::Deserialize;
use uuid::Uuid;

use crate::catalog::model::Spec;
use crate::catalog::pricing::{PriceTier, QuantityRule, TierTable};
use crate::catalog::repo::{self, FALLBACK_LOCALE};
use crate::codes::{
    CountryCode, Currency, HsCode, Incoterm, OriginCriterion, Sku, Slug, UnLocode, UnitCode,
};
use crate::entities::{
    category, category_translation, price_tier, product, product_image, product_translation,
};
use crate::error::{DomainError, DomainResult};

const DEMO_CATALOG: &str = include_str!("../../data/demo_catalog.json");

type Texts = BTreeMap<String, String>;

#[derive(Deserialize)]
struct DemoCatalog {
    categories: Vec<DemoCategory>,
    products: Vec<DemoProduct>,
}

#[derive(Deserialize)]
struct DemoCategory {
    slug: String,
    position: i32,
    image: Option<String>,
    name: Texts,
    description: Texts,
}

#[derive(Deserialize)]
struct DemoSpec {
    label: Texts,
    value: String,
}

#[derive(Deserialize)]
struct DemoLeadTime {
    min: u32,
    max: u32,
}

#[derive(Deserialize)]
struct DemoTier {
    min_quantity: u64,
    unit_price: String,
}

#[derive(Deserialize)]
struct DemoProduct {
    sku: String,
    slug: String,
    category: String,
    featured: bool,
    name: Texts,
    summary: Texts,
    description: Texts,
    specs: Vec<DemoSpec>,
    images: Vec<String>,
    unit: String,
    moq: u64,
    order_increment: u64,
    currency: String,
    price_on_request: bool,
    price_tiers: Vec<DemoTier>,
    lead_time_days: DemoLeadTime,
    incoterms: Vec<String>,
    port_of_loading: String,
    certifications: Vec<String>,
    hs_code: String,
    country_of_origin: String,
    origin_criterion: String,
    rvc_percent: Option<String>,
    tariff_shift: Option<String>,
}

/// What seeding did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedOutcome {
    Seeded {
        categories: usize,
        products: usize,
    },
    /// The catalog already had data, so nothing was written.
    SkippedNotEmpty,
}

fn bad(sku: &str, e: impl std::fmt::Display) -> DomainError {
    DomainError::invalid(format!("demo product {sku}"), e.to_string())
}

fn texts_with_english(sku: &str, field: &str, t: &Texts) -> DomainResult<()> {
    if t.get(FALLBACK_LOCALE).is_none_or(|s| s.trim().is_empty()) {
        return Err(bad(sku, format!("{field} has no English text")));
    }
    Ok(())
}

/// Models for one product, validated.
struct ProductRows {
    product: product::ActiveModel,
    translations: Vec<product_translation::ActiveModel>,
    images: Vec<product_image::ActiveModel>,
    tiers: Vec<price_tier::ActiveModel>,
}

fn product_rows(p: &DemoProduct, category_id: Uuid) -> DomainResult<ProductRows> {
    let sku = Sku::parse(&p.sku).map_err(|e| bad(&p.sku, e))?;
    let s = sku.as_str();
    Slug::parse(&p.slug).map_err(|e| bad(s, e))?;
    let unit = UnitCode::parse(&p.unit).map_err(|e| bad(s, e))?;
    QuantityRule::new(p.moq, p.order_increment).map_err(|e| bad(s, e))?;
    let currency = Currency::parse(&p.currency).map_err(|e| bad(s, e))?;
    let tiers = p
        .price_tiers
        .iter()
        .map(|t| {
            Ok(PriceTier {
                min_quantity: t.min_quantity,
                unit_price: Decimal::from_str(&t.unit_price).map_err(|e| bad(s, e))?,
            })
        })
        .collect::<DomainResult<Vec<_>>>()?;
    if p.price_on_request != tiers.is_empty() {
        return Err(bad(
            s,
            "either price on request or price tiers, not both or neither",
        ));
    }
    if !tiers.is_empty() {
        TierTable::new(currency, tiers.clone()).map_err(|e| bad(s, e))?;
    }
    let incoterms = p
        .incoterms
        .iter()
        .map(|i| Incoterm::parse(i).map(String::from).map_err(|e| bad(s, e)))
        .collect::<DomainResult<Vec<_>>>()?;
    let port = UnLocode::parse(&p.port_of_loading).map_err(|e| bad(s, e))?;
    let hs = HsCode::parse(&p.hs_code).map_err(|e| bad(s, e))?;
    let origin = CountryCode::parse(&p.country_of_origin).map_err(|e| bad(s, e))?;
    if !origin.is_rcep_party() {
        return Err(bad(s, "the country of origin is not an RCEP party"));
    }
    let criterion = OriginCriterion::parse(&p.origin_criterion).map_err(|e| bad(s, e))?;
    let rvc = p
        .rvc_percent
        .as_deref()
        .map(Decimal::from_str)
        .transpose()
        .map_err(|e| bad(s, e))?;
    if (criterion == OriginCriterion::RVC) != rvc.is_some() {
        return Err(bad(
            s,
            "an RVC percentage goes with the RVC criterion and only with it",
        ));
    }
    if p.lead_time_days.min > p.lead_time_days.max {
        return Err(bad(s, "lead time minimum is above the maximum"));
    }
    for (field, t) in [
        ("name", &p.name),
        ("summary", &p.summary),
        ("description", &p.description),
    ] {
        texts_with_english(s, field, t)?;
    }

    let id = Uuid::now_v7();
    let now = Utc::now();
    let product = product::ActiveModel {
        id: Set(id),
        sku: Set(s.to_owned()),
        slug: Set(p.slug.clone()),
        category_id: Set(category_id),
        unit: Set(unit.as_str().to_owned()),
        moq: Set(i64::try_from(p.moq).map_err(|e| bad(s, e))?),
        order_increment: Set(i64::try_from(p.order_increment).map_err(|e| bad(s, e))?),
        currency: Set(currency.code().to_owned()),
        price_on_request: Set(p.price_on_request),
        lead_time_min_days: Set(i32::try_from(p.lead_time_days.min).map_err(|e| bad(s, e))?),
        lead_time_max_days: Set(i32::try_from(p.lead_time_days.max).map_err(|e| bad(s, e))?),
        incoterms: Set(serde_json::json!(incoterms)),
        port_of_loading: Set(port.as_str().to_owned()),
        certifications: Set(serde_json::json!(p.certifications)),
        hs_code: Set(hs.as_str().to_owned()),
        country_of_origin: Set(origin.as_str().to_owned()),
        origin_criterion: Set(criterion.as_str().to_owned()),
        rvc_percent: Set(rvc.map(|r| r.to_string())),
        tariff_shift: Set(p.tariff_shift.clone()),
        hs_edition: Set(Some("HS2022".to_owned())),
        origin_modifiers: Set(None),
        producer_name: Set(None),
        producer_address: Set(None),
        producer_country: Set(None),
        producer_confidential: Set(false),
        featured: Set(p.featured),
        published: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let translations = p
        .name
        .iter()
        .map(|(locale, name)| {
            let text = |t: &Texts| {
                t.get(locale)
                    .or_else(|| t.get(FALLBACK_LOCALE))
                    .cloned()
                    .unwrap_or_default()
            };
            let specs: Vec<Spec> = p
                .specs
                .iter()
                .map(|sp| Spec {
                    label: text(&sp.label),
                    value: sp.value.clone(),
                })
                .collect();
            let (summary, description) = (text(&p.summary), text(&p.description));
            product_translation::ActiveModel {
                product_id: Set(id),
                locale: Set(locale.clone()),
                search_text: Set(product_translation::search_text(
                    name,
                    &summary,
                    &description,
                )),
                name: Set(name.clone()),
                summary: Set(summary),
                description: Set(description),
                specs: Set(serde_json::json!(specs)),
            }
        })
        .collect();
    let images = p
        .images
        .iter()
        .enumerate()
        .map(|(i, file)| product_image::ActiveModel {
            id: Set(Uuid::now_v7()),
            product_id: Set(id),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
            path: Set(format!("/images/products/{file}")),
        })
        .collect();
    let tiers = tiers
        .iter()
        .map(|t| {
            Ok(price_tier::ActiveModel {
                product_id: Set(id),
                min_quantity: Set(i64::try_from(t.min_quantity).map_err(|e| bad(s, e))?),
                unit_price: Set(t.unit_price.to_string()),
            })
        })
        .collect::<DomainResult<Vec<_>>>()?;
    Ok(ProductRows {
        product,
        translations,
        images,
        tiers,
    })
}

async fn insert_all<C, A>(db: &C, rows: Vec<A>) -> DomainResult<()>
where
    C: ConnectionTrait,
    A: sea_orm::ActiveModelTrait,
{
    // Chunks keep every statement under SQLite's bound-parameter limit.
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(50).collect();
        A::Entity::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Seeds the demo catalog in one transaction, only into an empty catalog.
pub async fn seed<C: ConnectionTrait + TransactionTrait>(db: &C) -> DomainResult<SeedOutcome> {
    let data: DemoCatalog = serde_json::from_str(DEMO_CATALOG)
        .map_err(|e| DomainError::invalid("demo catalog", e.to_string()))?;
    let txn = db.begin().await?;
    if !repo::is_empty(&txn).await? {
        return Ok(SeedOutcome::SkippedNotEmpty);
    }
    let now = Utc::now();
    let mut category_ids = HashMap::new();
    let mut categories = Vec::new();
    let mut category_texts = Vec::new();
    for c in &data.categories {
        Slug::parse(&c.slug).map_err(|e| DomainError::invalid("demo category", e.to_string()))?;
        let id = Uuid::now_v7();
        category_ids.insert(c.slug.clone(), id);
        categories.push(category::ActiveModel {
            id: Set(id),
            slug: Set(c.slug.clone()),
            position: Set(c.position),
            image: Set(c.image.clone()),
            created_at: Set(now),
            updated_at: Set(now),
        });
        for (locale, name) in &c.name {
            category_texts.push(category_translation::ActiveModel {
                category_id: Set(id),
                locale: Set(locale.clone()),
                name: Set(name.clone()),
                description: Set(c.description.get(locale).cloned().unwrap_or_default()),
            });
        }
    }
    let (mut products, mut texts, mut images, mut tiers) = (vec![], vec![], vec![], vec![]);
    for p in &data.products {
        let category_id = *category_ids
            .get(&p.category)
            .ok_or_else(|| bad(&p.sku, format!("unknown category {}", p.category)))?;
        let rows = product_rows(p, category_id)?;
        products.push(rows.product);
        texts.extend(rows.translations);
        images.extend(rows.images);
        tiers.extend(rows.tiers);
    }
    let outcome = SeedOutcome::Seeded {
        categories: categories.len(),
        products: products.len(),
    };
    insert_all(&txn, categories).await?;
    insert_all(&txn, category_texts).await?;
    insert_all(&txn, products).await?;
    insert_all(&txn, texts).await?;
    insert_all(&txn, images).await?;
    insert_all(&txn, tiers).await?;
    txn.commit().await?;
    Ok(outcome)
}
