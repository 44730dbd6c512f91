//! Ending a session ends it: deactivation, an admin's password reset and a lock (five wrong
//! signature passwords) end every session of the user for good, in the command's own
//! transaction, while other users' sessions go on; a command that reaches the writer after its
//! session ended writes nothing; and the ledger still replays to the current state.

use cordtrace_domain::ids::{SessionId, UserId};
use cordtrace_domain::{Actor, Role, Roles};
use cordtrace_store::CommandError;
use cordtrace_store::Executor;
use cordtrace_store::commands::users::{AdminChange, ChangeUser};
use cordtrace_store::ledger::verify;
use cordtrace_tests::clinical_fixtures::{personal_data, signed, wrong_password};
use cordtrace_tests::{GqlResponse, PASSWORD, TestServer};
use sea_orm::ConnectionTrait as _;
use serde_json::{Value, json};

const ME: &str = "{ me { username } }";
const REGISTER_PATIENT: &str = "mutation($p: PatientPersonalDataInput!) { \
    registerPatient(personalData: $p) { id key } }";
const PLACE_ORDER: &str = "mutation($o: OrderInput!, $s: SignatureInput!) { \
    placeOrder(order: $o, signature: $s) { id } }";

async fn me(server: &TestServer, token: &str) -> GqlResponse {
    server.gql(Some(token), ME, json!({})).await
}

/// Asserts that `token` names a live session of `username`.
async fn assert_live(server: &TestServer, token: &str, username: &str) {
    let response = me(server, token).await;
    assert_eq!(
        response.data()["me"]["username"],
        username,
        "{}",
        response.body
    );
}

/// Asserts that `token` no longer names a session.
async fn assert_ended(server: &TestServer, token: &str) {
    let response = me(server, token).await;
    assert_eq!(
        response.error_code(),
        "UNAUTHENTICATED",
        "{}",
        response.body
    );
    assert!(response.body["data"].is_null(), "{}", response.body);
}

/// Runs `sql`, whose one column is the integer `n`.
async fn count(server: &TestServer, sql: &str) -> i64 {
    let database = server.raw_database().await;
    let row = database
        .query_one_raw(sea_orm::Statement::from_string(
            database.get_database_backend(),
            sql,
        ))
        .await
        .expect("the query runs")
        .expect("COUNT returns a row");
    database.close().await.expect("the database closes");
    row.try_get::<i64>("", "n").expect("an integer count")
}

/// How many sessions of `username` are still open in `user_session`.
async fn open_sessions(server: &TestServer, username: &str) -> i64 {
    count(
        server,
        &format!(
            "SELECT COUNT(*) AS n FROM user_session s JOIN app_user u ON u.id = s.user_id \
             WHERE u.username = '{username}' AND s.ended_at IS NULL"
        ),
    )
    .await
}

/// Every action in the ledger after the first `skip`, in order.
async fn actions_after(server: &TestServer, skip: i64) -> Vec<String> {
    let database = server.raw_database().await;
    let rows = database
        .query_all_raw(sea_orm::Statement::from_string(
            database.get_database_backend(),
            "SELECT action FROM ledger_entry ORDER BY seq",
        ))
        .await
        .expect("the ledger reads");
    database.close().await.expect("the database closes");
    rows.iter()
        .skip(usize::try_from(skip).expect("a count"))
        .map(|row| row.try_get::<String>("", "action").expect("an action"))
        .collect()
}

/// `cordtrace ledger verify`: hashes, links, checkpoints, and a replay of every event compared
/// with the current-state tables.
async fn assert_ledger_verifies(server: &TestServer) {
    let database = server.store_database().await;
    let report = verify::verify(&database, &server.checkpoint_verifier())
        .await
        .expect("the ledger verifies and replays to the current state");
    assert!(report.entries > 0);
    database.close().await.expect("the database closes");
}

async fn admin_change(server: &TestServer, admin: &str, mutation: &str, user_id: UserId) -> Value {
    let response = server
        .gql(Some(admin), mutation, json!({ "id": user_id.as_uuid() }))
        .await;
    response.data().clone()
}

