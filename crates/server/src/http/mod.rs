//! The HTTP surface: GraphQL over HTTP, GraphiQL, the certificate of analysis, health and
//! metrics, and the web application for people (`cordtrace-web`) at `/`.

mod certificate;
mod graphql;
mod health;
mod viewer;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use cordtrace_api::{ApiContext, CordSchema};
use metrics_exporter_prometheus::PrometheusHandle;
use tower_http::trace::TraceLayer;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The GraphQL schema with its context.
    pub schema: CordSchema,
    /// The API context (executor and policies), for authentication.
    pub api: ApiContext,
    /// The metrics registry.
    pub metrics: PrometheusHandle,
}

/// The router of every endpoint.
pub fn router(state: AppState, max_body_bytes: usize, web: cordtrace_web::WebSettings) -> Router {
    let web = cordtrace_web::router(state.schema.clone(), state.api.clone(), web);
    Router::new()
        .route("/graphql", get(graphql::get).post(graphql::post))
        .route("/certificates/{lot_id}", get(certificate::get))
        .route("/healthz", get(health::healthz))
        .route("/metrics", get(health::metrics))
        .with_state(Arc::new(state))
        .merge(web)
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .layer(TraceLayer::new_for_http())
}
