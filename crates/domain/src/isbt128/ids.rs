//! Fixed-length identifiers read grammar-light: staff member (`='`, data structure 020),
//! processor product identification code (`=/`, 034) and chain of identity identifier (`&/`,
//! ST-028). Each is held as its data content, the characters after the data identifier.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::fin::{Fin, FinError};
use super::product::{ProductCodeError, check_description_code};
use super::text::{
    ascii_array, ascii_str, digits_value, first_not, has_lowercase, is_upper_alphanumeric,
};

/// Implements the text conversions shared by the fixed-length identifiers of this file.
macro_rules! text_identifier {
    ($name:ident, $error:ty) => {
        impl $name {
            /// The data content.
            pub fn as_str(&self) -> &str {
                ascii_str(&self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = $error;

            fn from_str(raw: &str) -> Result<Self, Self::Err> {
                Self::parse(raw)
            }
        }

        impl TryFrom<String> for $name {
            type Error = $error;

            fn try_from(raw: String) -> Result<Self, Self::Error> {
                Self::parse(&raw)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> Self {
                id.as_str().to_owned()
            }
        }
    };
}

/// Reads `raw` as exactly `N` characters with no lowercase letter.
fn exact_chars<const N: usize>(raw: &str) -> Result<Vec<char>, (bool, usize)> {
    if has_lowercase(raw) {
        return Err((true, 0));
    }
    let chars: Vec<char> = raw.chars().collect();
    if chars.len() == N {
        Ok(chars)
    } else {
        Err((false, chars.len()))
    }
}

/// A staff member identification: the FIN of the facility, then six characters 0-9 or A-Z.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StaffId([u8; 11]);

/// A staff member identification that breaks its grammar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StaffIdError {
    /// The input holds a lowercase letter.
    #[error("ISBT 128 is uppercase: a staff identification with lowercase letters is refused")]
    Lowercase,
    /// The content is not 11 characters.
    #[error("a staff identification is 11 characters (FIN and 6), found {found}")]
    WrongLength {
        /// Characters found.
        found: usize,
    },
    /// The FIN part is malformed.
    #[error("bad FIN in staff identification: {0}")]
    Fin(#[from] FinError),
    /// A staff number character is not 0-9 or A-Z.
    #[error("character {position} of a staff identification must be 0-9 or A-Z, found {found:?}")]
    BadCharacter {
        /// 1-based position in the content.
        position: usize,
        /// The character found.
        found: char,
    },
}

impl StaffIdError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Lowercase => "STAFF_ID_LOWERCASE",
            Self::WrongLength { .. } => "STAFF_ID_WRONG_LENGTH",
            Self::Fin(inner) => inner.code(),
            Self::BadCharacter { .. } => "STAFF_ID_BAD_CHARACTER",
        }
    }
}

impl StaffId {
    /// Parses the 11 characters after `='`.
    pub fn parse(raw: &str) -> Result<Self, StaffIdError> {
        let chars = exact_chars::<11>(raw).map_err(|(lowercase, found)| {
            if lowercase {
                StaffIdError::Lowercase
            } else {
                StaffIdError::WrongLength { found }
            }
        })?;
        Fin::from_chars(&chars[..5])?;
        if let Some((position, found)) = first_not(&chars[5..], 5, is_upper_alphanumeric) {
            return Err(StaffIdError::BadCharacter { position, found });
        }
        Ok(Self(ascii_array(&chars)))
    }

    /// The FIN of the facility that assigned the identification.
    pub fn fin(&self) -> Fin {
        Fin::from_parsed_prefix(&self.0)
    }

    /// The six-character staff number.
    pub fn staff_number(&self) -> &str {
        ascii_str(&self.0[5..])
    }
}

text_identifier!(StaffId, StaffIdError);

/// A processor product identification code (PPIC): FIN of the processor, a six-character
/// facility-defined product code (0-9, A-Z), and a product description code `αoooo`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProcessorProductId([u8; 16]);

/// A processor product identification code that breaks its grammar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProcessorProductIdError {
    /// The input holds a lowercase letter.
    #[error("ISBT 128 is uppercase: a processor product code with lowercase letters is refused")]
    Lowercase,
    /// The content is not 16 characters.
    #[error("a processor product identification code is 16 characters, found {found}")]
    WrongLength {
        /// Characters found.
        found: usize,
    },
    /// The FIN part is malformed.
    #[error("bad FIN in processor product identification code: {0}")]
    Fin(#[from] FinError),
    /// A facility-defined product code character is not 0-9 or A-Z.
    #[error("character {position} of a processor product code must be 0-9 or A-Z, found {found:?}")]
    BadCharacter {
        /// 1-based position in the content.
        position: usize,
        /// The character found.
        found: char,
    },
    /// The product description code (characters 12 to 16) is malformed.
    #[error("bad product description code: {0}")]
    DescriptionCode(#[from] ProductCodeError),
}

impl ProcessorProductIdError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Lowercase => "PPIC_LOWERCASE",
            Self::WrongLength { .. } => "PPIC_WRONG_LENGTH",
            Self::Fin(inner) => inner.code(),
            Self::BadCharacter { .. } => "PPIC_BAD_CHARACTER",
            Self::DescriptionCode(inner) => inner.code(),
        }
    }
}

