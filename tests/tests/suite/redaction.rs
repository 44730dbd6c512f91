//! Redacting the personal data of a donor (QA) and of a patient (clinicians) over GraphQL, on
//! SQLite or PostgreSQL: one signed ledger entry that holds only the opaque id and a coded
//! reason, every personal column blanked in the same transaction so that no table holds any of
//! it, the rest of the record (and the trace from donor to patient) untouched, every refusal
//! coded and writing nothing, and `cordtrace ledger verify` still passing by replay.
//!
//! Every name, record number, contact and wristband here is invented.

use crate::intake_common;

use std::process::ExitCode;

use clap::Parser as _;
use cordtrace_domain::Role;
use cordtrace_server::cli::Cli;
use cordtrace_tests::TestServer;
use cordtrace_tests::clinical_fixtures::{
    Clinic, PATIENT_FIELDS, PERSONAL_FIELDS, ThawAt, UnitSpec, personal_data, unit_scans,
};
use intake_common::{
    DONOR_FIELDS, RefusalCase, assert_ledger_verifies, assert_refused, consented_donor,
    ledger_size, ledger_texts, password, register_donation, server, unknown_id, ward_time,
};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::{Value, json};

/// The donor's invented personal data, as `register_donor` enters it for this name.
const DONOR_NAME: &str = "Philippa Inventedname";
const DONOR_SECRETS: [&str; 4] = [
    DONOR_NAME,
    "1991-04-12",
    "TEST-MRN-21",
    "+00 0000 000000 (test)",
];

/// A donor as QA reads her back: the whole record, the redaction and the personal data.
fn donor_fields() -> String {
    format!(
        "{DONOR_FIELDS} personalDataRedaction {{ reason redactedAt }}
        personalData {{ fullName dateOfBirth hospitalRecordNumber contact redactedAt }}"
    )
}

fn redact_donor_query() -> String {
    format!(
        "mutation($d: UUID!, $r: RedactionReason!, $s: SignatureInput!) {{
            redactDonorPersonalData(donorId: $d, reason: $r, signature: $s) {{ {} }} }}",
        donor_fields()
    )
}

/// A patient as a clinician reads it back: the record, what was given, the redaction and the
/// personal data.
fn patient_fields() -> String {
    format!(
        "{PATIENT_FIELDS} orders {{ id status }} administrations {{ id unitId }}
        personalDataRedaction {{ reason redactedAt }} {PERSONAL_FIELDS}"
    )
}

fn redact_patient_query() -> String {
    format!(
        "mutation($d: UUID!, $r: RedactionReason!, $s: SignatureInput!) {{
            redactPatientPersonalData(patientId: $d, reason: $r, signature: $s) {{ {} }} }}",
        patient_fields()
    )
}

/// The variables of a redaction of `id`, signed with `password` and `meaning`.
fn redaction(id: &str, reason: &str, password: &str, meaning: &str) -> Value {
    json!({ "d": id, "r": reason, "s": { "password": password, "meaning": meaning } })
}

async fn read_donor(server: &TestServer, token: &str, donor_id: &str) -> Value {
    let query = format!(
        "query($id: UUID!) {{ donor(id: $id) {{ {} }} }}",
        donor_fields()
    );
    let response = server
        .gql(Some(token), &query, json!({ "id": donor_id }))
        .await;
    response.data()["donor"].clone()
}

async fn read_patient(server: &TestServer, token: &str, patient_id: &str) -> Value {
    let query = format!(
        "query($id: UUID!) {{ patient(id: $id) {{ {} }} }}",
        patient_fields()
    );
    let response = server
        .gql(Some(token), &query, json!({ "id": patient_id }))
        .await;
    response.data()["patient"].clone()
}

