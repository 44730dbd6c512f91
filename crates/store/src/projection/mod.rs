//! Current-state tables: writing aggregates after events apply, and reading them back.
//!
//! The same mapping serves commands (load what a decision needs, save what events touched) and
//! verification (load every table and compare it with the state replayed from the ledger).

pub(crate) mod clinical;
mod common;
pub(crate) mod deviations;
pub(crate) mod donations;
pub(crate) mod donors;
pub(crate) mod lots;
pub(crate) mod materials;
pub(crate) mod release;
pub(crate) mod steps;
pub(crate) mod units;
pub(crate) mod users;

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use cordtrace_domain::State;
use cordtrace_domain::subject::{Subject, SubjectKind};
use sea_orm::{ConnectionTrait, DatabaseTransaction};

use crate::error::{CommandError, QueryError, corrupt};

/// The aggregates of one kind that a command touched, looked up in the state.
fn touched<'a, K: Ord + FromStr, V>(
    map: &'a BTreeMap<K, V>,
    ids: &[&str],
    kind: SubjectKind,
) -> Result<Vec<&'a V>, CommandError>
where
    K::Err: std::fmt::Display,
{
    ids.iter()
        .map(|id| {
            let key = K::from_str(id).map_err(|error| corrupt("subject id", error))?;
            map.get(&key).ok_or_else(|| {
                CommandError::Corrupt(format!(
                    "an event touched {kind} {id}, which is absent from the state"
                ))
            })
        })
        .collect()
}

/// Saves every aggregate in `touched` from `state` into its table, kind by kind in the order of
/// [`SubjectKind`], which is the order foreign keys need (users, donors, donations, ... units).
pub(crate) async fn save(
    txn: &DatabaseTransaction,
    state: &State,
    subjects: &BTreeSet<Subject>,
) -> Result<(), CommandError> {
    let mut by_kind: BTreeMap<SubjectKind, Vec<&str>> = BTreeMap::new();
    for subject in subjects {
        by_kind
            .entry(subject.kind)
            .or_default()
            .push(subject.id.as_str());
    }
    for (kind, ids) in by_kind {
        match kind {
            SubjectKind::User => {
                for user in touched(&state.users, &ids, kind)? {
                    users::save(txn, user).await?;
                }
            }
            SubjectKind::Donor => donors::save(txn, &touched(&state.donors, &ids, kind)?).await?,
            SubjectKind::Donation => {
                donations::save(txn, &touched(&state.donations, &ids, kind)?).await?
            }
            SubjectKind::MaterialLot => {
                materials::save_material_lots(txn, &touched(&state.material_lots, &ids, kind)?)
                    .await?;
            }
            SubjectKind::Equipment => {
                materials::save_equipment(txn, &touched(&state.equipment, &ids, kind)?).await?
            }
            SubjectKind::Product => {
                materials::save_products(txn, &touched(&state.products, &ids, kind)?).await?
            }
            SubjectKind::Lot => {
                lots::save(txn, &touched(&state.lots, &ids, kind)?).await?;
                release::save_lot_records(txn, state, &ids).await?;
            }
            SubjectKind::Step => steps::save(txn, &touched(&state.steps, &ids, kind)?).await?,
            SubjectKind::Deviation => {
                deviations::save(txn, &touched(&state.deviations, &ids, kind)?).await?
            }
            SubjectKind::Unit => {
                units::save(txn, &touched(&state.units, &ids, kind)?).await?;
                clinical::save_unit_records(txn, state, &ids).await?;
            }
            SubjectKind::Specification | SubjectKind::TestResult | SubjectKind::Investigation => {
                release::save(txn, state, kind, &ids).await?;
            }
            SubjectKind::Patient
            | SubjectKind::Order
            | SubjectKind::BedsideCheck
            | SubjectKind::Administration
            | SubjectKind::Visit
            | SubjectKind::AdverseEvent
            | SubjectKind::Recall => clinical::save(txn, state, kind, &ids).await?,
        }
    }
    Ok(())
}

/// Loads every current-state table into one [`State`].
pub async fn load_all(db: &impl ConnectionTrait) -> Result<State, QueryError> {
    let mut state = State {
        users: users::load_all(db).await?,
        donors: donors::load(db, None).await?,
        donations: donations::load(db, donations::DonationFilter::All).await?,
        material_lots: materials::load_material_lots(db, None).await?,
        equipment: materials::load_equipment(db, materials::EquipmentFilter::All).await?,
        products: materials::load_products(db).await?,
        lots: lots::load(db, None).await?,
        steps: steps::load(db, steps::StepFilter::All).await?,
        deviations: deviations::load(db, deviations::DeviationFilter::All).await?,
        units: units::load(db, units::UnitFilter::All).await?,
        ..State::default()
    };
    release::load_all(db, &mut state).await?;
    clinical::load_all(db, &mut state).await?;
    Ok(state)
}

/// A row that differs between replay and the table, or exists on one side only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateMismatch {
    /// The table.
    pub table: &'static str,
    /// The row's primary key.
    pub row: String,
    /// What differs.
    pub detail: String,
}

/// Compares the replayed state with the stored one, table by table, row by row.
pub fn first_mismatch(replayed: &State, stored: &State) -> Option<StateMismatch> {
    compare_maps("app_user", &replayed.users, &stored.users)
        .or_else(|| compare_maps("donor", &replayed.donors, &stored.donors))
        .or_else(|| compare_maps("donation", &replayed.donations, &stored.donations))
        .or_else(|| {
            compare_maps(
                "material_lot",
                &replayed.material_lots,
                &stored.material_lots,
            )
        })
        .or_else(|| compare_maps("equipment", &replayed.equipment, &stored.equipment))
        .or_else(|| compare_maps("product_definition", &replayed.products, &stored.products))
        .or_else(|| compare_maps("lot", &replayed.lots, &stored.lots))
        .or_else(|| compare_maps("processing_step", &replayed.steps, &stored.steps))
        .or_else(|| compare_maps("deviation", &replayed.deviations, &stored.deviations))
        .or_else(|| compare_maps("unit", &replayed.units, &stored.units))
        .or_else(|| release::first_mismatch(replayed, stored))
        .or_else(|| clinical::first_mismatch(replayed, stored))
}

pub(crate) fn compare_maps<K, V>(
    table: &'static str,
    replayed: &BTreeMap<K, V>,
    stored: &BTreeMap<K, V>,
) -> Option<StateMismatch>
where
    K: Ord + std::fmt::Display,
    V: PartialEq + std::fmt::Debug,
{
    for (key, expected) in replayed {
        match stored.get(key) {
            None => {
                return Some(StateMismatch {
                    table,
                    row: key.to_string(),
                    detail: "row is missing".to_owned(),
                });
            }
            Some(found) if found != expected => {
                return Some(StateMismatch {
                    table,
                    row: key.to_string(),
                    detail: format!(
                        "row differs from replay: expected {expected:?}, found {found:?}"
                    ),
                });
            }
            Some(_) => {}
        }
    }
    stored
        .keys()
        .find(|key| !replayed.contains_key(key))
        .map(|key| StateMismatch {
            table,
            row: key.to_string(),
            detail: "row has no ledger entry".to_owned(),
        })
}
