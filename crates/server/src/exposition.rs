//! What `/metrics` exposes, in the Prometheus text format: every metric described once (its
//! `# HELP`; the exporter adds `# TYPE`), the process's own metrics (CPU, memory, open files,
//! start time), the build, and the gauges a scrape computes: the age of the latest signed
//! checkpoint and the database pool's connections.
//!
//! The ledger's size is kept by the executor as it appends (no query per scrape; a database
//! shared by several processes counts what this process last saw). The checkpoint's age is
//! read from the database, one row, so that it is right whichever process signed.

use std::sync::OnceLock;

use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use metrics_process::Collector;

use cordtrace_store::Executor;
use cordtrace_store::executor::LEDGER_ENTRIES_GAUGE;

/// Request latency buckets in seconds, from a cache hit to a slow verification.
const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// The process-wide Prometheus recorder, with every metric described; the `metrics` facade
/// allows only one recorder.
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets(&LATENCY_BUCKETS)
                .map(PrometheusBuilder::build_recorder)
                .unwrap_or_else(|_| PrometheusBuilder::new().build_recorder());
            let handle = recorder.handle();
            // Fails only if another recorder is installed, in which case ours just goes unused.
            let _ = metrics::set_global_recorder(recorder);
            describe();
            handle
        })
        .clone()
}

/// The process collector, made once: it remembers what it read at the last scrape.
fn process_collector() -> &'static Collector {
    static COLLECTOR: OnceLock<Collector> = OnceLock::new();
    COLLECTOR.get_or_init(|| {
        let collector = Collector::default();
        collector.describe();
        collector
    })
}

/// The help text of every cordtrace metric, whichever crate records it.
fn describe() {
    describe_gauge!(
        "cordtrace_build_info",
        "The running build: always 1, its version in the label."
    );
    describe_counter!(
        "cordtrace_http_requests_total",
        "HTTP requests answered, by matched route, method and status."
    );
    describe_histogram!(
        "cordtrace_http_request_seconds",
        Unit::Seconds,
        "Time to answer an HTTP request, by matched route and method."
    );
    describe_counter!(
        "cordtrace_http_requests_shed_total",
        "HTTP requests refused with 503 because too many were in flight."
    );
    describe_counter!(
        "cordtrace_graphql_requests_total",
        "GraphQL requests over HTTP, by root field and outcome (ok, error, rejected)."
    );
    describe_histogram!(
        "cordtrace_graphql_request_seconds",
        Unit::Seconds,
        "Time to execute a GraphQL request over HTTP, by root field."
    );
    describe_counter!(
        "cordtrace_commands_total",
        "Commands run by the executor, by command and outcome (committed, refused, failed)."
    );
    describe_histogram!(
        "cordtrace_command_seconds",
        Unit::Seconds,
        "Time from queueing a command to its commit or refusal, by command."
    );
    describe_gauge!(
        LEDGER_ENTRIES_GAUGE,
        "Entries in the ledger, as this process last appended or read them."
    );
    describe_counter!(
        "cordtrace_ledger_verifications_total",
        "Whole-ledger verifications run through the API (verifyLedger), by result (ok, failed)."
    );
    describe_gauge!(
        "cordtrace_checkpoint_age_seconds",
        Unit::Seconds,
        "Time since the latest signed checkpoint; absent while none exists."
    );
    describe_gauge!(
        "cordtrace_checkpoint_size",
        "Entries covered by the latest signed checkpoint."
    );
    describe_counter!(
        "cordtrace_checkpoint_signing_failures_total",
        "Checkpoint signing attempts of this process's signer that failed."
    );
    describe_counter!(
        "cordtrace_logins_failed_total",
        "Sign-ins refused (unknown user, wrong password, locked or deactivated account)."
    );
    describe_counter!(
        "cordtrace_signatures_rejected_total",
        "Electronic signatures refused because the password was not accepted."
    );
    describe_counter!(
        "cordtrace_accounts_locked_total",
        "Accounts locked by too many failed sign-ins or signatures."
    );
    describe_gauge!(
        "cordtrace_db_pool_connections",
        "Database pool connections, by state (in_use, idle)."
    );
    metrics::gauge!("cordtrace_build_info", "version" => env!("CARGO_PKG_VERSION")).set(1.0);
}

/// Brings the gauges a scrape computes up to date, then renders every metric.
pub async fn scrape(handle: &PrometheusHandle, executor: &Executor) -> String {
    process_collector().collect();
    let database = executor.database();
    let pool = database.pool_usage();
    metrics::gauge!("cordtrace_db_pool_connections", "state" => "in_use")
        .set(f64::from(pool.in_use()));
    metrics::gauge!("cordtrace_db_pool_connections", "state" => "idle").set(f64::from(pool.idle));
    ledger_size_once(executor).await;
    match cordtrace_store::ledger::checkpoints::latest(executor.database()).await {
        Ok(Some(checkpoint)) => {
            metrics::gauge!("cordtrace_checkpoint_size").set(checkpoint.size as f64);
            match age_seconds(&checkpoint.signed_at) {
                Some(age) => metrics::gauge!("cordtrace_checkpoint_age_seconds").set(age),
                None => tracing::warn!(
                    signed_at = %checkpoint.signed_at,
                    "metrics: the latest checkpoint's time does not parse"
                ),
            }
        }
        Ok(None) => {}
        Err(error) => tracing::warn!(%error, "metrics: could not read the latest checkpoint"),
    }
    handle.render()
}

/// Sets the ledger's size from the database at the first scrape, before this process has
/// appended anything; afterwards the executor keeps it.
async fn ledger_size_once(executor: &Executor) {
    static READ: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    READ.get_or_init(|| async {
        match cordtrace_store::ledger::size(executor.database()).await {
            Ok(entries) => metrics::gauge!(LEDGER_ENTRIES_GAUGE).set(entries as f64),
            Err(error) => tracing::warn!(%error, "metrics: could not read the ledger size"),
        }
    })
    .await;
}

/// Seconds from `signed_at` (RFC 3339) to now.
fn age_seconds(signed_at: &str) -> Option<f64> {
    let signed_at = chrono::DateTime::parse_from_rfc3339(signed_at).ok()?;
    let age = chrono::Utc::now().signed_duration_since(signed_at);
    Some(age.num_milliseconds() as f64 / 1000.0)
}
