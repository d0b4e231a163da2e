//! Operator subcommands besides `serve` (DESIGN.md §10). Each opens and migrates the database
//! named by `DATABASE_URL`, does one thing, and prints its result.

use anyhow::Context;
use serde::Serialize;

use crate::config::Config;
use crate::startup::open_database;

/// What `create-api-client` prints: the only time the secret is ever shown.
#[derive(Debug, Serialize)]
pub struct CreatedClientOutput {
    pub client_id: String,
    pub client_secret: String,
    pub name: String,
    pub scope: String,
}

/// `server create-api-client --name N --scopes "catalog:read eco:read"`.
pub async fn create_api_client(
    config: &Config,
    name: &str,
    scopes: &str,
) -> anyhow::Result<CreatedClientOutput> {
    let db = open_database(config).await?;
    let created = domain::auth::api_clients::create(&db, name, scopes, chrono::Utc::now())
        .await
        .context("cannot create the API client")?;
    tracing::info!(client_id = %created.info.client_id, scope = %created.info.scopes, "API client created");
    Ok(CreatedClientOutput {
        client_id: created.info.client_id,
        client_secret: created.client_secret.to_string(),
        name: created.info.name,
        scope: created.info.scopes.to_string(),
    })
}
