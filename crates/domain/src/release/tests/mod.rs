//! Tests of the release area: table-driven, no I/O. [`Fixture`] builds a small manufacturing
//! record directly (cord tissue -> drug substance -> drug product with three units, one donor,
//! one material lot), then runs the release commands against it and applies their events, keeping
//! a log so replay can be checked.

mod certificate;
mod conditions;
mod criterion;
mod disposition;
mod fixture;
mod replay;
mod results;
mod specification;

use fixture::{Fixture, at, date, narrative, passing, reject_by, release_by, uuid};

/// The codes of a refusal's reasons, in order.
pub(super) fn codes(refusal: &crate::refusal::Refusal) -> Vec<&'static str> {
    refusal.reasons.iter().map(|reason| reason.code).collect()
}
