//! `/healthz` and `/metrics`.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use super::AppState;

/// 200 when the database answers within two seconds, 503 otherwise.
pub async fn healthz(State(state): State<Arc<AppState>>) -> impl IntoResponse {
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
