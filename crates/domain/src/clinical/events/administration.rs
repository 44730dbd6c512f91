//! The administration event: a unit given to a patient, signed with meaning RESPONSIBILITY.

use crate::clinical::administration::Administration;
use crate::clinical::order::OrderStatus;
use crate::event::{EventMeta, EventPayload};
use crate::ids::{AdministrationId, BedsideCheckId, LotId, OrderId, PatientId, UnitId};
use crate::manufacturing::UnitStatus;
use crate::state::{ApplyError, State};
use crate::subject::{Subject, SubjectKind};
use crate::time::Timestamp;
use crate::values::{CellCount, Kilograms, Label, Millilitres};

use super::{actor_user, duplicate, missing, payload, subject};

payload!(
    /// A unit was infused; it becomes ADMINISTERED.
    UnitAdministered {
        /// The administration.
        administration_id: AdministrationId,
        /// The unit.
        unit_id: UnitId,
        /// Its lot.
        lot_id: LotId,
        /// The patient.
        patient_id: PatientId,
        /// The order.
        order_id: OrderId,
        /// The accepted bedside check relied on.
        check_id: BedsideCheckId,
        /// Infusion start.
        started_at: Timestamp,
        /// Infusion end.
        ended_at: Timestamp,
        /// Volume infused.
        volume: Millilitres,
        /// Cells infused.
        cells: CellCount,
        /// The weight the dose was computed from.
        weight: Kilograms,
        /// Cells infused per kg.
        cells_per_kg: u64,
        /// Reactions observed.
        reactions: Vec<Label>,
    }
);

impl EventPayload for UnitAdministered {
    fn subjects(&self) -> Vec<Subject> {
        vec![
            subject(SubjectKind::Administration, self.administration_id),
            subject(SubjectKind::Unit, self.unit_id),
            subject(SubjectKind::Patient, self.patient_id),
            subject(SubjectKind::Order, self.order_id),
            subject(SubjectKind::Lot, self.lot_id),
        ]
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        let administered_by = actor_user(meta)?;
        if state.administrations.contains_key(&self.administration_id) {
            return Err(duplicate("administration", self.administration_id));
        }
        let unit = state
            .units
            .get_mut(&self.unit_id)
            .ok_or_else(|| missing("unit", self.unit_id))?;
        unit.status = UnitStatus::Administered;
        let order = state
            .orders
            .get_mut(&self.order_id)
            .ok_or_else(|| missing("order", self.order_id))?;
        order.administrations.push(self.administration_id);
        if order.administrations.len() >= order.schedule.infusions() {
            order.status = OrderStatus::Completed;
        }
        state.administrations.insert(
            self.administration_id,
            Administration {
                id: self.administration_id,
                unit_id: self.unit_id,
                lot_id: self.lot_id,
                patient_id: self.patient_id,
                order_id: self.order_id,
                check_id: self.check_id,
                started_at: self.started_at,
                ended_at: self.ended_at,
                volume: self.volume,
                cells: self.cells,
                weight: self.weight,
                cells_per_kg: self.cells_per_kg,
                reactions: self.reactions.clone(),
                administered_by,
                recorded_at: meta.recorded_at,
            },
        );
        Ok(())
    }
}
