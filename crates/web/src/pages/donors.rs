//! `/donors`: the donors by opaque key with their eligibility and consent, and the
//! registration of a new one with her personal data (technicians and QA); `/donors/{id}`: a
//! donor's page with her consent, screening against the panel, eligibility and donations, and
//! the forms of [`super::donor_actions`]. A donor is named in a URL by her id, never by
//! anything personal.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;

use super::connection::{Connection, every_page};
use super::donor_actions::{self, Action};
use super::form::{Fields, Refused};
use super::{Layout, Shell, Shown, error_page, posted_shell, render, shell, status_for};
use crate::client::Failures;
use crate::{Shared, Web, client, csrf, documents};

/// Who enters donor data and reads her personal data: the roles the page offers the forms
/// to (the API decides).
const DONOR_STAFF: [&str; 2] = ["TECHNICIAN", "QA"];

fn is_donor_staff(shell: &Shell) -> bool {
    DONOR_STAFF.iter().any(|role| shell.has_role(role))
}

#[derive(Template)]
#[template(path = "donors.html")]
struct DonorsPage {
    layout: Layout,
    csrf: String,
    may_register: bool,
    donors: Vec<DonorRow>,
    refused: Option<Refused>,
}

impl DonorsPage {
    fn value<'a>(&'a self, name: &str) -> &'a str {
        self.refused
            .as_ref()
            .and_then(|refused| refused.value("register", name))
            .unwrap_or("")
    }
}

/// A donor as the list shows her.
pub(crate) struct DonorRow {
    pub(crate) id: String,
    pub(crate) key: String,
    pub(crate) registered_at: String,
    pub(crate) eligibility: String,
    pub(crate) consent: String,
    pub(crate) flags: String,
}

