//! Administration: a clinician signs, with meaning RESPONSIBILITY, that a unit was infused.
//!
//! It needs the unit's latest bedside check to be an accepted one for the same patient, made
//! at most [`BedsidePolicy::check_valid_for`] before the infusion started (and not after it,
//! beyond a minute of clock skew). The essentials the check established are re-checked at the
//! start time, because state may have changed since (a recall, a hold, a cancelled order): a
//! unit is administered at most once, and a second attempt is ALREADY_ADMINISTERED (CONFLICT).

use crate::actor::Actor;
use crate::clinical::bedside::{BedsidePolicy, cells_per_kg, donor_usable};
use crate::clinical::error::{ClinicalError, unknown};
use crate::clinical::events::UnitAdministered;
use crate::clinical::order::OrderStatus;
use crate::event::Event;
use crate::ids::{AdministrationId, PatientId, UnitId};
use crate::manufacturing::{LotStatus, Unit, UnitStatus};
use crate::role::Role;
use crate::signature::{Meaning, Signature};
use crate::state::State;
use crate::time::Timestamp;
use crate::values::{CellCount, Label, Millilitres};

use super::{acting_user, check_signature, not_in_future, patient, unit};
use crate::time::CLOCK_SKEW_SECONDS;

/// Most reactions one administration lists.
pub const MAX_REACTIONS: usize = 20;

/// An administration as the clinician entered it.
#[derive(Clone, Debug)]
pub struct NewAdministration {
    /// The id the store generated.
    pub administration_id: AdministrationId,
    /// The unit.
    pub unit_id: UnitId,
    /// The patient.
    pub patient_id: PatientId,
    /// Infusion start.
    pub started_at: Timestamp,
    /// Infusion end.
    pub ended_at: Timestamp,
    /// Volume infused.
    pub volume: Millilitres,
    /// Cells infused.
    pub cells: CellCount,
    /// Reactions observed (empty when none).
    pub reactions: Vec<Label>,
}

/// Records an administration. The state must hold the unit, its lot and the lot's donors, its
/// allocation, order, thaw, latest bedside check and any administration of it, and the patient.
pub fn administer(
    state: &State,
    actor: &Actor,
    signature: &Signature,
    new: NewAdministration,
    policy: &BedsidePolicy,
    now: Timestamp,
) -> Result<Vec<Event>, ClinicalError> {
    let clinician = acting_user(actor, &[Role::Clinician], "clinician")?;
    check_signature(
        clinician,
        signature,
        &[Meaning::Responsibility],
        "RESPONSIBILITY",
    )?;
    let unit = unit(state, new.unit_id)?;
    // First among the state checks, so that of two concurrent confirmations the second is told
    // plainly that the unit is gone.
    let given = state
        .administrations
        .values()
        .any(|administration| administration.unit_id == unit.id);
    if given || unit.status == UnitStatus::Administered {
        return Err(ClinicalError::AlreadyAdministered(unit.label()));
    }
    let patient = patient(state, new.patient_id)?;
    if new.reactions.len() > MAX_REACTIONS {
        return Err(ClinicalError::BadList(format!(
            "at most {MAX_REACTIONS} reactions"
        )));
    }
    not_in_future(new.started_at, now, "the start")?;
    not_in_future(new.ended_at, now, "the end")?;
    if new.ended_at < new.started_at {
        return Err(ClinicalError::EndBeforeStart);
    }
    if new.cells > unit.cells {
        return Err(ClinicalError::ExceedsUnit("the cell count"));
    }
    if new.volume > unit.volume {
        return Err(ClinicalError::ExceedsUnit("the volume"));
    }
    let check_id = accepted_check(state, unit, new.patient_id, new.started_at, policy)?;
    still_usable(state, unit, new.started_at, policy)?;
    let allocation = state
        .allocations
        .get(&unit.id)
        .ok_or_else(|| ClinicalError::NotAllocated(unit.label()))?;
    if allocation.patient_id != new.patient_id {
        return Err(ClinicalError::WrongPatient(unit.label()));
    }
    let order = state
        .orders
        .get(&allocation.order_id)
        .ok_or_else(|| unknown("order", allocation.order_id))?;
    if order.status != OrderStatus::Active {
        return Err(ClinicalError::OrderNotActive {
            order: order.id.to_string(),
            status: order.status.as_str(),
        });
    }
    let weight = patient
        .latest_weight()
        .ok_or_else(|| ClinicalError::NoWeight(patient.key.as_str().to_owned()))?;
    Ok(vec![Event::UnitAdministered(UnitAdministered {
        administration_id: new.administration_id,
        unit_id: unit.id,
        lot_id: unit.lot_id,
        patient_id: new.patient_id,
        order_id: order.id,
        check_id,
        started_at: new.started_at,
        ended_at: new.ended_at,
        volume: new.volume,
        cells: new.cells,
        weight: weight.weight,
        cells_per_kg: cells_per_kg(new.cells.get(), weight.weight.value().inner()),
        reactions: new.reactions,
    })])
}

