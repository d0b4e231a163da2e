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
    let serial = crate::common::serial().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let db_url = format!("sqlite://{}/accounts.db?mode=rwc", dir.path().display());
    let data_dir = dir.path().display().to_string();
    let rate = rate.to_owned();
    let config = Config::from_lookup(|k| match k {
        "DATABASE_URL" => Some(db_url.clone()),
        "PORTFRONT_DEMO" => Some("1".into()),
        "PORTFRONT_DATA_DIR" => Some(data_dir.clone()),
        "PORTFRONT_BASE_URL" => Some(BASE.into()),
        "PORTFRONT_RATE_LIMIT_PER_MINUTE" => Some(rate.clone()),
        _ => None,
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
    for _ in 0..3 {
        let (status, _, _) = send(
            &t.app,
            sign_in_request("admin@harbourline.example", "nope nope nope", None),
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
        .header(header::COOKIE, "__Secure-pf_oidc=state-1")
        .body(Body::empty())
        .expect("request");
    let (_, h, _) = send(&t.app, replay).await;
    assert_eq!(location(&h), "/en/sign-in?error=oidc_state");
    assert!(
        h.get_all(header::SET_COOKIE).iter().any(|c| c
            .to_str()
            .is_ok_and(|c| c.starts_with("__Secure-pf_oidc=;"))),
        "the binding cookie is cleared"
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