/// Runs `query` (a redaction of `id`) signed with a wrong password as `token`: refused FORBIDDEN
/// `SIGNATURE_REJECTED`, and the one entry it writes is the failed authentication.
async fn refused_with_wrong_password(server: &TestServer, token: &str, query: &str, id: &str) {
    let size = ledger_size(server).await;
    let response = server
        .gql(
            Some(token),
            query,
            redaction(
                id,
                "ENTERED_IN_ERROR",
                "not the password at all",
                "RESPONSIBILITY",
            ),
        )
        .await;
    assert_eq!(response.error_code(), "FORBIDDEN", "{}", response.body);
    assert_eq!(response.reason_codes(), ["SIGNATURE_REJECTED"]);
    assert_eq!(ledger_size(server).await, size + 1);
    assert_eq!(
        ledger_texts(server)
            .await
            .last()
            .map(|(action, _)| action.clone()),
        Some("user.authentication_failed".to_owned())
    );
}

/// `record` without its personal data and redaction: what a redaction must leave as it was.
fn without_personal_data(record: &Value) -> Value {
    let mut record = record.clone();
    if let Some(fields) = record.as_object_mut() {
        fields.remove("personalData");
        fields.remove("personalDataRedaction");
    }
    record
}

/// Checks that every personal field reads null and that the redaction is stamped, with
/// `reason`, at the same time on the record and on its personal data; returns that time.
fn assert_redacted(record: &Value, reason: &str, personal_fields: &[&str]) -> String {
    let personal = &record["personalData"];
    for field in personal_fields {
        assert!(personal[field].is_null(), "{field} is blank: {record}");
    }
    let redacted_at = personal["redactedAt"]
        .as_str()
        .unwrap_or_else(|| panic!("redactedAt is set: {record}"))
        .to_owned();
    assert_eq!(
        record["personalDataRedaction"],
        json!({ "reason": reason, "redactedAt": redacted_at })
    );
    redacted_at
}

/// Entry `seq` as an auditor reads it.
async fn ledger_entry(server: &TestServer, token: &str, seq: i64) -> Value {
    let response = server
        .gql(
            Some(token),
            "query($seq: Int!) { ledgerEntry(seq: $seq) { recordedAt action
                subjects { kind id } payload signature { printedName meaning } } }",
            json!({ "seq": seq }),
        )
        .await;
    response.data()["ledgerEntry"].clone()
}

/// Every table with a row in which some column, read as text, contains `needle`: the whole
/// database is searched, the ledger included.
async fn tables_containing(server: &TestServer, needle: &str) -> Vec<String> {
    let db = server.raw_database().await;
    let backend = db.get_database_backend();
    let listing = match backend {
        DbBackend::Postgres => {
            "SELECT table_name AS t, column_name AS c FROM information_schema.columns \
             WHERE table_schema = 'public' ORDER BY 1, 2"
        }
        _ => {
            "SELECT m.name AS t, p.name AS c FROM sqlite_master m \
             JOIN pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY 1, 2"
        }
    };
    let rows = db
        .query_all_raw(Statement::from_string(backend, listing))
        .await
        .expect("the columns are listed");
    let mut columns: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for row in rows {
        let table: String = row.try_get("", "t").expect("a table");
        let column: String = row.try_get("", "c").expect("a column");
        columns.entry(table).or_default().push(column);
    }
    assert!(
        columns.contains_key("ledger_entry"),
        "every table is listed"
    );
    let mut found = Vec::new();
    for (table, columns) in columns {
        let matches = columns
            .iter()
            .map(|column| format!("CAST(\"{column}\" AS TEXT) LIKE '%{needle}%'"))
            .collect::<Vec<_>>()
            .join(" OR ");
        let row = db
            .query_one_raw(Statement::from_string(
                backend,
                format!("SELECT COUNT(*) AS n FROM \"{table}\" WHERE {matches}"),
            ))
            .await
            .expect("the table is searched")
            .expect("COUNT returns a row");
        if row.try_get::<i64>("", "n").expect("a count") > 0 {
            found.push(table);
        }
    }
    db.close().await.expect("the database closes");
    found
}

/// Runs `cordtrace ledger verify` on the server's database, as an operator would, and checks
/// that the chain and the replay of every event against the current-state tables pass.
async fn assert_cli_verifies(server: &TestServer) {
    let data_dir = server.settings.data_dir.display().to_string();
    let database_url = server.settings.database_url();
    let cli = Cli::try_parse_from([
        "cordtrace",
        "--data-dir",
        data_dir.as_str(),
        "--database-url",
        database_url.as_str(),
        "ledger",
        "verify",
    ])
    .expect("the arguments parse");
    assert_eq!(cli.run().await, ExitCode::SUCCESS, "ledger verify passes");
}

