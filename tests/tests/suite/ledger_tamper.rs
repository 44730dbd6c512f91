//! The ledger against an attacker with database access: the append-only triggers refuse changes,
//! and once the attacker drops them, every edit of the ledger or of a current-state table is
//! reported by verification (in the store and through GraphQL `verifyLedger`) as the first
//! fault, with its kind and its seq or table and row.

use std::collections::HashMap;

use cordtrace_domain::Role;
use cordtrace_ledger::{Entry, Payload};
use cordtrace_store::Database;
use cordtrace_store::ledger::verify::{self, VerifyError};
use cordtrace_tests::{TestServer, all_entries};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, Value as SqlValue};
use serde_json::json;
use uuid::Uuid;

const APPEND_ONLY_TABLES: [(&str, &str); 4] = [
    ("ledger_entry", "payload"),
    ("ledger_subject", "prev_seq"),
    ("merkle_hash", "hash"),
    ("checkpoint", "note"),
];

const SET_ROLES: &str = "mutation($id: UUID!, $roles: [Role!]!) \
     { setUserRoles(userId: $id, roles: $roles) { id } }";

const VERIFY: &str = "{ verifyLedger { ok entries fault { kind seq table row detail } } }";

/// The fault a tamper test expects verification to report.
#[derive(Debug)]
struct Expected {
    kind: &'static str,
    seq: Option<u64>,
    table: Option<&'static str>,
    row: Option<String>,
}

impl Expected {
    fn at_seq(kind: &'static str, seq: u64) -> Self {
        Self {
            kind,
            seq: Some(seq),
            table: None,
            row: None,
        }
    }
}

/// A server whose ledger has some history: an admin and an auditor who signed in, three users
/// whose roles the admin changed four times each (twelve consecutive `user.roles_changed`
/// entries), and open connections to its database for the store and for the attacker.
struct Fixture {
    server: TestServer,
    admin: String,
    auditor: String,
    targets: Vec<Uuid>,
    database: Database,
    raw: DatabaseConnection,
}

impl Fixture {
    async fn new() -> Self {
        let server = TestServer::start().await;
        let admin = server.user_token("admin", &[Role::Admin]).await;
        let auditor = server.user_token("auditor", &[Role::Auditor]).await;
        let mut targets = Vec::new();
        for target_idx in 0..3 {
            let user_id = server
                .add_user(&format!("target.{target_idx}"), &[Role::Technician])
                .await;
            targets.push(user_id.as_uuid());
        }
        let fixture = Self {
            database: server.store_database().await,
            raw: server.raw_database().await,
            server,
            admin,
            auditor,
            targets,
        };
        for round in 0..4 {
            for target in &fixture.targets {
                fixture.set_roles(*target, round).await;
            }
        }
        fixture.assert_verifies().await;
        fixture
    }

    async fn set_roles(&self, user_id: Uuid, round: usize) {
        let roles = if round.is_multiple_of(2) {
            json!(["ANALYST"])
        } else {
            json!(["TECHNICIAN", "QA"])
        };
        self.server
            .gql(
                Some(&self.admin),
                SET_ROLES,
                json!({ "id": user_id, "roles": roles }),
            )
            .await
            .data();
    }

    /// Signs a checkpoint of the whole ledger through GraphQL and returns its size.
    async fn sign_checkpoint(&self) -> u64 {
        let response = self
            .server
            .gql(
                Some(&self.auditor),
                "mutation { signCheckpoint { treeSize } }",
                json!({}),
            )
            .await;
        response.data()["signCheckpoint"]["treeSize"]
            .as_u64()
            .expect("a tree size")
    }

    async fn entries(&self) -> Vec<Entry> {
        all_entries(&self.database).await
    }

    /// The seqs of the `user.roles_changed` entries, in order.
    async fn role_change_seqs(&self) -> Vec<u64> {
        let seqs: Vec<u64> = self
            .entries()
            .await
            .iter()
            .filter(|entry| entry.body().action.as_str() == "user.roles_changed")
            .map(Entry::seq)
            .collect();
        assert_eq!(seqs.len(), 12);
        seqs
    }

    async fn entry(&self, seq: u64) -> Entry {
        cordtrace_store::ledger::read::entry(&self.database, seq)
            .await
            .expect("the ledger reads")
            .expect("the entry exists")
    }

