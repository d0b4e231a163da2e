//! The 404 page: answers with status 404 and offers a way back into the catalog.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_location;

use crate::components::status::set_http_status;
use crate::i18n::Locale;
use crate::paths;

/// "Page not found", in the locale of the URL when it has one.
#[component]
pub fn NotFound() -> impl IntoView {
    set_http_status(404);
    // Islands provide the locale (and have no router to ask for the path).
    let locale = use_context::<Locale>().unwrap_or_else(|| {
        let path = use_location().pathname.get_untracked();
        paths::split_locale(&path).map_or(Locale::DEFAULT, |(l, _)| l)
    });
    let t = locale.messages();
    view! {
        <Title text=t.not_found_title />
        <Meta name="robots" content="noindex" />
        <section class="status-page" aria-labelledby="status-title">
            <p class="status-code">"404"</p>
            <h1 id="status-title">{t.not_found_title}</h1>
            <p class="status-detail">{t.not_found_body}</p>
            <form class="search-inline" method="get" action=paths::products(locale) role="search">
                <label class="visually-hidden" for="nf-q">{t.search_label}</label>
                <input id="nf-q" type="search" name="q" maxlength="100" placeholder=t.search_placeholder />
                <button type="submit" class="button">{t.search_button}</button>
            </form>
            <p>
                <a href=paths::home(locale)>{t.nav_home}</a>
                " · "
                <a href=paths::products(locale)>{t.nav_catalog}</a>
            </p>
        </section>
    }
}
