//! The catalog section: products (list, create, edit one locale's text at a time, delete)
//! and categories. Saving refreshes the storefront at once (caches are dropped).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use domain::codes::{OriginCriterion, UnitCode};
use domain::views::{CategoryForm, ProductForm};

use super::audit::{ListSearch, list_query};
use super::server_fns::{
    AdminDeleteCategory, AdminDeleteProduct, AdminSaveCategory, AdminSaveProduct, admin_categories,
    admin_category, admin_product, admin_products,
};
use super::{csrf_token, short_time};
use crate::account::country_options;
use crate::catalog::trade_labels::unit_name;
use crate::components::form::{
    ActionError, CheckField, CsrfField, Field, FormStatus, Input, SelectField, action_error,
    field_errors,
};
use crate::components::pagination::Pagination;
use crate::components::status::{ErrorPanel, Loading};
use crate::i18n::{Locale, fill, use_i18n, use_locale};
use crate::paths;

fn product_href(locale: Locale, id: &str) -> String {
    paths::admin_section(locale, &format!("catalog/products/{id}"))
}

fn category_href(locale: Locale, id: &str) -> String {
    paths::admin_section(locale, &format!("catalog/categories/{id}"))
}

/// Links to edit the text in each language (`?locale=`).
#[component]
fn TextLocaleTabs(base: String, current: String) -> impl IntoView {
    let t = use_i18n();
    view! {
        <nav class="locale-tabs" aria-label=t.catalog_text_language>
            <span class="muted small">{t.catalog_text_language}": "</span>
            {domain::catalog::model::TEXT_LOCALES.into_iter().map(|l| {
                let href = paths::with_query(&base, &[("locale", Some(l.to_owned()))]);
                let name = Locale::from_tag(l).map_or(l, Locale::native_name);
                let here = (l == current).then_some("page");
                view! { <a href=href aria-current=here>{name}</a> }
            }).collect_view()}
        </nav>
    }
}

#[component]
pub fn ProductsPage() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    let list = list_query();
    let data = Resource::new(|| (), {
        let (q, page) = (list.q.clone(), list.page);
        move |()| admin_products(q.clone(), page)
    });
    view! {
        <Title text=t.admin_nav_catalog />
        <div class="page-head">
            <h1>{t.admin_nav_catalog}</h1>
            <a class="button primary" href=product_href(locale, "new")>{t.catalog_new_product}</a>
        </div>
        <ListSearch value=list.q.clone() label=t.catalog_search />
        <Suspense fallback=|| view! { <Loading /> }>
            {move || { let list = list.clone(); Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                    Ok(p) if p.items.is_empty() => view! { <p class="empty">{t.list_empty}</p> }.into_any(),
                    Ok(p) => {
                        let count = p.page_count();
                        view! {
                            <p class="muted small">{fill(t.list_total, &[("total", &locale.format_count(p.total))])}</p>
                            <div class="table-wrap">
                                <table class="data">
                                    <thead><tr>
                                        <th scope="col">"SKU"</th>
                                        <th scope="col">{t.field_name}</th>
                                        <th scope="col">{t.field_category}</th>
                                        <th scope="col">{t.catalog_state}</th>
                                        <th scope="col">{t.catalog_updated}</th>
                                    </tr></thead>
                                    <tbody>
                                        {p.items.into_iter().map(|r| view! {
                                            <tr data-testid="product-row">
                                                <td><code>{r.sku.clone()}</code></td>
                                                <td><a href=product_href(locale, &r.id)>{r.name.clone()}</a></td>
                                                <td>{r.category.clone()}</td>
                                                <td>
                                                    {if r.published { view! { <span class="badge ok">{t.catalog_published}</span> }.into_any() }
                                                     else { view! { <span class="badge">{t.catalog_draft}</span> }.into_any() }}
                                                    {r.featured.then(|| view! { <span class="badge">{t.catalog_featured}</span> })}
                                                </td>
                                                <td class="nowrap small">{short_time(&r.updated_at)}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <Pagination current=p.page count=count href=list.page_href() />
                        }.into_any()
                    }
                }
            })}}
        </Suspense>
    }
}

/// The `:id` of the page and its `?locale=` (the language whose text is edited).
fn edited() -> (String, String) {
    let id = use_params_map()
        .read_untracked()
        .get("id")
        .unwrap_or_default();
    let text_locale = use_query_map()
        .read_untracked()
        .get("locale")
        .unwrap_or_else(|| "en".into());
    (id, text_locale)
}

