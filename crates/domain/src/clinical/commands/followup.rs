//! Follow-up visits and adverse events.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use crate::actor::Actor;
use crate::clinical::error::{ClinicalError, unknown};
use crate::clinical::events::{AdverseEventRecorded, AdverseEventResolved, VisitRecorded};
use crate::clinical::followup::{CtcaeGrade, Relatedness, VisitMeasures};
use crate::event::Event;
use crate::ids::{AdministrationId, AdverseEventId, PatientId, VisitId};
use crate::role::Role;
use crate::state::State;
use crate::time::Timestamp;
use crate::values::Label;

use super::{acting_user, date_not_in_future, patient};

/// Most administrations one visit or adverse event may name.
const MAX_LINKED: usize = 20;

/// Each listed administration exists, is the patient's, and is listed once.
fn patients_administrations(
    state: &State,
    patient_id: PatientId,
    administrations: &[AdministrationId],
) -> Result<(), ClinicalError> {
    if administrations.len() > MAX_LINKED {
        return Err(ClinicalError::BadList(format!(
            "at most {MAX_LINKED} administrations"
        )));
    }
    let unique: BTreeSet<&AdministrationId> = administrations.iter().collect();
    if unique.len() != administrations.len() {
        return Err(ClinicalError::BadList(
            "an administration is listed twice".to_owned(),
        ));
    }
    for id in administrations {
        let administration = state
            .administrations
            .get(id)
            .ok_or_else(|| unknown("administration", id))?;
        if administration.patient_id != patient_id {
            return Err(ClinicalError::NotPatientsAdministration(id.to_string()));
        }
    }
    Ok(())
}

/// A visit as entered.
#[derive(Clone, Debug)]
pub struct NewVisit {
    /// The id the store generated.
    pub visit_id: VisitId,
    /// The patient.
    pub patient_id: PatientId,
    /// The administrations it follows up (empty for a baseline visit).
    pub administrations: Vec<AdministrationId>,
    /// The visit date.
    pub visited_on: NaiveDate,
    /// What was measured (each value already parsed and ranged).
    pub measures: VisitMeasures,
}

/// Records a follow-up visit. The state must hold the patient and the listed administrations.
pub fn record_visit(
    state: &State,
    actor: &Actor,
    new: NewVisit,
    now: Timestamp,
) -> Result<Vec<Event>, ClinicalError> {
    acting_user(actor, &[Role::Clinician], "clinician")?;
    patient(state, new.patient_id)?;
    patients_administrations(state, new.patient_id, &new.administrations)?;
    date_not_in_future(new.visited_on, now, "the visit date")?;
    if new.measures.is_empty() {
        return Err(ClinicalError::EmptyVisit);
    }
    if new.measures.other_immunosuppressants.len() > VisitMeasures::MAX_OTHER_IMMUNOSUPPRESSANTS {
        return Err(ClinicalError::BadList(format!(
            "at most {} other immunosuppressants",
            VisitMeasures::MAX_OTHER_IMMUNOSUPPRESSANTS
        )));
    }
    Ok(vec![Event::VisitRecorded(VisitRecorded {
        visit_id: new.visit_id,
        patient_id: new.patient_id,
        administrations: new.administrations,
        visited_on: new.visited_on,
        measures: new.measures,
    })])
}

/// An adverse event as entered.
#[derive(Clone, Debug)]
pub struct NewAdverseEvent {
    /// The id the store generated.
    pub adverse_event_id: AdverseEventId,
    /// The patient.
    pub patient_id: PatientId,
    /// The administrations it may follow.
    pub administrations: Vec<AdministrationId>,
    /// The term.
    pub term: Label,
    /// CTCAE grade.
    pub grade: CtcaeGrade,
    /// Whether serious.
    pub serious: bool,
    /// Causality.
    pub relatedness: Relatedness,
    /// Onset date.
    pub onset_on: NaiveDate,
    /// Resolution date, if already resolved.
    pub resolved_on: Option<NaiveDate>,
}

fn resolution_after_onset(onset: NaiveDate, resolved: NaiveDate) -> Result<(), ClinicalError> {
    if resolved < onset {
        return Err(ClinicalError::ResolutionBeforeOnset {
            onset: onset.to_string(),
            resolved: resolved.to_string(),
        });
    }
    Ok(())
}

/// Records an adverse event. Grade 5 must be serious; resolution, if given, not before onset.
pub fn record_adverse_event(
    state: &State,
    actor: &Actor,
    new: NewAdverseEvent,
    now: Timestamp,
) -> Result<Vec<Event>, ClinicalError> {
    acting_user(actor, &[Role::Clinician], "clinician")?;
    patient(state, new.patient_id)?;
    patients_administrations(state, new.patient_id, &new.administrations)?;
    date_not_in_future(new.onset_on, now, "the onset date")?;
    if let Some(resolved_on) = new.resolved_on {
        date_not_in_future(resolved_on, now, "the resolution date")?;
        resolution_after_onset(new.onset_on, resolved_on)?;
    }
    if new.grade == CtcaeGrade::FATAL && !new.serious {
        return Err(ClinicalError::FatalNotSerious);
    }
    Ok(vec![Event::AdverseEventRecorded(AdverseEventRecorded {
        adverse_event_id: new.adverse_event_id,
        patient_id: new.patient_id,
        administrations: new.administrations,
        term: new.term,
        grade: new.grade,
        serious: new.serious,
        relatedness: new.relatedness,
        onset_on: new.onset_on,
        resolved_on: new.resolved_on,
    })])
}

/// Records the resolution of an ongoing adverse event.
pub fn resolve_adverse_event(
    state: &State,
    actor: &Actor,
    adverse_event_id: AdverseEventId,
    resolved_on: NaiveDate,
    now: Timestamp,
) -> Result<Vec<Event>, ClinicalError> {
    acting_user(actor, &[Role::Clinician], "clinician")?;
    let adverse_event = state
        .adverse_events
        .get(&adverse_event_id)
        .ok_or_else(|| unknown("adverse event", adverse_event_id))?;
    if adverse_event.resolved_on.is_some() {
        return Err(ClinicalError::AlreadyResolved(adverse_event_id.to_string()));
    }
    date_not_in_future(resolved_on, now, "the resolution date")?;
    resolution_after_onset(adverse_event.onset_on, resolved_on)?;
    Ok(vec![Event::AdverseEventResolved(AdverseEventResolved {
        adverse_event_id,
        patient_id: adverse_event.patient_id,
        resolved_on,
    })])
}
