//! Inputs of the clinical mutations and their parsing into domain types. Every value is parsed
//! here, at the boundary; a malformed one is VALIDATION with the domain's code and nothing is
//! written.

use async_graphql::{Enum, InputObject};
use chrono::{DateTime, NaiveDate, Utc};
use cordtrace_domain::Refusal;
use cordtrace_domain::Timestamp;
use cordtrace_domain::clinical::commands::administration::NewAdministration;
use cordtrace_domain::clinical::commands::followup::{NewAdverseEvent, NewVisit};
use cordtrace_domain::clinical::commands::orders::NewOrder;
use cordtrace_domain::clinical::measures::{
    AlbuminGPerL, AntiDsDnaIuPerMl, C3GPerL, C4GPerL, CreatinineUmolPerL, PrednisoneMgPerDay,
    ProteinCreatinineRatio, ProteinuriaGPerDay, Sledai2k,
};
use cordtrace_domain::clinical::{
    ClinicalError, CtcaeGrade, InfusionSchedule, LookbackSource, Route, VisitMeasures, Wristband,
};
use cordtrace_domain::ids::{
    AdministrationId, AdverseEventId, DonationId, DonorId, LotId, MaterialLotId, OrderId,
    PatientId, UnitId, VisitId,
};
use cordtrace_domain::values::{CellCount, DosePerKg, Label, Millilitres, Narrative, ValueError};
use cordtrace_store::side_write::PatientPersonalData;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::production::DownstreamFrom;

/// A refused input, with the clinical domain's code.
pub(crate) fn refused(error: impl Into<ClinicalError>) -> ApiError {
    Refusal::from(error.into()).into()
}

fn value<T>(parsed: Result<T, ValueError>) -> ApiResult<T> {
    parsed.map_err(refused)
}

/// A short text (1 to 200 characters).
pub(crate) fn label(raw: &str, what: &'static str) -> ApiResult<Label> {
    value(Label::parse(raw, what))
}

/// A longer text (1 to 4000 characters).
pub(crate) fn narrative(raw: &str, what: &'static str) -> ApiResult<Narrative> {
    value(Narrative::parse(raw, what))
}

fn ids<T: From<Uuid>>(raw: &[Uuid]) -> Vec<T> {
    raw.iter().map(|id| T::from(*id)).collect()
}

impl From<DownstreamFrom> for LookbackSource {
    fn from(from: DownstreamFrom) -> Self {
        match from {
            DownstreamFrom::Donor(id) => LookbackSource::Donor(DonorId::from_uuid(id)),
            DownstreamFrom::Donation(id) => LookbackSource::Donation(DonationId::from_uuid(id)),
            DownstreamFrom::MaterialLot(id) => {
                LookbackSource::MaterialLot(MaterialLotId::from_uuid(id))
            }
            DownstreamFrom::Lot(id) => LookbackSource::Lot(LotId::from_uuid(id)),
        }
    }
}

/// A patient's personal data, kept apart from the ledger. Never logged.
#[derive(InputObject)]
pub struct PatientPersonalDataInput {
    /// Full name (1 to 200 characters).
    #[graphql(secret)]
    pub full_name: String,
    /// Date of birth (not in the future).
    #[graphql(secret)]
    pub date_of_birth: Option<NaiveDate>,
    /// The hospital's record number (1 to 64 characters).
    #[graphql(secret)]
    pub hospital_record_number: Option<String>,
    /// The wristband id: as printed (1 to 64 ASCII letters, digits or hyphens), or its ISBT 128
    /// patient identification (`&#` ...), whose number is what bedside scans are matched by.
    #[graphql(secret)]
    pub wristband_id: String,
}

/// The longest hospital record number the `patient_personal` table holds.
const MAX_RECORD_NUMBER_CHARS: usize = 64;

