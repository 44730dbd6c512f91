//! The lineage benchmark: `cargo bench -p cordtrace-server --bench lineage`.
//!
//! It times lineage queries over a seeded facility (`cordtrace seed-demo --scale N`): upstream
//! from a unit and from a lot, downstream from a donor, a donation, a lot and a material lot,
//! beside the primary-key lookup of one unit as the baseline. Each kind is timed three ways over
//! the same random subjects:
//!
//! - **GraphQL**: the `upstream`/`downstream` (or `unit`) query executed by the API's schema
//!   (`Schema::execute`, with the access-control extension, as an auditor) and the response
//!   serialised to JSON, as the HTTP handler does; no HTTP or token lookup;
//! - **store**: `cordtrace_store::queries::production::{upstream, downstream_*, unit}`, the
//!   functions the resolvers call (ids to complete records; downstream, the first page of 100
//!   lots, units and administrations and the three counts);
//! - **SQL**: the recursive lineage query alone (`cordtrace_store::lineage`), every lot id
//!   reached.
//!
//! The database is the one `cordtrace serve` would open with the same configuration
//! (`CORDTRACE_CONFIG`, `CORDTRACE_DATA_DIR`, `CORDTRACE_DATABASE_URL`). If none of these is set,
//! the benchmark seeds a temporary SQLite facility of `BENCH_LINEAGE_SCALE` donations (default
//! 10) itself and deletes it afterwards. `BENCH_LINEAGE_SAMPLES` subjects per kind (default 200);
//! `BENCH_LINEAGE_WORST_SAMPLES` for the material lot, which every step uses so that it reaches
//! the whole facility (default 3). Timings are printed, never asserted. Without `--bench` (as
//! under `cargo test --all-targets`) it does nothing.

#![expect(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::future::Future;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use async_graphql::{Request, Variables};
use clap::Parser as _;
use cordtrace_api::{ApiContext, CordSchema, Viewer};
use cordtrace_domain::ids::{DonationId, DonorId, LotId, MaterialLotId, SessionId, UnitId};
use cordtrace_domain::{Role, Timestamp};
use cordtrace_ledger::LedgerSigner;
use cordtrace_server::cli::Cli;
use cordtrace_server::config::{FlagOverrides, Settings};
use cordtrace_store::auth::Session;
use cordtrace_store::queries::production::{self, DownstreamStart, Reached, UpstreamStart};
use cordtrace_store::{Database, Executor, lineage};
use sea_orm::{FromQueryResult, Statement};
use serde_json::{Value as Json, json};
use uuid::Uuid;

type BenchResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

const UPSTREAM: &str = "query($from: UpstreamFrom!) { upstream(from: $from) { \
    unit { id din productCode } lots { id code kind status flags } steps { id kind } \
    materialLots { id material } equipment { id assetTag } \
    donations { id din donorId } donors { id key eligibility consent } } }";

/// The first page of each downstream list and the three counts, as a look-back screen opens.
const DOWNSTREAM: &str = "query($from: DownstreamFrom!) { downstream(from: $from) { \
    lotCount unitCount administrationCount \
    lots(first: 100) { nodes { id code kind status } pageInfo { hasNextPage endCursor } } \
    units(first: 100) { nodes { id din productCode status custody { state } } \
        pageInfo { hasNextPage endCursor } } \
    administrations(first: 100) { nodes { id } pageInfo { hasNextPage endCursor } } } }";

/// Rows of one downstream page, as [`DOWNSTREAM`] asks.
const PAGE: u64 = 100;

const UNIT: &str =
    "query($id: UUID!) { unit(id: $id) { id din productCode status custody { state } } }";

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

fn env_number(name: &str, default: usize) -> BenchResult<usize> {
    match std::env::var(name) {
        Ok(value) if !value.is_empty() => Ok(value
            .parse()
            .map_err(|_| format!("{name} must be a number, not {value:?}"))?),
        _ => Ok(default),
    }
}

fn configured() -> bool {
    [
        "CORDTRACE_CONFIG",
        "CORDTRACE_DATA_DIR",
        "CORDTRACE_DATABASE_URL",
    ]
    .iter()
    .any(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()))
}

