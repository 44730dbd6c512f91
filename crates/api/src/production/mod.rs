//! The production record over GraphQL: processing steps, lots and their status, deviations,
//! units and their custody, and lineage up and down.

mod inputs;
mod labels;
mod lineage;
mod mutation;
mod query;
mod types;

pub use labels::{
    LabelMutation, LabelRecipient, PRINT_LABEL_OPERATION, PrintedLabel, prepare_unit_label,
    print_unit_label, record_label_print,
};
pub use lineage::LineageQuery;
pub use mutation::ProductionMutation;
pub use query::ProductionQuery;
// Shared with `intake`, which shows the same enums on donations and material lots.
pub(crate) use types::{ArrivalCondition, DonorEligibilityState, MaterialQcStatus};
// Shared with `release`, which shows lots, units and the people who signed.
pub(crate) use types::{LotKind, LotStatus, StaffMember, UnitContainer, UnitStatus};
// Shared with `clinical`, whose look-back and recall start where a downstream trace does.
pub(crate) use inputs::DownstreamFrom;
