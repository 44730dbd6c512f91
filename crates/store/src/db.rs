//! Connecting to the database and migrating it.

use std::time::Duration;

use cordtrace_migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, DatabaseConnection, DbBackend, DbErr};

/// The two supported database backends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite: the default, one server process per database file.
    Sqlite,
    /// PostgreSQL: several server processes may share one database.
    Postgres,
}

/// How many connections a pool holds, and how many of them wait for work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolUsage {
    /// Connections open.
    pub open: u32,
    /// Of those, idle.
    pub idle: u32,
}

impl PoolUsage {
    /// Connections in use by a query or a transaction.
    pub fn in_use(&self) -> u32 {
        self.open.saturating_sub(self.idle)
    }
}

/// A PostgreSQL advisory lock key ("cordmigr" in ASCII) held while migrating.
const MIGRATION_LOCK: i64 = 0x636f_7264_6d69_6772;

/// A connection pool and the backend behind it.
#[derive(Clone)]
pub struct Database {
    connection: DatabaseConnection,
    backend: Backend,
    url: String,
}

/// The URL may hold a password: Debug shows it redacted.
impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("backend", &self.backend)
            .field("url", &redact_url(&self.url))
            .finish_non_exhaustive()
    }
}

/// A migration, applied or pending.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MigrationState {
    /// The migration's name.
    pub name: String,
    /// Whether it has been applied.
    pub applied: bool,
}

impl Database {
    /// Connects to `url` (`sqlite://...` or `postgres://...`).
    ///
    /// SQLite runs in WAL mode with foreign keys on and `synchronous = FULL`: these are medical
    /// records, and a committed command must survive a power cut.
    pub async fn connect(url: &str) -> Result<Self, DbErr> {
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(DbErr::Custom(format!(
                "unsupported database URL scheme in {}: use sqlite:// or postgres://",
                redact_url(url)
            )));
        };
        let mut options = ConnectOptions::new(url);
        options
            .sqlx_logging(false)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(30));
        match backend {
            Backend::Sqlite => {
                options
                    .max_connections(8)
                    .min_connections(1)
                    .map_sqlx_sqlite_opts(|opts| {
                        opts.create_if_missing(true)
                            .journal_mode(SqliteJournalMode::Wal)
                            .synchronous(SqliteSynchronous::Full)
                            .foreign_keys(true)
                            // Other processes (the CLI beside a running server) wait their turn.
                            .busy_timeout(Duration::from_secs(30))
                    });
            }
            Backend::Postgres => {
                options.max_connections(16).min_connections(1);
            }
        }
        let connection = sea_orm::Database::connect(options).await?;
        Ok(Self {
            connection,
            backend,
            url: url.to_owned(),
        })
    }

    /// The pool.
    pub fn connection(&self) -> &DatabaseConnection {
        &self.connection
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool's connections as they stand: open, and of those idle (the rest are in use).
    pub fn pool_usage(&self) -> PoolUsage {
        // The backend was chosen from the URL this connection was made from, so the pool is
        // of that kind: the accessors' panics for another kind cannot happen.
        let (open, idle) = match self.backend {
            Backend::Sqlite => {
                let pool = self.connection.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle())
            }
            Backend::Postgres => {
                let pool = self.connection.get_postgres_connection_pool();
                (pool.size(), pool.num_idle())
            }
        };
        PoolUsage {
            open,
            idle: u32::try_from(idle).unwrap_or(u32::MAX),
        }
    }

    /// Applies pending migrations.
    ///
    /// On PostgreSQL several processes may start at once against a fresh database; a session
    /// advisory lock, held on a connection of its own, lets one migrate while the others wait and
    /// then find nothing pending.
    pub async fn migrate(&self) -> Result<(), DbErr> {
        // Read first, without creating the migrations table: a role that may not create
        // tables (a least-privilege runtime role on PostgreSQL) then starts whenever every
        // migration is applied; only a pending migration needs the owner's rights.
        let pending = Migrator::get_pending_migrations_read_only(&self.connection).await;
        if pending.is_ok_and(|pending| pending.is_empty()) {
            return Ok(());
        }
        if self.backend != Backend::Postgres {
            return Migrator::up(&self.connection, None).await;
        }
        let mut options = ConnectOptions::new(self.url.clone());
        options
            .sqlx_logging(false)
            .max_connections(1)
            .min_connections(1);
        let lock = sea_orm::Database::connect(options).await?;
        let key = sea_orm::Value::from(MIGRATION_LOCK);
        lock.execute_raw(sea_orm::Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_lock($1)",
            [key.clone()],
        ))
        .await?;
        let migrated = Migrator::up(&self.connection, None).await;
        let unlocked = lock
            .execute_raw(sea_orm::Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_advisory_unlock($1)",
                [key],
            ))
            .await;
        lock.close().await?;
        migrated.and(unlocked.map(|_| ()))
    }

    /// Lists every migration and whether it is applied.
    pub async fn migration_status(&self) -> Result<Vec<MigrationState>, DbErr> {
        let applied = Migrator::get_applied_migrations(&self.connection).await?;
        let pending = Migrator::get_pending_migrations(&self.connection).await?;
        Ok(applied
            .iter()
            .map(|m| MigrationState {
                name: m.name().to_owned(),
                applied: true,
            })
            .chain(pending.iter().map(|m| MigrationState {
                name: m.name().to_owned(),
                applied: false,
            }))
            .collect())
    }

    /// Answers when the database answers a trivial query.
    pub async fn ping(&self) -> Result<(), DbErr> {
        let backend: DbBackend = self.connection.get_database_backend();
        self.connection
            .execute_raw(sea_orm::Statement::from_string(backend, "SELECT 1"))
            .await
            .map(|_| ())
    }

    /// Closes the pool, waiting for connections to be returned.
    pub async fn close(self) -> Result<(), DbErr> {
        self.connection.close().await
    }
}

/// The URL with any password replaced, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &credentials[..colon],
                    &url[at..]
                ),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords_only() {
        assert_eq!(
            redact_url("postgres://ct:secret@db:5432/cordtrace"),
            "postgres://ct:***@db:5432/cordtrace"
        );
        assert_eq!(
            redact_url("postgres://ct@db/cordtrace"),
            "postgres://ct@db/cordtrace"
        );
        assert_eq!(
            redact_url("sqlite://./data/cordtrace.db"),
            "sqlite://./data/cordtrace.db"
        );
    }
}
