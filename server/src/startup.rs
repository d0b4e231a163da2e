//! Start-up: open and migrate the database, seed the demo catalog, build the router, listen,
//! and stop gracefully on SIGTERM / Ctrl-C.

use std::path::Path;

use anyhow::Context;
use app::state::AppState;
use axum::Router;
use axum::extract::FromRef;
use axum::routing::get;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use migration::{Migrator, MigratorTrait};
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tower_http::limit::RequestBodyLimitLayer;

use crate::api::ApiState;
use crate::config::Config;
use crate::rate_limit::RateLimit;
use crate::{http_layers, routes};

/// Axum state: what handlers and the Leptos integration need. Cloned for every request
/// (axum clones the routed service), so it is one reference-counted pointer.
#[derive(Clone, Debug)]
pub struct ServerState(std::sync::Arc<ServerStateParts>);

impl ServerState {
    pub fn new(parts: ServerStateParts) -> Self {
        Self(std::sync::Arc::new(parts))
    }
}

impl std::ops::Deref for ServerState {
    type Target = ServerStateParts;
    fn deref(&self) -> &ServerStateParts {
        &self.0
    }
}

/// What [`ServerState`] holds.
#[derive(Debug)]
pub struct ServerStateParts {
    pub leptos_options: LeptosOptions,
    pub app: AppState,
    pub api: ApiState,
    pub auth: crate::auth::AuthState,
    /// `PORTFRONT_DATA_DIR`: keys and uploaded files.
    pub data_dir: std::path::PathBuf,
    /// Woken when a mail was put in the outbox that someone waits for (a sign-in code), so
    /// the mailer sends it at once instead of on its next round.
    pub mail_waiting: std::sync::Arc<tokio::sync::Notify>,
    /// Carrier feeds: their secrets, rate limits and the live shipment bus.
    pub feeds: crate::webhooks::FeedState,
}

impl FromRef<ServerState> for LeptosOptions {
    fn from_ref(state: &ServerState) -> Self {
        state.leptos_options.clone()
    }
}

/// Leptos settings derived from our configuration. Hashed asset names are used when the
/// build left a hash file beside the binary (release builds by cargo-leptos do).
pub fn leptos_options(config: &Config) -> LeptosOptions {
    let hash_file_present = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")))
        .is_some_and(|p| p.exists());
    LeptosOptions::builder()
        .output_name("portfront")
        .site_root(config.site_root.to_string_lossy().as_ref())
        .site_pkg_dir("pkg")
        .site_addr(config.site_addr)
        .hash_files(hash_file_present)
        .env(leptos::config::Env::PROD)
        .build()
}

/// Opens the database and applies pending migrations; errors name the cause.
pub async fn open_database(config: &Config) -> anyhow::Result<DatabaseConnection> {
    let url = config.redacted_database_url();
    let db = domain::db::connect(&config.database_url)
        .await
        .with_context(|| format!("cannot open the database {url}"))?;
    Migrator::up(&db, None)
        .await
        .with_context(|| format!("cannot migrate the database {url}"))?;
    Ok(db)
}

/// [`open_database`], then the demo dataset when `PORTFRONT_DEMO=1` and the catalog is empty.
pub async fn prepare_database(config: &Config) -> anyhow::Result<DatabaseConnection> {
    let db = open_database(config).await?;
    if config.demo {
        match domain::catalog::demo::seed(&db)
            .await
            .context("cannot seed the demo dataset")?
        {
            domain::catalog::demo::SeedOutcome::Seeded {
                categories,
                products,
            } => {
                tracing::info!(categories, products, "seeded the demo catalog");
            }
            domain::catalog::demo::SeedOutcome::SkippedNotEmpty => {
                tracing::info!("demo dataset not seeded: the catalog already has data");
            }
        }
        match domain::trade::demo::seed(&db, chrono::Utc::now())
            .await
            .context("cannot seed the demo quote requests and orders")?
        {
            domain::trade::demo::DemoTrade::Seeded { rfqs, orders } => {
                tracing::info!(rfqs, orders, "seeded the demo quote requests and orders");
                let issued =
                    domain::issuance::demo::seed(&db, &issuer(config)?, chrono::Utc::now())
                        .await
                        .context("cannot issue the demo certificates of origin")?;
                tracing::info!(
                    issued = ?issued.issued,
                    rejected = issued.rejected.len(),
                    "issued the demo certificates of origin"
                );
                demo_sign_in(&db, config).await?;
            }
            domain::trade::demo::DemoTrade::Skipped => {}
        }
    }
    Ok(db)
}

