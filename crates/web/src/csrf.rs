//! Tokens against cross-site request forgery.
//!
//! A form's token is bound to a secret the browser holds in a cookie (the session token once
//! signed in, a random sign-in nonce before): SHA-256 of a fixed label and that secret. Another
//! site can make the browser send the cookie but can read neither the cookie nor the page, so
//! it cannot compute the token. Being a pure function of the secret, the token is the same on
//! every server process behind a load balancer.
//!
//! A page's forms carry the token with a fresh nonce of that page (`{token}.{nonce}`,
//! [`form_token`]): the nonce tells one rendering of a form from the next, so the same form
//! sent twice from one page is seen as one submission ([`crate::submissions`]).

use sha2::{Digest, Sha256};

const LABEL: &[u8] = b"cordtrace-web csrf v1\0";

/// The token of forms posted with the cookie secret `secret`.
pub(crate) fn token_for(secret: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(LABEL);
    hasher.update(secret.as_bytes());
    hex::encode(hasher.finalize())
}

/// The token of a page's forms: [`token_for`] `secret`, and a nonce fresh for this page.
pub(crate) fn form_token(secret: &str) -> String {
    format!("{}.{}", token_for(secret), uuid::Uuid::new_v4().simple())
}

/// The nonce of a page's form token, if `presented` carries one.
pub(crate) fn nonce_of(presented: &str) -> Option<&str> {
    presented
        .split_once('.')
        .map(|(_, nonce)| nonce)
        .filter(|nonce| !nonce.is_empty())
}

/// Whether `presented` is the token of `secret` (with or without a page's nonce), compared in
/// constant time.
pub(crate) fn verify(secret: &str, presented: &str) -> bool {
    let presented = presented
        .split_once('.')
        .map_or(presented, |(token, _)| token);
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
    use super::{form_token, nonce_of, token_for, verify};

    #[test]
    fn a_token_verifies_for_its_secret_only() {
        let token = token_for("session-a");
        assert!(verify("session-a", &token));
        assert!(!verify("session-b", &token));
        assert!(!verify("session-a", ""));
        assert!(!verify("session-a", &token[1..]));
    }

    #[test]
    fn a_form_token_verifies_and_carries_a_nonce_of_its_page() {
        let first = form_token("session-a");
        let second = form_token("session-a");
        assert!(verify("session-a", &first));
        assert!(!verify("session-b", &first));
        assert_ne!(nonce_of(&first), nonce_of(&second), "a nonce per page");
        assert_eq!(nonce_of(&token_for("session-a")), None);
        assert_eq!(nonce_of("abc."), None);
    }
}
