//! The HTTP surface under attack: slow clients cannot hold the server (header and body read
//! timeouts, bounds on connections and on requests in flight), and GraphQL over HTTP refuses
//! what it cannot read unambiguously (duplicate keys), answers request errors without `data`,
//! and never echoes long input back.
//!
//! Timeouts are set to a second or two so that each test is short; the tests observe what
//! happens (answered, refused, closed, healthy), never how fast.

use std::time::Duration;

use cordtrace_domain::Role;
use cordtrace_tests::TestServer;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// How long a test waits for something the server must do by itself (cut a slow client, answer):
/// far beyond the configured timeouts, so that only a server that never does it fails.
const PATIENCE: Duration = Duration::from_secs(15);

/// A raw HTTP/1.1 connection, for clients no HTTP library would imitate.
struct Raw {
    stream: TcpStream,
}

impl Raw {
    async fn connect(server: &TestServer) -> Self {
        Self {
            stream: TcpStream::connect(server.addr)
                .await
                .expect("the server accepts"),
        }
    }

    async fn send(&mut self, bytes: &str) {
        self.stream
            .write_all(bytes.as_bytes())
            .await
            .expect("the bytes are sent");
    }

    /// Everything the server sends until it closes the connection, or `None` if it has not
    /// closed it within `within`. A reset counts as closed.
    async fn until_closed(&mut self, within: Duration) -> Option<String> {
        let mut received = Vec::new();
        let read = tokio::time::timeout(within, async {
            let mut buffer = [0_u8; 4096];
            loop {
                match self.stream.read(&mut buffer).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => received.extend_from_slice(&buffer[..n]),
                }
            }
        })
        .await;
        read.ok()
            .map(|()| String::from_utf8_lossy(&received).into_owned())
    }

    /// Whether the server sends anything (or closes) within `within`.
    async fn answers_within(&mut self, within: Duration) -> bool {
        let mut byte = [0_u8; 1];
        tokio::time::timeout(within, self.stream.peek(&mut byte))
            .await
            .is_ok()
    }
}

/// The head of a POST to `/graphql` announcing `content_length` bytes of JSON.
fn graphql_post_head(content_length: usize, accept: &str) -> String {
    format!(
        "POST /graphql HTTP/1.1\r\nHost: cordtrace\r\nContent-Type: application/json\r\n\
         Accept: {accept}\r\nContent-Length: {content_length}\r\n\r\n"
    )
}

/// A GET of `/healthz` that asks for the connection to be closed after the answer.
const HEALTHZ: &str = "GET /healthz HTTP/1.1\r\nHost: cordtrace\r\nConnection: close\r\n\r\n";

/// The status of `/healthz`, on a connection of its own (never one the server may have cut).
async fn health(server: &TestServer) -> u16 {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(PATIENCE)
        .build()
        .expect("a client")
        .get(server.url("/healthz"))
        .send()
        .await
        .expect("an answer")
        .status()
        .as_u16()
}

/// The server answers health checks and GraphQL as usual.
async fn assert_healthy(server: &TestServer) {
    assert_eq!(health(server).await, 200);
    let response = server.gql(None, "{ __typename }", json!({})).await;
    assert_eq!(response.data()["__typename"], "Query");
}

/// The body of a raw HTTP response.
fn body_of(response: &str) -> &str {
    response.split_once("\r\n\r\n").map_or("", |(_, body)| body)
}

#[tokio::test]
async fn a_body_shorter_than_its_content_length_is_answered_408_and_closed() {
    let server = TestServer::start_with(|settings| settings.body_read_timeout_secs = 1).await;
    for accept in [GRAPHQL_RESPONSE_JSON, JSON] {
        let mut raw = Raw::connect(&server).await;
        raw.send(&graphql_post_head(100, accept)).await;
        raw.send("{").await;
        let response = raw
            .until_closed(PATIENCE)
            .await
            .expect("the server closes the connection");
        assert!(response.starts_with("HTTP/1.1 408"), "{response}");
        assert!(
            response.contains(&format!("content-type: {accept}")),
            "{response}"
        );
        let body: Value = serde_json::from_str(body_of(&response)).expect("a JSON body");
        assert_eq!(body["errors"][0]["extensions"]["code"], "VALIDATION");
    }
    assert_healthy(&server).await;
    server.finish().await;
}

