//! The production part of `cordtrace seed-demo`: donors with their consent, donation, receipt,
//! screening and eligibility, and a donation carried from cord tissue to filled drug product
//! units, each act at the time its [`Timeline`] gives.

use anyhow::bail;
use chrono::{Duration, NaiveDate, Utc};
use cordtrace_domain::Timestamp;
use cordtrace_domain::ids::{DonationId, DonorId, LotId, ScreeningTestId, StepId, UnitId};
use cordtrace_domain::isbt128::{Din, Fin, ProductCode};
use cordtrace_domain::manufacturing::commands::donations::ReceiptInput;
use cordtrace_domain::manufacturing::commands::donors::screening_test;
use cordtrace_domain::manufacturing::commands::lots::LotAction;
use cordtrace_domain::manufacturing::commands::steps::StepInput;
use cordtrace_domain::manufacturing::commands::units::UnitSpec;
use cordtrace_domain::manufacturing::{
    ArrivalCondition, CellBankLevel, Consent, Container, EligibilityStatus, LotCode, LotKind,
    Measurement, ScreeningResult, StepKind, StorageLocation,
};
use cordtrace_domain::signature::Meaning;
use cordtrace_domain::values::{CellCount, Celsius, Millilitres, ZonedTime};
use cordtrace_store::Executor;
use cordtrace_store::commands::manufacturing::ManufacturingPolicy;
use cordtrace_store::commands::manufacturing::donations::{
    DinEntry, ReceiveDonation, RegisterDonation,
};
use cordtrace_store::commands::manufacturing::donors::{
    DetermineEligibility, RecordConsent, RecordScreening, RegisterDonor, RequestEligibility,
};
use cordtrace_store::commands::manufacturing::lots::ChangeLotStatus;
use cordtrace_store::commands::manufacturing::steps::{OutputRequest, RecordStep};
use cordtrace_store::commands::manufacturing::units::FillUnits;
use cordtrace_store::side_write::DonorPersonalData;

use super::seed::{DEMO_FIN, Staff, Supplies, label, new_id, product_description_code};
use super::seed_timeline::{Timeline, minutes_after};

/// The cells in each demo unit: 1 x 10^6 cells per kg for a patient of 75 kg.
pub(crate) const UNIT_CELLS: u64 = 75_000_000;

/// When a donor's acts happen.
pub(crate) struct DonorTimes {
    /// The donor is registered and signs the consent form.
    pub(crate) consented: Timestamp,
    /// The date on the consent form.
    pub(crate) consent_on: NaiveDate,
    /// The cord's recovery, with the ward's UTC offset.
    pub(crate) collected: ZonedTime,
    /// The donation reaches the lab.
    pub(crate) received: Timestamp,
    /// The screening results are recorded (the specimen is taken at recovery).
    pub(crate) screened: Timestamp,
    /// QA determines the donor ELIGIBLE, or `None`: not determined yet.
    pub(crate) determined: Option<Timestamp>,
}

impl DonorTimes {
    /// A donor of the large facility: recovery 30 hours ago, everything else now.
    pub(crate) fn recent(determined: bool) -> anyhow::Result<Self> {
        let collected = Utc::now() - Duration::hours(30);
        let now = Timestamp::from_datetime(Utc::now());
        Ok(Self {
            consented: now,
            consent_on: (collected - Duration::days(30)).date_naive(),
            collected: ZonedTime::parse(&collected.to_rfc3339())?,
            received: Timestamp::from_datetime(collected + Duration::hours(6)),
            screened: now,
            determined: determined.then_some(now),
        })
    }
}

/// A donor and her donation.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Donated {
    pub(crate) donor_id: DonorId,
    pub(crate) donation_id: DonationId,
    pub(crate) din: Din,
}

fn demo_fin(policy: &ManufacturingPolicy) -> anyhow::Result<Fin> {
    Ok(policy.fin.unwrap_or(Fin::parse(DEMO_FIN)?))
}