/// On a fresh demo database: a demo staff member with a generated password when nobody can
/// open the admin panel yet, and how to sign in on both sides, printed once.
async fn demo_sign_in(db: &DatabaseConnection, config: &Config) -> anyhow::Result<()> {
    use domain::auth::Role;
    use domain::entities::user;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let staff_exists = user::Entity::find()
        .filter(user::Column::Role.is_in([Role::Staff.as_str(), Role::Admin.as_str()]))
        .count(db)
        .await
        .context("cannot count the staff accounts")?
        > 0;
    let base = &config.base_url;
    let mut lines = vec!["Portfront demo: how to sign in".to_owned(), String::new()];
    if !staff_exists {
        let password = base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            domain::auth::secret::random_bytes::<12>(),
        );
        domain::auth::users::create_staff(
            db,
            DEMO_STAFF_EMAIL,
            "Demo Staff",
            Role::Admin,
            &password,
            &domain::auth::audit::Actor::System,
            chrono::Utc::now(),
        )
        .await
        .context("cannot create the demo staff account")?;
        lines.push(format!(
            "  Staff: {base}/en/sign-in  e-mail {DEMO_STAFF_EMAIL}  password {password}"
        ));
        lines.push("         (shown only now; change it under Account)".to_owned());
    }
    lines.push(format!(
        "  Buyer: {base}/en/sign-in  \"Sign in with an e-mail code\" as {DEMO_BUYER_EMAIL}"
    ));
    lines.push(if config.smtp_url.is_some() {
        "         the code goes to that address through PORTFRONT_SMTP_URL".to_owned()
    } else {
        format!(
            "         no mail server is set (PORTFRONT_SMTP_URL): read the code as staff at {base}/en/admin/outbox"
        )
    });
    let width = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let rule = "=".repeat(width + 4);
    let mut text = format!("\n{rule}\n");
    for l in &lines {
        text.push_str(&format!("  {l}\n"));
    }
    text.push_str(&format!("{rule}\n"));
    eprintln!("{text}");
    Ok(())
}

/// The demo's staff account, made on a fresh demo database that has none.
pub const DEMO_STAFF_EMAIL: &str = "demo.staff@harbourline.example";
/// The demo buyer the start-up message suggests (Osaka, Japan).
pub const DEMO_BUYER_EMAIL: &str = "kenji.mori@osaka-kogyo.example";

/// The API's token authority, with its key from the data directory (created on first start).
pub fn token_authority(config: &Config) -> anyhow::Result<domain::auth::token::TokenAuthority> {
    domain::auth::token::TokenAuthority::load_or_create(
        &config.data_dir,
        &config.base_url,
        config.token_ttl_seconds,
    )
    .context("cannot load the API token key")
}

/// The e-CO issuer: the signing key from the data directory (generated on first start, 0600),
/// `did:web` from `PORTFRONT_BASE_URL`.
pub fn issuer(config: &Config) -> anyhow::Result<domain::issuance::Issuer> {
    let ring = domain::eco::keys::KeyDirectory::new(&config.data_dir)
        .load_or_generate()
        .context("cannot load the e-CO signing key")?;
    let prefix = domain::eco::numbering::NumberPrefix::parse(ECO_NUMBER_PREFIX)
        .map_err(|e| anyhow::anyhow!("the e-CO number prefix: {e}"))?;
    domain::issuance::Issuer::new(ring, &config.base_url, prefix)
        .map_err(|e| anyhow::anyhow!("cannot set up e-CO issuance: {e}"))
}

