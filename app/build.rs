//! Generates the UI translation tables from `locales/*.json`.
//!
//! Each file is one locale: a flat object of `"key": "text"` plus a `_meta` object (`name`:
//! the language's own name, `order`: position in the switcher, `decimal` and `group`: number
//! separators). English (`en.json`) defines the keys; a key missing elsewhere falls back to
//! English and is listed in `MISSING_KEYS` (a test keeps the shipped locales complete).
//! Adding a locale means adding a file.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// One `locales/<tag>.json`: its tag, its texts and its `_meta` settings.
type LocaleFile = (
    String,
    BTreeMap<String, String>,
    BTreeMap<String, serde_json::Value>,
);

fn main() {
    println!("cargo::rerun-if-changed=locales");
    let dir = Path::new("locales");
    let mut locales: Vec<LocaleFile> = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read app/locales: {e}"))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    entries.sort();
    for path in entries {
        println!("cargo::rerun-if-changed={}", path.display());
        let tag = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let value: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let obj = value
            .as_object()
            .unwrap_or_else(|| panic!("{}: not a JSON object", path.display()));
        let mut messages = BTreeMap::new();
        let mut meta = BTreeMap::new();
        for (k, v) in obj {
            if k == "_meta" {
                for (mk, mv) in v
                    .as_object()
                    .unwrap_or_else(|| panic!("{tag}: _meta must be an object"))
                {
                    meta.insert(mk.clone(), mv.clone());
                }
                continue;
            }
            let s = v
                .as_str()
                .unwrap_or_else(|| panic!("{tag}: key {k} must be a string"));
            assert!(
                k.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{tag}: key {k} must be snake_case"
            );
            messages.insert(k.clone(), s.to_owned());
        }
        locales.push((tag, messages, meta));
    }
    let order = |m: &BTreeMap<String, serde_json::Value>| {
        m.get("order").and_then(|v| v.as_i64()).unwrap_or(99)
    };
    locales.sort_by_key(|(tag, _, meta)| (order(meta), tag.clone()));
    let en = locales
        .iter()
        .find(|(t, _, _)| t == "en")
        .unwrap_or_else(|| panic!("locales/en.json is required"))
        .1
        .clone();
    let variant = |tag: &str| -> String {
        tag.split(['-', '_'])
            .map(|part| {
                let mut c = part.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + &c.as_str().to_ascii_lowercase())
                    .unwrap_or_default()
            })
            .collect()
    };
    let mut out = String::new();
    out.push_str("/// A language the UI speaks; the URL's first segment is its tag.\n");
    out.push_str("#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]\n");
    out.push_str("pub enum Locale {\n");
    for (tag, _, _) in &locales {
        let _ = writeln!(out, "    /// `{tag}`\n    {},", variant(tag));
    }
    out.push_str("}\n\nimpl Locale {\n");
    let _ = writeln!(
        out,
        "    /// Every locale, in switcher order.\n    pub const ALL: [Locale; {}] = [{}];",
        locales.len(),
        locales
            .iter()
            .map(|(t, _, _)| format!("Locale::{}", variant(t)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    out.push_str("    /// The BCP 47 tag, as used in URLs and `<html lang>`.\n    pub const fn tag(self) -> &'static str {\n        match self {\n");
    for (tag, _, _) in &locales {
        let _ = writeln!(out, "            Locale::{} => {:?},", variant(tag), tag);
    }
    out.push_str("        }\n    }\n    /// The language's name in that language.\n    pub const fn native_name(self) -> &'static str {\n        match self {\n");
    for (tag, _, meta) in &locales {
        let name = meta.get("name").and_then(|v| v.as_str()).unwrap_or(tag);
        let _ = writeln!(out, "            Locale::{} => {:?},", variant(tag), name);
    }
    out.push_str("        }\n    }\n    /// Decimal and grouping separators for numbers.\n    pub const fn separators(self) -> (char, char) {\n        match self {\n");
    for (tag, _, meta) in &locales {
        let dec = meta
            .get("decimal")
            .and_then(|v| v.as_str())
            .and_then(|s| s.chars().next())
            .unwrap_or('.');
        let grp = meta
            .get("group")
            .and_then(|v| v.as_str())
            .and_then(|s| s.chars().next())
            .unwrap_or(',');
        let _ = writeln!(
            out,
            "            Locale::{} => ({:?}, {:?}),",
            variant(tag),
            dec,
            grp
        );
    }
    // On the server every table is compiled in; the browser bundle has none: an island reads
    // the texts of its page's locale, which the page carries (`i18n::PageTexts`).
    out.push_str("        }\n    }\n    /// The locale's UI texts.\n    #[cfg(not(feature = \"hydrate\"))]\n    pub fn messages(self) -> &'static Messages {\n        match self {\n");
    for (tag, _, _) in &locales {
        let _ = writeln!(
            out,
            "            Locale::{} => &{},",
            variant(tag),
            variant(tag).to_ascii_uppercase()
        );
    }
    out.push_str("        }\n    }\n    /// The UI texts of the page (in the browser there is only the page's locale).\n    #[cfg(feature = \"hydrate\")]\n    pub fn messages(self) -> &'static Messages {\n        crate::i18n::page_messages()\n    }\n}\n\n");
    out.push_str("/// Every UI text of one locale; fields are the keys of `locales/en.json`.\n");
    out.push_str("#[derive(Debug)]\npub struct Messages {\n");
    for key in en.keys() {
        let _ = writeln!(out, "    pub {key}: &'static str,");
    }
    out.push_str("}\n\n");
    out.push_str("impl Messages {\n    /// The text under `key`, for keys built at run time (form error codes).\n    pub fn lookup(&self, key: &str) -> Option<&'static str> {\n        Some(match key {\n");
    for key in en.keys() {
        let _ = writeln!(out, "            {key:?} => self.{key},");
    }
    out.push_str("            _ => return None,\n        })\n    }\n\n");
    out.push_str("    /// Every `(key, text)`, to send the page's texts to its islands.\n    pub fn entries(&self) -> Vec<(&'static str, &'static str)> {\n        vec![\n");
    for key in en.keys() {
        let _ = writeln!(out, "            ({key:?}, self.{key}),");
    }
    out.push_str("        ]\n    }\n\n");
    out.push_str("    /// A table from texts looked up by key (missing ones are empty); the texts live as long\n    /// as the page, so they are leaked once.\n    #[cfg(feature = \"hydrate\")]\n    pub fn from_lookup(mut text: impl FnMut(&str) -> Option<String>) -> Messages {\n        let mut leak = |key: &str| -> &'static str { Box::leak(text(key).unwrap_or_default().into_boxed_str()) };\n        Messages {\n");
    for key in en.keys() {
        let _ = writeln!(out, "            {key}: leak({key:?}),");
    }
    out.push_str("        }\n    }\n}\n\n");
    let mut missing_list = String::new();
    for (tag, messages, _) in &locales {
        for key in messages.keys() {
            assert!(
                en.contains_key(key),
                "locales/{tag}.json has key {key} that en.json lacks"
            );
        }
        let missing: Vec<&String> = en.keys().filter(|k| !messages.contains_key(*k)).collect();
        if !missing.is_empty() && tag != "en" {
            println!(
                "cargo::warning=locale {tag}: {} keys fall back to English",
                missing.len()
            );
        }
        let _ = writeln!(
            missing_list,
            "    ({tag:?}, &[{}]),",
            missing
                .iter()
                .map(|k| format!("{k:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let _ = writeln!(
            out,
            "#[cfg(not(feature = \"hydrate\"))]\nstatic {}: Messages = Messages {{",
            variant(tag).to_ascii_uppercase()
        );
        for (key, en_text) in &en {
            let text = messages.get(key).unwrap_or(en_text);
            let _ = writeln!(out, "    {key}: {text:?},");
        }
        out.push_str("};\n\n");
    }
    out.push_str("/// Keys each locale lacks (they show in English).\n");
    let _ = writeln!(
        out,
        "pub const MISSING_KEYS: &[(&str, &[&str])] = &[\n{missing_list}];"
    );
    let dest =
        Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|_| panic!("OUT_DIR is not set")))
            .join("i18n_tables.rs");
    std::fs::write(&dest, out).unwrap_or_else(|e| panic!("{}: {e}", dest.display()));
}
