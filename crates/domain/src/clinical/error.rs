//! Why a clinical command is refused. Every variant has a stable code and a refusal kind.

use crate::refusal::{RefusalKind, Refuse};
use crate::signature::Meaning;
use crate::values::ValueError;

/// A refused clinical command. Nothing is recorded for it (the bedside check is not a command
/// that can be refused this way: its refusals are outcomes, and are recorded).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClinicalError {
    /// An input value is malformed or out of range.
    #[error(transparent)]
    Value(#[from] ValueError),
    /// A named thing does not exist (or the store did not load it).
    #[error("{kind} {id} does not exist")]
    Unknown {
        /// What kind of thing.
        kind: &'static str,
        /// Its id.
        id: String,
    },
    /// The role may not do this.
    #[error("only {0} may do this")]
    WrongRole(&'static str),
    /// The signature was made by someone other than the acting user.
    #[error("a signature must be made by the user who performs the action")]
    SignerNotActor,
    /// The signature's meaning does not fit the act.
    #[error("this must be signed with meaning {expected}, not {found}")]
    WrongMeaning {
        /// The meaning(s) accepted.
        expected: &'static str,
        /// The meaning given.
        found: Meaning,
    },
    /// A patient key is already taken.
    #[error("patient key {0} is already registered")]
    DuplicatePatientKey(String),
    /// The infusion schedule is malformed.
    #[error("{0}")]
    BadSchedule(String),
    /// A time or date is in the future.
    #[error("{0} is in the future")]
    InFuture(&'static str),
    /// An end is before its start.
    #[error("the end is before the start")]
    EndBeforeStart,
    /// The order is cancelled or complete.
    #[error("order {order} is {status}")]
    OrderNotActive {
        /// The order.
        order: String,
        /// Its status.
        status: &'static str,
    },
    /// Every scheduled infusion of the order already has a unit.
    #[error("order {order} already has a unit for each of its {infusions} infusions")]
    OrderFullyAllocated {
        /// The order.
        order: String,
        /// Its number of infusions.
        infusions: usize,
    },
    /// The unit is not RELEASED.
    #[error("unit {unit} is {status}, not RELEASED")]
    UnitNotReleased {
        /// DIN and product code.
        unit: String,
        /// Its status.
        status: &'static str,
    },
    /// The unit's lot is not RELEASED.
    #[error("lot {lot} is {status}, not RELEASED")]
    LotNotReleased {
        /// The lot code.
        lot: String,
        /// Its status.
        status: &'static str,
    },
    /// The unit is past its expiry.
    #[error("unit {0} is past its expiry")]
    UnitExpired(String),
    /// A donor of the unit's lot is not ELIGIBLE, did not consent to therapy or withdrew.
    #[error("donor {0} is not eligible, or their consent does not stand")]
    DonorNotEligible(String),
    /// The unit is already allocated to an order.
    #[error("unit {0} is already allocated to an order")]
    AlreadyAllocated(String),
    /// The unit is allocated to no order.
    #[error("unit {0} is not allocated to an order")]
    NotAllocated(String),
    /// The unit was already thawed.
    #[error("unit {0} was already thawed")]
    AlreadyThawed(String),
    /// The unit has not been thawed.
    #[error("unit {0} has not been thawed")]
    NotThawed(String),
    /// The infusion starts after the post-thaw use-by time.
    #[error("unit {0} is past its post-thaw use-by time")]
    ThawWindowExceeded(String),
    /// The unit was already administered: a unit is given once.
    #[error("unit {0} was already administered")]
    AlreadyAdministered(String),
    /// The unit's latest bedside check was refused, or there is none.
    #[error("unit {0} has no accepted bedside check")]
    NoAcceptedCheck(String),
    /// The accepted check was for another patient.
    #[error("the accepted bedside check of unit {0} was for another patient")]
    CheckForAnotherPatient(String),
    /// The accepted check is too long before the infusion's start (or after it).
    #[error("the bedside check of unit {unit} must be within {minutes} minutes before the start")]
    CheckExpired {
        /// DIN and product code.
        unit: String,
        /// The allowed minutes.
        minutes: i64,
    },
    /// The unit is allocated to another patient's order.
    #[error("unit {0} is allocated to another patient")]
    WrongPatient(String),
    /// The patient has no weight on record.
    #[error("patient {0} has no weight on record")]
    NoWeight(String),
    /// More cells or volume infused than the unit held.
    #[error("{0} infused exceeds what the unit holds")]
    ExceedsUnit(&'static str),
    /// A listed administration is not one of the patient's.
    #[error("administration {0} is not one of the patient's")]
    NotPatientsAdministration(String),
    /// A grade 5 (fatal) adverse event must be marked serious.
    #[error("a grade 5 adverse event is serious by definition")]
    FatalNotSerious,
    /// The resolution date is before the onset.
    #[error("resolution {resolved} is before onset {onset}")]
    ResolutionBeforeOnset {
        /// The onset date.
        onset: String,
        /// The resolution date.
        resolved: String,
    },
    /// The adverse event is already resolved.
    #[error("adverse event {0} is already resolved")]
    AlreadyResolved(String),
    /// A list is empty where it must not be, too long, or repeats an item.
    #[error("{0}")]
    BadList(String),
    /// A visit records no measurement at all.
    #[error("a visit must record at least one measurement")]
    EmptyVisit,
    /// The patient's personal data was already redacted: there is nothing left to redact.
    #[error("the personal data of patient {0} is already redacted")]
    AlreadyRedacted(String),
}

impl Refuse for ClinicalError {
    fn kind(&self) -> RefusalKind {
        use ClinicalError as E;
        match self {
            E::Unknown { .. } => RefusalKind::NotFound,
            E::WrongRole(_) | E::SignerNotActor => RefusalKind::Forbidden,
            E::Value(_)
            | E::WrongMeaning { .. }
            | E::BadSchedule(_)
            | E::InFuture(_)
            | E::EndBeforeStart
            | E::ExceedsUnit(_)
            | E::NotPatientsAdministration(_)
            | E::FatalNotSerious
            | E::ResolutionBeforeOnset { .. }
            | E::BadList(_)
            | E::EmptyVisit => RefusalKind::Validation,
            E::DuplicatePatientKey(_)
            | E::OrderNotActive { .. }
            | E::OrderFullyAllocated { .. }
            | E::UnitNotReleased { .. }
            | E::LotNotReleased { .. }
            | E::UnitExpired(_)
            | E::DonorNotEligible(_)
            | E::AlreadyAllocated(_)
            | E::NotAllocated(_)
            | E::AlreadyThawed(_)
            | E::NotThawed(_)
            | E::ThawWindowExceeded(_)
            | E::AlreadyAdministered(_)
            | E::NoAcceptedCheck(_)
            | E::CheckForAnotherPatient(_)
            | E::CheckExpired { .. }
            | E::WrongPatient(_)
            | E::NoWeight(_)
            | E::AlreadyResolved(_)
            | E::AlreadyRedacted(_) => RefusalKind::Conflict,
        }
    }

    fn code(&self) -> &'static str {
        use ClinicalError as E;
        match self {
            E::Value(error) => error.code(),
            E::Unknown { .. } => "NOT_FOUND",
            E::WrongRole(_) => "WRONG_ROLE",
            E::SignerNotActor => "SIGNER_NOT_ACTOR",
            E::WrongMeaning { .. } => "WRONG_SIGNATURE_MEANING",
            E::DuplicatePatientKey(_) => "DUPLICATE_PATIENT_KEY",
            E::BadSchedule(_) => "BAD_SCHEDULE",
            E::InFuture(_) => "IN_FUTURE",
            E::EndBeforeStart => "END_BEFORE_START",
            E::OrderNotActive { .. } => "ORDER_NOT_ACTIVE",
            E::OrderFullyAllocated { .. } => "ORDER_FULLY_ALLOCATED",
            E::UnitNotReleased { .. } => "NOT_RELEASED",
            E::LotNotReleased { .. } => "LOT_NOT_RELEASED",
            E::UnitExpired(_) => "EXPIRED",
            E::DonorNotEligible(_) => "DONOR_NOT_ELIGIBLE",
            E::AlreadyAllocated(_) => "ALREADY_ALLOCATED",
            E::NotAllocated(_) => "NOT_ALLOCATED",
            E::AlreadyThawed(_) => "ALREADY_THAWED",
            E::NotThawed(_) => "NOT_THAWED",
            E::ThawWindowExceeded(_) => "THAW_WINDOW_EXCEEDED",
            E::AlreadyAdministered(_) => "ALREADY_ADMINISTERED",
            E::NoAcceptedCheck(_) => "NO_ACCEPTED_CHECK",
            E::CheckForAnotherPatient(_) => "CHECK_FOR_ANOTHER_PATIENT",
            E::CheckExpired { .. } => "CHECK_EXPIRED",
            E::WrongPatient(_) => "WRONG_PATIENT",
            E::NoWeight(_) => "NO_WEIGHT",
            E::ExceedsUnit(_) => "EXCEEDS_UNIT",
            E::NotPatientsAdministration(_) => "NOT_PATIENTS_ADMINISTRATION",
            E::FatalNotSerious => "GRADE5_NOT_SERIOUS",
            E::ResolutionBeforeOnset { .. } => "RESOLUTION_BEFORE_ONSET",
            E::AlreadyResolved(_) => "ALREADY_RESOLVED",
            E::BadList(_) => "BAD_LIST",
            E::EmptyVisit => "EMPTY_VISIT",
            E::AlreadyRedacted(_) => "ALREADY_REDACTED",
        }
    }
}

pub(crate) fn unknown(kind: &'static str, id: impl std::fmt::Display) -> ClinicalError {
    ClinicalError::Unknown {
        kind,
        id: id.to_string(),
    }
}
