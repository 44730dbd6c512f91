//! Electronic signatures (21 CFR 11.50, 11.70, 11.200).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::identity::PrintedName;
use crate::ids::UserId;
use crate::time::Timestamp;

/// What a signature means (21 CFR 11.50(a)(3)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Meaning {
    /// "I wrote this."
    Authorship,
    /// "I reviewed this."
    Review,
    /// "I approve this."
    Approval,
    /// "I take responsibility for this."
    Responsibility,
    /// "I verified this."
    Verification,
}

impl Meaning {
    /// The name as it appears in the ledger and the manifestation.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Meaning::Authorship => "AUTHORSHIP",
            Meaning::Review => "REVIEW",
            Meaning::Approval => "APPROVAL",
            Meaning::Responsibility => "RESPONSIBILITY",
            Meaning::Verification => "VERIFICATION",
        }
    }
}

impl fmt::Display for Meaning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A signature whose password has been re-checked, ready to be bound to the entry it signs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// The signer.
    pub signer_id: UserId,
    /// The signer's printed name at the time of signing.
    pub printed_name: PrintedName,
    /// When the signature was made (server clock, UTC).
    pub signed_at: Timestamp,
    /// What it means.
    pub meaning: Meaning,
}

impl Signature {
    /// The human-readable form required by 21 CFR 11.50.
    pub fn manifestation(&self) -> String {
        manifestation(self.printed_name.as_str(), self.signed_at, self.meaning)
    }
}

/// `Signed by <printed name> on <UTC date-time> (<meaning>)`.
pub fn manifestation(printed_name: &str, signed_at: Timestamp, meaning: Meaning) -> String {
    format!(
        "Signed by {printed_name} on {} ({meaning})",
        signed_at.as_datetime().format("%Y-%m-%d %H:%M:%S UTC")
    )
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    #[test]
    fn manifestation_names_signer_time_and_meaning() {
        let at = Timestamp::from_datetime(Utc.with_ymd_and_hms(2026, 11, 25, 9, 30, 5).unwrap());
        assert_eq!(
            manifestation("Ada Tester", at, Meaning::Approval),
            "Signed by Ada Tester on 2026-11-25 09:30:05 UTC (APPROVAL)"
        );
    }
}
