//! Order, allocation and thaw events.

use chrono::NaiveDate;

use crate::clinical::order::{
    Allocation, Cancellation, InfusionSchedule, Order, OrderStatus, Route, Thaw,
};
use crate::event::{EventMeta, EventPayload};
use crate::ids::{OrderId, PatientId, UnitId};
use crate::state::{ApplyError, State};
use crate::subject::{Subject, SubjectKind};
use crate::time::Timestamp;
use crate::values::{DosePerKg, Narrative};

use super::{actor_user, duplicate, missing, payload, subject};

payload!(
    /// A clinician signed an order.
    OrderPlaced {
        /// The order.
        order_id: OrderId,
        /// The patient.
        patient_id: PatientId,
        /// Dose per kg of body weight.
        dose_per_kg: DosePerKg,
        /// Infusion days.
        schedule: InfusionSchedule,
        /// Route.
        route: Route,
        /// Planned date of day 0.
        starts_on: NaiveDate,
    }
);

impl EventPayload for OrderPlaced {
    fn subjects(&self) -> Vec<Subject> {
        vec![
            subject(SubjectKind::Order, self.order_id),
            subject(SubjectKind::Patient, self.patient_id),
        ]
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        if state.orders.contains_key(&self.order_id) {
            return Err(duplicate("order", self.order_id));
        }
        if !state.patients.contains_key(&self.patient_id) {
            return Err(missing("patient", self.patient_id));
        }
        state.orders.insert(
            self.order_id,
            Order {
                id: self.order_id,
                patient_id: self.patient_id,
                dose_per_kg: self.dose_per_kg,
                schedule: self.schedule.clone(),
                route: self.route,
                starts_on: self.starts_on,
                ordered_by: actor_user(meta)?,
                ordered_at: meta.recorded_at,
                status: OrderStatus::Active,
                administrations: Vec::new(),
                cancellation: None,
            },
        );
        Ok(())
    }
}

payload!(
    /// A clinician cancelled an order; its units not yet given were released from it.
    OrderCancelled {
        /// The order.
        order_id: OrderId,
        /// The patient.
        patient_id: PatientId,
        /// Why.
        reason: Narrative,
        /// Units that were allocated to it and are free again.
        released_units: Vec<UnitId>,
    }
);

impl EventPayload for OrderCancelled {
    fn subjects(&self) -> Vec<Subject> {
        let mut subjects = vec![
            subject(SubjectKind::Order, self.order_id),
            subject(SubjectKind::Patient, self.patient_id),
        ];
        subjects.extend(
            self.released_units
                .iter()
                .map(|unit_id| subject(SubjectKind::Unit, unit_id)),
        );
        subjects
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        let cancelled_by = actor_user(meta)?;
        let order = state
            .orders
            .get_mut(&self.order_id)
            .ok_or_else(|| missing("order", self.order_id))?;
        order.status = OrderStatus::Cancelled;
        order.cancellation = Some(Cancellation {
            reason: self.reason.clone(),
            cancelled_by,
            cancelled_at: meta.recorded_at,
        });
        for unit_id in &self.released_units {
            state
                .allocations
                .remove(unit_id)
                .ok_or_else(|| missing("allocation", unit_id))?;
        }
        Ok(())
    }
}

payload!(
    /// A released unit was allocated to an order.
    UnitAllocated {
        /// The unit.
        unit_id: UnitId,
        /// The order.
        order_id: OrderId,
        /// The order's patient.
        patient_id: PatientId,
    }
);

impl EventPayload for UnitAllocated {
    fn subjects(&self) -> Vec<Subject> {
        vec![
            subject(SubjectKind::Unit, self.unit_id),
            subject(SubjectKind::Order, self.order_id),
            subject(SubjectKind::Patient, self.patient_id),
        ]
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        if state.allocations.contains_key(&self.unit_id) {
            return Err(duplicate("allocation", self.unit_id));
        }
        if !state.units.contains_key(&self.unit_id) {
            return Err(missing("unit", self.unit_id));
        }
        if !state.orders.contains_key(&self.order_id) {
            return Err(missing("order", self.order_id));
        }
        state.allocations.insert(
            self.unit_id,
            Allocation {
                unit_id: self.unit_id,
                order_id: self.order_id,
                patient_id: self.patient_id,
                allocated_by: actor_user(meta)?,
                allocated_at: meta.recorded_at,
            },
        );
        Ok(())
    }
}

payload!(
    /// A unit was taken back from its order (damaged, no longer needed).
    UnitDeallocated {
        /// The unit.
        unit_id: UnitId,
        /// The order it was allocated to.
        order_id: OrderId,
        /// Why.
        reason: Narrative,
    }
);

impl EventPayload for UnitDeallocated {
    fn subjects(&self) -> Vec<Subject> {
        vec![
            subject(SubjectKind::Unit, self.unit_id),
            subject(SubjectKind::Order, self.order_id),
        ]
    }

    fn apply(&self, state: &mut State, _meta: &EventMeta) -> Result<(), ApplyError> {
        state
            .allocations
            .remove(&self.unit_id)
            .ok_or_else(|| missing("allocation", self.unit_id))?;
        Ok(())
    }
}

payload!(
    /// An allocated unit was thawed.
    UnitThawed {
        /// The unit.
        unit_id: UnitId,
        /// The order it is allocated to.
        order_id: OrderId,
        /// When thawing finished.
        thawed_at: Timestamp,
        /// The post-thaw use-by time (thaw time plus the policy's window).
        use_by: Timestamp,
    }
);

impl EventPayload for UnitThawed {
    fn subjects(&self) -> Vec<Subject> {
        vec![
            subject(SubjectKind::Unit, self.unit_id),
            subject(SubjectKind::Order, self.order_id),
        ]
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        if state.thaws.contains_key(&self.unit_id) {
            return Err(duplicate("thaw", self.unit_id));
        }
        if !state.units.contains_key(&self.unit_id) {
            return Err(missing("unit", self.unit_id));
        }
        state.thaws.insert(
            self.unit_id,
            Thaw {
                unit_id: self.unit_id,
                thawed_at: self.thawed_at,
                use_by: self.use_by,
                recorded_by: actor_user(meta)?,
            },
        );
        Ok(())
    }
}