/// Seeds a temporary SQLite facility through the real `cordtrace seed-demo --scale`.
async fn seed_temporary(dir: &tempfile::TempDir, scale: usize) -> BenchResult<PathBuf> {
    let data_dir = dir.path().join("data");
    println!("seeding a temporary SQLite facility of {scale} donations (cordtrace seed-demo)...");
    let started = Instant::now();
    let cli = Cli::try_parse_from([
        "cordtrace".to_owned(),
        "--data-dir".to_owned(),
        data_dir.display().to_string(),
        "seed-demo".to_owned(),
        "--scale".to_owned(),
        scale.to_string(),
    ])?;
    if cli.run().await != ExitCode::SUCCESS {
        return Err("cordtrace seed-demo failed".into());
    }
    println!("seeded in {:.1} s", started.elapsed().as_secs_f64());
    Ok(data_dir)
}

async fn run() -> BenchResult<()> {
    let samples = env_number("BENCH_LINEAGE_SAMPLES", 200)?;
    let worst_samples = env_number("BENCH_LINEAGE_WORST_SAMPLES", 3)?;
    let scratch = tempfile::tempdir()?;
    let settings = if configured() {
        let file = std::env::var_os("CORDTRACE_CONFIG")
            .filter(|value| !value.is_empty())
            .map(PathBuf::from);
        Settings::load(file.as_deref(), &FlagOverrides::default())?
    } else {
        let scale = env_number("BENCH_LINEAGE_SCALE", 10)?;
        let data_dir = seed_temporary(&scratch, scale).await?;
        Settings::load(
            None,
            &FlagOverrides {
                data_dir: Some(data_dir),
                ..FlagOverrides::default()
            },
        )?
    };
    let database = cordtrace_server::app::open_database(&settings)
        .await
        .map_err(|error| format!("{error:#}"))?;
    let result = bench(&database, &settings, samples, worst_samples).await;
    database.close().await?;
    result
}

#[derive(FromQueryResult)]
struct IdRow {
    id: Uuid,
}

#[derive(FromQueryResult)]
struct CountRow {
    n: i64,
}

async fn count(database: &Database, table: &str) -> BenchResult<i64> {
    let db = database.connection();
    let statement = Statement::from_string(
        db.get_database_backend(),
        format!("SELECT COUNT(*) AS n FROM {table}"),
    );
    Ok(CountRow::find_by_statement(statement)
        .one(db)
        .await?
        .map_or(0, |row| row.n))
}

/// Up to `n` random ids from `table` (`ORDER BY random()`, on both backends).
async fn sample(database: &Database, table: &str, n: usize) -> BenchResult<Vec<Uuid>> {
    let db = database.connection();
    let statement = Statement::from_string(
        db.get_database_backend(),
        format!("SELECT id FROM {table} ORDER BY random() LIMIT {n}"),
    );
    Ok(IdRow::find_by_statement(statement)
        .all(db)
        .await?
        .into_iter()
        .map(|row| row.id)
        .collect())
}

/// An auditor's session, built without a token: the schema sees the same viewer as over HTTP.
async fn auditor(executor: &Executor) -> BenchResult<Viewer> {
    let user = cordtrace_store::auth::list_users(executor)
        .await?
        .into_iter()
        .find(|user| user.active && user.roles.contains(Role::Auditor))
        .ok_or("no active auditor: is the database seeded with cordtrace seed-demo?")?;
    let now = Timestamp::from_datetime(chrono::Utc::now());
    Ok(Viewer::Session(Box::new(Session {
        session_id: SessionId::from_uuid(Uuid::now_v7()),
        user,
        expires_at: now.plus(chrono::Duration::hours(8)),
        idle_expires_at: now.plus(chrono::Duration::hours(8)),
    })))
}

