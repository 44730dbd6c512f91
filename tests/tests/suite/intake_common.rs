//! What the donor, donation and material suites share: a server with a test FIN, the GraphQL
//! documents they send, ledger counts read straight from the database, and a check that a
//! refused request wrote nothing.
//!
//! Every name, record number and contact here is invented; DINs use the test FINs A9990-A9999.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, SubsecRound, Utc};
use cordtrace_domain::isbt128::Din;
use cordtrace_tests::{GqlResponse, PASSWORD, TestServer};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

/// The FIN the server assigns DINs under.
pub const ASSIGN_FIN: &str = "A9999";
/// The FIN of DINs typed or scanned in the tests.
pub const LABEL_FIN: &str = "A9998";

/// A server that assigns DINs under [`ASSIGN_FIN`].
pub async fn server() -> TestServer {
    TestServer::start_with(|settings| settings.fin = Some(ASSIGN_FIN.to_owned())).await
}

/// Rows in a table, read straight from the database.
pub async fn count_rows(server: &TestServer, table: &str) -> i64 {
    let db = server.raw_database().await;
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .expect("the count runs")
        .expect("a row");
    let count = row.try_get::<i64>("", "n").expect("a count");
    db.close().await.expect("the database closes");
    count
}

/// Entries in the ledger.
pub async fn ledger_size(server: &TestServer) -> i64 {
    count_rows(server, "ledger_entry").await
}

/// The action, subjects, payload and signature of every ledger entry, as stored.
pub async fn ledger_texts(server: &TestServer) -> Vec<(String, String)> {
    let db = server.raw_database().await;
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT action, subjects, payload, signature FROM ledger_entry ORDER BY seq",
        ))
        .await
        .expect("the ledger reads");
    let texts = rows
        .iter()
        .map(|row| {
            let action: String = row.try_get("", "action").expect("an action");
            let subjects: String = row.try_get("", "subjects").expect("subjects");
            let payload: String = row.try_get("", "payload").expect("a payload");
            let signature: Option<String> = row.try_get("", "signature").expect("a signature");
            (
                action,
                format!("{subjects} {payload} {}", signature.unwrap_or_default()),
            )
        })
        .collect();
    db.close().await.expect("the database closes");
    texts
}

/// One refusal case: what it is, the query, its variables, the expected code, the expected
/// reason, and the token to send it with.
pub type RefusalCase<'a> = (&'a str, &'a str, Value, &'a str, Option<&'a str>, &'a str);

/// Sends `query` and checks that it is refused with `code`, with `reason` among
/// `extensions.reasons` when given, and that no ledger entry was written.
pub async fn assert_refused(
    server: &TestServer,
    token: &str,
    query: &str,
    variables: Value,
    code: &str,
    reason: Option<&str>,
) -> GqlResponse {
    let before = ledger_size(server).await;
    let response = server.gql(Some(token), query, variables).await;
    assert_eq!(response.error_code(), code, "{}", response.body);
    if let Some(reason) = reason {
        assert!(
            response.reason_codes().iter().any(|found| found == reason),
            "expected reason {reason}: {}",
            response.body
        );
    }
    assert_eq!(
        ledger_size(server).await,
        before,
        "a refused request writes nothing: {}",
        response.body
    );
    response
}

/// The server clock shifted by `hours_from_now`, in whole seconds, at a maternity ward one hour
/// east of UTC.
pub fn ward_time(hours_from_now: i64) -> DateTime<FixedOffset> {
    let offset = FixedOffset::east_opt(3600).expect("a valid offset");
    (Utc::now() + Duration::hours(hours_from_now))
        .trunc_subsecs(0)
        .with_timezone(&offset)
}

/// A DIN under [`LABEL_FIN`] in the current year.
pub fn label_din(sequence: u32) -> Din {
    let year = ward_time(0).format("%y").to_string();
    Din::parse(&format!("{LABEL_FIN}{year}{sequence:06}")).expect("a valid DIN")
}

/// The DIN as typed from the label, with its check character.
pub fn typed(din: Din) -> String {
    din.eye_readable()
}

/// The DIN as a scanner reads it, with its type 3 flag.
pub fn scanned(din: Din) -> String {
    din.barcode_data(din.type3_flag())
        .expect("a DIN's own type 3 flag fits")
}

/// Every field of a donor except personal data.
pub const DONOR_FIELDS: &str = "id key registeredAt flags
    consent { formId formVersion signedOn scope withdrawnOn withdrawalReason }
    screening { marker method result specimenDate }
    eligibility { status reasons determinedBy determinedAt
        signature { printedName meaning manifestation } }
    donations { id din dinWithCheck flags }";

/// Every field of a donation.
pub const DONATION_FIELDS: &str = "id din dinWithCheck checkCharacter dinSource donorId flags
    collectedAt collectedAtUtc site registeredAt donor { id key flags }
    receipt { receivedBy receivedAt transportTemperature condition minutesSinceCollection
        hoursSinceCollection overTimeLimit }";

/// Registers a donor with invented personal data and returns her id.
pub async fn register_donor(server: &TestServer, token: &str, full_name: &str) -> String {
    let response = server
        .gql(
            Some(token),
            "mutation($p: DonorPersonalDataInput!) { registerDonor(personalData: $p) { id } }",
            json!({ "p": {
                "fullName": full_name,
                "dateOfBirth": "1991-04-12",
                "hospitalRecordNumber": format!("TEST-MRN-{}", full_name.len()),
                "contact": "+00 0000 000000 (test)",
            }}),
        )
        .await;
    response.data()["registerDonor"]["id"]
        .as_str()
        .expect("an id")
        .to_owned()
}