    async fn assert_verifies(&self) {
        let report = verify::verify(&self.database, &self.server.checkpoint_verifier())
            .await
            .expect("the untouched ledger verifies");
        assert!(report.entries > 0);
        let response = self
            .server
            .gql(Some(&self.auditor), VERIFY, json!({}))
            .await;
        assert_eq!(response.data()["verifyLedger"]["ok"], json!(true));
    }

    /// Both the store's verification and GraphQL `verifyLedger` report exactly `expected`.
    async fn assert_detected(&self, expected: Expected) {
        let fault = match verify::verify(&self.database, &self.server.checkpoint_verifier()).await {
            Err(VerifyError::Fault(fault)) => fault,
            Err(VerifyError::Query(error)) => panic!("verification could not run: {error}"),
            Ok(report) => panic!("the tampering went unnoticed: {report:?}"),
        };
        let found = (
            fault.kind.as_str(),
            fault.seq,
            fault.table.as_deref(),
            fault.row.clone(),
        );
        assert_eq!(
            found,
            (
                expected.kind,
                expected.seq,
                expected.table,
                expected.row.clone()
            ),
            "store verification: {fault}"
        );

        let response = self
            .server
            .gql(Some(&self.auditor), VERIFY, json!({}))
            .await;
        let result = &response.data()["verifyLedger"];
        assert_eq!(result["ok"], json!(false), "{result}");
        let fault = &result["fault"];
        assert_eq!(fault["kind"], json!(expected.kind), "{fault}");
        assert_eq!(fault["seq"], json!(expected.seq), "{fault}");
        assert_eq!(fault["table"], json!(expected.table), "{fault}");
        assert_eq!(fault["row"], json!(expected.row), "{fault}");
        assert!(
            !fault["detail"].as_str().unwrap_or("").is_empty(),
            "{fault}"
        );
    }

    /// What an attacker does first: drop the triggers that make the ledger append-only.
    async fn drop_append_only_triggers(&self) {
        for (table, _) in APPEND_ONLY_TABLES {
            let statements = match self.raw.get_database_backend() {
                DbBackend::Postgres => vec![
                    format!("DROP TRIGGER {table}_append_only ON {table}"),
                    format!("DROP TRIGGER {table}_no_truncate ON {table}"),
                ],
                _ => vec![
                    format!("DROP TRIGGER {table}_no_update"),
                    format!("DROP TRIGGER {table}_no_delete"),
                ],
            };
            for statement in statements {
                self.raw
                    .execute_unprepared(&statement)
                    .await
                    .unwrap_or_else(|error| panic!("{statement}: {error}"));
            }
        }
    }

    async fn execute(&self, sql: &str, values: Vec<SqlValue>) {
        execute(&self.raw, sql, values).await;
    }

    /// Deletes entries `first..=last` and their sub-chain index rows.
    async fn delete_entries(&self, first: u64, last: u64) {
        for table in ["ledger_subject", "ledger_entry"] {
            self.execute(
                &format!("DELETE FROM {table} WHERE seq >= ? AND seq <= ?"),
                vec![seq_value(first), seq_value(last)],
            )
            .await;
        }
    }

    /// Inserts an entry row and its sub-chain index rows, as the executor lays them out.
    async fn insert_entry(&self, entry: &Entry) {
        let body = entry.body();
        let (actor_kind, actor_user_id, actor_role) = match &body.actor {
            cordtrace_ledger::Actor::System => ("system", None, None),
            cordtrace_ledger::Actor::User { user_id, role } => {
                ("user", Some(*user_id), Some(role.clone()))
            }
        };
        self.execute(
            "INSERT INTO ledger_entry (seq, id, recorded_at, actor_kind, actor_user_id, \
             actor_role, action, subjects, payload, corrects_seq, correction_reason, signature, \
             prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                seq_value(body.seq),
                body.id.into(),
                body.recorded_at.to_string().into(),
                actor_kind.into(),
                actor_user_id.into(),
                actor_role.into(),
                body.action.as_str().into(),
                serde_json::to_string(&body.subjects)
                    .expect("subjects serialize")
                    .into(),
                serde_json::to_string(&body.payload)
                    .expect("a payload serializes")
                    .into(),
                body.corrects.as_ref().map(|c| seq_i64(c.seq)).into(),
                body.corrects.as_ref().map(|c| c.reason.clone()).into(),
                body.signature
                    .as_ref()
                    .map(|signature| serde_json::to_string(signature).expect("serializes"))
                    .into(),
                body.prev_hash.to_string().into(),
                entry.hash().to_string().into(),
            ],
        )
        .await;
        for subject in &body.subjects {
            self.execute(
                "INSERT INTO ledger_subject (subject_kind, subject_id, seq, prev_seq) \
                 VALUES (?, ?, ?, ?)",
                vec![
                    subject.kind.as_str().into(),
                    subject.id.as_str().into(),
                    seq_value(body.seq),
                    subject.prev_seq.map(seq_i64).into(),
                ],
            )
            .await;
        }
    }

    async fn finish(self) {
        self.raw.close().await.expect("the connection closes");
        self.database.close().await.expect("the database closes");
        self.server.finish().await;
    }
}

