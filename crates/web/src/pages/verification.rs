//! `/verification`: is the ledger intact? Runs `verifyLedger` on request and shows its result,
//! the latest signed checkpoint with the key that verifies it, how to check an export offline,
//! and any entry's inclusion proof against the checkpoint.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::{Layout, Shown, error_page, render, shell, shown};
use crate::{Shared, client, documents};

#[derive(Template)]
#[template(path = "verification.html")]
struct VerificationPage {
    layout: Layout,
    checkpoint: Option<Checkpoint>,
    signed_at: String,
    public_key: String,
    result: Option<Verification>,
    proof: Option<Proof>,
    /// The seq asked for a proof, as typed.
    seq: String,
    error: Option<Shown>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CheckpointData {
    latest_checkpoint: Option<Checkpoint>,
    ledger_public_key: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Checkpoint {
    tree_size: i64,
    root_hash: String,
    signed_at: String,
    note: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct VerifyData {
    verify_ledger: Verification,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Verification {
    ok: bool,
    entries: i64,
    checkpoints: i64,
    elapsed_ms: i64,
    fault: Option<Fault>,
}

#[derive(Deserialize)]
struct Fault {
    kind: String,
    seq: Option<i64>,
    table: Option<String>,
    row: Option<String>,
    detail: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProofData {
    inclusion_proof: Proof,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Proof {
    seq: i64,
    tree_size: i64,
    leaf_hash: String,
    root_hash: String,
    path: Vec<String>,
}

/// `?run=1` runs the verification; `?seq=N` asks for entry N's inclusion proof.
#[derive(Deserialize)]
pub(crate) struct VerificationQuery {
    run: Option<String>,
    #[serde(default)]
    seq: String,
}

/// `GET /verification`.
pub(crate) async fn get(
    State(web): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<VerificationQuery>,
) -> Response {
    let shell = match shell(&web, &headers).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    let viewer = &shell.visitor.viewer;
    let checkpoint: CheckpointData =
        match client::run(&web, viewer, documents::CHECKPOINT, json!({}), None).await {
            Ok(data) => data,
            Err(failures) => return error_page(Some(shell.layout()), &failures),
        };
    let mut error = None;
    let result = if query.run.is_some() {
        match client::run::<VerifyData>(&web, viewer, documents::VERIFY_LEDGER, json!({}), None)
            .await
        {
            Ok(data) => Some(data.verify_ledger),
            Err(failures) => {
                error = shown(&failures);
                None
            }
        }
    } else {
        None
    };
    let seq = query.seq.trim().to_owned();
    let proof = if seq.is_empty() {
        None
    } else {
        match seq.parse::<i64>() {
            Ok(number) => match client::run::<ProofData>(
                &web,
                viewer,
                documents::INCLUSION_PROOF,
                json!({ "seq": number }),
                None,
            )
            .await
            {
                Ok(data) => Some(data.inclusion_proof),
                Err(failures) => {
                    error = error.or_else(|| shown(&failures));
                    None
                }
            },
            Err(_) => {
                error = Some(Shown {
                    message: "the entry must be given by its sequence number, a whole number"
                        .to_owned(),
                    code: "VALIDATION".to_owned(),
                    reasons: Vec::new(),
                });
                None
            }
        }
    };
    let status = error
        .as_ref()
        .map_or(StatusCode::OK, |shown| super::status_for(&shown.code));
    render(
        status,
        &VerificationPage {
            layout: shell.layout(),
            signed_at: checkpoint
                .latest_checkpoint
                .as_ref()
                .map(|checkpoint| shell.time.show(&checkpoint.signed_at))
                .unwrap_or_default(),
            checkpoint: checkpoint.latest_checkpoint,
            public_key: checkpoint.ledger_public_key,
            result,
            proof,
            seq,
            error,
        },
    )
}
