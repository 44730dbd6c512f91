//! `clinical_order` <-> [`Order`], and the per-unit records kept beside units:
//! `unit_allocation` <-> [`Allocation`], `unit_thaw` <-> [`Thaw`], `unit_bedside_check` <->
//! [`LatestCheck`].
//!
//! An order's administrations are read from `administration` (its `order_position`). Per-unit
//! records are upserted for the units an event touched when the state holds them; an allocation
//! that disappears (deallocation, cancellation) is deleted when its order is saved, so every
//! command that touches an order loads all the order's allocations (see
//! `commands::clinical::load::orders`).

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use cordtrace_domain::clinical::order::Cancellation;
use cordtrace_domain::clinical::{Allocation, LatestCheck, Order, Thaw};
use cordtrace_domain::ids::{AdministrationId, BedsideCheckId, OrderId, PatientId, UnitId, UserId};
use cordtrace_domain::values::{DosePerKg, Narrative};
use cordtrace_domain::{State, Timestamp};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use super::super::common::{enum_text, parse, parse_enum, upsert};
use super::uuids;
use crate::entity::{
    administration, clinical_order, unit_allocation, unit_bedside_check, unit_thaw,
};
use crate::error::{QueryError, corrupt};

/// Saves orders, and deletes the allocations of each that the state no longer holds.
pub(crate) async fn save(
    db: &impl ConnectionTrait,
    state: &State,
    orders: &[&Order],
) -> Result<(), QueryError> {
    let rows = orders
        .iter()
        .map(|o| {
            let cancellation = o.cancellation.as_ref();
            Ok(clinical_order::ActiveModel {
                id: Set(o.id.as_uuid()),
                patient_id: Set(o.patient_id.as_uuid()),
                dose_per_kg: Set(i64::try_from(o.dose_per_kg.get())
                    .map_err(|e| corrupt("clinical_order.dose_per_kg", e))?),
                schedule_days: Set(serde_json::to_string(&o.schedule)
                    .map_err(|e| corrupt("clinical_order.schedule_days", e))?),
                route: Set(enum_text(&o.route)),
                starts_on: Set(o.starts_on),
                ordered_by: Set(o.ordered_by.as_uuid()),
                ordered_at: Set(o.ordered_at.as_datetime()),
                status: Set(enum_text(&o.status)),
                cancel_reason: Set(cancellation.map(|c| c.reason.as_str().to_owned())),
                cancelled_by: Set(cancellation.map(|c| c.cancelled_by.as_uuid())),
                cancelled_at: Set(cancellation.map(|c| c.cancelled_at.as_datetime())),
            })
        })
        .collect::<Result<Vec<_>, QueryError>>()?;
    upsert(db, rows).await?;
    for order in orders {
        let kept: Vec<Uuid> = state
            .allocations
            .values()
            .filter(|allocation| allocation.order_id == order.id)
            .map(|allocation| allocation.unit_id.as_uuid())
            .collect();
        unit_allocation::Entity::delete_many()
            .filter(unit_allocation::Column::OrderId.eq(order.id.as_uuid()))
            .filter(unit_allocation::Column::UnitId.is_not_in(kept))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Which orders to load.
pub(crate) enum OrderFilter {
    /// All.
    All,
    /// By id.
    Ids(Vec<OrderId>),
    /// Every order of these patients.
    Patients(Vec<PatientId>),
}

/// Loads orders with the ids of their administrations, in order.
pub(crate) async fn load(
    db: &impl ConnectionTrait,
    filter: OrderFilter,
) -> Result<BTreeMap<OrderId, Order>, QueryError> {
    let query = match &filter {
        OrderFilter::All => clinical_order::Entity::find(),
        OrderFilter::Ids(ids) => {
            clinical_order::Entity::find().filter(clinical_order::Column::Id.is_in(uuids(ids)))
        }
        OrderFilter::Patients(ids) => clinical_order::Entity::find()
            .filter(clinical_order::Column::PatientId.is_in(uuids(ids))),
    };
    let rows = query.all(db).await?;
    if rows.is_empty() {
        return Ok(BTreeMap::new());
    }
    let mut given = administration::Entity::find()
        .select_only()
        .column(administration::Column::OrderId)
        .column(administration::Column::Id)
        .order_by_asc(administration::Column::OrderPosition);
    if !matches!(filter, OrderFilter::All) {
        let order_ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
        given = given.filter(administration::Column::OrderId.is_in(order_ids));
    }
    let mut administrations: BTreeMap<Uuid, Vec<AdministrationId>> = BTreeMap::new();
    for (order_id, id) in given.into_tuple::<(Uuid, Uuid)>().all(db).await? {
        administrations
            .entry(order_id)
            .or_default()
            .push(AdministrationId::from_uuid(id));
    }
    rows.into_iter()
        .map(|row| {
            let cancellation = match (row.cancel_reason, row.cancelled_by, row.cancelled_at) {
                (Some(reason), Some(by), Some(at)) => Some(Cancellation {
                    reason: parse(
                        Narrative::parse(&reason, "reason"),
                        "clinical_order.cancel_reason",
                    )?,
                    cancelled_by: UserId::from_uuid(by),
                    cancelled_at: Timestamp::from_datetime(at),
                }),
                (None, None, None) => None,
                _ => {
                    return Err(QueryError::Corrupt(
                        "clinical_order cancellation columns are inconsistent".to_owned(),
                    ));
                }
            };
            let order = Order {
                id: OrderId::from_uuid(row.id),
                patient_id: PatientId::from_uuid(row.patient_id),
                dose_per_kg: parse(
                    DosePerKg::new(u64::try_from(row.dose_per_kg).unwrap_or(0)),
                    "clinical_order.dose_per_kg",
                )?,
                schedule: serde_json::from_str(&row.schedule_days)
                    .map_err(|e| corrupt("clinical_order.schedule_days", e))?,
                route: parse_enum(&row.route, "clinical_order.route")?,
                starts_on: row.starts_on,
                ordered_by: UserId::from_uuid(row.ordered_by),
                ordered_at: Timestamp::from_datetime(row.ordered_at),
                status: parse_enum(&row.status, "clinical_order.status")?,
                administrations: administrations.remove(&row.id).unwrap_or_default(),
                cancellation,
            };
            Ok((order.id, order))
        })
        .collect()
}

fn unit_ids(ids: &[&str]) -> Result<Vec<UnitId>, QueryError> {
    ids.iter()
        .map(|id| UnitId::from_str(id).map_err(|e| corrupt("unit id", e)))
        .collect()
}

/// Upserts the allocation, thaw and latest bedside check of each of `ids` that the state holds.
/// Never deletes: a record absent from the state may simply not have been loaded.
pub(crate) async fn save_unit_records(
    db: &impl ConnectionTrait,
    state: &State,
    ids: &[&str],
) -> Result<(), QueryError> {
    let units = unit_ids(ids)?;
    let allocations = units
        .iter()
        .filter_map(|id| state.allocations.get(id))
        .map(|a| unit_allocation::ActiveModel {
            unit_id: Set(a.unit_id.as_uuid()),
            order_id: Set(a.order_id.as_uuid()),
            patient_id: Set(a.patient_id.as_uuid()),
            allocated_by: Set(a.allocated_by.as_uuid()),
            allocated_at: Set(a.allocated_at.as_datetime()),
        })
        .collect();
    upsert(db, allocations).await?;
    let thaws = units
        .iter()
        .filter_map(|id| state.thaws.get(id))
        .map(|t| unit_thaw::ActiveModel {
            unit_id: Set(t.unit_id.as_uuid()),
            thawed_at: Set(t.thawed_at.as_datetime()),
            use_by: Set(t.use_by.as_datetime()),
            recorded_by: Set(t.recorded_by.as_uuid()),
        })
        .collect();
    upsert(db, thaws).await?;
    let checks = units
        .iter()
        .filter_map(|id| state.bedside_checks.get(id).map(|check| (id, check)))
        .map(|(unit_id, c)| unit_bedside_check::ActiveModel {
            unit_id: Set(unit_id.as_uuid()),
            check_id: Set(c.check_id.as_uuid()),
            accepted: Set(c.accepted),
            patient_id: Set(c.patient_id.map(|id| id.as_uuid())),
            checked_at: Set(c.checked_at.as_datetime()),
            checked_by: Set(c.checked_by.map(|id| id.as_uuid())),
        })
        .collect();
    upsert(db, checks).await
}

/// Which per-unit records to load.
pub(crate) enum UnitRecordFilter {
    /// All.
    All,
    /// Of these units.
    Units(Vec<UnitId>),
}

/// Per-unit clinical records.
#[derive(Default)]
pub(crate) struct UnitRecords {
    /// Allocations, by unit.
    pub allocations: BTreeMap<UnitId, Allocation>,
    /// Thaws, by unit.
    pub thaws: BTreeMap<UnitId, Thaw>,
    /// Latest bedside checks, by unit.
    pub checks: BTreeMap<UnitId, LatestCheck>,
}

/// Loads the allocations, thaws and latest checks of units.
pub(crate) async fn load_unit_records(
    db: &impl ConnectionTrait,
    filter: UnitRecordFilter,
) -> Result<UnitRecords, QueryError> {
    let mut allocations = unit_allocation::Entity::find();
    let mut thaws = unit_thaw::Entity::find();
    let mut checks = unit_bedside_check::Entity::find();
    if let UnitRecordFilter::Units(ids) = &filter {
        if ids.is_empty() {
            return Ok(UnitRecords::default());
        }
        allocations = allocations.filter(unit_allocation::Column::UnitId.is_in(uuids(ids)));
        thaws = thaws.filter(unit_thaw::Column::UnitId.is_in(uuids(ids)));
        checks = checks.filter(unit_bedside_check::Column::UnitId.is_in(uuids(ids)));
    }
    Ok(UnitRecords {
        allocations: allocations
            .all(db)
            .await?
            .into_iter()
            .map(allocation_from_row)
            .map(|a| (a.unit_id, a))
            .collect(),
        thaws: thaws
            .all(db)
            .await?
            .into_iter()
            .map(|row| {
                let thaw = Thaw {
                    unit_id: UnitId::from_uuid(row.unit_id),
                    thawed_at: Timestamp::from_datetime(row.thawed_at),
                    use_by: Timestamp::from_datetime(row.use_by),
                    recorded_by: UserId::from_uuid(row.recorded_by),
                };
                (thaw.unit_id, thaw)
            })
            .collect(),
        checks: checks
            .all(db)
            .await?
            .into_iter()
            .map(|row| {
                let check = LatestCheck {
                    check_id: BedsideCheckId::from_uuid(row.check_id),
                    accepted: row.accepted,
                    patient_id: row.patient_id.map(PatientId::from_uuid),
                    checked_at: Timestamp::from_datetime(row.checked_at),
                    checked_by: row.checked_by.map(UserId::from_uuid),
                };
                (UnitId::from_uuid(row.unit_id), check)
            })
            .collect(),
    })
}

fn allocation_from_row(row: unit_allocation::Model) -> Allocation {
    Allocation {
        unit_id: UnitId::from_uuid(row.unit_id),
        order_id: OrderId::from_uuid(row.order_id),
        patient_id: PatientId::from_uuid(row.patient_id),
        allocated_by: UserId::from_uuid(row.allocated_by),
        allocated_at: Timestamp::from_datetime(row.allocated_at),
    }
}

/// Every allocation to `orders`.
pub(crate) async fn allocations_of_orders(
    db: &impl ConnectionTrait,
    orders: &BTreeSet<OrderId>,
) -> Result<BTreeMap<UnitId, Allocation>, QueryError> {
    if orders.is_empty() {
        return Ok(BTreeMap::new());
    }
    let ids: Vec<OrderId> = orders.iter().copied().collect();
    Ok(unit_allocation::Entity::find()
        .filter(unit_allocation::Column::OrderId.is_in(uuids(&ids)))
        .all(db)
        .await?
        .into_iter()
        .map(allocation_from_row)
        .map(|a| (a.unit_id, a))
        .collect())
}
