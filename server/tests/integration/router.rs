//! The whole router in-process (`tower::ServiceExt::oneshot`) on a seeded SQLite database:
//! status codes, redirects, headers, 404 and 400 pages, machine-facing files.

use axum::Router;
use axum::body::Body;
use http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use server::config::Config;
use tower::ServiceExt;

/// What keeps a test app's files and its turn alive.
struct Held {
    _dir: tempfile::TempDir,
    _serial: crate::common::Serial,
    db: sea_orm::DatabaseConnection,
}

async fn app() -> (Router, Held) {
    let serial = crate::common::serial().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let db_url = format!("sqlite://{}/router.db?mode=rwc", dir.path().display());
    let data_dir = dir.path().display().to_string();
    let config = Config::from_lookup(|k| match k {
        "DATABASE_URL" => Some(db_url.clone()),
        "PORTFRONT_DEMO" => Some("1".into()),
        "PORTFRONT_DATA_DIR" => Some(data_dir.clone()),
        "PORTFRONT_BASE_URL" => Some("https://shop.example.com".into()),
        "PORTFRONT_SITE_NAME" => Some("Harbourline Industrial".into()),
        "PORTFRONT_MAX_BODY_BYTES" => Some("4096".into()),
        _ => None,
    })
    .expect("valid test configuration");
    let db = server::startup::prepare_database(&config)
        .await
        .expect("database ready");
    (
        server::startup::router(&config, db.clone()).expect("router builds"),
        Held {
            _dir: dir,
            _serial: serial,
            db,
        },
    )
}

async fn get(app: &Router, uri: &str) -> (StatusCode, http::HeaderMap, String) {
    get_with(app, Request::get(uri).body(Body::empty()).expect("request")).await
}

