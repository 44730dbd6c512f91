//! `/patients/{key}`: a patient's page, with the forms a clinician uses there: weights,
//! orders (signed), the allocation, ward receipt and thaw of units, follow-up visits and
//! adverse events, and the course of the disease drawn over time with the infusions marked.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use super::follow_ups::FollowUp;
use super::form::{Fields, Refused};
use super::patient_actions::{self, Action, NotDone};
use super::{Layout, Shell, Shown, error_page, posted_shell, render, shell, status_for};
use crate::charts::course::{Measure, course};
use crate::time::FacilityTime;
use crate::{Shared, Web, client, csrf, documents};

#[derive(Template)]
#[template(path = "patient.html")]
struct PatientPage {
    layout: Layout,
    csrf: String,
    /// Whether the forms of a clinician are offered (the API decides anyway).
    clinician: bool,
    signer: String,
    time_zone: &'static str,
    today: String,
    now_local: String,
    patient: PatientShown,
    /// The course of the disease, as SVG made here.
    charts: Vec<String>,
    done: Option<&'static str>,
    refused: Option<Refused>,
}

impl PatientPage {
    /// The value to show in `name` of `form`: what was typed when that form was refused,
    /// otherwise `default`.
    fn value<'a>(&'a self, form: &str, name: &str, default: &'a str) -> &'a str {
        self.refused
            .as_ref()
            .and_then(|refused| refused.value(form, name))
            .unwrap_or(default)
    }

    /// The refusal of `form`, if that form was refused.
    fn error_of(&self, form: &str) -> Option<&Shown> {
        self.refused
            .as_ref()
            .filter(|refused| refused.form == form)
            .map(|refused| &refused.shown)
    }

    /// Whether the refusal of `form` concerns its field `name`.
    fn concerns(&self, form: &str, name: &str) -> bool {
        self.refused
            .as_ref()
            .is_some_and(|refused| refused.form == form && refused.field.as_deref() == Some(name))
    }
}

/// The patient, as the page shows it.
struct PatientShown {
    id: String,
    key: String,
    registered_at: String,
    personal: Option<PersonalShown>,
    weights: Vec<(String, String)>,
    orders: Vec<OrderShown>,
    administrations: Vec<AdministrationShown>,
    follow_ups: Vec<FollowUp>,
    visits: Vec<VisitShown>,
    adverse_events: Vec<AdverseEventShown>,
}

struct PersonalShown {
    full_name: String,
    date_of_birth: String,
    hospital_record_number: String,
    wristband_id: String,
    redacted: bool,
}

struct OrderShown {
    id: String,
    active: bool,
    dose_per_kg: i64,
    schedule: String,
    starts_on: String,
    ordered_at: String,
    cancel_reason: String,
    allocations: Vec<AllocationShown>,
    /// Whether another unit may be allocated (fewer units than scheduled infusions).
    open: bool,
}

struct AllocationShown {
    unit_id: String,
    din: String,
    product_code: String,
    lot_code: String,
    allocated_at: String,
    thaw: String,
    /// The unit is on its way to the ward: the ward receives it.
    in_transit: bool,
    /// The unit may be thawed: at the ward or in storage, and not yet thawed.
    thawable: bool,
}

struct AdministrationShown {
    id: String,
    din: String,
    started_at: String,
    ended_at: String,
    volume_ml: String,
    cells_per_kg: i64,
    reactions: String,
}

struct VisitShown {
    visited_on: String,
    follows_up: bool,
    sledai2k: String,
    proteinuria: String,
    creatinine: String,
    albumin: String,
    c3: String,
    c4: String,
    anti_dsdna: String,
    prednisone: String,
    others: String,
}

