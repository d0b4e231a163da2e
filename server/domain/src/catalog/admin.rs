//! Catalog administration: the product and category forms of the admin panel, checked field
//! by field and written in one transaction with the audit record. Product text is edited one
//! locale at a time; English is required (it is every other locale's fallback).

use std::str::FromStr;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use super::model::HS_EDITIONS;
use super::pricing::{PriceTier, QuantityRule, TierTable};
use super::repo::FALLBACK_LOCALE;
use crate::auth::audit::{self, Actor, AuditEntry};
use crate::codes::{
    CountryCode, Currency, HsCode, Incoterm, OriginCriterion, Sku, Slug, UnLocode, UnitCode,
};
use crate::entities::{category, category_translation, price_tier, product, product_translation};
use crate::form::FormCheck;
use crate::views::{CategoryForm, CategoryRow, ProductForm, ProductRow, time_text};
use crate::{DomainError, DomainResult};

use super::model::TEXT_LOCALES;

fn check_locale(locale: &str) -> DomainResult<&'static str> {
    TEXT_LOCALES
        .into_iter()
        .find(|l| *l == locale)
        .ok_or_else(|| DomainError::invalid("locale", format!("unknown text locale {locale:?}")))
}

/// Checked product fields, ready to write.
struct ValidProduct {
    sku: String,
    slug: String,
    category_id: Uuid,
    locale: &'static str,
    name: String,
    summary: String,
    description: String,
    unit: String,
    moq: i64,
    order_increment: i64,
    currency: String,
    price_on_request: bool,
    tiers: Vec<PriceTier>,
    lead_min: i32,
    lead_max: i32,
    incoterms: Vec<String>,
    port: String,
    hs_code: String,
    origin: String,
    criterion: String,
    rvc: Option<Decimal>,
    tariff_shift: Option<String>,
    hs_edition: Option<String>,
    modifiers: Vec<&'static str>,
    producer: Option<ProducerData>,
    producer_confidential: bool,
    featured: bool,
    published: bool,
}

/// A producer's name, address and country.
type ProducerData = (String, String, String);

/// The edition, the modifiers and the producer of the product form.
fn certificate_data(
    c: &mut FormCheck,
    form: &ProductForm,
) -> (Option<String>, Vec<&'static str>, Option<ProducerData>) {
    let edition = form.hs_edition.trim().to_ascii_uppercase();
    let hs_edition = if edition.is_empty() {
        None
    } else if HS_EDITIONS.contains(&edition.as_str()) {
        Some(edition)
    } else {
        c.add(
            "hs_edition",
            "invalid",
            "choose the HS edition the code is read in: HS2012, HS2017 or HS2022",
        );
        None
    };
    let mut modifiers = Vec::new();
    if form.modifier_acu {
        modifiers.push("ACU");
    }
    if form.modifier_dmi {
        modifiers.push("DMI");
    }
    let name = c.optional_text("producer_name", &form.producer_name, 200);
    let address = c.optional_text("producer_address", &form.producer_address, 500);
    let country = form.producer_country.trim();
    let country = if country.is_empty() {
        None
    } else {
        match CountryCode::parse(country) {
            Ok(code) => Some(code.as_str().to_owned()),
            Err(e) => {
                c.add("producer_country", "invalid", e.to_string());
                None
            }
        }
    };
    let producer = match (name, address, country) {
        (Some(n), Some(a), Some(k)) => Some((n, a, k)),
        (None, None, None) => None,
        (n, a, k) => {
            for (field, missing) in [
                ("producer_name", n.is_none()),
                ("producer_address", a.is_none()),
                ("producer_country", k.is_none()),
            ] {
                if missing && !c.has(field) {
                    c.add(
                        field,
                        "producer_incomplete",
                        "give the producer's name, address and country, or leave all three empty",
                    );
                }
            }
            None
        }
    };
    (hs_edition, modifiers, producer)
}

