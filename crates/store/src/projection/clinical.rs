//! Tables of the clinical area: patients, orders, bedside checks, administrations, visits, adverse events and recalls.
//!
//! Scaffolding: the clinical store commands and their tables are being added; until then no command
//! emits clinical events, and these functions refuse to persist or report nothing.

use cordtrace_domain::State;
use cordtrace_domain::subject::SubjectKind;
use sea_orm::{ConnectionTrait, DatabaseTransaction};

use super::StateMismatch;
use crate::error::{CommandError, QueryError};

/// Saves the clinical aggregates of `kind` named by `ids`.
pub(crate) async fn save(
    _txn: &DatabaseTransaction,
    _state: &State,
    kind: SubjectKind,
    _ids: &[&str],
) -> Result<(), CommandError> {
    Err(CommandError::Corrupt(format!(
        "{kind} aggregates are not persisted yet"
    )))
}

/// Saves the per-unit records (allocation, thaw, latest bedside check) of `unit_ids`.
pub(crate) async fn save_unit_records(
    _txn: &DatabaseTransaction,
    _state: &State,
    _ids: &[&str],
) -> Result<(), CommandError> {
    Ok(())
}

/// Loads every clinical table into `state`.
pub(crate) async fn load_all(
    _db: &impl ConnectionTrait,
    _state: &mut State,
) -> Result<(), QueryError> {
    Ok(())
}

/// The first clinical row that differs between replay and the tables.
pub(crate) fn first_mismatch(_replayed: &State, _stored: &State) -> Option<StateMismatch> {
    None
}
