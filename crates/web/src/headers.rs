//! The security headers of every web response.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// Same origin only, and no inline script or style: every script and style sheet is a file
/// under `/static`. `data:` images and fonts are parts of a file already loaded (GraphiQL's
/// style sheet carries its fonts so), never a request.
pub(crate) const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; font-src 'self' data:; frame-ancestors 'none'; \
     base-uri 'none'; form-action 'self'";

/// Adds the security headers to the response; pages, which carry personal data, are not
/// stored by the browser or any cache (assets set their own `Cache-Control`).
pub(crate) async fn secure(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    apply(response.headers_mut());
    response
}

/// Sets the security headers on `headers` (for pages served outside the web router too).
pub(crate) fn apply(headers: &mut HeaderMap) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
}
