//! GraphQL counterparts of a patient's follow-up schedule ([`cordtrace_domain::clinical::schedule`]).
//! The rule (day 0, the windows, which visit counts) is the domain's; here it is only shown.

use async_graphql::{Enum, SimpleObject};
use chrono::{NaiveDate, Utc};
use cordtrace_domain::clinical::{FollowUp, FollowUpState};

/// Where a follow-up time point stands today.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "FollowUpState")]
pub enum FollowUpStateObject {
    /// A visit falls in the window (`visitedOn` is the one the outcome summary reads).
    Done,
    /// Today is in the window and no visit falls in it yet.
    Due,
    /// The window has closed without a visit in it.
    Overdue,
    /// The window has not opened yet.
    Upcoming,
}

/// One follow-up time point of a patient: the visit expected `months` after day 0 (the UTC date
/// of their first administration), counted as the outcome summary counts it.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(name = "FollowUp")]
pub struct FollowUpObject {
    /// Months after day 0.
    pub months: u32,
    /// Day 0 plus `months` calendar months (31 January plus 3 months is 30 April).
    pub target_on: NaiveDate,
    /// The first date a visit counts for this time point (always after day 0).
    pub window_from: NaiveDate,
    /// The last date a visit counts for this time point.
    pub window_to: NaiveDate,
    /// Where it stands today.
    pub state: FollowUpStateObject,
    /// The date of the visit that meets it; null unless `state` is DONE.
    pub visited_on: Option<NaiveDate>,
}

impl From<FollowUp> for FollowUpObject {
    fn from(follow_up: FollowUp) -> Self {
        let window = follow_up.window();
        let (state, visited_on) = match follow_up.state() {
            FollowUpState::Done { visited_on } => (FollowUpStateObject::Done, Some(visited_on)),
            FollowUpState::Due => (FollowUpStateObject::Due, None),
            FollowUpState::Overdue => (FollowUpStateObject::Overdue, None),
            FollowUpState::Upcoming => (FollowUpStateObject::Upcoming, None),
        };
        Self {
            months: follow_up.months(),
            target_on: window.target_on(),
            window_from: window.from(),
            window_to: window.to(),
            state,
            visited_on,
        }
    }
}

/// Today on the server clock, as a UTC date: day 0 and visit dates are compared in UTC, as the
/// outcome summary does. The API has no clock of its own to inject; this is its one reading of
/// the date for the schedule.
pub(crate) fn today() -> NaiveDate {
    Utc::now().date_naive()
}
