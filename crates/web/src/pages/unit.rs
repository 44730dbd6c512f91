//! `/units/{id}`: one unit, as its label and its custody say, with the custody forms of a
//! technician (`unit_actions`): storage by one scan of a location, dispatch naming the
//! destination and the person who receives it, and receipt by that person.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::form::{Fields, Refused};
use super::unit_actions::{self, Action, NotDone};
use super::{Layout, Shell, Shown, error_page, posted_shell, render, shell, status_for};
use crate::{Shared, Web, client, csrf, documents};

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    layout: Layout,
    csrf: String,
    /// Whether the custody forms of a technician are offered (the API decides anyway).
    technician: bool,
    /// Whether the label links are offered: technicians and QA print labels.
    prints_labels: bool,
    unit: UnitRecord,
    expires_at: String,
    custody: String,
    done: Option<&'static str>,
    refused: Option<Refused>,
}

impl UnitPage {
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

    /// The custody state the forms follow.
    fn state(&self) -> &str {
        &self.unit.custody.state
    }
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
    dispatched_by: Option<Person>,
    dispatched_at: Option<String>,
    receiver: Option<Person>,
    received_by: Option<Person>,
    received_at: Option<String>,
    arrival_temperature_celsius: Option<String>,
    arrival_condition: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Person {
    printed_name: String,
}

/// `?done=`: which form of the page was just done.
#[derive(Deserialize)]
pub(crate) struct Done {
    done: Option<Action>,
}

/// `GET /units/{id}`.
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

/// `POST /units/{id}/{action}`: one custody form. Done, it goes back to the page; refused,
/// the page comes back with what was typed and why, and nothing was written.
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
    // The unit is the one of the URL, read back through the API.
    let unit_id = match read(&web, &shell, &id).await {
        Ok(unit) => unit.id,
        Err(response) => return response,
    };
    match unit_actions::run(&web, &shell, action, &unit_id, &fields).await {
        Ok(()) => Redirect::to(&format!("/units/{unit_id}?done={}", action.name())).into_response(),
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
            page(&web, &shell, &unit_id, None, Some(refused)).await
        }
    }
}

/// Reads the unit `id`, or answers with the API's refusal.
async fn read(web: &Web, shell: &Shell, id: &str) -> Result<UnitRecord, Response> {
    client::run::<UnitData>(
        web,
        &shell.visitor.viewer,
        documents::UNIT,
        serde_json::json!({ "id": id }),
        None,
    )
    .await
    .map(|data| data.unit)
    .map_err(|failures| error_page(Some(shell.layout()), &failures))
}

/// The page of unit `id`, with a note of what was just done or the refused form.
async fn page(
    web: &Web,
    shell: &Shell,
    id: &str,
    done: Option<&'static str>,
    refused: Option<Refused>,
) -> Response {
    let unit = match read(web, shell, id).await {
        Ok(unit) => unit,
        Err(response) => return response,
    };
    let at = |instant: &Option<String>| {
        instant
            .as_deref()
            .map(|at| shell.time.show(at))
            .unwrap_or_default()
    };
    let name = |person: &Option<Person>| {
        person
            .as_ref()
            .map_or("?", |person| person.printed_name.as_str())
            .to_owned()
    };
    let custody = &unit.custody;
    let custody = match custody.state.as_str() {
        "IN_TRANSIT" => format!(
            "in transit to {} for {}, dispatched {} by {}",
            custody.destination.as_deref().unwrap_or("?"),
            name(&custody.receiver),
            at(&custody.dispatched_at),
            name(&custody.dispatched_by),
        ),
        "RECEIVED" => format!(
            "received at {} on {} by {}, at {} °C, {}",
            custody.destination.as_deref().unwrap_or("?"),
            at(&custody.received_at),
            name(&custody.received_by),
            custody
                .arrival_temperature_celsius
                .as_deref()
                .unwrap_or("?"),
            custody
                .arrival_condition
                .as_deref()
                .unwrap_or("?")
                .to_lowercase(),
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
    let status = refused
        .as_ref()
        .map_or(StatusCode::OK, |refused| status_for(&refused.shown.code));
    render(
        status,
        &UnitPage {
            layout: shell.layout(),
            csrf: csrf::form_token(&shell.token),
            technician: shell.has_role("TECHNICIAN"),
            prints_labels: shell.has_role("TECHNICIAN") || shell.has_role("QA"),
            expires_at: shell.time.show(&unit.expires_at),
            custody,
            unit,
            done,
            refused,
        },
    )
}
