//! `cordtrace seed-demo`: a small facility with nine months of plausible history for a first
//! look, or a large one for benchmarks (`--scale N`). Both import the default release
//! specification.
//!
//! Everything goes through the same commands as the API, acting as real users, so the ledger of
//! a seeded installation verifies like any other. The small facility is recorded on a replay
//! clock (see [`super::seed_timeline`]): every entry carries the time its act was done, from the
//! facility's set-up about nine months ago to a unit thawed twenty minutes ago. That only works
//! on an empty ledger (a history replayed behind existing entries would run backwards), so the
//! small facility refuses any other. On SQLite, seeding also takes the database's lock file
//! exclusively and refuses to run while a server holds it; on PostgreSQL there is no lock file,
//! but the empty-ledger check and the executor's refusal of a replayed command behind another
//! writer's entry keep a running server from interleaving with the history. The large facility
//! is recorded on the system clock, as it always was.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use chrono::{Duration, NaiveDate, Utc};
use cordtrace_domain::identity::commands::NewUser;
use cordtrace_domain::identity::{Password, PrintedName, Username};
use cordtrace_domain::ids::{EquipmentId, MaterialLotId, UserId};
use cordtrace_domain::manufacturing::MaterialQcStatus;
use cordtrace_domain::signature::{Meaning, Signature};
use cordtrace_domain::values::Label;
use cordtrace_domain::{Actor, Role, Roles, Timestamp};
use cordtrace_store::Executor;
use cordtrace_store::commands::clinical::ClinicalPolicy;
use cordtrace_store::commands::manufacturing::ManufacturingPolicy;
use cordtrace_store::commands::manufacturing::materials::{
    DefineProduct, RegisterEquipment, RegisterMaterialLot, SetMaterialQc,
};
use cordtrace_store::commands::users::RegisterUser;
use cordtrace_store::executor::ReplayClock;
use rand::Rng;
use uuid::Uuid;

use super::say;
use super::seed_clinic::{Clinic, LabelledUnit};
use super::seed_production::{
    DonorTimes, Intermediates, ProductionTimes, StepTimes, Yield, admit_donor, expand_and_fill,
    process_tissue, screen_donor,
};
use super::seed_report::{Demo, Report};
use super::seed_timeline::{Calendar, Timeline};
use crate::config::Settings;
use crate::{app, database_lock};

/// The test FIN demo DINs are assigned under when the installation configures none.
pub(crate) const DEMO_FIN: &str = "A9999";
/// How many product description codes the demo defines (`S1001`, `S1002`, ...). A DIN carries at
/// most 702 divisions per product code, so the large facility gives each drug product lot of a
/// donation its own product code.
const DEMO_PRODUCTS: usize = 32;
/// Units the small facility's lot fills: one given, one ready at the bedside, four in storage.
const DEMO_UNITS: usize = 6;

pub(crate) fn product_description_code(branch: usize) -> String {
    format!("S1{:03}", branch + 1)
}

pub(crate) fn new_id() -> Uuid {
    Uuid::now_v7()
}

pub(crate) fn label(text: &str) -> anyhow::Result<Label> {
    Ok(Label::parse(text, "label")?)
}

/// A member of the demo's staff.
pub(crate) struct Person {
    pub(crate) actor: Actor,
    /// Who hand-offs name.
    pub(crate) username: Username,
    user_id: UserId,
    name: PrintedName,
}

impl Person {
    /// This person's signature with `meaning`, made at `at` (the demo's time, not the system's).
    pub(crate) fn signs(&self, meaning: Meaning, at: Timestamp) -> Signature {
        Signature {
            signer_id: self.user_id,
            printed_name: self.name.clone(),
            signed_at: at,
            meaning,
        }
    }
}

/// The demo's staff: one per role, and a second technician, QA and clinician for hand-offs and
/// separation of duties.
pub(crate) struct Staff {
    pub(crate) admin: Person,
    pub(crate) technician: Person,
    pub(crate) analyst: Person,
    pub(crate) qa: Person,
    pub(crate) clinician: Person,
    pub(crate) clinician2: Person,
}

