//! Users and sessions over GraphQL: login, logout, lockout and unlock, lock expiry, idle and
//! absolute session expiry, deactivation, admin password resets, what is ledgered, and that no
//! secret ever leaves the server or enters the ledger.

use std::time::Duration;

use cordtrace_domain::Role;
use cordtrace_tests::{GqlResponse, PASSWORD, TestServer};
use sea_orm::ConnectionTrait as _;
use serde_json::{Value, json};

const LOGIN: &str = "mutation($u: String!, $p: String!) { \
    login(username: $u, password: $p) { token expiresAt idleExpiresAt \
    user { id username printedName roles mustChangePassword } } }";
const ME: &str = "{ me { username printedName roles mustChangePassword \
    sessionExpiresAt sessionIdleExpiresAt } }";
/// What every refused login says, whatever the reason.
const LOGIN_REFUSED: &str = "invalid username or password";

async fn login(server: &TestServer, username: &str, password: &str) -> GqlResponse {
    server
        .gql(None, LOGIN, json!({ "u": username, "p": password }))
        .await
}

async fn me(server: &TestServer, token: &str) -> GqlResponse {
    server.gql(Some(token), ME, json!({})).await
}

/// Asserts a login was refused exactly as every other refused login is.
fn assert_login_refused(response: &GqlResponse) {
    assert_eq!(
        response.error_code(),
        "UNAUTHENTICATED",
        "{:?}",
        response.body
    );
    assert_eq!(response.body["errors"][0]["message"], LOGIN_REFUSED);
    assert!(response.body["errors"][0]["extensions"]["reasons"].is_null());
    assert!(response.body["data"].is_null());
}

/// Runs `sql` and returns its single text column, row by row.
async fn texts(server: &TestServer, sql: &str) -> Vec<String> {
    let database = server.raw_database().await;
    let statement = sea_orm::Statement::from_string(database.get_database_backend(), sql);
    let rows = database
        .query_all_raw(statement)
        .await
        .expect("the query runs");
    database.close().await.expect("the database closes");
    rows.iter()
        .map(|row| {
            row.try_get::<Option<String>>("", "t")
                .expect("a text column named t")
                .unwrap_or_default()
        })
        .collect()
}

/// Every action in the ledger, in order.
async fn actions(server: &TestServer) -> Vec<String> {
    texts(server, "SELECT action AS t FROM ledger_entry ORDER BY seq").await
}

/// The ledger's text columns (everything but numbers, ids and hashes), one string per entry.
async fn ledger_text(server: &TestServer) -> String {
    texts(
        server,
        "SELECT action || ' ' || subjects || ' ' || payload || ' ' || \
         COALESCE(signature, '') || ' ' || COALESCE(correction_reason, '') AS t \
         FROM ledger_entry ORDER BY seq",
    )
    .await
    .join("\n")
}

async fn admin_user(server: &TestServer, admin: &str, user_id: &str) -> Value {
    let response = server
        .gql(
            Some(admin),
            "query($id: UUID!) { user(id: $id) { active failedLogins lockedUntil mustChangePassword } }",
            json!({ "id": user_id }),
        )
        .await;
    response.data()["user"].clone()
}

/// Parses an RFC 3339 time, failing the test unless it is in UTC.
fn assert_rfc3339_utc(value: &Value) -> chrono::DateTime<chrono::Utc> {
    let text = value.as_str().expect("a string");
    let parsed = chrono::DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|error| panic!("{text} is not RFC 3339: {error}"));
    assert_eq!(parsed.offset().local_minus_utc(), 0, "{text} is not UTC");
    parsed.to_utc()
}

