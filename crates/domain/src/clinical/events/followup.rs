//! Follow-up events: visits and adverse events.

use chrono::NaiveDate;

use crate::clinical::followup::{AdverseEvent, CtcaeGrade, Relatedness, Visit, VisitMeasures};
use crate::event::{EventMeta, EventPayload};
use crate::ids::{AdministrationId, AdverseEventId, PatientId, VisitId};
use crate::state::{ApplyError, State};
use crate::subject::{Subject, SubjectKind};
use crate::values::Label;

use super::{actor_user, duplicate, missing, payload, subject};

fn with_administrations(
    mut subjects: Vec<Subject>,
    administrations: &[AdministrationId],
) -> Vec<Subject> {
    subjects.extend(
        administrations
            .iter()
            .map(|id| subject(SubjectKind::Administration, id)),
    );
    subjects
}

payload!(
    /// A follow-up visit was recorded.
    VisitRecorded {
        /// The visit.
        visit_id: VisitId,
        /// The patient.
        patient_id: PatientId,
        /// The administrations it follows up.
        administrations: Vec<AdministrationId>,
        /// The visit date.
        visited_on: NaiveDate,
        /// What was measured.
        measures: VisitMeasures,
    }
);

impl EventPayload for VisitRecorded {
    fn subjects(&self) -> Vec<Subject> {
        with_administrations(
            vec![
                subject(SubjectKind::Visit, self.visit_id),
                subject(SubjectKind::Patient, self.patient_id),
            ],
            &self.administrations,
        )
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        if state.visits.contains_key(&self.visit_id) {
            return Err(duplicate("visit", self.visit_id));
        }
        state.visits.insert(
            self.visit_id,
            Visit {
                id: self.visit_id,
                patient_id: self.patient_id,
                administrations: self.administrations.clone(),
                visited_on: self.visited_on,
                measures: self.measures.clone(),
                recorded_by: actor_user(meta)?,
                recorded_at: meta.recorded_at,
            },
        );
        Ok(())
    }
}

payload!(
    /// An adverse event was recorded.
    AdverseEventRecorded {
        /// The adverse event.
        adverse_event_id: AdverseEventId,
        /// The patient.
        patient_id: PatientId,
        /// The administrations it may follow.
        administrations: Vec<AdministrationId>,
        /// The term.
        term: Label,
        /// CTCAE grade.
        grade: CtcaeGrade,
        /// Whether serious.
        serious: bool,
        /// Causality.
        relatedness: Relatedness,
        /// Onset date.
        onset_on: NaiveDate,
        /// Resolution date, if already resolved.
        resolved_on: Option<NaiveDate>,
    }
);

impl EventPayload for AdverseEventRecorded {
    fn subjects(&self) -> Vec<Subject> {
        with_administrations(
            vec![
                subject(SubjectKind::AdverseEvent, self.adverse_event_id),
                subject(SubjectKind::Patient, self.patient_id),
            ],
            &self.administrations,
        )
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        if state.adverse_events.contains_key(&self.adverse_event_id) {
            return Err(duplicate("adverse event", self.adverse_event_id));
        }
        state.adverse_events.insert(
            self.adverse_event_id,
            AdverseEvent {
                id: self.adverse_event_id,
                patient_id: self.patient_id,
                administrations: self.administrations.clone(),
                term: self.term.clone(),
                grade: self.grade,
                serious: self.serious,
                relatedness: self.relatedness,
                onset_on: self.onset_on,
                resolved_on: self.resolved_on,
                recorded_by: actor_user(meta)?,
                recorded_at: meta.recorded_at,
            },
        );
        Ok(())
    }
}

payload!(
    /// An ongoing adverse event resolved.
    AdverseEventResolved {
        /// The adverse event.
        adverse_event_id: AdverseEventId,
        /// The patient.
        patient_id: PatientId,
        /// The resolution date.
        resolved_on: NaiveDate,
    }
);

impl EventPayload for AdverseEventResolved {
    fn subjects(&self) -> Vec<Subject> {
        vec![
            subject(SubjectKind::AdverseEvent, self.adverse_event_id),
            subject(SubjectKind::Patient, self.patient_id),
        ]
    }

    fn apply(&self, state: &mut State, _meta: &EventMeta) -> Result<(), ApplyError> {
        let adverse_event = state
            .adverse_events
            .get_mut(&self.adverse_event_id)
            .ok_or_else(|| missing("adverse event", self.adverse_event_id))?;
        adverse_event.resolved_on = Some(self.resolved_on);
        Ok(())
    }
}
