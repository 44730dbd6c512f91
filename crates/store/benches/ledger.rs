//! The ledger benchmark: `cargo bench -p cordtrace-store --bench ledger`.
//!
//! In one run it prints
//!
//! - writes/s through the [`Executor`] (one `user.roles_changed` command each: load, decide,
//!   append an entry, save the user, commit) at 1, 8 and 32 concurrent clients, beside a plain
//!   single-row INSERT of a row of the same size into the same database at the same concurrency;
//! - verification in entries/s and MB/s, against the database (chain, checkpoints, replay and
//!   comparison with the current state) and in memory (chain only), beside raw SHA-256 over the
//!   same canonical bytes;
//! - inclusion proof time at 10^3 and 10^6 entries, from the database and in memory.
//!
//! The database is a temporary SQLite file with the production settings (WAL,
//! `synchronous = FULL`) unless `BENCH_POSTGRES_URL` names a PostgreSQL server, where the
//! benchmark creates its databases and drops them afterwards. The 10^6-entry tree is built from
//! synthetic leaf hashes written straight into `merkle_hash` with a signed checkpoint: a proof
//! reads only stored hashes, so it costs the same as over real entries. Timings are printed,
//! never asserted. Without `--bench` (as under `cargo test --all-targets`) it does nothing.

#![expect(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use cordtrace_domain::identity::commands::NewUser;
use cordtrace_domain::identity::{Password, PrintedName, Username};
use cordtrace_domain::ids::UserId;
use cordtrace_domain::{Actor, Role, Roles};
use cordtrace_ledger::{self as ledger, ChainVerifier, CheckpointVerifier, Hash, LedgerSigner};
use cordtrace_store::commands::users::{AdminChange, ChangeUser, RegisterUser};
use cordtrace_store::ledger::{checkpoints, proofs, read, verify};
use cordtrace_store::{Backend, Database, Executor};
use sea_orm::{ConnectionTrait, TransactionTrait};

/// How long each write measurement runs.
const WRITE_SECONDS: u64 = 2;
/// Write measurements per figure; commit latency (an fsync each) varies from run to run.
const N_TRIALS: usize = 3;
/// Concurrent clients for the write measurements.
const CONCURRENCY: [usize; 3] = [1, 8, 32];
/// Proofs timed per tree size.
const N_PROOFS: u64 = 200;
/// Rows per INSERT statement when filling the synthetic tree.
const FILL_CHUNK: u64 = 1_000;

type BenchResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

