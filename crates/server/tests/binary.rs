//! The real `cordtrace` binary: migrations, the schema, `serve` and its shutdown on SIGTERM,
//! `users add`, and configuration precedence (defaults, file, environment, flags).
//!
//! Every command runs with a cleared environment in a temporary working directory. Commands that
//! touch a database run on SQLite, or on PostgreSQL when `TEST_POSTGRES_URL` is set.

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use cordtrace_tests::TestDatabase;

const PASSWORD: &str = "a long passphrase for the binary";

/// `cordtrace` in `dir` with nothing of the test's environment but `PATH`.
fn cordtrace(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cordtrace"));
    command
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("CORDTRACE_LOG_LEVEL", "warn");
    command
}

/// Runs `command` with `stdin` as its standard input.
fn run(command: &mut Command, stdin: &str) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cordtrace starts");
    child
        .stdin
        .take()
        .expect("a stdin pipe")
        .write_all(stdin.as_bytes())
        .expect("stdin is written");
    child.wait_with_output().expect("cordtrace ends")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        output.status.code(),
        stdout(output),
        stderr(output)
    );
}

/// The names of the migrations in the migrations crate, in order.
fn migration_names() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../migrations/src");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("the migrations directory")
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            let stem = name.strip_suffix(".rs")?;
            (stem.starts_with('m') && stem.len() > 16).then(|| stem.to_owned())
        })
        .collect();
    names.sort();
    assert!(!names.is_empty());
    names
}

/// `migrate --status` output for every migration in `state`.
fn status_lines(state: &str) -> Vec<String> {
    migration_names()
        .into_iter()
        .map(|name| format!("{state:8} {name}"))
        .collect()
}

fn lines(output: &Output) -> Vec<String> {
    stdout(output).lines().map(str::to_owned).collect()
}

#[test]
fn migrate_in_an_empty_directory_creates_the_sqlite_database_and_applies_every_migration() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let output = run(cordtrace(dir.path()).args(["migrate", "--status"]), "");
    assert_success(&output);
    assert_eq!(lines(&output), status_lines("pending"));

    assert_success(&run(cordtrace(dir.path()).arg("migrate"), ""));
    let database = dir.path().join("cordtrace-data/cordtrace.db");
    let header = std::fs::read(&database).expect("./cordtrace-data/cordtrace.db exists");
    assert!(header.starts_with(b"SQLite format 3\0"));
    // File format versions 2 and 2 mean the database is in WAL mode.
    assert_eq!((header[18], header[19]), (2, 2), "WAL mode");

    let output = run(cordtrace(dir.path()).args(["migrate", "--status"]), "");
    assert_success(&output);
    assert_eq!(lines(&output), status_lines("applied"));
}

#[tokio::test]
async fn migrate_uses_the_configured_database() {
    let database = TestDatabase::create().await.expect("a test database");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let output = run(
        cordtrace(dir.path()).args(["migrate", "--status", "--database-url", database.url()]),
        "",
    );
    assert_success(&output);
    assert_eq!(lines(&output), status_lines("pending"));
    let migrate = run(
        cordtrace(dir.path())
            .arg("migrate")
            .env("CORDTRACE_DATABASE_URL", database.url()),
        "",
    );
    assert_success(&migrate);
    let output = run(
        cordtrace(dir.path())
            .args(["migrate", "--status"])
            .env("CORDTRACE_DATABASE_URL", database.url()),
        "",
    );
    assert_eq!(lines(&output), status_lines("applied"));
    assert!(
        !dir.path().join("cordtrace-data/cordtrace.db").exists(),
        "the configured database was used, not the default one"
    );
    database.drop_database().await.expect("dropped");
}

#[test]
fn schema_prints_schema_graphql_without_a_database() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let output = run(cordtrace(dir.path()).arg("schema"), "");
    assert_success(&output);
    let committed = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema.graphql"),
    )
    .expect("schema.graphql");
    assert_eq!(stdout(&output), committed);
    assert!(!dir.path().join("cordtrace-data").exists());
}

