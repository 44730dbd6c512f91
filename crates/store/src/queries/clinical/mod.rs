//! Reads of the clinical record for the API: patients (and, apart, their personal data),
//! orders with their allocated units, administrations, follow-up, look-back and outcome
//! summaries. Lists are loaded in one query per table for a whole set of patients or orders,
//! never one per row.

mod lookback;

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use cordtrace_domain::Timestamp;
use cordtrace_domain::clinical::{
    Administration, AdverseEvent, Allocation, Order, Patient, PatientKey, Thaw, Visit,
};
use cordtrace_domain::ids::{
    AdministrationId, AdverseEventId, LotId, OrderId, PatientId, UnitId, VisitId,
};
use cordtrace_domain::isbt128::{Din, ProductCode};
use cordtrace_domain::manufacturing::LotCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

pub(crate) use lookback::lookback_state;
pub use lookback::{OutcomeReport, lookback, outcome_summary};

use crate::db::Database;
use crate::entity::{patient, patient_personal};
use crate::error::QueryError;
use crate::projection::clinical::administrations::{self, AdministrationFilter};
use crate::projection::clinical::followup::{self, FollowUpFilter};
use crate::projection::clinical::orders::{self, OrderFilter, UnitRecordFilter};
use crate::projection::clinical::{patients, uuids};
use crate::projection::lots;
use crate::projection::units::{self, UnitFilter};

/// A patient's personal data, as stored apart from the ledger.
#[derive(Clone, PartialEq, Eq)]
pub struct PatientPersonalRecord {
    /// Full name; `None` once redacted.
    pub full_name: Option<String>,
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// The hospital's record number.
    pub hospital_record_number: Option<String>,
    /// The wristband id.
    pub wristband_id: Option<String>,
    /// When the data was redacted, if it was.
    pub redacted_at: Option<Timestamp>,
}

/// Personal data stays out of logs, even through Debug.
impl std::fmt::Debug for PatientPersonalRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PatientPersonalRecord(<redacted>)")
    }
}

/// A unit as clinical records name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitLabel {
    /// The unit.
    pub id: UnitId,
    /// Its DIN.
    pub din: Din,
    /// Its product code.
    pub product_code: ProductCode,
    /// Its lot.
    pub lot_id: LotId,
    /// The lot's code.
    pub lot_code: Option<LotCode>,
}

/// A unit allocated to an order, with its thaw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllocationRecord {
    /// The allocation.
    pub allocation: Allocation,
    /// The unit.
    pub unit: Option<UnitLabel>,
    /// Its thaw, once thawed.
    pub thaw: Option<Thaw>,
}

/// An administration with the unit and patient it joins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdministrationRecord {
    /// The administration.
    pub administration: Administration,
    /// The unit given.
    pub unit: Option<UnitLabel>,
    /// The patient's key.
    pub patient_key: Option<PatientKey>,
}

async fn unit_labels(
    database: &Database,
    ids: Vec<UnitId>,
) -> Result<BTreeMap<UnitId, UnitLabel>, QueryError> {
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let db = database.connection();
    let loaded = units::load(db, UnitFilter::Ids(ids)).await?;
    let lot_ids: BTreeSet<LotId> = loaded.values().map(|unit| unit.lot_id).collect();
    let codes: BTreeMap<LotId, LotCode> = lots::load(db, Some(lot_ids.into_iter().collect()))
        .await?
        .into_values()
        .map(|lot| (lot.id, lot.code))
        .collect();
    Ok(loaded
        .into_values()
        .map(|unit| {
            let label = UnitLabel {
                id: unit.id,
                din: unit.din,
                product_code: unit.product_code,
                lot_id: unit.lot_id,
                lot_code: codes.get(&unit.lot_id).cloned(),
            };
            (unit.id, label)
        })
        .collect())
}

/// A patient by id.
pub async fn patient(database: &Database, id: PatientId) -> Result<Option<Patient>, QueryError> {
    Ok(patients::load(database.connection(), Some(vec![id]))
        .await?
        .remove(&id))
}

/// A patient by opaque key.
pub async fn patient_by_key(database: &Database, key: &str) -> Result<Option<Patient>, QueryError> {
    let found: Option<Uuid> = patient::Entity::find()
        .select_only()
        .column(patient::Column::Id)
        .filter(patient::Column::PatientKey.eq(key))
        .into_tuple()
        .one(database.connection())
        .await?;
    match found {
        Some(id) => patient(database, PatientId::from_uuid(id)).await,
        None => Ok(None),
    }
}

