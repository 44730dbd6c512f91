//! The plain structs of a certificate of analysis, for the API to expose and the HTTP layer to
//! render.

use chrono::NaiveDate;
use serde::Serialize;

use crate::identity::PrintedName;
use crate::ids::{DonorId, InvestigationId, LotId, SpecificationId, TestResultId, UnitId, UserId};
use crate::isbt128::{Din, ProductCode};
use crate::manufacturing::{
    Container, DonorKey, EligibilityStatus, LotCode, LotKind, LotStatus, UnitStatus,
};
use crate::release::criterion::{Criterion, Evaluation, ResultValue};
use crate::release::disposition::DispositionDecision;
use crate::release::identifiers::{SpecVersion, TestCode, TestUnit};
use crate::release::specification::Requirement;
use crate::time::Timestamp;
use crate::values::{CellCount, Label, Millilitres, Narrative};

/// Everything a certificate of analysis states about one lot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CertificateOfAnalysis {
    /// The lot.
    pub lot: CertificateLot,
    /// The product codes of its units, with the installation's descriptions.
    pub products: Vec<CertificateProduct>,
    /// Its units.
    pub units: Vec<CertificateUnit>,
    /// The specification it was tested against; `None` before testing began.
    pub specification: Option<CertificateSpecification>,
    /// When testing began.
    pub testing_began_at: Option<Timestamp>,
    /// Every test of the specification with every result, invalidated ones included.
    pub tests: Vec<CertificateTest>,
    /// Out-of-specification investigations of the lot.
    pub investigations: Vec<CertificateInvestigation>,
    /// The donors and their eligibility.
    pub donors: Vec<CertificateDonor>,
    /// QA's disposition, once made; until then the certificate is a draft.
    pub disposition: Option<CertificateDisposition>,
    /// Every signed ledger entry the certificate relies on, in ledger order.
    pub signed_entries: Vec<SignedEntry>,
}

/// The lot on a certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CertificateLot {
    /// Identity.
    pub id: LotId,
    /// Its code.
    pub code: LotCode,
    /// Its kind.
    pub kind: LotKind,
    /// Its status now.
    pub status: LotStatus,
    /// When it was made.
    pub created_at: Timestamp,
}

/// A product code of the lot's units.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CertificateProduct {
    /// The 5-character product description code.
    pub description_code: String,
    /// The installation's description, if defined.
    pub description: Option<Label>,
}

/// A unit on a certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CertificateUnit {
    /// Identity.
    pub id: UnitId,
    /// DIN.
    pub din: Din,
    /// Product code with division.
    pub product_code: ProductCode,
    /// Bag or vial.
    pub container: Container,
    /// Volume.
    pub volume: Millilitres,
    /// Viable cells.
    pub cells: CellCount,
    /// Expiry.
    pub expires_at: Timestamp,
    /// Status now.
    pub status: UnitStatus,
}

/// The specification version a certificate reports against.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CertificateSpecification {
    /// Identity.
    pub id: SpecificationId,
    /// Product kind.
    pub product_kind: LotKind,
    /// Version.
    pub version: SpecVersion,
    /// Effective date.
    pub effective_on: NaiveDate,
    /// Title.
    pub title: Label,
}

/// One test of the specification and its results.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CertificateTest {
    /// Code.
    pub code: TestCode,
    /// Name.
    pub name: Label,
    /// Method.
    pub method: Label,
    /// Unit.
    pub unit: Option<TestUnit>,
    /// The criterion.
    pub criterion: Criterion,
    /// The criterion as people read it.
    pub criterion_text: String,
    /// Required or report-only.
    pub requirement: Requirement,
    /// Every result, in the order recorded.
    pub results: Vec<CertificateResult>,
    /// The evaluation of the current (latest valid) result; `None` while none stands.
    pub current_evaluation: Option<Evaluation>,
}

/// One result on a certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CertificateResult {
    /// Identity.
    pub id: TestResultId,
    /// Value.
    pub value: ResultValue,
    /// Value and unit as people read them.
    pub value_text: String,
    /// Method.
    pub method: Label,
    /// Instrument.
    pub instrument: Label,
    /// Sample.
    pub sample_id: Label,
    /// When tested.
    pub tested_at: Timestamp,
    /// The verdict.
    pub evaluation: Evaluation,
    /// The analyst.
    pub analyst: Person,
    /// The invalidated result it retests.
    pub retest_of: Option<TestResultId>,
    /// Whether it is the result that counts.
    pub current: bool,
    /// Its invalidation, if any.
    pub invalidation: Option<CertificateInvalidation>,
}

/// A person named on a certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Person {
    /// The user.
    pub user_id: UserId,
    /// Their printed name, if the state holds the user.
    pub printed_name: Option<PrintedName>,
}

/// An invalidation on a certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CertificateInvalidation {
    /// Why.
    pub reason: Narrative,
    /// Who.
    pub by: Person,
    /// When.
    pub at: Timestamp,
    /// The signed entry.
    pub entry_seq: u64,
}

/// An investigation on a certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CertificateInvestigation {
    /// Identity.
    pub id: InvestigationId,
    /// The test.
    pub test_code: TestCode,
    /// The failed result.
    pub result_id: TestResultId,
    /// When opened.
    pub opened_at: Timestamp,
    /// The conclusion, once closed.
    pub conclusion: Option<Narrative>,
    /// Who closed it.
    pub closed_by: Option<Person>,
    /// When.
    pub closed_at: Option<Timestamp>,
    /// The signed closure entry.
    pub entry_seq: Option<u64>,
}

/// A donor on a certificate (opaque key only: no personal data).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CertificateDonor {
    /// Identity.
    pub donor_id: DonorId,
    /// The opaque key.
    pub key: DonorKey,
    /// The determination standing; `None` while pending.
    pub eligibility: Option<EligibilityStatus>,
    /// When it was determined.
    pub determined_at: Option<Timestamp>,
    /// Whether consent was withdrawn.
    pub consent_withdrawn: bool,
}

/// The disposition on a certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CertificateDisposition {
    /// Released or rejected.
    pub decision: DispositionDecision,
    /// QA's note or the reason for rejection.
    pub text: Option<Narrative>,
    /// The signer.
    pub decided_by: Person,
    /// When.
    pub decided_at: Timestamp,
    /// The signed entry whose hash ends the certificate.
    pub entry_seq: u64,
}

/// A signed ledger entry the certificate relies on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignedEntry {
    /// Its sequence number.
    pub entry_seq: u64,
    /// Its action, e.g. `lot.released`.
    pub action: &'static str,
}
