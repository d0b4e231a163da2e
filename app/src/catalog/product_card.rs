//! A product in a grid: image, name, origin, MOQ and the lowest price.

use leptos::prelude::*;

use domain::catalog::model::ProductCard;
use domain::money::Money;

use crate::catalog::trade_labels::{country_name, unit_name};
use crate::i18n::{fill, use_locale};
use crate::paths;

#[component]
pub fn ProductCardView(card: ProductCard) -> impl IntoView {
    let locale = use_locale();
    let t = locale.messages();
    let href = paths::product(locale, &card.slug);
    let unit = unit_name(t, card.unit);
    let price = match card.from_price {
        Some(p) => fill(
            t.card_from_price,
            &[
                ("price", &locale.format_money(&Money::new(p, card.currency))),
                ("unit", &unit),
            ],
        ),
        None => t.price_on_request.to_owned(),
    };
    let moq = fill(
        t.card_moq,
        &[("moq", &locale.format_count(card.moq)), ("unit", &unit)],
    );
    let origin = fill(
        t.card_origin,
        &[("country", &country_name(t, &card.country_of_origin))],
    );
    let lead = fill(
        t.card_lead_time,
        &[
            ("min", &card.lead_time.min_days),
            ("max", &card.lead_time.max_days),
        ],
    );
    view! {
        <article class="product-card">
            <a class="card-image" href=href.clone() tabindex="-1" aria-hidden="true">
                {card.image.map(|src| view! { <img src=src alt="" loading="lazy" width="320" height="240" /> })}
            </a>
            <div class="card-body">
                <h3 class="card-title">
                    <a href=href>{card.name}</a>
                </h3>
                {card.text_fallback.then(|| view! { <span class="badge badge-muted" title=t.fallback_hint>{t.fallback_badge}</span> })}
                <p class="card-summary">{card.summary}</p>
                <p class="card-price">{price}</p>
                <ul class="card-facts">
                    <li>{moq}</li>
                    <li>{origin}</li>
                    <li>{lead}</li>
                </ul>
            </div>
        </article>
    }
}
