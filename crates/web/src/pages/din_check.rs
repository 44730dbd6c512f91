//! `GET /donations/din-check?din=`: a DIN checked as it is typed or scanned, answered as a
//! fragment that htmx puts next to the field. The arithmetic is the domain's ISBT 128 module,
//! the very parser the API reads a DIN with, so the page and the API cannot disagree; the
//! answer is advice while typing, and the API still refuses a wrong DIN when the form is sent.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use cordtrace_domain::isbt128::{Din, DinError};
use serde::Deserialize;

use super::{render, shell};
use crate::Shared;

/// What the field holds, as the ISBT 128 parser reads it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Nothing typed yet: nothing to say.
    Empty,
    /// A DIN whose check character (typed) or flag (scanned) matches: its eye-readable form.
    Matches { eye_readable: String, scanned: bool },
    /// Thirteen good characters followed by the wrong check character.
    WrongCheck { expected: char },
    /// Not a DIN in any form an operator enters: why, with the parser's code.
    NotDin { message: String, code: &'static str },
}

impl Verdict {
    /// Reads `raw` as the API does: data structure 001 when it starts with `=`, otherwise the
    /// eye-readable DIN with its check character.
    pub(crate) fn of(raw: &str) -> Self {
        let raw = raw.trim();
        if raw.is_empty() {
            return Verdict::Empty;
        }
        let parsed = if raw.starts_with('=') {
            Din::parse_scanned(raw).map(|(din, _)| (din, true))
        } else {
            Din::parse_typed(raw).map(|din| (din, false))
        };
        match parsed {
            Ok((din, scanned)) => Verdict::Matches {
                eye_readable: din.eye_readable(),
                scanned,
            },
            Err(DinError::BadCheckCharacter { expected, .. }) => Verdict::WrongCheck { expected },
            Err(error) => Verdict::NotDin {
                code: error.code(),
                message: error.to_string(),
            },
        }
    }
}

#[derive(Template)]
#[template(path = "din_check.html")]
struct DinCheck {
    verdict: Verdict,
}

/// `?din=`.
#[derive(Deserialize)]
pub(crate) struct Typed {
    #[serde(default)]
    din: String,
}

/// `GET /donations/din-check?din=`: for a signed-in person only, like every page.
pub(crate) async fn get(
    State(web): State<Shared>,
    headers: HeaderMap,
    Query(typed): Query<Typed>,
) -> Response {
    if let Err(response) = shell(&web, &headers).await {
        return response;
    }
    render(
        StatusCode::OK,
        &DinCheck {
            verdict: Verdict::of(&typed.din),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::Verdict;

    #[test]
    fn a_din_is_read_as_typed_or_scanned() {
        assert_eq!(Verdict::of("  "), Verdict::Empty);
        assert_eq!(
            Verdict::of("A9999260000018"),
            Verdict::Matches {
                eye_readable: "A9999260000018".to_owned(),
                scanned: false
            }
        );
        assert_eq!(
            Verdict::of("A9999260000011"),
            Verdict::WrongCheck { expected: '8' }
        );
        assert!(matches!(
            Verdict::of("=A99992600000100"),
            Verdict::Matches { scanned: true, .. }
        ));
        assert!(matches!(
            Verdict::of("A9999"),
            Verdict::NotDin {
                code: "DIN_WRONG_LENGTH",
                ..
            }
        ));
    }
}
