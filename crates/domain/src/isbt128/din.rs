//! Donation Identification Number (DIN), `αppppyynnnnnn`, and its three textual forms: the 13
//! stored characters, the 14 typed characters (with the check character) and the 16 scanned
//! characters of data structure 001 (`=` + DIN + flag).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::check::{CheckValue, check_value_of, data_value};
use super::fin::{Fin, FinError};
use super::flag::{Flag, FlagError};
use super::text::{digits_value, first_not, has_lowercase};

/// Highest sequence number within a year for one FIN.
const MAX_SEQUENCE: u32 = 999_999;

/// A Donation Identification Number: FIN, two-digit year of assignment, sequence 1 to 999999.
///
/// Serialized as its 13 characters and deserialized through [`Din::parse`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Din {
    fin: Fin,
    year: u8,
    sequence: u32,
}

/// A DIN that cannot be built or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DinError {
    /// The input holds a lowercase letter.
    #[error("ISBT 128 is uppercase: a DIN with lowercase letters is refused")]
    Lowercase,
    /// The input has the wrong number of characters for its form.
    #[error("expected {expected} characters, found {found}")]
    WrongLength {
        /// Characters expected for this form.
        expected: usize,
        /// Characters found.
        found: usize,
    },
    /// The FIN part is malformed.
    #[error("bad FIN in DIN: {0}")]
    Fin(#[from] FinError),
    /// A year or sequence character is not a digit.
    #[error("character {position} of the DIN must be a digit, found {found:?}")]
    NotDigit {
        /// 1-based position in the input.
        position: usize,
        /// The character found.
        found: char,
    },
    /// The year is not two digits.
    #[error("year of assignment must be 0 to 99, found {year}")]
    BadYear {
        /// The year given.
        year: u8,
    },
    /// The sequence is 0 or above 999999.
    #[error("sequence must be 1 to 999999, found {sequence}")]
    BadSequence {
        /// The sequence given.
        sequence: u32,
    },
    /// Every sequence number of the year is already assigned.
    #[error("all 999999 sequence numbers of year {year:02} for FIN {fin} are assigned")]
    SequenceExhausted {
        /// The FIN whose numbers ran out.
        fin: Fin,
        /// The year whose numbers ran out.
        year: u8,
    },
    /// The typed check character does not match the 13 characters: a typing error.
    #[error(
        "check character {found:?} does not match the DIN (expected {expected:?}): re-enter it"
    )]
    BadCheckCharacter {
        /// The check character the 13 characters give.
        expected: char,
        /// The check character typed.
        found: char,
    },
    /// The spaced form was used with spaces in the wrong places.
    #[error("a spaced DIN reads `A9999 26 000001 K` (single spaces after characters 5, 7 and 13)")]
    BadSpacing,
    /// Scanned data does not start with `=`.
    #[error("scanned DIN data must start with '=', found {found:?}")]
    MissingDataIdentifier {
        /// The first character found.
        found: char,
    },
    /// The flag characters are not a known flag.
    #[error("bad flag: {0}")]
    Flag(#[from] FlagError),
    /// A type 3 flag does not match the DIN: the label or the scan is corrupt.
    #[error("type 3 flag {found:02} does not match the DIN (expected {expected:02})")]
    FlagMismatch {
        /// The flag the DIN's check value gives.
        expected: u8,
        /// The flag found.
        found: u8,
    },
}

impl DinError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Lowercase => "DIN_LOWERCASE",
            Self::WrongLength { .. } => "DIN_WRONG_LENGTH",
            Self::Fin(inner) => inner.code(),
            Self::NotDigit { .. } => "DIN_NOT_DIGIT",
            Self::BadYear { .. } => "DIN_BAD_YEAR",
            Self::BadSequence { .. } => "DIN_BAD_SEQUENCE",
            Self::SequenceExhausted { .. } => "DIN_SEQUENCE_EXHAUSTED",
            Self::BadCheckCharacter { .. } => "DIN_BAD_CHECK_CHARACTER",
            Self::BadSpacing => "DIN_BAD_SPACING",
            Self::MissingDataIdentifier { .. } => "DIN_MISSING_DATA_IDENTIFIER",
            Self::Flag(inner) => inner.code(),
            Self::FlagMismatch { .. } => "DIN_FLAG_MISMATCH",
        }
    }
}

impl Din {
    /// A DIN from its parts: `year_2digit` 0 to 99, `sequence` 1 to 999999.
    pub fn new(fin: Fin, year_2digit: u8, sequence: u32) -> Result<Self, DinError> {
        if year_2digit > 99 {
            return Err(DinError::BadYear { year: year_2digit });
        }
        if !(1..=MAX_SEQUENCE).contains(&sequence) {
            return Err(DinError::BadSequence { sequence });
        }
        Ok(Self {
            fin,
            year: year_2digit,
            sequence,
        })
    }

    /// Assigns the DIN numbered `next_sequence` (from 1) for `fin` in `year_2digit`, and returns
    /// it with the sequence to store for the next assignment. Past 999999 the year's numbers are
    /// exhausted and assignment is refused rather than wrapped.
    pub fn assign(fin: Fin, year_2digit: u8, next_sequence: u32) -> Result<(Self, u32), DinError> {
        if next_sequence > MAX_SEQUENCE {
            return Err(DinError::SequenceExhausted {
                fin,
                year: year_2digit,
            });
        }
        let din = Self::new(fin, year_2digit, next_sequence)?;
        Ok((din, next_sequence + 1))
    }