/// What one query kind starts from.
#[derive(Clone, Copy)]
enum Kind {
    UnitByKey,
    UpstreamOfUnit,
    UpstreamOfLot,
    DownstreamOfDonor,
    DownstreamOfDonation,
    DownstreamOfLot,
    DownstreamOfMaterialLot,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::UnitByKey => "baseline: unit by id",
            Kind::UpstreamOfUnit => "upstream of unit",
            Kind::UpstreamOfLot => "upstream of lot",
            Kind::DownstreamOfDonor => "downstream of donor",
            Kind::DownstreamOfDonation => "downstream of donation",
            Kind::DownstreamOfLot => "downstream of lot",
            Kind::DownstreamOfMaterialLot => "downstream of material lot",
        }
    }

    fn table(self) -> &'static str {
        match self {
            Kind::UnitByKey | Kind::UpstreamOfUnit => "unit",
            Kind::UpstreamOfLot | Kind::DownstreamOfLot => "lot",
            Kind::DownstreamOfDonor => "donor",
            Kind::DownstreamOfDonation => "donation",
            Kind::DownstreamOfMaterialLot => "material_lot",
        }
    }

    fn request(self, id: Uuid) -> Request {
        let (query, variables) = match self {
            Kind::UnitByKey => (UNIT, json!({ "id": id })),
            Kind::UpstreamOfUnit => (UPSTREAM, json!({ "from": { "unitId": id } })),
            Kind::UpstreamOfLot => (UPSTREAM, json!({ "from": { "lotId": id } })),
            Kind::DownstreamOfDonor => (DOWNSTREAM, json!({ "from": { "donorId": id } })),
            Kind::DownstreamOfDonation => (DOWNSTREAM, json!({ "from": { "donationId": id } })),
            Kind::DownstreamOfLot => (DOWNSTREAM, json!({ "from": { "lotId": id } })),
            Kind::DownstreamOfMaterialLot => {
                (DOWNSTREAM, json!({ "from": { "materialLotId": id } }))
            }
        };
        Request::new(query).variables(Variables::from_json(variables))
    }
}

/// Rows a trace reaches: (lots, units). A downstream trace returns a page of each and counts
/// the rest; the counts are what is reported.
#[derive(Clone, Copy, Default)]
struct Rows {
    lots: usize,
    units: usize,
}

fn length(value: &Json) -> usize {
    value.as_array().map_or(0, Vec::len)
}

fn number(value: &Json) -> usize {
    value
        .as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or_default()
}

async fn graphql(schema: &CordSchema, viewer: &Viewer, kind: Kind, id: Uuid) -> BenchResult<Rows> {
    let response = schema.execute(kind.request(id).data(viewer.clone())).await;
    if !response.errors.is_empty() {
        return Err(format!("{}: {:?}", kind.name(), response.errors).into());
    }
    let body = serde_json::to_string(&response)?;
    let data = response.data.into_json()?;
    let rows = match kind {
        Kind::UnitByKey => Rows {
            lots: 0,
            units: usize::from(data["unit"].is_object()),
        },
        Kind::UpstreamOfUnit | Kind::UpstreamOfLot => Rows {
            lots: length(&data["upstream"]["lots"]),
            units: usize::from(data["upstream"]["unit"].is_object()),
        },
        _ => Rows {
            lots: number(&data["downstream"]["lotCount"]),
            units: number(&data["downstream"]["unitCount"]),
        },
    };
    std::hint::black_box(body);
    Ok(rows)
}

/// Where a downstream kind starts (a material lot for the upstream kinds, which never ask).
fn downstream_start(kind: Kind, id: Uuid) -> DownstreamStart {
    match kind {
        Kind::DownstreamOfDonor => DownstreamStart::Donor(DonorId::from_uuid(id)),
        Kind::DownstreamOfDonation => DownstreamStart::Donation(DonationId::from_uuid(id)),
        Kind::DownstreamOfLot => DownstreamStart::Lot(LotId::from_uuid(id)),
        _ => DownstreamStart::MaterialLot(MaterialLotId::from_uuid(id)),
    }
}

