//! Site paths: every page lives under a locale prefix (`/en/…`, `/ja/…`); no path but `/` ends
//! with a slash.

use crate::i18n::Locale;

/// `/{locale}{rest}`; `rest` starts with `/` or is empty.
pub fn localized(locale: Locale, rest: &str) -> String {
    format!("/{}{}", locale.tag(), rest)
}

/// Splits `/ja/products/x` into (`Locale::Ja`, `/products/x`); `None` without a known locale.
pub fn split_locale(path: &str) -> Option<(Locale, String)> {
    let trimmed = path.strip_prefix('/')?;
    let (first, rest) = trimmed
        .split_once('/')
        .map_or((trimmed, ""), |(f, r)| (f, r));
    let locale = Locale::from_tag(first)?;
    let rest = if rest.is_empty() {
        String::new()
    } else {
        format!("/{rest}")
    };
    Some((locale, rest))
}

/// The home page of a locale: `/en` (paths never end with `/`; the server redirects those).
pub fn home(locale: Locale) -> String {
    localized(locale, "")
}

/// The product page.
pub fn product(locale: Locale, slug: &str) -> String {
    localized(locale, &format!("/products/{slug}"))
}

/// A category's listing.
pub fn category(locale: Locale, slug: &str) -> String {
    localized(locale, &format!("/categories/{slug}"))
}

/// The whole catalog listing.
pub fn products(locale: Locale) -> String {
    localized(locale, "/products")
}

/// The sign-in page.
pub fn sign_in(locale: Locale) -> String {
    localized(locale, "/sign-in")
}

/// The second step of signing in: the TOTP or recovery code.
pub fn sign_in_code(locale: Locale) -> String {
    localized(locale, "/sign-in/code")
}

/// The second page of the e-mail code sign-in: where the code from the mail is typed.
pub fn sign_in_email(locale: Locale) -> String {
    localized(locale, "/sign-in/email")
}

/// The signed-in person's notifications.
pub fn notifications(locale: Locale) -> String {
    localized(locale, "/notifications")
}

/// The signed-in person's account page.
pub fn account(locale: Locale) -> String {
    localized(locale, "/account")
}

/// The page where a signed-in person proves who they are again before a sensitive action,
/// then comes back to `next`.
pub fn confirm_identity(locale: Locale, next: Option<&str>) -> String {
    with_query(
        &localized(locale, "/confirm-identity"),
        &[("next", next.map(str::to_owned))],
    )
}

/// The page the browser shows (path and query), for links that come back to it; `None`
/// while rendering on the server.
pub fn current_page() -> Option<String> {
    #[cfg(feature = "hydrate")]
    let page = (|| {
        let location = web_sys::window()?.location();
        Some(format!(
            "{}{}",
            location.pathname().ok()?,
            location.search().ok()?
        ))
    })();
    #[cfg(not(feature = "hydrate"))]
    let page = None;
    page
}

/// The buyer company form shown after a buyer's first sign-in.
pub fn onboarding(locale: Locale) -> String {
    localized(locale, "/onboarding")
}

/// The buyer company's requests for quotation.
pub fn rfqs(locale: Locale) -> String {
    localized(locale, "/rfqs")
}

/// The RFQ form; `product` adds that catalog product as a line.
pub fn new_rfq(locale: Locale, product: Option<&str>) -> String {
    with_query(
        &localized(locale, "/rfqs/new"),
        &[("product", product.map(str::to_owned))],
    )
}

/// One RFQ with its quote.
pub fn rfq(locale: Locale, number: &str) -> String {
    localized(locale, &format!("/rfqs/{number}"))
}

/// The same RFQ in the admin panel.
pub fn admin_rfq(locale: Locale, number: &str) -> String {
    localized(locale, &format!("/admin/rfqs/{number}"))
}

/// Where an RFQ page's message form posts (multipart, `server::trade_forms`): one address
/// for both sides, outside the locale prefix like `/auth/*`.
pub fn rfq_messages(number: &str) -> String {
    format!("/rfqs/{number}/messages")
}

