//! `/units/{id}`: one unit, as its label and its custody say.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use super::{Layout, error_page, render, shell};
use crate::{Shared, client, documents};

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    layout: Layout,
    unit: UnitRecord,
    expires_at: String,
    custody: String,
}

#[derive(Deserialize)]
struct UnitData {
    unit: UnitRecord,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UnitRecord {
    id: String,
    din: String,
    din_check_character: String,
    product_code: String,
    division: String,
    volume_ml: String,
    cells: i64,
    expires_at: String,
    status: String,
    lot: LotSummary,
    location: Location,
    custody: Custody,
}

#[derive(Deserialize)]
struct LotSummary {
    id: String,
    code: String,
    status: String,
}

#[derive(Deserialize)]
struct Location {
    site: String,
    freezer: String,
    rack: String,
    #[serde(rename = "box")]
    container: String,
    position: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Custody {
    state: String,
    destination: Option<String>,
    dispatched_at: Option<String>,
    received_at: Option<String>,
}

/// `GET /units/{id}`.
pub(crate) async fn get(
    State(web): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let shell = match shell(&web, &headers).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    let unit = match client::run::<UnitData>(
        &web,
        &shell.visitor.viewer,
        documents::UNIT,
        serde_json::json!({ "id": id }),
        None,
    )
    .await
    {
        Ok(data) => data.unit,
        Err(failures) => return error_page(Some(shell.layout()), &failures),
    };
    let custody = match unit.custody.state.as_str() {
        "IN_TRANSIT" => format!(
            "in transit to {}, dispatched {}",
            unit.custody.destination.as_deref().unwrap_or("?"),
            unit.custody
                .dispatched_at
                .as_deref()
                .map(|at| shell.time.show(at))
                .unwrap_or_default()
        ),
        "RECEIVED" => format!(
            "received at {} on {}",
            unit.custody.destination.as_deref().unwrap_or("?"),
            unit.custody
                .received_at
                .as_deref()
                .map(|at| shell.time.show(at))
                .unwrap_or_default()
        ),
        _ => format!(
            "stored at {}, freezer {}, rack {}, box {}, position {}",
            unit.location.site,
            unit.location.freezer,
            unit.location.rack,
            unit.location.container,
            unit.location.position
        ),
    };
    render(
        StatusCode::OK,
        &UnitPage {
            layout: shell.layout(),
            expires_at: shell.time.show(&unit.expires_at),
            custody,
            unit,
        },
    )
}
