//! Reads of the production record: lots, steps, deviations, units, and lineage up and down.
//!
//! Each read returns records ready for the API: the aggregate plus what a reader needs beside it
//! (lot codes of parents and children, the donors behind a lot, printed names of the people who
//! acted). Follow-up loads are batched: one query per table for a whole result, with `IN` lists
//! cut into chunks of [`IN_CHUNK`] ids, never one query per row.

use std::collections::{BTreeMap, BTreeSet};

use cordtrace_domain::ids::{DeviationId, DonorId, LotId, StepId, UnitId, UserId};
use cordtrace_domain::isbt128::{Din, ProductCode};
use cordtrace_domain::manufacturing::{
    Deviation, Donation, Donor, Equipment, Lot, LotCode, LotKind, LotStatus, MaterialLot,
    ProcessingStep, Unit,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::db::Database;
use crate::entity::{lot, unit};
use crate::error::QueryError;
use crate::projection::deviations::{self, DeviationFilter};
use crate::projection::steps::{self, StepFilter};
use crate::projection::units::{self, UnitFilter};
use crate::queries::Page;

mod batch;
mod lineage;

pub use crate::lineage::{DownstreamStart, Reached};
pub use crate::projection::units::CustodyState;
pub use batch::IN_CHUNK;
pub(crate) use batch::in_chunks;
use batch::{deviation_records, lot_exists, lot_records, step_records, unit_records};
pub use lineage::{
    Upstream, UpstreamStart, downstream_administrations, downstream_count, downstream_exists,
    downstream_lots, downstream_units, upstream,
};

/// A lot as other records name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LotRef {
    /// Identity.
    pub id: LotId,
    /// Its code.
    pub code: LotCode,
    /// Its kind.
    pub kind: LotKind,
    /// Its status.
    pub status: LotStatus,
}

impl From<&Lot> for LotRef {
    fn from(lot: &Lot) -> Self {
        Self {
            id: lot.id,
            code: lot.code.clone(),
            kind: lot.kind,
            status: lot.status,
        }
    }
}

/// Why a lot needs attention, computed from the current state of its donors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LotFlag {
    /// A donor has no eligibility determination yet: the lot stays in quarantine.
    DonorEligibilityPending,
    /// A donor was determined ineligible: store apart and mark.
    DonorIneligible,
    /// A donor withdrew consent: no further use.
    ConsentWithdrawn,
    /// Material of several donors is in the lot.
    MultiDonorPool,
}

impl LotFlag {
    /// The flags of `lot`, whose donors are looked up in `donors`. A donor missing from `donors`
    /// counts as pending, the cautious reading.
    pub fn of(lot: &Lot, donors: &BTreeMap<DonorId, Donor>) -> Vec<LotFlag> {
        let mut flags = BTreeSet::new();
        for donor_id in &lot.donors {
            match donors.get(donor_id) {
                Some(donor) => {
                    if donor.is_ineligible() {
                        flags.insert(LotFlag::DonorIneligible);
                    } else if !donor.is_eligible() {
                        flags.insert(LotFlag::DonorEligibilityPending);
                    }
                    if donor.consent_withdrawn() {
                        flags.insert(LotFlag::ConsentWithdrawn);
                    }
                }
                None => {
                    flags.insert(LotFlag::DonorEligibilityPending);
                }
            }
        }
        if lot.is_multi_donor() {
            flags.insert(LotFlag::MultiDonorPool);
        }
        flags.into_iter().collect()
    }
}

/// A lot with its flags, its donors, and the lots it was made from and made into.
#[derive(Clone, Debug)]
pub struct LotRecord {
    /// The lot.
    pub lot: Lot,
    /// Flags from its donors' current state.
    pub flags: Vec<LotFlag>,
    /// Its donors, by donor key.
    pub donors: Vec<Donor>,
    /// The lots it was made from, in recorded order.
    pub parents: Vec<LotRef>,
    /// The lots made from it, by code.
    pub children: Vec<LotRef>,
}

/// A user as records name them: id and the printed name of signature manifestations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffRef {
    /// Identity.
    pub id: UserId,
    /// Printed name.
    pub printed_name: String,
}

/// A step with the lots, donation, equipment, material lots and operator it names.
#[derive(Clone, Debug)]
pub struct StepRecord {
    /// The step.
    pub step: ProcessingStep,
    /// Who did it.
    pub operator: StaffRef,
    /// For tissue processing, the donation.
    pub donation: Option<Donation>,
    /// Lots that went in, in recorded order.
    pub inputs: Vec<LotRef>,
    /// Lots it made, in recorded order.
    pub outputs: Vec<LotRef>,
    /// Equipment used, in recorded order.
    pub equipment: Vec<Equipment>,
    /// Material lots used, in recorded order.
    pub material_lots: Vec<MaterialLot>,
}