fn parse_code<T, E: std::fmt::Display>(
    c: &mut FormCheck,
    field: &str,
    value: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Option<T> {
    if value.trim().is_empty() {
        c.add(field, "required", "this field is required");
        return None;
    }
    match parse(value.trim()) {
        Ok(v) => Some(v),
        Err(e) => {
            c.add(field, "invalid", e.to_string());
            None
        }
    }
}

/// Reads `500 = 12.40` lines.
fn parse_tiers(c: &mut FormCheck, text: &str) -> Vec<PriceTier> {
    let mut tiers = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let parsed = line.split_once('=').and_then(|(q, p)| {
            Some(PriceTier {
                min_quantity: q.trim().replace([',', '_'], "").parse().ok()?,
                unit_price: Decimal::from_str(p.trim()).ok()?,
            })
        });
        match parsed {
            Some(t) => tiers.push(t),
            None => {
                c.add(
                    "price_tiers",
                    "invalid_tier",
                    format!(
                        "line {}: write a tier as minimum quantity = unit price, like 500 = 12.40",
                        i + 1
                    ),
                );
                break;
            }
        }
    }
    tiers
}

fn validate_product(form: &ProductForm) -> DomainResult<ValidProduct> {
    let locale = check_locale(form.locale.trim())?;
    let mut c = FormCheck::new();
    let sku = parse_code(&mut c, "sku", &form.sku, Sku::parse).map(|s| s.as_str().to_owned());
    let slug = parse_code(&mut c, "slug", &form.slug, Slug::parse).map(|s| s.as_str().to_owned());
    let category_id = parse_code(&mut c, "category_id", &form.category_id, Uuid::from_str);
    let name = c.text("name", &form.name, 200, false);
    let summary = c.text("summary", &form.summary, 500, false);
    let description = c.text("description", &form.description, 10_000, true);
    let unit = parse_code(&mut c, "unit", &form.unit, UnitCode::parse);
    let moq = c.integer("moq", &form.moq, 1, 100_000_000);
    let increment = c.integer("order_increment", &form.order_increment, 1, 100_000_000);
    if !c.has("moq")
        && !c.has("order_increment")
        && let Err(e) = QuantityRule::new(moq.unsigned_abs(), increment.unsigned_abs())
    {
        c.add("order_increment", "invalid", e.to_string());
    }
    let currency = parse_code(&mut c, "currency", &form.currency, Currency::parse);
    let tiers = parse_tiers(&mut c, &form.price_tiers);
    if !c.has("price_tiers") {
        if form.price_on_request && !tiers.is_empty() {
            c.add(
                "price_tiers",
                "tiers_with_request",
                "leave the tiers empty when the price is on request, or untick price on request",
            );
        } else if !form.price_on_request && tiers.is_empty() {
            c.add(
                "price_tiers",
                "required",
                "give at least one tier, or tick price on request",
            );
        } else if let (false, Some(cur)) = (tiers.is_empty(), &currency)
            && let Err(e) = TierTable::new(*cur, tiers.clone())
        {
            c.add("price_tiers", "invalid", e.to_string());
        }
    }
    let lead_min = c.integer("lead_time_min_days", &form.lead_time_min_days, 0, 365);
    let lead_max = c.integer("lead_time_max_days", &form.lead_time_max_days, 0, 365);
    if !c.has("lead_time_min_days") && !c.has("lead_time_max_days") && lead_min > lead_max {
        c.add(
            "lead_time_max_days",
            "below_min",
            "the longest lead time must not be shorter than the shortest",
        );
    }
    let mut incoterms = Vec::new();
    for code in form
        .incoterms
        .split([',', ' ', ';'])
        .filter(|s| !s.trim().is_empty())
    {
        match Incoterm::parse(code.trim()) {
            Ok(i) => {
                let s = String::from(i);
                if !incoterms.contains(&s) {
                    incoterms.push(s);
                }
            }
            Err(e) => {
                c.add("incoterms", "invalid", e.to_string());
                break;
            }
        }
    }
    if incoterms.is_empty() && !c.has("incoterms") {
        c.add(
            "incoterms",
            "required",
            "give at least one Incoterm, like FOB",
        );
    }
    let port = parse_code(
        &mut c,
        "port_of_loading",
        &form.port_of_loading,
        UnLocode::parse,
    );
    let hs = parse_code(&mut c, "hs_code", &form.hs_code, HsCode::parse);
    let origin = parse_code(
        &mut c,
        "country_of_origin",
        &form.country_of_origin,
        CountryCode::parse,
    );
    if let Some(o) = &origin
        && !o.is_rcep_party()
    {
        c.add(
            "country_of_origin",
            "not_rcep",
            "the country of origin must be one of the 15 RCEP countries",
        );
    }
    let criterion = parse_code(
        &mut c,
        "origin_criterion",
        &form.origin_criterion,
        OriginCriterion::parse,
    );
    let rvc = match form.rvc_percent.trim() {
        "" => None,
        text => match Decimal::from_str(text) {
            Ok(d) if d > Decimal::ZERO && d <= Decimal::ONE_HUNDRED => Some(d),
            _ => {
                c.add(
                    "rvc_percent",
                    "invalid",
                    "enter a percentage above 0 and at most 100, like 45.5",
                );
                None
            }
        },
    };
    if let Some(cr) = &criterion
        && !c.has("rvc_percent")
        && (*cr == OriginCriterion::RVC) != rvc.is_some()
    {
        c.add(
            "rvc_percent",
            "rvc_mismatch",
            "give the regional value content with the RVC criterion, and only with it",
        );
    }
    let tariff_shift = c.optional_text("tariff_shift", &form.tariff_shift, 200);
    let (hs_edition, modifiers, producer) = certificate_data(&mut c, form);
    c.finish()?;
    let missing = || DomainError::invalid("form", "a checked field is missing");
    Ok(ValidProduct {
        sku: sku.ok_or_else(missing)?,
        slug: slug.ok_or_else(missing)?,
        category_id: category_id.ok_or_else(missing)?,
        locale,
        name,
        summary,
        description,
        unit: unit.ok_or_else(missing)?.as_str().to_owned(),
        moq,
        order_increment: increment,
        currency: currency.ok_or_else(missing)?.code().to_owned(),
        price_on_request: form.price_on_request,
        tiers,
        lead_min: i32::try_from(lead_min).unwrap_or(0),
        lead_max: i32::try_from(lead_max).unwrap_or(0),
        incoterms,
        port: port.ok_or_else(missing)?.as_str().to_owned(),
        hs_code: hs.ok_or_else(missing)?.as_str().to_owned(),
        origin: origin.ok_or_else(missing)?.as_str().to_owned(),
        criterion: criterion.ok_or_else(missing)?.as_str().to_owned(),
        rvc,
        tariff_shift,
        hs_edition,
        modifiers,
        producer,
        producer_confidential: form.producer_confidential,
        featured: form.featured,
        published: form.published,
    })
}