/// The latest check of the unit, if it was accepted for this patient within the window.
fn accepted_check(
    state: &State,
    unit: &Unit,
    patient_id: PatientId,
    started_at: Timestamp,
    policy: &BedsidePolicy,
) -> Result<crate::ids::BedsideCheckId, ClinicalError> {
    let check = state
        .bedside_checks
        .get(&unit.id)
        .filter(|check| check.accepted)
        .ok_or_else(|| ClinicalError::NoAcceptedCheck(unit.label()))?;
    if check.patient_id != Some(patient_id) {
        return Err(ClinicalError::CheckForAnotherPatient(unit.label()));
    }
    let skew = chrono::Duration::seconds(CLOCK_SKEW_SECONDS);
    let before_start = check.checked_at <= started_at.plus(skew);
    let recent = started_at <= check.checked_at.plus(policy.check_valid_for);
    if !(before_start && recent) {
        return Err(ClinicalError::CheckExpired {
            unit: unit.label(),
            minutes: policy.check_valid_for.num_minutes(),
        });
    }
    Ok(check.check_id)
}

/// The unit, its lot and its donors still allow infusion at `started_at`, within the thaw window.
fn still_usable(
    state: &State,
    unit: &Unit,
    started_at: Timestamp,
    policy: &BedsidePolicy,
) -> Result<(), ClinicalError> {
    if unit.status != UnitStatus::Released {
        return Err(ClinicalError::UnitNotReleased {
            unit: unit.label(),
            status: unit.status.as_str(),
        });
    }
    let lot = state
        .lots
        .get(&unit.lot_id)
        .ok_or_else(|| unknown("lot", unit.lot_id))?;
    if lot.status != LotStatus::Released {
        return Err(ClinicalError::LotNotReleased {
            lot: lot.code.as_str().to_owned(),
            status: lot.status.as_str(),
        });
    }
    if unit.expires_at <= started_at {
        return Err(ClinicalError::UnitExpired(unit.label()));
    }
    let unusable = lot
        .donors
        .iter()
        .find(|donor_id| !state.donors.get(donor_id).is_some_and(donor_usable));
    if let Some(donor_id) = unusable {
        let key = state
            .donors
            .get(donor_id)
            .map_or_else(|| donor_id.to_string(), |d| d.key.as_str().to_owned());
        return Err(ClinicalError::DonorNotEligible(key));
    }
    let thaw = state
        .thaws
        .get(&unit.id)
        .ok_or_else(|| ClinicalError::NotThawed(unit.label()))?;
    let use_by = thaw.use_by.min(thaw.thawed_at.plus(policy.thaw_window));
    if started_at > use_by {
        return Err(ClinicalError::ThawWindowExceeded(unit.label()));
    }
    Ok(())
}
