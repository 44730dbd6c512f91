//! GraphQL over HTTP (GraphQL Foundation specification) and GraphiQL.
//!
//! Written against axum directly rather than through async-graphql-axum because the
//! specification's status codes and media-type negotiation need control that integration does
//! not give: 4xx for documents that fail to parse or validate under
//! `application/graphql-response+json`, 406/415 for unusable media types, 405 for a mutation
//! over GET.
//!
//! A request error (a body or document refused before execution) has no `data` entry, under
//! either media type: the GraphQL specification (Response, "Data") says that when an error is
//! raised before execution begins the entry should not be present, and GraphQL over HTTP sends
//! that response as it is. Error messages never quote more than a short piece of the input.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use async_graphql::{Request, Response, ServerError, Value};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use cordtrace_api::{ClientAddress, Viewer};

use super::AppState;
use super::json;
use super::limits;

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// The longest error message sent, in characters: messages that quote the input (a parse error
/// names what it found, a JSON error the value it could not use) are cut to this length.
const MAX_MESSAGE_CHARS: usize = 200;

/// `message`, cut to [`MAX_MESSAGE_CHARS`] with an ellipsis if it is longer.
fn bounded(message: &str) -> String {
    if message.chars().count() <= MAX_MESSAGE_CHARS {
        return message.to_owned();
    }
    let kept: String = message.chars().take(MAX_MESSAGE_CHARS - 1).collect();
    format!("{kept}…")
}

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
        "errors": [{ "message": bounded(message), "extensions": { "code": code } }]
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
    match super::viewer::resolve_for_graphql(state, headers).await {
        Ok(Some(viewer)) => Ok(viewer),
        Ok(None) => Err(http_error(
            StatusCode::FORBIDDEN,
            media_type,
            "FORBIDDEN",
            "the x-csrf-token header is not the token of this browser session \
             (CSRF token wrong); nothing was run",
        )),
        Err(_) => Err(http_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            media_type,
            "INTERNAL",
            "internal error",
        )),
    }
}

