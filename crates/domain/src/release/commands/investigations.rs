//! Closing out-of-specification investigations.

use crate::actor::Actor;
use crate::duties::{self, Duty, PriorWork, Work};
use crate::event::Event;
use crate::ids::InvestigationId;
use crate::release::error::{ReleaseError, unknown};
use crate::release::events::InvestigationClosed;
use crate::role::Role;
use crate::signature::Signature;
use crate::state::State;
use crate::values::Narrative;

use super::{acting_user, check_signature};

/// QA closes an open investigation with a conclusion and a signature (any meaning), whatever the
/// lot's state: an investigation of a rejected lot is still closed formally. The analyst of the
/// failed result may not close it (separation of duties).
///
/// The state must hold the investigation.
pub fn close_investigation(
    state: &State,
    actor: &Actor,
    investigation_id: InvestigationId,
    conclusion: Narrative,
    signature: &Signature,
) -> Result<Vec<Event>, ReleaseError> {
    let user_id = acting_user(actor, &[Role::Qa], "qa")?;
    check_signature(user_id, signature, None)?;
    let investigation = state
        .investigations
        .get(&investigation_id)
        .ok_or_else(|| unknown("investigation", investigation_id))?;
    if !investigation.is_open() {
        return Err(ReleaseError::InvestigationClosed(
            investigation_id.to_string(),
        ));
    }
    let prior = [PriorWork {
        work: Work::TestResult,
        by: investigation.opened_by,
        description: format!("{} (the failed result)", investigation.test_code),
    }];
    if let Some(conflict) = duties::conflicts(Duty::CloseInvestigation, user_id, &prior)
        .into_iter()
        .next()
    {
        return Err(ReleaseError::SeparationOfDuties {
            code: conflict.code,
            message: conflict.message,
        });
    }
    Ok(vec![Event::InvestigationClosed(InvestigationClosed {
        investigation_id,
        lot_id: investigation.lot_id,
        conclusion,
    })])
}
