//! argon2id password hashes.
//!
//! Hashing is deliberately slow, so it runs on the blocking pool, never on the writer task.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use cordtrace_domain::identity::Password;

use crate::error::CommandError;

/// A fixed hash verified against when the username is unknown, so that the time a failed login
/// takes does not reveal whether the account exists.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3d0P0gYV1Ik9Uv7mWX0yOTeNqV1OwU4h1xOi4t7wH2E";

fn hasher() -> Argon2<'static> {
    // OWASP's recommended argon2id parameters (19 MiB, 2 passes, 1 lane), the crate's default.
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default())
}

/// Hashes a password that meets the policy into a PHC string.
pub async fn hash(password: Password) -> Result<String, CommandError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(password.expose().as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|error| CommandError::Corrupt(format!("password hashing failed: {error}")))
    })
    .await
    .map_err(|error| CommandError::Corrupt(format!("password hashing task failed: {error}")))?
}

/// Whether `candidate` matches the stored PHC string; `None` compares against a dummy hash.
pub async fn verify(stored: Option<String>, candidate: String) -> bool {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.to_owned());
        let matched = PasswordHash::new(&stored)
            .map(|parsed| {
                hasher()
                    .verify_password(candidate.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false);
        known && matched
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use cordtrace_domain::identity::Username;

    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_differ_by_salt() {
        let username = Username::parse("tech.one").unwrap();
        let password = Password::new("correct horse battery".to_owned(), &username).unwrap();
        let first = hash(password.clone()).await.unwrap();
        let second = hash(password).await.unwrap();
        assert!(first.starts_with("$argon2id$"));
        assert_ne!(first, second);
        assert!(verify(Some(first.clone()), "correct horse battery".to_owned()).await);
        assert!(!verify(Some(first), "correct horse batterz".to_owned()).await);
        assert!(!verify(None, "correct horse battery".to_owned()).await);
    }

    #[test]
    fn the_dummy_hash_parses() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }
}
