//! Catalog queries: what the storefront reads. Every function takes any connection, so it
//! runs the same inside a transaction, on SQLite and on PostgreSQL.

use std::collections::HashMap;
use std::str::FromStr;

use rust_decimal::Decimal;
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::catalog::model::{
    CategoryRef, CategorySummary, LeadTime, PAGE_SIZE, Page, ProductCard, ProductDetail,
    ProductFilter, Spec,
};
use crate::catalog::pricing::{PriceTier, QuantityRule, TierTable};
use crate::codes::{CountryCode, Currency, HsCode, Incoterm, OriginCriterion, UnLocode, UnitCode};
use crate::entities::{
    category, category_translation, price_tier, product, product_image, product_translation,
};
use crate::error::{DomainError, DomainResult};

/// The locale every text exists in, and the one shown when a translation is missing.
pub const FALLBACK_LOCALE: &str = "en";

/// Picks the translation in `locale`, else English, else any; says whether it fell back.
fn pick<'a, T>(
    rows: &'a [T],
    locale: &str,
    locale_of: impl Fn(&T) -> &str,
) -> Option<(&'a T, bool)> {
    rows.iter()
        .find(|r| locale_of(r) == locale)
        .map(|r| (r, false))
        .or_else(|| {
            rows.iter()
                .find(|r| locale_of(r) == FALLBACK_LOCALE)
                .map(|r| (r, true))
        })
        .or_else(|| rows.first().map(|r| (r, true)))
}

fn corrupt(what: &str, detail: impl std::fmt::Display) -> DomainError {
    DomainError::Conflict(format!("stored {what} is not valid: {detail}"))
}

fn count(v: i64, what: &str) -> DomainResult<u64> {
    u64::try_from(v).map_err(|_| corrupt(what, v))
}

fn lead_time(p: &product::Model) -> LeadTime {
    LeadTime {
        min_days: u32::try_from(p.lead_time_min_days).unwrap_or(0),
        max_days: u32::try_from(p.lead_time_max_days).unwrap_or(0),
    }
}

async fn category_texts<C: ConnectionTrait>(
    db: &C,
    locale: &str,
) -> DomainResult<(
    Vec<category::Model>,
    HashMap<Uuid, (category_translation::Model, bool)>,
)> {
    let categories = category::Entity::find()
        .order_by_asc(category::Column::Position)
        .order_by_asc(category::Column::Slug)
        .all(db)
        .await?;
    let translations = category_translation::Entity::find()
        .filter(category_translation::Column::Locale.is_in([locale, FALLBACK_LOCALE]))
        .all(db)
        .await?;
    let mut by_category: HashMap<Uuid, Vec<category_translation::Model>> = HashMap::new();
    for t in translations {
        by_category.entry(t.category_id).or_default().push(t);
    }
    let texts = by_category
        .into_iter()
        .filter_map(|(id, rows)| {
            pick(&rows, locale, |t| &t.locale).map(|(t, fb)| (id, (t.clone(), fb)))
        })
        .collect();
    Ok((categories, texts))
}

/// All categories in display order, with the number of published products in each.
pub async fn list_categories<C: ConnectionTrait>(
    db: &C,
    locale: &str,
) -> DomainResult<Vec<CategorySummary>> {
    let (categories, texts) = category_texts(db, locale).await?;
    let counts: Vec<(Uuid, i64)> = product::Entity::find()
        .select_only()
        .column(product::Column::CategoryId)
        .column_as(product::Column::Id.count(), "n")
        .filter(product::Column::Published.eq(true))
        .group_by(product::Column::CategoryId)
        .into_tuple()
        .all(db)
        .await?;
    let counts: HashMap<Uuid, i64> = counts.into_iter().collect();
    Ok(categories
        .into_iter()
        .map(|c| {
            let (name, description, fb) = texts
                .get(&c.id)
                .map(|(t, fb)| (t.name.clone(), t.description.clone(), *fb))
                .unwrap_or_else(|| (c.slug.clone(), String::new(), true));
            CategorySummary {
                product_count: u64::try_from(counts.get(&c.id).copied().unwrap_or(0)).unwrap_or(0),
                slug: c.slug,
                name,
                description,
                image: c.image,
                text_fallback: fb,
            }
        })
        .collect())
}

