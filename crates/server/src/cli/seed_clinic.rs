//! The clinic of `cordtrace seed-demo`: three patients with systemic lupus erythematosus, with
//! invented names and test identifiers only, through the same commands as the API.
//!
//! - Demo Patient A was infused about six months and three weeks ago, with the bedside check,
//!   the signed administration, a grade 1 infusion reaction, and visits at baseline, one month
//!   and three months that improve; the 6-month visit is due today.
//! - Demo Patient B has a signed order and an allocated unit that reached the ward two hours ago
//!   and was thawed twenty minutes ago: ready for a bedside check right after seeding.
//! - Demo Patient C has a signed order that waits for a unit.

use anyhow::{Context as _, bail};
use chrono::{Duration, NaiveDate, Timelike as _};
use cordtrace_domain::Timestamp;
use cordtrace_domain::clinical::commands::administration::NewAdministration;
use cordtrace_domain::clinical::commands::followup::{NewAdverseEvent, NewVisit};
use cordtrace_domain::clinical::commands::orders::NewOrder;
use cordtrace_domain::clinical::measures::{
    AlbuminGPerL, AntiDsDnaIuPerMl, C3GPerL, C4GPerL, CreatinineUmolPerL, PrednisoneMgPerDay,
    ProteinuriaGPerDay, Sledai2k,
};
use cordtrace_domain::clinical::{
    BedsideScans, CtcaeGrade, InfusionSchedule, PatientKey, Relatedness, Route, VisitMeasures,
    Wristband,
};
use cordtrace_domain::ids::{
    AdministrationId, AdverseEventId, BedsideCheckId, HandoffId, OrderId, PatientId, UnitId,
    VisitId,
};
use cordtrace_domain::isbt128::{
    Din, Expiry, LabelDateTime, LabelFlag, ProductCode, Scan, UnitLabelData,
};
use cordtrace_domain::manufacturing::ArrivalCondition;
use cordtrace_domain::signature::Meaning;
use cordtrace_domain::values::{CellCount, Celsius, DosePerKg, Kilograms, Millilitres};
use cordtrace_store::Executor;
use cordtrace_store::commands::clinical::ClinicalPolicy;
use cordtrace_store::commands::clinical::administration::AdministerUnit;
use cordtrace_store::commands::clinical::bedside::CheckAtBedside;
use cordtrace_store::commands::clinical::followup::{
    RecordAdverseEvent, RecordVisit, ResolveAdverseEvent,
};
use cordtrace_store::commands::clinical::orders::{AllocateUnit, PlaceOrder, ThawUnit};
use cordtrace_store::commands::clinical::patients::{RecordWeight, RegisterPatient};
use cordtrace_store::commands::manufacturing::units::{ChangeUnit, UnitAction};
use cordtrace_store::side_write::PatientPersonalData;

use super::seed::{Person, Staff, label, new_id};
use super::seed_production::UNIT_CELLS;
use super::seed_timeline::{Calendar, Timeline, ago, minutes_after};

/// Where units go for infusion.
const WARD: &str = "Demo Rheumatology Day Unit";

/// A registered demo patient.
#[derive(Clone, Debug)]
pub(crate) struct DemoPatient {
    pub(crate) name: &'static str,
    pub(crate) id: PatientId,
    pub(crate) key: PatientKey,
    /// The wristband as a bedside scanner reads it (ISBT 128 data structure 025, `&#`).
    pub(crate) wristband_scan: String,
}

/// A unit of the demo lot, as its label identifies it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LabelledUnit {
    pub(crate) unit_id: UnitId,
    pub(crate) din: Din,
    pub(crate) product_code: ProductCode,
    pub(crate) expires: Timestamp,
}

