//! UI languages: the generated translation tables (see `build.rs`), locale negotiation and
//! number formatting. Product and category text comes from the database, not from here.

use std::fmt::Display;

use leptos::prelude::*;
use rust_decimal::Decimal;

include!(concat!(env!("OUT_DIR"), "/i18n_tables.rs"));

impl Locale {
    /// The locale used when nothing else is known.
    pub const DEFAULT: Locale = Locale::En;

    /// The locale with this exact tag (case-insensitive), if the UI speaks it.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        Locale::ALL
            .into_iter()
            .find(|l| l.tag().eq_ignore_ascii_case(tag))
    }

    /// Picks the best locale for an `Accept-Language` header: exact tags first, then the
    /// language part (`zh-CN` → `zh-Hans`, `ja-JP` → `ja`), in the header's preference order.
    pub fn negotiate(accept_language: &str) -> Locale {
        let mut prefs: Vec<(f32, usize, &str)> = accept_language
            .split(',')
            .enumerate()
            .filter_map(|(i, part)| {
                let mut bits = part.trim().split(';');
                let tag = bits.next()?.trim();
                let q = bits
                    .find_map(|b| b.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                (!tag.is_empty() && q > 0.0).then_some((q, i, tag))
            })
            .collect();
        prefs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        for (_, _, tag) in &prefs {
            if let Some(l) = Locale::from_tag(tag) {
                return l;
            }
            let lang = tag.split('-').next().unwrap_or_default();
            if let Some(l) = Locale::ALL.into_iter().find(|l| {
                l.tag()
                    .split('-')
                    .next()
                    .is_some_and(|p| p.eq_ignore_ascii_case(lang))
            }) {
                return l;
            }
        }
        Locale::DEFAULT
    }

    /// Formats a decimal with this locale's separators and exactly `decimals` digits.
    pub fn format_decimal(self, amount: Decimal, decimals: u32) -> String {
        let text = domain::money::format_decimal(amount, decimals);
        let (dec, group) = self.separators();
        text.chars()
            .map(|c| match c {
                ',' => group,
                '.' => dec,
                other => other,
            })
            .collect()
    }

    /// Formats a whole number with this locale's grouping.
    pub fn format_count(self, n: u64) -> String {
        self.format_decimal(Decimal::from(n), 0)
    }

    /// Formats money as `USD 1,234.50` (ISO code first: unambiguous across markets).
    pub fn format_money(self, money: &domain::money::Money) -> String {
        format!(
            "{} {}",
            money.currency,
            self.format_decimal(money.amount, money.currency.minor_units())
        )
    }
}

/// Fills `{name}` placeholders in a translated text.
pub fn fill(template: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), &value.to_string());
    }
    out
}

/// The locale of the page being rendered (provided by the locale layout).
pub fn use_locale() -> Locale {
    use_context::<Locale>().unwrap_or(Locale::DEFAULT)
}

/// The UI texts of the page being rendered.
pub fn use_i18n() -> &'static Messages {
    use_locale().messages()
}

/// The `id` of the element that names a page's texts for its islands.
pub const PAGE_TEXTS_ID: &str = "pf-texts";

/// Where the texts of a page's locale are, for its islands: the browser bundle carries no
/// translation tables (they would weigh more than the code that uses them). Each locale's
/// texts are one JSON file with a content hash in its name (`/texts/ja.<hash>.json`, served
/// from memory by the server and cached for a year), so a buyer fetches them once, not with
/// every page. Pages with islands render this `<link>`: a preload hint, and the address the
/// islands loader reads them from.
#[component]
pub fn PageTexts(locale: Locale) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let href = texts_file(locale).0.as_str();
    #[cfg(not(feature = "ssr"))]
    let href = {
        let _ = locale;
        ""
    };
    // The islands' bundle too: its download starts while the page is still being parsed,
    // not once the deferred loader runs (only pages with islands render this).
    #[cfg(feature = "ssr")]
    let bundle = crate::assets::AssetPaths::built().map(|p| (p.js.as_str(), p.wasm.as_str()));
    #[cfg(not(feature = "ssr"))]
    let bundle: Option<(&str, &str)> = None;
    view! {
        <link id=PAGE_TEXTS_ID rel="preload" r#as="fetch" crossorigin="anonymous" href=href />
        {bundle.map(|(js, wasm)| view! {
            <link rel="modulepreload" href=js />
            <link rel="preload" r#as="fetch" r#type="application/wasm" crossorigin="anonymous" href=wasm />
        })}
    }
}

