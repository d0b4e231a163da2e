//! A polled DCSA 3.0 publisher: a real HTTP server started by the test (an OAuth2 token
//! endpoint taking client credentials, `GET /events` with `Next-Page-Cursor` paging), polled by
//! the server's poller — pages followed, where it stopped kept, the updates since asked for on
//! the next round, a failure recorded with the source waiting longer, a refused client named.

use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{Duration, Utc};
use domain::entities::{feed_delivery, feed_poll, shipment_event};
use domain::shipments::FeedKeys;
use domain::shipments::polling::PollSettings;
use domain::shipments::sources::{self, NewFeed};
use http::{HeaderMap, StatusCode};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

const CLIENT_ID: &str = "portfront";
const CLIENT_SECRET: &str = "publisher-given secret";

/// What the publisher was asked, and whether it is down.
#[derive(Clone, Default)]
struct Publisher {
    queries: Arc<Mutex<Vec<String>>>,
    down: Arc<Mutex<bool>>,
}

fn event(id: &str, updated: &str) -> serde_json::Value {
    json!({
        "eventID": id,
        "eventDateTime": "2026-03-12T07:42:00+07:00",
        "eventUpdatedDateTime": updated,
        "eventClassification": {"eventTypeCode": "EQUIPMENT", "eventClassifierCode": "ACT", "equipmentEventTypeCode": "LOAD"},
        "eventLocation": {"UNLocationCode": "VNCMT"},
        "equipmentDetails": {"equipmentReference": "ABCU1234560", "emptyIndicatorCode": "LADEN"},
        "shipmentDetails": {"documentReference": {"typeCode": "BKG", "reference": "BK-POLL-1"}}
    })
}

async fn token(headers: HeaderMap, body: String) -> Response {
    use base64::Engine as _;
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            CLIENT_ID,
            CLIENT_SECRET.replace(' ', "+")
        ))
    );
    let basic = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if basic != expected || !body.contains("grant_type=client_credentials") {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    axum::Json(json!({"access_token": "tok-1", "token_type": "bearer", "expires_in": 3600}))
        .into_response()
}

