//! Recall: QA, signed with meaning APPROVAL, from a donor, donation, material lot or lot.

use cordtrace_domain::clinical::commands::recall;
use cordtrace_domain::clinical::{LookbackSource, PatientExposure};
use cordtrace_domain::ids::{LotId, RecallId, UnitId};
use cordtrace_domain::signature::Signature;
use cordtrace_domain::values::Narrative;
use cordtrace_domain::{Event, Refusal, RefusalKind};

use crate::commands::load;
use crate::error::CommandError;
use crate::executor::{Command, CommandContext, Decision};
use crate::queries::clinical::lookback_state;

/// What a recall changed, and whom to contact.
#[derive(Clone, Debug)]
pub struct RecallOutcome {
    /// Lots whose status it changed.
    pub lots: Vec<LotId>,
    /// Units whose status it changed.
    pub units: Vec<UnitId>,
    /// Patients who received an affected unit, with their administrations and dates.
    pub patients_to_contact: Vec<PatientExposure>,
}

/// Puts every lot and unit downstream of the source that is not yet administered ON_HOLD or
/// RECALLED, in one transaction with the recall's own entry. The lots reached are found with
/// the recursive lineage SQL; only they (and their units, allocations, administrations and
/// patients) are loaded.
pub struct InitiateRecall {
    /// The new recall's id.
    pub recall_id: RecallId,
    /// Where it starts.
    pub source: LookbackSource,
    /// Why.
    pub reason: Narrative,
    /// The re-checked signature.
    pub signature: Signature,
}

impl Command for InitiateRecall {
    type Output = RecallOutcome;
    const NAME: &'static str = "initiate_recall";

    async fn decide(
        self,
        context: &CommandContext<'_>,
    ) -> Result<Decision<RecallOutcome>, CommandError> {
        let state = lookback_state(context.txn, self.source)
            .await?
            .ok_or_else(|| {
                let subject = self.source.subject();
                Refusal::new(
                    RefusalKind::NotFound,
                    "NOT_FOUND",
                    format!("{} {} does not exist", subject.kind, subject.id),
                )
            })?;
        let decision = recall::recall(
            &state,
            &context.actor,
            &self.signature,
            self.recall_id,
            self.source,
            self.reason,
        )
        .map_err(Refusal::from)?;
        let (lots, units) = match decision.events.first() {
            Some(Event::RecallInitiated(initiated)) => {
                (initiated.lots.clone(), initiated.units.clone())
            }
            _ => (Vec::new(), Vec::new()),
        };
        let outcome = RecallOutcome {
            lots,
            units,
            patients_to_contact: decision.patients_to_contact().to_vec(),
        };
        let signature =
            load::signature(context.txn, context.actor, self.signature, context.now).await?;
        Ok(Decision::new(state, decision.events, outcome).signed(signature))
    }
}
