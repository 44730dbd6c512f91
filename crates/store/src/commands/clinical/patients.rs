//! Registering patients (personal data apart from the ledger), recording weights, and redacting
//! the personal data.

use chrono::NaiveDate;
use cordtrace_domain::clinical::PatientKey;
use cordtrace_domain::clinical::commands::patients;
use cordtrace_domain::ids::PatientId;
use cordtrace_domain::redaction::RedactionReason;
use cordtrace_domain::signature::Signature;
use cordtrace_domain::values::Kilograms;
use cordtrace_domain::{Refusal, RefusalKind, State};

use super::load as clinical_load;
use crate::commands::load;
use crate::error::CommandError;
use crate::executor::{Command, CommandContext, Decision};
use crate::projection::clinical::patients as patient_rows;
use crate::side_write::{PatientPersonalData, SideWrite};

/// Registers a patient under a new opaque key and stores the personal data apart.
pub struct RegisterPatient {
    /// The new patient's id.
    pub patient_id: PatientId,
    /// Name, date of birth, record number and wristband id.
    pub personal: PatientPersonalData,
}

impl Command for RegisterPatient {
    type Output = PatientKey;
    const NAME: &'static str = "register_patient";

    async fn decide(
        self,
        context: &CommandContext<'_>,
    ) -> Result<Decision<PatientKey>, CommandError> {
        let txn = context.txn;
        if patient_rows::by_wristband(txn, &self.personal.wristband_id)
            .await?
            .is_some()
        {
            // The message never repeats the wristband id, which is personal data.
            return Err(Refusal::new(
                RefusalKind::Conflict,
                "WRISTBAND_IN_USE",
                "another patient already has this wristband id",
            )
            .into());
        }
        let year = load::year_2digit(context.now);
        let sequence = patient_rows::last_key_sequence(txn, year).await? + 1;
        let key = PatientKey::new(year, sequence);
        let state = State::default();
        let events = patients::register(&state, &context.actor, self.patient_id, key.clone())
            .map_err(Refusal::from)?;
        Ok(
            Decision::new(state, events, key).with_side_write(SideWrite::PatientPersonal {
                patient_id: self.patient_id,
                data: self.personal,
            }),
        )
    }
}

/// Records a body weight.
pub struct RecordWeight {
    /// The patient.
    pub patient_id: PatientId,
    /// The weight.
    pub weight: Kilograms,
    /// The date it was measured.
    pub measured_on: NaiveDate,
}

impl Command for RecordWeight {
    type Output = ();
    const NAME: &'static str = "record_weight";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let mut state = State::default();
        clinical_load::patients(context.txn, &mut state, [self.patient_id]).await?;
        let events = patients::record_weight(
            &state,
            &context.actor,
            self.patient_id,
            self.weight,
            self.measured_on,
            context.now,
        )
        .map_err(Refusal::from)?;
        Ok(Decision::new(state, events, ()))
    }
}

/// A clinician redacts a patient's personal data, signed: one ledger entry with the patient's
/// id and the coded reason, and the row in `patient_personal` blanked (wristband id included)
/// in the same transaction.
pub struct RedactPatientPersonalData {
    /// The patient.
    pub patient_id: PatientId,
    /// Why.
    pub reason: RedactionReason,
    /// The re-checked signature.
    pub signature: Signature,
}

impl Command for RedactPatientPersonalData {
    type Output = ();
    const NAME: &'static str = "redact_patient_personal_data";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let mut state = State::default();
        clinical_load::patients(context.txn, &mut state, [self.patient_id]).await?;
        let events = patients::redact_personal_data(
            &state,
            &context.actor,
            &self.signature,
            self.patient_id,
            self.reason,
        )
        .map_err(Refusal::from)?;
        let signature =
            load::signature(context.txn, context.actor, self.signature, context.now).await?;
        Ok(Decision::new(state, events, ())
            .signed(signature)
            .with_side_write(SideWrite::PatientPersonalRedacted {
                patient_id: self.patient_id,
                redacted_at: context.now,
            }))
    }
}
