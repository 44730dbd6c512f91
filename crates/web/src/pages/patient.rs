//! `/patients/{key}`: a patient by opaque key.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use super::{Layout, error_page, render, shell};
use crate::{Shared, client, documents};

#[derive(Template)]
#[template(path = "patient.html")]
struct PatientPage {
    layout: Layout,
    key: String,
    registered_at: String,
    weight: String,
    orders: Vec<String>,
    administrations: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PatientData {
    patient_by_key: PatientRecord,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PatientRecord {
    key: String,
    registered_at: String,
    latest_weight: Option<Weight>,
    orders: Vec<Order>,
    administrations: Vec<Administration>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Weight {
    kilograms: String,
    measured_on: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Order {
    active: bool,
    dose_per_kg: i64,
    starts_on: String,
    allocations: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Administration {
    unit: Option<AdministeredUnit>,
    started_at: String,
    cells_per_kg: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AdministeredUnit {
    din_with_check_character: String,
}

/// `GET /patients/{key}`.
pub(crate) async fn get(
    State(web): State<Shared>,
    headers: HeaderMap,
    Path(key): Path<String>,
) -> Response {
    let shell = match shell(&web, &headers).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    let answer: Result<PatientData, _> = client::run(
        &web,
        &shell.visitor.viewer,
        documents::PATIENT,
        serde_json::json!({ "key": key }),
        None,
    )
    .await;
    let patient = match answer {
        Ok(data) => data.patient_by_key,
        Err(failures) => return error_page(Some(shell.layout()), &failures),
    };
    let page = PatientPage {
        layout: shell.layout(),
        key: patient.key,
        registered_at: shell.time.show(&patient.registered_at),
        weight: patient.latest_weight.map_or_else(
            || "none recorded".to_owned(),
            |weight| format!("{} kg on {}", weight.kilograms, weight.measured_on),
        ),
        orders: patient
            .orders
            .iter()
            .map(|order| {
                format!(
                    "{} cells/kg from {}, {} unit(s) allocated{}",
                    order.dose_per_kg,
                    order.starts_on,
                    order.allocations.len(),
                    if order.active {
                        ""
                    } else {
                        " (no longer active)"
                    }
                )
            })
            .collect(),
        administrations: patient
            .administrations
            .iter()
            .map(|administration| {
                format!(
                    "{} started {}, {} cells/kg",
                    administration
                        .unit
                        .as_ref()
                        .map_or("unit", |unit| unit.din_with_check_character.as_str()),
                    shell.time.show(&administration.started_at),
                    administration.cells_per_kg
                )
            })
            .collect(),
    };
    render(StatusCode::OK, &page)
}
