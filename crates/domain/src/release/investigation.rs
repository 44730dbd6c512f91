//! Out-of-specification investigations: opened by a failed required result, closed by QA with a
//! conclusion and a signature. While one is open on a lot or an ancestor, the lot is not released.

use crate::ids::{InvestigationId, LotId, TestResultId, UserId};
use crate::time::Timestamp;
use crate::values::Narrative;

use super::identifiers::TestCode;

/// The closure of an investigation (signed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvestigationClosure {
    /// What the investigation concluded.
    pub conclusion: Narrative,
    /// Who closed it.
    pub closed_by: UserId,
    /// When.
    pub closed_at: Timestamp,
    /// The ledger entry of the closure, which carries the signature.
    pub entry_seq: u64,
}

/// An out-of-specification investigation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Investigation {
    /// Identity.
    pub id: InvestigationId,
    /// The lot.
    pub lot_id: LotId,
    /// The failed result that opened it.
    pub result_id: TestResultId,
    /// That result's test.
    pub test_code: TestCode,
    /// Who recorded the failed result.
    pub opened_by: UserId,
    /// When.
    pub opened_at: Timestamp,
    /// The closure, once closed.
    pub closure: Option<InvestigationClosure>,
}

impl Investigation {
    /// Whether it is still open.
    pub fn is_open(&self) -> bool {
        self.closure.is_none()
    }
}
