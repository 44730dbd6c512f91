//! The end-to-end test harness: a real server on a free port over a fresh database, and a
//! GraphQL client speaking real HTTP to it.
//!
//! The backend is SQLite (a file in a temporary directory) unless `TEST_POSTGRES_URL` names a
//! PostgreSQL server, in which case every server gets a newly created database with a unique
//! name, dropped afterwards. CI runs the whole suite once each way.

pub mod browser;
pub mod clinical_fixtures;
pub mod fixtures;
pub mod history;
pub mod release_fixtures;

use std::time::Duration;

use anyhow::Context as _;
use cordtrace_domain::identity::commands::NewUser;
use cordtrace_domain::identity::{Password, PrintedName, Username};
use cordtrace_domain::ids::UserId;
use cordtrace_domain::{Actor, Role, Roles};
use cordtrace_server::app::{self, RunningServer};
use cordtrace_server::config::Settings;
use cordtrace_store::commands::users::RegisterUser;
use cordtrace_store::{Database, Executor};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

/// The password every test user gets.
pub const PASSWORD: &str = "correct horse battery staple";

/// A database for one test: a SQLite file, or a PostgreSQL database created for the test.
pub struct TestDatabase {
    url: String,
    admin_url: Option<String>,
    name: Option<String>,
    dir: tempfile::TempDir,
}

impl TestDatabase {
    /// A fresh, empty database on the backend the environment selects.
    pub async fn create() -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        match std::env::var("TEST_POSTGRES_URL") {
            Ok(admin_url) if !admin_url.is_empty() => {
                let name = format!("cordtrace_test_{}", uuid::Uuid::new_v4().simple());
                let admin = sea_orm::Database::connect(admin_url.as_str())
                    .await
                    .context("cannot connect to TEST_POSTGRES_URL")?;
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await?;
                admin.close().await?;
                let url = database_url_for(&admin_url, &name);
                Ok(Self {
                    url,
                    admin_url: Some(admin_url),
                    name: Some(name),
                    dir,
                })
            }
            _ => Ok(Self {
                url: format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("cordtrace.db").display()
                ),
                admin_url: None,
                name: None,
                dir,
            }),
        }
    }

    /// Its URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A data directory for servers on this database.
    pub fn data_dir(&self) -> std::path::PathBuf {
        self.dir.path().to_path_buf()
    }

    /// Whether this is PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.name.is_some()
    }

    /// Drops a PostgreSQL database (SQLite files go with the temporary directory).
    pub async fn drop_database(mut self) -> anyhow::Result<()> {
        if let (Some(admin_url), Some(name)) = (self.admin_url.take(), self.name.take()) {
            let admin = sea_orm::Database::connect(admin_url.as_str()).await?;
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await?;
            admin.close().await?;
        }
        Ok(())
    }
}

/// `admin_url` with its database name replaced by `name`.
fn database_url_for(admin_url: &str, name: &str) -> String {
    let authority_start = admin_url.find("://").map_or(0, |i| i + 3);
    let base = match admin_url[authority_start..].find('/') {
        Some(slash) => &admin_url[..authority_start + slash],
        None => admin_url,
    };
    format!("{base}/{name}")
}

impl Drop for TestDatabase {
    /// A test that panics never reaches `drop_database`; drop its PostgreSQL database anyway,
    /// on a thread of its own because the test's runtime may be gone.
    fn drop(&mut self) {
        if let (Some(admin_url), Some(name)) = (self.admin_url.take(), self.name.take()) {
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
                Ok::<(), anyhow::Error>(())
            })
            .join();
        }
    }
}

/// Settings for a test server on `database`: port 0, quick checkpoints.
pub fn test_settings(database: &TestDatabase) -> Settings {
    Settings {
        listen: "127.0.0.1:0".parse().expect("a valid socket address"),
        data_dir: database.data_dir(),
        database_url: Some(database.url().to_owned()),
        log_level: std::env::var("TEST_LOG").unwrap_or_else(|_| "warn".to_owned()),
        checkpoint_interval_secs: 3600,
        shutdown_grace_secs: 10,
        ..Settings::default()
    }
}

