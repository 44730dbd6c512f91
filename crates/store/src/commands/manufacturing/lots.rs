//! Lot status and deviation commands.

use cordtrace_domain::ids::{DeviationId, LotId};
use cordtrace_domain::manufacturing::commands::lots::{self, LotAction, NewDeviation};
use cordtrace_domain::signature::Signature;
use cordtrace_domain::values::Narrative;
use cordtrace_domain::{Refusal, State};

use crate::commands::load;
use crate::error::CommandError;
use crate::executor::{Command, CommandContext, Decision};
use crate::projection::deviations::{DeviationFilter, load as load_deviations};
use crate::projection::steps::{StepFilter, load as load_steps};

/// Moves a lot through its state machine.
pub struct ChangeLotStatus {
    /// The lot.
    pub lot_id: LotId,
    /// What to do.
    pub action: LotAction,
}

impl Command for ChangeLotStatus {
    type Output = ();
    const NAME: &'static str = "change_lot_status";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let mut state = State::default();
        load::lots_with_donors(context.txn, &mut state, vec![self.lot_id]).await?;
        state
            .steps
            .extend(load_steps(context.txn, StepFilter::Lots(vec![self.lot_id])).await?);
        let events = lots::change_status(&state, &context.actor, self.lot_id, self.action)
            .map_err(Refusal::from)?;
        Ok(Decision::new(state, events, ()))
    }
}

/// Opens a deviation.
pub struct OpenDeviation {
    /// The deviation as reported.
    pub new: NewDeviation,
}

impl Command for OpenDeviation {
    type Output = ();
    const NAME: &'static str = "open_deviation";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let mut state = State::default();
        load::lots_with_donors(context.txn, &mut state, vec![self.new.lot_id]).await?;
        if let Some(step_id) = self.new.step_id {
            state
                .steps
                .extend(load_steps(context.txn, StepFilter::Ids(vec![step_id])).await?);
        }
        let events =
            lots::open_deviation(&state, &context.actor, self.new).map_err(Refusal::from)?;
        Ok(Decision::new(state, events, ()))
    }
}

async fn deviation_state(
    context: &CommandContext<'_>,
    deviation_id: DeviationId,
) -> Result<State, CommandError> {
    let mut state = State::default();
    state
        .deviations
        .extend(load_deviations(context.txn, DeviationFilter::Ids(vec![deviation_id])).await?);
    let lots: Vec<LotId> = state.deviations.values().map(|d| d.lot_id).collect();
    load::lots_with_donors(context.txn, &mut state, lots).await?;
    Ok(state)
}

/// Records a deviation's impact assessment.
pub struct AssessDeviation {
    /// The deviation.
    pub deviation_id: DeviationId,
    /// The assessment.
    pub impact_assessment: Narrative,
}

impl Command for AssessDeviation {
    type Output = ();
    const NAME: &'static str = "assess_deviation";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let state = deviation_state(context, self.deviation_id).await?;
        let events = lots::assess_deviation(
            &state,
            &context.actor,
            self.deviation_id,
            self.impact_assessment,
        )
        .map_err(Refusal::from)?;
        Ok(Decision::new(state, events, ()))
    }
}

/// QA closes a deviation, signed.
pub struct CloseDeviation {
    /// The deviation.
    pub deviation_id: DeviationId,
    /// The conclusion.
    pub conclusion: Narrative,
    /// The re-checked signature.
    pub signature: Signature,
}

impl Command for CloseDeviation {
    type Output = ();
    const NAME: &'static str = "close_deviation";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let state = deviation_state(context, self.deviation_id).await?;
        let events =
            lots::close_deviation(&state, &context.actor, self.deviation_id, self.conclusion)
                .map_err(Refusal::from)?;
        let signature =
            load::signature(context.txn, context.actor, self.signature, context.now).await?;
        Ok(Decision::new(state, events, ()).signed(signature))
    }
}
