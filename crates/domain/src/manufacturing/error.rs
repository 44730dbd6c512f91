//! Why a manufacturing command is refused. Every variant has a stable code.

use crate::isbt128::DinError;
use crate::refusal::{RefusalKind, Refuse};
use crate::signature::Meaning;
use crate::values::ValueError;

use super::lot::LotStatus;

/// A refused manufacturing command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManufacturingError {
    /// An input value is malformed or out of range.
    #[error(transparent)]
    Value(#[from] ValueError),
    /// A DIN or its check character is wrong.
    #[error(transparent)]
    Din(#[from] DinError),
    /// A named thing does not exist.
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
    /// A DIN is already registered.
    #[error("DIN {0} is already registered")]
    DuplicateDin(String),
    /// A unique code (equipment asset tag, product code) is taken.
    #[error("{0} is already registered")]
    Duplicate(String),
    /// The donor has no consent on record.
    #[error("donor {0} has no consent on record")]
    NoConsent(String),
    /// The donor's consent does not cover therapy.
    #[error("donor {0}'s consent does not cover therapy")]
    ConsentScope(String),
    /// The donor withdrew consent: their material may not be used further.
    #[error("donor {0} withdrew consent: their material may not be used")]
    ConsentWithdrawn(String),
    /// Consent was already withdrawn.
    #[error("consent of donor {0} is already withdrawn")]
    AlreadyWithdrawn(String),
    /// The screening marker is not in the configured list.
    #[error("`{0}` is not a configured screening marker")]
    UnknownMarker(String),
    /// A specimen was taken more than the allowed days from the cord's recovery.
    #[error("specimen date {specimen} is more than {days} days from the recovery on {recovery}")]
    SpecimenOutsideWindow {
        /// The specimen date.
        specimen: String,
        /// The recovery date.
        recovery: String,
        /// The window.
        days: i64,
    },
    /// The donor is determined ineligible.
    #[error("donor {0} is not eligible")]
    DonorIneligible(String),
    /// A pool of several donors needs every donor eligible.
    #[error("pooling several donors needs every donor ELIGIBLE; donor {0} is not")]
    PoolDonorNotEligible(String),
    /// A time is in the future.
    #[error("{0} is in the future")]
    InFuture(&'static str),
    /// An end is before its start.
    #[error("the end is before the start")]
    EndBeforeStart,
    /// The receipt is before the collection.
    #[error("received before it was collected")]
    ReceiptBeforeCollection,
    /// The donation was already received.
    #[error("donation {0} was already received at the lab")]
    AlreadyReceived(String),
    /// The donation has not been received at the lab.
    #[error("donation {0} has not been received at the lab")]
    NotReceived(String),
    /// A lot is in a state that does not allow this; the refusal names the current state.
    #[error("lot {lot} is {status}: {action} is not allowed")]
    LotState {
        /// The lot code.
        lot: String,
        /// Its current status.
        status: LotStatus,
        /// What was attempted.
        action: &'static str,
    },
    /// A unit is in a state that does not allow this.
    #[error("unit {unit} is {status}: {action} is not allowed")]
    UnitState {
        /// The unit (DIN and product code).
        unit: String,
        /// Its current status, as text.
        status: String,
        /// What was attempted.
        action: &'static str,
    },
    /// The step's inputs and outputs do not fit its kind.
    #[error("{0}")]
    StepShape(String),
    /// A lot kind cannot be made from its parent's kind.
    #[error("a {child} lot cannot be made from a {parent} lot")]
    LotKindNotAllowed {
        /// The parent kind.
        parent: String,
        /// The child kind.
        child: String,
    },
    /// A material lot is past its expiry.
    #[error("material lot {0} is expired")]
    MaterialExpired(String),
    /// A material lot is not released by QC.
    #[error("material lot {lot} is {status}, not RELEASED")]
    MaterialNotReleased {
        /// The supplier lot.
        lot: String,
        /// Its QC status.
        status: String,
    },
    /// A material lot's QC status cannot change this way.
    #[error("material lot {lot} is {status}: it cannot become {to}")]
    MaterialStatus {
        /// The supplier lot.
        lot: String,
        /// Its QC status.
        status: String,
        /// The requested status.
        to: String,
    },
    /// Equipment is past its calibration due date.
    #[error("equipment {0} is past its calibration due date")]
    CalibrationOverdue(String),
    /// A step is already complete.
    #[error("step {0} is already complete")]
    StepComplete(String),
    /// Open steps keep the lot from completing.
    #[error("lot {0} has open steps")]
    OpenSteps(String),
    /// The deviation is already closed.
    #[error("deviation {0} is already closed")]
    DeviationClosed(String),
    /// The deviation has no impact assessment yet.
    #[error("deviation {0} needs an impact assessment before it can be closed")]
    NoImpactAssessment(String),
    /// A product code is not in the installation's table.
    #[error("product code {0} is not defined by this installation")]
    UnknownProductCode(String),
    /// A product description code to define does not have its shape.
    #[error(
        "{0:?} is not a product description code: a capital letter and four digits, such as S1234"
    )]
    MalformedProductDescription(String),
    /// Two units would share DIN, product code and division.
    #[error("unit {0} already exists")]
    DuplicateUnit(String),
    /// The same person may not hand off to themselves.
    #[error("the receiver must be someone other than the dispatcher")]
    SameCustodian,
    /// A hand-off names as its receiver someone who may not take custody of a unit.
    #[error(
        "{0} may not receive a unit: an active technician or clinician, named by username, receives it"
    )]
    ReceiverMayNotReceive(String),
    /// A unit in transit is received by someone other than the person its dispatch named.
    #[error("unit {0} was dispatched to another person: only the person named receives it")]
    NotTheReceiver(String),
    /// The unit is not in transit.
    #[error("unit {0} is not in transit")]
    NotInTransit(String),
    /// The unit is already in transit.
    #[error("unit {0} is already in transit")]
    InTransit(String),
    /// A DIN sequence ran out for the year.
    #[error("no DIN sequence numbers left for this FIN and year")]
    DinExhausted,
    /// A list that must not be empty is empty, or is too long.
    #[error("{0}")]
    BadList(String),
    /// The signature's meaning does not fit the act.
    #[error("this must be signed with meaning {expected}, not {found}")]
    WrongMeaning {
        /// The meaning accepted.
        expected: Meaning,
        /// The meaning given.
        found: Meaning,
    },
    /// The donor's personal data was already redacted: there is nothing left to redact.
    #[error("the personal data of donor {0} is already redacted")]
    AlreadyRedacted(String),
    /// Another print of the unit's label was recorded since this one was prepared: the
    /// document prepared would carry the wrong print's flag.
    #[error(
        "the label of unit {unit} was printed meanwhile (print {recorded} is recorded): print it again"
    )]
    LabelPrintedMeanwhile {
        /// The unit (DIN and product code).
        unit: String,
        /// The prints recorded.
        recorded: u32,
    },
}

