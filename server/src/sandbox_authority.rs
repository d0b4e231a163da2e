//! `server sandbox-authority`: a SANDBOX issuing body implementing `docs/eco-authority.md`, for
//! the demo and the tests — a separate process that Portfront reaches over real HTTP exactly as
//! a remote body. It is not a real authority and says so on every answer (`X-Sandbox: true`,
//! `"sandbox": true`) and in every document it signs. Its key is made at start and kept in
//! memory; its `did:web` document is at `/.well-known/did.json`. It can be told to fail the
//! first N calls, to reject every application, or to keep applications pending for a while.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use chrono::{Datelike, Utc};
use domain::eco::keys::{IssuerKey, KeyRing};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::sync::Mutex;

/// How the sandbox behaves.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    pub addr: SocketAddr,
    pub client_id: String,
    pub client_secret: String,
    /// Answer the first N application calls with 503.
    pub fail: u32,
    /// Reject every application with a reason.
    pub reject: bool,
    /// Keep each application pending this long before it is issued.
    pub delay: Duration,
}

/// The sandbox body's display name, on every certificate it issues.
pub const SANDBOX_BODY: &str = "SANDBOX Issuing Body (not a real authority)";

struct Application {
    status: &'static str,
    ready_at: Instant,
    number: Option<String>,
    issued_at: Option<String>,
    artefact: Option<String>,
    reasons: Vec<Value>,
    content_digest: String,
}

struct Sandbox {
    config: SandboxConfig,
    ring: KeyRing,
    did: String,
    tokens: Mutex<HashMap<String, Instant>>,
    applications: Mutex<HashMap<String, Application>>,
    failures_left: AtomicU32,
    sequence: AtomicU64,
}

type Shared = Arc<Sandbox>;

fn sandboxed(mut res: Response) -> Response {
    res.headers_mut()
        .insert("x-sandbox", HeaderValue::from_static("true"));
    res
}

fn problem(status: StatusCode, detail: &str) -> Response {
    let mut res = (
        status,
        Json(json!({
            "type": "about:blank",
            "title": status.canonical_reason().unwrap_or("Error"),
            "status": status.as_u16(),
            "detail": detail,
            "sandbox": true,
        })),
    )
        .into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    sandboxed(res)
}

/// The sandbox's routes.
fn router(state: Shared) -> Router {
    Router::new()
        .route("/.well-known/did.json", get(did_json))
        .route("/oauth/token", post(token))
        .route("/v1/applications", post(submit))
        .route("/v1/applications/{reference}", get(poll))
        .route("/v1/applications/{reference}/cancel", post(cancel))
        .fallback(|| async {
            problem(
                StatusCode::NOT_FOUND,
                "SANDBOX: no such endpoint; see docs/eco-authority.md",
            )
        })
        .with_state(state)
}

/// Starts the sandbox and serves until Ctrl-C or SIGTERM.
pub async fn run(config: SandboxConfig) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    let addr = listener.local_addr()?;
    let host = format!("{}%3A{}", addr.ip(), addr.port());
    let key = IssuerKey::generate()?;
    let state = Arc::new(Sandbox {
        failures_left: AtomicU32::new(config.fail),
        config,
        ring: KeyRing::new(key),
        did: format!("did:web:{host}"),
        tokens: Mutex::new(HashMap::new()),
        applications: Mutex::new(HashMap::new()),
        sequence: AtomicU64::new(0),
    });
    eprintln!(
        "SANDBOX issuing authority — NOT A REAL AUTHORITY — listening on http://{addr} as {}",
        state.did
    );
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

async fn did_json(State(s): State<Shared>) -> Response {
    let did = domain::eco::did::DidWeb::parse(&s.did);
    let doc = match did {
        Ok(did) => domain::eco::did::did_document(&did, &s.ring),
        Err(e) => return problem(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    };
    sandboxed(Json(doc).into_response())
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    // RFC 6749 §2.3.1 form-encodes both; the sandbox's credentials are URL-safe, so the
    // encoded and the plain text are the same.
    let (id, secret) = text.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

async fn token(State(s): State<Shared>, headers: HeaderMap, body: String) -> Response {
    let grant = body
        .split('&')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| *k == "grant_type")
        .map(|(_, v)| v.to_owned());
    if grant.as_deref() != Some("client_credentials") {
        return sandboxed(
            (
                StatusCode::BAD_REQUEST,
                Json(json!({"error": "unsupported_grant_type", "error_description": "SANDBOX: use grant_type=client_credentials"})),
            )
                .into_response(),
        );
    }
    match basic_credentials(&headers) {
        Some((id, secret)) if id == s.config.client_id && secret == s.config.client_secret => {}
        _ => {
            return sandboxed(
                (
                    StatusCode::UNAUTHORIZED,
                    Json(json!({"error": "invalid_client", "error_description": "SANDBOX: wrong client id or secret"})),
                )
                    .into_response(),
            );
        }
    }
    let token = format!(
        "sbx_{}",
        hex::encode(domain::auth::secret::random_bytes::<16>())
    );
    s.tokens
        .lock()
        .await
        .insert(token.clone(), Instant::now() + Duration::from_secs(300));
    sandboxed(
        Json(json!({
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": "certificates",
        }))
        .into_response(),
    )
}

/// The bearer check and the told-to-fail switch shared by the application calls.
async fn admit(s: &Sandbox, headers: &HeaderMap) -> Result<(), Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let known = s
        .tokens
        .lock()
        .await
        .get(token)
        .is_some_and(|until| *until > Instant::now());
    if !known {
        return Err(problem(
            StatusCode::UNAUTHORIZED,
            "SANDBOX: missing or expired bearer token; get one at /oauth/token",
        ));
    }
    if s.failures_left
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
    {
        return Err(problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "SANDBOX: told to fail this call (--fail)",
        ));
    }
    Ok(())
}

