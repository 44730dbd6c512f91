//! The `cordtrace` binary as operators and auditors run it: `ledger export`, `public-key` and
//! `verify` (offline on a file, and against the database), every command on a new installation,
//! and three `cordtrace serve` processes writing to one PostgreSQL database.
//!
//! The database is SQLite unless `TEST_POSTGRES_URL` names a PostgreSQL server, where each test
//! creates a database of its own and drops it afterwards. The multi-process test needs
//! PostgreSQL and skips (with a note) without it.

use std::collections::HashSet;
use std::io::{BufRead as _, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cordtrace_domain::identity::commands::NewUser;
use cordtrace_domain::identity::{Password, PrintedName, Username};
use cordtrace_domain::ids::UserId;
use cordtrace_domain::{Actor, Role, Roles};
use cordtrace_ledger::{Checkpoint, CheckpointVerifier, Hash, verify_consistency};
use cordtrace_store::commands::users::RegisterUser;
use cordtrace_store::ledger::verify;
use cordtrace_store::{Database, Executor};
use sea_orm::{ConnectionTrait, DbBackend};
use serde_json::{Value, json};
use uuid::Uuid;

const PASSWORD: &str = "correct horse battery staple";

/// One installation: a data directory and a database, SQLite or a fresh PostgreSQL one.
struct Installation {
    dir: tempfile::TempDir,
    database_url: String,
    /// The server's admin URL and the database's name, to drop it afterwards.
    postgres: Option<(String, String)>,
}

fn postgres_admin_url() -> Option<String> {
    std::env::var("TEST_POSTGRES_URL")
        .ok()
        .filter(|url| !url.is_empty())
}

impl Installation {
    async fn create() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        match postgres_admin_url() {
            Some(admin_url) => {
                let name = format!("cordtrace_cli_test_{}", Uuid::new_v4().simple());
                let admin = sea_orm::Database::connect(admin_url.as_str())
                    .await
                    .expect("TEST_POSTGRES_URL answers");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("the test database is created");
                admin.close().await.expect("the connection closes");
                let authority_start = admin_url.find("://").map_or(0, |i| i + 3);
                let base = match admin_url[authority_start..].find('/') {
                    Some(slash) => &admin_url[..authority_start + slash],
                    None => admin_url.as_str(),
                };
                Self {
                    database_url: format!("{base}/{name}"),
                    postgres: Some((admin_url.clone(), name)),
                    dir,
                }
            }
            None => Self {
                database_url: format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("cordtrace.db").display()
                ),
                postgres: None,
                dir,
            },
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The binary with this installation's configuration and nothing from the caller's.
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_cordtrace"));
        for (name, _) in std::env::vars() {
            if name.starts_with("CORDTRACE_") {
                command.env_remove(name);
            }
        }
        command
            .args(args)
            .env("CORDTRACE_DATA_DIR", self.dir.path())
            .env("CORDTRACE_DATABASE_URL", &self.database_url)
            .env("CORDTRACE_LOG_LEVEL", "warn")
            .stdin(Stdio::null());
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("the binary runs")
    }

    /// The migrated database, through the store.
    async fn database(&self) -> Database {
        let database = Database::connect(&self.database_url)
            .await
            .expect("the database opens");
        database.migrate().await.expect("migrations apply");
        database
    }
}

impl Drop for Installation {
    /// Drops a PostgreSQL database, on a thread of its own because the test's runtime may be
    /// gone (after a panic) or busy.
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.postgres.take() {
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?;
                runtime.block_on(async {
                    let admin = sea_orm::Database::connect(admin_url.as_str()).await?;
                    admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await?;
                    admin.close().await
                })?;
                Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
            })
            .join();
        }
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[track_caller]
fn assert_success(output: &Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        output.status.code(),
        stdout(output),
        String::from_utf8_lossy(&output.stderr)
    );
    stdout(output)
}

