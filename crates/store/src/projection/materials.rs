//! `material_lot`, `equipment`, `product_definition` <-> their aggregates.

use std::collections::BTreeMap;

use cordtrace_domain::Timestamp;
use cordtrace_domain::ids::{EquipmentId, MaterialLotId};
use cordtrace_domain::manufacturing::{Equipment, MaterialLot, ProductDefinition};
use cordtrace_domain::values::Label;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::common::{enum_text, parse, parse_enum, upsert};
use crate::entity::{equipment, material_lot, product_definition};
use crate::error::QueryError;

fn label(text: &str, what: &str) -> Result<Label, QueryError> {
    parse(Label::parse(text, "label"), what)
}

pub(crate) async fn save_material_lots(
    db: &impl ConnectionTrait,
    lots: &[&MaterialLot],
) -> Result<(), QueryError> {
    let rows = lots
        .iter()
        .map(|m| material_lot::ActiveModel {
            id: Set(m.id.as_uuid()),
            material: Set(m.material.to_string()),
            supplier: Set(m.supplier.to_string()),
            supplier_lot: Set(m.supplier_lot.to_string()),
            expires_on: Set(m.expires_on),
            qc_status: Set(enum_text(&m.qc_status)),
            registered_at: Set(m.registered_at.as_datetime()),
        })
        .collect();
    upsert(db, rows).await
}

/// Loads material lots by id, or all with `None`.
pub(crate) async fn load_material_lots(
    db: &impl ConnectionTrait,
    ids: Option<Vec<MaterialLotId>>,
) -> Result<BTreeMap<MaterialLotId, MaterialLot>, QueryError> {
    let mut query = material_lot::Entity::find();
    if let Some(ids) = ids {
        query = query.filter(
            material_lot::Column::Id.is_in(
                ids.iter()
                    .map(MaterialLotId::as_uuid)
                    .collect::<Vec<Uuid>>(),
            ),
        );
    }
    query
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            Ok(MaterialLot {
                id: MaterialLotId::from_uuid(row.id),
                material: label(&row.material, "material_lot.material")?,
                supplier: label(&row.supplier, "material_lot.supplier")?,
                supplier_lot: label(&row.supplier_lot, "material_lot.supplier_lot")?,
                expires_on: row.expires_on,
                qc_status: parse_enum(&row.qc_status, "material_lot.qc_status")?,
                registered_at: Timestamp::from_datetime(row.registered_at),
            })
            .map(|m: MaterialLot| (m.id, m))
        })
        .collect()
}

pub(crate) async fn save_equipment(
    db: &impl ConnectionTrait,
    items: &[&Equipment],
) -> Result<(), QueryError> {
    let rows = items
        .iter()
        .map(|e| equipment::ActiveModel {
            id: Set(e.id.as_uuid()),
            asset_tag: Set(e.asset_tag.to_string()),
            kind: Set(e.kind.to_string()),
            calibration_due: Set(e.calibration_due),
            registered_at: Set(e.registered_at.as_datetime()),
        })
        .collect();
    upsert(db, rows).await
}

/// Which equipment to load.
pub(crate) enum EquipmentFilter {
    /// All.
    All,
    /// By id.
    Ids(Vec<EquipmentId>),
    /// By asset tag.
    AssetTag(String),
}

/// Loads equipment.
pub(crate) async fn load_equipment(
    db: &impl ConnectionTrait,
    filter: EquipmentFilter,
) -> Result<BTreeMap<EquipmentId, Equipment>, QueryError> {
    let query = match filter {
        EquipmentFilter::All => equipment::Entity::find(),
        EquipmentFilter::Ids(ids) => equipment::Entity::find().filter(
            equipment::Column::Id
                .is_in(ids.iter().map(EquipmentId::as_uuid).collect::<Vec<Uuid>>()),
        ),
        EquipmentFilter::AssetTag(tag) => {
            equipment::Entity::find().filter(equipment::Column::AssetTag.eq(tag))
        }
    };
    query
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            Ok(Equipment {
                id: EquipmentId::from_uuid(row.id),
                asset_tag: label(&row.asset_tag, "equipment.asset_tag")?,
                kind: label(&row.kind, "equipment.kind")?,
                calibration_due: row.calibration_due,
                registered_at: Timestamp::from_datetime(row.registered_at),
            })
            .map(|e: Equipment| (e.id, e))
        })
        .collect()
}

pub(crate) async fn save_products(
    db: &impl ConnectionTrait,
    products: &[&ProductDefinition],
) -> Result<(), QueryError> {
    let rows = products
        .iter()
        .map(|p| product_definition::ActiveModel {
            code: Set(p.code.clone()),
            description: Set(p.description.to_string()),
            defined_at: Set(p.defined_at.as_datetime()),
        })
        .collect();
    upsert(db, rows).await
}

/// Loads every product definition (a short list).
pub(crate) async fn load_products(
    db: &impl ConnectionTrait,
) -> Result<BTreeMap<String, ProductDefinition>, QueryError> {
    product_definition::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            Ok((
                row.code.clone(),
                ProductDefinition {
                    code: row.code,
                    description: label(&row.description, "product_definition.description")?,
                    defined_at: Timestamp::from_datetime(row.defined_at),
                },
            ))
        })
        .collect()
}