impl LabelledUnit {
    /// What a scanner delivers from the unit's label, one Code 128 symbol per string, as the
    /// domain's label data emits them: the DIN (data structure 001, with the type 3 flag that
    /// lets a scanner catch a misread DIN), the product code (003) and the expiry date and time
    /// (005) in the facility's time zone.
    pub(crate) fn label_scans(&self, policy: &ClinicalPolicy) -> anyhow::Result<Vec<String>> {
        let local = self
            .expires
            .as_datetime()
            .with_timezone(&policy.bedside(self.expires).label_offset)
            .naive_local();
        let expiry = LabelDateTime::new(
            local.date(),
            local
                .time()
                .with_second(0)
                .and_then(|time| time.with_nanosecond(0)),
        )?;
        let label = UnitLabelData::new(
            self.din,
            LabelFlag::CheckValue,
            self.product_code,
            Expiry::new(expiry),
            None,
        );
        Ok(label
            .structures()
            .iter()
            .map(Scan::data_structure)
            .collect())
    }
}

/// Data structure 025 for a wristband id: `&#`, location code `00` (none assigned), the
/// two-digit length and the id.
fn wristband_scan(id: &str) -> String {
    format!("&#00{:02}{id}", id.len())
}

/// A patient's invented identity.
struct Identity {
    name: &'static str,
    born: (i32, u32, u32),
    /// Letters and digits only, so that it also reads as an ISBT 128 patient number.
    wristband: &'static str,
}

const PATIENT_A: Identity = Identity {
    name: "Demo Patient A",
    born: (1986, 4, 12),
    wristband: "DEMOWB0001",
};
const PATIENT_B: Identity = Identity {
    name: "Demo Patient B",
    born: (1979, 9, 30),
    wristband: "DEMOWB0002",
};
const PATIENT_C: Identity = Identity {
    name: "Demo Patient C",
    born: (1995, 1, 21),
    wristband: "DEMOWB0003",
};

/// The clinic's acts, with the people who do them and the limits in force.
pub(crate) struct Clinic<'a> {
    pub(crate) executor: &'a Executor,
    pub(crate) timeline: &'a Timeline,
    pub(crate) calendar: &'a Calendar,
    pub(crate) staff: &'a Staff,
    pub(crate) policy: ClinicalPolicy,
}

/// The gap between thaw and bedside check, and between check and infusion start, within the
/// installation's limits (20 and 5 minutes with the defaults).
fn bedside_gaps(policy: &ClinicalPolicy) -> (Duration, Duration) {
    (
        Duration::minutes(20).min(policy.thaw_window / 3),
        Duration::minutes(5).min(policy.check_valid_for / 2),
    )
}