/// One category by slug, or `None`.
pub async fn category_by_slug<C: ConnectionTrait>(
    db: &C,
    locale: &str,
    slug: &str,
) -> DomainResult<Option<CategorySummary>> {
    Ok(list_categories(db, locale)
        .await?
        .into_iter()
        .find(|c| c.slug == slug))
}

/// Turns product rows into listing cards (texts, first image, lowest price), keeping order.
async fn cards<C: ConnectionTrait>(
    db: &C,
    locale: &str,
    products: Vec<product::Model>,
) -> DomainResult<Vec<ProductCard>> {
    if products.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = products.iter().map(|p| p.id).collect();
    let mut texts: HashMap<Uuid, Vec<product_translation::Model>> = HashMap::new();
    for t in product_translation::Entity::find()
        .filter(product_translation::Column::ProductId.is_in(ids.clone()))
        .filter(product_translation::Column::Locale.is_in([locale, FALLBACK_LOCALE]))
        .all(db)
        .await?
    {
        texts.entry(t.product_id).or_default().push(t);
    }
    let mut first_image: HashMap<Uuid, String> = HashMap::new();
    for img in product_image::Entity::find()
        .filter(product_image::Column::ProductId.is_in(ids.clone()))
        .order_by_desc(product_image::Column::Position)
        .all(db)
        .await?
    {
        first_image.insert(img.product_id, img.path);
    }
    let mut lowest: HashMap<Uuid, Decimal> = HashMap::new();
    for t in price_tier::Entity::find()
        .filter(price_tier::Column::ProductId.is_in(ids))
        .all(db)
        .await?
    {
        let price = Decimal::from_str(&t.unit_price).map_err(|e| corrupt("unit price", e))?;
        lowest
            .entry(t.product_id)
            .and_modify(|p| *p = (*p).min(price))
            .or_insert(price);
    }
    let slugs: HashMap<Uuid, String> = category::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.slug))
        .collect();
    products
        .into_iter()
        .map(|p| {
            let rows = texts.remove(&p.id).unwrap_or_default();
            let (name, summary, fb) = pick(&rows, locale, |t| &t.locale)
                .map(|(t, fb)| (t.name.clone(), t.summary.clone(), fb))
                .unwrap_or_else(|| (p.sku.clone(), String::new(), true));
            Ok(ProductCard {
                lead_time: lead_time(&p),
                name,
                summary,
                text_fallback: fb,
                image: first_image.remove(&p.id),
                category_slug: slugs.get(&p.category_id).cloned().unwrap_or_default(),
                unit: UnitCode::parse(&p.unit).map_err(|e| corrupt("unit", e))?,
                moq: count(p.moq, "MOQ")?,
                currency: Currency::parse(&p.currency).map_err(|e| corrupt("currency", e))?,
                from_price: if p.price_on_request {
                    None
                } else {
                    lowest.get(&p.id).copied()
                },
                country_of_origin: CountryCode::parse(&p.country_of_origin)
                    .map_err(|e| corrupt("country of origin", e))?,
                hs_code: HsCode::parse(&p.hs_code).map_err(|e| corrupt("HS code", e))?,
                sku: p.sku,
                slug: p.slug,
            })
        })
        .collect()
}

/// Featured products for the home page.
pub async fn featured_products<C: ConnectionTrait>(
    db: &C,
    locale: &str,
    limit: u64,
) -> DomainResult<Vec<ProductCard>> {
    let rows = product::Entity::find()
        .filter(product::Column::Published.eq(true))
        .filter(product::Column::Featured.eq(true))
        .order_by_asc(product::Column::Sku)
        .limit(limit)
        .all(db)
        .await?;
    cards(db, locale, rows).await
}

/// The listing: published products matching the filter, featured first, a page at a time.
pub async fn search_products<C: ConnectionTrait>(
    db: &C,
    locale: &str,
    filter: &ProductFilter,
) -> DomainResult<Page<ProductCard>> {
    search_products_paged(db, locale, filter, PAGE_SIZE).await
}

