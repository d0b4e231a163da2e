//! Browser sign-in in-process: password sign-in with session rotation, the admin guard,
//! CSRF (origin check and per-session token), sign-out, rate limits and the OpenID callback's
//! refusals. SQLite here; the repositories run on PostgreSQL too in `domain`'s tests.

use axum::Router;
use axum::body::Body;
use chrono::Utc;
use domain::auth::Role;
use domain::auth::audit::Actor;
use http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use server::config::Config;
use tower::ServiceExt;

const BASE: &str = "https://shop.example.com";
const COOKIE: &str = "__Host-pf_session";
const PASSWORD: &str = "correct horse battery";

struct TestApp {
    _serial: crate::common::Serial,
    app: Router,
    db: sea_orm::DatabaseConnection,
    _dir: tempfile::TempDir,
}

async fn app_with(rate: &str) -> TestApp {
    app_with_env(rate, &[]).await
}

/// A test app with more settings (`extra` wins over the defaults here).
async fn app_with_env(rate: &str, extra: &[(&str, &str)]) -> TestApp {
    let serial = crate::common::serial().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let db_url = format!("sqlite://{}/accounts.db?mode=rwc", dir.path().display());
    let data_dir = dir.path().display().to_string();
    let rate = rate.to_owned();
    let extra: Vec<(String, String)> = extra
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let config = Config::from_lookup(|k| {
        if let Some((_, v)) = extra.iter().find(|(name, _)| name == k) {
            return Some(v.clone());
        }
        match k {
            "DATABASE_URL" => Some(db_url.clone()),
            "PORTFRONT_DEMO" => Some("1".into()),
            "PORTFRONT_DATA_DIR" => Some(data_dir.clone()),
            "PORTFRONT_BASE_URL" => Some(BASE.into()),
            "PORTFRONT_RATE_LIMIT_PER_MINUTE" => Some(rate.clone()),
            _ => None,
        }
    })
    .expect("valid test configuration");
    let db = server::startup::prepare_database(&config)
        .await
        .expect("database ready");
    domain::auth::users::create_staff(
        &db,
        "admin@harbourline.example",
        "Ada Admin",
        Role::Admin,
        PASSWORD,
        &Actor::Cli,
        Utc::now(),
    )
    .await
    .expect("admin");
    let app = server::startup::router(&config, db.clone()).expect("router builds");
    TestApp {
        app,
        db,
        _dir: dir,
        _serial: serial,
    }
}

async fn send(app: &Router, req: Request<Body>) -> (StatusCode, http::HeaderMap, String) {
    let res = app.clone().oneshot(req).await.expect("response");
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.expect("body").to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

fn location(h: &http::HeaderMap) -> String {
    h.get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The session token a response sets, if any.
fn session_cookie(h: &http::HeaderMap) -> Option<String> {
    h.get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix(&format!("{COOKIE}=")))
        .map(|rest| rest.split(';').next().unwrap_or_default().to_owned())
}

fn sign_in_request(email: &str, password: &str, cookie: Option<&str>) -> Request<Body> {
    let mut req = Request::post("/auth/password")
        .header(header::ORIGIN, BASE)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, format!("{COOKIE}={c}"));
    }
    let body = format!(
        "email={}&password={}&next=&locale=en",
        email.replace('@', "%40"),
        password.replace(' ', "+")
    );
    req.body(Body::from(body)).expect("request")
}

fn get_as(uri: &str, token: Option<&str>) -> Request<Body> {
    let mut req = Request::get(uri);
    if let Some(t) = token {
        req = req.header(header::COOKIE, format!("{COOKIE}={t}"));
    }
    req.body(Body::empty()).expect("request")
}

// The server runs on the multi-threaded runtime; so do these tests.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_sign_in_rotates_the_session_and_opens_the_admin_panel() {
    let t = app_with("100").await;
    // A session the browser already had (e.g. planted by an attacker) is replaced, not reused.
    let (_, h, _) = send(
        &t.app,
        sign_in_request("admin@harbourline.example", PASSWORD, None),
    )
    .await;
    let first = session_cookie(&h).expect("first session");
    let (status, h, _) = send(
        &t.app,
        sign_in_request("ADMIN@harbourline.example", PASSWORD, Some(&first)),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&h), "/en/admin");
    let cookie_line = h
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        cookie_line.contains("HttpOnly")
            && cookie_line.contains("SameSite=Lax")
            && cookie_line.contains("Secure"),
        "{cookie_line}"
    );
    let second = session_cookie(&h).expect("second session");
    assert_ne!(first, second, "the session id changes on sign-in");
    let (status, _, _) = send(&t.app, get_as("/en/admin", Some(&first))).await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "the replaced session is gone"
    );
    let (status, _, body) = send(&t.app, get_as("/en/admin", Some(&second))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Dashboard"), "dashboard rendered");
    let events = domain::auth::audit::recent(&t.db, 5).await.expect("audit");
    assert!(events.iter().any(|e| e.action == "sign_in"));
}

