//! GraphiQL at `/graphql`, from the binary, with the session of the signed-in browser.
//!
//! The server's `/graphql` route serves [`page`] to browsers and asks [`cookie_session`] which
//! session a request carries. A cookie alone never authorises a request to `/graphql`: the
//! browser attaches it to whatever it sends there, so the request must also carry the CSRF token
//! of that session in `x-csrf-token`, which only a cordtrace page can know.

use askama::Template;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::pages::render;
use crate::{assets, csrf, headers, session};

/// The header GraphiQL sends the session's CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

#[derive(Template)]
#[template(path = "graphiql.html")]
struct GraphiqlPage {
    /// The CSRF token of the browser's session, when it has one.
    csrf: Option<String>,
    graphiql_css: String,
    app_css: String,
    /// In the order they must load: React, then GraphiQL, then ours.
    scripts: [String; 4],
}

/// The GraphiQL page, with the security headers of every web page.
pub fn page(request_headers: &HeaderMap) -> Response {
    let page = GraphiqlPage {
        csrf: session::session_token(request_headers).map(csrf::token_for),
        graphiql_css: assets::href("graphiql.min.css"),
        app_css: assets::href("app.css"),
        scripts: [
            assets::href("react.production.min.js"),
            assets::href("react-dom.production.min.js"),
            assets::href("graphiql.min.js"),
            assets::href("graphiql-start.js"),
        ],
    };
    let mut response = render(StatusCode::OK, &page).into_response();
    headers::apply(response.headers_mut());
    response
}

/// The browser session a request to `/graphql` carries.
#[derive(Debug, PartialEq, Eq)]
pub enum CookieSession<'h> {
    /// No session cookie, or a cookie without a CSRF token (which is ignored: the request is
    /// anonymous, as any other without a bearer token).
    None,
    /// The session token of the cookie, with the CSRF token of that session.
    Verified(&'h str),
    /// A CSRF token that is not the session's, or one without a session cookie: refused.
    Forged,
}

/// Which session `headers` carry, by [`CookieSession`]'s rules.
pub fn cookie_session(headers: &HeaderMap) -> CookieSession<'_> {
    let presented = headers
        .get(CSRF_HEADER)
        .map(|value| value.to_str().unwrap_or_default());
    match (session::session_token(headers), presented) {
        (_, None) => CookieSession::None,
        (Some(token), Some(presented)) if csrf::verify(token, presented) => {
            CookieSession::Verified(token)
        }
        _ => CookieSession::Forged,
    }
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderValue, header};

    use super::*;

    fn headers(cookie: Option<&str>, token: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(cookie) = cookie {
            let value = format!("cordtrace_session={cookie}");
            headers.insert(
                header::COOKIE,
                HeaderValue::from_str(&value).expect("a header value"),
            );
        }
        if let Some(token) = token {
            headers.insert(CSRF_HEADER, HeaderValue::from_str(token).expect("a value"));
        }
        headers
    }

    #[test]
    fn a_cookie_counts_only_with_the_csrf_token_of_its_session() {
        let token = csrf::token_for("session-a");
        assert_eq!(
            cookie_session(&headers(Some("session-a"), Some(&token))),
            CookieSession::Verified("session-a")
        );
        assert_eq!(
            cookie_session(&headers(Some("session-a"), None)),
            CookieSession::None
        );
        assert_eq!(cookie_session(&headers(None, None)), CookieSession::None);
        assert_eq!(
            cookie_session(&headers(Some("session-b"), Some(&token))),
            CookieSession::Forged
        );
        assert_eq!(
            cookie_session(&headers(None, Some(&token))),
            CookieSession::Forged
        );
    }
}
