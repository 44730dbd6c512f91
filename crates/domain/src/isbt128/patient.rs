//! Patient identification number, data structure 025 (`&#`).
//!
//! Grammar as found in a third-party implementation of ST-001 section 2.4.25: `&#`, then `aa` a
//! two-character location code (ICCBBA table RT018, not interpreted here), `ll` the length of the
//! number as two digits, then the `ll` characters of the number. Our choices, not the standard's:
//! the location code is two of 0-9 or A-Z, the number 1 to 99 characters of 0-9 or A-Z.
//! Errors never repeat the number, which is personal data.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::text::{first_not, has_lowercase, is_upper_alphanumeric};

/// A patient identification number with the location code of the facility that assigned it.
///
/// Its text form (`Display`, serde) is the data content after `&#`: `aa`, `ll`, the number.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PatientId {
    location_code: String,
    number: String,
}

/// A patient identification that breaks its grammar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatientIdError {
    /// The input holds a lowercase letter.
    #[error("ISBT 128 is uppercase: a patient identification with lowercase letters is refused")]
    Lowercase,
    /// The content is shorter than its 4-character header (`aall`).
    #[error("patient identification needs a location code and a length, found {found} characters")]
    TooShort {
        /// Characters found.
        found: usize,
    },
    /// The location code is not two of 0-9 or A-Z.
    #[error("patient location code must be two characters 0-9 or A-Z")]
    BadLocationCode,
    /// The length field is not two digits from 01 to 99.
    #[error("patient number length must be two digits from 01 to 99")]
    BadLengthField,
    /// The number's length differs from the length field.
    #[error("patient number length field says {declared}, found {found} characters")]
    LengthMismatch {
        /// The length the field declares.
        declared: usize,
        /// Characters found.
        found: usize,
    },
    /// The number is empty or longer than 99 characters.
    #[error("patient number must be 1 to 99 characters, found {found}")]
    BadNumberLength {
        /// Characters found.
        found: usize,
    },
    /// A character of the number is not 0-9 or A-Z (the character is not repeated).
    #[error("character {position} of the patient number must be 0-9 or A-Z")]
    BadCharacter {
        /// 1-based position in the number.
        position: usize,
    },
}

impl PatientIdError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Lowercase => "PATIENT_ID_LOWERCASE",
            Self::TooShort { .. } => "PATIENT_ID_TOO_SHORT",
            Self::BadLocationCode => "PATIENT_ID_BAD_LOCATION_CODE",
            Self::BadLengthField => "PATIENT_ID_BAD_LENGTH_FIELD",
            Self::LengthMismatch { .. } => "PATIENT_ID_LENGTH_MISMATCH",
            Self::BadNumberLength { .. } => "PATIENT_ID_BAD_NUMBER_LENGTH",
            Self::BadCharacter { .. } => "PATIENT_ID_BAD_CHARACTER",
        }
    }
}

impl PatientId {
    /// A patient identification from its location code and number.
    pub fn new(location_code: &str, number: &str) -> Result<Self, PatientIdError> {
        if has_lowercase(location_code) || has_lowercase(number) {
            return Err(PatientIdError::Lowercase);
        }
        let location: Vec<char> = location_code.chars().collect();
        if location.len() != 2 || !location.iter().all(|c| is_upper_alphanumeric(*c)) {
            return Err(PatientIdError::BadLocationCode);
        }
        let digits: Vec<char> = number.chars().collect();
        if !(1..=99).contains(&digits.len()) {
            return Err(PatientIdError::BadNumberLength {
                found: digits.len(),
            });
        }
        if let Some((position, _)) = first_not(&digits, 0, is_upper_alphanumeric) {
            return Err(PatientIdError::BadCharacter { position });
        }
        Ok(Self {
            location_code: location_code.to_owned(),
            number: number.to_owned(),
        })
    }

    /// Parses the data content after `&#`: `aa`, `ll`, then the `ll` characters of the number.
    pub fn parse(content: &str) -> Result<Self, PatientIdError> {
        if has_lowercase(content) {
            return Err(PatientIdError::Lowercase);
        }
        let chars: Vec<char> = content.chars().collect();
        if chars.len() < 4 {
            return Err(PatientIdError::TooShort { found: chars.len() });
        }
        let declared = Self::declared_length(&chars[2..4])?;
        let found = chars.len() - 4;
        if found != declared {
            return Err(PatientIdError::LengthMismatch { declared, found });
        }
        let location_code: String = chars[..2].iter().collect();
        let number: String = chars[4..].iter().collect();
        Self::new(&location_code, &number)
    }

    /// The number of characters a length field `ll` declares, 1 to 99.
    pub(crate) fn declared_length(field: &[char]) -> Result<usize, PatientIdError> {
        match field {
            [tens, units] if tens.is_ascii_digit() && units.is_ascii_digit() => {
                let length = tens.to_digit(10).unwrap_or(0) * 10 + units.to_digit(10).unwrap_or(0);
                if length == 0 {
                    Err(PatientIdError::BadLengthField)
                } else {
                    Ok(usize::try_from(length).unwrap_or(0))
                }
            }
            _ => Err(PatientIdError::BadLengthField),
        }
    }

    /// The location code `aa` (table RT018), uninterpreted.
    pub fn location_code(&self) -> &str {
        &self.location_code
    }

    /// The patient identification number.
    pub fn number(&self) -> &str {
        &self.number
    }
}

/// The data content: location code, two-digit length, number.
impl fmt::Display for PatientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{:02}{}",
            self.location_code,
            self.number.len(),
            self.number
        )
    }
}

/// Shows the location code only: the number is personal data and stays out of logs.
impl fmt::Debug for PatientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PatientId({}, <redacted>)", self.location_code)
    }
}

impl FromStr for PatientId {
    type Err = PatientIdError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Self::parse(raw)
    }
}

impl TryFrom<String> for PatientId {
    type Error = PatientIdError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<PatientId> for String {
    fn from(patient: PatientId) -> Self {
        patient.to_string()
    }
}
