//! GraphQL over HTTP as the GraphQL Foundation specifies it, bad input, health, metrics and
//! graceful shutdown, all through real HTTP.
//!
//! "Nothing written" is checked by counting ledger entries in the database. The request used to
//! prove it is a login with the wrong password for a user that exists ([`KNOWN_USER`], added by
//! [`start`]): executed, it records `user.authentication_failed`, so a count that does not move
//! means it never ran.

use cordtrace_api::{ErrorCode, MAX_COST, MAX_DEPTH};
use cordtrace_domain::Role;
use cordtrace_tests::TestServer;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// The user [`WRITING_MUTATION`] fails to sign in as.
const KNOWN_USER: &str = "known.user";

/// A login that writes one ledger entry when it is executed.
const WRITING_MUTATION: &str =
    r#"mutation { login(username: "known.user", password: "not the password") { token } }"#;

/// A server with [`KNOWN_USER`], settings adjusted by `adjust`.
async fn start(adjust: impl FnOnce(&mut cordtrace_server::config::Settings)) -> TestServer {
    let server = TestServer::start_with(adjust).await;
    server.add_user(KNOWN_USER, &[Role::Technician]).await;
    server
}

/// An HTTP answer from `/graphql`.
#[derive(Debug)]
struct Reply {
    status: u16,
    content_type: String,
    allow: Option<String>,
    body: Value,
}

impl Reply {
    async fn read(response: reqwest::Response) -> Self {
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header("content-type").unwrap_or_default();
        let allow = header("allow");
        let text = response.text().await.expect("a body");
        let body = serde_json::from_str(&text)
            .unwrap_or_else(|error| panic!("the body is not JSON ({error}): {text}"));
        let reply = Self {
            status,
            content_type,
            allow,
            body,
        };
        reply.assert_codes_are_in_the_closed_set();
        reply
    }

    /// Every error carries one of the six codes.
    fn assert_codes_are_in_the_closed_set(&self) {
        let allowed: Vec<&str> = ErrorCode::ALL.iter().map(ErrorCode::as_str).collect();
        for error in self.body["errors"].as_array().into_iter().flatten() {
            let code = error["extensions"]["code"].as_str().unwrap_or_default();
            assert!(
                allowed.contains(&code),
                "error without a code from the closed set: {error}"
            );
        }
    }

    fn first_code(&self) -> &str {
        self.body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("expected an error, got {}", self.body))
    }

    fn assert_media_type(&self, media_type: &str) {
        assert!(
            self.content_type.starts_with(media_type),
            "expected {media_type}, got {:?}",
            self.content_type
        );
    }
}

async fn post(
    server: &TestServer,
    content_type: Option<&str>,
    accept: Option<&str>,
    body: impl Into<reqwest::Body>,
) -> Reply {
    let mut request = server.client().post(server.url("/graphql")).body(body);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    Reply::read(request.send().await.expect("an answer")).await
}

async fn post_query(server: &TestServer, accept: Option<&str>, query: &str) -> Reply {
    post(
        server,
        Some(JSON),
        accept,
        json!({ "query": query }).to_string(),
    )
    .await
}

async fn get(server: &TestServer, accept: &str, params: &[(&str, &str)]) -> Reply {
    let response = server
        .client()
        .get(server.url("/graphql"))
        .header("accept", accept)
        .query(params)
        .send()
        .await
        .expect("an answer");
    Reply::read(response).await
}

/// An introspection query exactly `depth` fields deep.
fn query_of_depth(depth: usize) -> String {
    assert!(depth >= 5, "the query needs five levels to start with");
    let n_of_type = depth - 5;
    format!(
        "{{ __schema {{ queryType {{ fields {{ type {{ {} name {} }} }} }} }} }}",
        "ofType { ".repeat(n_of_type),
        "} ".repeat(n_of_type)
    )
}