impl Refuse for ManufacturingError {
    fn kind(&self) -> RefusalKind {
        use ManufacturingError as E;
        match self {
            E::Unknown { .. } => RefusalKind::NotFound,
            E::WrongRole(_) | E::SameCustodian | E::NotTheReceiver(_) => RefusalKind::Forbidden,
            E::DuplicateDin(_)
            | E::Duplicate(_)
            | E::AlreadyWithdrawn(_)
            | E::AlreadyReceived(_)
            | E::NotReceived(_)
            | E::LotState { .. }
            | E::UnitState { .. }
            | E::ConsentWithdrawn(_)
            | E::DonorIneligible(_)
            | E::PoolDonorNotEligible(_)
            | E::NoConsent(_)
            | E::ConsentScope(_)
            | E::MaterialExpired(_)
            | E::MaterialNotReleased { .. }
            | E::MaterialStatus { .. }
            | E::CalibrationOverdue(_)
            | E::StepComplete(_)
            | E::OpenSteps(_)
            | E::DeviationClosed(_)
            | E::NoImpactAssessment(_)
            | E::DuplicateUnit(_)
            | E::NotInTransit(_)
            | E::InTransit(_)
            | E::DinExhausted
            | E::AlreadyRedacted(_)
            | E::LabelPrintedMeanwhile { .. } => RefusalKind::Conflict,
            E::Value(_)
            | E::Din(_)
            | E::UnknownMarker(_)
            | E::SpecimenOutsideWindow { .. }
            | E::InFuture(_)
            | E::EndBeforeStart
            | E::ReceiptBeforeCollection
            | E::StepShape(_)
            | E::LotKindNotAllowed { .. }
            | E::UnknownProductCode(_)
            | E::MalformedProductDescription(_)
            | E::BadList(_)
            | E::ReceiverMayNotReceive(_)
            | E::WrongMeaning { .. } => RefusalKind::Validation,
        }
    }

