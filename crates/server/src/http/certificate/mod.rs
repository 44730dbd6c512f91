//! `GET /certificates/{lot_id}` and `GET /certificates/{lot_id}.pdf`: the certificate of
//! analysis of a lot as an HTML page and as a PDF (A4, or US Letter with `?paper=letter`) a
//! person can read, print or archive, with the bearer token (or the web application's session
//! cookie) of a role that may read the `certificateOfAnalysis` field (the same access rule).
//!
//! Both are rendered from one [`content::report`], headed by the issuing facility, the
//! document number and its version, with every time in the facility's zone. The document
//! ends with the disposition entry's ledger hash and the signed checkpoint note of a tree that
//! includes it (in the PDF also as a Data Matrix), so a reader can check it with
//! `cordtrace ledger verify --file`.

mod content;
mod html;

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cordtrace_api::{ApiError, ErrorCode, Viewer, certificate_document};
use cordtrace_domain::ids::LotId;
use cordtrace_labels::report::{self, Paper};
use serde::Deserialize;
use uuid::Uuid;

use self::content::Issuer;

use super::AppState;

/// An error as JSON, in the shape GraphQL errors have.
pub(super) fn error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = serde_json::json!({
        "errors": [{ "message": message, "extensions": { "code": code } }]
    });
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

/// The viewer of a document request: its bearer token or the session cookie.
pub(super) async fn viewer(state: &AppState, headers: &HeaderMap) -> Result<Viewer, Response> {
    super::viewer::resolve_with_cookie(state, headers)
        .await
        .map_err(|_| {
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL",
                "internal error",
            )
        })
}

/// The query of a certificate request.
#[derive(Debug, Deserialize)]
pub struct CertificateQuery {
    /// `a4` (the default) or `letter`, for the PDF.
    paper: Option<String>,
}

/// `GET /certificates/{lot_id}` (HTML) and `GET /certificates/{lot_id}.pdf`.
pub async fn get(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(file): Path<String>,
    Query(query): Query<CertificateQuery>,
) -> Response {
    let viewer = match viewer(&state, &headers).await {
        Ok(viewer) => viewer,
        Err(response) => return response,
    };
    let file = file.trim();
    let (lot_id, pdf) = match file.strip_suffix(".pdf") {
        Some(lot_id) => (lot_id, true),
        None => (file, false),
    };
    let Ok(lot_id) = Uuid::parse_str(lot_id).map(LotId::from_uuid) else {
        return error(
            StatusCode::BAD_REQUEST,
            "VALIDATION",
            "the lot id is not a UUID",
        );
    };
    let paper = match query.paper.as_deref() {
        None | Some("a4") => Paper::A4,
        Some("letter") => Paper::Letter,
        Some(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "VALIDATION",
                "paper is a4 or letter",
            );
        }
    };
    let document = match certificate_document(&state.api, &viewer, lot_id).await {
        Ok(document) => document,
        Err(failure) => return api_error(failure),
    };
    let labels = &state.api.manufacturing.labels;
    let issuer = Issuer {
        name: &labels.facility_name,
        address: &labels.facility_address,
        zone: state.api.clinical.time_zone,
    };
    let report = content::report(&document, &state.api.signer.verifier_key(), &issuer);
    if !pdf {
        let links = [
            ("A4", format!("/certificates/{lot_id}.pdf")),
            (
                "US Letter",
                format!("/certificates/{lot_id}.pdf?paper=letter"),
            ),
        ];
        let page = html::render(&report, &links);
        return document_response("text/html; charset=utf-8", page.into_bytes());
    }
    match report::pdf(&report, paper) {
        Ok(bytes) => document_response("application/pdf", bytes),
        // A text the fonts cannot show is refused whole: a certificate with a blank where a
        // name or a result should be is worse than none.
        Err(refusal) => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            refusal.code(),
            &refusal.to_string(),
        ),
    }
}

/// A document for people (a certificate, a label): never cached, sniffed or allowed to load
/// anything, whatever it holds (each fetch of a label is a print: none may be served again).
pub(super) fn document_response(content_type: &'static str, body: Vec<u8>) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
    );
    response
}

/// A refusal of the API as the JSON error of a document request, with its status.
pub(super) fn api_error(failure: ApiError) -> Response {
    let code = failure.code();
    let status = match code {
        ErrorCode::Validation => StatusCode::BAD_REQUEST,
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorCode::Forbidden => StatusCode::FORBIDDEN,
        ErrorCode::Conflict => StatusCode::CONFLICT,
        ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    };
    // In the GraphQL form, whose extensions carry the code and the reasons
    // (`WRONG_UNIT_STATE`, ...) as a GraphQL client reads them.
    let graphql_error: async_graphql::Error = failure.into();
    let body = serde_json::json!({
        "errors": [{ "message": graphql_error.message, "extensions": graphql_error.extensions }]
    });
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}