#[tokio::test]
async fn login_opens_a_session_that_me_describes_and_logout_ends() {
    let server = TestServer::start().await;
    server
        .add_user("clin.one", &[Role::Clinician, Role::Qa])
        .await;
    let before = actions(&server).await.len();

    let response = login(&server, "clin.one", PASSWORD).await;
    let payload = &response.data()["login"];
    let token = payload["token"].as_str().expect("a token").to_owned();
    // 256 random bits, base64url: well over 128 bits and safe in a header.
    assert!(token.len() >= 43, "{token}");
    assert!(
        token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    );
    assert_eq!(payload["user"]["username"], "clin.one");
    assert_eq!(payload["user"]["printedName"], "Test clin.one");
    assert_eq!(payload["user"]["roles"], json!(["QA", "CLINICIAN"]));
    // The defaults: 12 hours at most, 15 minutes unused.
    let from_now = |value: &Value| assert_rfc3339_utc(value) - chrono::Utc::now();
    let lifetime = from_now(&payload["expiresAt"]);
    assert!((lifetime - chrono::Duration::hours(12)).num_seconds().abs() < 60);
    let idle = from_now(&payload["idleExpiresAt"]);
    assert!((idle - chrono::Duration::minutes(15)).num_seconds().abs() < 60);

    let second = login(&server, "clin.one", PASSWORD).await;
    let second_token = second.data()["login"]["token"].as_str().expect("a token");
    assert_ne!(token, second_token, "every login gets its own token");

    let me_response = me(&server, &token).await;
    let me_data = &me_response.data()["me"];
    assert_eq!(me_data["username"], "clin.one");
    assert_eq!(me_data["printedName"], "Test clin.one");
    assert_eq!(me_data["roles"], json!(["QA", "CLINICIAN"]));
    assert_eq!(me_data["mustChangePassword"], false);
    assert_rfc3339_utc(&me_data["sessionExpiresAt"]);
    assert_rfc3339_utc(&me_data["sessionIdleExpiresAt"]);

    // Only the token's SHA-256 is stored.
    let stored = texts(&server, "SELECT token_hash AS t FROM user_session").await;
    assert_eq!(stored.len(), 2);
    assert!(stored.contains(&cordtrace_store::auth::token::token_hash(&token)));
    assert!(!stored.contains(&token));

    let logout = server
        .gql(Some(&token), "mutation { logout }", json!({}))
        .await;
    assert_eq!(logout.data()["logout"], true);
    assert_eq!(me(&server, &token).await.error_code(), "UNAUTHENTICATED");
    // Other sessions live on.
    assert!(me(&server, second_token).await.body["errors"].is_null());

    assert_eq!(
        actions(&server).await[before..],
        [
            "user.login_succeeded",
            "user.login_succeeded",
            "user.logged_out"
        ]
    );
    server.finish().await;
}

#[tokio::test]
async fn a_refused_login_never_says_whether_the_username_exists() {
    let server = TestServer::start().await;
    let admin = server.user_token("admin.one", &[Role::Admin]).await;
    let gone = server.add_user("tech.gone", &[Role::Technician]).await;
    server
        .gql(
            Some(&admin),
            "mutation($id: UUID!) { deactivateUser(userId: $id, reason: \"left\") { active } }",
            json!({ "id": gone.as_uuid() }),
        )
        .await
        .data();
    server.add_user("tech.here", &[Role::Technician]).await;
    let before = actions(&server).await.len();

    for (username, password) in [
        ("tech.nobody", PASSWORD),
        ("tech.here", "a wrong password"),
        ("tech.gone", PASSWORD),
        ("NOT A USERNAME", PASSWORD),
        ("", ""),
    ] {
        assert_login_refused(&login(&server, username, password).await);
    }

    // A known user's failure is part of their record (it counts toward the lockout); an
    // unknown username's is only logged, so that nobody can grow the ledger by failing.
    assert_eq!(
        actions(&server).await[before..],
        ["user.authentication_failed", "user.authentication_failed"]
    );
    // What was typed as an unknown username is not recorded: it may be a misplaced password.
    assert!(!ledger_text(&server).await.contains("tech.nobody"));
    server.finish().await;
}

