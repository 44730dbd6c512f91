//! GraphQL counterparts of the release record: specifications, testing, results,
//! investigations, dispositions and release blockers.

use async_graphql::{Enum, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use cordtrace_domain::release::certificate::Person;
use cordtrace_domain::release::{self as rel, Criterion};
use cordtrace_store::queries::release::{
    DispositionRecord, InvestigationRecord, ReleaseCheck as StoreReleaseCheck, ResultRecord,
    SignatureLine, TestingRecord,
};
use uuid::Uuid;

use crate::identity::MeaningInput;
use crate::ledger::LedgerSignature;
use crate::mirror::mirror_enum;
use crate::production::{LotKind, LotStatus, StaffMember};

/// Whether a test's result gates release.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestRequirement {
    /// The lot is released only with a valid PASS.
    Required,
    /// Reported on the certificate; never blocks release and opens no investigation.
    ReportOnly,
}

mirror_enum!(TestRequirement <=> rel::Requirement { Required, ReportOnly });

/// The verdict on a result, fixed when it was recorded.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestEvaluation {
    /// Meets the criterion.
    Pass,
    /// Does not meet it.
    Fail,
    /// No criterion: the value is reported.
    Reported,
}

mirror_enum!(TestEvaluation <=> rel::Evaluation { Pass, Fail, Reported });

/// A qualitative outcome; they come in pairs (NO_GROWTH and GROWTH, ...), and a test expecting
/// one member of a pair reports only that member or the other.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestOutcome {
    /// Negative.
    Negative,
    /// Positive.
    Positive,
    /// Not detected (mycoplasma).
    NotDetected,
    /// Detected.
    Detected,
    /// No growth (sterility).
    NoGrowth,
    /// Growth.
    Growth,
    /// Conforms.
    Conforms,
    /// Does not conform.
    DoesNotConform,
    /// Normal karyotype.
    NormalKaryotype,
    /// Abnormal karyotype.
    AbnormalKaryotype,
}

mirror_enum!(TestOutcome <=> rel::Outcome {
    Negative, Positive, NotDetected, Detected, NoGrowth, Growth, Conforms, DoesNotConform,
    NormalKaryotype, AbnormalKaryotype
});

/// How a test's results are judged.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CriterionKind {
    /// A number within a range (`min` and/or `max`).
    Numeric,
    /// One qualitative outcome (`expected`).
    Qualitative,
    /// A number reported without a criterion (report-only tests alone).
    Report,
}

/// QA's decision on a lot.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DispositionDecision {
    /// The lot may be used.
    Release,
    /// The lot may not be used; its units are set aside for destruction.
    Reject,
}

mirror_enum!(DispositionDecision <=> rel::DispositionDecision { Release, Reject });

/// One end of a numeric range.
#[derive(SimpleObject, Clone, Debug)]
pub struct CriterionBound {
    /// The limit, as an exact decimal.
    pub value: String,
    /// Whether the limit itself passes.
    pub inclusive: bool,
}

impl From<rel::Bound> for CriterionBound {
    fn from(bound: rel::Bound) -> Self {
        Self {
            value: bound.value.to_string(),
            inclusive: bound.inclusive,
        }
    }
}

/// A test's acceptance criterion.
#[derive(SimpleObject, Clone, Debug)]
pub struct AcceptanceCriterion {
    /// How results are judged.
    pub kind: CriterionKind,
    /// The lower limit of a numeric criterion.
    pub min: Option<CriterionBound>,
    /// The upper limit of a numeric criterion.
    pub max: Option<CriterionBound>,
    /// The outcome that passes a qualitative criterion.
    pub expected: Option<TestOutcome>,
    /// The criterion as people read it, such as `≥ 95 %` or `NO_GROWTH`.
    pub text: String,
}

impl AcceptanceCriterion {
    /// The criterion of a test reported in `unit`.
    pub(crate) fn new(criterion: &Criterion, unit: Option<&rel::TestUnit>) -> Self {
        let text = criterion.describe(unit.map(rel::TestUnit::as_str));
        match criterion {
            Criterion::Numeric(range) => Self {
                kind: CriterionKind::Numeric,
                min: range.min().map(CriterionBound::from),
                max: range.max().map(CriterionBound::from),
                expected: None,
                text,
            },
            Criterion::Qualitative { expected } => Self {
                kind: CriterionKind::Qualitative,
                min: None,
                max: None,
                expected: Some((*expected).into()),
                text,
            },
            Criterion::Report => Self {
                kind: CriterionKind::Report,
                min: None,
                max: None,
                expected: None,
                text,
            },
        }
    }
}

