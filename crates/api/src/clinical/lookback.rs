//! Look-back, recall and outcome summaries over GraphQL. None of them carries personal data:
//! patients appear by opaque key, and a patient object's `personalData` stays guarded.

use async_graphql::{Context, Enum, Object, SimpleObject};
use chrono::{DateTime, Utc};
use cordtrace_domain::clinical::lookback::{AffectedLot, AffectedUnit, Exposure};
use cordtrace_domain::clinical::summary::{Change, GroupKey, Measure, OutcomeGroup};
use cordtrace_domain::clinical::{Lookback, PatientExposure};
use cordtrace_store::queries::clinical::OutcomeReport;
use uuid::Uuid;

use super::loaders::loader;
use super::types::PatientObject;
use crate::error::ApiResult;
use crate::production::{LotKind, LotStatus, UnitStatus};

/// A lot a look-back reached.
#[derive(SimpleObject, Clone, Debug)]
pub struct AffectedLotObject {
    /// Identity.
    pub id: Uuid,
    /// Its code.
    pub code: String,
    /// What it is.
    pub kind: LotKind,
    /// Its status now.
    pub status: LotStatus,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

impl From<&AffectedLot> for AffectedLotObject {
    fn from(lot: &AffectedLot) -> Self {
        Self {
            id: lot.lot_id.as_uuid(),
            code: lot.code.as_str().to_owned(),
            kind: lot.kind.into(),
            status: lot.status.into(),
            created_at: lot.created_at.as_datetime(),
        }
    }
}

/// One administration of an affected unit.
#[derive(SimpleObject, Clone, Debug)]
pub struct ExposureObject {
    /// The administration.
    pub administration_id: Uuid,
    /// The unit.
    pub unit_id: Uuid,
    /// Its lot.
    pub lot_id: Uuid,
    /// The patient.
    pub patient_id: Uuid,
    /// Infusion start.
    pub started_at: DateTime<Utc>,
    /// Infusion end.
    pub ended_at: DateTime<Utc>,
}

impl From<&Exposure> for ExposureObject {
    fn from(exposure: &Exposure) -> Self {
        Self {
            administration_id: exposure.administration_id.as_uuid(),
            unit_id: exposure.unit_id.as_uuid(),
            lot_id: exposure.lot_id.as_uuid(),
            patient_id: exposure.patient_id.as_uuid(),
            started_at: exposure.started_at.as_datetime(),
            ended_at: exposure.ended_at.as_datetime(),
        }
    }
}

/// A unit a look-back reached.
#[derive(SimpleObject, Clone, Debug)]
pub struct AffectedUnitObject {
    /// Identity.
    pub id: Uuid,
    /// Its lot.
    pub lot_id: Uuid,
    /// The DIN with its keyboard check character.
    pub din_with_check_character: String,
    /// The product code.
    pub product_code: String,
    /// Its status now.
    pub status: UnitStatus,
    /// The order it is allocated to, if any.
    pub allocated_to_order: Option<Uuid>,
    /// Its administration, if it was given.
    pub administration: Option<ExposureObject>,
}

impl From<&AffectedUnit> for AffectedUnitObject {
    fn from(unit: &AffectedUnit) -> Self {
        Self {
            id: unit.unit_id.as_uuid(),
            lot_id: unit.lot_id.as_uuid(),
            din_with_check_character: unit.din.eye_readable(),
            product_code: unit.product_code.as_str().to_owned(),
            status: unit.status.into(),
            allocated_to_order: unit.allocated_to.map(|id| id.as_uuid()),
            administration: unit.administration.as_ref().map(Into::into),
        }
    }
}

/// The lots of one status.
#[derive(SimpleObject, Clone, Debug)]
pub struct LotsWithStatus {
    /// The status.
    pub status: LotStatus,
    /// How many.
    pub count: usize,
    /// The lots.
    pub lots: Vec<AffectedLotObject>,
}

/// The units of one status.
#[derive(SimpleObject, Clone, Debug)]
pub struct UnitsWithStatus {
    /// The status.
    pub status: UnitStatus,
    /// How many.
    pub count: usize,
    /// The units.
    pub units: Vec<AffectedUnitObject>,
}

/// A patient who received an affected unit: whom to contact.
#[derive(Clone, Debug)]
pub struct PatientExposureObject(PatientExposure);

#[Object(name = "PatientExposure")]
impl PatientExposureObject {
    /// The patient.
    async fn patient_id(&self) -> Uuid {
        self.0.patient_id.as_uuid()
    }

