//! A field the access table refuses is present as `null` with its FORBIDDEN error, on SQLite or
//! PostgreSQL.
//!
//! Every name, record number and wristband here is invented.

use cordtrace_tests::TestServer;
use cordtrace_tests::clinical_fixtures::Clinic;
use serde_json::{Value, json};

fn string(value: &Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("a string: {value}"))
        .to_owned()
}

/// A document reading `field(id: $id)` with `selection`, as `token`.
async fn read(server: &TestServer, token: &str, field: &str, id: &str, selection: &str) -> Value {
    server
        .gql(
            Some(token),
            &format!("query($id: UUID!) {{ {field}(id: $id) {{ {selection} }} }}"),
            json!({ "id": id }),
        )
        .await
        .body
}

/// Checks that `body` is exactly `data` and one FORBIDDEN error at `path`.
fn assert_refused_at(body: &Value, data: &Value, path: &Value) {
    assert_eq!(&body["data"], data, "{body}");
    let errors = body["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{body}");
    assert_eq!(&errors[0]["path"], path, "{body}");
    assert_eq!(errors[0]["extensions"]["code"], "FORBIDDEN", "{body}");
}

#[tokio::test]
async fn a_refused_field_is_present_as_null_with_its_error() {
    let clinic = Clinic::start().await;
    let server = &clinic.server;
    let donor = clinic
        .fixtures
        .donor(cordtrace_tests::fixtures::Eligibility::Eligible)
        .await;
    let donor_id = donor.donor_id.to_string();
    let patient = clinic.patient("WB5101", None).await;
    let technician = clinic.tech.clone();
    let donor_key =
        string(&read(server, &technician, "donor", &donor_id, "key").await["data"]["donor"]["key"]);

    // Analysts and auditors read donors, not their personal data.
    for token in [&clinic.analyst, &clinic.auditor] {
        let body = read(
            server,
            token,
            "donor",
            &donor_id,
            "key personalData { fullName }",
        )
        .await;
        assert_refused_at(
            &body,
            &json!({ "donor": { "key": donor_key, "personalData": null } }),
            &json!(["donor", "personalData"]),
        );
        let only = read(
            server,
            token,
            "donor",
            &donor_id,
            "personalData { fullName }",
        )
        .await;
        assert_refused_at(
            &only,
            &json!({ "donor": { "personalData": null } }),
            &json!(["donor", "personalData"]),
        );
        let listed = server
            .gql(
                Some(token),
                "{ donors(first: 1) { nodes { personalData { fullName } } } }",
                json!({}),
            )
            .await;
        assert_refused_at(
            &listed.body,
            &json!({ "donors": { "nodes": [{ "personalData": null }] } }),
            &json!(["donors", "nodes", 0, "personalData"]),
        );
    }

    // QA and auditors read patients, not their personal data.
    for token in [&clinic.qa, &clinic.auditor] {
        let body = read(
            server,
            token,
            "patient",
            &patient.id,
            "key personalData { fullName }",
        )
        .await;
        assert_refused_at(
            &body,
            &json!({ "patient": { "key": patient.key, "personalData": null } }),
            &json!(["patient", "personalData"]),
        );
        let only = read(
            server,
            token,
            "patient",
            &patient.id,
            "personalData { fullName }",
        )
        .await;
        assert_refused_at(
            &only,
            &json!({ "patient": { "personalData": null } }),
            &json!(["patient", "personalData"]),
        );
    }

    // Those who may read it get it, and no error.
    let read_donor = read(
        server,
        &clinic.qa,
        "donor",
        &donor_id,
        "personalData { fullName }",
    )
    .await;
    assert!(read_donor["errors"].is_null(), "{read_donor}");
    assert!(read_donor["data"]["donor"]["personalData"]["fullName"].is_string());
    let read_patient = read(
        server,
        &clinic.clinician,
        "patient",
        &patient.id,
        "personalData { fullName }",
    )
    .await;
    assert!(read_patient["errors"].is_null(), "{read_patient}");
    assert!(read_patient["data"]["patient"]["personalData"]["fullName"].is_string());

    // Only a nullable field becomes null: a refused non-null root field leaves `data` null, a
    // refused nullable one is present as null.
    let refused_root = read(server, &clinic.clinician, "donor", &donor_id, "key").await;
    assert_refused_at(&refused_root, &Value::Null, &json!(["donor"]));
    let nullable_root = server
        .gql(
            Some(&clinic.clinician),
            "query($id: UUID!) { lotTesting(lotId: $id) { lotId } }",
            json!({ "id": uuid::Uuid::new_v4() }),
        )
        .await;
    assert_refused_at(
        &nullable_root.body,
        &json!({ "lotTesting": null }),
        &json!(["lotTesting"]),
    );
    clinic.finish().await;
}
