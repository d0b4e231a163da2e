//! Leptos server functions under `/sf/…`, with the same context pages get.

use axum::body::Body;
use axum::extract::State;
use axum::http::Request;
use axum::response::IntoResponse;
use leptos::prelude::provide_context;

use crate::startup::ServerState;

pub async fn handle(State(state): State<ServerState>, req: Request<Body>) -> impl IntoResponse {
    leptos_axum::handle_server_fns_with_context(move || provide_context(state.app.clone()), req)
        .await
}
