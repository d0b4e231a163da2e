//! Catalog listings: all products (`/products`) or one category (`/categories/{slug}`), with
//! text search, filters (category, origin, MOQ range) and pagination. The filter form is a
//! plain GET form, so listings work without JavaScript and every state has a URL.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};

use domain::catalog::model::{ListingParams, MAX_SEARCH_CHARS};

use crate::catalog::product_card::ProductCardView;
use crate::catalog::server_fns::{ListingData, list_products};
use crate::catalog::trade_labels::country_name;
use crate::components::pagination::Pagination;
use crate::components::status::{ErrorPanel, Loading};
use crate::i18n::{Locale, fill, use_locale};
use crate::paths;

/// `/products`
#[component]
pub fn ProductListPage() -> impl IntoView {
    view! { <Listing category_page=Signal::derive(|| None) /> }
}

/// `/categories/{slug}`
#[component]
pub fn CategoryPage() -> impl IntoView {
    let params = use_params_map();
    view! { <Listing category_page=Signal::derive(move || params.read().get("slug")) /> }
}

fn listing_params() -> Memo<ListingParams> {
    let query = use_query_map();
    Memo::new(move |_| {
        let q = query.read();
        ListingParams {
            q: q.get("q"),
            category: q.get("category"),
            origin: q.get("origin"),
            moq_min: q.get("moq_min"),
            moq_max: q.get("moq_max"),
            page: q.get("page"),
        }
    })
}

