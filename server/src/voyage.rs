//! The demo voyage player (`server simulate-voyage --order N`, and the moving shipments of
//! `make run`): plays `domain::shipments::simulation` for one order through the signed DCSA
//! 3.0 webhook of the `demo-voyage` source over HTTP, exactly as a carrier would, and says on
//! every step that it is a simulation.

use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use domain::entities::order;
use domain::logistics::adapters::dcsa2;
use domain::shipments::simulation::{self, Voyage};
use domain::shipments::sources::{self, NewFeed};
use domain::shipments::{FeedKeys, FeedKind};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

/// The source the simulator posts as.
pub const SOURCE: &str = "demo-voyage";
/// The container of simulated voyages (ISO 6346, check digit right).
pub const CONTAINER: &str = "MSKU1234565";

/// The voyage of `number`, starting now (its ports and reference from the order).
pub async fn voyage_of(db: &DatabaseConnection, number: &str) -> anyhow::Result<Voyage> {
    let o = order::Entity::find()
        .filter(order::Column::Number.eq(number.trim()))
        .one(db)
        .await?
        .with_context(|| format!("there is no order {}", number.trim()))?;
    let refs: Vec<String> =
        serde_json::from_value(o.shipment_references.clone()).unwrap_or_default();
    // A booking or transport document number, not a container number (the voyage carries
    // its container in the equipment details), else the order number.
    let reference = refs
        .into_iter()
        .find(|r| {
            !r.trim().is_empty()
                && domain::logistics::codes::ContainerNumber::parse_format(r).is_err()
        })
        .unwrap_or_else(|| o.number.clone());
    let origin = o
        .port_of_loading
        .clone()
        .unwrap_or_else(|| simulation::DEFAULT_ORIGIN.to_owned());
    let destination = o
        .port_of_discharge
        .clone()
        .or_else(|| Some(o.ship_to_port.clone()).filter(|p| !p.is_empty()))
        .unwrap_or_else(|| simulation::DEFAULT_DESTINATION.to_owned());
    Ok(Voyage {
        reference,
        container: CONTAINER.to_owned(),
        origin,
        destination,
        start: Utc::now(),
        id_prefix: format!("sim-{}", o.number),
    })
}

/// The `demo-voyage` source's secret, creating the source on first use.
pub async fn source_secret(db: &DatabaseConnection, keys: &FeedKeys) -> anyhow::Result<String> {
    match sources::find(db, SOURCE).await? {
        Some(s) if s.kind == FeedKind::Dcsa3 && s.enabled => Ok(s.secret(keys).to_string()),
        Some(_) => anyhow::bail!(
            "the feed source {SOURCE} exists but is disabled or not a dcsa3 source; enable it in the admin panel (Logistics)"
        ),
        None => Ok(sources::create(
            db,
            keys,
            &NewFeed {
                name: SOURCE,
                kind: FeedKind::Dcsa3.as_str(),
                profile: "",
                moves_orders: true,
                poll: None,
            },
            &domain::auth::audit::Actor::System,
            Utc::now(),
        )
        .await?
        .secret
        .to_string()),
    }
}

/// Plays `voyage` against the site at `base_url`, one step every `step`; `say` hears each
/// step's outcome.
pub async fn play(
    base_url: &str,
    secret: &str,
    voyage: &Voyage,
    step: Duration,
    mut say: impl FnMut(String),
) -> anyhow::Result<()> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    let url = format!(
        "{}/webhooks/dcsa/v3/{SOURCE}/events",
        base_url.trim_end_matches('/')
    );
    let start = Utc::now();
    let steps =
        voyage.steps(|i| start + chrono::Duration::seconds(i64::try_from(i).unwrap_or(0) * 60 + 1));
    let total = steps.len();
    for (i, s) in steps.into_iter().enumerate() {
        let body = serde_json::to_vec(&s.body)?;
        let signature = dcsa2::sign(secret, &body).map_err(|e| anyhow::anyhow!("{e}"))?;
        let res = client
            .post(&url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(dcsa2::SIGNATURE_HEADER, signature)
            .body(body)
            .send()
            .await
            .with_context(|| format!("cannot reach {url}"))?;
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        if !status.is_success() {
            anyhow::bail!(
                "SIMULATION step {} of {total} ({}) was refused: {status} {text}",
                i + 1,
                s.description
            );
        }
        say(format!(
            "SIMULATION step {} of {total}: {} ({} {})",
            i + 1,
            s.description,
            voyage.reference,
            status.as_u16()
        ));
        if i + 1 < total {
            tokio::time::sleep(step).await;
        }
    }
    Ok(())
}

/// The demo's orders that carriers would be reporting on: shipped or about to ship, with
/// shipment references (at most `limit`).
pub async fn demo_orders(db: &DatabaseConnection, limit: usize) -> anyhow::Result<Vec<String>> {
    let orders = order::Entity::find()
        .filter(order::Column::Status.is_in(["ready_to_ship", "export_cleared", "departed"]))
        .all(db)
        .await?;
    Ok(orders
        .into_iter()
        .filter(|o| {
            serde_json::from_value::<Vec<String>>(o.shipment_references.clone())
                .is_ok_and(|r| !r.is_empty())
        })
        .map(|o| o.number)
        .take(limit)
        .collect())
}

/// `simulate-voyage --demo`: plays the demo orders' voyages side by side, again and again, so
/// a newcomer's `make run` shows shipments moving.
pub async fn demo_forever(
    db: &DatabaseConnection,
    base_url: &str,
    secret: &str,
    step: Duration,
    say: impl Fn(String) + Clone + Send + 'static,
) -> anyhow::Result<()> {
    loop {
        let numbers = demo_orders(db, 2).await?;
        if numbers.is_empty() {
            anyhow::bail!(
                "the database has no demo order with shipment references; start the store with PORTFRONT_DEMO=1 on an empty database"
            );
        }
        let mut plays = Vec::new();
        for n in &numbers {
            let voyage = voyage_of(db, n).await?;
            let say = say.clone();
            let base_url = base_url.to_owned();
            let secret = secret.to_owned();
            plays.push(tokio::spawn(async move {
                play(&base_url, &secret, &voyage, step, say).await
            }));
        }
        for p in plays {
            match p.await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => say(format!("SIMULATION stopped: {e:#}")),
                Err(e) => say(format!("SIMULATION stopped: {e}")),
            }
        }
        tokio::time::sleep(step * 3).await;
    }
}