#[tokio::test]
async fn a_body_that_trickles_in_is_cut_at_the_deadline_however_often_bytes_arrive() {
    let server = TestServer::start_with(|settings| settings.body_read_timeout_secs = 1).await;
    let mut raw = Raw::connect(&server).await;
    raw.send(&graphql_post_head(10_000, JSON)).await;
    raw.send("{").await;
    // A space every 200 ms never leaves the body idle for long, but never completes it either.
    let started = tokio::time::Instant::now();
    while started.elapsed() < PATIENCE {
        if raw.stream.write_all(b" ").await.is_err()
            || raw.answers_within(Duration::from_millis(200)).await
        {
            break;
        }
    }
    let response = raw
        .until_closed(PATIENCE)
        .await
        .expect("the server answers and closes the connection");
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    assert_healthy(&server).await;
    server.finish().await;
}

/// The body deadline runs only while a handler reads the body; a route that reads none answers,
/// and the connection, whose unread body cannot be skipped, is closed (by hyper) rather than left
/// waiting for the rest.
#[tokio::test]
async fn a_short_body_to_a_route_that_reads_none_does_not_hold_the_connection() {
    let server = TestServer::start_with(|settings| settings.body_read_timeout_secs = 1).await;
    let mut raw = Raw::connect(&server).await;
    raw.send("GET /healthz HTTP/1.1\r\nHost: cordtrace\r\nContent-Length: 100\r\n\r\nx")
        .await;
    let response = raw
        .until_closed(PATIENCE)
        .await
        .expect("the server closes the connection");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert_healthy(&server).await;
    server.finish().await;
}

#[tokio::test]
async fn partial_headers_idle_connections_and_slowloris_are_closed_after_the_header_timeout() {
    let server = TestServer::start_with(|settings| settings.header_read_timeout_secs = 1).await;
    let mut partial = Raw::connect(&server).await;
    partial
        .send("GET /healthz HTTP/1.1\r\nHost: cordtrace\r\n")
        .await;
    let mut idle = Raw::connect(&server).await;
    for (what, raw) in [("partial headers", &mut partial), ("idle", &mut idle)] {
        let received = raw
            .until_closed(PATIENCE)
            .await
            .unwrap_or_else(|| panic!("{what}: the server closes the connection"));
        assert!(!received.contains("200 OK"), "{what}: {received}");
    }

    // Headers sent a byte every 100 ms: every read makes progress, the deadline still holds.
    let mut slowloris = Raw::connect(&server).await;
    slowloris
        .send("GET /healthz HTTP/1.1\r\nHost: cordtrace\r\nX-Slow: ")
        .await;
    let started = tokio::time::Instant::now();
    while started.elapsed() < PATIENCE {
        if slowloris.stream.write_all(b"a").await.is_err()
            || slowloris.answers_within(Duration::from_millis(100)).await
        {
            break;
        }
    }
    let received = slowloris
        .until_closed(PATIENCE)
        .await
        .expect("the server closes a connection whose headers trickle");
    assert!(!received.contains("200 OK"), "{received}");

    // A keep-alive connection that answered a request is closed once idle for as long.
    let mut kept = Raw::connect(&server).await;
    kept.send("GET /healthz HTTP/1.1\r\nHost: cordtrace\r\n\r\n")
        .await;
    let received = kept
        .until_closed(PATIENCE)
        .await
        .expect("the idle keep-alive connection is closed");
    assert!(received.starts_with("HTTP/1.1 200"), "{received}");
    assert_healthy(&server).await;
    server.finish().await;
}

#[tokio::test]
async fn beyond_max_connections_a_client_waits_until_a_slow_one_is_cut() {
    const MAX_CONNECTIONS: usize = 3;
    let server = TestServer::start_with(|settings| {
        settings.max_connections = MAX_CONNECTIONS;
        settings.header_read_timeout_secs = 2;
    })
    .await;
    let mut slow = Vec::new();
    for _ in 0..MAX_CONNECTIONS {
        let mut raw = Raw::connect(&server).await;
        raw.send("GET /healthz HTTP/1.1\r\nHost: cordtrace\r\n")
            .await;
        slow.push(raw);
    }
    // The connection beyond the bound is not served while the slow ones hold every slot...
    let mut waiting = Raw::connect(&server).await;
    waiting.send(HEALTHZ).await;
    assert!(
        !waiting.answers_within(Duration::from_millis(500)).await,
        "a connection beyond max_connections is not served yet"
    );
    // ...and is, once the header timeout has cut them.
    let response = waiting
        .until_closed(PATIENCE)
        .await
        .expect("the waiting connection is served");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    for raw in &mut slow {
        let received = raw
            .until_closed(PATIENCE)
            .await
            .expect("the slow connection is cut");
        assert!(!received.contains("200 OK"), "{received}");
    }
    assert_healthy(&server).await;
    server.finish().await;
}