// The server runs on the multi-threaded runtime; so do these tests.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_go_back_with_a_reason_and_are_audited() {
    let t = app_with("100").await;
    let (status, h, _) = send(
        &t.app,
        sign_in_request("admin@harbourline.example", "wrong password!", None),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&h), "/en/sign-in?error=bad_credentials");
    assert!(session_cookie(&h).is_none());
    let (status, h, _) = send(&t.app, sign_in_request("", "", None)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location(&h).contains("error=missing_fields"));
    let events = domain::auth::audit::recent(&t.db, 5).await.expect("audit");
    assert!(
        events
            .iter()
            .any(|e| e.action == "sign_in.failed" && !e.detail.contains("wrong"))
    );
    let (_, _, page) = send(&t.app, get_as("/en/sign-in?error=bad_credentials", None)).await;
    assert!(page.contains("The e-mail address or password is wrong."));
}

// The server runs on the multi-threaded runtime; so do these tests.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_panel_sends_strangers_to_sign_in_and_refuses_buyers() {
    let t = app_with("100").await;
    let (status, h, _) = send(&t.app, get_as("/en/admin/users?q=a", None)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location(&h),
        "/en/sign-in?next=%2Fen%2Fadmin%2Fusers%3Fq%3Da"
    );
    let (status, h, _) = send(&t.app, get_as("/admin", None)).await;
    assert!(status.is_redirection());
    assert_eq!(location(&h), "/en/admin");

    let (buyer, _) = domain::auth::people::sign_in_with_identity(
        &t.db,
        &domain::auth::people::VerifiedIdentity {
            provider: "local".into(),
            subject: "buyer-1".into(),
            email: Some("buyer@sakura.example".into()),
            email_verified: true,
            trusted_email: true,
            name: Some("Sakura Buyer".into()),
        },
        None,
        Utc::now(),
    )
    .await
    .expect("buyer");
    let session = domain::auth::sessions::start(
        &t.db,
        buyer.id,
        None,
        None,
        None,
        Default::default(),
        Utc::now(),
    )
    .await
    .expect("session");
    let (status, _, body) = send(&t.app, get_as("/en/admin", Some(&session.token))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("No access"));
    // The server functions behind the panel refuse the buyer too.
    let req = Request::post("/sf/act/admin_end_sessions")
        .header(header::ORIGIN, BASE)
        .header(header::COOKIE, format!("{COOKIE}={}", &*session.token))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "csrf={}&user_id={}",
            session.csrf_token, buyer.id
        )))
        .expect("request");
    let (status, _, body) = send(&t.app, req).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("Forbidden"), "{body}");
}

// The server runs on the multi-threaded runtime; so do these tests.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_changing_requests_need_this_origin_and_the_session_token() {
    let t = app_with("100").await;
    // No Origin or Referer: refused before anything runs.
    let req = Request::post("/auth/password")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("email=admin%40harbourline.example&password=x"))
        .expect("request");
    let (status, _, body) = send(&t.app, req).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("another site"));
    // A foreign Origin is refused even with a valid session.
    let (_, h, _) = send(
        &t.app,
        sign_in_request("admin@harbourline.example", PASSWORD, None),
    )
    .await;
    let token = session_cookie(&h).expect("session");
    let forged = |origin: &str, csrf: &str| {
        Request::post("/sf/act/admin_end_sessions")
            .header(header::ORIGIN, origin)
            .header(header::COOKIE, format!("{COOKIE}={token}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "csrf={csrf}&user_id=00000000-0000-0000-0000-000000000000"
            )))
            .expect("request")
    };
    let (status, _, _) = send(&t.app, forged("https://evil.example", "x")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Right origin, wrong token: the server function refuses.
    let (status, _, body) = send(&t.app, forged(BASE, "not-the-token")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("CsrfFailed"), "{body}");
    // Machine endpoints authenticate each call and are not origin-checked.
    let req = Request::post("/oauth/token")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("grant_type=client_credentials"))
        .expect("request");
    let (status, _, _) = send(&t.app, req).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

