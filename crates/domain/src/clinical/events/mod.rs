//! Events of the clinical record and how each changes the state. Payloads hold opaque ids and
//! typed values only: no personal data, no floats.

mod administration;
mod bedside;
mod followup;
mod orders;
mod patients;
mod recall;

pub use administration::UnitAdministered;
pub use bedside::{BedsideCheckAccepted, BedsideCheckRefused};
pub use followup::{AdverseEventRecorded, AdverseEventResolved, VisitRecorded};
pub use orders::{OrderCancelled, OrderPlaced, UnitAllocated, UnitDeallocated, UnitThawed};
pub use patients::{PatientPersonalDataRedacted, PatientRegistered, WeightRecorded};
pub use recall::RecallInitiated;

use crate::event::EventMeta;
use crate::ids::UserId;
use crate::state::ApplyError;
use crate::subject::{Subject, SubjectKind};

fn subject(kind: SubjectKind, id: impl std::fmt::Display) -> Subject {
    Subject::new(kind, id)
}

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

/// The user behind an entry; clinical events are always made by a signed-in user.
fn actor_user(meta: &EventMeta) -> Result<UserId, ApplyError> {
    meta.actor.user_id().ok_or(ApplyError::Missing {
        kind: "user actor",
        id: meta.seq.to_string(),
    })
}

macro_rules! payload {
    ($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $($(#[$fdoc])* pub $field: $ty,)*
        }
    };
}
pub(crate) use payload;