/// `(path, JSON)` of the texts file of `locale`, made once; the name carries 16 hex digits
/// of the content's SHA-256.
#[cfg(feature = "ssr")]
pub fn texts_file(locale: Locale) -> &'static (String, String) {
    static FILES: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    let all = FILES.get_or_init(|| {
        use sha2::Digest;
        Locale::ALL
            .into_iter()
            .map(|l| {
                let map: serde_json::Map<String, serde_json::Value> = l
                    .messages()
                    .entries()
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), serde_json::Value::from(v)))
                    .collect();
                let json = serde_json::Value::Object(map).to_string();
                let hash: String = sha2::Sha256::digest(json.as_bytes())[..8]
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                (format!("/texts/{}.{hash}.json", l.tag()), json)
            })
            .collect()
    });
    let index = Locale::ALL.iter().position(|l| *l == locale).unwrap_or(0);
    &all[index]
}

/// The page's texts, which the islands loader fetched before hydrating (`window.__pfTexts`);
/// empty texts if they are missing. Read once per page.
#[cfg(feature = "hydrate")]
pub fn page_messages() -> &'static Messages {
    static TEXTS: std::sync::OnceLock<&'static Messages> = std::sync::OnceLock::new();
    TEXTS.get_or_init(|| {
        let json = web_sys::window()
            .and_then(|w| js_sys::Reflect::get(&w, &"__pfTexts".into()).ok())
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        let mut map: std::collections::HashMap<String, String> =
            serde_json::from_str(&json).unwrap_or_default();
        Box::leak(Box::new(Messages::from_lookup(|key| map.remove(key))))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn shipped_locales_translate_every_key() {
        for (tag, missing) in MISSING_KEYS {
            assert!(missing.is_empty(), "locale {tag} lacks {missing:?}");
        }
    }

    #[test]
    fn negotiates_by_quality_then_language_part() {
        assert_eq!(Locale::negotiate("ja-JP,ja;q=0.9,en;q=0.8"), Locale::Ja);
        assert_eq!(Locale::negotiate("fr-FR, zh-CN;q=0.5"), Locale::ZhHans);
        assert_eq!(Locale::negotiate("de, en;q=0.1"), Locale::En);
        assert_eq!(Locale::negotiate("en;q=0.2, ko;q=0.9"), Locale::Ko);
        assert_eq!(Locale::negotiate(""), Locale::DEFAULT);
        assert_eq!(Locale::negotiate("*"), Locale::DEFAULT);
    }

    #[test]
    fn tags_round_trip_case_insensitively() {
        for l in Locale::ALL {
            assert_eq!(Locale::from_tag(&l.tag().to_ascii_lowercase()), Some(l));
        }
        assert_eq!(Locale::from_tag("xx"), None);
    }

    #[test]
    fn numbers_use_the_locale_separators() {
        let d = Decimal::from_str("12480.5").unwrap();
        assert_eq!(Locale::En.format_decimal(d, 2), "12,480.50");
        assert_eq!(Locale::Vi.format_decimal(d, 2), "12.480,50");
    }

    #[test]
    fn fills_named_placeholders() {
        assert_eq!(
            fill("{n} of {total}", &[("n", &3), ("total", &"9")]),
            "3 of 9"
        );
    }
}