#[tokio::test]
async fn a_session_from_before_deactivation_stays_ended_after_reactivation() {
    let server = TestServer::start().await;
    let admin = server.user_token("admin.one", &[Role::Admin]).await;
    let tech = server.add_user("tech.leaving", &[Role::Technician]).await;
    let bench = server.login("tech.leaving", PASSWORD).await;
    let office = server.login("tech.leaving", PASSWORD).await;
    let other = server.user_token("tech.staying", &[Role::Technician]).await;
    assert_live(&server, &bench, "tech.leaving").await;
    assert_eq!(open_sessions(&server, "tech.leaving").await, 2);

    admin_change(
        &server,
        &admin,
        "mutation($id: UUID!) { deactivateUser(userId: $id, reason: \"left the facility\") { active } }",
        tech,
    )
    .await;
    assert_eq!(open_sessions(&server, "tech.leaving").await, 0);
    assert_ended(&server, &bench).await;

    let reactivated = admin_change(
        &server,
        &admin,
        "mutation($id: UUID!) { reactivateUser(userId: $id) { active } }",
        tech,
    )
    .await;
    assert_eq!(reactivated["reactivateUser"]["active"], true);
    // Reactivation opens no old session: each must sign in again.
    for token in [&bench, &office] {
        assert_ended(&server, token).await;
    }
    assert_eq!(open_sessions(&server, "tech.leaving").await, 0);
    let again = server.login("tech.leaving", PASSWORD).await;
    assert_live(&server, &again, "tech.leaving").await;
    // Nobody else was signed out.
    assert_live(&server, &other, "tech.staying").await;
    assert_live(&server, &admin, "admin.one").await;
    assert_eq!(open_sessions(&server, "tech.staying").await, 1);

    assert_ledger_verifies(&server).await;
    server.finish().await;
}

#[tokio::test]
async fn an_admin_password_reset_ends_every_session_of_the_user() {
    let server = TestServer::start().await;
    let admin = server.user_token("admin.one", &[Role::Admin]).await;
    let qa = server.add_user("qa.reset", &[Role::Qa]).await;
    let first = server.login("qa.reset", PASSWORD).await;
    let second = server.login("qa.reset", PASSWORD).await;
    let other = server.user_token("qa.other", &[Role::Qa]).await;

    let reset = admin_change(
        &server,
        &admin,
        "mutation($id: UUID!) { resetPassword(userId: $id, \
         temporaryPassword: \"temporary passphrase 1\") { mustChangePassword } }",
        qa,
    )
    .await;
    assert_eq!(reset["resetPassword"]["mustChangePassword"], true);
    for token in [&first, &second] {
        assert_ended(&server, token).await;
    }
    assert_eq!(open_sessions(&server, "qa.reset").await, 0);
    // The reset's one entry is all that was written; the sessions ended in its transaction.
    assert_eq!(
        actions_after(&server, server.ledger_entry_count().await - 1).await,
        ["user.password_reset"]
    );

    // The temporary password opens a new session, which must change it first.
    let fresh = server.login("qa.reset", "temporary passphrase 1").await;
    let changed = server
        .gql(
            Some(&fresh),
            "mutation { changePassword(currentPassword: \"temporary passphrase 1\", \
             newPassword: \"quality's own passphrase\") }",
            json!({}),
        )
        .await;
    assert_eq!(changed.data()["changePassword"], true);
    assert_live(&server, &fresh, "qa.reset").await;
    for token in [&first, &second] {
        assert_ended(&server, token).await;
    }
    assert_live(&server, &other, "qa.other").await;
    assert_live(&server, &admin, "admin.one").await;

    assert_ledger_verifies(&server).await;
    server.finish().await;
}

