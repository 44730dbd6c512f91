//! The probes (`/livez`, `/readyz` and its older name `/healthz`) and `/metrics`.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use super::AppState;

/// 200 while the process serves HTTP at all: it needs nothing else, not even the database.
pub async fn livez() -> impl IntoResponse {
    (StatusCode::OK, "live")
}

/// Ready for requests: 200 when the database answers within two seconds, 503 otherwise (and
/// 503 from the in-flight bound when the server is saturated, so that a balancer sends the
/// next request elsewhere).
pub async fn readyz(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    let database = state.api.executor.database();
    match tokio::time::timeout(Duration::from_secs(2), database.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ok"),
        Ok(Err(error)) => {
            tracing::warn!(error = %error, "health check: database error");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database timeout"),
    }
}

/// Prometheus text exposition.
pub async fn metrics(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        crate::exposition::scrape(&state.metrics, &state.api.executor).await,
    )
}