/// `/{locale}/admin/catalog/products/{id}` (`new` creates).
#[component]
pub fn ProductEditPage() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    let (id, text_locale) = edited();
    view! {
        <Title text=t.catalog_edit_product />
        <p><a href=paths::admin_section(locale, "catalog")>{t.catalog_back}</a></p>
        <ProductEditor locale id text_locale />
    }
}

/// The product form and its delete button (an island, loaded only in the admin panel).
#[island(lazy)]
fn ProductEditor(locale: Locale, id: String, text_locale: String) -> impl IntoView {
    super::island_context(locale);
    let t = locale.messages();
    let id = Memo::new(move |_| id.clone());
    let text_locale = Memo::new(move |_| text_locale.clone());
    let save = ServerAction::<AdminSaveProduct>::new();
    let delete = ServerAction::<AdminDeleteProduct>::new();
    let errors = field_errors(save.value());
    let data = Resource::new(
        move || (id.get(), text_locale.get()),
        |(id, l)| admin_product(id, l),
    );
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get()
            && id.get_untracked() == "new"
        {
            paths::go_to(&product_href(locale, &saved));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            paths::go_to(&paths::admin_section(locale, "catalog"));
        }
    });
    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                let viewer = match super::admin_viewer_ready().await {
                    Ok(v) => v,
                    Err(e) => return view! { <ErrorPanel error=e /> }.into_any(),
                };
                let editor = match data.await {
                    Ok(e) => e,
                    Err(e) => return view! { <ErrorPanel error=e /> }.into_any(),
                };
                let f: ProductForm = editor.form;
                let is_new = id.get_untracked() == "new";
                let categories: Vec<(String, String)> = editor.categories.into_iter().map(|c| (c.id, c.name)).collect();
                let units: Vec<(String, String)> = UnitCode::ALL.iter().map(|u| (u.as_str().to_owned(), format!("{} — {}", u.as_str(), unit_name(t, *u)))).collect();
                let criteria: Vec<(String, String)> = OriginCriterion::ALL.iter().map(|c| (c.as_str().to_owned(), c.as_str().to_owned())).collect();
                let editions: Vec<(String, String)> = domain::catalog::model::HS_EDITIONS.iter().map(|e| ((*e).to_owned(), (*e).to_owned())).collect();
                let this_id = id.get_untracked();
                let delete_id = this_id.clone();
                let language = Locale::from_tag(&f.locale).map_or_else(|| f.locale.clone(), |l| l.native_name().to_owned());
                let language_label = fill(t.catalog_text_in, &[("language", &language)]);
                view! {
                    <h1>{if is_new { t.catalog_new_product } else { t.catalog_edit_product }}</h1>
                    {(!is_new).then(|| view! { <TextLocaleTabs base=product_href(locale, &this_id) current=f.locale.clone() /> })}
                    <ActionForm action=save attr:class="card form grid-form" attr:novalidate="">
                        <CsrfField token=viewer.csrf.clone() />
                        <input type="hidden" name="id" value=this_id.clone() />
                        <input type="hidden" name="form[locale]" value=f.locale.clone() />
                        <fieldset>
                            <legend>{language_label}</legend>
                            <Field label=t.field_name name="form[name]" field="name" value=f.name.clone() errors required=true maxlength=200 />
                            <Field label=t.field_summary name="form[summary]" field="summary" value=f.summary.clone() errors required=true maxlength=500 />
                            <Field label=t.field_description name="form[description]" field="description" value=f.description.clone() errors kind=Input::TextArea required=true />
                        </fieldset>
                        <fieldset>
                            <legend>{t.catalog_identity}</legend>
                            <Field label="SKU" name="form[sku]" field="sku" value=f.sku.clone() errors required=true maxlength=40 />
                            <Field label=t.field_slug name="form[slug]" field="slug" value=f.slug.clone() errors required=true hint=t.field_slug_hint maxlength=80 />
                            <SelectField label=t.field_category name="form[category_id]" field="category_id" value=f.category_id.clone()
                                options=categories errors required=true placeholder=t.field_choose />
                            <CheckField label=t.catalog_published name="form[published]" checked=f.published />
                            <CheckField label=t.catalog_featured name="form[featured]" checked=f.featured />
                        </fieldset>
                        <fieldset>
                            <legend>{t.catalog_selling}</legend>
                            <SelectField label=t.field_unit name="form[unit]" field="unit" value=f.unit.clone() options=units errors required=true />
                            <Field label=t.field_moq name="form[moq]" field="moq" value=f.moq.clone() errors kind=Input::Number required=true />
                            <Field label=t.field_order_increment name="form[order_increment]" field="order_increment" value=f.order_increment.clone() errors kind=Input::Number required=true />
                            <Field label=t.field_currency name="form[currency]" field="currency" value=f.currency.clone() errors required=true maxlength=3 />
                            <CheckField label=t.field_price_on_request name="form[price_on_request]" checked=f.price_on_request />
                            <Field label=t.field_price_tiers name="form[price_tiers]" field="price_tiers" value=f.price_tiers.clone() errors kind=Input::TextArea hint=t.field_price_tiers_hint />
                            <Field label=t.field_lead_time_min name="form[lead_time_min_days]" field="lead_time_min_days" value=f.lead_time_min_days.clone() errors kind=Input::Number required=true />
                            <Field label=t.field_lead_time_max name="form[lead_time_max_days]" field="lead_time_max_days" value=f.lead_time_max_days.clone() errors kind=Input::Number required=true />
                            <Field label=t.field_incoterms name="form[incoterms]" field="incoterms" value=f.incoterms.clone() errors required=true hint=t.field_incoterms_hint />
                            <Field label=t.field_port_of_loading name="form[port_of_loading]" field="port_of_loading" value=f.port_of_loading.clone() errors required=true hint=t.field_port_hint maxlength=5 />
                        </fieldset>
                        <fieldset>
                            <legend>{t.catalog_origin}</legend>
                            <Field label=t.field_hs_code name="form[hs_code]" field="hs_code" value=f.hs_code.clone() errors required=true maxlength=12 />
                            <SelectField label=t.field_country_of_origin name="form[country_of_origin]" field="country_of_origin" value=f.country_of_origin.clone()
                                options=country_options(t) errors required=true placeholder=t.field_choose />
                            <SelectField label=t.field_origin_criterion name="form[origin_criterion]" field="origin_criterion" value=f.origin_criterion.clone()
                                options=criteria errors required=true placeholder=t.field_choose />
                            <Field label=t.field_rvc_percent name="form[rvc_percent]" field="rvc_percent" value=f.rvc_percent.clone() errors hint=t.field_rvc_hint maxlength=6 />
                            <Field label=t.field_tariff_shift name="form[tariff_shift]" field="tariff_shift" value=f.tariff_shift.clone() errors maxlength=200 />
                            <SelectField label=t.field_hs_edition name="form[hs_edition]" field="hs_edition" value=f.hs_edition.clone()
                                options=editions errors placeholder=t.field_not_set />
                            <CheckField label=t.field_modifier_acu name="form[modifier_acu]" checked=f.modifier_acu />
                            <CheckField label=t.field_modifier_dmi name="form[modifier_dmi]" checked=f.modifier_dmi />
                        </fieldset>
                        <fieldset>
                            <legend>{t.catalog_producer}</legend>
                            <p class="hint">{t.catalog_producer_hint}</p>
                            <Field label=t.field_producer_name name="form[producer_name]" field="producer_name" value=f.producer_name.clone() errors maxlength=200 />
                            <Field label=t.field_producer_address name="form[producer_address]" field="producer_address" value=f.producer_address.clone() errors maxlength=500 />
                            <SelectField label=t.field_producer_country name="form[producer_country]" field="producer_country" value=f.producer_country.clone()
                                options=country_options(t) errors placeholder=t.field_not_set />
                            <CheckField label=t.field_producer_confidential name="form[producer_confidential]" checked=f.producer_confidential />
                        </fieldset>
                        <FormStatus value=save.value() pending=save.pending() success=t.form_saved />
                        <div class="form-actions">
                            <button type="submit" class="button primary" disabled=move || save.pending().get()>{t.form_save}</button>
                            {(!is_new).then(|| view! {
                                <a class="button" href=paths::product(locale, &f.slug) target="_blank">{t.catalog_view_in_store}</a>
                            })}
                        </div>
                    </ActionForm>
                    {(!is_new).then(|| view! {
                        <div class="danger-zone">
                            <p class="form-status" role="status">{move || delete.value().get().and_then(Result::err).map(|e| action_error(t, &e))}</p>
                            <button type="button" class="button danger"
                                on:click=move |_| {
                                    let ok = web_confirm(t.catalog_delete_confirm);
                                    if ok { delete.dispatch(AdminDeleteProduct { csrf: csrf_token(), id: delete_id.clone() }); }
                                }>{t.catalog_delete_product}</button>
                        </div>
                    })}
                }.into_any()
            })}
        </Suspense>
    }
}