fn main() -> ExitCode {
    if !std::env::args().any(|arg| arg == "--bench") {
        return ExitCode::SUCCESS;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Fresh databases for the benchmark, dropped (PostgreSQL) or deleted (SQLite) at the end.
struct Scratch {
    dir: tempfile::TempDir,
    postgres_admin_url: Option<String>,
    created: Vec<String>,
}

impl Scratch {
    fn new() -> BenchResult<Self> {
        Ok(Self {
            dir: tempfile::tempdir()?,
            postgres_admin_url: std::env::var("BENCH_POSTGRES_URL")
                .ok()
                .filter(|url| !url.is_empty()),
            created: Vec::new(),
        })
    }

    fn backend_name(&self) -> &'static str {
        if self.postgres_admin_url.is_some() {
            "PostgreSQL"
        } else {
            "SQLite (WAL, synchronous = FULL)"
        }
    }

    /// A new migrated database called `name`.
    async fn database(&mut self, name: &str) -> BenchResult<Database> {
        let url = match &self.postgres_admin_url {
            Some(admin_url) => {
                let name = format!("cordtrace_bench_{name}_{}", uuid::Uuid::new_v4().simple());
                let admin = sea_orm::Database::connect(admin_url.as_str()).await?;
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await?;
                admin.close().await?;
                self.created.push(name.clone());
                let authority_start = admin_url.find("://").map_or(0, |i| i + 3);
                let base = match admin_url[authority_start..].find('/') {
                    Some(slash) => &admin_url[..authority_start + slash],
                    None => admin_url.as_str(),
                };
                format!("{base}/{name}")
            }
            None => format!(
                "sqlite://{}?mode=rwc",
                self.dir.path().join(format!("{name}.db")).display()
            ),
        };
        let database = Database::connect(&url).await?;
        database.migrate().await?;
        Ok(database)
    }

    async fn drop_databases(self) -> BenchResult<()> {
        if let Some(admin_url) = &self.postgres_admin_url {
            let admin = sea_orm::Database::connect(admin_url.as_str()).await?;
            for name in &self.created {
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await?;
            }
            admin.close().await?;
        }
        Ok(())
    }
}

async fn run() -> BenchResult<()> {
    let mut scratch = Scratch::new()?;
    println!("cordtrace ledger benchmark on {}", scratch.backend_name());
    let signer = LedgerSigner::generate("bench.cordtrace.local/ledger")?;
    let verifier = CheckpointVerifier::new(&signer.verifier_key())?;

    let database = scratch.database("writes").await?;
    let (executor, writer) = Executor::start(database.clone());
    let (admin, targets) =
        register_users(&executor, *CONCURRENCY.iter().max().unwrap_or(&1)).await?;
    create_baseline_table(&database).await?;

    println!();
    println!(
        "writes/s, median of {N_TRIALS} alternating trials of {WRITE_SECONDS} s each (min..max)"
    );
    println!(
        "{:>8} {:>24} {:>24}",
        "clients", "executor", "plain INSERT baseline"
    );
    for n_clients in CONCURRENCY {
        let mut through_executor = Vec::new();
        let mut baseline = Vec::new();
        for _ in 0..N_TRIALS {
            through_executor.push(executor_writes(&executor, admin, &targets[..n_clients]).await?);
            baseline.push(baseline_inserts(&database, n_clients).await?);
        }
        println!(
            "{n_clients:>8} {:>24} {:>24}",
            spread(&mut through_executor),
            spread(&mut baseline)
        );
    }

    checkpoints::sign(&executor, signer.clone()).await?;
    verification(&database, &verifier).await?;

    println!();
    println!("inclusion proof, mean of {N_PROOFS}");
    println!(
        "{:>10} {:>16} {:>16}",
        "entries", "from database", "in memory"
    );
    let size = cordtrace_store::ledger::size(&database).await?;
    if size >= 1_000 {
        let from_database = database_proofs(&database, 1_000).await?;
        let in_memory = memory_proofs(&synthetic_tree(1_000)?, 1_000)?;
        print_proofs(1_000, from_database, in_memory);
    }
    drop(executor);
    writer.await?;
    database.close().await?;

    let started = Instant::now();
    let tree = synthetic_tree(1_000_000)?;
    let large = scratch.database("million").await?;
    fill_tree(&large, &tree, &signer).await?;
    eprintln!(
        "(built and stored the synthetic 10^6-leaf tree in {:.1} s)",
        started.elapsed().as_secs_f64()
    );
    let from_database = database_proofs(&large, 1_000_000).await?;
    let in_memory = memory_proofs(&tree, 1_000_000)?;
    print_proofs(1_000_000, from_database, in_memory);
    large.close().await?;
    scratch.drop_databases().await
}

/// Registers an admin and `n_targets` users whose roles the clients change.
async fn register_users(
    executor: &Executor,
    n_targets: usize,
) -> BenchResult<(UserId, Vec<UserId>)> {
    let sample = Username::parse("bench.user")?;
    let password_hash = cordtrace_store::auth::password::hash(Password::new(
        "a benchmark passphrase".to_owned(),
        &sample,
    )?)
    .await?;
    let mut ids = Vec::new();
    for user_idx in 0..=n_targets {
        let user_id = UserId::from_uuid(uuid::Uuid::now_v7());
        let role = if user_idx == 0 {
            Role::Admin
        } else {
            Role::Technician
        };
        let new = NewUser {
            user_id,
            username: Username::parse(&format!("bench.{user_idx}"))?,
            printed_name: PrintedName::parse("Bench User")?,
            roles: Roles::new([role])?,
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
            .await?;
        ids.push(user_id);
    }
    let admin = ids.remove(0);
    Ok((admin, ids))
}

/// `median (min..max)` of per-second rates.
fn spread(rates: &mut [f64]) -> String {
    rates.sort_by(f64::total_cmp);
    match (rates.first(), rates.get(rates.len() / 2), rates.last()) {
        (Some(min), Some(median), Some(max)) => format!("{median:.0} ({min:.0}..{max:.0})"),
        _ => String::new(),
    }
}

/// Commits per second with one client per target, each changing its target's roles in a loop.
async fn executor_writes(
    executor: &Executor,
    admin: UserId,
    targets: &[UserId],
) -> BenchResult<f64> {
    let deadline = Instant::now() + Duration::from_secs(WRITE_SECONDS);
    let started = Instant::now();
    let committed = Arc::new(AtomicU64::new(0));
    let mut clients = Vec::new();
    for target in targets {
        let (executor, committed, target) = (executor.clone(), committed.clone(), *target);
        clients.push(tokio::spawn(async move {
            let actor = Actor::User {
                user_id: admin,
                role: Role::Admin,
            };
            let mut write_idx = 0_u64;
            while Instant::now() < deadline {
                let role = if write_idx.is_multiple_of(2) {
                    Role::Qa
                } else {
                    Role::Analyst
                };
                let change = ChangeUser {
                    user_id: target,
                    change: AdminChange::Roles(Roles::new([role])?),
                };
                executor.execute(actor, change).await?;
                committed.fetch_add(1, Ordering::Relaxed);
                write_idx += 1;
            }
            Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
        }));
    }
    for client in clients {
        client.await??;
    }
    Ok(committed.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64())
}

async fn create_baseline_table(database: &Database) -> BenchResult<()> {
    database
        .connection()
        .execute_unprepared(
            "CREATE TABLE bench_insert (client BIGINT NOT NULL, n BIGINT NOT NULL, \
             payload TEXT NOT NULL, PRIMARY KEY (client, n))",
        )
        .await?;
    Ok(())
}

/// Rows per second for plain autocommit single-row INSERTs from `n_clients` concurrent clients
/// through the same pool, each row about the size of a ledger entry.
async fn baseline_inserts(database: &Database, n_clients: usize) -> BenchResult<f64> {
    static NEXT_CLIENT: AtomicU64 = AtomicU64::new(0);
    let deadline = Instant::now() + Duration::from_secs(WRITE_SECONDS);
    let started = Instant::now();
    let inserted = Arc::new(AtomicU64::new(0));
    let payload = "x".repeat(600);
    let mut clients = Vec::new();
    for _ in 0..n_clients {
        let client_id = NEXT_CLIENT.fetch_add(1, Ordering::Relaxed);
        let (database, inserted, payload) = (database.clone(), inserted.clone(), payload.clone());
        clients.push(tokio::spawn(async move {
            let mut n = 0_u64;
            while Instant::now() < deadline {
                database
                    .connection()
                    .execute_unprepared(&format!(
                        "INSERT INTO bench_insert (client, n, payload) VALUES ({client_id}, {n}, '{payload}')"
                    ))
                    .await?;
                inserted.fetch_add(1, Ordering::Relaxed);
                n += 1;
            }
            Ok::<(), sea_orm::DbErr>(())
        }));
    }
    for client in clients {
        client.await??;
    }
    Ok(inserted.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64())
}

/// Verification against the database and in memory, beside raw SHA-256 of the same bytes.
async fn verification(database: &Database, verifier: &CheckpointVerifier) -> BenchResult<()> {
    let report = verify::verify(database, verifier)
        .await
        .map_err(|error| format!("the benchmark ledger does not verify: {error}"))?;
    let mut entries = Vec::new();
    loop {
        let after = entries.last().map_or(0, ledger::Entry::seq);
        let page = read::entries_after(database, after, 5_000).await?;
        if page.is_empty() {
            break;
        }
        entries.extend(page);
    }
    let canonical: Vec<Vec<u8>> = entries
        .iter()
        .map(|entry| entry.body().canonical_bytes())
        .collect();
    let n_bytes: usize = canonical.iter().map(Vec::len).sum();

    let best_of =
        |mut measure: Box<dyn FnMut() -> BenchResult<Duration>>| -> BenchResult<Duration> {
            let mut best = Duration::MAX;
            for _ in 0..5 {
                best = best.min(measure()?);
            }
            Ok(best)
        };
    let in_memory = best_of(Box::new(|| {
        let started = Instant::now();
        let mut chain = ChainVerifier::new();
        for entry in &entries {
            chain.push(entry)?;
        }
        chain.finish()?;
        Ok(started.elapsed())
    }))?;
    let raw_sha256 = best_of(Box::new(|| {
        let started = Instant::now();
        let mut last = Hash::ZERO;
        for bytes in &canonical {
            last = Hash::leaf(bytes);
        }
        std::hint::black_box(last);
        Ok(started.elapsed())
    }))?;

    let n_entries = entries.len() as f64;
    let megabytes = n_bytes as f64 / 1e6;
    println!();
    println!(
        "verification of {} entries ({:.2} MB of canonical bytes, {:.0} bytes per entry)",
        entries.len(),
        megabytes,
        n_bytes as f64 / n_entries
    );
    println!("{:>44} {:>12} {:>10}", "", "entries/s", "MB/s");
    for (label, elapsed) in [
        ("against the database (with replay)", report.elapsed),
        ("in memory (hashes, links, sub-chains, tree)", in_memory),
        ("raw SHA-256 of the same bytes (baseline)", raw_sha256),
    ] {
        let secs = elapsed.as_secs_f64();
        println!(
            "{label:>44} {:>12.0} {:>10.1}",
            n_entries / secs,
            megabytes / secs
        );
    }
    Ok(())
}

/// A tree of `size` synthetic leaves: leaf `i` is SHA-256 of `i` in big-endian bytes.
fn synthetic_tree(size: u64) -> BenchResult<ledger::MemoryHashStore> {
    let mut tree = ledger::MemoryHashStore::new();
    for leaf_idx in 0..size {
        tree.append_leaf(Hash::sha256(&leaf_idx.to_be_bytes()))?;
    }
    Ok(tree)
}

/// Writes every stored hash of `tree` into `merkle_hash` and a signed checkpoint of its size, as
/// the checkpoint signer would have after `tree.tree_size()` entries.
async fn fill_tree(
    database: &Database,
    tree: &ledger::MemoryHashStore,
    signer: &LedgerSigner,
) -> BenchResult<()> {
    use ledger::StoredHashReader as _;
    let size = tree.tree_size();
    let n_hashes = ledger::stored_hash_count(size);
    let txn = database.connection().begin().await?;
    let mut start = 0;
    while start < n_hashes {
        let end = (start + FILL_CHUNK).min(n_hashes);
        let mut values = Vec::with_capacity(usize::try_from(end - start)?);
        for index in start..end {
            let hash = tree
                .stored_hash(index)
                .ok_or_else(|| format!("stored hash {index} is missing"))?;
            values.push(format!("({index}, '{hash}')"));
        }
        txn.execute_unprepared(&format!(
            "INSERT INTO merkle_hash (hash_index, hash) VALUES {}",
            values.join(", ")
        ))
        .await?;
        start = end;
    }
    let root = ledger::tree_root(size, tree)?;
    let checkpoint = signer.sign_checkpoint(size, root)?;
    let note = checkpoint.note.replace('\'', "''");
    txn.execute_unprepared(&format!(
        "INSERT INTO checkpoint (tree_size, root_hash, signed_at, note) \
         VALUES ({size}, '{root}', '2026-01-01T00:00:00.000000Z', '{note}')"
    ))
    .await?;
    txn.commit().await?;
    if database.backend() == Backend::Postgres {
        database
            .connection()
            .execute_unprepared("ANALYZE merkle_hash")
            .await?;
    }
    Ok(())
}

/// Spreads `N_PROOFS` leaf indexes over a tree of `size` leaves.
fn sample_leaves(size: u64) -> impl Iterator<Item = u64> {
    (0..N_PROOFS).map(move |proof_idx| (proof_idx * 7_919 + 13) % size)
}

/// Mean time of an inclusion proof served by the store for trees of `size` entries.
async fn database_proofs(database: &Database, size: u64) -> BenchResult<Duration> {
    let started = Instant::now();
    for leaf_index in sample_leaves(size) {
        let proof = proofs::inclusion(database, leaf_index + 1, Some(size))
            .await
            .map_err(|error| format!("inclusion proof of {}: {error}", leaf_index + 1))?;
        ledger::verify_inclusion(leaf_index, size, proof.leaf_hash, &proof.path, proof.root)?;
    }
    Ok(started.elapsed() / u32::try_from(N_PROOFS)?)
}

/// Mean time of an inclusion proof computed by `cordtrace_ledger` from an in-memory tree.
fn memory_proofs(tree: &ledger::MemoryHashStore, size: u64) -> BenchResult<Duration> {
    let started = Instant::now();
    for leaf_index in sample_leaves(size) {
        std::hint::black_box(ledger::inclusion_proof(leaf_index, size, tree)?);
    }
    Ok(started.elapsed() / u32::try_from(N_PROOFS)?)
}

fn print_proofs(size: u64, from_database: Duration, in_memory: Duration) {
    println!(
        "{size:>10} {:>13.1} µs {:>13.1} µs",
        from_database.as_secs_f64() * 1e6,
        in_memory.as_secs_f64() * 1e6
    );
}
