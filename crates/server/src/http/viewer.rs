//! Who a request speaks for, from its `Authorization: Bearer` header (or the web application's
//! session cookie: for documents a browser opens, and for `/graphql` with its CSRF token).

use axum::http::{HeaderMap, header};
use cordtrace_api::{ApiError, Viewer};
use cordtrace_web::graphiql::CookieSession;

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
/// (`/graphql` takes it only with its CSRF token; the web pages check the same token).
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

/// The viewer of a request to `/graphql`: the bearer token when there is one, otherwise the
/// browser session of the cookie when the request carries that session's CSRF token
/// ([`cordtrace_web::graphiql::cookie_session`]); `Ok(None)` for a CSRF token that is not the
/// session's, which is refused before anything runs.
pub(super) async fn resolve_for_graphql(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Viewer>, ApiError> {
    if headers.contains_key(header::AUTHORIZATION) {
        return resolve(state, headers).await.map(Some);
    }
    match cordtrace_web::graphiql::cookie_session(headers) {
        CookieSession::None => Ok(Some(Viewer::Anonymous)),
        CookieSession::Verified(token) => state.api.viewer_for_token(token).await.map(Some),
        CookieSession::Forged => Ok(None),
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
