//! What the forms of `/materials` send to the API: a technician registers a material lot or a
//! piece of equipment and records a calibration; QA decides a material lot's QC status. One
//! [`Action`] per form, each one mutation; the API validates, decides and records.

use serde::Deserialize;
use serde_json::{Value, json};

use super::Shell;
use super::form::{Fields, Problem};
use crate::Web;
use crate::client::{self, Failures};
use crate::documents;

/// The forms of the page, as named in their URL (`/materials/{action}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Action {
    RegisterMaterialLot,
    ReleaseMaterialLot,
    RejectMaterialLot,
    RegisterEquipment,
    CalibrateEquipment,
}

impl Action {
    /// Every form.
    pub(crate) const ALL: [Action; 5] = [
        Action::RegisterMaterialLot,
        Action::ReleaseMaterialLot,
        Action::RejectMaterialLot,
        Action::RegisterEquipment,
        Action::CalibrateEquipment,
    ];

    /// The form's name in the page.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Action::RegisterMaterialLot => "register-material-lot",
            Action::ReleaseMaterialLot => "release-material-lot",
            Action::RejectMaterialLot => "reject-material-lot",
            Action::RegisterEquipment => "register-equipment",
            Action::CalibrateEquipment => "calibrate-equipment",
        }
    }

    /// What the page says once it was done.
    pub(crate) fn done(self) -> &'static str {
        match self {
            Action::RegisterMaterialLot => {
                "Material lot registered in QUARANTINE; QA releases it before it is used."
            }
            Action::ReleaseMaterialLot => "Material lot RELEASED: steps may use it.",
            Action::RejectMaterialLot => "Material lot REJECTED: no step may use it.",
            Action::RegisterEquipment => "Equipment registered.",
            Action::CalibrateEquipment => "Calibration recorded with the new due date.",
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

/// Runs `action` with the posted `fields`.
pub(crate) async fn run(
    web: &Web,
    shell: &Shell,
    action: Action,
    fields: &Fields,
) -> Result<(), NotDone> {
    let (document, variables) = match action {
        Action::RegisterMaterialLot => (
            documents::REGISTER_MATERIAL_LOT,
            json!({ "lot": {
                "material": fields.required("material", "The material")?,
                "supplier": fields.required("supplier", "The supplier")?,
                "supplierLot": fields.required("supplier_lot", "The supplier's lot")?,
                "expiresOn": fields.required("expires_on", "The expiry date")?,
            }}),
        ),
        Action::ReleaseMaterialLot | Action::RejectMaterialLot => (
            documents::SET_MATERIAL_QC_STATUS,
            json!({
                "materialLotId": fields.text("id"),
                "status": if action == Action::ReleaseMaterialLot { "RELEASED" } else { "REJECTED" },
                "signature": { "password": fields.text("password"), "meaning": "APPROVAL" },
            }),
        ),
        Action::RegisterEquipment => (
            documents::REGISTER_EQUIPMENT,
            json!({ "equipment": {
                "assetTag": fields.required("asset_tag", "The asset tag")?,
                "kind": fields.required("kind", "What it is")?,
                "calibrationDue": fields.required("calibration_due", "The calibration due date")?,
            }}),
        ),
        Action::CalibrateEquipment => (
            documents::CALIBRATE_EQUIPMENT,
            json!({
                "equipmentId": fields.text("id"),
                "calibrationDue": fields.required("calibration_due", "The new due date")?,
            }),
        ),
    };
    client::run::<Value>(web, &shell.visitor.viewer, document, variables, None).await?;
    Ok(())
}
