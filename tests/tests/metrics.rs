//! `/metrics` as Prometheus scrapes it, read with a text-format parser nobody here wrote: every
//! metric family has its `# HELP` and `# TYPE`; the process metrics, the build, requests by
//! route, the ledger's size (kept without a query per scrape), the age of the latest signed
//! checkpoint, failed sign-ins and locked accounts, and the database pool are there. On SQLite
//! or PostgreSQL.

use std::collections::{BTreeMap, BTreeSet};

use cordtrace_domain::Role;
use cordtrace_tests::TestServer;
use cordtrace_tests::fixtures::ledger_size;
use prometheus_parse::{Scrape, Value};
use serde_json::json;

/// One scrape: the raw text and what the parser made of it.
async fn scrape(server: &TestServer) -> (String, Scrape) {
    let response = server
        .client()
        .get(server.url("/metrics"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), 200);
    let text = response.text().await.expect("a body");
    let lines = text.lines().map(|line| Ok(line.to_owned()));
    let parsed = Scrape::parse(lines).expect("the exposition parses");
    (text, parsed)
}

/// The value of the sample `name` whose labels include every one of `labels`.
fn value(scrape: &Scrape, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    scrape
        .samples
        .iter()
        .filter(|sample| sample.metric == name)
        .find(|sample| {
            labels
                .iter()
                .all(|(key, value)| sample.labels.get(key) == Some(*value))
        })
        .and_then(|sample| match sample.value {
            Value::Counter(value) | Value::Gauge(value) | Value::Untyped(value) => Some(value),
            Value::Histogram(_) | Value::Summary(_) => None,
        })
}

/// Every `# TYPE` line's family and kind.
fn types(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|line| line.strip_prefix("# TYPE "))
        .filter_map(|rest| rest.split_once(' '))
        .map(|(family, kind)| (family.to_owned(), kind.to_owned()))
        .collect()
}

#[tokio::test]
async fn metrics_describe_every_family_and_carry_what_an_operator_alerts_on() {
    let server = TestServer::start().await;
    let auditor = server.user_token("auditor.one", &[Role::Auditor]).await;
    server.user_token("clin.one", &[Role::Clinician]).await;
    // A failed sign-in, a health check, and a checkpoint over what is in the ledger.
    let failed = server
        .gql(
            None,
            "mutation { login(username: \"clin.one\", password: \"not the password\") { token } }",
            json!({}),
        )
        .await;
    assert_eq!(failed.error_code(), "UNAUTHENTICATED", "{}", failed.body);
    let health = server
        .client()
        .get(server.url("/healthz"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(health.status(), 200);
    server
        .gql(
            Some(&auditor),
            "mutation { signCheckpoint { treeSize } }",
            json!({}),
        )
        .await
        .data();
    let verified = server
        .gql(Some(&auditor), "{ verifyLedger { ok } }", json!({}))
        .await;
    assert_eq!(verified.data()["verifyLedger"]["ok"], true);

    let (text, scrape) = scrape(&server).await;

    // Every family that has samples is described and typed.
    let typed = types(&text);
    let families: BTreeSet<String> = typed.keys().cloned().collect();
    assert!(families.len() >= 15, "{families:?}");
    for family in [
        "cordtrace_commands_total",
        "cordtrace_graphql_requests_total",
        "cordtrace_ledger_entries",
        "cordtrace_checkpoint_age_seconds",
        "process_resident_memory_bytes",
    ] {
        assert!(families.contains(family), "{family}: {families:?}");
    }
    for family in &families {
        assert!(
            scrape.docs.contains_key(family),
            "{family} has no # HELP:\n{text}"
        );
    }
    for sample in &scrape.samples {
        let family = ["_bucket", "_sum", "_count", "_total"]
            .iter()
            .find_map(|suffix| sample.metric.strip_suffix(suffix))
            .filter(|base| typed.contains_key(*base))
            .unwrap_or(&sample.metric);
        assert!(
            typed.contains_key(family) || typed.contains_key(&sample.metric),
            "{} has no # TYPE:\n{text}",
            sample.metric
        );
    }

    // The process, the build.
    for process in [
        "process_cpu_seconds_total",
        "process_resident_memory_bytes",
        "process_open_fds",
        "process_start_time_seconds",
    ] {
        assert!(
            value(&scrape, process, &[]).is_some_and(|v| v >= 0.0),
            "{process}:\n{text}"
        );
    }
    assert!(
        value(&scrape, "process_start_time_seconds", &[]).is_some_and(|v| v > 1.7e9),
        "{text}"
    );
    assert_eq!(
        value(
            &scrape,
            "cordtrace_build_info",
            &[("version", env!("CARGO_PKG_VERSION"))]
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        typed.get("cordtrace_build_info").map(String::as_str),
        Some("gauge")
    );

    // Requests by matched route and status.
    assert_eq!(
        value(
            &scrape,
            "cordtrace_http_requests_total",
            &[("route", "/healthz"), ("method", "GET"), ("status", "200")]
        ),
        Some(1.0),
        "{text}"
    );
    assert!(
        value(
            &scrape,
            "cordtrace_http_requests_total",
            &[("route", "/graphql"), ("method", "POST"), ("status", "200")]
        )
        .is_some_and(|count| count >= 2.0),
        "{text}"
    );
    assert_eq!(
        typed
            .get("cordtrace_http_request_seconds")
            .map(String::as_str),
        Some("histogram")
    );

    // The ledger, its checkpoint, sign-ins, the pool.
    let entries = ledger_size(&server).await;
    assert_eq!(
        value(&scrape, "cordtrace_ledger_entries", &[]),
        Some(entries as f64),
        "{text}"
    );
    assert_eq!(
        value(&scrape, "cordtrace_checkpoint_size", &[]),
        Some(entries as f64),
        "{text}"
    );
    assert_eq!(
        value(
            &scrape,
            "cordtrace_ledger_verifications_total",
            &[("result", "ok")]
        ),
        Some(1.0),
        "{text}"
    );
    let age = value(&scrape, "cordtrace_checkpoint_age_seconds", &[]).expect("an age");
    assert!((0.0..60.0).contains(&age), "{age}");
    assert_eq!(
        value(&scrape, "cordtrace_logins_failed_total", &[]),
        Some(1.0),
        "{text}"
    );
    let open = value(
        &scrape,
        "cordtrace_db_pool_connections",
        &[("state", "idle")],
    )
    .expect("idle connections");
    let in_use = value(
        &scrape,
        "cordtrace_db_pool_connections",
        &[("state", "in_use")],
    )
    .expect("connections in use");
    assert!(open + in_use >= 1.0, "{text}");
    server.finish().await;
}
