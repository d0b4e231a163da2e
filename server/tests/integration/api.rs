//! The machine API in-process: client credentials at /oauth/token, bearer tokens and scopes on
//! /api/v1, problem+json errors, the rate limit and the OpenAPI description.

use axum::Router;
use axum::body::Body;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use domain::auth::api_clients;
use domain::auth::token::AccessClaims;
use http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use server::config::Config;
use tower::ServiceExt;

const BASE: &str = "https://shop.example.com";

struct TestApi {
    _serial: crate::common::Serial,
    app: Router,
    config: Config,
    db: sea_orm::DatabaseConnection,
    _dir: tempfile::TempDir,
}

async fn api_with(rate_per_minute: &str) -> TestApi {
    let serial = crate::common::serial().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let db_url = format!("sqlite://{}/api.db?mode=rwc", dir.path().display());
    let data_dir = dir.path().display().to_string();
    let rate = rate_per_minute.to_owned();
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
    let app = server::startup::router(&config, db.clone()).expect("router builds");
    TestApi {
        app,
        config,
        db,
        _dir: dir,
        _serial: serial,
    }
}

async fn api() -> TestApi {
    api_with("1000").await
}

async fn send(app: &Router, req: Request<Body>) -> (StatusCode, http::HeaderMap, Value) {
    let res = app.clone().oneshot(req).await.expect("response");
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.expect("body").to_bytes();
    let json = serde_json::from_slice(&body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()));
    (status, headers, json)
}

fn basic(id: &str, secret: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
}

fn token_request(auth: Option<&str>, body: &str) -> Request<Body> {
    let mut req = Request::post("/oauth/token")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(a) = auth {
        req = req.header(header::AUTHORIZATION, a);
    }
    req.body(Body::from(body.to_owned())).expect("request")
}

