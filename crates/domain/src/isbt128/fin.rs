//! Facility Identification Number (FIN), `αpppp`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::text::{ascii_array, ascii_str, first_not, has_lowercase};

/// A Facility Identification Number: `α` is A-N, P-Z or 1-9 (no letter O, no zero), `pppp` four
/// digits (domain.md: "today all digits"; a FIN with letters in `pppp` is refused).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Fin([u8; 5]);

/// A FIN that breaks its grammar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FinError {
    /// The FIN holds a lowercase letter.
    #[error("ISBT 128 is uppercase: a FIN with lowercase letters is refused")]
    Lowercase,
    /// The FIN is not 5 characters.
    #[error("a FIN is 5 characters, found {found}")]
    WrongLength {
        /// Number of characters found.
        found: usize,
    },
    /// The first character is not A-N, P-Z or 1-9.
    #[error("a FIN starts with A-N, P-Z or 1-9 (no letter O, no zero), found {found:?}")]
    BadFirstCharacter {
        /// The character found.
        found: char,
    },
    /// One of characters 2 to 5 is not a digit.
    #[error("character {position} of a FIN must be a digit, found {found:?}")]
    NotDigit {
        /// 1-based position in the FIN.
        position: usize,
        /// The character found.
        found: char,
    },
}

impl FinError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Lowercase => "FIN_LOWERCASE",
            Self::WrongLength { .. } => "FIN_WRONG_LENGTH",
            Self::BadFirstCharacter { .. } => "FIN_BAD_FIRST_CHARACTER",
            Self::NotDigit { .. } => "FIN_NOT_DIGIT",
        }
    }
}

/// Whether `c` may start a FIN (and so a DIN).
pub(crate) fn is_fin_first_character(c: char) -> bool {
    matches!(c, 'A'..='N' | 'P'..='Z' | '1'..='9')
}

impl Fin {
    /// Parses the 5 characters of a FIN.
    pub fn parse(raw: &str) -> Result<Self, FinError> {
        if has_lowercase(raw) {
            return Err(FinError::Lowercase);
        }
        let chars: Vec<char> = raw.chars().collect();
        Self::from_chars(&chars)
    }

    /// Parses exactly five characters already known to hold no lowercase letter.
    pub(crate) fn from_chars(chars: &[char]) -> Result<Self, FinError> {
        if chars.len() != 5 {
            return Err(FinError::WrongLength { found: chars.len() });
        }
        if !is_fin_first_character(chars[0]) {
            return Err(FinError::BadFirstCharacter { found: chars[0] });
        }
        if let Some((position, found)) = first_not(&chars[1..], 1, |c| c.is_ascii_digit()) {
            return Err(FinError::NotDigit { position, found });
        }
        Ok(Self(ascii_array(chars)))
    }

    /// The FIN at the start of `bytes`, which the caller has already parsed as one.
    pub(crate) fn from_parsed_prefix(bytes: &[u8]) -> Self {
        let mut fin = [0_u8; 5];
        fin.copy_from_slice(&bytes[..5]);
        Self(fin)
    }

    /// The five characters.
    pub fn as_str(&self) -> &str {
        ascii_str(&self.0)
    }

    /// Whether this FIN is one of A9990 to A9999, reserved by ICCBBA for testing and validation.
    pub fn is_reserved_for_testing(&self) -> bool {
        self.0[0] == b'A' && self.0[1..4] == *b"999"
    }
}

impl fmt::Display for Fin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Fin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fin({})", self.as_str())
    }
}

impl FromStr for Fin {
    type Err = FinError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Self::parse(raw)
    }
}

impl TryFrom<String> for Fin {
    type Error = FinError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<Fin> for String {
    fn from(fin: Fin) -> Self {
        fin.as_str().to_owned()
    }
}
