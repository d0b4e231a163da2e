//! The home page: what the exporter offers, its categories and featured products.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use crate::catalog::product_card::ProductCardView;
use crate::catalog::server_fns::get_home;
use crate::components::status::{ErrorPanel, Loading};
use crate::i18n::{fill, use_locale};
use crate::paths;

#[component]
pub fn HomePage() -> impl IntoView {
    let locale = use_locale();
    let t = locale.messages();
    let data = Resource::new(move || locale, |l| get_home(l.tag().to_owned()));
    view! {
        <Title text=t.home_title />
        <Meta name="description" content=t.home_meta_description />
        <section class="hero">
            <div class="container hero-inner">
                <div>
                    <h1>{t.home_hero_title}</h1>
                    <p class="hero-lead">{t.home_hero_lead}</p>
                    <p class="hero-actions">
                        <a class="button button-primary" href=paths::products(locale)>{t.home_cta_catalog}</a>
                    </p>
                </div>
                <ul class="hero-points plain">
                    <li><strong>{t.home_point_origin_title}</strong><span>{t.home_point_origin_body}</span></li>
                    <li><strong>{t.home_point_tiers_title}</strong><span>{t.home_point_tiers_body}</span></li>
                    <li><strong>{t.home_point_ports_title}</strong><span>{t.home_point_ports_body}</span></li>
                </ul>
            </div>
        </section>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                    Ok(home) => {
                        let categories = home.categories.into_iter().map(|c| {
                            let count = fill(t.category_product_count, &[("count", &locale.format_count(c.product_count))]);
                            view! {
                                <li class="category-tile">
                                    <a href=paths::category(locale, &c.slug)>
                                        {c.image.map(|src| view! { <img src=src alt="" width="96" height="96" loading="lazy" /> })}
                                        <span class="category-name">{c.name}</span>
                                        <span class="muted small">{count}</span>
                                    </a>
                                </li>
                            }
                        }).collect_view();
                        let featured = home.featured;
                        view! {
                            <section class="container section" aria-labelledby="home-categories">
                                <h2 id="home-categories">{t.home_categories_title}</h2>
                                <ul class="category-grid plain">{categories}</ul>
                            </section>
                            <section class="container section" aria-labelledby="home-featured">
                                <div class="section-head">
                                    <h2 id="home-featured">{t.home_featured_title}</h2>
                                    <a href=paths::products(locale)>{t.home_see_all}</a>
                                </div>
                                {if featured.is_empty() {
                                    view! { <p class="empty-state">{t.home_no_featured}</p> }.into_any()
                                } else {
                                    view! {
                                        <div class="product-grid">
                                            {featured.into_iter().map(|card| view! { <ProductCardView card /> }).collect_view()}
                                        </div>
                                    }.into_any()
                                }}
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
