//! QA disposition of a lot: release or rejection, signed.

use cordtrace_domain::ids::LotId;
use cordtrace_domain::release::commands::{DispositionInput, dispose};
use cordtrace_domain::signature::Signature;

use super::record::batch_record;
use crate::commands::load;
use crate::error::CommandError;
use crate::executor::{Command, CommandContext, Decision};

/// QA releases or rejects a lot in QUARANTINE, signed with the meaning APPROVAL. A refused
/// release lists every unmet condition; the lot's units change status with it.
///
/// Dispositions run one after another (the executor serialises every write on the chain head),
/// so of two concurrent dispositions of one lot the second finds it disposed and is refused
/// with CONFLICT `LOT_NOT_IN_QUARANTINE`.
pub struct DisposeLot {
    /// The lot.
    pub lot_id: LotId,
    /// Release (with an optional note) or reject (with a reason).
    pub input: DispositionInput,
    /// The re-checked signature.
    pub signature: Signature,
}

impl Command for DisposeLot {
    type Output = ();
    const NAME: &'static str = "dispose_lot";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let state = batch_record(context.txn, self.lot_id).await?;
        let events = dispose(
            &state,
            &context.actor,
            self.lot_id,
            self.input,
            &self.signature,
        )?;
        let signature =
            load::signature(context.txn, context.actor, self.signature, context.now).await?;
        Ok(Decision::new(state, events, ()).signed(signature))
    }
}
