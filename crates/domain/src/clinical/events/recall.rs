//! The recall event. The status changes it causes are recorded right after it, in the same
//! command, as the manufacturing `lot.status_changed` and `unit.status_changed` events, so every
//! lot's and unit's own chain shows them.

use crate::clinical::lookback::LookbackSource;
use crate::clinical::recall::Recall;
use crate::event::{EventMeta, EventPayload};
use crate::ids::{LotId, PatientId, RecallId, UnitId};
use crate::state::{ApplyError, State};
use crate::subject::{Subject, SubjectKind};
use crate::values::Narrative;

use super::{actor_user, duplicate, payload, subject};

payload!(
    /// QA initiated a recall (signed).
    RecallInitiated {
        /// The recall.
        recall_id: RecallId,
        /// Where it starts.
        source: LookbackSource,
        /// Why.
        reason: Narrative,
        /// Lots whose status it changes.
        lots: Vec<LotId>,
        /// Units whose status it changes.
        units: Vec<UnitId>,
        /// Patients who received an affected unit, to be contacted.
        patients: Vec<PatientId>,
    }
);

impl EventPayload for RecallInitiated {
    fn subjects(&self) -> Vec<Subject> {
        let mut subjects = vec![
            subject(SubjectKind::Recall, self.recall_id),
            self.source.subject(),
        ];
        subjects.extend(
            self.patients
                .iter()
                .map(|patient_id| subject(SubjectKind::Patient, patient_id)),
        );
        subjects
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        if state.recalls.contains_key(&self.recall_id) {
            return Err(duplicate("recall", self.recall_id));
        }
        state.recalls.insert(
            self.recall_id,
            Recall {
                id: self.recall_id,
                source: self.source,
                reason: self.reason.clone(),
                lots: self.lots.clone(),
                units: self.units.clone(),
                patients: self.patients.clone(),
                initiated_by: actor_user(meta)?,
                initiated_at: meta.recorded_at,
            },
        );
        Ok(())
    }
}
