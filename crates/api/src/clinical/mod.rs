//! The clinical record over GraphQL: patients (personal data guarded field by field), orders,
//! allocation and thaw, the bedside check, administration, follow-up, look-back, recall and
//! outcome summaries.

mod bedside;
mod inputs;
mod loaders;
mod lookback;
mod mutation;
mod query;
mod schedule;
mod types;

pub use loaders::data_loader;
pub use mutation::ClinicalMutation;
pub use query::ClinicalQuery;
// Shared with `production`, whose downstream lineage lists the administrations of its units.
pub(crate) use types::AdministrationObject;
