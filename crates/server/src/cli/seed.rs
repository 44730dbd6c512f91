//! `cordtrace seed-demo`: a small realistic facility for a first look, or a large one for
//! benchmarks (`--scale N`). Both import the default release specification; the small
//! facility's drug product lot is tested against it and released by QA.
//!
//! Everything goes through the same commands as the API, acting as real users, so the ledger of a
//! seeded installation verifies like any other.

use std::process::ExitCode;

use anyhow::{Context as _, bail};
use chrono::{Duration, Utc};
use cordtrace_domain::identity::commands::NewUser;
use cordtrace_domain::identity::{Password, PrintedName, Username};
use cordtrace_domain::ids::{
    DonationId, DonorId, EquipmentId, LotId, MaterialLotId, ScreeningTestId, StepId, UnitId, UserId,
};
use cordtrace_domain::isbt128::{Fin, ProductCode};
use cordtrace_domain::manufacturing::commands::donations::ReceiptInput;
use cordtrace_domain::manufacturing::commands::donors::screening_test;
use cordtrace_domain::manufacturing::commands::lots::LotAction;
use cordtrace_domain::manufacturing::commands::steps::StepInput;
use cordtrace_domain::manufacturing::commands::units::UnitSpec;
use cordtrace_domain::manufacturing::{
    ArrivalCondition, CellBankLevel, Consent, Container, EligibilityStatus, LotKind,
    MaterialQcStatus, Measurement, ScreeningResult, StepKind, StorageLocation,
};
use cordtrace_domain::signature::{Meaning, Signature};
use cordtrace_domain::values::{CellCount, Celsius, Label, Millilitres, ZonedTime};
use cordtrace_domain::{Actor, Role, Roles, Timestamp};
use cordtrace_store::Executor;
use cordtrace_store::commands::manufacturing::ManufacturingPolicy;
use cordtrace_store::commands::manufacturing::donations::{
    DinEntry, ReceiveDonation, RegisterDonation,
};
use cordtrace_store::commands::manufacturing::donors::{
    DetermineEligibility, RecordConsent, RecordScreening, RegisterDonor,
};
use cordtrace_store::commands::manufacturing::lots::ChangeLotStatus;
use cordtrace_store::commands::manufacturing::materials::{
    DefineProduct, RegisterEquipment, RegisterMaterialLot, SetMaterialQc,
};
use cordtrace_store::commands::manufacturing::steps::{OutputRequest, RecordStep};
use cordtrace_store::commands::manufacturing::units::FillUnits;
use cordtrace_store::commands::users::RegisterUser;
use cordtrace_store::side_write::DonorPersonalData;
use rand::Rng;
use uuid::Uuid;

use super::say;
use crate::app;
use crate::config::Settings;

/// The test FIN demo DINs are assigned under when the installation configures none.
const DEMO_FIN: &str = "A9999";
/// How many product description codes the demo defines (`S1001`, `S1002`, ...). A DIN carries at
/// most 702 divisions per product code, so the large facility gives each drug product lot of a
/// donation its own product code.
const DEMO_PRODUCTS: usize = 32;

fn product_description_code(branch: usize) -> String {
    format!("S1{:03}", branch + 1)
}

fn new_id() -> Uuid {
    Uuid::now_v7()
}

fn label(text: &str) -> anyhow::Result<Label> {
    Ok(Label::parse(text, "label")?)
}

fn now() -> Timestamp {
    Timestamp::from_datetime(Utc::now())
}

