//! `recall`, `recall_lot`, `recall_unit`, `recall_patient` <-> [`Recall`].

use std::collections::BTreeMap;

use cordtrace_domain::Timestamp;
use cordtrace_domain::clinical::{LookbackSource, Recall};
use cordtrace_domain::ids::{
    DonationId, DonorId, LotId, MaterialLotId, PatientId, RecallId, UnitId, UserId,
};
use cordtrace_domain::values::Narrative;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use super::super::common::{insert_all, parse, position, upsert};
use crate::entity::{recall, recall_lot, recall_patient, recall_unit};
use crate::error::QueryError;

/// The stored kind and id of a look-back source.
pub(crate) fn source_columns(source: LookbackSource) -> (&'static str, Uuid) {
    match source {
        LookbackSource::Donor(id) => ("DONOR", id.as_uuid()),
        LookbackSource::Donation(id) => ("DONATION", id.as_uuid()),
        LookbackSource::MaterialLot(id) => ("MATERIAL_LOT", id.as_uuid()),
        LookbackSource::Lot(id) => ("LOT", id.as_uuid()),
    }
}

fn source_from_columns(kind: &str, id: Uuid) -> Result<LookbackSource, QueryError> {
    Ok(match kind {
        "DONOR" => LookbackSource::Donor(DonorId::from_uuid(id)),
        "DONATION" => LookbackSource::Donation(DonationId::from_uuid(id)),
        "MATERIAL_LOT" => LookbackSource::MaterialLot(MaterialLotId::from_uuid(id)),
        "LOT" => LookbackSource::Lot(LotId::from_uuid(id)),
        other => return Err(QueryError::Corrupt(format!("recall.source_kind {other:?}"))),
    })
}

/// Saves recalls with their lists. A recall never changes once made, so the lists are written
/// when the recall is new.
pub(crate) async fn save(db: &impl ConnectionTrait, recalls: &[&Recall]) -> Result<(), QueryError> {
    let ids: Vec<Uuid> = recalls.iter().map(|r| r.id.as_uuid()).collect();
    let existing: Vec<Uuid> = recall::Entity::find()
        .filter(recall::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|row| row.id)
        .collect();
    let new: Vec<&&Recall> = recalls
        .iter()
        .filter(|r| !existing.contains(&r.id.as_uuid()))
        .collect();
    let rows = recalls
        .iter()
        .map(|r| {
            let (source_kind, source_id) = source_columns(r.source);
            recall::ActiveModel {
                id: Set(r.id.as_uuid()),
                source_kind: Set(source_kind.to_owned()),
                source_id: Set(source_id),
                reason: Set(r.reason.as_str().to_owned()),
                initiated_by: Set(r.initiated_by.as_uuid()),
                initiated_at: Set(r.initiated_at.as_datetime()),
            }
        })
        .collect();
    upsert(db, rows).await?;
    let lots = new
        .iter()
        .flat_map(|r| {
            r.lots
                .iter()
                .enumerate()
                .map(|(index, id)| recall_lot::ActiveModel {
                    recall_id: Set(r.id.as_uuid()),
                    position: Set(position(index)),
                    lot_id: Set(id.as_uuid()),
                })
        })
        .collect();
    insert_all(db, lots).await?;
    let units = new
        .iter()
        .flat_map(|r| {
            r.units
                .iter()
                .enumerate()
                .map(|(index, id)| recall_unit::ActiveModel {
                    recall_id: Set(r.id.as_uuid()),
                    position: Set(position(index)),
                    unit_id: Set(id.as_uuid()),
                })
        })
        .collect();
    insert_all(db, units).await?;
    let patients = new
        .iter()
        .flat_map(|r| {
            r.patients
                .iter()
                .enumerate()
                .map(|(index, id)| recall_patient::ActiveModel {
                    recall_id: Set(r.id.as_uuid()),
                    position: Set(position(index)),
                    patient_id: Set(id.as_uuid()),
                })
        })
        .collect();
    insert_all(db, patients).await
}

/// Loads every recall.
pub(crate) async fn load_all(
    db: &impl ConnectionTrait,
) -> Result<BTreeMap<RecallId, Recall>, QueryError> {
    let mut lots: BTreeMap<Uuid, Vec<LotId>> = BTreeMap::new();
    for row in recall_lot::Entity::find()
        .order_by_asc(recall_lot::Column::Position)
        .all(db)
        .await?
    {
        lots.entry(row.recall_id)
            .or_default()
            .push(LotId::from_uuid(row.lot_id));
    }
    let mut units: BTreeMap<Uuid, Vec<UnitId>> = BTreeMap::new();
    for row in recall_unit::Entity::find()
        .order_by_asc(recall_unit::Column::Position)
        .all(db)
        .await?
    {
        units
            .entry(row.recall_id)
            .or_default()
            .push(UnitId::from_uuid(row.unit_id));
    }
    let mut patients: BTreeMap<Uuid, Vec<PatientId>> = BTreeMap::new();
    for row in recall_patient::Entity::find()
        .order_by_asc(recall_patient::Column::Position)
        .all(db)
        .await?
    {
        patients
            .entry(row.recall_id)
            .or_default()
            .push(PatientId::from_uuid(row.patient_id));
    }
    recall::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            let recall = Recall {
                id: RecallId::from_uuid(row.id),
                source: source_from_columns(&row.source_kind, row.source_id)?,
                reason: parse(Narrative::parse(&row.reason, "reason"), "recall.reason")?,
                lots: lots.remove(&row.id).unwrap_or_default(),
                units: units.remove(&row.id).unwrap_or_default(),
                patients: patients.remove(&row.id).unwrap_or_default(),
                initiated_by: UserId::from_uuid(row.initiated_by),
                initiated_at: Timestamp::from_datetime(row.initiated_at),
            };
            Ok((recall.id, recall))
        })
        .collect()
}
