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
                "location": scanned_location(
                    fields.text("site"),
                    fields.required("location", "The location")?,
                )?,
            }),
        ),
        Action::Dispatch => (
            documents::DISPATCH_UNIT,
            json!({
                "unitId": unit_id,
                "destination": fields.required("destination", "The destination")?,
                "receiver": fields.required("receiver", "Who receives it")?,
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

/// How a location label reads: its parts from the freezer (or the site) down to the position.
const LOCATION_FORMAT: &str = "FREEZER/RACK/BOX/POSITION, or SITE/FREEZER/RACK/BOX/POSITION";

/// The `StorageLocationInput` of a scanned location label: the freezer, rack, box and position
/// separated by `/` (as a position's label in a dewar carries them), at `site` unless the label
/// names its site first. Each part is the API's to validate; only the shape is read here.
fn scanned_location(site: &str, scanned: &str) -> Result<Value, Problem> {
    let parts: Vec<&str> = scanned.split('/').map(str::trim).collect();
    let (site, [freezer, rack, container, position]) = match parts.as_slice() {
        [freezer, rack, container, position] => (site, [freezer, rack, container, position]),
        [site, freezer, rack, container, position] => (*site, [freezer, rack, container, position]),
        _ => {
            return Err(Problem::new(
                "location",
                format!("a location label reads {LOCATION_FORMAT}"),
            ));
        }
    };
    if site.is_empty() {
        return Err(Problem::new("site", "The site is required".to_owned()));
    }
    if [freezer, rack, container, position]
        .iter()
        .any(|part| part.is_empty())
    {
        return Err(Problem::new(
            "location",
            format!("every part of a location label is filled: {LOCATION_FORMAT}"),
        ));
    }
    Ok(json!({
        "site": site,
        "freezer": freezer,
        "rack": rack,
        "box": container,
        "position": position,
    }))
}

#[cfg(test)]
mod tests {
    use super::scanned_location;

    #[test]
    fn a_location_label_names_freezer_rack_box_and_position_and_may_name_its_site() {
        let at_site = scanned_location("Site A", "LN2-02/R03/B07/A1").expect("read");
        assert_eq!(at_site["site"], "Site A");
        assert_eq!(at_site["box"], "B07");
        let elsewhere = scanned_location("Site A", "Site B / LN2-01 / R1 / B2 / C3").expect("read");
        assert_eq!(elsewhere["site"], "Site B");
        assert_eq!(elsewhere["position"], "C3");
        for bad in ["LN2-02/R03/B07", "LN2-02//B07/A1", "a/b/c/d/e/f", ""] {
            let problem = scanned_location("Site A", bad).expect_err(bad);
            assert_eq!(problem.field, "location", "{bad}");
        }
        assert_eq!(
            scanned_location("", "LN2-02/R03/B07/A1")
                .expect_err("no site")
                .field,
            "site"
        );
    }
}
