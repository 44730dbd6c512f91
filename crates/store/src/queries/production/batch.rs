//! Batched loaders behind the production reads: one query per table for a whole result, with
//! `IN` lists cut into chunks of [`IN_CHUNK`] ids.

use std::collections::{BTreeMap, BTreeSet};

use cordtrace_domain::ids::{DonationId, DonorId, EquipmentId, LotId, MaterialLotId, UserId};
use cordtrace_domain::manufacturing::{
    Custody, Deviation, Donation, Donor, Equipment, Lot, LotCode, LotKind, LotStatus, MaterialLot,
    ProcessingStep, Unit,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::{DeviationRecord, LotFlag, LotRecord, LotRef, StaffRef, StepRecord, UnitRecord};
use crate::entity::{app_user, lot, lot_parent};
use crate::error::QueryError;
use crate::projection::donations::{self, DonationFilter};
use crate::projection::materials::{self, EquipmentFilter};
use crate::projection::{donors, lots};

/// Most ids in one `IN (...)` list: far below SQLite's 32,766 and PostgreSQL's 65,535 bound
/// parameters, and small enough that the child tables a loader reads for one chunk stay below
/// them too.
pub const IN_CHUNK: usize = 500;

/// Runs `load` on `ids` in chunks of [`IN_CHUNK`] and gathers what each chunk returns.
pub(crate) async fn in_chunks<I, R, E, F, Fut, Out>(
    ids: &BTreeSet<I>,
    load: F,
) -> Result<Vec<R>, QueryError>
where
    I: Clone,
    F: Fn(Vec<I>) -> Fut,
    Fut: Future<Output = Result<Out, E>>,
    Out: IntoIterator<Item = R>,
    QueryError: From<E>,
{
    let ids: Vec<I> = ids.iter().cloned().collect();
    let mut gathered = Vec::new();
    for chunk in ids.chunks(IN_CHUNK) {
        gathered.extend(load(chunk.to_vec()).await?);
    }
    Ok(gathered)
}

/// The UUIDs of typed ids, for an `IN` filter.
pub(super) fn uuids<T: Copy + Into<Uuid>>(ids: Vec<T>) -> Vec<Uuid> {
    ids.into_iter().map(Into::into).collect()
}

/// Lots by id, as other records name them.
async fn lot_refs(
    db: &impl ConnectionTrait,
    ids: &BTreeSet<LotId>,
) -> Result<BTreeMap<LotId, LotRef>, QueryError> {
    let rows = in_chunks(ids, |chunk| {
        lot::Entity::find()
            .filter(lot::Column::Id.is_in(uuids(chunk)))
            .all(db)
    })
    .await?;
    rows.into_iter()
        .map(|row| {
            let kind = LotKind::parse(&row.kind)
                .ok_or_else(|| QueryError::Corrupt(format!("lot.kind {:?}", row.kind)))?;
            let status = LotStatus::parse(&row.status)
                .ok_or_else(|| QueryError::Corrupt(format!("lot.status {:?}", row.status)))?;
            let id = LotId::from_uuid(row.id);
            Ok((
                id,
                LotRef {
                    id,
                    code: LotCode::from_stored(row.code),
                    kind,
                    status,
                },
            ))
        })
        .collect()
}

/// The value at `key`; a record that names a missing row means the tables are corrupt.
fn pick<K: Ord + std::fmt::Display, V: Clone>(
    map: &BTreeMap<K, V>,
    key: &K,
    what: &str,
) -> Result<V, QueryError> {
    map.get(key)
        .cloned()
        .ok_or_else(|| QueryError::Corrupt(format!("{what} {key} is referenced but missing")))
}

/// Users by id, as records name them.
async fn staff(
    db: &impl ConnectionTrait,
    ids: &BTreeSet<UserId>,
) -> Result<BTreeMap<UserId, StaffRef>, QueryError> {
    let rows: Vec<(Uuid, String)> = in_chunks(ids, |chunk| {
        app_user::Entity::find()
            .select_only()
            .column(app_user::Column::Id)
            .column(app_user::Column::PrintedName)
            .filter(app_user::Column::Id.is_in(uuids(chunk)))
            .into_tuple()
            .all(db)
    })
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, printed_name)| {
            let id = UserId::from_uuid(id);
            (id, StaffRef { id, printed_name })
        })
        .collect())
}