async fn events(
    State(p): State<Publisher>,
    headers: HeaderMap,
    Query(q): Query<std::collections::BTreeMap<String, String>>,
) -> Response {
    if headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        != Some("Bearer tok-1")
        || headers.get("API-Version").and_then(|v| v.to_str().ok()) != Some("3.0.0")
    {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let query = q
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    p.queries.lock().expect("log").push(query);
    if *p.down.lock().expect("flag") {
        return (StatusCode::SERVICE_UNAVAILABLE, "down for maintenance").into_response();
    }
    match (q.get("cursor").map(String::as_str), q.get("eventUpdatedDateTimeMin")) {
        (None, None) => (
            [("Next-Page-Cursor", "page-2")],
            axum::Json(json!({"events": [event("p1", "2026-03-12T00:50:13Z"), event("p2", "2026-03-12T00:51:00Z")]})),
        )
            .into_response(),
        (Some("page-2"), _) => {
            axum::Json(json!({"events": [event("p3", "2026-03-12T00:52:00Z")]})).into_response()
        }
        (None, Some(_)) => {
            axum::Json(json!({"events": [event("p4", "2026-03-12T01:30:00Z")], "feedbackElements": []}))
                .into_response()
        }
        _ => (StatusCode::BAD_REQUEST, "unknown cursor").into_response(),
    }
}

/// Starts the publisher on a free port; its base URL.
async fn publisher(p: Publisher) -> String {
    let app = axum::Router::new()
        .route("/oauth/token", post(token))
        .route("/tnt/v3/events", get(events))
        .with_state(p);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

async fn database(dir: &std::path::Path) -> DatabaseConnection {
    let db = domain::db::connect(&format!("sqlite://{}/poll.db?mode=rwc", dir.display()))
        .await
        .expect("database");
    use migration::MigratorTrait;
    migration::Migrator::up(&db, None).await.expect("migrate");
    db
}

async fn poll_row(db: &DatabaseConnection) -> feed_poll::Model {
    feed_poll::Entity::find()
        .one(db)
        .await
        .expect("query")
        .expect("the source's poll row")
}

/// Makes the source due now.
async fn due_now(db: &DatabaseConnection) {
    use sea_orm::sea_query::Expr;
    feed_poll::Entity::update_many()
        .col_expr(feed_poll::Column::NextPollAt, Expr::value(Utc::now()))
        .exec(db)
        .await
        .expect("update");
}

async fn events_stored(db: &DatabaseConnection) -> u64 {
    shipment_event::Entity::find()
        .count(db)
        .await
        .expect("count")
}

#[tokio::test]
async fn a_polled_publisher_is_read_page_by_page_and_resumed() {
    let dir = tempfile::tempdir().expect("test setup");
    let db = database(dir.path()).await;
    let keys = FeedKeys::from_bytes([9; 32]);
    let p = Publisher::default();
    let base = publisher(p.clone()).await;
    let settings = |secret: &str| PollSettings {
        events_url: format!("{base}/tnt/v3/events"),
        token_url: format!("{base}/oauth/token"),
        client_id: CLIENT_ID.into(),
        client_secret: secret.into(),
        scope: String::new(),
        interval_seconds: 60,
    };
    // Without its settings a polled source is refused, naming what it needs.
    let refused = sources::create(
        &db,
        &keys,
        &NewFeed {
            name: "crx-poll",
            kind: "dcsa-poll",
            ..NewFeed::default()
        },
        &domain::auth::audit::Actor::Cli,
        Utc::now(),
    )
    .await
    .expect_err("no settings");
    assert!(refused.to_string().contains("events address"), "{refused}");
    let source = sources::create(
        &db,
        &keys,
        &NewFeed {
            name: "crx-poll",
            kind: "dcsa-poll",
            poll: Some(settings(CLIENT_SECRET)),
            ..NewFeed::default()
        },
        &domain::auth::audit::Actor::Cli,
        Utc::now(),
    )
    .await
    .expect("created")
    .source;
    assert!(
        source.kind.as_str() == "dcsa-poll" && source.kind.webhook_path(&source.name).is_none()
    );
    assert!(
        !poll_row(&db)
            .await
            .client_secret_sealed
            .contains("publisher")
    );

    let poller = server::feed_poller::Poller::new(
        db.clone(),
        keys.clone(),
        server::shipment_stream::Bus::new(),
    )
    .expect("poller");
    // First round: both pages, along the cursor.
    assert_eq!(poller.round().await, 1);
    assert_eq!(events_stored(&db).await, 3);
    assert_eq!(
        *p.queries.lock().expect("log"),
        ["limit=100", "cursor=page-2&limit=100"]
    );
    let row = poll_row(&db).await;
    assert_eq!(row.cursor, None);
    assert_eq!(
        row.updated_min.map(|t| t.to_rfc3339()),
        Some("2026-03-12T00:52:00+00:00".to_owned())
    );
    assert!(row.next_poll_at > Utc::now() + Duration::seconds(50));
    assert!(row.lease_until.is_none() && row.failures == 0);
    // Not due again before its interval.
    assert_eq!(poller.round().await, 0);

    // The publisher is down: recorded, and the source waits twice the interval.
    *p.down.lock().expect("flag") = true;
    due_now(&db).await;
    assert_eq!(poller.round().await, 1);
    let row = poll_row(&db).await;
    assert_eq!(row.failures, 1);
    assert!(
        row.last_error
            .as_deref()
            .is_some_and(|e| e.contains("503") && e.contains("down for maintenance")),
        "{row:?}"
    );
    assert!(
        row.next_poll_at > Utc::now() + Duration::seconds(110),
        "{row:?}"
    );
    let rejected = feed_delivery::Entity::find()
        .filter(feed_delivery::Column::Status.eq(503))
        .count(&db)
        .await
        .expect("count");
    assert_eq!(rejected, 1);

    // Back up: the next round asks for what was updated since the newest update seen.
    *p.down.lock().expect("flag") = false;
    due_now(&db).await;
    assert_eq!(poller.round().await, 1);
    assert_eq!(events_stored(&db).await, 4);
    let last = p
        .queries
        .lock()
        .expect("log")
        .last()
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        last,
        "eventUpdatedDateTimeMin=2026-03-12T00:52:00.000Z&limit=100"
    );
    assert_eq!(poll_row(&db).await.failures, 0);
}

#[tokio::test]
async fn a_refused_client_is_named_on_the_source() {
    let dir = tempfile::tempdir().expect("test setup");
    let db = database(dir.path()).await;
    let keys = FeedKeys::from_bytes([9; 32]);
    let base = publisher(Publisher::default()).await;
    sources::create(
        &db,
        &keys,
        &NewFeed {
            name: "crx-poll",
            kind: "dcsa-poll",
            poll: Some(PollSettings {
                events_url: format!("{base}/tnt/v3/events"),
                token_url: format!("{base}/oauth/token"),
                client_id: CLIENT_ID.into(),
                client_secret: "a wrong secret".into(),
                scope: String::new(),
                interval_seconds: 30,
            }),
            ..NewFeed::default()
        },
        &domain::auth::audit::Actor::Cli,
        Utc::now(),
    )
    .await
    .expect("created");
    let poller =
        server::feed_poller::Poller::new(db.clone(), keys, server::shipment_stream::Bus::new())
            .expect("poller");
    assert_eq!(poller.round().await, 1);
    let row = poll_row(&db).await;
    assert!(
        row.last_error
            .as_deref()
            .is_some_and(|e| e.contains("refused our client credentials")),
        "{row:?}"
    );
    assert_eq!(events_stored(&db).await, 0);
    assert!(row.next_poll_at > Utc::now() + Duration::seconds(55));
}
