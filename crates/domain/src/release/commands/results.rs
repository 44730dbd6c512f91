//! Recording, invalidating and retesting results.

use crate::actor::Actor;
use crate::duties::{self, Duty, PriorWork, Work};
use crate::event::Event;
use crate::ids::{InvestigationId, LotId, TestResultId};
use crate::release::criterion::{Evaluation, ResultValue};
use crate::release::error::{ReleaseError, unknown};
use crate::release::events::{InvestigationOpened, ResultInvalidated, ResultRecorded};
use crate::release::identifiers::{TestCode, TestUnit};
use crate::release::specification::Requirement;
use crate::role::Role;
use crate::signature::Signature;
use crate::state::State;
use crate::time::Timestamp;
use crate::values::{Label, Narrative};

use super::{acting_user, check_signature, lot_under_test, not_in_future};

/// A result as the analyst entered it, with the ids the store generated.
#[derive(Clone, Debug)]
pub struct NewResult {
    /// The result's id.
    pub result_id: TestResultId,
    /// The id the investigation gets if the result fails a required test (unused otherwise).
    pub investigation_id: InvestigationId,
    /// The lot.
    pub lot_id: LotId,
    /// The test.
    pub test_code: TestCode,
    /// What was measured.
    pub value: ResultValue,
    /// Its unit; must be the test's (`None` for a qualitative test).
    pub unit: Option<TestUnit>,
    /// Method.
    pub method: Label,
    /// Instrument.
    pub instrument: Label,
    /// Sample.
    pub sample_id: Label,
    /// When the test was done.
    pub tested_at: Timestamp,
    /// The invalidated result this one retests.
    pub retest_of: Option<TestResultId>,
}

fn unit_name(unit: Option<&TestUnit>) -> String {
    unit.map_or_else(|| "no unit".to_owned(), |unit| unit.as_str().to_owned())
}

/// An analyst records a result for a lot under test. It is evaluated at once against the lot's
/// specification; a FAIL of a REQUIRED test also opens an out-of-specification investigation
/// (second event). A test has at most one valid result: a new one is refused until the current
/// one is invalidated, and then it must name the result it retests, so a failing result can never
/// be outvoted by a later passing one.
///
/// The state must hold the lot, its testing record, its specification and its results.
pub fn record_result(
    state: &State,
    actor: &Actor,
    new: NewResult,
    now: Timestamp,
) -> Result<Vec<Event>, ReleaseError> {
    acting_user(actor, &[Role::Analyst], "analyst")?;
    let (lot, testing) = lot_under_test(state, new.lot_id)?;
    let spec = state
        .specifications
        .get(&testing.specification_id)
        .ok_or_else(|| unknown("specification", testing.specification_id))?;
    let test = spec
        .content
        .test(&new.test_code)
        .ok_or_else(|| ReleaseError::UnknownTest {
            code: new.test_code.as_str().to_owned(),
            spec: spec.content.label(),
        })?;
    if new.unit.as_ref() != test.unit() {
        return Err(ReleaseError::WrongUnit {
            code: new.test_code.as_str().to_owned(),
            expected: unit_name(test.unit()),
            given: unit_name(new.unit.as_ref()),
        });
    }
    let evaluation = test
        .criterion()
        .evaluate(new.test_code.as_str(), &new.value)?;
    not_in_future(new.tested_at, now, "the test time")?;

    let earlier: Vec<_> = state
        .test_results
        .values()
        .filter(|result| result.lot_id == new.lot_id && result.test_code == new.test_code)
        .collect();
    if earlier.iter().any(|result| result.is_valid()) {
        return Err(ReleaseError::ResultExists {
            code: new.test_code.as_str().to_owned(),
            lot: lot.code.as_str().to_owned(),
        });
    }
    match new.retest_of {
        None if !earlier.is_empty() => {
            return Err(ReleaseError::RetestReferenceRequired(
                new.test_code.as_str().to_owned(),
            ));
        }
        None => {}
        Some(retest_of) => {
            let original = earlier
                .iter()
                .find(|result| result.id == retest_of)
                .ok_or_else(|| {
                    ReleaseError::InvalidRetest(format!(
                        "result {retest_of} is not an earlier {} result of lot {}",
                        new.test_code, lot.code
                    ))
                })?;
            if earlier
                .iter()
                .any(|result| result.retest_of == Some(original.id))
            {
                return Err(ReleaseError::InvalidRetest(format!(
                    "result {retest_of} was already retested"
                )));
            }
        }
    }

    let mut events = vec![Event::ResultRecorded(ResultRecorded {
        result_id: new.result_id,
        lot_id: new.lot_id,
        specification_id: spec.id,
        test_code: new.test_code.clone(),
        value: new.value,
        unit: new.unit,
        method: new.method,
        instrument: new.instrument,
        sample_id: new.sample_id,
        tested_at: new.tested_at,
        evaluation,
        retest_of: new.retest_of,
    })];
    if evaluation == Evaluation::Fail && test.requirement() == Requirement::Required {
        events.push(Event::InvestigationOpened(InvestigationOpened {
            investigation_id: new.investigation_id,
            lot_id: new.lot_id,
            result_id: new.result_id,
            test_code: new.test_code,
        }));
    }
    Ok(events)
}

/// QA invalidates a result of a lot under test, with a reason and a signature (any meaning). The
/// result stays readable and no longer counts; a retest may follow. The analyst who recorded the
/// result may not invalidate it (separation of duties).
///
/// The state must hold the result and its lot.
pub fn invalidate_result(
    state: &State,
    actor: &Actor,
    result_id: TestResultId,
    reason: Narrative,
    signature: &Signature,
) -> Result<Vec<Event>, ReleaseError> {
    let user_id = acting_user(actor, &[Role::Qa], "qa")?;
    check_signature(user_id, signature, None)?;
    let result = state
        .test_results
        .get(&result_id)
        .ok_or_else(|| unknown("test result", result_id))?;
    lot_under_test(state, result.lot_id)?;
    if !result.is_valid() {
        return Err(ReleaseError::AlreadyInvalidated(result_id.to_string()));
    }
    let prior = [PriorWork {
        work: Work::TestResult,
        by: result.analyst,
        description: result.test_code.to_string(),
    }];
    if let Some(conflict) = duties::conflicts(Duty::InvalidateResult, user_id, &prior)
        .into_iter()
        .next()
    {
        return Err(ReleaseError::SeparationOfDuties {
            code: conflict.code,
            message: conflict.message,
        });
    }
    Ok(vec![Event::ResultInvalidated(ResultInvalidated {
        result_id,
        lot_id: result.lot_id,
        reason,
    })])
}
