//! Who a request speaks for, from its `Authorization: Bearer` header.

use axum::http::{HeaderMap, header};
use cordtrace_api::Viewer;
use cordtrace_store::QueryError;
use cordtrace_store::auth::session_for_token;

use super::AppState;

/// The viewer the request's credentials name: anonymous without an `Authorization` header, an
/// invalid token when the header is not a bearer token of a live session. Only a failure of the
/// database is an error.
pub(super) async fn resolve(state: &AppState, headers: &HeaderMap) -> Result<Viewer, QueryError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(Viewer::Anonymous);
    };
    let Some(token) = value.to_str().ok().and_then(bearer_token) else {
        return Ok(Viewer::InvalidToken);
    };
    Ok(
        match session_for_token(&state.api.executor, state.api.auth_policy, token).await? {
            Some(session) => Viewer::Session(Box::new(session)),
            None => Viewer::InvalidToken,
        },
    )
}

/// The token of a `Bearer` credential. The scheme name is case-insensitive (RFC 9110 §11.1).
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::bearer_token;

    #[test]
    fn the_scheme_is_case_insensitive_and_the_token_is_trimmed() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer  abc "), Some("abc"));
        assert_eq!(bearer_token("BEARER abc"), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer"), None);
        assert_eq!(bearer_token("Bearer  "), None);
    }
}