/// The type of the operation `document` runs and the root field it starts with (for metric
/// labels); `None` if the operation is not in the document.
fn operation_label(
    document: &ExecutableDocument,
    operation_name: Option<&str>,
) -> Option<(OperationType, String)> {
    let operation = match (&document.operations, operation_name) {
        (DocumentOperations::Single(operation), _) => operation,
        (DocumentOperations::Multiple(operations), Some(name)) => operations.get(name)?,
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

/// A parse error's message without the quoted source: pest renders the offending line (however
/// long) with a caret under it, and the error's `locations` already say where it is; what is
/// kept is the position and pest's "= expected ..." line.
fn syntax_message(error: &ServerError) -> String {
    let detail = error
        .message
        .lines()
        .rev()
        .find_map(|line| line.trim_start().strip_prefix("= "))
        .unwrap_or(&error.message);
    match error.locations.first() {
        Some(position) => format!(
            "syntax error at line {}, column {}: {detail}",
            position.line, position.column
        ),
        None => format!("syntax error: {detail}"),
    }
}

/// Parse and validation failures produce errors without a path and no data.
fn is_request_error(response: &Response) -> bool {
    response.data == Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|error| error.path.is_empty())
}

/// Parses (once: async-graphql executes the document parsed here), executes and answers.
async fn execute(
    state: &AppState,
    client: SocketAddr,
    headers: &HeaderMap,
    media_type: MediaType,
    mut request: Request,
) -> axum::response::Response {
    let started = Instant::now();
    let operation_name = request.operation_name.clone();
    let label = match request.parsed_query() {
        Ok(document) => operation_label(document, operation_name.as_deref()),
        Err(error) => {
            // Nothing to execute, nobody to authenticate.
            record("invalid".to_owned(), "rejected", started);
            return graphql_response(
                media_type,
                &Response::from_errors(vec![syntax_error(error)]),
                true,
            );
        }
    };
    if let Some((operation_type, field)) = &label {
        super::request_log::record_operation(&operation_type.to_string(), field);
    }
    let viewer = match viewer(state, headers, media_type).await {
        Ok(viewer) => viewer,
        Err(response) => return response,
    };
    if let Viewer::Session(session) = &viewer {
        super::request_log::record_user(session.user.id);
    }
    // The client's address is what the sign-in throttle counts failures by.
    let request = request.data(viewer).data(ClientAddress(client.ip()));
    let mut response = state.schema.execute(request).await;
    for error in &mut response.errors {
        error.message = bounded(&error.message);
    }
    let request_error = is_request_error(&response);
    let (operation, outcome) = match (label, request_error) {
        (Some((_, field)), false) if response.errors.is_empty() => (field, "ok"),
        (Some((_, field)), false) => (field, "error"),
        _ => ("invalid".to_owned(), "rejected"),
    };
    record(operation, outcome, started);
    graphql_response(media_type, &response, request_error)
}

/// Counts a request by operation and outcome, and times it.
fn record(operation: String, outcome: &'static str, started: Instant) {
    metrics::counter!("cordtrace_graphql_requests_total", "operation" => operation.clone(), "outcome" => outcome)
        .increment(1);
    metrics::histogram!("cordtrace_graphql_request_seconds", "operation" => operation)
        .record(started.elapsed().as_secs_f64());
}

/// A parse error as clients get it: VALIDATION, with a short message.
fn syntax_error(mut error: ServerError) -> ServerError {
    error.message = bounded(&syntax_message(&error));
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", cordtrace_api::ErrorCode::Validation.as_str());
    error
}

/// The HTTP answer carrying `response`; a request error is 400 under
/// `application/graphql-response+json` and has no `data` under either media type.
fn graphql_response(
    media_type: MediaType,
    response: &Response,
    request_error: bool,
) -> axum::response::Response {
    let status = if request_error && media_type == MediaType::GraphqlResponseJson {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let serialized = if request_error {
        serde_json::to_string(&RequestErrors {
            errors: &response.errors,
        })
    } else {
        serde_json::to_string(response)
    };
    let body = match serialized {
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

/// The body of a request error: `errors` and no `data` (nor response `extensions`, which only
/// execution produces).
#[derive(serde::Serialize)]
struct RequestErrors<'a> {
    errors: &'a [ServerError],
}

/// A request body: a JSON object, without duplicate keys, whose `query` is a string (the
/// specification requires it; async-graphql alone would take `[]` or `{}` for an empty
/// document).
fn parse_request(body: &[u8]) -> Result<Request, String> {
    let value = json::from_slice(body).map_err(|error| error.to_string())?;
    let serde_json::Value::Object(object) = value else {
        return Err("the body must be a JSON object".to_owned());
    };
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
    ConnectInfo(client): ConnectInfo<SocketAddr>,
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
        Err(rejection) if limits::is_body_deadline(&rejection) => {
            let mut response = http_error(
                StatusCode::REQUEST_TIMEOUT,
                media_type,
                "VALIDATION",
                "the request body did not arrive in time",
            );
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            return response;
        }
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
    execute(&state, client, &headers, media_type, request).await
}

/// `GET /graphql`: GraphiQL (from the binary) for browsers, otherwise a query (never a mutation) in the URL.
pub async fn get(
    State(state): State<Arc<AppState>>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> axum::response::Response {
    if params.is_empty() && wants_html(&headers) {
        return cordtrace_web::graphiql::page(&headers);
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
        match json::from_str(variables) {
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
    let operation_name = request.operation_name.clone();
    if let Ok(document) = request.parsed_query()
        && let Some((OperationType::Mutation | OperationType::Subscription, _)) =
            operation_label(document, operation_name.as_deref())
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
    execute(&state, client, &headers, media_type, request).await
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
    fn messages_are_bounded_with_an_ellipsis() {
        assert_eq!(bounded("short"), "short");
        let exactly = "é".repeat(MAX_MESSAGE_CHARS);
        assert_eq!(bounded(&exactly), exactly);
        let cut = bounded(&"é".repeat(MAX_MESSAGE_CHARS + 1));
        assert_eq!(cut.chars().count(), MAX_MESSAGE_CHARS);
        assert!(cut.ends_with("é…"));
    }

    #[test]
    fn syntax_messages_keep_the_position_and_what_was_expected_not_the_source() {
        let line = format!("{{ {} (", "a".repeat(10_000));
        let error: ServerError = async_graphql::parser::parse_query(&line)
            .expect_err("a syntax error")
            .into();
        assert!(
            error.message.contains(&"a".repeat(10_000)),
            "pest quotes the line"
        );
        let message = syntax_message(&error);
        assert!(
            message.starts_with("syntax error at line 1, column 10005: expected "),
            "{message}"
        );
        assert!(!message.contains("aaa"), "{message}");
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
