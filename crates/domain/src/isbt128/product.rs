//! Product code `αooootds` (data structure 003 is `=<` followed by it).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::text::{ascii_array, ascii_str, first_not, is_upper_alphanumeric};

/// A product code: `α` product class letter (`S` cellular therapy), `oooo` four digits, `t`
/// type of collection (for example `V` volunteer allogeneic), `ds` division (`00` undivided).
///
/// Only the grammar is checked; which codes exist is installation data. The division's second
/// character may be a lowercase letter, the one place lowercase is accepted: ISBT 128 marks a
/// second-level division that way (`A0` then `Aa`), as the author recalls ST-001; public
/// material consulted here did not confirm it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProductCode([u8; 8]);

/// A product code that breaks its grammar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProductCodeError {
    /// A lowercase letter outside the division's second character.
    #[error(
        "ISBT 128 is uppercase: lowercase is refused in character {position} of a product code"
    )]
    Lowercase {
        /// 1-based position in the product code.
        position: usize,
    },
    /// The product code is not 8 characters.
    #[error("a product code is 8 characters, found {found}")]
    WrongLength {
        /// Characters found.
        found: usize,
    },
    /// The first character is not a letter A-Z.
    #[error("a product code starts with a product class letter A-Z, found {found:?}")]
    BadProductClass {
        /// The character found.
        found: char,
    },
    /// One of characters 2 to 5 is not a digit.
    #[error("character {position} of a product code must be a digit, found {found:?}")]
    NotDigit {
        /// 1-based position in the product code.
        position: usize,
        /// The character found.
        found: char,
    },
    /// The type of collection (character 6) or a division character (7, 8) is not allowed.
    #[error("character {position} of a product code must be 0-9 or A-Z, found {found:?}")]
    BadCharacter {
        /// 1-based position in the product code.
        position: usize,
        /// The character found.
        found: char,
    },
}

impl ProductCodeError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Lowercase { .. } => "PRODUCT_CODE_LOWERCASE",
            Self::WrongLength { .. } => "PRODUCT_CODE_WRONG_LENGTH",
            Self::BadProductClass { .. } => "PRODUCT_CODE_BAD_PRODUCT_CLASS",
            Self::NotDigit { .. } => "PRODUCT_CODE_NOT_DIGIT",
            Self::BadCharacter { .. } => "PRODUCT_CODE_BAD_CHARACTER",
        }
    }
}

/// Checks a product description code `αoooo` (five characters) at `offset` in the caller's input.
pub(crate) fn check_description_code(
    chars: &[char],
    offset: usize,
) -> Result<(), ProductCodeError> {
    if !chars[0].is_ascii_uppercase() {
        return Err(ProductCodeError::BadProductClass { found: chars[0] });
    }
    match first_not(&chars[1..5], offset + 1, |c| c.is_ascii_digit()) {
        Some((position, found)) => Err(ProductCodeError::NotDigit { position, found }),
        None => Ok(()),
    }
}

impl ProductCode {
    /// Parses the 8 characters of a product code (without the `=<` data identifier).
    pub fn parse(raw: &str) -> Result<Self, ProductCodeError> {
        let chars: Vec<char> = raw.chars().collect();
        if let Some(idx) = chars.iter().take(7).position(|c| c.is_ascii_lowercase()) {
            return Err(ProductCodeError::Lowercase { position: idx + 1 });
        }
        if chars.len() != 8 {
            return Err(ProductCodeError::WrongLength { found: chars.len() });
        }
        check_description_code(&chars[..5], 0)?;
        if let Some((position, found)) = first_not(&chars[5..7], 5, is_upper_alphanumeric) {
            return Err(ProductCodeError::BadCharacter { position, found });
        }
        let last = chars[7];
        if !(is_upper_alphanumeric(last) || last.is_ascii_lowercase()) {
            return Err(ProductCodeError::BadCharacter {
                position: 8,
                found: last,
            });
        }
        Ok(Self(ascii_array(&chars)))
    }

    /// The 8 characters.
    pub fn as_str(&self) -> &str {
        ascii_str(&self.0)
    }

    /// The product class letter `α` (`S` for cellular therapy).
    pub fn product_class(&self) -> char {
        char::from(self.0[0])
    }

    /// The product description code `αoooo`, the part the installation's code table describes.
    pub fn description_code(&self) -> &str {
        ascii_str(&self.0[..5])
    }

    /// The type of collection character `t`.
    pub fn collection_type(&self) -> char {
        char::from(self.0[5])
    }

    /// The division `ds`.
    pub fn division(&self) -> &str {
        ascii_str(&self.0[6..])
    }

    /// Whether the division is `00` (not divided).
    pub fn is_undivided(&self) -> bool {
        self.0[6..] == *b"00"
    }
}

impl fmt::Display for ProductCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for ProductCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProductCode({})", self.as_str())
    }
}

impl FromStr for ProductCode {
    type Err = ProductCodeError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Self::parse(raw)
    }
}

impl TryFrom<String> for ProductCode {
    type Error = ProductCodeError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<ProductCode> for String {
    fn from(code: ProductCode) -> Self {
        code.as_str().to_owned()
    }
}
