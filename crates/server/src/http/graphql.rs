//! GraphQL over HTTP (GraphQL Foundation specification) and GraphiQL.
//!
//! Written against axum directly rather than through async-graphql-axum because the
//! specification's status codes and media-type negotiation need control that integration does
//! not give: 4xx for documents that fail to parse or validate under
//! `application/graphql-response+json`, 406/415 for unusable media types, 405 for a mutation
//! over GET.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use async_graphql::http::GraphiQLSource;
use async_graphql::parser::types::{DocumentOperations, OperationType};
use async_graphql::{Request, Response, Value};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse};
use cordtrace_api::Viewer;

use super::AppState;

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// The response media type the client accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MediaType {
    GraphqlResponseJson,
    Json,
}

impl MediaType {
    fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            MediaType::GraphqlResponseJson => "application/graphql-response+json; charset=utf-8",
            MediaType::Json => "application/json; charset=utf-8",
        })
    }
}

/// Picks the response media type from `Accept` by quality; `None` when nothing usable is accepted.
/// No `Accept` header, or only wildcards, means the legacy `application/json`.
fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(MediaType::Json);
    };
    let mut best: Option<(f32, MediaType)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';').map(str::trim);
        let essence = parts.next().unwrap_or_default().to_ascii_lowercase();
        let quality = parts
            .filter_map(|param| param.strip_prefix("q="))
            .find_map(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        let candidate = match essence.as_str() {
            GRAPHQL_RESPONSE_JSON => MediaType::GraphqlResponseJson,
            JSON | "application/*" | "*/*" => MediaType::Json,
            _ => continue,
        };
        let better = match best {
            None => true,
            Some((best_q, best_type)) => {
                quality > best_q
                    || (quality == best_q
                        && candidate == MediaType::GraphqlResponseJson
                        && best_type != MediaType::GraphqlResponseJson)
            }
        };
        if quality > 0.0 && better {
            best = Some((quality, candidate));
        }
    }
    best.map(|(_, media_type)| media_type)
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

/// A response for a request that never reached GraphQL execution.
fn http_error(
    status: StatusCode,
    media_type: MediaType,
    code: &str,
    message: &str,
) -> axum::response::Response {
    let body = serde_json::json!({
        "errors": [{ "message": message, "extensions": { "code": code } }]
    });
    let mut response = (status, body.to_string()).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, media_type.content_type());
    response
}

async fn viewer(
    state: &AppState,
    headers: &HeaderMap,
    media_type: MediaType,
) -> Result<Viewer, axum::response::Response> {
    super::viewer::resolve(state, headers).await.map_err(|_| {
        http_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            media_type,
            "INTERNAL",
            "internal error",
        )
    })
}

/// The root field an operation starts with, for metric labels; `None` if it does not parse.
fn operation_label(request: &Request) -> Option<(OperationType, String)> {
    let document = async_graphql::parser::parse_query(&request.query).ok()?;
    let operation = match (&document.operations, &request.operation_name) {
        (DocumentOperations::Single(operation), _) => operation,
        (DocumentOperations::Multiple(operations), Some(name)) => operations.get(name.as_str())?,
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            operations.values().next()?
        }
        (DocumentOperations::Multiple(_), None) => return None,
    };
    let root_field = operation
        .node
        .selection_set
        .node
        .items
        .iter()
        .find_map(|selection| match &selection.node {
            async_graphql::parser::types::Selection::Field(field) => {
                Some(field.node.name.node.to_string())
            }
            _ => None,
        })
        .unwrap_or_else(|| "fragment".to_owned());
    Some((operation.node.ty, root_field))
}

/// Parse and validation failures produce errors without a path and no data.
fn is_request_error(response: &Response) -> bool {
    response.data == Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|error| error.path.is_empty())
}

async fn execute(
    state: &AppState,
    headers: &HeaderMap,
    media_type: MediaType,
    request: Request,
) -> axum::response::Response {
    let started = Instant::now();
    let label = operation_label(&request);
    let viewer = match viewer(state, headers, media_type).await {
        Ok(viewer) => viewer,
        Err(response) => return response,
    };
    let response = state.schema.execute(request.data(viewer)).await;
    let request_error = is_request_error(&response);
    let (operation, outcome) = match (&label, request_error) {
        (Some((_, field)), false) if response.errors.is_empty() => (field.clone(), "ok"),
        (Some((_, field)), false) => (field.clone(), "error"),
        _ => ("invalid".to_owned(), "rejected"),
    };
    metrics::counter!("cordtrace_graphql_requests_total", "operation" => operation.clone(), "outcome" => outcome)
        .increment(1);
    metrics::histogram!("cordtrace_graphql_request_seconds", "operation" => operation)
        .record(started.elapsed().as_secs_f64());

    let status = if request_error && media_type == MediaType::GraphqlResponseJson {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let body = match serde_json::to_string(&response) {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(error = %error, "could not serialise a GraphQL response");
            return http_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                media_type,
                "INTERNAL",
                "internal error",
            );
        }
    };
    let mut http_response = (status, body).into_response();
    http_response
        .headers_mut()
        .insert(header::CONTENT_TYPE, media_type.content_type());
    http_response
}