struct AdverseEventShown {
    term: String,
    grade: i64,
    serious: bool,
    relatedness: String,
    onset_on: String,
    resolved_on: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PatientData {
    patient_by_key: PatientRecord,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PatientRecord {
    id: String,
    key: String,
    registered_at: String,
    weights: Vec<Weight>,
    orders: Vec<Order>,
    administrations: Vec<Administration>,
    follow_ups: Vec<FollowUp>,
    visits: Vec<Visit>,
    adverse_events: Vec<AdverseEvent>,
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
    id: String,
    active: bool,
    dose_per_kg: i64,
    schedule_days: Vec<i64>,
    starts_on: String,
    ordered_at: String,
    cancel_reason: Option<String>,
    allocations: Vec<Allocation>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Allocation {
    unit_id: String,
    unit: Option<UnitReference>,
    allocated_at: String,
    thawed_at: Option<String>,
    use_by: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UnitReference {
    din_with_check_character: String,
    product_code: String,
    lot_code: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Administration {
    id: String,
    unit: Option<UnitReference>,
    started_at: String,
    ended_at: String,
    volume_ml: String,
    cells_per_kg: i64,
    reactions: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Visit {
    visited_on: String,
    administration_ids: Vec<String>,
    sledai2k: Option<i64>,
    proteinuria_g_per_day: Option<String>,
    creatinine_umol_per_l: Option<String>,
    albumin_g_per_l: Option<String>,
    c3_g_per_l: Option<String>,
    c4_g_per_l: Option<String>,
    anti_dsdna_iu_per_ml: Option<String>,
    prednisone_mg_per_day: Option<String>,
    other_immunosuppressants: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AdverseEvent {
    term: String,
    grade: i64,
    serious: bool,
    relatedness: String,
    onset_on: String,
    resolved_on: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PersonalData {
    patient_by_key: PersonalOf,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PersonalOf {
    personal_data: Option<Personal>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Personal {
    full_name: Option<String>,
    date_of_birth: Option<String>,
    hospital_record_number: Option<String>,
    wristband_id: Option<String>,
    redacted_at: Option<String>,
}

#[derive(Deserialize)]
struct UnitData {
    unit: UnitCustodyOf,
}

#[derive(Deserialize)]
struct UnitCustodyOf {
    custody: Custody,
}

#[derive(Deserialize)]
struct Custody {
    state: String,
}

/// `?done=`: what was just done (a form of the page, or the registration).
#[derive(Deserialize)]
pub(crate) struct Done {
    done: Option<String>,
}

impl Done {
    /// What the page says about it.
    fn message(&self) -> Option<&'static str> {
        let done = self.done.as_deref()?;
        if done == REGISTERED {
            return Some("Patient registered. Record a weight before an order is dosed.");
        }
        Action::ALL
            .into_iter()
            .find(|action| action.name() == done)
            .map(Action::done)
    }
}

/// `?done=` after the registration of the patient.
pub(crate) const REGISTERED: &str = "registered";

/// `GET /patients/{key}`.
pub(crate) async fn get(
    State(web): State<Shared>,
    headers: HeaderMap,
    Path(key): Path<String>,
    Query(done): Query<Done>,
) -> Response {
    let shell = match shell(&web, &headers).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    page(&web, &shell, &key, done.message(), None).await
}

/// `POST /patients/{key}/{action}`: one form of the page. Done, it goes back to the page
/// (post, redirect, get: a reload sends nothing again); refused, the page comes back with
/// what was typed and why, next to the form.
pub(crate) async fn post(
    State(web): State<Shared>,
    headers: HeaderMap,
    Path((key, action)): Path<(String, Action)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let fields = Fields(fields);
    let shell = match posted_shell(&web, &headers, &fields).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    // The patient is the one of the URL, read back through the API: a forged id in the form
    // cannot point the action at someone else.
    let record = match read(&web, &shell, &key).await {
        Ok(record) => record,
        Err(response) => return response,
    };
    match patient_actions::run(&web, &shell, action, &record.id, &fields).await {
        Ok(()) => Redirect::to(&format!("/patients/{}?done={}", record.key, action.name()))
            .into_response(),
        Err(not_done) => {
            let (shown, field) = match not_done {
                NotDone::Field(problem) => (problem.shown(), Some(problem.field)),
                NotDone::Refused(failures) => match failures.first() {
                    Some(failure) => (Shown::from(failure), None),
                    None => return super::internal_error(),
                },
            };
            let refused = Refused {
                form: action.name(),
                fields,
                shown,
                field,
            };
            page(&web, &shell, &key, None, Some(refused)).await
        }
    }
}

/// Reads the patient `key` or answers with the API's refusal.
async fn read(web: &Web, shell: &Shell, key: &str) -> Result<PatientRecord, Response> {
    client::run::<PatientData>(
        web,
        &shell.visitor.viewer,
        documents::PATIENT,
        serde_json::json!({ "key": key }),
        None,
    )
    .await
    .map(|data| data.patient_by_key)
    .map_err(|failures| error_page(Some(shell.layout()), &failures))
}

/// The page of patient `key`, with a note of what was just done or the refused form.
async fn page(
    web: &Web,
    shell: &Shell,
    key: &str,
    done: Option<&'static str>,
    refused: Option<Refused>,
) -> Response {
    let record = match read(web, shell, key).await {
        Ok(record) => record,
        Err(response) => return response,
    };
    let clinician = shell.has_role("CLINICIAN");
    let personal = if clinician {
        personal(web, shell, key).await
    } else {
        None
    };
    let charts = course_charts(&shell.time, &record);
    let now = Utc::now();
    let mut orders = Vec::new();
    for order in record.orders {
        orders.push(order_shown(web, shell, order, now).await);
    }
    let patient = PatientShown {
        id: record.id,
        key: record.key,
        registered_at: shell.time.show(&record.registered_at),
        personal,
        weights: record
            .weights
            .into_iter()
            .map(|weight| (weight.kilograms, weight.measured_on))
            .collect(),
        orders,
        administrations: record
            .administrations
            .into_iter()
            .map(|administration| AdministrationShown {
                id: administration.id,
                din: administration
                    .unit
                    .map(|unit| unit.din_with_check_character)
                    .unwrap_or_default(),
                started_at: shell.time.show(&administration.started_at),
                ended_at: shell.time.show(&administration.ended_at),
                volume_ml: administration.volume_ml,
                cells_per_kg: administration.cells_per_kg,
                reactions: if administration.reactions.is_empty() {
                    "none".to_owned()
                } else {
                    administration.reactions.join("; ")
                },
            })
            .collect(),
        follow_ups: record.follow_ups,
        visits: record.visits.iter().map(visit_shown).collect(),
        adverse_events: record
            .adverse_events
            .into_iter()
            .map(|event| AdverseEventShown {
                term: event.term,
                grade: event.grade,
                serious: event.serious,
                relatedness: event.relatedness,
                onset_on: event.onset_on,
                resolved_on: event.resolved_on.unwrap_or_default(),
            })
            .collect(),
    };
    let status = refused
        .as_ref()
        .map_or(StatusCode::OK, |refused| status_for(&refused.shown.code));
    render(
        status,
        &PatientPage {
            layout: shell.layout(),
            csrf: csrf::form_token(&shell.token),
            clinician,
            signer: shell.me.printed_name.clone(),
            time_zone: shell.time.name(),
            today: now.with_timezone(&shell.time.0).date_naive().to_string(),
            now_local: shell.time.input_value(now),
            charts,
            patient,
            done,
            refused,
        },
    )
}

/// The patient's personal data, or `None` when the API does not give it to this viewer.
async fn personal(web: &Web, shell: &Shell, key: &str) -> Option<PersonalShown> {
    let data: PersonalData = client::run(
        web,
        &shell.visitor.viewer,
        documents::PATIENT_PERSONAL,
        serde_json::json!({ "key": key }),
        None,
    )
    .await
    .ok()?;
    let personal = data.patient_by_key.personal_data?;
    Some(PersonalShown {
        full_name: personal.full_name.unwrap_or_default(),
        date_of_birth: personal
            .date_of_birth
            .unwrap_or_else(|| "not recorded".to_owned()),
        hospital_record_number: personal
            .hospital_record_number
            .unwrap_or_else(|| "not recorded".to_owned()),
        wristband_id: personal.wristband_id.unwrap_or_default(),
        redacted: personal.redacted_at.is_some(),
    })
}

async fn order_shown(web: &Web, shell: &Shell, order: Order, now: DateTime<Utc>) -> OrderShown {
    let mut allocations = Vec::new();
    for allocation in &order.allocations {
        allocations.push(allocation_shown(web, shell, allocation, now).await);
    }
    OrderShown {
        open: order.active && order.allocations.len() < order.schedule_days.len(),
        id: order.id,
        active: order.active,
        dose_per_kg: order.dose_per_kg,
        schedule: order
            .schedule_days
            .iter()
            .map(|day| format!("day {day}"))
            .collect::<Vec<_>>()
            .join(", "),
        starts_on: order.starts_on,
        ordered_at: shell.time.show(&order.ordered_at),
        cancel_reason: order.cancel_reason.unwrap_or_default(),
        allocations,
    }
}

async fn allocation_shown(
    web: &Web,
    shell: &Shell,
    allocation: &Allocation,
    now: DateTime<Utc>,
) -> AllocationShown {
    let custody = if allocation.thawed_at.is_none() {
        client::run::<UnitData>(
            web,
            &shell.visitor.viewer,
            documents::UNIT,
            serde_json::json!({ "id": allocation.unit_id }),
            None,
        )
        .await
        .ok()
        .map(|data| data.unit.custody.state)
    } else {
        None
    };
    let in_transit = custody.as_deref() == Some("IN_TRANSIT");
    let unit = allocation.unit.as_ref();
    AllocationShown {
        unit_id: allocation.unit_id.clone(),
        din: unit
            .map(|unit| unit.din_with_check_character.clone())
            .unwrap_or_default(),
        product_code: unit
            .map(|unit| unit.product_code.clone())
            .unwrap_or_default(),
        lot_code: unit
            .and_then(|unit| unit.lot_code.clone())
            .unwrap_or_default(),
        allocated_at: shell.time.show(&allocation.allocated_at),
        thaw: thaw_shown(
            &shell.time,
            allocation.thawed_at.as_deref(),
            allocation.use_by.as_deref(),
            now,
        ),
        in_transit,
        thawable: allocation.thawed_at.is_none() && custody.is_some() && !in_transit,
    }
}

/// The thaw of an allocated unit: frozen, or thawed with its use-by time and what is left.
pub(crate) fn thaw_shown(
    time: &FacilityTime,
    thawed_at: Option<&str>,
    use_by: Option<&str>,
    now: DateTime<Utc>,
) -> String {
    match (thawed_at, use_by) {
        (Some(thawed), Some(use_by)) => format!(
            "thawed {}, use by {} ({})",
            time.show(thawed),
            time.show(use_by),
            time_left(use_by, now)
        ),
        (Some(thawed), None) => format!("thawed {}", time.show(thawed)),
        _ => "frozen, not thawed".to_owned(),
    }
}

/// What is left of a use-by window at `now` (the web server's clock), in words.
pub(crate) fn time_left(use_by: &str, now: DateTime<Utc>) -> String {
    match DateTime::parse_from_rfc3339(use_by) {
        Ok(use_by) => {
            let minutes = (use_by.with_timezone(&Utc) - now).num_minutes();
            if minutes > 0 {
                format!("{minutes} min left")
            } else {
                "use-by time passed: do not infuse".to_owned()
            }
        }
        Err(_) => String::new(),
    }
}

/// SLEDAI-2K, proteinuria and the prednisone dose over time, with the infusions marked (on
/// their date in the facility's zone). The values are drawn only: the tables below show them
/// exactly as recorded.
fn course_charts(time: &FacilityTime, record: &PatientRecord) -> Vec<String> {
    let infusions: Vec<NaiveDate> = record
        .administrations
        .iter()
        .filter_map(|administration| {
            DateTime::parse_from_rfc3339(&administration.started_at)
                .ok()
                .map(|instant| instant.with_timezone(&time.0).date_naive())
        })
        .collect();
    let series = |value: &dyn Fn(&Visit) -> Option<f64>| -> Vec<(NaiveDate, f64)> {
        record
            .visits
            .iter()
            .filter_map(|visit| {
                let date = visit.visited_on.parse::<NaiveDate>().ok()?;
                Some((date, value(visit)?))
            })
            .collect()
    };
    let decimal = |text: &Option<String>| text.as_deref().and_then(|text| text.parse::<f64>().ok());
    vec![
        course(
            "course-sledai",
            &Measure::SLEDAI_2K,
            &series(&|visit| visit.sledai2k.map(|score| score as f64)),
            &infusions,
        ),
        course(
            "course-proteinuria",
            &Measure::PROTEINURIA,
            &series(&|visit| decimal(&visit.proteinuria_g_per_day)),
            &infusions,
        ),
        course(
            "course-prednisone",
            &Measure::PREDNISONE,
            &series(&|visit| decimal(&visit.prednisone_mg_per_day)),
            &infusions,
        ),
    ]
}

fn visit_shown(visit: &Visit) -> VisitShown {
    let or_dash = |value: &Option<String>| value.clone().unwrap_or_else(|| "–".to_owned());
    VisitShown {
        visited_on: visit.visited_on.clone(),
        follows_up: !visit.administration_ids.is_empty(),
        sledai2k: visit
            .sledai2k
            .map_or_else(|| "–".to_owned(), |score| score.to_string()),
        proteinuria: or_dash(&visit.proteinuria_g_per_day),
        creatinine: or_dash(&visit.creatinine_umol_per_l),
        albumin: or_dash(&visit.albumin_g_per_l),
        c3: or_dash(&visit.c3_g_per_l),
        c4: or_dash(&visit.c4_g_per_l),
        anti_dsdna: or_dash(&visit.anti_dsdna_iu_per_ml),
        prednisone: or_dash(&visit.prednisone_mg_per_day),
        others: visit.other_immunosuppressants.join("; "),
    }
}