async fn get_with(app: &Router, req: Request<Body>) -> (StatusCode, http::HeaderMap, String) {
    let res = app.clone().oneshot(req).await.expect("response");
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.expect("body").to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

/// The status line and headers the app sends for a raw HTTP/1.1 request line, through hyper
/// as in production (lower-cased header names).
async fn raw_request_head(app: &Router, target: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let served = app
        .clone()
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    let server = tokio::spawn(async move { axum::serve(listener, served).await });
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let request = format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.expect("read");
    server.abort();
    let text = String::from_utf8_lossy(&response).into_owned();
    text.split("\r\n\r\n")
        .next()
        .unwrap_or_default()
        .replace("\r\n", "\n")
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let (app, _dir) = app().await;
    assert_eq!(get(&app, "/healthz").await.0, StatusCode::OK);
    assert_eq!(get(&app, "/readyz").await.0, StatusCode::OK);
}

#[tokio::test]
async fn root_redirects_to_the_browser_language() {
    let (app, _dir) = app().await;
    let req = Request::get("/")
        .header(header::ACCEPT_LANGUAGE, "ko-KR,ko;q=0.9,en;q=0.8")
        .body(Body::empty())
        .unwrap();
    let (status, headers, _) = get_with(&app, req).await;
    assert!(status.is_redirection(), "{status}");
    assert_eq!(headers[header::LOCATION], "/ko");
    assert_eq!(headers[header::VARY], "Accept-Language");
}

#[tokio::test]
async fn product_page_is_server_rendered_with_seo_tags() {
    let (app, _dir) = app().await;
    let (status, headers, body) = get(&app, "/en/products/brushless-dc-motor-57mm-24v-105w").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(body.contains("<html lang=\"en\""), "html lang is set");
    assert!(body.contains("8501.31"), "HS code rendered");
    assert!(
        body.contains("Ningbo"),
        "port of loading named from the location master"
    );
    assert!(
        body.contains("application/ld+json"),
        "structured data rendered"
    );
    assert!(body.contains("\"lowPrice\":\"20.50\""));
    assert!(body.contains(r#"hreflang="x-default" href="https://shop.example.com/en/products/brushless-dc-motor-57mm-24v-105w""#));
    assert!(body.contains(r#"rel="canonical" href="https://shop.example.com/en/products/brushless-dc-motor-57mm-24v-105w""#));
    assert!(body.contains("USD 23.80"), "the MOQ is priced server-side");
}

#[tokio::test]
async fn quantity_in_the_url_is_priced_on_the_server() {
    let (app, _dir) = app().await;
    let (_, _, body) = get(
        &app,
        "/en/products/brushless-dc-motor-57mm-24v-105w?qty=1000",
    )
    .await;
    assert!(body.contains("USD 22,100.00"), "line total for 1000 pieces");
    let (_, _, body) = get(
        &app,
        "/en/products/brushless-dc-motor-57mm-24v-105w?qty=210",
    )
    .await;
    assert!(body.contains("try 200 or 220"), "increment message");
}

#[tokio::test]
async fn pages_carry_security_headers_and_a_csp_that_allows_the_loader_by_hash() {
    let (app, _dir) = app().await;
    let (_, headers, body) = get(&app, "/en/products/brushless-dc-motor-57mm-24v-105w").await;
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
    assert_eq!(
        headers[header::REFERRER_POLICY],
        "strict-origin-when-cross-origin"
    );
    assert!(
        headers.contains_key(header::STRICT_TRANSPORT_SECURITY),
        "HSTS behind https"
    );
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    let scripts = inline_scripts(&body);
    assert!(
        scripts.iter().any(|s| s.starts_with("const JS = ")),
        "the islands loader is on the page: {scripts:?}"
    );
    for script in &scripts {
        assert!(
            csp.contains(&format!("'sha256-{}'", app::csp::sha256_base64(script))),
            "every inline script of an anonymous page is allowed by its hash: {script}\n{csp}"
        );
    }
    assert!(
        !csp.contains("'nonce-") && !body.contains("nonce="),
        "nothing on the page needs a nonce, so none is sent"
    );
    assert!(csp.contains("frame-ancestors 'none'"));
}

/// The text of every executable inline `<script>` (data blocks such as JSON-LD excluded).
fn inline_scripts(body: &str) -> Vec<String> {
    body.split("<script")
        .skip(1)
        .filter_map(|rest| {
            let (tag, after) = rest.split_once('>')?;
            if tag.contains("src=")
                || tag.contains("application/ld+json")
                || tag.contains("application/json")
            {
                return None;
            }
            after
                .split_once("</script>")
                .map(|(text, _)| text.to_owned())
        })
        .collect()
}

#[tokio::test]
async fn unknown_things_are_404_pages() {
    let (app, _dir) = app().await;
    for uri in [
        "/en/products/no-such-product",
        "/en/categories/no-such-category",
        "/xx",
        "/en/x/y",
        "/no-such-page",
        "/EN",
    ] {
        let (status, _, body) = get(&app, uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(body.contains("404"), "{uri}: a real page");
    }
    let (_, _, body) = get(&app, "/ja/products/no-such-product").await;
    assert!(body.contains("ページが見つかりません"));
}

#[tokio::test]
async fn bad_listing_parameters_are_400_with_a_reason() {
    let (app, _dir) = app().await;
    let cases = [
        ("/en/products?page=0", "page number"),
        ("/en/products?page=abc", "page number"),
        ("/en/products?moq_min=ten", "minimum order quantity"),
        ("/en/products?moq_min=500&moq_max=100", "Swap"),
        ("/en/products?origin=CHINA", "two-letter"),
        ("/en/products?category=Not%20A%20Slug", "category"),
    ];
    for (uri, reason) in cases {
        let (status, _, body) = get(&app, uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(body.contains(reason), "{uri}: says {reason:?}");
    }
    let long = format!("/en/products?q={}", "a".repeat(101));
    assert_eq!(get(&app, &long).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(
        get(&app, "/en/products?page=99").await.0,
        StatusCode::NOT_FOUND,
        "beyond the last page"
    );
}

#[tokio::test]
async fn listing_and_category_pages_render() {
    let (app, _dir) = app().await;
    let (status, _, body) = get(&app, "/en/products?origin=VN").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("13 products"), "13 Vietnamese products");
    let (status, _, body) = get(&app, "/zh-Hans/categories/furniture").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("lang=\"zh-Hans\""));
}

#[tokio::test]
async fn sitemap_and_robots_use_the_public_origin() {
    let (app, _dir) = app().await;
    let (status, headers, xml) = get(&app, "/sitemap.xml").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("xml")
    );
    assert!(xml.contains(
        "<loc>https://shop.example.com/th/products/brushless-dc-motor-57mm-24v-105w</loc>"
    ));
    assert_eq!(xml.matches("<url>").count(), (36 + 5 + 2) * 8);
    let (_, _, robots) = get(&app, "/robots.txt").await;
    assert!(robots.contains("Sitemap: https://shop.example.com/sitemap.xml"));
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let (app, _dir) = app().await;
    let req = Request::post("/sf/get_home")
        .header(header::ORIGIN, "https://shop.example.com")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::CONTENT_LENGTH, "10000")
        .body(Body::from(vec![b'a'; 10_000]))
        .unwrap();
    let (status, _, _) = get_with(&app, req).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn responses_are_compressed_when_asked() {
    let (app, _dir) = app().await;
    let req = Request::get("/en/products")
        .header(header::ACCEPT_ENCODING, "br, gzip")
        .body(Body::empty())
        .unwrap();
    let (status, headers, _) = get_with(&app, req).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_ENCODING], "br");
}

#[tokio::test]
async fn an_unopenable_database_names_the_cause() {
    let config = Config::from_lookup(|k| match k {
        "DATABASE_URL" => Some("sqlite:///proc/forbidden/x.db?mode=rwc".into()),
        _ => None,
    })
    .unwrap();
    let err = server::startup::prepare_database(&config)
        .await
        .unwrap_err();
    let text = format!("{err:#}");
    assert!(text.contains("/proc/forbidden"), "{text}");
}

#[tokio::test]
async fn static_files_are_served_before_page_routes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let site = dir.path().join("site");
    std::fs::create_dir_all(site.join("images/products")).expect("site dirs");
    std::fs::create_dir_all(site.join("pkg")).expect("pkg dir");
    std::fs::write(site.join("images/products/motor.svg"), "<svg/>").expect("image");
    std::fs::write(
        site.join("pkg/portfront.EZmIpKiJfDT_jBROthoxQg.css"),
        "body{}",
    )
    .expect("css");
    let db_url = format!("sqlite://{}/s.db?mode=rwc", dir.path().display());
    let site_root = site.display().to_string();
    let data_dir = dir.path().display().to_string();
    let config = Config::from_lookup(|k| match k {
        "DATABASE_URL" => Some(db_url.clone()),
        "LEPTOS_SITE_ROOT" => Some(site_root.clone()),
        "PORTFRONT_DATA_DIR" => Some(data_dir.clone()),
        _ => None,
    })
    .expect("config");
    let db = server::startup::prepare_database(&config)
        .await
        .expect("db");
    let app = server::startup::router(&config, db).expect("router builds");
    let (status, headers, _) = get(&app, "/images/products/motor.svg").await;
    assert_eq!(status, StatusCode::OK, "an image path is not a locale");
    assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=86400");
    let (status, headers, _) = get(&app, "/pkg/portfront.EZmIpKiJfDT_jBROthoxQg.css").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(
        get(&app, "/images/products/none.svg").await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn trailing_slashes_redirect_to_the_canonical_path() {
    let (app, _dir) = app().await;
    let (status, headers, _) = get(&app, "/vi/").await;
    assert_eq!(status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(headers[header::LOCATION], "/vi");
    let (_, headers, _) = get(&app, "/en/products/?q=oak").await;
    assert_eq!(headers[header::LOCATION], "/en/products?q=oak");
    let (status, _, body) = get(&app, "/vi").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(r#"rel="canonical" href="https://shop.example.com/vi""#));
    assert!(body.contains(r#"hreflang="x-default" href="https://shop.example.com/en""#));
}

#[tokio::test]
async fn trailing_slash_redirects_never_leave_the_site() {
    let (app, _dir) = app().await;
    for (uri, location) in [
        ("//evil.example/", "/evil.example"),
        ("////evil.example/", "/evil.example"),
        ("//evil.example/en/", "/evil.example/en"),
        ("/%2F%2Fevil.example/", "/%2F%2Fevil.example"),
        ("/%5Cevil.example/", "/%5Cevil.example"),
        ("/%2f/evil.example/", "/%2f/evil.example"),
    ] {
        let (status, headers, _) = get(&app, uri).await;
        assert_eq!(status, StatusCode::PERMANENT_REDIRECT, "{uri}");
        assert_eq!(headers[header::LOCATION], location, "{uri}");
    }
    // Over a real socket, request targets the http crate refuses to build in a test request.
    for target in ["/\\evil.example/", "/\\/evil.example/", "//\\evil.example/"] {
        let head = raw_request_head(&app, target).await;
        let location = head
            .lines()
            .find_map(|l| l.strip_prefix("location: "))
            .map(str::to_owned);
        assert!(
            head.starts_with("HTTP/1.1 400") || location.as_deref() == Some("/evil.example"),
            "{target}: {head}"
        );
    }
    // Not a redirect at all: a protocol-relative path is an unknown page here.
    let (status, headers, _) = get(&app, "//evil.example").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(headers.get(header::LOCATION).is_none());
}

#[tokio::test]
async fn repeated_page_views_are_served_from_the_page_cache_ready_compressed() {
    let (app, _dir) = app().await;
    let path = "/ja/products/brushless-dc-motor-57mm-24v-105w";
    let (s1, h1, b1) = get(&app, path).await;
    let (s2, h2, b2) = get(&app, path).await;
    assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK));
    assert_eq!(b1, b2, "the stored page, as it was rendered");
    assert_eq!(
        h1[header::CONTENT_SECURITY_POLICY],
        h2[header::CONTENT_SECURITY_POLICY]
    );
    assert_eq!(h1[header::X_FRAME_OPTIONS], h2[header::X_FRAME_OPTIONS]);
    assert_eq!(h1[header::CONTENT_TYPE], h2[header::CONTENT_TYPE]);
    // Compressed once when stored: a browser gets the brotli body, which is the same page.
    let res = app
        .clone()
        .oneshot(
            Request::get(path)
                .header(header::ACCEPT_ENCODING, "gzip, deflate, br")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    assert_eq!(res.headers()[header::CONTENT_ENCODING], "br");
    assert_eq!(res.headers()[header::VARY], "accept-encoding");
    let compressed = res.into_body().collect().await.expect("body").to_bytes();
    assert!(
        compressed.len() * 3 < b1.len(),
        "{} vs {}",
        compressed.len(),
        b1.len()
    );
    let mut page = Vec::new();
    brotli::BrotliDecompress(&mut &compressed[..], &mut page).expect("brotli");
    assert_eq!(String::from_utf8(page).expect("utf-8"), b1);
    // Error pages are never stored: a 404 stays a 404.
    for _ in 0..2 {
        assert_eq!(
            get(&app, "/ja/products/no-such-product").await.0,
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_concurrent_page_renders_all_finish() {
    let (app, _dir) = app().await;
    // Distinct quantities: every request misses the page cache and renders.
    let renders = (0..200).map(|i| {
        let app = app.clone();
        tokio::spawn(async move {
            let uri = format!(
                "/en/products/brushless-dc-motor-57mm-24v-105w?qty={}",
                200 + 20 * i
            );
            get(&app, &uri).await.0
        })
    });
    let all = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        futures_util::future::join_all(renders),
    )
    .await
    .expect("every render finishes");
    assert_eq!(all.len(), 200);
    for status in all {
        assert_eq!(status.expect("render task"), StatusCode::OK);
    }
}

#[tokio::test]
async fn certificates_are_public_to_verify_and_private_to_download() {
    let (app, held) = app().await;
    // did:web, its keys, and the schema at the URL credentials name.
    let (status, headers, body) = get(&app, "/.well-known/did.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("json")
    );
    let did: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(did["id"], "did:web:shop.example.com");
    let (status, _, body) = get(&app, "/schemas/rcep-origin-credential/v1.json").await;
    assert_eq!(status, StatusCode::OK);
    let schema: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        schema["$id"],
        "https://shop.example.com/schemas/rcep-origin-credential/v1.json"
    );
    // The JSON-LD context of the RCEP terms, at the URL the credentials name second.
    let (status, headers, body) = get(&app, "/contexts/rcep-origin/v1.jsonld").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/ld+json");
    let context: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        context["@context"]["@vocab"],
        "https://shop.example.com/contexts/rcep-origin/v1.jsonld#"
    );

    // The status list, its entity tag, 304 on a match; another list number is a 404.
    let (status, headers, body) = get(&app, "/status/1").await;
    assert_eq!(status, StatusCode::OK);
    let list: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(list["credentialSubject"]["statusPurpose"], "revocation");
    let etag = headers[header::ETAG].to_str().unwrap().to_owned();
    assert!(
        headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    let (status, _, _) = get_with(
        &app,
        Request::get("/status/1")
            .header(header::IF_NONE_MATCH, &etag)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert_eq!(get(&app, "/status/2").await.0, StatusCode::NOT_FOUND);

    // The demo's certificates: the verify link by language, unknown numbers 404.
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let valid = domain::entities::certificate::Entity::find()
        .filter(domain::entities::certificate::Column::Status.eq("valid"))
        .one(&held.db)
        .await
        .unwrap()
        .expect("the demo issued a certificate");
    let number = valid.number;
    let (status, headers, _) = get_with(
        &app,
        Request::get(format!("/verify/{number}"))
            .header(header::ACCEPT_LANGUAGE, "ko-KR,ko;q=0.9")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        headers[header::LOCATION],
        format!("/ko/verify/{number}").as_str()
    );
    let (status, _, page) = get(&app, &format!("/ko/verify/{number}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("data-testid=\"check-integrity\""), "{page}");
    // The upload island reads its words from the page's texts file.
    assert!(
        page.contains("<leptos-island") && page.contains("id=\"pf-texts\""),
        "the verify page's island gets its texts"
    );
    assert!(
        !page.contains("fobValue") && !page.contains("USD"),
        "no prices on the public page"
    );
    assert_eq!(
        get(&app, "/verify/PF-DOO-1999-000001").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, "/en/verify/PF-DOO-1999-000001").await.0,
        StatusCode::NOT_FOUND
    );

    // Downloads need the order's party: signed out → sign in.
    let (status, headers, _) = get(&app, &format!("/eco/{number}/pdf")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        headers[header::LOCATION]
            .to_str()
            .unwrap()
            .contains("/sign-in?next=")
    );

    // The API: the VC needs eco:read; verification is public, and a body that is no
    // credential is a 400 naming the failed check; an oversized one is a 413.
    assert_eq!(
        get(&app, &format!("/api/v1/eco/{number}")).await.0,
        StatusCode::UNAUTHORIZED
    );
    let post = |body: Vec<u8>| {
        Request::post("/api/v1/eco/verify")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .unwrap()
    };
    let (status, headers, body) = get_with(&app, post(b"{\"@context\": [".to_vec())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
    let problem: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(problem["report"]["integrity"]["outcome"], "failed");
    assert_eq!(problem["report"]["valid"], false);
    let (status, _, body) = get_with(
        &app,
        post(b"{\"type\": [\"VerifiableCredential\"]}".to_vec()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let report: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(report["valid"], false);
    assert_eq!(report["integrity"]["outcome"], "failed");
    let (status, _, _) = get_with(&app, post(vec![b' '; 50 * 1024 * 1024])).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}
