//! One log line per request at info: method, route (the matched pattern, never the path, which
//! may hold an id typed by a person), status, latency, and, for GraphQL, the operation's type
//! and root field and the user id (filled in by the handlers that learn them). Every line a
//! request causes carries its request id: the client's `x-request-id` when it is a short token,
//! otherwise a new UUID, returned in the response's `x-request-id`.

use std::time::Duration;

use axum::extract::MatchedPath;
use axum::http::{HeaderValue, Request, Response};
use tower_http::classify::ServerErrorsFailureClass;
use tower_http::request_id::RequestId;
use tower_http::trace::{MakeSpan, OnFailure, OnResponse};
use tracing::Span;
use tracing::field::Empty;

/// The request id header, read and returned (tower-http's `x_request_id` layers use it too).
const REQUEST_ID: &str = "x-request-id";

/// The longest client-given request id kept: longer ones (or ones with other characters than
/// letters, digits, `-`, `_`, `.`) are replaced, so that a client cannot write what it likes
/// into every log line.
const MAX_REQUEST_ID_CHARS: usize = 64;

/// Whether the client's request id may be kept as it is.
fn acceptable(id: &HeaderValue) -> bool {
    let bytes = id.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= MAX_REQUEST_ID_CHARS
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Drops a client's request id that [`acceptable`] refuses, so that a new one is made.
pub(super) fn drop_unacceptable_id<B>(mut request: Request<B>) -> Request<B> {
    if request
        .headers()
        .get(REQUEST_ID)
        .is_some_and(|id| !acceptable(id))
    {
        request.headers_mut().remove(REQUEST_ID);
    }
    request
}

/// The span every request runs in; its fields are what every line of the request carries.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct RequestSpan;

impl<B> MakeSpan<B> for RequestSpan {
    fn make_span(&mut self, request: &Request<B>) -> Span {
        let route = request
            .extensions()
            .get::<MatchedPath>()
            .map_or("unmatched", MatchedPath::as_str);
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .and_then(|id| id.header_value().to_str().ok())
            .unwrap_or_default();
        tracing::info_span!(
            "request",
            method = %request.method(),
            route,
            request_id,
            operation = Empty,
            operation_type = Empty,
            user_id = Empty,
        )
    }
}

/// The request's line, when its response is ready.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct ResponseLine;

impl<B> OnResponse<B> for ResponseLine {
    fn on_response(self, response: &Response<B>, latency: Duration, _span: &Span) {
        let status = response.status().as_u16();
        let latency_ms = latency.as_secs_f64() * 1000.0;
        if response.status().is_server_error() {
            tracing::warn!(status, latency_ms, "request answered");
        } else {
            tracing::info!(status, latency_ms, "request answered");
        }
    }
}

/// A request whose service failed before answering (a body that broke off, say).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct FailureLine;

impl OnFailure<ServerErrorsFailureClass> for FailureLine {
    fn on_failure(&mut self, failure: ServerErrorsFailureClass, latency: Duration, _span: &Span) {
        // A 5xx response is already logged by [`ResponseLine`]; this is the other kind.
        if let ServerErrorsFailureClass::Error(error) = failure {
            let latency_ms = latency.as_secs_f64() * 1000.0;
            tracing::warn!(%error, latency_ms, "request failed");
        }
    }
}

/// Records the GraphQL operation of the request being served on its span.
pub(super) fn record_operation(operation_type: &str, operation: &str) {
    let span = Span::current();
    span.record("operation_type", operation_type);
    span.record("operation", operation);
}

/// Records the signed-in user of the request being served on its span.
pub(super) fn record_user(user_id: impl std::fmt::Display) {
    Span::current().record("user_id", tracing::field::display(user_id));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_tokens_are_kept_as_request_ids() {
        for kept in ["abc-123", "7f9c2b1e.trace_01", &"a".repeat(64)] {
            assert!(acceptable(&HeaderValue::from_str(kept).unwrap()), "{kept}");
        }
        for replaced in ["", "has space", "a;b=c", &"a".repeat(65), "é"] {
            let value = HeaderValue::from_bytes(replaced.as_bytes()).unwrap();
            assert!(!acceptable(&value), "{replaced}");
        }
    }
}
