//! The names and numbers a specification is built from: test codes, units, versions.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::ReleaseError;
use crate::text;
use crate::values::ValueError;

/// A test's code within a specification, e.g. `CD73`, `HLA_DR`, `STERILITY`: 1 to 32 upper-case
/// ASCII letters, digits or underscores, starting with a letter. Input is upper-cased first.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TestCode(String);

impl TestCode {
    /// Parses a code, upper-casing it.
    pub fn parse(raw: &str) -> Result<Self, ReleaseError> {
        let code = raw.trim().to_ascii_uppercase();
        let well_formed = (1..=32).contains(&code.len())
            && code.starts_with(|c: char| c.is_ascii_uppercase())
            && code
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        if well_formed {
            Ok(Self(code))
        } else {
            Err(ReleaseError::InvalidTestCode(raw.to_owned()))
        }
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for TestCode {
    type Error = ReleaseError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<TestCode> for String {
    fn from(code: TestCode) -> Self {
        code.0
    }
}

impl fmt::Display for TestCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A unit of measure as a specification writes it (`%`, `EU/mL`, `x10^6 cells/mL`): 1 to 24
/// characters, none of them unsafe to print ([`text::printable`]), no spaces at either end.
/// Units are compared exactly: a result in `eu/mL` for a test in `EU/mL` is refused rather than
/// guessed at.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TestUnit(String);

impl TestUnit {
    /// Parses a unit.
    pub fn parse(raw: &str) -> Result<Self, ReleaseError> {
        // Checked first, so that the refusal never repeats the unsafe character.
        let unit = text::printable(raw.trim(), "a unit").map_err(ValueError::from)?;
        if (1..=24).contains(&unit.chars().count()) {
            Ok(Self(unit.to_owned()))
        } else {
            Err(ReleaseError::InvalidUnit(raw.to_owned()))
        }
    }

    /// The unit.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for TestUnit {
    type Error = ReleaseError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<TestUnit> for String {
    fn from(unit: TestUnit) -> Self {
        unit.0
    }
}

impl fmt::Display for TestUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A specification's version within its product kind: a whole number from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct SpecVersion(u32);

impl SpecVersion {
    /// Checks that the version is at least 1.
    pub fn new(version: u32) -> Result<Self, ReleaseError> {
        if version >= 1 {
            Ok(Self(version))
        } else {
            Err(ReleaseError::InvalidSpecification(
                "a version is a whole number from 1".to_owned(),
            ))
        }
    }

    /// The number.
    pub fn get(&self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for SpecVersion {
    type Error = ReleaseError;

    fn try_from(version: u32) -> Result<Self, Self::Error> {
        Self::new(version)
    }
}

impl From<SpecVersion> for u32 {
    fn from(version: SpecVersion) -> Self {
        version.0
    }
}

impl fmt::Display for SpecVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}", self.0)
    }
}
