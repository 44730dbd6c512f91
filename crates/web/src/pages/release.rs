//! QA's release: `/release`, the lots in QUARANTINE with their open blockers, and
//! `/release/{lotId}`, a lot's review (the specification in force, every result against its
//! criterion with PASS or FAIL in words, investigations, donors) with the release or
//! rejection signed with the meaning APPROVAL. A release the API refuses lists every unmet
//! condition. The review also carries the forms of [`super::release_actions`] (results,
//! invalidations, investigations, deviations) for the roles the API lets use them.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Value, json};

use super::form::{Fields, Refused};
use super::release_actions::Action;
use super::release_record::{self, Record};
use super::{Layout, Shell, Shown, error_page, render, shell, shown, status_for};
use crate::{Shared, Web, client, csrf, documents};

#[derive(Template)]
#[template(path = "release_queue.html")]
struct QueuePage {
    layout: Layout,
    lots: Vec<QueuedLot>,
}

struct QueuedLot {
    id: String,
    code: String,
    kind: String,
    created_at: String,
    /// Open blockers, or why they could not be read.
    blockers: String,
}

#[derive(Template)]
#[template(path = "release_review.html")]
struct ReviewPage {
    layout: Layout,
    csrf: String,
    lot_id: String,
    check: ReleaseCheck,
    certificate: Certificate,
    donors: Vec<DonorShown>,
    may_decide: bool,
    /// The analyst's forms (results) are offered.
    analyst: bool,
    /// QA's forms (invalidation, investigations, deviations) are offered.
    qa: bool,
    /// The impact assessment of a deviation is offered (its reporters: technicians and QA).
    may_assess: bool,
    record: Record,
    /// `Europe/Paris, now +01:00`: the zone a typed time is read in.
    time_zone: String,
    now_local: String,
    signer: String,
    done: Option<String>,
    /// A refused disposition.
    error: Option<Shown>,
    /// A refused form of [`super::release_actions`].
    refused: Option<Refused>,
}

impl ReviewPage {
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

    /// Whether the refusal of `form` names no field of it (shown above the form).
    fn unplaced(&self, form: &str) -> bool {
        self.refused
            .as_ref()
            .is_some_and(|refused| refused.form == form && refused.field.is_none())
    }

    /// The refusal of a form this page does not hold for the viewer (a forged post, or one
    /// naming a record that no longer takes it), shown at the top since it has no form to
    /// stand by.
    fn refused_elsewhere(&self) -> Option<&Shown> {
        let refused = self.refused.as_ref()?;
        let id = refused.fields.text("id");
        let deviation = |assessed: bool| {
            self.record.deviations.iter().any(|deviation| {
                deviation.id == id
                    && deviation.open
                    && deviation.impact_assessment.is_some() == assessed
            })
        };
        let held = match Action::ALL
            .into_iter()
            .find(|action| action.name() == refused.form)?
        {
            Action::BeginTesting => self.analyst && self.certificate.specification.is_none(),
            Action::RecordResult => self.analyst && self.certificate.specification.is_some(),
            Action::InvalidateResult => self.qa && self.record.has_standing_result(),
            Action::CloseInvestigation => {
                self.qa
                    && self.record.investigations.iter().any(|investigation| {
                        investigation.id == id && investigation.conclusion.is_none()
                    })
            }
            Action::AssessDeviation => self.may_assess && deviation(false),
            Action::CloseDeviation => self.qa && deviation(true),
        };
        (!held).then_some(&refused.shown)
    }

    /// Whether the refused form was `form` for the record `id`, when the page holds one such
    /// form per record (posted as `id`); `id` is empty for a form the page holds once.
    fn refused_for(&self, form: &str, id: &str) -> bool {
        self.refused
            .as_ref()
            .is_some_and(|refused| refused.form == form && refused.fields.text("id") == id)
    }
}

#[derive(Deserialize)]
struct QueueData {
    lots: LotNodes,
}