/// Like [`search_products`] with `per_page` products a page (the API lets callers choose).
pub async fn search_products_paged<C: ConnectionTrait>(
    db: &C,
    locale: &str,
    filter: &ProductFilter,
    per_page: u64,
) -> DomainResult<Page<ProductCard>> {
    let per_page = Ord::max(per_page, 1);
    let mut cond = Condition::all().add(product::Column::Published.eq(true));
    if let Some(slug) = &filter.category {
        let Some(cat) = category::Entity::find()
            .filter(category::Column::Slug.eq(slug.as_str()))
            .one(db)
            .await?
        else {
            return Ok(Page {
                items: vec![],
                page: filter.page,
                per_page,
                total: 0,
            });
        };
        cond = cond.add(product::Column::CategoryId.eq(cat.id));
    }
    if let Some(origin) = &filter.origin {
        cond = cond.add(product::Column::CountryOfOrigin.eq(origin.as_str()));
    }
    if let Some(lo) = filter.moq_min {
        cond = cond.add(product::Column::Moq.gte(i64::try_from(lo).unwrap_or(i64::MAX)));
    }
    if let Some(hi) = filter.moq_max {
        cond = cond.add(product::Column::Moq.lte(i64::try_from(hi).unwrap_or(i64::MAX)));
    }
    if let Some(text) = &filter.text {
        let pattern = crate::db::like_pattern(text);
        let like = || LikeExpr::new(pattern.clone()).escape('\\');
        let lower = |table: &'static str, col: &'static str| {
            Expr::expr(Func::lower(Expr::col((
                sea_orm::sea_query::Alias::new(table),
                sea_orm::sea_query::Alias::new(col),
            ))))
        };
        let in_text = Query::select()
            .expr(Expr::val(1))
            .from(product_translation::Entity)
            .and_where(
                Expr::col((
                    product_translation::Entity,
                    product_translation::Column::ProductId,
                ))
                .equals((product::Entity, product::Column::Id)),
            )
            .and_where(
                Expr::col((
                    product_translation::Entity,
                    product_translation::Column::SearchText,
                ))
                .like(like()),
            )
            .to_owned();
        cond = cond.add(
            Condition::any()
                .add(Expr::exists(in_text))
                .add(lower("products", "sku").like(like()))
                .add(Expr::col((product::Entity, product::Column::HsCode)).like(like())),
        );
    }
    let query = product::Entity::find().filter(cond);
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by(product::Column::Featured, Order::Desc)
        .order_by(product::Column::Sku, Order::Asc)
        .offset((filter.page.saturating_sub(1)) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    Ok(Page {
        items: cards(db, locale, rows).await?,
        page: filter.page,
        per_page,
        total,
    })
}

/// The countries products come from (for the origin filter).
pub async fn origin_countries<C: ConnectionTrait>(db: &C) -> DomainResult<Vec<CountryCode>> {
    let codes: Vec<String> = product::Entity::find()
        .select_only()
        .column(product::Column::CountryOfOrigin)
        .distinct()
        .filter(product::Column::Published.eq(true))
        .order_by_asc(product::Column::CountryOfOrigin)
        .into_tuple()
        .all(db)
        .await?;
    codes
        .iter()
        .map(|c| CountryCode::parse(c).map_err(|e| corrupt("country of origin", e)))
        .collect()
}

fn json_strings(value: &serde_json::Value, what: &str) -> DomainResult<Vec<String>> {
    serde_json::from_value(value.clone()).map_err(|e| corrupt(what, e))
}

/// The product page's data, or `None` when no published product has this slug.
pub async fn product_by_slug<C: ConnectionTrait>(
    db: &C,
    locale: &str,
    slug: &str,
) -> DomainResult<Option<ProductDetail>> {
    let Some(p) = product::Entity::find()
        .filter(product::Column::Slug.eq(slug))
        .filter(product::Column::Published.eq(true))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let texts = product_translation::Entity::find()
        .filter(product_translation::Column::ProductId.eq(p.id))
        .filter(product_translation::Column::Locale.is_in([locale, FALLBACK_LOCALE]))
        .all(db)
        .await?;
    let (text, text_fallback) =
        pick(&texts, locale, |t| &t.locale).ok_or_else(|| corrupt("product text", &p.sku))?;
    let specs: Vec<Spec> =
        serde_json::from_value(text.specs.clone()).map_err(|e| corrupt("specs", e))?;
    let images = product_image::Entity::find()
        .filter(product_image::Column::ProductId.eq(p.id))
        .order_by_asc(product_image::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|i| i.path)
        .collect();
    let currency = Currency::parse(&p.currency).map_err(|e| corrupt("currency", e))?;
    let prices = if p.price_on_request {
        None
    } else {
        let tiers = price_tier::Entity::find()
            .filter(price_tier::Column::ProductId.eq(p.id))
            .all(db)
            .await?
            .into_iter()
            .map(|t| {
                Ok(PriceTier {
                    min_quantity: count(t.min_quantity, "tier quantity")?,
                    unit_price: Decimal::from_str(&t.unit_price)
                        .map_err(|e| corrupt("unit price", e))?,
                })
            })
            .collect::<DomainResult<Vec<_>>>()?;
        Some(TierTable::new(currency, tiers)?)
    };
    let (_, cat_texts) = category_texts(db, locale).await?;
    let cat = category::Entity::find_by_id(p.category_id)
        .one(db)
        .await?
        .ok_or_else(|| corrupt("category", p.category_id))?;
    let category = CategoryRef {
        name: cat_texts
            .get(&cat.id)
            .map_or_else(|| cat.slug.clone(), |(t, _)| t.name.clone()),
        slug: cat.slug,
    };
    let incoterms = json_strings(&p.incoterms, "Incoterms")?
        .iter()
        .map(|s| Incoterm::parse(s).map_err(|e| corrupt("Incoterm", e)))
        .collect::<DomainResult<Vec<_>>>()?;
    Ok(Some(ProductDetail {
        category,
        name: text.name.clone(),
        summary: text.summary.clone(),
        description: text.description.clone(),
        text_fallback,
        specs,
        images,
        unit: UnitCode::parse(&p.unit).map_err(|e| corrupt("unit", e))?,
        quantity_rule: QuantityRule::new(
            count(p.moq, "MOQ")?,
            count(p.order_increment, "order increment")?,
        )?,
        currency,
        prices,
        lead_time: lead_time(&p),
        incoterms,
        port_of_loading: UnLocode::parse(&p.port_of_loading)
            .map_err(|e| corrupt("port of loading", e))?,
        port_of_loading_name: None,
        certifications: json_strings(&p.certifications, "certifications")?,
        hs_code: HsCode::parse(&p.hs_code).map_err(|e| corrupt("HS code", e))?,
        country_of_origin: CountryCode::parse(&p.country_of_origin)
            .map_err(|e| corrupt("country of origin", e))?,
        origin_criterion: OriginCriterion::parse(&p.origin_criterion)
            .map_err(|e| corrupt("origin criterion", e))?,
        rvc_percent: p
            .rvc_percent
            .as_deref()
            .map(|v| Decimal::from_str(v).map_err(|e| corrupt("RVC percent", e)))
            .transpose()?,
        tariff_shift: p.tariff_shift.clone(),
        updated_at: p
            .updated_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        sku: p.sku,
        slug: p.slug,
    }))
}

/// A page the sitemap lists, with its last change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapEntry {
    /// Site path without the locale prefix, e.g. `/products/oak-chair`.
    pub path: String,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// Category and product pages for `sitemap.xml`.
pub async fn sitemap_entries<C: ConnectionTrait>(db: &C) -> DomainResult<Vec<SitemapEntry>> {
    let mut out: Vec<SitemapEntry> = category::Entity::find()
        .order_by_asc(category::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|c| SitemapEntry {
            path: format!("/categories/{}", c.slug),
            updated_at: c.updated_at,
        })
        .collect();
    out.extend(
        product::Entity::find()
            .filter(product::Column::Published.eq(true))
            .order_by_asc(product::Column::Sku)
            .all(db)
            .await?
            .into_iter()
            .map(|p| SitemapEntry {
                path: format!("/products/{}", p.slug),
                updated_at: p.updated_at,
            }),
    );
    Ok(out)
}

/// Whether the catalog holds nothing at all (the demo dataset is only seeded then).
pub async fn is_empty<C: ConnectionTrait>(db: &C) -> DomainResult<bool> {
    Ok(category::Entity::find().count(db).await? == 0
        && product::Entity::find().count(db).await? == 0)
}
