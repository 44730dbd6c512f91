//! `/specifications`: every version of every release specification, newest first within its
//! product kind, each with its tests and acceptance criteria in words, and, for QA, the import
//! of the default UC-MSC drug product specification shipped with cordtrace. Defining a new
//! version stays with the API (`defineSpecification`) and its clients: a version is a reviewed
//! document, not a form filled in at a screen.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use super::form::Fields;
use super::{Layout, Shell, Shown, error_page, posted_shell, render, shell, status_for};
use crate::{Shared, Web, client, csrf, documents};

#[derive(Template)]
#[template(path = "specifications.html")]
struct SpecificationsPage {
    layout: Layout,
    csrf: String,
    may_import: bool,
    specifications: Vec<SpecificationShown>,
    imported: bool,
    error: Option<Shown>,
}

struct SpecificationShown {
    id: String,
    product_kind: String,
    version: i64,
    effective_on: String,
    title: String,
    /// "imported at installation" or "defined by a user".
    origin: &'static str,
    defined_at: String,
    tests: Vec<SpecificationTest>,
}

#[derive(Deserialize)]
struct SpecificationsData {
    specifications: Vec<Specification>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Specification {
    id: String,
    product_kind: String,
    version: i64,
    effective_on: String,
    title: String,
    defined_by: Option<String>,
    defined_at: String,
    tests: Vec<SpecificationTest>,
}

#[derive(Deserialize)]
struct SpecificationTest {
    code: String,
    name: String,
    method: String,
    unit: Option<String>,
    criterion: Criterion,
    requirement: String,
}

#[derive(Deserialize)]
struct Criterion {
    text: String,
}

/// `?imported=1`.
#[derive(Deserialize)]
pub(crate) struct ListQuery {
    imported: Option<String>,
}

/// `GET /specifications`.
pub(crate) async fn list(
    State(web): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<ListQuery>,
) -> Response {
    let shell = match shell(&web, &headers).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    page(&web, &shell, query.imported.is_some(), None).await
}

/// `POST /specifications/import-default`: `importDefaultSpecification`.
pub(crate) async fn import_default(
    State(web): State<Shared>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let fields = Fields(fields);
    let shell = match posted_shell(&web, &headers, &fields).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    let answer = client::run::<serde_json::Value>(
        &web,
        &shell.visitor.viewer,
        documents::IMPORT_DEFAULT_SPECIFICATION,
        json!({}),
        None,
    )
    .await;
    match answer {
        Ok(_) => Redirect::to("/specifications?imported=1").into_response(),
        Err(failures) => match failures.first() {
            Some(failure) => page(&web, &shell, false, Some(Shown::from(failure))).await,
            None => super::internal_error(),
        },
    }
}

async fn page(web: &Web, shell: &Shell, imported: bool, error: Option<Shown>) -> Response {
    let data: SpecificationsData = match client::run(
        web,
        &shell.visitor.viewer,
        documents::SPECIFICATIONS,
        json!({}),
        None,
    )
    .await
    {
        Ok(data) => data,
        Err(failures) => return error_page(Some(shell.layout()), &failures),
    };
    let mut specifications = data.specifications;
    // By product kind, the version in force (the newest) first.
    specifications.sort_by(|a, b| {
        a.product_kind
            .cmp(&b.product_kind)
            .then(b.version.cmp(&a.version))
    });
    let status = error
        .as_ref()
        .map_or(StatusCode::OK, |shown| status_for(&shown.code));
    render(
        status,
        &SpecificationsPage {
            layout: shell.layout(),
            csrf: csrf::form_token(&shell.token),
            may_import: shell.has_role("QA"),
            specifications: specifications
                .into_iter()
                .map(|specification| SpecificationShown {
                    defined_at: shell.time.show(&specification.defined_at),
                    origin: if specification.defined_by.is_some() {
                        "defined by a user"
                    } else {
                        "imported at installation"
                    },
                    id: specification.id,
                    product_kind: specification.product_kind,
                    version: specification.version,
                    effective_on: specification.effective_on,
                    title: specification.title,
                    tests: specification.tests,
                })
                .collect(),
            imported,
            error,
        },
    )
}
