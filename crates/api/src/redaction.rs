//! The redaction of a donor's or a patient's personal data, as both types show it.

use async_graphql::{Enum, SimpleObject};
use chrono::{DateTime, Utc};
use cordtrace_domain::redaction::Redaction;

/// Why personal data was redacted: a closed list, so the ledger holds no free text about the
/// person.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "cordtrace_domain::redaction::RedactionReason")]
pub enum RedactionReason {
    /// The person asked for their personal data to be erased.
    DataSubjectRequest,
    /// The period for which the installation keeps personal data has ended.
    RetentionPeriodEnded,
    /// The personal data was entered for the wrong person; the right person is registered
    /// anew.
    EnteredInError,
}

/// That the personal data was redacted. Who signed it is on the ledger entry
/// (`donor.personal_data_redacted` or `patient.personal_data_redacted` in `chainOfCustody`).
#[derive(SimpleObject, Clone, Copy, Debug)]
#[graphql(name = "PersonalDataRedaction")]
pub struct PersonalDataRedactionObject {
    /// Why.
    pub reason: RedactionReason,
    /// When.
    pub redacted_at: DateTime<Utc>,
}

impl From<Redaction> for PersonalDataRedactionObject {
    fn from(redaction: Redaction) -> Self {
        Self {
            reason: redaction.reason.into(),
            redacted_at: redaction.redacted_at.as_datetime(),
        }
    }
}