// The server runs on the multi-threaded runtime; so do these tests.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_out_needs_the_token_and_ends_the_session() {
    let t = app_with("100").await;
    let (_, h, _) = send(
        &t.app,
        sign_in_request("admin@harbourline.example", PASSWORD, None),
    )
    .await;
    let token = session_cookie(&h).expect("session");
    let session = domain::auth::sessions::resume(&t.db, &token, Default::default(), Utc::now())
        .await
        .expect("resume")
        .expect("live");
    let sign_out = |csrf: &str| {
        Request::post("/auth/sign-out")
            .header(header::ORIGIN, BASE)
            .header(header::COOKIE, format!("{COOKIE}={token}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("csrf={csrf}&locale=ja")))
            .expect("request")
    };
    let (status, _, _) = send(&t.app, sign_out("stale")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, h, _) = send(&t.app, sign_out(&session.csrf_token)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&h), "/ja/sign-in?signed_out=1");
    assert!(
        h.get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| c.contains("Max-Age=0"))
    );
    let gone = domain::auth::sessions::resume(&t.db, &token, Default::default(), Utc::now())
        .await
        .expect("resume");
    assert!(gone.is_none());
}

// The server runs on the multi-threaded runtime; so do these tests.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_attempts_are_rate_limited() {
    let t = app_with("3").await;
    // Three accounts, so the per-account delay plays no part: this is the per-client limit.
    for i in 0..3 {
        let (status, _, _) = send(
            &t.app,
            sign_in_request(
                &format!("someone{i}@harbourline.example"),
                "nope nope nope",
                None,
            ),
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
    }
    let (status, h, body) = send(
        &t.app,
        sign_in_request("admin@harbourline.example", PASSWORD, None),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(h.contains_key(header::RETRY_AFTER));
    assert!(body.contains("Too many attempts"));
}

// The server runs on the multi-threaded runtime; so do these tests.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_callbacks_without_a_known_state_are_refused() {
    let t = app_with("100").await;
    for uri in [
        "/auth/oidc/local/callback?code=abc&state=forged",
        "/auth/oidc/local/callback?code=abc",
    ] {
        let (status, h, _) = send(&t.app, get_as(uri, None)).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(location(&h), "/en/sign-in?error=oidc_state");
    }
    // A state works once: a replayed answer finds nothing.
    let now = Utc::now();
    domain::auth::oidc::remember(
        &t.db,
        "state-1",
        &domain::auth::oidc::PendingLogin {
            provider: "local".into(),
            pkce_verifier: "v".into(),
            nonce: "n".into(),
            next_path: Some("/ja/account".into()),
            link_user_id: None,
        },
        now,
    )
    .await
    .expect("remember");
    let first = domain::auth::oidc::take(&t.db, "local", "state-1", now)
        .await
        .expect("take");
    assert!(first.is_ok());
    let replay = Request::get("/auth/oidc/local/callback?code=abc&state=state-1")
        .header(header::COOKIE, "__Host-pf_oidc=state-1")
        .body(Body::empty())
        .expect("request");
    let (_, h, _) = send(&t.app, replay).await;
    assert_eq!(location(&h), "/en/sign-in?error=oidc_state");
    assert!(
        h.get_all(header::SET_COOKIE)
            .iter()
            .any(
                |c| c.to_str().is_ok_and(|c| c.starts_with("__Host-pf_oidc=;")
                    && c.contains("Path=/;")
                    && c.contains("Secure")
                    && !c.contains("Domain"))
            ),
        "the binding cookie, a __Host- cookie behind TLS, is cleared"
    );
    // A callback link made in another browser (no binding cookie) is refused before it is used.
    domain::auth::oidc::remember(
        &t.db,
        "state-2",
        &domain::auth::oidc::PendingLogin {
            provider: "local".into(),
            pkce_verifier: "v".into(),
            nonce: "n".into(),
            next_path: None,
            link_user_id: None,
        },
        now,
    )
    .await
    .expect("remember");
    let (_, h, _) = send(
        &t.app,
        get_as("/auth/oidc/local/callback?code=abc&state=state-2", None),
    )
    .await;
    assert_eq!(location(&h), "/en/sign-in?error=oidc_state");
    assert!(
        domain::auth::oidc::take(&t.db, "local", "state-2", now)
            .await
            .expect("take")
            .is_ok(),
        "the pending sign-in was not consumed by the stranger"
    );
    let (status, h, _) = send(
        &t.app,
        get_as("/auth/oidc/nope/start?next=%2Fko%2Faccount&locale=ko", None),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location(&h),
        "/ko/sign-in?error=unknown_provider&next=%2Fko%2Faccount"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_in_pages_with_island_data_carry_a_fresh_nonce() {
    let t = app_with("100").await;
    let (_, h, _) = send(
        &t.app,
        sign_in_request("admin@harbourline.example", PASSWORD, None),
    )
    .await;
    let token = session_cookie(&h).expect("session");
    let mut seen = Vec::new();
    for _ in 0..2 {
        let (status, h, body) = send(&t.app, get_as("/en/admin/settings", Some(&token))).await;
        assert_eq!(status, StatusCode::OK);
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().expect("text");
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .expect("a nonce for the island data")
            .to_owned();
        assert!(
            body.contains(&format!("<script nonce=\"{nonce}\">__RESOLVED_RESOURCES")),
            "the island's data is handed over in a script with the header's nonce"
        );
        seen.push(nonce);
    }
    assert_ne!(seen[0], seen[1], "every response has its own nonce");
}

#[tokio::test]
async fn answers_to_signed_in_requests_and_server_functions_are_never_stored() {
    let t = app_with("100").await;
    let (_, h, _) = send(
        &t.app,
        sign_in_request("admin@harbourline.example", PASSWORD, None),
    )
    .await;
    let token = session_cookie(&h).expect("session");
    for path in [
        "/en/products/brushless-dc-motor-57mm-24v-105w",
        "/en",
        "/en/admin",
        "/en/no-such-page",
    ] {
        let (_, h, _) = send(&t.app, get_as(path, Some(&token))).await;
        assert_eq!(h[header::CACHE_CONTROL], "no-store", "{path}");
    }
    // A stale or forged session cookie is treated the same (the answer may depend on it).
    let (_, h, _) = send(&t.app, get_as("/en", Some("not-a-session"))).await;
    assert_eq!(h[header::CACHE_CONTROL], "no-store");
    // Server functions answer one caller, signed in or not.
    let req = Request::post("/sf/get_home")
        .header(header::ORIGIN, BASE)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("locale=en"))
        .expect("request");
    let (_, h, _) = send(&t.app, req).await;
    assert_eq!(h[header::CACHE_CONTROL], "no-store");
    // A visitor's page may be kept by the browser as usual.
    let (status, h, _) = send(&t.app, get_as("/en", None)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(h.get(header::CACHE_CONTROL).is_none_or(|v| v != "no-store"));
}

#[tokio::test]
async fn the_housekeeping_task_purges_sessions_that_cannot_be_resumed() {
    use sea_orm::{EntityTrait, PaginatorTrait};
    let t = app_with("100").await;
    let admin = domain::auth::users::create_staff(
        &t.db,
        "ops@harbourline.example",
        "Ops",
        Role::Staff,
        PASSWORD,
        &Actor::Cli,
        Utc::now(),
    )
    .await
    .expect("staff");
    let policy = domain::auth::sessions::SessionPolicy::default();
    let long_ago = Utc::now() - chrono::Duration::hours(2);
    domain::auth::sessions::start(&t.db, admin.id, None, None, None, policy, long_ago)
        .await
        .expect("old session");
    let live = domain::auth::sessions::start(&t.db, admin.id, None, None, None, policy, Utc::now())
        .await
        .expect("live session");
    let count = || async {
        domain::entities::session::Entity::find()
            .count(&t.db)
            .await
            .expect("count")
    };
    assert_eq!(count().await, 2);
    let task =
        server::maintenance::spawn(t.db.clone(), policy, std::time::Duration::from_millis(20));
    for _ in 0..250 {
        if count().await == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    task.abort();
    assert_eq!(count().await, 1, "the idle session is gone");
    assert!(
        domain::auth::sessions::resume(&t.db, &live.token, policy, Utc::now())
            .await
            .expect("resume")
            .is_some(),
        "the live one stays"
    );
}

#[tokio::test]
async fn a_password_typed_into_the_email_field_is_neither_logged_nor_audited() {
    use sea_orm::{EntityTrait, QueryOrder};
    let t = app_with("100").await;
    let (logs, _guard) = crate::common::CapturedLogs::start();
    let typed = "Tr0ub4dor-3-my-real-password";
    let (status, h, _) = send(&t.app, sign_in_request(typed, typed, None)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location(&h).contains("error=bad_credentials"));
    let row = domain::entities::audit_event::Entity::find()
        .order_by_desc(domain::entities::audit_event::Column::At)
        .order_by_desc(domain::entities::audit_event::Column::Id)
        .one(&t.db)
        .await
        .expect("audit")
        .expect("the refusal is audited");
    assert_eq!(row.action, "sign_in.failed");
    assert_eq!(row.target, domain::auth::secret::fingerprint(typed));
    assert!(!row.detail.contains("Tr0ub4dor"), "{}", row.detail);
    assert!(!logs.text().contains("Tr0ub4dor"), "{}", logs.text());
    // A well-formed address is kept as typed (normalised), so attacks on an account show.
    send(
        &t.app,
        sign_in_request("Admin@Harbourline.example", "wrong password!", None),
    )
    .await;
    let row = domain::entities::audit_event::Entity::find()
        .order_by_desc(domain::entities::audit_event::Column::At)
        .order_by_desc(domain::entities::audit_event::Column::Id)
        .one(&t.db)
        .await
        .expect("audit")
        .expect("audited");
    assert_eq!(row.target, "admin@harbourline.example");
}

/// A request as it arrives from TCP peer `peer` (oneshot requests have no peer otherwise).
fn from_peer(mut req: Request<Body>, peer: &str) -> Request<Body> {
    let addr: std::net::SocketAddr = peer.parse().expect("peer address");
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(addr));
    req
}

fn with_header(mut req: Request<Body>, name: &'static str, value: &str) -> Request<Body> {
    req.headers_mut()
        .append(name, value.parse().expect("header value"));
    req
}

#[tokio::test]
async fn behind_trusted_proxies_the_forwarded_client_is_limited_and_audited() {
    use sea_orm::{EntityTrait, QueryOrder};
    let t = app_with_env("2", &[("PORTFRONT_TRUSTED_PROXIES", "10.0.0.0/8")]).await;
    // A different account each time, so only the per-client limit is in play.
    let attempt = |n: u32, peer: &str, forwarded_for: Option<&str>| {
        let req = from_peer(
            sign_in_request(
                &format!("visitor{n}@harbourline.example"),
                "not the password",
                None,
            ),
            peer,
        );
        match forwarded_for {
            Some(v) => with_header(req, "x-forwarded-for", v),
            None => req,
        }
    };
    // One client behind the proxy uses up its limit…
    for n in 0..2 {
        let (status, _, _) = send(&t.app, attempt(n, "10.0.0.5:4000", Some("198.51.100.1"))).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
    }
    let (status, _, _) = send(&t.app, attempt(2, "10.0.0.5:4000", Some("198.51.100.1"))).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // …while another client of the same proxy is not locked out with it.
    let (status, _, _) = send(&t.app, attempt(3, "10.0.0.5:4000", Some("198.51.100.2"))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let row = domain::entities::audit_event::Entity::find()
        .order_by_desc(domain::entities::audit_event::Column::At)
        .order_by_desc(domain::entities::audit_event::Column::Id)
        .one(&t.db)
        .await
        .expect("audit")
        .expect("audited");
    assert_eq!(
        row.ip.as_deref(),
        Some("198.51.100.2"),
        "the forwarded client is recorded"
    );
    // A forged header from a peer that is not a trusted proxy changes nothing.
    for n in 4..6 {
        let (status, _, _) =
            send(&t.app, attempt(n, "203.0.113.9:5000", Some("198.51.100.3"))).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
    }
    let (status, _, _) = send(&t.app, attempt(6, "203.0.113.9:5000", Some("198.51.100.4"))).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "counted as 203.0.113.9"
    );
}

#[tokio::test]
async fn a_trusted_proxys_https_makes_cookies_secure_and_sends_hsts() {
    let t = app_with_env(
        "100",
        &[
            ("PORTFRONT_TRUSTED_PROXIES", "127.0.0.1"),
            ("PORTFRONT_BASE_URL", "http://shop.example.com"),
        ],
    )
    .await;
    let sign_in = |peer: &str, proto: &str| {
        let req = Request::post("/auth/password")
            .header(header::ORIGIN, "http://shop.example.com")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "email=admin%40harbourline.example&password={}&next=&locale=en",
                PASSWORD.replace(' ', "+")
            )))
            .expect("request");
        with_header(from_peer(req, peer), "x-forwarded-proto", proto)
    };
    let (_, h, _) = send(&t.app, sign_in("127.0.0.1:4000", "https")).await;
    let cookie = h[header::SET_COOKIE].to_str().expect("cookie");
    assert!(
        cookie.starts_with("__Host-pf_session=") && cookie.contains("Secure"),
        "{cookie}"
    );
    assert!(h.contains_key(header::STRICT_TRANSPORT_SECURITY));
    // The same header from anyone else is not believed.
    let (_, h, _) = send(&t.app, sign_in("192.0.2.50:4000", "https")).await;
    let cookie = h[header::SET_COOKIE].to_str().expect("cookie");
    assert!(
        cookie.starts_with("pf_session=") && !cookie.contains("Secure"),
        "{cookie}"
    );
    assert!(!h.contains_key(header::STRICT_TRANSPORT_SECURITY));
}

