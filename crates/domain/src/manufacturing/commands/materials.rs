//! Material lots, equipment and the installation's product codes.

use chrono::NaiveDate;

use crate::actor::Actor;
use crate::event::Event;
use crate::ids::{EquipmentId, MaterialLotId};
use crate::manufacturing::events::{
    EquipmentCalibrated, EquipmentRegistered, MaterialLotRegistered, MaterialQcChanged,
    ProductDefined,
};
use crate::manufacturing::{ManufacturingError, MaterialQcStatus};
use crate::role::Role;
use crate::state::State;
use crate::values::Label;

use super::{acting_user, unknown};

/// Registers a material lot, in quarantine until QA releases it.
pub fn register_material_lot(
    actor: &Actor,
    material_lot_id: MaterialLotId,
    material: Label,
    supplier: Label,
    supplier_lot: Label,
    expires_on: NaiveDate,
) -> Result<Vec<Event>, ManufacturingError> {
    acting_user(actor, &[Role::Technician, Role::Qa], "technician or qa")?;
    Ok(vec![Event::MaterialLotRegistered(MaterialLotRegistered {
        material_lot_id,
        material,
        supplier,
        supplier_lot,
        expires_on,
    })])
}

/// QA releases or rejects a material lot. QUARANTINE may become RELEASED or REJECTED; RELEASED may
/// become REJECTED (a supplier recall); nothing leaves REJECTED.
pub fn set_material_qc(
    state: &State,
    actor: &Actor,
    material_lot_id: MaterialLotId,
    to: MaterialQcStatus,
) -> Result<Vec<Event>, ManufacturingError> {
    acting_user(actor, &[Role::Qa], "qa")?;
    let lot = state
        .material_lots
        .get(&material_lot_id)
        .ok_or_else(|| unknown("material lot", material_lot_id))?;
    let allowed = matches!(
        (lot.qc_status, to),
        (
            MaterialQcStatus::Quarantine,
            MaterialQcStatus::Released | MaterialQcStatus::Rejected
        ) | (MaterialQcStatus::Released, MaterialQcStatus::Rejected)
    );
    if !allowed {
        return Err(ManufacturingError::MaterialStatus {
            lot: lot.supplier_lot.as_str().to_owned(),
            status: lot.qc_status.as_str().to_owned(),
            to: to.as_str().to_owned(),
        });
    }
    Ok(vec![Event::MaterialQcChanged(MaterialQcChanged {
        material_lot_id,
        status: to,
    })])
}

/// Registers equipment. The state must hold any equipment with the same asset tag.
pub fn register_equipment(
    state: &State,
    actor: &Actor,
    equipment_id: EquipmentId,
    asset_tag: Label,
    kind: Label,
    calibration_due: NaiveDate,
) -> Result<Vec<Event>, ManufacturingError> {
    acting_user(actor, &[Role::Technician, Role::Qa], "technician or qa")?;
    if state.equipment.values().any(|e| e.asset_tag == asset_tag) {
        return Err(ManufacturingError::Duplicate(format!(
            "equipment {asset_tag}"
        )));
    }
    Ok(vec![Event::EquipmentRegistered(EquipmentRegistered {
        equipment_id,
        asset_tag,
        kind,
        calibration_due,
    })])
}

/// Records a calibration and its new due date.
pub fn calibrate_equipment(
    state: &State,
    actor: &Actor,
    equipment_id: EquipmentId,
    calibration_due: NaiveDate,
) -> Result<Vec<Event>, ManufacturingError> {
    acting_user(actor, &[Role::Technician, Role::Qa], "technician or qa")?;
    if !state.equipment.contains_key(&equipment_id) {
        return Err(unknown("equipment", equipment_id));
    }
    Ok(vec![Event::EquipmentCalibrated(EquipmentCalibrated {
        equipment_id,
        calibration_due,
    })])
}

/// Defines a product description code `αoooo` (a letter, then four digits): installation data,
/// set by an admin.
pub fn define_product(
    state: &State,
    actor: &Actor,
    code: &str,
    description: Label,
) -> Result<Vec<Event>, ManufacturingError> {
    acting_user(actor, &[Role::Admin], "admin")?;
    let mut chars = code.chars();
    let valid = code.len() == 5
        && chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_digit());
    if !valid {
        return Err(ManufacturingError::MalformedProductDescription(
            code.to_owned(),
        ));
    }
    if state.products.contains_key(code) {
        return Err(ManufacturingError::Duplicate(format!(
            "product code {code}"
        )));
    }
    Ok(vec![Event::ProductDefined(ProductDefined {
        code: code.to_owned(),
        description,
    })])
}
