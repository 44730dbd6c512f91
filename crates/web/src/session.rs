//! Browser sessions: the API's session token carried in a cookie.
//!
//! The cookie holds the same token `login` returns to API clients, so the API's session,
//! idle, lifetime and lockout rules apply unchanged; the web application keeps no session
//! state of its own.

use axum::http::{HeaderMap, HeaderValue, header};
use cordtrace_api::Viewer;

use crate::Web;

/// The session cookie.
pub(crate) const SESSION_COOKIE: &str = "cordtrace_session";
/// The sign-in nonce, which the sign-in form's CSRF token is bound to before any session.
pub(crate) const SIGNIN_COOKIE: &str = "cordtrace_signin";

/// The session token in the request's `cordtrace_session` cookie, if any.
pub fn session_token(headers: &HeaderMap) -> Option<&str> {
    cookie(headers, SESSION_COOKIE)
}

/// The value of the cookie `name`.
pub(crate) fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, value)| *key == name && !value.is_empty())
        .map(|(_, value)| value)
}

/// A `Set-Cookie` value for `name`: `HttpOnly` (no script reads it), `SameSite=Strict` (no
/// other site's request carries it), `Secure` under TLS. Without `Max-Age` it lasts the
/// browser session; the API decides how long the session itself lives.
pub(crate) fn set_cookie(web: &Web, name: &str, value: &str) -> Option<HeaderValue> {
    let secure = if web.settings.cookie_secure {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{name}={value}; HttpOnly; SameSite=Strict; Path=/{secure}"
    ))
    .ok()
}

/// A `Set-Cookie` value that removes the cookie `name`.
pub(crate) fn clear_cookie(web: &Web, name: &str) -> Option<HeaderValue> {
    let secure = if web.settings.cookie_secure {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{name}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{secure}"
    ))
    .ok()
}

/// Who a browser request speaks for, and the token that says so.
pub(crate) struct Visitor {
    /// The session token from the cookie, when one was sent.
    pub(crate) token: Option<String>,
    /// The viewer the API resolved it to.
    pub(crate) viewer: Viewer,
}

/// The visitor of a request, resolved by the API exactly as a bearer token is. `Err` only when
/// the database failed (logged by the API).
pub(crate) async fn visitor(web: &Web, headers: &HeaderMap) -> Result<Visitor, ()> {
    let Some(token) = session_token(headers) else {
        return Ok(Visitor {
            token: None,
            viewer: Viewer::Anonymous,
        });
    };
    let viewer = web.api.viewer_for_token(token).await.map_err(|_| ())?;
    if let Viewer::Session(session) = &viewer {
        // The server's request span declares this field: its log line then names the user.
        tracing::Span::current().record("user_id", tracing::field::display(session.user.id));
    }
    Ok(Visitor {
        token: Some(token.to_owned()),
        viewer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; cordtrace_session=tok; b=2"),
        );
        assert_eq!(session_token(&headers), Some("tok"));
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("cordtrace_session="),
        );
        assert_eq!(session_token(&headers), None);
    }
}