#[tokio::test]
async fn failures_lock_the_account_until_an_admin_unlocks_it() {
    let server = TestServer::start_with(|settings| {
        settings.lockout_failures = 3;
        settings.lockout_secs = 3600;
    })
    .await;
    let admin = server.user_token("admin.one", &[Role::Admin]).await;
    let analyst = server.add_user("analyst.one", &[Role::Analyst]).await;
    let analyst_id = analyst.as_uuid().to_string();
    let before = actions(&server).await.len();

    for _ in 0..3 {
        assert_login_refused(&login(&server, "analyst.one", "a wrong password").await);
    }
    let locked = admin_user(&server, &admin, &analyst_id).await;
    assert_eq!(locked["failedLogins"], 3);
    let until = assert_rfc3339_utc(&locked["lockedUntil"]) - chrono::Utc::now();
    assert!((until - chrono::Duration::hours(1)).num_seconds().abs() < 60);
    // The right password is refused too, and says nothing more.
    assert_login_refused(&login(&server, "analyst.one", PASSWORD).await);

    let unlock = server
        .gql(
            Some(&admin),
            "mutation($id: UUID!) { unlockUser(userId: $id) { failedLogins lockedUntil } }",
            json!({ "id": analyst_id }),
        )
        .await;
    assert_eq!(
        unlock.data()["unlockUser"],
        json!({ "failedLogins": 0, "lockedUntil": null })
    );
    let token = login(&server, "analyst.one", PASSWORD).await;
    assert!(token.data()["login"]["token"].is_string());

    assert_eq!(
        actions(&server).await[before..],
        [
            "user.authentication_failed",
            "user.authentication_failed",
            "user.authentication_failed",
            "user.locked",
            "user.authentication_failed",
            "user.unlocked",
            "user.login_succeeded",
        ]
    );
    let ledger = ledger_text(&server).await;
    assert!(ledger.contains(r#""cause":"locked""#), "{ledger}");
    assert!(ledger.contains(r#""cause":"wrong_password""#), "{ledger}");
    server.finish().await;
}

#[tokio::test]
async fn a_lock_lifts_by_itself_when_it_expires() {
    let server = TestServer::start_with(|settings| {
        settings.lockout_failures = 2;
        settings.lockout_secs = 1;
    })
    .await;
    server.add_user("qa.one", &[Role::Qa]).await;
    for _ in 0..2 {
        assert_login_refused(&login(&server, "qa.one", "a wrong password").await);
    }
    assert_login_refused(&login(&server, "qa.one", PASSWORD).await);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let response = login(&server, "qa.one", PASSWORD).await;
    assert!(response.data()["login"]["token"].is_string());
    server.finish().await;
}

#[tokio::test]
async fn an_unused_session_expires_after_the_idle_timeout() {
    let server = TestServer::start_with(|settings| settings.session_idle_secs = 1).await;
    let token = server.user_token("tech.idle", &[Role::Technician]).await;
    assert!(me(&server, &token).await.body["errors"].is_null());
    tokio::time::sleep(Duration::from_millis(1300)).await;
    assert_eq!(me(&server, &token).await.error_code(), "UNAUTHENTICATED");
    // A new login works: only the session ended.
    let again = server.login("tech.idle", PASSWORD).await;
    assert!(me(&server, &again).await.body["errors"].is_null());
    server.finish().await;
}

#[tokio::test]
async fn use_keeps_a_session_alive_but_not_beyond_its_absolute_lifetime() {
    let server = TestServer::start_with(|settings| {
        settings.session_idle_secs = 1;
        settings.session_lifetime_secs = 3;
    })
    .await;
    let token = server.user_token("tech.busy", &[Role::Technician]).await;
    let started = std::time::Instant::now();
    // Used every 300 ms, the session outlives its idle timeout twice over...
    while started.elapsed() < Duration::from_millis(2200) {
        let response = me(&server, &token).await;
        assert!(
            response.body["errors"].is_null(),
            "after {:?}: {:?}",
            started.elapsed(),
            response.body
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    // ...but not its lifetime.
    let lifetime_left = Duration::from_secs(3).saturating_sub(started.elapsed());
    tokio::time::sleep(lifetime_left + Duration::from_millis(200)).await;
    assert_eq!(me(&server, &token).await.error_code(), "UNAUTHENTICATED");
    server.finish().await;
}

#[tokio::test]
async fn deactivated_users_can_neither_log_in_nor_use_their_sessions() {
    let server = TestServer::start().await;
    let admin = server.user_token("admin.one", &[Role::Admin]).await;
    let tech = server.add_user("tech.leaving", &[Role::Technician]).await;
    let tech_id = tech.as_uuid().to_string();
    let token = server.login("tech.leaving", PASSWORD).await;

    let before = server.ledger_entry_count().await;
    let no_reason = server
        .gql(
            Some(&admin),
            "mutation($id: UUID!) { deactivateUser(userId: $id, reason: \"  \") { active } }",
            json!({ "id": tech_id }),
        )
        .await;
    assert_eq!(no_reason.error_code(), "VALIDATION");
    assert_eq!(server.ledger_entry_count().await, before);

    let deactivated = server
        .gql(
            Some(&admin),
            "mutation($id: UUID!) { deactivateUser(userId: $id, reason: \"left the facility\") { active } }",
            json!({ "id": tech_id }),
        )
        .await;
    assert_eq!(deactivated.data()["deactivateUser"]["active"], false);
    assert_eq!(me(&server, &token).await.error_code(), "UNAUTHENTICATED");
    assert_login_refused(&login(&server, "tech.leaving", PASSWORD).await);
    assert!(
        ledger_text(&server)
            .await
            .contains(r#""cause":"deactivated""#)
    );

    let reactivated = server
        .gql(
            Some(&admin),
            "mutation($id: UUID!) { reactivateUser(userId: $id) { active } }",
            json!({ "id": tech_id }),
        )
        .await;
    assert_eq!(reactivated.data()["reactivateUser"]["active"], true);
    let token = server.login("tech.leaving", PASSWORD).await;
    assert!(me(&server, &token).await.body["errors"].is_null());

    // An admin cannot lock everybody out by deactivating themselves.
    let admin_uuid = server
        .gql(Some(&admin), "{ me { id } }", json!({}))
        .await
        .data()["me"]["id"]
        .clone();
    let own = server
        .gql(
            Some(&admin),
            "mutation($id: UUID!) { deactivateUser(userId: $id, reason: \"oops\") { active } }",
            json!({ "id": admin_uuid }),
        )
        .await;
    assert_eq!(own.error_code(), "FORBIDDEN");
    assert_eq!(own.reason_codes(), ["SELF_DEACTIVATION"]);

    let actions = actions(&server).await;
    assert!(actions.contains(&"user.deactivated".to_owned()));
    assert!(actions.contains(&"user.reactivated".to_owned()));
    server.finish().await;
}

#[tokio::test]
async fn an_admin_reset_forces_a_password_change_before_anything_else() {
    let server = TestServer::start().await;
    let admin = server.user_token("admin.one", &[Role::Admin]).await;
    let tech = server.add_user("tech.reset", &[Role::Technician]).await;
    let old_session = server.login("tech.reset", PASSWORD).await;
    let temporary = "temporary passphrase 1";

    let before = server.ledger_entry_count().await;
    let weak = server
        .gql(
            Some(&admin),
            "mutation($id: UUID!, $p: String!) { resetPassword(userId: $id, temporaryPassword: $p) { id } }",
            json!({ "id": tech.as_uuid(), "p": "short" }),
        )
        .await;
    assert_eq!(weak.error_code(), "VALIDATION");
    assert_eq!(weak.reason_codes(), ["PASSWORD_POLICY"]);
    assert_eq!(server.ledger_entry_count().await, before);

    let reset = server
        .gql(
            Some(&admin),
            "mutation($id: UUID!, $p: String!) { resetPassword(userId: $id, temporaryPassword: $p) { mustChangePassword } }",
            json!({ "id": tech.as_uuid(), "p": temporary }),
        )
        .await;
    assert_eq!(reset.data()["resetPassword"]["mustChangePassword"], true);
    assert_login_refused(&login(&server, "tech.reset", PASSWORD).await);

    // The reset ended the session opened before it (see session_end.rs).
    assert_eq!(
        me(&server, &old_session).await.error_code(),
        "UNAUTHENTICATED"
    );

    let response = login(&server, "tech.reset", temporary).await;
    assert_eq!(response.data()["login"]["user"]["mustChangePassword"], true);
    let token = response.data()["login"]["token"]
        .as_str()
        .expect("a token")
        .to_owned();
    assert_eq!(
        me(&server, &token).await.data()["me"]["mustChangePassword"],
        true
    );
    let blocked = server
        .gql(Some(&token), "{ ledgerPublicKey }", json!({}))
        .await;
    assert_eq!(blocked.error_code(), "FORBIDDEN");
    assert_eq!(blocked.reason_codes(), ["PASSWORD_CHANGE_REQUIRED"]);

    let change = "mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }";
    for (current, new, reason) in [
        (
            "not the temporary one",
            "a brand new passphrase",
            "WRONG_PASSWORD",
        ),
        (temporary, "short", "PASSWORD_POLICY"),
        (temporary, "tech.reset", "PASSWORD_POLICY"),
        (temporary, temporary, "PASSWORD_UNCHANGED"),
    ] {
        let refused = server
            .gql(Some(&token), change, json!({ "c": current, "n": new }))
            .await;
        assert_eq!(refused.error_code(), "VALIDATION", "{new}");
        assert_eq!(refused.reason_codes(), [reason], "{new}");
    }
    let changed = server
        .gql(
            Some(&token),
            change,
            json!({ "c": temporary, "n": "a brand new passphrase" }),
        )
        .await;
    assert_eq!(changed.data()["changePassword"], true);
    assert_eq!(
        me(&server, &token).await.data()["me"]["mustChangePassword"],
        false
    );
    let open = server
        .gql(Some(&token), "{ ledgerPublicKey }", json!({}))
        .await;
    assert!(open.data()["ledgerPublicKey"].is_string());
    assert_login_refused(&login(&server, "tech.reset", temporary).await);
    server.login("tech.reset", "a brand new passphrase").await;

    let actions = actions(&server).await;
    assert!(actions.contains(&"user.password_reset".to_owned()));
    assert!(actions.contains(&"user.password_changed".to_owned()));
    server.finish().await;
}

#[tokio::test]
async fn no_password_token_or_hash_appears_in_any_response_or_in_the_ledger() {
    let server = TestServer::start().await;
    let admin = server.user_token("admin.one", &[Role::Admin]).await;
    let auditor = server.user_token("auditor.one", &[Role::Auditor]).await;
    let temporary = "temporary passphrase 2";
    let chosen = "the analyst's own passphrase";
    let wrong = "an analyst's wrong passphrase";
    let mut responses: Vec<Value> = Vec::new();

    let created = server
        .gql(
            Some(&admin),
            "mutation($input: CreateUserInput!) { createUser(input: $input) { id username mustChangePassword } }",
            json!({ "input": {
                "username": "analyst.new",
                "printedName": "Ana Lyst",
                "roles": ["ANALYST"],
                "temporaryPassword": temporary,
            } }),
        )
        .await;
    assert_eq!(created.data()["createUser"]["mustChangePassword"], true);
    let analyst_id = created.data()["createUser"]["id"].clone();
    responses.push(created.body);

    let first = login(&server, "analyst.new", temporary).await;
    let first_token = first.data()["login"]["token"]
        .as_str()
        .expect("a token")
        .to_owned();
    responses.push(first.body);
    let changed = server
        .gql(
            Some(&first_token),
            "mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }",
            json!({ "c": temporary, "n": chosen }),
        )
        .await;
    assert_eq!(changed.data()["changePassword"], true);
    responses.push(changed.body);
    responses.push(login(&server, "analyst.new", wrong).await.body);
    let second = login(&server, "analyst.new", chosen).await;
    let second_token = second.data()["login"]["token"]
        .as_str()
        .expect("a token")
        .to_owned();
    responses.push(second.body);
    responses.push(me(&server, &second_token).await.body);
    responses.push(
        server
            .gql(
                Some(&admin),
                "mutation($id: UUID!) { resetPassword(userId: $id, temporaryPassword: \"temporary passphrase 3\") { id } }",
                json!({ "id": analyst_id }),
            )
            .await
            .body,
    );
    let users = server
        .gql(
            Some(&admin),
            "{ users { nodes { id username printedName roles active mustChangePassword failedLogins lockedUntil registeredAt } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        users.data()["users"]["nodes"].as_array().map(Vec::len),
        Some(3)
    );
    responses.push(users.body);
    let ledger = server
        .gql(
            Some(&auditor),
            "{ ledgerEntries(first: 500) { nodes { seq action actor { kind userId role } \
              subjects { kind id prevSeq } payload corrects { seq reason } signature { printedName } prevHash hash } } }",
            json!({}),
        )
        .await;
    assert!(
        ledger.data()["ledgerEntries"]["nodes"]
            .as_array()
            .is_some_and(|n| n.len() > 5)
    );
    responses.push(ledger.body);

    let hashes = texts(&server, "SELECT password_hash AS t FROM user_credential").await;
    assert_eq!(hashes.len(), 3);
    assert!(hashes.iter().all(|hash| hash.starts_with("$argon2id$")));
    let token_hashes = texts(&server, "SELECT token_hash AS t FROM user_session").await;
    let mut secrets: Vec<String> = vec![
        PASSWORD.to_owned(),
        temporary.to_owned(),
        "temporary passphrase 3".to_owned(),
        chosen.to_owned(),
        wrong.to_owned(),
        "$argon2".to_owned(),
        admin.clone(),
        auditor.clone(),
        first_token.clone(),
        second_token.clone(),
    ];
    secrets.extend(hashes);
    secrets.extend(token_hashes);

    // A login's own token field is the one place a token appears; blank it before searching.
    for mut body in responses {
        if body["data"]["login"]["token"].is_string() {
            body["data"]["login"]["token"] = Value::Null;
        }
        let text = body.to_string();
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "{secret} in {text}");
        }
    }
    let ledger = ledger_text(&server).await;
    for secret in &secrets {
        assert!(!ledger.contains(secret.as_str()), "{secret} in the ledger");
    }
    server.finish().await;
}

#[tokio::test]
async fn admins_manage_users_and_every_change_is_ledgered() {
    let server = TestServer::start().await;
    let admin = server.user_token("admin.one", &[Role::Admin]).await;
    let create =
        "mutation($input: CreateUserInput!) { createUser(input: $input) { id roles active } }";
    let input = |username: &str, roles: Value, password: &str| {
        json!({ "input": {
            "username": username,
            "printedName": "Tom Tech",
            "roles": roles,
            "temporaryPassword": password,
        } })
    };

    let before = server.ledger_entry_count().await;
    for (variables, code, reason) in [
        (
            input("Tom Tech", json!(["TECHNICIAN"]), "temporary passphrase"),
            "VALIDATION",
            "BAD_USERNAME",
        ),
        (
            input("tom.tech", json!([]), "temporary passphrase"),
            "VALIDATION",
            "NO_ROLES",
        ),
        (
            input("tom.tech", json!(["TECHNICIAN"]), "too short"),
            "VALIDATION",
            "PASSWORD_POLICY",
        ),
        (
            input("tom.tech", json!(["TECHNICIAN"]), "tom.tech"),
            "VALIDATION",
            "PASSWORD_POLICY",
        ),
        (
            input("admin.one", json!(["TECHNICIAN"]), "temporary passphrase"),
            "CONFLICT",
            "USERNAME_TAKEN",
        ),
    ] {
        let refused = server.gql(Some(&admin), create, variables.clone()).await;
        assert_eq!(refused.error_code(), code, "{variables}");
        assert_eq!(refused.reason_codes(), [reason], "{variables}");
    }
    assert_eq!(server.ledger_entry_count().await, before);

    let created = server
        .gql(
            Some(&admin),
            create,
            input("tom.tech", json!(["TECHNICIAN"]), "temporary passphrase"),
        )
        .await;
    let user_id = created.data()["createUser"]["id"].clone();
    let first = server.login("tom.tech", "temporary passphrase").await;
    server
        .gql(
            Some(&first),
            "mutation { changePassword(currentPassword: \"temporary passphrase\", newPassword: \"tom's own passphrase\") }",
            json!({}),
        )
        .await
        .data();
    let token = server.login("tom.tech", "tom's own passphrase").await;
    let read_ledger = "{ ledgerEntries(first: 1) { nodes { seq } } }";
    assert_eq!(
        server
            .gql(Some(&token), read_ledger, json!({}))
            .await
            .error_code(),
        "FORBIDDEN"
    );

    // A role change applies to sessions already open.
    let changed = server
        .gql(
            Some(&admin),
            "mutation($id: UUID!) { setUserRoles(userId: $id, roles: [AUDITOR]) { roles } }",
            json!({ "id": user_id }),
        )
        .await;
    assert_eq!(changed.data()["setUserRoles"]["roles"], json!(["AUDITOR"]));
    let allowed = server.gql(Some(&token), read_ledger, json!({})).await;
    assert_eq!(allowed.data()["ledgerEntries"]["nodes"][0]["seq"], 1);
    assert_eq!(
        me(&server, &token).await.data()["me"]["roles"],
        json!(["AUDITOR"])
    );

    let actions = actions(&server).await;
    assert_eq!(
        actions[usize::try_from(before).expect("a count")..],
        [
            "user.registered",
            "user.login_succeeded",
            "user.password_changed",
            "user.login_succeeded",
            "user.roles_changed",
        ]
    );
    server.finish().await;
}