#[tokio::test]
async fn qa_redacts_a_donors_personal_data_in_one_signed_entry_and_her_record_stays() {
    let server = server().await;
    let tech = server.user_token("tech.one", &[Role::Technician]).await;
    let qa = server.user_token("qa.lead", &[Role::Qa]).await;
    let auditor = server.user_token("auditor.one", &[Role::Auditor]).await;
    let donor_id = consented_donor(&server, &tech, DONOR_NAME).await;
    let donation = register_donation(
        &server,
        &tech,
        &donor_id,
        json!({ "assign": true }),
        ward_time(-30),
    )
    .await;
    let before = read_donor(&server, &qa, &donor_id).await;
    assert_eq!(before["personalData"]["fullName"], DONOR_NAME);
    assert_eq!(
        before["personalData"]["hospitalRecordNumber"],
        "TEST-MRN-21"
    );
    assert!(before["personalDataRedaction"].is_null());
    // Her personal data is in its own table and nowhere else (the search finds it there).
    for secret in DONOR_SECRETS {
        assert_eq!(tables_containing(&server, secret).await, ["donor_personal"]);
    }

    let size = ledger_size(&server).await;
    let response = server
        .gql(
            Some(&qa),
            &redact_donor_query(),
            redaction(
                &donor_id,
                "DATA_SUBJECT_REQUEST",
                password(),
                "RESPONSIBILITY",
            ),
        )
        .await;
    let after = response.data()["redactDonorPersonalData"].clone();
    let redacted_at = assert_redacted(
        &after,
        "DATA_SUBJECT_REQUEST",
        &["fullName", "dateOfBirth", "hospitalRecordNumber", "contact"],
    );
    // Key, consent, screening, eligibility and donations read exactly as before.
    assert_eq!(
        without_personal_data(&after),
        without_personal_data(&before)
    );
    assert_eq!(after["key"], before["key"]);
    assert_eq!(after["donations"][0]["id"], donation["id"]);

    // One entry, on her sub-chain: her id and the coded reason, signed, at the redaction time.
    assert_eq!(ledger_size(&server).await, size + 1);
    let entry = ledger_entry(&server, &auditor, size + 1).await;
    assert_eq!(entry["action"], "donor.personal_data_redacted");
    assert_eq!(
        entry["subjects"],
        json!([{ "kind": "donor", "id": donor_id }])
    );
    assert_eq!(
        entry["payload"],
        json!({ "donor_id": donor_id, "reason": "DATA_SUBJECT_REQUEST" })
    );
    assert_eq!(
        entry["signature"],
        json!({ "printedName": "Test qa.lead", "meaning": "RESPONSIBILITY" })
    );
    assert_same_instant(&entry["recordedAt"], &redacted_at);
    assert!(!entry["payload"].to_string().contains(DONOR_NAME));

    // No table holds any of it any more, the ledger included.
    for secret in DONOR_SECRETS {
        assert!(
            tables_containing(&server, secret).await.is_empty(),
            "{secret} is gone"
        );
    }
    // Everyone who reads donors sees the redaction; her donation still leads to her by key.
    let response = server
        .gql(
            Some(&auditor),
            "query($id: UUID!) { donor(id: $id) { key personalDataRedaction { reason } } }",
            json!({ "id": donor_id }),
        )
        .await;
    assert_eq!(
        response.data()["donor"]["personalDataRedaction"]["reason"],
        "DATA_SUBJECT_REQUEST"
    );
    let response = server
        .gql(
            Some(&tech),
            "query($din: String!) { donationByDin(din: $din) { donor { id key } } }",
            json!({ "din": donation["din"] }),
        )
        .await;
    assert_eq!(
        response.data()["donationByDin"]["donor"],
        json!({ "id": donor_id, "key": before["key"] })
    );

    assert_ledger_verifies(&server, &qa).await;
    assert_cli_verifies(&server).await;

    // The redaction is part of the replayed state: clearing it from the donor row behind the
    // ledger's back is found by verification, at that row.
    let db = server.raw_database().await;
    let backend = db.get_database_backend();
    let placeholder = if backend == DbBackend::Postgres {
        "$1"
    } else {
        "?"
    };
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        format!(
            "UPDATE donor SET personal_data_redacted_at = NULL, \
             personal_data_redaction_reason = NULL WHERE id = {placeholder}"
        ),
        [uuid::Uuid::parse_str(&donor_id).expect("a UUID").into()],
    ))
    .await
    .expect("the row is tampered with");
    db.close().await.expect("the database closes");
    let response = server
        .gql(
            Some(&qa),
            "{ verifyLedger { ok fault { kind table row } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        response.data()["verifyLedger"],
        json!({ "ok": false, "fault": { "kind": "state_mismatch", "table": "donor",
            "row": donor_id } })
    );
    server.finish().await;
}

