//! Events of release testing and disposition, and how each changes the state.
//!
//! Signed actions (`result.invalidated`, `investigation.closed`, `lot.released`, `lot.rejected`)
//! are always the first event of their command, which is the entry the store binds the signature
//! to; their aggregates keep that entry's sequence number so the signature can be found again.

mod disposition;
mod specification;
mod testing;

pub use disposition::{LotRejected, LotReleased};
pub use specification::SpecificationDefined;
pub use testing::{
    InvestigationClosed, InvestigationOpened, ResultInvalidated, ResultRecorded, TestingStarted,
};

use crate::event::EventMeta;
use crate::ids::UserId;
use crate::state::ApplyError;

fn missing(kind: &'static str, id: impl std::fmt::Display) -> ApplyError {
    ApplyError::Missing {
        kind,
        id: id.to_string(),
    }
}

fn duplicate(kind: &'static str, id: impl std::fmt::Display) -> ApplyError {
    ApplyError::Duplicate {
        kind,
        id: id.to_string(),
    }
}

/// The user behind an event that only a user can cause.
fn actor_user(meta: &EventMeta) -> Result<UserId, ApplyError> {
    meta.actor.user_id().ok_or(ApplyError::Missing {
        kind: "user actor",
        id: meta.seq.to_string(),
    })
}
