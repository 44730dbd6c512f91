//! Processing step commands.

use std::collections::BTreeMap;

use cordtrace_domain::ids::{LotId, StepId};
use cordtrace_domain::manufacturing::commands::steps::{self, OutputSpec, StepInput};
use cordtrace_domain::manufacturing::{CellBankLevel, LotCode, LotKind, Measurement};
use cordtrace_domain::{Refusal, State, Timestamp};

use crate::commands::load;
use crate::error::CommandError;
use crate::executor::{Command, CommandContext, Decision};
use crate::projection::lots::last_code_sequence;
use crate::projection::steps::{StepFilter, load as load_steps};

/// A lot the step will make, before its code is assigned.
#[derive(Clone, Debug)]
pub struct OutputRequest {
    /// Its id.
    pub lot_id: LotId,
    /// Its kind.
    pub kind: LotKind,
    /// For cell banks.
    pub bank_level: Option<CellBankLevel>,
}

/// Records a step; the lots it makes get codes from their kind's yearly sequence.
pub struct RecordStep {
    /// The step, with `outputs` left empty.
    pub input: StepInput,
    /// The lots it makes.
    pub outputs: Vec<OutputRequest>,
}

impl Command for RecordStep {
    type Output = Vec<(LotId, LotCode)>;
    const NAME: &'static str = "record_step";

    async fn decide(
        mut self,
        context: &CommandContext<'_>,
    ) -> Result<Decision<Self::Output>, CommandError> {
        let year = load::year_2digit(context.now);
        let mut next: BTreeMap<LotKind, u32> = BTreeMap::new();
        for output in self.outputs {
            let sequence = match next.get(&output.kind) {
                Some(last) => last + 1,
                None => {
                    last_code_sequence(context.txn, &LotCode::prefix(output.kind, year)).await? + 1
                }
            };
            next.insert(output.kind, sequence);
            self.input.outputs.push(OutputSpec {
                lot_id: output.lot_id,
                kind: output.kind,
                bank_level: output.bank_level,
                code: LotCode::new(output.kind, year, sequence),
            });
        }
        let codes = self
            .input
            .outputs
            .iter()
            .map(|o| (o.lot_id, o.code.clone()))
            .collect();
        let mut state = State::default();
        load::donations(
            context.txn,
            &mut state,
            self.input.donation.into_iter().collect(),
        )
        .await?;
        load::lots_with_donors(context.txn, &mut state, self.input.inputs.clone()).await?;
        load::equipment_and_materials(
            context.txn,
            &mut state,
            self.input.equipment.clone(),
            self.input.material_lots.clone(),
        )
        .await?;
        let events = steps::record(&state, &context.actor, self.input, context.now)
            .map_err(Refusal::from)?;
        Ok(Decision::new(state, events, codes))
    }
}

/// Completes an open step.
pub struct CompleteStep {
    /// The step.
    pub step_id: StepId,
    /// When it ended.
    pub ended_at: Timestamp,
    /// Measurements taken at the end.
    pub measurements: Vec<Measurement>,
}

impl Command for CompleteStep {
    type Output = ();
    const NAME: &'static str = "complete_step";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let mut state = State::default();
        state
            .steps
            .extend(load_steps(context.txn, StepFilter::Ids(vec![self.step_id])).await?);
        let lots: Vec<LotId> = state.steps.values().flat_map(|s| s.lots()).collect();
        load::lots_with_donors(context.txn, &mut state, lots).await?;
        let events = steps::complete(
            &state,
            &context.actor,
            self.step_id,
            self.ended_at,
            self.measurements,
            context.now,
        )
        .map_err(Refusal::from)?;
        Ok(Decision::new(state, events, ()))
    }
}
