//! API clients: create (secret shown once), list, revoke, and authenticate at `/oauth/token`.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::Serialize;
use thiserror::Error;
use zeroize::Zeroizing;

use super::scope::ScopeSet;
use super::secret::{hash_secret, new_client_id, new_client_secret, secret_matches};
use crate::entities::api_client;
use crate::{DomainError, DomainResult};

/// The longest client name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 80;

/// An API client as the admin panel and the CLI show it (never the secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiClientInfo {
    pub client_id: String,
    pub name: String,
    #[serde(serialize_with = "scopes_as_text")]
    pub scopes: ScopeSet,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

fn scopes_as_text<S: serde::Serializer>(scopes: &ScopeSet, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&scopes.to_string())
}

impl ApiClientInfo {
    pub fn is_active(&self) -> bool {
        self.revoked_at.is_none()
    }
}

impl TryFrom<api_client::Model> for ApiClientInfo {
    type Error = DomainError;
    fn try_from(m: api_client::Model) -> DomainResult<Self> {
        Ok(Self {
            scopes: ScopeSet::parse(&m.scopes)
                .map_err(|e| DomainError::invalid("api_clients.scopes", e.to_string()))?,
            client_id: m.client_id,
            name: m.name,
            created_at: m.created_at,
            revoked_at: m.revoked_at,
            last_used_at: m.last_used_at,
        })
    }
}

/// A freshly created client with its secret, which exists only in this value.
#[derive(Debug)]
pub struct CreatedApiClient {
    pub info: ApiClientInfo,
    pub client_secret: Zeroizing<String>,
}

/// Checks a client name: trimmed, 1 to 80 characters, no control characters.
pub fn validate_name(name: &str) -> DomainResult<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(DomainError::invalid(
            "name",
            "give the client a name, such as the platform it belongs to",
        ));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(DomainError::invalid(
            "name",
            format!("the name is longer than {MAX_NAME_CHARS} characters"),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(DomainError::invalid(
            "name",
            "the name contains control characters",
        ));
    }
    Ok(name.to_owned())
}

/// Creates a client allowed `scopes` (space-separated, at least one).
pub async fn create<C: ConnectionTrait>(
    db: &C,
    name: &str,
    scopes: &str,
    now: DateTime<Utc>,
) -> DomainResult<CreatedApiClient> {
    let name = validate_name(name)?;
    let scopes = ScopeSet::parse_non_empty(scopes)
        .map_err(|e| DomainError::invalid("scopes", e.to_string()))?;
    let secret = new_client_secret();
    let model = api_client::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        client_id: Set(new_client_id()),
        name: Set(name),
        secret_hash: Set(hash_secret(&secret)),
        scopes: Set(scopes.to_string()),
        created_at: Set(now),
        revoked_at: Set(None),
        last_used_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(CreatedApiClient {
        info: model.try_into()?,
        client_secret: secret,
    })
}

/// Every client, newest first.
pub async fn list<C: ConnectionTrait>(db: &C) -> DomainResult<Vec<ApiClientInfo>> {
    api_client::Entity::find()
        .order_by_desc(api_client::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(ApiClientInfo::try_from)
        .collect()
}

/// One client by its public id.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    client_id: &str,
) -> DomainResult<Option<ApiClientInfo>> {
    api_client::Entity::find()
        .filter(api_client::Column::ClientId.eq(client_id))
        .one(db)
        .await?
        .map(ApiClientInfo::try_from)
        .transpose()
}

/// Revokes a client: its secret stops working and its tokens stop being accepted.
/// Revoking a revoked client keeps the first revocation time.
pub async fn revoke<C: ConnectionTrait>(
    db: &C,
    client_id: &str,
    now: DateTime<Utc>,
) -> DomainResult<ApiClientInfo> {
    let model = api_client::Entity::find()
        .filter(api_client::Column::ClientId.eq(client_id))
        .one(db)
        .await?
        .ok_or_else(|| DomainError::not_found(format!("API client {client_id}")))?;
    if model.revoked_at.is_some() {
        return model.try_into();
    }
    let mut active: api_client::ActiveModel = model.into();
    active.revoked_at = Set(Some(now));
    active.update(db).await?.try_into()
}

/// Why client authentication failed.
#[derive(Debug, Error)]
pub enum ClientAuthError {
    /// Unknown id or wrong secret: one answer for both, so ids cannot be probed.
    #[error("the client id or client secret is wrong")]
    BadCredentials,
    #[error("this API client was revoked; ask the exporter for a new one")]
    Revoked,
    #[error(transparent)]
    Domain(#[from] DomainError),
}

impl From<sea_orm::DbErr> for ClientAuthError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::Domain(e.into())
    }
}

/// Checks a client id and secret and records the use.
pub async fn authenticate<C: ConnectionTrait>(
    db: &C,
    client_id: &str,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<ApiClientInfo, ClientAuthError> {
    let Some(model) = api_client::Entity::find()
        .filter(api_client::Column::ClientId.eq(client_id))
        .one(db)
        .await?
    else {
        // Spend the same work as a real check so timing does not tell whether the id exists.
        let _ = secret_matches(secret, &hash_secret("pfs_unknown-client"));
        return Err(ClientAuthError::BadCredentials);
    };
    if !secret_matches(secret, &model.secret_hash) {
        return Err(ClientAuthError::BadCredentials);
    }
    if model.revoked_at.is_some() {
        return Err(ClientAuthError::Revoked);
    }
    let mut active: api_client::ActiveModel = model.into();
    active.last_used_at = Set(Some(now));
    Ok(active.update(db).await?.try_into()?)
}

/// The scopes the client holds now, or `None` when it is unknown or revoked. Checked on
/// every API call: a revocation takes effect before its tokens expire, and a token never
/// allows more than its client holds at the time of the call.
pub async fn current_scopes<C: ConnectionTrait>(
    db: &C,
    client_id: &str,
) -> DomainResult<Option<ScopeSet>> {
    api_client::Entity::find()
        .filter(api_client::Column::ClientId.eq(client_id))
        .filter(api_client::Column::RevokedAt.is_null())
        .one(db)
        .await?
        .map(|m| {
            ScopeSet::parse(&m.scopes)
                .map_err(|e| DomainError::invalid("api_clients.scopes", e.to_string()))
        })
        .transpose()
}
