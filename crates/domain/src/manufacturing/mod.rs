//! The manufacturing record: donors, donations, materials, equipment, lots, steps, deviations,
//! units and their custody.

pub mod commands;
mod deviation;
mod donation;
mod donor;
mod error;
pub mod events;
mod label_warnings;
mod lot;
mod material;
mod step;
mod unit;

#[cfg(test)]
mod tests;

pub use deviation::{Closure, Deviation, Severity};
pub use donation::{ArrivalCondition, DinSource, Donation, Receipt};
pub use donor::{
    Consent, Determination, Donor, DonorKey, EligibilityRequest, EligibilityStatus, MarkerRule,
    ScreeningPolicy, ScreeningResult, ScreeningTest, Withdrawal,
};
pub use error::ManufacturingError;
pub use label_warnings::{LabelWarning, label_warnings};
pub use lot::{CellBankLevel, Lot, LotCode, LotKind, LotStatus};
pub use material::{Equipment, MaterialLot, MaterialQcStatus, ProductDefinition};
pub use step::{Measurement, ProcessingStep, StepKind};
pub use unit::{Container, Custody, LabelFormat, StorageLocation, Unit, UnitStatus};
