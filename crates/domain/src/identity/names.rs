//! Usernames and printed names.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::text::{self, UnsafeCharacter};

/// A login name: 3 to 64 characters, lowercase ASCII letters, digits, `.`, `_` or `-`, starting
/// with a letter. Lowercase only, so two accounts cannot differ by case alone.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);

/// A name that breaks its grammar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// The username does not match its grammar.
    #[error(
        "username must be 3 to 64 characters of a-z, 0-9, `.`, `_` or `-`, starting with a letter"
    )]
    BadUsername,
    /// The printed name is empty or too long.
    #[error("printed name must be 1 to 200 characters")]
    BadPrintedName,
    /// The printed name holds a character that must not be printed for people (see
    /// [`text`]).
    #[error(transparent)]
    UnsafeCharacter(#[from] UnsafeCharacter),
}

impl NameError {
    /// The reason code clients see.
    pub fn code(&self) -> &'static str {
        match self {
            NameError::BadUsername => "BAD_USERNAME",
            NameError::BadPrintedName => "BAD_PRINTED_NAME",
            NameError::UnsafeCharacter(error) => error.code(),
        }
    }
}

impl Username {
    /// Parses a username.
    pub fn parse(raw: &str) -> Result<Self, NameError> {
        let valid_length = (3..=64).contains(&raw.len());
        let starts_with_letter = raw.chars().next().is_some_and(|c| c.is_ascii_lowercase());
        let valid_chars = raw
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
        if valid_length && starts_with_letter && valid_chars {
            Ok(Self(raw.to_owned()))
        } else {
            Err(NameError::BadUsername)
        }
    }

    /// The username.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Username {
    type Error = NameError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<Username> for String {
    fn from(name: Username) -> Self {
        name.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The name printed in signature manifestations (21 CFR 11.50(a)(1)), trimmed: 1 to 200
/// characters, none of them a control, bidirectional, invisible, noncharacter or private-use
/// character ([`text::printable`]), so that the name a signature shows is the name it reads.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PrintedName(String);

impl PrintedName {
    /// Parses a printed name.
    pub fn parse(raw: &str) -> Result<Self, NameError> {
        let trimmed = text::printable(raw.trim(), "the printed name")?;
        if (1..=200).contains(&trimmed.chars().count()) {
            Ok(Self(trimmed.to_owned()))
        } else {
            Err(NameError::BadPrintedName)
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PrintedName {
    type Error = NameError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<PrintedName> for String {
    fn from(name: PrintedName) -> Self {
        name.0
    }
}

impl fmt::Display for PrintedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        let cases = [
            ("qa.lead", true),
            ("tech-01", true),
            ("ab", false),
            ("1tech", false),
            ("Tech", false),
            ("tech lead", false),
            ("", false),
        ];
        for (raw, valid) in cases {
            assert_eq!(Username::parse(raw).is_ok(), valid, "{raw:?}");
        }
    }

    #[test]
    fn printed_names_are_trimmed_and_bounded() {
        assert_eq!(
            PrintedName::parse("  Ada Tester ").unwrap().as_str(),
            "Ada Tester"
        );
        assert!(PrintedName::parse("   ").is_err());
        assert!(PrintedName::parse("Ada\nTester").is_err());
        assert_eq!(
            PrintedName::parse(&"x".repeat(201)),
            Err(NameError::BadPrintedName)
        );
        for name in ["Zoë Ångström", "李小龙", "محمد", "Siobhán Ní Bhriain"] {
            assert_eq!(
                PrintedName::parse(name).map(String::from),
                Ok(name.to_owned())
            );
        }
    }

    #[test]
    fn printed_names_refuse_characters_that_spoof_a_signature() {
        let cases = [
            ("Ada \u{202e}retseT", "U+202E RIGHT-TO-LEFT OVERRIDE"),
            ("Ada\u{2067} Tester", "U+2067 RIGHT-TO-LEFT ISOLATE"),
            ("Ada\u{200b} Tester", "U+200B ZERO WIDTH SPACE"),
            ("Ada\u{200c}Tester", "U+200C ZERO WIDTH NON-JOINER"),
            ("\u{feff}Ada Tester", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
            ("Ada Tester\u{f8ff}", "U+F8FF (a private-use character)"),
            ("Ada\u{ffff}", "U+FFFF (a noncharacter)"),
            ("Ada\u{7}", "U+0007 BELL"),
        ];
        for (raw, shown) in cases {
            let error = PrintedName::parse(raw).expect_err(raw);
            assert_eq!(error.code(), "UNSAFE_CHARACTER", "{raw:?}");
            assert_eq!(
                error.to_string(),
                format!("the printed name contains {shown}, which is not allowed")
            );
        }
    }
}