#[tokio::test]
async fn repeated_wrong_passwords_slow_down_that_account_from_any_address() {
    let t = app_with("1000").await;
    for i in 0..3 {
        let req = from_peer(
            sign_in_request("admin@harbourline.example", "wrong password!", None),
            &format!("192.0.2.{}:4000", i + 1),
        );
        let (status, _, _) = send(&t.app, req).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "attempt {i}");
    }
    // The right password, from yet another address, must now wait too.
    let req = from_peer(
        sign_in_request("admin@harbourline.example", PASSWORD, None),
        "192.0.2.99:4000",
    );
    let (status, h, _) = send(&t.app, req).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(h.contains_key(header::RETRY_AFTER));
    // Other accounts are not affected.
    let req = from_peer(
        sign_in_request("nobody@harbourline.example", "wrong password!", None),
        "192.0.2.99:4000",
    );
    assert_eq!(send(&t.app, req).await.0, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn provider_callbacks_are_rate_limited_and_their_audit_rows_capped() {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let t = app_with("30").await;
    let mut limited = false;
    for i in 0..40 {
        let req = from_peer(
            Request::get(format!("/auth/oidc/local/callback?code=c&state=forged-{i}"))
                .body(Body::empty())
                .expect("request"),
            "198.51.100.20:4000",
        );
        let (status, h, _) = send(&t.app, req).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            assert!(h.contains_key(header::RETRY_AFTER));
            limited = true;
        }
    }
    assert!(limited, "the callback is rate-limited like the start");
    let rows = domain::entities::audit_event::Entity::find()
        .filter(domain::entities::audit_event::Column::Action.eq("sign_in.failed"))
        .count(&t.db)
        .await
        .expect("count");
    assert_eq!(
        rows, 10,
        "refusals are audited, at most 10 a minute per address"
    );
}