/// Registers donor `index` with her consent and her donation, and receives the donation at
/// the lab.
pub(crate) async fn admit_donor(
    executor: &Executor,
    timeline: &Timeline,
    staff: &Staff,
    policy: &ManufacturingPolicy,
    index: usize,
    times: &DonorTimes,
) -> anyhow::Result<Donated> {
    let donor_id = DonorId::from_uuid(new_id());
    let tech = staff.technician.actor;
    timeline.reach(times.consented)?;
    executor
        .execute(
            tech,
            RegisterDonor {
                donor_id,
                personal: DonorPersonalData {
                    full_name: label(&format!("Demo Donor {index}"))?,
                    date_of_birth: NaiveDate::from_ymd_opt(1990, 1, 1),
                    hospital_record_number: Some(label(&format!("DEMO-MRN-{index:05}"))?),
                    contact: None,
                },
            },
        )
        .await?;
    executor
        .execute(
            tech,
            RecordConsent {
                donor_id,
                consent: Consent {
                    form_id: label("UC-CONSENT")?,
                    form_version: label("3.1")?,
                    signed_on: times.consent_on,
                    therapy: true,
                    research: false,
                    withdrawal: None,
                },
            },
        )
        .await?;
    // The ward registers the donation, and so assigns its DIN, just after the birth.
    timeline.reach(minutes_after(times.collected.utc(), 20))?;
    let donation_id = DonationId::from_uuid(new_id());
    let din = executor
        .execute(
            tech,
            RegisterDonation {
                donation_id,
                donor_id,
                din: DinEntry::Assign,
                fin: Some(demo_fin(policy)?),
                collected_at: times.collected,
                site: label("Demo Maternity Ward")?,
            },
        )
        .await?
        .output;
    timeline.reach(times.received)?;
    executor
        .execute(
            tech,
            ReceiveDonation {
                input: ReceiptInput {
                    donation_id,
                    received_at: times.received,
                    transport_temperature: Celsius::parse("4.5")?,
                    condition: ArrivalCondition::Intact,
                },
                max_transit_hours: policy.max_transit_hours,
            },
        )
        .await?;
    Ok(Donated {
        donor_id,
        donation_id,
        din,
    })
}

/// Records the donor's screening panel (every configured marker non-reactive, on a specimen
/// taken at recovery) and, when `times` says so, QA's signed determination ELIGIBLE.
pub(crate) async fn screen_donor(
    executor: &Executor,
    timeline: &Timeline,
    staff: &Staff,
    policy: &ManufacturingPolicy,
    donor_id: DonorId,
    times: &DonorTimes,
) -> anyhow::Result<()> {
    timeline.reach(times.screened)?;
    for rule in &policy.screening.markers {
        let test = screening_test(
            ScreeningTestId::from_uuid(new_id()),
            label(&rule.name)?,
            label("CMIA / NAT (demo)")?,
            ScreeningResult::NonReactive,
            times.collected.local().date_naive(),
        );
        executor
            .execute(
                staff.technician.actor,
                RecordScreening {
                    donor_id,
                    test,
                    policy: policy.screening.clone(),
                },
            )
            .await?;
    }
    // The panel complete, the technician asks QA for the determination.
    executor
        .execute(
            staff.technician.actor,
            RequestEligibility {
                donor_id,
                policy: policy.screening.clone(),
            },
        )
        .await?;
    if let Some(determined) = times.determined {
        timeline.reach(determined)?;
        executor
            .execute(
                staff.qa.actor,
                DetermineEligibility {
                    donor_id,
                    status: EligibilityStatus::Eligible,
                    reasons: Vec::new(),
                    policy: policy.screening.clone(),
                    signature: staff.qa.signs(Meaning::Approval, timeline.now()),
                },
            )
            .await?;
    }
    Ok(())
}

/// When a step starts and ends; it is recorded when it ends.
#[derive(Clone, Copy, Debug)]
pub(crate) struct StepTimes {
    pub(crate) started: Timestamp,
    pub(crate) ended: Timestamp,
}

impl StepTimes {
    /// A step that started `hours_ago` and took 45 minutes (the large facility's pace).
    fn recent(hours_ago: i64) -> Self {
        let started = Utc::now() - Duration::hours(hours_ago);
        Self {
            started: Timestamp::from_datetime(started),
            ended: Timestamp::from_datetime(started + Duration::minutes(45)),
        }
    }
}

/// When a donation's cells are expanded and filled.
pub(crate) struct ProductionTimes {
    /// Cord tissue to primary culture (P0).
    pub(crate) explant: StepTimes,
    /// P0 to the first passage.
    pub(crate) passage: StepTimes,
    /// Splitting the passage into one branch per drug product lot (several branches only).
    pub(crate) split: StepTimes,
    /// Harvest of the drug substance.
    pub(crate) harvest: StepTimes,
    /// Formulation of the drug product.
    pub(crate) formulation: StepTimes,
    /// End of the controlled-rate freezing of the filled units.
    pub(crate) cryopreserved: Timestamp,
    /// When the fill is recorded.
    pub(crate) filled: Timestamp,
    /// The units' expiry.
    pub(crate) expires: Timestamp,
}

