//! The bedside check as the clinician sees it: ok or not, every reason with its code, and the
//! facts established. A refusal is this result, never an error.

use async_graphql::{Enum, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use cordtrace_domain::clinical::{BedsideFacts, BedsideOutcome};
use cordtrace_domain::ids::BedsideCheckId;
use uuid::Uuid;

/// Why a bedside check does not pass; a check lists every one that applies.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "cordtrace_domain::clinical::BedsideReason")]
pub enum BedsideReasonCode {
    /// A scan is unreadable, incomplete, ambiguous or of the wrong kind of label.
    MalformedScan,
    /// No unit has the scanned DIN and product code.
    UnknownUnit,
    /// No patient has the scanned wristband.
    UnknownPatient,
    /// The unit or its lot is not released (quarantine, rejected, destroyed).
    NotReleased,
    /// The unit or its lot is on hold or recalled.
    OnHoldOrRecalled,
    /// The unit or its lot is past its expiry.
    Expired,
    /// The scanned expiry label disagrees with the record.
    LabelMismatch,
    /// The unit has not been thawed.
    NotThawed,
    /// The post-thaw use-by time has passed.
    ThawWindowExceeded,
    /// The unit is allocated to no order.
    NotAllocated,
    /// The unit is allocated to another patient's order.
    WrongPatient,
    /// The patient has no active order for this unit.
    NoActiveOrder,
    /// The unit's cells per kg at the latest weight are too far from the prescribed dose.
    DoseOutOfRange,
    /// No weight measured within the window.
    WeightTooOld,
    /// The unit was already given.
    AlreadyAdministered,
    /// A donor of the unit's lot is not ELIGIBLE, or their consent does not stand.
    DonorNotEligible,
}

/// One reason, with a sentence for the clinician (never personal data).
#[derive(SimpleObject, Clone, Debug)]
pub struct BedsideFinding {
    /// The stable code.
    pub code: BedsideReasonCode,
    /// What exactly.
    pub message: String,
}

/// What the clinician is shown, as far as it could be established.
#[derive(SimpleObject, Clone, Debug, Default)]
#[graphql(name = "BedsideFacts")]
pub struct BedsideFactsObject {
    /// The unit found.
    pub unit_id: Option<Uuid>,
    /// Its 13-character DIN.
    pub din: Option<String>,
    /// The DIN with its keyboard check character, as printed eye-readable on the label.
    pub din_with_check_character: Option<String>,
    /// The product code.
    pub product_code: Option<String>,
    /// The installation's description of the product.
    pub product_description: Option<String>,
    /// The unit's lot.
    pub lot_id: Option<Uuid>,
    /// The lot code.
    pub lot_code: Option<String>,
    /// Viable cells in the unit.
    pub cells: Option<u64>,
    /// Its volume, mL.
    pub volume_ml: Option<String>,
    /// Its recorded expiry.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was thawed.
    pub thawed_at: Option<DateTime<Utc>>,
    /// The post-thaw use-by time in force.
    pub use_by: Option<DateTime<Utc>>,
    /// The patient the wristband resolved to.
    pub patient_id: Option<Uuid>,
    /// The patient's opaque key.
    pub patient_key: Option<String>,
    /// The order the unit is allocated to, when it is the scanned patient's.
    pub order_id: Option<Uuid>,
    /// The prescribed dose, cells per kg.
    pub prescribed_dose_per_kg: Option<u64>,
    /// The patient's latest weight, kg.
    pub weight_kg: Option<String>,
    /// When it was measured.
    pub weight_measured_on: Option<NaiveDate>,
    /// The unit's cells per kg at that weight: the dose this unit gives.
    pub cells_per_kg: Option<u64>,
}

impl From<BedsideFacts> for BedsideFactsObject {
    fn from(facts: BedsideFacts) -> Self {
        Self {
            din_with_check_character: facts.din_with_check_character(),
            unit_id: facts.unit_id.map(|id| id.as_uuid()),
            din: facts.din.map(|din| din.to_string()),
            product_code: facts.product_code.map(|code| code.as_str().to_owned()),
            product_description: facts.product_description.map(String::from),
            lot_id: facts.lot_id.map(|id| id.as_uuid()),
            lot_code: facts.lot_code.map(|code| code.as_str().to_owned()),
            cells: facts.cells.map(|cells| cells.get()),
            volume_ml: facts.volume.map(|volume| volume.value().to_string()),
            expires_at: facts.expires_at.map(|t| t.as_datetime()),
            thawed_at: facts.thawed_at.map(|t| t.as_datetime()),
            use_by: facts.use_by.map(|t| t.as_datetime()),
            patient_id: facts.patient_id.map(|id| id.as_uuid()),
            patient_key: facts.patient_key.map(|key| key.as_str().to_owned()),
            order_id: facts.order_id.map(|id| id.as_uuid()),
            prescribed_dose_per_kg: facts.prescribed_dose_per_kg.map(|dose| dose.get()),
            weight_kg: facts.weight.map(|weight| weight.value().to_string()),
            weight_measured_on: facts.weight_measured_on,
            cells_per_kg: facts.cells_per_kg,
        }
    }
}

/// The result of a bedside check, accepted or refused; either way it is in the ledger.
#[derive(SimpleObject, Clone, Debug)]
pub struct BedsideCheckResult {
    /// The check, as recorded (administration relies on the unit's latest accepted check).
    pub check_id: Uuid,
    /// Whether the infusion may go ahead.
    pub ok: bool,
    /// The distinct reason codes, in order; empty when ok.
    pub codes: Vec<BedsideReasonCode>,
    /// Every finding, with its code and a sentence; empty when ok.
    pub reasons: Vec<BedsideFinding>,
    /// The code of each scan problem (never the scanned text).
    pub scan_errors: Vec<String>,
    /// What could be established.
    pub facts: BedsideFactsObject,
}

impl BedsideCheckResult {
    /// The result of check `check_id`.
    pub(crate) fn new(
        check_id: BedsideCheckId,
        outcome: BedsideOutcome,
        scan_errors: Vec<String>,
    ) -> Self {
        Self {
            check_id: check_id.as_uuid(),
            ok: outcome.ok(),
            codes: outcome.reasons().into_iter().map(Into::into).collect(),
            reasons: outcome
                .findings
                .into_iter()
                .map(|finding| BedsideFinding {
                    code: finding.reason.into(),
                    message: finding.message,
                })
                .collect(),
            scan_errors,
            facts: outcome.facts.into(),
        }
    }
}