/// A form post with this site's origin and the given session cookie.
fn post_form(uri: &str, token: Option<&str>, body: String) -> Request<Body> {
    let mut req = Request::post(uri)
        .header(header::ORIGIN, BASE)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(t) = token {
        req = req.header(header::COOKIE, format!("{COOKIE}={t}"));
    }
    req.body(Body::from(body)).expect("request")
}

/// Turns on two-step sign-in for the test admin; returns the secret and the recovery codes.
/// The confirming code is the previous time step's, so the current step is still unused.
async fn enrol_admin(db: &sea_orm::DatabaseConnection) -> (String, Vec<String>) {
    let admin =
        domain::auth::users::authenticate_password(db, "admin@harbourline.example", PASSWORD)
            .await
            .expect("admin");
    let now = Utc::now();
    let setup = domain::auth::two_factor::begin(db, admin.id, "Harbourline", now)
        .await
        .expect("begin");
    let code =
        domain::auth::two_factor::code_at(&setup.secret, now - chrono::Duration::seconds(30))
            .expect("code");
    let codes = domain::auth::two_factor::confirm(db, &Actor::Cli, admin.id, &code, None, now)
        .await
        .expect("confirm");
    (setup.secret, codes)
}

fn code_request(token: &str, code: &str) -> Request<Body> {
    post_form(
        "/auth/two-factor",
        Some(token),
        format!(
            "code={}&next=%2Fen%2Fadmin&locale=en",
            code.replace(' ', "+")
        ),
    )
}

