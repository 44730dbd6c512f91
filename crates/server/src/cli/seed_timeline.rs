//! When the demo's events happen: the clock `seed-demo` records them on, and the facility's
//! calendar that places them.
//!
//! The small facility is a history of about nine months, recorded on a
//! [`ReplayClock`]: each phase moves the clock to the time its acts were done, so every ledger
//! entry carries that time and the domain checks each act against it (a result is not recorded
//! before the test was read, a bedside check precedes its infusion by minutes). The large
//! facility (`--scale`) is recorded on the system clock, with its times in the last day.

use std::sync::Arc;

use anyhow::Context as _;
use chrono::{DateTime, Days, Duration, FixedOffset, Months, NaiveDate, TimeZone as _, Utc};
use chrono_tz::Tz;
use cordtrace_domain::Timestamp;
use cordtrace_domain::values::ZonedTime;
use cordtrace_store::executor::ReplayClock;

/// The clock the seed's commands are stamped with.
pub(crate) enum Timeline {
    /// The system clock: nothing to move.
    System,
    /// A replayed history.
    Replay(Arc<ReplayClock>),
}

impl Timeline {
    /// The time the next command is recorded at.
    pub(crate) fn now(&self) -> Timestamp {
        match self {
            Timeline::System => Timestamp::from_datetime(Utc::now()),
            Timeline::Replay(clock) => clock.now(),
        }
    }

    /// Moves a replayed history to `at`, the time of the next acts; on the system clock the
    /// acts are recorded as they are made, so there is nothing to move.
    pub(crate) fn reach(&self, at: Timestamp) -> anyhow::Result<()> {
        match self {
            Timeline::System => Ok(()),
            Timeline::Replay(clock) => clock
                .advance_to(at)
                .with_context(|| format!("the demo's timeline cannot reach {at}")),
        }
    }
}

/// The facility's calendar: local dates and times of day in its time zone, counted back from
/// today, and the demo's anchor, patient A's infusion day.
pub(crate) struct Calendar {
    zone: Tz,
    today: NaiveDate,
    infusion: NaiveDate,
}

impl Calendar {
    /// Days between patient A's 6-month target and today: the 6-month visit is then due (its
    /// window is 30 days either side of the target), with a margin on both sides.
    const SIX_MONTHS_AGO_BY: u64 = 20;

    /// Today in `zone`, with patient A's infusion about 6 months and 3 weeks ago.
    pub(crate) fn new(zone: Tz) -> anyhow::Result<Self> {
        let today = Utc::now().with_timezone(&zone).date_naive();
        let infusion = today
            .checked_sub_months(Months::new(6))
            .and_then(|day| day.checked_sub_days(Days::new(Self::SIX_MONTHS_AGO_BY)))
            .context("the calendar cannot count back six months")?;
        Ok(Self {
            zone,
            today,
            infusion,
        })
    }

    /// The date `days` before today.
    pub(crate) fn days_ago(&self, days: u64) -> anyhow::Result<NaiveDate> {
        self.today
            .checked_sub_days(Days::new(days))
            .context("the calendar cannot count back")
    }

    /// Patient A's infusion day.
    pub(crate) fn infusion(&self) -> NaiveDate {
        self.infusion
    }

    /// The date `days` before (negative) or after patient A's infusion.
    pub(crate) fn infusion_day(&self, days: i64) -> anyhow::Result<NaiveDate> {
        let shift = Days::new(days.unsigned_abs());
        if days < 0 {
            self.infusion.checked_sub_days(shift)
        } else {
            self.infusion.checked_add_days(shift)
        }
        .context("the calendar cannot count from the infusion")
    }

    /// `months` calendar months after patient A's infusion.
    pub(crate) fn months_after_infusion(&self, months: u32) -> anyhow::Result<NaiveDate> {
        self.infusion
            .checked_add_months(Months::new(months))
            .context("the calendar cannot count months from the infusion")
    }

    /// `hour:minute` local time on `date`. A time that a daylight-saving change skips is read
    /// as UTC; the demo's times of day are office hours, which no change skips.
    pub(crate) fn at(&self, date: NaiveDate, hour: u32, minute: u32) -> anyhow::Result<Timestamp> {
        let local = date
            .and_hms_opt(hour, minute, 0)
            .with_context(|| format!("{hour:02}:{minute:02} is not a time of day"))?;
        let instant = self
            .zone
            .from_local_datetime(&local)
            .earliest()
            .map_or_else(
                || Utc.from_utc_datetime(&local),
                |at| at.with_timezone(&Utc),
            );
        Ok(Timestamp::from_datetime(instant))
    }

    /// `at` as the ward writes it, with the facility's UTC offset.
    pub(crate) fn zoned(&self, at: Timestamp) -> anyhow::Result<ZonedTime> {
        Ok(ZonedTime::parse(&self.local(at).to_rfc3339())?)
    }

    /// `at` in the facility's time zone.
    pub(crate) fn local(&self, at: Timestamp) -> DateTime<FixedOffset> {
        at.as_datetime().with_timezone(&self.zone).fixed_offset()
    }
}

/// `at` moved by `minutes` (negative: earlier).
pub(crate) fn minutes_after(at: Timestamp, minutes: i64) -> Timestamp {
    at.plus(Duration::minutes(minutes))
}

/// The system clock moved back by `duration`.
pub(crate) fn ago(duration: Duration) -> Timestamp {
    Timestamp::from_datetime(Utc::now() - duration)
}

#[cfg(test)]
mod tests {
    use chrono::Datelike as _;

    use super::*;

    #[test]
    fn the_six_month_visit_of_patient_a_is_due_today() {
        for zone in [
            chrono_tz::UTC,
            chrono_tz::Pacific::Kiritimati,
            chrono_tz::America::Adak,
        ] {
            let calendar = Calendar::new(zone).unwrap();
            let target = calendar.months_after_infusion(6).unwrap();
            let margin = (calendar.today - target).num_days();
            assert!((15..=25).contains(&margin), "{zone}: {margin} days");
        }
    }

    #[test]
    fn times_of_day_are_the_facilitys() {
        let calendar = Calendar::new(chrono_tz::Europe::Paris).unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
        let at = calendar.at(day, 9, 0).unwrap();
        assert_eq!(at.to_rfc3339(), "2026-01-15T08:00:00.000000Z");
        assert_eq!(
            calendar.zoned(at).unwrap().local().to_rfc3339(),
            "2026-01-15T09:00:00+01:00"
        );
        assert_eq!(calendar.local(at).day(), 15);
    }
}
