//! `/donations`: the cord donations with their receipt, and the registration of a new one for
//! a donor under a scanned or typed DIN (checked as it is typed, [`super::din_check`]) or one
//! the API assigns under the installation's FIN; `/donations/{id}`: a donation and its receipt
//! at the lab, with the transit time and, past the configured limit, the over-limit flag.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Value, json};

use super::connection::{Connection, every_page};
use super::donors;
use super::form::{Fields, Problem, Refused};
use super::lot_actions::{self, EQUIPMENT, MATERIAL_LOTS, NotDone};
use super::{Layout, Shell, Shown, error_page, posted_shell, render, shell, status_for};
use crate::client::{Failure, Failures};
use crate::time::FacilityTime;
use crate::{Shared, Web, assets, client, csrf, documents};

#[derive(Template)]
#[template(path = "donations.html")]
struct DonationsPage {
    layout: Layout,
    htmx: String,
    csrf: String,
    /// Whether the registration is offered (technicians register donations; the API decides).
    technician: bool,
    time_zone: &'static str,
    now_local: String,
    /// The donors to register a donation for, and the one chosen.
    donors: Vec<(String, String)>,
    donor: String,
    donations: Vec<DonationRow>,
    refused: Option<Refused>,
}

impl DonationsPage {
    fn value<'a>(&'a self, name: &str, default: &'a str) -> &'a str {
        self.refused
            .as_ref()
            .and_then(|refused| refused.value("register", name))
            .unwrap_or(default)
    }

    /// Whether the refusal concerns the field `name`.
    fn concerns(&self, name: &str) -> bool {
        self.refused
            .as_ref()
            .is_some_and(|refused| refused.field.as_deref() == Some(name))
    }
}

/// A donation as lists show it.
pub(crate) struct DonationRow {
    pub(crate) id: String,
    pub(crate) din: String,
    pub(crate) donor_id: String,
    pub(crate) donor_key: String,
    pub(crate) collected_at: String,
    pub(crate) site: String,
    /// Received when, with the transit time and its flag, or not yet.
    pub(crate) receipt: String,
    pub(crate) received: bool,
}

