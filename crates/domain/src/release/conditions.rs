//! The conditions of release (issue 6, item 3), each unmet one a [`Reason`] with its own code.
//!
//! [`release_blockers`] lists every unmet condition at once, so QA sees the whole picture in one
//! refusal; the API can also call it before signing to show what still blocks a lot.

use std::collections::BTreeSet;

use crate::duties::{self, Duty, PriorWork, Work};
use crate::ids::{LotId, MaterialLotId, UserId};
use crate::manufacturing::{LotStatus, MaterialQcStatus};
use crate::refusal::Reason;
use crate::state::State;

use super::criterion::Evaluation;
use super::error::{ReleaseError, unknown};
use super::lineage::BatchRecord;
use super::result::current_result;
use super::specification::Requirement;

/// Testing of the lot has not begun, so no specification applies yet.
pub const TESTING_NOT_STARTED: &str = "TESTING_NOT_STARTED";
/// A required test has no valid result.
pub const TEST_MISSING: &str = "TEST_MISSING";
/// A required test's current result fails.
pub const TEST_FAILED: &str = "TEST_FAILED";
/// A donor of the lot is not determined ELIGIBLE.
pub const DONOR_NOT_ELIGIBLE: &str = "DONOR_NOT_ELIGIBLE";
/// A donor of the lot withdrew consent.
pub const CONSENT_WITHDRAWN: &str = "CONSENT_WITHDRAWN";
/// A step of the batch record is open.
pub const STEP_OPEN: &str = "STEP_OPEN";
/// A deviation on the lot or an ancestor is open.
pub const DEVIATION_OPEN: &str = "DEVIATION_OPEN";
/// An out-of-specification investigation on the lot or an ancestor is open.
pub const INVESTIGATION_OPEN: &str = "INVESTIGATION_OPEN";
/// A material lot used by the record was rejected after use.
pub const MATERIAL_REJECTED: &str = "MATERIAL_REJECTED";
/// A material lot used by the record is not RELEASED.
pub const MATERIAL_NOT_RELEASED: &str = "MATERIAL_NOT_RELEASED";
/// An ancestor lot is REJECTED.
pub const PARENT_LOT_REJECTED: &str = "PARENT_LOT_REJECTED";
/// An ancestor lot is RECALLED.
pub const PARENT_LOT_RECALLED: &str = "PARENT_LOT_RECALLED";
/// An ancestor lot is ON_HOLD.
pub const PARENT_LOT_ON_HOLD: &str = "PARENT_LOT_ON_HOLD";
/// The lot is ON_HOLD (listed with `LOT_NOT_IN_QUARANTINE`, a [`ReleaseError`] code).
pub const LOT_ON_HOLD: &str = "LOT_ON_HOLD";
/// Part of the record is absent from the loaded state (a store defect, refused to be safe).
pub const RECORD_MISSING: &str = "RECORD_MISSING";

fn reason(code: &'static str, message: String) -> Reason {
    Reason { code, message }
}

/// Every unmet condition of releasing `lot_id`, apart from the lot's own status (which the
/// disposition checks first); empty when the lot may be released. With `signer`, separation of
/// duties is checked for that user too.
///
/// The state must hold the lot, its ancestors, every step of the [`BatchRecord`], the material
/// lots those steps used, the lot's donors, every deviation, result and investigation of the
/// lineage, the lot's testing record and its specification.
pub fn release_blockers(
    state: &State,
    lot_id: LotId,
    signer: Option<UserId>,
) -> Result<Vec<Reason>, ReleaseError> {
    let lot = state
        .lots
        .get(&lot_id)
        .ok_or_else(|| unknown("lot", lot_id))?;
    let record = BatchRecord::of(state, lot_id);
    let mut reasons = Vec::new();
    for item in &record.missing {
        reasons.push(reason(
            RECORD_MISSING,
            format!("{item} of the batch record could not be read"),
        ));
    }
    test_blockers(state, lot_id, &mut reasons);
    for donor_id in &lot.donors {
        let Some(donor) = state.donors.get(donor_id) else {
            reasons.push(reason(
                RECORD_MISSING,
                format!("donor {donor_id} could not be read"),
            ));
            continue;
        };
        if !donor.is_eligible() {
            let status = if donor.is_ineligible() {
                "INELIGIBLE"
            } else {
                "pending a determination"
            };
            reasons.push(reason(
                DONOR_NOT_ELIGIBLE,
                format!("donor {} is {status}, not ELIGIBLE", donor.key.as_str()),
            ));
        }
        if donor.consent_withdrawn() {
            reasons.push(reason(
                CONSENT_WITHDRAWN,
                format!("donor {} withdrew consent", donor.key.as_str()),
            ));
        }
    }
    record_blockers(state, &record, &mut reasons);
    if let Some(signer) = signer {
        for conflict in duties::conflicts(Duty::ReleaseLot, signer, &prior_work(state, &record)) {
            reasons.push(reason(conflict.code, conflict.message));
        }
    }
    Ok(reasons)
}

