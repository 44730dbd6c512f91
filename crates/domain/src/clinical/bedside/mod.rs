//! The bedside check: the scanned unit and wristband against the record, with every reason that
//! applies, as a pure function. [`commands::bedside::check`](super::commands::bedside::check)
//! wraps it into a ledger event, accepted or refused.
//!
//! How the store calls it: parse the raw strings with [`BedsideScans::parse`]; load into a
//! [`crate::State`] every unit with [`BedsideScans::unit_key`]'s DIN (with its lot, the lot's
//! donors, the unit's allocation, order, thaw, latest check and administration, and the
//! product definitions), look the [`Wristband::lookup_key`] up in the personal-data table to get
//! an `Option<PatientId>` and load that patient (weights, orders); then call [`check`].
//!
//! Decisions where the issue is silent:
//! - The unit is found by DIN *and* product code: a DIN names a donation, and several units
//!   (divisions) share it. A DIN scanned without its product code is MALFORMED_SCAN, not
//!   UNKNOWN_UNIT: the scan is incomplete, and nothing was looked up.
//! - A scan problem does not stop the lookup of a unit that the other scans identify without
//!   ambiguity: its facts are shown and its chain records the refusal; the check fails anyway.
//! - A DIN label flagged as a sample or record label (flags 06-10) is MALFORMED_SCAN: it is not
//!   the product container. Two different DINs, product codes or expiries among the unit's scans
//!   are MALFORMED_SCAN. A patient identification among the unit's scans is MALFORMED_SCAN (and,
//!   being personal data, is neither kept nor echoed).
//! - The expiry structure is optional; when scanned it must equal the recorded expiry in the
//!   facility's local time ([`BedsidePolicy::label_offset`]), to the minute, or to the day for a
//!   date-only `=>` label; otherwise LABEL_MISMATCH.
//! - A unit allocated to no order is NOT_ALLOCATED (a code the issue does not list).
//! - The post-thaw use-by is the earlier of the one fixed at thaw and the thaw time plus the
//!   current policy's window, so a shortened window applies at once and none is ever extended.
//! - The weight window counts whole days between the measurement date and today (UTC date).
//! - Every lookup that should succeed but does not (a lot, order or donor the store did not
//!   load) counts against the check, never for it.

mod check;
mod scans;

pub use check::check;
pub(crate) use check::{cells_per_kg, donor_usable};
pub use scans::{BedsideScans, ScannedUnit, Wristband, WristbandError};

use std::fmt;

use chrono::{Duration, FixedOffset, NaiveDate, Offset as _};
use serde::{Deserialize, Serialize};

use crate::ids::{LotId, OrderId, PatientId, UnitId};
use crate::isbt128::{Din, ProductCode};
use crate::manufacturing::LotCode;
use crate::time::Timestamp;
use crate::values::{CellCount, DosePerKg, Kilograms, Label, Millilitres};

use super::patient::PatientKey;

/// The configurable limits of the bedside check and of administration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BedsidePolicy {
    /// How long after thawing a unit may still be infused (default 4 h).
    pub thaw_window: Duration,
    /// How many days old the latest weight may be (default 7).
    pub weight_window_days: i64,
    /// How far, in percent, the dose per kg may be from the prescribed one (default 10).
    pub dose_tolerance_percent: u32,
    /// How long an accepted check allows the infusion to start (default 30 min).
    pub check_valid_for: Duration,
    /// The UTC offset labels are printed in: the store resolves it from the facility's time zone
    /// at the unit's recorded expiry (the domain holds no time-zone database).
    pub label_offset: FixedOffset,
}

impl Default for BedsidePolicy {
    fn default() -> Self {
        Self {
            thaw_window: Duration::hours(4),
            weight_window_days: 7,
            dose_tolerance_percent: 10,
            check_valid_for: Duration::minutes(30),
            label_offset: chrono::Utc.fix(),
        }
    }
}

/// Why a bedside check does not pass. Each has a stable code; a check lists every one that
/// applies, in this order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BedsideReason {
    /// A scan is unreadable, incomplete, ambiguous or of the wrong kind of label.
    MalformedScan,
    /// No unit has the scanned DIN and product code.
    UnknownUnit,
    /// No patient has the scanned wristband.
    UnknownPatient,
    /// The unit or its lot is not released (quarantine, rejected, destroyed).
    NotReleased,
    /// The unit or its lot is on hold or recalled.
    OnHoldOrRecalled,
    /// The unit or its lot is past its expiry.
    Expired,
    /// The scanned label disagrees with the record (the expiry).
    LabelMismatch,
    /// The unit has not been thawed.
    NotThawed,
    /// The post-thaw use-by time has passed.
    ThawWindowExceeded,
    /// The unit is allocated to no order.
    NotAllocated,
    /// The unit is allocated to another patient's order.
    WrongPatient,
    /// The patient has no active order for this unit.
    NoActiveOrder,
    /// The unit's cells per kg at the latest weight are too far from the prescribed dose.
    DoseOutOfRange,
    /// No weight measured within the window.
    WeightTooOld,
    /// The unit was already given.
    AlreadyAdministered,
    /// A donor of the unit's lot is not ELIGIBLE, or their consent does not stand.
    DonorNotEligible,
}

