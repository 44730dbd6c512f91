//! Patient events.

use chrono::NaiveDate;

use crate::clinical::patient::{Patient, PatientKey, WeightMeasurement};
use crate::event::{EventMeta, EventPayload};
use crate::ids::PatientId;
use crate::redaction::{Redaction, RedactionReason};
use crate::state::{ApplyError, State};
use crate::subject::{Subject, SubjectKind};
use crate::values::Kilograms;

use super::{actor_user, duplicate, missing, payload, subject};

payload!(
    /// A patient was registered (personal data goes to its own table, not here).
    PatientRegistered {
        /// The patient.
        patient_id: PatientId,
        /// The opaque key.
        key: PatientKey,
    }
);

impl EventPayload for PatientRegistered {
    fn subjects(&self) -> Vec<Subject> {
        vec![subject(SubjectKind::Patient, self.patient_id)]
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        if state.patients.contains_key(&self.patient_id) {
            return Err(duplicate("patient", self.patient_id));
        }
        state.patients.insert(
            self.patient_id,
            Patient {
                id: self.patient_id,
                key: self.key.clone(),
                weights: Vec::new(),
                registered_at: meta.recorded_at,
                personal_data_redaction: None,
            },
        );
        Ok(())
    }
}

payload!(
    /// A body weight was measured.
    WeightRecorded {
        /// The patient.
        patient_id: PatientId,
        /// The weight.
        weight: Kilograms,
        /// The date it was measured.
        measured_on: NaiveDate,
    }
);

impl EventPayload for WeightRecorded {
    fn subjects(&self) -> Vec<Subject> {
        vec![subject(SubjectKind::Patient, self.patient_id)]
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        let recorded_by = actor_user(meta)?;
        let patient = state
            .patients
            .get_mut(&self.patient_id)
            .ok_or_else(|| missing("patient", self.patient_id))?;
        patient.weights.push(WeightMeasurement {
            weight: self.weight,
            measured_on: self.measured_on,
            recorded_by,
            recorded_at: meta.recorded_at,
        });
        Ok(())
    }
}

payload!(
    /// A clinician redacted the patient's personal data (signed). The entry names the patient
    /// by id and the reason by code; the personal data itself never reaches the ledger.
    PatientPersonalDataRedacted {
        /// The patient.
        patient_id: PatientId,
        /// Why.
        reason: RedactionReason,
    }
);

impl EventPayload for PatientPersonalDataRedacted {
    fn subjects(&self) -> Vec<Subject> {
        vec![subject(SubjectKind::Patient, self.patient_id)]
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        let patient = state
            .patients
            .get_mut(&self.patient_id)
            .ok_or_else(|| missing("patient", self.patient_id))?;
        if patient.personal_data_redaction.is_some() {
            return Err(duplicate(
                "personal data redaction of patient",
                self.patient_id,
            ));
        }
        patient.personal_data_redaction = Some(Redaction {
            reason: self.reason,
            redacted_at: meta.recorded_at,
        });
        Ok(())
    }
}