#[tokio::test]
async fn beyond_max_in_flight_requests_a_request_is_refused_503_at_once() {
    const MAX_IN_FLIGHT: usize = 2;
    let server = TestServer::start_with(|settings| {
        settings.max_in_flight_requests = MAX_IN_FLIGHT;
        settings.body_read_timeout_secs = 2;
    })
    .await;
    // Requests whose bodies never complete are in flight until their deadline.
    let mut slow = Vec::new();
    for _ in 0..MAX_IN_FLIGHT {
        let mut raw = Raw::connect(&server).await;
        raw.send(&graphql_post_head(100, JSON)).await;
        raw.send("{").await;
        slow.push(raw);
    }
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(PATIENCE)
        .build()
        .expect("a client");
    let mut refused = None;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(1);
    while refused.is_none() && tokio::time::Instant::now() < deadline {
        let response = client
            .get(server.url("/healthz"))
            .send()
            .await
            .expect("an answer");
        if response.status().as_u16() == 503 {
            refused = Some(response);
        }
    }
    let refused = refused.expect("a request beyond max_in_flight_requests is refused");
    // Saturated, but alive: the liveness probe is answered outside the bound.
    let live = client
        .get(server.url("/livez"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(live.status().as_u16(), 200);
    assert_eq!(live.text().await.expect("a body"), "live");
    assert_eq!(
        refused
            .headers()
            .get("retry-after")
            .and_then(|value| value.to_str().ok()),
        Some("1")
    );
    let body: Value = refused.json().await.expect("a JSON body");
    assert_eq!(body["errors"][0]["extensions"]["code"], "INTERNAL");

    for raw in &mut slow {
        let response = raw
            .until_closed(PATIENCE)
            .await
            .expect("the slow request is cut");
        assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    }
    assert_healthy(&server).await;
    server.finish().await;
}

/// A POST of `body` to `/graphql` as JSON, accepting `accept`: status and parsed body.
async fn post_body(
    server: &TestServer,
    token: Option<&str>,
    accept: &str,
    body: String,
) -> (u16, Value) {
    let mut request = server
        .client()
        .post(server.url("/graphql"))
        .header("content-type", JSON)
        .header("accept", accept)
        .body(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("an answer");
    let status = response.status().as_u16();
    let text = response.text().await.expect("a body");
    let body = serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("the body is not JSON ({error}): {text}"));
    (status, body)
}

#[tokio::test]
async fn request_errors_have_no_data_entry_under_either_media_type() {
    let server = TestServer::start().await;
    // What is refused, and its status under application/graphql-response+json and under
    // application/json (the legacy type answers documents that fail 200, bodies that fail 400).
    let refused = [
        (
            "a parse error",
            json!({ "query": "{ __typename" }),
            400,
            200,
        ),
        ("an unknown field", json!({ "query": "{ nope }" }), 400, 200),
        (
            "a missing argument",
            json!({ "query": r#"mutation { login(username: "a") { token } }"# }),
            400,
            200,
        ),
        (
            "a variable of the wrong type",
            json!({
                "query": "query($x: Boolean!) { __typename @include(if: $x) }",
                "variables": { "x": "yes" },
            }),
            400,
            200,
        ),
        ("an empty document", json!({ "query": "" }), 400, 200),
        ("a body that is not a request", json!([]), 400, 400),
    ];
    for (what, body, graphql_response_status, json_status) in refused {
        for (accept, status) in [
            (GRAPHQL_RESPONSE_JSON, graphql_response_status),
            (JSON, json_status),
        ] {
            let (got, reply) = post_body(&server, None, accept, body.to_string()).await;
            assert_eq!(got, status, "{what} under {accept}: {reply}");
            assert!(
                reply.get("data").is_none(),
                "{what} under {accept}: {reply}"
            );
            assert_eq!(
                reply["errors"][0]["extensions"]["code"], "VALIDATION",
                "{what} under {accept}: {reply}"
            );
        }
    }
    // An error during execution is not a request error: `data` is there.
    for accept in [GRAPHQL_RESPONSE_JSON, JSON] {
        let (status, reply) = post_body(
            &server,
            None,
            accept,
            json!({ "query": "{ me { username } }" }).to_string(),
        )
        .await;
        assert_eq!(status, 200);
        assert!(reply.get("data").is_some(), "{reply}");
        assert_eq!(reply["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    }
    server.finish().await;
}

/// Every error message of `reply` is short, and so is the whole answer.
fn assert_short(what: &str, reply: &Value) {
    let text = reply.to_string();
    assert!(text.len() < 1_000, "{what}: {} bytes", text.len());
    for error in reply["errors"].as_array().expect("errors") {
        let message = error["message"].as_str().expect("a message");
        assert!(message.chars().count() <= 200, "{what}: {message}");
    }
}

#[tokio::test]
async fn error_messages_never_echo_long_input() {
    // Long enough to show any echo, short enough for a debug build to parse quickly.
    let server = TestServer::start().await;
    let long = "a".repeat(20_000);
    let cases = [
        (
            "a parse error on a 20 kB line",
            json!({ "query": format!("{{ {long} (") }).to_string(),
        ),
        (
            "a parse error after a 20 kB string",
            json!({ "query": format!(r#"{{ user(id: "{long}") ) }}"#) }).to_string(),
        ),
        (
            "an unknown field named by 20 kB",
            json!({ "query": format!("{{ {long} }}") }).to_string(),
        ),
        (
            "variables that are a 20 kB string",
            json!({ "query": "{ __typename }", "variables": long }).to_string(),
        ),
        (
            "extensions that are a 20 kB string",
            json!({ "query": "{ __typename }", "extensions": long }).to_string(),
        ),
        (
            "a 20 kB key given twice",
            format!(r#"{{"query": "{{ __typename }}", "{long}": 1, "{long}": 2}}"#),
        ),
    ];
    for (what, body) in cases {
        for accept in [GRAPHQL_RESPONSE_JSON, JSON] {
            let (_, reply) = post_body(&server, None, accept, body.clone()).await;
            assert_eq!(
                reply["errors"][0]["extensions"]["code"], "VALIDATION",
                "{what}"
            );
            assert_short(what, &reply);
        }
    }
    // A parse error still says where and what.
    let (_, reply) = post_body(
        &server,
        None,
        GRAPHQL_RESPONSE_JSON,
        json!({ "query": format!("{{ {long} (") }).to_string(),
    )
    .await;
    let message = reply["errors"][0]["message"].as_str().expect("a message");
    assert!(
        message.starts_with("syntax error at line 1, column "),
        "{message}"
    );
    assert!(message.contains("expected"), "{message}");
    assert_eq!(reply["errors"][0]["locations"][0]["line"], 1);
    server.finish().await;
}

#[tokio::test]
async fn duplicate_keys_are_refused_and_nothing_runs() {
    let server = TestServer::start().await;
    let token = server.user_token("tech.dupes", &[Role::Technician]).await;
    // Whichever of the two a parser keeps, the request is refused before either runs: a logout
    // that ran would end the session.
    let bodies = [
        r#"{"query": "{ me { username } }", "query": "mutation { logout }"}"#,
        r#"{"query": "mutation { logout }", "query": "{ me { username } }"}"#,
        r#"{"query": "{ me { username } }", "qu\u0065ry": "mutation { logout }"}"#,
        r#"{"query": "mutation($x: Boolean) { logout }", "variables": {"x": true, "x": false}}"#,
        r#"{"query": "mutation { logout }", "extensions": {"e": 1, "e": 2}}"#,
        r#"{"query": "mutation { logout }", "operationName": null, "operationName": null}"#,
    ];
    for body in bodies {
        for accept in [GRAPHQL_RESPONSE_JSON, JSON] {
            let (status, reply) = post_body(&server, Some(&token), accept, body.to_owned()).await;
            assert_eq!(status, 400, "{body}: {reply}");
            assert!(reply.get("data").is_none(), "{body}: {reply}");
            assert_eq!(reply["errors"][0]["extensions"]["code"], "VALIDATION");
            let message = reply["errors"][0]["message"].as_str().expect("a message");
            assert!(message.contains("duplicate key"), "{body}: {message}");
        }
    }
    // Over GET too, for the variables.
    let response = server
        .client()
        .get(server.url("/graphql"))
        .header("accept", GRAPHQL_RESPONSE_JSON)
        .bearer_auth(&token)
        .query(&[
            (
                "query",
                "query($x: Boolean!) { me @include(if: $x) { username } }",
            ),
            ("variables", r#"{"x": true, "x": false}"#),
        ])
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status().as_u16(), 400);

    // The session is still open: no logout ran.
    let me = server
        .gql(Some(&token), "{ me { username } }", json!({}))
        .await;
    assert_eq!(me.data()["me"]["username"], "tech.dupes");
    // The same keys once each are fine.
    let (status, reply) = post_body(
        &server,
        Some(&token),
        JSON,
        r#"{"query": "{ me { username } }", "variables": {"x": 1}, "extensions": {}}"#.to_owned(),
    )
    .await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["data"]["me"]["username"], "tech.dupes");
    server.finish().await;
}