#[tokio::test]
async fn five_wrong_signature_passwords_end_the_sessions_and_nothing_more_is_written() {
    let server = TestServer::start().await;
    let admin = server.user_token("admin.one", &[Role::Admin]).await;
    let clinician = server.add_user("clin.one", &[Role::Clinician]).await;
    let ward = server.login("clin.one", PASSWORD).await;
    let office = server.login("clin.one", PASSWORD).await;
    let colleague = server.user_token("clin.two", &[Role::Clinician]).await;

    let registered = server
        .gql(
            Some(&ward),
            REGISTER_PATIENT,
            json!({ "p": personal_data("WB-0001") }),
        )
        .await;
    let patient_id = registered.data()["registerPatient"]["id"].clone();
    let order = json!({ "patientId": patient_id, "startsOn": chrono::Utc::now().date_naive() });

    // Four wrong passwords are refused and counted; the session goes on.
    for _ in 0..4 {
        let refused = server
            .gql(
                Some(&ward),
                PLACE_ORDER,
                json!({ "o": order, "s": wrong_password("AUTHORSHIP") }),
            )
            .await;
        assert_eq!(refused.error_code(), "FORBIDDEN", "{}", refused.body);
        assert_eq!(refused.reason_codes(), ["SIGNATURE_REJECTED"]);
    }
    assert_live(&server, &ward, "clin.one").await;

    // The fifth locks the account, and the lock ends both of the user's sessions with it.
    let before_fifth = server.ledger_entry_count().await;
    let fifth = server
        .gql(
            Some(&ward),
            PLACE_ORDER,
            json!({ "o": order, "s": wrong_password("AUTHORSHIP") }),
        )
        .await;
    assert_eq!(fifth.error_code(), "FORBIDDEN", "{}", fifth.body);
    assert_eq!(
        actions_after(&server, before_fifth).await,
        ["user.authentication_failed", "user.locked"]
    );
    assert_eq!(open_sessions(&server, "clin.one").await, 0);

    // Through either session nothing more is written: not a write, not a signed write with
    // the right password.
    let before = server.ledger_entry_count().await;
    let patients = count(&server, "SELECT COUNT(*) AS n FROM patient").await;
    let personal = count(&server, "SELECT COUNT(*) AS n FROM patient_personal").await;
    for token in [&ward, &office] {
        let write = server
            .gql(
                Some(token),
                REGISTER_PATIENT,
                json!({ "p": personal_data("WB-0002") }),
            )
            .await;
        assert_eq!(write.error_code(), "UNAUTHENTICATED", "{}", write.body);
        let signed_write = server
            .gql(
                Some(token),
                PLACE_ORDER,
                json!({ "o": order, "s": signed("AUTHORSHIP") }),
            )
            .await;
        assert_eq!(
            signed_write.error_code(),
            "UNAUTHENTICATED",
            "{}",
            signed_write.body
        );
        assert_ended(&server, token).await;
    }
    assert_eq!(server.ledger_entry_count().await, before);
    assert_eq!(
        count(&server, "SELECT COUNT(*) AS n FROM patient").await,
        patients
    );
    assert_eq!(
        count(&server, "SELECT COUNT(*) AS n FROM patient_personal").await,
        personal
    );
    assert_eq!(
        count(&server, "SELECT COUNT(*) AS n FROM clinical_order").await,
        0
    );

    // The colleague on the same ward works on.
    assert_live(&server, &colleague, "clin.two").await;
    let theirs = server
        .gql(
            Some(&colleague),
            REGISTER_PATIENT,
            json!({ "p": personal_data("WB-0003") }),
        )
        .await;
    assert!(theirs.data()["registerPatient"]["key"].is_string());

    // An unlock lets the user sign in again, and opens none of the ended sessions.
    admin_change(
        &server,
        &admin,
        "mutation($id: UUID!) { unlockUser(userId: $id) { lockedUntil } }",
        clinician,
    )
    .await;
    for token in [&ward, &office] {
        assert_ended(&server, token).await;
    }
    let again = server.login("clin.one", PASSWORD).await;
    let placed = server
        .gql(
            Some(&again),
            PLACE_ORDER,
            json!({ "o": order, "s": signed("AUTHORSHIP") }),
        )
        .await;
    assert!(placed.data()["placeOrder"]["id"].is_string());

    assert_ledger_verifies(&server).await;
    server.finish().await;
}

