//! Decisions of the manufacturing record. Each function takes the state the store loaded, the
//! actor, the server clock and the parsed input, and returns the events to record or why not.

pub mod donations;
pub mod donors;
pub mod lots;
pub mod materials;
pub mod steps;
pub mod units;

use crate::actor::Actor;
use crate::ids::UserId;
use crate::role::Role;
use crate::time::Timestamp;

use super::error::ManufacturingError;

/// The acting user, who must act in one of `roles`.
pub(crate) fn acting_user(
    actor: &Actor,
    roles: &[Role],
    names: &'static str,
) -> Result<UserId, ManufacturingError> {
    actor
        .user_in(roles)
        .ok_or(ManufacturingError::WrongRole(names))
}

/// Refuses a time after `now`, beyond the tolerated clock skew.
pub(crate) fn not_in_future(
    time: Timestamp,
    now: Timestamp,
    what: &'static str,
) -> Result<(), ManufacturingError> {
    if time.is_in_future_of(now) {
        Err(ManufacturingError::InFuture(what))
    } else {
        Ok(())
    }
}

pub(crate) fn unknown(kind: &'static str, id: impl std::fmt::Display) -> ManufacturingError {
    ManufacturingError::Unknown {
        kind,
        id: id.to_string(),
    }
}
