//! What the forms of a lot's batch record send to the API: one [`Action`] per form, each one
//! mutation (a step first looks up the other lots it takes by their codes). The page turns
//! the fields into the mutation's variables and nothing more; the API validates, decides and
//! records, and its refusal is shown next to the field it concerns.

use cordtrace_domain::manufacturing::Measurement;
use serde::Deserialize;
use serde_json::{Value, json};

use super::Shell;
use super::form::{Fields, Problem};
use super::scanned::{self, Unresolved};
use crate::Web;
use crate::client::{self, Failures};
use crate::documents;

/// The forms of a lot's page, as named in their URL (`/lots/{id}/{action}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Action {
    Step,
    Deviation,
    Fill,
    Complete,
}

impl Action {
    /// The form's name in the page.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Action::Step => "step",
            Action::Deviation => "deviation",
            Action::Fill => "fill",
            Action::Complete => "complete",
        }
    }

    /// What the page says once it was done.
    pub(crate) fn done(self) -> &'static str {
        match self {
            Action::Step => "Step recorded; the lots it made are listed under it.",
            Action::Deviation => {
                "Deviation opened; it blocks the lot's release until QA closes it."
            }
            Action::Fill => "Units filled; each is listed with its DIN and product code.",
            Action::Complete => {
                "Lot completed: it waits in QUARANTINE for testing and disposition."
            }
        }
    }
}

/// Why an action did not happen.
pub(crate) enum NotDone {
    /// The form was not sent: a field does not have the shape its mutation takes.
    Field(Problem),
    /// The API refused it; `field` is the field the refusal concerns, when known.
    Refused {
        failures: Failures,
        field: Option<&'static str>,
    },
}

impl From<Problem> for NotDone {
    fn from(problem: Problem) -> Self {
        NotDone::Field(problem)
    }
}

/// The field of the step form a refusal's reason concerns: a scanned material lot or piece of
/// equipment the API would not use, a measurement, the other lots, or the step's shape.
fn step_field(failures: &Failures) -> Option<&'static str> {
    let failure = failures.first()?;
    failure
        .reasons
        .iter()
        .find_map(|reason| match reason.code.as_str() {
            "MATERIAL_EXPIRED" | "MATERIAL_NOT_RELEASED" => Some(MATERIAL_LOTS),
            "CALIBRATION_OVERDUE" => Some(EQUIPMENT),
            "STEP_SHAPE" | "LOT_KIND_NOT_ALLOWED" => Some("output_kind"),
            "END_BEFORE_START" => Some("ended_at"),
            _ => None,
        })
}

/// The step form's field of scanned material lots.
pub(crate) const MATERIAL_LOTS: &str = "material_lot_ids";
/// The step form's field of scanned equipment.
pub(crate) const EQUIPMENT: &str = "equipment_ids";
/// The step form's field of other lots that go in, by code.
pub(crate) const OTHER_LOTS: &str = "other_lots";

/// The name of the step form's field for the measurement `kind`.
pub(crate) fn measurement_field(kind: &str) -> String {
    format!("measurement_{kind}")
}

/// Runs `action` on the lot `lot_id` with the posted `fields`.
pub(crate) async fn run(
    web: &Web,
    shell: &Shell,
    action: Action,
    lot_id: &str,
    fields: &Fields,
) -> Result<(), NotDone> {
    let (document, variables) = match action {
        Action::Step => (
            documents::RECORD_STEP,
            step(web, shell, StepOrigin::Lot(lot_id), fields).await?,
        ),
        Action::Deviation => (
            documents::OPEN_DEVIATION,
            json!({ "input": {
                "lotId": lot_id,
                "stepId": fields.optional("step_id"),
                "severity": fields.required("severity", "The classification")?,
                "description": fields.required("description", "What happened")?,
            }}),
        ),
        Action::Fill => (documents::FILL_UNITS, fill(shell, lot_id, fields)?),
        Action::Complete => (documents::COMPLETE_LOT, json!({ "lotId": lot_id })),
    };
    client::run::<Value>(web, &shell.visitor.viewer, document, variables, None)
        .await
        .map(|_| ())
        .map_err(|failures| NotDone::Refused {
            field: match action {
                Action::Step => step_field(&failures),
                Action::Deviation | Action::Fill | Action::Complete => None,
            },
            failures,
        })
}

