//! Orders, allocation of released units to them, and thaw.

use chrono::NaiveDate;

use crate::actor::Actor;
use crate::clinical::bedside::BedsidePolicy;
use crate::clinical::error::{ClinicalError, unknown};
use crate::clinical::events::{
    OrderCancelled, OrderPlaced, UnitAllocated, UnitDeallocated, UnitThawed,
};
use crate::clinical::order::{InfusionSchedule, Order, OrderStatus, Route};
use crate::event::Event;
use crate::ids::{OrderId, PatientId, UnitId};
use crate::manufacturing::{LotStatus, Unit, UnitStatus};
use crate::role::Role;
use crate::signature::{Meaning, Signature};
use crate::state::State;
use crate::time::Timestamp;
use crate::values::{DosePerKg, Narrative};

use super::{acting_user, check_signature, not_in_future, patient, unit};

/// An order as the prescriber entered it.
#[derive(Clone, Debug)]
pub struct NewOrder {
    /// The id the store generated.
    pub order_id: OrderId,
    /// The patient.
    pub patient_id: PatientId,
    /// Dose per kg ([`DosePerKg::STANDARD`] unless the prescriber chose another).
    pub dose_per_kg: DosePerKg,
    /// Infusion days.
    pub schedule: InfusionSchedule,
    /// Route.
    pub route: Route,
    /// Planned date of day 0.
    pub starts_on: NaiveDate,
}

fn order(state: &State, order_id: OrderId) -> Result<&Order, ClinicalError> {
    state
        .orders
        .get(&order_id)
        .ok_or_else(|| unknown("order", order_id))
}

fn active(order: &Order) -> Result<(), ClinicalError> {
    if order.status == OrderStatus::Active {
        Ok(())
    } else {
        Err(ClinicalError::OrderNotActive {
            order: order.id.to_string(),
            status: order.status.as_str(),
        })
    }
}

/// A clinician signs an order (meaning AUTHORSHIP or APPROVAL: the prescriber writes it and
/// answers for it).
pub fn place(
    state: &State,
    actor: &Actor,
    signature: &Signature,
    new: NewOrder,
) -> Result<Vec<Event>, ClinicalError> {
    let prescriber = acting_user(actor, &[Role::Clinician], "clinician")?;
    check_signature(
        prescriber,
        signature,
        &[Meaning::Authorship, Meaning::Approval],
        "AUTHORSHIP or APPROVAL",
    )?;
    patient(state, new.patient_id)?;
    Ok(vec![Event::OrderPlaced(OrderPlaced {
        order_id: new.order_id,
        patient_id: new.patient_id,
        dose_per_kg: new.dose_per_kg,
        schedule: new.schedule,
        route: new.route,
        starts_on: new.starts_on,
    })])
}

/// Cancels an active order; its units not yet given are released from it. The state must hold
/// the order's allocations.
pub fn cancel(
    state: &State,
    actor: &Actor,
    order_id: OrderId,
    reason: Narrative,
) -> Result<Vec<Event>, ClinicalError> {
    acting_user(actor, &[Role::Clinician], "clinician")?;
    let order = order(state, order_id)?;
    active(order)?;
    let released_units = state
        .allocations
        .values()
        .filter(|allocation| allocation.order_id == order_id)
        .filter(|allocation| {
            state
                .units
                .get(&allocation.unit_id)
                .is_none_or(|unit| unit.status != UnitStatus::Administered)
        })
        .map(|allocation| allocation.unit_id)
        .collect();
    Ok(vec![Event::OrderCancelled(OrderCancelled {
        order_id,
        patient_id: order.patient_id,
        reason,
        released_units,
    })])
}

/// The unit and its lot are RELEASED and the unit has not expired.
fn usable(state: &State, unit: &Unit, now: Timestamp) -> Result<(), ClinicalError> {
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
    if unit.expires_at <= now {
        return Err(ClinicalError::UnitExpired(unit.label()));
    }
    for donor_id in &lot.donors {
        let donor = state
            .donors
            .get(donor_id)
            .ok_or_else(|| unknown("donor", donor_id))?;
        if !crate::clinical::bedside::donor_usable(donor) {
            return Err(ClinicalError::DonorNotEligible(
                donor.key.as_str().to_owned(),
            ));
        }
    }
    Ok(())
}

