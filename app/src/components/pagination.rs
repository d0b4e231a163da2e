//! Page links for listings: previous/next and a window of page numbers.

use leptos::prelude::*;

use crate::i18n::{fill, use_i18n, use_locale};

/// Page numbers to show around `current` (1-based), with `None` for a gap.
pub fn page_window(current: u64, count: u64) -> Vec<Option<u64>> {
    let mut pages = Vec::new();
    let mut last = 0;
    for p in 1..=count {
        let near = p.abs_diff(current) <= 1;
        if p == 1 || p == count || near {
            if p > last + 1 {
                pages.push(None);
            }
            pages.push(Some(p));
            last = p;
        }
    }
    pages
}

/// Pagination for a listing; `href` builds the link of a page number.
#[component]
pub fn Pagination(
    current: u64,
    count: u64,
    href: impl Fn(u64) -> String + 'static,
) -> impl IntoView {
    let t = use_i18n();
    let locale = use_locale();
    if count <= 1 {
        return None;
    }
    let prev = (current > 1).then(|| href(current - 1));
    let next = (current < count).then(|| href(current + 1));
    let items = page_window(current, count)
        .into_iter()
        .map(|p| match p {
            None => view! { <li class="gap" aria-hidden="true">"…"</li> }.into_any(),
            Some(p) if p == current => view! {
                <li><span class="current" aria-current="page">{locale.format_count(p)}</span></li>
            }
            .into_any(),
            Some(p) => {
                let label = fill(t.pagination_page, &[("page", &p)]);
                view! { <li><a href=href(p) aria-label=label>{locale.format_count(p)}</a></li> }
                    .into_any()
            }
        })
        .collect_view();
    Some(view! {
        <nav class="pagination" aria-label=t.pagination_label>
            {prev.map(|h| view! { <a class="prev" href=h rel="prev">{t.pagination_previous}</a> })}
            <ol>{items}</ol>
            {next.map(|h| view! { <a class="next" href=h rel="next">{t.pagination_next}</a> })}
        </nav>
    })
}

#[cfg(test)]
mod tests {
    use super::page_window;

    #[test]
    fn shows_first_last_and_neighbours_with_gaps() {
        assert_eq!(page_window(1, 1), vec![Some(1)]);
        assert_eq!(
            page_window(5, 10),
            vec![Some(1), None, Some(4), Some(5), Some(6), None, Some(10)]
        );
        assert_eq!(page_window(2, 3), vec![Some(1), Some(2), Some(3)]);
    }
}
