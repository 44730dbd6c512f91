//! The pure core of cordtrace: identifiers, value types, aggregates, commands and events.
//!
//! Nothing here does I/O. The store loads the state a command needs, asks a decision function for
//! events, records them in the ledger and applies them with [`Event::apply`]; verification replays
//! every recorded event through the same `apply` and compares the result with the stored state.

pub mod actor;
pub mod event;
pub mod identity;
pub mod ids;
pub mod isbt128;
pub mod manufacturing;
pub mod redaction;
pub mod refusal;
pub mod role;
pub mod signature;
pub mod state;
pub mod subject;
pub mod text;
pub mod time;
pub mod values;

// Release testing and QA disposition (issue 6).
pub mod duties;
pub mod release;

// Bedside, administration, follow-up, look-back and recall (issue 7).
pub mod clinical;

pub use actor::Actor;
pub use event::{Event, EventMeta};
pub use refusal::{Reason, Refusal, RefusalKind};
pub use role::{Role, Roles};
pub use state::State;
pub use time::Timestamp;
