//! `cordtrace seed-demo` as someone trying cordtrace uses it: the built binary seeds an empty
//! installation, prints (with `--json`) the address, users, next steps and bedside scans, and a
//! server on that database then shows what was promised over the real API, with a ledger that
//! verifies; a second seed, and a seed while the SQLite database is in use, are refused and
//! write nothing.
//!
//! Every command runs with a cleared environment in a temporary working directory, on SQLite or
//! on PostgreSQL when `TEST_POSTGRES_URL` is set.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::{DateTime, Duration, Utc};
use cordtrace_domain::Role;
use cordtrace_tests::{TestDatabase, TestServer, test_settings};
use sea_orm::ConnectionTrait as _;
use serde_json::{Value, json};

/// Runs the binary on `database` with its data directory (signing key) in `data_dir`.
fn cordtrace(dir: &Path, database_url: &str, data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cordtrace"))
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("CORDTRACE_LOG_LEVEL", "warn")
        .env("CORDTRACE_DATABASE_URL", database_url)
        .env("CORDTRACE_DATA_DIR", data_dir)
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

/// The standard error of a run that must fail.
fn refusal(output: &Output) -> String {
    assert!(
        !output.status.success(),
        "expected a refusal\nstdout: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn text(value: &Value) -> &str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("expected a string, got {value}"))
}

fn time(value: &Value) -> DateTime<Utc> {
    text(value)
        .parse()
        .unwrap_or_else(|error| panic!("{value} is not a time: {error}"))
}

async fn ledger_size(database_url: &str) -> i64 {
    let db = sea_orm::Database::connect(database_url)
        .await
        .expect("the database opens");
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM ledger_entry",
        ))
        .await
        .expect("the ledger is counted")
        .expect("a row");
    let count = row.try_get("", "n").expect("a count");
    db.close().await.expect("the database closes");
    count
}

/// The SQLite file of a `sqlite://` URL.
fn sqlite_file(database_url: &str) -> PathBuf {
    let path = database_url
        .strip_prefix("sqlite://")
        .expect("a SQLite URL");
    PathBuf::from(path.split_once('?').map_or(path, |(path, _)| path))
}

/// The user `username` of the report, with the password to sign in.
fn password<'a>(report: &'a Value, username: &str) -> &'a str {
    let user = report["users"]
        .as_array()
        .expect("users")
        .iter()
        .find(|user| user["username"] == username)
        .unwrap_or_else(|| panic!("no user {username} in {report}"));
    text(&user["password"])
}

/// The id of the demo patient named `name`.
fn patient_id<'a>(report: &'a Value, name: &str) -> &'a str {
    let patient = report["patients"]
        .as_array()
        .expect("patients")
        .iter()
        .find(|patient| patient["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {report}"));
    text(&patient["id"])
}

