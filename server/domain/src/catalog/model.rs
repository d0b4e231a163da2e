//! Read models of the catalog as the storefront shows them, and the listing filter.
//! Pure data (serde), so the same types travel from the server to the browser.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::catalog::pricing::{QuantityRule, TierTable};
use crate::codes::{
    CountryCode, Currency, HsCode, Incoterm, OriginCriterion, Slug, UnLocode, UnitCode,
};

/// Products per listing page.
pub const PAGE_SIZE: u64 = 12;
/// The highest page number a listing accepts.
pub const MAX_PAGE: u64 = 1000;
/// The longest search text accepted, in characters.
pub const MAX_SEARCH_CHARS: usize = 100;

/// A category with its text in the requested locale (or English when missing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategorySummary {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub image: Option<String>,
    pub product_count: u64,
    /// True when the text is the English fallback, not the requested locale.
    pub text_fallback: bool,
}

/// A product as a listing card shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductCard {
    pub sku: String,
    pub slug: String,
    pub name: String,
    pub summary: String,
    pub text_fallback: bool,
    pub image: Option<String>,
    pub category_slug: String,
    pub unit: UnitCode,
    pub moq: u64,
    pub currency: Currency,
    /// The lowest tier price; `None` when the price is on request.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub from_price: Option<Decimal>,
    pub country_of_origin: CountryCode,
    pub hs_code: HsCode,
    pub lead_time: LeadTime,
}

/// Production lead time in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadTime {
    pub min_days: u32,
    pub max_days: u32,
}

/// One line of a product's specification table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spec {
    pub label: String,
    pub value: String,
}

/// A category reference: slug and localized name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryRef {
    pub slug: String,
    pub name: String,
}

/// Everything the product page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductDetail {
    pub sku: String,
    pub slug: String,
    pub category: CategoryRef,
    pub name: String,
    pub summary: String,
    pub description: String,
    pub text_fallback: bool,
    pub specs: Vec<Spec>,
    pub images: Vec<String>,
    pub unit: UnitCode,
    pub quantity_rule: QuantityRule,
    pub currency: Currency,
    /// The tier table; `None` when the price is on request.
    pub prices: Option<TierTable>,
    pub lead_time: LeadTime,
    pub incoterms: Vec<Incoterm>,
    pub port_of_loading: UnLocode,
    /// The port's name from the location master, when known.
    pub port_of_loading_name: Option<String>,
    pub certifications: Vec<String>,
    pub hs_code: HsCode,
    pub country_of_origin: CountryCode,
    pub origin_criterion: OriginCriterion,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub rvc_percent: Option<Decimal>,
    pub tariff_shift: Option<String>,
    /// RFC 3339 UTC time of the last change.
    pub updated_at: String,
}

/// A page of results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// 1-based page number.
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

impl<T> Page<T> {
    /// How many pages the whole result spans (at least 1).
    pub fn page_count(&self) -> u64 {
        self.total.div_ceil(self.per_page.max(1)).max(1)
    }
}

/// Listing query parameters as they arrive in the URL, before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingParams {
    pub q: Option<String>,
    pub category: Option<String>,
    pub origin: Option<String>,
    pub moq_min: Option<String>,
    pub moq_max: Option<String>,
    pub page: Option<String>,
}

/// A validated listing filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ProductFilter {
    pub text: Option<String>,
    pub category: Option<Slug>,
    pub origin: Option<CountryCode>,
    pub moq_min: Option<u64>,
    pub moq_max: Option<u64>,
    pub page: u64,
}