fn field_error(field: &str, code: &str, message: impl Into<String>) -> DomainError {
    let mut c = FormCheck::new();
    c.add(field, code, message);
    c.finish()
        .err()
        .unwrap_or_else(|| DomainError::invalid(field, "invalid"))
}

/// One page of products (published or not), newest first, filtered by SKU, slug or name.
pub async fn list_products<C: ConnectionTrait>(
    db: &C,
    query: &str,
    page: u64,
    per_page: u64,
) -> DomainResult<(Vec<ProductRow>, u64)> {
    let mut select = product::Entity::find();
    let q = query.trim();
    if !q.is_empty() {
        let pattern = crate::db::like_pattern(q);
        let named: Vec<Uuid> = product_translation::Entity::find()
            .filter(crate::db::lower_like(
                product_translation::Column::SearchText,
                &pattern,
            ))
            .select_only()
            .column(product_translation::Column::ProductId)
            .into_tuple()
            .all(db)
            .await?;
        select = select.filter(
            sea_orm::Condition::any()
                .add(crate::db::lower_like(product::Column::Sku, &pattern))
                .add(crate::db::lower_like(product::Column::Slug, &pattern))
                .add(product::Column::Id.is_in(named)),
        );
    }
    let total = select.clone().count(db).await?;
    let models = select
        .order_by_desc(product::Column::UpdatedAt)
        .order_by_desc(product::Column::Id)
        .offset(page.saturating_sub(1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = models.iter().map(|m| m.id).collect();
    let names: Vec<product_translation::Model> = product_translation::Entity::find()
        .filter(product_translation::Column::ProductId.is_in(ids))
        .filter(product_translation::Column::Locale.eq(FALLBACK_LOCALE))
        .all(db)
        .await?;
    let categories = list_categories(db).await?;
    Ok((
        models
            .into_iter()
            .map(|m| ProductRow {
                name: names
                    .iter()
                    .find(|n| n.product_id == m.id)
                    .map(|n| n.name.clone())
                    .unwrap_or_default(),
                category: categories
                    .iter()
                    .find(|c| c.id == m.category_id.to_string())
                    .map(|c| c.name.clone())
                    .unwrap_or_default(),
                id: m.id.to_string(),
                sku: m.sku,
                slug: m.slug,
                published: m.published,
                featured: m.featured,
                updated_at: time_text(m.updated_at),
            })
            .collect(),
        total,
    ))
}

/// The form for an existing product, with its text in `locale` (blank when not written yet).
pub async fn product_form<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    locale: &str,
) -> DomainResult<ProductForm> {
    let locale = check_locale(locale)?;
    let p = product::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| DomainError::not_found("product"))?;
    let text = product_translation::Entity::find_by_id((id, locale.to_owned()))
        .one(db)
        .await?;
    let tiers = price_tier::Entity::find()
        .filter(price_tier::Column::ProductId.eq(id))
        .order_by_asc(price_tier::Column::MinQuantity)
        .all(db)
        .await?;
    let list = |v: &serde_json::Value| {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default()
    };
    Ok(ProductForm {
        sku: p.sku,
        slug: p.slug,
        category_id: p.category_id.to_string(),
        locale: locale.to_owned(),
        name: text.as_ref().map(|t| t.name.clone()).unwrap_or_default(),
        summary: text.as_ref().map(|t| t.summary.clone()).unwrap_or_default(),
        description: text.map(|t| t.description).unwrap_or_default(),
        unit: p.unit,
        moq: p.moq.to_string(),
        order_increment: p.order_increment.to_string(),
        currency: p.currency,
        price_on_request: p.price_on_request,
        price_tiers: tiers
            .iter()
            .map(|t| format!("{} = {}", t.min_quantity, t.unit_price))
            .collect::<Vec<_>>()
            .join("\n"),
        lead_time_min_days: p.lead_time_min_days.to_string(),
        lead_time_max_days: p.lead_time_max_days.to_string(),
        incoterms: list(&p.incoterms),
        port_of_loading: p.port_of_loading,
        hs_code: p.hs_code,
        country_of_origin: p.country_of_origin,
        origin_criterion: p.origin_criterion,
        rvc_percent: p.rvc_percent.unwrap_or_default(),
        tariff_shift: p.tariff_shift.unwrap_or_default(),
        hs_edition: p.hs_edition.unwrap_or_default(),
        modifier_acu: has_modifier(p.origin_modifiers.as_ref(), "ACU"),
        modifier_dmi: has_modifier(p.origin_modifiers.as_ref(), "DMI"),
        producer_name: p.producer_name.unwrap_or_default(),
        producer_address: p.producer_address.unwrap_or_default(),
        producer_country: p.producer_country.unwrap_or_default(),
        producer_confidential: p.producer_confidential,
        featured: p.featured,
        published: p.published,
    })
}

