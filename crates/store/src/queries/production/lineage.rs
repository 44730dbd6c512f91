//! Lineage up from a unit or lot and down from a donor, donation, material lot or lot, over the
//! recursive SQL of [`crate::lineage`].

use std::collections::{BTreeMap, BTreeSet};

use cordtrace_domain::ids::{
    AdministrationId, DonationId, DonorId, EquipmentId, LotId, MaterialLotId, StepId, UnitId,
};
use cordtrace_domain::manufacturing::{
    Donation, Donor, Equipment, Lot, MaterialLot, ProcessingStep, StepKind, Unit,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::batch::{in_chunks, lot_exists, lot_records, step_records, unit_records, uuids};
use super::{LotRecord, StepRecord, UnitRecord, unit};
use crate::db::Database;
use crate::entity::{donation, donor, material_lot, processing_step, step_input};
use crate::error::QueryError;
use crate::lineage::{self as recursive, DownstreamStart, Reached};
use crate::projection::donations::{self, DonationFilter};
use crate::projection::steps::{self, StepFilter};
use crate::projection::units::{self, UnitFilter};
use crate::queries::Page;
use crate::queries::clinical::{AdministrationRecord, administrations_by_id};

/// Everything behind a unit or lot.
#[derive(Clone, Debug)]
pub struct Upstream {
    /// The unit the trace started from, if it started from a unit.
    pub unit: Option<UnitRecord>,
    /// The starting lot and every ancestor, oldest first.
    pub lots: Vec<LotRecord>,
    /// Steps that made those lots or worked on them in place, by start time.
    pub steps: Vec<StepRecord>,
    /// Material lots those steps used.
    pub material_lots: Vec<MaterialLot>,
    /// Equipment those steps used.
    pub equipment: Vec<Equipment>,
    /// The cord donations at the root.
    pub donations: Vec<Donation>,
    /// The donors, with their current eligibility and consent.
    pub donors: Vec<Donor>,
}

/// Where an upstream trace starts.
#[derive(Clone, Copy, Debug)]
pub enum UpstreamStart {
    /// A unit.
    Unit(UnitId),
    /// A lot.
    Lot(LotId),
}

/// Ids of the steps behind `lots`: those that made one of them, and those that worked on one of
/// them in place (IN_PROCESS steps, which make no lot). A step that took one of them in to make
/// a lot outside the set (a sibling branch) is not behind them.
async fn steps_behind(
    db: &impl ConnectionTrait,
    lots: &[Lot],
) -> Result<BTreeSet<StepId>, QueryError> {
    let mut ids: BTreeSet<StepId> = lots.iter().map(|l| l.made_by).collect();
    let lot_ids: BTreeSet<LotId> = lots.iter().map(|l| l.id).collect();
    let consuming: BTreeSet<Uuid> = in_chunks(&lot_ids, |chunk| {
        step_input::Entity::find()
            .select_only()
            .column(step_input::Column::StepId)
            .filter(step_input::Column::LotId.is_in(uuids(chunk)))
            .into_tuple::<Uuid>()
            .all(db)
    })
    .await?
    .into_iter()
    .collect();
    let in_place: Vec<Uuid> = in_chunks(&consuming, |chunk| {
        processing_step::Entity::find()
            .select_only()
            .column(processing_step::Column::Id)
            .filter(processing_step::Column::Id.is_in(chunk))
            .filter(processing_step::Column::Kind.eq(StepKind::InProcess.as_str()))
            .into_tuple::<Uuid>()
            .all(db)
    })
    .await?;
    ids.extend(in_place.into_iter().map(StepId::from_uuid));
    Ok(ids)
}

/// Everything behind a unit or a lot: ancestor lots, the steps that made them with their
/// equipment and material lots, the donations at the root and their donors. `None` if the start
/// does not exist.
pub async fn upstream(
    database: &Database,
    start: UpstreamStart,
) -> Result<Option<Upstream>, QueryError> {
    let db = database.connection();
    let (unit, lot_id) = match start {
        UpstreamStart::Unit(unit_id) => {
            let Some(record) = unit(database, unit_id).await? else {
                return Ok(None);
            };
            let lot_id = record.unit.lot_id;
            (Some(record), lot_id)
        }
        UpstreamStart::Lot(lot_id) => {
            if !lot_exists(db, lot_id).await? {
                return Ok(None);
            }
            (None, lot_id)
        }
    };
    let lot_ids: BTreeSet<LotId> = recursive::with_ancestors(db, lot_id)
        .await?
        .into_iter()
        .collect();
    let lots = lot_records(db, &lot_ids).await?;
    let plain: Vec<Lot> = lots.iter().map(|r| r.lot.clone()).collect();
    let step_ids = steps_behind(db, &plain).await?;
    let loaded: Vec<ProcessingStep> =
        in_chunks(&step_ids, |chunk| steps::load(db, StepFilter::Ids(chunk)))
            .await?
            .into_iter()
            .map(|(_, step)| step)
            .collect();
    let steps = step_records(db, loaded).await?;
    let mut material_lots: BTreeMap<MaterialLotId, MaterialLot> = BTreeMap::new();
    let mut equipment: BTreeMap<EquipmentId, Equipment> = BTreeMap::new();
    for record in &steps {
        material_lots.extend(record.material_lots.iter().map(|m| (m.id, m.clone())));
        equipment.extend(record.equipment.iter().map(|e| (e.id, e.clone())));
    }
    let donation_ids: BTreeSet<DonationId> = plain.iter().filter_map(|l| l.donation_id).collect();
    let donations: Vec<Donation> = in_chunks(&donation_ids, |chunk| {
        donations::load(db, DonationFilter::Ids(chunk))
    })
    .await?
    .into_iter()
    .map(|(_, donation)| donation)
    .collect();
    let mut donors: BTreeMap<DonorId, Donor> = BTreeMap::new();
    for record in &lots {
        donors.extend(record.donors.iter().map(|d| (d.id, d.clone())));
    }
    let mut donors: Vec<Donor> = donors.into_values().collect();
    donors.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(Some(Upstream {
        unit,
        lots,
        steps,
        material_lots: material_lots.into_values().collect(),
        equipment: equipment.into_values().collect(),
        donations,
        donors,
    }))
}

async fn downstream_start_exists(
    db: &impl ConnectionTrait,
    start: DownstreamStart,
) -> Result<bool, QueryError> {
    let found: Option<Uuid> = match start {
        DownstreamStart::Donor(id) => {
            donor::Entity::find_by_id(id.as_uuid())
                .select_only()
                .column(donor::Column::Id)
                .into_tuple()
                .one(db)
                .await?
        }
        DownstreamStart::Donation(id) => {
            donation::Entity::find_by_id(id.as_uuid())
                .select_only()
                .column(donation::Column::Id)
                .into_tuple()
                .one(db)
                .await?
        }
        DownstreamStart::MaterialLot(id) => {
            material_lot::Entity::find_by_id(id.as_uuid())
                .select_only()
                .column(material_lot::Column::Id)
                .into_tuple()
                .one(db)
                .await?
        }
        DownstreamStart::Lot(id) => return lot_exists(db, id).await,
    };
    Ok(found.is_some())
}

/// Whether the start of a downstream trace exists.
pub async fn downstream_exists(
    database: &Database,
    start: DownstreamStart,
) -> Result<bool, QueryError> {
    downstream_start_exists(database.connection(), start).await
}

/// A page of the lots `start` reaches, in the order they were recorded.
pub async fn downstream_lots(
    database: &Database,
    start: DownstreamStart,
    after: Option<LotId>,
    first: u64,
) -> Result<Page<LotRecord>, QueryError> {
    let db = database.connection();
    let (ids, has_next) =
        recursive::downstream_page(db, start, Reached::Lots, after, first).await?;
    let ids: BTreeSet<LotId> = ids.into_iter().map(LotId::from_uuid).collect();
    let mut items = lot_records(db, &ids).await?;
    items.sort_by_key(|record| record.lot.id);
    Ok(Page { items, has_next })
}

/// A page of the units filled from the lots `start` reaches, in the order they were recorded.
pub async fn downstream_units(
    database: &Database,
    start: DownstreamStart,
    after: Option<UnitId>,
    first: u64,
) -> Result<Page<UnitRecord>, QueryError> {
    let db = database.connection();
    let (ids, has_next) =
        recursive::downstream_page(db, start, Reached::Units, after, first).await?;
    let ids: Vec<UnitId> = ids.into_iter().map(UnitId::from_uuid).collect();
    let loaded: Vec<Unit> = units::load(db, UnitFilter::Ids(ids))
        .await?
        .into_values()
        .collect();
    let mut items = unit_records(db, loaded).await?;
    items.sort_by_key(|record| record.unit.id);
    Ok(Page { items, has_next })
}

/// A page of the administrations of those units, in the order they were recorded.
pub async fn downstream_administrations(
    database: &Database,
    start: DownstreamStart,
    after: Option<AdministrationId>,
    first: u64,
) -> Result<Page<AdministrationRecord>, QueryError> {
    let (ids, has_next) = recursive::downstream_page(
        database.connection(),
        start,
        Reached::Administrations,
        after,
        first,
    )
    .await?;
    let ids: Vec<AdministrationId> = ids.into_iter().map(AdministrationId::from_uuid).collect();
    let mut items = administrations_by_id(database, ids).await?;
    items.sort_by_key(|record| record.administration.id);
    Ok(Page { items, has_next })
}

/// How many lots, units and administrations `start` reaches.
pub async fn downstream_count(
    database: &Database,
    start: DownstreamStart,
    listing: Reached,
) -> Result<u64, QueryError> {
    recursive::downstream_count(database.connection(), start, listing).await
}
