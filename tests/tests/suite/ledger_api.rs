//! The ledger as an auditor sees it through GraphQL: signed checkpoints, inclusion and
//! consistency proofs checked with nothing but `cordtrace_ledger` and the public verifier key,
//! chains of custody, and an export that verifies offline.

use cordtrace_domain::Role;
use cordtrace_ledger::{
    Checkpoint, CheckpointVerifier, Fault, Hash, verify_consistency, verify_export,
    verify_inclusion,
};
use cordtrace_store::ledger::export;
use cordtrace_tests::{GqlResponse, TestServer, all_entries};
use serde_json::{Value, json};
use uuid::Uuid;

const SET_ROLES: &str = "mutation($id: UUID!, $roles: [Role!]!) \
     { setUserRoles(userId: $id, roles: $roles) { id } }";

const SIGN: &str = "mutation { signCheckpoint { treeSize rootHash note } }";

/// A server with an admin who changes roles and an auditor who signs checkpoints and asks for
/// proofs.
struct Auditing {
    server: TestServer,
    admin: String,
    auditor: String,
    target: Uuid,
    n_changes: usize,
}

impl Auditing {
    async fn start() -> Self {
        let server = TestServer::start().await;
        let admin = server.user_token("admin", &[Role::Admin]).await;
        let auditor = server.user_token("auditor", &[Role::Auditor]).await;
        let target = server.add_user("target", &[Role::Analyst]).await.as_uuid();
        Self {
            server,
            admin,
            auditor,
            target,
            n_changes: 0,
        }
    }

    async fn change_roles(&mut self, user_id: Uuid) {
        let roles = if self.n_changes.is_multiple_of(2) {
            json!(["QA"])
        } else {
            json!(["ANALYST", "TECHNICIAN"])
        };
        self.n_changes += 1;
        self.server
            .gql(
                Some(&self.admin),
                SET_ROLES,
                json!({ "id": user_id, "roles": roles }),
            )
            .await
            .data();
    }

    async fn ledger_size(&self) -> u64 {
        let database = self.server.store_database().await;
        let size = cordtrace_store::ledger::size(&database)
            .await
            .expect("the ledger reads");
        database.close().await.expect("the database closes");
        size
    }

    /// Adds entries (one per role change) until the ledger holds exactly `size`.
    async fn grow_to(&mut self, size: u64) {
        let current = self.ledger_size().await;
        assert!(current <= size, "the ledger already has {current} entries");
        for _ in current..size {
            self.change_roles(self.target).await;
        }
        assert_eq!(self.ledger_size().await, size);
    }

    async fn auditor_query(&self, query: &str, variables: Value) -> GqlResponse {
        self.server.gql(Some(&self.auditor), query, variables).await
    }

    /// Signs a checkpoint and checks its note with the verifier key the API publishes.
    async fn sign(&self, verifier: &CheckpointVerifier) -> Checkpoint {
        let response = self.auditor_query(SIGN, json!({})).await;
        let signed = &response.data()["signCheckpoint"];
        let checkpoint = verifier
            .verify(signed["note"].as_str().expect("a note"))
            .expect("the note is signed by the ledger key");
        assert_eq!(json!(checkpoint.size), signed["treeSize"]);
        assert_eq!(json!(checkpoint.root.to_string()), signed["rootHash"]);
        checkpoint
    }

    async fn verifier(&self) -> CheckpointVerifier {
        let response = self.auditor_query("{ ledgerPublicKey }", json!({})).await;
        let key = response.data()["ledgerPublicKey"]
            .as_str()
            .expect("a key")
            .to_owned();
        assert_eq!(key, self.server.signer().verifier_key());
        CheckpointVerifier::new(&key).expect("the published key parses")
    }

    /// Every entry hash, by seq (index 0 is seq 1), as the API serves them.
    async fn entry_hashes(&self) -> Vec<Hash> {
        let mut hashes = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let response = self
                .auditor_query(
                    "query($after: String) { ledgerEntries(after: $after, first: 50) { \
                     edges { cursor node { seq hash } } pageInfo { hasNextPage } } }",
                    json!({ "after": after }),
                )
                .await;
            let page = &response.data()["ledgerEntries"];
            for edge in page["edges"].as_array().expect("edges") {
                assert_eq!(edge["node"]["seq"], json!(hashes.len() + 1));
                hashes.push(hex_hash(&edge["node"]["hash"]));
                after = edge["cursor"].as_str().map(str::to_owned);
            }
            if page["pageInfo"]["hasNextPage"] != json!(true) {
                return hashes;
            }
        }
    }

    async fn finish(self) {
        self.server.finish().await;
    }
}

fn hex_hash(value: &Value) -> Hash {
    value
        .as_str()
        .expect("a hex hash")
        .parse()
        .expect("64 hex digits")
}

fn hex_path(value: &Value) -> Vec<Hash> {
    value
        .as_array()
        .expect("a path")
        .iter()
        .map(hex_hash)
        .collect()
}

