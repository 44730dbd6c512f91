//! Errors as clients see them: one closed set of codes in `extensions.code`.
//!
//! Internal causes are logged here, with their chain, and replaced by a generic message: nothing
//! about the database or the code reaches a client.

use async_graphql::ErrorExtensions;
use cordtrace_domain::{Refusal, RefusalKind};
use cordtrace_store::{CommandError, QueryError};

/// The closed set of error codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// Malformed input or a broken rule.
    Validation,
    /// The thing named does not exist.
    NotFound,
    /// No valid session.
    Unauthenticated,
    /// The session's user may not do this.
    Forbidden,
    /// The request conflicts with the current state.
    Conflict,
    /// Something failed inside cordtrace; details are in the server log.
    Internal,
}

impl ErrorCode {
    /// The code as it appears in `extensions.code`.
    pub const fn as_str(&self) -> &'static str {
        match self {
            ErrorCode::Validation => "VALIDATION",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::Unauthenticated => "UNAUTHENTICATED",
            ErrorCode::Forbidden => "FORBIDDEN",
            ErrorCode::Conflict => "CONFLICT",
            ErrorCode::Internal => "INTERNAL",
        }
    }

    /// Every code, for documentation and tests.
    pub const ALL: [ErrorCode; 6] = [
        ErrorCode::Validation,
        ErrorCode::NotFound,
        ErrorCode::Unauthenticated,
        ErrorCode::Forbidden,
        ErrorCode::Conflict,
        ErrorCode::Internal,
    ];
}

/// An error on its way to a client.
#[derive(Clone, Debug)]
pub struct ApiError {
    code: ErrorCode,
    message: String,
    reasons: Vec<(String, String)>,
}

impl ApiError {
    /// An error with a code and a message for the client.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            reasons: Vec::new(),
        }
    }

    /// A VALIDATION error with one detailed reason code.
    pub fn validation(reason: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            code: ErrorCode::Validation,
            reasons: vec![(reason.to_owned(), message.clone())],
            message,
        }
    }

    /// The request is not authenticated.
    pub fn unauthenticated() -> Self {
        Self::new(ErrorCode::Unauthenticated, "authentication required")
    }

    /// The user may not do this.
    pub fn forbidden() -> Self {
        Self::new(ErrorCode::Forbidden, "not allowed for your roles")
    }

    /// The user may not do this, for a stated reason.
    pub fn forbidden_because(reason: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            code: ErrorCode::Forbidden,
            reasons: vec![(reason.to_owned(), message.clone())],
            message,
        }
    }

    /// Something named does not exist.
    pub fn not_found(what: impl std::fmt::Display) -> Self {
        Self::new(ErrorCode::NotFound, format!("{what} not found"))
    }

    /// Logs `error` with its chain and returns an opaque INTERNAL error.
    pub fn internal(error: &(dyn std::error::Error + 'static)) -> Self {
        let mut chain = vec![error.to_string()];
        let mut source = error.source();
        while let Some(cause) = source {
            chain.push(cause.to_string());
            source = cause.source();
        }
        tracing::error!(error = %chain.join(": "), "internal error");
        Self::new(ErrorCode::Internal, "internal error")
    }

    /// The code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        let code = match refusal.kind {
            RefusalKind::Validation => ErrorCode::Validation,
            RefusalKind::NotFound => ErrorCode::NotFound,
            RefusalKind::Conflict => ErrorCode::Conflict,
            RefusalKind::Forbidden => ErrorCode::Forbidden,
        };
        Self {
            code,
            message: refusal.to_string(),
            reasons: refusal
                .reasons
                .into_iter()
                .map(|reason| (reason.code.to_owned(), reason.message))
                .collect(),
        }
    }
}

impl From<CommandError> for ApiError {
    fn from(error: CommandError) -> Self {
        match error {
            CommandError::Refused(refusal) => refusal.into(),
            CommandError::SessionEnded => Self::new(ErrorCode::Unauthenticated, error.to_string()),
            other => Self::internal(&other),
        }
    }
}

impl From<QueryError> for ApiError {
    fn from(error: QueryError) -> Self {
        Self::internal(&error)
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(error: ApiError) -> Self {
        let reasons = error.reasons;
        async_graphql::Error::new(error.message).extend_with(|_, extensions| {
            extensions.set("code", error.code.as_str());
            if !reasons.is_empty() {
                let list: Vec<async_graphql::Value> = reasons
                    .iter()
                    .map(|(code, message)| {
                        let mut reason = async_graphql::indexmap::IndexMap::new();
                        reason.insert(async_graphql::Name::new("code"), code.as_str().into());
                        reason.insert(async_graphql::Name::new("message"), message.as_str().into());
                        async_graphql::Value::Object(reason)
                    })
                    .collect();
                extensions.set("reasons", async_graphql::Value::List(list));
            }
        })
    }
}

/// The result type of resolvers.
pub type ApiResult<T> = Result<T, ApiError>;