impl PatientPersonalDataInput {
    pub(crate) fn parse(self) -> ApiResult<PatientPersonalData> {
        let hospital_record_number = self
            .hospital_record_number
            .map(|raw| label(&raw, "hospital record number"))
            .transpose()?;
        if hospital_record_number
            .as_ref()
            .is_some_and(|number| number.as_str().chars().count() > MAX_RECORD_NUMBER_CHARS)
        {
            return Err(ApiError::validation(
                "INVALID_VALUE",
                format!("hospital record number must be 1 to {MAX_RECORD_NUMBER_CHARS} characters"),
            ));
        }
        // A ward east of UTC may already be a day ahead; beyond that a birth date is an error.
        let latest_birth = Utc::now().date_naive() + chrono::Days::new(1);
        if self.date_of_birth.is_some_and(|born| born > latest_birth) {
            return Err(ApiError::validation(
                "IN_FUTURE",
                "the date of birth is in the future",
            ));
        }
        // The error names the problem, never the characters: the wristband is personal data.
        let wristband = Wristband::parse(&self.wristband_id)
            .map_err(|error| ApiError::validation(error.code(), error.to_string()))?;
        Ok(PatientPersonalData {
            full_name: label(&self.full_name, "full name")?,
            date_of_birth: self.date_of_birth,
            hospital_record_number,
            wristband_id: wristband.lookup_key().to_owned(),
        })
    }
}

/// The route of administration.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RouteInput {
    /// Intravenous infusion.
    #[default]
    #[graphql(name = "IV")]
    Iv,
}

impl From<RouteInput> for Route {
    fn from(route: RouteInput) -> Self {
        match route {
            RouteInput::Iv => Route::Intravenous,
        }
    }
}

/// A new order for UC-MSC infusions.
#[derive(InputObject, Debug)]
pub struct OrderInput {
    /// The patient.
    pub patient_id: Uuid,
    /// Viable cells per kilogram of body weight for each infusion (default 1 x 10^6).
    #[graphql(default = 1_000_000)]
    pub dose_per_kg: u64,
    /// Day offsets of the infusions from the first, e.g. `[0]` or `[0, 7]` (default `[0]`).
    #[graphql(default_with = "vec![0]")]
    pub schedule_days: Vec<u16>,
    /// The route (default IV).
    #[graphql(default)]
    pub route: RouteInput,
    /// The planned date of day 0.
    pub starts_on: NaiveDate,
}

impl OrderInput {
    pub(crate) fn parse(self, order_id: OrderId) -> ApiResult<NewOrder> {
        Ok(NewOrder {
            order_id,
            patient_id: PatientId::from_uuid(self.patient_id),
            dose_per_kg: value(DosePerKg::new(self.dose_per_kg))?,
            schedule: InfusionSchedule::new(self.schedule_days).map_err(refused)?,
            route: self.route.into(),
            starts_on: self.starts_on,
        })
    }
}

/// An infusion as the clinician confirms it.
#[derive(InputObject, Debug)]
pub struct AdministrationInput {
    /// The unit infused.
    pub unit_id: Uuid,
    /// The patient.
    pub patient_id: Uuid,
    /// Infusion start: within the check validity after the unit's accepted bedside check.
    pub started_at: DateTime<Utc>,
    /// Infusion end.
    pub ended_at: DateTime<Utc>,
    /// Volume infused, in mL, as an exact decimal.
    pub volume_ml: String,
    /// Viable cells infused.
    pub cells: u64,
    /// Infusion reactions observed (empty when none).
    #[graphql(default)]
    pub reactions: Vec<String>,
}

impl AdministrationInput {
    pub(crate) fn parse(self, administration_id: AdministrationId) -> ApiResult<NewAdministration> {
        Ok(NewAdministration {
            administration_id,
            unit_id: UnitId::from_uuid(self.unit_id),
            patient_id: PatientId::from_uuid(self.patient_id),
            started_at: Timestamp::from_datetime(self.started_at),
            ended_at: Timestamp::from_datetime(self.ended_at),
            volume: value(Millilitres::parse(&self.volume_ml))?,
            cells: value(CellCount::new(self.cells))?,
            reactions: self
                .reactions
                .iter()
                .map(|reaction| label(reaction, "reaction"))
                .collect::<ApiResult<_>>()?,
        })
    }
}

