//! GraphQL counterparts of material lots, equipment, product codes and the screening panel.

use async_graphql::SimpleObject;
use chrono::{DateTime, NaiveDate, Utc};
use cordtrace_domain::manufacturing::{
    Equipment, MarkerRule, MaterialLot, ProductDefinition, ScreeningPolicy,
};
use uuid::Uuid;

use crate::production::MaterialQcStatus;

/// A lot of a material (medium, platelet lysate, trypsin, DMSO) from a supplier.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(name = "MaterialLot")]
pub struct MaterialLotObject {
    /// Identity.
    pub id: Uuid,
    /// What it is.
    pub material: String,
    /// Who made it.
    pub supplier: String,
    /// The supplier's lot number.
    pub supplier_lot: String,
    /// Its expiry date.
    pub expires_on: NaiveDate,
    /// Its QC status.
    pub qc_status: MaterialQcStatus,
    /// When it was registered.
    pub registered_at: DateTime<Utc>,
}

impl From<MaterialLot> for MaterialLotObject {
    fn from(lot: MaterialLot) -> Self {
        Self {
            id: lot.id.as_uuid(),
            material: lot.material.into(),
            supplier: lot.supplier.into(),
            supplier_lot: lot.supplier_lot.into(),
            expires_on: lot.expires_on,
            qc_status: lot.qc_status.into(),
            registered_at: lot.registered_at.as_datetime(),
        }
    }
}

/// A piece of equipment.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(name = "Equipment")]
pub struct EquipmentObject {
    /// Identity.
    pub id: Uuid,
    /// The asset tag on the device, unique.
    pub asset_tag: String,
    /// What it is.
    pub kind: String,
    /// The last day it may be used before recalibration.
    pub calibration_due: NaiveDate,
    /// When it was registered.
    pub registered_at: DateTime<Utc>,
}

impl From<Equipment> for EquipmentObject {
    fn from(equipment: Equipment) -> Self {
        Self {
            id: equipment.id.as_uuid(),
            asset_tag: equipment.asset_tag.into(),
            kind: equipment.kind.into(),
            calibration_due: equipment.calibration_due,
            registered_at: equipment.registered_at.as_datetime(),
        }
    }
}

/// A product description code the installation defined.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(name = "ProductDefinition")]
pub struct ProductDefinitionObject {
    /// The 5-character product description code, e.g. `S1234`.
    pub code: String,
    /// Its description.
    pub description: String,
    /// When it was defined.
    pub defined_at: DateTime<Utc>,
}

impl From<ProductDefinition> for ProductDefinitionObject {
    fn from(product: ProductDefinition) -> Self {
        Self {
            code: product.code,
            description: product.description.into(),
            defined_at: product.defined_at.as_datetime(),
        }
    }
}

/// A screening marker of the configured panel.
#[derive(SimpleObject, Clone, Debug)]
pub struct ScreeningMarker {
    /// The marker's name, exactly as a screening result must give it.
    pub name: String,
    /// Whether a result other than NON_REACTIVE makes the donor ineligible.
    pub exclusionary: bool,
}

impl From<MarkerRule> for ScreeningMarker {
    fn from(rule: MarkerRule) -> Self {
        Self {
            name: rule.name,
            exclusionary: rule.exclusionary,
        }
    }
}

/// The screening an ELIGIBLE determination needs.
#[derive(SimpleObject, Clone, Debug)]
pub struct ScreeningPanel {
    /// Every marker that must be tested.
    pub markers: Vec<ScreeningMarker>,
    /// How many days a specimen may be from the cord's recovery.
    pub window_days: i32,
}

impl From<ScreeningPolicy> for ScreeningPanel {
    fn from(policy: ScreeningPolicy) -> Self {
        Self {
            markers: policy
                .markers
                .into_iter()
                .map(ScreeningMarker::from)
                .collect(),
            window_days: i32::try_from(policy.window_days).unwrap_or(i32::MAX),
        }
    }
}
