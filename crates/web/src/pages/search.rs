//! `/search`: one box that goes straight to what was typed or scanned.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Layout, render, shell};
use crate::Shared;

/// The query string.
#[derive(Deserialize)]
pub(crate) struct SearchQuery {
    #[serde(default)]
    q: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct NotFoundPage {
    layout: Layout,
    query: String,
}

/// `GET /search?q=`: a patient key goes to the patient's page; a DIN or a unit label to the
/// bedside, where a unit is identified by every barcode of its label; anything else is not
/// found. The patient page asks the API, which answers NOT_FOUND for an unknown key.
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
    // Only the shape of what was typed picks the page; what exists is the API's answer there.
    let looks_like_key = typed.len() > 3
        && typed
            .get(..3)
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case("PAT"))
        && typed.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if looks_like_key {
        let key = typed.to_ascii_uppercase();
        return Redirect::to(&format!("/patients/{key}")).into_response();
    }
    if typed.starts_with('=') || typed.starts_with('&') {
        return Redirect::to("/bedside").into_response();
    }
    render(
        StatusCode::NOT_FOUND,
        &NotFoundPage {
            layout: shell.layout(),
            query: typed.to_owned(),
        },
    )
}