/// Patients by key, at most `first`, after the key `after` if given.
pub async fn patients(
    database: &Database,
    after: Option<&str>,
    first: u64,
) -> Result<Vec<Patient>, QueryError> {
    let mut query = patient::Entity::find()
        .select_only()
        .column(patient::Column::Id)
        .order_by_asc(patient::Column::PatientKey)
        .limit(first);
    if let Some(after) = after {
        query = query.filter(patient::Column::PatientKey.gt(after));
    }
    let ids: Vec<PatientId> = query
        .into_tuple::<Uuid>()
        .all(database.connection())
        .await?
        .into_iter()
        .map(PatientId::from_uuid)
        .collect();
    let mut loaded = patients::load(database.connection(), Some(ids.clone())).await?;
    Ok(ids.iter().filter_map(|id| loaded.remove(id)).collect())
}

/// The personal data of `ids`.
pub async fn personal_data(
    database: &Database,
    ids: Vec<PatientId>,
) -> Result<BTreeMap<PatientId, PatientPersonalRecord>, QueryError> {
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    Ok(patient_personal::Entity::find()
        .filter(patient_personal::Column::PatientId.is_in(uuids(&ids)))
        .all(database.connection())
        .await?
        .into_iter()
        .map(|row| {
            (
                PatientId::from_uuid(row.patient_id),
                PatientPersonalRecord {
                    full_name: row.full_name,
                    date_of_birth: row.date_of_birth,
                    hospital_record_number: row.hospital_record_number,
                    wristband_id: row.wristband_id,
                    redacted_at: row.redacted_at.map(Timestamp::from_datetime),
                },
            )
        })
        .collect())
}

/// An order by id.
pub async fn order(database: &Database, id: OrderId) -> Result<Option<Order>, QueryError> {
    Ok(
        orders::load(database.connection(), OrderFilter::Ids(vec![id]))
            .await?
            .remove(&id),
    )
}

/// The orders of each of `ids`, oldest first.
pub async fn orders_of_patients(
    database: &Database,
    ids: Vec<PatientId>,
) -> Result<BTreeMap<PatientId, Vec<Order>>, QueryError> {
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let mut grouped: BTreeMap<PatientId, Vec<Order>> = BTreeMap::new();
    for order in orders::load(database.connection(), OrderFilter::Patients(ids))
        .await?
        .into_values()
    {
        grouped.entry(order.patient_id).or_default().push(order);
    }
    for list in grouped.values_mut() {
        list.sort_by_key(|order| order.ordered_at);
    }
    Ok(grouped)
}

/// The order `unit_id` is allocated to, if any.
pub async fn order_of_unit(
    database: &Database,
    unit_id: UnitId,
) -> Result<Option<OrderId>, QueryError> {
    let records = orders::load_unit_records(
        database.connection(),
        UnitRecordFilter::Units(vec![unit_id]),
    )
    .await?;
    Ok(records
        .allocations
        .get(&unit_id)
        .map(|allocation| allocation.order_id))
}

/// The units allocated to each of `ids`, with their thaws.
pub async fn allocations_of_orders(
    database: &Database,
    ids: Vec<OrderId>,
) -> Result<BTreeMap<OrderId, Vec<AllocationRecord>>, QueryError> {
    let db = database.connection();
    let allocations = orders::allocations_of_orders(db, &ids.into_iter().collect()).await?;
    let unit_ids: Vec<UnitId> = allocations.keys().copied().collect();
    let mut records =
        orders::load_unit_records(db, UnitRecordFilter::Units(unit_ids.clone())).await?;
    let mut labels = unit_labels(database, unit_ids).await?;
    let mut grouped: BTreeMap<OrderId, Vec<AllocationRecord>> = BTreeMap::new();
    for (unit_id, allocation) in allocations {
        grouped
            .entry(allocation.order_id)
            .or_default()
            .push(AllocationRecord {
                unit: labels.remove(&unit_id),
                thaw: records.thaws.remove(&unit_id),
                allocation,
            });
    }
    for list in grouped.values_mut() {
        list.sort_by_key(|record| record.allocation.allocated_at);
    }
    Ok(grouped)
}

