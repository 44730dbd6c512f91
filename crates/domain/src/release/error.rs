//! Why a release command is refused. Every variant has a stable code.
//!
//! A disposition can fail for many reasons at once, so [`dispose`](super::commands::dispose)
//! returns a [`Refusal`](crate::refusal::Refusal) listing them all; its codes are the constants of
//! [`super::conditions`], those of [`crate::duties`] and those of this enum.

use crate::manufacturing::LotStatus;
use crate::refusal::{RefusalKind, Refuse};
use crate::signature::Meaning;
use crate::values::ValueError;

/// A refused release command, or input that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReleaseError {
    /// A value is malformed or out of range.
    #[error(transparent)]
    Value(#[from] ValueError),
    /// A test code is malformed.
    #[error(
        "`{0}` is not a test code: 1 to 32 letters, digits or underscores, starting with a letter"
    )]
    InvalidTestCode(String),
    /// A unit of measure is malformed.
    #[error("`{0}` is not a unit: 1 to 24 characters without spaces at either end")]
    InvalidUnit(String),
    /// A qualitative outcome is not one cordtrace knows.
    #[error("`{0}` is not a test outcome")]
    InvalidOutcome(String),
    /// A specification is inconsistent (duplicate codes, a required test without a criterion...).
    #[error("invalid specification: {0}")]
    InvalidSpecification(String),
    /// The actor's role may not do this.
    #[error("only {0} may do this")]
    WrongRole(&'static str),
    /// The signature was made by someone other than the actor.
    #[error("a signature must be made by the user who performs the action")]
    SignerNotActor,
    /// The signature carries the wrong meaning.
    #[error("this action is signed with the meaning {required}, not {given}")]
    WrongMeaning {
        /// The meaning the action needs.
        required: Meaning,
        /// The meaning given.
        given: Meaning,
    },
    /// A named thing does not exist.
    #[error("{kind} {id} does not exist")]
    Unknown {
        /// What kind of thing.
        kind: &'static str,
        /// Its id.
        id: String,
    },
    /// The product kind already has a specification of this version.
    #[error("{kind} specification version {version} already exists")]
    DuplicateVersion {
        /// The product kind.
        kind: String,
        /// The version.
        version: u32,
    },
    /// A new version must be higher than every existing one of the product kind.
    #[error("{kind} specification version {version} is not above the latest version {latest}")]
    VersionNotIncreasing {
        /// The product kind.
        kind: String,
        /// The version given.
        version: u32,
        /// The latest existing version.
        latest: u32,
    },
    /// A new version must take effect after the latest one, so one version is in effect per day.
    #[error(
        "{kind} specification version {version} takes effect on {effective_on}, not after version {latest} ({latest_effective_on})"
    )]
    EffectiveDateNotIncreasing {
        /// The product kind.
        kind: String,
        /// The version given.
        version: u32,
        /// Its effective date.
        effective_on: String,
        /// The latest existing version.
        latest: u32,
        /// Its effective date.
        latest_effective_on: String,
    },
    /// No specification of the lot's kind is in effect on the day.
    #[error("no {kind} specification is in effect on {date}")]
    NoSpecificationInEffect {
        /// The product kind.
        kind: String,
        /// The day.
        date: String,
    },
    /// The lot is not in quarantine; the refusal names its state.
    #[error("lot {lot} is {status}, not QUARANTINE: {action} is not allowed")]
    LotNotInQuarantine {
        /// The lot code.
        lot: String,
        /// Its current status.
        status: LotStatus,
        /// What was attempted.
        action: &'static str,
    },
    /// Testing of the lot has already begun.
    #[error("testing of lot {0} has already begun")]
    TestingAlreadyStarted(String),
    /// The lot is not under test (testing not begun, or the lot is disposed).
    #[error("lot {lot} is not under test: {why}")]
    LotNotUnderTest {
        /// The lot code.
        lot: String,
        /// Why not.
        why: String,
    },
    /// The test code is not in the lot's specification.
    #[error("test {code} is not in {spec}")]
    UnknownTest {
        /// The code given.
        code: String,
        /// The specification, as `KIND vN`.
        spec: String,
    },
    /// The result's unit is not the test's.
    #[error("test {code} is reported in {expected}, not {given}")]
    WrongUnit {
        /// The test code.
        code: String,
        /// The test's unit, or `no unit`.
        expected: String,
        /// The unit given, or `no unit`.
        given: String,
    },
    /// A number for a qualitative test, or an outcome for a numeric one.
    #[error("test {code} takes {expected}")]
    WrongValueKind {
        /// The test code.
        code: String,
        /// What it takes.
        expected: &'static str,
    },
    /// An outcome that the test cannot report.
    #[error("test {code} reports {allowed}, not {given}")]
    WrongOutcome {
        /// The test code.
        code: String,
        /// The outcomes it reports.
        allowed: String,
        /// The outcome given.
        given: String,
    },
    /// A time is in the future.
    #[error("{0} is in the future")]
    InFuture(&'static str),
    /// The test already has a valid result: a new one would silently replace it.
    #[error(
        "test {code} of lot {lot} already has a valid result: invalidate it, then record a retest"
    )]
    ResultExists {
        /// The test code.
        code: String,
        /// The lot code.
        lot: String,
    },
    /// Every earlier result of the test was invalidated: the new one must say which it retests.
    #[error("test {0} has invalidated results: a retest must name the result it replaces")]
    RetestReferenceRequired(String),
    /// A retest names a result it cannot replace.
    #[error("{0}")]
    InvalidRetest(String),
    /// The result is already invalidated.
    #[error("result {0} is already invalidated")]
    AlreadyInvalidated(String),
    /// The investigation is already closed.
    #[error("investigation {0} is already closed")]
    InvestigationClosed(String),
    /// Separation of duties excludes the actor.
    #[error("{message}")]
    SeparationOfDuties {
        /// The stable code from [`crate::duties`].
        code: &'static str,
        /// The sentence.
        message: String,
    },
}