/// Whether the stored modifiers (`["ACU", "DMI"]`) hold `code`.
fn has_modifier(stored: Option<&serde_json::Value>, code: &str) -> bool {
    stored
        .and_then(serde_json::Value::as_array)
        .is_some_and(|m| m.iter().any(|v| v.as_str() == Some(code)))
}

/// Creates (`id` = `None`) or updates a product; returns its id and slug.
pub async fn save_product<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    id: Option<Uuid>,
    form: &ProductForm,
    actor: &Actor,
    ip: Option<&str>,
    now: DateTime<Utc>,
) -> DomainResult<(Uuid, String)> {
    let v = validate_product(form)?;
    if id.is_none() && v.locale != FALLBACK_LOCALE {
        return Err(field_error(
            "locale",
            "english_first",
            "write a new product in English first; other languages are added afterwards",
        ));
    }
    let txn = db.begin().await?;
    if category::Entity::find_by_id(v.category_id)
        .one(&txn)
        .await?
        .is_none()
    {
        return Err(field_error(
            "category_id",
            "invalid",
            "choose a category from the list",
        ));
    }
    for (field, col, value) in [
        ("sku", product::Column::Sku, &v.sku),
        ("slug", product::Column::Slug, &v.slug),
    ] {
        let mut clash = product::Entity::find().filter(col.eq(value.as_str()));
        if let Some(id) = id {
            clash = clash.filter(product::Column::Id.ne(id));
        }
        if clash.count(&txn).await? > 0 {
            return Err(field_error(
                field,
                "taken",
                format!("another product already uses {value}"),
            ));
        }
    }
    let existing = match id {
        Some(id) => Some(
            product::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .ok_or_else(|| DomainError::not_found("product"))?,
        ),
        None => None,
    };
    let product_id = id.unwrap_or_else(Uuid::now_v7);
    let model = product::ActiveModel {
        id: Set(product_id),
        sku: Set(v.sku.clone()),
        slug: Set(v.slug.clone()),
        category_id: Set(v.category_id),
        unit: Set(v.unit),
        moq: Set(v.moq),
        order_increment: Set(v.order_increment),
        currency: Set(v.currency),
        price_on_request: Set(v.price_on_request),
        lead_time_min_days: Set(v.lead_min),
        lead_time_max_days: Set(v.lead_max),
        incoterms: Set(serde_json::json!(v.incoterms)),
        port_of_loading: Set(v.port),
        certifications: Set(existing
            .as_ref()
            .map_or_else(|| serde_json::json!([]), |e| e.certifications.clone())),
        hs_code: Set(v.hs_code),
        country_of_origin: Set(v.origin),
        origin_criterion: Set(v.criterion),
        rvc_percent: Set(v.rvc.map(|r| r.to_string())),
        tariff_shift: Set(v.tariff_shift),
        hs_edition: Set(v.hs_edition.clone()),
        origin_modifiers: Set((!v.modifiers.is_empty()).then(|| serde_json::json!(v.modifiers))),
        producer_name: Set(v.producer.as_ref().map(|p| p.0.clone())),
        producer_address: Set(v.producer.as_ref().map(|p| p.1.clone())),
        producer_country: Set(v.producer.as_ref().map(|p| p.2.clone())),
        producer_confidential: Set(v.producer_confidential),
        featured: Set(v.featured),
        published: Set(v.published),
        created_at: Set(existing.as_ref().map_or(now, |e| e.created_at)),
        updated_at: Set(now),
    };
    if existing.is_some() {
        model.update(&txn).await?;
    } else {
        model.insert(&txn).await?;
    }
    let old_text = product_translation::Entity::find_by_id((product_id, v.locale.to_owned()))
        .one(&txn)
        .await?;
    let text = product_translation::ActiveModel {
        product_id: Set(product_id),
        locale: Set(v.locale.to_owned()),
        search_text: Set(product_translation::search_text(
            &v.name,
            &v.summary,
            &v.description,
        )),
        name: Set(v.name),
        summary: Set(v.summary),
        description: Set(v.description),
        specs: Set(old_text
            .as_ref()
            .map_or_else(|| serde_json::json!([]), |t| t.specs.clone())),
    };
    if old_text.is_some() {
        text.update(&txn).await?;
    } else {
        text.insert(&txn).await?;
    }
    price_tier::Entity::delete_many()
        .filter(price_tier::Column::ProductId.eq(product_id))
        .exec(&txn)
        .await?;
    for t in &v.tiers {
        price_tier::ActiveModel {
            product_id: Set(product_id),
            min_quantity: Set(i64::try_from(t.min_quantity).unwrap_or(i64::MAX)),
            unit_price: Set(t.unit_price.to_string()),
        }
        .insert(&txn)
        .await?;
    }
    audit::record(
        &txn,
        AuditEntry {
            actor,
            action: if existing.is_some() {
                "product.update"
            } else {
                "product.create"
            },
            target: &v.sku,
            ip,
            detail: serde_json::json!({ "locale": v.locale, "published": v.published }),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok((product_id, v.slug))
}

/// Deletes a product (its text, images and tiers go with it).
pub async fn delete_product<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    id: Uuid,
    actor: &Actor,
    ip: Option<&str>,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let txn = db.begin().await?;
    let p = product::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::not_found("product"))?;
    product::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        AuditEntry {
            actor,
            action: "product.delete",
            target: &p.sku,
            ip,
            detail: serde_json::json!({ "slug": p.slug }),
        },
        now,
    )
    .await?;
    txn.commit().await.map_err(Into::into)
}

