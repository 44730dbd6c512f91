//! Who a request speaks for, from its `Authorization: Bearer` header (or, for documents a
//! browser opens, the web application's session cookie).

use axum::http::{HeaderMap, header};
use cordtrace_api::{ApiError, Viewer};

use super::AppState;

/// The viewer the request's credentials name: anonymous without an `Authorization` header, an
/// invalid token when the header is not a bearer token of a live session. Only a failure of the
/// database is an error (already logged by the API).
pub(super) async fn resolve(state: &AppState, headers: &HeaderMap) -> Result<Viewer, ApiError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(Viewer::Anonymous);
    };
    let Some(token) = value.to_str().ok().and_then(bearer_token) else {
        return Ok(Viewer::InvalidToken);
    };
    state.api.viewer_for_token(token).await
}

/// Like [`resolve`], and without an `Authorization` header the web application's session
/// cookie. Only for GET routes that return a document (the certificate of analysis): a cookie
/// rides along with cross-site requests a browser makes, so it must never authorise a write
/// (`/graphql` takes bearer tokens only; the web pages check a CSRF token).
pub(super) async fn resolve_with_cookie(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Viewer, ApiError> {
    if headers.contains_key(header::AUTHORIZATION) {
        return resolve(state, headers).await;
    }
    match cordtrace_web::session_token(headers) {
        Some(token) => state.api.viewer_for_token(token).await,
        None => Ok(Viewer::Anonymous),
    }
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