/// One test of a specification.
#[derive(SimpleObject, Clone, Debug)]
pub struct SpecificationTest {
    /// Its code, such as `CD73` or `STERILITY`.
    pub code: String,
    /// Its name.
    pub name: String,
    /// The method.
    pub method: String,
    /// The unit results are reported in; null for qualitative tests.
    pub unit: Option<String>,
    /// The acceptance criterion.
    pub criterion: AcceptanceCriterion,
    /// Whether it gates release.
    pub requirement: TestRequirement,
}

impl From<&rel::TestDefinition> for SpecificationTest {
    fn from(test: &rel::TestDefinition) -> Self {
        Self {
            code: test.code().as_str().to_owned(),
            name: test.name().as_str().to_owned(),
            method: test.method().as_str().to_owned(),
            unit: test.unit().map(|unit| unit.as_str().to_owned()),
            criterion: AcceptanceCriterion::new(test.criterion(), test.unit()),
            requirement: test.requirement().into(),
        }
    }
}

/// A version of a release specification. Never changed once defined; a change is a new version.
#[derive(SimpleObject, Clone, Debug)]
pub struct Specification {
    /// Identity.
    pub id: Uuid,
    /// The product kind it applies to.
    pub product_kind: LotKind,
    /// Its version within the product kind.
    pub version: u32,
    /// The first day (UTC) it is in effect.
    pub effective_on: NaiveDate,
    /// Its title.
    pub title: String,
    /// Its tests, in order.
    pub tests: Vec<SpecificationTest>,
    /// Who defined it; null when cordtrace imported it at installation.
    pub defined_by: Option<Uuid>,
    /// When it was defined.
    pub defined_at: DateTime<Utc>,
}

impl From<rel::Specification> for Specification {
    fn from(spec: rel::Specification) -> Self {
        let content = &spec.content;
        Self {
            id: spec.id.as_uuid(),
            product_kind: content.product_kind().into(),
            version: content.version().get(),
            effective_on: content.effective_on(),
            title: content.title().as_str().to_owned(),
            tests: content
                .tests()
                .iter()
                .map(SpecificationTest::from)
                .collect(),
            defined_by: spec.defined_by.map(|user| user.as_uuid()),
            defined_at: spec.defined_at.as_datetime(),
        }
    }
}

/// A person as the release record names them.
pub(crate) fn staff(person: Person) -> StaffMember {
    StaffMember {
        id: person.user_id.as_uuid(),
        printed_name: person
            .printed_name
            .map_or_else(|| person.user_id.to_string(), |name| name.to_string()),
    }
}

/// A signature as its ledger entry holds it.
pub(crate) fn ledger_signature(line: SignatureLine) -> LedgerSignature {
    LedgerSignature {
        signer_id: line.signer_id.as_uuid(),
        printed_name: line.printed_name,
        signed_at: line.signed_at.to_rfc3339(),
        meaning: MeaningInput::from(line.meaning),
        content_hash: line.content_hash,
        manifestation: line.manifestation,
    }
}

/// The testing record of a lot: the specification version it is tested against, for good.
#[derive(SimpleObject, Clone, Debug)]
pub struct LotTesting {
    /// The lot.
    pub lot_id: Uuid,
    /// The specification in effect on the day testing began.
    pub specification: Specification,
    /// Who began testing.
    pub started_by: StaffMember,
    /// When.
    pub began_at: DateTime<Utc>,
}

impl From<TestingRecord> for LotTesting {
    fn from(record: TestingRecord) -> Self {
        Self {
            lot_id: record.testing.lot_id.as_uuid(),
            specification: record.specification.into(),
            started_by: staff(record.started_by),
            began_at: record.testing.began_at.as_datetime(),
        }
    }
}

/// The invalidation of a result (signed).
#[derive(SimpleObject, Clone, Debug)]
pub struct ResultInvalidation {
    /// Why the result does not stand.
    pub reason: String,
    /// Who invalidated it.
    pub invalidated_by: StaffMember,
    /// When.
    pub invalidated_at: DateTime<Utc>,
    /// The signature of the invalidation's ledger entry.
    pub signature: Option<LedgerSignature>,
}