#[tokio::test]
async fn the_demo_gives_every_role_a_next_step_on_a_plausible_history() {
    let database = TestDatabase::create().await.expect("a test database");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = database.url().to_owned();
    let data_dir = database.data_dir();

    let printed = stdout(&cordtrace(
        dir.path(),
        &url,
        &data_dir,
        &["seed-demo", "--json"],
    ));
    let report: Value = serde_json::from_str(&printed)
        .unwrap_or_else(|error| panic!("stdout is one JSON object ({error}): {printed}"));
    assert_eq!(report["url"], "http://127.0.0.1:8080/");
    let users = report["users"].as_array().expect("users");
    assert_eq!(users.len(), 9, "{report}");
    for role in Role::ALL {
        let user = users
            .iter()
            .find(|user| user["role"] == role.as_str())
            .unwrap_or_else(|| panic!("no {role:?} in {report}"));
        assert!(text(&user["password"]).len() >= 20, "{user}");
        assert!(text(&user["nextStep"]).starts_with("open "), "{user}");
    }
    let bedside = &report["bedside"];
    let barcodes = bedside["unitBarcodes"].as_array().expect("barcodes");
    assert_eq!(barcodes.len(), 3, "DIN, product code, expiry: {bedside}");
    let clinician_step = users
        .iter()
        .find(|user| user["username"] == "clinician.demo")
        .map(|user| text(&user["nextStep"]))
        .expect("the clinician");
    for scan in barcodes.iter().chain([&bedside["wristband"]]) {
        assert!(clinician_step.contains(text(scan)), "{clinician_step}");
    }

    // The server signs with the key the seed made: both use the database's data directory.
    let settings = test_settings(&database);
    let server = TestServer::start_on(database, settings).await;
    let clinician = server
        .login("clinician.demo", password(&report, "clinician.demo"))
        .await;
    let qa = server.login("qa.demo", password(&report, "qa.demo")).await;

    // Patient B: the printed scans, as a scanner delivers them, say OK to infuse.
    let checked = server
        .gql(
            Some(&clinician),
            "mutation($u: [String!]!, $p: String!) { bedsideCheck(unitScans: $u, \
             patientScan: $p) { ok codes facts { unitId patientId patientKey } } }",
            json!({ "u": barcodes, "p": bedside["wristband"] }),
        )
        .await;
    let checked = &checked.data()["bedsideCheck"];
    assert_eq!(checked["ok"], true, "{checked}");
    assert_eq!(checked["facts"]["unitId"], bedside["unitId"]);
    assert_eq!(checked["facts"]["patientId"], bedside["patientId"]);
    assert_eq!(checked["facts"]["patientKey"], bedside["patientKey"]);
    assert_eq!(
        text(&bedside["patientId"]),
        patient_id(&report, "Demo Patient B")
    );

    // Patient A: treated once, seen three times, one adverse event; the 6-month visit is due.
    let read = server
        .gql(
            Some(&qa),
            "query($id: UUID!) { patient(id: $id) { administrations { id startedAt } \
             visits { id visitedOn } adverseEvents { id grade serious } \
             followUps { months state } } }",
            json!({ "id": patient_id(&report, "Demo Patient A") }),
        )
        .await;
    let patient_a = &read.data()["patient"];
    assert_eq!(
        patient_a["administrations"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(patient_a["visits"].as_array().map(Vec::len), Some(3));
    assert_eq!(patient_a["adverseEvents"].as_array().map(Vec::len), Some(1));
    assert_eq!(patient_a["adverseEvents"][0]["grade"], 1);
    assert_eq!(patient_a["adverseEvents"][0]["serious"], false);
    let state = |months: i64| {
        patient_a["followUps"]
            .as_array()
            .expect("follow-ups")
            .iter()
            .find(|follow_up| follow_up["months"] == months)
            .map(|follow_up| text(&follow_up["state"]).to_owned())
    };
    assert_eq!(state(3).as_deref(), Some("DONE"), "{patient_a}");
    assert_eq!(state(6).as_deref(), Some("DUE"), "{patient_a}");
    assert_eq!(state(12).as_deref(), Some("UPCOMING"), "{patient_a}");
    let infused = time(&patient_a["administrations"][0]["startedAt"]);
    assert!(Utc::now() - infused > Duration::days(180), "{patient_a}");

    // Patient C: an active order, no unit.
    let read = server
        .gql(
            Some(&qa),
            "query($id: UUID!) { patient(id: $id) { orders { status allocations { unitId } } \
             administrations { id } } }",
            json!({ "id": patient_id(&report, "Demo Patient C") }),
        )
        .await;
    let patient_c = &read.data()["patient"];
    assert_eq!(patient_c["orders"].as_array().map(Vec::len), Some(1));
    assert_eq!(patient_c["orders"][0]["status"], "ACTIVE");
    assert_eq!(patient_c["orders"][0]["allocations"], json!([]));

    // The lot: released, every result read after its fill, sterility days after inoculation.
    let read = server
        .gql(
            Some(&qa),
            "query($id: UUID!) { lot(id: $id) { status } units(lotId: $id) { filledAt status } \
             certificateOfAnalysis(lotId: $id) { tests { code results { testedAt } } } }",
            json!({ "id": report["lot"]["id"] }),
        )
        .await;
    let lot = read.data();
    assert_eq!(lot["lot"]["status"], "RELEASED");
    let units = lot["units"].as_array().expect("units");
    assert_eq!(units.len(), 6, "{lot}");
    let filled = units
        .iter()
        .map(|unit| time(&unit["filledAt"]))
        .max()
        .expect("a fill");
    let tests = lot["certificateOfAnalysis"]["tests"]
        .as_array()
        .expect("tests");
    assert_eq!(tests.len(), 15, "{lot}");
    for test in tests {
        let results = test["results"].as_array().expect("results");
        assert_eq!(results.len(), 1, "{test}");
        let tested = time(&results[0]["testedAt"]);
        assert!(tested > filled, "{test} before the fill at {filled}");
        if test["code"] == "STERILITY" {
            assert!(tested - filled >= Duration::days(7), "{test}");
        }
    }

    let mut server = server;
    server.stop().await;
    let verified = stdout(&cordtrace(
        dir.path(),
        &url,
        &data_dir,
        &["ledger", "verify"],
    ));
    assert!(verified.starts_with("ledger verified"), "{verified}");
    server.finish().await;
}

#[tokio::test]
async fn a_second_seed_is_refused_and_writes_nothing() {
    let database = TestDatabase::create().await.expect("a test database");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = database.url().to_owned();
    let data_dir = database.data_dir();

    let seeded = stdout(&cordtrace(dir.path(), &url, &data_dir, &["seed-demo"]));
    assert!(seeded.contains("clinician.demo"), "{seeded}");
    let size = ledger_size(&url).await;
    assert!(size > 100, "{size} entries");

    let again = refusal(&cordtrace(dir.path(), &url, &data_dir, &["seed-demo"]));
    assert!(
        again.contains(&format!(
            "this installation already has {size} ledger entries; seed-demo seeds an empty one"
        )),
        "{again}"
    );
    assert_eq!(ledger_size(&url).await, size);
    database.drop_database().await.expect("dropped");
}

#[tokio::test]
async fn a_seed_is_refused_while_the_sqlite_database_is_in_use() {
    let database = TestDatabase::create().await.expect("a test database");
    if database.is_postgres() {
        // PostgreSQL has no lock file: the empty-ledger check guards it.
        database.drop_database().await.expect("dropped");
        return;
    }
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = database.url().to_owned();
    let data_dir = database.data_dir();
    let file = sqlite_file(&url);
    let mut lock_name = file.clone().into_os_string();
    lock_name.push(".lock");

    // Another process's lock, as `cordtrace serve` holds it.
    let held = File::create(&lock_name).expect("the lock file opens");
    held.try_lock().expect("the lock is free");
    let refused = refusal(&cordtrace(dir.path(), &url, &data_dir, &["seed-demo"]));
    assert!(
        refused.contains(&format!(
            "a cordtrace server is using {}; stop it before seeding (seed-demo must be the \
             only writer of a new installation)",
            file.display()
        )),
        "{refused}"
    );
    assert!(!file.exists(), "the refused seed opened no database");
    drop(held);

    // A real server on it.
    let settings = test_settings(&database);
    let mut server = TestServer::start_on(database, settings).await;
    let refused = refusal(&cordtrace(dir.path(), &url, &data_dir, &["seed-demo"]));
    assert!(refused.contains("a cordtrace server is using"), "{refused}");
    assert_eq!(server.ledger_entry_count().await, 0);
    server.stop().await;
    let seeded = stdout(&cordtrace(dir.path(), &url, &data_dir, &["seed-demo"]));
    assert!(seeded.contains("clinician.demo"), "{seeded}");
    server.finish().await;
}