/// The first part of e-CO numbers (`PF-DOO-2026-000042`).
pub const ECO_NUMBER_PREFIX: &str = "PF";

/// The whole HTTP application.
pub fn router(config: &Config, db: DatabaseConnection) -> anyhow::Result<Router> {
    router_with(
        config,
        db,
        std::sync::Arc::default(),
        std::sync::Arc::new(issuer(config)?),
        crate::shipment_stream::Bus::new(),
    )
}

/// The key the feed sources' secrets derive from (`PORTFRONT_DATA_DIR/keys/feed-secrets.key`).
pub fn feed_keys(config: &Config) -> anyhow::Result<domain::shipments::FeedKeys> {
    domain::shipments::FeedKeys::load_or_create(&config.data_dir)
        .context("cannot load the feed secrets key")
}

/// The application, waking the mailer through `mail_waiting` when a request leaves a mail
/// someone waits for; certificates are signed and verified as `issuer` (the worker's own).
pub fn router_with(
    config: &Config,
    db: DatabaseConnection,
    mail_waiting: std::sync::Arc<tokio::sync::Notify>,
    issuer: std::sync::Arc<domain::issuance::Issuer>,
    bus: crate::shipment_stream::Bus,
) -> anyhow::Result<Router> {
    let api = ApiState {
        tokens: token_authority(config)?,
        token_rate: RateLimit::per_minute(config.rate_limit_per_minute),
    };
    let leptos_options = leptos_options(config);
    let catalog = domain::catalog::cache::CatalogCache::new(db.clone(), config.catalog_cache_ttl);
    let db_for_docs = db.clone();
    let page_cache = crate::page_cache::PageCache::new(config.catalog_cache_ttl);
    let providers =
        crate::auth::oidc::Providers::new(config.oidc_providers.clone(), &config.base_url)?;
    let app_state = AppState::new(app::state::AppStateParts {
        db,
        catalog,
        base_url: config.base_url.as_str().into(),
        site_name: config.site_name.as_str().into(),
        sessions: config.session_policy,
        secure_cookies: config.behind_tls(),
        providers: providers.links().into(),
        require_staff_2fa: config.require_staff_2fa,
        mail_configured: config.smtp_url.is_some(),
        issuer,
        status_lists: std::sync::Arc::default(),
        shipments: shipment_docs(db_for_docs, bus.clone()),
        feed_keys: feed_keys(config)?,
        map_tiles: config.map_tiles.as_deref().map(Into::into),
        page_cache: {
            let cache = page_cache.clone();
            app::state::PageCacheClearer(std::sync::Arc::new(move || cache.invalidate_all()))
        },
    });
    let auth = crate::auth::AuthState {
        sign_in_rate: RateLimit::per_minute(config.rate_limit_per_minute),
        form_rate: RateLimit::per_minute(
            config
                .rate_limit_per_minute
                .saturating_mul(std::num::NonZeroU32::new(4).unwrap_or(std::num::NonZeroU32::MIN)),
        ),
        callback_rate: RateLimit::per_minute(config.rate_limit_per_minute),
        refusal_audit_rate: RateLimit::per_minute(
            std::num::NonZeroU32::new(10).unwrap_or(std::num::NonZeroU32::MIN),
        ),
        account_failures: crate::rate_limit::AccountFailures::default(),
        trusted_proxies: config.trusted_proxies.clone(),
        oidc: std::sync::Arc::new(providers),
    };
    let state = ServerState::new(ServerStateParts {
        leptos_options: leptos_options.clone(),
        app: app_state.clone(),
        api,
        auth,
        data_dir: config.data_dir.clone(),
        mail_waiting,
        feeds: crate::webhooks::FeedState::new(feed_keys(config)?, bus),
    });
    let context = {
        let app_state = app_state.clone();
        // leptos_axum also provides the request parts and a CSP nonce for every render.
        move || provide_context(app_state.clone())
    };
    let route_list = generate_route_list(app::App);
    let site = &config.site_root;
    // Static files and health checks need none of the page middleware (sessions, CSRF, rate
    // limits, page cache): they are routed first, outside it. Files come from memory, with the
    // precompressed twins the build wrote (`static_files`).
    let files = std::sync::Arc::new(
        crate::static_files::StaticFiles::load(site)
            .with_context(|| format!("cannot read the site files under {}", site.display()))?,
    );
    let assets = Router::new()
        .route("/pkg/{*file}", get(crate::static_files::serve))
        .route("/images/{*file}", get(crate::static_files::serve))
        .route("/vendor/{*file}", get(crate::static_files::serve))
        .route("/favicon.svg", get(crate::static_files::serve))
        .route("/texts/{file}", get(crate::static_files::serve))
        .with_state(files)
        .route("/healthz", get(routes::health::healthz))
        .route("/readyz", get(routes::health::readyz))
        .merge(crate::certificates::public())
        .layer(RequestBodyLimitLayer::new(config.max_body_bytes))
        // Carrier pushes: signed, with their own body limit, no sessions or CSRF.
        .merge(crate::webhooks::router());
    let pages = Router::new()
        .route("/", get(routes::root::redirect_to_locale))
        .route("/admin", get(routes::root::redirect_admin))
        .route("/robots.txt", get(routes::seo::robots_txt))
        .route("/sitemap.xml", get(routes::seo::sitemap_xml))
        .merge(crate::api::router())
        .merge(crate::certificates::router())
        .merge(crate::auth::router())
        .route(
            "/sf/{*fn_name}",
            get(routes::server_fns::handle).post(routes::server_fns::handle),
        )
        .leptos_routes_with_context(&state, route_list, context.clone(), {
            let options = leptos_options.clone();
            move || app::shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            ServerState,
            _,
        >(context, app::shell))
        // Every route but the message form (which sets its own, larger limit) takes bodies up
        // to PORTFRONT_MAX_BODY_BYTES.
        .layer(RequestBodyLimitLayer::new(config.max_body_bytes))
        .merge(crate::trade_forms::router())
        .merge(crate::feed_upload::router())
        // Innermost: stores pages exactly as rendered, before the shared headers are added.
        .layer(axum::middleware::from_fn_with_state(
            page_cache,
            crate::page_cache::serve,
        ))
        // Staff-only pages send anonymous visitors to sign in before anything renders.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::auth::guard_admin_pages,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::auth::limit_forms,
        ))
        // CSRF, first half: state-changing requests must come from this site.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::auth::csrf::check_origin,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::auth::request_context,
        ));
    let router = assets.merge(pages);
    Ok(http_layers::apply(router, config).with_state(state))
}

