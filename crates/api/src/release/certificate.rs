//! The certificate of analysis over GraphQL: the structured content, every signature's
//! manifestation and, once the lot is disposed, the ledger proof that ends it.

use async_graphql::SimpleObject;
use chrono::{DateTime, NaiveDate, Utc};
use cordtrace_domain::release::certificate as coa;
use cordtrace_store::queries::release::{CertificateDocument, DispositionProof, SignatureLine};
use uuid::Uuid;

use super::types::{
    AcceptanceCriterion, DispositionDecision, TestEvaluation, TestRequirement, ledger_signature,
    staff,
};
use crate::ledger::LedgerSignature;
use crate::production::{
    DonorEligibilityState, LotKind, LotStatus, StaffMember, UnitContainer, UnitStatus,
};

/// The lot a certificate is about.
#[derive(SimpleObject, Clone, Debug)]
pub struct CertificateLot {
    /// Identity.
    pub id: Uuid,
    /// Its code.
    pub code: String,
    /// Its kind.
    pub kind: LotKind,
    /// Its status now.
    pub status: LotStatus,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

/// A product code of the lot's units.
#[derive(SimpleObject, Clone, Debug)]
pub struct CertificateProduct {
    /// The product description code.
    pub description_code: String,
    /// The installation's description, if defined.
    pub description: Option<String>,
}

/// A unit of the lot.
#[derive(SimpleObject, Clone, Debug)]
pub struct CertificateUnit {
    /// Identity.
    pub id: Uuid,
    /// The DIN.
    pub din: String,
    /// The DIN's keyboard check character.
    pub din_check_character: String,
    /// The product code with its division.
    pub product_code: String,
    /// Bag or vial.
    pub container: UnitContainer,
    /// Volume in mL, as an exact decimal.
    pub volume_ml: String,
    /// Viable cells.
    pub cells: u64,
    /// Expiry.
    pub expires_at: DateTime<Utc>,
    /// Status now.
    pub status: UnitStatus,
}

/// The specification version the certificate reports against.
#[derive(SimpleObject, Clone, Debug)]
pub struct CertificateSpecification {
    /// Identity.
    pub id: Uuid,
    /// Product kind.
    pub product_kind: LotKind,
    /// Version.
    pub version: u32,
    /// Effective date.
    pub effective_on: NaiveDate,
    /// Title.
    pub title: String,
}

/// The invalidation of a result on a certificate.
#[derive(SimpleObject, Clone, Debug)]
pub struct CertificateInvalidation {
    /// Why.
    pub reason: String,
    /// Who.
    pub invalidated_by: StaffMember,
    /// When.
    pub invalidated_at: DateTime<Utc>,
    /// The signed ledger entry (its signature is in `signatures`).
    pub entry_seq: u64,
}

/// One result on a certificate, invalidated ones included.
#[derive(SimpleObject, Clone, Debug)]
pub struct CertificateResult {
    /// Identity.
    pub id: Uuid,
    /// The value: an exact decimal or an outcome name.
    pub value: String,
    /// The value with its unit.
    pub value_text: String,
    /// Method.
    pub method: String,
    /// Instrument.
    pub instrument: String,
    /// Sample.
    pub sample_id: String,
    /// When tested.
    pub tested_at: DateTime<Utc>,
    /// The verdict.
    pub evaluation: TestEvaluation,
    /// The analyst.
    pub analyst: StaffMember,
    /// The invalidated result it retests.
    pub retest_of: Option<Uuid>,
    /// Whether it is the result that counts.
    pub current: bool,
    /// Its invalidation, if any.
    pub invalidation: Option<CertificateInvalidation>,
}

/// One test of the specification and its results.
#[derive(SimpleObject, Clone, Debug)]
pub struct CertificateTest {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Method.
    pub method: String,
    /// Unit.
    pub unit: Option<String>,
    /// The acceptance criterion.
    pub criterion: AcceptanceCriterion,
    /// Required or report-only.
    pub requirement: TestRequirement,
    /// The evaluation of the current (latest valid) result; null while none stands.
    pub current_evaluation: Option<TestEvaluation>,
    /// Every result, in the order recorded.
    pub results: Vec<CertificateResult>,
}

/// An investigation on a certificate.
#[derive(SimpleObject, Clone, Debug)]
pub struct CertificateInvestigation {
    /// Identity.
    pub id: Uuid,
    /// The test.
    pub test_code: String,
    /// The failed result.
    pub result_id: Uuid,
    /// When opened.
    pub opened_at: DateTime<Utc>,
    /// The conclusion, once closed.
    pub conclusion: Option<String>,
    /// Who closed it.
    pub closed_by: Option<StaffMember>,
    /// When.
    pub closed_at: Option<DateTime<Utc>>,
    /// The signed closure entry.
    pub entry_seq: Option<u64>,
}

/// A donor of the lot, by opaque key only.
#[derive(SimpleObject, Clone, Debug)]
pub struct CertificateDonor {
    /// Identity.
    pub donor_id: Uuid,
    /// The opaque key, such as `DNR26-000001`.
    pub key: String,
    /// The eligibility determination standing.
    pub eligibility: DonorEligibilityState,
    /// When it was determined.
    pub determined_at: Option<DateTime<Utc>>,
    /// Whether consent was withdrawn.
    pub consent_withdrawn: bool,
}

/// QA's disposition on a certificate.
#[derive(SimpleObject, Clone, Debug)]
pub struct CertificateDisposition {
    /// Released or rejected.
    pub decision: DispositionDecision,
    /// QA's note or the reason for rejection.
    pub text: Option<String>,
    /// The signer.
    pub decided_by: StaffMember,
    /// When.
    pub decided_at: DateTime<Utc>,
    /// The signed entry whose hash ends the certificate.
    pub entry_seq: u64,
}

/// A signed ledger entry the certificate relies on.
#[derive(SimpleObject, Clone, Debug)]
pub struct CertificateSignature {
    /// The entry.
    pub entry_seq: u64,
    /// Its action, such as `lot.released`.
    pub action: String,
    /// Its hash (hex).
    pub entry_hash: String,
    /// The signature, with its manifestation.
    pub signature: LedgerSignature,
}

impl From<SignatureLine> for CertificateSignature {
    fn from(line: SignatureLine) -> Self {
        Self {
            entry_seq: line.entry_seq,
            action: line.action.clone(),
            entry_hash: line.entry_hash.clone(),
            signature: ledger_signature(line),
        }
    }
}

/// The end of a certificate: the disposition entry's hash and a signed checkpoint of a tree
/// that includes it. Export the ledger (`cordtrace ledger export`), verify the export with the
/// installation's key (`cordtrace ledger verify --file`), then check that its entry `entrySeq`
/// has this hash and that it holds this checkpoint.
#[derive(SimpleObject, Clone, Debug)]
pub struct CertificateLedgerProof {
    /// The disposition entry.
    pub entry_seq: u64,
    /// Its action.
    pub action: String,
    /// Its hash (hex).
    pub entry_hash: String,
    /// The size of the checkpoint's tree (at least `entrySeq`).
    pub checkpoint_size: u64,
    /// The checkpoint's Merkle root (hex).
    pub checkpoint_root: String,
    /// When the checkpoint was signed.
    pub checkpoint_signed_at: String,
    /// The C2SP signed note of the checkpoint.
    pub checkpoint_note: String,
}

impl From<DispositionProof> for CertificateLedgerProof {
    fn from(proof: DispositionProof) -> Self {
        Self {
            entry_seq: proof.entry_seq,
            action: proof.action,
            entry_hash: proof.entry_hash,
            checkpoint_size: proof.checkpoint.size,
            checkpoint_root: proof.checkpoint.root.to_string(),
            checkpoint_signed_at: proof.checkpoint.signed_at,
            checkpoint_note: proof.checkpoint.note,
        }
    }
}

/// A certificate of analysis: the lot, its units, the specification version, every result and
/// its evaluation, donor eligibility, QA's disposition, every signature's manifestation and the
/// ledger proof. Before the disposition it is a draft.
#[derive(SimpleObject, Clone, Debug)]
pub struct CertificateOfAnalysis {
    /// True until QA disposes of the lot.
    pub draft: bool,
    /// The lot.
    pub lot: CertificateLot,
    /// The product codes of its units.
    pub products: Vec<CertificateProduct>,
    /// Its units.
    pub units: Vec<CertificateUnit>,
    /// The specification it was tested against; null before testing began.
    pub specification: Option<CertificateSpecification>,
    /// When testing began.
    pub testing_began_at: Option<DateTime<Utc>>,
    /// Every test of the specification with every result.
    pub tests: Vec<CertificateTest>,
    /// Out-of-specification investigations of the lot.
    pub investigations: Vec<CertificateInvestigation>,
    /// The donors and their eligibility.
    pub donors: Vec<CertificateDonor>,
    /// QA's disposition, once made.
    pub disposition: Option<CertificateDisposition>,
    /// Every signed entry the certificate relies on, in ledger order, with its manifestation.
    pub signatures: Vec<CertificateSignature>,
    /// The disposition entry's hash and a signed checkpoint that includes it.
    pub ledger_proof: Option<CertificateLedgerProof>,
}

fn result_line(result: coa::CertificateResult) -> CertificateResult {
    CertificateResult {
        id: result.id.as_uuid(),
        value: result.value.to_string(),
        value_text: result.value_text,
        method: result.method.as_str().to_owned(),
        instrument: result.instrument.as_str().to_owned(),
        sample_id: result.sample_id.as_str().to_owned(),
        tested_at: result.tested_at.as_datetime(),
        evaluation: result.evaluation.into(),
        analyst: staff(result.analyst),
        retest_of: result.retest_of.map(|id| id.as_uuid()),
        current: result.current,
        invalidation: result
            .invalidation
            .map(|invalidation| CertificateInvalidation {
                reason: invalidation.reason.as_str().to_owned(),
                invalidated_by: staff(invalidation.by),
                invalidated_at: invalidation.at.as_datetime(),
                entry_seq: invalidation.entry_seq,
            }),
    }
}

fn test_line(test: coa::CertificateTest) -> CertificateTest {
    CertificateTest {
        criterion: AcceptanceCriterion::new(&test.criterion, test.unit.as_ref()),
        code: test.code.as_str().to_owned(),
        name: test.name.as_str().to_owned(),
        method: test.method.as_str().to_owned(),
        unit: test.unit.map(|unit| unit.as_str().to_owned()),
        requirement: test.requirement.into(),
        current_evaluation: test.current_evaluation.map(Into::into),
        results: test.results.into_iter().map(result_line).collect(),
    }
}

fn eligibility(
    status: Option<cordtrace_domain::manufacturing::EligibilityStatus>,
) -> DonorEligibilityState {
    use cordtrace_domain::manufacturing::EligibilityStatus;
    match status {
        Some(EligibilityStatus::Eligible) => DonorEligibilityState::Eligible,
        Some(EligibilityStatus::Ineligible) => DonorEligibilityState::Ineligible,
        None => DonorEligibilityState::Pending,
    }
}

impl From<CertificateDocument> for CertificateOfAnalysis {
    fn from(document: CertificateDocument) -> Self {
        let content = document.content;
        Self {
            draft: content.disposition.is_none(),
            lot: CertificateLot {
                id: content.lot.id.as_uuid(),
                code: content.lot.code.as_str().to_owned(),
                kind: content.lot.kind.into(),
                status: content.lot.status.into(),
                created_at: content.lot.created_at.as_datetime(),
            },
            products: content
                .products
                .into_iter()
                .map(|product| CertificateProduct {
                    description_code: product.description_code,
                    description: product.description.map(|d| d.as_str().to_owned()),
                })
                .collect(),
            units: content
                .units
                .into_iter()
                .map(|unit| CertificateUnit {
                    id: unit.id.as_uuid(),
                    din: unit.din.to_string(),
                    din_check_character: unit.din.check_character().to_string(),
                    product_code: unit.product_code.as_str().to_owned(),
                    container: unit.container.into(),
                    volume_ml: unit.volume.value().to_string(),
                    cells: unit.cells.get(),
                    expires_at: unit.expires_at.as_datetime(),
                    status: unit.status.into(),
                })
                .collect(),
            specification: content.specification.map(|spec| CertificateSpecification {
                id: spec.id.as_uuid(),
                product_kind: spec.product_kind.into(),
                version: spec.version.get(),
                effective_on: spec.effective_on,
                title: spec.title.as_str().to_owned(),
            }),
            testing_began_at: content.testing_began_at.map(|at| at.as_datetime()),
            tests: content.tests.into_iter().map(test_line).collect(),
            investigations: content
                .investigations
                .into_iter()
                .map(|investigation| CertificateInvestigation {
                    id: investigation.id.as_uuid(),
                    test_code: investigation.test_code.as_str().to_owned(),
                    result_id: investigation.result_id.as_uuid(),
                    opened_at: investigation.opened_at.as_datetime(),
                    conclusion: investigation.conclusion.map(|c| c.as_str().to_owned()),
                    closed_by: investigation.closed_by.map(staff),
                    closed_at: investigation.closed_at.map(|at| at.as_datetime()),
                    entry_seq: investigation.entry_seq,
                })
                .collect(),
            donors: content
                .donors
                .into_iter()
                .map(|donor| CertificateDonor {
                    donor_id: donor.donor_id.as_uuid(),
                    key: donor.key.as_str().to_owned(),
                    eligibility: eligibility(donor.eligibility),
                    determined_at: donor.determined_at.map(|at| at.as_datetime()),
                    consent_withdrawn: donor.consent_withdrawn,
                })
                .collect(),
            disposition: content
                .disposition
                .map(|disposition| CertificateDisposition {
                    decision: disposition.decision.into(),
                    text: disposition.text.map(|text| text.as_str().to_owned()),
                    decided_by: staff(disposition.decided_by),
                    decided_at: disposition.decided_at.as_datetime(),
                    entry_seq: disposition.entry_seq,
                }),
            signatures: document
                .signatures
                .into_iter()
                .map(CertificateSignature::from)
                .collect(),
            ledger_proof: document.proof.map(CertificateLedgerProof::from),
        }
    }
}