/// Lots by id with their flags, donors, parents and children, oldest first.
pub(super) async fn lot_records(
    db: &impl ConnectionTrait,
    ids: &BTreeSet<LotId>,
) -> Result<Vec<LotRecord>, QueryError> {
    let loaded: BTreeMap<LotId, Lot> = in_chunks(ids, |chunk| lots::load(db, Some(chunk)))
        .await?
        .into_iter()
        .collect();
    let edges: Vec<lot_parent::Model> = in_chunks(ids, |chunk| {
        lot_parent::Entity::find()
            .filter(lot_parent::Column::ParentId.is_in(uuids(chunk)))
            .all(db)
    })
    .await?;
    let mut children: BTreeMap<LotId, Vec<LotId>> = BTreeMap::new();
    for edge in &edges {
        children
            .entry(LotId::from_uuid(edge.parent_id))
            .or_default()
            .push(LotId::from_uuid(edge.lot_id));
    }
    let mut named: BTreeSet<LotId> = loaded.values().flat_map(|l| l.parents.clone()).collect();
    named.extend(children.values().flatten().copied());
    let refs = lot_refs(db, &named).await?;
    let donor_ids: BTreeSet<DonorId> = loaded.values().flat_map(|l| l.donors.clone()).collect();
    let donors: BTreeMap<DonorId, Donor> =
        in_chunks(&donor_ids, |chunk| donors::load(db, Some(chunk)))
            .await?
            .into_iter()
            .collect();
    let mut records = loaded
        .into_values()
        .map(|lot| {
            let parents = lot
                .parents
                .iter()
                .map(|id| pick(&refs, id, "lot"))
                .collect::<Result<Vec<_>, _>>()?;
            let mut kids = children
                .remove(&lot.id)
                .unwrap_or_default()
                .iter()
                .map(|id| pick(&refs, id, "lot"))
                .collect::<Result<Vec<_>, _>>()?;
            kids.sort_by(|a, b| a.code.cmp(&b.code));
            Ok(LotRecord {
                flags: LotFlag::of(&lot, &donors),
                donors: lot
                    .donors
                    .iter()
                    .filter_map(|id| donors.get(id).cloned())
                    .collect(),
                parents,
                children: kids,
                lot,
            })
        })
        .collect::<Result<Vec<_>, QueryError>>()?;
    records.sort_by(|a, b| {
        (a.lot.created_at, a.lot.code.as_str()).cmp(&(b.lot.created_at, b.lot.code.as_str()))
    });
    Ok(records)
}

/// `steps` with the lots, donation, equipment, material lots and operator they name, by start
/// time.
pub(super) async fn step_records(
    db: &impl ConnectionTrait,
    steps: Vec<ProcessingStep>,
) -> Result<Vec<StepRecord>, QueryError> {
    let lot_ids: BTreeSet<LotId> = steps.iter().flat_map(|s| s.lots()).collect();
    let refs = lot_refs(db, &lot_ids).await?;
    let equipment_ids: BTreeSet<EquipmentId> =
        steps.iter().flat_map(|s| s.equipment.clone()).collect();
    let equipment: BTreeMap<EquipmentId, Equipment> = in_chunks(&equipment_ids, |chunk| {
        materials::load_equipment(db, EquipmentFilter::Ids(chunk))
    })
    .await?
    .into_iter()
    .collect();
    let material_ids: BTreeSet<MaterialLotId> =
        steps.iter().flat_map(|s| s.material_lots.clone()).collect();
    let material_lots: BTreeMap<MaterialLotId, MaterialLot> = in_chunks(&material_ids, |chunk| {
        materials::load_material_lots(db, Some(chunk))
    })
    .await?
    .into_iter()
    .collect();
    let donation_ids: BTreeSet<DonationId> = steps.iter().filter_map(|s| s.donation).collect();
    let donations: BTreeMap<DonationId, Donation> = in_chunks(&donation_ids, |chunk| {
        donations::load(db, DonationFilter::Ids(chunk))
    })
    .await?
    .into_iter()
    .collect();
    let people = staff(db, &steps.iter().map(|s| s.operator).collect()).await?;
    let mut records = steps
        .into_iter()
        .map(|step| {
            Ok(StepRecord {
                operator: pick(&people, &step.operator, "user")?,
                donation: step
                    .donation
                    .map(|id| pick(&donations, &id, "donation"))
                    .transpose()?,
                inputs: step
                    .inputs
                    .iter()
                    .map(|id| pick(&refs, id, "lot"))
                    .collect::<Result<_, _>>()?,
                outputs: step
                    .outputs
                    .iter()
                    .map(|id| pick(&refs, id, "lot"))
                    .collect::<Result<_, _>>()?,
                equipment: step
                    .equipment
                    .iter()
                    .map(|id| pick(&equipment, id, "equipment"))
                    .collect::<Result<_, _>>()?,
                material_lots: step
                    .material_lots
                    .iter()
                    .map(|id| pick(&material_lots, id, "material lot"))
                    .collect::<Result<_, _>>()?,
                step,
            })
        })
        .collect::<Result<Vec<_>, QueryError>>()?;
    records.sort_by_key(|r| (r.step.started_at, r.step.recorded_at));
    Ok(records)
}