const STAFF: [(&str, &str, Role); 9] = [
    ("admin.demo", "Demo Administrator", Role::Admin),
    ("tech.demo", "Demo Technician", Role::Technician),
    ("tech2.demo", "Demo Technician Two", Role::Technician),
    ("analyst.demo", "Demo Analyst", Role::Analyst),
    ("qa.demo", "Demo QA", Role::Qa),
    ("qa2.demo", "Demo QA Two", Role::Qa),
    ("clinician.demo", "Demo Clinician", Role::Clinician),
    ("clinician2.demo", "Demo Clinician Two", Role::Clinician),
    ("auditor.demo", "Demo Auditor", Role::Auditor),
];

/// A user's sign-in, shown once.
pub(crate) struct Credential {
    pub(crate) username: String,
    pub(crate) password: String,
    pub(crate) role: Role,
}

/// A random passphrase of 4 groups of 5 lowercase letters.
fn passphrase() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..4)
        .map(|_| {
            (0..5)
                .map(|_| char::from(b'a' + rng.gen_range(0..26)))
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

async fn create_staff(executor: &Executor) -> anyhow::Result<(Staff, Vec<Credential>)> {
    let mut people = Vec::new();
    let mut credentials = Vec::new();
    for (username, name, role) in STAFF {
        let username = Username::parse(username)?;
        let password = passphrase();
        let hash =
            cordtrace_store::auth::password::hash(Password::new(password.clone(), &username)?)
                .await?;
        let user_id = UserId::from_uuid(new_id());
        let name = PrintedName::parse(name)?;
        executor
            .execute(
                Actor::System,
                RegisterUser {
                    new: NewUser {
                        user_id,
                        username: username.clone(),
                        printed_name: name.clone(),
                        roles: Roles::new([role])?,
                        must_change_password: false,
                    },
                    password_hash: hash,
                },
            )
            .await
            .with_context(|| {
                format!("cannot create {username}: is this installation already seeded?")
            })?;
        people.push(Some(Person {
            actor: Actor::User { user_id, role },
            username: username.clone(),
            user_id,
            name,
        }));
        credentials.push(Credential {
            username: username.to_string(),
            password,
            role,
        });
    }
    let mut take = |index: usize| {
        people
            .get_mut(index)
            .and_then(Option::take)
            .with_context(|| format!("no demo user {index}"))
    };
    Ok((
        Staff {
            admin: take(0)?,
            technician: take(1)?,
            analyst: take(3)?,
            qa: take(4)?,
            clinician: take(6)?,
            clinician2: take(7)?,
        },
        credentials,
    ))
}

/// Ids of the shared materials and equipment every step uses.
pub(crate) struct Supplies {
    pub(crate) materials: Vec<MaterialLotId>,
    pub(crate) equipment: Vec<EquipmentId>,
}

/// The product codes, the released material lots (expiring on `expires_on`) and the equipment
/// (calibration due on `calibration_due`).
async fn create_supplies(
    executor: &Executor,
    timeline: &Timeline,
    staff: &Staff,
    expires_on: NaiveDate,
    calibration_due: NaiveDate,
) -> anyhow::Result<Supplies> {
    for branch in 0..DEMO_PRODUCTS {
        executor
            .execute(
                staff.admin.actor,
                DefineProduct {
                    code: product_description_code(branch),
                    description: label(&format!(
                        "UC-MSC drug product, cryopreserved, 50 mL bag, line {}",
                        branch + 1
                    ))?,
                },
            )
            .await?;
    }
    let mut materials = Vec::new();
    for (material, supplier, lot) in [
        ("alpha-MEM medium", "Demo Media Co", "MED-2026-118"),
        ("human platelet lysate", "Demo Bio", "HPL-2026-031"),
        ("TrypLE", "Demo Enzymes", "TRY-2026-007"),
        ("DMSO", "Demo Cryo", "DMSO-2026-044"),
    ] {
        let id = MaterialLotId::from_uuid(new_id());
        executor
            .execute(
                staff.technician.actor,
                RegisterMaterialLot {
                    material_lot_id: id,
                    material: label(material)?,
                    supplier: label(supplier)?,
                    supplier_lot: label(lot)?,
                    expires_on,
                },
            )
            .await?;
        executor
            .execute(
                staff.qa.actor,
                SetMaterialQc {
                    material_lot_id: id,
                    status: MaterialQcStatus::Released,
                    signature: staff.qa.signs(Meaning::Approval, timeline.now()),
                },
            )
            .await?;
        materials.push(id);
    }
    let mut equipment = Vec::new();
    for (tag, kind) in [
        ("BSC-01", "biosafety cabinet"),
        ("INC-01", "CO2 incubator"),
        ("CRF-01", "controlled-rate freezer"),
    ] {
        let id = EquipmentId::from_uuid(new_id());
        executor
            .execute(
                staff.technician.actor,
                RegisterEquipment {
                    equipment_id: id,
                    asset_tag: label(tag)?,
                    kind: label(kind)?,
                    calibration_due,
                },
            )
            .await?;
        equipment.push(id);
    }
    Ok(Supplies {
        materials,
        equipment,
    })
}

/// Seeds the installation: `scale` donations each carried to 32 drug product lots of 32 units
/// when given, otherwise the small facility, whose report is printed as text or, with `json`,
/// as one JSON object.
pub(crate) async fn run(
    settings: Settings,
    scale: Option<usize>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let policy = settings
        .manufacturing_policy()
        .map_err(|error| anyhow::anyhow!("invalid configuration: {error}"))?;
    let clinical = settings
        .clinical_policy()
        .map_err(|error| anyhow::anyhow!("invalid configuration: {error}"))?;
    app::create_data_dir(&settings)?;
    // Taken before anything is written, and held until the database is closed.
    let _lock = database_lock::for_seed(&settings)?;
    let app::Installation { database, signer } = app::open_installation(&settings).await?;
    let result = match scale {
        Some(donations) => {
            let (executor, writer) = Executor::start(database.clone());
            let result = large_facility(&executor, &policy, donations).await;
            finish(executor, writer, signer, result)
                .await
                .map(Seeded::Large)
        }
        None => seed_small(&database, signer, &policy, clinical).await,
    };
    database.close().await?;
    match result? {
        Seeded::Large(credentials) => {
            say("seeded. Users (password shown once; change it after the first login):")?;
            for Credential {
                username,
                password,
                role,
            } in credentials
            {
                say(format_args!(
                    "  {username:<16} {:<11} {password}",
                    role.as_str()
                ))?;
            }
        }
        Seeded::Small {
            demo,
            ledger_entries,
        } => {
            let report = Report::new(&settings, &clinical, &demo, ledger_entries)?;
            if json {
                say(serde_json::to_string_pretty(&report)?)?;
            } else {
                report.print()?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What was seeded.
enum Seeded {
    /// The large facility's users.
    Large(Vec<Credential>),
    /// The small facility, and the ledger's size once seeded and signed for.
    Small {
        demo: Box<Demo>,
        ledger_entries: u64,
    },
}

/// The small facility, replayed on an empty ledger only.
async fn seed_small(
    database: &cordtrace_store::Database,
    signer: cordtrace_ledger::LedgerSigner,
    policy: &ManufacturingPolicy,
    clinical: ClinicalPolicy,
) -> anyhow::Result<Seeded> {
    let entries = cordtrace_store::ledger::size(database).await?;
    if entries > 0 {
        bail!(
            "this installation already has {entries} ledger entries; seed-demo seeds an empty one"
        );
    }
    let calendar = Calendar::new(clinical.time_zone)?;
    let clock = ReplayClock::starting_at(calendar.at(calendar.infusion_day(-60)?, 8, 0)?)?;
    let (executor, writer) = Executor::start_replaying(database.clone(), Arc::clone(&clock));
    let timeline = Timeline::Replay(Arc::clone(&clock));
    let result = small_facility(&executor, &timeline, &calendar, policy, clinical).await;
    // The history has reached the present: what follows (signing) happens now.
    clock.catch_up();
    let demo = finish(executor, writer, signer, result).await?;
    // Counted once signed for: the auditor's next step names the size of what they verify.
    let ledger_entries = cordtrace_store::ledger::size(database).await?;
    Ok(Seeded::Small {
        demo: Box::new(demo),
        ledger_entries,
    })
}

/// Signs a checkpoint for everything seeded, so that the demo's ledger verifies offline at
/// once, and stops the executor.
async fn finish<T>(
    executor: Executor,
    writer: tokio::task::JoinHandle<()>,
    signer: cordtrace_ledger::LedgerSigner,
    mut result: anyhow::Result<T>,
) -> anyhow::Result<T> {
    if result.is_ok()
        && let Err(error) = cordtrace_store::ledger::checkpoints::sign(&executor, signer).await
    {
        result = Err(error.into());
    }
    drop(executor);
    writer.await.context("the command executor panicked")?;
    result
}

/// The large facility, on the system clock: `donations` donations, each carried to 32 drug
/// product lots of 32 units.
async fn large_facility(
    executor: &Executor,
    policy: &ManufacturingPolicy,
    donations: usize,
) -> anyhow::Result<Vec<Credential>> {
    let timeline = Timeline::System;
    let (staff, credentials) = create_staff(executor).await?;
    let expiry = (Utc::now() + Duration::days(365)).date_naive();
    let supplies = create_supplies(executor, &timeline, &staff, expiry, expiry).await?;
    super::spec::import_default(executor).await?;
    let started = std::time::Instant::now();
    for index in 0..donations {
        let times = DonorTimes::recent(true)?;
        let donated = admit_donor(executor, &timeline, &staff, policy, index + 1, &times).await?;
        screen_donor(
            executor,
            &timeline,
            &staff,
            policy,
            donated.donor_id,
            &times,
        )
        .await?;
        let cord = process_tissue(
            executor,
            &timeline,
            &staff,
            &supplies,
            donated.donation_id,
            ProductionTimes::recent_tissue(),
        )
        .await?;
        let shape = Yield {
            branches: 32,
            units_per_lot: 32,
        };
        expand_and_fill(
            executor,
            &timeline,
            &staff,
            &supplies,
            policy,
            cord,
            &ProductionTimes::recent(),
            shape,
            Intermediates::LeaveOpen,
        )
        .await?;
        if (index + 1) % 10 == 0 {
            tracing::info!(
                donations = index + 1,
                elapsed_s = started.elapsed().as_secs(),
                "seeding"
            );
        }
    }
    Ok(credentials)
}

/// The small facility's history, in the order it happened (days counted from Demo Patient A's
/// infusion, about 6 months and 3 weeks ago; "D-n" is n days before today).
async fn small_facility(
    executor: &Executor,
    timeline: &Timeline,
    calendar: &Calendar,
    policy: &ManufacturingPolicy,
    clinical: ClinicalPolicy,
) -> anyhow::Result<Demo> {
    let day = |offset: i64| calendar.infusion_day(offset);
    let at = |date: NaiveDate, hour: u32, minute: u32| calendar.at(date, hour, minute);
    let zoned = |at: Timestamp| calendar.zoned(at);

    // Infusion - 60 days: the facility is set up (the clock starts there). Its material lots
    // expire and its equipment's calibration falls due well after today.
    let (staff, credentials) = create_staff(executor).await?;
    let today = calendar.days_ago(0)?;
    let ahead = |days: u64| {
        today
            .checked_add_days(chrono::Days::new(days))
            .context("the calendar cannot count ahead")
    };
    let supplies = create_supplies(executor, timeline, &staff, ahead(365)?, ahead(90)?).await?;
    super::spec::import_default(executor).await?;

    // Donor 1: consent at -55, the cord recovered at -52 09:00 and at the lab six hours later,
    // processed that afternoon; screening results at -50, QA's eligibility at -45.
    let donor1 = DonorTimes {
        consented: at(day(-55)?, 10, 0)?,
        consent_on: day(-55)?,
        collected: zoned(at(day(-52)?, 9, 0)?)?,
        received: at(day(-52)?, 15, 0)?,
        screened: at(day(-50)?, 14, 0)?,
        determined: Some(at(day(-45)?, 11, 0)?),
    };
    let donated = admit_donor(executor, timeline, &staff, policy, 1, &donor1).await?;
    let tissue = StepTimes {
        started: at(day(-52)?, 16, 0)?,
        ended: at(day(-52)?, 18, 0)?,
    };
    let cord = process_tissue(
        executor,
        timeline,
        &staff,
        &supplies,
        donated.donation_id,
        tissue,
    )
    .await?;
    screen_donor(
        executor,
        timeline,
        &staff,
        policy,
        donated.donor_id,
        &donor1,
    )
    .await?;

    // Explant culture for 14 days, the first passage, 8 days of expansion, then harvest,
    // formulation and fill at -30, cryopreserved that afternoon, expiring a year later.
    let fill_day = day(-30)?;
    let expires_on = fill_day
        .checked_add_months(chrono::Months::new(12))
        .context("the calendar cannot count a year ahead")?;
    let production = ProductionTimes {
        explant: StepTimes {
            started: at(day(-52)?, 18, 30)?,
            ended: at(day(-38)?, 10, 0)?,
        },
        passage: StepTimes {
            started: at(day(-38)?, 10, 30)?,
            ended: at(day(-38)?, 11, 30)?,
        },
        split: StepTimes {
            started: at(day(-38)?, 11, 30)?,
            ended: at(day(-38)?, 11, 30)?,
        },
        harvest: StepTimes {
            started: at(fill_day, 9, 0)?,
            ended: at(fill_day, 11, 0)?,
        },
        formulation: StepTimes {
            started: at(fill_day, 11, 30)?,
            ended: at(fill_day, 13, 0)?,
        },
        cryopreserved: at(fill_day, 15, 0)?,
        filled: at(fill_day, 15, 15)?,
        expires: at(expires_on, 23, 59)?,
    };
    let shape = Yield {
        branches: 1,
        units_per_lot: DEMO_UNITS,
    };
    let lot = expand_and_fill(
        executor,
        timeline,
        &staff,
        &supplies,
        policy,
        cord,
        &production,
        shape,
        Intermediates::Complete,
    )
    .await?
    .into_iter()
    .next()
    .context("the demo production filled no lot")?;

    // Testing begins at the fill; each result comes in when its test is read (sterility after
    // 14 days); QA releases at -14.
    super::seed_release::test_and_release(
        executor,
        timeline,
        &staff,
        lot.lot_id,
        at(fill_day, 16, 0)?,
        at(day(-14)?, 10, 0)?,
    )
    .await?;

    let units = lot
        .units
        .iter()
        .map(|&(unit_id, product_code)| LabelledUnit {
            unit_id,
            din: lot.din,
            product_code,
            expires: production.expires,
        })
        .collect::<Vec<_>>();
    let [given, ready, ..] = units.as_slice() else {
        bail!("the demo lot filled {} units", units.len());
    };
    let clinic = Clinic {
        executor,
        timeline,
        calendar,
        staff: &staff,
        policy: clinical,
    };
    // Patient A: registered at -5, infused on day 0, followed up at 1 and 3 months.
    let patient_a = clinic.treat_patient_a(given).await?;
    // Patient B: registered at D-30, an order at D-7, a unit allocated at D-5.
    let patient_b = clinic.prepare_patient_b(ready).await?;
    // Patient C: registered at D-4, an order at D-3 that waits for a unit.
    let patient_c = clinic.order_for_patient_c().await?;

    // Donor 2: her cord recovered at D-2 and received that afternoon, screened and found
    // eligible at D-1; it waits for its tissue processing.
    let donor2 = DonorTimes {
        consented: at(calendar.days_ago(2)?, 8, 0)?,
        consent_on: calendar.days_ago(34)?,
        collected: zoned(at(calendar.days_ago(2)?, 8, 40)?)?,
        received: at(calendar.days_ago(2)?, 14, 40)?,
        screened: at(calendar.days_ago(1)?, 10, 0)?,
        determined: Some(at(calendar.days_ago(1)?, 11, 0)?),
    };
    let waiting = admit_donor(executor, timeline, &staff, policy, 2, &donor2).await?;
    clinic.weigh_patient_b(&patient_b).await?;
    screen_donor(
        executor,
        timeline,
        &staff,
        policy,
        waiting.donor_id,
        &donor2,
    )
    .await?;

    // Donor 3: her cord recovered and received at D-1, screened that evening; her
    // eligibility is not determined yet.
    let donor3 = DonorTimes {
        consented: at(calendar.days_ago(1)?, 12, 0)?,
        consent_on: calendar.days_ago(20)?,
        collected: zoned(at(calendar.days_ago(1)?, 12, 30)?)?,
        received: at(calendar.days_ago(1)?, 18, 30)?,
        screened: at(calendar.days_ago(1)?, 20, 0)?,
        determined: None,
    };
    let undetermined = admit_donor(executor, timeline, &staff, policy, 3, &donor3).await?;
    screen_donor(
        executor,
        timeline,
        &staff,
        policy,
        undetermined.donor_id,
        &donor3,
    )
    .await?;

    // Today: patient B's unit reached the ward two hours ago and was thawed twenty minutes ago.
    clinic.ready_patient_b(ready).await?;

    Ok(Demo {
        credentials,
        lot_id: lot.lot_id,
        lot_code: lot.code,
        units_in_storage: units.len() - 2,
        ready: *ready,
        patients: [patient_a, patient_b, patient_c],
        waiting_donation: waiting.din,
        waiting_received: donor2.received,
    })
}
