//! Orders for UC-MSC infusions, the units allocated to them, and thaw records.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ids::{AdministrationId, OrderId, PatientId, UnitId, UserId};
use crate::time::Timestamp;
use crate::values::{DosePerKg, Narrative};

use super::error::ClinicalError;

/// The route of administration. The SLE protocols infuse intravenously; another route would be
/// a new variant, so that no free text can slip into a dose calculation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Route {
    /// Intravenous infusion.
    #[serde(rename = "IV")]
    Intravenous,
}

impl Route {
    /// The name, as the API shows it.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Route::Intravenous => "IV",
        }
    }

    /// Parses [`Route::as_str`].
    pub fn parse(name: &str) -> Option<Self> {
        (name == "IV").then_some(Route::Intravenous)
    }
}

/// Day offsets of the infusions from the first, e.g. `[0]` or `[0, 7]`: starts at 0, strictly
/// increasing, at most [`InfusionSchedule::MAX_INFUSIONS`] infusions within a year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<u16>", into = "Vec<u16>")]
pub struct InfusionSchedule(Vec<u16>);

impl InfusionSchedule {
    /// Most infusions one order may schedule.
    pub const MAX_INFUSIONS: usize = 12;
    /// Last day offset allowed.
    pub const MAX_DAY: u16 = 365;

    /// One infusion on day 0.
    pub fn single() -> Self {
        Self(vec![0])
    }

    /// Checks the offsets.
    pub fn new(days: Vec<u16>) -> Result<Self, ClinicalError> {
        let bad = |why: &str| Err(ClinicalError::BadSchedule(format!("schedule: {why}")));
        if days.is_empty() || days.len() > Self::MAX_INFUSIONS {
            return bad("1 to 12 infusions");
        }
        if days[0] != 0 {
            return bad("the first infusion is day 0");
        }
        if days.windows(2).any(|pair| pair[1] <= pair[0]) {
            return bad("days must increase");
        }
        if days.iter().any(|day| *day > Self::MAX_DAY) {
            return bad("days must be 0 to 365");
        }
        Ok(Self(days))
    }

    /// The day offsets.
    pub fn days(&self) -> &[u16] {
        &self.0
    }

    /// The number of infusions.
    pub fn infusions(&self) -> usize {
        self.0.len()
    }
}

impl TryFrom<Vec<u16>> for InfusionSchedule {
    type Error = ClinicalError;

    fn try_from(days: Vec<u16>) -> Result<Self, Self::Error> {
        Self::new(days)
    }
}

impl From<InfusionSchedule> for Vec<u16> {
    fn from(schedule: InfusionSchedule) -> Self {
        schedule.0
    }
}

/// The status of an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderStatus {
    /// Infusions remain to be given.
    Active,
    /// Every scheduled infusion was given.
    Completed,
    /// Cancelled by a clinician; its remaining units were released from it.
    Cancelled,
}

impl OrderStatus {
    /// The name, as the API shows it.
    pub const fn as_str(&self) -> &'static str {
        match self {
            OrderStatus::Active => "ACTIVE",
            OrderStatus::Completed => "COMPLETED",
            OrderStatus::Cancelled => "CANCELLED",
        }
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A cancellation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cancellation {
    /// Why.
    pub reason: Narrative,
    /// Who cancelled.
    pub cancelled_by: UserId,
    /// When.
    pub cancelled_at: Timestamp,
}

/// A signed order for UC-MSC infusions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Order {
    /// Identity.
    pub id: OrderId,
    /// The patient.
    pub patient_id: PatientId,
    /// The prescribed dose per kilogram of body weight.
    pub dose_per_kg: DosePerKg,
    /// The infusion days.
    pub schedule: InfusionSchedule,
    /// The route.
    pub route: Route,
    /// The planned date of day 0.
    pub starts_on: NaiveDate,
    /// The prescriber (the signer).
    pub ordered_by: UserId,
    /// When it was signed.
    pub ordered_at: Timestamp,
    /// Its status.
    pub status: OrderStatus,
    /// Administrations given under it, in order.
    pub administrations: Vec<AdministrationId>,
    /// Set when cancelled.
    pub cancellation: Option<Cancellation>,
}

/// A unit set aside for an order. Kept beside the manufacturing unit, keyed by unit id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allocation {
    /// The unit.
    pub unit_id: UnitId,
    /// The order.
    pub order_id: OrderId,
    /// The order's patient (denormalised so the bedside compares without the order).
    pub patient_id: PatientId,
    /// Who allocated it.
    pub allocated_by: UserId,
    /// When.
    pub allocated_at: Timestamp,
}

/// A unit's thaw. A thawed unit is never refrozen, so the record stays with the unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Thaw {
    /// The unit.
    pub unit_id: UnitId,
    /// When thawing finished.
    pub thawed_at: Timestamp,
    /// The post-thaw use-by time fixed at thaw (the policy then in force).
    pub use_by: Timestamp,
    /// Who recorded it.
    pub recorded_by: UserId,
}
