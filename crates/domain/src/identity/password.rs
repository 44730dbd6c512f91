//! The password policy. Hashing lives in the store; the domain only says what is acceptable.

use std::fmt;

use super::Username;

/// A password that meets the policy. Its Debug never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

/// Why a new password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordPolicyError {
    /// Fewer than 12 characters.
    #[error("password must have at least 12 characters")]
    TooShort,
    /// More than 1024 bytes; hashing arbitrarily long input would be a denial of service.
    #[error("password must have at most 1024 bytes")]
    TooLong,
    /// The password is the username (ignoring case).
    #[error("password must not be the username")]
    SameAsUsername,
}

impl Password {
    /// The minimum number of characters.
    pub const MIN_CHARS: usize = 12;
    /// The maximum number of bytes.
    pub const MAX_BYTES: usize = 1024;

    /// Checks a new password for `username` against the policy.
    pub fn new(raw: String, username: &Username) -> Result<Self, PasswordPolicyError> {
        if raw.len() > Self::MAX_BYTES {
            return Err(PasswordPolicyError::TooLong);
        }
        if raw.chars().count() < Self::MIN_CHARS {
            return Err(PasswordPolicyError::TooShort);
        }
        if raw.to_lowercase() == username.as_str() {
            return Err(PasswordPolicyError::SameAsUsername);
        }
        Ok(Self(raw))
    }

    /// The password, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        let username = Username::parse("qa.lead.0001").unwrap();
        let cases = [
            ("correct horse battery", Ok(())),
            ("short", Err(PasswordPolicyError::TooShort)),
            ("QA.LEAD.0001", Err(PasswordPolicyError::SameAsUsername)),
            ("ééééééééééé", Err(PasswordPolicyError::TooShort)),
        ];
        for (raw, expected) in cases {
            assert_eq!(
                Password::new(raw.to_owned(), &username).map(|_| ()),
                expected,
                "{raw}"
            );
        }
        assert_eq!(
            Password::new("x".repeat(1025), &username).map(|_| ()),
            Err(PasswordPolicyError::TooLong)
        );
    }

    #[test]
    fn debug_hides_the_password() {
        let username = Username::parse("tech").unwrap();
        let password = Password::new("a secret passphrase".to_owned(), &username).unwrap();
        assert!(!format!("{password:?}").contains("secret"));
    }
}
