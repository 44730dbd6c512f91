//! Testing of a lot: which specification it is tested against, and its results. A result is
//! never changed: an invalidation is added beside it, and a retest is a new result naming it.

use crate::ids::{LotId, SpecificationId, TestResultId, UserId};
use crate::state::State;
use crate::time::Timestamp;
use crate::values::{Label, Narrative};

use super::criterion::{Evaluation, ResultValue};
use super::identifiers::{TestCode, TestUnit};

/// The record that testing of a lot began, fixing the specification version it is tested against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LotTesting {
    /// The lot.
    pub lot_id: LotId,
    /// The specification in effect on the day testing began.
    pub specification_id: SpecificationId,
    /// Who began testing.
    pub started_by: UserId,
    /// When.
    pub began_at: Timestamp,
}

/// The invalidation of a result (signed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalidation {
    /// Why the result does not stand.
    pub reason: Narrative,
    /// Who invalidated it.
    pub invalidated_by: UserId,
    /// When.
    pub invalidated_at: Timestamp,
    /// The ledger entry of the invalidation, which carries the signature.
    pub entry_seq: u64,
}

/// One release test result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestResult {
    /// Identity.
    pub id: TestResultId,
    /// The lot tested.
    pub lot_id: LotId,
    /// The specification it was evaluated against.
    pub specification_id: SpecificationId,
    /// The test.
    pub test_code: TestCode,
    /// What was measured.
    pub value: ResultValue,
    /// Its unit (`None` for qualitative tests).
    pub unit: Option<TestUnit>,
    /// The method used.
    pub method: Label,
    /// The instrument used.
    pub instrument: Label,
    /// The sample tested.
    pub sample_id: Label,
    /// When the test was done.
    pub tested_at: Timestamp,
    /// The verdict, fixed when recorded.
    pub evaluation: Evaluation,
    /// The invalidated result this one retests.
    pub retest_of: Option<TestResultId>,
    /// Who recorded it (from the session).
    pub analyst: UserId,
    /// When it was recorded.
    pub recorded_at: Timestamp,
    /// The ledger entry that recorded it; orders results of one test.
    pub entry_seq: u64,
    /// Set once invalidated.
    pub invalidation: Option<Invalidation>,
}

impl TestResult {
    /// Whether the result stands (is not invalidated).
    pub fn is_valid(&self) -> bool {
        self.invalidation.is_none()
    }

    /// The value with its unit, e.g. `98.5 %` or `NO_GROWTH`.
    pub fn value_text(&self) -> String {
        match &self.unit {
            Some(unit) => format!("{} {unit}", self.value),
            None => self.value.to_string(),
        }
    }
}

/// Every result of `lot_id`, in the order recorded.
pub fn results_of_lot(state: &State, lot_id: LotId) -> Vec<&TestResult> {
    let mut results: Vec<&TestResult> = state
        .test_results
        .values()
        .filter(|result| result.lot_id == lot_id)
        .collect();
    results.sort_by_key(|result| result.entry_seq);
    results
}

/// The result of `code` for `lot_id` that counts: the latest one not invalidated.
pub fn current_result<'a>(
    state: &'a State,
    lot_id: LotId,
    code: &TestCode,
) -> Option<&'a TestResult> {
    state
        .test_results
        .values()
        .filter(|result| result.lot_id == lot_id && &result.test_code == code && result.is_valid())
        .max_by_key(|result| result.entry_seq)
}