const INCLUSION: &str = "query($seq: Int!, $size: Int) { inclusionProof(seq: $seq, treeSize: $size) \
     { seq treeSize leafHash rootHash path } }";

const CONSISTENCY: &str = "query($from: Int!, $to: Int) { consistencyProof(fromSize: $from, toSize: $to) \
     { fromSize toSize fromRoot toRoot path } }";

#[tokio::test]
async fn served_proofs_verify_against_the_signed_checkpoints() {
    let mut auditing = Auditing::start().await;
    let verifier = auditing.verifier().await;
    // Sizes include a power of two, where the consistency proof omits the old root.
    let mut checkpoints = Vec::new();
    for size in [8, 13, 21] {
        auditing.grow_to(size).await;
        checkpoints.push(auditing.sign(&verifier).await);
    }
    let latest = auditing
        .auditor_query("{ latestCheckpoint { treeSize note } }", json!({}))
        .await;
    let latest_note = latest.data()["latestCheckpoint"]["note"]
        .as_str()
        .expect("a note");
    assert_eq!(
        verifier.verify(latest_note).expect("signed"),
        checkpoints[2]
    );

    let hashes = auditing.entry_hashes().await;
    assert_eq!(hashes.len(), 21);
    for checkpoint in &checkpoints {
        for seq in 1..=checkpoint.size {
            let response = auditing
                .auditor_query(INCLUSION, json!({ "seq": seq, "size": checkpoint.size }))
                .await;
            let proof = &response.data()["inclusionProof"];
            let leaf = hashes[usize::try_from(seq - 1).expect("an index")];
            assert_eq!(hex_hash(&proof["leafHash"]), leaf);
            assert_eq!(hex_hash(&proof["rootHash"]), checkpoint.root);
            let path = hex_path(&proof["path"]);
            verify_inclusion(seq - 1, checkpoint.size, leaf, &path, checkpoint.root)
                .unwrap_or_else(|error| panic!("entry {seq} in {}: {error}", checkpoint.size));
            // The same path does not prove another entry.
            let other = hashes[usize::try_from(seq % checkpoint.size).expect("an index")];
            assert!(
                verify_inclusion(seq - 1, checkpoint.size, other, &path, checkpoint.root).is_err()
            );
        }
    }
    // Without a tree size, the proof is for the latest checkpoint.
    let response = auditing.auditor_query(INCLUSION, json!({ "seq": 5 })).await;
    let proof = &response.data()["inclusionProof"];
    assert_eq!(proof["treeSize"], json!(21));
    verify_inclusion(
        4,
        21,
        hashes[4],
        &hex_path(&proof["path"]),
        checkpoints[2].root,
    )
    .expect("the default proof verifies");

    for (old_idx, old) in checkpoints.iter().enumerate() {
        for new in &checkpoints[old_idx..] {
            let response = auditing
                .auditor_query(CONSISTENCY, json!({ "from": old.size, "to": new.size }))
                .await;
            let proof = &response.data()["consistencyProof"];
            assert_eq!(hex_hash(&proof["fromRoot"]), old.root);
            assert_eq!(hex_hash(&proof["toRoot"]), new.root);
            let path = hex_path(&proof["path"]);
            assert_eq!(path.is_empty(), old.size == new.size);
            verify_consistency(old.size, new.size, old.root, new.root, &path)
                .unwrap_or_else(|error| panic!("{} to {}: {error}", old.size, new.size));
            if old.size != new.size {
                assert!(verify_consistency(old.size, new.size, new.root, old.root, &path).is_err());
            }
        }
    }
    let response = auditing
        .auditor_query(CONSISTENCY, json!({ "from": 8 }))
        .await;
    let proof = &response.data()["consistencyProof"];
    assert_eq!(proof["toSize"], json!(21));
    verify_consistency(
        8,
        21,
        checkpoints[0].root,
        checkpoints[2].root,
        &hex_path(&proof["path"]),
    )
    .expect("the default consistency proof verifies");
    auditing.finish().await;
}

#[tokio::test]
async fn proofs_beyond_the_latest_checkpoint_are_validation_errors() {
    let mut auditing = Auditing::start().await;
    let before_any = auditing.auditor_query(INCLUSION, json!({ "seq": 1 })).await;
    assert_eq!(before_any.error_code(), "VALIDATION");
    assert_eq!(before_any.reason_codes(), ["OUT_OF_RANGE"]);

    let verifier = auditing.verifier().await;
    let signed = auditing.sign(&verifier).await.size;
    auditing.change_roles(auditing.target).await;
    let beyond = [
        (INCLUSION, json!({ "seq": signed + 1 })),
        (INCLUSION, json!({ "seq": 1, "size": signed + 1 })),
        (INCLUSION, json!({ "seq": 0 })),
        (CONSISTENCY, json!({ "from": signed, "to": signed + 1 })),
        (CONSISTENCY, json!({ "from": signed + 1 })),
        (CONSISTENCY, json!({ "from": 0 })),
    ];
    for (query, variables) in beyond {
        let response = auditing.auditor_query(query, variables.clone()).await;
        assert_eq!(
            response.error_code(),
            "VALIDATION",
            "{variables}: {:?}",
            response.body
        );
        assert_eq!(response.reason_codes(), ["OUT_OF_RANGE"], "{variables}");
    }
    auditing.finish().await;
}

