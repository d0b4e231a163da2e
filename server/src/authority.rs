//! The issuing body over HTTP + JSON (`docs/eco-authority.md`): OAuth2 client credentials
//! (`client_credentials`: the token kept until 30 s before it expires, dropped on a 401), the
//! application submitted with our reference as its idempotency key, polled, cancelled.
//! Network failures, 429 and 5xx are transient (the worker retries with backoff); 400 is
//! permanent.

use std::time::Duration;

use base64::Engine;

use crate::client_credentials::{self, Grant, GrantError};
use domain::issuance::authority::{
    AuthorityAnswer, AuthorityError, AuthorityReason, CertifyingBody, IssuingAuthority, NoAuthority,
};
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::Mutex;

/// `PORTFRONT_AUTHORITY_URL`, `…_CLIENT_ID`, `…_CLIENT_SECRET`.
#[derive(Debug, Clone)]
pub struct AuthorityConfig {
    pub base_url: String,
    pub client_id: String,
    pub client_secret: String,
}

/// The configured body, or none.
#[derive(Debug)]
pub enum Authority {
    Http(Box<HttpAuthority>),
    None(NoAuthority),
}

impl Authority {
    pub fn from_config(config: Option<&AuthorityConfig>) -> anyhow::Result<Self> {
        Ok(match config {
            Some(c) => Self::Http(Box::new(HttpAuthority::new(c.clone())?)),
            None => Self::None(NoAuthority),
        })
    }
}

impl IssuingAuthority for Authority {
    async fn submit(
        &self,
        reference: &str,
        content: &Value,
    ) -> Result<AuthorityAnswer, AuthorityError> {
        match self {
            Self::Http(h) => h.submit(reference, content).await,
            Self::None(n) => n.submit(reference, content).await,
        }
    }

    async fn poll(&self, reference: &str) -> Result<AuthorityAnswer, AuthorityError> {
        match self {
            Self::Http(h) => h.poll(reference).await,
            Self::None(n) => n.poll(reference).await,
        }
    }

    async fn cancel(&self, reference: &str, reason: &str) -> Result<(), AuthorityError> {
        match self {
            Self::Http(h) => h.cancel(reference, reason).await,
            Self::None(n) => n.cancel(reference, reason).await,
        }
    }
}

/// An issuing body reached over HTTP.
#[derive(Debug)]
pub struct HttpAuthority {
    config: AuthorityConfig,
    http: reqwest::Client,
    token: Mutex<Option<client_credentials::CachedToken>>,
}

#[derive(Deserialize)]
struct ApplicationAnswer {
    status: String,
    #[serde(default)]
    retry_after: Option<u32>,
    #[serde(default)]
    certificate_number: Option<String>,
    #[serde(default)]
    issuing_body: Option<CertifyingBody>,
    #[serde(default)]
    artefact: Option<Artefact>,
    #[serde(default)]
    reasons: Vec<AuthorityReason>,
}

#[derive(Deserialize)]
struct Artefact {
    media_type: String,
    content: String,
}

fn transient(e: impl std::fmt::Display) -> AuthorityError {
    AuthorityError::Transient(e.to_string())
}

