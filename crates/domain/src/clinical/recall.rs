//! Recalls: what a recall changes, and the record of one.
//!
//! Downstream of the source, a lot goes RECALLED when it was RELEASED (or ON_HOLD from
//! RELEASED), ON_HOLD when it was IN_PROCESS or QUARANTINE, and stays as it is otherwise
//! (already ON_HOLD from before release, REJECTED, RECALLED, EXPIRED, DESTROYED); every move is
//! checked with [`LotStatus::may_become`]. A unit not yet administered follows: RELEASED goes
//! RECALLED, QUARANTINE goes ON_HOLD, ON_HOLD goes RECALLED when its lot ends up RECALLED; an
//! administered, rejected, recalled, expired or destroyed unit is left alone (administered
//! units are what the patients to contact are about).

use crate::ids::{LotId, PatientId, RecallId, UnitId, UserId};
use crate::manufacturing::{Lot, LotStatus, Unit, UnitStatus};
use crate::time::Timestamp;
use crate::values::Narrative;

use super::lookback::LookbackSource;

/// A recall on record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recall {
    /// Identity.
    pub id: RecallId,
    /// Where it started.
    pub source: LookbackSource,
    /// Why.
    pub reason: Narrative,
    /// Lots whose status it changed.
    pub lots: Vec<LotId>,
    /// Units whose status it changed.
    pub units: Vec<UnitId>,
    /// Patients to contact.
    pub patients: Vec<PatientId>,
    /// The QA signer.
    pub initiated_by: UserId,
    /// When.
    pub initiated_at: Timestamp,
}

/// The status a recall moves `lot` to, if any.
pub fn lot_target(lot: &Lot) -> Option<LotStatus> {
    let target = match (lot.status, lot.held_from) {
        (LotStatus::Released, _) | (LotStatus::OnHold, Some(LotStatus::Released)) => {
            LotStatus::Recalled
        }
        (LotStatus::InProcess | LotStatus::Quarantine, _) => LotStatus::OnHold,
        _ => return None,
    };
    lot.status
        .may_become(target, lot.held_from)
        .then_some(target)
}

/// The status a recall moves `unit` to, given its lot's status after the recall.
pub fn unit_target(unit: &Unit, lot_status_after: Option<LotStatus>) -> Option<UnitStatus> {
    match unit.status {
        UnitStatus::Released => Some(UnitStatus::Recalled),
        UnitStatus::Quarantine => Some(UnitStatus::OnHold),
        UnitStatus::OnHold if lot_status_after == Some(LotStatus::Recalled) => {
            Some(UnitStatus::Recalled)
        }
        _ => None,
    }
}