impl ProductionTimes {
    /// The large facility's pace: everything within the last day.
    pub(crate) fn recent() -> Self {
        Self {
            explant: StepTimes::recent(19),
            passage: StepTimes::recent(18),
            split: StepTimes::recent(17),
            harvest: StepTimes::recent(12),
            formulation: StepTimes::recent(10),
            cryopreserved: Timestamp::from_datetime(Utc::now() - Duration::hours(8)),
            filled: Timestamp::from_datetime(Utc::now()),
            expires: Timestamp::from_datetime(Utc::now() + Duration::days(365)),
        }
    }

    /// The large facility's tissue processing, 20 hours ago.
    pub(crate) fn recent_tissue() -> StepTimes {
        StepTimes::recent(20)
    }
}

/// A filled drug product lot.
pub(crate) struct FilledLot {
    pub(crate) lot_id: LotId,
    pub(crate) code: LotCode,
    pub(crate) din: Din,
    /// Its units, in fill order.
    pub(crate) units: Vec<(UnitId, ProductCode)>,
}

fn step(
    kind: StepKind,
    sop: &str,
    inputs: Vec<LotId>,
    supplies: &Supplies,
    times: StepTimes,
) -> anyhow::Result<StepInput> {
    Ok(StepInput {
        step_id: StepId::from_uuid(new_id()),
        kind,
        sop_id: label(sop)?,
        sop_version: label("2")?,
        started_at: times.started,
        ended_at: Some(times.ended),
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

/// Records `input` when it ends, making `outputs`.
async fn run_step(
    executor: &Executor,
    timeline: &Timeline,
    staff: &Staff,
    input: StepInput,
    outputs: Vec<OutputRequest>,
) -> anyhow::Result<Vec<(LotId, LotCode)>> {
    if let Some(ended) = input.ended_at {
        timeline.reach(ended)?;
    }
    let made = executor
        .execute(staff.technician.actor, RecordStep { input, outputs })
        .await?;
    Ok(made.output)
}

fn ids(lots: &[(LotId, LotCode)]) -> Vec<LotId> {
    lots.iter().map(|(id, _)| *id).collect()
}

/// Whether the intermediate lots are completed once the next step has taken their cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Intermediates {
    /// Completed (IN_PROCESS to QUARANTINE, the domain's end of processing), as a lab does.
    Complete,
    /// Left IN_PROCESS: the large facility, whose figures the benchmark compares.
    LeaveOpen,
}

/// Ends processing of `lots`, whose cells went on to the next step.
async fn complete(
    executor: &Executor,
    staff: &Staff,
    intermediates: Intermediates,
    lots: &[LotId],
) -> anyhow::Result<()> {
    if intermediates == Intermediates::LeaveOpen {
        return Ok(());
    }
    for &lot_id in lots {
        executor
            .execute(
                staff.technician.actor,
                ChangeLotStatus {
                    lot_id,
                    action: LotAction::Complete,
                },
            )
            .await?;
    }
    Ok(())
}

/// Processes the received cord of `donation_id` into a cord tissue lot.
pub(crate) async fn process_tissue(
    executor: &Executor,
    timeline: &Timeline,
    staff: &Staff,
    supplies: &Supplies,
    donation_id: DonationId,
    times: StepTimes,
) -> anyhow::Result<LotId> {
    let mut tissue = step(
        StepKind::TissueProcessing,
        "SOP-TP-001",
        Vec::new(),
        supplies,
        times,
    )?;
    tissue.donation = Some(donation_id);
    let made = run_step(
        executor,
        timeline,
        staff,
        tissue,
        vec![output(LotKind::CordTissue)],
    )
    .await?;
    match made.as_slice() {
        [(lot_id, _)] => Ok(*lot_id),
        _ => bail!("tissue processing made {} lots, not one", made.len()),
    }
}

/// How many drug product lots a donation makes, and how many units each fills.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Yield {
    pub(crate) branches: usize,
    pub(crate) units_per_lot: usize,
}

/// Carries a cord tissue lot to filled drug product: `shape.branches` drug product lots, each
/// filled with `shape.units_per_lot` units and completed (QUARANTINE, awaiting release).
#[expect(
    clippy::too_many_arguments,
    reason = "the production's inputs, each named"
)]
pub(crate) async fn expand_and_fill(
    executor: &Executor,
    timeline: &Timeline,
    staff: &Staff,
    supplies: &Supplies,
    policy: &ManufacturingPolicy,
    cord: LotId,
    times: &ProductionTimes,
    shape: Yield,
    intermediates: Intermediates,
) -> anyhow::Result<Vec<FilledLot>> {
    let mut explant = step(
        StepKind::ExplantCulture,
        "SOP-EX-002",
        vec![cord],
        supplies,
        times.explant,
    )?;
    explant.measurements = vec![Measurement::parse("CONFLUENCE", "80", "%")?];
    let primary = run_step(
        executor,
        timeline,
        staff,
        explant,
        vec![output(LotKind::PrimaryCulture)],
    )
    .await?;
    complete(executor, staff, intermediates, &[cord]).await?;
    let mut passage = step(
        StepKind::Passage,
        "SOP-PA-003",
        ids(&primary),
        supplies,
        times.passage,
    )?;
    passage.measurements = vec![
        Measurement::parse("PASSAGE_NUMBER", "1", "passage")?,
        Measurement::parse("VIABLE_CELL_COUNT", "250000000", "cells")?,
        Measurement::parse("VIABILITY", "94.5", "%")?,
    ];
    let expanded = run_step(
        executor,
        timeline,
        staff,
        passage,
        vec![output(LotKind::Passage)],
    )
    .await?;
    complete(executor, staff, intermediates, &ids(&primary)).await?;
    let branch_lots = if shape.branches > 1 {
        let split = step(
            StepKind::Split,
            "SOP-SP-004",
            ids(&expanded),
            supplies,
            times.split,
        )?;
        let branches = run_step(
            executor,
            timeline,
            staff,
            split,
            (0..shape.branches)
                .map(|_| output(LotKind::Passage))
                .collect(),
        )
        .await?;
        complete(executor, staff, intermediates, &ids(&expanded)).await?;
        branches
    } else {
        expanded
    };
    let mut products = Vec::new();
    for (branch_idx, (branch, _)) in branch_lots.into_iter().enumerate() {
        let harvest = step(
            StepKind::Harvest,
            "SOP-HV-005",
            vec![branch],
            supplies,
            times.harvest,
        )?;
        let substance = run_step(
            executor,
            timeline,
            staff,
            harvest,
            vec![output(LotKind::DrugSubstance)],
        )
        .await?;
        complete(executor, staff, intermediates, &[branch]).await?;
        let formulation = step(
            StepKind::Formulation,
            "SOP-FO-006",
            ids(&substance),
            supplies,
            times.formulation,
        )?;
        let product = run_step(
            executor,
            timeline,
            staff,
            formulation,
            vec![output(LotKind::DrugProduct)],
        )
        .await?;
        complete(executor, staff, intermediates, &ids(&substance)).await?;
        let Some((lot_id, code)) = product.into_iter().next() else {
            bail!("formulation made no lot")
        };
        timeline.reach(times.filled)?;
        let filled = fill(
            executor,
            staff,
            policy,
            (lot_id, code),
            branch_idx,
            shape.units_per_lot,
            times,
        )
        .await?;
        executor
            .execute(
                staff.technician.actor,
                ChangeLotStatus {
                    lot_id,
                    action: LotAction::Complete,
                },
            )
            .await?;
        products.push(filled);
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
    (lot_id, code): (LotId, LotCode),
    branch: usize,
    count: usize,
    times: &ProductionTimes,
) -> anyhow::Result<FilledLot> {
    let units = (0..count)
        .map(|index| {
            Ok(UnitSpec {
                unit_id: UnitId::from_uuid(new_id()),
                product_code: division_code(branch, index)?,
                container: Container::Bag,
                volume: Millilitres::parse("50")?,
                cells: CellCount::new(UNIT_CELLS)?,
                expires_at: times.expires,
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
    let filled = units
        .iter()
        .map(|unit| (unit.unit_id, unit.product_code))
        .collect();
    let din = executor
        .execute(
            staff.technician.actor,
            FillUnits {
                lot_id,
                cryopreserved_at: times.cryopreserved,
                units,
                fin: Some(demo_fin(policy)?),
            },
        )
        .await?
        .output;
    Ok(FilledLot {
        lot_id,
        code,
        din,
        units: filled,
    })
}
