//! Administration, signed with meaning RESPONSIBILITY.

use cordtrace_domain::clinical::commands::administration::{self, NewAdministration};
use cordtrace_domain::signature::Signature;
use cordtrace_domain::{Refusal, State};

use super::ClinicalPolicy;
use super::load as clinical_load;
use crate::commands::load;
use crate::error::CommandError;
use crate::executor::{Command, CommandContext, Decision};

/// Records that a unit was infused. Of two confirmations of one unit, the executor runs one
/// after the other and the second is refused ALREADY_ADMINISTERED; `administration.unit_id` is
/// unique besides.
pub struct AdministerUnit {
    /// The administration as entered, with its new id.
    pub administration: NewAdministration,
    /// The re-checked signature.
    pub signature: Signature,
    /// The limits in force.
    pub policy: ClinicalPolicy,
}

impl Command for AdministerUnit {
    type Output = ();
    const NAME: &'static str = "administer_unit";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let mut state = State::default();
        clinical_load::unit(context.txn, &mut state, self.administration.unit_id).await?;
        clinical_load::patients(context.txn, &mut state, [self.administration.patient_id]).await?;
        let events = administration::administer(
            &state,
            &context.actor,
            &self.signature,
            self.administration,
            &self.policy.bedside(context.now),
            context.now,
        )
        .map_err(Refusal::from)?;
        let signature =
            load::signature(context.txn, context.actor, self.signature, context.now).await?;
        Ok(Decision::new(state, events, ()).signed(signature))
    }
}
