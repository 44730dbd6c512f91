//! Names and free text printed for people refuse characters that spoof what a person reads
//! (bidirectional overrides and isolates, zero-width characters, noncharacters, private-use and
//! control characters): VALIDATION with the reason UNSAFE_CHARACTER and a message naming the
//! character, and nothing written. Names of every script pass.

use cordtrace_domain::Role;
use cordtrace_tests::fixtures::{Bench, Eligibility, Fixtures, production_server};
use cordtrace_tests::{GqlResponse, TestServer};
use sea_orm::ConnectionTrait as _;
use serde_json::{Value, json};

const CREATE_USER: &str = "mutation($input: CreateUserInput!) { \
    createUser(input: $input) { id printedName } }";
const REGISTER_PATIENT: &str = "mutation($p: PatientPersonalDataInput!) { \
    registerPatient(personalData: $p) { id personalData { fullName } } }";
const REGISTER_DONOR: &str = "mutation($p: DonorPersonalDataInput!) { \
    registerDonor(personalData: $p) { id personalData { fullName } } }";

/// Rows in `table` now.
async fn rows(server: &TestServer, table: &str) -> i64 {
    let database = server.raw_database().await;
    let row = database
        .query_one_raw(sea_orm::Statement::from_string(
            database.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .expect("the table counts")
        .expect("COUNT returns a row");
    database.close().await.expect("the database closes");
    row.try_get::<i64>("", "n").expect("an integer count")
}

/// Asserts that `response` is VALIDATION with the one reason UNSAFE_CHARACTER and `message`.
fn assert_unsafe(response: &GqlResponse, message: &str) {
    assert_eq!(response.error_code(), "VALIDATION", "{}", response.body);
    assert_eq!(
        response.reason_codes(),
        ["UNSAFE_CHARACTER"],
        "{}",
        response.body
    );
    let error = &response.body["errors"][0];
    assert_eq!(error["message"], message, "{}", response.body);
    assert_eq!(error["extensions"]["reasons"][0]["message"], message);
    assert!(response.body["data"].is_null(), "{}", response.body);
}

/// Sends `query` with `variables` as `token` and asserts it is refused with `message`, and that
/// neither the ledger nor any of `tables` grew.
async fn assert_refused_and_nothing_written(
    server: &TestServer,
    token: &str,
    query: &str,
    variables: Value,
    tables: &[&str],
    message: &str,
) {
    let entries = server.ledger_entry_count().await;
    let mut counts = Vec::new();
    for table in tables {
        counts.push(rows(server, table).await);
    }
    let response = server.gql(Some(token), query, variables).await;
    assert_unsafe(&response, message);
    assert_eq!(server.ledger_entry_count().await, entries, "{message}");
    for (table, before) in tables.iter().zip(counts) {
        assert_eq!(rows(server, table).await, before, "{table}: {message}");
    }
}

fn new_user(username: &str, printed_name: &str) -> Value {
    json!({ "input": {
        "username": username,
        "printedName": printed_name,
        "roles": ["QA"],
        "temporaryPassword": "temporary passphrase",
    } })
}

#[tokio::test]
async fn printed_names_and_reasons_refuse_spoofing_characters() {
    let server = TestServer::start().await;
    let admin = server.user_token("admin.one", &[Role::Admin]).await;
    for (printed_name, message) in [
        (
            "Ada \u{202e}retseT",
            "the printed name contains U+202E RIGHT-TO-LEFT OVERRIDE, which is not allowed",
        ),
        (
            "Ada\u{200b} Tester",
            "the printed name contains U+200B ZERO WIDTH SPACE, which is not allowed",
        ),
        (
            "Ada Tester\u{e000}",
            "the printed name contains U+E000 (a private-use character), which is not allowed",
        ),
        (
            "Ada\u{fdd0}",
            "the printed name contains U+FDD0 (a noncharacter), which is not allowed",
        ),
        (
            "Ada\u{1b}[8mTester",
            "the printed name contains U+001B ESCAPE, which is not allowed",
        ),
    ] {
        assert_refused_and_nothing_written(
            &server,
            &admin,
            CREATE_USER,
            new_user("qa.spoof", printed_name),
            &["app_user", "user_credential"],
            message,
        )
        .await;
    }

    // Names of every script are names.
    for (username, printed_name) in [
        ("qa.zoe", "Zoë Ångström"),
        ("qa.li", "李小龙"),
        ("qa.mohammed", "محمد"),
    ] {
        let created = server
            .gql(Some(&admin), CREATE_USER, new_user(username, printed_name))
            .await;
        assert_eq!(created.data()["createUser"]["printedName"], printed_name);
    }

    // A deactivation's reason is free text in the ledger: the same rule.
    let user_id = server
        .gql(
            Some(&admin),
            CREATE_USER,
            new_user("qa.leaving", "Quinn Leaving"),
        )
        .await
        .data()["createUser"]["id"]
        .clone();
    assert_refused_and_nothing_written(
        &server,
        &admin,
        "mutation($id: UUID!, $r: String!) { deactivateUser(userId: $id, reason: $r) { active } }",
        json!({ "id": user_id, "r": "left \u{2067}the facility\u{2069}" }),
        &[],
        "reason contains U+2067 RIGHT-TO-LEFT ISOLATE, which is not allowed",
    )
    .await;
    let user = server
        .gql(
            Some(&admin),
            "query($id: UUID!) { user(id: $id) { active } }",
            json!({ "id": user_id }),
        )
        .await;
    assert_eq!(user.data()["user"]["active"], true);
    server.finish().await;
}

#[tokio::test]
async fn full_names_in_personal_data_refuse_spoofing_characters() {
    let server = TestServer::start().await;
    let clinician = server.user_token("clin.one", &[Role::Clinician]).await;
    let tech = server.user_token("tech.one", &[Role::Technician]).await;
    let patient = |full_name: &str| {
        json!({ "p": {
            "fullName": full_name,
            "dateOfBirth": "1984-05-17",
            "hospitalRecordNumber": "TEST-HRN-0001",
            "wristbandId": "WB-0001",
        } })
    };
    let donor = |full_name: &str, contact: &str| {
        json!({ "p": {
            "fullName": full_name,
            "dateOfBirth": "1990-02-03",
            "hospitalRecordNumber": "TEST-MRN-0001",
            "contact": contact,
        } })
    };
    let isolate = "full name contains U+2066 LEFT-TO-RIGHT ISOLATE, which is not allowed";

    assert_refused_and_nothing_written(
        &server,
        &clinician,
        REGISTER_PATIENT,
        patient("\u{2066}Invented Patient\u{2069}"),
        &["patient", "patient_personal"],
        isolate,
    )
    .await;
    assert_refused_and_nothing_written(
        &server,
        &tech,
        REGISTER_DONOR,
        donor("Invented \u{2066}Mother", "test-contact-0001"),
        &["donor", "donor_personal"],
        isolate,
    )
    .await;
    // Every text of the personal data, not only the name.
    assert_refused_and_nothing_written(
        &server,
        &tech,
        REGISTER_DONOR,
        donor("Invented Mother", "test-contact\u{200d}0001"),
        &["donor", "donor_personal"],
        "contact contains U+200D ZERO WIDTH JOINER, which is not allowed",
    )
    .await;

    let registered = server
        .gql(Some(&clinician), REGISTER_PATIENT, patient("محمد بن موسى"))
        .await;
    assert_eq!(
        registered.data()["registerPatient"]["personalData"]["fullName"],
        "محمد بن موسى"
    );
    let registered = server
        .gql(
            Some(&tech),
            REGISTER_DONOR,
            donor("Zoë Ångström 李小龙", "test-contact-0002"),
        )
        .await;
    assert_eq!(
        registered.data()["registerDonor"]["personalData"]["fullName"],
        "Zoë Ångström 李小龙"
    );
    server.finish().await;
}

#[tokio::test]
async fn step_notes_refuse_a_zero_width_joiner_and_keep_their_lines() {
    let server = production_server().await;
    let fixtures = Fixtures::open(&server).await;
    let donor = fixtures.donor(Eligibility::Eligible).await;
    let medium = fixtures.released_material("alpha-MEM medium").await;
    let cabinet = fixtures.calibrated_equipment("BSC-TEST-01").await;
    fixtures.close().await;
    let tech = server.user_token("tech.one", &[Role::Technician]).await;
    let bench = Bench {
        server: &server,
        token: tech.clone(),
        equipment: vec![cabinet.to_string()],
        materials: vec![medium.to_string()],
    };
    let mut input = bench.input("TISSUE_PROCESSING", &[], &["CORD_TISSUE"]);
    input["donationId"] = json!(donor.donation_id.to_string());

    let mut spoofed = input.clone();
    spoofed["notes"] = json!("Cord intact, 3 vessels \u{200d}seen.");
    assert_refused_and_nothing_written(
        &server,
        &tech,
        "mutation($input: RecordStepInput!) { recordStep(input: $input) { id } }",
        json!({ "input": spoofed }),
        &["processing_step", "lot"],
        "notes contains U+200D ZERO WIDTH JOINER, which is not allowed",
    )
    .await;

    // The same step with notes on several lines is recorded.
    input["notes"] = json!("Cord intact.\nThree vessels seen.");
    let step = bench.try_step(input).await;
    assert!(step.data()["recordStep"]["id"].is_string(), "{}", step.body);
    server.finish().await;
}