/// `deviations` with their lots and the people who opened and closed them, oldest first.
pub(super) async fn deviation_records(
    db: &impl ConnectionTrait,
    deviations: Vec<Deviation>,
) -> Result<Vec<DeviationRecord>, QueryError> {
    let refs = lot_refs(db, &deviations.iter().map(|d| d.lot_id).collect()).await?;
    let mut people_ids: BTreeSet<UserId> = deviations.iter().map(|d| d.opened_by).collect();
    people_ids.extend(
        deviations
            .iter()
            .filter_map(|d| d.closure.as_ref().map(|c| c.closed_by)),
    );
    let people = staff(db, &people_ids).await?;
    let mut records = deviations
        .into_iter()
        .map(|deviation| {
            Ok(DeviationRecord {
                lot: pick(&refs, &deviation.lot_id, "lot")?,
                opened_by: pick(&people, &deviation.opened_by, "user")?,
                closed_by: deviation
                    .closure
                    .as_ref()
                    .map(|c| pick(&people, &c.closed_by, "user"))
                    .transpose()?,
                deviation,
            })
        })
        .collect::<Result<Vec<_>, QueryError>>()?;
    records.sort_by_key(|r| r.deviation.opened_at);
    Ok(records)
}

/// `units` with their lots and the people of their current custody, by DIN and product code.
pub(super) async fn unit_records(
    db: &impl ConnectionTrait,
    units: Vec<Unit>,
) -> Result<Vec<UnitRecord>, QueryError> {
    let refs = lot_refs(db, &units.iter().map(|u| u.lot_id).collect()).await?;
    let people_ids: BTreeSet<UserId> = units
        .iter()
        .flat_map(|u| match &u.custody {
            Custody::Stored => Vec::new(),
            Custody::InTransit {
                dispatched_by,
                receiver,
                ..
            } => vec![*dispatched_by, *receiver],
            Custody::Received { received_by, .. } => vec![*received_by],
        })
        .collect();
    let people = staff(db, &people_ids).await?;
    let mut records = units
        .into_iter()
        .map(|unit| {
            let (dispatched_by, receiver, received_by) = match &unit.custody {
                Custody::Stored => (None, None, None),
                Custody::InTransit {
                    dispatched_by,
                    receiver,
                    ..
                } => (
                    Some(pick(&people, dispatched_by, "user")?),
                    Some(pick(&people, receiver, "user")?),
                    None,
                ),
                Custody::Received { received_by, .. } => {
                    (None, None, Some(pick(&people, received_by, "user")?))
                }
            };
            Ok(UnitRecord {
                lot: pick(&refs, &unit.lot_id, "lot")?,
                dispatched_by,
                receiver,
                received_by,
                unit,
            })
        })
        .collect::<Result<Vec<_>, QueryError>>()?;
    records.sort_by_key(|r| (r.unit.din, r.unit.product_code));
    Ok(records)
}

/// Whether a lot with this id exists.
pub(super) async fn lot_exists(db: &impl ConnectionTrait, id: LotId) -> Result<bool, QueryError> {
    Ok(lot::Entity::find_by_id(id.as_uuid())
        .select_only()
        .column(lot::Column::Id)
        .into_tuple::<Uuid>()
        .one(db)
        .await?
        .is_some())
}
