//! Lot status changes and deviations.

use crate::actor::Actor;
use crate::event::Event;
use crate::ids::{DeviationId, LotId, StepId};
use crate::manufacturing::events::{
    DeviationAssessed, DeviationClosed, DeviationOpened, LotStatusChanged,
};
use crate::manufacturing::{Lot, LotStatus, ManufacturingError, Severity};
use crate::role::Role;
use crate::state::State;
use crate::values::Narrative;

use super::{acting_user, unknown};

/// A status change asked for by a person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LotAction {
    /// Processing is done: IN_PROCESS to QUARANTINE (technician; no open step).
    Complete,
    /// QA holds the lot pending investigation.
    Hold(Narrative),
    /// QA lifts a hold, back to the status held from.
    LiftHold(Narrative),
    /// QA discards a lot in process: IN_PROCESS to REJECTED.
    Discard(Narrative),
    /// QA records expiry.
    Expire,
    /// QA records destruction of a rejected, recalled or expired lot.
    Destroy(Narrative),
}

impl LotAction {
    fn name(&self) -> &'static str {
        match self {
            LotAction::Complete => "completing",
            LotAction::Hold(_) => "a hold",
            LotAction::LiftHold(_) => "lifting a hold",
            LotAction::Discard(_) => "discarding",
            LotAction::Expire => "expiry",
            LotAction::Destroy(_) => "destruction",
        }
    }
}

fn lot(state: &State, lot_id: LotId) -> Result<&Lot, ManufacturingError> {
    state
        .lots
        .get(&lot_id)
        .ok_or_else(|| unknown("lot", lot_id))
}

/// Moves a lot through the state machine; a refusal names the current state. The state must hold
/// the lot's steps (to see open ones).
pub fn change_status(
    state: &State,
    actor: &Actor,
    lot_id: LotId,
    action: LotAction,
) -> Result<Vec<Event>, ManufacturingError> {
    let lot = lot(state, lot_id)?;
    let (to, reason) = match &action {
        LotAction::Complete => {
            acting_user(actor, &[Role::Technician], "technician")?;
            let open = state
                .steps
                .values()
                .any(|step| step.ended_at.is_none() && step.lots().any(|id| id == lot_id));
            if open && lot.status == LotStatus::InProcess {
                return Err(ManufacturingError::OpenSteps(lot.code.as_str().to_owned()));
            }
            (LotStatus::Quarantine, None)
        }
        LotAction::Hold(reason) => {
            acting_user(actor, &[Role::Qa], "qa")?;
            (LotStatus::OnHold, Some(reason.clone()))
        }
        LotAction::LiftHold(reason) => {
            acting_user(actor, &[Role::Qa], "qa")?;
            let back = lot.held_from.unwrap_or(lot.status);
            (back, Some(reason.clone()))
        }
        LotAction::Discard(reason) => {
            acting_user(actor, &[Role::Qa], "qa")?;
            let to = if lot.status == LotStatus::InProcess {
                LotStatus::Rejected
            } else {
                LotStatus::Destroyed
            };
            if to == LotStatus::Destroyed {
                return Err(ManufacturingError::LotState {
                    lot: lot.code.as_str().to_owned(),
                    status: lot.status,
                    action: action.name(),
                });
            }
            (to, Some(reason.clone()))
        }
        LotAction::Expire => {
            acting_user(actor, &[Role::Qa], "qa")?;
            (LotStatus::Expired, None)
        }
        LotAction::Destroy(reason) => {
            acting_user(actor, &[Role::Qa], "qa")?;
            (LotStatus::Destroyed, Some(reason.clone()))
        }
    };
    let lifting = matches!(action, LotAction::LiftHold(_));
    let allowed = if lifting {
        lot.status == LotStatus::OnHold && lot.status.may_become(to, lot.held_from)
    } else {
        lot.status.may_become(to, lot.held_from)
    };
    if !allowed {
        return Err(ManufacturingError::LotState {
            lot: lot.code.as_str().to_owned(),
            status: lot.status,
            action: action.name(),
        });
    }
    Ok(vec![Event::LotStatusChanged(LotStatusChanged {
        lot_id,
        from: lot.status,
        to,
        reason,
    })])
}

/// A deviation as reported.
#[derive(Clone, Debug)]
pub struct NewDeviation {
    /// Its id.
    pub deviation_id: DeviationId,
    /// The lot.
    pub lot_id: LotId,
    /// The step, if any.
    pub step_id: Option<StepId>,
    /// Severity.
    pub severity: Severity,
    /// What happened.
    pub description: Narrative,
    /// The impact assessment, if already made.
    pub impact_assessment: Option<Narrative>,
}

/// Opens a deviation against a lot (and optionally one of its steps).
pub fn open_deviation(
    state: &State,
    actor: &Actor,
    new: NewDeviation,
) -> Result<Vec<Event>, ManufacturingError> {
    acting_user(actor, &[Role::Technician, Role::Qa], "technician or qa")?;
    let NewDeviation {
        deviation_id,
        lot_id,
        step_id,
        severity,
        description,
        impact_assessment,
    } = new;
    lot(state, lot_id)?;
    if let Some(step_id) = step_id {
        let step = state
            .steps
            .get(&step_id)
            .ok_or_else(|| unknown("step", step_id))?;
        if !step.lots().any(|id| id == lot_id) {
            return Err(ManufacturingError::BadList(format!(
                "step {step_id} did not touch that lot"
            )));
        }
    }
    Ok(vec![Event::DeviationOpened(DeviationOpened {
        deviation_id,
        lot_id,
        step_id,
        severity,
        description,
        impact_assessment,
    })])
}

/// Records the impact assessment of an open deviation.
pub fn assess_deviation(
    state: &State,
    actor: &Actor,
    deviation_id: DeviationId,
    impact_assessment: Narrative,
) -> Result<Vec<Event>, ManufacturingError> {
    acting_user(actor, &[Role::Technician, Role::Qa], "technician or qa")?;
    let deviation = state
        .deviations
        .get(&deviation_id)
        .ok_or_else(|| unknown("deviation", deviation_id))?;
    if !deviation.is_open() {
        return Err(ManufacturingError::DeviationClosed(
            deviation_id.to_string(),
        ));
    }
    Ok(vec![Event::DeviationAssessed(DeviationAssessed {
        deviation_id,
        lot_id: deviation.lot_id,
        impact_assessment,
    })])
}

/// QA closes a deviation (the caller binds the signature).
pub fn close_deviation(
    state: &State,
    actor: &Actor,
    deviation_id: DeviationId,
    conclusion: Narrative,
) -> Result<Vec<Event>, ManufacturingError> {
    acting_user(actor, &[Role::Qa], "qa")?;
    let deviation = state
        .deviations
        .get(&deviation_id)
        .ok_or_else(|| unknown("deviation", deviation_id))?;
    if !deviation.is_open() {
        return Err(ManufacturingError::DeviationClosed(
            deviation_id.to_string(),
        ));
    }
    if deviation.impact_assessment.is_none() {
        return Err(ManufacturingError::NoImpactAssessment(
            deviation_id.to_string(),
        ));
    }
    Ok(vec![Event::DeviationClosed(DeviationClosed {
        deviation_id,
        lot_id: deviation.lot_id,
        conclusion,
    })])
}
