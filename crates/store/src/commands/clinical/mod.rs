//! Store commands of the clinic: patients, orders, allocation and thaw, the bedside check,
//! administration, follow-up, and recall. Each loads what its decision needs (the domain
//! function's documentation says what), calls the domain, and names its side writes.

pub mod administration;
pub mod bedside;
pub mod followup;
pub(crate) mod load;
pub mod orders;
pub mod patients;
pub mod recall;

use chrono::{Duration, Offset as _, TimeZone as _};
use cordtrace_domain::Timestamp;
use cordtrace_domain::clinical::BedsidePolicy;

/// Installation settings of the bedside check and administration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClinicalPolicy {
    /// How long after thawing a unit may be infused (default 4 h).
    pub thaw_window: Duration,
    /// How many days old the latest weight may be (default 7).
    pub weight_window_days: i64,
    /// How far, in percent, a unit's cells per kg may be from the prescribed dose (default 10).
    pub dose_tolerance_percent: u32,
    /// How long an accepted bedside check allows the infusion to start (default 30 min).
    pub check_valid_for: Duration,
    /// The facility's time zone, which expiry labels are printed in.
    pub time_zone: chrono_tz::Tz,
}

impl Default for ClinicalPolicy {
    fn default() -> Self {
        let bedside = BedsidePolicy::default();
        Self {
            thaw_window: bedside.thaw_window,
            weight_window_days: bedside.weight_window_days,
            dose_tolerance_percent: bedside.dose_tolerance_percent,
            check_valid_for: bedside.check_valid_for,
            time_zone: chrono_tz::UTC,
        }
    }
}

impl ClinicalPolicy {
    /// The domain's policy, with labels read in the facility's UTC offset at `label_time` (a
    /// unit's recorded expiry: summer and winter time differ).
    pub fn bedside(&self, label_time: Timestamp) -> BedsidePolicy {
        BedsidePolicy {
            thaw_window: self.thaw_window,
            weight_window_days: self.weight_window_days,
            dose_tolerance_percent: self.dose_tolerance_percent,
            check_valid_for: self.check_valid_for,
            label_offset: self
                .time_zone
                .offset_from_utc_datetime(&label_time.as_datetime().naive_utc())
                .fix(),
        }
    }
}
