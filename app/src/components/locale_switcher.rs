//! The language menu: plain links to the same page in each language, so it works without
//! JavaScript and every language version is a real, indexable page.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::i18n::Locale;
use crate::paths;

#[component]
pub fn LocaleSwitcher(locale: Locale) -> impl IntoView {
    let t = locale.messages();
    let location = use_location();
    let links = move || {
        let path = location.pathname.get();
        let search = location.search.get();
        let rest = paths::split_locale(&path)
            .map(|(_, r)| r)
            .unwrap_or_default();
        Locale::ALL
            .into_iter()
            .map(|l| {
                let mut href = paths::localized(l, &rest);
                if !search.is_empty() {
                    href.push('?');
                    href.push_str(search.trim_start_matches('?'));
                }
                let current = (l == locale).then_some("true");
                view! {
                    <li>
                        <a href=href hreflang=l.tag() lang=l.tag() rel="external" aria-current=current>
                            {l.native_name()}
                        </a>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <details class="locale-switcher">
            <summary aria-label=t.language_label>
                <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
                    <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="1.8" />
                    <path d="M3 12h18M12 3c3 3.5 3 14.5 0 18M12 3c-3 3.5-3 14.5 0 18" fill="none" stroke="currentColor" stroke-width="1.5" />
                </svg>
                <span>{locale.native_name()}</span>
            </summary>
            <ul class="locale-menu">{links}</ul>
        </details>
    }
}
