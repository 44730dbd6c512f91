//! Decisions of release testing and disposition. Each function takes the state the store loaded,
//! the actor, the server clock where it matters and the parsed input, and returns the events to
//! record or why not. Each names the part of the state it needs.

mod disposition;
mod investigations;
mod results;
mod specifications;
mod testing;

pub use disposition::{DispositionInput, dispose};
pub use investigations::close_investigation;
pub use results::{NewResult, invalidate_result, record_result};
pub use specifications::define_specification;
pub use testing::begin_testing;

use crate::actor::Actor;
use crate::ids::{LotId, UserId};
use crate::manufacturing::{Lot, LotStatus};
use crate::role::Role;
use crate::signature::{Meaning, Signature};
use crate::state::State;
use crate::time::Timestamp;

use super::error::{ReleaseError, unknown};
use super::result::LotTesting;

/// The acting user, who must act in one of `roles`.
fn acting_user(actor: &Actor, roles: &[Role], names: &'static str) -> Result<UserId, ReleaseError> {
    actor.user_in(roles).ok_or(ReleaseError::WrongRole(names))
}

/// Checks that the signature is the actor's and, when `required`, carries that meaning.
fn check_signature(
    user_id: UserId,
    signature: &Signature,
    required: Option<Meaning>,
) -> Result<(), ReleaseError> {
    if signature.signer_id != user_id {
        return Err(ReleaseError::SignerNotActor);
    }
    match required {
        Some(required) if signature.meaning != required => Err(ReleaseError::WrongMeaning {
            required,
            given: signature.meaning,
        }),
        _ => Ok(()),
    }
}

/// Refuses a time after `now`, beyond the tolerated clock skew.
fn not_in_future(time: Timestamp, now: Timestamp, what: &'static str) -> Result<(), ReleaseError> {
    if time.is_in_future_of(now) {
        Err(ReleaseError::InFuture(what))
    } else {
        Ok(())
    }
}

/// Whether the lot still awaits disposition: in QUARANTINE, or held from it. Results and
/// invalidations are accepted only then: once a lot is disposed, its record is final.
fn awaiting_disposition(lot: &Lot) -> bool {
    lot.status == LotStatus::Quarantine
        || (lot.status == LotStatus::OnHold && lot.held_from == Some(LotStatus::Quarantine))
}

/// The lot and its testing record, refusing a lot that is not under test.
fn lot_under_test(state: &State, lot_id: LotId) -> Result<(&Lot, &LotTesting), ReleaseError> {
    let lot = state
        .lots
        .get(&lot_id)
        .ok_or_else(|| unknown("lot", lot_id))?;
    let not_under_test = |why: String| ReleaseError::LotNotUnderTest {
        lot: lot.code.as_str().to_owned(),
        why,
    };
    let testing = state
        .lot_testing
        .get(&lot_id)
        .ok_or_else(|| not_under_test("testing has not begun".to_owned()))?;
    if !awaiting_disposition(lot) {
        return Err(not_under_test(format!(
            "it is {}, and its testing record is closed",
            lot.status
        )));
    }
    Ok((lot, testing))
}
