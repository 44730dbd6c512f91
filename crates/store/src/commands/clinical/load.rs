//! Loading the clinical slices of state commands decide on. Each loader adds whole aggregates:
//! a patient with every weight, an order with every allocation to it (see
//! `projection::clinical`).

use std::collections::BTreeSet;

use cordtrace_domain::State;
use cordtrace_domain::ids::{LotId, OrderId, PatientId, UnitId};
use sea_orm::DatabaseTransaction;

use crate::commands::load;
use crate::error::CommandError;
use crate::projection::clinical::administrations::{self, AdministrationFilter};
use crate::projection::clinical::orders::{self as order_rows, OrderFilter, UnitRecordFilter};
use crate::projection::clinical::patients;
use crate::projection::units::{self, UnitFilter};

/// Adds patients (with their weights) to the state.
pub(crate) async fn patients(
    txn: &DatabaseTransaction,
    state: &mut State,
    ids: impl IntoIterator<Item = PatientId>,
) -> Result<(), CommandError> {
    let ids: Vec<PatientId> = ids
        .into_iter()
        .filter(|id| !state.patients.contains_key(id))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if !ids.is_empty() {
        state.patients.extend(patients::load(txn, Some(ids)).await?);
    }
    Ok(())
}

/// Adds orders, every allocation to them, and their patients to the state.
pub(crate) async fn orders(
    txn: &DatabaseTransaction,
    state: &mut State,
    filter: OrderFilter,
) -> Result<(), CommandError> {
    let loaded = order_rows::load(txn, filter).await?;
    let ids: BTreeSet<OrderId> = loaded.keys().copied().collect();
    let patient_ids: Vec<PatientId> = loaded.values().map(|order| order.patient_id).collect();
    state.orders.extend(loaded);
    for (unit_id, allocation) in order_rows::allocations_of_orders(txn, &ids).await? {
        state.allocations.entry(unit_id).or_insert(allocation);
    }
    patients(txn, state, patient_ids).await
}

/// The order with its allocations (the domain refuses an order that is not there).
pub(crate) async fn order(
    txn: &DatabaseTransaction,
    state: &mut State,
    order_id: OrderId,
) -> Result<(), CommandError> {
    orders(txn, state, OrderFilter::Ids(vec![order_id])).await
}

/// Adds units with everything the clinic records about them: their lots and the lots' donors,
/// their allocations with those orders (whole), thaws, latest checks and administrations.
pub(crate) async fn units_with_records(
    txn: &DatabaseTransaction,
    state: &mut State,
    filter: UnitFilter,
) -> Result<Vec<UnitId>, CommandError> {
    let loaded = units::load(txn, filter).await?;
    let unit_ids: Vec<UnitId> = loaded.keys().copied().collect();
    let lot_ids: BTreeSet<LotId> = loaded.values().map(|unit| unit.lot_id).collect();
    state.units.extend(loaded);
    load::lots_with_donors(txn, state, lot_ids.into_iter().collect()).await?;
    let records =
        order_rows::load_unit_records(txn, UnitRecordFilter::Units(unit_ids.clone())).await?;
    let order_ids: Vec<OrderId> = records
        .allocations
        .values()
        .map(|allocation| allocation.order_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    state.allocations.extend(records.allocations);
    state.thaws.extend(records.thaws);
    state.bedside_checks.extend(records.checks);
    state
        .administrations
        .extend(administrations::load(txn, AdministrationFilter::Units(unit_ids.clone())).await?);
    if !order_ids.is_empty() {
        orders(txn, state, OrderFilter::Ids(order_ids)).await?;
    }
    Ok(unit_ids)
}

/// The unit `unit_id` with its records (the domain refuses a unit that is not there).
pub(crate) async fn unit(
    txn: &DatabaseTransaction,
    state: &mut State,
    unit_id: UnitId,
) -> Result<(), CommandError> {
    units_with_records(txn, state, UnitFilter::Ids(vec![unit_id])).await?;
    Ok(())
}