#[tokio::test]
async fn responses_use_the_media_type_the_client_accepts() {
    let server = TestServer::start().await;
    let cases = [
        (None, JSON),
        (Some(JSON), JSON),
        (Some("*/*"), JSON),
        (Some(GRAPHQL_RESPONSE_JSON), GRAPHQL_RESPONSE_JSON),
        (
            Some("application/json;q=0.9, application/graphql-response+json"),
            GRAPHQL_RESPONSE_JSON,
        ),
        (
            Some("application/graphql-response+json;q=0.5, application/json"),
            JSON,
        ),
    ];
    for (accept, expected) in cases {
        let reply = post_query(&server, accept, "{ __typename }").await;
        assert_eq!(reply.status, 200, "Accept {accept:?}");
        reply.assert_media_type(expected);
        assert_eq!(reply.body, json!({ "data": { "__typename": "Query" } }));
    }
    server.finish().await;
}

#[tokio::test]
async fn documents_that_fail_to_parse_or_validate_are_400_only_under_graphql_response_json() {
    let server = start(|_| {}).await;
    let before = server.ledger_entry_count().await;
    let too_deep = query_of_depth(MAX_DEPTH + 1);
    // A thousand fields, spread just often enough to cost more than the limit.
    let too_complex = format!(
        "fragment K on Query {{ {} }} {{ {} }}",
        (0..1000)
            .map(|i| format!("k{i}: ledgerPublicKey"))
            .collect::<Vec<_>>()
            .join(" "),
        "...K ".repeat(MAX_COST as usize / 1000 + 1)
    );
    let documents = [
        ("a parse error", "mutation { login(username: "),
        ("an unknown field", "{ nope }"),
        (
            "an unknown field in a mutation",
            r#"mutation { login(username: "nobody.here", password: "not the password") { nope } }"#,
        ),
        (
            "a missing argument",
            r#"mutation { login(username: "nobody.here") { token } }"#,
        ),
        (
            "a wrongly typed argument",
            r#"mutation { login(username: 1, password: "not the password") { token } }"#,
        ),
        ("an over-deep query", too_deep.as_str()),
        ("an over-complex query", too_complex.as_str()),
        ("an empty document", ""),
    ];
    for (what, document) in documents {
        for (accept, status) in [(GRAPHQL_RESPONSE_JSON, 400), (JSON, 200)] {
            let reply = post_query(&server, Some(accept), document).await;
            assert_eq!(
                reply.status, status,
                "{what} under {accept}: {:?}",
                reply.body
            );
            reply.assert_media_type(accept);
            assert_eq!(reply.first_code(), "VALIDATION", "{what}: {:?}", reply.body);
            assert!(reply.body.get("data").is_none(), "{what}: {:?}", reply.body);
        }
    }
    // The limit is exactly MAX_DEPTH.
    let deepest = post_query(
        &server,
        Some(GRAPHQL_RESPONSE_JSON),
        &query_of_depth(MAX_DEPTH),
    )
    .await;
    assert_eq!(deepest.status, 200, "{:?}", deepest.body);
    assert!(deepest.body.get("errors").is_none(), "{:?}", deepest.body);
    assert_eq!(server.ledger_entry_count().await, before);
    server.finish().await;
}

#[tokio::test]
async fn unusable_content_types_are_415_and_unacceptable_accepts_406() {
    let server = start(|_| {}).await;
    let before = server.ledger_entry_count().await;
    let body = json!({ "query": WRITING_MUTATION }).to_string();
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/graphql"),
        Some("application/x-www-form-urlencoded"),
    ] {
        for accept in [GRAPHQL_RESPONSE_JSON, JSON] {
            let reply = post(&server, content_type, Some(accept), body.clone()).await;
            assert_eq!(reply.status, 415, "Content-Type {content_type:?}");
            reply.assert_media_type(accept);
            assert_eq!(reply.first_code(), "VALIDATION");
        }
    }
    for accept in [
        "text/html",
        "application/xml",
        "application/json;q=0",
        "text/*",
    ] {
        let reply = post(&server, Some(JSON), Some(accept), body.clone()).await;
        assert_eq!(reply.status, 406, "Accept {accept}");
        reply.assert_media_type(JSON);
        assert_eq!(reply.first_code(), "VALIDATION");
    }
    assert_eq!(server.ledger_entry_count().await, before);

    // The same request, acceptably sent, does write: the unchanged count above means something.
    let reply = post(&server, Some("application/json; charset=utf-8"), None, body).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.first_code(), "UNAUTHENTICATED");
    assert_eq!(server.ledger_entry_count().await, before + 1);
    server.finish().await;
}