// The server runs on the multi-threaded runtime; so do these tests.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_step_sign_in_asks_for_a_code_and_each_code_works_once() {
    let t = app_with("100").await;
    let (secret, recovery) = enrol_admin(&t.db).await;

    // The password alone leads to the code page with a pending sign-in, not a session.
    let (status, h, _) = send(
        &t.app,
        sign_in_request("admin@harbourline.example", PASSWORD, None),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&h), "/en/sign-in/code?next=%2Fen%2Fadmin");
    let pending = session_cookie(&h).expect("pending sign-in cookie");
    let cookie_line = h
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(cookie_line.contains("Max-Age=300"), "{cookie_line}");
    let (status, _, _) = send(&t.app, get_as("/en/admin", Some(&pending))).await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "a pending sign-in is not signed in"
    );
    let (status, _, page) = send(
        &t.app,
        get_as("/en/sign-in/code?next=%2Fen%2Fadmin", Some(&pending)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("action=\"/auth/two-factor\""), "{page}");
    assert!(page.contains("autocomplete=\"one-time-code\""));

    // A wrong code goes back with the reason and keeps the pending sign-in.
    let (status, h, _) = send(&t.app, code_request(&pending, "000000")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location(&h),
        "/en/sign-in/code?error=bad_code&next=%2Fen%2Fadmin"
    );
    // The right code: a new session, and the panel opens.
    let code = domain::auth::two_factor::code_at(&secret, Utc::now()).expect("code");
    let (status, h, _) = send(&t.app, code_request(&pending, &code)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&h), "/en/admin");
    let session = session_cookie(&h).expect("session");
    assert_ne!(session, pending);
    let (status, _, _) = send(&t.app, get_as("/en/admin", Some(&session))).await;
    assert_eq!(status, StatusCode::OK);
    // The pending sign-in is gone: its cookie does nothing more.
    let (_, h, _) = send(&t.app, code_request(&pending, &code)).await;
    assert_eq!(
        location(&h),
        "/en/sign-in?error=code_expired&next=%2Fen%2Fadmin"
    );

    // The same code does not sign in twice; a recovery code does, once.
    let (_, h, _) = send(
        &t.app,
        sign_in_request("admin@harbourline.example", PASSWORD, None),
    )
    .await;
    let again = session_cookie(&h).expect("pending sign-in");
    let (_, h, _) = send(&t.app, code_request(&again, &code)).await;
    assert!(location(&h).contains("error=bad_code"), "{}", location(&h));
    let (_, h, _) = send(&t.app, code_request(&again, &recovery[0])).await;
    assert_eq!(location(&h), "/en/admin");

    // Five wrong codes end the pending sign-in: back to the password.
    let (_, h, _) = send(
        &t.app,
        sign_in_request("admin@harbourline.example", PASSWORD, None),
    )
    .await;
    let guessing = session_cookie(&h).expect("pending sign-in");
    let mut last = String::new();
    for _ in 0..domain::auth::sessions::MAX_FACTOR_FAILURES {
        let (_, h, _) = send(&t.app, code_request(&guessing, "123456")).await;
        last = location(&h);
    }
    assert_eq!(last, "/en/sign-in?error=too_many_codes&next=%2Fen%2Fadmin");
    let events = domain::auth::audit::recent(&t.db, 30).await.expect("audit");
    assert!(events.iter().any(|e| e.action == "sign_in.code_asked"));
    assert!(
        events
            .iter()
            .any(|e| e.action == "sign_in" && e.detail.contains("recovery_code"))
    );
    assert!(
        events
            .iter()
            .all(|e| !e.detail.contains(&recovery[0]) && !e.detail.contains(&code))
    );
}