/// A follow-up visit: what was measured (at least one value).
#[derive(InputObject, Debug)]
pub struct VisitInput {
    /// The patient.
    pub patient_id: Uuid,
    /// The administrations it follows up (none for a baseline visit).
    #[graphql(default)]
    pub administration_ids: Vec<Uuid>,
    /// The visit date.
    pub visited_on: NaiveDate,
    /// SLEDAI-2K, 0 to 105.
    #[graphql(name = "sledai2k")]
    pub sledai_2k: Option<i64>,
    /// 24-hour proteinuria, g/day, exact decimal.
    pub proteinuria_g_per_day: Option<String>,
    /// Spot urine protein/creatinine ratio, g/g.
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
    /// Glucocorticoid dose, prednisone equivalent, mg/day.
    pub prednisone_mg_per_day: Option<String>,
    /// Other immunosuppressants, each with its dose as written.
    #[graphql(default)]
    pub other_immunosuppressants: Vec<String>,
}

fn measure<T>(
    raw: Option<String>,
    parser: fn(&str) -> Result<T, ValueError>,
) -> ApiResult<Option<T>> {
    raw.map(|raw| value(parser(&raw))).transpose()
}

impl VisitInput {
    pub(crate) fn parse(self, visit_id: VisitId) -> ApiResult<NewVisit> {
        let measures = VisitMeasures {
            sledai_2k: self
                .sledai_2k
                .map(|score| value(Sledai2k::from_i64(score)))
                .transpose()?,
            proteinuria_g_per_day: measure(self.proteinuria_g_per_day, ProteinuriaGPerDay::parse)?,
            protein_creatinine_ratio: measure(
                self.protein_creatinine_ratio,
                ProteinCreatinineRatio::parse,
            )?,
            creatinine: measure(self.creatinine_umol_per_l, CreatinineUmolPerL::parse)?,
            albumin: measure(self.albumin_g_per_l, AlbuminGPerL::parse)?,
            c3: measure(self.c3_g_per_l, C3GPerL::parse)?,
            c4: measure(self.c4_g_per_l, C4GPerL::parse)?,
            anti_dsdna: measure(self.anti_dsdna_iu_per_ml, AntiDsDnaIuPerMl::parse)?,
            prednisone: measure(self.prednisone_mg_per_day, PrednisoneMgPerDay::parse)?,
            other_immunosuppressants: self
                .other_immunosuppressants
                .iter()
                .map(|drug| label(drug, "immunosuppressant"))
                .collect::<ApiResult<_>>()?,
        };
        Ok(NewVisit {
            visit_id,
            patient_id: PatientId::from_uuid(self.patient_id),
            administrations: ids(&self.administration_ids),
            visited_on: self.visited_on,
            measures,
        })
    }
}

/// How likely the product caused the event.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "cordtrace_domain::clinical::Relatedness")]
pub enum Relatedness {
    /// Not related.
    Unrelated,
    /// Unlikely related.
    Unlikely,
    /// Possibly related.
    Possible,
    /// Probably related.
    Probable,
    /// Definitely related.
    Definite,
}

/// An adverse event.
#[derive(InputObject, Debug)]
pub struct AdverseEventInput {
    /// The patient.
    pub patient_id: Uuid,
    /// The administrations it may follow (none when unlinked).
    #[graphql(default)]
    pub administration_ids: Vec<Uuid>,
    /// The term (a CTCAE term as written).
    pub term: String,
    /// CTCAE grade, 1 to 5.
    pub grade: i32,
    /// Whether it is serious (a grade 5 event is).
    pub serious: bool,
    /// The investigator's assessment of causality.
    pub relatedness: Relatedness,
    /// Onset date.
    pub onset_on: NaiveDate,
    /// Resolution date, if already resolved.
    pub resolved_on: Option<NaiveDate>,
}

impl AdverseEventInput {
    pub(crate) fn parse(self, adverse_event_id: AdverseEventId) -> ApiResult<NewAdverseEvent> {
        let grade = u8::try_from(self.grade)
            .map_err(|_| ValueError::OutOfRange {
                what: "a CTCAE grade",
                value: self.grade.to_string(),
                min: "1".to_owned(),
                max: "5".to_owned(),
                unit: "",
            })
            .and_then(CtcaeGrade::new);
        Ok(NewAdverseEvent {
            adverse_event_id,
            patient_id: PatientId::from_uuid(self.patient_id),
            administrations: ids(&self.administration_ids),
            term: label(&self.term, "term")?,
            grade: value(grade)?,
            serious: self.serious,
            relatedness: self.relatedness.into(),
            onset_on: self.onset_on,
            resolved_on: self.resolved_on,
        })
    }
}
