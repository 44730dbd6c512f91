//! `/lots/{id}`: one lot, its place among its parents and children, and its units.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use super::{Layout, error_page, render, shell};
use crate::{Shared, client, documents};

#[derive(Template)]
#[template(path = "lot.html")]
struct LotPage {
    layout: Layout,
    lot: LotRecord,
    created_at: String,
    units: Vec<UnitListed>,
}

#[derive(Deserialize)]
struct LotData {
    lot: LotRecord,
    units: Vec<UnitListed>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LotRecord {
    id: String,
    code: String,
    kind: String,
    status: String,
    created_at: String,
    parents: Vec<LotSummary>,
    children: Vec<LotSummary>,
}

#[derive(Deserialize)]
struct LotSummary {
    id: String,
    code: String,
    status: String,
}

/// A unit in a list.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UnitListed {
    pub(crate) id: String,
    pub(crate) din: String,
    pub(crate) din_check_character: String,
    pub(crate) product_code: String,
    pub(crate) status: String,
}

/// `GET /lots/{id}`.
pub(crate) async fn get(
    State(web): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let shell = match shell(&web, &headers).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    let data = match client::run::<LotData>(
        &web,
        &shell.visitor.viewer,
        documents::LOT,
        serde_json::json!({ "id": id }),
        None,
    )
    .await
    {
        Ok(data) => data,
        Err(failures) => return error_page(Some(shell.layout()), &failures),
    };
    render(
        StatusCode::OK,
        &LotPage {
            layout: shell.layout(),
            created_at: shell.time.show(&data.lot.created_at),
            lot: data.lot,
            units: data.units,
        },
    )
}
