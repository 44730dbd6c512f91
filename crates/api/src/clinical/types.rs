//! GraphQL counterparts of patients, their personal data, orders and allocated units,
//! administrations and follow-up.

use async_graphql::{Context, Enum, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use cordtrace_domain::clinical::schedule::follow_ups;
use cordtrace_domain::clinical::summary::SummaryPolicy;
use cordtrace_domain::clinical::{AdverseEvent, Order, OrderStatus, Patient, Visit};
use cordtrace_store::queries::clinical::{
    AdministrationRecord, AllocationRecord, PatientPersonalRecord, UnitLabel,
};
use uuid::Uuid;

use super::inputs::{Relatedness, RouteInput};
use super::loaders::{
    AdministrationsOf, AdverseEventsOf, AllocationsOf, OrdersOf, PersonalDataOf, VisitsOf, loader,
};
use super::schedule::{FollowUpObject, today};
use crate::error::ApiResult;
use crate::redaction::PersonalDataRedactionObject;

/// A patient's personal data. Readable by clinicians only; every other reader of a patient gets
/// null and a FORBIDDEN error at this field.
#[derive(SimpleObject, Clone)]
#[graphql(name = "PatientPersonalData")]
pub struct PatientPersonalDataObject {
    /// Full name; null once redacted.
    pub full_name: Option<String>,
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// The hospital's record number.
    pub hospital_record_number: Option<String>,
    /// The wristband id bedside scans are matched by.
    pub wristband_id: Option<String>,
    /// When the data was redacted, if it was.
    pub redacted_at: Option<DateTime<Utc>>,
}

impl From<PatientPersonalRecord> for PatientPersonalDataObject {
    fn from(record: PatientPersonalRecord) -> Self {
        Self {
            full_name: record.full_name,
            date_of_birth: record.date_of_birth,
            hospital_record_number: record.hospital_record_number,
            wristband_id: record.wristband_id,
            redacted_at: record.redacted_at.map(|t| t.as_datetime()),
        }
    }
}

/// A body weight, on the date it was measured.
#[derive(SimpleObject, Clone, Debug)]
pub struct Weight {
    /// Kilograms, as an exact decimal.
    pub kilograms: String,
    /// The date it was measured.
    pub measured_on: NaiveDate,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// A patient, known everywhere by an opaque key. Clinicians, QA and auditors read patients;
/// only clinicians read `personalData`.
#[derive(Clone, Debug)]
pub struct PatientObject(pub(crate) Patient);

impl From<Patient> for PatientObject {
    fn from(patient: Patient) -> Self {
        Self(patient)
    }
}

#[Object(name = "Patient")]
impl PatientObject {
    /// Identity.
    async fn id(&self) -> Uuid {
        self.0.id.as_uuid()
    }

    /// The opaque key printed on forms instead of a name, e.g. `PAT26-000001`.
    async fn key(&self) -> &str {
        self.0.key.as_str()
    }

    /// When the patient was registered.
    async fn registered_at(&self) -> DateTime<Utc> {
        self.0.registered_at.as_datetime()
    }

    /// Body weights, in the order recorded.
    async fn weights(&self) -> Vec<Weight> {
        self.0
            .weights
            .iter()
            .map(|w| Weight {
                kilograms: w.weight.value().to_string(),
                measured_on: w.measured_on,
                recorded_at: w.recorded_at.as_datetime(),
            })
            .collect()
    }

    /// The most recent weight (of two on one date, the one recorded last).
    async fn latest_weight(&self) -> Option<Weight> {
        self.0.latest_weight().map(|w| Weight {
            kilograms: w.weight.value().to_string(),
            measured_on: w.measured_on,
            recorded_at: w.recorded_at.as_datetime(),
        })
    }

    /// Set once a clinician redacted the personal data (`personalData` is then blank and the
    /// wristband matches no bedside scan); everything else about the patient stays.
    async fn personal_data_redaction(&self) -> Option<PersonalDataRedactionObject> {
        self.0
            .personal_data_redaction
            .map(PersonalDataRedactionObject::from)
    }

    /// Personal data: clinicians only (access rule `Patient.personalData`).
    async fn personal_data(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Option<PatientPersonalDataObject>> {
        Ok(loader(ctx)?
            .load_one(PersonalDataOf(self.0.id))
            .await?
            .map(PatientPersonalDataObject::from))
    }

    /// Orders, oldest first.
    async fn orders(&self, ctx: &Context<'_>) -> ApiResult<Vec<OrderObject>> {
        Ok(loader(ctx)?
            .load_one(OrdersOf(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(OrderObject::from)
            .collect())
    }

    /// Administrations, earliest first.
    async fn administrations(&self, ctx: &Context<'_>) -> ApiResult<Vec<AdministrationObject>> {
        Ok(loader(ctx)?
            .load_one(AdministrationsOf(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(AdministrationObject::from)
            .collect())
    }

    /// Follow-up visits, by date.
    async fn visits(&self, ctx: &Context<'_>) -> ApiResult<Vec<VisitObject>> {
        Ok(loader(ctx)?
            .load_one(VisitsOf(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(VisitObject::from)
            .collect())
    }

    /// Follow-up time points (3, 6 and 12 months after day 0, the UTC date of the first
    /// administration), each with its window and where it stands today (server clock, UTC);
    /// empty before any administration. Visits count as the outcome summary counts them, so
    /// a DONE time point is one the summary has a visit for.
    async fn follow_ups(&self, ctx: &Context<'_>) -> ApiResult<Vec<FollowUpObject>> {
        // Both through the loaders, side by side: a list of patients costs one query for
        // all their administrations and one for all their visits.
        let loader = loader(ctx)?;
        let (administrations, visits) = tokio::try_join!(
            loader.load_one(AdministrationsOf(self.0.id)),
            loader.load_one(VisitsOf(self.0.id)),
        )?;
        let administrations = administrations.unwrap_or_default();
        let visits = visits.unwrap_or_default();
        Ok(follow_ups(
            administrations.iter().map(|record| &record.administration),
            &visits,
            &SummaryPolicy::default(),
            today(),
        )
        .into_iter()
        .map(FollowUpObject::from)
        .collect())
    }

    /// Adverse events, by onset.
    async fn adverse_events(&self, ctx: &Context<'_>) -> ApiResult<Vec<AdverseEventObject>> {
        Ok(loader(ctx)?
            .load_one(AdverseEventsOf(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(AdverseEventObject::from)
            .collect())
    }
}

/// The status of an order.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "OrderStatus")]
pub enum OrderStatusObject {
    /// Infusions remain to be given.
    Active,
    /// Every scheduled infusion was given.
    Completed,
    /// Cancelled; its remaining units were released from it.
    Cancelled,
}

/// A unit as clinical records name it.
#[derive(SimpleObject, Clone, Debug)]
pub struct UnitReference {
    /// Identity.
    pub id: Uuid,
    /// The 13-character DIN.
    pub din: String,
    /// The DIN with its keyboard check character, as printed eye-readable.
    pub din_with_check_character: String,
    /// The product code.
    pub product_code: String,
    /// Its lot.
    pub lot_id: Uuid,
    /// The lot's code.
    pub lot_code: Option<String>,
}

impl From<UnitLabel> for UnitReference {
    fn from(unit: UnitLabel) -> Self {
        Self {
            id: unit.id.as_uuid(),
            din: unit.din.to_string(),
            din_with_check_character: unit.din.eye_readable(),
            product_code: unit.product_code.as_str().to_owned(),
            lot_id: unit.lot_id.as_uuid(),
            lot_code: unit.lot_code.map(|code| code.as_str().to_owned()),
        }
    }
}

/// A unit allocated to an order, with its thaw.
#[derive(SimpleObject, Clone, Debug)]
pub struct Allocation {
    /// The unit.
    pub unit_id: Uuid,
    /// Its label.
    pub unit: Option<UnitReference>,
    /// When it was allocated.
    pub allocated_at: DateTime<Utc>,
    /// When thawing finished, once thawed.
    pub thawed_at: Option<DateTime<Utc>>,
    /// The post-thaw use-by time fixed at thaw.
    pub use_by: Option<DateTime<Utc>>,
}

impl From<AllocationRecord> for Allocation {
    fn from(record: AllocationRecord) -> Self {
        Self {
            unit_id: record.allocation.unit_id.as_uuid(),
            unit: record.unit.map(Into::into),
            allocated_at: record.allocation.allocated_at.as_datetime(),
            thawed_at: record.thaw.as_ref().map(|t| t.thawed_at.as_datetime()),
            use_by: record.thaw.map(|t| t.use_by.as_datetime()),
        }
    }
}

/// A signed order for UC-MSC infusions.
#[derive(Clone, Debug)]
pub struct OrderObject(pub(crate) Order);

impl From<Order> for OrderObject {
    fn from(order: Order) -> Self {
        Self(order)
    }
}

#[Object(name = "Order")]
impl OrderObject {
    /// Identity.
    async fn id(&self) -> Uuid {
        self.0.id.as_uuid()
    }

    /// The patient.
    async fn patient_id(&self) -> Uuid {
        self.0.patient_id.as_uuid()
    }

    /// Prescribed viable cells per kilogram of body weight, per infusion.
    async fn dose_per_kg(&self) -> u64 {
        self.0.dose_per_kg.get()
    }

    /// Day offsets of the infusions from the first.
    async fn schedule_days(&self) -> Vec<u16> {
        self.0.schedule.days().to_vec()
    }

    /// The route.
    async fn route(&self) -> RouteInput {
        RouteInput::Iv
    }

    /// The planned date of day 0.
    async fn starts_on(&self) -> NaiveDate {
        self.0.starts_on
    }

    /// When it was signed.
    async fn ordered_at(&self) -> DateTime<Utc> {
        self.0.ordered_at.as_datetime()
    }

    /// The prescriber.
    async fn ordered_by(&self) -> Uuid {
        self.0.ordered_by.as_uuid()
    }

    /// Its status.
    async fn status(&self) -> OrderStatusObject {
        self.0.status.into()
    }

    /// Why it was cancelled, if it was.
    async fn cancel_reason(&self) -> Option<&str> {
        self.0.cancellation.as_ref().map(|c| c.reason.as_str())
    }

    /// Administrations given under it, in order.
    async fn administration_ids(&self) -> Vec<Uuid> {
        self.0
            .administrations
            .iter()
            .map(|id| id.as_uuid())
            .collect()
    }

    /// Units allocated to it now, by allocation time.
    async fn allocations(&self, ctx: &Context<'_>) -> ApiResult<Vec<Allocation>> {
        Ok(loader(ctx)?
            .load_one(AllocationsOf(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(Allocation::from)
            .collect())
    }

    /// Whether infusions remain to be given.
    async fn active(&self) -> bool {
        self.0.status == OrderStatus::Active
    }
}

/// One unit given to one patient.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(name = "Administration")]
pub struct AdministrationObject {
    /// Identity.
    pub id: Uuid,
    /// The unit given.
    pub unit: Option<UnitReference>,
    /// The unit's id.
    pub unit_id: Uuid,
    /// Its lot.
    pub lot_id: Uuid,
    /// The patient.
    pub patient_id: Uuid,
    /// The patient's opaque key.
    pub patient_key: Option<String>,
    /// The order it was given under.
    pub order_id: Uuid,
    /// The accepted bedside check it relied on.
    pub check_id: Uuid,
    /// Infusion start.
    pub started_at: DateTime<Utc>,
    /// Infusion end.
    pub ended_at: DateTime<Utc>,
    /// Volume infused, mL.
    pub volume_ml: String,
    /// Viable cells infused.
    pub cells: u64,
    /// The weight the dose was computed from, kg.
    pub weight_kg: String,
    /// Cells infused per kilogram at that weight.
    pub cells_per_kg: u64,
    /// Infusion reactions observed.
    pub reactions: Vec<String>,
    /// The clinician who signed with meaning RESPONSIBILITY.
    pub administered_by: Uuid,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

impl From<AdministrationRecord> for AdministrationObject {
    fn from(record: AdministrationRecord) -> Self {
        let a = record.administration;
        Self {
            id: a.id.as_uuid(),
            unit: record.unit.map(Into::into),
            unit_id: a.unit_id.as_uuid(),
            lot_id: a.lot_id.as_uuid(),
            patient_id: a.patient_id.as_uuid(),
            patient_key: record.patient_key.map(|key| key.as_str().to_owned()),
            order_id: a.order_id.as_uuid(),
            check_id: a.check_id.as_uuid(),
            started_at: a.started_at.as_datetime(),
            ended_at: a.ended_at.as_datetime(),
            volume_ml: a.volume.value().to_string(),
            cells: a.cells.get(),
            weight_kg: a.weight.value().to_string(),
            cells_per_kg: a.cells_per_kg,
            reactions: a.reactions.into_iter().map(String::from).collect(),
            administered_by: a.administered_by.as_uuid(),
            recorded_at: a.recorded_at.as_datetime(),
        }
    }
}

/// A follow-up visit.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(name = "Visit")]
pub struct VisitObject {
    /// Identity.
    pub id: Uuid,
    /// The patient.
    pub patient_id: Uuid,
    /// The administrations it follows up.
    pub administration_ids: Vec<Uuid>,
    /// The visit date.
    pub visited_on: NaiveDate,
    /// SLEDAI-2K.
    #[graphql(name = "sledai2k")]
    pub sledai_2k: Option<i32>,
    /// 24-hour proteinuria, g/day.
    pub proteinuria_g_per_day: Option<String>,
    /// Urine protein/creatinine ratio, g/g.
    pub protein_creatinine_ratio: Option<String>,
    /// Serum creatinine, µmol/L.
    pub creatinine_umol_per_l: Option<String>,
    /// Serum albumin, g/L.
    pub albumin_g_per_l: Option<String>,
    /// Complement C3, g/L.
    pub c3_g_per_l: Option<String>,
    /// Complement C4, g/L.
    pub c4_g_per_l: Option<String>,
    /// Anti-dsDNA, IU/mL.
    pub anti_dsdna_iu_per_ml: Option<String>,
    /// Prednisone equivalent, mg/day.
    pub prednisone_mg_per_day: Option<String>,
    /// Other immunosuppressants.
    pub other_immunosuppressants: Vec<String>,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

fn text<T: Into<cordtrace_domain::values::Decimal>>(value: Option<T>) -> Option<String> {
    value.map(|v| v.into().to_string())
}

impl From<Visit> for VisitObject {
    fn from(visit: Visit) -> Self {
        let m = visit.measures;
        Self {
            id: visit.id.as_uuid(),
            patient_id: visit.patient_id.as_uuid(),
            administration_ids: visit
                .administrations
                .iter()
                .map(|id| id.as_uuid())
                .collect(),
            visited_on: visit.visited_on,
            sledai_2k: m.sledai_2k.map(|s| i32::from(s.get())),
            proteinuria_g_per_day: text(m.proteinuria_g_per_day),
            protein_creatinine_ratio: text(m.protein_creatinine_ratio),
            creatinine_umol_per_l: text(m.creatinine),
            albumin_g_per_l: text(m.albumin),
            c3_g_per_l: text(m.c3),
            c4_g_per_l: text(m.c4),
            anti_dsdna_iu_per_ml: text(m.anti_dsdna),
            prednisone_mg_per_day: text(m.prednisone),
            other_immunosuppressants: m
                .other_immunosuppressants
                .into_iter()
                .map(String::from)
                .collect(),
            recorded_at: visit.recorded_at.as_datetime(),
        }
    }
}

/// An adverse event.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(name = "AdverseEvent")]
pub struct AdverseEventObject {
    /// Identity.
    pub id: Uuid,
    /// The patient.
    pub patient_id: Uuid,
    /// The administrations it may follow.
    pub administration_ids: Vec<Uuid>,
    /// The term.
    pub term: String,
    /// CTCAE grade, 1 to 5.
    pub grade: i32,
    /// Whether serious.
    pub serious: bool,
    /// Causality.
    pub relatedness: Relatedness,
    /// Onset date.
    pub onset_on: NaiveDate,
    /// Resolution date; null while ongoing.
    pub resolved_on: Option<NaiveDate>,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

impl From<AdverseEvent> for AdverseEventObject {
    fn from(event: AdverseEvent) -> Self {
        Self {
            id: event.id.as_uuid(),
            patient_id: event.patient_id.as_uuid(),
            administration_ids: event
                .administrations
                .iter()
                .map(|id| id.as_uuid())
                .collect(),
            term: event.term.into(),
            grade: i32::from(event.grade.get()),
            serious: event.serious,
            relatedness: event.relatedness.into(),
            onset_on: event.onset_on,
            resolved_on: event.resolved_on,
            recorded_at: event.recorded_at.as_datetime(),
        }
    }
}