#[derive(Deserialize)]
struct DonorsData {
    donors: Connection<DonorListed>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DonorListed {
    pub(crate) id: String,
    pub(crate) key: String,
    registered_at: String,
    eligibility: EligibilityStatus,
    consent: Option<ConsentListed>,
    flags: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EligibilityStatus {
    status: String,
    requested_at: Option<String>,
}

impl DonorListed {
    /// When QA's determination of her eligibility was requested, while it waits.
    pub(crate) fn determination_requested_at(&self) -> Option<&str> {
        self.eligibility.requested_at.as_deref()
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConsentListed {
    signed_on: String,
    withdrawn_on: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Registered {
    register_donor: Id,
}

#[derive(Deserialize)]
struct Id {
    id: String,
}

/// Every donor, page by page, in registration order.
pub(crate) async fn all(web: &Web, shell: &Shell) -> Result<Vec<DonorListed>, Failures> {
    every_page(
        web,
        shell,
        documents::DONORS,
        json!({}),
        |data: DonorsData| data.donors,
    )
    .await
}

/// `GET /donors`.
pub(crate) async fn list(State(web): State<Shared>, headers: HeaderMap) -> Response {
    let shell = match shell(&web, &headers).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    list_page(&web, &shell, None).await
}

/// `POST /donors`: `registerDonor`, then her page.
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
    let answer: Result<Registered, _> = client::run(
        &web,
        &shell.visitor.viewer,
        documents::REGISTER_DONOR,
        json!({ "personalData": {
            "fullName": fields.text("full_name"),
            "dateOfBirth": fields.optional("date_of_birth"),
            "hospitalRecordNumber": fields.optional("hospital_record_number"),
            "contact": fields.optional("contact"),
        }}),
        None,
    )
    .await;
    match answer {
        Ok(data) => Redirect::to(&format!(
            "/donors/{}?done={REGISTERED}",
            data.register_donor.id
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
            list_page(&web, &shell, Some(refused)).await
        }
    }
}

async fn list_page(web: &Web, shell: &Shell, refused: Option<Refused>) -> Response {
    let donors = match all(web, shell).await {
        Ok(donors) => donors,
        Err(failures) => return error_page(Some(shell.layout()), &failures),
    };
    let status = refused
        .as_ref()
        .map_or(StatusCode::OK, |refused| status_for(&refused.shown.code));
    render(
        status,
        &DonorsPage {
            layout: shell.layout(),
            csrf: csrf::form_token(&shell.token),
            may_register: is_donor_staff(shell),
            donors: donors
                .into_iter()
                .map(|donor| DonorRow {
                    registered_at: shell.time.show(&donor.registered_at),
                    eligibility: eligibility_words(&donor.eligibility.status).to_owned(),
                    consent: match donor.consent {
                        None => "not recorded".to_owned(),
                        Some(ConsentListed {
                            withdrawn_on: Some(withdrawn_on),
                            ..
                        }) => format!("withdrawn on {withdrawn_on}"),
                        Some(consent) => format!("signed on {}", consent.signed_on),
                    },
                    flags: if donor.flags.is_empty() {
                        "none".to_owned()
                    } else {
                        donor.flags.join(", ")
                    },
                    id: donor.id,
                    key: donor.key,
                })
                .collect(),
            refused,
        },
    )
}

/// An eligibility status in words, with the status itself.
pub(crate) fn eligibility_words(status: &str) -> &'static str {
    match status {
        "ELIGIBLE" => "eligible (ELIGIBLE)",
        "INELIGIBLE" => "ineligible (INELIGIBLE)",
        "PENDING" => "awaiting QA's determination (PENDING)",
        _ => "unknown",
    }
}

// --- A donor's page --------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "donor.html")]
struct DonorPage {
    layout: Layout,
    csrf: String,
    /// Whether the forms of donor staff are offered (the API decides anyway).
    staff: bool,
    /// Whether QA's signed determination is offered.
    qa: bool,
    /// Whether the registration of a donation is offered (technicians register them).
    technician: bool,
    signer: String,
    today: String,
    donor: DonorShown,
    personal: Option<PersonalShown>,
    markers: Vec<MarkerShown>,
    window_days: i64,
    done: Option<&'static str>,
    refused: Option<Refused>,
}

impl DonorPage {
    /// What was typed in `name` of `form` when that form was refused, otherwise `default`.
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

struct DonorShown {
    id: String,
    key: String,
    registered_at: String,
    consent: Option<Consent>,
    eligibility: String,
    eligibility_status: String,
    eligibility_reasons: Vec<String>,
    determined: Option<String>,
    /// When QA's determination was requested, while it waits.
    requested: Option<String>,
    flags: Vec<String>,
    donations: Vec<DonationShown>,
}

struct PersonalShown {
    full_name: String,
    date_of_birth: String,
    hospital_record_number: String,
    contact: String,
    redacted: bool,
}

/// A marker of the panel with the results recorded for it.
struct MarkerShown {
    name: String,
    exclusionary: bool,
    results: String,
}

struct DonationShown {
    id: String,
    din: String,
    collected_at: String,
    received: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DonorData {
    donor: DonorRecord,
    screening_panel: Panel,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DonorRecord {
    id: String,
    key: String,
    registered_at: String,
    consent: Option<Consent>,
    screening: Vec<Screening>,
    eligibility: Eligibility,
    flags: Vec<String>,
    donations: Vec<DonorDonation>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Consent {
    form_id: String,
    form_version: String,
    signed_on: String,
    scope: Vec<String>,
    withdrawn_on: Option<String>,
    withdrawal_reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Screening {
    marker: String,
    method: String,
    result: String,
    specimen_date: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Eligibility {
    status: String,
    reasons: Vec<String>,
    determined_at: Option<String>,
    requested_at: Option<String>,
    signature: Option<Signature>,
}

#[derive(Deserialize)]
struct Signature {
    manifestation: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DonorDonation {
    id: String,
    din_with_check: String,
    collected_at: String,
    receipt: Option<Receipt>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Receipt {
    received_at: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Panel {
    markers: Vec<Marker>,
    window_days: i64,
}

#[derive(Deserialize)]
struct Marker {
    name: String,
    exclusionary: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PersonalData {
    donor: PersonalOf,
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
    contact: Option<String>,
    redacted_at: Option<String>,
}

/// `?done=`: what was just done (a form of the page, or the registration).
#[derive(Deserialize)]
pub(crate) struct Done {
    done: Option<String>,
}

impl Done {
    fn message(&self) -> Option<&'static str> {
        let done = self.done.as_deref()?;
        if done == REGISTERED {
            return Some("Donor registered. Record her consent and her screening results next.");
        }
        Action::ALL
            .into_iter()
            .find(|action| action.name() == done)
            .map(Action::done)
    }
}

/// `?done=` after the registration of the donor.
const REGISTERED: &str = "registered";

/// `GET /donors/{id}`.
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

/// `POST /donors/{id}/{action}`: one form of the page; done, back to the page (post, redirect,
/// get); refused, the page with what was typed and why next to the form.
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
    // The donor is the one of the URL, read back through the API (and the panel with her).
    let data = match read(&web, &shell, &id).await {
        Ok(data) => data,
        Err(response) => return response,
    };
    let markers: Vec<&str> = data
        .screening_panel
        .markers
        .iter()
        .map(|marker| marker.name.as_str())
        .collect();
    match donor_actions::run(&web, &shell, action, &data.donor.id, &markers, &fields).await {
        Ok(()) => Redirect::to(&format!("/donors/{}?done={}", data.donor.id, action.name()))
            .into_response(),
        Err(not_done) => {
            let Some((shown, field)) = not_done.shown() else {
                return super::internal_error();
            };
            let refused = Refused {
                form: action.name(),
                fields,
                shown,
                field,
            };
            page(&web, &shell, &id, None, Some(refused)).await
        }
    }
}

async fn read(web: &Web, shell: &Shell, id: &str) -> Result<DonorData, Response> {
    client::run::<DonorData>(
        web,
        &shell.visitor.viewer,
        documents::DONOR,
        json!({ "id": id }),
        None,
    )
    .await
    .map_err(|failures| error_page(Some(shell.layout()), &failures))
}

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
    let staff = is_donor_staff(shell);
    let personal = if staff {
        personal(web, shell, id).await
    } else {
        None
    };
    let record = data.donor;
    let markers = data
        .screening_panel
        .markers
        .into_iter()
        .map(|marker| {
            let results: Vec<String> = record
                .screening
                .iter()
                .filter(|test| test.marker == marker.name)
                .map(|test| {
                    format!(
                        "{} ({}, specimen of {})",
                        test.result, test.method, test.specimen_date
                    )
                })
                .collect();
            MarkerShown {
                results: if results.is_empty() {
                    "not tested".to_owned()
                } else {
                    results.join("; ")
                },
                name: marker.name,
                exclusionary: marker.exclusionary,
            }
        })
        .collect();
    let donor = DonorShown {
        id: record.id,
        key: record.key,
        registered_at: shell.time.show(&record.registered_at),
        consent: record.consent,
        eligibility: eligibility_words(&record.eligibility.status).to_owned(),
        eligibility_status: record.eligibility.status,
        eligibility_reasons: record.eligibility.reasons,
        determined: match (
            record.eligibility.determined_at,
            record.eligibility.signature,
        ) {
            (Some(at), Some(signature)) => Some(format!(
                "{}; {}",
                shell.time.show(&at),
                signature.manifestation
            )),
            (Some(at), None) => Some(shell.time.show(&at)),
            (None, _) => None,
        },
        requested: record
            .eligibility
            .requested_at
            .map(|at| shell.time.show(&at)),
        flags: record.flags,
        donations: record
            .donations
            .into_iter()
            .map(|donation| DonationShown {
                id: donation.id,
                din: donation.din_with_check,
                collected_at: shell.time.show(&donation.collected_at),
                received: donation.receipt.map_or_else(
                    || "not received yet".to_owned(),
                    |receipt| format!("received {}", shell.time.show(&receipt.received_at)),
                ),
            })
            .collect(),
    };
    let status = refused
        .as_ref()
        .map_or(StatusCode::OK, |refused| status_for(&refused.shown.code));
    render(
        status,
        &DonorPage {
            layout: shell.layout(),
            csrf: csrf::form_token(&shell.token),
            staff,
            qa: shell.has_role("QA"),
            technician: shell.has_role("TECHNICIAN"),
            signer: shell.me.printed_name.clone(),
            today: Utc::now()
                .with_timezone(&shell.time.0)
                .date_naive()
                .to_string(),
            donor,
            personal,
            markers,
            window_days: data.screening_panel.window_days,
            done,
            refused,
        },
    )
}

/// The donor's personal data, or `None` when the API does not give it to this viewer.
async fn personal(web: &Web, shell: &Shell, id: &str) -> Option<PersonalShown> {
    let data: PersonalData = client::run(
        web,
        &shell.visitor.viewer,
        documents::DONOR_PERSONAL,
        json!({ "id": id }),
        None,
    )
    .await
    .ok()?;
    let personal = data.donor.personal_data?;
    let or_not_recorded =
        |value: Option<String>| value.unwrap_or_else(|| "not recorded".to_owned());
    Some(PersonalShown {
        full_name: personal.full_name.unwrap_or_default(),
        date_of_birth: or_not_recorded(personal.date_of_birth),
        hospital_record_number: or_not_recorded(personal.hospital_record_number),
        contact: or_not_recorded(personal.contact),
        redacted: personal.redacted_at.is_some(),
    })
}
