//! The release part of the `cordtrace` binary: `spec import-default` (once, then a no-op),
//! `spec list`, and `seed-demo`, whose drug product lot is tested and released (one of its
//! units since given to a patient) and whose ledger then verifies against the database (replay
//! included).
//!
//! Every command runs with a cleared environment in a temporary working directory, on SQLite or
//! on PostgreSQL when `TEST_POSTGRES_URL` is set.

use std::path::Path;
use std::process::{Command, Output};

use cordtrace_tests::TestDatabase;
use sea_orm::ConnectionTrait as _;

fn cordtrace(dir: &Path, database_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cordtrace"))
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("CORDTRACE_LOG_LEVEL", "warn")
        .env("CORDTRACE_DATABASE_URL", database_url)
        .args(args)
        .output()
        .expect("cordtrace runs")
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn the_default_specification_imports_once() {
    let database = TestDatabase::create().await.expect("a test database");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = database.url().to_owned();

    let first = stdout(&cordtrace(dir.path(), &url, &["spec", "import-default"]));
    assert!(
        first.starts_with("imported the default DRUG_PRODUCT specification v1"),
        "{first}"
    );
    let again = stdout(&cordtrace(dir.path(), &url, &["spec", "import-default"]));
    assert!(again.contains("already defined"), "{again}");
    let listed = stdout(&cordtrace(dir.path(), &url, &["spec", "list"]));
    assert_eq!(listed.lines().count(), 1, "{listed}");
    assert!(
        listed.contains("DRUG_PRODUCT") && listed.contains("15 tests"),
        "{listed}"
    );

    database.drop_database().await.expect("dropped");
}

#[tokio::test]
async fn the_seeded_release_verifies() {
    let database = TestDatabase::create().await.expect("a test database");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = database.url().to_owned();

    // seed-demo seeds an empty installation only, so it comes first and imports the default.
    let seeded = stdout(&cordtrace(dir.path(), &url, &["seed-demo"]));
    assert!(seeded.contains("analyst.demo"), "{seeded}");
    let again = stdout(&cordtrace(dir.path(), &url, &["spec", "import-default"]));
    assert!(again.contains("already defined"), "{again}");
    let verified = stdout(&cordtrace(dir.path(), &url, &["ledger", "verify"]));
    assert!(!verified.is_empty());

    let db = sea_orm::Database::connect(url.as_str())
        .await
        .expect("the database opens");
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT (SELECT COUNT(*) FROM disposition WHERE decision = 'RELEASE') AS released, \
             (SELECT COUNT(*) FROM unit WHERE status = 'RELEASED') AS units, \
             (SELECT COUNT(*) FROM test_result) AS results",
        ))
        .await
        .expect("the counts run")
        .expect("a row");
    let counts: (i64, i64, i64) = (
        row.try_get("", "released").expect("a count"),
        row.try_get("", "units").expect("a count"),
        row.try_get("", "results").expect("a count"),
    );
    db.close().await.expect("the database closes");
    // Six units: one administered to Demo Patient A, five still RELEASED.
    assert_eq!(counts, (1, 5, 15));
    database.drop_database().await.expect("dropped");
}
