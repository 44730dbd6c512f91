//! Beginning the testing of a lot.

use crate::actor::Actor;
use crate::event::Event;
use crate::ids::LotId;
use crate::manufacturing::LotStatus;
use crate::release::error::{ReleaseError, unknown};
use crate::release::events::TestingStarted;
use crate::release::specification::in_effect;
use crate::role::Role;
use crate::state::State;
use crate::time::Timestamp;

use super::acting_user;

/// An analyst or QA begins testing a lot in QUARANTINE against the specification of its kind in
/// effect on that day (the UTC date of `now`), which the lot keeps for good.
///
/// The state must hold the lot, its testing record if any, and every specification of its kind.
pub fn begin_testing(
    state: &State,
    actor: &Actor,
    lot_id: LotId,
    now: Timestamp,
) -> Result<Vec<Event>, ReleaseError> {
    acting_user(actor, &[Role::Analyst, Role::Qa], "analyst or qa")?;
    let lot = state
        .lots
        .get(&lot_id)
        .ok_or_else(|| unknown("lot", lot_id))?;
    if state.lot_testing.contains_key(&lot_id) {
        return Err(ReleaseError::TestingAlreadyStarted(
            lot.code.as_str().to_owned(),
        ));
    }
    if lot.status != LotStatus::Quarantine {
        return Err(ReleaseError::LotNotInQuarantine {
            lot: lot.code.as_str().to_owned(),
            status: lot.status,
            action: "testing",
        });
    }
    let day = now.as_datetime().date_naive();
    let spec = in_effect(state.specifications.values(), lot.kind, day).ok_or_else(|| {
        ReleaseError::NoSpecificationInEffect {
            kind: lot.kind.as_str().to_owned(),
            date: day.to_string(),
        }
    })?;
    Ok(vec![Event::TestingStarted(TestingStarted {
        lot_id,
        specification_id: spec.id,
        version: spec.content.version(),
    })])
}