#[component]
fn Listing(category_page: Signal<Option<String>>) -> impl IntoView {
    let locale = use_locale();
    let params = listing_params();
    let data = Resource::new(
        move || (params.get(), category_page.get()),
        move |(params, category)| list_products(locale.tag().to_owned(), params, category),
    );
    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(listing) => view! { <ListingView listing locale /> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ListingView(listing: ListingData, locale: Locale) -> impl IntoView {
    let t = locale.messages();
    let ListingData {
        results,
        filter,
        categories,
        origins,
        category,
    } = listing;
    let base_path = match &category {
        Some(c) => paths::category(locale, &c.slug),
        None => paths::products(locale),
    };
    let title = match (&category, &filter.text) {
        (Some(c), _) => c.name.clone(),
        (None, Some(q)) => fill(t.listing_search_title, &[("q", q)]),
        (None, None) => t.listing_title.to_owned(),
    };
    let page_title = if filter.page > 1 {
        fill(
            t.listing_page_title,
            &[("title", &title), ("page", &filter.page)],
        )
    } else {
        title.clone()
    };
    let keep = filter.to_params();
    let on_category_page = category.is_some();
    let link_params =
        move |p: &ListingParams, page: Option<u64>| -> Vec<(&'static str, Option<String>)> {
            vec![
                ("q", p.q.clone()),
                (
                    "category",
                    if on_category_page {
                        None
                    } else {
                        p.category.clone()
                    },
                ),
                ("origin", p.origin.clone()),
                ("moq_min", p.moq_min.clone()),
                ("moq_max", p.moq_max.clone()),
                ("page", page.filter(|p| *p > 1).map(|p| p.to_string())),
            ]
        };
    let page_href = {
        let base_path = base_path.clone();
        let keep = keep.clone();
        move |page: u64| paths::with_query(&base_path, &link_params(&keep, Some(page)))
    };
    let count_text = fill(
        t.listing_count,
        &[("count", &locale.format_count(results.total))],
    );
    // Filters the buyer chose (on a category page the category itself is not one).
    let is_filtered = filter.text.is_some()
        || filter.origin.is_some()
        || filter.moq_min.is_some()
        || filter.moq_max.is_some()
        || (category.is_none() && filter.category.is_some());
    let noindex = is_filtered;
    let description = category
        .as_ref()
        .map(|c| c.description.clone())
        .unwrap_or_else(|| t.listing_meta_description.to_owned());
    let clear_href = base_path.clone();
    let selected_category = filter
        .category
        .as_ref()
        .map(|c| c.as_str().to_owned())
        .unwrap_or_default();
    let selected_origin = filter
        .origin
        .as_ref()
        .map(|c| c.as_str().to_owned())
        .unwrap_or_default();
    let category_links = categories
        .iter()
        .map(|c| {
            let current = (Some(&c.slug) == category.as_ref().map(|x| &x.slug)).then_some("page");
            view! {
                <li>
                    <a href=paths::category(locale, &c.slug) aria-current=current>
                        {c.name.clone()}
                        <span class="muted small">{format!(" ({})", locale.format_count(c.product_count))}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    let category_select = category.is_none().then(|| {
        let options = categories
            .iter()
            .map(|c| {
                let selected = c.slug == selected_category;
                view! { <option value=c.slug.clone() selected=selected>{c.name.clone()}</option> }
            })
            .collect_view();
        view! {
            <div class="field">
                <label for="f-category">{t.filter_category}</label>
                <select id="f-category" name="category">
                    <option value="">{t.filter_any_category}</option>
                    {options}
                </select>
            </div>
        }
    });
    let origin_options = origins
        .iter()
        .map(|o| {
            let selected = o.as_str() == selected_origin;
            view! { <option value=o.as_str().to_owned() selected=selected>{country_name(t, o)}</option> }
        })
        .collect_view();
    let page_count = results.page_count();
    let items = results.items;
    let current_page = results.page;
    view! {
        <Title text=page_title />
        <Meta name="description" content=description.clone() />
        {noindex.then(|| view! { <Meta name="robots" content="noindex, follow" /> })}
        <div class="container listing">
            <nav class="breadcrumbs" aria-label=t.breadcrumbs_label>
                <ol>
                    <li><a href=paths::home(locale)>{t.nav_home}</a></li>
                    {if category.is_some() {
                        view! { <li><a href=paths::products(locale)>{t.nav_catalog}</a></li> }.into_any()
                    } else {
                        view! { <li aria-current="page">{t.nav_catalog}</li> }.into_any()
                    }}
                    {category.as_ref().map(|c| view! { <li aria-current="page">{c.name.clone()}</li> })}
                </ol>
            </nav>
            <header class="listing-head">
                <h1>{title}</h1>
                {category.as_ref().map(|c| view! { <p class="lead">{c.description.clone()}</p> })}
            </header>
            <div class="listing-layout">
                <aside class="filters" aria-label=t.filters_label>
                    <Form method="GET" action=base_path.clone()>
                        <div class="field">
                            <label for="f-q">{t.search_label}</label>
                            <input
                                id="f-q"
                                type="search"
                                name="q"
                                maxlength=MAX_SEARCH_CHARS.to_string()
                                value=filter.text.clone().unwrap_or_default()
                                placeholder=t.search_placeholder
                            />
                        </div>
                        {category_select}
                        <div class="field">
                            <label for="f-origin">{t.filter_origin}</label>
                            <select id="f-origin" name="origin">
                                <option value="">{t.filter_any_origin}</option>
                                {origin_options}
                            </select>
                        </div>
                        <fieldset class="field moq-range">
                            <legend>{t.filter_moq}</legend>
                            <label class="visually-hidden" for="f-moq-min">{t.filter_moq_min}</label>
                            <input id="f-moq-min" type="number" inputmode="numeric" min="1" name="moq_min" placeholder=t.filter_moq_min value=filter.moq_min.map(|v| v.to_string()).unwrap_or_default() />
                            <span aria-hidden="true">"–"</span>
                            <label class="visually-hidden" for="f-moq-max">{t.filter_moq_max}</label>
                            <input id="f-moq-max" type="number" inputmode="numeric" min="1" name="moq_max" placeholder=t.filter_moq_max value=filter.moq_max.map(|v| v.to_string()).unwrap_or_default() />
                        </fieldset>
                        <div class="filter-actions">
                            <button type="submit" class="button button-primary">{t.filter_apply}</button>
                            {is_filtered.then(|| view! { <a class="button button-quiet" href=clear_href.clone()>{t.filter_clear}</a> })}
                        </div>
                    </Form>
                    <nav class="category-nav" aria-label=t.filter_category>
                        <h2 class="small-heading">{t.filter_category}</h2>
                        <ul class="plain">{category_links}</ul>
                    </nav>
                </aside>
                <section class="results" aria-labelledby="results-count">
                    <p id="results-count" class="results-count" role="status">{count_text}</p>
                    {if items.is_empty() {
                        view! {
                            <div class="empty-state">
                                <h2>{t.listing_empty_title}</h2>
                                <p>{t.listing_empty_body}</p>
                                <a class="button" href=base_path.clone()>{t.filter_clear}</a>
                            </div>
                        }.into_any()
                    } else {
                        view! {
                            <div class="product-grid">
                                {items.into_iter().map(|card| view! { <ProductCardView card /> }).collect_view()}
                            </div>
                        }.into_any()
                    }}
                    <Pagination current=current_page count=page_count href=page_href />
                </section>
            </div>
        </div>
    }
    .into_any()
}