impl Refuse for ReleaseError {
    fn kind(&self) -> RefusalKind {
        use ReleaseError as E;
        match self {
            E::Unknown { .. } => RefusalKind::NotFound,
            E::WrongRole(_) | E::SignerNotActor | E::SeparationOfDuties { .. } => {
                RefusalKind::Forbidden
            }
            E::DuplicateVersion { .. }
            | E::VersionNotIncreasing { .. }
            | E::EffectiveDateNotIncreasing { .. }
            | E::NoSpecificationInEffect { .. }
            | E::LotNotInQuarantine { .. }
            | E::TestingAlreadyStarted(_)
            | E::LotNotUnderTest { .. }
            | E::ResultExists { .. }
            | E::AlreadyInvalidated(_)
            | E::InvestigationClosed(_) => RefusalKind::Conflict,
            E::Value(_)
            | E::InvalidTestCode(_)
            | E::InvalidUnit(_)
            | E::InvalidOutcome(_)
            | E::InvalidSpecification(_)
            | E::WrongMeaning { .. }
            | E::UnknownTest { .. }
            | E::WrongUnit { .. }
            | E::WrongValueKind { .. }
            | E::WrongOutcome { .. }
            | E::InFuture(_)
            | E::RetestReferenceRequired(_)
            | E::InvalidRetest(_) => RefusalKind::Validation,
        }
    }

    fn code(&self) -> &'static str {
        use ReleaseError as E;
        match self {
            E::Value(error) => error.code(),
            E::InvalidTestCode(_) => "INVALID_TEST_CODE",
            E::InvalidUnit(_) => "INVALID_UNIT",
            E::InvalidOutcome(_) => "INVALID_OUTCOME",
            E::InvalidSpecification(_) => "INVALID_SPECIFICATION",
            E::WrongRole(_) => "WRONG_ROLE",
            E::SignerNotActor => "SIGNER_NOT_ACTOR",
            E::WrongMeaning { .. } => "WRONG_SIGNATURE_MEANING",
            E::Unknown { .. } => "NOT_FOUND",
            E::DuplicateVersion { .. } => "DUPLICATE_SPEC_VERSION",
            E::VersionNotIncreasing { .. } => "SPEC_VERSION_NOT_INCREASING",
            E::EffectiveDateNotIncreasing { .. } => "SPEC_EFFECTIVE_DATE_NOT_INCREASING",
            E::NoSpecificationInEffect { .. } => "NO_SPECIFICATION_IN_EFFECT",
            E::LotNotInQuarantine { .. } => "LOT_NOT_IN_QUARANTINE",
            E::TestingAlreadyStarted(_) => "TESTING_ALREADY_STARTED",
            E::LotNotUnderTest { .. } => "LOT_NOT_UNDER_TEST",
            E::UnknownTest { .. } => "UNKNOWN_TEST",
            E::WrongUnit { .. } => "WRONG_UNIT",
            E::WrongValueKind { .. } => "WRONG_VALUE_KIND",
            E::WrongOutcome { .. } => "WRONG_OUTCOME",
            E::InFuture(_) => "IN_FUTURE",
            E::ResultExists { .. } => "RESULT_EXISTS",
            E::RetestReferenceRequired(_) => "RETEST_REFERENCE_REQUIRED",
            E::InvalidRetest(_) => "INVALID_RETEST",
            E::AlreadyInvalidated(_) => "RESULT_ALREADY_INVALIDATED",
            E::InvestigationClosed(_) => "INVESTIGATION_CLOSED",
            E::SeparationOfDuties { code, .. } => code,
        }
    }
}

pub(crate) fn unknown(kind: &'static str, id: impl std::fmt::Display) -> ReleaseError {
    ReleaseError::Unknown {
        kind,
        id: id.to_string(),
    }
}
