//! Limits that keep slow or numerous clients from holding the server: a deadline on reading a
//! request's body, and a bound on the requests handled at once. The header read timeout and the
//! bound on open connections are the accept loop's ([`super::serve`]).

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use http_body::{Frame, SizeHint};
use tokio::time::Sleep;

/// Every limit on connections and requests, from the settings.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Time to send a request's headers, from the connection's start or its previous response.
    pub header_read_timeout: Duration,
    /// Time to send a request's whole body, from the end of its headers.
    pub body_read_timeout: Duration,
    /// Connections open at once.
    pub max_connections: usize,
    /// Requests handled at once.
    pub max_in_flight_requests: usize,
}

/// The error a request body gives once its deadline has passed.
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive in time")]
pub struct BodyDeadlineElapsed;

/// Whether `error`, or any error in its chain, is a [`BodyDeadlineElapsed`]: handlers that buffer
/// a body answer that with 408 Request Timeout rather than as malformed input.
pub fn is_body_deadline(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(error) = current {
        if error.is::<BodyDeadlineElapsed>() {
            return true;
        }
        current = error.source();
    }
    false
}

/// A request body that fails with [`BodyDeadlineElapsed`] once `timeout` has passed since the
/// request arrived, however its bytes trickle in.
///
/// tower-http's `RequestBodyTimeoutLayer` is not enough here: its timeout restarts with every
/// frame, so a client sending one byte just before each timeout holds the request (and its
/// connection) for as long as it likes. This deadline is for the whole body.
pub struct DeadlineBody {
    body: Body,
    deadline: Pin<Box<Sleep>>,
}

impl DeadlineBody {
    /// Wraps `body`; the deadline starts now.
    pub fn new(body: Body, timeout: Duration) -> Self {
        Self {
            body,
            deadline: Box::pin(tokio::time::sleep(timeout)),
        }
    }
}

impl http_body::Body for DeadlineBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        // The body first: bytes that have arrived are read even at the deadline.
        if let Poll::Ready(frame) = Pin::new(&mut self.body).poll_frame(cx) {
            return Poll::Ready(frame);
        }
        match self.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(axum::Error::new(BodyDeadlineElapsed)))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// Puts a deadline on a request's body, unless it has none.
pub fn with_body_deadline(
    request: axum::extract::Request,
    timeout: Duration,
) -> axum::extract::Request {
    if http_body::Body::is_end_stream(request.body()) {
        return request;
    }
    request.map(|body| Body::new(DeadlineBody::new(body, timeout)))
}

/// The answer to a request beyond the in-flight bound: 503, retry in a second.
///
/// The bound sheds load rather than queueing it (tower's `LoadShed` over a global concurrency
/// limit): a request that cannot be handled now gets a clear refusal at once, which a client or
/// a load balancer can retry, instead of waiting for a slot for as long as the requests ahead of
/// it take, holding its connection and memory meanwhile. Waiting requests would also be
/// indistinguishable from a hung server to a client with a timeout of its own.
pub fn overloaded() -> Response {
    metrics::counter!("cordtrace_http_requests_shed_total").increment(1);
    let body = serde_json::json!({
        "errors": [{
            "message": "the server is handling too many requests; retry shortly",
            "extensions": { "code": "INTERNAL" },
        }]
    });
    let mut response = (StatusCode::SERVICE_UNAVAILABLE, body.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}
