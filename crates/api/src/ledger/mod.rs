//! The ledger over GraphQL, for auditors: entries, chains of custody, checkpoints, proofs,
//! verification.

mod mutation;
mod query;
mod types;

pub use mutation::LedgerMutation;
pub use query::LedgerQuery;
pub(crate) use types::LedgerSignature;
