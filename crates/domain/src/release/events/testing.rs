//! `lot.testing_started`, `result.recorded`, `result.invalidated`, `investigation.opened`,
//! `investigation.closed`.

use serde::{Deserialize, Serialize};

use crate::event::{EventMeta, EventPayload};
use crate::ids::{InvestigationId, LotId, SpecificationId, TestResultId};
use crate::release::criterion::{Evaluation, ResultValue};
use crate::release::identifiers::{SpecVersion, TestCode, TestUnit};
use crate::release::investigation::{Investigation, InvestigationClosure};
use crate::release::result::{Invalidation, LotTesting, TestResult};
use crate::state::{ApplyError, State};
use crate::subject::{Subject, SubjectKind};
use crate::time::Timestamp;
use crate::values::{Label, Narrative};

use super::{actor_user, duplicate, missing};

/// Testing of a lot began against the specification in effect that day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestingStarted {
    /// The lot.
    pub lot_id: LotId,
    /// The specification.
    pub specification_id: SpecificationId,
    /// Its version, for a reader of the ledger.
    pub version: SpecVersion,
}

impl EventPayload for TestingStarted {
    fn subjects(&self) -> Vec<Subject> {
        vec![
            Subject::new(SubjectKind::Lot, self.lot_id),
            Subject::new(SubjectKind::Specification, self.specification_id),
        ]
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        if !state.lots.contains_key(&self.lot_id) {
            return Err(missing("lot", self.lot_id));
        }
        if !state.specifications.contains_key(&self.specification_id) {
            return Err(missing("specification", self.specification_id));
        }
        if state.lot_testing.contains_key(&self.lot_id) {
            return Err(duplicate("lot testing", self.lot_id));
        }
        state.lot_testing.insert(
            self.lot_id,
            LotTesting {
                lot_id: self.lot_id,
                specification_id: self.specification_id,
                started_by: actor_user(meta)?,
                began_at: meta.recorded_at,
            },
        );
        Ok(())
    }
}

/// An analyst recorded a result, evaluated at once against the lot's specification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultRecorded {
    /// The result.
    pub result_id: TestResultId,
    /// The lot.
    pub lot_id: LotId,
    /// The specification it was evaluated against.
    pub specification_id: SpecificationId,
    /// The test.
    pub test_code: TestCode,
    /// What was measured.
    pub value: ResultValue,
    /// Its unit.
    pub unit: Option<TestUnit>,
    /// Method.
    pub method: Label,
    /// Instrument.
    pub instrument: Label,
    /// Sample.
    pub sample_id: Label,
    /// When the test was done.
    pub tested_at: Timestamp,
    /// The verdict.
    pub evaluation: Evaluation,
    /// The invalidated result this one retests.
    pub retest_of: Option<TestResultId>,
}

impl EventPayload for ResultRecorded {
    fn subjects(&self) -> Vec<Subject> {
        vec![
            Subject::new(SubjectKind::TestResult, self.result_id),
            Subject::new(SubjectKind::Lot, self.lot_id),
        ]
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        if state.test_results.contains_key(&self.result_id) {
            return Err(duplicate("test result", self.result_id));
        }
        if !state.lots.contains_key(&self.lot_id) {
            return Err(missing("lot", self.lot_id));
        }
        state.test_results.insert(
            self.result_id,
            TestResult {
                id: self.result_id,
                lot_id: self.lot_id,
                specification_id: self.specification_id,
                test_code: self.test_code.clone(),
                value: self.value,
                unit: self.unit.clone(),
                method: self.method.clone(),
                instrument: self.instrument.clone(),
                sample_id: self.sample_id.clone(),
                tested_at: self.tested_at,
                evaluation: self.evaluation,
                retest_of: self.retest_of,
                analyst: actor_user(meta)?,
                recorded_at: meta.recorded_at,
                entry_seq: meta.seq,
                invalidation: None,
            },
        );
        Ok(())
    }
}

/// A result was invalidated (signed). It stays readable; it no longer counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultInvalidated {
    /// The result.
    pub result_id: TestResultId,
    /// Its lot.
    pub lot_id: LotId,
    /// Why.
    pub reason: Narrative,
}

impl EventPayload for ResultInvalidated {
    fn subjects(&self) -> Vec<Subject> {
        vec![
            Subject::new(SubjectKind::TestResult, self.result_id),
            Subject::new(SubjectKind::Lot, self.lot_id),
        ]
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        let invalidated_by = actor_user(meta)?;
        let result = state
            .test_results
            .get_mut(&self.result_id)
            .ok_or_else(|| missing("test result", self.result_id))?;
        result.invalidation = Some(Invalidation {
            reason: self.reason.clone(),
            invalidated_by,
            invalidated_at: meta.recorded_at,
            entry_seq: meta.seq,
        });
        Ok(())
    }
}

/// A failed required result opened an out-of-specification investigation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvestigationOpened {
    /// The investigation.
    pub investigation_id: InvestigationId,
    /// The lot.
    pub lot_id: LotId,
    /// The failed result.
    pub result_id: TestResultId,
    /// Its test.
    pub test_code: TestCode,
}

impl EventPayload for InvestigationOpened {
    fn subjects(&self) -> Vec<Subject> {
        vec![
            Subject::new(SubjectKind::Investigation, self.investigation_id),
            Subject::new(SubjectKind::Lot, self.lot_id),
            Subject::new(SubjectKind::TestResult, self.result_id),
        ]
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        if state.investigations.contains_key(&self.investigation_id) {
            return Err(duplicate("investigation", self.investigation_id));
        }
        if !state.test_results.contains_key(&self.result_id) {
            return Err(missing("test result", self.result_id));
        }
        state.investigations.insert(
            self.investigation_id,
            Investigation {
                id: self.investigation_id,
                lot_id: self.lot_id,
                result_id: self.result_id,
                test_code: self.test_code.clone(),
                opened_by: actor_user(meta)?,
                opened_at: meta.recorded_at,
                closure: None,
            },
        );
        Ok(())
    }
}

/// QA closed an investigation with a conclusion (signed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvestigationClosed {
    /// The investigation.
    pub investigation_id: InvestigationId,
    /// Its lot.
    pub lot_id: LotId,
    /// What it concluded.
    pub conclusion: Narrative,
}

impl EventPayload for InvestigationClosed {
    fn subjects(&self) -> Vec<Subject> {
        vec![
            Subject::new(SubjectKind::Investigation, self.investigation_id),
            Subject::new(SubjectKind::Lot, self.lot_id),
        ]
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        let closed_by = actor_user(meta)?;
        let investigation = state
            .investigations
            .get_mut(&self.investigation_id)
            .ok_or_else(|| missing("investigation", self.investigation_id))?;
        investigation.closure = Some(InvestigationClosure {
            conclusion: self.conclusion.clone(),
            closed_by,
            closed_at: meta.recorded_at,
            entry_seq: meta.seq,
        });
        Ok(())
    }
}
