//! Redaction of a donor's or a patient's personal data.
//!
//! Personal data never enters the domain or the ledger: the store keeps it in tables of its own.
//! What the domain records is the fact that it was redacted, when and why, so that replay
//! rebuilds that fact and a second redaction is refused. The opaque key and everything recorded
//! under it (consent, screening, eligibility, lots, orders, administrations, follow-up) stay, so
//! traceability from donor to patient is unbroken. A redaction cannot be undone, and personal
//! data is never entered again for a redacted donor or patient: someone who comes back is
//! registered anew under a new key.

use serde::{Deserialize, Serialize};

use crate::signature::Meaning;
use crate::time::Timestamp;

/// Why personal data was redacted. A closed list, so that the ledger entry of a redaction holds
/// no free text about the person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RedactionReason {
    /// The person asked for their personal data to be erased (GDPR Art. 17).
    DataSubjectRequest,
    /// The period for which the installation keeps personal data has ended (the product
    /// records themselves stay, under the opaque key).
    RetentionPeriodEnded,
    /// The personal data was entered for the wrong person; the right person is registered anew.
    EnteredInError,
}

/// That an aggregate's personal data was redacted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Redaction {
    /// Why.
    pub reason: RedactionReason,
    /// When (the time of the ledger entry that records it).
    pub redacted_at: Timestamp,
}

/// The meaning a redaction is signed with: the signer takes responsibility for an erasure that
/// cannot be undone.
pub const REDACTION_MEANING: Meaning = Meaning::Responsibility;