impl HttpAuthority {
    pub fn new(config: AuthorityConfig) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(20))
            .build()?;
        Ok(Self {
            config,
            http,
            token: Mutex::new(None),
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.base_url.trim_end_matches('/'))
    }

    /// A bearer token, from the cache while it has 30 s left.
    async fn token(&self) -> Result<String, AuthorityError> {
        let mut cached = self.token.lock().await;
        if let Some(token) = client_credentials::still_good(cached.as_ref()) {
            return Ok(token);
        }
        let fresh = client_credentials::request(
            &self.http,
            Grant {
                token_url: &self.url("/oauth/token"),
                client_id: &self.config.client_id,
                client_secret: &self.config.client_secret,
                scope: Some("certificates"),
            },
        )
        .await
        .map_err(|e| match e {
            GrantError::BadUrl(e) => {
                AuthorityError::Permanent(format!("PORTFRONT_AUTHORITY_URL: {e}"))
            }
            GrantError::Refused(e) => AuthorityError::Permanent(format!(
                "the issuing body refused our client credentials: {e}"
            )),
            GrantError::Failed(e) => transient(format!("the token request failed: {e}")),
        })?;
        let token = fresh.0.clone();
        *cached = Some(fresh);
        Ok(token)
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        idempotency_key: Option<&str>,
        body: Option<&Value>,
    ) -> Result<ApplicationAnswer, AuthorityError> {
        for attempt in 0..2 {
            let token = self.token().await?;
            let mut req = self
                .http
                .request(method.clone(), self.url(path))
                .bearer_auth(token);
            if let Some(key) = idempotency_key {
                req = req.header("Idempotency-Key", key);
            }
            if let Some(body) = body {
                req = req.json(body);
            }
            let res = req.send().await.map_err(transient)?;
            let status = res.status();
            if status == reqwest::StatusCode::UNAUTHORIZED && attempt == 0 {
                *self.token.lock().await = None;
                continue;
            }
            let text = res.text().await.map_err(transient)?;
            if status.is_success() {
                return serde_json::from_str(&text).map_err(|e| {
                    AuthorityError::Permanent(format!(
                        "the issuing body's answer is not readable: {e}"
                    ))
                });
            }
            let detail = serde_json::from_str::<Value>(&text)
                .ok()
                .and_then(|v| v.get("detail").and_then(Value::as_str).map(str::to_owned))
                .unwrap_or_else(|| text.chars().take(300).collect());
            return Err(
                if status.is_server_error()
                    || status == reqwest::StatusCode::TOO_MANY_REQUESTS
                    || status == reqwest::StatusCode::UNAUTHORIZED
                {
                    transient(format!("HTTP {status}: {detail}"))
                } else {
                    AuthorityError::Permanent(format!("HTTP {status}: {detail}"))
                },
            );
        }
        Err(transient("the issuing body keeps refusing our token"))
    }

    fn answer(a: ApplicationAnswer) -> Result<AuthorityAnswer, AuthorityError> {
        Ok(match a.status.as_str() {
            "pending" => AuthorityAnswer::Pending {
                retry_after_seconds: a.retry_after.unwrap_or(2),
            },
            "issued" => {
                let artefact = a.artefact.ok_or_else(|| {
                    AuthorityError::Permanent(
                        "the issued application carries no artefact".to_owned(),
                    )
                })?;
                AuthorityAnswer::Issued {
                    certificate_number: a.certificate_number.ok_or_else(|| {
                        AuthorityError::Permanent(
                            "the issued application carries no certificate number".to_owned(),
                        )
                    })?,
                    body: a.issuing_body.ok_or_else(|| {
                        AuthorityError::Permanent(
                            "the issued application names no issuing body".to_owned(),
                        )
                    })?,
                    artefact_media_type: artefact.media_type,
                    artefact: base64::engine::general_purpose::STANDARD
                        .decode(artefact.content)
                        .map_err(|e| {
                            AuthorityError::Permanent(format!("the artefact is not base64: {e}"))
                        })?,
                }
            }
            "rejected" => AuthorityAnswer::Rejected { reasons: a.reasons },
            "cancelled" => AuthorityAnswer::Cancelled,
            other => {
                return Err(AuthorityError::Permanent(format!(
                    "the issuing body answered with an unknown status {other:?}"
                )));
            }
        })
    }

    pub async fn submit(
        &self,
        reference: &str,
        content: &Value,
    ) -> Result<AuthorityAnswer, AuthorityError> {
        let body = serde_json::json!({ "reference": reference, "content": content });
        Self::answer(
            self.call(
                reqwest::Method::POST,
                "/v1/applications",
                Some(reference),
                Some(&body),
            )
            .await?,
        )
    }

    pub async fn poll(&self, reference: &str) -> Result<AuthorityAnswer, AuthorityError> {
        Self::answer(
            self.call(
                reqwest::Method::GET,
                &format!("/v1/applications/{reference}"),
                None,
                None,
            )
            .await?,
        )
    }

    pub async fn cancel(&self, reference: &str, reason: &str) -> Result<(), AuthorityError> {
        self.call(
            reqwest::Method::POST,
            &format!("/v1/applications/{reference}/cancel"),
            None,
            Some(&serde_json::json!({ "reason": reason })),
        )
        .await
        .map(|_| ())
    }
}
