//! The stylesheet and hydration scripts in the document head, with the hashed file names
//! cargo-leptos writes to `hash.txt` beside the binary. The names are read once per process,
//! not on every page (Leptos' own components read the file per request).

use std::sync::OnceLock;

use leptos::config::LeptosOptions;
use leptos::nonce::use_nonce;
use leptos::prelude::*;

/// Public paths of the built site's CSS, JS and wasm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetPaths {
    pub css: String,
    pub js: String,
    pub wasm: String,
}

impl AssetPaths {
    /// Paths for `output` under `/pkg`, with hashes from `hash.txt` content when given.
    pub fn new(pkg_dir: &str, output: &str, hashes: Option<&str>) -> Self {
        let mut css = output.to_owned();
        let mut js = output.to_owned();
        let mut wasm = output.to_owned();
        match hashes {
            Some(text) => {
                for (kind, hash) in text.lines().filter_map(|l| l.trim().split_once(':')) {
                    let target = match kind.trim() {
                        "css" => &mut css,
                        "js" => &mut js,
                        "wasm" => &mut wasm,
                        _ => continue,
                    };
                    target.push('.');
                    target.push_str(hash.trim());
                }
            }
            // Unhashed builds name the wasm `<output>_bg.wasm`.
            None => wasm.push_str("_bg"),
        }
        Self {
            css: format!("/{pkg_dir}/{css}.css"),
            js: format!("/{pkg_dir}/{js}.js"),
            wasm: format!("/{pkg_dir}/{wasm}.wasm"),
        }
    }

    /// The paths for this build, computed on first use.
    pub fn get(options: &LeptosOptions) -> &'static AssetPaths {
        static PATHS: OnceLock<AssetPaths> = OnceLock::new();
        PATHS.get_or_init(|| {
            let hashes = options
                .hash_files
                .then(|| {
                    let exe = std::env::current_exe().ok()?;
                    std::fs::read_to_string(exe.parent()?.join(options.hash_file.as_ref())).ok()
                })
                .flatten();
            AssetPaths::new(
                &options.site_pkg_dir,
                &options.output_name,
                hashes.as_deref(),
            )
        })
    }
}

/// `<link>` to the stylesheet, preloads of the JS and wasm, and the module script that
/// hydrates the page (with the page's CSP nonce).
#[component]
pub fn SiteAssets(options: LeptosOptions) -> impl IntoView {
    let paths = AssetPaths::get(&options);
    let nonce = use_nonce();
    let loader = format!(
        "import init, {{ hydrate }} from {js:?};\ninit({{ module_or_path: {wasm:?} }}).then(() => hydrate());",
        js = paths.js,
        wasm = paths.wasm
    );
    view! {
        <link id="leptos" rel="stylesheet" href=paths.css.as_str() />
        <link rel="modulepreload" href=paths.js.as_str() crossorigin="anonymous" />
        <link
            rel="preload"
            href=paths.wasm.as_str()
            r#as="fetch"
            r#type="application/wasm"
            crossorigin="anonymous"
        />
        <script type="module" nonce=nonce>
            {loader}
        </script>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_come_from_the_hash_file() {
        let p = AssetPaths::new("pkg", "portfront", Some("css: abc\njs: def\nwasm: ghi\n"));
        assert_eq!(p.css, "/pkg/portfront.abc.css");
        assert_eq!(p.js, "/pkg/portfront.def.js");
        assert_eq!(p.wasm, "/pkg/portfront.ghi.wasm");
    }

    #[test]
    fn unhashed_builds_use_plain_names() {
        let p = AssetPaths::new("pkg", "portfront", None);
        assert_eq!(p.css, "/pkg/portfront.css");
        assert_eq!(p.js, "/pkg/portfront.js");
        assert_eq!(p.wasm, "/pkg/portfront_bg.wasm");
    }
}
