//! Carrier pushes in-process: the three signed webhooks with the shared samples, the HMAC
//! vector, every refusal (401 unsigned or wrongly signed, 400 naming the place, 413, 404 for
//! unknown and disabled sources, DCSA 3.0 feedback for an unusable event), idempotent
//! duplicates, the shipment API by token, and the live stream resuming after `Last-Event-ID`.

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use domain::auth::api_clients;
use domain::logistics::adapters::dcsa2;
use domain::shipments::sources::{self, NewFeed};
use http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use server::config::Config;
use tower::ServiceExt;

const BASE: &str = "https://shop.example.com";
const DCSA3_LOAD: &str =
    include_str!("../../domain/tests/data/logistics/dcsa3-equipment-load-at-caimep.json");
const IFTSTA_LOAD: &str =
    include_str!("../../domain/tests/data/logistics/iftsta-loaded-at-caimep.edi");
const HMAC_VECTOR: &str =
    include_str!("../../domain/tests/data/logistics/dcsa2-callback-hmac-vector.txt");

struct TestFeeds {
    _serial: crate::common::Serial,
    app: Router,
    config: Config,
    db: sea_orm::DatabaseConnection,
    _dir: tempfile::TempDir,
}

async fn feeds() -> TestFeeds {
    let serial = crate::common::serial().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let db_url = format!("sqlite://{}/feeds.db?mode=rwc", dir.path().display());
    let data_dir = dir.path().display().to_string();
    let config = Config::from_lookup(|k| match k {
        "DATABASE_URL" => Some(db_url.clone()),
        "PORTFRONT_DEMO" => Some("1".into()),
        "PORTFRONT_DATA_DIR" => Some(data_dir.clone()),
        "PORTFRONT_BASE_URL" => Some(BASE.into()),
        _ => None,
    })
    .expect("valid test configuration");
    let db = server::startup::prepare_database(&config)
        .await
        .expect("database ready");
    let app = server::startup::router(&config, db.clone()).expect("router builds");
    TestFeeds {
        _serial: serial,
        app,
        config,
        db,
        _dir: dir,
    }
}

/// Creates a source and returns its secret.
async fn source(t: &TestFeeds, name: &str, kind: &str) -> String {
    let keys = server::startup::feed_keys(&t.config).expect("feed key");
    sources::create(
        &t.db,
        &keys,
        &NewFeed {
            name,
            kind,
            profile: "",
            moves_orders: true,
            poll: None,
        },
        &domain::auth::audit::Actor::Cli,
        chrono::Utc::now(),
    )
    .await
    .expect("source created")
    .secret
    .to_string()
}

fn signed(uri: &str, secret: &str, body: &[u8], content_type: &str) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, content_type)
        .header(
            dcsa2::SIGNATURE_HEADER,
            dcsa2::sign(secret, body).expect("signature"),
        )
        .body(Body::from(body.to_vec()))
        .expect("request")
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

async fn token(t: &TestFeeds, scope: &str) -> String {
    let c = api_clients::create(&t.db, "Forwarder", scope, chrono::Utc::now())
        .await
        .expect("client");
    let tokens = server::startup::token_authority(&t.config).expect("token key");
    tokens.issue(
        &c.info.client_id,
        &domain::auth::ScopeSet::parse_non_empty(scope).expect("scope"),
        chrono::Utc::now().timestamp(),
    )
}

fn detail(json: &Value) -> &str {
    json["detail"].as_str().unwrap_or_default()
}

#[test]
fn the_shared_hmac_vector_signs_as_published() {
    let secret = HMAC_VECTOR
        .lines()
        .find_map(|l| l.strip_prefix("secret (base64, as exchanged at subscription): "))
        .expect("secret line");
    let body = HMAC_VECTOR
        .lines()
        .find_map(|l| l.strip_prefix("raw body (UTF-8, no trailing newline): "))
        .expect("body line");
    let header = HMAC_VECTOR
        .lines()
        .find_map(|l| l.strip_prefix("header: Notification-Signature: "))
        .expect("header line");
    assert_eq!(dcsa2::sign(secret, body.as_bytes()).expect("signs"), header);
}

