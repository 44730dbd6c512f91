//! Registering patients and recording their weights.

use chrono::NaiveDate;

use crate::actor::Actor;
use crate::clinical::error::ClinicalError;
use crate::clinical::events::{PatientPersonalDataRedacted, PatientRegistered, WeightRecorded};
use crate::clinical::patient::PatientKey;
use crate::event::Event;
use crate::ids::PatientId;
use crate::redaction::{REDACTION_MEANING, RedactionReason};
use crate::role::Role;
use crate::signature::Signature;
use crate::state::State;
use crate::time::Timestamp;
use crate::values::Kilograms;

use super::{acting_user, check_signature, date_not_in_future, patient};

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

/// A clinician redacts the patient's personal data, signed with meaning RESPONSIBILITY; the
/// store blanks the personal data (wristband id included) in the same transaction. Clinicians
/// only, as they alone read it. Only the fact, its time and its coded reason are recorded; the
/// patient, their weights, orders, administrations and follow-up stay. Once the wristband id is
/// gone a bedside scan finds no patient (UNKNOWN_PATIENT), so nothing is infused on a redacted
/// identity. A second redaction is refused.
pub fn redact_personal_data(
    state: &State,
    actor: &Actor,
    signature: &Signature,
    patient_id: PatientId,
    reason: RedactionReason,
) -> Result<Vec<Event>, ClinicalError> {
    let clinician = acting_user(actor, &[Role::Clinician], "clinician")?;
    check_signature(
        clinician,
        signature,
        &[REDACTION_MEANING],
        REDACTION_MEANING.as_str(),
    )?;
    let patient = patient(state, patient_id)?;
    if patient.personal_data_redaction.is_some() {
        return Err(ClinicalError::AlreadyRedacted(
            patient.key.as_str().to_owned(),
        ));
    }
    Ok(vec![Event::PatientPersonalDataRedacted(
        PatientPersonalDataRedacted { patient_id, reason },
    )])
}
