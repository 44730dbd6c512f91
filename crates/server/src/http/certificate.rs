//! `GET /certificates/{lot_id}`: the certificate of analysis of a lot as an HTML document a
//! person can read, print or archive, with the bearer token (or the web application's session
//! cookie) of a role that may read the `certificateOfAnalysis` field (the same access rule).
//!
//! The document ends with the disposition entry's ledger hash and the signed checkpoint note of
//! a tree that includes it, so a reader can check it with `cordtrace ledger verify --file`.
//! Every text from the record is HTML-escaped.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use cordtrace_api::{ApiError, ErrorCode, Viewer, certificate_document};
use cordtrace_domain::ids::LotId;
use cordtrace_domain::manufacturing::{Container, EligibilityStatus};
use cordtrace_domain::release::certificate::{CertificateOfAnalysis, Person};
use cordtrace_store::queries::release::{CertificateDocument, DispositionProof, SignatureLine};
use uuid::Uuid;

use super::AppState;

/// Escapes text for HTML element content and quoted attribute values.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

fn utc(instant: DateTime<Utc>) -> String {
    instant.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

fn person(person: &Person) -> String {
    person
        .printed_name
        .as_ref()
        .map_or_else(|| person.user_id.to_string(), ToString::to_string)
}

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

/// `GET /certificates/{lot_id}`.
pub async fn get(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(lot_id): Path<String>,
) -> Response {
    let viewer = match viewer(&state, &headers).await {
        Ok(viewer) => viewer,
        Err(response) => return response,
    };
    let Ok(lot_id) = Uuid::parse_str(lot_id.trim()).map(LotId::from_uuid) else {
        return error(
            StatusCode::BAD_REQUEST,
            "VALIDATION",
            "the lot id is not a UUID",
        );
    };
    match certificate_document(&state.api, &viewer, lot_id).await {
        Ok(document) => {
            let html = render(&document, &state.api.signer.verifier_key());
            document_response("text/html; charset=utf-8", html.into_bytes())
        }
        Err(failure) => api_error(failure),
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

const STYLE: &str = "body{font-family:sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;\
color:#111}table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #999;\
padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#eee}.draft{border:2px solid \
#b00;color:#b00;padding:.5rem;font-weight:bold}.fail{color:#b00;font-weight:bold}.void{color:#666;\
text-decoration:line-through}pre{background:#f4f4f4;padding:.5rem;white-space:pre-wrap;\
word-break:break-all}code{word-break:break-all}";

/// The certificate as an HTML document.
fn render(document: &CertificateDocument, verifier_key: &str) -> String {
    let content = &document.content;
    let mut html = String::new();
    let lot_code = escape(content.lot.code.as_str());
    let _ = writeln!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Certificate of analysis {lot_code}</title><style>{STYLE}</style></head><body>\n\
         <h1>Certificate of analysis</h1>"
    );
    if content.disposition.is_none() {
        html.push_str(
            "<p class=\"draft\">DRAFT: quality assurance has not disposed of this lot. \
             This is not a release certificate.</p>\n",
        );
    }
    facts(&mut html, content);
    units(&mut html, content);
    results(&mut html, content);
    investigations(&mut html, content);
    donors(&mut html, content);
    disposition(&mut html, content);
    signatures(&mut html, &document.signatures);
    if let Some(proof) = &document.proof {
        ledger_proof(&mut html, proof, verifier_key);
    }
    html.push_str("</body></html>\n");
    html
}

fn facts(html: &mut String, content: &CertificateOfAnalysis) {
    let lot = &content.lot;
    let products: Vec<String> = content
        .products
        .iter()
        .map(|product| match &product.description {
            Some(description) => format!(
                "{} ({})",
                escape(description.as_str()),
                escape(&product.description_code)
            ),
            None => escape(&product.description_code),
        })
        .collect();
    let specification = content.specification.as_ref().map_or_else(
        || "none: testing has not begun".to_owned(),
        |spec| {
            format!(
                "{} ({} {}, effective {})",
                escape(spec.title.as_str()),
                escape(spec.product_kind.as_str()),
                spec.version,
                spec.effective_on
            )
        },
    );
    let _ = writeln!(
        html,
        "<table>\n<tr><th>Product</th><td>{}</td></tr>\n\
         <tr><th>Lot</th><td>{lot_code} ({kind})</td></tr>\n\
         <tr><th>Lot status</th><td>{status}</td></tr>\n\
         <tr><th>Made</th><td>{made}</td></tr>\n\
         <tr><th>Specification</th><td>{specification}</td></tr>\n\
         <tr><th>Testing began</th><td>{began}</td></tr>\n</table>",
        if products.is_empty() {
            "no units filled".to_owned()
        } else {
            products.join("; ")
        },
        lot_code = escape(lot.code.as_str()),
        kind = escape(lot.kind.as_str()),
        status = escape(lot.status.as_str()),
        made = utc(lot.created_at.as_datetime()),
        began = content
            .testing_began_at
            .map_or_else(|| "not begun".to_owned(), |at| utc(at.as_datetime())),
    );
}

fn units(html: &mut String, content: &CertificateOfAnalysis) {
    let _ = writeln!(html, "<h2>Units ({})</h2>", content.units.len());
    if content.units.is_empty() {
        html.push_str("<p>No units.</p>\n");
        return;
    }
    html.push_str(
        "<table>\n<tr><th>DIN</th><th>Product code</th><th>Container</th><th>Volume</th>\
         <th>Viable cells</th><th>Expires</th><th>Status</th></tr>\n",
    );
    for unit in &content.units {
        let container = match unit.container {
            Container::Bag => "bag",
            Container::Vial => "vial",
        };
        let _ = writeln!(
            html,
            "<tr><td>{} {}</td><td>{}</td><td>{container}</td><td>{} mL</td><td>{}</td>\
             <td>{}</td><td>{}</td></tr>",
            escape(&unit.din.to_string()),
            escape(&unit.din.check_character().to_string()),
            escape(unit.product_code.as_str()),
            escape(&unit.volume.value().to_string()),
            unit.cells.get(),
            utc(unit.expires_at.as_datetime()),
            escape(unit.status.as_str()),
        );
    }
    html.push_str("</table>\n");
}

fn results(html: &mut String, content: &CertificateOfAnalysis) {
    html.push_str("<h2>Test results</h2>\n");
    if content.tests.is_empty() {
        html.push_str("<p>No specification applies yet.</p>\n");
        return;
    }
    html.push_str(
        "<table>\n<tr><th>Test</th><th>Method</th><th>Acceptance criterion</th>\
         <th>Result</th><th>Evaluation</th><th>Instrument / sample</th><th>Tested</th>\
         <th>Analyst</th></tr>\n",
    );
    for test in &content.tests {
        let requirement = if test.requirement.as_str() == "REQUIRED" {
            String::new()
        } else {
            " (report only)".to_owned()
        };
        let heading = format!(
            "{} {}{requirement}",
            escape(test.code.as_str()),
            escape(test.name.as_str())
        );
        if test.results.is_empty() {
            let _ = writeln!(
                html,
                "<tr><td>{heading}</td><td>{}</td><td>{}</td><td colspan=\"5\">no result</td></tr>",
                escape(test.method.as_str()),
                escape(&test.criterion_text),
            );
            continue;
        }
        for result in &test.results {
            let evaluation = result.evaluation.as_str();
            let (class, note) = match &result.invalidation {
                Some(invalidation) => (
                    " class=\"void\"",
                    format!(
                        "<br>invalidated {} by {}: {}",
                        utc(invalidation.at.as_datetime()),
                        escape(&person(&invalidation.by)),
                        escape(invalidation.reason.as_str())
                    ),
                ),
                None if evaluation == "FAIL" => (" class=\"fail\"", String::new()),
                None => ("", String::new()),
            };
            let retest = if result.retest_of.is_some() {
                " (retest)"
            } else {
                ""
            };
            let _ = writeln!(
                html,
                "<tr><td>{heading}</td><td>{}</td><td>{}</td><td{class}>{}{retest}</td>\
                 <td{class}>{evaluation}{note}</td><td>{} / {}</td><td>{}</td><td>{}</td></tr>",
                escape(result.method.as_str()),
                escape(&test.criterion_text),
                escape(&result.value_text),
                escape(result.instrument.as_str()),
                escape(result.sample_id.as_str()),
                utc(result.tested_at.as_datetime()),
                escape(&person(&result.analyst)),
            );
        }
    }
    html.push_str("</table>\n");
}

fn investigations(html: &mut String, content: &CertificateOfAnalysis) {
    if content.investigations.is_empty() {
        return;
    }
    html.push_str(
        "<h2>Out-of-specification investigations</h2>\n<table>\n<tr><th>Test</th>\
         <th>Opened</th><th>Conclusion</th><th>Closed by</th><th>Closed</th></tr>\n",
    );
    for investigation in &content.investigations {
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(investigation.test_code.as_str()),
            utc(investigation.opened_at.as_datetime()),
            investigation
                .conclusion
                .as_ref()
                .map_or_else(|| "OPEN".to_owned(), |c| escape(c.as_str())),
            investigation
                .closed_by
                .as_ref()
                .map_or_else(String::new, |by| escape(&person(by))),
            investigation
                .closed_at
                .map_or_else(String::new, |at| utc(at.as_datetime())),
        );
    }
    html.push_str("</table>\n");
}

fn donors(html: &mut String, content: &CertificateOfAnalysis) {
    html.push_str(
        "<h2>Donor eligibility</h2>\n<table>\n<tr><th>Donor</th><th>Eligibility</th>\
         <th>Determined</th><th>Consent</th></tr>\n",
    );
    for donor in &content.donors {
        let eligibility = match donor.eligibility {
            Some(EligibilityStatus::Eligible) => "ELIGIBLE",
            Some(EligibilityStatus::Ineligible) => "INELIGIBLE",
            None => "PENDING",
        };
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>{eligibility}</td><td>{}</td><td>{}</td></tr>",
            escape(donor.key.as_str()),
            donor
                .determined_at
                .map_or_else(String::new, |at| utc(at.as_datetime())),
            if donor.consent_withdrawn {
                "WITHDRAWN"
            } else {
                "given"
            },
        );
    }
    html.push_str("</table>\n");
}

