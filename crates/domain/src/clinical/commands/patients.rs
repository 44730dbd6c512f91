//! Registering patients and recording their weights.

use chrono::NaiveDate;

use crate::actor::Actor;
use crate::clinical::error::ClinicalError;
use crate::clinical::events::{PatientRegistered, WeightRecorded};
use crate::clinical::patient::PatientKey;
use crate::event::Event;
use crate::ids::PatientId;
use crate::role::Role;
use crate::state::State;
use crate::time::Timestamp;
use crate::values::Kilograms;

use super::{acting_user, date_not_in_future, patient};

/// Registers a patient under a key the store assigned from its sequence. The store writes the
/// personal data (name, date of birth, record number, wristband id) to its own table in the
/// same transaction. The state must hold any patient with the same key.
pub fn register(
    state: &State,
    actor: &Actor,
    patient_id: PatientId,
    key: PatientKey,
) -> Result<Vec<Event>, ClinicalError> {
    acting_user(actor, &[Role::Clinician], "clinician")?;
    if state.patients.values().any(|existing| existing.key == key) {
        return Err(ClinicalError::DuplicatePatientKey(key.as_str().to_owned()));
    }
    Ok(vec![Event::PatientRegistered(PatientRegistered {
        patient_id,
        key,
    })])
}

/// Records a body weight measured on `measured_on`.
pub fn record_weight(
    state: &State,
    actor: &Actor,
    patient_id: PatientId,
    weight: Kilograms,
    measured_on: NaiveDate,
    now: Timestamp,
) -> Result<Vec<Event>, ClinicalError> {
    acting_user(actor, &[Role::Clinician], "clinician")?;
    patient(state, patient_id)?;
    date_not_in_future(measured_on, now, "the measurement date")?;
    Ok(vec![Event::WeightRecorded(WeightRecorded {
        patient_id,
        weight,
        measured_on,
    })])
}