#[tokio::test]
async fn malformed_bodies_are_400() {
    let server = start(|_| {}).await;
    let before = server.ledger_entry_count().await;
    let writing = json!({ "query": WRITING_MUTATION }).to_string();
    let truncated = &writing[..writing.len() - 2];
    let bodies = [
        truncated,
        "not json at all",
        "",
        "[]",
        r#"{ "query": 5 }"#,
        "{}",
        r#"{ "variables": {} }"#,
        r#"{ "query": null }"#,
        r#"{ "query": "{ __typename }", "variables": [1] }"#,
    ];
    for body in bodies {
        for accept in [GRAPHQL_RESPONSE_JSON, JSON] {
            let reply = post(&server, Some(JSON), Some(accept), body.to_owned()).await;
            assert_eq!(reply.status, 400, "{body:?}: {:?}", reply.body);
            reply.assert_media_type(accept);
            assert_eq!(reply.first_code(), "VALIDATION");
        }
    }
    assert_eq!(server.ledger_entry_count().await, before);
    server.finish().await;
}

#[tokio::test]
async fn oversize_bodies_are_413() {
    let server = start(|settings| settings.max_body_bytes = 2048).await;
    let before = server.ledger_entry_count().await;
    let padded = json!({
        "query": WRITING_MUTATION,
        "variables": { "padding": "x".repeat(4096) },
    })
    .to_string();
    for accept in [GRAPHQL_RESPONSE_JSON, JSON] {
        let reply = post(&server, Some(JSON), Some(accept), padded.clone()).await;
        assert_eq!(reply.status, 413);
        reply.assert_media_type(accept);
        assert_eq!(reply.first_code(), "VALIDATION");
    }
    assert_eq!(server.ledger_entry_count().await, before);
    // Requests within the limit are served.
    let small = post_query(&server, None, "{ __typename }").await;
    assert_eq!(small.status, 200);
    server.finish().await;
}

#[tokio::test]
async fn get_serves_queries_and_graphiql_but_never_mutations() {
    let server = start(|_| {}).await;
    let token = server.user_token("tech.get", &[Role::Technician]).await;
    let before = server.ledger_entry_count().await;

    let reply = get(&server, JSON, &[("query", "{ __typename }")]).await;
    assert_eq!(reply.status, 200);
    reply.assert_media_type(JSON);
    assert_eq!(reply.body, json!({ "data": { "__typename": "Query" } }));

    let response = server
        .client()
        .get(server.url("/graphql"))
        .header("accept", GRAPHQL_RESPONSE_JSON)
        .bearer_auth(&token)
        .query(&[
            (
                "query",
                "query Me($x: Boolean!) { me @include(if: $x) { username } }",
            ),
            ("operationName", "Me"),
            ("variables", r#"{ "x": true }"#),
        ])
        .send()
        .await
        .expect("an answer");
    let reply = Reply::read(response).await;
    assert_eq!(reply.status, 200);
    reply.assert_media_type(GRAPHQL_RESPONSE_JSON);
    assert_eq!(reply.body["data"]["me"]["username"], "tech.get");

    let two_operations = format!("query Q {{ __typename }} {WRITING_MUTATION}").replacen(
        "mutation {",
        "mutation M {",
        1,
    );
    let mutations: [&[(&str, &str)]; 2] = [
        &[("query", WRITING_MUTATION)],
        &[("query", &two_operations), ("operationName", "M")],
    ];
    for params in mutations {
        for accept in [GRAPHQL_RESPONSE_JSON, JSON] {
            let reply = get(&server, accept, params).await;
            assert_eq!(reply.status, 405, "{params:?}");
            assert_eq!(reply.allow.as_deref(), Some("POST"));
            reply.assert_media_type(accept);
            assert_eq!(reply.first_code(), "VALIDATION");
        }
    }
    // Under GET, the query operation of the same document still runs.
    let reply = get(
        &server,
        JSON,
        &[("query", &two_operations), ("operationName", "Q")],
    )
    .await;
    assert_eq!(reply.body, json!({ "data": { "__typename": "Query" } }));

    let missing = get(&server, GRAPHQL_RESPONSE_JSON, &[("operationName", "Q")]).await;
    assert_eq!(missing.status, 400);
    let bad_variables = get(
        &server,
        GRAPHQL_RESPONSE_JSON,
        &[("query", "{ __typename }"), ("variables", "{")],
    )
    .await;
    assert_eq!(bad_variables.status, 400);
    assert_eq!(bad_variables.first_code(), "VALIDATION");

    assert_eq!(server.ledger_entry_count().await, before);

    // Browsers get GraphiQL, from the binary.
    let response = server
        .client()
        .get(server.url("/graphql"))
        .header(
            "accept",
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        )
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status().as_u16(), 200);
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let page = response.text().await.expect("a page");
    assert!(page.contains("/static/graphiql.min.js"), "{page}");
    assert!(
        !page.contains("https://"),
        "nothing from another origin: {page}"
    );
    server.finish().await;
}

