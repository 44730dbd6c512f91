//! The clinical record: patients and their weights, orders, allocation and thaw of units, the
//! bedside check, administration, follow-up (visits, adverse events, outcome summaries), and
//! look-back and recall from a donor, donation, material lot or lot.
//!
//! Patients appear here only by an opaque id and key ([`PatientKey`], e.g. `PAT26-000001`).
//! Names, dates of birth, hospital record numbers and wristband ids live in a redactable table
//! the store writes; the bedside check receives the patient the store found for a scanned
//! wristband, never the wristband itself, and records only that id (or that none was found).
//!
//! Dispatch to the ward and receipt there are the manufacturing custody hand-offs
//! ([`crate::manufacturing::commands::units::dispatch`] and `receive`); nothing here repeats them.
//! Clinical facts about a unit (its allocation, its thaw, its latest bedside check) are kept in
//! their own maps of [`crate::State`], keyed by unit id, so the manufacturing `Unit` is unchanged
//! apart from its status, which administration and recall move.

pub mod administration;
pub mod bedside;
pub mod commands;
mod error;
pub mod events;
pub mod followup;
pub mod lookback;
pub mod measures;
pub mod order;
pub mod patient;
pub mod recall;
pub mod schedule;
pub mod summary;

#[cfg(test)]
mod tests;

pub use administration::{Administration, LatestCheck};
pub use bedside::{
    BedsideFacts, BedsideOutcome, BedsidePolicy, BedsideReason, BedsideScans, Finding, Wristband,
};
pub use error::ClinicalError;
pub use followup::{AdverseEvent, CtcaeGrade, Relatedness, Visit, VisitMeasures};
pub use lookback::{Lookback, LookbackSource, PatientExposure};
pub use order::{Allocation, InfusionSchedule, Order, OrderStatus, Route, Thaw};
pub use patient::{Patient, PatientKey, WeightMeasurement};
pub use recall::Recall;
pub use schedule::{FollowUp, FollowUpState};