fn seq_i64(seq: u64) -> i64 {
    i64::try_from(seq).expect("a seq fits in i64")
}

fn seq_value(seq: u64) -> SqlValue {
    seq_i64(seq).into()
}

/// Runs `sql` with `?` placeholders on either backend.
async fn execute(raw: &DatabaseConnection, sql: &str, values: Vec<SqlValue>) {
    let backend = raw.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            let mut n_placeholders = 0;
            sql.split('?')
                .enumerate()
                .map(|(part_idx, part)| {
                    if part_idx == 0 {
                        part.to_owned()
                    } else {
                        n_placeholders += 1;
                        format!("${n_placeholders}{part}")
                    }
                })
                .collect::<String>()
        }
        _ => sql.to_owned(),
    };
    raw.execute_raw(Statement::from_sql_and_values(backend, &sql, values))
        .await
        .unwrap_or_else(|error| panic!("{sql}: {error}"));
}

#[tokio::test]
async fn the_database_refuses_to_change_or_remove_ledger_rows() {
    let fixture = Fixture::new().await;
    fixture.sign_checkpoint().await;
    let is_postgres = fixture.raw.get_database_backend() == DbBackend::Postgres;
    for (table, column) in APPEND_ONLY_TABLES {
        let mut statements = vec![
            format!("UPDATE {table} SET {column} = {column}"),
            format!("DELETE FROM {table}"),
        ];
        if is_postgres {
            statements.push(format!("TRUNCATE {table} CASCADE"));
        }
        for statement in statements {
            let error = fixture
                .raw
                .execute_unprepared(&statement)
                .await
                .expect_err(&format!("{statement} is refused"));
            assert!(
                error
                    .to_string()
                    .contains(&format!("{table} is append-only")),
                "{statement}: {error}"
            );
        }
    }
    fixture.assert_verifies().await;
    fixture.finish().await;
}

#[tokio::test]
async fn a_changed_payload_is_a_hash_mismatch_at_its_seq() {
    let fixture = Fixture::new().await;
    let seq = fixture.role_change_seqs().await[5];
    let mut payload = fixture.entry(seq).await.body().payload.to_value();
    payload["roles"] = json!(["admin"]);
    fixture.drop_append_only_triggers().await;
    fixture
        .execute(
            "UPDATE ledger_entry SET payload = ? WHERE seq = ?",
            vec![payload.to_string().into(), seq_value(seq)],
        )
        .await;
    fixture
        .assert_detected(Expected::at_seq("hash_mismatch", seq))
        .await;
    fixture.finish().await;
}

#[tokio::test]
async fn a_changed_payload_with_a_recomputed_hash_breaks_the_next_link() {
    let fixture = Fixture::new().await;
    let seq = fixture.role_change_seqs().await[5];
    let (mut body, _) = fixture.entry(seq).await.into_parts();
    let mut payload = body.payload.to_value();
    payload["roles"] = json!(["admin"]);
    body.payload = Payload::new(payload).expect("a valid payload");
    let forged = Entry::seal(body);
    fixture.drop_append_only_triggers().await;
    fixture
        .execute(
            "UPDATE ledger_entry SET payload = ?, hash = ? WHERE seq = ?",
            vec![
                serde_json::to_string(&forged.body().payload)
                    .expect("serializes")
                    .into(),
                forged.hash().to_string().into(),
                seq_value(seq),
            ],
        )
        .await;
    fixture
        .assert_detected(Expected::at_seq("broken_link", seq + 1))
        .await;
    fixture.finish().await;
}

#[tokio::test]
async fn a_deleted_entry_is_a_gap_at_its_seq() {
    let fixture = Fixture::new().await;
    let seq = fixture.role_change_seqs().await[5];
    fixture.drop_append_only_triggers().await;
    fixture.delete_entries(seq, seq).await;
    fixture
        .assert_detected(Expected::at_seq("seq_gap", seq))
        .await;
    fixture.finish().await;
}