/// Allocates a RELEASED unit to an active order: not allocated elsewhere, not thawed, every
/// donor of its lot ELIGIBLE with consent standing, and no more units than scheduled infusions.
/// The state must hold the order, its allocations, the unit, its lot, the lot's donors and the
/// unit's allocation and thaw.
pub fn allocate(
    state: &State,
    actor: &Actor,
    order_id: OrderId,
    unit_id: UnitId,
    now: Timestamp,
) -> Result<Vec<Event>, ClinicalError> {
    acting_user(
        actor,
        &[Role::Clinician, Role::Technician],
        "clinician or technician",
    )?;
    let order = order(state, order_id)?;
    active(order)?;
    let unit = unit(state, unit_id)?;
    if state.allocations.contains_key(&unit_id) {
        return Err(ClinicalError::AlreadyAllocated(unit.label()));
    }
    usable(state, unit, now)?;
    if state.thaws.contains_key(&unit_id) {
        return Err(ClinicalError::AlreadyThawed(unit.label()));
    }
    let allocated = state
        .allocations
        .values()
        .filter(|allocation| allocation.order_id == order_id)
        .count();
    let remaining = order
        .schedule
        .infusions()
        .saturating_sub(order.administrations.len());
    let pending = allocated.saturating_sub(order.administrations.len());
    if pending >= remaining {
        return Err(ClinicalError::OrderFullyAllocated {
            order: order_id.to_string(),
            infusions: order.schedule.infusions(),
        });
    }
    Ok(vec![Event::UnitAllocated(UnitAllocated {
        unit_id,
        order_id,
        patient_id: order.patient_id,
    })])
}

/// Takes a unit not yet given back from its order.
pub fn deallocate(
    state: &State,
    actor: &Actor,
    unit_id: UnitId,
    reason: Narrative,
) -> Result<Vec<Event>, ClinicalError> {
    acting_user(
        actor,
        &[Role::Clinician, Role::Technician],
        "clinician or technician",
    )?;
    let unit = unit(state, unit_id)?;
    let allocation = state
        .allocations
        .get(&unit_id)
        .ok_or_else(|| ClinicalError::NotAllocated(unit.label()))?;
    if unit.status == UnitStatus::Administered {
        return Err(ClinicalError::AlreadyAdministered(unit.label()));
    }
    Ok(vec![Event::UnitDeallocated(UnitDeallocated {
        unit_id,
        order_id: allocation.order_id,
        reason,
    })])
}

/// Records that an allocated, RELEASED unit was thawed at `thawed_at`; its use-by is fixed from
/// the policy's thaw window.
pub fn thaw(
    state: &State,
    actor: &Actor,
    unit_id: UnitId,
    thawed_at: Timestamp,
    policy: &BedsidePolicy,
    now: Timestamp,
) -> Result<Vec<Event>, ClinicalError> {
    acting_user(
        actor,
        &[Role::Clinician, Role::Technician],
        "clinician or technician",
    )?;
    let unit = unit(state, unit_id)?;
    if unit.status != UnitStatus::Released {
        return Err(ClinicalError::UnitNotReleased {
            unit: unit.label(),
            status: unit.status.as_str(),
        });
    }
    let allocation = state
        .allocations
        .get(&unit_id)
        .ok_or_else(|| ClinicalError::NotAllocated(unit.label()))?;
    if state.thaws.contains_key(&unit_id) {
        return Err(ClinicalError::AlreadyThawed(unit.label()));
    }
    not_in_future(thawed_at, now, "the thaw time")?;
    if thawed_at < unit.cryopreserved_at {
        return Err(ClinicalError::EndBeforeStart);
    }
    Ok(vec![Event::UnitThawed(UnitThawed {
        unit_id,
        order_id: allocation.order_id,
        thawed_at,
        use_by: thawed_at.plus(policy.thaw_window),
    })])
}
