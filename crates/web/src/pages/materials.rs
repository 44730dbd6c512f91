//! `/materials`: the material lots with their QC status, expiry and supplier lot, and the
//! equipment with its calibration due date; a technician registers lots and equipment and
//! records calibrations, QA releases or rejects a material lot in QUARANTINE (or rejects a
//! released one). Each form is offered to the roles the API lets use it.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use serde_json::json;

use super::form::{Fields, Refused};
use super::materials_actions::{self, Action, NotDone};
use super::{Layout, Shell, Shown, error_page, posted_shell, render, shell, status_for};
use crate::{Shared, Web, client, csrf, documents};

#[derive(Template)]
#[template(path = "materials.html")]
struct MaterialsPage {
    layout: Layout,
    csrf: String,
    /// Registration of lots and equipment, and calibration, are offered (technicians, QA).
    registrar: bool,
    /// The QC decision is offered (QA).
    qa: bool,
    /// Who signs a QC decision here.
    signer: String,
    lots: Vec<MaterialLot>,
    equipment: Vec<EquipmentShown>,
    done: Option<&'static str>,
    refused: Option<Refused>,
}

impl MaterialsPage {
    /// The value to show in `name` of `form`: what was typed when that form was refused,
    /// otherwise `default`.
    fn value<'a>(&'a self, form: &str, name: &str, default: &'a str) -> &'a str {
        self.refused
            .as_ref()
            .and_then(|refused| refused.value(form, name))
            .unwrap_or(default)
    }

    /// The refusal of `form` for the record `id` (empty for the forms the page holds once).
    fn error_for(&self, form: &str, id: &str) -> Option<&Shown> {
        self.refused
            .as_ref()
            .filter(|refused| refused.form == form && refused.fields.text("id") == id)
            .map(|refused| &refused.shown)
    }

    /// The refusal of `form` for the record `id` that names no field (shown above the form).
    fn unplaced(&self, form: &str, id: &str) -> Option<&Shown> {
        self.error_for(form, id).filter(|_| {
            self.refused
                .as_ref()
                .is_some_and(|refused| refused.field.is_none())
        })
    }

    /// The refusal of a form this page does not offer the viewer (a forged post), shown at
    /// the top since it has no form to stand by.
    fn refused_elsewhere(&self) -> Option<&Shown> {
        let refused = self.refused.as_ref()?;
        let offered = if refused.form == Action::ReleaseMaterialLot.name()
            || refused.form == Action::RejectMaterialLot.name()
        {
            self.qa
        } else {
            self.registrar
        };
        (!offered).then_some(&refused.shown)
    }

    /// Whether the refusal of `form` concerns its field `name`.
    fn concerns(&self, form: &str, name: &str) -> bool {
        self.refused
            .as_ref()
            .is_some_and(|refused| refused.form == form && refused.field.as_deref() == Some(name))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MaterialsData {
    material_lots: Nodes<MaterialLot>,
    equipment_list: Nodes<Equipment>,
}

#[derive(Deserialize)]
struct Nodes<T> {
    nodes: Vec<T>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MaterialLot {
    id: String,
    material: String,
    supplier: String,
    supplier_lot: String,
    expires_on: String,
    qc_status: String,
    registered_at: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Equipment {
    id: String,
    asset_tag: String,
    kind: String,
    calibration_due: NaiveDate,
}

/// A piece of equipment, with whether its calibration is overdue today (a fact shown in
/// words; steps refuse overdue equipment in the API).
struct EquipmentShown {
    id: String,
    asset_tag: String,
    kind: String,
    calibration_due: NaiveDate,
    overdue: bool,
}

/// `?done=`: the form just done.
#[derive(Deserialize)]
pub(crate) struct Done {
    done: Option<String>,
}

/// `GET /materials`.
pub(crate) async fn get(
    State(web): State<Shared>,
    headers: HeaderMap,
    Query(done): Query<Done>,
) -> Response {
    let shell = match shell(&web, &headers).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    let done = Action::ALL
        .into_iter()
        .find(|action| done.done.as_deref() == Some(action.name()))
        .map(Action::done);
    page(&web, &shell, done, None).await
}

/// `POST /materials/{action}`: one form of the page. Done, it goes back to the page (post,
/// redirect, get); refused, the page comes back with what was typed and why.
pub(crate) async fn post(
    State(web): State<Shared>,
    headers: HeaderMap,
    Path(action): Path<Action>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let fields = Fields(fields);
    let shell = match posted_shell(&web, &headers, &fields).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    match materials_actions::run(&web, &shell, action, &fields).await {
        Ok(()) => Redirect::to(&format!("/materials?done={}", action.name())).into_response(),
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
            page(&web, &shell, None, Some(refused)).await
        }
    }
}

async fn page(
    web: &Web,
    shell: &Shell,
    done: Option<&'static str>,
    refused: Option<Refused>,
) -> Response {
    let data = match client::run::<MaterialsData>(
        web,
        &shell.visitor.viewer,
        documents::MATERIALS,
        json!({}),
        None,
    )
    .await
    {
        Ok(data) => data,
        Err(failures) => return error_page(Some(shell.layout()), &failures),
    };
    let today = Utc::now().with_timezone(&shell.time.0).date_naive();
    let lots = data
        .material_lots
        .nodes
        .into_iter()
        .map(|lot| MaterialLot {
            registered_at: shell.time.show(&lot.registered_at),
            ..lot
        })
        .collect();
    let equipment = data
        .equipment_list
        .nodes
        .into_iter()
        .map(|equipment| EquipmentShown {
            overdue: equipment.calibration_due < today,
            id: equipment.id,
            asset_tag: equipment.asset_tag,
            kind: equipment.kind,
            calibration_due: equipment.calibration_due,
        })
        .collect();
    let status = refused
        .as_ref()
        .map_or(StatusCode::OK, |refused| status_for(&refused.shown.code));
    render(
        status,
        &MaterialsPage {
            layout: shell.layout(),
            csrf: csrf::form_token(&shell.token),
            registrar: shell.has_role("TECHNICIAN") || shell.has_role("QA"),
            qa: shell.has_role("QA"),
            signer: shell.me.printed_name.clone(),
            lots,
            equipment,
            done,
            refused,
        },
    )
}
