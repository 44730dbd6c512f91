//! Starting and stopping the server.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context as _;
use cordtrace_api::ApiContext;
use cordtrace_ledger::LedgerSigner;
use cordtrace_store::{Database, Executor};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::Settings;
use crate::exposition;
use crate::http::{AppState, router};
use crate::{checkpointer, database_lock, keys};

/// Opens the configured database, creating the data directory for SQLite, and migrates it.
pub async fn open_database(settings: &Settings) -> anyhow::Result<Database> {
    let database = open_database_unmigrated(settings).await?;
    database
        .migrate()
        .await
        .context("cannot apply migrations")?;
    Ok(database)
}

/// What a command that writes opens: the migrated database and the installation's signing key.
pub struct Installation {
    /// The migrated database.
    pub database: Database,
    /// The checkpoint signing key, created with the installation (see [`keys::for_installation`]).
    pub signer: LedgerSigner,
}

/// Opens and migrates the configured database and loads its signing key, creating the key on a
/// new installation.
pub async fn open_installation(settings: &Settings) -> anyhow::Result<Installation> {
    let database = open_database(settings).await?;
    match keys::for_installation(settings, &database).await {
        Ok(signer) => Ok(Installation { database, signer }),
        Err(error) => {
            database.close().await?;
            Err(error)
        }
    }
}

/// Creates the data directory, where the SQLite database lives by default.
pub(crate) fn create_data_dir(settings: &Settings) -> anyhow::Result<()> {
    if settings.uses_sqlite() {
        std::fs::create_dir_all(&settings.data_dir).with_context(|| {
            format!(
                "cannot create the data directory {}",
                settings.data_dir.display()
            )
        })?;
    }
    Ok(())
}

/// Opens the configured database, creating the data directory for SQLite.
pub async fn open_database_unmigrated(settings: &Settings) -> anyhow::Result<Database> {
    create_data_dir(settings)?;
    let url = settings.database_url();
    let database = Database::connect(&url).await.with_context(|| {
        format!(
            "cannot open the database {}",
            cordtrace_store::db::redact_url(&url)
        )
    })?;
    Ok(database)
}

/// A running server.
pub struct RunningServer {
    /// The address it listens on (useful with port 0).
    pub addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: JoinHandle<anyhow::Result<()>>,
}

impl RunningServer {
    /// Asks the server to stop, as SIGTERM would, and waits until it has.
    pub async fn shutdown(self) -> anyhow::Result<()> {
        let _ = self.stop.send(true);
        self.task.await.context("the server task panicked")?
    }

    /// Waits until the server stops on its own (after a signal).
    pub async fn wait(self) -> anyhow::Result<()> {
        self.task.await.context("the server task panicked")?
    }

    /// A handle that can ask the server to stop.
    pub fn stopper(&self) -> watch::Sender<bool> {
        self.stop.clone()
    }
}

/// Opens the database, binds the listener and serves until asked to stop.
///
/// On SQLite the server holds the database's lock file shared until it stops (see
/// [`database_lock`]), so `seed-demo` cannot write into a database being served.
pub async fn start(settings: Settings) -> anyhow::Result<RunningServer> {
    create_data_dir(&settings)?;
    let database_lock = database_lock::for_server(&settings)?;
    let policies = settings
        .api_policies()
        .map_err(|error| anyhow::anyhow!("invalid configuration: {error}"))?;
    let Installation { database, signer } = open_installation(&settings).await?;
    let (executor, writer) = Executor::start(database.clone());
    let api = ApiContext::new(executor.clone(), signer.clone(), policies);
    let state = AppState {
        schema: cordtrace_api::schema(api.clone()),
        api,
        metrics: exposition::metrics_handle(),
    };
    let limits = settings.http_limits();
    let web = cordtrace_web::WebSettings {
        cookie_secure: settings.cookie_secure,
    };
    let app = router(state, &limits, web);
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, database = %cordtrace_store::db::redact_url(&settings.database_url()), "cordtrace is serving");

    let (stop, mut stopped) = watch::channel(false);
    let grace = Duration::from_secs(settings.shutdown_grace_secs);
    let checkpointer = checkpointer::spawn(
        executor,
        signer,
        Duration::from_secs(settings.checkpoint_interval_secs),
        stopped.clone(),
    );
    let task = tokio::spawn(async move {
        let mut signal = stopped.clone();
        let serve = crate::http::serve(listener, app, &limits, async move {
            let _ = signal.wait_for(|stop| *stop).await;
        });
        tokio::select! {
            () = serve => {}
            () = async {
                let _ = stopped.wait_for(|stop| *stop).await;
                tokio::time::sleep(grace).await;
            } => tracing::warn!(?grace, "requests still in flight after the grace period were cut off"),
        }
        if tokio::time::timeout(grace, checkpointer).await.is_err() {
            tracing::warn!("the checkpoint signer did not stop in time");
        }
        // The router and the checkpoint signer held every executor handle; with both gone the
        // writer drains its queue and stops.
        if tokio::time::timeout(grace, writer).await.is_err() {
            tracing::warn!("the command executor did not stop in time");
        }
        database
            .close()
            .await
            .context("cannot close the database")?;
        // Held until the database is closed: only then may a seed have it.
        drop(database_lock);
        tracing::info!("stopped");
        Ok(())
    });
    Ok(RunningServer { addr, stop, task })
}

/// Serves until SIGINT or SIGTERM, then shuts down gracefully.
pub async fn serve(settings: Settings) -> anyhow::Result<()> {
    // The handlers go in before start-up: a signal that arrives while the server starts (or just
    // after it said it was serving) then stops it gracefully instead of killing the process.
    let signal = shutdown_signal().context("cannot listen for shutdown signals")?;
    let server = start(settings).await?;
    let stop = server.stopper();
    tokio::spawn(async move {
        signal.await;
        let _ = stop.send(true);
    });
    server.wait().await
}

/// Installs the SIGINT and SIGTERM handlers now and resolves when either signal arrives.
#[cfg(unix)]
fn shutdown_signal() -> std::io::Result<impl Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

/// Resolves on Ctrl-C.
#[cfg(not(unix))]
fn shutdown_signal() -> std::io::Result<impl Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}