impl BedsideReason {
    /// Every reason, in order.
    pub const ALL: [BedsideReason; 16] = [
        BedsideReason::MalformedScan,
        BedsideReason::UnknownUnit,
        BedsideReason::UnknownPatient,
        BedsideReason::NotReleased,
        BedsideReason::OnHoldOrRecalled,
        BedsideReason::Expired,
        BedsideReason::LabelMismatch,
        BedsideReason::NotThawed,
        BedsideReason::ThawWindowExceeded,
        BedsideReason::NotAllocated,
        BedsideReason::WrongPatient,
        BedsideReason::NoActiveOrder,
        BedsideReason::DoseOutOfRange,
        BedsideReason::WeightTooOld,
        BedsideReason::AlreadyAdministered,
        BedsideReason::DonorNotEligible,
    ];

    /// The stable code.
    pub const fn code(&self) -> &'static str {
        match self {
            BedsideReason::MalformedScan => "MALFORMED_SCAN",
            BedsideReason::UnknownUnit => "UNKNOWN_UNIT",
            BedsideReason::UnknownPatient => "UNKNOWN_PATIENT",
            BedsideReason::NotReleased => "NOT_RELEASED",
            BedsideReason::OnHoldOrRecalled => "ON_HOLD_OR_RECALLED",
            BedsideReason::Expired => "EXPIRED",
            BedsideReason::LabelMismatch => "LABEL_MISMATCH",
            BedsideReason::NotThawed => "NOT_THAWED",
            BedsideReason::ThawWindowExceeded => "THAW_WINDOW_EXCEEDED",
            BedsideReason::NotAllocated => "NOT_ALLOCATED",
            BedsideReason::WrongPatient => "WRONG_PATIENT",
            BedsideReason::NoActiveOrder => "NO_ACTIVE_ORDER",
            BedsideReason::DoseOutOfRange => "DOSE_OUT_OF_RANGE",
            BedsideReason::WeightTooOld => "WEIGHT_TOO_OLD",
            BedsideReason::AlreadyAdministered => "ALREADY_ADMINISTERED",
            BedsideReason::DonorNotEligible => "DONOR_NOT_ELIGIBLE",
        }
    }

    /// Parses [`BedsideReason::code`].
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|reason| reason.code() == code)
    }
}

impl fmt::Display for BedsideReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One reason with a sentence for the clinician. Messages never hold personal data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The reason.
    pub reason: BedsideReason,
    /// What exactly, for a person.
    pub message: String,
}

impl Finding {
    /// A finding.
    pub fn new(reason: BedsideReason, message: impl Into<String>) -> Self {
        Self {
            reason,
            message: message.into(),
        }
    }

    /// The reason's stable code.
    pub fn code(&self) -> &'static str {
        self.reason.code()
    }
}

/// What the clinician is shown, as far as it could be established.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BedsideFacts {
    /// The unit found.
    pub unit_id: Option<UnitId>,
    /// Its DIN (show it with [`Din::eye_readable`], which adds the check character).
    pub din: Option<Din>,
    /// Its product code.
    pub product_code: Option<ProductCode>,
    /// The installation's description of the product code.
    pub product_description: Option<Label>,
    /// Its lot.
    pub lot_id: Option<LotId>,
    /// The lot code.
    pub lot_code: Option<LotCode>,
    /// Viable cells in the unit.
    pub cells: Option<CellCount>,
    /// Its volume.
    pub volume: Option<Millilitres>,
    /// Its recorded expiry.
    pub expires_at: Option<Timestamp>,
    /// When it was thawed.
    pub thawed_at: Option<Timestamp>,
    /// The post-thaw use-by time in force.
    pub use_by: Option<Timestamp>,
    /// The patient the wristband resolved to.
    pub patient_id: Option<PatientId>,
    /// The patient's opaque key.
    pub patient_key: Option<PatientKey>,
    /// The order the unit is allocated to, when it is the scanned patient's.
    pub order_id: Option<OrderId>,
    /// Its prescribed dose.
    pub prescribed_dose_per_kg: Option<DosePerKg>,
    /// The patient's latest weight.
    pub weight: Option<Kilograms>,
    /// When it was measured.
    pub weight_measured_on: Option<NaiveDate>,
    /// The unit's cells per kg at that weight, rounded to a whole cell.
    pub cells_per_kg: Option<u64>,
}

impl BedsideFacts {
    /// The DIN with its keyboard check character, as printed eye-readable on the label.
    pub fn din_with_check_character(&self) -> Option<String> {
        self.din.map(|din| din.eye_readable())
    }
}

/// The result of a bedside check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BedsideOutcome {
    /// Every reason that applies, ordered by [`BedsideReason`]; empty when the check passes.
    pub findings: Vec<Finding>,
    /// What could be established.
    pub facts: BedsideFacts,
}

impl BedsideOutcome {
    /// Whether the infusion may go ahead.
    pub fn ok(&self) -> bool {
        self.findings.is_empty()
    }

    /// The distinct reasons, in order.
    pub fn reasons(&self) -> Vec<BedsideReason> {
        let reasons: std::collections::BTreeSet<BedsideReason> =
            self.findings.iter().map(|f| f.reason).collect();
        reasons.into_iter().collect()
    }
}