    /// The patient's opaque key.
    async fn patient_key(&self) -> Option<&str> {
        self.0.key.as_ref().map(|key| key.as_str())
    }

    /// The patient (personal data for clinicians only, as everywhere).
    async fn patient(&self, ctx: &Context<'_>) -> ApiResult<Option<PatientObject>> {
        Ok(loader(ctx)?
            .load_one(self.0.patient_id)
            .await?
            .map(PatientObject::from))
    }

    /// Every affected administration, earliest first.
    async fn administrations(&self) -> Vec<ExposureObject> {
        self.0.administrations.iter().map(Into::into).collect()
    }
}

impl From<PatientExposure> for PatientExposureObject {
    fn from(exposure: PatientExposure) -> Self {
        Self(exposure)
    }
}

/// Every lot and unit downstream of a donor, donation, material lot or lot, and every patient
/// who received one.
#[derive(Clone, Debug)]
pub struct LookbackObject(pub(crate) Lookback);

#[Object(name = "Lookback")]
impl LookbackObject {
    /// Every lot reached.
    async fn lots(&self) -> Vec<AffectedLotObject> {
        self.0.lots.iter().map(Into::into).collect()
    }

    /// The lots, grouped by status.
    async fn lots_by_status(&self) -> Vec<LotsWithStatus> {
        self.0
            .lots_by_status()
            .into_iter()
            .map(|(status, lots)| LotsWithStatus {
                status: status.into(),
                count: lots.len(),
                lots: lots.into_iter().map(Into::into).collect(),
            })
            .collect()
    }

    /// Every unit of those lots.
    async fn units(&self) -> Vec<AffectedUnitObject> {
        self.0.units.iter().map(Into::into).collect()
    }

    /// The units, grouped by status.
    async fn units_by_status(&self) -> Vec<UnitsWithStatus> {
        self.0
            .units_by_status()
            .into_iter()
            .map(|(status, units)| UnitsWithStatus {
                status: status.into(),
                count: units.len(),
                units: units.into_iter().map(Into::into).collect(),
            })
            .collect()
    }