#[derive(Deserialize)]
struct LotNodes {
    nodes: Vec<Lot>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Lot {
    id: String,
    code: String,
    kind: String,
    created_at: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BlockersData {
    release_blockers: ReleaseCheck,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReleaseCheck {
    lot_code: String,
    lot_status: String,
    releasable: bool,
    blockers: Vec<Blocker>,
}

#[derive(Deserialize)]
struct Blocker {
    code: String,
    message: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReviewData {
    release_blockers: ReleaseCheck,
    certificate_of_analysis: Certificate,
    lot: LotDonors,
}

#[derive(Deserialize)]
struct LotDonors {
    donors: Vec<DonorStanding>,
}

/// A donor as the lot stands on her: eligibility with its reasons, and consent.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DonorStanding {
    id: String,
    key: String,
    eligibility: String,
    eligibility_reasons: Vec<String>,
    consent: String,
    consent_covers_therapy: bool,
}

#[derive(Deserialize)]
struct Certificate {
    specification: Option<Specification>,
    tests: Vec<Test>,
    investigations: Vec<Investigation>,
    donors: Vec<Determination>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Specification {
    version: i64,
    title: String,
    effective_on: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Test {
    code: String,
    name: String,
    criterion: Criterion,
    results: Vec<TestResult>,
}

#[derive(Deserialize)]
struct Criterion {
    text: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TestResult {
    value_text: String,
    tested_at: String,
    evaluation: String,
    analyst: Staff,
    current: bool,
    /// The invalidated result this one retests.
    retest_of: Option<String>,
    invalidation: Option<Invalidation>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Staff {
    printed_name: String,
}

#[derive(Deserialize)]
struct Invalidation {
    reason: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Investigation {
    test_code: String,
    opened_at: String,
    conclusion: Option<String>,
}

/// When a donor's eligibility was determined, as the certificate states it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Determination {
    donor_id: String,
    determined_at: Option<String>,
}

/// A donor of the lot, as the review shows her.
struct DonorShown {
    standing: DonorStanding,
    /// When her eligibility was determined, in the facility's zone.
    determined_at: Option<String>,
}

/// `GET /release`.
pub(crate) async fn queue(State(web): State<Shared>, headers: HeaderMap) -> Response {
    let shell = match shell(&web, &headers).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    let viewer = &shell.visitor.viewer;
    let lots =
        match client::run::<QueueData>(&web, viewer, documents::RELEASE_QUEUE, json!({}), None)
            .await
        {
            Ok(data) => data.lots.nodes,
            Err(failures) => return error_page(Some(shell.layout()), &failures),
        };
    let mut queued = Vec::new();
    for lot in lots {
        let blockers = match client::run::<BlockersData>(
            &web,
            viewer,
            documents::RELEASE_BLOCKERS,
            json!({ "lotId": lot.id }),
            None,
        )
        .await
        {
            Ok(data) if data.release_blockers.releasable => "none: ready for QA".to_owned(),
            Ok(data) => format!("{} open", data.release_blockers.blockers.len()),
            Err(failures) => failures
                .first()
                .map(|failure| format!("not read ({})", failure.code))
                .unwrap_or_default(),
        };
        queued.push(QueuedLot {
            created_at: shell.time.show(&lot.created_at),
            id: lot.id,
            code: lot.code,
            kind: lot.kind,
            blockers,
        });
    }
    render(
        StatusCode::OK,
        &QueuePage {
            layout: shell.layout(),
            lots: queued,
        },
    )
}

/// `?done=`: the form of [`super::release_actions`] just done.
#[derive(Deserialize)]
pub(crate) struct Done {
    done: Option<String>,
}

/// `GET /release/{lotId}`.
pub(crate) async fn review(
    State(web): State<Shared>,
    headers: HeaderMap,
    Path(lot_id): Path<String>,
    Query(done): Query<Done>,
) -> Response {
    let shell = match shell(&web, &headers).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    let outcome = Action::ALL
        .into_iter()
        .find(|action| done.done.as_deref() == Some(action.name()))
        .map_or(Outcome::Read, |action| Outcome::Done(action.done()));
    review_page(&web, &shell, &lot_id, outcome).await
}

/// The decisions QA signs, as named in their URL (`/release/{lotId}/{decision}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Decision {
    Release,
    Reject,
}

/// `POST /release/{lotId}/{decision}`, once [`super::release_actions::post`] checked the
/// CSRF token and the session.
pub(crate) async fn decide(
    web: &Web,
    shell: &Shell,
    lot_id: &str,
    decision: Decision,
    fields: &Fields,
) -> Response {
    let signature = json!({ "password": fields.text("password"), "meaning": "APPROVAL" });
    let (document, variables, done) = match decision {
        Decision::Release => (
            documents::RELEASE_LOT,
            json!({ "lotId": lot_id, "note": fields.optional("note"), "signature": signature }),
            "Lot released and signed; its units may now be allocated.",
        ),
        Decision::Reject => (
            documents::REJECT_LOT,
            json!({ "lotId": lot_id, "reason": fields.text("reason"), "signature": signature }),
            "Lot rejected and signed; its units are set aside for destruction.",
        ),
    };
    let outcome =
        match client::run::<Value>(web, &shell.visitor.viewer, document, variables, None).await {
            Ok(_) => Outcome::Done(done),
            Err(failures) => shown(&failures).map_or(Outcome::Read, Outcome::DecisionRefused),
        };
    review_page(web, shell, lot_id, outcome).await
}

/// What the review shows above its record.
pub(crate) enum Outcome {
    /// Nothing was just done.
    Read,
    /// A form or the disposition was done.
    Done(&'static str),
    /// The API refused the disposition.
    DecisionRefused(Shown),
    /// The API or the page refused another form.
    Refused(Refused),
}

/// The review of `lot_id`, read again (its blockers as they now stand), with `outcome`.
pub(crate) async fn review_page(
    web: &Web,
    shell: &Shell,
    lot_id: &str,
    outcome: Outcome,
) -> Response {
    let data = match client::run::<ReviewData>(
        web,
        &shell.visitor.viewer,
        documents::LOT_REVIEW,
        json!({ "lotId": lot_id }),
        None,
    )
    .await
    {
        Ok(data) => data,
        Err(failures) => return error_page(Some(shell.layout()), &failures),
    };
    let mut certificate = data.certificate_of_analysis;
    for test in &mut certificate.tests {
        for result in &mut test.results {
            result.tested_at = shell.time.show(&result.tested_at);
        }
    }
    for investigation in &mut certificate.investigations {
        investigation.opened_at = shell.time.show(&investigation.opened_at);
    }
    let donors = data
        .lot
        .donors
        .into_iter()
        .map(|standing| DonorShown {
            determined_at: certificate
                .donors
                .iter()
                .find(|determination| determination.donor_id == standing.id)
                .and_then(|determination| determination.determined_at.as_deref())
                .map(|at| shell.time.show(at)),
            standing,
        })
        .collect();
    let record = match release_record::read(web, shell, lot_id).await {
        Ok(record) => record,
        Err(failures) => return error_page(Some(shell.layout()), &failures),
    };
    let (done, error, refused) = match outcome {
        Outcome::Read => (None, None, None),
        Outcome::Done(done) => (Some(done.to_owned()), None, None),
        Outcome::DecisionRefused(shown) => (None, Some(shown), None),
        Outcome::Refused(refused) => (None, None, Some(refused)),
    };
    let status = error
        .as_ref()
        .or(refused.as_ref().map(|refused| &refused.shown))
        .map_or(StatusCode::OK, |shown| status_for(&shown.code));
    let in_quarantine = data.release_blockers.lot_status == "QUARANTINE";
    let now = Utc::now();
    render(
        status,
        &ReviewPage {
            layout: shell.layout(),
            csrf: csrf::form_token(&shell.token),
            lot_id: lot_id.to_owned(),
            may_decide: shell.has_role("QA") && in_quarantine,
            analyst: shell.has_role("ANALYST") && in_quarantine,
            qa: shell.has_role("QA") && in_quarantine,
            may_assess: shell.has_role("QA") || shell.has_role("TECHNICIAN"),
            check: data.release_blockers,
            certificate,
            donors,
            record,
            time_zone: format!(
                "{}, now {}",
                shell.time.name(),
                now.with_timezone(&shell.time.0).format("%:z")
            ),
            now_local: shell.time.input_value(now),
            signer: shell.me.printed_name.clone(),
            done,
            error,
            refused,
        },
    )
}