#[derive(Deserialize)]
struct DonationsData {
    donations: Connection<DonationListed>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DonationListed {
    pub(crate) id: String,
    pub(crate) din_with_check: String,
    pub(crate) donor: DonorKey,
    pub(crate) collected_at: String,
    pub(crate) collected_at_utc: String,
    site: String,
    pub(crate) receipt: Option<ListedReceipt>,
}

#[derive(Deserialize)]
pub(crate) struct DonorKey {
    pub(crate) id: String,
    pub(crate) key: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListedReceipt {
    received_at: String,
    hours_since_collection: f64,
    over_time_limit: bool,
}

impl DonationListed {
    /// The donation as a row, its times in the facility's zone.
    pub(crate) fn row(self, time: &FacilityTime) -> DonationRow {
        DonationRow {
            receipt: self.receipt.as_ref().map_or_else(
                || "not received yet".to_owned(),
                |receipt| {
                    format!(
                        "received {}, {}",
                        time.show(&receipt.received_at),
                        transit_words(receipt.hours_since_collection, receipt.over_time_limit)
                    )
                },
            ),
            received: self.receipt.is_some(),
            id: self.id,
            din: self.din_with_check,
            donor_id: self.donor.id,
            donor_key: self.donor.key,
            collected_at: time.show(&self.collected_at),
            site: self.site,
        }
    }
}

/// The transit time in words, and the flag the API set when it passed the limit.
fn transit_words(hours: f64, over_limit: bool) -> String {
    if over_limit {
        format!("{hours:.2} hours in transit: OVER THE TRANSIT TIME LIMIT")
    } else {
        format!("{hours:.2} hours in transit, within the limit")
    }
}

/// Every donation, page by page, in registration order.
pub(crate) async fn all(web: &Web, shell: &Shell) -> Result<Vec<DonationListed>, Failures> {
    every_page(
        web,
        shell,
        documents::DONATIONS,
        json!({}),
        |data: DonationsData| data.donations,
    )
    .await
}

/// `?donor=`: the donor to register a donation for, preselected.
#[derive(Deserialize)]
pub(crate) struct ForDonor {
    donor: Option<String>,
}

/// `GET /donations`.
pub(crate) async fn list(
    State(web): State<Shared>,
    headers: HeaderMap,
    Query(for_donor): Query<ForDonor>,
) -> Response {
    let shell = match shell(&web, &headers).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    list_page(&web, &shell, for_donor.donor.unwrap_or_default(), None).await
}

/// How the form gives the DIN: the button pressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Entry {
    /// As scanned or typed into the DIN field.
    Given,
    /// Assigned by the API under the installation's FIN.
    Assigned,
}

/// `DinEntryInput` for the DIN field: data structure 001 as a scanner sends it starts with
/// `=`; anything else is the eye-readable DIN with its check character. The API parses both.
fn din_entry(entry: Entry, fields: &Fields) -> Result<Value, Problem> {
    match entry {
        Entry::Assigned => Ok(json!({ "assign": true })),
        Entry::Given => {
            let din = fields.required("din", "The DIN")?;
            Ok(if din.starts_with('=') {
                json!({ "scanned": din })
            } else {
                json!({ "typed": din })
            })
        }
    }
}

/// The field a refusal of the registration concerns: the DIN for an ISBT 128 reason.
fn field_of(failure: &Failure) -> Option<String> {
    const ISBT128: [&str; 3] = ["DIN_", "FIN_", "FLAG_"];
    failure
        .reasons
        .iter()
        .any(|reason| ISBT128.iter().any(|prefix| reason.code.starts_with(prefix)))
        .then(|| "din".to_owned())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Registered {
    register_donation: Id,
}

#[derive(Deserialize)]
struct Id {
    id: String,
}

/// `POST /donations`: `registerDonation`, then its page.
pub(crate) async fn register(
    State(web): State<Shared>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let fields = Fields(fields);
    let shell = match posted_shell(&web, &headers, &fields).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    let entry = if fields.text("entry") == "assign" {
        Entry::Assigned
    } else {
        Entry::Given
    };
    let donor = fields.text("donor_id").to_owned();
    let refused = |shown: Shown, field: Option<String>| Refused {
        form: "register",
        fields: fields.clone(),
        shown,
        field,
    };
    let variables = match registration(&shell, entry, &fields) {
        Ok(variables) => variables,
        Err(problem) => {
            let refused = refused(problem.shown(), Some(problem.field));
            return list_page(&web, &shell, donor, Some(refused)).await;
        }
    };
    let answer: Result<Registered, _> = client::run(
        &web,
        &shell.visitor.viewer,
        documents::REGISTER_DONATION,
        variables,
        None,
    )
    .await;
    match answer {
        Ok(data) => Redirect::to(&format!(
            "/donations/{}?done=registered",
            data.register_donation.id
        ))
        .into_response(),
        Err(failures) => {
            let Some(failure) = failures.first() else {
                return super::internal_error();
            };
            let refused = refused(Shown::from(failure), field_of(failure));
            list_page(&web, &shell, donor, Some(refused)).await
        }
    }
}

/// `registerDonation`'s variables.
fn registration(shell: &Shell, entry: Entry, fields: &Fields) -> Result<Value, Problem> {
    Ok(json!({ "donation": {
        "donorId": fields.required("donor_id", "The donor")?,
        "din": din_entry(entry, fields)?,
        "collectedAt": local_time(shell, fields, "collected_at", "the time of recovery")?,
        "site": fields.required("site", "The site")?,
    }}))
}

/// The `datetime-local` field `name`, read in the facility's zone.
fn local_time(shell: &Shell, fields: &Fields, name: &str, what: &str) -> Result<String, Problem> {
    shell.time.parse_input(fields.text(name)).ok_or_else(|| {
        Problem::new(
            name,
            format!("{what} must be a date and time in {}", shell.time.name()),
        )
    })
}

async fn list_page(web: &Web, shell: &Shell, donor: String, refused: Option<Refused>) -> Response {
    let donations = match all(web, shell).await {
        Ok(donations) => donations,
        Err(failures) => return error_page(Some(shell.layout()), &failures),
    };
    let technician = shell.has_role("TECHNICIAN");
    let donors = if technician {
        match donors::all(web, shell).await {
            Ok(donors) => donors
                .into_iter()
                .map(|donor| (donor.id, donor.key))
                .collect(),
            Err(failures) => return error_page(Some(shell.layout()), &failures),
        }
    } else {
        Vec::new()
    };
    let status = refused
        .as_ref()
        .map_or(StatusCode::OK, |refused| status_for(&refused.shown.code));
    render(
        status,
        &DonationsPage {
            layout: shell.layout(),
            htmx: assets::href("htmx.min.js"),
            csrf: csrf::form_token(&shell.token),
            technician,
            time_zone: shell.time.name(),
            now_local: shell.time.input_value(Utc::now()),
            donors,
            donor,
            donations: donations
                .into_iter()
                .rev()
                .map(|donation| donation.row(&shell.time))
                .collect(),
            refused,
        },
    )
}

// --- A donation's page -----------------------------------------------------------------------

#[derive(Template)]
#[template(path = "donation.html")]
struct DonationPage {
    layout: Layout,
    csrf: String,
    technician: bool,
    time_zone: &'static str,
    now_local: String,
    donation: DonationShown,
    done: Option<&'static str>,
    refused: Option<Refused>,
    /// The step form's field names the batch record reads.
    equipment_field: &'static str,
    material_field: &'static str,
}

impl DonationPage {
    /// The value to show in `name` of `form`: what was typed when that form was refused,
    /// otherwise `default`.
    fn value<'a>(&'a self, form: &str, name: &str, default: &'a str) -> &'a str {
        self.refused
            .as_ref()
            .and_then(|refused| refused.value(form, name))
            .unwrap_or(default)
    }

    /// Whether the refusal of `form` concerns its field `name`.
    fn concerns(&self, form: &str, name: &str) -> bool {
        self.refused
            .as_ref()
            .is_some_and(|refused| refused.form == form && refused.field.as_deref() == Some(name))
    }

    /// The refusal of `form`, if it was the one refused.
    fn error_of(&self, form: &str) -> Option<Shown> {
        self.refused
            .as_ref()
            .filter(|refused| refused.form == form)
            .map(|refused| refused.shown.clone())
    }
}

struct DonationShown {
    id: String,
    din: String,
    source: &'static str,
    donor_id: String,
    donor_key: String,
    flags: Vec<String>,
    collected_at: String,
    site: String,
    registered_at: String,
    receipt: Option<ReceiptShown>,
}

struct ReceiptShown {
    received_at: String,
    temperature: String,
    condition: String,
    transit: String,
    over_limit: bool,
}

#[derive(Deserialize)]
struct DonationData {
    donation: Donation,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Donation {
    id: String,
    din_with_check: String,
    din_source: String,
    donor: DonorKey,
    flags: Vec<String>,
    collected_at: String,
    site: String,
    registered_at: String,
    receipt: Option<Receipt>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Receipt {
    received_at: String,
    transport_temperature: String,
    condition: String,
    minutes_since_collection: i64,
    hours_since_collection: f64,
    over_time_limit: bool,
}

/// `?done=`.
#[derive(Deserialize)]
pub(crate) struct Done {
    done: Option<String>,
}

impl Done {
    fn message(&self) -> Option<&'static str> {
        match self.done.as_deref()? {
            "registered" => {
                Some("Donation registered. Record its receipt when it reaches the lab.")
            }
            "received" => Some("Receipt recorded."),
            _ => None,
        }
    }
}

/// `GET /donations/{id}`.
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
    page(&web, &shell, &id, done.message(), None).await
}

/// `POST /donations/{id}/tissue-processing`: the first step of the batch record, from the
/// received donation; done, the page of the cord tissue lot it made.
pub(crate) async fn tissue_processing(
    State(web): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let fields = Fields(fields);
    let shell = match posted_shell(&web, &headers, &fields).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    let (shown, field) = match lot_actions::start_from_donation(&web, &shell, &id, &fields).await {
        Ok(lot_id) => return Redirect::to(&format!("/lots/{lot_id}?done=step")).into_response(),
        Err(NotDone::Field(problem)) => (problem.shown(), Some(problem.field)),
        Err(NotDone::Refused { failures, field }) => match failures.first() {
            Some(failure) => (Shown::from(failure), field.map(str::to_owned)),
            None => return super::internal_error(),
        },
    };
    let refused = Refused {
        form: TISSUE_FORM,
        fields,
        shown,
        field,
    };
    page(&web, &shell, &id, None, Some(refused)).await
}

/// The donation page's form that starts the batch record.
const TISSUE_FORM: &str = "tissue";

/// `POST /donations/{id}/receive`: `receiveDonation`.
pub(crate) async fn receive(
    State(web): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let fields = Fields(fields);
    let shell = match posted_shell(&web, &headers, &fields).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    let (shown, field) = match local_time(&shell, &fields, "received_at", "the time of arrival") {
        Err(problem) => (problem.shown(), Some(problem.field)),
        Ok(received_at) => {
            let variables = json!({ "donationId": id, "receipt": {
                "receivedAt": received_at,
                "transportTemperature": fields.text("temperature"),
                "condition": fields.text("condition"),
            }});
            let answer = client::run::<Value>(
                &web,
                &shell.visitor.viewer,
                documents::RECEIVE_DONATION,
                variables,
                None,
            )
            .await;
            match answer {
                Ok(_) => {
                    return Redirect::to(&format!("/donations/{id}?done=received")).into_response();
                }
                Err(failures) => match failures.first() {
                    Some(failure) => (Shown::from(failure), None),
                    None => return super::internal_error(),
                },
            }
        }
    };
    let refused = Refused {
        form: "receive",
        fields,
        shown,
        field,
    };
    page(&web, &shell, &id, None, Some(refused)).await
}

async fn page(
    web: &Web,
    shell: &Shell,
    id: &str,
    done: Option<&'static str>,
    refused: Option<Refused>,
) -> Response {
    let donation = match client::run::<DonationData>(
        web,
        &shell.visitor.viewer,
        documents::DONATION,
        json!({ "id": id }),
        None,
    )
    .await
    {
        Ok(data) => data.donation,
        Err(failures) => return error_page(Some(shell.layout()), &failures),
    };
    let shown = DonationShown {
        id: donation.id,
        din: donation.din_with_check,
        source: match donation.din_source.as_str() {
            "SCANNED" => "scanned from its barcode",
            "TYPED" => "typed with its check character",
            "ASSIGNED" => "assigned by cordtrace under the installation's FIN",
            _ => "unknown",
        },
        donor_id: donation.donor.id,
        donor_key: donation.donor.key,
        flags: donation.flags,
        collected_at: shell.time.show(&donation.collected_at),
        site: donation.site,
        registered_at: shell.time.show(&donation.registered_at),
        receipt: donation.receipt.map(|receipt| ReceiptShown {
            received_at: shell.time.show(&receipt.received_at),
            temperature: receipt.transport_temperature,
            condition: receipt.condition,
            transit: format!(
                "{} ({} minutes)",
                transit_words(receipt.hours_since_collection, receipt.over_time_limit),
                receipt.minutes_since_collection
            ),
            over_limit: receipt.over_time_limit,
        }),
    };
    let status = refused
        .as_ref()
        .map_or(StatusCode::OK, |refused| status_for(&refused.shown.code));
    render(
        status,
        &DonationPage {
            layout: shell.layout(),
            csrf: csrf::form_token(&shell.token),
            technician: shell.has_role("TECHNICIAN"),
            time_zone: shell.time.name(),
            now_local: shell.time.input_value(Utc::now()),
            donation: shown,
            done,
            refused,
            equipment_field: EQUIPMENT,
            material_field: MATERIAL_LOTS,
        },
    )
}