/// Every category with its English name and product count, in display order.
pub async fn list_categories<C: ConnectionTrait>(db: &C) -> DomainResult<Vec<CategoryRow>> {
    let cats = category::Entity::find()
        .order_by_asc(category::Column::Position)
        .order_by_asc(category::Column::Slug)
        .all(db)
        .await?;
    let names = category_translation::Entity::find()
        .filter(category_translation::Column::Locale.eq(FALLBACK_LOCALE))
        .all(db)
        .await?;
    let mut rows = Vec::with_capacity(cats.len());
    for c in cats {
        let products = product::Entity::find()
            .filter(product::Column::CategoryId.eq(c.id))
            .count(db)
            .await?;
        rows.push(CategoryRow {
            name: names
                .iter()
                .find(|n| n.category_id == c.id)
                .map(|n| n.name.clone())
                .unwrap_or_else(|| c.slug.clone()),
            id: c.id.to_string(),
            slug: c.slug,
            position: c.position,
            products,
        });
    }
    Ok(rows)
}

/// The form for an existing category, with its text in `locale`.
pub async fn category_form<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    locale: &str,
) -> DomainResult<CategoryForm> {
    let locale = check_locale(locale)?;
    let c = category::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| DomainError::not_found("category"))?;
    let text = category_translation::Entity::find_by_id((id, locale.to_owned()))
        .one(db)
        .await?;
    Ok(CategoryForm {
        slug: c.slug,
        position: c.position.to_string(),
        locale: locale.to_owned(),
        name: text.as_ref().map(|t| t.name.clone()).unwrap_or_default(),
        description: text.map(|t| t.description).unwrap_or_default(),
    })
}

