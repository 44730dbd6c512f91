//! The one timestamp format the ledger writes and accepts.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, NaiveDateTime, SubsecRound, Timelike, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The format of every ledger timestamp: RFC 3339, UTC, exactly six fractional digits, `Z`.
const FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

/// A UTC instant with microsecond precision, written as `2026-11-25T20:16:38.123456Z`.
///
/// There is exactly one text for each value, so an entry read back from an export serializes to
/// the bytes it was hashed from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(DateTime<Utc>);

/// Why an instant or a string is not a ledger timestamp.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimestampError {
    /// RFC 3339 has four-digit years only.
    #[error("year {0} is outside 0000..=9999")]
    YearOutOfRange(i32),
    /// The text is not exactly `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
    #[error("{0:?} is not a UTC timestamp of the form 2026-11-25T20:16:38.123456Z")]
    Format(String),
}

impl Timestamp {
    /// Truncates `instant` to microseconds.
    ///
    /// A leap second (which chrono represents as a nanosecond count of one second or more) is
    /// clamped to the last microsecond of the preceding second, because the text form cannot
    /// show second 60 and still be parsed back.
    pub fn from_datetime(instant: DateTime<Utc>) -> Result<Self, TimestampError> {
        let year = instant.year();
        if !(0..=9999).contains(&year) {
            return Err(TimestampError::YearOutOfRange(year));
        }
        let instant = if instant.nanosecond() >= 1_000_000_000 {
            instant.with_nanosecond(999_999_000).unwrap_or(instant)
        } else {
            instant
        };
        Ok(Self(instant.trunc_subsecs(6)))
    }

    /// The instant as a chrono value.
    pub const fn as_datetime(&self) -> DateTime<Utc> {
        self.0
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format(FORMAT))
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    /// Parses the exact form that [`Timestamp`]'s `Display` writes and nothing else.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let format_error = || TimestampError::Format(text.to_owned());
        let naive = NaiveDateTime::parse_from_str(text, FORMAT).map_err(|_| format_error())?;
        let timestamp = Self::from_datetime(naive.and_utc()).map_err(|_| format_error())?;
        // chrono's parser is lenient about digit counts; printing it back is the strict test.
        if timestamp.to_string() != text {
            return Err(format_error());
        }
        Ok(timestamp)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_only_the_canonical_form() {
        let cases = [
            ("2026-11-25T20:16:38.123456Z", true),
            ("2026-11-25T20:16:38.000000Z", true),
            ("0000-01-01T00:00:00.000000Z", true),
            ("2026-11-25T20:16:38.12345Z", false),
            ("2026-11-25T20:16:38.1234567Z", false),
            ("2026-11-25T20:16:38Z", false),
            ("2026-11-25T20:16:38.123456+00:00", false),
            ("2026-11-25t20:16:38.123456Z", false),
            ("2026-11-25T20:16:38.123456z", false),
            ("2026-11-25 20:16:38.123456Z", false),
            ("2026-11-25T20:16:60.123456Z", false),
            ("2026-02-30T20:16:38.123456Z", false),
            (" 2026-11-25T20:16:38.123456Z", false),
            ("+12026-11-25T20:16:38.123456Z", false),
        ];
        for (text, want_ok) in cases {
            let parsed = text.parse::<Timestamp>();
            assert_eq!(parsed.is_ok(), want_ok, "{text}: {parsed:?}");
            if let Ok(timestamp) = parsed {
                assert_eq!(timestamp.to_string(), text);
            }
        }
    }

    #[test]
    fn from_datetime_truncates_to_microseconds() {
        let instant = DateTime::parse_from_rfc3339("2026-11-25T20:16:38.123456789Z")
            .unwrap()
            .with_timezone(&Utc);
        let timestamp = Timestamp::from_datetime(instant).unwrap();
        assert_eq!(timestamp.to_string(), "2026-11-25T20:16:38.123456Z");
        assert_eq!(
            timestamp.to_string().parse::<Timestamp>().unwrap(),
            timestamp
        );
    }

    #[test]
    fn from_datetime_clamps_a_leap_second() {
        let leap = NaiveDateTime::parse_from_str("2016-12-31T23:59:59", "%Y-%m-%dT%H:%M:%S")
            .unwrap()
            .with_nanosecond(1_500_000_000)
            .unwrap()
            .and_utc();
        let timestamp = Timestamp::from_datetime(leap).unwrap();
        assert_eq!(timestamp.to_string(), "2016-12-31T23:59:59.999999Z");
    }

    #[test]
    fn from_datetime_refuses_five_digit_years() {
        let far = DateTime::<Utc>::MAX_UTC;
        assert!(matches!(
            Timestamp::from_datetime(far),
            Err(TimestampError::YearOutOfRange(_))
        ));
    }
}
