//! Usernames and printed names.

use std::fmt;

use serde::{Deserialize, Serialize};

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
    /// The printed name is empty, too long or has control characters.
    #[error("printed name must be 1 to 200 characters with no control characters")]
    BadPrintedName,
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

/// The name printed in signature manifestations (21 CFR 11.50(a)(1)), trimmed.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PrintedName(String);

impl PrintedName {
    /// Parses a printed name.
    pub fn parse(raw: &str) -> Result<Self, NameError> {
        let trimmed = raw.trim();
        let length = trimmed.chars().count();
        if (1..=200).contains(&length) && !trimmed.chars().any(char::is_control) {
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
        assert!(PrintedName::parse(&"x".repeat(201)).is_err());
    }
}
