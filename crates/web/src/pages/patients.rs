//! `/patients`: the patients, and the registration of a new one (clinicians).

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use super::form::{Fields, Refused};
use super::patient::REGISTERED;
use super::{Layout, Shell, Shown, error_page, posted_shell, render, shell, status_for};
use crate::{Shared, Web, client, csrf, documents};

#[derive(Template)]
#[template(path = "patients.html")]
struct PatientsPage {
    layout: Layout,
    csrf: String,
    clinician: bool,
    patients: Vec<PatientRow>,
    refused: Option<Refused>,
}

impl PatientsPage {
    fn value<'a>(&'a self, name: &str) -> &'a str {
        self.refused
            .as_ref()
            .and_then(|refused| refused.value("register", name))
            .unwrap_or("")
    }
}

struct PatientRow {
    key: String,
    registered_at: String,
    weight: String,
    active_orders: usize,
    administrations: usize,
}

#[derive(Deserialize)]
struct PatientsData {
    patients: Vec<PatientListed>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PatientListed {
    key: String,
    registered_at: String,
    latest_weight: Option<Weight>,
    orders: Vec<OrderListed>,
    administrations: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Weight {
    kilograms: String,
    measured_on: String,
}

#[derive(Deserialize)]
struct OrderListed {
    active: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Registered {
    register_patient: Key,
}

#[derive(Deserialize)]
struct Key {
    key: String,
}

/// `GET /patients`.
pub(crate) async fn get(State(web): State<Shared>, headers: HeaderMap) -> Response {
    let shell = match shell(&web, &headers).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    page(&web, &shell, None).await
}

/// `POST /patients`: `registerPatient`, then the new patient's page.
pub(crate) async fn post(
    State(web): State<Shared>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let fields = Fields(fields);
    let shell = match posted_shell(&web, &headers, &fields).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    let answer: Result<Registered, _> = client::run(
        &web,
        &shell.visitor.viewer,
        documents::REGISTER_PATIENT,
        json!({ "personalData": {
            "fullName": fields.text("full_name"),
            "dateOfBirth": fields.optional("date_of_birth"),
            "hospitalRecordNumber": fields.optional("hospital_record_number"),
            "wristbandId": fields.text("wristband_id"),
        }}),
        None,
    )
    .await;
    match answer {
        Ok(data) => Redirect::to(&format!(
            "/patients/{}?done={REGISTERED}",
            data.register_patient.key
        ))
        .into_response(),
        Err(failures) => {
            let Some(failure) = failures.first() else {
                return super::internal_error();
            };
            let refused = Refused {
                form: "register",
                fields,
                shown: Shown::from(failure),
                field: None,
            };
            page(&web, &shell, Some(refused)).await
        }
    }
}

async fn page(web: &Web, shell: &Shell, refused: Option<Refused>) -> Response {
    let data: PatientsData = match client::run(
        web,
        &shell.visitor.viewer,
        documents::PATIENTS,
        json!({}),
        None,
    )
    .await
    {
        Ok(data) => data,
        Err(failures) => return error_page(Some(shell.layout()), &failures),
    };
    let patients = data
        .patients
        .into_iter()
        .map(|patient| PatientRow {
            registered_at: shell.time.show(&patient.registered_at),
            weight: patient.latest_weight.map_or_else(
                || "none recorded".to_owned(),
                |weight| format!("{} kg on {}", weight.kilograms, weight.measured_on),
            ),
            active_orders: patient.orders.iter().filter(|order| order.active).count(),
            administrations: patient.administrations.len(),
            key: patient.key,
        })
        .collect();
    let status = refused
        .as_ref()
        .map_or(StatusCode::OK, |refused| status_for(&refused.shown.code));
    render(
        status,
        &PatientsPage {
            layout: shell.layout(),
            csrf: csrf::form_token(&shell.token),
            clinician: shell.has_role("CLINICIAN"),
            patients,
            refused,
        },
    )
}
