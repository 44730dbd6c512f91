//! `/`: the shell, with what the signed-in user's roles work on.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use super::{Layout, Shown, render, shell, shown};
use crate::{Shared, client, documents};

/// One allocated unit of an active order, as the clinician's list shows it.
struct ReadyUnit {
    patient_key: String,
    din: String,
    product_code: String,
    lot_code: String,
    dose_per_kg: i64,
    allocated_at: String,
    thaw: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    printed_name: String,
    roles: Vec<String>,
    time_zone: String,
    is_clinician: bool,
    units: Vec<ReadyUnit>,
    /// Why the clinic list could not be read, if it could not.
    error: Option<Shown>,
}

#[derive(Deserialize)]
struct ClinicData {
    patients: Vec<ClinicPatient>,
}

#[derive(Deserialize)]
struct ClinicPatient {
    key: String,
    orders: Vec<ClinicOrder>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ClinicOrder {
    active: bool,
    dose_per_kg: i64,
    allocations: Vec<ClinicAllocation>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ClinicAllocation {
    unit: Option<UnitLabel>,
    allocated_at: String,
    thawed_at: Option<String>,
    use_by: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UnitLabel {
    din_with_check_character: String,
    product_code: String,
    lot_code: Option<String>,
}

/// `GET /`.
pub(crate) async fn get(State(web): State<Shared>, headers: HeaderMap) -> Response {
    let shell = match shell(&web, &headers).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    let is_clinician = shell.has_role("CLINICIAN");
    let (units, clinic_error) = if is_clinician {
        let answer: Result<ClinicData, _> = client::run(
            &web,
            &shell.visitor.viewer,
            documents::CLINIC,
            serde_json::json!({}),
            None,
        )
        .await;
        match answer {
            Ok(data) => (ready_units(&shell.time, data), None),
            Err(failures) => (Vec::new(), shown(&failures)),
        }
    } else {
        (Vec::new(), None)
    };
    let page = HomePage {
        layout: shell.layout(),
        printed_name: shell.me.printed_name.clone(),
        roles: shell.me.roles.clone(),
        time_zone: shell.time.name().to_owned(),
        is_clinician,
        units,
        error: clinic_error,
    };
    render(StatusCode::OK, &page)
}

fn ready_units(time: &crate::time::FacilityTime, data: ClinicData) -> Vec<ReadyUnit> {
    let mut units = Vec::new();
    for patient in data.patients {
        for order in patient.orders.into_iter().filter(|order| order.active) {
            for allocation in order.allocations {
                let Some(unit) = allocation.unit else {
                    continue;
                };
                let thaw = match (&allocation.thawed_at, &allocation.use_by) {
                    (Some(thawed), Some(use_by)) => {
                        format!("thawed {}, use by {}", time.show(thawed), time.show(use_by))
                    }
                    (Some(thawed), None) => format!("thawed {}", time.show(thawed)),
                    _ => "frozen (not thawed)".to_owned(),
                };
                units.push(ReadyUnit {
                    patient_key: patient.key.clone(),
                    din: unit.din_with_check_character,
                    product_code: unit.product_code,
                    lot_code: unit.lot_code.unwrap_or_default(),
                    dose_per_kg: order.dose_per_kg,
                    allocated_at: time.show(&allocation.allocated_at),
                    thaw,
                });
            }
        }
    }
    units
}