// The server runs on the multi-threaded runtime; so do these tests.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sensitive_actions_ask_for_a_recent_proof_of_identity() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    let t = app_with("100").await;
    let (_, h, _) = send(
        &t.app,
        sign_in_request("admin@harbourline.example", PASSWORD, None),
    )
    .await;
    let token = session_cookie(&h).expect("session");
    let csrf = domain::entities::session::Entity::find()
        .filter(
            domain::entities::session::Column::TokenHash
                .eq(domain::auth::secret::hash_secret(&token)),
        )
        .one(&t.db)
        .await
        .expect("query")
        .expect("session row")
        .csrf_token;
    let create = |token: &str, csrf: &str| {
        post_form(
            "/sf/act/admin_create_api_client",
            Some(token),
            format!("csrf={csrf}&name=ERP+link&scopes[0]=catalog:read"),
        )
    };
    // Signed in a quarter of an hour ago.
    domain::entities::session::Entity::update_many()
        .col_expr(
            domain::entities::session::Column::AuthenticatedAt,
            Expr::value(Utc::now() - chrono::Duration::minutes(15)),
        )
        .exec(&t.db)
        .await
        .expect("age the session");
    let (status, _, body) = send(&t.app, create(&token, &csrf)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body.contains("RecentAuthRequired"), "{body}");
    assert_eq!(
        domain::auth::api_clients::list(&t.db)
            .await
            .expect("list")
            .len(),
        0,
        "nothing created"
    );

    // The confirm-identity page: a wrong password goes back, the right one returns to `next`.
    let (status, _, page) = send(
        &t.app,
        get_as(
            "/en/confirm-identity?next=%2Fen%2Fadmin%2Fapi-clients",
            Some(&token),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("action=\"/auth/confirm\""), "{page}");
    let confirm = |password: &str, csrf: &str| {
        post_form(
            "/auth/confirm",
            Some(&token),
            format!(
                "csrf={csrf}&password={}&code=&next=%2Fen%2Fadmin%2Fapi-clients&locale=en",
                password.replace(' ', "+")
            ),
        )
    };
    let (status, _, _) = send(&t.app, confirm(PASSWORD, "not-the-token")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, h, _) = send(&t.app, confirm("a wrong passphrase", &csrf)).await;
    assert_eq!(
        location(&h),
        "/en/confirm-identity?error=wrong&next=%2Fen%2Fadmin%2Fapi-clients"
    );
    let (_, h, _) = send(&t.app, confirm(PASSWORD, &csrf)).await;
    assert_eq!(location(&h), "/en/admin/api-clients");
    let (status, _, body) = send(&t.app, create(&token, &csrf)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("client_secret"), "{body}");
    let events = domain::auth::audit::recent(&t.db, 10).await.expect("audit");
    assert!(events.iter().any(|e| e.action == "identity.confirm_failed"));
    assert!(events.iter().any(|e| e.action == "identity.confirmed"));
}