impl Clinic<'_> {
    fn clinician(&self) -> &Person {
        &self.staff.clinician
    }

    async fn register(&self, identity: &Identity, at: Timestamp) -> anyhow::Result<DemoPatient> {
        self.timeline.reach(at)?;
        let id = PatientId::from_uuid(new_id());
        let (year, month, day) = identity.born;
        let wristband = Wristband::parse(identity.wristband)
            .map_err(|error| anyhow::anyhow!("demo wristband: {error}"))?;
        let key = self
            .executor
            .execute(
                self.clinician().actor,
                RegisterPatient {
                    patient_id: id,
                    personal: PatientPersonalData {
                        full_name: label(identity.name)?,
                        date_of_birth: NaiveDate::from_ymd_opt(year, month, day),
                        hospital_record_number: Some(label(&format!(
                            "DEMO-{}",
                            identity.wristband
                        ))?),
                        wristband_id: wristband.lookup_key().to_owned(),
                    },
                },
            )
            .await?
            .output;
        Ok(DemoPatient {
            name: identity.name,
            id,
            key,
            wristband_scan: wristband_scan(identity.wristband),
        })
    }

    async fn weigh(
        &self,
        patient: &DemoPatient,
        kilograms: &str,
        at: Timestamp,
    ) -> anyhow::Result<()> {
        self.timeline.reach(at)?;
        self.executor
            .execute(
                self.clinician().actor,
                RecordWeight {
                    patient_id: patient.id,
                    weight: Kilograms::parse(kilograms)?,
                    measured_on: self.calendar.local(at).date_naive(),
                },
            )
            .await?;
        Ok(())
    }

    /// A signed order of one infusion of 1 x 10^6 cells/kg on `starts_on`.
    async fn order(
        &self,
        patient: &DemoPatient,
        starts_on: NaiveDate,
        at: Timestamp,
    ) -> anyhow::Result<OrderId> {
        self.timeline.reach(at)?;
        let order_id = OrderId::from_uuid(new_id());
        self.executor
            .execute(
                self.clinician().actor,
                PlaceOrder {
                    order: NewOrder {
                        order_id,
                        patient_id: patient.id,
                        dose_per_kg: DosePerKg::STANDARD,
                        schedule: InfusionSchedule::single(),
                        route: Route::Intravenous,
                        starts_on,
                    },
                    signature: self
                        .clinician()
                        .signs(Meaning::Authorship, self.timeline.now()),
                },
            )
            .await?;
        Ok(order_id)
    }

    async fn allocate(
        &self,
        order_id: OrderId,
        unit: &LabelledUnit,
        at: Timestamp,
    ) -> anyhow::Result<()> {
        self.timeline.reach(at)?;
        self.executor
            .execute(
                self.clinician().actor,
                AllocateUnit {
                    order_id,
                    unit_id: unit.unit_id,
                },
            )
            .await?;
        Ok(())
    }

    /// The custody hand-off from the lab's freezer to the ward: a technician dispatches, a
    /// second clinician receives it there.
    async fn send_to_ward(
        &self,
        unit: &LabelledUnit,
        dispatched: Timestamp,
        received: Timestamp,
    ) -> anyhow::Result<()> {
        self.timeline.reach(dispatched)?;
        self.executor
            .execute(
                self.staff.technician.actor,
                ChangeUnit {
                    unit_id: unit.unit_id,
                    action: UnitAction::Dispatch {
                        handoff_id: HandoffId::from_uuid(new_id()),
                        destination: label(WARD)?,
                        receiver: self.staff.clinician2.username.clone(),
                    },
                },
            )
            .await?;
        self.timeline.reach(received)?;
        self.executor
            .execute(
                self.staff.clinician2.actor,
                ChangeUnit {
                    unit_id: unit.unit_id,
                    action: UnitAction::Receive {
                        temperature: Celsius::parse("-150")?,
                        condition: ArrivalCondition::Intact,
                    },
                },
            )
            .await?;
        Ok(())
    }

    /// Thawing finished at `thawed`, recorded then by the ward's second clinician.
    async fn thaw(&self, unit: &LabelledUnit, thawed: Timestamp) -> anyhow::Result<()> {
        self.timeline.reach(thawed)?;
        self.executor
            .execute(
                self.staff.clinician2.actor,
                ThawUnit {
                    unit_id: unit.unit_id,
                    thawed_at: thawed,
                    policy: self.policy,
                },
            )
            .await?;
        Ok(())
    }

    /// The bedside check with the strings the scanners read; the demo's checks pass.
    async fn check(
        &self,
        unit: &LabelledUnit,
        patient: &DemoPatient,
        at: Timestamp,
    ) -> anyhow::Result<()> {
        self.timeline.reach(at)?;
        let scans = BedsideScans::parse(&unit.label_scans(&self.policy)?, &patient.wristband_scan);
        let outcome = self
            .executor
            .execute(
                self.clinician().actor,
                CheckAtBedside {
                    check_id: BedsideCheckId::from_uuid(new_id()),
                    scans,
                    policy: self.policy,
                },
            )
            .await?
            .output;
        if !outcome.ok() {
            let findings = outcome
                .findings
                .iter()
                .map(|finding| format!("{}: {}", finding.reason.code(), finding.message))
                .collect::<Vec<_>>()
                .join("; ");
            bail!(
                "the demo's bedside check of {} refused: {findings}",
                patient.name
            );
        }
        Ok(())
    }

    /// Records the whole unit infused from `started` for 30 minutes, signed RESPONSIBILITY
    /// when the infusion ends.
    async fn administer(
        &self,
        unit: &LabelledUnit,
        patient: &DemoPatient,
        started: Timestamp,
    ) -> anyhow::Result<AdministrationId> {
        let ended = minutes_after(started, 30);
        self.timeline.reach(ended)?;
        let administration_id = AdministrationId::from_uuid(new_id());
        self.executor
            .execute(
                self.clinician().actor,
                AdministerUnit {
                    administration: NewAdministration {
                        administration_id,
                        unit_id: unit.unit_id,
                        patient_id: patient.id,
                        started_at: started,
                        ended_at: ended,
                        volume: Millilitres::parse("50")?,
                        cells: CellCount::new(UNIT_CELLS)?,
                        reactions: Vec::new(),
                    },
                    signature: self
                        .clinician()
                        .signs(Meaning::Responsibility, self.timeline.now()),
                    policy: self.policy,
                },
            )
            .await?;
        Ok(administration_id)
    }

    async fn visit(
        &self,
        patient: &DemoPatient,
        administrations: &[AdministrationId],
        on: NaiveDate,
        measures: VisitMeasures,
    ) -> anyhow::Result<()> {
        self.timeline.reach(self.calendar.at(on, 10, 30)?)?;
        self.executor
            .execute(
                self.clinician().actor,
                RecordVisit {
                    visit: NewVisit {
                        visit_id: VisitId::from_uuid(new_id()),
                        patient_id: patient.id,
                        administrations: administrations.to_vec(),
                        visited_on: on,
                        measures,
                    },
                },
            )
            .await?;
        Ok(())
    }

    /// Demo Patient A, from registration to the 3-month visit.
    pub(crate) async fn treat_patient_a(&self, unit: &LabelledUnit) -> anyhow::Result<DemoPatient> {
        let calendar = self.calendar;
        let day = |offset: i64| calendar.infusion_day(offset);
        let patient = self
            .register(&PATIENT_A, calendar.at(day(-5)?, 10, 0)?)
            .await?;
        self.weigh(&patient, "74.0", calendar.at(day(-5)?, 10, 10)?)
            .await?;
        let order_id = self
            .order(&patient, calendar.infusion(), calendar.at(day(-2)?, 11, 0)?)
            .await?;
        self.visit(
            &patient,
            &[],
            day(-1)?,
            lupus(12, "1.8", "20", "0.62", "0.08", "210")?,
        )
        .await?;
        self.weigh(&patient, "73.6", calendar.at(day(-1)?, 10, 45)?)
            .await?;
        self.allocate(order_id, unit, calendar.at(day(-1)?, 14, 0)?)
            .await?;

        let infusion = calendar.infusion();
        self.send_to_ward(
            unit,
            calendar.at(infusion, 8, 10)?,
            calendar.at(infusion, 8, 40)?,
        )
        .await?;
        let thawed = calendar.at(infusion, 9, 0)?;
        self.thaw(unit, thawed).await?;
        let (thaw_to_check, check_to_start) = bedside_gaps(&self.policy);
        let checked = thawed.plus(thaw_to_check);
        self.check(unit, &patient, checked).await?;
        let administration = self
            .administer(unit, &patient, checked.plus(check_to_start))
            .await?;

        // A fever and chills about an hour after the infusion, gone the next day.
        self.timeline.reach(calendar.at(infusion, 11, 30)?)?;
        let adverse_event_id = AdverseEventId::from_uuid(new_id());
        self.executor
            .execute(
                self.clinician().actor,
                RecordAdverseEvent {
                    adverse_event: NewAdverseEvent {
                        adverse_event_id,
                        patient_id: patient.id,
                        administrations: vec![administration],
                        term: label("Infusion related reaction")?,
                        grade: CtcaeGrade::new(1)?,
                        serious: false,
                        relatedness: Relatedness::Possible,
                        onset_on: infusion,
                        resolved_on: None,
                    },
                },
            )
            .await?;
        self.timeline.reach(calendar.at(day(1)?, 9, 0)?)?;
        self.executor
            .execute(
                self.clinician().actor,
                ResolveAdverseEvent {
                    adverse_event_id,
                    resolved_on: day(1)?,
                },
            )
            .await?;

        let given = [administration];
        self.visit(
            &patient,
            &given,
            calendar.months_after_infusion(1)?,
            lupus(8, "1.1", "15", "0.74", "0.11", "150")?,
        )
        .await?;
        self.visit(
            &patient,
            &given,
            calendar.months_after_infusion(3)?,
            lupus(4, "0.5", "7.5", "0.88", "0.16", "60")?,
        )
        .await?;
        Ok(patient)
    }

    /// Demo Patient B, from registration 30 days ago to the allocation of `unit` 5 days ago.
    pub(crate) async fn prepare_patient_b(
        &self,
        unit: &LabelledUnit,
    ) -> anyhow::Result<DemoPatient> {
        let calendar = self.calendar;
        let patient = self
            .register(&PATIENT_B, calendar.at(calendar.days_ago(30)?, 9, 30)?)
            .await?;
        self.weigh(
            &patient,
            "76.5",
            calendar.at(calendar.days_ago(30)?, 9, 40)?,
        )
        .await?;
        let order_id = self
            .order(
                &patient,
                calendar.days_ago(0)?,
                calendar.at(calendar.days_ago(7)?, 15, 0)?,
            )
            .await?;
        self.allocate(order_id, unit, calendar.at(calendar.days_ago(5)?, 11, 0)?)
            .await?;
        Ok(patient)
    }

    /// Demo Patient B's weight two days before the infusion: within the bedside window.
    pub(crate) async fn weigh_patient_b(&self, patient: &DemoPatient) -> anyhow::Result<()> {
        let at = self.calendar.at(self.calendar.days_ago(2)?, 16, 0)?;
        self.weigh(patient, "75.8", at).await
    }

    /// Demo Patient B's unit reaches the ward about two hours ago and is thawed about twenty
    /// minutes ago: the bedside check is for whoever opens the demo.
    pub(crate) async fn ready_patient_b(&self, unit: &LabelledUnit) -> anyhow::Result<()> {
        self.send_to_ward(
            unit,
            ago(Duration::minutes(135)),
            ago(Duration::minutes(120)),
        )
        .await?;
        let (thaw_to_check, _) = bedside_gaps(&self.policy);
        self.thaw(unit, ago(thaw_to_check)).await
    }

    /// Demo Patient C, registered and weighed 4 days ago, with an order signed 3 days ago for
    /// next week and no unit yet.
    pub(crate) async fn order_for_patient_c(&self) -> anyhow::Result<DemoPatient> {
        let calendar = self.calendar;
        let patient = self
            .register(&PATIENT_C, calendar.at(calendar.days_ago(4)?, 14, 0)?)
            .await?;
        self.weigh(
            &patient,
            "73.0",
            calendar.at(calendar.days_ago(4)?, 14, 10)?,
        )
        .await?;
        let next_week = calendar
            .days_ago(0)?
            .checked_add_days(chrono::Days::new(7))
            .context("the calendar cannot count a week ahead")?;
        self.order(
            &patient,
            next_week,
            calendar.at(calendar.days_ago(3)?, 16, 30)?,
        )
        .await?;
        Ok(patient)
    }
}

/// A lupus visit's measures: SLEDAI-2K, 24-hour proteinuria (g/day), prednisone (mg/day),
/// C3 and C4 (g/L) and anti-dsDNA (IU/mL), with creatinine, albumin and mycophenolate steady.
fn lupus(
    sledai: u8,
    proteinuria: &str,
    prednisone: &str,
    c3: &str,
    c4: &str,
    anti_dsdna: &str,
) -> anyhow::Result<VisitMeasures> {
    Ok(VisitMeasures {
        sledai_2k: Some(Sledai2k::new(sledai)?),
        proteinuria_g_per_day: Some(ProteinuriaGPerDay::parse(proteinuria)?),
        protein_creatinine_ratio: None,
        creatinine: Some(CreatinineUmolPerL::parse("84")?),
        albumin: Some(AlbuminGPerL::parse("34")?),
        c3: Some(C3GPerL::parse(c3)?),
        c4: Some(C4GPerL::parse(c4)?),
        anti_dsdna: Some(AntiDsDnaIuPerMl::parse(anti_dsdna)?),
        prednisone: Some(PrednisoneMgPerDay::parse(prednisone)?),
        other_immunosuppressants: vec![label("mycophenolate mofetil 2 g/day")?],
    })
}