/// Required tests: each needs a current (latest valid) result that passes.
fn test_blockers(state: &State, lot_id: LotId, reasons: &mut Vec<Reason>) {
    let Some(testing) = state.lot_testing.get(&lot_id) else {
        reasons.push(reason(
            TESTING_NOT_STARTED,
            "testing of the lot has not begun".to_owned(),
        ));
        return;
    };
    let Some(spec) = state.specifications.get(&testing.specification_id) else {
        reasons.push(reason(
            RECORD_MISSING,
            format!(
                "specification {} could not be read",
                testing.specification_id
            ),
        ));
        return;
    };
    for test in spec.content.tests() {
        if test.requirement() != Requirement::Required {
            continue;
        }
        match current_result(state, lot_id, test.code()) {
            None => reasons.push(reason(
                TEST_MISSING,
                format!("required test {} has no valid result", test.code()),
            )),
            Some(result) if result.evaluation != Evaluation::Pass => {
                reasons.push(reason(
                    TEST_FAILED,
                    format!(
                        "required test {} failed: {} against {}",
                        test.code(),
                        result.value_text(),
                        test.criterion()
                            .describe(test.unit().map(|unit| unit.as_str()))
                    ),
                ));
            }
            Some(_) => {}
        }
    }
}

/// Steps, deviations, investigations, material lots and ancestors of the record.
fn record_blockers(state: &State, record: &BatchRecord, reasons: &mut Vec<Reason>) {
    let mut materials: BTreeSet<MaterialLotId> = BTreeSet::new();
    for step in record.steps.iter().filter_map(|id| state.steps.get(id)) {
        if step.ended_at.is_none() {
            reasons.push(reason(
                STEP_OPEN,
                format!(
                    "step {} ({}, started {}) is not complete",
                    step.id, step.kind, step.started_at
                ),
            ));
        }
        materials.extend(step.material_lots.iter().copied());
    }
    for deviation in state.deviations.values() {
        if deviation.is_open() && record.contains(deviation.lot_id) {
            reasons.push(reason(
                DEVIATION_OPEN,
                format!(
                    "deviation {} on lot {} is open",
                    deviation.id,
                    lot_code(state, deviation.lot_id)
                ),
            ));
        }
    }
    for investigation in state.investigations.values() {
        if investigation.is_open() && record.contains(investigation.lot_id) {
            reasons.push(reason(
                INVESTIGATION_OPEN,
                format!(
                    "the out-of-specification investigation of {} on lot {} is open",
                    investigation.test_code,
                    lot_code(state, investigation.lot_id)
                ),
            ));
        }
    }
    // A step records a material lot only while it is RELEASED, so a material lot was RELEASED
    // when used; one that is not RELEASED now was rejected after use (QA found it unfit), which
    // makes what was made with it suspect too.
    for material_id in materials {
        match state.material_lots.get(&material_id) {
            None => reasons.push(reason(
                RECORD_MISSING,
                format!("material lot {material_id} could not be read"),
            )),
            Some(material) if material.qc_status == MaterialQcStatus::Released => {}
            Some(material) => reasons.push(reason(
                if material.qc_status == MaterialQcStatus::Rejected {
                    MATERIAL_REJECTED
                } else {
                    MATERIAL_NOT_RELEASED
                },
                format!(
                    "material lot {} {} is {}",
                    material.material,
                    material.supplier_lot,
                    material.qc_status.as_str()
                ),
            )),
        }
    }
    for ancestor in record
        .ancestors()
        .iter()
        .filter_map(|id| state.lots.get(id))
    {
        let code = match ancestor.status {
            LotStatus::Rejected => PARENT_LOT_REJECTED,
            LotStatus::Recalled => PARENT_LOT_RECALLED,
            LotStatus::OnHold => PARENT_LOT_ON_HOLD,
            _ => continue,
        };
        reasons.push(reason(
            code,
            format!("ancestor lot {} is {}", ancestor.code, ancestor.status),
        ));
    }
}

/// Who recorded what on the record: every step's operator, every result's analyst.
fn prior_work(state: &State, record: &BatchRecord) -> Vec<PriorWork> {
    let mut prior: Vec<PriorWork> = record
        .steps
        .iter()
        .filter_map(|id| state.steps.get(id))
        .map(|step| PriorWork {
            work: Work::ProcessingStep,
            by: step.operator,
            description: step.kind.to_string(),
        })
        .collect();
    prior.extend(
        state
            .test_results
            .values()
            .filter(|result| record.contains(result.lot_id))
            .map(|result| PriorWork {
                work: Work::TestResult,
                by: result.analyst,
                description: result.test_code.to_string(),
            }),
    );
    prior
}

fn lot_code(state: &State, lot_id: LotId) -> String {
    state
        .lots
        .get(&lot_id)
        .map_or_else(|| lot_id.to_string(), |lot| lot.code.as_str().to_owned())
}