    /// Every patient who received one of the units, with the administrations and their dates.
    async fn patients(&self) -> Vec<PatientExposureObject> {
        self.0.patients.iter().cloned().map(Into::into).collect()
    }
}

/// What a recall did.
#[derive(SimpleObject)]
pub struct RecallResult {
    /// The recall.
    pub recall_id: Uuid,
    /// Lots whose status it changed (to ON_HOLD or RECALLED).
    pub lots_changed: Vec<Uuid>,
    /// Units whose status it changed (to ON_HOLD or RECALLED).
    pub units_changed: Vec<Uuid>,
    /// The patients to contact: everyone who received an affected unit.
    pub patients_to_contact: Vec<PatientExposureObject>,
    /// The look-back as it stands after the recall.
    pub lookback: LookbackObject,
}

/// An outcome measure of the summary.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "Measure")]
pub enum OutcomeMeasure {
    /// SLEDAI-2K, points.
    Sledai2k,
    /// 24-hour proteinuria, g/day.
    ProteinuriaGPerDay,
    /// Urine protein/creatinine ratio, g/g.
    ProteinCreatinineRatio,
    /// Prednisone equivalent, mg/day.
    PrednisoneMgPerDay,
}

/// One patient's change in one measure at one time point.
#[derive(SimpleObject, Clone, Debug)]
pub struct PatientChangeObject {
    /// The patient's opaque key.
    pub patient_key: Option<String>,
    /// The baseline value.
    pub baseline: String,
    /// The date of the baseline visit.
    pub baseline_on: chrono::NaiveDate,
    /// The value at the time point.
    pub value: String,
    /// The date of that visit.
    pub value_on: chrono::NaiveDate,
    /// `value - baseline`.
    pub change: String,
}

/// The change in one measure across a group.
#[derive(SimpleObject, Clone, Debug)]
pub struct MeasureChange {
    /// The measure.
    pub measure: OutcomeMeasure,
    /// How many patients have both values.
    pub patients: usize,
    /// Their mean change, with exactly 2 decimals (`-7.50`); null when nobody has both values.
    pub mean_change: Option<String>,
    /// Each patient's change.
    pub changes: Vec<PatientChangeObject>,
}

/// The changes at one time point.
#[derive(SimpleObject, Clone, Debug)]
pub struct OutcomeTimepoint {
    /// Months after day 0 (the first administration).
    pub months: u32,
    /// The change in each measure.
    pub measures: Vec<MeasureChange>,
}

/// The outcomes of one group (a lot, a donor or a prescribed dose).
#[derive(SimpleObject, Clone, Debug)]
pub struct OutcomeGroupObject {
    /// The lot, for a group by lot.
    pub lot_id: Option<Uuid>,
    /// Its code.
    pub lot_code: Option<String>,
    /// The donor, for a group by donor.
    pub donor_id: Option<Uuid>,
    /// The donor's opaque key.
    pub donor_key: Option<String>,
    /// The prescribed cells per kg, for a group by dose.
    pub dose_per_kg: Option<u64>,
    /// How many patients.
    pub patient_count: usize,
    /// Their opaque keys.
    pub patient_keys: Vec<String>,
    /// Change from baseline at each time point.
    pub timepoints: Vec<OutcomeTimepoint>,
    /// Adverse events by CTCAE grade: element 0 is grade 1, element 4 grade 5.
    pub adverse_events_by_grade: Vec<usize>,
    /// Of those, how many serious.
    pub serious_adverse_events: usize,
}

fn group(report: &OutcomeReport, group: &OutcomeGroup) -> OutcomeGroupObject {
    let key_of = |id| {
        report
            .patient_keys
            .get(id)
            .map(|key: &cordtrace_domain::clinical::PatientKey| key.as_str().to_owned())
    };
    let mut object = OutcomeGroupObject {
        lot_id: None,
        lot_code: None,
        donor_id: None,
        donor_key: None,
        dose_per_kg: None,
        patient_count: group.patients.len(),
        patient_keys: group.patients.iter().filter_map(key_of).collect(),
        timepoints: group
            .timepoints
            .iter()
            .map(|timepoint| OutcomeTimepoint {
                months: timepoint.months,
                measures: timepoint
                    .changes
                    .iter()
                    .map(|(measure, change): (&Measure, &Change)| MeasureChange {
                        measure: (*measure).into(),
                        patients: change.patients.len(),
                        mean_change: change.mean.map(|mean| mean.to_string()),
                        changes: change
                            .patients
                            .iter()
                            .map(|patient| PatientChangeObject {
                                patient_key: key_of(&patient.patient_id),
                                baseline: patient.baseline.0.to_string(),
                                baseline_on: patient.baseline.1,
                                value: patient.value.0.to_string(),
                                value_on: patient.value.1,
                                change: patient.change.to_string(),
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
        adverse_events_by_grade: group.adverse_events_by_grade.to_vec(),
        serious_adverse_events: group.serious_adverse_events,
    };
    match group.key {
        GroupKey::Lot(lot_id) => {
            object.lot_id = Some(lot_id.as_uuid());
            object.lot_code = report
                .lot_codes
                .get(&lot_id)
                .map(|code| code.as_str().to_owned());
        }
        GroupKey::Donor(donor_id) => {
            object.donor_id = Some(donor_id.as_uuid());
            object.donor_key = report
                .donor_keys
                .get(&donor_id)
                .map(|key| key.as_str().to_owned());
        }
        GroupKey::DosePerKg(dose) => object.dose_per_kg = Some(dose.get()),
    }
    object
}

/// Outcomes of every administered patient, by lot, by donor and by prescribed dose per kg.
#[derive(SimpleObject, Clone, Debug)]
pub struct OutcomeSummaryObject {
    /// By the lot of the unit given.
    pub by_lot: Vec<OutcomeGroupObject>,
    /// By a donor of that lot.
    pub by_donor: Vec<OutcomeGroupObject>,
    /// By the prescribed dose per kg.
    pub by_dose: Vec<OutcomeGroupObject>,
}

impl From<OutcomeReport> for OutcomeSummaryObject {
    fn from(report: OutcomeReport) -> Self {
        let groups = |list: &[OutcomeGroup]| -> Vec<OutcomeGroupObject> {
            list.iter().map(|g| group(&report, g)).collect()
        };
        Self {
            by_lot: groups(&report.summary.by_lot),
            by_donor: groups(&report.summary.by_donor),
            by_dose: groups(&report.summary.by_dose),
        }
    }
}
