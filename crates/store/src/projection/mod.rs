//! Current-state tables: writing aggregates after events apply, and reading them back.
//!
//! The same mapping serves commands (load what a decision needs, save what events touched) and
//! verification (load every table and compare it with the state replayed from the ledger).

pub(crate) mod users;

use std::collections::BTreeSet;

use cordtrace_domain::State;
use cordtrace_domain::subject::{Subject, SubjectKind};
use sea_orm::{ConnectionTrait, DatabaseTransaction};

use crate::error::{CommandError, QueryError, corrupt};

/// Saves every aggregate in `touched` from `state` into its table.
pub(crate) async fn save(
    txn: &DatabaseTransaction,
    state: &State,
    touched: &BTreeSet<Subject>,
) -> Result<(), CommandError> {
    for subject in touched {
        match subject.kind {
            SubjectKind::User => {
                let id = subject
                    .id
                    .parse()
                    .map_err(|error| corrupt("user id", error))?;
                let user = state.users.get(&id).ok_or_else(|| {
                    CommandError::Corrupt(format!("event touched user {id} absent from state"))
                })?;
                users::save(txn, user).await?;
            }
        }
    }
    Ok(())
}

/// Loads every current-state table into one [`State`].
pub async fn load_all(db: &impl ConnectionTrait) -> Result<State, QueryError> {
    Ok(State {
        users: users::load_all(db).await?,
    })
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
}

fn compare_maps<K, V>(
    table: &'static str,
    replayed: &std::collections::BTreeMap<K, V>,
    stored: &std::collections::BTreeMap<K, V>,
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
