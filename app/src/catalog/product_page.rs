//! The product page: gallery, price tiers with the live quantity calculator, trade and
//! origin data (HS code, RCEP origin criterion, port of loading, Incoterms), specifications.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use domain::catalog::model::ProductDetail;
use domain::codes::OriginCriterion;

use crate::catalog::json_ld::{product_json_ld, script_text};
use crate::catalog::quantity_calculator::QuantityCalculator;
use crate::catalog::server_fns::get_product;
use crate::catalog::trade_labels::{country_name, criterion_explained, unit_name};
use crate::components::layout::SiteInfo;
use crate::components::not_found::NotFound;
use crate::components::status::{ErrorPanel, Loading};
use crate::i18n::{Locale, PageTexts, fill, use_locale};
use crate::paths;

#[component]
pub fn ProductPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let product = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        move |slug| get_product(locale.tag().to_owned(), slug),
    );
    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match product.await {
                    Ok(Some(p)) => view! { <ProductView product=p locale /> }.into_any(),
                    Ok(None) => view! { <NotFound /> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The main picture and its thumbnails (an island: choosing a thumbnail needs the browser).
#[island]
fn Gallery(locale: Locale, images: Vec<String>, alt: String) -> impl IntoView {
    let t = locale.messages();
    let (selected, set_selected) = signal(0usize);
    let main_src = {
        let images = images.clone();
        move || images.get(selected.get()).cloned().unwrap_or_default()
    };
    let thumbs = (images.len() > 1).then(|| {
        images
            .iter()
            .enumerate()
            .map(|(i, src)| {
                let label = fill(t.gallery_show_image, &[("n", &(i + 1))]);
                view! {
                    <li>
                        <button
                            type="button"
                            class="thumb"
                            class:selected=move || selected.get() == i
                            aria-label=label
                            aria-pressed=move || (selected.get() == i).to_string()
                            on:click=move |_| set_selected.set(i)
                        >
                            <img src=src.clone() alt="" width="72" height="54" loading="lazy" />
                        </button>
                    </li>
                }
            })
            .collect_view()
    });
    view! {
        <div class="gallery">
            {(!images.is_empty()).then(|| view! {
                <img class="gallery-main" src=main_src alt=alt.clone() width="640" height="480" />
            })}
            {thumbs.map(|t| view! { <ul class="gallery-thumbs plain">{t}</ul> })}
        </div>
    }
}

#[component]
fn ProductView(product: ProductDetail, locale: Locale) -> impl IntoView {
    let t = locale.messages();
    let p = product;
    let site = use_context::<SiteInfo>();
    let page_url = paths::product(locale, &p.slug);
    let json_ld = script_text(&product_json_ld(
        &p,
        site.as_ref().map_or("", |s| s.base_url.as_str()),
        &page_url,
    ));
    let unit_label = unit_name(t, p.unit);
    let criterion_note = match p.origin_criterion {
        OriginCriterion::RVC => p.rvc_percent.map(|v| {
            fill(
                t.origin_rvc_value,
                &[("percent", &locale.format_decimal(v, v.scale().min(2)))],
            )
        }),
        OriginCriterion::CTC => p.tariff_shift.clone(),
        _ => None,
    };
    let qty = use_query_map().read_untracked().get("qty");
    let price_block = match p.prices.clone() {
        Some(table) => {
            view! { <QuantityCalculator locale table rule=p.quantity_rule unit=p.unit qty /> }
                .into_any()
        }
        None => view! {
            <div class="price-panel price-on-request">
                <p class="price-big">{t.price_on_request}</p>
                <p>{t.price_on_request_body}</p>
                <p class="muted small">
                    {fill(t.qty_hint, &[
                        ("moq", &locale.format_count(p.quantity_rule.moq)),
                        ("increment", &locale.format_count(p.quantity_rule.increment)),
                        ("unit", &unit_label),
                    ])}
                </p>
            </div>
        }
        .into_any(),
    };
    let incoterms = p
        .incoterms
        .iter()
        .map(|i| view! { <li class="chip">{i.as_str()}</li> })
        .collect_view();
    let certifications = p
        .certifications
        .iter()
        .map(|c| view! { <li class="chip">{c.clone()}</li> })
        .collect_view();
    let specs = p
        .specs
        .iter()
        .map(
            |s| view! { <tr><th scope="row">{s.label.clone()}</th><td>{s.value.clone()}</td></tr> },
        )
        .collect_view();
    let lead = fill(
        t.lead_time_days,
        &[
            ("min", &p.lead_time.min_days),
            ("max", &p.lead_time.max_days),
        ],
    );
    let origin = country_name(t, &p.country_of_origin);
    view! {
        <Title text=p.name.clone() />
        <Meta name="description" content=p.summary.clone() />
        <script type="application/ld+json" inner_html=json_ld></script>
        <PageTexts locale />
        <div class="container product">
            <nav class="breadcrumbs" aria-label=t.breadcrumbs_label>
                <ol>
                    <li><a href=paths::home(locale)>{t.nav_home}</a></li>
                    <li><a href=paths::products(locale)>{t.nav_catalog}</a></li>
                    <li><a href=paths::category(locale, &p.category.slug)>{p.category.name.clone()}</a></li>
                    <li aria-current="page">{p.name.clone()}</li>
                </ol>
            </nav>
            <div class="product-top">
                <Gallery locale images=p.images.clone() alt=p.name.clone() />
                <div class="product-summary">
                    <h1>{p.name.clone()}</h1>
                    <p class="muted">{fill(t.product_sku, &[("sku", &p.sku)])}</p>
                    {p.text_fallback.then(|| view! { <p class="notice">{t.fallback_hint}</p> })}
                    <p class="lead">{p.summary.clone()}</p>
                    {price_block}
                    <div class="rfq-cta">
                        <a class="button primary" href=paths::new_rfq(locale, Some(&p.slug)) data-testid="request-quote">{t.rfq_request_quote}</a>
                        <p class="muted small">{t.rfq_request_quote_hint}</p>
                    </div>
                </div>
            </div>
            <div class="product-details">
                <section aria-labelledby="trade-title" class="panel">
                    <h2 id="trade-title">{t.product_trade_title}</h2>
                    <dl class="facts">
                        <div><dt>{t.fact_hs_code}</dt><dd><code>{p.hs_code.dotted()}</code></dd></div>
                        <div><dt>{t.fact_origin_country}</dt><dd>{origin}</dd></div>
                        <div>
                            <dt>{t.fact_origin_criterion}</dt>
                            <dd>
                                <strong>{p.origin_criterion.as_str()}</strong>
                                " — "
                                {criterion_explained(t, p.origin_criterion)}
                                {criterion_note.map(|n| view! { <br /><span class="muted">{n}</span> })}
                            </dd>
                        </div>
                        <div>
                            <dt>{t.fact_port_of_loading}</dt>
                            <dd>
                                {p.port_of_loading_name.clone().map(|n| view! { {n}" " })}
                                <code>{p.port_of_loading.to_string()}</code>
                            </dd>
                        </div>
                        <div><dt>{t.fact_incoterms}</dt><dd><ul class="chips plain">{incoterms}</ul></dd></div>
                        <div><dt>{t.fact_lead_time}</dt><dd>{lead}</dd></div>
                        <div>
                            <dt>{t.fact_moq}</dt>
                            <dd>{fill(t.card_moq_value, &[("moq", &locale.format_count(p.quantity_rule.moq)), ("unit", &unit_label)])}</dd>
                        </div>
                        <div>
                            <dt>{t.fact_increment}</dt>
                            <dd>{fill(t.card_moq_value, &[("moq", &locale.format_count(p.quantity_rule.increment)), ("unit", &unit_label)])}</dd>
                        </div>
                        {(!p.certifications.is_empty()).then(|| view! {
                            <div><dt>{t.fact_certifications}</dt><dd><ul class="chips plain">{certifications}</ul></dd></div>
                        })}
                    </dl>
                </section>
                <section aria-labelledby="desc-title" class="panel">
                    <h2 id="desc-title">{t.product_description_title}</h2>
                    <p>{p.description.clone()}</p>
                    {(!p.specs.is_empty()).then(|| view! {
                        <h3>{t.product_specs_title}</h3>
                        <table class="specs"><tbody>{specs}</tbody></table>
                    })}
                </section>
            </div>
        </div>
    }
    .into_any()
}
