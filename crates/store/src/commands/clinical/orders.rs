//! Orders (signed), cancellation, allocation of released units, deallocation and thaw.

use cordtrace_domain::clinical::commands::orders::{self, NewOrder};
use cordtrace_domain::ids::{OrderId, UnitId};
use cordtrace_domain::signature::Signature;
use cordtrace_domain::values::Narrative;
use cordtrace_domain::{Refusal, State, Timestamp};

use super::ClinicalPolicy;
use super::load as clinical_load;
use crate::commands::load;
use crate::error::CommandError;
use crate::executor::{Command, CommandContext, Decision};
use crate::projection::units::UnitFilter;

/// A clinician places an order, signed (AUTHORSHIP or APPROVAL).
pub struct PlaceOrder {
    /// The order as entered, with its new id.
    pub order: NewOrder,
    /// The re-checked signature.
    pub signature: Signature,
}

impl Command for PlaceOrder {
    type Output = ();
    const NAME: &'static str = "place_order";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let mut state = State::default();
        clinical_load::patients(context.txn, &mut state, [self.order.patient_id]).await?;
        let events = orders::place(&state, &context.actor, &self.signature, self.order)
            .map_err(Refusal::from)?;
        let signature =
            load::signature(context.txn, context.actor, self.signature, context.now).await?;
        Ok(Decision::new(state, events, ()).signed(signature))
    }
}

/// Cancels an active order; its units not yet given are released from it.
pub struct CancelOrder {
    /// The order.
    pub order_id: OrderId,
    /// Why.
    pub reason: Narrative,
}

impl Command for CancelOrder {
    type Output = ();
    const NAME: &'static str = "cancel_order";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let mut state = State::default();
        clinical_load::order(context.txn, &mut state, self.order_id).await?;
        // The domain keeps administered units' allocations, so it must see every unit's status.
        let allocated: Vec<UnitId> = state.allocations.keys().copied().collect();
        clinical_load::units_with_records(context.txn, &mut state, UnitFilter::Ids(allocated))
            .await?;
        let events = orders::cancel(&state, &context.actor, self.order_id, self.reason)
            .map_err(Refusal::from)?;
        Ok(Decision::new(state, events, ()))
    }
}

/// Allocates a released unit to an active order.
pub struct AllocateUnit {
    /// The order.
    pub order_id: OrderId,
    /// The unit.
    pub unit_id: UnitId,
}

impl Command for AllocateUnit {
    type Output = ();
    const NAME: &'static str = "allocate_unit";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let mut state = State::default();
        clinical_load::order(context.txn, &mut state, self.order_id).await?;
        clinical_load::unit(context.txn, &mut state, self.unit_id).await?;
        let events = orders::allocate(
            &state,
            &context.actor,
            self.order_id,
            self.unit_id,
            context.now,
        )
        .map_err(Refusal::from)?;
        Ok(Decision::new(state, events, ()))
    }
}

/// Takes a unit not yet given back from its order.
pub struct DeallocateUnit {
    /// The unit.
    pub unit_id: UnitId,
    /// Why.
    pub reason: Narrative,
}

impl Command for DeallocateUnit {
    type Output = ();
    const NAME: &'static str = "deallocate_unit";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let mut state = State::default();
        clinical_load::unit(context.txn, &mut state, self.unit_id).await?;
        let events = orders::deallocate(&state, &context.actor, self.unit_id, self.reason)
            .map_err(Refusal::from)?;
        Ok(Decision::new(state, events, ()))
    }
}

/// Records that an allocated unit was thawed; its post-thaw use-by time is fixed now.
pub struct ThawUnit {
    /// The unit.
    pub unit_id: UnitId,
    /// When thawing finished.
    pub thawed_at: Timestamp,
    /// The thaw window in force.
    pub policy: ClinicalPolicy,
}

impl Command for ThawUnit {
    type Output = ();
    const NAME: &'static str = "thaw_unit";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let mut state = State::default();
        clinical_load::unit(context.txn, &mut state, self.unit_id).await?;
        let events = orders::thaw(
            &state,
            &context.actor,
            self.unit_id,
            self.thawed_at,
            &self.policy.bedside(context.now),
            context.now,
        )
        .map_err(Refusal::from)?;
        Ok(Decision::new(state, events, ()))
    }
}
