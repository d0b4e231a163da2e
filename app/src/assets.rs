//! The stylesheet and the islands loader in the document head, with the hashed file names
//! cargo-leptos writes to `hash.txt` beside the binary. The names, the loader's text and its
//! CSP hash are made once per process, not on every page (Leptos' own components read the
//! file per request).

use std::sync::OnceLock;

use leptos::config::LeptosOptions;
use leptos::prelude::*;

static PATHS: OnceLock<AssetPaths> = OnceLock::new();

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

    /// The paths of this build once a page's head has asked for them ([`AssetPaths::get`]);
    /// parts of the body (`i18n::PageTexts`) use them for preload hints.
    pub fn built() -> Option<&'static AssetPaths> {
        PATHS.get()
    }

    /// The paths for this build, computed on first use.
    pub fn get(options: &LeptosOptions) -> &'static AssetPaths {
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

/// The islands loader: on a page with `<leptos-island>` elements it loads the bundle and the
/// page's texts (`i18n::PageTexts`), starts the reactive runtime and hydrates every island, outermost first (an island's server-rendered
/// children, `<leptos-children>`, are handed back to it); a page without islands loads no
/// JavaScript or wasm at all. Either way `<html data-hydrated="true">` marks the moment the
/// page is fully interactive (tests and monitoring wait for it).
const LOADER: &str = r#"const ready = () => document.documentElement.setAttribute("data-hydrated", "true");
if (!document.querySelector("leptos-island")) { ready(); } else {
  // The bundle downloads (and compiles, streaming) while its JavaScript glue loads.
  const wasm = fetch(WASM);
  const textsLink = document.getElementById("pf-texts");
  const texts = textsLink ? fetch(textsLink.href).then((r) => r.text()) : Promise.resolve("{}");
  import(JS).then(async (mod) => {
    await mod.default({ module_or_path: wasm });
    window.__pfTexts = await texts;
    mod.hydrate();
    const pending = [];
    const visit = async (node) => {
      if (node.nodeType !== Node.ELEMENT_NODE) return;
      const tag = node.tagName.toLowerCase();
      if (tag === "leptos-island") {
        const run = mod[node.dataset.component];
        if (run) {
          const children = pending[pending.length - 1];
          if (children) children();
          await run(node);
        } else {
          console.warn("no code for the island " + node.dataset.component);
        }
      } else if (tag === "leptos-children") {
        pending.push(node.$$on_hydrate);
        for (const child of node.children) await visit(child);
        pending.pop();
        return;
      }
      for (const child of node.children) await visit(child);
    };
    await visit(document.body);
    ready();
  });
}"#;

/// The loader of this build and the hash the page policy allows it by.
#[derive(Debug)]
pub struct Loader {
    pub script: String,
    /// Base64 SHA-256 of `script`, for `script-src 'sha256-…'`.
    pub sha256: String,
}

impl Loader {
    /// The loader for the asset names of `paths`.
    pub fn new(paths: &AssetPaths) -> Self {
        let script = format!(
            "const JS = {js:?};\nconst WASM = {wasm:?};\n{LOADER}",
            js = paths.js,
            wasm = paths.wasm
        );
        let sha256 = crate::csp::sha256_base64(&script);
        Self { script, sha256 }
    }

    /// The loader of this build, made on first use.
    pub fn get(options: &LeptosOptions) -> &'static Loader {
        static LOADER_OF_BUILD: OnceLock<Loader> = OnceLock::new();
        LOADER_OF_BUILD.get_or_init(|| Loader::new(AssetPaths::get(options)))
    }
}

/// `<link>` to the stylesheet and the islands loader (allowed by its hash: the page needs no
/// nonce in its body, so cached pages can be stored compressed).
#[component]
pub fn SiteAssets(options: LeptosOptions) -> impl IntoView {
    // Islands mode: only what islands create is numbered and sent for hydration; the rest of
    // the page is plain HTML (what Leptos' own `HydrationScripts` does in islands mode).
    if let Some(sc) = Owner::current_shared_context() {
        sc.set_is_hydrating(false);
    }
    let paths = AssetPaths::get(&options);
    let loader = Loader::get(&options);
    view! {
        <link id="leptos" rel="stylesheet" href=paths.css.as_str() />
        <script type="module" inner_html=loader.script.as_str()></script>
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
