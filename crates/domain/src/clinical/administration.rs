//! Administrations of units to patients, and the latest bedside check of each unit.

use crate::ids::{AdministrationId, BedsideCheckId, LotId, OrderId, PatientId, UnitId, UserId};
use crate::time::Timestamp;
use crate::values::{CellCount, Kilograms, Label, Millilitres};

/// The most recent bedside check of a unit, accepted or refused.
///
/// A refusal replaces an earlier acceptance: administration needs the latest check of the unit to
/// be an accepted one for the same patient, so a mismatch found after an acceptance cannot be
/// stepped around by pointing at the older acceptance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LatestCheck {
    /// The check.
    pub check_id: BedsideCheckId,
    /// Whether it was accepted.
    pub accepted: bool,
    /// The patient the wristband resolved to, if any.
    pub patient_id: Option<PatientId>,
    /// When it was recorded (server clock).
    pub checked_at: Timestamp,
    /// Who scanned.
    pub checked_by: Option<UserId>,
}

/// One unit given to one patient. A unit is administered at most once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Administration {
    /// Identity.
    pub id: AdministrationId,
    /// The unit.
    pub unit_id: UnitId,
    /// The unit's lot.
    pub lot_id: LotId,
    /// The patient.
    pub patient_id: PatientId,
    /// The order it was given under.
    pub order_id: OrderId,
    /// The accepted bedside check it relied on.
    pub check_id: BedsideCheckId,
    /// Infusion start.
    pub started_at: Timestamp,
    /// Infusion end.
    pub ended_at: Timestamp,
    /// Volume infused.
    pub volume: Millilitres,
    /// Cells infused.
    pub cells: CellCount,
    /// The weight the dose was computed from (the latest at the time).
    pub weight: Kilograms,
    /// Cells infused per kilogram at that weight, rounded to a whole cell.
    pub cells_per_kg: u64,
    /// Infusion reactions observed (empty when none).
    pub reactions: Vec<Label>,
    /// The clinician who signed with meaning RESPONSIBILITY.
    pub administered_by: UserId,
    /// When it was recorded.
    pub recorded_at: Timestamp,
}
