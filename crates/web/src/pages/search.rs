//! `/search`: one box that goes straight to what was typed or scanned: a patient key, a DIN
//! (scanned with its flag, or typed with or without its check character: its units, or the
//! cord donation when none is filled yet), a unit label (a DIN and a product code), or a lot
//! code.
//!
//! Only the shape of what was typed picks which lookups are asked; what exists, and who may
//! see it, is the API's answer. A lookup the API refuses as malformed passes to the next kind.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use super::lot::UnitListed;
use super::{Layout, Shell, Shown, render, shell, status_for};
use crate::client::Failures;
use crate::{Shared, Web, client, documents};

/// The query string.
#[derive(Deserialize)]
pub(crate) struct SearchQuery {
    #[serde(default)]
    q: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    layout: Layout,
    query: String,
    /// Units of a DIN, when it names several.
    units: Vec<UnitListed>,
    /// A refusal of the API other than "not found" (a role that may not read it).
    error: Option<Shown>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UnitsByDin {
    units_by_din: Vec<UnitListed>,
}

/// What one lookup found.
enum Found {
    /// Go there.
    Page(String),
    /// Several units of one DIN.
    Units(Vec<UnitListed>),
    /// Not this kind of identifier, or nothing by it.
    Nothing,
    /// Refused for another reason: shown.
    Refused(Shown),
}

/// A lookup's answer as [`Found`]: "malformed" and "not found" let the next kind be tried.
fn found<T>(answer: Result<T, Failures>, page: impl FnOnce(T) -> Found) -> Found {
    match answer {
        Ok(data) => page(data),
        Err(failures) => match failures.first() {
            Some(failure) if matches!(failure.code.as_str(), "VALIDATION" | "NOT_FOUND") => {
                Found::Nothing
            }
            Some(failure) => Found::Refused(Shown::from(failure)),
            None => Found::Nothing,
        },
    }
}

/// `GET /search?q=`.
pub(crate) async fn get(
    State(web): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<SearchQuery>,
) -> Response {
    let shell = match shell(&web, &headers).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    let typed = query.q.trim();
    let mut refused = None;
    let lookups = [
        Lookup::Patient,
        Lookup::Din,
        Lookup::Donation,
        Lookup::Label,
        Lookup::Lot,
    ];
    for lookup in lookups {
        match lookup.run(&web, &shell, typed).await {
            Found::Page(url) => return Redirect::to(&url).into_response(),
            Found::Units(units) => {
                return render(
                    StatusCode::OK,
                    &SearchPage {
                        layout: shell.layout(),
                        query: typed.to_owned(),
                        units,
                        error: None,
                    },
                );
            }
            Found::Nothing => {}
            Found::Refused(shown) => refused = refused.or(Some(shown)),
        }
    }
    let status = refused
        .as_ref()
        .map_or(StatusCode::NOT_FOUND, |shown| status_for(&shown.code));
    render(
        status,
        &SearchPage {
            layout: shell.layout(),
            query: typed.to_owned(),
            units: Vec::new(),
            error: refused,
        },
    )
}

/// The kinds of identifier, in the order they are tried.
#[derive(Clone, Copy)]
enum Lookup {
    Patient,
    Din,
    Donation,
    Label,
    Lot,
}

impl Lookup {
    async fn run(self, web: &Web, shell: &Shell, typed: &str) -> Found {
        let viewer = &shell.visitor.viewer;
        match self {
            // Keys are `PAT` and digits with hyphens; the patient page asks the API.
            Lookup::Patient => {
                let looks_like_key = typed.len() > 3
                    && typed
                        .get(..3)
                        .is_some_and(|prefix| prefix.eq_ignore_ascii_case("PAT"))
                    && typed.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
                if looks_like_key {
                    Found::Page(format!("/patients/{}", typed.to_ascii_uppercase()))
                } else {
                    Found::Nothing
                }
            }
            Lookup::Din => {
                let answer = client::run::<UnitsByDin>(
                    web,
                    viewer,
                    documents::UNITS_BY_DIN,
                    json!({ "din": typed }),
                    None,
                )
                .await;
                found(answer, |data| match data.units_by_din.as_slice() {
                    [] => Found::Nothing,
                    [unit] => Found::Page(format!("/units/{}", unit.id)),
                    _ => Found::Units(data.units_by_din),
                })
            }
            // A DIN without units yet: the donation, for the roles that work on donations
            // (a clinician's search of a DIN stays among units).
            Lookup::Donation => {
                let reads_donations = ["TECHNICIAN", "ANALYST", "QA", "AUDITOR"]
                    .iter()
                    .any(|role| shell.has_role(role));
                if !reads_donations {
                    return Found::Nothing;
                }
                let answer = client::run_for_id(
                    web,
                    viewer,
                    documents::DONATION_BY_DIN,
                    json!({ "din": typed }),
                )
                .await;
                found(answer, |id| Found::Page(format!("/donations/{id}")))
            }
            // A label typed or scanned as its DIN then its product code, with a space between.
            Lookup::Label => {
                let Some((din, product_code)) = typed.rsplit_once(' ') else {
                    return Found::Nothing;
                };
                let answer = client::run_for_id(
                    web,
                    viewer,
                    documents::UNIT_BY_LABEL,
                    json!({ "din": din.trim(), "productCode": product_code }),
                )
                .await;
                found(answer, |id| Found::Page(format!("/units/{id}")))
            }
            Lookup::Lot => {
                if typed.is_empty() {
                    return Found::Nothing;
                }
                let answer = client::run_for_id(
                    web,
                    viewer,
                    documents::LOT_BY_CODE,
                    json!({ "code": typed }),
                )
                .await;
                found(answer, |id| Found::Page(format!("/lots/{id}")))
            }
        }
    }
}
