//! Where to send a person after signing in: only a path on this site, never another origin.

/// `next` when it is a safe local path (`/…`, not `//…` or `/\…`, no control characters,
/// at most 500 characters); otherwise `None`.
pub fn safe_next(next: &str) -> Option<String> {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && next.len() <= 500
        && !next.chars().any(|c| c.is_control() || c == '\\');
    ok.then(|| next.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next("/en/admin").as_deref(), Some("/en/admin"));
        assert_eq!(
            safe_next("/ja/products?q=oak").as_deref(),
            Some("/ja/products?q=oak")
        );
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "en/admin",
            "",
            "/a\nb",
            "/a\\b",
        ] {
            assert_eq!(safe_next(bad), None, "{bad:?}");
        }
        assert_eq!(safe_next(&format!("/{}", "a".repeat(500))), None);
    }
}
