//! Store commands of release testing and QA disposition: each loads the slice of state its
//! decision names, calls the domain, and binds the signature of signed actions.

mod disposition;
pub(crate) mod record;
mod specifications;
mod testing;

pub use disposition::DisposeLot;
pub use specifications::{DefineSpecification, ImportDefaultSpecification};
pub use testing::{
    BeginTesting, CloseInvestigation, InvalidateResult, RecordResult, RecordedResult,
};