impl ProcessorProductId {
    /// Parses the 16 characters after `=/`.
    pub fn parse(raw: &str) -> Result<Self, ProcessorProductIdError> {
        let chars = exact_chars::<16>(raw).map_err(|(lowercase, found)| {
            if lowercase {
                ProcessorProductIdError::Lowercase
            } else {
                ProcessorProductIdError::WrongLength { found }
            }
        })?;
        Fin::from_chars(&chars[..5])?;
        if let Some((position, found)) = first_not(&chars[5..11], 5, is_upper_alphanumeric) {
            return Err(ProcessorProductIdError::BadCharacter { position, found });
        }
        check_description_code(&chars[11..], 11)?;
        Ok(Self(ascii_array(&chars)))
    }

    /// The FIN of the processor.
    pub fn fin(&self) -> Fin {
        Fin::from_parsed_prefix(&self.0)
    }

    /// The facility-defined product code.
    pub fn facility_product_code(&self) -> &str {
        ascii_str(&self.0[5..11])
    }

    /// The product description code `αoooo`.
    pub fn description_code(&self) -> &str {
        ascii_str(&self.0[11..])
    }
}

text_identifier!(ProcessorProductId, ProcessorProductIdError);

/// A Chain of Identity Identifier (ST-028): `CH`, the FIN, a two-digit year, six digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ChainOfIdentityId([u8; 15]);

/// A chain of identity identifier that breaks its grammar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainOfIdentityError {
    /// The input holds a lowercase letter.
    #[error(
        "ISBT 128 is uppercase: a chain of identity identifier with lowercase letters is refused"
    )]
    Lowercase,
    /// The content is not 15 characters.
    #[error("a chain of identity identifier is 15 characters, found {found}")]
    WrongLength {
        /// Characters found.
        found: usize,
    },
    /// The content does not start with `CH`.
    #[error("a chain of identity identifier starts with CH")]
    MissingPrefix,
    /// The FIN part is malformed.
    #[error("bad FIN in chain of identity identifier: {0}")]
    Fin(#[from] FinError),
    /// A year or sequence character is not a digit.
    #[error(
        "character {position} of a chain of identity identifier must be a digit, found {found:?}"
    )]
    NotDigit {
        /// 1-based position in the content.
        position: usize,
        /// The character found.
        found: char,
    },
}

impl ChainOfIdentityError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Lowercase => "COI_LOWERCASE",
            Self::WrongLength { .. } => "COI_WRONG_LENGTH",
            Self::MissingPrefix => "COI_MISSING_PREFIX",
            Self::Fin(inner) => inner.code(),
            Self::NotDigit { .. } => "COI_NOT_DIGIT",
        }
    }
}

impl ChainOfIdentityId {
    /// Parses the 15 characters after `&/`. Any six digits are accepted as the sequence
    /// (ST-028 was not consulted on whether `000000` is allowed).
    pub fn parse(raw: &str) -> Result<Self, ChainOfIdentityError> {
        let chars = exact_chars::<15>(raw).map_err(|(lowercase, found)| {
            if lowercase {
                ChainOfIdentityError::Lowercase
            } else {
                ChainOfIdentityError::WrongLength { found }
            }
        })?;
        if chars[..2] != ['C', 'H'] {
            return Err(ChainOfIdentityError::MissingPrefix);
        }
        Fin::from_chars(&chars[2..7])?;
        if let Some((position, found)) = first_not(&chars[7..], 7, |c| c.is_ascii_digit()) {
            return Err(ChainOfIdentityError::NotDigit { position, found });
        }
        Ok(Self(ascii_array(&chars)))
    }

    /// The FIN of the facility that assigned the identifier.
    pub fn fin(&self) -> Fin {
        Fin::from_parsed_prefix(&self.0[2..])
    }

    /// The two-digit year, 0 to 99.
    pub fn year_2digit(&self) -> u8 {
        let year: Vec<char> = self.as_str().chars().skip(7).take(2).collect();
        u8::try_from(digits_value(&year)).unwrap_or(u8::MAX)
    }

    /// The six-digit sequence.
    pub fn sequence(&self) -> u32 {
        let sequence: Vec<char> = self.as_str().chars().skip(9).collect();
        digits_value(&sequence)
    }
}

text_identifier!(ChainOfIdentityId, ChainOfIdentityError);