async fn store(database: &Database, kind: Kind, id: Uuid) -> BenchResult<Rows> {
    let missing = || format!("{} {id}: not found", kind.name());
    Ok(match kind {
        Kind::UnitByKey => {
            production::unit(database, UnitId::from_uuid(id))
                .await?
                .ok_or_else(missing)?;
            Rows { lots: 0, units: 1 }
        }
        Kind::UpstreamOfUnit | Kind::UpstreamOfLot => {
            let start = match kind {
                Kind::UpstreamOfUnit => UpstreamStart::Unit(UnitId::from_uuid(id)),
                _ => UpstreamStart::Lot(LotId::from_uuid(id)),
            };
            let upstream = production::upstream(database, start)
                .await?
                .ok_or_else(missing)?;
            Rows {
                lots: upstream.lots.len(),
                units: usize::from(upstream.unit.is_some()),
            }
        }
        _ => {
            let start = downstream_start(kind, id);
            if !production::downstream_exists(database, start).await? {
                return Err(missing().into());
            }
            std::hint::black_box((
                production::downstream_lots(database, start, None, PAGE).await?,
                production::downstream_units(database, start, None, PAGE).await?,
                production::downstream_administrations(database, start, None, PAGE).await?,
                production::downstream_count(database, start, Reached::Administrations).await?,
            ));
            Rows {
                lots: count_rows(database, start, Reached::Lots).await?,
                units: count_rows(database, start, Reached::Units).await?,
            }
        }
    })
}

async fn count_rows(
    database: &Database,
    start: DownstreamStart,
    listing: Reached,
) -> BenchResult<usize> {
    Ok(usize::try_from(
        production::downstream_count(database, start, listing).await?,
    )?)
}

#[derive(FromQueryResult)]
struct LotOfUnit {
    lot_id: Uuid,
}

/// The lot of a unit, by the unit's primary key.
async fn lot_of_unit(database: &Database, id: Uuid) -> BenchResult<LotId> {
    let db = database.connection();
    let backend = db.get_database_backend();
    let sql = match backend {
        sea_orm::DbBackend::Sqlite => "SELECT lot_id FROM unit WHERE id = ?1",
        _ => "SELECT lot_id FROM unit WHERE id = $1",
    };
    let statement = Statement::from_sql_and_values(backend, sql, [id.into()]);
    let row = LotOfUnit::find_by_statement(statement)
        .one(db)
        .await?
        .ok_or_else(|| format!("unit {id}: not found"))?;
    Ok(LotId::from_uuid(row.lot_id))
}

/// The lineage SQL alone: the primary-key read, or the recursive query behind each kind (for a
/// unit, its lot by primary key and then the ancestors), ids only.
async fn sql(database: &Database, kind: Kind, id: Uuid) -> BenchResult<Rows> {
    let db = database.connection();
    let lots = match kind {
        Kind::UnitByKey => {
            lot_of_unit(database, id).await?;
            return Ok(Rows { lots: 0, units: 1 });
        }
        Kind::UpstreamOfUnit => {
            let lot = lot_of_unit(database, id).await?;
            lineage::with_ancestors(db, lot).await?
        }
        Kind::UpstreamOfLot => lineage::with_ancestors(db, LotId::from_uuid(id)).await?,
        _ => lineage::downstream_lots(db, downstream_start(kind, id)).await?,
    };
    Ok(Rows {
        lots: lots.len(),
        units: 0,
    })
}

/// Latencies of one way of running one kind, with the rows of each run.
struct Series {
    times: Vec<Duration>,
    rows: Vec<Rows>,
}

impl Series {
    /// The nearest-rank percentile `p` (0 < p <= 100).
    fn percentile(&self, p: usize) -> Duration {
        let mut sorted = self.times.clone();
        sorted.sort();
        let rank = (sorted.len() * p).div_ceil(100).max(1);
        sorted.get(rank - 1).copied().unwrap_or_default()
    }

    fn max(&self) -> Duration {
        self.times.iter().max().copied().unwrap_or_default()
    }

    fn median_rows(&self) -> Rows {
        let middle = |mut values: Vec<usize>| {
            values.sort_unstable();
            values.get(values.len() / 2).copied().unwrap_or_default()
        };
        Rows {
            lots: middle(self.rows.iter().map(|r| r.lots).collect()),
            units: middle(self.rows.iter().map(|r| r.units).collect()),
        }
    }
}

/// Runs `f` once untimed, then once per subject.
async fn time<F, Fut>(subjects: &[Uuid], f: F) -> BenchResult<Series>
where
    F: Fn(Uuid) -> Fut,
    Fut: Future<Output = BenchResult<Rows>>,
{
    if let Some(&first) = subjects.first() {
        f(first).await?;
    }
    let mut series = Series {
        times: Vec::with_capacity(subjects.len()),
        rows: Vec::with_capacity(subjects.len()),
    };
    for &id in subjects {
        let started = Instant::now();
        let rows = f(id).await?;
        series.times.push(started.elapsed());
        series.rows.push(rows);
    }
    Ok(series)
}