/// The demo's staff, one per role (two technicians and two QA for hand-offs and separation of
/// duties).
struct Staff {
    technician: Actor,
    analyst: Actor,
    qa: Actor,
    admin: Actor,
    qa_signature_name: PrintedName,
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

async fn create_staff(executor: &Executor) -> anyhow::Result<(Staff, Vec<(String, String, Role)>)> {
    let mut ids = Vec::new();
    let mut credentials = Vec::new();
    for (username, name, role) in STAFF {
        let username = Username::parse(username)?;
        let password = passphrase();
        let hash =
            cordtrace_store::auth::password::hash(Password::new(password.clone(), &username)?)
                .await?;
        let user_id = UserId::from_uuid(new_id());
        executor
            .execute(
                Actor::System,
                RegisterUser {
                    new: NewUser {
                        user_id,
                        username: username.clone(),
                        printed_name: PrintedName::parse(name)?,
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
        ids.push((user_id, role));
        credentials.push((username.to_string(), password, role));
    }
    let actor = |index: usize| Actor::User {
        user_id: ids[index].0,
        role: ids[index].1,
    };
    Ok((
        Staff {
            admin: actor(0),
            technician: actor(1),
            analyst: actor(3),
            qa: actor(4),
            qa_signature_name: PrintedName::parse(STAFF[4].1)?,
        },
        credentials,
    ))
}

/// Ids of the shared materials and equipment every step uses.
struct Supplies {
    materials: Vec<MaterialLotId>,
    equipment: Vec<EquipmentId>,
}

async fn create_supplies(executor: &Executor, staff: &Staff) -> anyhow::Result<Supplies> {
    for branch in 0..DEMO_PRODUCTS {
        executor
            .execute(
                staff.admin,
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
    let expiry = (Utc::now() + Duration::days(365)).date_naive();
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
                staff.technician,
                RegisterMaterialLot {
                    material_lot_id: id,
                    material: label(material)?,
                    supplier: label(supplier)?,
                    supplier_lot: label(lot)?,
                    expires_on: expiry,
                },
            )
            .await?;
        executor
            .execute(
                staff.qa,
                SetMaterialQc {
                    material_lot_id: id,
                    status: MaterialQcStatus::Released,
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
                staff.technician,
                RegisterEquipment {
                    equipment_id: id,
                    asset_tag: label(tag)?,
                    kind: label(kind)?,
                    calibration_due: expiry,
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

/// A donor with consent, the full screening panel and, if `eligible`, a signed determination,
/// plus one received donation. Returns the donation.
async fn create_donor(
    executor: &Executor,
    staff: &Staff,
    policy: &ManufacturingPolicy,
    index: usize,
    eligible: bool,
) -> anyhow::Result<DonationId> {
    let donor_id = DonorId::from_uuid(new_id());
    let tech = staff.technician;
    executor
        .execute(
            tech,
            RegisterDonor {
                donor_id,
                personal: DonorPersonalData {
                    full_name: label(&format!("Demo Donor {index}"))?,
                    date_of_birth: chrono::NaiveDate::from_ymd_opt(1990, 1, 1),
                    hospital_record_number: Some(label(&format!("DEMO-MRN-{index:05}"))?),
                    contact: None,
                },
            },
        )
        .await?;
    let collected = Utc::now() - Duration::hours(30);
    executor
        .execute(
            tech,
            RecordConsent {
                donor_id,
                consent: Consent {
                    form_id: label("UC-CONSENT")?,
                    form_version: label("3.1")?,
                    signed_on: (collected - Duration::days(30)).date_naive(),
                    therapy: true,
                    research: false,
                    withdrawal: None,
                },
            },
        )
        .await?;
    let donation_id = DonationId::from_uuid(new_id());
    executor
        .execute(
            tech,
            RegisterDonation {
                donation_id,
                donor_id,
                din: DinEntry::Assign,
                fin: Some(policy.fin.unwrap_or(Fin::parse(DEMO_FIN)?)),
                collected_at: ZonedTime::parse(&collected.to_rfc3339())?,
                site: label("Demo Maternity Ward")?,
            },
        )
        .await?;
    for rule in &policy.screening.markers {
        let test = screening_test(
            ScreeningTestId::from_uuid(new_id()),
            label(&rule.name)?,
            label("CMIA / NAT (demo)")?,
            ScreeningResult::NonReactive,
            collected.date_naive(),
        );
        executor
            .execute(
                tech,
                RecordScreening {
                    donor_id,
                    test,
                    policy: policy.screening.clone(),
                },
            )
            .await?;
    }
    executor
        .execute(
            tech,
            ReceiveDonation {
                input: ReceiptInput {
                    donation_id,
                    received_at: Timestamp::from_datetime(collected + Duration::hours(6)),
                    transport_temperature: Celsius::parse("4.5")?,
                    condition: ArrivalCondition::Intact,
                },
                max_transit_hours: policy.max_transit_hours,
            },
        )
        .await?;
    if eligible {
        let Actor::User { user_id, .. } = staff.qa else {
            bail!("QA is a user")
        };
        executor
            .execute(
                staff.qa,
                DetermineEligibility {
                    donor_id,
                    status: EligibilityStatus::Eligible,
                    reasons: Vec::new(),
                    policy: policy.screening.clone(),
                    signature: Signature {
                        signer_id: user_id,
                        printed_name: staff.qa_signature_name.clone(),
                        signed_at: now(),
                        meaning: Meaning::Approval,
                    },
                },
            )
            .await?;
    }
    Ok(donation_id)
}

fn step(
    kind: StepKind,
    sop: &str,
    inputs: Vec<LotId>,
    supplies: &Supplies,
    hours_ago: i64,
) -> anyhow::Result<StepInput> {
    let started = Utc::now() - Duration::hours(hours_ago);
    Ok(StepInput {
        step_id: StepId::from_uuid(new_id()),
        kind,
        sop_id: label(sop)?,
        sop_version: label("2")?,
        started_at: Timestamp::from_datetime(started),
        ended_at: Some(Timestamp::from_datetime(started + Duration::minutes(45))),
        donation: None,
        inputs,
        outputs: Vec::new(),
        measurements: Vec::new(),
        equipment: supplies.equipment.clone(),
        material_lots: supplies.materials.clone(),
        notes: None,
    })
}

fn output(kind: LotKind) -> OutputRequest {
    OutputRequest {
        lot_id: LotId::from_uuid(new_id()),
        kind,
        bank_level: (kind == LotKind::CellBank).then_some(CellBankLevel::Master),
    }
}

async fn run_step(
    executor: &Executor,
    staff: &Staff,
    input: StepInput,
    outputs: Vec<OutputRequest>,
) -> anyhow::Result<Vec<LotId>> {
    let made = executor
        .execute(staff.technician, RecordStep { input, outputs })
        .await?;
    Ok(made.output.into_iter().map(|(id, _)| id).collect())
}

/// Carries one donation from tissue to filled drug product: `branches` drug product lots, each
/// filled with `units_per_lot` units. Returns the drug product lots.
async fn produce(
    executor: &Executor,
    staff: &Staff,
    supplies: &Supplies,
    policy: &ManufacturingPolicy,
    donation_id: DonationId,
    branches: usize,
    units_per_lot: usize,
) -> anyhow::Result<Vec<LotId>> {
    let mut tissue = step(
        StepKind::TissueProcessing,
        "SOP-TP-001",
        Vec::new(),
        supplies,
        20,
    )?;
    tissue.donation = Some(donation_id);
    let cord = run_step(executor, staff, tissue, vec![output(LotKind::CordTissue)]).await?;
    let mut explant = step(StepKind::ExplantCulture, "SOP-EX-002", cord, supplies, 19)?;
    explant.measurements = vec![Measurement::parse("CONFLUENCE", "80", "%")?];
    let primary = run_step(
        executor,
        staff,
        explant,
        vec![output(LotKind::PrimaryCulture)],
    )
    .await?;
    let mut passage = step(StepKind::Passage, "SOP-PA-003", primary, supplies, 18)?;
    passage.measurements = vec![
        Measurement::parse("PASSAGE_NUMBER", "1", "passage")?,
        Measurement::parse("VIABLE_CELL_COUNT", "250000000", "cells")?,
        Measurement::parse("VIABILITY", "94.5", "%")?,
    ];
    let expanded = run_step(executor, staff, passage, vec![output(LotKind::Passage)]).await?;
    let branch_lots = if branches > 1 {
        let split = step(StepKind::Split, "SOP-SP-004", expanded, supplies, 17)?;
        run_step(
            executor,
            staff,
            split,
            (0..branches).map(|_| output(LotKind::Passage)).collect(),
        )
        .await?
    } else {
        expanded
    };
    let mut products = Vec::new();
    for (branch_idx, branch) in branch_lots.into_iter().enumerate() {
        let harvest = step(StepKind::Harvest, "SOP-HV-005", vec![branch], supplies, 12)?;
        let substance = run_step(
            executor,
            staff,
            harvest,
            vec![output(LotKind::DrugSubstance)],
        )
        .await?;
        let formulation = step(StepKind::Formulation, "SOP-FO-006", substance, supplies, 10)?;
        let product = run_step(
            executor,
            staff,
            formulation,
            vec![output(LotKind::DrugProduct)],
        )
        .await?;
        let Some(&lot_id) = product.first() else {
            bail!("formulation made no lot")
        };
        fill(executor, staff, policy, lot_id, branch_idx, units_per_lot).await?;
        executor
            .execute(
                staff.technician,
                ChangeLotStatus {
                    lot_id,
                    action: LotAction::Complete,
                },
            )
            .await?;
        products.push(lot_id);
    }
    Ok(products)
}

/// The product code of the `index`-th unit of a lot on line `branch`: divisions A0, B0, ... Z0,
/// Aa, Ba, ...
fn division_code(branch: usize, index: usize) -> anyhow::Result<ProductCode> {
    let first = char::from(b'A' + u8::try_from(index % 26)?);
    let second = match index / 26 {
        0 => '0',
        n => char::from(b'a' + u8::try_from(n - 1)?),
    };
    Ok(ProductCode::parse(&format!(
        "{}V{first}{second}",
        product_description_code(branch)
    ))?)
}

async fn fill(
    executor: &Executor,
    staff: &Staff,
    policy: &ManufacturingPolicy,
    lot_id: LotId,
    branch: usize,
    count: usize,
) -> anyhow::Result<()> {
    let cryopreserved = Timestamp::from_datetime(Utc::now() - Duration::hours(8));
    let expires = Timestamp::from_datetime(Utc::now() + Duration::days(365));
    let units = (0..count)
        .map(|index| {
            Ok(UnitSpec {
                unit_id: UnitId::from_uuid(new_id()),
                product_code: division_code(branch, index)?,
                container: Container::Bag,
                volume: Millilitres::parse("50")?,
                cells: CellCount::new(75_000_000)?,
                expires_at: expires,
                location: StorageLocation {
                    site: label("Demo Cell Therapy Facility")?,
                    freezer: label("LN2-01")?,
                    rack: label(&format!("R{:02}", index / 100 + 1))?,
                    r#box: label(&format!("B{:02}", (index / 10) % 10 + 1))?,
                    position: label(&format!("P{:02}", index % 10 + 1))?,
                },
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    executor
        .execute(
            staff.technician,
            FillUnits {
                lot_id,
                cryopreserved_at: cryopreserved,
                units,
                fin: Some(policy.fin.unwrap_or(Fin::parse(DEMO_FIN)?)),
            },
        )
        .await?;
    Ok(())
}

/// Seeds the installation; `scale` donations each carried to 32 drug product lots of 32 units
/// when given, otherwise a small facility.
pub(crate) async fn run(settings: Settings, scale: Option<usize>) -> anyhow::Result<ExitCode> {
    let policy = settings
        .manufacturing_policy()
        .map_err(|error| anyhow::anyhow!("invalid configuration: {error}"))?;
    let signer = crate::keys::load_or_create(&settings)?;
    let database = app::open_database(&settings).await?;
    let (executor, writer) = Executor::start(database.clone());
    let mut result = seed(&executor, &policy, scale).await;
    if result.is_ok() {
        // Sign for everything seeded, so the demo's ledger verifies offline at once.
        if let Err(error) = cordtrace_store::ledger::checkpoints::sign(&executor, signer).await {
            result = Err(error.into());
        }
    }
    drop(executor);
    writer.await.context("the command executor panicked")?;
    database.close().await?;
    let credentials = result?;
    say("seeded. Users (password shown once; change it after the first login):")?;
    for (username, password, role) in credentials {
        say(format_args!(
            "  {username:<16} {:<11} {password}",
            role.as_str()
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

async fn seed(
    executor: &Executor,
    policy: &ManufacturingPolicy,
    scale: Option<usize>,
) -> anyhow::Result<Vec<(String, String, Role)>> {
    let (staff, credentials) = create_staff(executor).await?;
    let supplies = create_supplies(executor, &staff).await?;
    super::spec::import_default(executor).await?;
    match scale {
        None => {
            let first = create_donor(executor, &staff, policy, 1, true).await?;
            create_donor(executor, &staff, policy, 2, true).await?;
            create_donor(executor, &staff, policy, 3, false).await?;
            let products = produce(executor, &staff, &supplies, policy, first, 1, 4).await?;
            for lot_id in products {
                super::seed_release::test_and_release(
                    executor,
                    staff.analyst,
                    staff.qa,
                    &staff.qa_signature_name,
                    lot_id,
                )
                .await?;
            }
        }
        Some(donations) => {
            let started = std::time::Instant::now();
            for index in 0..donations {
                let donation = create_donor(executor, &staff, policy, index + 1, true).await?;
                produce(executor, &staff, &supplies, policy, donation, 32, 32).await?;
                if (index + 1) % 10 == 0 {
                    tracing::info!(
                        donations = index + 1,
                        elapsed_s = started.elapsed().as_secs(),
                        "seeding"
                    );
                }
            }
        }
    }
    Ok(credentials)
}
