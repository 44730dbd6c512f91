//! Times as people at the facility read them: in its time zone, with the offset.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// The facility's time zone (setting `facility_time_zone`, read through the API).
#[derive(Clone, Copy, Debug)]
pub(crate) struct FacilityTime(pub(crate) Tz);

impl FacilityTime {
    /// The zone named `name`, UTC when the name is not an IANA zone.
    pub(crate) fn named(name: &str) -> Self {
        Self(name.parse().unwrap_or(Tz::UTC))
    }

    /// The IANA name.
    pub(crate) fn name(&self) -> &'static str {
        self.0.name()
    }

    /// An RFC 3339 instant from the API as `2026-12-07 14:05 +01:00`; text that is not one is
    /// shown as it came.
    pub(crate) fn show(&self, instant: &str) -> String {
        match DateTime::parse_from_rfc3339(instant) {
            Ok(instant) => instant
                .with_timezone(&self.0)
                .format("%Y-%m-%d %H:%M %:z")
                .to_string(),
            Err(_) => instant.to_owned(),
        }
    }

    /// `text` with every RFC 3339 instant in it (the API's sentences name times in UTC, as
    /// the ledger records them) shown as [`FacilityTime::show`] shows one.
    pub(crate) fn in_text(&self, text: &str) -> String {
        text.split(' ')
            .map(|word| {
                let trimmed = word.trim_end_matches([',', '.', ';', ')']);
                match DateTime::parse_from_rfc3339(trimmed) {
                    Ok(_) => format!("{}{}", self.show(trimmed), &word[trimmed.len()..]),
                    Err(_) => word.to_owned(),
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// `instant` as the value of a `datetime-local` input, to the second.
    pub(crate) fn input_value(&self, instant: DateTime<Utc>) -> String {
        instant
            .with_timezone(&self.0)
            .format("%Y-%m-%dT%H:%M:%S")
            .to_string()
    }

    /// A `datetime-local` input's value, read in the facility's zone, as an RFC 3339 instant.
    /// `None` when it is not a time, or names a local time that does not exist or exists twice
    /// (a daylight saving change): the person then types it again.
    pub(crate) fn parse_input(&self, value: &str) -> Option<String> {
        let local = NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S")
            .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M"))
            .ok()?;
        let instant = self.0.from_local_datetime(&local).single()?;
        Some(instant.with_timezone(&Utc).to_rfc3339())
    }
}

#[cfg(test)]
mod tests {
    use super::FacilityTime;

    #[test]
    fn times_are_shown_in_the_facility_zone_with_the_offset() {
        let paris = FacilityTime::named("Europe/Paris");
        assert_eq!(
            paris.show("2026-12-07T13:05:00Z"),
            "2026-12-07 14:05 +01:00"
        );
        assert_eq!(
            paris.parse_input("2026-12-07T14:05:00").as_deref(),
            Some("2026-12-07T13:05:00+00:00")
        );
        // 02:30 on the last Sunday of March does not exist in Paris.
        assert_eq!(paris.parse_input("2026-03-29T02:30"), None);
        assert_eq!(FacilityTime::named("Mars/Olympus").name(), "UTC");
        assert_eq!(
            paris.in_text("thawed at 2026-12-07T13:05:00Z, to be used by 2026-12-07T17:05:00.5Z."),
            "thawed at 2026-12-07 14:05 +01:00, to be used by 2026-12-07 18:05 +01:00."
        );
    }
}