/// A deviation with its lot and the people who opened and closed it.
#[derive(Clone, Debug)]
pub struct DeviationRecord {
    /// The deviation.
    pub deviation: Deviation,
    /// Its lot.
    pub lot: LotRef,
    /// Who opened it.
    pub opened_by: StaffRef,
    /// Who closed it, once closed.
    pub closed_by: Option<StaffRef>,
}

/// A unit with its lot and the people of its current custody.
#[derive(Clone, Debug)]
pub struct UnitRecord {
    /// The unit.
    pub unit: Unit,
    /// The drug product lot it was filled from.
    pub lot: LotRef,
    /// While in transit, who dispatched it.
    pub dispatched_by: Option<StaffRef>,
    /// While in transit, who is to receive it.
    pub receiver: Option<StaffRef>,
    /// Once received, who received it.
    pub received_by: Option<StaffRef>,
}

/// Which lots to list.
#[derive(Clone, Copy, Debug, Default)]
pub struct LotListFilter {
    /// Only this kind.
    pub kind: Option<LotKind>,
    /// Only this status.
    pub status: Option<LotStatus>,
}

/// One lot.
pub async fn lot(database: &Database, id: LotId) -> Result<Option<LotRecord>, QueryError> {
    let db = database.connection();
    Ok(lot_records(db, &BTreeSet::from([id])).await?.pop())
}

/// One lot by its code.
pub async fn lot_by_code(database: &Database, code: &str) -> Result<Option<LotRecord>, QueryError> {
    let db = database.connection();
    let id: Option<Uuid> = lot::Entity::find()
        .select_only()
        .column(lot::Column::Id)
        .filter(lot::Column::Code.eq(code))
        .into_tuple()
        .one(db)
        .await?;
    match id {
        Some(id) => Ok(lot_records(db, &BTreeSet::from([LotId::from_uuid(id)]))
            .await?
            .pop()),
        None => Ok(None),
    }
}

/// Up to `first` lots matching `filter` whose code sorts after `after`, by code.
pub async fn lots(
    database: &Database,
    filter: LotListFilter,
    after: Option<&str>,
    first: u64,
) -> Result<Page<LotRecord>, QueryError> {
    let db = database.connection();
    let mut query = lot::Entity::find()
        .select_only()
        .column(lot::Column::Id)
        .column(lot::Column::Code)
        .order_by_asc(lot::Column::Code)
        .limit(first.saturating_add(1));
    if let Some(kind) = filter.kind {
        query = query.filter(lot::Column::Kind.eq(kind.as_str()));
    }
    if let Some(status) = filter.status {
        query = query.filter(lot::Column::Status.eq(status.as_str()));
    }
    if let Some(after) = after {
        query = query.filter(lot::Column::Code.gt(after));
    }
    let rows: Vec<(Uuid, String)> = query.into_tuple().all(db).await?;
    let has_next = rows.len() as u64 > first;
    let ids: BTreeSet<LotId> = rows
        .into_iter()
        .take(usize::try_from(first).unwrap_or(usize::MAX))
        .map(|(id, _)| LotId::from_uuid(id))
        .collect();
    let mut items = lot_records(db, &ids).await?;
    items.sort_by(|a, b| a.lot.code.cmp(&b.lot.code));
    Ok(Page { items, has_next })
}

/// One step.
pub async fn step(database: &Database, id: StepId) -> Result<Option<StepRecord>, QueryError> {
    let db = database.connection();
    let loaded = steps::load(db, StepFilter::Ids(vec![id])).await?;
    Ok(step_records(db, loaded.into_values().collect())
        .await?
        .pop())
}

/// Every step that took in or made `lot_id`, by start time; `None` if the lot does not exist.
pub async fn steps_of_lot(
    database: &Database,
    lot_id: LotId,
) -> Result<Option<Vec<StepRecord>>, QueryError> {
    let db = database.connection();
    if !lot_exists(db, lot_id).await? {
        return Ok(None);
    }
    let loaded = steps::load(db, StepFilter::Lots(vec![lot_id])).await?;
    step_records(db, loaded.into_values().collect())
        .await
        .map(Some)
}