/// A `datetime-local` field read in the facility's zone; `None` when left empty.
fn instant(shell: &Shell, fields: &Fields, name: &str, what: &str) -> Result<Value, Problem> {
    match fields.text(name) {
        "" => Ok(Value::Null),
        text => shell
            .time
            .parse_input(text)
            .map(Value::String)
            .ok_or_else(|| {
                Problem::new(
                    name,
                    format!("{what} must be a date and time in {}", shell.time.name()),
                )
            }),
    }
}

/// What a step takes in: a lot of the batch record (with the other lots typed by code), or
/// the received cord donation its first step starts from.
#[derive(Clone, Copy, Debug)]
pub(crate) enum StepOrigin<'a> {
    /// The lot whose page the form is on.
    Lot(&'a str),
    /// The donation whose page the form is on.
    Donation(&'a str),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FirstStep {
    record_step: StepOutputs,
}

#[derive(Deserialize)]
struct StepOutputs {
    outputs: Vec<Found>,
}

#[derive(Deserialize)]
struct Found {
    id: String,
}

/// Records the first step of a batch record, from the received donation `donation_id`, as
/// the donation page's form gives it; the id of the lot it made.
pub(crate) async fn start_from_donation(
    web: &Web,
    shell: &Shell,
    donation_id: &str,
    fields: &Fields,
) -> Result<String, NotDone> {
    let variables = step(web, shell, StepOrigin::Donation(donation_id), fields).await?;
    let recorded: FirstStep = client::run(
        web,
        &shell.visitor.viewer,
        documents::RECORD_FIRST_STEP,
        variables,
        None,
    )
    .await
    .map_err(|failures| NotDone::Refused {
        field: step_field(&failures),
        failures,
    })?;
    recorded
        .record_step
        .outputs
        .into_iter()
        .next()
        .map(|lot| lot.id)
        .ok_or_else(|| {
            NotDone::Field(Problem::new(
                "output_kind",
                "the step made no lot: choose what it makes".to_owned(),
            ))
        })
}

/// `recordStep`'s variables: what it takes in, the other lots typed by code, the outputs
/// asked for, the measurements filled in, and the scanned equipment and material lots.
async fn step(
    web: &Web,
    shell: &Shell,
    origin: StepOrigin<'_>,
    fields: &Fields,
) -> Result<Value, NotDone> {
    let started_at = instant(shell, fields, "started_at", "The start")?;
    if started_at.is_null() {
        return Err(Problem::new("started_at", "The start is required".to_owned()).into());
    }
    let (mut inputs, donation) = match origin {
        StepOrigin::Lot(lot_id) => (vec![lot_id.to_owned()], Value::Null),
        StepOrigin::Donation(donation_id) => (Vec::new(), Value::String(donation_id.to_owned())),
    };
    for code in codes(fields.text(OTHER_LOTS)) {
        inputs.push(
            scanned::lot(web, shell, code)
                .await
                .map_err(at_field(OTHER_LOTS))?,
        );
    }
    let count = match fields.text("output_count") {
        "" => 0,
        text => text.parse::<usize>().map_err(|_| {
            Problem::new(
                "output_count",
                "how many lots it makes must be a whole number".to_owned(),
            )
        })?,
    };
    let outputs: Vec<Value> = match fields.text("output_kind") {
        "" => Vec::new(),
        kind => {
            let output = json!({ "kind": kind, "bankLevel": fields.optional("bank_level") });
            vec![output; count]
        }
    };
    let mut equipment = Vec::new();
    for scanned in codes(fields.text(EQUIPMENT)) {
        equipment.push(
            scanned::equipment(web, shell, scanned)
                .await
                .map_err(at_field(EQUIPMENT))?,
        );
    }
    let mut material_lots = Vec::new();
    for scanned in codes(fields.text(MATERIAL_LOTS)) {
        material_lots.push(
            scanned::material_lot(web, shell, scanned)
                .await
                .map_err(at_field(MATERIAL_LOTS))?,
        );
    }
    let measurements: Vec<Value> = Measurement::KINDS
        .iter()
        .filter_map(|(kind, unit)| match fields.text(&measurement_field(kind)) {
            "" => None,
            value => Some(json!({ "kind": kind, "value": value, "unit": unit })),
        })
        .collect();
    Ok(json!({ "input": {
        "kind": fields.required("kind", "The kind of step")?,
        "sopId": fields.required("sop_id", "The SOP")?,
        "sopVersion": fields.required("sop_version", "The SOP version")?,
        "startedAt": started_at,
        "endedAt": instant(shell, fields, "ended_at", "The end")?,
        "donationId": donation,
        "inputLotIds": inputs,
        "outputs": outputs,
        "measurements": measurements,
        "equipmentIds": equipment,
        "materialLotIds": material_lots,
        "notes": fields.optional("notes"),
    }}))
}

/// The identifiers in a field a scanner fills, one a line (a wedge scanner ends each with
/// Enter) or separated by commas or spaces.
fn codes(text: &str) -> Vec<&str> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|code| !code.is_empty())
        .collect()
}

