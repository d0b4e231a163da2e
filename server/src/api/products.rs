//! `GET /api/v1/products` (`catalog:read`): the published catalog, a page at a time.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use domain::auth::Scope;
use domain::catalog::model::{ListingParams, ProductCard, ProductFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::bearer::ApiCaller;
use super::problem::ApiError;
use crate::startup::ServerState;

/// Products per page unless `per_page` says otherwise.
pub const DEFAULT_PER_PAGE: u64 = 50;
/// The largest page the API serves.
pub const MAX_PER_PAGE: u64 = 100;

/// Query parameters of the product list. They arrive as text (so a bad value gets a 400 that
/// names the parameter and the rule); the description declares their real types and bounds,
/// the same rules `list_products` and `ProductFilter::parse` apply.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductQuery {
    /// 1-based page number (default 1).
    #[param(value_type = Option<u64>, minimum = 1, maximum = 1000)]
    pub page: Option<String>,
    /// Products per page (default 50).
    #[param(value_type = Option<u64>, minimum = 1, maximum = 100)]
    pub per_page: Option<String>,
    /// Language of names and summaries (default en; text missing in that language falls back
    /// to English and says so in `text_fallback`).
    #[param(schema_with = lang_schema)]
    pub lang: Option<String>,
    /// Text search in names, descriptions, SKU and HS code.
    #[param(value_type = Option<String>, max_length = 100)]
    pub q: Option<String>,
    /// Category slug: lower-case letters and digits joined by single hyphens.
    #[param(value_type = Option<String>, max_length = 80, pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub category: Option<String>,
    /// Country of origin, ISO 3166-1 alpha-2 (either case).
    #[param(value_type = Option<String>, pattern = r"^[A-Za-z]{2}$")]
    pub origin: Option<String>,
}

impl ProductQuery {
    /// The API takes each parameter exactly as its description declares it: a parameter that
    /// is present has a value of its type (no empty values, no spaces, no digit grouping),
    /// where the storefront's forms are lenient about what a person types. Gives the page
    /// size and the language; the other parameters go on to `ProductFilter::parse`.
    fn exact(&self) -> Result<(u64, app::i18n::Locale), ApiError> {
        fn number(name: &str, value: Option<&str>, max: u64) -> Result<Option<u64>, ApiError> {
            let Some(v) = value else { return Ok(None) };
            let ok = !v.is_empty()
                && v.len() <= 12
                && v.bytes().all(|b| b.is_ascii_digit())
                && !v.starts_with('0')
                && v.parse::<u64>().is_ok_and(|n| (1..=max).contains(&n));
            if ok {
                Ok(v.parse().ok())
            } else {
                Err(ApiError::bad_request(format!(
                    "{name} must be a whole number from 1 to {max}, written with digits only"
                )))
            }
        }
        number(
            "page",
            self.page.as_deref(),
            domain::catalog::model::MAX_PAGE,
        )?;
        let per_page =
            number("per_page", self.per_page.as_deref(), MAX_PER_PAGE)?.unwrap_or(DEFAULT_PER_PAGE);
        let lang = match self.lang.as_deref() {
            None => app::i18n::Locale::DEFAULT,
            Some(tag) => app::i18n::Locale::ALL
                .into_iter()
                .find(|l| l.tag() == tag)
                .ok_or_else(|| {
                    let all: Vec<&str> = app::i18n::Locale::ALL.iter().map(|l| l.tag()).collect();
                    ApiError::bad_request(format!("lang must be one of {}", all.join(", ")))
                })?,
        };
        if let Some(origin) = self.origin.as_deref()
            && !(origin.len() == 2 && origin.bytes().all(|b| b.is_ascii_alphabetic()))
        {
            return Err(ApiError::bad_request(
                "origin must be a two-letter ISO 3166-1 country code, e.g. VN",
            ));
        }
        if let Some(category) = self.category.as_deref()
            && domain::codes::Slug::parse(category).is_err()
        {
            return Err(ApiError::bad_request(
                "category must be a category slug: lower-case letters and digits joined by single hyphens, at most 80 characters",
            ));
        }
        Ok((per_page, lang))
    }
}

/// `lang`: one of the storefront's locale tags.
fn lang_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(app::i18n::Locale::ALL.iter().map(|l| l.tag())))
        .build()
}

/// A product as the API lists it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiProduct {
    pub sku: String,
    pub slug: String,
    pub name: String,
    pub summary: String,
    /// True when `name` and `summary` are the English fallback for the requested language.
    pub text_fallback: bool,
    pub category: String,
    /// UN/ECE Recommendation 20 unit code.
    pub unit: String,
    /// Minimum order quantity, in `unit`.
    pub moq: u64,
    /// ISO 4217 currency of the prices.
    pub currency: String,
    /// The lowest tier unit price as a decimal string; absent when the price is on request.
    pub from_price: Option<String>,
    pub price_on_request: bool,
    /// ISO 3166-1 alpha-2.
    pub country_of_origin: String,
    /// Harmonized System code (6 or more digits).
    pub hs_code: String,
    pub lead_time_min_days: u32,
    pub lead_time_max_days: u32,
    /// The product page on the storefront.
    pub url: String,
    /// The main image, as an absolute URL.
    pub image: Option<String>,
}

/// One page of products.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductPage {
    pub items: Vec<ApiProduct>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
    pub page_count: u64,
}

fn to_api(card: ProductCard, base: &str, lang: &str) -> ApiProduct {
    ApiProduct {
        url: format!("{base}/{lang}/products/{}", card.slug),
        image: card.image.map(|i| format!("{base}{i}")),
        price_on_request: card.from_price.is_none(),
        from_price: card.from_price.map(|p| p.to_string()),
        sku: card.sku,
        slug: card.slug,
        name: card.name,
        summary: card.summary,
        text_fallback: card.text_fallback,
        category: card.category_slug,
        unit: card.unit.to_string(),
        moq: card.moq,
        currency: card.currency.to_string(),
        country_of_origin: card.country_of_origin.to_string(),
        hs_code: card.hs_code.to_string(),
        lead_time_min_days: card.lead_time.min_days,
        lead_time_max_days: card.lead_time.max_days,
    }
}

/// List published products.
#[utoipa::path(
    get,
    path = "/api/v1/products",
    tag = "catalog",
    params(ProductQuery),
    security(("oauth2" = ["catalog:read"])),
    responses(
        (status = 200, description = "A page of products", body = ProductPage),
        (status = 400, description = "A query parameter is invalid", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing, expired or invalid token", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks catalog:read", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 500, description = "An unexpected error; the cause is logged on the server", body = super::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_products(
    State(state): State<ServerState>,
    caller: ApiCaller,
    query: Result<Query<ProductQuery>, QueryRejection>,
) -> Result<Json<ProductPage>, ApiError> {
    caller.require(Scope::CatalogRead)?;
    let Query(query) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let (per_page, lang) = query.exact()?;
    let filter = ProductFilter::parse(&ListingParams {
        q: query.q,
        category: query.category,
        origin: query.origin,
        moq_min: None,
        moq_max: None,
        page: query.page,
    })
    .map_err(|e| ApiError::bad_request(e.to_string()))?;
    let page =
        domain::catalog::repo::search_products_paged(&state.app.db, lang.tag(), &filter, per_page)
            .await?;
    let page_count = page.page_count();
    let base = &state.app.base_url;
    Ok(Json(ProductPage {
        items: page
            .items
            .into_iter()
            .map(|c| to_api(c, base, lang.tag()))
            .collect(),
        page: page.page,
        per_page: page.per_page,
        total: page.total,
        page_count,
    }))
}