#[tokio::test]
async fn dcsa3_events_are_stored_once_and_shown_by_the_api() {
    let t = feeds().await;
    let secret = source(&t, "crx-vietnam", "dcsa3").await;
    let uri = "/webhooks/dcsa/v3/crx-vietnam/events";
    let (status, _, json) = send(
        &t.app,
        signed(uri, &secret, DCSA3_LOAD.as_bytes(), "application/json"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["feedbackElements"], serde_json::json!([]));
    // The same delivery again: idempotent.
    let (status, _, _) = send(
        &t.app,
        signed(uri, &secret, DCSA3_LOAD.as_bytes(), "application/json"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let bearer = token(&t, "shipments:read").await;
    let get = |r: &str| {
        Request::get(format!("/api/v1/shipments/{r}"))
            .header(header::AUTHORIZATION, format!("Bearer {bearer}"))
            .body(Body::empty())
            .expect("request")
    };
    let (status, _, shipment) = send(&t.app, get("BK7781234")).await;
    assert_eq!(status, StatusCode::OK, "{shipment}");
    assert_eq!(shipment["reference"], "BK7781234");
    assert_eq!(shipment["events"].as_array().map(Vec::len), Some(1));
    assert_eq!(shipment["events"][0]["code"], "LOAD");
    assert_eq!(shipment["port_calls"][0]["unlocode"], "VNCMT");
    assert_eq!(shipment["route"]["type"], "FeatureCollection");
    let (status, _, json) = send(&t.app, get("NOSUCHREF1")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{json}");
    // Without the scope.
    let other = token(&t, "catalog:read").await;
    let (status, _, _) = send(
        &t.app,
        Request::get("/api/v1/shipments/BK7781234")
            .header(header::AUTHORIZATION, format!("Bearer {other}"))
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Without anything.
    let (status, _, _) = send(
        &t.app,
        Request::get("/api/v1/shipments/BK7781234")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn refusals_name_what_is_wrong_and_store_nothing() {
    let t = feeds().await;
    let secret = source(&t, "crx-vietnam", "dcsa3").await;
    let uri = "/webhooks/dcsa/v3/crx-vietnam/events";

    // Unsigned, and signed with another secret.
    let unsigned = Request::post(uri)
        .body(Body::from(DCSA3_LOAD))
        .expect("request");
    let (status, headers, json) = send(&t.app, unsigned).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{json}");
    assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
    assert!(detail(&json).contains("Notification-Signature"), "{json}");
    let wrong =
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==";
    let (status, _, _) = send(
        &t.app,
        signed(uri, wrong, DCSA3_LOAD.as_bytes(), "application/json"),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Malformed JSON: 400 naming line and column.
    let (status, _, json) = send(
        &t.app,
        signed(
            uri,
            &secret,
            b"{\"events\": [\n  {\"eventID\": }",
            "application/json",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{json}");
    assert!(detail(&json).contains("line 2 column"), "{json}");

    // An event with a code outside the DCSA list is stored, flagged, and answered with a WARN.
    let unlisted = br#"{"events":[{"eventID":"z1","eventDateTime":"2026-03-12T07:42:00+07:00","eventUpdatedDateTime":"2026-03-12T00:50:13Z","eventClassification":{"eventTypeCode":"EQUIPMENT","eventClassifierCode":"ACT","equipmentEventTypeCode":"ZZZZ"},"equipmentDetails":{"equipmentReference":"ABCU1234560"},"shipmentDetails":{"documentReference":{"typeCode":"BKG","reference":"BK-UNLISTED"}}}]}"#;
    let (status, _, json) = send(&t.app, signed(uri, &secret, unlisted, "application/json")).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["feedbackElements"][0]["severity"], "WARN", "{json}");
    assert_eq!(
        json["feedbackElements"][0]["propertyPath"],
        "$.events[0].eventClassification.equipmentEventTypeCode",
        "{json}"
    );
    let stored = domain::shipments::view::shipment(
        &t.db,
        "BK-UNLISTED",
        domain::logistics::LocationMaster::embedded(),
        chrono::Utc::now(),
    )
    .await
    .expect("reads")
    .expect("the flagged event is kept");
    assert_eq!(stored.events[0].code, "ZZZZ");
    assert!(
        stored.events[0].flags.iter().any(|f| f == "unknown_code"),
        "{:?}",
        stored.events[0].flags
    );

    // Nothing usable: 400 with DCSA feedback elements.
    let bad = br#"{"events":[{"eventID":"x1","eventDateTime":"2026-03-12T07:42:00+07:00","eventUpdatedDateTime":"2026-03-12T00:50:13Z","eventClassification":{"eventTypeCode":"EQUIPMENT","eventClassifierCode":"GUESS","equipmentEventTypeCode":"LOAD"},"equipmentDetails":{"equipmentReference":"ABCU1234560"}}]}"#;
    let (status, _, json) = send(&t.app, signed(uri, &secret, bad, "application/json")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{json}");
    assert_eq!(json["feedbackElements"][0]["severity"], "ERROR", "{json}");
    assert!(
        json["feedbackElements"][0]["propertyPath"]
            .as_str()
            .is_some_and(|p| p.starts_with("$.events[0]")),
        "{json}"
    );

    // One bad event beside a good one: 200, the good one stored, feedback for the bad one.
    let mut mixed: Value = serde_json::from_str(DCSA3_LOAD).expect("sample");
    let bad_event: Value = serde_json::from_slice::<Value>(bad).expect("bad")["events"][0].clone();
    mixed["events"]
        .as_array_mut()
        .expect("events")
        .push(bad_event);
    let mixed = serde_json::to_vec(&mixed).expect("json");
    let (status, _, json) = send(&t.app, signed(uri, &secret, &mixed, "application/json")).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(
        json["feedbackElements"].as_array().map(Vec::len),
        Some(1),
        "{json}"
    );
    assert_eq!(
        json["feedbackElements"][0]["propertyPath"]
            .as_str()
            .map(|p| p.starts_with("$.events[1]")),
        Some(true),
        "{json}"
    );

    // Too large.
    let huge = vec![b' '; domain::logistics::adapters::MAX_BODY_BYTES + 10];
    let (status, _, json) = send(&t.app, signed(uri, &secret, &huge, "application/json")).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{json}");

    // Unknown source, wrong kind, disabled source: 404.
    let (status, _, json) = send(
        &t.app,
        signed(
            "/webhooks/dcsa/v3/nobody/events",
            &secret,
            DCSA3_LOAD.as_bytes(),
            "application/json",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{json}");
    let (status, _, _) = send(
        &t.app,
        signed(
            "/webhooks/dcsa/v2/crx-vietnam",
            &secret,
            b"[]",
            "application/json",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    sources::set_enabled(
        &t.db,
        "crx-vietnam",
        false,
        &domain::auth::audit::Actor::Cli,
        chrono::Utc::now(),
    )
    .await
    .expect("disabled");
    let (status, _, _) = send(
        &t.app,
        signed(uri, &secret, DCSA3_LOAD.as_bytes(), "application/json"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Only the flagged event and the mixed delivery's good one were stored; every refusal is
    // on record.
    use sea_orm::{EntityTrait, PaginatorTrait};
    assert_eq!(
        domain::entities::shipment_event::Entity::find()
            .count(&t.db)
            .await
            .expect("query"),
        2
    );
    let s = sources::find(&t.db, "crx-vietnam")
        .await
        .expect("query")
        .expect("source");
    assert_eq!((s.accepted_count, s.rejected_count), (2, 5), "{s:?}");
    assert!(s.flagged_count >= 1, "{s:?}");
}

#[tokio::test]
async fn dcsa2_callbacks_and_edifact_are_signed_the_same_way() {
    let t = feeds().await;
    let v2 = source(&t, "carrier-two", "dcsa2").await;
    let body = br#"[{"eventID":"v2-1","eventType":"TRANSPORT","eventClassifierCode":"ACT","eventDateTime":"2026-03-13T09:00:00+08:00","eventCreatedDateTime":"2026-03-13T01:05:00Z","transportEventTypeCode":"ARRI","transportCall":{"UNLocationCode":"CNYSA","modeOfTransport":"VESSEL","vessel":{"vesselIMONumber":"9321483","vesselName":"EXAMPLE TRADER"}},"documentReferences":[{"documentReferenceType":"BKG","documentReferenceValue":"BK7781234"}]}]"#;
    let (status, _, json) = send(
        &t.app,
        signed(
            "/webhooks/dcsa/v2/carrier-two",
            &v2,
            body,
            "application/json",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{json}");
    let (status, _, _) = send(
        &t.app,
        signed(
            "/webhooks/dcsa/v2/carrier-two",
            &v2,
            body,
            "application/json",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "a duplicate is a success");

    let edi = source(&t, "crx-edi", "edifact").await;
    let (status, _, json) = send(
        &t.app,
        signed(
            "/webhooks/edifact/crx-edi",
            &edi,
            IFTSTA_LOAD.as_bytes(),
            "application/edifact",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["inserted"], 1, "{json}");
    let (status, _, json) = send(
        &t.app,
        signed(
            "/webhooks/edifact/crx-edi",
            &edi,
            b"UNH+1+IFTSTA:D:00B:UN'BGM+23'",
            "application/edifact",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{json}");
    assert!(detail(&json).contains("segment"), "{json}");
}

/// Reads the stream until a `shipment` event arrives; returns its id.
async fn next_event_id(body: &mut Body) -> Option<i64> {
    let mut text = String::new();
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(5), body.frame())
            .await
            .ok()??
            .ok()?;
        if let Some(data) = frame.data_ref() {
            text.push_str(&String::from_utf8_lossy(data));
        }
        if let Some(end) = text.find("\n\n") {
            let block = text[..end].to_owned();
            text.drain(..end + 2);
            if block.lines().any(|l| l == "event: shipment") {
                return block
                    .lines()
                    .find_map(|l| l.strip_prefix("id: "))
                    .and_then(|id| id.parse().ok());
            }
        }
    }
}

#[tokio::test]
async fn the_stream_resumes_after_the_last_event_id() {
    let t = feeds().await;
    let secret = source(&t, "crx-vietnam", "dcsa3").await;
    let uri = "/webhooks/dcsa/v3/crx-vietnam/events";
    let (status, _, _) = send(
        &t.app,
        signed(uri, &secret, DCSA3_LOAD.as_bytes(), "application/json"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let bearer = token(&t, "shipments:read").await;
    let open = |last: Option<i64>| {
        let mut req = Request::get("/api/v1/shipments/BK7781234/stream")
            .header(header::AUTHORIZATION, format!("Bearer {bearer}"));
        if let Some(id) = last {
            req = req.header("Last-Event-ID", id.to_string());
        }
        req.body(Body::empty()).expect("request")
    };
    let res = t.app.clone().oneshot(open(None)).await.expect("response");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "text/event-stream");
    let mut body = res.into_body();
    let first = next_event_id(&mut body)
        .await
        .expect("the current snapshot");

    // An update (a newer version of the event): the open stream gets it.
    let update = DCSA3_LOAD
        .replace("2026-03-12T00:50:13Z", "2026-03-12T01:10:00Z")
        .replace("07:42:00+07:00", "07:45:00+07:00");
    let (status, _, _) = send(
        &t.app,
        signed(uri, &secret, update.as_bytes(), "application/json"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let second = next_event_id(&mut body).await.expect("the update");
    assert!(second > first, "{second} > {first}");
    drop(body);

    // Reconnecting with the last id seen sends nothing until something changes…
    let res = t
        .app
        .clone()
        .oneshot(open(Some(second)))
        .await
        .expect("response");
    let mut body = res.into_body();
    let waited = tokio::time::timeout(Duration::from_millis(300), next_event_id(&mut body)).await;
    assert!(waited.is_err(), "nothing new to send: {waited:?}");
    // …and with an older id, the current snapshot at once.
    let res = t
        .app
        .clone()
        .oneshot(open(Some(first)))
        .await
        .expect("response");
    let mut body = res.into_body();
    assert_eq!(next_event_id(&mut body).await, Some(second));
}

#[tokio::test]
async fn a_wrong_check_digit_is_kept_and_flagged() {
    let t = feeds().await;
    let secret = source(&t, "crx-vietnam", "dcsa3").await;
    let body = DCSA3_LOAD.replace("ABCU1234560", "ABCU1234561");
    let (status, _, json) = send(
        &t.app,
        signed(
            "/webhooks/dcsa/v3/crx-vietnam/events",
            &secret,
            body.as_bytes(),
            "application/json",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["feedbackElements"], serde_json::json!([]));
    let s = sources::find(&t.db, "crx-vietnam")
        .await
        .expect("query")
        .expect("source");
    assert_eq!((s.event_count, s.flagged_count), (1, 1), "{s:?}");
    let bearer = token(&t, "shipments:read").await;
    let (status, _, shipment) = send(
        &t.app,
        Request::get("/api/v1/shipments/BK7781234")
            .header(header::AUTHORIZATION, format!("Bearer {bearer}"))
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{shipment}");
    assert_eq!(
        shipment["events"][0]["flags"][0], "bad_check_digit",
        "{shipment}"
    );
}