/// A request body: a JSON object whose `query` is a string (the specification requires it;
/// async-graphql alone would take `[]` or `{}` for an empty document).
fn parse_request(body: &[u8]) -> Result<Request, String> {
    let object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(body).map_err(|error| error.to_string())?;
    if !object
        .get("query")
        .is_some_and(serde_json::Value::is_string)
    {
        return Err("`query` must be a string".to_owned());
    }
    serde_json::from_value(serde_json::Value::Object(object)).map_err(|error| error.to_string())
}

/// `POST /graphql`: a JSON-encoded GraphQL request.
pub async fn post(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> axum::response::Response {
    let Some(media_type) = negotiate(&headers) else {
        return http_error(
            StatusCode::NOT_ACCEPTABLE,
            MediaType::Json,
            "VALIDATION",
            "accept application/graphql-response+json or application/json",
        );
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    if content_type.as_deref() != Some(JSON) {
        return http_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            media_type,
            "VALIDATION",
            "send the request as Content-Type: application/json",
        );
    }
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return http_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                media_type,
                "VALIDATION",
                "request body is too large",
            );
        }
        Err(rejection) => {
            return http_error(
                rejection.status(),
                media_type,
                "VALIDATION",
                &rejection.body_text(),
            );
        }
    };
    let request = match parse_request(&body) {
        Ok(request) => request,
        Err(error) => {
            return http_error(
                StatusCode::BAD_REQUEST,
                media_type,
                "VALIDATION",
                &format!("the body is not a GraphQL request: {error}"),
            );
        }
    };
    execute(&state, &headers, media_type, request).await
}

/// `GET /graphql`: GraphiQL for browsers, otherwise a query (never a mutation) in the URL.
pub async fn get(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> axum::response::Response {
    if params.is_empty() && wants_html(&headers) {
        return Html(GraphiQLSource::build().endpoint("/graphql").finish()).into_response();
    }
    let Some(media_type) = negotiate(&headers) else {
        return http_error(
            StatusCode::NOT_ACCEPTABLE,
            MediaType::Json,
            "VALIDATION",
            "accept application/graphql-response+json or application/json",
        );
    };
    let Some(query) = params.get("query") else {
        return http_error(
            StatusCode::BAD_REQUEST,
            media_type,
            "VALIDATION",
            "the `query` parameter is required",
        );
    };
    let mut request = Request::new(query.clone());
    if let Some(name) = params.get("operationName") {
        request = request.operation_name(name.clone());
    }
    if let Some(variables) = params.get("variables") {
        match serde_json::from_str(variables) {
            Ok(variables) => {
                request = request.variables(async_graphql::Variables::from_json(variables))
            }
            Err(error) => {
                return http_error(
                    StatusCode::BAD_REQUEST,
                    media_type,
                    "VALIDATION",
                    &format!("`variables` is not JSON: {error}"),
                );
            }
        }
    }
    if let Some((OperationType::Mutation | OperationType::Subscription, _)) =
        operation_label(&request)
    {
        let mut response = http_error(
            StatusCode::METHOD_NOT_ALLOWED,
            media_type,
            "VALIDATION",
            "mutations are accepted over POST only",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    execute(&state, &headers, media_type, request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn negotiation() {
        let cases = [
            (
                "application/graphql-response+json",
                Some(MediaType::GraphqlResponseJson),
            ),
            ("application/json", Some(MediaType::Json)),
            (
                "application/json, application/graphql-response+json",
                Some(MediaType::GraphqlResponseJson),
            ),
            (
                "application/graphql-response+json;q=0.5, application/json",
                Some(MediaType::Json),
            ),
            ("*/*", Some(MediaType::Json)),
            ("text/html", None),
            ("application/json;q=0", None),
        ];
        for (value, expected) in cases {
            assert_eq!(negotiate(&accept(value)), expected, "{value}");
        }
        assert_eq!(negotiate(&HeaderMap::new()), Some(MediaType::Json));
    }
}