fn view(reference: &str, a: &Application) -> Value {
    json!({
        "reference": reference,
        "status": a.status,
        "retry_after": 1,
        "certificate_number": a.number,
        "issued_at": a.issued_at,
        "issuing_body": a.number.as_ref().map(|_| json!({ "name": SANDBOX_BODY, "place": "Sandbox" })),
        "artefact": a.artefact.as_ref().map(|c| json!({ "media_type": "application/json", "content": c })),
        "reasons": a.reasons,
        "sandbox": true,
    })
}

async fn submit(State(s): State<Shared>, headers: HeaderMap, body: String) -> Response {
    if let Err(res) = admit(&s, &headers).await {
        return res;
    }
    let Ok(request) = serde_json::from_str::<Value>(&body) else {
        return problem(StatusCode::BAD_REQUEST, "SANDBOX: the body is not JSON");
    };
    let Some(reference) = request.get("reference").and_then(Value::as_str) else {
        return problem(
            StatusCode::BAD_REQUEST,
            "SANDBOX: the application has no reference",
        );
    };
    let Some(content) = request.get("content").filter(|c| c.is_object()) else {
        return problem(
            StatusCode::BAD_REQUEST,
            "SANDBOX: the application has no content object",
        );
    };
    if headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|k| k != reference)
    {
        return problem(
            StatusCode::BAD_REQUEST,
            "SANDBOX: the Idempotency-Key must be the application reference",
        );
    }
    let mut apps = s.applications.lock().await;
    if let Some(existing) = apps.get(reference) {
        return sandboxed(Json(view(reference, existing)).into_response());
    }
    let goods = content
        .get("goods")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let reasons = if s.config.reject {
        vec![json!({
            "line": 1,
            "field": "originCriterion",
            "problem": "SANDBOX: told to reject every application (--reject)",
            "fix": "start the sandbox without --reject, then retry",
        })]
    } else if goods == 0 {
        vec![
            json!({ "field": "goods", "problem": "SANDBOX: the application lists no goods", "fix": "add the goods" }),
        ]
    } else {
        Vec::new()
    };
    let app = Application {
        status: if reasons.is_empty() {
            "pending"
        } else {
            "rejected"
        },
        ready_at: Instant::now() + s.config.delay,
        number: None,
        issued_at: None,
        artefact: None,
        reasons,
        content_digest: hex::encode(Sha256::digest(content.to_string().as_bytes())),
    };
    let answer = view(reference, &app);
    apps.insert(reference.to_owned(), app);
    sandboxed((StatusCode::ACCEPTED, Json(answer)).into_response())
}

async fn poll(
    State(s): State<Shared>,
    Path(reference): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(res) = admit(&s, &headers).await {
        return res;
    }
    let mut apps = s.applications.lock().await;
    let Some(app) = apps.get_mut(&reference) else {
        return problem(
            StatusCode::NOT_FOUND,
            "SANDBOX: no application has this reference",
        );
    };
    if app.status == "pending" && Instant::now() >= app.ready_at {
        let now = Utc::now();
        let seq = s.sequence.fetch_add(1, Ordering::SeqCst) + 1;
        let number = format!("SBX-{}-{seq:06}", now.year());
        let document = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential", "SandboxCertificateOfOrigin"],
            "issuer": s.did,
            "validFrom": now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "credentialSubject": {
                "notice": "SANDBOX — NOT A REAL CERTIFICATE OF ORIGIN",
                "certificateNumber": number,
                "applicationReference": reference,
                "contentSha256": app.content_digest,
            },
        });
        let signed = domain::eco::proof::sign(
            document,
            &s.ring.current,
            &domain::eco::proof::ProofOptions {
                verification_method: s.ring.current.verification_method(&s.did),
                created: now,
            },
        );
        let Ok(signed) = signed else {
            return problem(StatusCode::INTERNAL_SERVER_ERROR, "SANDBOX: signing failed");
        };
        app.status = "issued";
        app.issued_at = Some(now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        app.artefact = Some(base64::engine::general_purpose::STANDARD.encode(signed.to_string()));
        app.number = Some(number);
    }
    sandboxed(Json(view(&reference, app)).into_response())
}

async fn cancel(
    State(s): State<Shared>,
    Path(reference): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(res) = admit(&s, &headers).await {
        return res;
    }
    let mut apps = s.applications.lock().await;
    let Some(app) = apps.get_mut(&reference) else {
        return problem(
            StatusCode::NOT_FOUND,
            "SANDBOX: no application has this reference",
        );
    };
    if app.status == "pending" {
        app.status = "cancelled";
    }
    sandboxed(Json(view(&reference, app)).into_response())
}