async fn administration_records(
    database: &Database,
    filter: AdministrationFilter,
) -> Result<Vec<AdministrationRecord>, QueryError> {
    let loaded = administrations::load(database.connection(), filter).await?;
    let unit_ids: Vec<UnitId> = loaded.values().map(|a| a.unit_id).collect();
    let patient_ids: Vec<PatientId> = loaded
        .values()
        .map(|a| a.patient_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let labels = unit_labels(database, unit_ids).await?;
    let keys: BTreeMap<PatientId, PatientKey> =
        patients::load(database.connection(), Some(patient_ids))
            .await?
            .into_values()
            .map(|p| (p.id, p.key))
            .collect();
    let mut records: Vec<AdministrationRecord> = loaded
        .into_values()
        .map(|administration| AdministrationRecord {
            unit: labels.get(&administration.unit_id).cloned(),
            patient_key: keys.get(&administration.patient_id).cloned(),
            administration,
        })
        .collect();
    records.sort_by_key(|record| record.administration.started_at);
    Ok(records)
}

/// An administration by id.
pub async fn administration(
    database: &Database,
    id: AdministrationId,
) -> Result<Option<AdministrationRecord>, QueryError> {
    Ok(
        administration_records(database, AdministrationFilter::Ids(vec![id]))
            .await?
            .pop(),
    )
}

/// The administrations of each of `ids`, earliest first.
pub async fn administrations_of_patients(
    database: &Database,
    ids: Vec<PatientId>,
) -> Result<BTreeMap<PatientId, Vec<AdministrationRecord>>, QueryError> {
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let mut grouped: BTreeMap<PatientId, Vec<AdministrationRecord>> = BTreeMap::new();
    for record in administration_records(database, AdministrationFilter::Patients(ids)).await? {
        grouped
            .entry(record.administration.patient_id)
            .or_default()
            .push(record);
    }
    Ok(grouped)
}

/// The administrations `ids` name, with their unit labels and patient keys, earliest first.
pub(crate) async fn administrations_by_id(
    database: &Database,
    ids: Vec<AdministrationId>,
) -> Result<Vec<AdministrationRecord>, QueryError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    administration_records(database, AdministrationFilter::Ids(ids)).await
}

/// The visits of each of `ids`, by date.
pub async fn visits_of_patients(
    database: &Database,
    ids: Vec<PatientId>,
) -> Result<BTreeMap<PatientId, Vec<Visit>>, QueryError> {
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let mut grouped: BTreeMap<PatientId, Vec<Visit>> = BTreeMap::new();
    for visit in followup::load_visits(database.connection(), FollowUpFilter::Patients(ids))
        .await?
        .into_values()
    {
        grouped.entry(visit.patient_id).or_default().push(visit);
    }
    for list in grouped.values_mut() {
        list.sort_by_key(|visit| (visit.visited_on, visit.recorded_at));
    }
    Ok(grouped)
}

/// A visit by id.
pub async fn visit(database: &Database, id: VisitId) -> Result<Option<Visit>, QueryError> {
    Ok(followup::load_visits(
        database.connection(),
        FollowUpFilter::Ids(vec![id.as_uuid()]),
    )
    .await?
    .remove(&id))
}

/// The adverse events of each of `ids`, by onset.
pub async fn adverse_events_of_patients(
    database: &Database,
    ids: Vec<PatientId>,
) -> Result<BTreeMap<PatientId, Vec<AdverseEvent>>, QueryError> {
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let mut grouped: BTreeMap<PatientId, Vec<AdverseEvent>> = BTreeMap::new();
    for event in followup::load_adverse_events(database.connection(), FollowUpFilter::Patients(ids))
        .await?
        .into_values()
    {
        grouped.entry(event.patient_id).or_default().push(event);
    }
    for list in grouped.values_mut() {
        list.sort_by_key(|event| (event.onset_on, event.recorded_at));
    }
    Ok(grouped)
}

/// An adverse event by id.
pub async fn adverse_event(
    database: &Database,
    id: AdverseEventId,
) -> Result<Option<AdverseEvent>, QueryError> {
    Ok(followup::load_adverse_events(
        database.connection(),
        FollowUpFilter::Ids(vec![id.as_uuid()]),
    )
    .await?
    .remove(&id))
}

/// Patients by id.
pub async fn patients_by_id(
    database: &Database,
    ids: Vec<PatientId>,
) -> Result<BTreeMap<PatientId, Patient>, QueryError> {
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    patients::load(database.connection(), Some(ids)).await
}