/// A release test result. Never changed: an invalidation is added beside it, and a retest is a
/// new result naming it.
#[derive(SimpleObject, Clone, Debug)]
pub struct TestResult {
    /// Identity.
    pub id: Uuid,
    /// The lot tested.
    pub lot_id: Uuid,
    /// The specification it was evaluated against.
    pub specification_id: Uuid,
    /// The test.
    pub test_code: String,
    /// The value: an exact decimal or an outcome name.
    pub value: String,
    /// The value with its unit, such as `98.5 %`.
    pub value_text: String,
    /// Its unit; null for qualitative tests.
    pub unit: Option<String>,
    /// The method used.
    pub method: String,
    /// The instrument used.
    pub instrument: String,
    /// The sample tested.
    pub sample_id: String,
    /// When the test was done.
    pub tested_at: DateTime<Utc>,
    /// The verdict, fixed when recorded.
    pub evaluation: TestEvaluation,
    /// The invalidated result this one retests.
    pub retest_of: Option<Uuid>,
    /// Who recorded it.
    pub analyst: StaffMember,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// The ledger entry that recorded it.
    pub entry_seq: u64,
    /// Whether it stands (is not invalidated).
    pub valid: bool,
    /// Its invalidation, if any.
    pub invalidation: Option<ResultInvalidation>,
}

impl From<ResultRecord> for TestResult {
    fn from(record: ResultRecord) -> Self {
        let result = record.result;
        let invalidation = match (result.invalidation.as_ref(), record.invalidated_by) {
            (Some(invalidation), Some(by)) => Some(ResultInvalidation {
                reason: invalidation.reason.as_str().to_owned(),
                invalidated_by: staff(by),
                invalidated_at: invalidation.invalidated_at.as_datetime(),
                signature: record.invalidation_signature.map(ledger_signature),
            }),
            _ => None,
        };
        Self {
            id: result.id.as_uuid(),
            lot_id: result.lot_id.as_uuid(),
            specification_id: result.specification_id.as_uuid(),
            test_code: result.test_code.as_str().to_owned(),
            value: result.value.to_string(),
            value_text: result.value_text(),
            unit: result.unit.as_ref().map(|unit| unit.as_str().to_owned()),
            method: result.method.as_str().to_owned(),
            instrument: result.instrument.as_str().to_owned(),
            sample_id: result.sample_id.as_str().to_owned(),
            tested_at: result.tested_at.as_datetime(),
            evaluation: result.evaluation.into(),
            retest_of: result.retest_of.map(|id| id.as_uuid()),
            analyst: staff(record.analyst),
            recorded_at: result.recorded_at.as_datetime(),
            entry_seq: result.entry_seq,
            valid: result.is_valid(),
            invalidation,
        }
    }
}

/// The closure of an investigation (signed).
#[derive(SimpleObject, Clone, Debug)]
pub struct InvestigationClosure {
    /// What the investigation concluded.
    pub conclusion: String,
    /// Who closed it.
    pub closed_by: StaffMember,
    /// When.
    pub closed_at: DateTime<Utc>,
    /// The signature of the closure's ledger entry.
    pub signature: Option<LedgerSignature>,
}

/// An out-of-specification investigation, opened by a failed required result.
#[derive(SimpleObject, Clone, Debug)]
pub struct Investigation {
    /// Identity.
    pub id: Uuid,
    /// The lot.
    pub lot_id: Uuid,
    /// Its code.
    pub lot_code: String,
    /// The failed result.
    pub result_id: Uuid,
    /// Its test.
    pub test_code: String,
    /// The analyst who recorded the failed result.
    pub opened_by: StaffMember,
    /// When it opened.
    pub opened_at: DateTime<Utc>,
    /// Whether it is still open (an open investigation blocks release).
    pub open: bool,
    /// Its closure, once closed.
    pub closure: Option<InvestigationClosure>,
}