/// The strongest forger: the entry is inserted in the middle and every later entry is
/// renumbered, relinked and rehashed, with consistent sub-chains and index. The chain then holds
/// together, and the signed checkpoint is what catches it.
#[tokio::test]
async fn a_forged_entry_with_a_rewritten_chain_fails_the_signed_checkpoint() {
    let fixture = Fixture::new().await;
    let checkpoint_size = fixture.sign_checkpoint().await;
    let position = fixture.role_change_seqs().await[3];
    let entries = fixture.entries().await;
    assert_eq!(checkpoint_size, entries.len() as u64);

    // A copy of the entry at `position` that makes its user an admin, slipped in before it.
    let (mut forged, _) = entries[usize::try_from(position - 1).expect("an index")]
        .clone()
        .into_parts();
    forged.id = Uuid::now_v7();
    let mut payload = forged.payload.to_value();
    payload["roles"] = json!(["admin"]);
    forged.payload = Payload::new(payload).expect("a valid payload");
    let mut rewritten: Vec<_> = entries.iter().map(|entry| entry.body().clone()).collect();
    rewritten.insert(usize::try_from(position - 1).expect("an index"), forged);

    let mut subject_heads: HashMap<(String, String), u64> = HashMap::new();
    let mut prev_hash = cordtrace_ledger::Hash::ZERO;
    let mut sealed = Vec::new();
    for (entry_idx, mut body) in rewritten.into_iter().enumerate() {
        body.seq = entry_idx as u64 + 1;
        body.prev_hash = prev_hash;
        for subject in &mut body.subjects {
            let key = (subject.kind.clone(), subject.id.clone());
            subject.prev_seq = subject_heads.insert(key, body.seq);
        }
        let entry = Entry::seal(body);
        prev_hash = entry.hash();
        sealed.push(entry);
    }

    fixture.drop_append_only_triggers().await;
    fixture.delete_entries(position, checkpoint_size).await;
    for entry in &sealed[usize::try_from(position - 1).expect("an index")..] {
        fixture.insert_entry(entry).await;
    }
    fixture
        .assert_detected(Expected {
            kind: "checkpoint_root",
            seq: None,
            table: Some("checkpoint"),
            row: Some(checkpoint_size.to_string()),
        })
        .await;
    fixture.finish().await;
}

#[tokio::test]
async fn swapped_entries_are_a_hash_mismatch_at_the_first() {
    let fixture = Fixture::new().await;
    let seqs = fixture.role_change_seqs().await;
    let (first, second) = (seqs[4], seqs[5]);
    assert_eq!(second, first + 1);
    let first_entry = fixture.entry(first).await;
    let second_entry = fixture.entry(second).await;
    fixture.drop_append_only_triggers().await;
    fixture.delete_entries(first, second).await;
    // Each entry moves to the other's seq, with its stored hash and its index rows.
    for (entry, new_seq) in [(&second_entry, first), (&first_entry, second)] {
        let (mut body, hash) = entry.clone().into_parts();
        body.seq = new_seq;
        fixture.insert_entry(&Entry::from_parts(body, hash)).await;
    }
    fixture
        .assert_detected(Expected::at_seq("hash_mismatch", first))
        .await;
    fixture.finish().await;
}

#[tokio::test]
async fn a_truncated_tail_is_caught_by_the_checkpoint_that_covered_it() {
    let fixture = Fixture::new().await;
    let checkpoint_size = fixture.sign_checkpoint().await;
    let kept = checkpoint_size - 3;
    fixture.drop_append_only_triggers().await;
    fixture.delete_entries(kept + 1, checkpoint_size).await;
    fixture
        .assert_detected(Expected {
            kind: "checkpoint_beyond_ledger",
            seq: Some(kept + 1),
            table: Some("checkpoint"),
            row: Some(checkpoint_size.to_string()),
        })
        .await;
    fixture.finish().await;
}

#[tokio::test]
async fn a_current_state_change_without_a_ledger_entry_names_the_row() {
    let fixture = Fixture::new().await;
    fixture.sign_checkpoint().await;
    let target = fixture.targets[1];
    // No trigger guards current-state tables: only verification can notice.
    fixture
        .execute(
            "UPDATE app_user SET roles = ? WHERE id = ?",
            vec!["admin".into(), target.into()],
        )
        .await;
    fixture
        .assert_detected(Expected {
            kind: "state_mismatch",
            seq: None,
            table: Some("app_user"),
            row: Some(target.to_string()),
        })
        .await;
    fixture.finish().await;
}