    fn code(&self) -> &'static str {
        use ManufacturingError as E;
        match self {
            E::Value(error) => error.code(),
            E::Din(error) => error.code(),
            E::Unknown { .. } => "NOT_FOUND",
            E::WrongRole(_) => "WRONG_ROLE",
            E::DuplicateDin(_) => "DUPLICATE_DIN",
            E::Duplicate(_) => "DUPLICATE",
            E::NoConsent(_) => "NO_CONSENT",
            E::ConsentScope(_) => "CONSENT_SCOPE",
            E::ConsentWithdrawn(_) => "CONSENT_WITHDRAWN",
            E::AlreadyWithdrawn(_) => "ALREADY_WITHDRAWN",
            E::UnknownMarker(_) => "UNKNOWN_MARKER",
            E::SpecimenOutsideWindow { .. } => "SPECIMEN_OUTSIDE_WINDOW",
            E::DonorIneligible(_) => "DONOR_INELIGIBLE",
            E::PoolDonorNotEligible(_) => "POOL_DONOR_NOT_ELIGIBLE",
            E::InFuture(_) => "IN_FUTURE",
            E::EndBeforeStart => "END_BEFORE_START",
            E::ReceiptBeforeCollection => "RECEIPT_BEFORE_COLLECTION",
            E::AlreadyReceived(_) => "ALREADY_RECEIVED",
            E::NotReceived(_) => "NOT_RECEIVED",
            E::LotState { .. } => "WRONG_LOT_STATE",
            E::UnitState { .. } => "WRONG_UNIT_STATE",
            E::StepShape(_) => "STEP_SHAPE",
            E::LotKindNotAllowed { .. } => "LOT_KIND_NOT_ALLOWED",
            E::MaterialExpired(_) => "MATERIAL_EXPIRED",
            E::MaterialNotReleased { .. } => "MATERIAL_NOT_RELEASED",
            E::MaterialStatus { .. } => "MATERIAL_STATUS",
            E::CalibrationOverdue(_) => "CALIBRATION_OVERDUE",
            E::StepComplete(_) => "STEP_COMPLETE",
            E::OpenSteps(_) => "OPEN_STEPS",
            E::DeviationClosed(_) => "DEVIATION_CLOSED",
            E::NoImpactAssessment(_) => "NO_IMPACT_ASSESSMENT",
            E::UnknownProductCode(_) => "UNKNOWN_PRODUCT_CODE",
            E::MalformedProductDescription(_) => "MALFORMED_PRODUCT_CODE",
            E::DuplicateUnit(_) => "DUPLICATE_UNIT",
            E::SameCustodian => "SAME_CUSTODIAN",
            E::ReceiverMayNotReceive(_) => "RECEIVER_MAY_NOT_RECEIVE",
            E::NotTheReceiver(_) => "NOT_THE_RECEIVER",
            E::NotInTransit(_) => "NOT_IN_TRANSIT",
            E::InTransit(_) => "IN_TRANSIT",
            E::DinExhausted => "DIN_EXHAUSTED",
            E::BadList(_) => "BAD_LIST",
            E::WrongMeaning { .. } => "WRONG_SIGNATURE_MEANING",
            E::AlreadyRedacted(_) => "ALREADY_REDACTED",
            E::LabelPrintedMeanwhile { .. } => "LABEL_PRINTED_MEANWHILE",
        }
    }
}
