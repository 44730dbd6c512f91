//! Points in time as the ledger records them.

use std::fmt;

use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};

/// A UTC instant with microsecond precision.
///
/// Both database backends keep microseconds, so truncating at construction means a value read back
/// from any table equals the value that was written, which replay verification relies on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(DateTime<Utc>);

/// Seconds a time entered on a client may lie ahead of the server clock: the two clocks drift.
pub const CLOCK_SKEW_SECONDS: i64 = 60;

impl Timestamp {
    /// Truncates `instant` to microseconds.
    pub fn from_datetime(instant: DateTime<Utc>) -> Self {
        Self(instant.trunc_subsecs(6))
    }

    /// The instant as a chrono value.
    pub const fn as_datetime(&self) -> DateTime<Utc> {
        self.0
    }

    /// This instant moved forward by `duration` (saturating at the far future).
    pub fn plus(&self, duration: chrono::Duration) -> Self {
        Self::from_datetime(
            self.0
                .checked_add_signed(duration)
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
        )
    }

    /// Whether this entered time lies ahead of the server clock `now` by more than the skew
    /// tolerated between a client's clock and the server's ([`CLOCK_SKEW_SECONDS`]).
    pub fn is_in_future_of(&self, now: Timestamp) -> bool {
        *self > now.plus(chrono::Duration::seconds(CLOCK_SKEW_SECONDS))
    }

    /// RFC 3339 in UTC with exactly six fractional digits, as in the ledger.
    pub fn to_rfc3339(&self) -> String {
        self.0.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(instant: DateTime<Utc>) -> Self {
        Self::from_datetime(instant)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncates_to_microseconds_and_prints_six_digits() {
        let instant = DateTime::parse_from_rfc3339("2026-11-25T20:16:38.123456789Z")
            .unwrap()
            .with_timezone(&Utc);
        let timestamp = Timestamp::from_datetime(instant);
        assert_eq!(timestamp.to_rfc3339(), "2026-11-25T20:16:38.123456Z");
    }
}
