//! `/`: the shell, with what the signed-in user's roles work on.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::Utc;
use serde::Deserialize;

use super::donors;
use super::follow_ups::FollowUp;
use super::lab_worklist::{self, LabWorklist};
use super::patient::thaw_shown;
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
    /// Frozen, or thawed with the use-by time and the minutes left.
    thaw: String,
}

/// An active order with fewer units allocated than infusions scheduled.
struct UnallocatedOrder {
    patient_key: String,
    dose_per_kg: i64,
    starts_on: String,
    missing: usize,
}

/// A donor whose eligibility determination a technician requested, waiting for QA.
struct AwaitingDetermination {
    id: String,
    key: String,
    requested_at: String,
}

/// What waits for QA here: the determinations requested.
struct QaWorklist {
    determinations: Vec<AwaitingDetermination>,
    /// Why the list could not be read, if it could not.
    error: Option<Shown>,
}

/// A follow-up visit whose window is open, or closed without a visit.
struct VisitDue {
    patient_key: String,
    follow_up: FollowUp,
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
    unallocated: Vec<UnallocatedOrder>,
    visits: Vec<VisitDue>,
    /// Why the clinic list could not be read, if it could not.
    error: Option<Shown>,
    /// A technician's worklist.
    lab: Option<LabWorklist>,
    /// QA's worklist.
    qa: Option<QaWorklist>,
}

#[derive(Deserialize)]
struct ClinicData {
    patients: Vec<ClinicPatient>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ClinicPatient {
    key: String,
    follow_ups: Vec<FollowUp>,
    orders: Vec<ClinicOrder>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ClinicOrder {
    active: bool,
    dose_per_kg: i64,
    schedule_days: Vec<i64>,
    starts_on: String,
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
    let (worklist, clinic_error) = if is_clinician {
        let answer: Result<ClinicData, _> = client::run(
            &web,
            &shell.visitor.viewer,
            documents::CLINIC,
            serde_json::json!({}),
            None,
        )
        .await;
        match answer {
            Ok(data) => (worklist(&shell.time, data), None),
            Err(failures) => (Worklist::default(), shown(&failures)),
        }
    } else {
        (Worklist::default(), None)
    };
    let lab = if shell.has_role("TECHNICIAN") {
        Some(lab_worklist::read(&web, &shell).await)
    } else {
        None
    };
    let qa = if shell.has_role("QA") {
        Some(match donors::all(&web, &shell).await {
            Ok(donors) => QaWorklist {
                determinations: donors
                    .into_iter()
                    .filter_map(|donor| {
                        let requested_at = shell.time.show(donor.determination_requested_at()?);
                        Some(AwaitingDetermination {
                            id: donor.id,
                            key: donor.key,
                            requested_at,
                        })
                    })
                    .collect(),
                error: None,
            },
            Err(failures) => QaWorklist {
                determinations: Vec::new(),
                error: shown(&failures),
            },
        })
    } else {
        None
    };
    let page = HomePage {
        layout: shell.layout(),
        printed_name: shell.me.printed_name.clone(),
        roles: shell.me.roles.clone(),
        time_zone: shell.time.name().to_owned(),
        is_clinician,
        units: worklist.units,
        unallocated: worklist.unallocated,
        visits: worklist.visits,
        error: clinic_error,
        lab,
        qa,
    };
    render(StatusCode::OK, &page)
}

/// What waits for a clinician.
#[derive(Default)]
struct Worklist {
    units: Vec<ReadyUnit>,
    unallocated: Vec<UnallocatedOrder>,
    visits: Vec<VisitDue>,
}

fn worklist(time: &crate::time::FacilityTime, data: ClinicData) -> Worklist {
    let now = Utc::now();
    let mut worklist = Worklist::default();
    for patient in data.patients {
        worklist.visits.extend(
            patient
                .follow_ups
                .into_iter()
                .filter(FollowUp::needs_attention)
                .map(|follow_up| VisitDue {
                    patient_key: patient.key.clone(),
                    follow_up,
                }),
        );
        for order in patient.orders.into_iter().filter(|order| order.active) {
            let missing = order
                .schedule_days
                .len()
                .saturating_sub(order.allocations.len());
            if missing > 0 {
                worklist.unallocated.push(UnallocatedOrder {
                    patient_key: patient.key.clone(),
                    dose_per_kg: order.dose_per_kg,
                    starts_on: order.starts_on.clone(),
                    missing,
                });
            }
            for allocation in order.allocations {
                let Some(unit) = allocation.unit else {
                    continue;
                };
                worklist.units.push(ReadyUnit {
                    patient_key: patient.key.clone(),
                    din: unit.din_with_check_character,
                    product_code: unit.product_code,
                    lot_code: unit.lot_code.unwrap_or_default(),
                    dose_per_kg: order.dose_per_kg,
                    allocated_at: time.show(&allocation.allocated_at),
                    thaw: thaw_shown(
                        time,
                        allocation.thawed_at.as_deref(),
                        allocation.use_by.as_deref(),
                        now,
                    ),
                });
            }
        }
    }
    worklist
}