impl From<InvestigationRecord> for Investigation {
    fn from(record: InvestigationRecord) -> Self {
        let investigation = record.investigation;
        let closure = match (investigation.closure.as_ref(), record.closed_by) {
            (Some(closure), Some(by)) => Some(InvestigationClosure {
                conclusion: closure.conclusion.as_str().to_owned(),
                closed_by: staff(by),
                closed_at: closure.closed_at.as_datetime(),
                signature: record.closure_signature.map(ledger_signature),
            }),
            _ => None,
        };
        Self {
            id: investigation.id.as_uuid(),
            lot_id: investigation.lot_id.as_uuid(),
            lot_code: record.lot_code.as_str().to_owned(),
            result_id: investigation.result_id.as_uuid(),
            test_code: investigation.test_code.as_str().to_owned(),
            opened_by: staff(record.opened_by),
            opened_at: investigation.opened_at.as_datetime(),
            open: investigation.is_open(),
            closure,
        }
    }
}

/// What recording a result made.
#[derive(SimpleObject, Clone, Debug)]
pub struct RecordTestResultPayload {
    /// The result, evaluated.
    pub result: TestResult,
    /// The out-of-specification investigation a failed required test opened.
    pub investigation: Option<Investigation>,
}

/// QA's disposition of a lot, signed with the meaning APPROVAL.
#[derive(SimpleObject, Clone, Debug)]
pub struct Disposition {
    /// The lot.
    pub lot_id: Uuid,
    /// Its code.
    pub lot_code: String,
    /// Released or rejected.
    pub decision: DispositionDecision,
    /// QA's note on a release, or the reason for a rejection.
    pub text: Option<String>,
    /// The specification the lot was tested against (always set for a release).
    pub specification_id: Option<Uuid>,
    /// The units whose status changed with the lot.
    pub unit_ids: Vec<Uuid>,
    /// The signer.
    pub decided_by: StaffMember,
    /// When.
    pub decided_at: DateTime<Utc>,
    /// The ledger entry of the decision.
    pub entry_seq: u64,
    /// Its hash (hex), which ends the certificate of analysis.
    pub entry_hash: Option<String>,
    /// Its signature.
    pub signature: Option<LedgerSignature>,
}

impl From<DispositionRecord> for Disposition {
    fn from(record: DispositionRecord) -> Self {
        let disposition = record.disposition;
        Self {
            lot_id: disposition.lot_id.as_uuid(),
            lot_code: record.lot_code.as_str().to_owned(),
            decision: disposition.decision.into(),
            text: disposition.text.map(|text| text.as_str().to_owned()),
            specification_id: disposition.specification_id.map(|id| id.as_uuid()),
            unit_ids: disposition
                .units
                .iter()
                .map(|unit| unit.as_uuid())
                .collect(),
            decided_by: staff(record.decided_by),
            decided_at: disposition.decided_at.as_datetime(),
            entry_seq: disposition.entry_seq,
            entry_hash: record
                .signature
                .as_ref()
                .map(|line| line.entry_hash.clone()),
            signature: record.signature.map(ledger_signature),
        }
    }
}

/// One unmet condition of release, with its stable code.
#[derive(SimpleObject, Clone, Debug)]
pub struct ReleaseBlocker {
    /// The code, such as `TEST_MISSING`, `DONOR_NOT_ELIGIBLE` or `SIGNER_RECORDED_STEP`.
    pub code: String,
    /// A sentence for a person.
    pub message: String,
}

/// What stands between a lot and its release now: the list a release signed by the viewer
/// would be refused with.
#[derive(SimpleObject, Clone, Debug)]
pub struct ReleaseCheck {
    /// The lot.
    pub lot_id: Uuid,
    /// Its code.
    pub lot_code: String,
    /// Its status.
    pub lot_status: LotStatus,
    /// True when nothing blocks a release by the viewer.
    pub releasable: bool,
    /// Every unmet condition.
    pub blockers: Vec<ReleaseBlocker>,
}

impl From<StoreReleaseCheck> for ReleaseCheck {
    fn from(check: StoreReleaseCheck) -> Self {
        Self {
            lot_id: check.lot.id.as_uuid(),
            lot_code: check.lot.code.as_str().to_owned(),
            lot_status: check.lot.status.into(),
            releasable: check.blockers.is_empty(),
            blockers: check
                .blockers
                .into_iter()
                .map(|reason| ReleaseBlocker {
                    code: reason.code.to_owned(),
                    message: reason.message,
                })
                .collect(),
        }
    }
}
