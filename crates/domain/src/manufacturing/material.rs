//! Materials (media, platelet lysate, trypsin, DMSO) and equipment used by processing steps.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ids::{EquipmentId, MaterialLotId};
use crate::time::Timestamp;
use crate::values::Label;

/// QC status of a material lot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MaterialQcStatus {
    /// Received, not yet approved.
    Quarantine,
    /// Approved for use.
    Released,
    /// Refused.
    Rejected,
}

impl MaterialQcStatus {
    /// The name, as the API shows it.
    pub const fn as_str(&self) -> &'static str {
        match self {
            MaterialQcStatus::Quarantine => "QUARANTINE",
            MaterialQcStatus::Released => "RELEASED",
            MaterialQcStatus::Rejected => "REJECTED",
        }
    }
}

/// A lot of a material from a supplier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MaterialLot {
    /// Identity.
    pub id: MaterialLotId,
    /// What it is, e.g. `human platelet lysate`.
    pub material: Label,
    /// Who made it.
    pub supplier: Label,
    /// The supplier's lot number.
    pub supplier_lot: Label,
    /// Its expiry date.
    pub expires_on: NaiveDate,
    /// Its QC status.
    pub qc_status: MaterialQcStatus,
    /// When it was registered.
    pub registered_at: Timestamp,
}

/// A piece of equipment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Equipment {
    /// Identity.
    pub id: EquipmentId,
    /// The asset tag on the device, unique.
    pub asset_tag: Label,
    /// What it is, e.g. `biosafety cabinet`.
    pub kind: Label,
    /// The last day it may be used before recalibration.
    pub calibration_due: NaiveDate,
    /// When it was registered.
    pub registered_at: Timestamp,
}

/// A product description code (`αoooo`) the installation has defined, with its text. ICCBBA's
/// tables are licensed; installations supply the codes they use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductDefinition {
    /// The 5-character product description code, e.g. `S1234`.
    pub code: String,
    /// Its description, e.g. `UC-MSC, cryopreserved, 50 mL bag`.
    pub description: Label,
    /// When it was defined.
    pub defined_at: Timestamp,
}