/// A running server on its own database, and an HTTP client for it.
pub struct TestServer {
    /// The server's address.
    pub addr: std::net::SocketAddr,
    /// The settings it runs with.
    pub settings: Settings,
    server: Option<RunningServer>,
    database: Option<TestDatabase>,
    client: reqwest::Client,
}

/// A GraphQL response as the client received it.
#[derive(Debug, Clone)]
pub struct GqlResponse {
    /// The HTTP status.
    pub status: u16,
    /// The `Content-Type` header.
    pub content_type: String,
    /// The parsed body.
    pub body: Value,
}

impl GqlResponse {
    /// `data`, failing the test if there are errors.
    pub fn data(&self) -> &Value {
        assert!(
            self.body.get("errors").is_none(),
            "unexpected errors: {}",
            serde_json::to_string_pretty(&self.body).unwrap_or_default()
        );
        &self.body["data"]
    }

    /// The `extensions.code` of every error.
    pub fn error_codes(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .map(|error| {
                        error["extensions"]["code"]
                            .as_str()
                            .unwrap_or("")
                            .to_owned()
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The code of the first error, failing the test if there is none.
    pub fn error_code(&self) -> String {
        self.error_codes()
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("expected an error, got {}", self.body))
    }

    /// Every `extensions.reasons[].code` of the first error.
    pub fn reason_codes(&self) -> Vec<String> {
        self.body["errors"][0]["extensions"]["reasons"]
            .as_array()
            .map(|reasons| {
                reasons
                    .iter()
                    .map(|reason| reason["code"].as_str().unwrap_or("").to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl TestServer {
    /// A server on a fresh database with the default test settings.
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// A server on a fresh database, with settings adjusted by `adjust`.
    pub async fn start_with(adjust: impl FnOnce(&mut Settings)) -> Self {
        let database = TestDatabase::create().await.expect("a test database");
        let mut settings = test_settings(&database);
        adjust(&mut settings);
        Self::start_on(database, settings).await
    }

    /// A server on `database` with `settings`.
    pub async fn start_on(database: TestDatabase, settings: Settings) -> Self {
        let filter = cordtrace_server::telemetry::log_filter(&settings.log_level)
            .expect("the test log filter is valid");
        cordtrace_server::telemetry::init_logging(settings.log_format, filter);
        let server = app::start(settings.clone())
            .await
            .expect("the server starts");
        Self {
            addr: server.addr,
            settings,
            server: Some(server),
            database: Some(database),
            // Idle connections are dropped before the server's header read timeout closes them,
            // so that a request never races the server's close of its pooled connection.
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .pool_idle_timeout(Duration::from_millis(500))
                .build()
                .expect("an HTTP client"),
        }
    }

    /// `http://<addr><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The HTTP client.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// GETs the document at `path` (a certificate, a label), with `token` as bearer if given:
    /// its status, content type and body.
    pub async fn get_document(&self, token: Option<&str>, path: &str) -> (u16, String, Vec<u8>) {
        let mut request = self.client.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("the document is answered");
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = response.bytes().await.expect("a body").to_vec();
        (status, content_type, body)
    }

    /// POSTs a GraphQL request as `application/json`, accepting `application/graphql-response+json`.
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> GqlResponse {
        let mut request = self
            .client
            .post(self.url("/graphql"))
            .header("content-type", "application/json")
            .header("accept", "application/graphql-response+json")
            .body(json!({ "query": query, "variables": variables }).to_string());
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("the request is answered");
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let text = response.text().await.expect("a body");
        let body = serde_json::from_str(&text)
            .unwrap_or_else(|error| panic!("the body is not JSON ({error}): {text}"));
        GqlResponse {
            status,
            content_type,
            body,
        }
    }

    /// Adds a user directly through the store (as `cordtrace users add` does).
    pub async fn add_user(&self, username: &str, roles: &[Role]) -> UserId {
        let database = Database::connect(&self.settings.database_url())
            .await
            .expect("the database opens");
        let (executor, writer) = Executor::start(database.clone());
        let username = Username::parse(username).expect("a valid username");
        let password = Password::new(PASSWORD.to_owned(), &username).expect("a valid password");
        let password_hash = cordtrace_store::auth::password::hash(password)
            .await
            .expect("hashing works");
        let user_id = UserId::from_uuid(uuid::Uuid::now_v7());
        let printed_name = format!("Test {}", username.as_str());
        executor
            .execute(
                Actor::System,
                RegisterUser {
                    new: NewUser {
                        user_id,
                        printed_name: PrintedName::parse(&printed_name).expect("a valid name"),
                        username,
                        roles: Roles::new(roles.iter().copied()).expect("at least one role"),
                        must_change_password: false,
                    },
                    password_hash,
                },
            )
            .await
            .expect("the user is registered");
        drop(executor);
        writer.await.expect("the writer stops");
        database.close().await.expect("the database closes");
        user_id
    }

    /// Logs in and returns the token, failing the test if login fails.
    pub async fn login(&self, username: &str, password: &str) -> String {
        let response = self
            .gql(
                None,
                "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }",
                json!({ "u": username, "p": password }),
            )
            .await;
        response.data()["login"]["token"]
            .as_str()
            .expect("a token")
            .to_owned()
    }

    /// Adds a user with `roles` and logs them in.
    pub async fn user_token(&self, username: &str, roles: &[Role]) -> String {
        self.add_user(username, roles).await;
        self.login(username, PASSWORD).await
    }

    /// A connection to the server's database, for checks and for tampering as an attacker would.
    pub async fn raw_database(&self) -> sea_orm::DatabaseConnection {
        sea_orm::Database::connect(self.settings.database_url().as_str())
            .await
            .expect("the database opens")
    }

    /// The server's database through the store, for verifying, exporting and proving as an
    /// auditor's tool would (the caller closes it).
    pub async fn store_database(&self) -> Database {
        Database::connect(&self.settings.database_url())
            .await
            .expect("the database opens")
    }

    /// The installation's checkpoint signing key, as the server loaded it.
    pub fn signer(&self) -> cordtrace_ledger::LedgerSigner {
        cordtrace_server::keys::load_existing(&self.settings).expect("the signing key loads")
    }

    /// A verifier for the checkpoints this server signs.
    pub fn checkpoint_verifier(&self) -> cordtrace_ledger::CheckpointVerifier {
        cordtrace_ledger::CheckpointVerifier::new(&self.signer().verifier_key())
            .expect("the verifier key parses")
    }

    /// How many entries the ledger holds, counted in the database itself: a request that must
    /// write nothing leaves this number unchanged.
    pub async fn ledger_entry_count(&self) -> i64 {
        let database = self.raw_database().await;
        let statement = sea_orm::Statement::from_string(
            database.get_database_backend(),
            "SELECT COUNT(*) AS n FROM ledger_entry",
        );
        let row = database
            .query_one_raw(statement)
            .await
            .expect("the ledger can be counted")
            .expect("COUNT returns a row");
        let count = row
            .try_get::<i64>("", "n")
            .expect("the count is an integer");
        database.close().await.expect("the database closes");
        count
    }

    /// Starts a graceful shutdown, as SIGTERM would, without waiting for it; [`Self::stop`]
    /// waits for it to end.
    pub fn begin_shutdown(&self) {
        if let Some(server) = &self.server {
            let _ = server.stopper().send(true);
        }
    }

    /// Whether this server runs on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.database
            .as_ref()
            .is_some_and(TestDatabase::is_postgres)
    }

    /// Stops the server and keeps its database (for checks after shutdown).
    pub async fn stop(&mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown().await.expect("the server stops cleanly");
        }
    }

    /// Stops the server and drops its database.
    pub async fn finish(mut self) {
        self.stop().await;
        if let Some(database) = self.database.take() {
            database
                .drop_database()
                .await
                .expect("the test database is dropped");
        }
    }
}

/// Every ledger entry of `database`, in seq order, read a page at a time.
pub async fn all_entries(database: &Database) -> Vec<cordtrace_ledger::Entry> {
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