/// The id of the one open session of `username`.
async fn open_session_id(server: &TestServer, username: &str) -> SessionId {
    let database = server.raw_database().await;
    let row = database
        .query_one_raw(sea_orm::Statement::from_string(
            database.get_database_backend(),
            format!(
                "SELECT s.id AS id FROM user_session s JOIN app_user u ON u.id = s.user_id \
                 WHERE u.username = '{username}' AND s.ended_at IS NULL"
            ),
        ))
        .await
        .expect("the query runs")
        .expect("an open session");
    database.close().await.expect("the database closes");
    SessionId::from_uuid(row.try_get::<uuid::Uuid>("", "id").expect("a session id"))
}

/// A request authenticated just before its session ended still reaches the writer; the session is
/// checked again in the command's transaction, so the command writes nothing.
#[tokio::test]
async fn a_command_that_reaches_the_writer_after_its_session_ended_writes_nothing() {
    let server = TestServer::start().await;
    let admin = server.user_token("admin.one", &[Role::Admin]).await;
    let second_admin = server.add_user("admin.two", &[Role::Admin]).await;
    server.login("admin.two", PASSWORD).await;
    let session = open_session_id(&server, "admin.two").await;
    let target = server.add_user("tech.one", &[Role::Technician]).await;
    let actor = Actor::User {
        user_id: second_admin,
        role: Role::Admin,
    };
    let roles = |role| AdminChange::Roles(Roles::new([role]).expect("a role"));

    let database = server.store_database().await;
    let (executor, writer) = Executor::start(database.clone());
    // While the session is live, the command runs.
    executor
        .execute_in_session(
            session,
            actor,
            ChangeUser {
                user_id: target,
                change: roles(Role::Analyst),
            },
        )
        .await
        .expect("a live session's command runs");

    admin_change(
        &server,
        &admin,
        "mutation($id: UUID!) { deactivateUser(userId: $id, reason: \"left\") { active } }",
        second_admin,
    )
    .await;
    let before = server.ledger_entry_count().await;
    let refused = executor
        .execute_in_session(
            session,
            actor,
            ChangeUser {
                user_id: target,
                change: roles(Role::Qa),
            },
        )
        .await;
    assert!(
        matches!(refused, Err(CommandError::SessionEnded)),
        "{refused:?}"
    );
    assert_eq!(server.ledger_entry_count().await, before);
    drop(executor);
    writer.await.expect("the writer stops");
    database.close().await.expect("the database closes");

    let roles = server
        .gql(
            Some(&admin),
            "query($id: UUID!) { user(id: $id) { roles } }",
            json!({ "id": target.as_uuid() }),
        )
        .await;
    assert_eq!(roles.data()["user"]["roles"], json!(["ANALYST"]));
    assert_ledger_verifies(&server).await;
    server.finish().await;
}

#[tokio::test]
async fn a_logout_ends_only_its_own_session() {
    let server = TestServer::start().await;
    server.add_user("tech.one", &[Role::Technician]).await;
    let first = server.login("tech.one", PASSWORD).await;
    let second = server.login("tech.one", PASSWORD).await;
    let out = server
        .gql(Some(&first), "mutation { logout }", json!({}))
        .await;
    assert_eq!(out.data()["logout"], true);
    assert_ended(&server, &first).await;
    assert_live(&server, &second, "tech.one").await;
    // An ended session cannot log out again, and records no second logout.
    let before = server.ledger_entry_count().await;
    let again = server
        .gql(Some(&first), "mutation { logout }", json!({}))
        .await;
    assert_eq!(again.error_code(), "UNAUTHENTICATED");
    assert_eq!(server.ledger_entry_count().await, before);
    server.finish().await;
}
