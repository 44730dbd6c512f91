//! Material lot, equipment and product code commands.

use chrono::NaiveDate;
use cordtrace_domain::ids::{EquipmentId, MaterialLotId};
use cordtrace_domain::manufacturing::MaterialQcStatus;
use cordtrace_domain::manufacturing::commands::materials;
use cordtrace_domain::signature::Signature;
use cordtrace_domain::values::Label;
use cordtrace_domain::{Refusal, State};

use crate::commands::load;
use crate::error::CommandError;
use crate::executor::{Command, CommandContext, Decision};
use crate::projection::materials::{EquipmentFilter, load_equipment, load_products};

/// Registers a material lot.
pub struct RegisterMaterialLot {
    /// Its id.
    pub material_lot_id: MaterialLotId,
    /// What it is.
    pub material: Label,
    /// Who made it.
    pub supplier: Label,
    /// The supplier's lot number.
    pub supplier_lot: Label,
    /// Expiry date.
    pub expires_on: NaiveDate,
}

impl Command for RegisterMaterialLot {
    type Output = ();
    const NAME: &'static str = "register_material_lot";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let events = materials::register_material_lot(
            &context.actor,
            self.material_lot_id,
            self.material,
            self.supplier,
            self.supplier_lot,
            self.expires_on,
        )
        .map_err(Refusal::from)?;
        Ok(Decision::new(State::default(), events, ()))
    }
}

/// QA sets a material lot's QC status, signed.
pub struct SetMaterialQc {
    /// The material lot.
    pub material_lot_id: MaterialLotId,
    /// The new status.
    pub status: MaterialQcStatus,
    /// The re-checked signature.
    pub signature: Signature,
}

impl Command for SetMaterialQc {
    type Output = ();
    const NAME: &'static str = "set_material_qc";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let mut state = State::default();
        load::equipment_and_materials(
            context.txn,
            &mut state,
            Vec::new(),
            vec![self.material_lot_id],
        )
        .await?;
        let events =
            materials::set_material_qc(&state, &context.actor, self.material_lot_id, self.status)
                .map_err(Refusal::from)?;
        let signature =
            load::signature(context.txn, context.actor, self.signature, context.now).await?;
        Ok(Decision::new(state, events, ()).signed(signature))
    }
}

/// Registers equipment.
pub struct RegisterEquipment {
    /// Its id.
    pub equipment_id: EquipmentId,
    /// Asset tag.
    pub asset_tag: Label,
    /// What it is.
    pub kind: Label,
    /// Calibration due date.
    pub calibration_due: NaiveDate,
}

impl Command for RegisterEquipment {
    type Output = ();
    const NAME: &'static str = "register_equipment";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let mut state = State::default();
        state.equipment.extend(
            load_equipment(
                context.txn,
                EquipmentFilter::AssetTag(self.asset_tag.as_str().to_owned()),
            )
            .await?,
        );
        let events = materials::register_equipment(
            &state,
            &context.actor,
            self.equipment_id,
            self.asset_tag,
            self.kind,
            self.calibration_due,
        )
        .map_err(Refusal::from)?;
        Ok(Decision::new(state, events, ()))
    }
}

/// Records a calibration.
pub struct CalibrateEquipment {
    /// The equipment.
    pub equipment_id: EquipmentId,
    /// The new due date.
    pub calibration_due: NaiveDate,
}

impl Command for CalibrateEquipment {
    type Output = ();
    const NAME: &'static str = "calibrate_equipment";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let mut state = State::default();
        load::equipment_and_materials(context.txn, &mut state, vec![self.equipment_id], Vec::new())
            .await?;
        let events = materials::calibrate_equipment(
            &state,
            &context.actor,
            self.equipment_id,
            self.calibration_due,
        )
        .map_err(Refusal::from)?;
        Ok(Decision::new(state, events, ()))
    }
}

/// An admin defines a product description code.
pub struct DefineProduct {
    /// The 5-character code.
    pub code: String,
    /// Its description.
    pub description: Label,
}

impl Command for DefineProduct {
    type Output = ();
    const NAME: &'static str = "define_product";

    async fn decide(self, context: &CommandContext<'_>) -> Result<Decision<()>, CommandError> {
        let state = State {
            products: load_products(context.txn).await?,
            ..State::default()
        };
        let events =
            materials::define_product(&state, &context.actor, &self.code, self.description)
                .map_err(Refusal::from)?;
        Ok(Decision::new(state, events, ()))
    }
}