#[tokio::test]
async fn a_donor_redaction_is_refused_with_a_code_and_changes_nothing() {
    let server = server().await;
    let tech = server.user_token("tech.one", &[Role::Technician]).await;
    let analyst = server.user_token("analyst.one", &[Role::Analyst]).await;
    let qa = server.user_token("qa.lead", &[Role::Qa]).await;
    let donor_id = consented_donor(&server, &tech, DONOR_NAME).await;
    let intact = read_donor(&server, &qa, &donor_id).await;
    let query = redact_donor_query();
    let responsibility = |id: &str| redaction(id, "ENTERED_IN_ERROR", password(), "RESPONSIBILITY");

    let unknown = unknown_id();
    let cases: Vec<RefusalCase> = vec![
        (
            "an unknown donor",
            &query,
            responsibility(&unknown),
            "NOT_FOUND",
            None,
            &qa,
        ),
        (
            "a technician, who reads but may not redact",
            &query,
            responsibility(&donor_id),
            "FORBIDDEN",
            None,
            &tech,
        ),
        (
            "an analyst",
            &query,
            responsibility(&donor_id),
            "FORBIDDEN",
            None,
            &analyst,
        ),
        (
            "signed as APPROVAL",
            &query,
            redaction(&donor_id, "ENTERED_IN_ERROR", password(), "APPROVAL"),
            "VALIDATION",
            Some("WRONG_SIGNATURE_MEANING"),
            &qa,
        ),
        (
            "a reason in free text",
            &query,
            redaction(&donor_id, "she asked us to", password(), "RESPONSIBILITY"),
            "VALIDATION",
            None,
            &qa,
        ),
    ];
    for (name, query, variables, code, reason, token) in cases {
        assert_refused(&server, token, query, variables, code, reason).await;
        assert_eq!(read_donor(&server, &qa, &donor_id).await, intact, "{name}");
    }
    let anonymous = server.gql(None, &query, responsibility(&donor_id)).await;
    assert_eq!(anonymous.error_code(), "UNAUTHENTICATED");

    // A wrong password: only the failed signature is ledgered.
    refused_with_wrong_password(&server, &qa, &query, &donor_id).await;
    assert_eq!(read_donor(&server, &qa, &donor_id).await, intact);

    // Redacted once; a second redaction finds nothing left to redact and changes nothing.
    let response = server
        .gql(Some(&qa), &query, responsibility(&donor_id))
        .await;
    let redacted = response.data()["redactDonorPersonalData"].clone();
    assert_redacted(
        &redacted,
        "ENTERED_IN_ERROR",
        &["fullName", "dateOfBirth", "hospitalRecordNumber", "contact"],
    );
    let again = assert_refused(
        &server,
        &qa,
        &query,
        redaction(
            &donor_id,
            "RETENTION_PERIOD_ENDED",
            password(),
            "RESPONSIBILITY",
        ),
        "CONFLICT",
        Some("ALREADY_REDACTED"),
    )
    .await;
    assert!(!again.body.to_string().contains(DONOR_NAME));
    assert_eq!(read_donor(&server, &qa, &donor_id).await, redacted);

    assert_ledger_verifies(&server, &qa).await;
    assert_cli_verifies(&server).await;
    server.finish().await;
}