// The server runs on the multi-threaded runtime; so do these tests.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_set_up_two_step_sign_in_first_when_the_site_requires_it() {
    let t = app_with_env("100", &[("PORTFRONT_REQUIRE_STAFF_2FA", "1")]).await;
    let (_, h, _) = send(
        &t.app,
        sign_in_request("admin@harbourline.example", PASSWORD, None),
    )
    .await;
    let token = session_cookie(&h).expect("session");
    let (status, h, _) = send(&t.app, get_as("/en/admin/users", Some(&token))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&h), "/en/account?two_factor=required#two-factor");
    // The panel's server functions refuse too (before anything else is looked at).
    let req = post_form(
        "/sf/act/admin_end_sessions",
        Some(&token),
        "csrf=x&user_id=00000000-0000-0000-0000-000000000000".into(),
    );
    let (status, _, body) = send(&t.app, req).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("TwoFactorRequired"), "{body}");
    let (status, _, page) = send(
        &t.app,
        get_as("/en/account?two_factor=required", Some(&token)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("requires two-step sign-in for staff"),
        "{page}"
    );

    // With it on, the panel opens (after the code step).
    let (secret, _) = enrol_admin(&t.db).await;
    let (_, h, _) = send(
        &t.app,
        sign_in_request("admin@harbourline.example", PASSWORD, None),
    )
    .await;
    let pending = session_cookie(&h).expect("pending");
    let code = domain::auth::two_factor::code_at(&secret, Utc::now()).expect("code");
    let (_, h, _) = send(&t.app, code_request(&pending, &code)).await;
    let session = session_cookie(&h).expect("session");
    let (status, _, _) = send(&t.app, get_as("/en/admin/users", Some(&session))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        Config::from_lookup(|k| (k == "PORTFRONT_REQUIRE_STAFF_2FA").then(|| "maybe".to_owned()))
            .is_err()
    );
}

// The server runs on the multi-threaded runtime; so do these tests.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_see_their_sessions_and_end_the_others() {
    let t = app_with("100").await;
    let mut tokens = Vec::new();
    for _ in 0..3 {
        let (_, h, _) = send(
            &t.app,
            sign_in_request("admin@harbourline.example", PASSWORD, None),
        )
        .await;
        tokens.push(session_cookie(&h).expect("session"));
    }
    let (status, _, page) = send(&t.app, get_as("/en/account", Some(&tokens[0]))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        page.matches("action=\"/auth/sessions/end\"").count(),
        3,
        "two rows and 'everywhere else'"
    );
    assert!(page.contains("This browser"));
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("csrf field")
        .to_owned();
    // Someone else's id or this session's own: nothing ends.
    let (_, h, _) = send(
        &t.app,
        post_form(
            "/auth/sessions/end",
            Some(&tokens[0]),
            format!("csrf={csrf}&session=00000000-0000-0000-0000-000000000000&locale=en"),
        ),
    )
    .await;
    assert_eq!(location(&h), "/en/account?sessions_ended=0#sessions");
    let (status, _, _) = send(
        &t.app,
        post_form(
            "/auth/sessions/end",
            Some(&tokens[0]),
            "csrf=wrong&session=others&locale=en".into(),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, h, _) = send(
        &t.app,
        post_form(
            "/auth/sessions/end",
            Some(&tokens[0]),
            format!("csrf={csrf}&session=others&locale=en"),
        ),
    )
    .await;
    assert_eq!(location(&h), "/en/account?sessions_ended=2#sessions");
    for other in &tokens[1..] {
        let (status, _, _) = send(&t.app, get_as("/en/admin", Some(other))).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "ended");
    }
    let (status, _, page) = send(
        &t.app,
        get_as("/en/account?sessions_ended=2", Some(&tokens[0])),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Sessions ended: 2."));
    let events = domain::auth::audit::recent(&t.db, 10).await.expect("audit");
    assert!(
        events
            .iter()
            .any(|e| e.action == "session.end" && e.detail.contains("\"ended\":2"))
    );
}