/// Creates or updates a category.
pub async fn save_category<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    id: Option<Uuid>,
    form: &CategoryForm,
    actor: &Actor,
    ip: Option<&str>,
    now: DateTime<Utc>,
) -> DomainResult<Uuid> {
    let locale = check_locale(form.locale.trim())?;
    let mut c = FormCheck::new();
    let slug = parse_code(&mut c, "slug", &form.slug, Slug::parse).map(|s| s.as_str().to_owned());
    let position = c.integer("position", &form.position, 0, 10_000);
    let name = c.text("name", &form.name, 120, false);
    let description = c
        .optional_text("description", &form.description, 2_000)
        .unwrap_or_default();
    c.finish()?;
    let slug = slug.ok_or_else(|| DomainError::invalid("slug", "missing"))?;
    if id.is_none() && locale != FALLBACK_LOCALE {
        return Err(field_error(
            "locale",
            "english_first",
            "write a new category in English first; other languages are added afterwards",
        ));
    }
    let txn = db.begin().await?;
    let mut clash = category::Entity::find().filter(category::Column::Slug.eq(&slug));
    if let Some(id) = id {
        clash = clash.filter(category::Column::Id.ne(id));
    }
    if clash.count(&txn).await? > 0 {
        return Err(field_error(
            "slug",
            "taken",
            format!("another category already uses {slug}"),
        ));
    }
    let existing = match id {
        Some(id) => Some(
            category::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .ok_or_else(|| DomainError::not_found("category"))?,
        ),
        None => None,
    };
    let category_id = id.unwrap_or_else(Uuid::now_v7);
    let model = category::ActiveModel {
        id: Set(category_id),
        slug: Set(slug.clone()),
        position: Set(i32::try_from(position).unwrap_or(0)),
        image: Set(existing.as_ref().and_then(|e| e.image.clone())),
        created_at: Set(existing.as_ref().map_or(now, |e| e.created_at)),
        updated_at: Set(now),
    };
    if existing.is_some() {
        model.update(&txn).await?;
    } else {
        model.insert(&txn).await?;
    }
    let old = category_translation::Entity::find_by_id((category_id, locale.to_owned()))
        .one(&txn)
        .await?;
    let text = category_translation::ActiveModel {
        category_id: Set(category_id),
        locale: Set(locale.to_owned()),
        name: Set(name),
        description: Set(description),
    };
    if old.is_some() {
        text.update(&txn).await?;
    } else {
        text.insert(&txn).await?;
    }
    audit::record(
        &txn,
        AuditEntry {
            actor,
            action: if existing.is_some() {
                "category.update"
            } else {
                "category.create"
            },
            target: &slug,
            ip,
            detail: serde_json::json!({ "locale": locale }),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(category_id)
}

/// Deletes an empty category; one that still has products is refused.
pub async fn delete_category<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    id: Uuid,
    actor: &Actor,
    ip: Option<&str>,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let txn = db.begin().await?;
    let c = category::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::not_found("category"))?;
    let products = product::Entity::find()
        .filter(product::Column::CategoryId.eq(id))
        .count(&txn)
        .await?;
    if products > 0 {
        return Err(DomainError::Conflict(format!(
            "the category still has {products} products; move or delete them first"
        )));
    }
    category::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        AuditEntry {
            actor,
            action: "category.delete",
            target: &c.slug,
            ip,
            detail: serde_json::json!({}),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn sample() -> ProductForm {
        ProductForm {
            sku: "PF-TEST-0001".into(),
            slug: "test-oak-stool".into(),
            category_id: Uuid::now_v7().to_string(),
            locale: "en".into(),
            name: "Oak stool".into(),
            summary: "A solid oak stool.".into(),
            description: "Solid oak, oiled.\nStackable.".into(),
            unit: "PCE".into(),
            moq: "100".into(),
            order_increment: "50".into(),
            currency: "USD".into(),
            price_on_request: false,
            price_tiers: "100 = 20.00\n500 = 18.50".into(),
            lead_time_min_days: "20".into(),
            lead_time_max_days: "30".into(),
            incoterms: "FOB, CIF".into(),
            port_of_loading: "CNSHA".into(),
            hs_code: "940161".into(),
            country_of_origin: "CN".into(),
            origin_criterion: "CTC".into(),
            rvc_percent: String::new(),
            tariff_shift: "CTH".into(),
            featured: false,
            published: true,
            ..ProductForm::default()
        }
    }

    #[test]
    fn a_complete_product_passes() {
        let v = validate_product(&sample()).unwrap();
        assert_eq!(v.incoterms, ["FOB", "CIF"]);
        assert_eq!(v.tiers.len(), 2);
    }

    #[test]
    fn the_certificate_data_of_a_product_is_read() {
        let mut f = sample();
        f.hs_edition = "hs2022".into();
        f.modifier_dmi = true;
        f.producer_name = " Ningbo Oak Works ".into();
        f.producer_address = "8 Mill Road, Ningbo".into();
        f.producer_country = "CN".into();
        let v = validate_product(&f).unwrap();
        assert_eq!(v.hs_edition.as_deref(), Some("HS2022"));
        assert_eq!(v.modifiers, ["DMI"]);
        assert_eq!(
            v.producer,
            Some((
                "Ningbo Oak Works".into(),
                "8 Mill Road, Ningbo".into(),
                "CN".into()
            ))
        );
        let v = validate_product(&sample()).unwrap();
        assert!(v.hs_edition.is_none() && v.modifiers.is_empty() && v.producer.is_none());
    }

    #[test]
    fn each_bad_product_field_is_named() {
        /// A change to a good form, the field it breaks and the expected code.
        type Case = (fn(&mut ProductForm), &'static str, &'static str);
        let cases: Vec<Case> = vec![
            (|f| f.sku = "bad sku".into(), "sku", "invalid"),
            (|f| f.slug = "Bad Slug".into(), "slug", "invalid"),
            (|f| f.name = " ".into(), "name", "required"),
            (|f| f.moq = "x".into(), "moq", "not_a_number"),
            (
                |f| f.order_increment = "0".into(),
                "order_increment",
                "out_of_range",
            ),
            (
                |f| f.price_tiers = "100: 20".into(),
                "price_tiers",
                "invalid_tier",
            ),
            (|f| f.price_tiers = String::new(), "price_tiers", "required"),
            (
                |f| f.price_on_request = true,
                "price_tiers",
                "tiers_with_request",
            ),
            (
                |f| f.lead_time_max_days = "10".into(),
                "lead_time_max_days",
                "below_min",
            ),
            (|f| f.incoterms = "FOB XYZ".into(), "incoterms", "invalid"),
            (
                |f| f.port_of_loading = "??".into(),
                "port_of_loading",
                "invalid",
            ),
            (
                |f| f.country_of_origin = "US".into(),
                "country_of_origin",
                "not_rcep",
            ),
            (
                |f| f.origin_criterion = "RVC".into(),
                "rvc_percent",
                "rvc_mismatch",
            ),
            (|f| f.rvc_percent = "140".into(), "rvc_percent", "invalid"),
            (|f| f.hs_edition = "HS1996".into(), "hs_edition", "invalid"),
            (
                |f| f.producer_name = "Ningbo Oak Works".into(),
                "producer_address",
                "producer_incomplete",
            ),
            (
                |f| {
                    f.producer_name = "Ningbo Oak Works".into();
                    f.producer_address = "8 Mill Road, Ningbo".into();
                    f.producer_country = "XX1".into();
                },
                "producer_country",
                "invalid",
            ),
        ];
        for (change, field, code) in cases {
            let mut f = sample();
            change(&mut f);
            let Err(DomainError::Fields(errors)) = validate_product(&f) else {
                panic!("{field}: expected field errors");
            };
            assert!(
                errors.iter().any(|e| e.field == field && e.code == code),
                "{field}/{code}: got {errors:?}"
            );
        }
    }
}
