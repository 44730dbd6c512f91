//! `lot`, `lot_parent`, `lot_donor` <-> [`Lot`].

use std::collections::{BTreeMap, BTreeSet};

use cordtrace_domain::Timestamp;
use cordtrace_domain::ids::{DonationId, DonorId, LotId, StepId};
use cordtrace_domain::manufacturing::{Lot, LotCode};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use super::common::{enum_text, insert_all, parse_enum, position, upsert};
use crate::entity::{lot, lot_donor, lot_parent};
use crate::error::QueryError;

pub(crate) async fn save(db: &impl ConnectionTrait, lots: &[&Lot]) -> Result<(), QueryError> {
    let rows = lots
        .iter()
        .map(|l| lot::ActiveModel {
            id: Set(l.id.as_uuid()),
            code: Set(l.code.as_str().to_owned()),
            kind: Set(enum_text(&l.kind)),
            bank_level: Set(l.bank_level.as_ref().map(enum_text)),
            status: Set(enum_text(&l.status)),
            held_from: Set(l.held_from.as_ref().map(enum_text)),
            donation_id: Set(l.donation_id.map(|d| d.as_uuid())),
            made_by: Set(l.made_by.as_uuid()),
            created_at: Set(l.created_at.as_datetime()),
        })
        .collect();
    upsert(db, rows).await?;
    // Lineage and donors never change after a lot is made; only new lots need them.
    let ids: Vec<Uuid> = lots.iter().map(|l| l.id.as_uuid()).collect();
    let existing: BTreeSet<Uuid> = lot_donor::Entity::find()
        .filter(lot_donor::Column::LotId.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|row| row.lot_id)
        .chain(
            lot_parent::Entity::find()
                .filter(lot_parent::Column::LotId.is_in(ids))
                .all(db)
                .await?
                .into_iter()
                .map(|row| row.lot_id),
        )
        .collect();
    let new_lots: Vec<&&Lot> = lots
        .iter()
        .filter(|l| !existing.contains(&l.id.as_uuid()))
        .collect();
    let parents = new_lots
        .iter()
        .flat_map(|l| {
            l.parents
                .iter()
                .enumerate()
                .map(|(index, parent)| lot_parent::ActiveModel {
                    lot_id: Set(l.id.as_uuid()),
                    parent_id: Set(parent.as_uuid()),
                    position: Set(position(index)),
                })
        })
        .collect();
    insert_all(db, parents).await?;
    let donors = new_lots
        .iter()
        .flat_map(|l| {
            l.donors.iter().map(|donor| lot_donor::ActiveModel {
                lot_id: Set(l.id.as_uuid()),
                donor_id: Set(donor.as_uuid()),
            })
        })
        .collect();
    insert_all(db, donors).await
}

/// Loads lots by id, or every lot with `None`.
pub(crate) async fn load(
    db: &impl ConnectionTrait,
    ids: Option<Vec<LotId>>,
) -> Result<BTreeMap<LotId, Lot>, QueryError> {
    let mut query = lot::Entity::find();
    let mut parents_query = lot_parent::Entity::find().order_by_asc(lot_parent::Column::Position);
    let mut donors_query = lot_donor::Entity::find();
    if let Some(ids) = ids {
        let uuids: Vec<Uuid> = ids.iter().map(LotId::as_uuid).collect();
        query = query.filter(lot::Column::Id.is_in(uuids.clone()));
        parents_query = parents_query.filter(lot_parent::Column::LotId.is_in(uuids.clone()));
        donors_query = donors_query.filter(lot_donor::Column::LotId.is_in(uuids));
    }
    let mut parents: BTreeMap<Uuid, Vec<LotId>> = BTreeMap::new();
    for row in parents_query.all(db).await? {
        parents
            .entry(row.lot_id)
            .or_default()
            .push(LotId::from_uuid(row.parent_id));
    }
    let mut donors: BTreeMap<Uuid, BTreeSet<DonorId>> = BTreeMap::new();
    for row in donors_query.all(db).await? {
        donors
            .entry(row.lot_id)
            .or_default()
            .insert(DonorId::from_uuid(row.donor_id));
    }
    query
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            let lot = Lot {
                id: LotId::from_uuid(row.id),
                code: LotCode::from_stored(row.code),
                kind: parse_enum(&row.kind, "lot.kind")?,
                bank_level: row
                    .bank_level
                    .as_deref()
                    .map(|b| parse_enum(b, "lot.bank_level"))
                    .transpose()?,
                status: parse_enum(&row.status, "lot.status")?,
                held_from: row
                    .held_from
                    .as_deref()
                    .map(|h| parse_enum(h, "lot.held_from"))
                    .transpose()?,
                parents: parents.remove(&row.id).unwrap_or_default(),
                donation_id: row.donation_id.map(DonationId::from_uuid),
                donors: donors.remove(&row.id).unwrap_or_default(),
                made_by: StepId::from_uuid(row.made_by),
                created_at: Timestamp::from_datetime(row.created_at),
            };
            Ok((lot.id, lot))
        })
        .collect()
}

/// The highest sequence among lot codes starting with `prefix` (e.g. `DP26-`).
///
/// The bounds make it one index seek: with `LIKE 'DP26-%'` alone both backends walk the code
/// index backwards past every lot whose code sorts after the prefix (30 ms per new lot at 99,000
/// lots on PostgreSQL, inside the writer's transaction). Sequences are six digits, so the bounds
/// hold in any collation; the `LIKE` stays to keep the answer exact.
pub(crate) async fn last_code_sequence(
    db: &impl ConnectionTrait,
    prefix: &str,
) -> Result<u32, QueryError> {
    let last = lot::Entity::find()
        .filter(lot::Column::Code.gte(format!("{prefix}000000")))
        .filter(lot::Column::Code.lte(format!("{prefix}999999")))
        .filter(lot::Column::Code.starts_with(prefix))
        .order_by_desc(lot::Column::Code)
        .one(db)
        .await?;
    Ok(last
        .and_then(|row| row.code.strip_prefix(prefix).and_then(|n| n.parse().ok()))
        .unwrap_or(0))
}
