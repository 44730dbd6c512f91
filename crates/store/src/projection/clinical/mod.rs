//! Tables of the clinical area: patients and their weights, orders, the per-unit records
//! (allocation, thaw, latest bedside check), administrations, visits, adverse events and
//! recalls. Personal data (`patient_personal`) is not a projection: side writes keep it.
//!
//! Commands must load what they touch whole: a patient with every weight, an order with every
//! allocation to it (an allocation the state lacks is deleted when its order is saved).

pub(crate) mod administrations;
pub(crate) mod followup;
pub(crate) mod orders;
pub(crate) mod patients;
pub(crate) mod recalls;

use cordtrace_domain::State;
use cordtrace_domain::subject::SubjectKind;
use sea_orm::{ConnectionTrait, DatabaseTransaction};
use uuid::Uuid;

use super::{StateMismatch, compare_maps, touched};
use crate::error::{CommandError, QueryError};

/// Ids as UUIDs, for `IN` filters.
pub(crate) fn uuids<T: Copy + Into<Uuid>>(ids: &[T]) -> Vec<Uuid> {
    ids.iter().map(|id| (*id).into()).collect()
}

/// Saves the clinical aggregates of `kind` named by `ids`.
pub(crate) async fn save(
    txn: &DatabaseTransaction,
    state: &State,
    kind: SubjectKind,
    ids: &[&str],
) -> Result<(), CommandError> {
    match kind {
        SubjectKind::Patient => {
            patients::save(txn, &touched(&state.patients, ids, kind)?).await?;
        }
        SubjectKind::Order => {
            orders::save(txn, state, &touched(&state.orders, ids, kind)?).await?;
        }
        // A check is kept as the latest check of its unit, saved with the unit's records; the
        // ledger holds every check.
        SubjectKind::BedsideCheck => {}
        SubjectKind::Administration => {
            administrations::save(txn, state, &touched(&state.administrations, ids, kind)?).await?;
        }
        SubjectKind::Visit => {
            followup::save_visits(txn, &touched(&state.visits, ids, kind)?).await?;
        }
        SubjectKind::AdverseEvent => {
            followup::save_adverse_events(txn, &touched(&state.adverse_events, ids, kind)?).await?;
        }
        SubjectKind::Recall => {
            recalls::save(txn, &touched(&state.recalls, ids, kind)?).await?;
        }
        other => {
            return Err(CommandError::Corrupt(format!(
                "{other} is not a clinical aggregate"
            )));
        }
    }
    Ok(())
}

/// Saves the per-unit records (allocation, thaw, latest bedside check) of `unit_ids` that the
/// state holds.
pub(crate) async fn save_unit_records(
    txn: &DatabaseTransaction,
    state: &State,
    ids: &[&str],
) -> Result<(), CommandError> {
    Ok(orders::save_unit_records(txn, state, ids).await?)
}

/// Loads every clinical table into `state`.
pub(crate) async fn load_all(
    db: &impl ConnectionTrait,
    state: &mut State,
) -> Result<(), QueryError> {
    state.patients = patients::load(db, None).await?;
    state.orders = orders::load(db, orders::OrderFilter::All).await?;
    let records = orders::load_unit_records(db, orders::UnitRecordFilter::All).await?;
    state.allocations = records.allocations;
    state.thaws = records.thaws;
    state.bedside_checks = records.checks;
    state.administrations =
        administrations::load(db, administrations::AdministrationFilter::All).await?;
    state.visits = followup::load_visits(db, followup::FollowUpFilter::All).await?;
    state.adverse_events = followup::load_adverse_events(db, followup::FollowUpFilter::All).await?;
    state.recalls = recalls::load_all(db).await?;
    Ok(())
}

/// The first clinical row that differs between replay and the tables.
pub(crate) fn first_mismatch(replayed: &State, stored: &State) -> Option<StateMismatch> {
    compare_maps("patient", &replayed.patients, &stored.patients)
        .or_else(|| compare_maps("clinical_order", &replayed.orders, &stored.orders))
        .or_else(|| {
            compare_maps(
                "unit_allocation",
                &replayed.allocations,
                &stored.allocations,
            )
        })
        .or_else(|| compare_maps("unit_thaw", &replayed.thaws, &stored.thaws))
        .or_else(|| {
            compare_maps(
                "unit_bedside_check",
                &replayed.bedside_checks,
                &stored.bedside_checks,
            )
        })
        .or_else(|| {
            compare_maps(
                "administration",
                &replayed.administrations,
                &stored.administrations,
            )
        })
        .or_else(|| compare_maps("visit", &replayed.visits, &stored.visits))
        .or_else(|| {
            compare_maps(
                "adverse_event",
                &replayed.adverse_events,
                &stored.adverse_events,
            )
        })
        .or_else(|| compare_maps("recall", &replayed.recalls, &stored.recalls))
}