fn bearer_get(uri: &str, token: &str) -> Request<Body> {
    Request::get(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .expect("request")
}

async fn client(t: &TestApi, scopes: &str) -> (String, String) {
    let c = api_clients::create(&t.db, "Test platform", scopes, chrono::Utc::now())
        .await
        .expect("client created");
    (c.info.client_id, c.client_secret.to_string())
}

async fn token_for(t: &TestApi, id: &str, secret: &str, scope: &str) -> String {
    let body = if scope.is_empty() {
        "grant_type=client_credentials".to_owned()
    } else {
        format!(
            "grant_type=client_credentials&scope={}",
            scope.replace(' ', "+")
        )
    };
    let (status, headers, json) =
        send(&t.app, token_request(Some(&basic(id, secret)), &body)).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(json["token_type"], "Bearer");
    json["access_token"].as_str().expect("token").to_owned()
}

fn assert_problem(headers: &http::HeaderMap, json: &Value, needle: &str) {
    assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
    let detail = json["detail"].as_str().expect("detail");
    assert!(
        detail.contains(needle),
        "detail {detail:?} should mention {needle:?}"
    );
}

#[tokio::test]
async fn a_client_gets_a_token_and_reads_the_catalog() {
    let t = api().await;
    let (id, secret) = client(&t, "catalog:read eco:read").await;
    let (status, _, json) = send(
        &t.app,
        token_request(
            Some(&basic(&id, &secret)),
            "grant_type=client_credentials&scope=catalog%3Aread",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["scope"], "catalog:read");
    assert_eq!(json["expires_in"], 600);
    let token = json["access_token"].as_str().unwrap();

    let (status, _, page) = send(
        &t.app,
        bearer_get("/api/v1/products?per_page=10&lang=ja", token),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["per_page"], 10);
    assert_eq!(page["page"], 1);
    let total = page["total"].as_u64().unwrap();
    assert!(total >= 30, "the demo catalog is listed");
    assert_eq!(page["page_count"].as_u64().unwrap(), total.div_ceil(10));
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 10);
    let first = &items[0];
    assert!(
        first["url"]
            .as_str()
            .unwrap()
            .starts_with("https://shop.example.com/ja/products/")
    );
    assert!(first["hs_code"].as_str().unwrap().len() >= 6);

    let last_page = total.div_ceil(10);
    let (status, _, page) = send(
        &t.app,
        bearer_get(
            &format!("/api/v1/products?per_page=10&page={last_page}"),
            token,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        page["items"].as_array().unwrap().len() as u64,
        total - (last_page - 1) * 10
    );

    let (status, _, page) = send(
        &t.app,
        bearer_get("/api/v1/products?origin=VN&q=oak", token),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let items = page["items"].as_array().unwrap();
    assert!(
        !items.is_empty(),
        "the demo catalog has Vietnamese oak furniture: {page}"
    );
    for item in items {
        assert_eq!(item["country_of_origin"], "VN");
        assert!(
            item["name"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("oak"),
            "{item}"
        );
    }
    // The filter narrows: other origins exist in the same catalog.
    let (_, _, all) = send(&t.app, bearer_get("/api/v1/products?per_page=100", token)).await;
    assert!(
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["country_of_origin"] != "VN")
    );
}

#[tokio::test]
async fn a_token_allows_only_what_its_client_still_holds() {
    use sea_orm::{ConnectionTrait, Statement};
    let t = api().await;
    let (id, secret) = client(&t, "catalog:read eco:read").await;
    let token = token_for(&t, &id, &secret, "catalog:read eco:read").await;
    let (status, _, _) = send(&t.app, bearer_get("/api/v1/products", &token)).await;
    assert_eq!(status, StatusCode::OK);
    // The exporter takes catalog:read away from the client: the unexpired token loses it too.
    t.db.execute_raw(Statement::from_sql_and_values(
        t.db.get_database_backend(),
        "UPDATE api_clients SET scopes = 'eco:read' WHERE client_id = ?",
        [id.clone().into()],
    ))
    .await
    .expect("scopes changed");
    let (status, headers, json) = send(&t.app, bearer_get("/api/v1/products", &token)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{json}");
    assert_eq!(json["error"], "insufficient_scope");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
}

#[tokio::test]
async fn a_signed_token_of_another_type_is_401() {
    let t = api().await;
    let (id, _) = client(&t, "catalog:read").await;
    let authority = server::startup::token_authority(&t.config).unwrap();
    let now = chrono::Utc::now().timestamp();
    let claims = AccessClaims {
        iss: BASE.into(),
        sub: id.clone(),
        aud: format!("{BASE}/api/v1"),
        client_id: id,
        scope: "catalog:read".into(),
        iat: now,
        exp: now + 600,
        jti: "other-type".into(),
    };
    let token = authority.sign_typed(&claims, Some("JWT"));
    let (status, headers, json) = send(&t.app, bearer_get("/api/v1/products", &token)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_problem(&headers, &json, "at+jwt");
}

#[tokio::test]
async fn wrong_or_missing_client_credentials_are_401() {
    let t = api().await;
    let (id, _secret) = client(&t, "catalog:read").await;
    let body = "grant_type=client_credentials";
    let (status, headers, json) =
        send(&t.app, token_request(Some(&basic(&id, "pfs_wrong")), body)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(json["error"], "invalid_client");
    assert!(
        headers[header::WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .starts_with("Basic")
    );
    assert_problem(&headers, &json, "client id or client secret is wrong");

    let (status, _, json) = send(
        &t.app,
        token_request(Some(&basic("pfc_nobody", "pfs_x")), body),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(json["error"], "invalid_client");

    let (status, headers, json) = send(&t.app, token_request(None, body)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_problem(&headers, &json, "HTTP Basic");

    let (status, _, json) = send(
        &t.app,
        token_request(None, &format!("{body}&client_id={id}&client_secret=x")),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        json["detail"]
            .as_str()
            .unwrap()
            .contains("form body are not accepted")
    );
}

#[tokio::test]
async fn unknown_or_unallowed_scopes_and_grants_are_400() {
    let t = api().await;
    let (id, secret) = client(&t, "catalog:read").await;
    let auth = basic(&id, &secret);
    let (status, headers, json) = send(
        &t.app,
        token_request(
            Some(&auth),
            "grant_type=client_credentials&scope=catalog%3Awrite",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json["error"], "invalid_scope");
    assert_problem(&headers, &json, "catalog:write");

    let (status, _, json) = send(
        &t.app,
        token_request(
            Some(&auth),
            "grant_type=client_credentials&scope=orders%3Aexport",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json["error"], "invalid_scope");
    assert!(json["detail"].as_str().unwrap().contains("may not request"));

    let (status, _, json) = send(&t.app, token_request(Some(&auth), "grant_type=password")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json["error"], "unsupported_grant_type");

    let (status, _, json) = send(&t.app, token_request(Some(&auth), "")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json["error"], "invalid_request");
}

#[tokio::test]
async fn missing_expired_forged_and_foreign_tokens_are_401() {
    let t = api().await;
    let (status, headers, json) = send(
        &t.app,
        Request::get("/api/v1/products")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        headers[header::WWW_AUTHENTICATE],
        "Bearer realm=\"portfront\""
    );
    assert_problem(&headers, &json, "/oauth/token");

    let (id, secret) = client(&t, "catalog:read").await;
    let good = token_for(&t, &id, &secret, "").await;
    let authority = server::startup::token_authority(&t.config).unwrap();
    let now = chrono::Utc::now().timestamp();
    let expired = authority.sign(&AccessClaims {
        iss: BASE.into(),
        sub: id.clone(),
        aud: format!("{BASE}/api/v1"),
        client_id: id.clone(),
        scope: "catalog:read".into(),
        iat: now - 1200,
        exp: now - 600,
        jti: "expired".into(),
    });
    let (status, headers, json) = send(&t.app, bearer_get("/api/v1/products", &expired)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(json["error"], "invalid_token");
    assert!(
        headers[header::WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .contains("invalid_token")
    );
    assert_problem(&headers, &json, "expired");

    // Same claims, signature of another key.
    let foreign = domain::auth::token::TokenAuthority::new(&[1u8; 32], BASE, 600).issue(
        &id,
        &domain::auth::ScopeSet::parse("catalog:read").unwrap(),
        now,
    );
    let (status, _, json) = send(&t.app, bearer_get("/api/v1/products", &foreign)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(json["detail"].as_str().unwrap().contains("signature"));

    // A flipped character in the signature.
    let mut forged = good.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == 'A' { 'B' } else { 'A' });
    let (status, _, _) = send(&t.app, bearer_get("/api/v1/products", &forged)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (status, _, _) = send(&t.app, bearer_get("/api/v1/products", "not-a-token")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Revoking the client stops its live tokens at once.
    let (status, _, _) = send(&t.app, bearer_get("/api/v1/products", &good)).await;
    assert_eq!(status, StatusCode::OK);
    api_clients::revoke(&t.db, &id, chrono::Utc::now())
        .await
        .unwrap();
    let (status, _, json) = send(&t.app, bearer_get("/api/v1/products", &good)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(json["detail"].as_str().unwrap().contains("revoked"));
    let (status, _, json) = send(
        &t.app,
        token_request(Some(&basic(&id, &secret)), "grant_type=client_credentials"),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(json["detail"].as_str().unwrap().contains("revoked"));
}

#[tokio::test]
async fn a_token_without_the_scope_is_403() {
    let t = api().await;
    let (id, secret) = client(&t, "eco:read").await;
    let token = token_for(&t, &id, &secret, "eco:read").await;
    let (status, headers, json) = send(&t.app, bearer_get("/api/v1/products", &token)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(json["error"], "insufficient_scope");
    assert!(
        headers[header::WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .contains("scope=\"catalog:read\"")
    );
    assert_problem(&headers, &json, "catalog:read");
}

#[tokio::test]
async fn bad_list_parameters_are_400_with_a_reason() {
    let t = api().await;
    let (id, secret) = client(&t, "catalog:read").await;
    let token = token_for(&t, &id, &secret, "").await;
    for (query, needle) in [
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("page=0", "page"),
        ("page=abc", "page"),
        ("lang=xx", "lang must be one of"),
        ("origin=Vietnam", "two-letter"),
        // Exactly as the OpenAPI document declares them: no empty values, spaces or grouping.
        ("page=", "page"),
        ("per_page=%2010", "per_page"),
        ("page=1%2C000", "page"),
        ("page=01", "page"),
        ("lang=", "lang must be one of"),
        ("lang=JA", "lang must be one of"),
        ("origin=", "two-letter"),
        ("origin=%20VN", "two-letter"),
        ("category=", "category"),
        ("category=Furniture", "category"),
    ] {
        let (status, headers, json) = send(
            &t.app,
            bearer_get(&format!("/api/v1/products?{query}"), &token),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_problem(&headers, &json, needle);
    }
    let long = "x".repeat(101);
    let (status, _, _) = send(
        &t.app,
        bearer_get(&format!("/api/v1/products?q={long}"), &token),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn unknown_api_paths_are_problem_404s() {
    let t = api().await;
    let (status, headers, json) = send(
        &t.app,
        Request::get("/api/v1/nothing-here")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_problem(&headers, &json, "/api/v1/nothing-here");
}

#[tokio::test]
async fn the_token_endpoint_is_rate_limited_with_retry_after() {
    let t = api_with("3").await;
    let req = || {
        token_request(
            Some(&basic("pfc_x", "pfs_y")),
            "grant_type=client_credentials",
        )
    };
    for _ in 0..3 {
        assert_eq!(send(&t.app, req()).await.0, StatusCode::UNAUTHORIZED);
    }
    let (status, headers, json) = send(&t.app, req()).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=20).contains(&retry), "{retry}");
    assert_problem(&headers, &json, "try again in");
}

#[tokio::test]
async fn the_openapi_description_lists_the_endpoints_and_scopes() {
    let t = api().await;
    let (status, headers, spec) = send(
        &t.app,
        Request::get("/api/v1/openapi.json")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
    assert!(spec["paths"]["/api/v1/products"]["get"].is_object());
    assert!(spec["paths"]["/oauth/token"]["post"].is_object());
    assert_eq!(spec["servers"][0]["url"], BASE);
    let flows = &spec["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"];
    assert_eq!(flows["tokenUrl"], "/oauth/token");
    for scope in [
        "catalog:read",
        "eco:read",
        "orders:read",
        "orders:export",
        "shipments:read",
    ] {
        assert!(flows["scopes"][scope].is_string(), "{scope}");
    }
}

#[tokio::test]
async fn the_cli_creates_a_client_whose_secret_works_once_shown() {
    let t = api().await;
    let out = server::cli::create_api_client(&t.config, "  ERP connector ", "catalog:read")
        .await
        .unwrap();
    assert_eq!(out.name, "ERP connector");
    assert_eq!(out.scope, "catalog:read");
    let token = token_for(&t, &out.client_id, &out.client_secret, "").await;
    assert_eq!(
        send(&t.app, bearer_get("/api/v1/products", &token)).await.0,
        StatusCode::OK
    );
    let stored = domain::auth::api_clients::list(&t.db).await.unwrap();
    let json = serde_json::to_string(&stored).unwrap();
    assert!(
        !json.contains(&out.client_secret),
        "the secret is never stored or listed"
    );
    let err = server::cli::create_api_client(&t.config, "x", "catalog:write")
        .await
        .unwrap_err();
    assert!(format!("{err:#}").contains("catalog:write"));
    let err = server::cli::create_api_client(&t.config, " ", "catalog:read")
        .await
        .unwrap_err();
    assert!(format!("{err:#}").contains("give the client a name"));
}

#[tokio::test]
async fn a_refused_client_id_is_logged_only_as_a_fingerprint() {
    let t = api().await;
    let (logs, _guard) = crate::common::CapturedLogs::start();
    // Someone pastes the secret into the id field.
    let pasted = "pfs_Zm9vYmFyLXRoZS1zZWNyZXQtdmFsdWU";
    let (status, _, _) = send(
        &t.app,
        token_request(
            Some(&basic(pasted, "whatever")),
            "grant_type=client_credentials",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let text = logs.text();
    assert!(
        text.contains("token request refused"),
        "the refusal is logged: {text}"
    );
    assert!(
        text.contains(&domain::auth::secret::fingerprint(pasted)),
        "{text}"
    );
    assert!(
        !text.contains(pasted),
        "the pasted value is not in the log: {text}"
    );
    assert!(!text.contains("Zm9vYmFy"), "{text}");
}

/// An order made the way a buyer and staff make one: RFQ, quote, acceptance.
async fn an_order(t: &TestApi) -> String {
    use domain::trade::forms::{QuoteForm, QuoteLineForm, RfqForm, RfqLineForm};
    use domain::trade::quote::QuoteStep;
    use domain::trade::store::{self, Caller, StepInput};
    let now = chrono::Utc::now();
    let (buyer, _) = domain::auth::people::sign_in_with_identity(
        &t.db,
        &domain::auth::people::VerifiedIdentity {
            provider: "local".into(),
            subject: "sub-api".into(),
            email: Some("ana@sakura.example".into()),
            email_verified: true,
            trusted_email: true,
            name: None,
        },
        None,
        now,
    )
    .await
    .expect("buyer");
    let company = domain::auth::companies::onboard(
        &t.db,
        buyer.id,
        &domain::views::CompanyForm {
            name: "Sakura Trading KK".into(),
            country: "JP".into(),
            address: "1-2-3 Marunouchi, Tokyo".into(),
            registration_id: "T1234567890123".into(),
            contact_phone: String::new(),
        },
        None,
        now,
    )
    .await
    .expect("company");
    let staff = domain::auth::users::create_staff(
        &t.db,
        "sales@harbourline.example",
        "Sales",
        domain::auth::role::Role::Staff,
        "long enough password",
        &domain::auth::audit::Actor::Cli,
        now,
    )
    .await
    .expect("staff");
    let buyer = Caller::buyer(
        buyer.id,
        "ana@sakura.example",
        uuid::Uuid::parse_str(&company.id).expect("company id"),
    );
    let staff = Caller::staff(staff.id, "sales@harbourline.example");
    let rfq = RfqForm {
        incoterm: "CIF".into(),
        named_place: "Yokohama".into(),
        destination_port: "JPYOK".into(),
        currency: "USD".into(),
        lines: vec![RfqLineForm {
            description: "Teak bench, 180 cm".into(),
            quantity: "20".into(),
            unit: "PCE".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let rfq_number = store::submit_rfq(&t.db, &buyer, &rfq, now)
        .await
        .expect("rfq");
    let quote = QuoteForm {
        currency: "USD".into(),
        incoterm: "CIF".into(),
        named_place: "Yokohama".into(),
        freight: "640".into(),
        insurance: "35.20".into(),
        payment_terms: "Net 30".into(),
        valid_until: (now + chrono::Duration::days(14)).date_naive().to_string(),
        internal_notes: "never shown to buyers".into(),
        lines: vec![QuoteLineForm {
            key: 1,
            description: "Teak bench, 180 cm".into(),
            quantity: "20".into(),
            unit: "PCE".into(),
            unit_price: "212.5".into(),
            lead_time_days: "45".into(),
            ..Default::default()
        }],
    };
    let quote_number = store::save_quote(&t.db, &staff, &rfq_number, &quote, now)
        .await
        .expect("quote");
    store::quote_step(
        &t.db,
        &staff,
        &quote_number,
        QuoteStep::Send,
        StepInput::default(),
        now,
    )
    .await
    .expect("sent");
    store::quote_step(
        &t.db,
        &buyer,
        &quote_number,
        QuoteStep::Accept,
        StepInput::default(),
        now,
    )
    .await
    .expect("accepted")
    .1
    .expect("order number")
}

#[tokio::test]
async fn orders_are_listed_and_read_with_orders_read() {
    let t = api().await;
    let number = an_order(&t).await;
    let (id, secret) = client(&t, "orders:read catalog:read").await;
    let token = token_for(&t, &id, &secret, "orders:read").await;

    // The demo orders are there too (changed a day ago or earlier); ours is the newest.
    let (status, _, page) = send(&t.app, bearer_get("/api/v1/orders", &token)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page["total"].as_u64().is_some_and(|n| n > 1), "{page}");
    assert_eq!(page["items"][0]["number"], number.as_str());
    assert_eq!(page["items"][0]["status"], "confirmed");
    let (_, _, none) = send(
        &t.app,
        bearer_get("/api/v1/orders?status=delivered", &token),
    )
    .await;
    assert_eq!(none["total"], 0);
    let (_, _, since) = send(
        &t.app,
        bearer_get(
            &format!(
                "/api/v1/orders?updated_since={}&per_page=1",
                (chrono::Utc::now() - chrono::Duration::hours(1))
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ),
            &token,
        ),
    )
    .await;
    assert_eq!(
        (since["total"].as_u64(), since["per_page"].as_u64()),
        (Some(1), Some(1))
    );

    let (status, _, o) = send(
        &t.app,
        bearer_get(&format!("/api/v1/orders/{number}"), &token),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{o}");
    assert_eq!(o["company"]["name"], "Sakura Trading KK");
    assert_eq!(o["incoterm"], "CIF");
    assert_eq!(o["ship_to_port"], "JPYOK");
    assert_eq!(o["lines"][0]["line_total"], "4250.00");
    assert_eq!(o["total"], "4925.20");
    assert_eq!(o["history"][0]["to"], "confirmed");
    assert_eq!(o["history"][0]["party"], "buyer");
    assert!(o["eco"].is_null());
    assert_eq!(o["shipment_references"], serde_json::json!([]));
    assert!(!o.to_string().contains("never shown to buyers"));

    let (status, headers, json) =
        send(&t.app, bearer_get("/api/v1/orders/ORD-2026-99999", &token)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_problem(&headers, &json, "ORD-2026-99999");
    for (query, needle) in [
        ("status=shipped", "status must be one of"),
        ("updated_since=yesterday", "RFC 3339"),
        ("updated_since=2026-12-01", "RFC 3339"),
        ("per_page=0", "per_page"),
        ("page=abc", "page"),
    ] {
        let (status, headers, json) = send(
            &t.app,
            bearer_get(&format!("/api/v1/orders?{query}"), &token),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_problem(&headers, &json, needle);
    }
    let catalog_only = token_for(&t, &id, &secret, "catalog:read").await;
    let (status, _, json) = send(&t.app, bearer_get("/api/v1/orders", &catalog_only)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(json["error"], "insufficient_scope");
    let (_, _, spec) = send(
        &t.app,
        Request::get("/api/v1/openapi.json")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert!(spec["paths"]["/api/v1/orders/{number}"]["get"].is_object());
}