    /// Parses the 13 characters of a stored DIN (no check character, no flag). Operator input
    /// goes through [`Din::parse_typed`] or [`Din::parse_scanned`], which catch typing and
    /// reading errors.
    pub fn parse(raw: &str) -> Result<Self, DinError> {
        if has_lowercase(raw) {
            return Err(DinError::Lowercase);
        }
        let chars: Vec<char> = raw.chars().collect();
        Self::from_chars(&chars, 0)
    }

    /// Parses a DIN typed from the eye-readable label: the 13 characters then the check
    /// character, either contiguous (`A9999260000018`) or spaced as printed on the label
    /// (`A9999 26 000001 8`, single spaces in exactly those three places; flags are never typed).
    /// Leading and trailing whitespace is ignored. The check character must match.
    pub fn parse_typed(raw: &str) -> Result<Self, DinError> {
        let trimmed = raw.trim();
        if has_lowercase(trimmed) {
            return Err(DinError::Lowercase);
        }
        let mut chars: Vec<char> = trimmed.chars().collect();
        if chars.contains(&' ') {
            let spaced = chars.len() == 17 && [5, 8, 15].iter().all(|idx| chars[*idx] == ' ');
            if !spaced || chars.iter().filter(|c| **c == ' ').count() != 3 {
                return Err(DinError::BadSpacing);
            }
            chars.retain(|c| *c != ' ');
        }
        if chars.len() != 14 {
            return Err(DinError::WrongLength {
                expected: 14,
                found: chars.len(),
            });
        }
        let din = Self::from_chars(&chars[..13], 0)?;
        let expected = din.check_character();
        let found = chars[13];
        if found != expected {
            return Err(DinError::BadCheckCharacter { expected, found });
        }
        Ok(din)
    }

    /// Parses data structure 001 as scanned: `=`, the 13 characters, two flag characters.
    /// A type 3 flag (60-96) must equal 60 plus the DIN's check value. Leading and trailing
    /// whitespace is ignored.
    pub fn parse_scanned(raw: &str) -> Result<(Self, Flag), DinError> {
        let trimmed = raw.trim();
        if has_lowercase(trimmed) {
            return Err(DinError::Lowercase);
        }
        let chars: Vec<char> = trimmed.chars().collect();
        if chars.len() != 16 {
            return Err(DinError::WrongLength {
                expected: 16,
                found: chars.len(),
            });
        }
        if chars[0] != '=' {
            return Err(DinError::MissingDataIdentifier { found: chars[0] });
        }
        let din = Self::from_chars(&chars[1..14], 1)?;
        let flag_text: String = chars[14..].iter().collect();
        let flag = Flag::parse(&flag_text)?;
        if let Flag::CheckValue(found) = flag
            && found != din.check_value()
        {
            return Err(DinError::FlagMismatch {
                expected: 60 + din.check_value().value(),
                found: 60 + found.value(),
            });
        }
        Ok((din, flag))
    }

    /// Parses 13 characters known to hold no lowercase letter; `offset` shifts error positions.
    fn from_chars(chars: &[char], offset: usize) -> Result<Self, DinError> {
        if chars.len() != 13 {
            return Err(DinError::WrongLength {
                expected: 13,
                found: chars.len(),
            });
        }
        let fin = Fin::from_chars(&chars[..5])?;
        if let Some((position, found)) = first_not(&chars[5..], offset + 5, |c| c.is_ascii_digit())
        {
            return Err(DinError::NotDigit { position, found });
        }
        let year = u8::try_from(digits_value(&chars[5..7])).unwrap_or(u8::MAX);
        Self::new(fin, year, digits_value(&chars[7..]))
    }

    /// The Facility Identification Number.
    pub fn fin(&self) -> Fin {
        self.fin
    }

    /// The two-digit year of assignment, 0 to 99.
    pub fn year_2digit(&self) -> u8 {
        self.year
    }

    /// The sequence within the year for the FIN, 1 to 999999.
    pub fn sequence(&self) -> u32 {
        self.sequence
    }

    /// The MOD 37-2 check value of the 13 characters.
    pub fn check_value(&self) -> CheckValue {
        // Every character of a parsed DIN is 0-9 or A-Z, so each has a value.
        check_value_of(self.to_string().chars().filter_map(data_value))
    }

    /// The keyboard check character printed after the eye-readable DIN.
    pub fn check_character(&self) -> char {
        self.check_value().character()
    }

    /// The type 3 flag of this DIN (60 plus its check value).
    pub fn type3_flag(&self) -> Flag {
        Flag::CheckValue(self.check_value())
    }

    /// The 13 characters followed by the check character, as typed from the label.
    pub fn eye_readable(&self) -> String {
        format!("{self}{}", self.check_character())
    }

    /// Data structure 001 for a barcode: `=`, the 13 characters, the flag. A type 3 flag that
    /// does not belong to this DIN is refused.
    pub fn barcode_data(&self, flag: Flag) -> Result<String, DinError> {
        if let Flag::CheckValue(check) = flag
            && check != self.check_value()
        {
            return Err(DinError::FlagMismatch {
                expected: 60 + self.check_value().value(),
                found: 60 + check.value(),
            });
        }
        Ok(format!("={self}{flag}"))
    }
}

/// The 13 characters, for example `A999926000001`.
impl fmt::Display for Din {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{:02}{:06}", self.fin, self.year, self.sequence)
    }
}

impl fmt::Debug for Din {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Din({self})")
    }
}

impl FromStr for Din {
    type Err = DinError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Self::parse(raw)
    }
}

impl TryFrom<String> for Din {
    type Error = DinError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<Din> for String {
    fn from(din: Din) -> Self {
        din.to_string()
    }
}
