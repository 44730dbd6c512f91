//! Follow-up visits and adverse events.

use chrono::NaiveDate;
use cordtrace_domain::clinical::commands::followup::{self, NewAdverseEvent, NewVisit};
use cordtrace_domain::ids::{AdministrationId, AdverseEventId, PatientId};
use cordtrace_domain::{Refusal, State};
use sea_orm::DatabaseTransaction;

use super::load as clinical_load;
use crate::error::CommandError;
use crate::executor::{Command, CommandContext, Decision};
use crate::projection::clinical::administrations::{self, AdministrationFilter};
use crate::projection::clinical::followup::{self as followup_rows, FollowUpFilter};

/// The patient and the administrations a record names.
async fn patient_and_administrations(
    txn: &DatabaseTransaction,
    patient_id: PatientId,
    administrations: &[AdministrationId],
) -> Result<State, CommandError> {
    let mut state = State::default();
    clinical_load::patients(txn, &mut state, [patient_id]).await?;
    if !administrations.is_empty() {
        state.administrations.extend(
            administrations::load(txn, AdministrationFilter::Ids(administrations.to_vec())).await?,
        );
    }
    Ok(state)
}

/// Records a follow-up visit.
pub struct RecordVisit {
    /// The visit as entered, with its new id.
    pub visit: NewVisit,
}

impl Command for RecordVisit {
    type Output = ();
    const NAME: &'static str = "record_visit";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let state = patient_and_administrations(
            context.txn,
            self.visit.patient_id,
            &self.visit.administrations,
        )
        .await?;
        let events = followup::record_visit(&state, &context.actor, self.visit, context.now)
            .map_err(Refusal::from)?;
        Ok(Decision::new(state, events, ()))
    }
}

/// Records an adverse event.
pub struct RecordAdverseEvent {
    /// The adverse event as entered, with its new id.
    pub adverse_event: NewAdverseEvent,
}

impl Command for RecordAdverseEvent {
    type Output = ();
    const NAME: &'static str = "record_adverse_event";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let state = patient_and_administrations(
            context.txn,
            self.adverse_event.patient_id,
            &self.adverse_event.administrations,
        )
        .await?;
        let events =
            followup::record_adverse_event(&state, &context.actor, self.adverse_event, context.now)
                .map_err(Refusal::from)?;
        Ok(Decision::new(state, events, ()))
    }
}

/// Records the resolution of an ongoing adverse event.
pub struct ResolveAdverseEvent {
    /// The adverse event.
    pub adverse_event_id: AdverseEventId,
    /// The resolution date.
    pub resolved_on: NaiveDate,
}

impl Command for ResolveAdverseEvent {
    type Output = ();
    const NAME: &'static str = "resolve_adverse_event";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let mut state = State::default();
        let found = followup_rows::load_adverse_events(
            context.txn,
            FollowUpFilter::Ids(vec![self.adverse_event_id.as_uuid()]),
        )
        .await?;
        let patients: Vec<PatientId> = found.values().map(|event| event.patient_id).collect();
        state.adverse_events.extend(found);
        clinical_load::patients(context.txn, &mut state, patients).await?;
        let events = followup::resolve_adverse_event(
            &state,
            &context.actor,
            self.adverse_event_id,
            self.resolved_on,
            context.now,
        )
        .map_err(Refusal::from)?;
        Ok(Decision::new(state, events, ()))
    }
}