/// One deviation.
pub async fn deviation(
    database: &Database,
    id: DeviationId,
) -> Result<Option<DeviationRecord>, QueryError> {
    let db = database.connection();
    let loaded = deviations::load(db, DeviationFilter::Ids(vec![id])).await?;
    Ok(deviation_records(db, loaded.into_values().collect())
        .await?
        .pop())
}

/// Every deviation against `lot_id`, oldest first; `None` if the lot does not exist.
pub async fn deviations_of_lot(
    database: &Database,
    lot_id: LotId,
) -> Result<Option<Vec<DeviationRecord>>, QueryError> {
    let db = database.connection();
    if !lot_exists(db, lot_id).await? {
        return Ok(None);
    }
    let loaded = deviations::load(db, DeviationFilter::Lots(vec![lot_id])).await?;
    deviation_records(db, loaded.into_values().collect())
        .await
        .map(Some)
}

/// One unit.
pub async fn unit(database: &Database, id: UnitId) -> Result<Option<UnitRecord>, QueryError> {
    let db = database.connection();
    let loaded = units::load(db, UnitFilter::Ids(vec![id])).await?;
    Ok(unit_records(db, loaded.into_values().collect())
        .await?
        .pop())
}

/// Units by id, by DIN and product code; ids that name no unit are left out.
pub async fn units(
    database: &Database,
    ids: &BTreeSet<UnitId>,
) -> Result<Vec<UnitRecord>, QueryError> {
    let db = database.connection();
    let loaded: Vec<Unit> = in_chunks(ids, |chunk| units::load(db, UnitFilter::Ids(chunk)))
        .await?
        .into_iter()
        .map(|(_, unit)| unit)
        .collect();
    unit_records(db, loaded).await
}

/// The unit labelled with `din` and `product_code`.
pub async fn unit_by_label(
    database: &Database,
    din: Din,
    product_code: ProductCode,
) -> Result<Option<UnitRecord>, QueryError> {
    let db = database.connection();
    let id: Option<Uuid> = unit::Entity::find()
        .select_only()
        .column(unit::Column::Id)
        .filter(unit::Column::Din.eq(din.to_string()))
        .filter(unit::Column::ProductCode.eq(product_code.as_str()))
        .into_tuple()
        .one(db)
        .await?;
    match id {
        Some(id) => unit(database, UnitId::from_uuid(id)).await,
        None => Ok(None),
    }
}

/// Up to `first` units in the custody `state` after the unit `after`, in filling order (ids
/// are UUID v7), read by the `unit.custody_state` index: the hand-offs open or the units
/// received, however many lots the facility has made.
pub async fn units_in_custody(
    database: &Database,
    state: CustodyState,
    after: Option<UnitId>,
    first: u64,
) -> Result<Page<UnitRecord>, QueryError> {
    let db = database.connection();
    let mut query = unit::Entity::find()
        .select_only()
        .column(unit::Column::Id)
        .filter(unit::Column::CustodyState.eq(state.as_str()))
        .order_by_asc(unit::Column::Id)
        .limit(first.saturating_add(1));
    if let Some(after) = after {
        query = query.filter(unit::Column::Id.gt(after.as_uuid()));
    }
    let ids: Vec<Uuid> = query.into_tuple().all(db).await?;
    let has_next = ids.len() as u64 > first;
    let ids: BTreeSet<UnitId> = ids
        .into_iter()
        .take(usize::try_from(first).unwrap_or(usize::MAX))
        .map(UnitId::from_uuid)
        .collect();
    let mut items = units(database, &ids).await?;
    items.sort_by_key(|record| record.unit.id);
    Ok(Page { items, has_next })
}

/// Every unit that carries `din` (the divisions and products of one donation), by product code.
pub async fn units_by_din(database: &Database, din: Din) -> Result<Vec<UnitRecord>, QueryError> {
    let db = database.connection();
    let loaded = units::load(db, UnitFilter::Din(din)).await?;
    unit_records(db, loaded.into_values().collect()).await
}

/// Every unit filled from `lot_id`, by DIN and product code; `None` if the lot does not exist.
pub async fn units_of_lot(
    database: &Database,
    lot_id: LotId,
) -> Result<Option<Vec<UnitRecord>>, QueryError> {
    let db = database.connection();
    if !lot_exists(db, lot_id).await? {
        return Ok(None);
    }
    let loaded = units::load(db, UnitFilter::Lots(vec![lot_id])).await?;
    unit_records(db, loaded.into_values().collect())
        .await
        .map(Some)
}
