//! Sixteen clients writing at once over real HTTP leave one gap-free, unforked chain that holds
//! every acknowledged write, and on SQLite nobody sees "database is locked". Meanwhile an auditor
//! verifies and exports the live ledger, and every run sees a consistent ledger.

use std::collections::HashSet;
use std::time::Instant;

use cordtrace_domain::Role;
use cordtrace_ledger::{Hash, verify_export};
use cordtrace_store::Database;
use cordtrace_store::ledger::{export, verify};
use cordtrace_tests::{TestServer, all_entries};
use serde_json::{Value, json};
use uuid::Uuid;

const N_CLIENTS: usize = 16;
const WRITES_PER_CLIENT: usize = 100;
const N_ADMINS: usize = 4;

const SET_ROLES: &str = "mutation($id: UUID!, $roles: [Role!]!) \
     { setUserRoles(userId: $id, roles: $roles) { id } }";

/// What one client saw: how many writes were acknowledged, and every error message.
struct ClientOutcome {
    target: Uuid,
    acknowledged: usize,
    errors: Vec<String>,
}

/// One client: `WRITES_PER_CLIENT` role changes of its own user, one after another.
async fn run_client(
    client: reqwest::Client,
    url: String,
    token: String,
    target: Uuid,
) -> ClientOutcome {
    let mut outcome = ClientOutcome {
        target,
        acknowledged: 0,
        errors: Vec::new(),
    };
    for write_idx in 0..WRITES_PER_CLIENT {
        let roles = if write_idx.is_multiple_of(2) {
            json!(["QA"])
        } else {
            json!(["ANALYST"])
        };
        let body = json!({ "query": SET_ROLES, "variables": { "id": target, "roles": roles } });
        let response = client
            .post(&url)
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await;
        let text = match response {
            Ok(response) => response
                .text()
                .await
                .unwrap_or_else(|error| error.to_string()),
            Err(error) => {
                outcome.errors.push(error.to_string());
                continue;
            }
        };
        match serde_json::from_str::<Value>(&text) {
            Ok(body)
                if body.get("errors").is_none()
                    && body["data"]["setUserRoles"]["id"] == json!(target) =>
            {
                outcome.acknowledged += 1;
            }
            _ => outcome.errors.push(text),
        }
    }
    outcome
}

/// What the auditor does while clients write: verify through GraphQL, and export and verify the
/// export offline, until `writing` ends. Returns how many of each ran; panics on a failure.
async fn audit_while_writing(
    client: reqwest::Client,
    url: String,
    token: String,
    database: Database,
    origin: String,
    verifier_key: String,
    writing: tokio::sync::watch::Receiver<bool>,
) -> (usize, usize) {
    let (mut n_verifications, mut n_exports) = (0, 0);
    while *writing.borrow() {
        let response = client
            .post(&url)
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(json!({ "query": "{ verifyLedger { ok entries fault { kind seq table row detail } } }" }).to_string())
            .send()
            .await
            .expect("verifyLedger is answered");
        let body: Value = response.json().await.expect("a JSON body");
        assert_eq!(
            body["data"]["verifyLedger"]["ok"],
            json!(true),
            "live verification: {body}"
        );
        n_verifications += 1;

        let mut file = Vec::new();
        export::export(&database, &origin, &mut file)
            .await
            .expect("the live ledger exports");
        if let Err(fault) = verify_export(file.as_slice(), &verifier_key) {
            panic!(
                "an export of the live ledger does not verify: {} {fault}",
                fault.kind()
            );
        }
        n_exports += 1;
    }
    (n_verifications, n_exports)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_clients_writing_at_once_leave_one_unforked_chain() {
    // Checkpoints are signed every second while clients write.
    let server = TestServer::start_with(|settings| settings.checkpoint_interval_secs = 1).await;
    let auditor = server.user_token("auditor", &[Role::Auditor]).await;
    let mut admins = Vec::new();
    for admin_idx in 0..N_ADMINS {
        admins.push(
            server
                .user_token(&format!("admin.{admin_idx}"), &[Role::Admin])
                .await,
        );
    }
    let mut targets = Vec::new();
    for client_idx in 0..N_CLIENTS {
        let user_id = server
            .add_user(&format!("target.{client_idx}"), &[Role::Technician])
            .await;
        targets.push(user_id.as_uuid());
    }
    let database = server.store_database().await;
    let size_before = cordtrace_store::ledger::size(&database)
        .await
        .expect("the ledger reads");

    let (writing, writing_receiver) = tokio::sync::watch::channel(true);
    let auditor_task = tokio::spawn(audit_while_writing(
        server.client().clone(),
        server.url("/graphql"),
        auditor,
        database.clone(),
        server.settings.origin.clone(),
        server.signer().verifier_key(),
        writing_receiver,
    ));
    let started = Instant::now();
    let clients: Vec<_> = targets
        .iter()
        .enumerate()
        .map(|(client_idx, target)| {
            tokio::spawn(run_client(
                server.client().clone(),
                server.url("/graphql"),
                admins[client_idx % N_ADMINS].clone(),
                *target,
            ))
        })
        .collect();
    let mut outcomes = Vec::new();
    for client in clients {
        outcomes.push(client.await.expect("the client task finishes"));
    }
    let elapsed = started.elapsed();
    writing.send(false).expect("the auditor listens");
    let (n_verifications, n_exports) = auditor_task.await.expect("the auditor finishes");
    eprintln!(
        "{} writes by {N_CLIENTS} clients in {:.1} s, meanwhile {n_verifications} verifications and {n_exports} exports",
        N_CLIENTS * WRITES_PER_CLIENT,
        elapsed.as_secs_f64()
    );
    assert!(n_verifications > 0 && n_exports > 0);

    for outcome in &outcomes {
        assert!(
            outcome.errors.is_empty(),
            "client of {} saw errors (locked: {}): {:?}",
            outcome.target,
            outcome
                .errors
                .iter()
                .any(|error| error.contains("locked") || error.contains("busy")),
            outcome.errors
        );
        assert_eq!(outcome.acknowledged, WRITES_PER_CLIENT);
    }

    let entries = all_entries(&database).await;
    let n_entries = entries.len() as u64;
    assert_eq!(
        n_entries,
        size_before + (N_CLIENTS * WRITES_PER_CLIENT) as u64
    );
    // Gap-free from 1, each entry linked to the one before, and no predecessor claimed twice.
    let mut prev_hashes = HashSet::new();
    let mut previous = Hash::ZERO;
    for (entry_idx, entry) in entries.iter().enumerate() {
        assert_eq!(entry.seq(), entry_idx as u64 + 1);
        assert_eq!(entry.body().prev_hash, previous, "entry {}", entry.seq());
        assert!(
            prev_hashes.insert(entry.body().prev_hash),
            "fork at {}",
            entry.seq()
        );
        previous = entry.hash();
    }
    // Every acknowledged write is one entry about its client's user.
    for outcome in &outcomes {
        let target = outcome.target.to_string();
        let recorded = entries
            .iter()
            .filter(|entry| {
                entry.body().action.as_str() == "user.roles_changed"
                    && entry
                        .body()
                        .subjects
                        .iter()
                        .any(|subject| subject.id == target)
            })
            .count();
        assert_eq!(recorded, outcome.acknowledged, "writes about {target}");
    }
    let report = verify::verify(&database, &server.checkpoint_verifier())
        .await
        .expect("the ledger verifies");
    assert_eq!(report.entries, n_entries);
    database.close().await.expect("the database closes");
    server.finish().await;
}