#[track_caller]
fn assert_failure(output: &Output) -> String {
    assert!(
        !output.status.success(),
        "expected a failure, got\n{}",
        stdout(output)
    );
    assert_ne!(output.status.code(), Some(0));
    stdout(output)
}

/// Adds a user with `cordtrace users add`, the password given in the environment.
fn add_user_with_the_binary(installation: &Installation, username: &str) {
    let output = installation
        .command(&[
            "users",
            "add",
            "--username",
            username,
            "--name",
            "Test User",
            "--role",
            "technician",
        ])
        .env("CORDTRACE_PASSWORD", PASSWORD)
        .output()
        .expect("the binary runs");
    assert!(assert_success(&output).contains(&format!("added user {username}")));
}

/// An attacker with database access edits the payload of entry `seq`.
async fn tamper_with_payload(installation: &Installation, seq: i64) {
    let raw = sea_orm::Database::connect(installation.database_url.as_str())
        .await
        .expect("the database opens");
    let statements = match raw.get_database_backend() {
        DbBackend::Postgres => vec![
            "DROP TRIGGER ledger_entry_append_only ON ledger_entry".to_owned(),
            format!(
                "UPDATE ledger_entry SET payload = replace(payload, 'user.', 'evil.') \
                 WHERE seq = {seq}"
            ),
        ],
        _ => vec![
            "DROP TRIGGER ledger_entry_no_update".to_owned(),
            format!(
                "UPDATE ledger_entry SET payload = replace(payload, 'user.', 'evil.') \
                 WHERE seq = {seq}"
            ),
        ],
    };
    for statement in statements {
        let result = raw
            .execute_unprepared(&statement)
            .await
            .unwrap_or_else(|error| panic!("{statement}: {error}"));
        assert!(result.rows_affected() <= 1);
    }
    raw.close().await.expect("the connection closes");
}

