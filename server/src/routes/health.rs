//! `/healthz` (the process answers) and `/readyz` (it can serve: the database answers).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;

use crate::startup::ServerState;

pub async fn healthz() -> impl IntoResponse {
    (StatusCode::OK, "ok")
}

pub async fn readyz(State(state): State<ServerState>) -> impl IntoResponse {
    match domain::db::ping(&state.app.db).await {
        Ok(()) => (StatusCode::OK, "ready".to_owned()),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "database unavailable".to_owned(),
            )
        }
    }
}
