//! Redacting a patient's personal data: who may, how it is signed, and what stays.

use crate::clinical::commands::patients::redact_personal_data;
use crate::event::Event;
use crate::redaction::{Redaction, RedactionReason};
use crate::refusal::Refuse;
use crate::role::Role;
use crate::signature::Meaning;

use super::fixture::*;
use super::followup::administered;

#[test]
fn a_clinician_redacts_once_signed_with_responsibility_and_the_record_stays() {
    let mut fixture = administered();
    let reason = RedactionReason::EnteredInError;
    let responsibility = signature(CLINICIAN, Meaning::Responsibility);
    let refusals = [
        (
            "QA",
            redact_personal_data(
                &fixture.state,
                &user(QA, Role::Qa),
                &signature(QA, Meaning::Responsibility),
                id(PATIENT_1),
                reason,
            ),
            "WRONG_ROLE",
        ),
        (
            "signed as APPROVAL",
            redact_personal_data(
                &fixture.state,
                &clinician(),
                &signature(CLINICIAN, Meaning::Approval),
                id(PATIENT_1),
                reason,
            ),
            "WRONG_SIGNATURE_MEANING",
        ),
        (
            "signed by another clinician",
            redact_personal_data(
                &fixture.state,
                &clinician(),
                &signature(CLINICIAN_2, Meaning::Responsibility),
                id(PATIENT_1),
                reason,
            ),
            "SIGNER_NOT_ACTOR",
        ),
        (
            "an unknown patient",
            redact_personal_data(
                &fixture.state,
                &clinician(),
                &responsibility,
                id(999),
                reason,
            ),
            "NOT_FOUND",
        ),
    ];
    for (name, decision, expected) in refusals {
        assert_eq!(
            decision.map_err(|e| e.code()).err(),
            Some(expected),
            "{name}"
        );
    }

    let before = fixture.state.clone();
    let events = redact_personal_data(
        &fixture.state,
        &clinician(),
        &responsibility,
        id(PATIENT_1),
        reason,
    )
    .expect("redacts");
    let payload = events[0].payload_json();
    assert_eq!(
        payload,
        serde_json::json!({
            "patient_id": id::<crate::ids::PatientId>(PATIENT_1).to_string(),
            "reason": "ENTERED_IN_ERROR",
        })
    );
    assert_eq!(
        Event::from_parts(events[0].action(), payload).expect("parses back"),
        events[0]
    );
    fixture.record(clinician(), at(11, 0), events);

    let patient = &fixture.state.patients[&id(PATIENT_1)];
    assert_eq!(
        patient.personal_data_redaction,
        Some(Redaction {
            reason,
            redacted_at: at(11, 0),
        })
    );
    // Only the patient changed, and only by the redaction: weights, orders, the
    // administration and everything else stay.
    let mut unredacted = fixture.state.clone();
    if let Some(patient) = unredacted.patients.get_mut(&id(PATIENT_1)) {
        patient.personal_data_redaction = None;
    }
    assert_eq!(unredacted, before);
    assert_eq!(fixture.replay(), fixture.state);

    let again = redact_personal_data(
        &fixture.state,
        &clinician(),
        &responsibility,
        id(PATIENT_1),
        RedactionReason::DataSubjectRequest,
    );
    assert_eq!(again.map_err(|e| e.code()).err(), Some("ALREADY_REDACTED"));
}