#[tokio::test]
async fn a_chain_of_custody_lists_one_subjects_entries_in_order_with_links() {
    let mut auditing = Auditing::start().await;
    let other = auditing
        .server
        .add_user("other", &[Role::Clinician])
        .await
        .as_uuid();
    for _ in 0..4 {
        auditing.change_roles(auditing.target).await;
        auditing.change_roles(other).await;
    }
    let target = auditing.target.to_string();
    let query = "query($id: String!, $after: String) { \
         chainOfCustody(kind: \"user\", id: $id, after: $after, first: 2) { \
         edges { cursor node { seq action subjects { kind id prevSeq } } } \
         pageInfo { hasNextPage } } }";
    let mut chain: Vec<(u64, String, Value)> = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let response = auditing
            .auditor_query(query, json!({ "id": target, "after": after }))
            .await;
        let page = &response.data()["chainOfCustody"];
        let edges = page["edges"].as_array().expect("edges");
        assert!(edges.len() <= 2);
        for edge in edges {
            let node = &edge["node"];
            let subject = node["subjects"]
                .as_array()
                .expect("subjects")
                .iter()
                .find(|subject| subject["kind"] == json!("user") && subject["id"] == json!(target))
                .expect("every entry of the chain names the subject")
                .clone();
            let seq = node["seq"].as_u64().expect("a seq");
            assert_eq!(edge["cursor"], json!(seq.to_string()));
            chain.push((
                seq,
                node["action"].as_str().expect("an action").to_owned(),
                subject["prevSeq"].clone(),
            ));
            after = Some(seq.to_string());
        }
        if page["pageInfo"]["hasNextPage"] != json!(true) {
            break;
        }
    }
    let actions: Vec<&str> = chain.iter().map(|(_, action, _)| action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "user.registered",
            "user.roles_changed",
            "user.roles_changed",
            "user.roles_changed",
            "user.roles_changed"
        ]
    );
    assert_eq!(chain[0].2, Value::Null);
    for pair in chain.windows(2) {
        assert!(pair[0].0 < pair[1].0, "in order");
        assert_eq!(pair[1].2, json!(pair[0].0), "linked to the previous entry");
    }
    // The other user's changes sit between them: the links skip over them.
    assert!(chain[4].0 - chain[1].0 > 3);

    let unknown = auditing
        .auditor_query(
            "{ chainOfCustody(kind: \"planet\", id: \"x\") { edges { cursor } } }",
            json!({}),
        )
        .await;
    assert_eq!(unknown.error_code(), "VALIDATION");
    auditing.finish().await;
}

#[tokio::test]
async fn an_export_verifies_offline_and_an_edited_one_does_not() {
    let mut auditing = Auditing::start().await;
    let verifier = auditing.verifier().await;
    auditing.grow_to(9).await;
    auditing.sign(&verifier).await;
    auditing.grow_to(12).await;
    auditing.sign(&verifier).await;
    auditing.grow_to(14).await;

    let database = auditing.server.store_database().await;
    let mut file = Vec::new();
    let exported = export::export(&database, &auditing.server.settings.origin, &mut file)
        .await
        .expect("the export is written");
    assert_eq!((exported.entries, exported.checkpoints), (14, 2));
    assert_eq!(all_entries(&database).await.len(), 14);
    database.close().await.expect("the database closes");

    let key = verifier.verifier_key();
    let summary = verify_export(file.as_slice(), key).expect("the export verifies");
    assert_eq!(
        (
            summary.entries,
            summary.checkpoints,
            summary.last_checkpoint_size
        ),
        (14, 2, 12)
    );

    // An auditor's copy edited after the fact: entry 7 now grants admin.
    let text = String::from_utf8(file).expect("UTF-8");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut line: Value = serde_json::from_str(&lines[7]).expect("JSON");
    assert_eq!(line["entry"]["seq"], json!(7));
    line["entry"]["payload"]["roles"] = json!(["admin"]);
    lines[7] = line.to_string();
    let edited = lines.join("\n") + "\n";
    let fault = verify_export(edited.as_bytes(), key).expect_err("the edit is caught");
    assert!(
        matches!(fault, Fault::HashMismatch { seq: 7, .. }),
        "{fault}"
    );

    // The same file under another installation's key fails on its origin.
    let stranger =
        cordtrace_ledger::LedgerSigner::generate("elsewhere.example/ledger").expect("a key");
    let fault = verify_export(text.as_bytes(), &stranger.verifier_key()).expect_err("wrong key");
    assert_eq!(fault.kind(), "origin_mismatch");
    auditing.finish().await;
}
