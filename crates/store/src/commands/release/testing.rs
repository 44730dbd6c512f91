//! Testing a lot: beginning, recording and invalidating results, closing investigations.

use cordtrace_domain::ids::{InvestigationId, LotId, SpecificationId, TestResultId};
use cordtrace_domain::release::commands::{
    NewResult, begin_testing, close_investigation, invalidate_result, record_result,
};
use cordtrace_domain::signature::Signature;
use cordtrace_domain::values::Narrative;
use cordtrace_domain::{Event, Refusal, State};
use sea_orm::DatabaseTransaction;

use crate::commands::load;
use crate::error::CommandError;
use crate::executor::{Command, CommandContext, Decision};
use crate::projection::release::{
    InvestigationFilter, ResultFilter, SpecificationFilter, load_investigations, load_lot_testing,
    load_results, load_specifications,
};

/// Adds `lot_id`, its donors and its testing record (if any) to the state.
async fn lot_with_testing(
    txn: &DatabaseTransaction,
    state: &mut State,
    lot_id: LotId,
) -> Result<(), CommandError> {
    load::lots_with_donors(txn, state, vec![lot_id]).await?;
    state
        .lot_testing
        .extend(load_lot_testing(txn, Some(vec![lot_id])).await?);
    Ok(())
}

/// An analyst (or QA) begins testing a lot in QUARANTINE against the specification in effect
/// today; the lot keeps that version.
pub struct BeginTesting {
    /// The lot.
    pub lot_id: LotId,
}

impl Command for BeginTesting {
    type Output = SpecificationId;
    const NAME: &'static str = "begin_testing";

    async fn decide(
        self,
        context: &CommandContext<'_>,
    ) -> Result<Decision<SpecificationId>, CommandError> {
        let mut state = State::default();
        lot_with_testing(context.txn, &mut state, self.lot_id).await?;
        if let Some(lot) = state.lots.get(&self.lot_id) {
            state.specifications =
                load_specifications(context.txn, SpecificationFilter::Kind(lot.kind)).await?;
        }
        let events = begin_testing(&state, &context.actor, self.lot_id, context.now)
            .map_err(Refusal::from)?;
        let specification_id = events
            .iter()
            .find_map(|event| match event {
                Event::TestingStarted(started) => Some(started.specification_id),
                _ => None,
            })
            .ok_or_else(|| CommandError::Corrupt("testing began without an event".to_owned()))?;
        Ok(Decision::new(state, events, specification_id))
    }
}

/// What recording a result made: the result, and the investigation a failed required test
/// opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordedResult {
    /// The result.
    pub result_id: TestResultId,
    /// The out-of-specification investigation, if the result failed a required test.
    pub investigation_id: Option<InvestigationId>,
}

/// An analyst records a result for a lot under test; it is evaluated at once.
pub struct RecordResult {
    /// The result as entered, with the ids to use.
    pub new: NewResult,
}

impl Command for RecordResult {
    type Output = RecordedResult;
    const NAME: &'static str = "record_result";

    async fn decide(
        self,
        context: &CommandContext<'_>,
    ) -> Result<Decision<RecordedResult>, CommandError> {
        let txn = context.txn;
        let lot_id = self.new.lot_id;
        let mut state = State::default();
        lot_with_testing(txn, &mut state, lot_id).await?;
        if let Some(testing) = state.lot_testing.get(&lot_id) {
            state.specifications = load_specifications(
                txn,
                SpecificationFilter::Ids(vec![testing.specification_id]),
            )
            .await?;
            state.test_results = load_results(txn, ResultFilter::Lots(vec![lot_id])).await?;
        }
        let result_id = self.new.result_id;
        let events =
            record_result(&state, &context.actor, self.new, context.now).map_err(Refusal::from)?;
        let investigation_id = events.iter().find_map(|event| match event {
            Event::InvestigationOpened(opened) => Some(opened.investigation_id),
            _ => None,
        });
        let output = RecordedResult {
            result_id,
            investigation_id,
        };
        Ok(Decision::new(state, events, output))
    }
}

/// QA invalidates a result, with a reason and a signature; a retest may follow.
pub struct InvalidateResult {
    /// The result.
    pub result_id: TestResultId,
    /// Why it does not stand.
    pub reason: Narrative,
    /// The re-checked signature.
    pub signature: Signature,
}

impl Command for InvalidateResult {
    type Output = ();
    const NAME: &'static str = "invalidate_result";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let txn = context.txn;
        let mut state = State {
            test_results: load_results(txn, ResultFilter::Ids(vec![self.result_id])).await?,
            ..State::default()
        };
        if let Some(result) = state.test_results.get(&self.result_id) {
            let lot_id = result.lot_id;
            lot_with_testing(txn, &mut state, lot_id).await?;
        }
        let events = invalidate_result(
            &state,
            &context.actor,
            self.result_id,
            self.reason,
            &self.signature,
        )
        .map_err(Refusal::from)?;
        let signature = load::signature(txn, context.actor, self.signature, context.now).await?;
        Ok(Decision::new(state, events, ()).signed(signature))
    }
}

/// QA closes an out-of-specification investigation with a conclusion and a signature.
pub struct CloseInvestigation {
    /// The investigation.
    pub investigation_id: InvestigationId,
    /// What it concluded.
    pub conclusion: Narrative,
    /// The re-checked signature.
    pub signature: Signature,
}

impl Command for CloseInvestigation {
    type Output = ();
    const NAME: &'static str = "close_investigation";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let txn = context.txn;
        let mut state = State {
            investigations: load_investigations(
                txn,
                InvestigationFilter::Ids(vec![self.investigation_id]),
            )
            .await?,
            ..State::default()
        };
        // The closure's entry touches the lot, whose row is saved with it.
        let lots: Vec<LotId> = state.investigations.values().map(|i| i.lot_id).collect();
        load::lots_with_donors(txn, &mut state, lots).await?;
        let events = close_investigation(
            &state,
            &context.actor,
            self.investigation_id,
            self.conclusion,
            &self.signature,
        )
        .map_err(Refusal::from)?;
        let signature = load::signature(txn, context.actor, self.signature, context.now).await?;
        Ok(Decision::new(state, events, ()).signed(signature))
    }
}