#[tokio::test]
async fn the_binary_exports_and_verifies_the_ledger_offline_and_against_the_database() {
    let installation = Installation::create().await;
    for user_idx in 0..3 {
        add_user_with_the_binary(&installation, &format!("user.{user_idx}"));
    }
    assert!(assert_success(&installation.run(&["ledger", "checkpoint"])).contains("3 entries"));
    for user_idx in 3..5 {
        add_user_with_the_binary(&installation, &format!("user.{user_idx}"));
    }
    assert_success(&installation.run(&["ledger", "checkpoint"]));

    let export_file = installation.path("ledger.jsonl");
    let export_path = export_file.to_str().expect("a UTF-8 path");
    let exported = assert_success(&installation.run(&["ledger", "export", "--out", export_path]));
    assert!(
        exported.contains("exported 5 entries and 2 checkpoints"),
        "{exported}"
    );
    let public_key = assert_success(&installation.run(&["ledger", "public-key"]));
    let key = public_key
        .lines()
        .last()
        .expect("a key line")
        .trim()
        .to_owned();
    CheckpointVerifier::new(&key).expect("the last line is a verifier key");

    let verified = assert_success(&installation.run(&[
        "ledger",
        "verify",
        "--file",
        export_path,
        "--key",
        &key,
    ]));
    assert_eq!(verified.lines().count(), 1, "{verified}");
    assert!(
        verified.starts_with("export verified: 5 entries, 2 checkpoints (signed through entry 5)"),
        "{verified}"
    );

    // The exported file, edited: entry 4 names another user.
    let text = std::fs::read_to_string(&export_file).expect("the export reads");
    let edited = text
        .lines()
        .map(|line| {
            if line.contains("\"seq\":4,") {
                line.replace("user.3", "user.9")
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    assert_ne!(edited, text);
    let edited_file = installation.path("edited.jsonl");
    std::fs::write(&edited_file, edited).expect("the edited export is written");
    let failed = assert_failure(&installation.run(&[
        "ledger",
        "verify",
        "--file",
        edited_file.to_str().expect("a UTF-8 path"),
        "--key",
        &key,
    ]));
    assert!(
        failed.contains("FAILED: hash_mismatch: entry 4:"),
        "{failed}"
    );

    let summary = assert_success(&installation.run(&["ledger", "verify"]));
    assert_eq!(summary.lines().count(), 1, "{summary}");
    assert!(
        summary.starts_with("ledger verified: 5 entries, 2 checkpoints"),
        "{summary}"
    );

    tamper_with_payload(&installation, 2).await;
    let failed = assert_failure(&installation.run(&["ledger", "verify"]));
    assert!(
        failed.contains("FAILED: hash_mismatch at seq 2:"),
        "{failed}"
    );
}

#[tokio::test]
async fn verifying_without_the_installations_key_fails_and_creates_no_key() {
    let installation = Installation::create().await;
    add_user_with_the_binary(&installation, "user.0");
    assert_success(&installation.run(&["ledger", "checkpoint"]));

    // A mistyped key path: a new key there would make the signed checkpoint look forged.
    let missing_key = installation.path("mistyped.key");
    let output = installation
        .command(&["ledger", "verify"])
        .env("CORDTRACE_SIGNING_KEY_FILE", &missing_key)
        .output()
        .expect("the binary runs");
    assert_failure(&output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no ledger signing key at"), "{stderr}");
    assert!(!missing_key.exists(), "verification created a signing key");
    assert_success(&installation.run(&["ledger", "verify"]));
}

/// A new installation, each command tried as an operator might, in two orders: each does what
/// it says or refuses with what to do, and the signing key is made with the installation.
#[tokio::test]
async fn every_command_works_on_a_new_installation_in_any_order() {
    // Migrate, add a user, verify: the order the README gives.
    let installation = Installation::create().await;
    let key_file = installation.path("ledger-signing.key");
    assert_success(&installation.run(&["migrate"]));
    assert!(key_file.exists(), "migrating made no signing key");
    add_user_with_the_binary(&installation, "user.0");
    let verified = assert_success(&installation.run(&["ledger", "verify"]));
    assert!(
        verified.starts_with("ledger verified: 1 entries, 0 checkpoints"),
        "{verified}"
    );

    // The reading commands first, on nothing at all.
    let fresh = Installation::create().await;
    let key_file = fresh.path("ledger-signing.key");
    let verified = assert_success(&fresh.run(&["ledger", "verify"]));
    assert!(
        verified.starts_with("ledger verified: 0 entries, 0 checkpoints")
            && verified.contains("(no checkpoint signed yet)"),
        "{verified}"
    );
    assert!(!key_file.exists(), "verification made a signing key");
    let export_file = fresh.path("empty.jsonl");
    let exported = assert_success(&fresh.run(&[
        "ledger",
        "export",
        "--out",
        export_file.to_str().expect("a UTF-8 path"),
    ]));
    assert!(
        exported.starts_with("exported 0 entries and 0 checkpoints"),
        "{exported}"
    );
    let users = fresh.run(&["users", "list"]);
    assert_eq!(assert_success(&users), "");
    assert!(String::from_utf8_lossy(&users.stderr).contains("cordtrace users add"));
    let specifications = fresh.run(&["spec", "list"]);
    assert_eq!(assert_success(&specifications), "");
    assert!(String::from_utf8_lossy(&specifications.stderr).contains("spec import-default"));
    let nothing = assert_success(&fresh.run(&["ledger", "checkpoint"]));
    assert!(nothing.contains("nothing to sign"), "{nothing}");
    let public_key = assert_success(&fresh.run(&["ledger", "public-key"]));
    assert!(key_file.exists());
    add_user_with_the_binary(&fresh, "user.1");
    let signed = assert_success(&fresh.run(&["ledger", "checkpoint"]));
    assert!(
        signed.starts_with("signed checkpoint of 1 entries"),
        "{signed}"
    );
    let again = assert_success(&fresh.run(&["ledger", "checkpoint"]));
    assert!(again.contains("already covers every entry (1)"), "{again}");
    let verified = assert_success(&fresh.run(&["ledger", "verify"]));
    assert!(
        verified.starts_with("ledger verified: 1 entries, 1 checkpoints")
            && !verified.contains("no checkpoint signed yet"),
        "{verified}"
    );
    assert_eq!(
        assert_success(&fresh.run(&["ledger", "public-key"])),
        public_key,
        "the key changed"
    );

    // The key file lost once a checkpoint is signed: nothing makes a new one.
    std::fs::remove_file(&key_file).expect("the key file is removed");
    for args in [
        &["migrate"][..],
        &["ledger", "verify"],
        &["ledger", "checkpoint"],
        &["ledger", "public-key"],
        &["users", "list"],
        &["spec", "import-default"],
    ] {
        let output = fresh.run(args);
        assert_failure(&output);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("no ledger signing key at")
                && stderr.contains("holds signed checkpoints")
                && stderr.contains("CORDTRACE_SIGNING_KEY_FILE"),
            "{args:?}: {stderr}"
        );
        assert!(!key_file.exists(), "{args:?} made a new signing key");
    }
}

/// A `cordtrace serve` process, the address it reported, and the sizes of the checkpoints it
/// logged signing.
struct ServeProcess {
    child: Child,
    addr: SocketAddr,
    signed_sizes: Arc<Mutex<Vec<u64>>>,
}

/// Starts `cordtrace serve` on port 0 and reads its address from the JSON log line; later lines
/// are read for the checkpoints it signs.
fn start_serve(installation: &Installation, key_file: &Path) -> ServeProcess {
    let mut child = installation
        .command(&["serve"])
        .env("CORDTRACE_LISTEN", "127.0.0.1:0")
        .env("CORDTRACE_LOG_FORMAT", "json")
        .env(
            "CORDTRACE_LOG_LEVEL",
            "info,cordtrace_server::checkpointer=debug",
        )
        .env("CORDTRACE_SIGNING_KEY_FILE", key_file)
        .env("CORDTRACE_CHECKPOINT_INTERVAL_SECS", "1")
        .env("CORDTRACE_SHUTDOWN_GRACE_SECS", "10")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cordtrace serve starts");
    let mut records = BufReader::new(child.stderr.take().expect("stderr is piped"))
        .lines()
        .map_while(Result::ok)
        .filter_map(|line| serde_json::from_str::<Value>(&line).ok());
    let addr = records
        .find(|record| record["message"] == json!("cordtrace is serving"))
        .expect("the server logs that it serves before exiting")["addr"]
        .as_str()
        .expect("the line names the address")
        .parse()
        .expect("a socket address");
    let signed_sizes = Arc::new(Mutex::new(Vec::new()));
    let sizes = Arc::clone(&signed_sizes);
    // Keep reading, also so that the server never blocks on a full pipe.
    std::thread::spawn(move || {
        for record in records {
            if record["message"] == json!("signed a checkpoint")
                && let Some(size) = record["size"].as_u64()
            {
                sizes.lock().expect("not poisoned").push(size);
            }
        }
    });
    ServeProcess {
        child,
        addr,
        signed_sizes,
    }
}

impl ServeProcess {
    fn url(&self) -> String {
        format!("http://{}/graphql", self.addr)
    }

    /// Sends SIGTERM, waits for a clean exit, and returns the sizes it signed checkpoints at.
    fn stop(mut self) -> Vec<u64> {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        let exit = self.child.wait().expect("the server exits");
        assert!(exit.success(), "cordtrace serve exited with {exit}");
        // The log reader ends with the process; give it a moment to take the last lines.
        std::thread::sleep(Duration::from_millis(100));
        self.signed_sizes.lock().expect("not poisoned").clone()
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

async fn gql(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> Value {
    let mut request = client
        .post(url)
        .header("content-type", "application/json")
        .body(json!({ "query": query, "variables": variables }).to_string());
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let text = request
        .send()
        .await
        .expect("the server answers")
        .text()
        .await
        .expect("a body");
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("not JSON ({error}): {text}"))
}

async fn login(client: &reqwest::Client, url: &str, username: &str) -> String {
    let body = gql(
        client,
        url,
        None,
        "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }",
        json!({ "u": username, "p": PASSWORD }),
    )
    .await;
    body["data"]["login"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("login failed: {body}"))
        .to_owned()
}

/// Registers users directly through the store, as `cordtrace users add` does, with one password
/// hash for all of them.
async fn register_users(database: &Database, users: &[(String, Role)]) -> Vec<Uuid> {
    let (executor, writer) = Executor::start(database.clone());
    let sample = Username::parse("sample.user").expect("a valid username");
    let password_hash = cordtrace_store::auth::password::hash(
        Password::new(PASSWORD.to_owned(), &sample).expect("a valid password"),
    )
    .await
    .expect("hashing works");
    let mut ids = Vec::new();
    for (username, role) in users {
        let user_id = UserId::from_uuid(Uuid::now_v7());
        let new = NewUser {
            user_id,
            username: Username::parse(username).expect("a valid username"),
            printed_name: PrintedName::parse("Test User").expect("a valid name"),
            roles: Roles::new([*role]).expect("a role"),
            must_change_password: false,
        };
        executor
            .execute(
                Actor::System,
                RegisterUser {
                    new,
                    password_hash: password_hash.clone(),
                },
            )
            .await
            .expect("the user is registered");
        ids.push(user_id.as_uuid());
    }
    drop(executor);
    writer.await.expect("the writer stops");
    ids
}

const N_SERVERS: usize = 3;
const CLIENTS_PER_SERVER: usize = 4;
/// Writes per client in each of the two rounds.
const WRITES_PER_ROUND: usize = 20;

/// One client of one server: role changes of its own user; returns how many were acknowledged.
async fn run_client(client: reqwest::Client, url: String, token: String, target: Uuid) -> usize {
    let mut acknowledged = 0;
    for write_idx in 0..WRITES_PER_ROUND {
        let role = if write_idx.is_multiple_of(2) {
            "QA"
        } else {
            "ANALYST"
        };
        let body = gql(
            &client,
            &url,
            Some(&token),
            "mutation($id: UUID!, $roles: [Role!]!) \
             { setUserRoles(userId: $id, roles: $roles) { id } }",
            json!({ "id": target, "roles": [role] }),
        )
        .await;
        assert!(body.get("errors").is_none(), "{body}");
        assert_eq!(body["data"]["setUserRoles"]["id"], json!(target));
        acknowledged += 1;
    }
    acknowledged
}

/// Three servers, their auditors' tokens, and what their clients had acknowledged.
struct Cluster {
    client: reqwest::Client,
    servers: Vec<ServeProcess>,
    admin_tokens: Vec<String>,
    auditor_tokens: Vec<String>,
    verifier: CheckpointVerifier,
    /// Every checkpoint any server served, in the order seen.
    observed: Vec<Checkpoint>,
}

impl Cluster {
    /// The latest checkpoint server `server_idx` serves, checked against the verifier key.
    async fn latest_checkpoint(&self, server_idx: usize) -> Option<Checkpoint> {
        let body = gql(
            &self.client,
            &self.servers[server_idx].url(),
            Some(&self.auditor_tokens[server_idx]),
            "{ latestCheckpoint { note } }",
            json!({}),
        )
        .await;
        let note = body["data"]["latestCheckpoint"]["note"].as_str()?;
        let checkpoint = self.verifier.verify(note);
        Some(checkpoint.expect("every checkpoint is signed by the shared key"))
    }

    /// One round: every client writes through its server while the latest checkpoint of each
    /// server is collected; then waits until a checkpoint covers the whole ledger.
    async fn round(&mut self, targets: &[Uuid], database: &Database) -> Vec<usize> {
        let writers: Vec<_> = targets
            .iter()
            .enumerate()
            .map(|(client_idx, target)| {
                let server_idx = client_idx % N_SERVERS;
                tokio::spawn(run_client(
                    self.client.clone(),
                    self.servers[server_idx].url(),
                    self.admin_tokens[server_idx].clone(),
                    *target,
                ))
            })
            .collect();
        while !writers.iter().all(tokio::task::JoinHandle::is_finished) {
            for server_idx in 0..N_SERVERS {
                if let Some(checkpoint) = self.latest_checkpoint(server_idx).await {
                    self.observed.push(checkpoint);
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let mut acknowledged = Vec::new();
        for writer in writers {
            acknowledged.push(writer.await.expect("the client finishes"));
        }
        let size = cordtrace_store::ledger::size(database)
            .await
            .expect("the ledger reads");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let server_idx = self.observed.len() % N_SERVERS;
            match self.latest_checkpoint(server_idx).await {
                Some(checkpoint) if checkpoint.size == size => {
                    self.observed.push(checkpoint);
                    return acknowledged;
                }
                _ if Instant::now() > deadline => panic!("no checkpoint of all {size} entries"),
                _ => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        }
    }

    /// Each server proves that every checkpoint seen is a prefix of `latest`.
    async fn check_consistency(&self, latest: &Checkpoint) {
        for (checkpoint_idx, old) in self.observed.iter().enumerate() {
            let server_idx = checkpoint_idx % N_SERVERS;
            let body = gql(
                &self.client,
                &self.servers[server_idx].url(),
                Some(&self.auditor_tokens[server_idx]),
                "query($from: Int!, $to: Int) \
                 { consistencyProof(fromSize: $from, toSize: $to) { path } }",
                json!({ "from": old.size, "to": latest.size }),
            )
            .await;
            let path: Vec<Hash> = body["data"]["consistencyProof"]["path"]
                .as_array()
                .unwrap_or_else(|| panic!("a proof: {body}"))
                .iter()
                .map(|hash| hash.as_str().expect("hex").parse().expect("a hash"))
                .collect();
            verify_consistency(old.size, latest.size, old.root, latest.root, &path)
                .unwrap_or_else(|error| panic!("checkpoint {} is not a prefix: {error}", old.size));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_servers_on_one_postgres_database_keep_one_unforked_chain() {
    if postgres_admin_url().is_none() {
        eprintln!("skipped: three servers need PostgreSQL; set TEST_POSTGRES_URL to run this test");
        return;
    }
    let installation = Installation::create().await;
    let key_file = installation.path("shared-signing.key");
    let key_path = key_file.to_str().expect("a UTF-8 path");
    // The operator creates the one key every process signs with.
    let output = installation
        .command(&["ledger", "public-key"])
        .env("CORDTRACE_SIGNING_KEY_FILE", key_path)
        .output()
        .expect("the binary runs");
    let key = assert_success(&output)
        .lines()
        .last()
        .expect("a key")
        .trim()
        .to_owned();

    let database = installation.database().await;
    let n_clients = N_SERVERS * CLIENTS_PER_SERVER;
    let mut users: Vec<(String, Role)> = vec![("auditor".to_owned(), Role::Auditor)];
    users.extend((0..N_SERVERS).map(|server_idx| (format!("admin.{server_idx}"), Role::Admin)));
    users.extend(
        (0..n_clients).map(|client_idx| (format!("target.{client_idx}"), Role::Technician)),
    );
    let targets = register_users(&database, &users)
        .await
        .split_off(1 + N_SERVERS);

    let servers: Vec<ServeProcess> = (0..N_SERVERS)
        .map(|_| start_serve(&installation, &key_file))
        .collect();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("an HTTP client");
    let mut admin_tokens = Vec::new();
    let mut auditor_tokens = Vec::new();
    for (server_idx, server) in servers.iter().enumerate() {
        admin_tokens.push(login(&client, &server.url(), &format!("admin.{server_idx}")).await);
        auditor_tokens.push(login(&client, &server.url(), "auditor").await);
    }
    let mut cluster = Cluster {
        client,
        servers,
        admin_tokens,
        auditor_tokens,
        verifier: CheckpointVerifier::new(&key).expect("a verifier key"),
        observed: Vec::new(),
    };

    let started = Instant::now();
    let mut acknowledged = cluster.round(&targets, &database).await;
    let second_round = cluster.round(&targets, &database).await;
    for (total, more) in acknowledged.iter_mut().zip(second_round) {
        *total += more;
    }
    eprintln!(
        "{} writes through {N_SERVERS} servers in {:.1} s",
        acknowledged.iter().sum::<usize>(),
        started.elapsed().as_secs_f64()
    );
    let latest = cluster
        .observed
        .last()
        .cloned()
        .expect("a checkpoint of the whole ledger");
    let observed_sizes: HashSet<u64> = cluster.observed.iter().map(|c| c.size).collect();
    assert!(observed_sizes.len() >= 2, "{observed_sizes:?}");
    cluster.check_consistency(&latest).await;

    let signed_by_process: Vec<Vec<u64>> =
        cluster.servers.drain(..).map(ServeProcess::stop).collect();
    eprintln!("checkpoint sizes signed by each process: {signed_by_process:?}");
    let n_signing_processes = signed_by_process
        .iter()
        .filter(|sizes| !sizes.is_empty())
        .count();
    assert!(n_signing_processes >= 2, "{signed_by_process:?}");

    // One chain: gap-free, unforked, every acknowledged write recorded, and every checkpoint of
    // every process verified with its consistency to the one before.
    let entries = all_entries(&database).await;
    assert_eq!(entries.len() as u64, latest.size);
    let mut prev_hashes = HashSet::new();
    for (entry_idx, entry) in entries.iter().enumerate() {
        assert_eq!(entry.seq(), entry_idx as u64 + 1);
        assert!(
            prev_hashes.insert(entry.body().prev_hash),
            "fork at {}",
            entry.seq()
        );
    }
    for (target, acknowledged) in targets.iter().zip(&acknowledged) {
        let target = target.to_string();
        let recorded = entries
            .iter()
            .filter(|entry| {
                entry.body().action.as_str() == "user.roles_changed"
                    && entry
                        .body()
                        .subjects
                        .iter()
                        .any(|subject| subject.id == target)
            })
            .count();
        assert_eq!(recorded, *acknowledged, "writes about {target}");
    }
    let report = verify::verify(&database, &cluster.verifier)
        .await
        .expect("the ledger verifies");
    assert_eq!(report.entries, latest.size);
    let n_signed: usize = signed_by_process.iter().map(Vec::len).sum();
    assert_eq!(report.checkpoints, n_signed as u64);
    database.close().await.expect("the database closes");
    let summary = assert_success(
        &installation
            .command(&["ledger", "verify"])
            .env("CORDTRACE_SIGNING_KEY_FILE", key_path)
            .output()
            .expect("the binary runs"),
    );
    assert!(
        summary.starts_with(&format!("ledger verified: {} entries", latest.size)),
        "{summary}"
    );
}

/// Every entry, in seq order.
async fn all_entries(database: &Database) -> Vec<cordtrace_ledger::Entry> {
    let mut entries: Vec<cordtrace_ledger::Entry> = Vec::new();
    loop {
        let after = entries.last().map_or(0, cordtrace_ledger::Entry::seq);
        let page = cordtrace_store::ledger::read::entries_after(database, after, 1_000)
            .await
            .expect("the ledger reads");
        if page.is_empty() {
            return entries;
        }
        entries.extend(page);
    }
}

/// `url` with `user` and `password` as its credentials.
fn with_credentials(url: &str, user: &str, password: &str) -> String {
    let authority = url.find("://").map_or(0, |scheme| scheme + 3);
    let host = match url[authority..].find('@') {
        Some(at) => authority + at + 1,
        None => authority,
    };
    format!("{}{user}:{password}@{}", &url[..authority], &url[host..])
}

/// The runtime role README's "Install" section gives: reads and writes the current state,
/// only appends to the ledger, and owns nothing, so it can neither edit an entry nor drop the
/// triggers that refuse edits. cordtrace runs under it once the owner has migrated.
#[tokio::test]
async fn a_least_privilege_role_runs_cordtrace_and_cannot_touch_the_ledger() {
    if postgres_admin_url().is_none() {
        eprintln!("skipped: roles need PostgreSQL; set TEST_POSTGRES_URL to run this test");
        return;
    }
    let installation = Installation::create().await;
    assert_success(&installation.run(&["migrate"]));
    let role = format!("cordtrace_run_{}", Uuid::new_v4().simple());
    let password = "invented-runtime-password";
    let database = installation
        .database_url
        .rsplit('/')
        .next()
        .expect("a database name")
        .to_owned();
    let admin = sea_orm::Database::connect(installation.database_url.as_str())
        .await
        .expect("the database opens");
    for statement in [
        format!(
            "CREATE ROLE {role} LOGIN PASSWORD '{password}' NOSUPERUSER NOCREATEDB NOCREATEROLE"
        ),
        format!("GRANT CONNECT ON DATABASE {database} TO {role}"),
        format!("GRANT USAGE ON SCHEMA public TO {role}"),
        format!("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"),
        format!(
            "REVOKE UPDATE, DELETE, TRUNCATE ON ledger_entry, ledger_subject, checkpoint, \
             merkle_hash FROM {role}"
        ),
        format!("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}"),
    ] {
        admin
            .execute_unprepared(&statement)
            .await
            .unwrap_or_else(|error| panic!("{statement}: {error}"));
    }
    let runtime_url = with_credentials(&installation.database_url, &role, password);

    let runs = |args: &[&str]| {
        installation
            .command(args)
            .env("CORDTRACE_DATABASE_URL", &runtime_url)
            .env("CORDTRACE_PASSWORD", PASSWORD)
            .output()
            .expect("the binary runs")
    };
    assert_success(&runs(&[
        "users",
        "add",
        "--username",
        "tech.one",
        "--name",
        "Test User",
        "--role",
        "technician",
    ]));
    assert!(assert_success(&runs(&["ledger", "checkpoint"])).contains("1 entries"));
    assert!(assert_success(&runs(&["ledger", "verify"])).starts_with("ledger verified: 1 entries"));

    let runtime = sea_orm::Database::connect(runtime_url.as_str())
        .await
        .expect("the runtime role connects");
    for statement in [
        "UPDATE ledger_entry SET action = 'user.edited'",
        "DELETE FROM ledger_entry",
        "DELETE FROM checkpoint",
        "DROP TRIGGER ledger_entry_append_only ON ledger_entry",
    ] {
        let refused = runtime.execute_unprepared(statement).await;
        assert!(refused.is_err(), "{statement} was allowed");
    }
    runtime.close().await.expect("the connection closes");
    assert!(assert_success(&installation.run(&["ledger", "verify"])).contains("1 checkpoints"));

    // The role goes with the test: its grants go with the database first.
    admin.close().await.expect("the connection closes");
    drop(installation);
    let server = sea_orm::Database::connect(postgres_admin_url().expect("checked above").as_str())
        .await
        .expect("TEST_POSTGRES_URL answers");
    server
        .execute_unprepared(&format!("DROP ROLE IF EXISTS {role}"))
        .await
        .expect("the role is dropped");
    server.close().await.expect("the connection closes");
}