/// Order pages' shipment documents: the first reference with events, from the live bus's
/// shared snapshots (the same document the API and the stream send).
fn shipment_docs(
    db: DatabaseConnection,
    bus: crate::shipment_stream::Bus,
) -> app::state::ShipmentDocs {
    app::state::ShipmentDocs(std::sync::Arc::new(move |references: Vec<String>| {
        let db = db.clone();
        let bus = bus.clone();
        Box::pin(async move {
            for r in references {
                let snapshot = bus.snapshot(&db, &r).await?;
                if let Some(json) = &snapshot.json
                    && let Ok(doc) = serde_json::from_str(json)
                {
                    return Ok(Some(doc));
                }
            }
            Ok(None)
        })
    }))
}

/// A bound, ready-to-serve application.
pub struct Application {
    listener: TcpListener,
    router: Router,
    db: DatabaseConnection,
    session_policy: domain::auth::sessions::SessionPolicy,
    mailer: crate::mailer::Mailer,
    mail_waiting: std::sync::Arc<tokio::sync::Notify>,
    issuer: std::sync::Arc<domain::issuance::Issuer>,
    authority: std::sync::Arc<crate::authority::Authority>,
    bus: crate::shipment_stream::Bus,
    database_url: String,
    poller: crate::feed_poller::Poller,
}

