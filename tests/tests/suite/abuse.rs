//! Documents built to cost far more than their size, and sign-in floods: refused before they
//! run, with the server still answering. Also: every ledger entry read through GraphQL rehashes
//! to its `hash` with an RFC 8785 implementation cordtrace does not use.
//!
//! Memory and time are observed (the answer comes, the process did not balloon, `/healthz`
//! answers), never asserted as benchmarks.

use cordtrace_api::MAX_COST;
use cordtrace_domain::Role;
use cordtrace_tests::fixtures::{Eligibility, Fixtures, assert_refused, ledger_size};
use cordtrace_tests::{GqlResponse, PASSWORD, TestServer};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// `fragment F0 on <on> { <leaf> } fragment F1 on <on> { ...F0 ...F0 } ... ` up to `F<n>`:
/// each fragment doubles the one before, so `...F<n>` expands to 2^n leaves.
fn fragment_bomb(n: usize, on: &str, leaf: &str) -> String {
    let mut document = format!("fragment F0 on {on} {{ {leaf} }} ");
    for i in 1..=n {
        let previous = i - 1;
        document.push_str(&format!(
            "fragment F{i} on {on} {{ ...F{previous} ...F{previous} }} "
        ));
    }
    document
}

/// `n` aliases of `selection` in one selection set.
fn aliases(n: usize, selection: &str) -> String {
    (0..n)
        .map(|i| format!("a{i}: {selection}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The resident memory of this process (the server runs in it), in bytes.
fn resident_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .map(|kb| kb * 1024)
        .expect("a VmRSS line")
}

async fn healthy(server: &TestServer) -> bool {
    server
        .client()
        .get(server.url("/healthz"))
        .send()
        .await
        .is_ok_and(|response| response.status().is_success())
}

fn assert_refused_before_running(response: &GqlResponse, reason: &str) {
    assert_eq!(response.status, 400, "{}", response.body);
    assert_refused(response, "VALIDATION", Some(reason));
    assert!(response.body.get("data").is_none(), "{}", response.body);
}

#[tokio::test]
async fn fragment_bombs_are_refused_at_once_without_growing_memory() {
    let server = TestServer::start().await;
    let token = server.user_token("bomb.tech", &[Role::Technician]).await;
    let before = resident_bytes();
    // 2^24 expanded selections in under 1 KB, anonymous; 2^30, just within async-graphql's
    // recursion depth; then 2^60, which no expansion survives.
    for n in [24, 30, 60] {
        let document = format!("{} {{ ...F{n} }}", fragment_bomb(n, "Query", "__typename"));
        let response = server.gql(None, &document, json!({})).await;
        assert_refused_before_running(&response, "TOO_COSTLY");
    }
    // The same through a nested type, and as a signed-in user.
    let document = format!(
        "{} {{ me {{ ...F40 }} }}",
        fragment_bomb(40, "Me", "username")
    );
    let response = server.gql(Some(&token), &document, json!({})).await;
    assert_refused_before_running(&response, "TOO_COSTLY");
    let grown = resident_bytes().saturating_sub(before);
    assert!(
        grown < 200 * 1024 * 1024,
        "the process grew by {grown} bytes answering three small documents"
    );
    assert!(healthy(&server).await);
    // A small honest document still runs.
    let document = format!("{} {{ ...F4 }}", fragment_bomb(4, "Query", "__typename"));
    let response = server.gql(None, &document, json!({})).await;
    assert_eq!(response.data()["__typename"], "Query");
    server.finish().await;
}

#[tokio::test]
async fn a_fragment_that_spreads_itself_is_refused() {
    let server = TestServer::start().await;
    let document = "fragment A on Query { ...B } fragment B on Query { __typename ...A } { ...A }";
    let response = server.gql(None, document, json!({})).await;
    assert_refused_before_running(&response, "FRAGMENT_CYCLE");
    server.finish().await;
}

#[tokio::test]
async fn selections_nested_past_any_use_are_refused_without_exhausting_the_stack() {
    let server = TestServer::start().await;
    for depth in [100, 20_000] {
        let document = format!("{}__typename{}", "{ me ".repeat(depth), " }".repeat(depth));
        let response = server.gql(None, &document, json!({})).await;
        assert_eq!(response.status, 400, "{}", response.body);
        assert_eq!(response.error_code(), "VALIDATION");
    }
    assert!(healthy(&server).await);
    server.finish().await;
}

#[tokio::test]
async fn every_selection_costs_something_typename_included() {
    let server = TestServer::start().await;
    // A thousand `__typename`s, spread just often enough to pass the limit.
    let spreads = MAX_COST as usize / 1000 + 1;
    let over = format!(
        "fragment T on Query {{ {} }} {{ {} }}",
        aliases(1000, "__typename"),
        "...T ".repeat(spreads)
    );
    let response = server.gql(None, &over, json!({})).await;
    assert_refused_before_running(&response, "TOO_COSTLY");
    let under = format!("{{ {} }}", aliases(100, "__typename"));
    let response = server.gql(None, &under, json!({})).await;
    assert_eq!(response.data()["a99"], "Query");
    server.finish().await;
}

#[tokio::test]
async fn expensive_resolvers_carry_their_cost() {
    let server = TestServer::start().await;
    let qa = server.user_token("cost.qa", &[Role::Qa]).await;
    let auditor = server.user_token("cost.auditor", &[Role::Auditor]).await;
    for (token, document) in [
        (
            &qa,
            format!("{{ {} }}", aliases(500, "verifyLedger { ok }")),
        ),
        (&qa, format!("{{ {} }}", aliases(2, "verifyLedger { ok }"))),
        (
            &auditor,
            format!(
                "{{ {} }}",
                aliases(
                    50,
                    r#"upstream(from: { lotId: "0190d4c0-0000-7000-8000-000000000000" }) { lots { id } }"#
                )
            ),
        ),
        (
            &auditor,
            format!(
                "{{ {} }}",
                aliases(
                    15,
                    r#"downstream(from: { lotId: "0190d4c0-0000-7000-8000-000000000000" }) { lotCount unitCount administrationCount }"#
                )
            ),
        ),
        (
            &auditor,
            format!(
                "{{ {} }}",
                aliases(
                    10,
                    r#"lookback(from: { lotId: "0190d4c0-0000-7000-8000-000000000000" }) { __typename }"#
                )
            ),
        ),
        // A page of 500 entries, each read with a selection of 100 fields: the page multiplies.
        (
            &auditor,
            format!(
                "{{ ledgerEntries(first: 500) {{ edges {{ node {{ {} }} }} }} }}",
                aliases(100, "seq")
            ),
        ),
    ] {
        let response = server.gql(Some(token), &document, json!({})).await;
        assert_refused_before_running(&response, "TOO_COSTLY");
    }
    // One verification in a document is fine.
    let response = server
        .gql(Some(&qa), "{ verifyLedger { ok } }", json!({}))
        .await;
    assert_eq!(response.data()["verifyLedger"]["ok"], true);
    // A page size given as a variable is costed with its value.
    let response = server
        .gql(
            Some(&auditor),
            "query($n: Int) { ledgerEntries(first: $n) { edges { node { seq hash } } } }",
            json!({ "n": 20 }),
        )
        .await;
    assert!(response.data()["ledgerEntries"]["edges"].is_array());
    assert!(healthy(&server).await);
    server.finish().await;
}

#[tokio::test]
async fn one_password_check_per_document() {
    let server = TestServer::start().await;
    server.add_user("flood.target", &[Role::Technician]).await;
    let qa = server.user_token("flood.qa", &[Role::Qa]).await;
    let before = ledger_size(&server).await;
    for (token, document) in [
        // Guessing an unknown user's password in bulk.
        (
            None,
            format!(
                "mutation {{ {} }}",
                aliases(
                    500,
                    r#"login(username: "nobody.here", password: "not the password") { token }"#
                )
            ),
        ),
        // Locking a known account in one request.
        (
            None,
            format!(
                "mutation {{ {} }}",
                aliases(
                    50,
                    r#"login(username: "flood.target", password: "not the password") { token }"#
                )
            ),
        ),
        // Opening a hundred sessions with the right password.
        (
            None,
            format!(
                "mutation {{ {} }}",
                aliases(
                    100,
                    &format!(
                        r#"login(username: "flood.target", password: "{PASSWORD}") {{ token }}"#
                    )
                )
            ),
        ),
        // Two signatures in one document.
        (
            Some(qa.as_str()),
            format!(
                "mutation {{ {} }}",
                aliases(
                    2,
                    r#"closeDeviation(deviationId: "0190d4c0-0000-7000-8000-000000000000", conclusion: "closed", signature: { password: "x", meaning: APPROVAL }) { id }"#
                )
            ),
        ),
        // A login and a password change.
        (
            Some(qa.as_str()),
            format!(
                r#"mutation {{ login(username: "flood.qa", password: "{PASSWORD}") {{ token }} changePassword(currentPassword: "{PASSWORD}", newPassword: "another long passphrase") }}"#
            ),
        ),
    ] {
        let response = server.gql(token, &document, json!({})).await;
        assert_refused_before_running(&response, "ONE_PASSWORD_CHECK_PER_REQUEST");
    }
    assert_eq!(ledger_size(&server).await, before, "nothing was recorded");
    // The target is not locked: it signs in with its password.
    server.login("flood.target", PASSWORD).await;
    server.finish().await;
}

const LOGIN: &str =
    "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }";

async fn login_attempt(server: &TestServer, username: &str, password: &str) -> GqlResponse {
    server
        .gql(None, LOGIN, json!({ "u": username, "p": password }))
        .await
}

#[tokio::test]
async fn unknown_usernames_do_not_grow_the_ledger() {
    let server = TestServer::start().await;
    let before = ledger_size(&server).await;
    for n in 0..4 {
        let response = login_attempt(&server, &format!("nobody.{n}"), "not the password").await;
        assert_refused(&response, "UNAUTHENTICATED", None);
    }
    assert_eq!(ledger_size(&server).await, before);
    server.finish().await;
}

#[tokio::test]
async fn a_username_is_throttled_after_twice_the_lockout_number_of_failures() {
    let server = TestServer::start().await;
    server.add_user("throttle.target", &[Role::Clinician]).await;
    // Five lock the account (the lockout policy); five more are recorded against the locked
    // account.
    for _ in 0..10 {
        let response = login_attempt(&server, "throttle.target", "not the password").await;
        assert_refused(&response, "UNAUTHENTICATED", None);
    }
    // From here on nothing is checked or written, whatever the password.
    let before = ledger_size(&server).await;
    for password in ["not the password", PASSWORD] {
        let response = login_attempt(&server, "THROTTLE.target", password).await;
        assert_refused(&response, "FORBIDDEN", Some("TOO_MANY_FAILED_LOGINS"));
    }
    assert_eq!(ledger_size(&server).await, before);
    // Unknown usernames are throttled alike, so the refusal tells nothing about existence.
    for _ in 0..10 {
        login_attempt(&server, "nobody.here", "not the password").await;
    }
    let response = login_attempt(&server, "nobody.here", "not the password").await;
    assert_refused(&response, "FORBIDDEN", Some("TOO_MANY_FAILED_LOGINS"));
    // Another user is not affected.
    server.add_user("throttle.other", &[Role::Clinician]).await;
    server.login("throttle.other", PASSWORD).await;
    server.finish().await;
}

#[tokio::test]
async fn an_address_is_throttled_after_its_failures_whatever_the_username() {
    let server = TestServer::start_with(|settings| settings.login_address_failures = 3).await;
    server.add_user("address.user", &[Role::Technician]).await;
    for n in 0..3 {
        let response = login_attempt(&server, &format!("guess.{n}"), "not the password").await;
        assert_refused(&response, "UNAUTHENTICATED", None);
    }
    let response = login_attempt(&server, "address.user", PASSWORD).await;
    assert_refused(&response, "FORBIDDEN", Some("TOO_MANY_FAILED_LOGINS"));
    // The same user from another address signs in: the address is what is throttled.
    let elsewhere = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
        .build()
        .expect("a client on 127.0.0.2");
    let response = elsewhere
        .post(server.url("/graphql"))
        .header("content-type", "application/json")
        .body(
            json!({ "query": LOGIN, "variables": { "u": "address.user", "p": PASSWORD } })
                .to_string(),
        )
        .send()
        .await
        .expect("an answer");
    let body: Value = response.json().await.expect("JSON");
    assert!(body["data"]["login"]["token"].is_string(), "{body}");
    server.finish().await;
}

/// The snake-case entry object of docs/ledger-format.md, section 1, built from what GraphQL
/// answered, without `hash`.
fn hashed_members(entry: &Value) -> Value {
    let actor = match entry["actor"]["kind"].as_str() {
        Some("system") => json!({ "kind": "system" }),
        _ => json!({
            "kind": "user",
            "user_id": entry["actor"]["userId"],
            "role": entry["actor"]["role"],
        }),
    };
    let subjects: Vec<Value> = entry["subjects"]
        .as_array()
        .expect("subjects")
        .iter()
        .map(|subject| {
            json!({ "kind": subject["kind"], "id": subject["id"], "prev_seq": subject["prevSeq"] })
        })
        .collect();
    let corrects = match &entry["corrects"] {
        Value::Null => Value::Null,
        corrects => json!({ "seq": corrects["seq"], "reason": corrects["reason"] }),
    };
    let signature = match &entry["signature"] {
        Value::Null => Value::Null,
        signature => json!({
            "signer_id": signature["signerId"],
            "printed_name": signature["printedName"],
            "signed_at": signature["signedAt"],
            "meaning": signature["meaning"],
            "content_hash": signature["contentHash"],
        }),
    };
    json!({
        "seq": entry["seq"],
        "id": entry["id"],
        "recorded_at": entry["recordedAt"],
        "actor": actor,
        "action": entry["action"],
        "subjects": subjects,
        "payload": entry["payload"],
        "corrects": corrects,
        "signature": signature,
        "prev_hash": entry["prevHash"],
    })
}

const ENTRY_FIELDS: &str = "seq id recordedAt actor { kind userId role } action \
    subjects { kind id prevSeq } payload corrects { seq reason } \
    signature { signerId printedName signedAt meaning contentHash } prevHash hash";

#[tokio::test]
async fn every_entry_read_through_graphql_rehashes_to_its_hash() {
    let server = TestServer::start().await;
    let fixtures = Fixtures::open(&server).await;
    // An eligible donor: registration, consent, screening, a donation, and a signed
    // determination.
    fixtures.donor(Eligibility::Eligible).await;
    fixtures.close().await;
    let auditor = server.user_token("rehash.auditor", &[Role::Auditor]).await;
    let response = server
        .gql(
            Some(&auditor),
            &format!("{{ ledgerEntries(first: 200) {{ edges {{ node {{ {ENTRY_FIELDS} }} }} }} }}"),
            json!({}),
        )
        .await;
    let entries: Vec<&Value> = response.data()["ledgerEntries"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|edge| &edge["node"])
        .collect();
    assert!(entries.len() >= 8, "{}", response.body);
    assert!(
        entries.iter().any(|entry| !entry["signature"].is_null()),
        "a signed entry is among them"
    );
    for entry in &entries {
        let canonical = serde_jcs::to_vec(&hashed_members(entry)).expect("JCS encodes");
        let mut hasher = Sha256::new();
        hasher.update([0x00]);
        hasher.update(&canonical);
        let rehashed = hex::encode(hasher.finalize());
        assert_eq!(
            entry["hash"].as_str(),
            Some(rehashed.as_str()),
            "entry {} does not rehash: {}",
            entry["seq"],
            String::from_utf8_lossy(&canonical)
        );
        // One entry read alone is the same entry.
        let one = server
            .gql(
                Some(&auditor),
                &format!("query($seq: Int!) {{ ledgerEntry(seq: $seq) {{ {ENTRY_FIELDS} }} }}"),
                json!({ "seq": entry["seq"] }),
            )
            .await;
        assert_eq!(&&one.data()["ledgerEntry"], entry);
    }
    server.finish().await;
}
