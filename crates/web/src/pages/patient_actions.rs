//! What the forms of a patient's page send to the API: one [`Action`] per form, each one
//! mutation (allocation first looks the scanned label up). The page turns the fields into the
//! mutation's variables and nothing more; the API validates, decides and records.

use serde::Deserialize;
use serde_json::{Value, json};

use super::Shell;
use super::form::{Fields, Problem};
use crate::Web;
use crate::client::{self, Failures};
use crate::documents;

/// The forms of a patient's page, as named in their URL (`/patients/{key}/{action}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Action {
    Weight,
    Order,
    CancelOrder,
    Allocate,
    Receive,
    Thaw,
    Visit,
    AdverseEvent,
}

impl Action {
    /// Every form.
    pub(crate) const ALL: [Action; 8] = [
        Action::Weight,
        Action::Order,
        Action::CancelOrder,
        Action::Allocate,
        Action::Receive,
        Action::Thaw,
        Action::Visit,
        Action::AdverseEvent,
    ];

    /// The form's name in the page.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Action::Weight => "weight",
            Action::Order => "order",
            Action::CancelOrder => "cancel-order",
            Action::Allocate => "allocate",
            Action::Receive => "receive",
            Action::Thaw => "thaw",
            Action::Visit => "visit",
            Action::AdverseEvent => "adverse-event",
        }
    }

    /// What the page says once it was done.
    pub(crate) fn done(self) -> &'static str {
        match self {
            Action::Weight => "Weight recorded.",
            Action::Order => "Order placed and signed.",
            Action::CancelOrder => "Order cancelled.",
            Action::Allocate => "Unit allocated to the order.",
            Action::Receive => "Unit received at the ward.",
            Action::Thaw => "Thaw recorded; the use-by time is shown with the unit.",
            Action::Visit => "Visit recorded.",
            Action::AdverseEvent => "Adverse event recorded.",
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

impl From<Failures> for NotDone {
    fn from(failures: Failures) -> Self {
        NotDone::Refused(failures)
    }
}

/// Runs `action` for the patient `patient_id` with the posted `fields`.
pub(crate) async fn run(
    web: &Web,
    shell: &Shell,
    action: Action,
    patient_id: &str,
    fields: &Fields,
) -> Result<(), NotDone> {
    let (document, variables) = match action {
        Action::Weight => (
            documents::RECORD_WEIGHT,
            json!({
                "patientId": patient_id,
                "kilograms": fields.required("kilograms", "The weight")?,
                "measuredOn": fields.required("measured_on", "The date weighed")?,
            }),
        ),
        Action::Order => (documents::PLACE_ORDER, order(patient_id, fields)?),
        Action::CancelOrder => (
            documents::CANCEL_ORDER,
            json!({
                "orderId": fields.text("order_id"),
                "reason": fields.required("reason", "The reason")?,
            }),
        ),
        Action::Allocate => (
            documents::ALLOCATE_UNIT,
            json!({
                "orderId": fields.text("order_id"),
                "unitId": scanned_unit(web, shell, fields).await?,
            }),
        ),
        Action::Receive => (
            documents::RECEIVE_UNIT,
            json!({
                "unitId": fields.text("unit_id"),
                "temperatureCelsius": fields.required("temperature", "The temperature on arrival")?,
                "condition": fields.required("condition", "The condition on arrival")?,
            }),
        ),
        Action::Thaw => {
            let thawed_at = shell
                .time
                .parse_input(fields.text("thawed_at"))
                .ok_or_else(|| {
                    Problem::new(
                        "thawed_at",
                        format!(
                            "the end of thawing must be a date and time in {}",
                            shell.time.name()
                        ),
                    )
                })?;
            (
                documents::THAW_UNIT,
                json!({ "unitId": fields.text("unit_id"), "thawedAt": thawed_at }),
            )
        }
        Action::Visit => (documents::RECORD_VISIT, visit(patient_id, fields)?),
        Action::AdverseEvent => (
            documents::RECORD_ADVERSE_EVENT,
            json!({ "adverseEvent": {
                "patientId": patient_id,
                "administrationIds": fields.all("administration_ids"),
                "term": fields.required("term", "The term")?,
                "grade": fields.whole("grade", "The grade")?,
                "serious": fields.ticked("serious"),
                "relatedness": fields.required("relatedness", "The relatedness")?,
                "onsetOn": fields.required("onset_on", "The onset date")?,
                "resolvedOn": fields.optional("resolved_on"),
            }}),
        ),
    };
    client::run::<Value>(web, &shell.visitor.viewer, document, variables, None).await?;
    Ok(())
}

/// `placeOrder`'s variables, signed with the meaning AUTHORSHIP the form states.
fn order(patient_id: &str, fields: &Fields) -> Result<Value, Problem> {
    let schedule = fields
        .required("schedule_days", "The schedule")?
        .split([',', ' '])
        .filter(|day| !day.is_empty())
        .map(|day| {
            day.parse::<i64>().map_err(|_| {
                Problem::new(
                    "schedule_days",
                    "the schedule must be whole days from the first infusion, such as 0 or 0, 7"
                        .to_owned(),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(json!({
        "order": {
            "patientId": patient_id,
            "dosePerKg": fields.whole("dose_per_kg", "The dose per kg")?,
            "scheduleDays": schedule,
            "startsOn": fields.required("starts_on", "The date of day 0")?,
        },
        "signature": { "password": fields.text("password"), "meaning": "AUTHORSHIP" },
    }))
}

/// `recordVisit`'s variables.
fn visit(patient_id: &str, fields: &Fields) -> Result<Value, Problem> {
    Ok(json!({ "visit": {
        "patientId": patient_id,
        "administrationIds": fields.all("administration_ids"),
        "visitedOn": fields.required("visited_on", "The visit date")?,
        "sledai2k": fields.whole("sledai2k", "SLEDAI-2K")?,
        "proteinuriaGPerDay": fields.optional("proteinuria"),
        "creatinineUmolPerL": fields.optional("creatinine"),
        "albuminGPerL": fields.optional("albumin"),
        "c3GPerL": fields.optional("c3"),
        "c4GPerL": fields.optional("c4"),
        "antiDsdnaIuPerMl": fields.optional("anti_dsdna"),
        "prednisoneMgPerDay": fields.optional("prednisone"),
        "otherImmunosuppressants": fields.lines("other_immunosuppressants"),
    }}))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UnitByLabel {
    unit_by_label: UnitId,
}

#[derive(Deserialize)]
struct UnitId {
    id: String,
}

/// The unit whose label was scanned (its DIN and its product code), as the API finds it.
async fn scanned_unit(web: &Web, shell: &Shell, fields: &Fields) -> Result<String, NotDone> {
    let din = fields.required("din", "The DIN")?;
    let product_code = fields.required("product_code", "The product code")?;
    let found: UnitByLabel = client::run(
        web,
        &shell.visitor.viewer,
        documents::UNIT_BY_LABEL,
        json!({ "din": din, "productCode": product_code }),
        None,
    )
    .await?;
    Ok(found.unit_by_label.id)
}