#[tokio::test]
async fn a_clinician_redacts_a_patients_personal_data_and_the_trace_from_donor_to_patient_stays() {
    let clinic = Clinic::start().await;
    let server = &clinic.server;
    let lot = clinic.released_lot(&[UnitSpec::standard('A')]).await;
    let unit = &lot.units[0];
    let patient = clinic.patient("WB7001", Some("75")).await;
    clinic
        .ready_unit(&patient, unit, ThawAt::MinutesAgo(10))
        .await;
    clinic
        .accepted_check(&clinic.clinician, unit, &patient)
        .await;
    let administration = clinic.administer(&clinic.clinician, unit, &patient).await;
    let secrets = [
        "Invented Patient WB7001",
        "TEST-HRN-WB7001",
        "WB7001",
        "1984-05-17",
    ];
    let before = read_patient(server, &clinic.clinician, &patient.id).await;
    assert_eq!(before["personalData"]["wristbandId"], "WB7001");
    assert_eq!(before["administrations"][0]["id"], administration["id"]);
    for secret in secrets {
        assert_eq!(
            tables_containing(server, secret).await,
            ["patient_personal"]
        );
    }

    let size = ledger_size(server).await;
    let response = server
        .gql(
            Some(&clinic.clinician2),
            &redact_patient_query(),
            redaction(
                &patient.id,
                "RETENTION_PERIOD_ENDED",
                password(),
                "RESPONSIBILITY",
            ),
        )
        .await;
    let after = response.data()["redactPatientPersonalData"].clone();
    let redacted_at = assert_redacted(
        &after,
        "RETENTION_PERIOD_ENDED",
        &[
            "fullName",
            "dateOfBirth",
            "hospitalRecordNumber",
            "wristbandId",
        ],
    );
    // Key, weights, the order and the administration read exactly as before.
    assert_eq!(
        without_personal_data(&after),
        without_personal_data(&before)
    );

    assert_eq!(ledger_size(server).await, size + 1);
    let entry = ledger_entry(server, &clinic.auditor, size + 1).await;
    assert_eq!(entry["action"], "patient.personal_data_redacted");
    assert_eq!(
        entry["subjects"],
        json!([{ "kind": "patient", "id": patient.id }])
    );
    assert_eq!(
        entry["payload"],
        json!({ "patient_id": patient.id, "reason": "RETENTION_PERIOD_ENDED" })
    );
    assert_eq!(
        entry["signature"],
        json!({ "printedName": "Test clin.two", "meaning": "RESPONSIBILITY" })
    );
    assert_same_instant(&entry["recordedAt"], &redacted_at);
    for secret in secrets {
        assert!(
            tables_containing(server, secret).await.is_empty(),
            "{secret} is gone"
        );
    }

    // The wristband finds nobody at the bedside any more, so nothing is given on it.
    let check = clinic
        .check(&clinic.clinician, &unit_scans(unit), &patient.wristband)
        .await;
    assert_eq!(check["ok"], false, "{check}");
    assert!(
        check["codes"]
            .as_array()
            .is_some_and(|codes| codes.contains(&json!("UNKNOWN_PATIENT"))),
        "{check}"
    );

    // With the donor's personal data redacted too, look-back from her still reaches the
    // patient by key, with the administration.
    let donor_id = lot.donor.donor_id.to_string();
    let response = server
        .gql(
            Some(&clinic.qa),
            &redact_donor_query(),
            redaction(
                &donor_id,
                "DATA_SUBJECT_REQUEST",
                password(),
                "RESPONSIBILITY",
            ),
        )
        .await;
    assert_redacted(
        &response.data()["redactDonorPersonalData"],
        "DATA_SUBJECT_REQUEST",
        &["fullName", "dateOfBirth", "hospitalRecordNumber", "contact"],
    );
    let response = server
        .gql(
            Some(&clinic.qa),
            "query($id: UUID!) { lookback(from: { donorId: $id }) {
                patients { patientId patientKey administrations { administrationId } } } }",
            json!({ "id": donor_id }),
        )
        .await;
    let exposure = &response.data()["lookback"]["patients"][0];
    assert_eq!(exposure["patientId"], patient.id.as_str());
    assert_eq!(exposure["patientKey"], patient.key.as_str());
    assert_eq!(
        exposure["administrations"][0]["administrationId"],
        administration["id"]
    );

    // The freed wristband may be given to someone else, who is a new patient with a new key.
    let newcomer = clinic.patient("WB7001", None).await;
    assert_ne!(newcomer.key, patient.key);

    assert_ledger_verifies(server, &clinic.auditor).await;
    assert_cli_verifies(server).await;
    clinic.finish().await;
}