#[tokio::test]
async fn errors_from_resolvers_have_a_code_and_no_internals() {
    let server = TestServer::start().await;
    let token = server.user_token("admin.codes", &[Role::Admin]).await;
    let technician = server.user_token("tech.codes", &[Role::Technician]).await;
    let cases = [
        (None, "{ me { username } }", "UNAUTHENTICATED"),
        (
            Some("not-a-token"),
            "{ me { username } }",
            "UNAUTHENTICATED",
        ),
        (
            Some(technician.as_str()),
            "{ ledgerEntries { nodes { seq } } }",
            "FORBIDDEN",
        ),
        (
            Some(token.as_str()),
            &format!(r#"{{ user(id: "{}") {{ id }} }}"#, uuid::Uuid::new_v4()),
            "NOT_FOUND",
        ),
        (
            Some(token.as_str()),
            r#"{ user(id: "x") { id } }"#,
            "VALIDATION",
        ),
    ];
    for (token, query, code) in cases {
        let response = server.gql(token, query, json!({})).await;
        assert_eq!(response.error_code(), code, "{query}: {:?}", response.body);
        // Execution errors are not request errors: 200 even under graphql-response+json.
        assert_eq!(response.status, 200, "{query}");
        let text = response.body.to_string().to_lowercase();
        for internal in ["sql", "sea_orm", "panicked", "database"] {
            assert!(!text.contains(internal), "{query} leaks {internal}: {text}");
        }
    }
    server.finish().await;
}

#[tokio::test]
async fn health_is_200_only_while_the_database_answers_and_failures_stay_opaque() {
    let server = TestServer::start().await;
    let token = server.user_token("qa.health", &[Role::Qa]).await;
    let status = async |server: &TestServer, path: &str| {
        server
            .client()
            .get(server.url(path))
            .send()
            .await
            .expect("an answer")
            .status()
            .as_u16()
    };
    for probe in ["/healthz", "/readyz", "/livez"] {
        assert_eq!(status(&server, probe).await, 200, "{probe}");
    }
    if server.is_postgres() {
        // Take the database away under the running server.
        let url = server.settings.database_url();
        let (_, name) = url.rsplit_once('/').expect("a database name");
        let admin_url = std::env::var("TEST_POSTGRES_URL").expect("a PostgreSQL test run");
        let admin = sea_orm::Database::connect(admin_url.as_str())
            .await
            .expect("the server's PostgreSQL answers");
        sea_orm::ConnectionTrait::execute_unprepared(
            &admin,
            &format!("DROP DATABASE {name} WITH (FORCE)"),
        )
        .await
        .expect("dropped");
        admin.close().await.expect("closed");
        assert_eq!(status(&server, "/healthz").await, 503);
        assert_eq!(status(&server, "/readyz").await, 503);
        // Alive without its database: restarting the process would not bring it back.
        assert_eq!(status(&server, "/livez").await, 200);

        // Requests fail with an opaque INTERNAL in the media type the client asked for.
        for token in [None, Some(token.as_str())] {
            let mut request = server
                .client()
                .post(server.url("/graphql"))
                .header("content-type", JSON)
                .header("accept", GRAPHQL_RESPONSE_JSON)
                .body(json!({ "query": WRITING_MUTATION }).to_string());
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let reply = Reply::read(request.send().await.expect("an answer")).await;
            reply.assert_media_type(GRAPHQL_RESPONSE_JSON);
            assert_eq!(reply.first_code(), "INTERNAL");
            assert_eq!(reply.body["errors"][0]["message"], "internal error");
        }
    }
    server.finish().await;
}

/// The value of the first sample of `metric` whose labels include every one of `labels`.
fn sample(exposition: &str, metric: &str, labels: &[&str]) -> Option<f64> {
    exposition
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter(|line| {
            line.strip_prefix(metric)
                .is_some_and(|rest| rest.starts_with('{') || rest.starts_with(' '))
        })
        .filter(|line| labels.iter().all(|label| line.contains(label)))
        .find_map(|line| line.rsplit(' ').next()?.parse().ok())
}

#[tokio::test]
async fn metrics_count_requests_by_operation_and_outcome() {
    let server = TestServer::start().await;
    let token = server.user_token("qa.metrics", &[Role::Qa]).await;
    server
        .gql(Some(&token), "{ me { username } }", json!({}))
        .await;
    server.gql(None, "{ me { username } }", json!({})).await;
    server.gql(None, "{ nope }", json!({})).await;

    let response = server
        .client()
        .get(server.url("/metrics"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status().as_u16(), 200);
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let text = response.text().await.expect("a body");

    let requests = "cordtrace_graphql_requests_total";
    for labels in [
        [r#"operation="me""#, r#"outcome="ok""#],
        [r#"operation="me""#, r#"outcome="error""#],
        [r#"operation="login""#, r#"outcome="ok""#],
        [r#"operation="invalid""#, r#"outcome="rejected""#],
    ] {
        let count = sample(&text, requests, &labels);
        assert!(
            count.is_some_and(|count| count >= 1.0),
            "{requests} {labels:?} in:\n{text}"
        );
    }
    assert!(text.contains("# TYPE cordtrace_graphql_request_seconds histogram"));
    assert!(
        sample(
            &text,
            "cordtrace_graphql_request_seconds_bucket",
            &[r#"operation="me""#, r#"le="+Inf""#]
        )
        .is_some_and(|count| count >= 2.0),
        "{text}"
    );
    assert!(
        sample(
            &text,
            "cordtrace_graphql_request_seconds_count",
            &[r#"operation="me""#]
        )
        .is_some()
    );
    let ledger = sample(&text, "cordtrace_ledger_entries", &[]);
    assert_eq!(
        ledger,
        Some(server.ledger_entry_count().await as f64),
        "{text}"
    );
    server.finish().await;
}

#[tokio::test]
async fn a_request_in_flight_at_shutdown_is_answered_and_then_the_port_is_closed() {
    let mut server = TestServer::start().await;
    server.add_user("tech.late", &[Role::Technician]).await;
    let addr = server.addr;
    let before = server.ledger_entry_count().await;
    let body = json!({
        "query": "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }",
        "variables": { "u": "tech.late", "p": cordtrace_tests::PASSWORD },
    })
    .to_string();
    let (first_half, second_half) = body.split_at(body.len() / 2);

    let mut stream = TcpStream::connect(addr).await.expect("the server accepts");
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Accept: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("sent");
    stream.write_all(first_half.as_bytes()).await.expect("sent");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    server.begin_shutdown();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "a shutting-down server takes no new connections"
    );

    stream
        .write_all(second_half.as_bytes())
        .await
        .expect("the connection in flight stays open");
    let mut response = String::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_string(&mut response),
    )
    .await
    .expect("the answer comes before the grace period ends")
    .expect("the answer is read");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains(r#""token":""#), "{response}");

    server.stop().await;
    assert!(TcpStream::connect(addr).await.is_err());
    // The login committed before the executor stopped.
    assert_eq!(server.ledger_entry_count().await, before + 1);
    server.finish().await;
}
