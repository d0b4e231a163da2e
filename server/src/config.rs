//! Configuration from the environment (DESIGN.md §10), read and checked once at start.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, bail};

/// Everything the server needs to know at start.
#[derive(Clone, Debug)]
pub struct Config {
    /// `DATABASE_URL`: SQLite by default, PostgreSQL when it starts with `postgres://`.
    pub database_url: String,
    /// `LEPTOS_SITE_ADDR`: where to listen.
    pub site_addr: SocketAddr,
    /// `LEPTOS_SITE_ROOT`: the built site (wasm, JS, CSS, public files), made absolute.
    pub site_root: PathBuf,
    /// `PORTFRONT_DATA_DIR`: signing keys and uploads.
    pub data_dir: PathBuf,
    /// `PORTFRONT_BASE_URL`: the public origin, without a trailing slash.
    pub base_url: String,
    /// `PORTFRONT_DEMO=1`: seed the demo dataset into an empty database.
    pub demo: bool,
    /// `PORTFRONT_SITE_NAME`: the exporter's trading name in the header.
    pub site_name: String,
    /// `PORTFRONT_MAX_BODY_BYTES`: the largest request body accepted.
    pub max_body_bytes: usize,
    /// `PORTFRONT_CATALOG_CACHE_SECONDS`: how long catalog reads are served from memory
    /// (0 turns the cache off). Bounds how stale another replica's pages can be.
    pub catalog_cache_ttl: std::time::Duration,
    /// `PORTFRONT_TOKEN_TTL_SECONDS`: lifetime of platform API access tokens.
    pub token_ttl_seconds: i64,
    /// `PORTFRONT_RATE_LIMIT_PER_MINUTE`: requests a minute one address may make to the
    /// sign-in, token and form endpoints.
    pub rate_limit_per_minute: std::num::NonZeroU32,
    /// `PORTFRONT_SESSION_IDLE_MINUTES` (default 30) and `PORTFRONT_SESSION_MAX_HOURS`
    /// (default 12): a session ends after this long unused, or this long after sign-in.
    pub session_policy: domain::auth::sessions::SessionPolicy,
    /// `PORTFRONT_OIDC_PROVIDERS`: path of a TOML file of OpenID Connect providers
    /// (`[[provider]]` tables; see README). None configured: password sign-in only.
    pub oidc_providers: Vec<domain::auth::oidc::ProviderConfig>,
    /// `PORTFRONT_TRUSTED_PROXIES` (default none): the proxies whose `Forwarded` /
    /// `X-Forwarded-*` headers are believed.
    pub trusted_proxies: crate::forwarding::TrustedProxies,
    /// `PORTFRONT_REQUIRE_STAFF_2FA=1`: staff and admins must turn on two-step sign-in (TOTP)
    /// before they can use the admin panel.
    pub require_staff_2fa: bool,
    /// `PORTFRONT_SMTP_URL` (`smtp://host:port`, `smtps://user:pass@host`): where mail goes.
    /// Unset: mail stays in the outbox, which staff read in the admin panel.
    pub smtp_url: Option<String>,
    /// `PORTFRONT_MAIL_FROM` (default `<site name> <no-reply@<host of PORTFRONT_BASE_URL>>`).
    pub mail_from: String,
    /// `PORTFRONT_AUTHORITY_URL` with `…_CLIENT_ID` and `…_CLIENT_SECRET`: the issuing body
    /// that certifies Certificates of Origin (`docs/eco-authority.md`); unset = none.
    pub authority: Option<crate::authority::AuthorityConfig>,
    /// `PORTFRONT_MAP_TILES`: a tile URL template (`https://tile.openstreetmap.org/{z}/{x}/{y}.png`)
    /// for the order pages' maps; unset = the offline land layer the site serves itself.
    pub map_tiles: Option<String>,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/portfront.db?mode=rwc";

/// An inclusive range of accepted values.
type Range = std::ops::RangeInclusive<u64>;

/// A whole number from the environment within `range`, or a message naming the variable.
fn parse_number(
    value: Option<String>,
    name: &str,
    default: u64,
    range: Range,
    unit: &str,
) -> anyhow::Result<u64> {
    let Some(v) = value else {
        return Ok(default);
    };
    v.parse::<u64>()
        .ok()
        .filter(|n| range.contains(n))
        .with_context(|| {
            format!(
                "{name}={v:?} must be a whole number of {unit} from {} to {}",
                range.start(),
                range.end()
            )
        })
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> anyhow::Result<Self> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Reads configuration through `get` (a test passes a map).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let var = |k: &str| {
            get(k)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let database_url = var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        domain::db::backend_of(&database_url).map_err(|e| anyhow::anyhow!("{e}"))?;
        let addr_text = var("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".to_owned());
        let site_addr: SocketAddr = addr_text.parse().with_context(|| {
            format!("LEPTOS_SITE_ADDR={addr_text:?} is not an address like 127.0.0.1:3000")
        })?;
        let site_root =
            PathBuf::from(var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".to_owned()));
        let site_root = if site_root.is_absolute() {
            site_root
        } else {
            std::env::current_dir()
                .context("cannot read the working directory")?
                .join(site_root)
        };
        let data_dir =
            PathBuf::from(var("PORTFRONT_DATA_DIR").unwrap_or_else(|| "data".to_owned()));
        let base_url = var("PORTFRONT_BASE_URL")
            .unwrap_or_else(|| format!("http://{site_addr}"))
            .trim_end_matches('/')
            .to_owned();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            bail!("PORTFRONT_BASE_URL={base_url:?} must start with http:// or https://");
        }
        let demo = match var("PORTFRONT_DEMO").as_deref() {
            None | Some("0" | "false" | "no") => false,
            Some("1" | "true" | "yes") => true,
            Some(other) => {
                bail!("PORTFRONT_DEMO={other:?}: use 1 to seed the demo dataset or 0 not to")
            }
        };
        let require_staff_2fa = match var("PORTFRONT_REQUIRE_STAFF_2FA").as_deref() {
            None | Some("0" | "false" | "no") => false,
            Some("1" | "true" | "yes") => true,
            Some(other) => bail!(
                "PORTFRONT_REQUIRE_STAFF_2FA={other:?}: use 1 to require two-step sign-in for staff or 0 not to"
            ),
        };
        let site_name = var("PORTFRONT_SITE_NAME").unwrap_or_else(|| "Portfront".to_owned());
        let number = |name: &str, default: u64, range: Range, unit: &str| {
            parse_number(var(name), name, default, range, unit)
        };
        let max_body_bytes = usize::try_from(number(
            "PORTFRONT_MAX_BODY_BYTES",
            2 * 1024 * 1024,
            1024..=1024 * 1024 * 1024,
            "bytes",
        )?)?;
        let catalog_cache_ttl = std::time::Duration::from_secs(number(
            "PORTFRONT_CATALOG_CACHE_SECONDS",
            30,
            0..=86_400,
            "seconds",
        )?);
        let token_ttl_seconds = i64::try_from(number(
            "PORTFRONT_TOKEN_TTL_SECONDS",
            domain::auth::token::DEFAULT_TOKEN_TTL_SECONDS.unsigned_abs(),
            60..=86_400,
            "seconds",
        )?)?;
        let rate_limit_per_minute = std::num::NonZeroU32::new(u32::try_from(number(
            "PORTFRONT_RATE_LIMIT_PER_MINUTE",
            30,
            1..=100_000,
            "requests",
        )?)?)
        .unwrap_or(std::num::NonZeroU32::MIN);
        let session_idle_minutes =
            number("PORTFRONT_SESSION_IDLE_MINUTES", 30, 5..=10_080, "minutes")?;
        let session_max_hours = number("PORTFRONT_SESSION_MAX_HOURS", 12, 1..=720, "hours")?;
        if session_idle_minutes > session_max_hours * 60 {
            bail!(
                "PORTFRONT_SESSION_IDLE_MINUTES={session_idle_minutes} is longer than PORTFRONT_SESSION_MAX_HOURS={session_max_hours}; make the idle time shorter"
            );
        }
        let session_policy = domain::auth::sessions::SessionPolicy {
            idle: chrono::Duration::minutes(i64::try_from(session_idle_minutes)?),
            absolute: chrono::Duration::hours(i64::try_from(session_max_hours)?),
        };
        let oidc_providers = match var("PORTFRONT_OIDC_PROVIDERS") {
            None => Vec::new(),
            Some(path) => {
                let text = std::fs::read_to_string(&path).with_context(|| {
                    format!("PORTFRONT_OIDC_PROVIDERS={path:?}: cannot read the providers file")
                })?;
                domain::auth::oidc::parse_providers(&text)
                    .map_err(|e| anyhow::anyhow!("PORTFRONT_OIDC_PROVIDERS={path:?}: {e}"))?
            }
        };
        let trusted_proxies = crate::forwarding::TrustedProxies::parse(
            &var("PORTFRONT_TRUSTED_PROXIES").unwrap_or_default(),
        )
        .map_err(|e| anyhow::anyhow!("PORTFRONT_TRUSTED_PROXIES: {e}"))?;
        let map_tiles = var("PORTFRONT_MAP_TILES").filter(|u| !u.trim().is_empty());
        if let Some(t) = &map_tiles
            && !(t.starts_with("https://")
                && t.contains("{z}")
                && t.contains("{x}")
                && t.contains("{y}"))
        {
            bail!(
                "PORTFRONT_MAP_TILES must be an https:// tile URL template with {{z}}, {{x}} and {{y}}, e.g. https://tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png; leave it unset for the offline land layer"
            );
        }
        let smtp_url = var("PORTFRONT_SMTP_URL").filter(|u| !u.trim().is_empty());
        if let Some(url) = &smtp_url
            && !(url.starts_with("smtp://") || url.starts_with("smtps://"))
        {
            bail!(
                "PORTFRONT_SMTP_URL must start with smtp:// (plain or STARTTLS, e.g. smtp://mail.example.com:587) or smtps:// (TLS, e.g. smtps://user:password@mail.example.com)"
            );
        }
        let mail_from = match var("PORTFRONT_MAIL_FROM") {
            Some(from) => from,
            None => {
                let host = base_url
                    .split("://")
                    .nth(1)
                    .unwrap_or_default()
                    .split(['/', ':'])
                    .next()
                    .unwrap_or_default();
                let host = if host.is_empty() || host.parse::<std::net::IpAddr>().is_ok() {
                    "localhost"
                } else {
                    host
                };
                let name: String = site_name
                    .chars()
                    .filter(|c| !matches!(c, '"' | '<' | '>' | '\\'))
                    .collect();
                format!("\"{name}\" <no-reply@{host}>")
            }
        };
        let authority = match var("PORTFRONT_AUTHORITY_URL").filter(|u| !u.trim().is_empty()) {
            None => None,
            Some(url) => {
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    bail!(
                        "PORTFRONT_AUTHORITY_URL must be the issuing body's base URL, e.g. https://eco.customs.example or http://127.0.0.1:4010 for the sandbox"
                    );
                }
                let id = var("PORTFRONT_AUTHORITY_CLIENT_ID").unwrap_or_default();
                let secret = var("PORTFRONT_AUTHORITY_CLIENT_SECRET").unwrap_or_default();
                if id.trim().is_empty() || secret.is_empty() {
                    bail!(
                        "PORTFRONT_AUTHORITY_URL is set: also set PORTFRONT_AUTHORITY_CLIENT_ID and PORTFRONT_AUTHORITY_CLIENT_SECRET (the client credentials the issuing body gave you)"
                    );
                }
                Some(crate::authority::AuthorityConfig {
                    base_url: url,
                    client_id: id,
                    client_secret: secret,
                })
            }
        };
        Ok(Self {
            authority,
            database_url,
            site_addr,
            site_root,
            data_dir,
            base_url,
            demo,
            site_name,
            max_body_bytes,
            catalog_cache_ttl,
            token_ttl_seconds,
            rate_limit_per_minute,
            session_policy,
            oidc_providers,
            trusted_proxies,
            require_staff_2fa,
            smtp_url,
            mail_from,
            map_tiles,
        })
    }

