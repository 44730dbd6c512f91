//! QA's release: `/release`, the lots in QUARANTINE with their open blockers, and
//! `/release/{lotId}`, a lot's review (the specification in force, every result against its
//! criterion with PASS or FAIL in words, investigations, donors) with the release or
//! rejection signed with the meaning APPROVAL. A release the API refuses lists every unmet
//! condition.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::form::Fields;
use super::{Layout, Shell, Shown, csrf_refusal, error_page, render, shell, shown, status_for};
use crate::{Shared, Web, client, csrf, documents, session};

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
    may_decide: bool,
    signer: String,
    done: Option<String>,
    error: Option<Shown>,
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
}

#[derive(Deserialize)]
struct Certificate {
    specification: Option<Specification>,
    tests: Vec<Test>,
    investigations: Vec<Investigation>,
    donors: Vec<Donor>,
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
    unit: Option<String>,
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

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Donor {
    key: String,
    eligibility: String,
    consent_withdrawn: bool,
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

/// `GET /release/{lotId}`.
pub(crate) async fn review(
    State(web): State<Shared>,
    headers: HeaderMap,
    Path(lot_id): Path<String>,
) -> Response {
    let shell = match shell(&web, &headers).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    review_page(&web, &shell, &lot_id, None, None).await
}

/// The decisions QA signs, as named in their URL (`/release/{lotId}/{decision}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Decision {
    Release,
    Reject,
}

/// `POST /release/{lotId}/{decision}`.
pub(crate) async fn decide(
    State(web): State<Shared>,
    headers: HeaderMap,
    Path((lot_id, decision)): Path<(String, Decision)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let fields = Fields(fields);
    if let Some(refused) = csrf_refusal(session::session_token(&headers), Some(fields.text("csrf")))
    {
        return refused;
    }
    let shell = match shell(&web, &headers).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
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
    match client::run::<Value>(&web, &shell.visitor.viewer, document, variables, None).await {
        Ok(_) => review_page(&web, &shell, &lot_id, Some(done.to_owned()), None).await,
        Err(failures) => review_page(&web, &shell, &lot_id, None, shown(&failures)).await,
    }
}

async fn review_page(
    web: &Web,
    shell: &Shell,
    lot_id: &str,
    done: Option<String>,
    error: Option<Shown>,
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
    let status = error
        .as_ref()
        .map_or(StatusCode::OK, |shown| status_for(&shown.code));
    render(
        status,
        &ReviewPage {
            layout: shell.layout(),
            csrf: csrf::token_for(&shell.token),
            lot_id: lot_id.to_owned(),
            may_decide: shell.has_role("QA") && data.release_blockers.lot_status == "QUARANTINE",
            check: data.release_blockers,
            certificate,
            signer: shell.me.printed_name.clone(),
            done,
            error,
        },
    )
}