#[tokio::test]
async fn a_patient_redaction_is_refused_with_a_code_and_changes_nothing() {
    let server = TestServer::start().await;
    let clinician = server.user_token("clin.one", &[Role::Clinician]).await;
    let qa = server.user_token("qa.one", &[Role::Qa]).await;
    let tech = server.user_token("tech.one", &[Role::Technician]).await;
    let auditor = server.user_token("auditor.one", &[Role::Auditor]).await;
    let registered = server
        .gql(
            Some(&clinician),
            "mutation($p: PatientPersonalDataInput!) { registerPatient(personalData: $p) { id } }",
            json!({ "p": personal_data("WB8001") }),
        )
        .await;
    let patient_id = registered.data()["registerPatient"]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let intact = read_patient(&server, &clinician, &patient_id).await;
    assert_eq!(intact["personalData"]["wristbandId"], "WB8001");
    let query = redact_patient_query();
    let responsibility = |id: &str| redaction(id, "ENTERED_IN_ERROR", password(), "RESPONSIBILITY");

    let unknown = unknown_id();
    let cases: Vec<RefusalCase> = vec![
        (
            "an unknown patient",
            &query,
            responsibility(&unknown),
            "NOT_FOUND",
            None,
            &clinician,
        ),
        (
            "QA, who reads patients but not their personal data",
            &query,
            responsibility(&patient_id),
            "FORBIDDEN",
            None,
            &qa,
        ),
        (
            "a technician",
            &query,
            responsibility(&patient_id),
            "FORBIDDEN",
            None,
            &tech,
        ),
        (
            "an auditor",
            &query,
            responsibility(&patient_id),
            "FORBIDDEN",
            None,
            &auditor,
        ),
        (
            "signed as AUTHORSHIP",
            &query,
            redaction(&patient_id, "ENTERED_IN_ERROR", password(), "AUTHORSHIP"),
            "VALIDATION",
            Some("WRONG_SIGNATURE_MEANING"),
            &clinician,
        ),
    ];
    for (name, query, variables, code, reason, token) in cases {
        assert_refused(&server, token, query, variables, code, reason).await;
        assert_eq!(
            read_patient(&server, &clinician, &patient_id).await,
            intact,
            "{name}"
        );
    }

    refused_with_wrong_password(&server, &clinician, &query, &patient_id).await;
    assert_eq!(read_patient(&server, &clinician, &patient_id).await, intact);

    let response = server
        .gql(Some(&clinician), &query, responsibility(&patient_id))
        .await;
    let redacted = response.data()["redactPatientPersonalData"].clone();
    assert_redacted(
        &redacted,
        "ENTERED_IN_ERROR",
        &[
            "fullName",
            "dateOfBirth",
            "hospitalRecordNumber",
            "wristbandId",
        ],
    );
    assert_refused(
        &server,
        &clinician,
        &query,
        responsibility(&patient_id),
        "CONFLICT",
        Some("ALREADY_REDACTED"),
    )
    .await;
    assert_eq!(
        read_patient(&server, &clinician, &patient_id).await,
        redacted
    );

    assert_ledger_verifies(&server, &auditor).await;
    assert_cli_verifies(&server).await;
    server.finish().await;
}

/// Asserts that the ledger's `recorded_at` text (`...ffffffZ`, as hashed) and an API date-time
/// (`...+00:00`) name the same instant.
fn assert_same_instant(recorded_at: &Value, api_time: &str) {
    let parse = |text: &str| {
        chrono::DateTime::parse_from_rfc3339(text)
            .unwrap_or_else(|error| panic!("{text:?} is not RFC 3339: {error}"))
    };
    let recorded_at = recorded_at.as_str().expect("recordedAt is a string");
    assert!(recorded_at.ends_with('Z'), "{recorded_at}");
    assert_eq!(parse(recorded_at), parse(api_time));
}
