//! `/lots/{id}`: one lot as its electronic batch record: its place among its parents and
//! children, its steps in order with who did them, what they measured and used, its
//! deviations and its units; for a technician, the forms that record the next step, open a
//! deviation from a step, fill units and complete the lot (`lot_actions`).
//!
//! `/measurements/check` answers, as the technician types a measurement, whether the value is
//! within its kind's range: the domain's own parser decides, the one `recordStep` runs.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use cordtrace_domain::manufacturing::Measurement;
use cordtrace_domain::refusal::Refuse;
use serde::Deserialize;

use super::form::{Fields, Refused};
use super::lot_actions::{self, Action, NotDone};
use super::{Layout, Shell, Shown, error_page, posted_shell, render, shell, status_for};
use crate::{Shared, Web, assets, client, csrf, documents};

#[derive(Template)]
#[template(path = "lot.html")]
struct LotPage {
    layout: Layout,
    csrf: String,
    htmx: String,
    /// Whether the forms of a technician are offered (the API decides anyway).
    technician: bool,
    /// Whether the label sheet is offered: technicians and QA print labels.
    prints_labels: bool,
    time_zone: &'static str,
    now_local: String,
    lot: LotShown,
    steps: Vec<StepShown>,
    deviations: Vec<DeviationShown>,
    units: Vec<UnitListed>,
    measurements: Vec<MeasurementField>,
    done: Option<&'static str>,
    refused: Option<Refused>,
}

impl LotPage {
    /// The value to show in `name` of `form`: what was typed when that form was refused,
    /// otherwise `default`.
    fn value<'a>(&'a self, form: &str, name: &str, default: &'a str) -> &'a str {
        self.refused
            .as_ref()
            .and_then(|refused| refused.value(form, name))
            .unwrap_or(default)
    }

