//! Tokens against cross-site request forgery.
//!
//! A form's token is bound to a secret the browser holds in a cookie (the session token once
//! signed in, a random sign-in nonce before): SHA-256 of a fixed label and that secret. Another
//! site can make the browser send the cookie but can read neither the cookie nor the page, so
//! it cannot compute the token. Being a pure function of the secret, the token is the same on
//! every server process behind a load balancer.

use sha2::{Digest, Sha256};

const LABEL: &[u8] = b"cordtrace-web csrf v1\0";

/// The token of forms posted with the cookie secret `secret`.
pub(crate) fn token_for(secret: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(LABEL);
    hasher.update(secret.as_bytes());
    hex::encode(hasher.finalize())
}

/// Whether `presented` is the token of `secret`, compared in constant time.
pub(crate) fn verify(secret: &str, presented: &str) -> bool {
    let expected = token_for(secret);
    expected.len() == presented.len()
        && expected
            .bytes()
            .zip(presented.bytes())
            .fold(0u8, |difference, (a, b)| difference | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::{token_for, verify};

    #[test]
    fn a_token_verifies_for_its_secret_only() {
        let token = token_for("session-a");
        assert!(verify("session-a", &token));
        assert!(!verify("session-b", &token));
        assert!(!verify("session-a", ""));
        assert!(!verify("session-a", &token[1..]));
    }
}
