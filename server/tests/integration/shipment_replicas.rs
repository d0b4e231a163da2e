//! Two `server serve` processes on one PostgreSQL database, as two replicas behind a load
//! balancer: an event posted to the webhook of one reaches a live shipment stream held open
//! on the other (through `LISTEN/NOTIFY`), without a reload and within a second or two.

use std::time::{Duration, Instant};

use chrono::Utc;
use domain::auth::api_clients;
use domain::logistics::adapters::dcsa2;
use domain::shipments::FeedKeys;
use domain::shipments::sources::{self, NewFeed};

use crate::common::{Pg, free_port, serve};

const DCSA3_LOAD: &str =
    include_str!("../../domain/tests/data/logistics/dcsa3-equipment-load-at-caimep.json");

/// Waits until the server answers `/healthz`.
async fn ready(http: &reqwest::Client, base: &str) {
    let started = Instant::now();
    loop {
        if let Ok(r) = http.get(format!("{base}/healthz")).send().await
            && r.status().is_success()
        {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{base} did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn post_event(http: &reqwest::Client, base: &str, secret: &str, body: &str) {
    let res = http
        .post(format!("{base}/webhooks/dcsa/v3/crx-vietnam/events"))
        .header("content-type", "application/json")
        .header(
            dcsa2::SIGNATURE_HEADER,
            dcsa2::sign(secret, body.as_bytes()).expect("signs"),
        )
        .body(body.to_owned())
        .send()
        .await
        .expect("the webhook answers");
    assert_eq!(
        res.status(),
        200,
        "{}",
        res.text().await.unwrap_or_default()
    );
}

/// Reads the stream until a `shipment` event arrives (at most `limit`); its id and data.
async fn next_shipment(
    res: &mut reqwest::Response,
    buffer: &mut String,
    limit: Duration,
) -> Option<(i64, serde_json::Value)> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(end) = buffer.find("\n\n") {
            let block = buffer[..end].to_owned();
            buffer.drain(..end + 2);
            if block.lines().any(|l| l == "event: shipment") {
                let id = block
                    .lines()
                    .find_map(|l| l.strip_prefix("id: "))?
                    .parse()
                    .ok()?;
                let data: String = block
                    .lines()
                    .filter_map(|l| l.strip_prefix("data: "))
                    .collect();
                return Some((id, serde_json::from_str(&data).ok()?));
            }
            continue;
        }
        let left = deadline.checked_duration_since(Instant::now())?;
        let chunk = tokio::time::timeout(left, res.chunk()).await.ok()?.ok()??;
        buffer.push_str(&String::from_utf8_lossy(&chunk));
    }
}

#[tokio::test]
async fn an_event_posted_to_one_replica_reaches_a_stream_on_the_other() {
    let Some(pg) = Pg::fresh().await else {
        return;
    };
    let dir = tempfile::tempdir().expect("test setup");
    // One exporter: one data directory (the feed secrets and token keys), one database.
    let keys = FeedKeys::load_or_create(dir.path()).expect("feed key");
    let secret = sources::create(
        &pg.db,
        &keys,
        &NewFeed {
            name: "crx-vietnam",
            kind: "dcsa3",
            profile: "",
            moves_orders: false,
            poll: None,
        },
        &domain::auth::audit::Actor::Cli,
        Utc::now(),
    )
    .await
    .expect("source created")
    .secret
    .to_string();
    let client = api_clients::create(&pg.db, "Tracking", "shipments:read", Utc::now())
        .await
        .expect("client");
    let bearer =
        domain::auth::token::TokenAuthority::load_or_create(dir.path(), "https://shop.test", 3600)
            .expect("token key")
            .issue(
                &client.info.client_id,
                &domain::auth::ScopeSet::parse_non_empty("shipments:read").expect("scope"),
                Utc::now().timestamp(),
            );

    let (a, b) = (
        format!("http://127.0.0.1:{}", free_port()),
        format!("http://127.0.0.1:{}", free_port()),
    );
    let http = reqwest::Client::new();
    let one = serve(&pg.url, dir.path(), a.trim_start_matches("http://"));
    ready(&http, &a).await;
    // The second starts after the first has migrated (no two migrations at once).
    let two = serve(&pg.url, dir.path(), b.trim_start_matches("http://"));
    ready(&http, &b).await;

    post_event(&http, &a, &secret, DCSA3_LOAD).await;
    let mut stream = http
        .get(format!("{b}/api/v1/shipments/BK7781234/stream"))
        .bearer_auth(&bearer)
        .send()
        .await
        .expect("the stream opens");
    assert_eq!(stream.status(), 200);
    let mut buffer = String::new();
    let (first, _) = next_shipment(&mut stream, &mut buffer, Duration::from_secs(10))
        .await
        .expect("the current snapshot, from the other replica's delivery");

    // A newer version of the event, posted to the first replica.
    let update = DCSA3_LOAD
        .replace("2026-03-12T00:50:13Z", "2026-03-12T01:10:00Z")
        .replace("07:42:00+07:00", "07:45:00+07:00");
    let posted = Instant::now();
    post_event(&http, &a, &secret, &update).await;
    let (second, doc) = next_shipment(&mut stream, &mut buffer, Duration::from_secs(10))
        .await
        .expect("the second replica's stream hears of the change");
    let took = posted.elapsed();
    assert!(second > first, "{second} > {first}");
    assert!(
        doc["events"]
            .as_array()
            .is_some_and(|e| e.iter().any(|m| m["time"] == "2026-03-12T07:45:00+07:00")),
        "{doc}"
    );
    assert!(took < Duration::from_secs(10), "{took:?}");
    drop(stream);
    drop((one, two));
    pg.drop_database().await;
}