    /// Whether `option` is the choice to show in the select `name` of `form`.
    fn selected(&self, form: &str, name: &str, default: &str, option: &str) -> bool {
        self.value(form, name, default) == option
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

    /// Whether the refusal of `form` names no field of it (shown above the form).
    fn unplaced(&self, form: &str) -> bool {
        self.refused
            .as_ref()
            .is_some_and(|refused| refused.form == form && refused.field.is_none())
    }

    /// Whether the deviation form of step `step_id` was the one refused.
    fn deviation_refused(&self, step_id: &str) -> bool {
        self.refused.as_ref().is_some_and(|refused| {
            refused.form == Action::Deviation.name() && refused.fields.text("step_id") == step_id
        })
    }

    /// The refusal of a form this page no longer holds for the viewer, shown at the top since
    /// it has no form to stand by: a form loaded before the lot left IN_PROCESS (refused as
    /// WRONG_LOT_STATE), a deviation from a step not listed, or a forged post.
    fn refused_elsewhere(&self) -> Option<&Shown> {
        let refused = self.refused.as_ref()?;
        let form = refused.form;
        let held = self.technician
            && if form == Action::Step.name() || form == Action::Complete.name() {
                self.lot.in_process
            } else if form == Action::Fill.name() {
                self.lot.fillable
            } else {
                let step_id = refused.fields.text("step_id");
                step_id.is_empty() || self.steps.iter().any(|step| step.id == step_id)
            };
        (!held).then_some(&refused.shown)
    }
}

/// The lot, as the page shows it.
struct LotShown {
    id: String,
    code: String,
    kind: String,
    bank_level: String,
    status: String,
    flags: Vec<String>,
    created_at: String,
    parents: Vec<LotSummary>,
    children: Vec<LotSummary>,
    /// Units may be filled: a drug product lot in process.
    fillable: bool,
    /// The lot may be completed: in process (the API checks its steps are closed).
    in_process: bool,
}

struct StepShown {
    id: String,
    kind: String,
    sop: String,
    started_at: String,
    ended_at: String,
    operator: String,
    donation: String,
    inputs: Vec<LotReference>,
    outputs: Vec<LotReference>,
    measurements: Vec<String>,
    equipment: Vec<String>,
    material_lots: Vec<String>,
    notes: String,
}

struct DeviationShown {
    severity: String,
    description: String,
    /// The kind of the step it was opened from, and when that step started.
    step: String,
    open: bool,
    opened_by: String,
    opened_at: String,
    conclusion: String,
}

/// A measurement's field of the step form, with the unit and range the API documents.
struct MeasurementField {
    kind: &'static str,
    unit: &'static str,
    field: String,
    description: String,
}

#[derive(Deserialize)]
struct LotData {
    lot: LotRecord,
    steps: Vec<StepRecord>,
    deviations: Vec<DeviationRecord>,
    units: Vec<UnitListed>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LotRecord {
    id: String,
    code: String,
    kind: String,
    bank_level: Option<String>,
    status: String,
    flags: Vec<String>,
    created_at: String,
    parents: Vec<LotSummary>,
    children: Vec<LotSummary>,
}

#[derive(Deserialize)]
struct LotSummary {
    id: String,
    code: String,
    kind: String,
    status: String,
}

#[derive(Deserialize)]
struct LotReference {
    id: String,
    code: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StepRecord {
    id: String,
    kind: String,
    sop_id: String,
    sop_version: String,
    operator: Person,
    started_at: String,
    ended_at: Option<String>,
    donation: Option<DonationReference>,
    inputs: Vec<LotReference>,
    outputs: Vec<LotReference>,
    measurements: Vec<MeasurementRecord>,
    equipment: Vec<EquipmentRecord>,
    material_lots: Vec<MaterialRecord>,
    notes: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Person {
    printed_name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DonationReference {
    din: String,
    din_check_character: String,
}

#[derive(Deserialize)]
struct MeasurementRecord {
    kind: String,
    value: String,
    unit: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EquipmentRecord {
    asset_tag: String,
    kind: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MaterialRecord {
    material: String,
    supplier: String,
    supplier_lot: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeviationRecord {
    step_id: Option<String>,
    severity: String,
    description: String,
    open: bool,
    opened_by: Person,
    opened_at: String,
    conclusion: Option<String>,
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

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KindsData {
    #[serde(rename = "__type")]
    kinds: Option<EnumType>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EnumType {
    enum_values: Vec<EnumValue>,
}

#[derive(Deserialize)]
struct EnumValue {
    name: String,
    description: Option<String>,
}

/// `?done=`: which form of the page was just done.
#[derive(Deserialize)]
pub(crate) struct Done {
    done: Option<Action>,
}

/// `GET /lots/{id}`.
pub(crate) async fn get(
    State(web): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Response {
    let shell = match shell(&web, &headers).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    page(&web, &shell, &id, done.done.map(Action::done), None).await
}

/// `POST /lots/{id}/{action}`: one form of the batch record. Done, it goes back to the page
/// (post, redirect, get); refused, the page comes back with what was typed and why, next to
/// the field the refusal concerns, and nothing was written.
pub(crate) async fn post(
    State(web): State<Shared>,
    headers: HeaderMap,
    Path((id, action)): Path<(String, Action)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let fields = Fields(fields);
    let shell = match posted_shell(&web, &headers, &fields).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    // The lot is the one of the URL, read back through the API: a forged id in the form
    // cannot point the action at another lot.
    let lot_id = match read(&web, &shell, &id).await {
        Ok(data) => data.lot.id,
        Err(response) => return response,
    };
    match lot_actions::run(&web, &shell, action, &lot_id, &fields).await {
        Ok(()) => Redirect::to(&format!("/lots/{lot_id}?done={}", action.name())).into_response(),
        Err(not_done) => {
            let (shown, field) = match not_done {
                NotDone::Field(problem) => (problem.shown(), Some(problem.field)),
                NotDone::Refused { failures, field } => match failures.first() {
                    Some(failure) => (Shown::from(failure), field.map(str::to_owned)),
                    None => return super::internal_error(),
                },
            };
            let refused = Refused {
                form: action.name(),
                fields,
                shown,
                field,
            };
            page(&web, &shell, &lot_id, None, Some(refused)).await
        }
    }
}

/// Reads the lot `id` with its steps, deviations and units, or answers with the refusal.
async fn read(web: &Web, shell: &Shell, id: &str) -> Result<LotData, Response> {
    client::run::<LotData>(
        web,
        &shell.visitor.viewer,
        documents::LOT,
        serde_json::json!({ "id": id }),
        None,
    )
    .await
    .map_err(|failures| error_page(Some(shell.layout()), &failures))
}

/// The page of lot `id`, with a note of what was just done or the refused form.
async fn page(
    web: &Web,
    shell: &Shell,
    id: &str,
    done: Option<&'static str>,
    refused: Option<Refused>,
) -> Response {
    let data = match read(web, shell, id).await {
        Ok(data) => data,
        Err(response) => return response,
    };
    let technician = shell.has_role("TECHNICIAN");
    let measurements = if technician {
        measurement_fields(web, shell).await
    } else {
        Vec::new()
    };
    let time = &shell.time;
    let lot = data.lot;
    let steps: Vec<StepShown> = data
        .steps
        .into_iter()
        .map(|step| StepShown {
            sop: format!("{} version {}", step.sop_id, step.sop_version),
            started_at: time.show(&step.started_at),
            ended_at: step
                .ended_at
                .as_deref()
                .map_or_else(|| "still open".to_owned(), |at| time.show(at)),
            operator: step.operator.printed_name,
            donation: step
                .donation
                .map(|donation| format!("{} {}", donation.din, donation.din_check_character))
                .unwrap_or_default(),
            inputs: step.inputs,
            outputs: step.outputs,
            measurements: step
                .measurements
                .into_iter()
                .map(|m| format!("{}: {} {}", m.kind, m.value, m.unit))
                .collect(),
            equipment: step
                .equipment
                .into_iter()
                .map(|e| format!("{} ({})", e.asset_tag, e.kind))
                .collect(),
            material_lots: step
                .material_lots
                .into_iter()
                .map(|m| format!("{} lot {} of {}", m.material, m.supplier_lot, m.supplier))
                .collect(),
            notes: step.notes.unwrap_or_default(),
            id: step.id,
            kind: step.kind,
        })
        .collect();
    let deviations = data
        .deviations
        .into_iter()
        .map(|deviation| DeviationShown {
            step: deviation
                .step_id
                .and_then(|step_id| steps.iter().find(|step| step.id == step_id))
                .map(|step| format!("{} step started {}", step.kind, step.started_at))
                .unwrap_or_else(|| "the lot".to_owned()),
            severity: deviation.severity,
            description: deviation.description,
            open: deviation.open,
            opened_by: deviation.opened_by.printed_name,
            opened_at: time.show(&deviation.opened_at),
            conclusion: deviation.conclusion.unwrap_or_default(),
        })
        .collect();
    let lot = LotShown {
        fillable: lot.kind == "DRUG_PRODUCT" && lot.status == "IN_PROCESS",
        in_process: lot.status == "IN_PROCESS",
        flags: lot.flags.iter().map(|flag| flag_words(flag)).collect(),
        created_at: time.show(&lot.created_at),
        bank_level: lot.bank_level.unwrap_or_default(),
        id: lot.id,
        code: lot.code,
        kind: lot.kind,
        status: lot.status,
        parents: lot.parents,
        children: lot.children,
    };
    let status = refused
        .as_ref()
        .map_or(StatusCode::OK, |refused| status_for(&refused.shown.code));
    render(
        status,
        &LotPage {
            layout: shell.layout(),
            csrf: csrf::form_token(&shell.token),
            htmx: assets::href("htmx.min.js"),
            technician,
            prints_labels: technician || shell.has_role("QA"),
            time_zone: time.name(),
            now_local: time.input_value(Utc::now()),
            lot,
            steps,
            deviations,
            units: data.units,
            measurements,
            done,
            refused,
        },
    )
}

/// A lot flag of the API, in words (a flag this page does not know yet, as the API names it).
fn flag_words(flag: &str) -> String {
    match flag {
        "MULTI_DONOR_POOL" => "multi-donor pool: material of several donors is in this lot",
        "DONOR_ELIGIBILITY_PENDING" => {
            "donor eligibility pending: the lot stays in quarantine until it is determined"
        }
        "DONOR_INELIGIBLE" => "a donor was determined ineligible: store apart and mark",
        "CONSENT_WITHDRAWN" => "a donor withdrew consent: no further use of the material",
        other => other,
    }
    .to_owned()
}

/// The step form's measurement fields: each kind with its unit (the domain's) and the range
/// the API's schema documents for it.
async fn measurement_fields(web: &Web, shell: &Shell) -> Vec<MeasurementField> {
    let described: Vec<EnumValue> = client::run::<KindsData>(
        web,
        &shell.visitor.viewer,
        documents::MEASUREMENT_KINDS,
        serde_json::json!({}),
        None,
    )
    .await
    .ok()
    .and_then(|data| data.kinds)
    .map(|kinds| kinds.enum_values)
    .unwrap_or_default();
    Measurement::KINDS
        .iter()
        .map(|&(kind, unit)| MeasurementField {
            kind,
            unit,
            field: lot_actions::measurement_field(kind),
            description: described
                .iter()
                .find(|value| value.name == kind)
                .and_then(|value| value.description.clone())
                .unwrap_or_else(|| kind.to_owned()),
        })
        .collect()
}

/// The answer of `/measurements/check`: one measurement's value against its range.
#[derive(Template)]
#[template(path = "measurement_check.html")]
struct MeasurementCheck {
    verdict: String,
    within: bool,
}

/// `GET /measurements/check?measurement_KIND=value`: whether the value typed is within its
/// kind's range, as a fragment the step form shows beside the field before it is sent.
pub(crate) async fn check(
    State(web): State<Shared>,
    headers: HeaderMap,
    Query(fields): Query<Vec<(String, String)>>,
) -> Response {
    if let Err(response) = shell(&web, &headers).await {
        return response;
    }
    let typed = fields.iter().find_map(|(name, value)| {
        Measurement::KINDS
            .iter()
            .find(|(kind, _)| lot_actions::measurement_field(kind) == *name)
            .map(|&(kind, unit)| (kind, unit, value.trim()))
    });
    let check = match typed {
        None | Some((_, _, "")) => MeasurementCheck {
            verdict: String::new(),
            within: true,
        },
        Some((kind, unit, value)) => match Measurement::parse(kind, value, unit) {
            Ok(_) => MeasurementCheck {
                verdict: format!("{value} {unit} is within its range."),
                within: true,
            },
            Err(error) => MeasurementCheck {
                verdict: format!("Out of range: {error} ({}).", error.code()),
                within: false,
            },
        },
    };
    render(StatusCode::OK, &check)
}
