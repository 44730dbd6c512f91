//! Decisions of the clinical record. Each function takes the state the store loaded, the actor,
//! the server clock and parsed input, and returns the events to record or why not. Signed acts
//! take the re-checked [`Signature`] the store made; the domain checks its signer and meaning.

pub mod administration;
pub mod bedside;
pub mod followup;
pub mod orders;
pub mod patients;
pub mod recall;

use crate::actor::Actor;
use crate::ids::{PatientId, UnitId, UserId};
use crate::manufacturing::Unit;
use crate::role::Role;
use crate::signature::{Meaning, Signature};
use crate::state::State;
use crate::time::Timestamp;

use super::error::{ClinicalError, unknown};
use super::patient::Patient;

/// The acting user, who must act in one of `roles`.
fn acting_user(
    actor: &Actor,
    roles: &[Role],
    names: &'static str,
) -> Result<UserId, ClinicalError> {
    actor.user_in(roles).ok_or(ClinicalError::WrongRole(names))
}

/// Checks that the signature is the actor's and has one of the `allowed` meanings.
fn check_signature(
    signer: UserId,
    signature: &Signature,
    allowed: &[Meaning],
    expected: &'static str,
) -> Result<(), ClinicalError> {
    if signature.signer_id != signer {
        return Err(ClinicalError::SignerNotActor);
    }
    if !allowed.contains(&signature.meaning) {
        return Err(ClinicalError::WrongMeaning {
            expected,
            found: signature.meaning,
        });
    }
    Ok(())
}

/// Refuses a time after `now` plus the tolerated skew.
fn not_in_future(time: Timestamp, now: Timestamp, what: &'static str) -> Result<(), ClinicalError> {
    if time.is_in_future_of(now) {
        Err(ClinicalError::InFuture(what))
    } else {
        Ok(())
    }
}

/// Refuses a date after today (UTC) plus one day, so a ward east of UTC can enter its today.
fn date_not_in_future(
    date: chrono::NaiveDate,
    now: Timestamp,
    what: &'static str,
) -> Result<(), ClinicalError> {
    let today = now.as_datetime().date_naive();
    if date > today + chrono::Days::new(1) {
        Err(ClinicalError::InFuture(what))
    } else {
        Ok(())
    }
}

fn patient(state: &State, patient_id: PatientId) -> Result<&Patient, ClinicalError> {
    state
        .patients
        .get(&patient_id)
        .ok_or_else(|| unknown("patient", patient_id))
}

fn unit(state: &State, unit_id: UnitId) -> Result<&Unit, ClinicalError> {
    state
        .units
        .get(&unit_id)
        .ok_or_else(|| unknown("unit", unit_id))
}