#[tokio::test]
async fn users_add_reads_the_password_from_standard_input_never_from_the_command_line() {
    let database = TestDatabase::create().await.expect("a test database");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let cordtrace = || {
        let mut command = cordtrace(dir.path());
        command.env("CORDTRACE_DATABASE_URL", database.url());
        command
    };
    let add = [
        "users",
        "add",
        "--username",
        "tech.one",
        "--name",
        "Tina Tech",
    ];

    let on_the_command_line = run(
        cordtrace()
            .args(add)
            .args(["--role", "technician", "--password", PASSWORD]),
        "",
    );
    assert_eq!(on_the_command_line.status.code(), Some(2));
    assert!(stderr(&on_the_command_line).contains("--password"));
    assert!(!stderr(&on_the_command_line).contains(PASSWORD));
    assert!(!stdout(&on_the_command_line).contains(PASSWORD));

    let empty = run(cordtrace().args(add).args(["--role", "technician"]), "");
    assert!(!empty.status.success());
    assert!(
        stderr(&empty).contains("no password given"),
        "{}",
        stderr(&empty)
    );
    let short = run(
        cordtrace().args(add).args(["--role", "technician"]),
        "short\n",
    );
    assert!(!short.status.success());
    let list = run(cordtrace().args(["users", "list"]), "");
    assert_success(&list);
    assert_eq!(stdout(&list), "", "refused additions added nobody");

    let added = run(
        cordtrace()
            .args(add)
            .args(["--role", "technician", "--role", "analyst"]),
        &format!("{PASSWORD}\n"),
    );
    assert_success(&added);
    assert!(stdout(&added).starts_with("added user tech.one ("));
    let from_environment = run(
        cordtrace()
            .args(["users", "add", "--username", "qa.one", "--name", "Quinn QA"])
            .args(["--role", "qa"])
            .env("CORDTRACE_PASSWORD", PASSWORD),
        "",
    );
    assert_success(&from_environment);

    let list = run(cordtrace().args(["users", "list"]), "");
    assert_success(&list);
    let rows: Vec<Vec<String>> = stdout(&list)
        .lines()
        .map(|line| line.split('\t').skip(1).map(str::to_owned).collect())
        .collect();
    assert_eq!(
        rows,
        [
            ["qa.one", "Quinn QA", "qa", "active"],
            ["tech.one", "Tina Tech", "technician,analyst", "active"],
        ]
    );
    for output in [&added, &from_environment, &list] {
        assert!(!stdout(output).contains(PASSWORD) && !stderr(output).contains(PASSWORD));
    }
    database.drop_database().await.expect("dropped");
}

/// A `cordtrace serve` child whose standard error is collected line by line.
struct Served {
    child: Child,
    lines: std::sync::mpsc::Receiver<String>,
    log: Vec<String>,
}

impl Served {
    fn spawn(command: &mut Command) -> Self {
        let mut child = command
            .arg("serve")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cordtrace serve starts");
        let stderr = child.stderr.take().expect("a stderr pipe");
        let (sender, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Self {
            child,
            lines,
            log: Vec::new(),
        }
    }

    /// Reads the log until the line saying where the server listens.
    fn address(&mut self) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            let Ok(line) = self.lines.recv_timeout(left) else {
                break;
            };
            self.log.push(line.clone());
            let Ok(event) = serde_json::from_str::<serde_json::Value>(&line) else {
                panic!("a log line that is not JSON: {line}");
            };
            if event["message"] == "cordtrace is serving" {
                return event["addr"].as_str().expect("an addr field").to_owned();
            }
        }
        panic!(
            "the server never said it was serving:\n{}",
            self.log.join("\n")
        );
    }

    /// Sends `signal` (`TERM`, `INT`) and waits for the exit; returns the whole log.
    fn signal(mut self, signal: &str) -> (std::process::ExitStatus, String) {
        let killed = Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(killed.success());
        let deadline = Instant::now() + Duration::from_secs(20);
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("the child can be polled") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("cordtrace serve did not stop on SIG{signal}");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        self.log.extend(self.lines.iter());
        (status, self.log.join("\n"))
    }
}