/// Which listing parameter is wrong; the UI words the message in the buyer's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum FilterError {
    #[error("page must be a whole number from 1 to {MAX_PAGE}")]
    Page,
    #[error("the search text is longer than {MAX_SEARCH_CHARS} characters")]
    SearchTooLong,
    #[error("the category is not a valid category name")]
    Category,
    #[error("the origin must be a two-letter country code")]
    Origin,
    #[error("the minimum MOQ must be a whole number")]
    MoqMin,
    #[error("the maximum MOQ must be a whole number")]
    MoqMax,
    #[error("the minimum MOQ is larger than the maximum MOQ")]
    MoqRange,
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn parse_count(s: &str) -> Option<u64> {
    let digits: String = s.chars().filter(|c| *c != ',' && *c != '_').collect();
    if digits.is_empty() || digits.len() > 12 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

impl ProductFilter {
    /// Validates raw URL parameters. Empty parameters mean "no filter".
    pub fn parse(params: &ListingParams) -> Result<Self, FilterError> {
        let page = match non_empty(&params.page) {
            None => 1,
            Some(p) => parse_count(p)
                .filter(|p| (1..=MAX_PAGE).contains(p))
                .ok_or(FilterError::Page)?,
        };
        let text = match non_empty(&params.q) {
            None => None,
            Some(q) if q.chars().count() > MAX_SEARCH_CHARS => {
                return Err(FilterError::SearchTooLong);
            }
            Some(q) => Some(q.split_whitespace().collect::<Vec<_>>().join(" ")),
        };
        let category = non_empty(&params.category)
            .map(|c| Slug::parse(c).map_err(|_| FilterError::Category))
            .transpose()?;
        let origin = non_empty(&params.origin)
            .map(|c| CountryCode::parse(c).map_err(|_| FilterError::Origin))
            .transpose()?;
        let moq_min = non_empty(&params.moq_min)
            .map(|v| parse_count(v).ok_or(FilterError::MoqMin))
            .transpose()?;
        let moq_max = non_empty(&params.moq_max)
            .map(|v| parse_count(v).ok_or(FilterError::MoqMax))
            .transpose()?;
        if let (Some(lo), Some(hi)) = (moq_min, moq_max)
            && lo > hi
        {
            return Err(FilterError::MoqRange);
        }
        Ok(Self {
            text,
            category,
            origin,
            moq_min,
            moq_max,
            page,
        })
    }

    /// The filter written back as URL parameters (for links that keep it), without the page.
    pub fn to_params(&self) -> ListingParams {
        ListingParams {
            q: self.text.clone(),
            category: self.category.as_ref().map(|c| c.as_str().to_owned()),
            origin: self.origin.as_ref().map(|c| c.as_str().to_owned()),
            moq_min: self.moq_min.map(|v| v.to_string()),
            moq_max: self.moq_max.map(|v| v.to_string()),
            page: None,
        }
    }

    /// Whether any filter other than the page is set.
    pub fn is_filtered(&self) -> bool {
        self.text.is_some()
            || self.category.is_some()
            || self.origin.is_some()
            || self.moq_min.is_some()
            || self.moq_max.is_some()
    }
}

/// The locales product and category text may be written in (the UI's locales).
pub const TEXT_LOCALES: [&str; 8] = ["en", "zh-Hans", "ja", "ko", "vi", "th", "id", "ms"];

/// The HS editions a product's code may be read in (the product form's choices).
pub const HS_EDITIONS: [&str; 3] = ["HS2012", "HS2017", "HS2022"];

#[cfg(test)]
mod tests {
    use super::*;

    fn params(f: impl FnOnce(&mut ListingParams)) -> ListingParams {
        let mut p = ListingParams::default();
        f(&mut p);
        p
    }

    #[test]
    fn empty_parameters_mean_no_filter_and_page_one() {
        let f = ProductFilter::parse(&params(|p| p.q = Some("  ".into()))).unwrap();
        assert_eq!(
            f,
            ProductFilter {
                page: 1,
                ..Default::default()
            }
        );
        assert!(!f.is_filtered());
    }

    #[test]
    fn rejects_page_zero_negative_huge_or_text() {
        for bad in ["0", "-1", "1001", "abc", "1.5", "99999999999999"] {
            let r = ProductFilter::parse(&params(|p| p.page = Some(bad.into())));
            assert_eq!(r, Err(FilterError::Page), "{bad}");
        }
    }

    #[test]
    fn rejects_over_long_search_text() {
        let long = "a".repeat(MAX_SEARCH_CHARS + 1);
        assert_eq!(
            ProductFilter::parse(&params(|p| p.q = Some(long))),
            Err(FilterError::SearchTooLong)
        );
        let ok = "茶".repeat(MAX_SEARCH_CHARS);
        assert!(ProductFilter::parse(&params(|p| p.q = Some(ok))).is_ok());
    }

    #[test]
    fn normalises_search_whitespace_and_origin_case() {
        let f = ProductFilter::parse(&params(|p| {
            p.q = Some("  oak   chair ".into());
            p.origin = Some("vn".into());
        }))
        .unwrap();
        assert_eq!(f.text.as_deref(), Some("oak chair"));
        assert_eq!(f.origin.unwrap().as_str(), "VN");
    }

    #[test]
    fn rejects_inverted_moq_range_and_non_numbers() {
        let inverted = params(|p| {
            p.moq_min = Some("500".into());
            p.moq_max = Some("100".into());
        });
        assert_eq!(ProductFilter::parse(&inverted), Err(FilterError::MoqRange));
        assert_eq!(
            ProductFilter::parse(&params(|p| p.moq_min = Some("ten".into()))),
            Err(FilterError::MoqMin)
        );
        assert_eq!(
            ProductFilter::parse(&params(|p| p.moq_max = Some("-5".into()))),
            Err(FilterError::MoqMax)
        );
        let grouped = ProductFilter::parse(&params(|p| p.moq_max = Some("1,000".into()))).unwrap();
        assert_eq!(grouped.moq_max, Some(1000));
    }

    #[test]
    fn rejects_malformed_category_and_origin() {
        assert_eq!(
            ProductFilter::parse(&params(|p| p.category = Some("No Such".into()))),
            Err(FilterError::Category)
        );
        assert_eq!(
            ProductFilter::parse(&params(|p| p.origin = Some("CHN".into()))),
            Err(FilterError::Origin)
        );
    }

    #[test]
    fn page_count_rounds_up_and_is_never_zero() {
        let p = |total| {
            Page::<()> {
                items: vec![],
                page: 1,
                per_page: 12,
                total,
            }
            .page_count()
        };
        assert_eq!((p(0), p(12), p(13)), (1, 1, 2));
    }
}