/// A scan of the step form that names no single record, as the refusal of its `field`.
fn at_field(field: &'static str) -> impl FnOnce(Unresolved) -> NotDone {
    move |unresolved| match unresolved {
        Unresolved::Refused(failures) => NotDone::Refused {
            failures,
            field: Some(field),
        },
        Unresolved::Unclear(sentence) => Problem::new(field, sentence).into(),
    }
}

/// `fillUnits`' variables: one unit per product code typed (each with its division), all of
/// the same container, volume, cells, expiry and storage box, at consecutive positions given
/// one a line.
fn fill(shell: &Shell, lot_id: &str, fields: &Fields) -> Result<Value, Problem> {
    let product_codes = fields.lines("product_codes");
    let positions = fields.lines("positions");
    if product_codes.len() != positions.len() {
        return Err(Problem::new(
            "positions",
            format!(
                "give one storage position for each of the {} product codes",
                product_codes.len()
            ),
        ));
    }
    let cells = fields.whole("cells", "The viable cells per unit")?;
    let expires_at = instant(shell, fields, "expires_at", "The expiry")?;
    let cryopreserved_at = instant(shell, fields, "cryopreserved_at", "The cryopreservation")?;
    let units: Vec<Value> = product_codes
        .iter()
        .zip(&positions)
        .map(|(product_code, position)| {
            json!({
                "productCode": product_code,
                "container": fields.text("container"),
                "volumeMl": fields.text("volume_ml"),
                "cells": cells,
                "expiresAt": expires_at,
                "location": {
                    "site": fields.text("site"),
                    "freezer": fields.text("freezer"),
                    "rack": fields.text("rack"),
                    "box": fields.text("box"),
                    "position": position,
                },
            })
        })
        .collect();
    Ok(json!({ "input": {
        "lotId": lot_id,
        "cryopreservedAt": cryopreserved_at,
        "units": units,
    }}))
}

#[cfg(test)]
mod tests {
    use super::codes;

    #[test]
    fn scanned_identifiers_are_split_on_lines_commas_and_spaces() {
        assert_eq!(codes("a\r\nb, c  d\n"), ["a", "b", "c", "d"]);
        assert!(codes(" \n ").is_empty());
    }
}
