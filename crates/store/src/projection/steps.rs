//! `processing_step` and its child tables <-> [`ProcessingStep`].

use std::collections::BTreeMap;

use cordtrace_domain::Timestamp;
use cordtrace_domain::ids::{DonationId, EquipmentId, LotId, MaterialLotId, StepId, UserId};
use cordtrace_domain::manufacturing::{Measurement, ProcessingStep};
use cordtrace_domain::values::{Label, Narrative};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use super::common::{enum_text, insert_all, parse, parse_enum, position, upsert};
use crate::entity::{
    processing_step, step_equipment, step_input, step_material, step_measurement, step_output,
};
use crate::error::QueryError;

pub(crate) async fn save(
    db: &impl ConnectionTrait,
    steps: &[&ProcessingStep],
) -> Result<(), QueryError> {
    let rows = steps
        .iter()
        .map(|s| processing_step::ActiveModel {
            id: Set(s.id.as_uuid()),
            kind: Set(enum_text(&s.kind)),
            sop_id: Set(s.sop_id.to_string()),
            sop_version: Set(s.sop_version.to_string()),
            operator: Set(s.operator.as_uuid()),
            started_at: Set(s.started_at.as_datetime()),
            ended_at: Set(s.ended_at.map(|t| t.as_datetime())),
            donation_id: Set(s.donation.map(|d| d.as_uuid())),
            notes: Set(s.notes.as_ref().map(|n| n.as_str().to_owned())),
            recorded_at: Set(s.recorded_at.as_datetime()),
        })
        .collect();
    upsert(db, rows).await?;
    let ids: Vec<Uuid> = steps.iter().map(|s| s.id.as_uuid()).collect();
    // Inputs, outputs, equipment and materials are fixed when the step is recorded; measurements
    // only grow. Rewriting the child rows keeps one code path for both.
    step_input::Entity::delete_many()
        .filter(step_input::Column::StepId.is_in(ids.clone()))
        .exec(db)
        .await?;
    step_output::Entity::delete_many()
        .filter(step_output::Column::StepId.is_in(ids.clone()))
        .exec(db)
        .await?;
    step_equipment::Entity::delete_many()
        .filter(step_equipment::Column::StepId.is_in(ids.clone()))
        .exec(db)
        .await?;
    step_material::Entity::delete_many()
        .filter(step_material::Column::StepId.is_in(ids.clone()))
        .exec(db)
        .await?;
    step_measurement::Entity::delete_many()
        .filter(step_measurement::Column::StepId.is_in(ids))
        .exec(db)
        .await?;
    let mut inputs = Vec::new();
    let mut outputs = Vec::new();
    let mut equipment = Vec::new();
    let mut materials = Vec::new();
    let mut measurements = Vec::new();
    for s in steps {
        let step_id = s.id.as_uuid();
        for (index, lot) in s.inputs.iter().enumerate() {
            inputs.push(step_input::ActiveModel {
                step_id: Set(step_id),
                lot_id: Set(lot.as_uuid()),
                position: Set(position(index)),
            });
        }
        for (index, lot) in s.outputs.iter().enumerate() {
            outputs.push(step_output::ActiveModel {
                step_id: Set(step_id),
                lot_id: Set(lot.as_uuid()),
                position: Set(position(index)),
            });
        }
        for (index, item) in s.equipment.iter().enumerate() {
            equipment.push(step_equipment::ActiveModel {
                step_id: Set(step_id),
                equipment_id: Set(item.as_uuid()),
                position: Set(position(index)),
            });
        }
        for (index, item) in s.material_lots.iter().enumerate() {
            materials.push(step_material::ActiveModel {
                step_id: Set(step_id),
                material_lot_id: Set(item.as_uuid()),
                position: Set(position(index)),
            });
        }
        for (index, m) in s.measurements.iter().enumerate() {
            measurements.push(step_measurement::ActiveModel {
                step_id: Set(step_id),
                position: Set(position(index)),
                kind: Set(m.kind().to_owned()),
                value: Set(m.value_text()),
                unit: Set(m.unit().to_owned()),
            });
        }
    }
    insert_all(db, inputs).await?;
    insert_all(db, outputs).await?;
    insert_all(db, equipment).await?;
    insert_all(db, materials).await?;
    insert_all(db, measurements).await
}