#[tokio::test]
async fn serve_answers_and_exits_zero_on_sigterm() {
    let database = TestDatabase::create().await.expect("a test database");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let configured = || {
        let mut command = cordtrace(dir.path());
        command
            .env("CORDTRACE_DATABASE_URL", database.url())
            .env("CORDTRACE_LISTEN", "127.0.0.1:0")
            .env("CORDTRACE_LOG_FORMAT", "json")
            .env("CORDTRACE_LOG_LEVEL", "debug");
        command
    };
    assert_success(&run(
        configured().args([
            "users",
            "add",
            "--username",
            "admin.one",
            "--name",
            "Ada Admin",
            "--role",
            "admin",
        ]),
        &format!("{PASSWORD}\n"),
    ));

    let mut served = Served::spawn(&mut configured());
    let addr = served.address();
    let client = reqwest::Client::new();
    let health = client
        .get(format!("http://{addr}/healthz"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(health.status().as_u16(), 200);
    let login: serde_json::Value = client
        .post(format!("http://{addr}/graphql"))
        .header("content-type", "application/json")
        .body(
            serde_json::json!({
                "query": "mutation($p: String!) { login(username: \"admin.one\", password: $p) { token } }",
                "variables": { "p": PASSWORD },
            })
            .to_string(),
        )
        .send()
        .await
        .expect("an answer")
        .json()
        .await
        .expect("JSON");
    let token = login["data"]["login"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("a token: {login}"))
        .to_owned();
    let me: serde_json::Value = client
        .post(format!("http://{addr}/graphql"))
        .header("content-type", "application/json")
        .bearer_auth(&token)
        .body(r#"{ "query": "{ me { printedName } }" }"#)
        .send()
        .await
        .expect("an answer")
        .json()
        .await
        .expect("JSON");
    assert_eq!(me["data"]["me"]["printedName"], "Ada Admin");
    // Bad input is answered, and leaves no panic in the log (checked below).
    for (content_type, body) in [
        ("application/json", "not json"),
        ("application/json", r#"{ "query": "{ nope }" }"#),
        ("application/json", r#"{ "query": "mutation { login(" }"#),
        ("text/plain", r#"{ "query": "{ __typename }" }"#),
    ] {
        let status = client
            .post(format!("http://{addr}/graphql"))
            .header("content-type", content_type)
            .header("accept", "application/graphql-response+json")
            .body(body)
            .send()
            .await
            .expect("an answer")
            .status();
        assert!(status.is_client_error(), "{body}: {status}");
    }

    let (status, log) = served.signal("TERM");
    assert_eq!(status.code(), Some(0), "{log}");
    assert!(log.contains("\"stopped\""), "{log}");
    assert!(!log.contains("panicked"), "{log}");
    assert!(!log.contains(PASSWORD), "the password is in the log");
    assert!(!log.contains(&token), "the token is in the log");
    assert!(!log.contains("$argon2"), "a password hash is in the log");
    assert!(
        std::net::TcpStream::connect(&addr).is_err(),
        "the port is closed"
    );
    database.drop_database().await.expect("dropped");
}

#[test]
fn configuration_precedence_is_defaults_then_file_then_environment_then_flags() {
    /// Runs `migrate` with `adjust` in a fresh directory holding a configuration file and
    /// returns which of the candidate data directories it created.
    fn data_dir_used(adjust: impl FnOnce(&mut Command)) -> Vec<&'static str> {
        let dir = tempfile::tempdir().expect("a temporary directory");
        std::fs::write(
            dir.path().join("cordtrace.toml"),
            "data_dir = \"from-file\"\nlog_level = \"warn\"\n",
        )
        .expect("the file is written");
        let mut command = cordtrace(dir.path());
        command.arg("migrate");
        adjust(&mut command);
        assert_success(&run(&mut command, ""));
        ["cordtrace-data", "from-file", "from-env", "from-flag"]
            .into_iter()
            .filter(|candidate| dir.path().join(candidate).join("cordtrace.db").exists())
            .collect()
    }

    assert_eq!(data_dir_used(|_| {}), ["cordtrace-data"]);
    assert_eq!(
        data_dir_used(|command| {
            command.args(["--config", "cordtrace.toml"]);
        }),
        ["from-file"]
    );
    assert_eq!(
        data_dir_used(|command| {
            command.env("CORDTRACE_CONFIG", "cordtrace.toml");
        }),
        ["from-file"]
    );
    assert_eq!(
        data_dir_used(|command| {
            command
                .args(["--config", "cordtrace.toml"])
                .env("CORDTRACE_DATA_DIR", "from-env");
        }),
        ["from-env"]
    );
    assert_eq!(
        data_dir_used(|command| {
            command
                .args(["--config", "cordtrace.toml", "--data-dir", "from-flag"])
                .env("CORDTRACE_DATA_DIR", "from-env");
        }),
        ["from-flag"]
    );

    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(dir.path().join("bad.toml"), "data_dri = \"typo\"\n").expect("written");
    let refused = run(
        cordtrace(dir.path()).args(["migrate", "--config", "bad.toml"]),
        "",
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("data_dri"),
        "{}",
        stderr(&refused)
    );
    let bad_environment = run(
        cordtrace(dir.path())
            .arg("migrate")
            .env("CORDTRACE_LOCKOUT_FAILURES", "many"),
        "",
    );
    assert_eq!(bad_environment.status.code(), Some(2));
    assert!(!dir.path().join("cordtrace-data").exists());
}

#[test]
fn serve_with_no_configuration_uses_sqlite_in_cordtrace_data_and_stops_on_sigint() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    // Only the port is configured, so that tests do not fight over 8080.
    let mut served = Served::spawn(
        cordtrace(dir.path())
            .env("CORDTRACE_LISTEN", "127.0.0.1:0")
            .env("CORDTRACE_LOG_FORMAT", "json")
            .env("CORDTRACE_LOG_LEVEL", "info"),
    );
    let addr = served.address();
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    let data = dir.path().join("cordtrace-data");
    assert!(data.join("cordtrace.db").exists());
    assert!(data.join("ledger-signing.key").exists());
    let (status, log) = served.signal("INT");
    assert_eq!(status.code(), Some(0), "{log}");
    let output = run(cordtrace(dir.path()).args(["migrate", "--status"]), "");
    assert_eq!(
        lines(&output),
        status_lines("applied"),
        "serve migrated the database that migrate sees"
    );
}

/// `query` with `variables` as `token`, over `client`; the answer and its `x-request-id`.
async fn graphql(
    client: &reqwest::Client,
    addr: &str,
    token: Option<&str>,
    request_id: Option<&str>,
    query: &str,
    variables: serde_json::Value,
) -> (serde_json::Value, String) {
    let mut request = client
        .post(format!("http://{addr}/graphql"))
        .header("content-type", "application/json")
        .body(serde_json::json!({ "query": query, "variables": variables }).to_string());
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(id) = request_id {
        request = request.header("x-request-id", id);
    }
    let response = request.send().await.expect("an answer");
    let id = response
        .headers()
        .get("x-request-id")
        .and_then(|id| id.to_str().ok())
        .expect("an x-request-id")
        .to_owned();
    (response.json().await.expect("JSON"), id)
}

#[tokio::test]
async fn serve_logs_every_request_with_its_id_user_and_operation_and_no_personal_data() {
    let database = TestDatabase::create().await.expect("a test database");
    let dir = tempfile::tempdir().expect("a temporary directory");
    // The default filter, as an operator who sets nothing gets it.
    let configured = || {
        let mut command = cordtrace(dir.path());
        command
            .env_remove("CORDTRACE_LOG_LEVEL")
            .env("CORDTRACE_DATABASE_URL", database.url())
            .env("CORDTRACE_LISTEN", "127.0.0.1:0")
            .env("CORDTRACE_LOG_FORMAT", "json");
        command
    };
    for (username, role) in [("clin.log", "clinician"), ("tech.log", "technician")] {
        assert_success(&run(
            configured().args([
                "users",
                "add",
                "--username",
                username,
                "--name",
                "Invented Staff Member",
                "--role",
                role,
            ]),
            &format!("{PASSWORD}\n"),
        ));
    }
    let mut served = Served::spawn(&mut configured());
    let addr = served.address();
    let client = reqwest::Client::new();
    let login = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token user { id } } }";
    let signed_in = |answer: &serde_json::Value| {
        (
            answer["data"]["login"]["token"]
                .as_str()
                .unwrap_or_else(|| panic!("a token: {answer}"))
                .to_owned(),
            answer["data"]["login"]["user"]["id"]
                .as_str()
                .expect("an id")
                .to_owned(),
        )
    };
    let (answer, _) = graphql(
        &client,
        &addr,
        None,
        None,
        login,
        serde_json::json!({ "u": "clin.log", "p": PASSWORD }),
    )
    .await;
    let (clinician, clinician_id) = signed_in(&answer);
    let (answer, _) = graphql(
        &client,
        &addr,
        None,
        None,
        login,
        serde_json::json!({ "u": "tech.log", "p": PASSWORD }),
    )
    .await;
    let (technician, technician_id) = signed_in(&answer);

    // Personal data entered by a clinician and a technician, under a request id of the client's.
    let personal = [
        "Invented Patient Logline",
        "TEST-HRN-LOG9001",
        "1984-05-17",
        "Invented Donor Logline",
        "TEST-MRN-LOG9002",
        "invented.donor@example.test",
    ];
    let (registered, echoed) = graphql(
        &client,
        &addr,
        Some(&clinician),
        Some("trace-log-9001"),
        "mutation($p: PatientPersonalDataInput!) { registerPatient(personalData: $p) { key } }",
        serde_json::json!({ "p": {
            "fullName": personal[0],
            "hospitalRecordNumber": personal[1],
            "dateOfBirth": personal[2],
            "wristbandId": "LOG9001",
        }}),
    )
    .await;
    assert!(
        registered["data"]["registerPatient"]["key"].is_string(),
        "{registered}"
    );
    assert_eq!(
        echoed, "trace-log-9001",
        "the client's request id comes back"
    );
    let (donor, generated) = graphql(
        &client,
        &addr,
        Some(&technician),
        Some("not an acceptable id; it has spaces"),
        "mutation($p: DonorPersonalDataInput!) { registerDonor(personalData: $p) { id } }",
        serde_json::json!({ "p": {
            "fullName": personal[3],
            "hospitalRecordNumber": personal[4],
            "contact": personal[5],
        }}),
    )
    .await;
    assert!(donor["data"]["registerDonor"]["id"].is_string(), "{donor}");
    assert!(
        uuid::Uuid::parse_str(&generated).is_ok(),
        "an unacceptable id is replaced by a UUID: {generated}"
    );
    // A refusal and a failed sign-in.
    let (refused, _) = graphql(
        &client,
        &addr,
        Some(&technician),
        None,
        "{ patients { key } }",
        serde_json::json!({}),
    )
    .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{refused}"
    );
    graphql(
        &client,
        &addr,
        None,
        None,
        login,
        serde_json::json!({ "u": "clin.log", "p": "not the password at all" }),
    )
    .await;

    let (status, log) = served.signal("TERM");
    assert_eq!(status.code(), Some(0), "{log}");
    let events: Vec<serde_json::Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    let answered = |operation: &str| {
        events
            .iter()
            .find(|event| {
                event["message"] == "request answered" && event["span"]["operation"] == operation
            })
            .unwrap_or_else(|| panic!("no line for {operation}:\n{log}"))
    };
    let patient = answered("registerPatient");
    assert_eq!(patient["level"], "INFO");
    assert_eq!(patient["status"], 200);
    assert!(patient["latency_ms"].is_number(), "{patient}");
    assert_eq!(patient["span"]["method"], "POST");
    assert_eq!(patient["span"]["route"], "/graphql");
    assert_eq!(patient["span"]["operation_type"], "mutation");
    assert_eq!(patient["span"]["user_id"], clinician_id.as_str());
    assert_eq!(patient["span"]["request_id"], "trace-log-9001");
    let donor = answered("registerDonor");
    assert_eq!(donor["span"]["user_id"], technician_id.as_str());
    assert_eq!(donor["span"]["request_id"], generated.as_str());
    // Every line the refused request caused carries its id, the refusal among them.
    let refusal = events
        .iter()
        .find(|event| event["message"] == "refused" && event["code"] == "FORBIDDEN")
        .unwrap_or_else(|| panic!("no refusal line:\n{log}"));
    assert_eq!(refusal["span"]["user_id"], technician_id.as_str());
    assert!(refusal["span"]["request_id"].is_string(), "{refusal}");
    let failed = events
        .iter()
        .find(|event| event["message"] == "sign-in refused")
        .unwrap_or_else(|| panic!("no failed sign-in line:\n{log}"));
    assert_eq!(failed["user_id"], clinician_id.as_str());
    assert_eq!(failed["level"], "WARN");
    // Nothing a person typed about themselves or a patient, no secret, no colour escapes.
    for value in personal
        .iter()
        .copied()
        .chain([PASSWORD, clinician.as_str(), technician.as_str()])
    {
        assert!(!log.contains(value), "{value:?} is in the log:\n{log}");
    }
    assert!(
        !log.contains("Invented Staff Member"),
        "a name is in the log"
    );
    assert!(
        !log.contains('\u{1b}'),
        "colour escapes in a log that is not a terminal"
    );
    database.drop_database().await.expect("dropped");
}

#[test]
fn config_prints_the_effective_configuration_with_secrets_redacted_and_it_loads_back() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(
        dir.path().join("cordtrace.toml"),
        "facility_name = \"Invented Cell Therapy Facility\"\nthaw_window_minutes = 120\n",
    )
    .expect("the file is written");
    let shown = run(
        cordtrace(dir.path())
            .args(["config", "--config", "cordtrace.toml"])
            .env("CORDTRACE_FACILITY_TIME_ZONE", "Europe/Paris")
            .env("CORDTRACE_SIGNING_KEY", "PRIVATE+KEY+not-a-real-key")
            .env(
                "CORDTRACE_DATABASE_URL",
                "postgres://cordtrace:s3cret-password@db.invalid:5432/cordtrace",
            ),
        "",
    );
    assert_success(&shown);
    let text = stdout(&shown);
    for secret in ["not-a-real-key", "s3cret-password"] {
        assert!(!text.contains(secret), "{secret} shown:\n{text}");
    }
    assert!(text.contains("signing_key = \"<redacted>\""), "{text}");
    assert!(
        text.contains("postgres://cordtrace:***@db.invalid"),
        "{text}"
    );
    let values: toml::Table = text.parse().expect("TOML");
    assert_eq!(
        values["facility_name"].as_str(),
        Some("Invented Cell Therapy Facility")
    );
    assert_eq!(values["thaw_window_minutes"].as_integer(), Some(120));
    assert_eq!(values["facility_time_zone"].as_str(), Some("Europe/Paris"));
    assert!(
        values.contains_key("label_flags_reprints"),
        "every setting shown"
    );
    assert!(
        !dir.path().join("cordtrace-data").exists(),
        "config touches nothing"
    );

    // Without secrets, what it prints is a configuration file that gives the same.
    let plain = run(
        cordtrace(dir.path()).args(["config", "--config", "cordtrace.toml"]),
        "",
    );
    assert_success(&plain);
    std::fs::write(dir.path().join("effective.toml"), stdout(&plain)).expect("written");
    let again = run(
        cordtrace(dir.path()).args(["config", "--config", "effective.toml"]),
        "",
    );
    assert_success(&again);
    assert_eq!(stdout(&again), stdout(&plain));
}

#[test]
fn completions_and_the_manual_page_are_generated_even_with_a_broken_configuration() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let completions = run(
        cordtrace(dir.path())
            .args(["completions", "bash"])
            .env("CORDTRACE_LOCKOUT_FAILURES", "many"),
        "",
    );
    assert_success(&completions);
    let script = stdout(&completions);
    for word in [
        "cordtrace",
        "seed-demo",
        "ledger",
        "public-key",
        "--data-dir",
    ] {
        assert!(script.contains(word), "{word} in the bash completions");
    }
    let manual = run(
        cordtrace(dir.path())
            .arg("man")
            .env("CORDTRACE_LOCKOUT_FAILURES", "many"),
        "",
    );
    assert_success(&manual);
    let page = stdout(&manual);
    assert!(
        page.starts_with(".ie") || page.contains(".TH cordtrace"),
        "{page}"
    );
    assert!(page.contains("custody"), "the product described: {page}");
    assert!(!dir.path().join("cordtrace-data").exists());
}
