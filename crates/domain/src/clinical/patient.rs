//! Patients, known to the domain only by an opaque id and key, and their body weights.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ids::{PatientId, UserId};
use crate::redaction::Redaction;
use crate::time::Timestamp;
use crate::values::Kilograms;

/// The opaque key printed on forms instead of a name (21 CFR 1271.290(c)), e.g. `PAT26-000001`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PatientKey(String);

impl PatientKey {
    /// The key for the `sequence`-th patient registered in year `year_2digit`.
    pub fn new(year_2digit: u8, sequence: u32) -> Self {
        Self(format!("PAT{year_2digit:02}-{sequence:06}"))
    }

    /// Reads a stored key back.
    pub fn from_stored(key: String) -> Self {
        Self(key)
    }

    /// The prefix shared by keys of year `year_2digit`, for finding the last one.
    pub fn prefix(year_2digit: u8) -> String {
        format!("PAT{year_2digit:02}-")
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PatientKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One body weight, on the date it was measured.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeightMeasurement {
    /// The weight.
    pub weight: Kilograms,
    /// The date it was measured (the ward's date).
    pub measured_on: NaiveDate,
    /// Who recorded it.
    pub recorded_by: UserId,
    /// When it was recorded.
    pub recorded_at: Timestamp,
}

/// A patient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Patient {
    /// Identity.
    pub id: PatientId,
    /// The opaque key.
    pub key: PatientKey,
    /// Weights, in the order recorded.
    pub weights: Vec<WeightMeasurement>,
    /// When the patient was registered.
    pub registered_at: Timestamp,
    /// Set once the personal data is redacted; the patient and their record stay.
    pub personal_data_redaction: Option<Redaction>,
}

impl Patient {
    /// The most recently measured weight; of two on one date, the one recorded last (a
    /// re-weighing replaces a doubtful value without erasing it).
    pub fn latest_weight(&self) -> Option<&WeightMeasurement> {
        // `max_by_key` returns the last of equal maxima, which is the later recording.
        self.weights.iter().max_by_key(|w| w.measured_on)
    }

    /// The latest weight measured on or before `date`.
    pub fn weight_on(&self, date: NaiveDate) -> Option<&WeightMeasurement> {
        self.weights
            .iter()
            .filter(|w| w.measured_on <= date)
            .max_by_key(|w| w.measured_on)
    }
}
