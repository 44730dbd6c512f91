//! What the custody forms of a unit's page send to the API: storage at a location, dispatch
//! to a destination and receipt. Each is one mutation; the API validates, decides (a receiver
//! other than the dispatcher, a unit in transit to receive) and records.

use serde::Deserialize;
use serde_json::{Value, json};

use super::Shell;
use super::form::{Fields, Problem};
use crate::Web;
use crate::client::{self, Failures};
use crate::documents;

/// The forms of a unit's page, as named in their URL (`/units/{id}/{action}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Action {
    Store,
    Dispatch,
    Receive,
}

impl Action {
    /// The form's name in the page.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Action::Store => "store",
            Action::Dispatch => "dispatch",
            Action::Receive => "receive",
        }
    }

    /// What the page says once it was done.
    pub(crate) fn done(self) -> &'static str {
        match self {
            Action::Store => "Unit stored at the location scanned.",
            Action::Dispatch => {
                "Unit dispatched: someone other than you receives it at its destination."
            }
            Action::Receive => "Unit received: the hand-off is recorded with both names.",
        }
    }
}

/// Why an action did not happen.
pub(crate) enum NotDone {
    /// The form was not sent: a field does not have the shape its mutation takes.
    Field(Problem),
    /// The API refused it.
    Refused(Failures),
}

impl From<Problem> for NotDone {
    fn from(problem: Problem) -> Self {
        NotDone::Field(problem)
    }
}

/// Runs `action` on the unit `unit_id` with the posted `fields`.
pub(crate) async fn run(
    web: &Web,
    shell: &Shell,
    action: Action,
    unit_id: &str,
    fields: &Fields,
) -> Result<(), NotDone> {
    let (document, variables) = match action {
        Action::Store => (
            documents::STORE_UNIT,
            json!({
                "unitId": unit_id,
                "location": {
                    "site": fields.required("site", "The site")?,
                    "freezer": fields.required("freezer", "The freezer")?,
                    "rack": fields.required("rack", "The rack")?,
                    "box": fields.required("box", "The box")?,
                    "position": fields.required("position", "The position")?,
                },
            }),
        ),
        Action::Dispatch => (
            documents::DISPATCH_UNIT,
            json!({
                "unitId": unit_id,
                "destination": fields.required("destination", "The destination")?,
            }),
        ),
        Action::Receive => (
            documents::RECEIVE_UNIT,
            json!({
                "unitId": unit_id,
                "temperatureCelsius": fields.required("temperature", "The temperature on arrival")?,
                "condition": fields.required("condition", "The condition on arrival")?,
            }),
        ),
    };
    client::run::<Value>(web, &shell.visitor.viewer, document, variables, None)
        .await
        .map(|_| ())
        .map_err(NotDone::Refused)
}
