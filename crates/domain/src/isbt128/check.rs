//! ISO/IEC 7064 MOD 37-2, the keyboard check character of a DIN and the basis of its type 3 flag.
//!
//! The data characters are `0`-`9` and `A`-`Z`, valued 0 to 35; the check character may also be
//! `*` (value 36). Starting from s = 0, each character c gives s = ((s + v(c)) * 2) mod 37; the
//! check value is K = (38 - s) mod 37 and the check character is the alphabet's K-th character.
//!
//! Worked by hand for the test DIN `A999926000001`:
//!
//! ```text
//! char  value  s
//!  A     10    ( 0 + 10) * 2 mod 37 = 20
//!  9      9    (20 +  9) * 2 mod 37 = 21
//!  9      9    (21 +  9) * 2 mod 37 = 23
//!  9      9    (23 +  9) * 2 mod 37 = 27
//!  9      9    (27 +  9) * 2 mod 37 = 35
//!  2      2    (35 +  2) * 2 mod 37 =  0
//!  6      6    ( 0 +  6) * 2 mod 37 = 12
//!  0      0    (12 +  0) * 2 mod 37 = 24
//!  0      0    (24 +  0) * 2 mod 37 = 11
//!  0      0    (11 +  0) * 2 mod 37 = 22
//!  0      0    (22 +  0) * 2 mod 37 =  7
//!  0      0    ( 7 +  0) * 2 mod 37 = 14
//!  1      1    (14 +  1) * 2 mod 37 = 30
//! K = (38 - 30) mod 37 = 8: check character `8`, type 3 flag 68.
//! ```
//!
//! Further vectors (computed the same way, used in the tests): `G123417654321` -> `A` (the
//! published ST-001 example), `A999926000002` -> `6`, `A999926000005` -> `0`,
//! `A999926000088` -> `*`, `A999926000389` -> `A`, `A999926999999` -> `N`.

use std::fmt;

/// The 37 characters of MOD 37-2; a character's value is its index.
const ALPHABET: &[u8; 37] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*";

/// A MOD 37-2 check value, 0 to 36; the type 3 DIN flag is 60 plus this value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CheckValue(u8);

impl CheckValue {
    /// The check value `value`, or `None` past 36.
    pub const fn new(value: u8) -> Option<Self> {
        if value <= 36 { Some(Self(value)) } else { None }
    }

    /// The check value of a check character (`0`-`9`, `A`-`Z` or `*`), or `None` for any other.
    pub fn from_character(c: char) -> Option<Self> {
        ALPHABET
            .iter()
            .position(|a| char::from(*a) == c)
            .and_then(|idx| u8::try_from(idx).ok())
            .map(Self)
    }

    /// The value, 0 to 36.
    pub const fn value(self) -> u8 {
        self.0
    }

    /// The check character printed (boxed) after the eye-readable DIN.
    pub fn character(self) -> char {
        char::from(ALPHABET[usize::from(self.0)])
    }
}

impl fmt::Display for CheckValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.character())
    }
}

/// Data that MOD 37-2 cannot be computed over.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    /// There are no characters.
    #[error("no characters to compute a check character over")]
    Empty,
    /// A character is not `0`-`9` or `A`-`Z` (lowercase included).
    #[error("character {position} ({found:?}) is not 0-9 or A-Z")]
    InvalidCharacter {
        /// 1-based position in the data.
        position: usize,
        /// The character found.
        found: char,
    },
}

impl CheckError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "CHECK_EMPTY",
            Self::InvalidCharacter { .. } => "CHECK_INVALID_CHARACTER",
        }
    }
}

/// The value of a data character, `0`-`9` or `A`-`Z`.
pub(crate) fn data_value(c: char) -> Option<u8> {
    match c {
        '0'..='9' | 'A'..='Z' => CheckValue::from_character(c).map(CheckValue::value),
        _ => None,
    }
}

/// MOD 37-2 over values already in 0..=35.
pub(crate) fn check_value_of(values: impl IntoIterator<Item = u8>) -> CheckValue {
    let sum = values
        .into_iter()
        .fold(0_u32, |s, v| ((s + u32::from(v)) * 2) % 37);
    // (38 - sum) % 37 is at most 36, so the conversion cannot fail.
    CheckValue(u8::try_from((38 - sum) % 37).unwrap_or(0))
}

/// The MOD 37-2 check value (0 to 36) of `data` (`0`-`9`, `A`-`Z`).
pub fn mod37_2_check_value(data: &str) -> Result<CheckValue, CheckError> {
    if data.is_empty() {
        return Err(CheckError::Empty);
    }
    let mut values = Vec::with_capacity(data.len());
    for (idx, c) in data.chars().enumerate() {
        let value = data_value(c).ok_or(CheckError::InvalidCharacter {
            position: idx + 1,
            found: c,
        })?;
        values.push(value);
    }
    Ok(check_value_of(values))
}

/// The MOD 37-2 check character of `data` (`0`-`9`, `A`-`Z`): `G123417654321` gives `A`.
pub fn mod37_2_check(data: &str) -> Result<char, CheckError> {
    mod37_2_check_value(data).map(CheckValue::character)
}
