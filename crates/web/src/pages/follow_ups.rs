//! A patient's follow-up time points as the API computes them (`Patient.followUps`, the
//! `FollowUpPoint` fragment), and how a page says where each stands. The rule (day 0, the
//! windows, which visit counts) is the API's; a page only shows it.

use serde::Deserialize;

/// One time point, as the fragment reads it. Dates are the API's UTC dates, shown as they are:
/// a window is a span of days, not a moment.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FollowUp {
    pub(crate) months: u32,
    pub(crate) target_on: String,
    pub(crate) window_from: String,
    pub(crate) window_to: String,
    state: FollowUpState,
    visited_on: Option<String>,
}

/// `FollowUpState` of the API.
#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum FollowUpState {
    Done,
    Due,
    Overdue,
    Upcoming,
}

impl FollowUp {
    /// Whether a clinician has a visit to make or to explain: the window is open without a
    /// visit, or closed without one.
    pub(crate) fn needs_attention(&self) -> bool {
        matches!(self.state, FollowUpState::Due | FollowUpState::Overdue)
    }

    /// Where it stands, in words that do not rely on colour.
    pub(crate) fn status(&self) -> String {
        match self.state {
            FollowUpState::Done => match &self.visited_on {
                Some(on) => format!("DONE: visit on {on}"),
                None => "DONE".to_owned(),
            },
            FollowUpState::Due => "DUE now".to_owned(),
            FollowUpState::Overdue => "OVERDUE: the window closed without a visit".to_owned(),
            FollowUpState::Upcoming => "UPCOMING".to_owned(),
        }
    }
}
