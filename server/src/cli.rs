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

/// What `create-feed` prints: the only time the secret is shown.
#[derive(Debug, Serialize)]
pub struct CreatedFeedOutput {
    pub name: String,
    pub kind: String,
    /// Base64, as DCSA's subscription `secret`; the HMAC key is the decoded bytes.
    pub secret: String,
    pub webhook_url: Option<String>,
}

/// `server create-feed --name N --kind dcsa2|dcsa3|edifact`.
pub async fn create_feed(
    config: &Config,
    name: &str,
    kind: &str,
) -> anyhow::Result<CreatedFeedOutput> {
    let db = open_database(config).await?;
    let keys = crate::startup::feed_keys(config)?;
    let created = domain::shipments::sources::create(
        &db,
        &keys,
        &domain::shipments::sources::NewFeed {
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
    .context("cannot create the feed source")?;
    let source = created.source;
    tracing::info!(name = %source.name, kind = source.kind.as_str(), "feed source created");
    Ok(CreatedFeedOutput {
        webhook_url: source
            .kind
            .webhook_path(&source.name)
            .map(|p| format!("{}{p}", config.base_url.trim_end_matches('/'))),
        name: source.name,
        kind: source.kind.as_str().to_owned(),
        secret: created.secret.to_string(),
    })
}

/// What `create-admin` prints.
#[derive(Debug, Serialize)]
pub struct CreatedAdminOutput {
    pub id: String,
    pub email: String,
    pub role: String,
}

/// `server create-admin --email E` (the password comes from standard input): the first staff
/// account, with the `admin` role.
pub async fn create_admin(
    config: &Config,
    email: &str,
    name: &str,
    password: &str,
) -> anyhow::Result<CreatedAdminOutput> {
    let db = open_database(config).await?;
    let user = domain::auth::users::create_staff(
        &db,
        email,
        name,
        domain::auth::Role::Admin,
        password,
        &domain::auth::audit::Actor::Cli,
        chrono::Utc::now(),
    )
    .await
    .context("cannot create the admin account")?;
    tracing::info!(email = %user.email, "admin account created");
    Ok(CreatedAdminOutput {
        id: user.id.to_string(),
        email: user.email,
        role: user.role.to_string(),
    })
}

/// Reads a password from standard input: the first line, without its line ending.
pub fn read_password(
    input: &mut dyn std::io::BufRead,
) -> anyhow::Result<zeroize::Zeroizing<String>> {
    let mut line = zeroize::Zeroizing::new(String::new());
    input
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let password = zeroize::Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_owned());
    if password.is_empty() {
        anyhow::bail!(
            "no password on standard input; pipe it in, e.g. `printf %s \"$PW\" | server create-admin --email …`"
        );
    }
    Ok(password)
}
