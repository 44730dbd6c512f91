//! Recording a bedside check: the pure check, and the ledger event that records it whatever
//! its outcome.

use crate::actor::Actor;
use crate::clinical::bedside::{
    self, BedsideOutcome, BedsidePolicy, BedsideReason, BedsideScans, Finding,
};
use crate::clinical::error::ClinicalError;
use crate::clinical::events::{BedsideCheckAccepted, BedsideCheckRefused};
use crate::event::Event;
use crate::ids::{BedsideCheckId, PatientId};
use crate::role::Role;
use crate::state::State;
use crate::time::Timestamp;

use super::acting_user;

/// The outcome to show, and the one event that records it.
#[derive(Clone, Debug, PartialEq)]
pub struct BedsideDecision {
    /// What the clinician sees.
    pub outcome: BedsideOutcome,
    /// `bedside.check_accepted` or `bedside.check_refused`.
    pub events: Vec<Event>,
}

/// Runs the bedside check (see [`bedside::check`] for what the state must hold) and returns the
/// event to record. Only a clinician checks; that is the one way this is refused outright.
pub fn check(
    state: &State,
    actor: &Actor,
    check_id: BedsideCheckId,
    scans: &BedsideScans,
    patient_id: Option<PatientId>,
    policy: &BedsidePolicy,
    now: Timestamp,
) -> Result<BedsideDecision, ClinicalError> {
    acting_user(actor, &[Role::Clinician], "clinician")?;
    let mut outcome = bedside::check(state, scans, patient_id, policy, now);
    let event = match accepted(check_id, scans, &outcome) {
        Some(event) => event,
        None => {
            if outcome.ok() {
                // No reason was found, yet a fact is missing: never accept on incomplete facts.
                outcome.findings.push(Finding::new(
                    BedsideReason::MalformedScan,
                    "the check could not establish every fact it records",
                ));
            }
            refused(check_id, scans, &outcome)
        }
    };
    Ok(BedsideDecision {
        outcome,
        events: vec![event],
    })
}

/// The acceptance event, when the check passed and every fact it records was established.
fn accepted(
    check_id: BedsideCheckId,
    scans: &BedsideScans,
    outcome: &BedsideOutcome,
) -> Option<Event> {
    if !outcome.ok() {
        return None;
    }
    let facts = &outcome.facts;
    Some(Event::BedsideCheckAccepted(BedsideCheckAccepted {
        check_id,
        unit_id: facts.unit_id?,
        patient_id: facts.patient_id?,
        order_id: facts.order_id?,
        din: facts.din?,
        product_code: facts.product_code?,
        label_expiry: scans.unit().expiry,
        weight: facts.weight?,
        weight_measured_on: facts.weight_measured_on?,
        cells_per_kg: facts.cells_per_kg?,
        thawed_at: facts.thawed_at?,
        use_by: facts.use_by?,
    }))
}

fn refused(check_id: BedsideCheckId, scans: &BedsideScans, outcome: &BedsideOutcome) -> Event {
    let facts = &outcome.facts;
    let unit = scans.unit();
    Event::BedsideCheckRefused(BedsideCheckRefused {
        check_id,
        unit_id: facts.unit_id,
        patient_id: facts.patient_id,
        order_id: facts.order_id,
        din: unit.din,
        product_code: unit.product_code,
        label_expiry: unit.expiry,
        reasons: outcome.reasons(),
        scan_errors: scans
            .scan_errors()
            .iter()
            .map(|code| (*code).to_owned())
            .collect(),
    })
}