    /// The database URL with any password replaced, for messages and logs.
    pub fn redacted_database_url(&self) -> String {
        redact_url(&self.database_url)
    }

    /// Whether the public origin is served over TLS (then cookies are Secure and HSTS is sent).
    pub fn behind_tls(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

/// Replaces the password of `scheme://user:password@host` with `***`.
pub fn redact_url(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://")
        && let Some((creds, host)) = rest.split_once('@')
        && let Some((user, _)) = creds.split_once(':')
    {
        return format!("{scheme}://{user}:***@{host}");
    }
    url.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(pairs: &[(&str, &str)]) -> anyhow::Result<Config> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_follow_the_operator_contract() {
        let c = config(&[]).unwrap();
        assert_eq!(c.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(c.site_addr.to_string(), "127.0.0.1:3000");
        assert!(c.site_root.is_absolute() && c.site_root.ends_with("target/site"));
        assert_eq!(c.base_url, "http://127.0.0.1:3000");
        assert!(!c.demo);
        assert_eq!(c.session_policy.idle, chrono::Duration::minutes(30));
        assert_eq!(c.session_policy.absolute, chrono::Duration::hours(12));
        assert!(c.trusted_proxies.is_empty());
    }

    #[test]
    fn rejects_bad_values_with_the_variable_name() {
        let e = config(&[("LEPTOS_SITE_ADDR", "localhost")])
            .unwrap_err()
            .to_string();
        assert!(e.contains("LEPTOS_SITE_ADDR"), "{e}");
        let e = config(&[("PORTFRONT_TRUSTED_PROXIES", "10.0.0.0/8 proxy.lan")])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("PORTFRONT_TRUSTED_PROXIES") && e.contains("proxy.lan"),
            "{e}"
        );
        let e = config(&[("DATABASE_URL", "mysql://x")])
            .unwrap_err()
            .to_string();
        assert!(e.contains("DATABASE_URL"), "{e}");
        let e = config(&[("PORTFRONT_DEMO", "maybe")])
            .unwrap_err()
            .to_string();
        assert!(e.contains("PORTFRONT_DEMO"), "{e}");
        let e = config(&[("PORTFRONT_BASE_URL", "shop.example.com")])
            .unwrap_err()
            .to_string();
        assert!(e.contains("PORTFRONT_BASE_URL"), "{e}");
        for (name, value) in [
            ("PORTFRONT_MAX_BODY_BYTES", "12"),
            ("PORTFRONT_CATALOG_CACHE_SECONDS", "-1"),
            ("PORTFRONT_TOKEN_TTL_SECONDS", "5"),
            ("PORTFRONT_RATE_LIMIT_PER_MINUTE", "0"),
            ("PORTFRONT_SESSION_IDLE_MINUTES", "x"),
            ("PORTFRONT_SESSION_MAX_HOURS", "100000"),
            ("PORTFRONT_OIDC_PROVIDERS", "/nonexistent/providers.toml"),
        ] {
            let e = config(&[(name, value)]).unwrap_err().to_string();
            assert!(e.contains(name), "{e}");
        }
        let e = config(&[
            ("PORTFRONT_SESSION_IDLE_MINUTES", "600"),
            ("PORTFRONT_SESSION_MAX_HOURS", "2"),
        ])
        .unwrap_err()
        .to_string();
        assert!(e.contains("shorter"), "{e}");
    }

    #[test]
    fn base_url_loses_its_trailing_slash() {
        assert_eq!(
            config(&[("PORTFRONT_BASE_URL", "https://shop.example.com/")])
                .unwrap()
                .base_url,
            "https://shop.example.com"
        );
    }

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/x"),
            "postgres://app:***@db:5432/x"
        );
        assert_eq!(redact_url("sqlite://data/x.db"), "sqlite://data/x.db");
    }
}