impl Application {
    /// Prepares the database and binds the listening socket.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        check_site_root(&config.site_root);
        let db = prepare_database(&config).await?;
        // Parse the embedded port list now rather than on the first product page.
        let _ = domain::logistics::locations::LocationMaster::embedded();
        let listener = TcpListener::bind(config.site_addr)
            .await
            .with_context(|| format!("cannot listen on {}", config.site_addr))?;
        let mailer = crate::mailer::Mailer::from_config(&config)?;
        if !mailer.configured() {
            tracing::info!(
                "no PORTFRONT_SMTP_URL: mail (sign-in codes, notifications) waits in the outbox; staff read it at /en/admin/outbox"
            );
        }
        let fonts = domain::pdf::fonts::report();
        let missing = fonts.missing_packages();
        if missing.is_empty() {
            tracing::info!(?fonts.scripts, "PDF fonts for CJK and Thai found");
        } else {
            tracing::warn!(
                ?fonts.scripts,
                "PDFs will show empty boxes for some scripts: install Debian's {} (make tools does) or put the Noto fonts under PORTFRONT_FONT_DIR",
                missing.join(" ")
            );
        }
        let mail_waiting = std::sync::Arc::new(tokio::sync::Notify::new());
        let issuer = std::sync::Arc::new(issuer(&config)?);
        let bus = crate::shipment_stream::Bus::new();
        let router = router_with(
            &config,
            db.clone(),
            mail_waiting.clone(),
            issuer.clone(),
            bus.clone(),
        )?;
        let authority = std::sync::Arc::new(crate::authority::Authority::from_config(
            config.authority.as_ref(),
        )?);
        let poller = crate::feed_poller::Poller::new(db.clone(), feed_keys(&config)?, bus.clone())?;
        Ok(Self {
            poller,
            issuer,
            authority,
            bus,
            database_url: config.database_url.clone(),
            listener,
            router,
            db,
            session_policy: config.session_policy,
            mailer,
            mail_waiting,
        })
    }

    /// The port actually bound (tests listen on port 0).
    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// Serves until SIGTERM or Ctrl-C, then lets in-flight requests finish.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        tracing::info!(addr = %self.listener.local_addr()?, "Portfront is listening");
        let housekeeping = crate::maintenance::spawn(
            self.db.clone(),
            self.session_policy,
            crate::maintenance::PURGE_EVERY,
        );
        let mail = crate::mailer::spawn(
            self.db.clone(),
            self.mailer.clone(),
            self.mail_waiting.clone(),
        );
        let issuance =
            crate::eco_worker::spawn(self.db.clone(), self.issuer.clone(), self.authority.clone());
        let polls = crate::feed_poller::spawn(self.poller.clone());
        // Other replicas' shipment changes, when they share this PostgreSQL.
        let replicas =
            crate::shipment_stream::spawn_pg_listener(self.database_url.clone(), self.bus.clone());
        let served = axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown({
            let bus = self.bus.clone();
            async move {
                shutdown_signal().await;
                bus.close();
            }
        })
        .await;
        housekeeping.abort();
        mail.abort();
        issuance.abort();
        polls.abort();
        if let Some(r) = replicas {
            r.abort();
        }
        served.context("the HTTP server failed")
    }
}

fn check_site_root(root: &Path) {
    if !root.join("pkg").exists() {
        tracing::warn!(
            site_root = %root.display(),
            "no pkg/ folder under LEPTOS_SITE_ROOT: pages will render but not hydrate; build with `cargo leptos build --release`"
        );
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