/// Which steps to load.
pub(crate) enum StepFilter {
    /// All.
    All,
    /// By id.
    Ids(Vec<StepId>),
    /// Every step that took in or made one of these lots.
    Lots(Vec<LotId>),
}

async fn step_ids_for_lots(
    db: &impl ConnectionTrait,
    lots: Vec<Uuid>,
) -> Result<Vec<Uuid>, QueryError> {
    let mut ids: Vec<Uuid> = step_input::Entity::find()
        .filter(step_input::Column::LotId.is_in(lots.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|row| row.step_id)
        .collect();
    ids.extend(
        step_output::Entity::find()
            .filter(step_output::Column::LotId.is_in(lots))
            .all(db)
            .await?
            .into_iter()
            .map(|row| row.step_id),
    );
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// Loads steps.
pub(crate) async fn load(
    db: &impl ConnectionTrait,
    filter: StepFilter,
) -> Result<BTreeMap<StepId, ProcessingStep>, QueryError> {
    let ids: Option<Vec<Uuid>> = match filter {
        StepFilter::All => None,
        StepFilter::Ids(ids) => Some(ids.iter().map(StepId::as_uuid).collect()),
        StepFilter::Lots(lots) => {
            Some(step_ids_for_lots(db, lots.iter().map(LotId::as_uuid).collect()).await?)
        }
    };
    macro_rules! children {
        ($entity:ident) => {{
            let mut query = $entity::Entity::find().order_by_asc($entity::Column::Position);
            if let Some(ids) = &ids {
                query = query.filter($entity::Column::StepId.is_in(ids.clone()));
            }
            let mut by_step: BTreeMap<Uuid, Vec<$entity::Model>> = BTreeMap::new();
            for row in query.all(db).await? {
                by_step.entry(row.step_id).or_default().push(row);
            }
            by_step
        }};
    }
    let mut inputs = children!(step_input);
    let mut outputs = children!(step_output);
    let mut equipment = children!(step_equipment);
    let mut materials = children!(step_material);
    let mut measurements = children!(step_measurement);
    let mut query = processing_step::Entity::find();
    if let Some(ids) = &ids {
        query = query.filter(processing_step::Column::Id.is_in(ids.clone()));
    }
    query
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            let id = row.id;
            let step = ProcessingStep {
                id: StepId::from_uuid(id),
                kind: parse_enum(&row.kind, "processing_step.kind")?,
                sop_id: parse(Label::parse(&row.sop_id, "sop"), "processing_step.sop_id")?,
                sop_version: parse(
                    Label::parse(&row.sop_version, "sop version"),
                    "processing_step.sop_version",
                )?,
                operator: UserId::from_uuid(row.operator),
                started_at: Timestamp::from_datetime(row.started_at),
                ended_at: row.ended_at.map(Timestamp::from_datetime),
                donation: row.donation_id.map(DonationId::from_uuid),
                inputs: inputs
                    .remove(&id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|r| LotId::from_uuid(r.lot_id))
                    .collect(),
                outputs: outputs
                    .remove(&id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|r| LotId::from_uuid(r.lot_id))
                    .collect(),
                measurements: measurements
                    .remove(&id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|r| {
                        parse(
                            Measurement::parse(&r.kind, &r.value, &r.unit),
                            "step_measurement",
                        )
                    })
                    .collect::<Result<_, _>>()?,
                equipment: equipment
                    .remove(&id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|r| EquipmentId::from_uuid(r.equipment_id))
                    .collect(),
                material_lots: materials
                    .remove(&id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|r| MaterialLotId::from_uuid(r.material_lot_id))
                    .collect(),
                notes: row
                    .notes
                    .as_deref()
                    .map(|n| parse(Narrative::parse(n, "notes"), "processing_step.notes"))
                    .transpose()?,
                recorded_at: Timestamp::from_datetime(row.recorded_at),
            };
            Ok((step.id, step))
        })
        .collect()
}
