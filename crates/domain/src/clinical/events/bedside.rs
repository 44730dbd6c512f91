//! Bedside check events: every check is recorded, accepted or refused (refusals are safety
//! events). The wristband scan is never recorded, only the patient it resolved to.

use chrono::NaiveDate;

use crate::clinical::administration::LatestCheck;
use crate::clinical::bedside::BedsideReason;
use crate::event::{EventMeta, EventPayload};
use crate::ids::{BedsideCheckId, OrderId, PatientId, UnitId};
use crate::isbt128::{Din, Expiry, ProductCode};
use crate::state::{ApplyError, State};
use crate::subject::{Subject, SubjectKind};
use crate::time::Timestamp;
use crate::values::Kilograms;

use super::{payload, subject};

fn check_subjects(
    check_id: BedsideCheckId,
    unit_id: Option<UnitId>,
    patient_id: Option<PatientId>,
    order_id: Option<OrderId>,
) -> Vec<Subject> {
    let mut subjects = vec![subject(SubjectKind::BedsideCheck, check_id)];
    subjects.extend(unit_id.map(|id| subject(SubjectKind::Unit, id)));
    subjects.extend(patient_id.map(|id| subject(SubjectKind::Patient, id)));
    subjects.extend(order_id.map(|id| subject(SubjectKind::Order, id)));
    subjects
}

payload!(
    /// A bedside check passed: the facts the clinician was shown.
    BedsideCheckAccepted {
        /// The check.
        check_id: BedsideCheckId,
        /// The unit.
        unit_id: UnitId,
        /// The patient the wristband resolved to.
        patient_id: PatientId,
        /// The order the unit is allocated to.
        order_id: OrderId,
        /// The DIN scanned.
        din: Din,
        /// The product code scanned.
        product_code: ProductCode,
        /// The expiry scanned, if it was.
        label_expiry: Option<Expiry>,
        /// The latest weight.
        weight: Kilograms,
        /// When it was measured.
        weight_measured_on: NaiveDate,
        /// Cells per kg at that weight.
        cells_per_kg: u64,
        /// When the unit was thawed.
        thawed_at: Timestamp,
        /// Its use-by time in force.
        use_by: Timestamp,
    }
);

impl EventPayload for BedsideCheckAccepted {
    fn subjects(&self) -> Vec<Subject> {
        check_subjects(
            self.check_id,
            Some(self.unit_id),
            Some(self.patient_id),
            Some(self.order_id),
        )
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        state.bedside_checks.insert(
            self.unit_id,
            LatestCheck {
                check_id: self.check_id,
                accepted: true,
                patient_id: Some(self.patient_id),
                checked_at: meta.recorded_at,
                checked_by: meta.actor.user_id(),
            },
        );
        Ok(())
    }
}

payload!(
    /// A bedside check failed, with every reason's code. What could not be established is absent.
    BedsideCheckRefused {
        /// The check.
        check_id: BedsideCheckId,
        /// The unit, when the scans named a known one.
        unit_id: Option<UnitId>,
        /// The patient, when the wristband resolved to one.
        patient_id: Option<PatientId>,
        /// The order, when the unit is allocated to the patient's.
        order_id: Option<OrderId>,
        /// The DIN, when it read.
        din: Option<Din>,
        /// The product code, when it read.
        product_code: Option<ProductCode>,
        /// The expiry, when it read.
        label_expiry: Option<Expiry>,
        /// The distinct reasons, in order.
        reasons: Vec<BedsideReason>,
        /// The code of each scan problem (never the scanned text).
        scan_errors: Vec<String>,
    }
);

impl EventPayload for BedsideCheckRefused {
    fn subjects(&self) -> Vec<Subject> {
        check_subjects(self.check_id, self.unit_id, self.patient_id, self.order_id)
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        // A refusal supersedes an earlier acceptance of the same unit.
        if let Some(unit_id) = self.unit_id {
            state.bedside_checks.insert(
                unit_id,
                LatestCheck {
                    check_id: self.check_id,
                    accepted: false,
                    patient_id: self.patient_id,
                    checked_at: meta.recorded_at,
                    checked_by: meta.actor.user_id(),
                },
            );
        }
        Ok(())
    }
}
