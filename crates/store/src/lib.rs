//! Persistence of cordtrace: entities, the command executor, read queries and verification.
//!
//! Architecture invariant: the [`Executor`] is the only code that writes to the database; every
//! other module reads.

pub mod auth;
pub mod commands;
pub mod db;
mod entity;
pub mod error;
pub mod executor;
pub mod ledger;
pub mod lineage;
pub mod projection;
pub mod queries;
pub mod side_write;

pub use db::{Backend, Database, MigrationState};
pub use error::{CommandError, QueryError};
pub use executor::{Committed, Executor};
