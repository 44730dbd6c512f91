//! The HTTP surface: GraphQL over HTTP, GraphiQL, the certificate of analysis, health and
//! metrics, and the web application for people (`cordtrace-web`) at `/`.

mod certificate;
mod graphql;
mod health;
mod json;
mod labels;
mod limits;
mod request_log;
mod route_metrics;
mod serve;
mod viewer;

use std::sync::Arc;

use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use cordtrace_api::{ApiContext, CordSchema};
use metrics_exporter_prometheus::PrometheusHandle;
use tower::ServiceBuilder;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower::load_shed::LoadShedLayer;
use tower::util::MapRequestLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use limits::Limits;
pub use serve::serve;

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

/// The router of every endpoint, the web application's included, with the request limits of
/// `limits` (the connection limits are [`serve`]'s).
pub fn router(state: AppState, limits: &Limits, web: cordtrace_web::WebSettings) -> Router {
    let body_read_timeout = limits.body_read_timeout;
    let web = cordtrace_web::router(state.schema.clone(), state.api.clone(), web);
    // Liveness is answered outside every bound and log below: a server saturated with requests
    // is alive, and an orchestrator that restarts it for being busy makes the overload worse.
    let liveness = Router::new().route("/livez", get(health::livez));
    Router::new()
        .route("/graphql", get(graphql::get).post(graphql::post))
        .route("/certificates/{lot_id}", get(certificate::get))
        .route("/labels/units/{file}", get(labels::unit))
        .route("/labels/lots/{file}", get(labels::lot))
        .route("/healthz", get(health::readyz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .with_state(Arc::new(state))
        .merge(web)
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
        // Outermost first: refuse requests beyond the in-flight bound (one semaphore for every
        // route) before spending anything on them, not even a log line (they are counted in
        // `cordtrace_http_requests_shed_total`); give the others a request id, log them with it,
        // count and time them by route and start their body's deadline.
        .layer(
            ServiceBuilder::new()
                .layer(HandleErrorLayer::new(|_: tower::BoxError| async {
                    limits::overloaded()
                }))
                .layer(LoadShedLayer::new())
                .layer(GlobalConcurrencyLimitLayer::new(
                    limits.max_in_flight_requests,
                ))
                .layer(MapRequestLayer::new(request_log::drop_unacceptable_id))
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(request_log::RequestSpan)
                        .on_request(())
                        .on_response(request_log::ResponseLine)
                        .on_failure(request_log::FailureLine),
                )
                .layer(axum::middleware::from_fn(route_metrics::record))
                .layer(MapRequestLayer::new(move |request| {
                    limits::with_body_deadline(request, body_read_timeout)
                })),
        )
        .merge(liveness)
}
