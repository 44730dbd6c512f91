//! Business refusals: typed, coded reasons a command was not carried out.

use std::fmt;

/// The class of a refusal, which the API maps to its closed set of error codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefusalKind {
    /// The input is malformed or breaks a rule.
    Validation,
    /// Something the command names does not exist.
    NotFound,
    /// The command conflicts with the current state (wrong state, duplicate, concurrent change).
    Conflict,
    /// The actor may not do this here (separation of duties, deactivated account).
    Forbidden,
}

/// One reason, with a stable machine-readable code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    /// Stable SCREAMING_SNAKE_CASE code a client can act on.
    pub code: &'static str,
    /// A sentence for a person.
    pub message: String,
}

/// Why a command was refused: one kind and every reason that applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The class of the refusal.
    pub kind: RefusalKind,
    /// Every reason; never empty.
    pub reasons: Vec<Reason>,
}

impl Refusal {
    /// A refusal with one reason.
    pub fn new(kind: RefusalKind, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            kind,
            reasons: vec![Reason {
                code,
                message: message.into(),
            }],
        }
    }

    /// The code of the first reason.
    pub fn code(&self) -> &'static str {
        self.reasons.first().map_or("REFUSED", |reason| reason.code)
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let messages: Vec<&str> = self.reasons.iter().map(|r| r.message.as_str()).collect();
        f.write_str(&messages.join("; "))
    }
}

impl std::error::Error for Refusal {}

/// A domain error that knows its refusal kind and stable code.
pub trait Refuse: std::error::Error {
    /// The class of the refusal.
    fn kind(&self) -> RefusalKind;
    /// The stable code.
    fn code(&self) -> &'static str;
}

impl<E: Refuse> From<E> for Refusal {
    fn from(error: E) -> Self {
        Refusal::new(error.kind(), error.code(), error.to_string())
    }
}