/// Asks the browser to confirm (always yes while rendering on the server).
fn web_confirm(message: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.confirm_with_message(message).ok())
            .unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = message;
        true
    }
}

#[component]
pub fn CategoriesPage() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    view! {
        <Title text=t.admin_nav_categories />
        <div class="page-head">
            <h1>{t.admin_nav_categories}</h1>
            <a class="button primary" href=category_href(locale, "new")>{t.catalog_new_category}</a>
        </div>
        <CategoriesTable locale />
    }
}

/// The categories with their delete buttons (an island, loaded only in the admin panel).
#[island(lazy)]
fn CategoriesTable(locale: Locale) -> impl IntoView {
    super::island_context(locale);
    let t = locale.messages();
    let delete = ServerAction::<AdminDeleteCategory>::new();
    let data = Resource::new(move || delete.version().get(), |_| admin_categories());
    view! {
        <p class="form-status" role="status">{move || delete.value().get().and_then(Result::err).map(|e| view! { <ActionError error=e /> })}</p>
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="empty">{t.list_empty}</p> }.into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap">
                            <table class="data">
                                <thead><tr>
                                    <th scope="col">{t.field_name}</th>
                                    <th scope="col">{t.field_slug}</th>
                                    <th scope="col">{t.field_position}</th>
                                    <th scope="col">{t.dashboard_products}</th>
                                    <th scope="col">{t.users_actions}</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|c| {
                                        let id = c.id.clone();
                                        view! {
                                            <tr data-testid="category-row">
                                                <td><a href=category_href(locale, &c.id)>{c.name.clone()}</a></td>
                                                <td><code>{c.slug.clone()}</code></td>
                                                <td class="num">{c.position}</td>
                                                <td class="num">{c.products}</td>
                                                <td>
                                                    <button type="button" class="button small danger" disabled=c.products > 0
                                                        title=(c.products > 0).then_some(t.catalog_category_not_empty)
                                                        on:click=move |_| {
                                                            if web_confirm(t.catalog_delete_confirm) {
                                                                delete.dispatch(AdminDeleteCategory { csrf: csrf_token(), id: id.clone() });
                                                            }
                                                        }>{t.catalog_delete}</button>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/{locale}/admin/catalog/categories/{id}` (`new` creates).
#[component]
pub fn CategoryEditPage() -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    let (id, text_locale) = edited();
    view! {
        <Title text=t.catalog_edit_category />
        <p><a href=paths::admin_section(locale, "catalog/categories")>{t.catalog_back}</a></p>
        <CategoryEditor locale id text_locale />
    }
}

/// The category form (an island, loaded only in the admin panel).
#[island(lazy)]
fn CategoryEditor(locale: Locale, id: String, text_locale: String) -> impl IntoView {
    super::island_context(locale);
    let t = locale.messages();
    let id = Memo::new(move |_| id.clone());
    let text_locale = Memo::new(move |_| text_locale.clone());
    let save = ServerAction::<AdminSaveCategory>::new();
    let errors = field_errors(save.value());
    let data = Resource::new(
        move || (id.get(), text_locale.get()),
        |(id, l)| admin_category(id, l),
    );
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get()
            && id.get_untracked() == "new"
        {
            paths::go_to(&category_href(locale, &saved));
        }
    });
    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                let viewer = match super::admin_viewer_ready().await {
                    Ok(v) => v,
                    Err(e) => return view! { <ErrorPanel error=e /> }.into_any(),
                };
                let f: CategoryForm = match data.await {
                    Ok(f) => f,
                    Err(e) => return view! { <ErrorPanel error=e /> }.into_any(),
                };
                let this_id = id.get_untracked();
                let is_new = this_id == "new";
                view! {
                    <h1>{if is_new { t.catalog_new_category } else { t.catalog_edit_category }}</h1>
                    {(!is_new).then(|| view! { <TextLocaleTabs base=category_href(locale, &this_id) current=f.locale.clone() /> })}
                    <ActionForm action=save attr:class="card form" attr:novalidate="">
                        <CsrfField token=viewer.csrf.clone() />
                        <input type="hidden" name="id" value=this_id.clone() />
                        <input type="hidden" name="form[locale]" value=f.locale.clone() />
                        <Field label=t.field_name name="form[name]" field="name" value=f.name errors required=true maxlength=120 />
                        <Field label=t.field_description name="form[description]" field="description" value=f.description errors kind=Input::TextArea maxlength=2000 />
                        <Field label=t.field_slug name="form[slug]" field="slug" value=f.slug errors required=true hint=t.field_slug_hint maxlength=80 />
                        <Field label=t.field_position name="form[position]" field="position" value=f.position errors kind=Input::Number required=true />
                        <FormStatus value=save.value() pending=save.pending() success=t.form_saved />
                        <button type="submit" class="button primary" disabled=move || save.pending().get()>{t.form_save}</button>
                    </ActionForm>
                }.into_any()
            })}
        </Suspense>
    }
}
