//! schema.org Product / Offer structured data for product pages.

use serde_json::{Value, json};

use domain::catalog::model::ProductDetail;
use domain::codes::UnitCode;

/// UN/CEFACT common code for schema.org `unitCode` (a piece is `H87` there).
fn unit_code(unit: UnitCode) -> &'static str {
    match unit {
        UnitCode::PCE => "H87",
        other => other.as_str(),
    }
}

/// The JSON-LD document; `base_url` makes URLs absolute, `page_url` is the product page.
pub fn product_json_ld(p: &ProductDetail, base_url: &str, page_url: &str) -> Value {
    let images: Vec<String> = p.images.iter().map(|i| format!("{base_url}{i}")).collect();
    let mut doc = json!({
        "@context": "https://schema.org",
        "@type": "Product",
        "name": p.name,
        "sku": p.sku,
        "description": p.summary,
        "image": images,
        "category": p.category.name,
        "url": format!("{base_url}{page_url}"),
        "countryOfOrigin": { "@type": "Country", "name": p.country_of_origin.as_str() },
        "additionalProperty": [
            { "@type": "PropertyValue", "name": "HS code", "value": p.hs_code.dotted() },
            { "@type": "PropertyValue", "name": "RCEP origin criterion", "value": p.origin_criterion.as_str() },
            { "@type": "PropertyValue", "name": "Port of loading", "value": p.port_of_loading.as_str() },
        ],
    });
    if let Some(table) = &p.prices {
        let currency = table.currency().code().to_owned();
        let (low, high) = table.price_range();
        let offers: Vec<Value> = table
            .tiers()
            .iter()
            .map(|tier| {
                json!({
                    "@type": "Offer",
                    "priceCurrency": currency,
                    "price": tier.unit_price.to_string(),
                    "eligibleQuantity": {
                        "@type": "QuantitativeValue",
                        "minValue": tier.min_quantity,
                        "unitCode": unit_code(p.unit),
                    },
                })
            })
            .collect();
        doc["offers"] = json!({
            "@type": "AggregateOffer",
            "priceCurrency": currency,
            "lowPrice": low.amount.to_string(),
            "highPrice": high.amount.to_string(),
            "offerCount": offers.len(),
            "offers": offers,
        });
    }
    doc
}

/// The JSON-LD as text safe inside a `<script>` element.
pub fn script_text(doc: &Value) -> String {
    doc.to_string().replace('<', "\\u003c")
}
