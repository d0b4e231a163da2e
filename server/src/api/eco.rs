//! `GET /api/v1/eco/{number}` (`eco:read`): a certificate of origin's signed credential, byte
//! for byte as issued; `POST /api/v1/eco/verify` (public): the three checks of a presented
//! credential — JSON, or a PDF with the credential embedded. Verification stores nothing.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use domain::auth::Scope;
use domain::eco::verify::Presented;
use domain::issuance::register;
use http::{HeaderMap, HeaderValue, header};
use serde::Serialize;
use utoipa::ToSchema;

use super::bearer::ApiCaller;
use super::problem::ApiError;
use crate::startup::ServerState;

/// One of the three checks.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiCheck {
    /// `passed`, `failed` or `not_checked`.
    pub outcome: String,
    /// What was found, in sentences.
    pub reasons: Vec<String>,
}

/// What this site's register says of a certificate it issued.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiRegisterFacts {
    pub revocation_reason: Option<String>,
    /// RFC 3339, UTC.
    pub revoked_at: Option<String>,
    /// The number of the certificate that replaces this one.
    pub replaced_by: Option<String>,
}

/// The verification report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiVerification {
    /// The signature holds with a key of the issuer.
    pub integrity: ApiCheck,
    /// In force: within its validity and not revoked.
    pub status: ApiCheck,
    /// The issuer's DID resolves, the key is an assertion method, the issuer is trusted.
    pub issuer: ApiCheck,
    /// True only when all three passed.
    pub valid: bool,
    /// The certificate's number, when it could be read.
    pub number: Option<String>,
    pub revoked: bool,
    /// Present for certificates issued by this site.
    pub register: Option<ApiRegisterFacts>,
}

impl From<register::Verification> for ApiVerification {
    fn from(v: register::Verification) -> Self {
        let check = |c: &domain::eco::Check| {
            let view = register::check_view(c);
            ApiCheck {
                outcome: view.outcome,
                reasons: view.reasons,
            }
        };
        Self {
            integrity: check(&v.report.integrity),
            status: check(&v.report.status),
            issuer: check(&v.report.issuer),
            valid: v.report.valid,
            number: v.report.number.clone(),
            revoked: v.report.revoked,
            register: v.register.map(|r| ApiRegisterFacts {
                revocation_reason: r.revocation_reason,
                revoked_at: r.revoked_at,
                replaced_by: r.replaced_by,
            }),
        }
    }
}

/// A certificate of origin: the signed W3C Verifiable Credential.
#[utoipa::path(
    get,
    path = "/api/v1/eco/{number}",
    tag = "eco",
    params(("number" = String, Path, description = "The certificate number, e.g. PF-DOO-2026-000042", max_length = 64)),
    security(("oauth2" = ["eco:read"])),
    responses(
        (status = 200, description = "The signed credential (VC 2.0 with an eddsa-jcs-2022 proof)", content_type = "application/json"),
        (status = 401, description = "Missing, expired or invalid token", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks eco:read", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No certificate has this number", body = super::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_eco(
    State(state): State<ServerState>,
    caller: ApiCaller,
    number: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    caller.require(Scope::EcoRead)?;
    let not_found = || ApiError::not_found("no certificate of origin has this number");
    let Ok(Path(number)) = number else {
        return Err(not_found());
    };
    if !crate::certificates::is_certificate_number(&number) {
        return Err(not_found());
    }
    let cert = register::by_number(&state.app.db, &number)
        .await?
        .ok_or_else(not_found)?;
    let mut res = cert.credential.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(res)
}

/// Verify a certificate of origin.
#[utoipa::path(
    post,
    path = "/api/v1/eco/verify",
    tag = "eco",
    request_body(content = std::collections::HashMap<String, serde_json::Value>, description = "The credential: a W3C Verifiable Credential as JSON. The e-CO PDF is accepted too (Content-Type: application/pdf): the credential embedded in it is verified.", content_type = "application/json"),
    responses(
        (status = 200, description = "The three checks, each with its reasons; valid only when all passed", body = ApiVerification),
        (status = 400, description = "The body is not a credential (not JSON, truncated, not an object, or a PDF without one); `report` names the failed integrity check", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than the limit", body = super::problem::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn verify(
    State(state): State<ServerState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let pdf = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.trim().starts_with("application/pdf"))
        || body.starts_with(b"%PDF-");
    let presented = if pdf {
        match domain::eco::pdf::extract_credential(&body) {
            Ok(vc) => Presented::from_value(vc),
            Err(e) => Err(Box::new(unreadable_pdf(&e))),
        }
    } else {
        Presented::read(&body)
    };
    let verification = match presented {
        Ok(p) => {
            register::verify_presented(
                &state.app.db,
                &state.app.issuer,
                &state.app.status_lists,
                &p,
                Utc::now(),
            )
            .await?
        }
        Err(report) => return Ok(unreadable(*report)),
    };
    Ok(Json(ApiVerification::from(verification)).into_response())
}

/// 400 for a body that is not a credential at all: a problem whose `detail` is the failed
/// integrity check's reason, with the whole report as `report`.
fn unreadable(report: domain::eco::VerificationReport) -> Response {
    let api = ApiVerification::from(register::Verification {
        report,
        register: None,
    });
    let detail = format!(
        "not a credential, so the integrity check failed: {}",
        api.integrity.reasons.join("; ")
    );
    let body = serde_json::json!({
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "detail": detail,
        "report": api,
    });
    let mut res = (http::StatusCode::BAD_REQUEST, Json(body)).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

fn unreadable_pdf(e: &str) -> domain::eco::VerificationReport {
    domain::eco::VerificationReport::unreadable(format!(
        "the PDF holds no readable credential: {e}"
    ))
}