/// The consent mutation.
pub const RECORD_CONSENT: &str = "mutation($d: UUID!, $c: ConsentInput!) {
    recordConsent(donorId: $d, consent: $c) { id consent { scope } } }";

/// Records a consent for therapy.
pub async fn consent(server: &TestServer, token: &str, donor_id: &str) {
    let response = server
        .gql(
            Some(token),
            RECORD_CONSENT,
            json!({ "d": donor_id, "c": {
                "formId": "UC-CONSENT", "formVersion": "3.1", "signedOn": "2026-01-05",
                "scope": ["THERAPY"],
            }}),
        )
        .await;
    response.data();
}

/// A registered donor with consent for therapy.
pub async fn consented_donor(server: &TestServer, token: &str, full_name: &str) -> String {
    let donor_id = register_donor(server, token, full_name).await;
    consent(server, token, &donor_id).await;
    donor_id
}

/// The donation mutation.
pub const REGISTER_DONATION: &str = "mutation($i: DonationInput!) {
    registerDonation(donation: $i) { id din dinWithCheck checkCharacter dinSource flags } }";

/// The variables of [`REGISTER_DONATION`].
pub fn donation_input(donor_id: &str, din: Value, collected_at: DateTime<FixedOffset>) -> Value {
    json!({ "i": {
        "donorId": donor_id,
        "din": din,
        "collectedAt": collected_at.to_rfc3339(),
        "site": "Test Maternity Ward",
    }})
}

/// Registers a donation and returns it.
pub async fn register_donation(
    server: &TestServer,
    token: &str,
    donor_id: &str,
    din: Value,
    collected_at: DateTime<FixedOffset>,
) -> Value {
    let response = server
        .gql(
            Some(token),
            REGISTER_DONATION,
            donation_input(donor_id, din, collected_at),
        )
        .await;
    response.data()["registerDonation"].clone()
}

/// The screening mutation.
pub const RECORD_SCREENING: &str = "mutation($d: UUID!, $t: ScreeningInput!) {
    recordScreening(donorId: $d, test: $t) { id } }";

/// The variables of [`RECORD_SCREENING`].
pub fn screening_input(donor_id: &str, marker: &str, result: &str, specimen: NaiveDate) -> Value {
    json!({ "d": donor_id, "t": {
        "marker": marker, "method": "CMIA (test)", "result": result,
        "specimenDate": specimen.to_string(),
    }})
}

/// The configured screening markers.
pub async fn panel(server: &TestServer, token: &str) -> Vec<String> {
    let response = server
        .gql(
            Some(token),
            "{ screeningPanel { windowDays markers { name exclusionary } } }",
            json!({}),
        )
        .await;
    response.data()["screeningPanel"]["markers"]
        .as_array()
        .expect("markers")
        .iter()
        .map(|marker| marker["name"].as_str().expect("a name").to_owned())
        .collect()
}

/// Records a NON_REACTIVE result for every marker of the panel.
pub async fn screen_whole_panel(
    server: &TestServer,
    token: &str,
    donor_id: &str,
    specimen: NaiveDate,
) {
    for marker in panel(server, token).await {
        let response = server
            .gql(
                Some(token),
                RECORD_SCREENING,
                screening_input(donor_id, &marker, "NON_REACTIVE", specimen),
            )
            .await;
        response.data();
    }
}

/// The eligibility mutation.
pub const DETERMINE: &str = "mutation($d: UUID!, $e: EligibilityInput!, $s: SignatureInput!) {
    determineEligibility(donorId: $d, determination: $e, signature: $s) {
        id flags eligibility { status reasons signature { meaning manifestation } } } }";

/// The variables of [`DETERMINE`], signed with `password` and RESPONSIBILITY.
pub fn determination(donor_id: &str, status: &str, reasons: &[&str], password: &str) -> Value {
    json!({
        "d": donor_id,
        "e": { "status": status, "reasons": reasons },
        "s": { "password": password, "meaning": "RESPONSIBILITY" },
    })
}

/// The harness password, for signatures.
pub fn password() -> &'static str {
    PASSWORD
}

/// The receipt mutation.
pub const RECEIVE: &str = "mutation($d: UUID!, $r: ReceiptInput!) {
    receiveDonation(donationId: $d, receipt: $r) {
        id receipt { transportTemperature condition minutesSinceCollection
            hoursSinceCollection overTimeLimit } } }";

/// The variables of [`RECEIVE`].
pub fn receipt_input(
    donation_id: &str,
    received_at: DateTime<FixedOffset>,
    celsius: &str,
) -> Value {
    json!({ "d": donation_id, "r": {
        "receivedAt": received_at.to_rfc3339(),
        "transportTemperature": celsius,
        "condition": "INTACT",
    }})
}

/// Runs `verifyLedger` and checks that it passes.
pub async fn assert_ledger_verifies(server: &TestServer, token: &str) {
    let response = server
        .gql(
            Some(token),
            "{ verifyLedger { ok entries fault { kind detail } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        response.data()["verifyLedger"]["ok"],
        json!(true),
        "{}",
        response.body
    );
}

/// A random id that names nothing.
pub fn unknown_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