fn ms(duration: Duration) -> String {
    let ms = duration.as_secs_f64() * 1e3;
    if ms < 10.0 {
        format!("{ms:.2}")
    } else if ms < 1_000.0 {
        format!("{ms:.1}")
    } else {
        format!("{ms:.0}")
    }
}

async fn bench(
    database: &Database,
    settings: &Settings,
    samples: usize,
    worst_samples: usize,
) -> BenchResult<()> {
    let backend = match database.backend() {
        cordtrace_store::Backend::Postgres => "PostgreSQL",
        _ => "SQLite",
    };
    println!(
        "cordtrace lineage benchmark on {backend} ({})",
        cordtrace_store::db::redact_url(&settings.database_url())
    );
    let counts = [
        "donor",
        "donation",
        "lot",
        "lot_parent",
        "processing_step",
        "unit",
        "material_lot",
        "ledger_entry",
    ];
    let mut facility = Vec::new();
    for table in counts {
        facility.push(format!("{table} {}", count(database, table).await?));
    }
    println!("facility: {}", facility.join(", "));
    if count(database, "unit").await? == 0 {
        return Err(
            "the database has no units: seed it first with cordtrace seed-demo --scale N".into(),
        );
    }

    let (executor, writer) = Executor::start(database.clone());
    let viewer = auditor(&executor).await?;
    let policies = settings.api_policies()?;
    let schema = cordtrace_api::schema(ApiContext::new(
        executor.clone(),
        LedgerSigner::generate("bench.cordtrace.local/lineage")?,
        policies,
    ));

    println!();
    println!(
        "latency in ms: p50 / p99 / max over n random subjects (after one untimed run); \
         rows = median lots / units reached (downstream: counted, first page of 100 returned)"
    );
    println!(
        "{:<28} {:>5} {:>26} {:>26} {:>26} {:>16}",
        "query", "n", "GraphQL", "store", "SQL", "rows"
    );
    let kinds = [
        Kind::UnitByKey,
        Kind::UpstreamOfUnit,
        Kind::UpstreamOfLot,
        Kind::DownstreamOfDonor,
        Kind::DownstreamOfDonation,
        Kind::DownstreamOfLot,
        Kind::DownstreamOfMaterialLot,
    ];
    for kind in kinds {
        let n = match kind {
            Kind::DownstreamOfMaterialLot => worst_samples,
            _ => samples,
        };
        let subjects = sample(database, kind.table(), n).await?;
        if subjects.is_empty() {
            continue;
        }
        let sql_series = time(&subjects, |id| sql(database, kind, id)).await;
        let store_series = time(&subjects, |id| store(database, kind, id)).await;
        let graphql_series = time(&subjects, |id| graphql(&schema, &viewer, kind, id)).await;
        let mut failures = Vec::new();
        let mut cell = |layer: &str, series: &BenchResult<Series>| match series {
            Ok(series) => format!(
                "{} / {} / {}",
                ms(series.percentile(50)),
                ms(series.percentile(99)),
                ms(series.max())
            ),
            Err(error) => {
                failures.push(format!("{layer}: {error}"));
                "failed".to_owned()
            }
        };
        let cells = [
            cell("GraphQL", &graphql_series),
            cell("store", &store_series),
            cell("SQL", &sql_series),
        ];
        let rows = [&graphql_series, &store_series, &sql_series]
            .into_iter()
            .find_map(|series| series.as_ref().ok())
            .map(Series::median_rows)
            .unwrap_or_default();
        println!(
            "{:<28} {:>5} {:>26} {:>26} {:>26} {:>16}",
            kind.name(),
            subjects.len(),
            cells[0],
            cells[1],
            cells[2],
            format!("{} / {}", rows.lots, rows.units)
        );
        for failure in failures {
            println!("    {failure}");
        }
    }
    drop(schema);
    drop(executor);
    writer.await?;
    Ok(())
}