fn disposition(html: &mut String, content: &CertificateOfAnalysis) {
    html.push_str("<h2>Disposition</h2>\n");
    let Some(disposition) = &content.disposition else {
        html.push_str("<p>Awaiting QA disposition.</p>\n");
        return;
    };
    let _ = writeln!(
        html,
        "<p><strong>{}</strong> by {} on {}.{}</p>",
        escape(disposition.decision.as_str()),
        escape(&person(&disposition.decided_by)),
        utc(disposition.decided_at.as_datetime()),
        disposition
            .text
            .as_ref()
            .map_or_else(String::new, |text| format!(" {}", escape(text.as_str()))),
    );
}

fn signatures(html: &mut String, signatures: &[SignatureLine]) {
    html.push_str("<h2>Electronic signatures</h2>\n");
    if signatures.is_empty() {
        html.push_str("<p>None yet.</p>\n");
        return;
    }
    html.push_str("<ol>\n");
    for line in signatures {
        let _ = writeln!(
            html,
            "<li>{} &mdash; {}, ledger entry {}</li>",
            escape(&line.manifestation),
            escape(&line.action),
            line.entry_seq,
        );
    }
    html.push_str("</ol>\n");
}

fn ledger_proof(html: &mut String, proof: &DispositionProof, verifier_key: &str) {
    let _ = writeln!(
        html,
        "<h2>Ledger proof</h2>\n\
         <p>The disposition is ledger entry {seq} ({action}) with hash</p>\n\
         <pre>{hash}</pre>\n\
         <p>It is included in the signed checkpoint of the first {size} entries (Merkle root \
         <code>{root}</code>, signed {signed_at}):</p>\n<pre>{note}</pre>\n\
         <p>To check: export the ledger (<code>cordtrace ledger export --out ledger.jsonl</code>), \
         verify the export with the installation's verifier key (<code>cordtrace ledger verify \
         --file ledger.jsonl --key '{key}'</code>), then confirm that its entry {seq} has the hash \
         above and that it holds this checkpoint.</p>",
        seq = proof.entry_seq,
        action = escape(&proof.action),
        hash = escape(&proof.entry_hash),
        size = proof.checkpoint.size,
        root = escape(&proof.checkpoint.root.to_string()),
        signed_at = escape(&proof.checkpoint.signed_at),
        note = escape(proof.checkpoint.note.trim_end()),
        key = escape(verifier_key),
    );
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
    }
}