/// The download of a message's attachment (the buyer company and staff only).
pub fn attachment(id: &str) -> String {
    format!("/attachments/{id}")
}

/// An RFQ's quote as a PDF in `locale` (the version the caller may see).
pub fn quote_pdf(number: &str, locale: Locale) -> String {
    format!("/rfqs/{number}/quote.pdf?locale={}", locale.tag())
}

/// An e-CO as a download for the order's parties: `pdf` (Form RCEP, the VC embedded) or
/// `json` (the signed credential).
pub fn eco_download(number: &str, format: &str) -> String {
    format!("/eco/{number}/{format}")
}

/// The public verification page of a certificate of origin.
pub fn verify(locale: Locale, number: &str) -> String {
    format!("/{}/verify/{number}", locale.tag())
}

/// The buyer company's orders.
pub fn orders(locale: Locale) -> String {
    localized(locale, "/orders")
}

/// One order.
pub fn order(locale: Locale, number: &str) -> String {
    localized(locale, &format!("/orders/{number}"))
}

/// The admin panel's dashboard.
pub fn admin(locale: Locale) -> String {
    localized(locale, "/admin")
}

/// A section of the admin panel: `/{locale}/admin/{section}`.
pub fn admin_section(locale: Locale, section: &str) -> String {
    localized(locale, &format!("/admin/{section}"))
}

/// A feed source's page in the admin panel (Logistics).
pub fn admin_feed(locale: Locale, name: &str) -> String {
    localized(locale, &format!("/admin/logistics/{name}"))
}

/// Where a feed page's EDIFACT upload form posts (multipart, `server::feed_upload`).
pub fn feed_upload(name: &str) -> String {
    format!("/logistics/feeds/{name}/edifact")
}

/// Pages a visitor who is not signed in still sees for themselves alone (the e-mail code
/// page shows the address typed), or that must show the state of this moment (a
/// certificate's verification): never stored by the page cache or a browser cache.
pub fn is_personal_page(path: &str) -> bool {
    split_locale(path)
        .is_some_and(|(_, rest)| rest == "/sign-in/email" || rest.starts_with("/verify/"))
}

/// Every query parameter that changes a page a visitor who is not signed in can see (the
/// listing filters and page, the product page's quantity, the sign-in page's messages). The
/// page cache keys on these alone, so a tracking parameter does not make a new entry: a page
/// that starts reading another parameter must add it here.
pub const PAGE_QUERY_PARAMS: &[&str] = &[
    "q",
    "category",
    "origin",
    "moq_min",
    "moq_max",
    "page",
    "qty",
    "product",
    "next",
    "error",
    "signed_out",
];

/// Appends URL query parameters, skipping empty values.
pub fn with_query(path: &str, params: &[(&str, Option<String>)]) -> String {
    let query: Vec<String> = params
        .iter()
        .filter_map(|(k, v)| {
            v.as_ref()
                .filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", encode(v)))
        })
        .collect();
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters stay as they are).
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Opens `path` in the browser: islands have no client-side router, so moving on after an
/// action is a page load. Does nothing while rendering on the server.
pub fn go_to(path: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_known_locale_prefixes_only() {
        assert_eq!(
            split_locale("/ja/products/x"),
            Some((Locale::Ja, "/products/x".into()))
        );
        assert_eq!(
            split_locale("/zh-Hans"),
            Some((Locale::ZhHans, String::new()))
        );
        assert_eq!(split_locale("/en/"), Some((Locale::En, String::new())));
        assert_eq!(split_locale("/xx/products"), None);
        assert_eq!(split_locale("/"), None);
    }

    #[test]
    fn query_strings_skip_empty_values_and_encode() {
        let q = with_query(
            "/en/products",
            &[
                ("q", Some("oak chair".into())),
                ("origin", None),
                ("page", Some(String::new())),
            ],
        );
        assert_eq!(q, "/en/products?q=oak%20chair");
        assert_eq!(encode("茶"), "%E8%8C%B6");
    }
}
