//! Donors over GraphQL: registration with personal data kept out of the ledger and readable by
//! technicians and QA only, consent and its withdrawal, screening, and the signed eligibility
//! determination, with every refusal coded and writing nothing.

use crate::intake_common;

use cordtrace_domain::Role;
use intake_common::{
    DETERMINE, DONOR_FIELDS, RECORD_CONSENT, RECORD_SCREENING, REGISTER_DONATION, RefusalCase,
    assert_ledger_verifies, assert_refused, consent, consented_donor, determination,
    donation_input, label_din, ledger_size, ledger_texts, password, receipt_input,
    register_donation, register_donor, scanned, screen_whole_panel, screening_input, server, typed,
    unknown_id, ward_time,
};
use serde_json::{Value, json};

fn donor_query() -> String {
    format!("query($id: UUID!) {{ donor(id: $id) {{ {DONOR_FIELDS} }} }}")
}

#[tokio::test]
async fn a_donor_is_consented_screened_and_found_eligible_by_a_signed_determination() {
    let server = server().await;
    let tech = server.user_token("tech.one", &[Role::Technician]).await;
    let qa = server.user_token("qa.lead", &[Role::Qa]).await;

    let donor_id = consented_donor(&server, &tech, "Imogen Testwood").await;
    let collected = ward_time(-30);
    let by_typing = register_donation(
        &server,
        &tech,
        &donor_id,
        json!({ "typed": typed(label_din(101)) }),
        collected,
    )
    .await;
    let by_scanning = register_donation(
        &server,
        &tech,
        &donor_id,
        json!({ "scanned": scanned(label_din(102)) }),
        collected,
    )
    .await;
    let by_assignment = register_donation(
        &server,
        &tech,
        &donor_id,
        json!({ "assign": true }),
        collected,
    )
    .await;
    assert_eq!(by_typing["dinSource"], "TYPED");
    assert_eq!(by_scanning["dinSource"], "SCANNED");
    assert_eq!(by_assignment["dinSource"], "ASSIGNED");
    let year = collected.format("%y").to_string();
    assert_eq!(by_assignment["din"], json!(format!("A9999{year}000001")));
    for donation in [&by_typing, &by_scanning, &by_assignment] {
        let din = donation["din"].as_str().expect("a DIN");
        let check = donation["checkCharacter"]
            .as_str()
            .expect("a check character");
        assert_eq!(donation["dinWithCheck"], json!(format!("{din}{check}")));
        assert_eq!(donation["flags"], json!(["DONOR_ELIGIBILITY_PENDING"]));
    }

    screen_whole_panel(
        &server,
        &tech,
        &donor_id,
        collected.date_naive() - chrono::Days::new(2),
    )
    .await;
    for donation in [&by_typing, &by_scanning, &by_assignment] {
        let id = donation["id"].as_str().expect("an id");
        server
            .gql(
                Some(&tech),
                intake_common::RECEIVE,
                receipt_input(id, ward_time(-24), "4.5"),
            )
            .await
            .data();
    }

    let response = server
        .gql(
            Some(&qa),
            DETERMINE,
            determination(&donor_id, "ELIGIBLE", &[], password()),
        )
        .await;
    let donor = &response.data()["determineEligibility"];
    assert_eq!(donor["eligibility"]["status"], "ELIGIBLE");
    assert_eq!(donor["flags"], json!([]));
    let manifestation = donor["eligibility"]["signature"]["manifestation"]
        .as_str()
        .expect("a manifestation");
    assert!(
        manifestation.starts_with("Signed by Test qa.lead on ")
            && manifestation.ends_with(" UTC (RESPONSIBILITY)"),
        "{manifestation}"
    );

    let response = server
        .gql(Some(&qa), &donor_query(), json!({ "id": donor_id }))
        .await;
    let donor = &response.data()["donor"];
    assert_eq!(donor["screening"].as_array().map(Vec::len), Some(10));
    assert_eq!(donor["consent"]["scope"], json!(["THERAPY"]));
    assert_eq!(donor["donations"].as_array().map(Vec::len), Some(3));
    for donation in donor["donations"].as_array().expect("donations") {
        assert_eq!(donation["flags"], json!([]), "{donation}");
    }
    assert_ledger_verifies(&server, &qa).await;
    server.finish().await;
}

#[tokio::test]
async fn personal_data_is_read_by_technicians_and_qa_only_and_never_ledgered() {
    let server = server().await;
    let tech = server.user_token("tech.one", &[Role::Technician]).await;
    let name = "Philippa Inventedname";
    let response = server
        .gql(
            Some(&tech),
            "mutation($p: DonorPersonalDataInput!) { registerDonor(personalData: $p) {
                id key personalData { fullName dateOfBirth hospitalRecordNumber contact } } }",
            json!({ "p": {
                "fullName": name, "dateOfBirth": "1990-02-03",
                "hospitalRecordNumber": "TEST-MRN-770011", "contact": "test-contact-0011",
            }}),
        )
        .await;
    let registered = &response.data()["registerDonor"];
    let donor_id = registered["id"].as_str().expect("an id").to_owned();
    assert!(
        registered["key"]
            .as_str()
            .is_some_and(|key| key.starts_with("DNR")),
        "{registered}"
    );
    let query = "query($id: UUID!) { donor(id: $id) { key personalData { fullName
        hospitalRecordNumber } } donors(first: 5) { edges { node { key personalData { fullName } } } } }";

    for (username, role) in [("tech.two", Role::Technician), ("qa.lead", Role::Qa)] {
        let token = server.user_token(username, &[role]).await;
        let response = server
            .gql(Some(&token), query, json!({ "id": donor_id }))
            .await;
        let data = response.data();
        assert_eq!(data["donor"]["personalData"]["fullName"], name);
        assert_eq!(
            data["donor"]["personalData"]["hospitalRecordNumber"],
            "TEST-MRN-770011"
        );
        assert_eq!(
            data["donors"]["edges"][0]["node"]["personalData"]["fullName"],
            name
        );
    }
    for (username, role) in [
        ("analyst.one", Role::Analyst),
        ("auditor.one", Role::Auditor),
    ] {
        let token = server.user_token(username, &[role]).await;
        let response = server
            .gql(Some(&token), query, json!({ "id": donor_id }))
            .await;
        assert_eq!(response.body["data"]["donor"]["personalData"], Value::Null);
        assert!(response.body["data"]["donor"]["key"].is_string());
        assert_eq!(
            response.body["data"]["donors"]["edges"][0]["node"]["personalData"],
            Value::Null
        );
        assert_eq!(
            response.error_codes(),
            ["FORBIDDEN", "FORBIDDEN"],
            "{}",
            response.body
        );
        let paths: Vec<&Value> = response.body["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|error| &error["path"])
            .collect();
        assert!(
            paths.contains(&&json!(["donor", "personalData"])),
            "{}",
            response.body
        );
        assert!(!response.body.to_string().contains(name));
    }
    for (username, role) in [
        ("clinician.one", Role::Clinician),
        ("admin.one", Role::Admin),
    ] {
        let token = server.user_token(username, &[role]).await;
        let response = server
            .gql(Some(&token), query, json!({ "id": donor_id }))
            .await;
        assert_eq!(
            response.error_codes(),
            ["FORBIDDEN", "FORBIDDEN"],
            "{}",
            response.body
        );
        assert!(!response.body.to_string().contains(name));
    }

    let texts = ledger_texts(&server).await;
    assert!(texts.iter().any(|(action, _)| action == "donor.registered"));
    for (action, text) in &texts {
        for secret in [
            name,
            "Inventedname",
            "TEST-MRN-770011",
            "test-contact-0011",
            "1990-02-03",
        ] {
            assert!(
                !text.contains(secret),
                "{action} holds personal data: {text}"
            );
        }
    }
    server.finish().await;
}

#[tokio::test]
async fn bad_donor_input_is_refused_with_a_code_and_writes_nothing() {
    let server = server().await;
    let tech = server.user_token("tech.one", &[Role::Technician]).await;
    let qa = server.user_token("qa.lead", &[Role::Qa]).await;
    let donor_id = consented_donor(&server, &tech, "Quentin Madeupname").await;
    let collected = ward_time(-30);
    register_donation(
        &server,
        &tech,
        &donor_id,
        json!({ "typed": typed(label_din(201)) }),
        collected,
    )
    .await;
    let recovery = collected.date_naive();
    let unknown = unknown_id();

    let cases: Vec<RefusalCase> = vec![
        (
            "an empty name",
            "mutation($p: DonorPersonalDataInput!) { registerDonor(personalData: $p) { id } }",
            json!({ "p": { "fullName": "   " } }),
            "VALIDATION",
            Some("INVALID_VALUE"),
            &tech,
        ),
        (
            "a hospital record number longer than its column",
            "mutation($p: DonorPersonalDataInput!) { registerDonor(personalData: $p) { id } }",
            json!({ "p": { "fullName": "Test Longnumber", "hospitalRecordNumber": "9".repeat(65) } }),
            "VALIDATION",
            Some("INVALID_VALUE"),
            &tech,
        ),
        (
            "consent for an unknown donor",
            RECORD_CONSENT,
            json!({ "d": unknown, "c": { "formId": "F", "formVersion": "1",
                "signedOn": "2026-01-05", "scope": ["THERAPY"] } }),
            "NOT_FOUND",
            Some("NOT_FOUND"),
            &tech,
        ),
        (
            "a consent without scope",
            RECORD_CONSENT,
            json!({ "d": donor_id, "c": { "formId": "F", "formVersion": "1",
                "signedOn": "2026-01-05", "scope": [] } }),
            "VALIDATION",
            Some("CONSENT_SCOPE_EMPTY"),
            &tech,
        ),
        (
            "an unknown marker",
            RECORD_SCREENING,
            screening_input(&donor_id, "HIV-3", "NON_REACTIVE", recovery),
            "VALIDATION",
            Some("UNKNOWN_MARKER"),
            &tech,
        ),
        (
            "a specimen eight days before recovery",
            RECORD_SCREENING,
            screening_input(
                &donor_id,
                "HBsAg",
                "NON_REACTIVE",
                recovery - chrono::Days::new(8),
            ),
            "VALIDATION",
            Some("SPECIMEN_OUTSIDE_WINDOW"),
            &tech,
        ),
        (
            "a specimen eight days after recovery",
            RECORD_SCREENING,
            screening_input(
                &donor_id,
                "HBsAg",
                "NON_REACTIVE",
                recovery + chrono::Days::new(8),
            ),
            "VALIDATION",
            Some("SPECIMEN_OUTSIDE_WINDOW"),
            &tech,
        ),
        (
            "screening of an unknown donor",
            RECORD_SCREENING,
            screening_input(&unknown, "HBsAg", "NON_REACTIVE", recovery),
            "NOT_FOUND",
            None,
            &tech,
        ),
        (
            "an unknown donor",
            "query($id: UUID!) { donor(id: $id) { id } }",
            json!({ "id": unknown }),
            "NOT_FOUND",
            None,
            &tech,
        ),
        (
            "a malformed donor id",
            "query($id: UUID!) { donor(id: $id) { id } }",
            json!({ "id": "not-a-uuid" }),
            "VALIDATION",
            None,
            &tech,
        ),
        (
            "INELIGIBLE without a reason",
            DETERMINE,
            determination(&donor_id, "INELIGIBLE", &[], password()),
            "VALIDATION",
            Some("REASON_REQUIRED"),
            &qa,
        ),
        (
            "eligibility of an unknown donor",
            DETERMINE,
            determination(&unknown, "INELIGIBLE", &["test"], password()),
            "NOT_FOUND",
            None,
            &qa,
        ),
        (
            "a determination signed as APPROVAL",
            DETERMINE,
            json!({ "d": donor_id, "e": { "status": "ELIGIBLE" },
                "s": { "password": password(), "meaning": "APPROVAL" } }),
            "VALIDATION",
            Some("WRONG_SIGNATURE_MEANING"),
            &qa,
        ),
        (
            "a determination by a technician",
            DETERMINE,
            determination(&donor_id, "INELIGIBLE", &["test"], password()),
            "FORBIDDEN",
            None,
            &tech,
        ),
        (
            "a bad cursor",
            "{ donors(after: \"nope\") { edges { cursor } } }",
            json!({}),
            "VALIDATION",
            Some("BAD_CURSOR"),
            &tech,
        ),
    ];
    for (case, query, variables, code, reason, token) in cases {
        let response = assert_refused(&server, token, query, variables, code, reason).await;
        assert!(response.body["errors"][0]["message"].is_string(), "{case}");
    }

    // ELIGIBLE with one reactive result and nine markers missing: every unmet reason is listed.
    let response = server
        .gql(
            Some(&tech),
            RECORD_SCREENING,
            screening_input(&donor_id, "HIV-1/2", "REACTIVE", recovery),
        )
        .await;
    response.data();
    let response = assert_refused(
        &server,
        &qa,
        DETERMINE,
        determination(&donor_id, "ELIGIBLE", &[], password()),
        "CONFLICT",
        Some("SCREENING_REACTIVE"),
    )
    .await;
    let reasons = response.reason_codes();
    assert_eq!(
        reasons
            .iter()
            .filter(|code| *code == "SCREENING_MISSING")
            .count(),
        9,
        "{}",
        response.body
    );
    assert_eq!(reasons.len(), 10, "{}", response.body);
    server.finish().await;
}

#[tokio::test]
async fn a_wrong_signature_password_is_refused_and_only_the_failure_is_ledgered() {
    let server = server().await;
    let tech = server.user_token("tech.one", &[Role::Technician]).await;
    let qa = server.user_token("qa.lead", &[Role::Qa]).await;
    let donor_id = register_donor(&server, &tech, "Ottilie Notreal").await;

    let before = ledger_size(&server).await;
    let response = server
        .gql(
            Some(&qa),
            DETERMINE,
            determination(
                &donor_id,
                "INELIGIBLE",
                &["test reason"],
                "not the password at all",
            ),
        )
        .await;
    assert_eq!(response.error_code(), "FORBIDDEN", "{}", response.body);
    assert_eq!(response.reason_codes(), ["SIGNATURE_REJECTED"]);
    assert_eq!(ledger_size(&server).await, before + 1);
    let texts = ledger_texts(&server).await;
    assert_eq!(
        texts.last().map(|(action, _)| action.as_str()),
        Some("user.authentication_failed")
    );

    let response = server
        .gql(Some(&qa), &donor_query(), json!({ "id": donor_id }))
        .await;
    assert_eq!(response.data()["donor"]["eligibility"]["status"], "PENDING");
    assert_eq!(
        response.data()["donor"]["flags"],
        json!(["DONOR_ELIGIBILITY_PENDING"])
    );
    server.finish().await;
}

#[tokio::test]
async fn a_withdrawal_blocks_new_donations_and_flags_the_material_wherever_it_appears() {
    let server = server().await;
    let tech = server.user_token("tech.one", &[Role::Technician]).await;
    let qa = server.user_token("qa.lead", &[Role::Qa]).await;
    let donor_id = consented_donor(&server, &tech, "Winifred Fictional").await;
    let din = label_din(301);
    let donation = register_donation(
        &server,
        &tech,
        &donor_id,
        json!({ "scanned": scanned(din) }),
        ward_time(-5),
    )
    .await;

    let response = server
        .gql(
            Some(&tech),
            "mutation($d: UUID!) { withdrawConsent(donorId: $d, withdrawnOn: \"2026-02-01\",
                reason: \"test withdrawal\") { flags consent { withdrawnOn withdrawalReason } } }",
            json!({ "d": donor_id }),
        )
        .await;
    let donor = &response.data()["withdrawConsent"];
    assert_eq!(
        donor["flags"],
        json!(["DONOR_ELIGIBILITY_PENDING", "CONSENT_WITHDRAWN"])
    );
    assert_eq!(donor["consent"]["withdrawalReason"], "test withdrawal");

    assert_refused(
        &server,
        &tech,
        REGISTER_DONATION,
        donation_input(
            &donor_id,
            json!({ "typed": typed(label_din(302)) }),
            ward_time(-4),
        ),
        "CONFLICT",
        Some("CONSENT_WITHDRAWN"),
    )
    .await;
    assert_refused(
        &server,
        &tech,
        RECORD_CONSENT,
        json!({ "d": donor_id, "c": { "formId": "F", "formVersion": "2",
            "signedOn": "2026-02-02", "scope": ["THERAPY"] } }),
        "CONFLICT",
        Some("CONSENT_WITHDRAWN"),
    )
    .await;

    let response = server
        .gql(
            Some(&qa),
            DETERMINE,
            determination(&donor_id, "INELIGIBLE", &["consent withdrawn"], password()),
        )
        .await;
    assert_eq!(
        response.data()["determineEligibility"]["eligibility"]["reasons"],
        json!(["consent withdrawn"])
    );
    let by_din = "query($din: String!) { donationByDin(din: $din) { id flags donor { flags } } }";
    for form in [din.to_string(), typed(din), scanned(din)] {
        let response = server.gql(Some(&qa), by_din, json!({ "din": form })).await;
        let found = &response.data()["donationByDin"];
        assert_eq!(found["id"], donation["id"]);
        assert_eq!(
            found["flags"],
            json!(["DONOR_INELIGIBLE", "CONSENT_WITHDRAWN"])
        );
        assert_eq!(found["donor"]["flags"], found["flags"]);
    }
    assert_ledger_verifies(&server, &qa).await;
    server.finish().await;
}

#[tokio::test]
async fn donors_page_through_a_relay_connection() {
    let server = server().await;
    let tech = server.user_token("tech.one", &[Role::Technician]).await;
    let mut donor_ids = Vec::new();
    for name in ["Test Donor Alpha", "Test Donor Beta", "Test Donor Gamma"] {
        let donor_id = register_donor(&server, &tech, name).await;
        consent(&server, &tech, &donor_id).await;
        donor_ids.push(donor_id);
    }
    let page = "query($after: String) { donors(first: 2, after: $after) {
        pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { id } } } }";
    let first = server.gql(Some(&tech), page, json!({})).await;
    let first = &first.data()["donors"];
    assert_eq!(first["pageInfo"]["hasNextPage"], true);
    assert_eq!(first["pageInfo"]["hasPreviousPage"], false);
    let second = server
        .gql(
            Some(&tech),
            page,
            json!({ "after": first["pageInfo"]["endCursor"] }),
        )
        .await;
    let second = &second.data()["donors"];
    assert_eq!(second["pageInfo"]["hasNextPage"], false);
    let seen: Vec<Value> = first["edges"]
        .as_array()
        .into_iter()
        .chain(second["edges"].as_array())
        .flatten()
        .map(|edge| edge["node"]["id"].clone())
        .collect();
    let expected: Vec<Value> = donor_ids.iter().map(|id| json!(id)).collect();
    assert_eq!(seen, expected);
    server.finish().await;
}

const REQUEST: &str = "mutation($d: UUID!) { requestEligibility(donorId: $d) { \
    eligibility { status requestedBy requestedAt } } }";

#[tokio::test]
async fn a_technician_requests_the_determination_once_the_record_is_complete() {
    let server = server().await;
    let tech = server.user_token("tech.one", &[Role::Technician]).await;
    let qa = server.user_token("qa.lead", &[Role::Qa]).await;
    let donor_id = consented_donor(&server, &tech, "Imogen Testrequest").await;
    let request = json!({ "d": donor_id });

    // Without a donation or the panel, the request lists what is missing and writes nothing.
    let before = ledger_size(&server).await;
    let early = server.gql(Some(&tech), REQUEST, request.clone()).await;
    cordtrace_tests::fixtures::assert_refused(&early, "CONFLICT", Some("NO_DONATION"));
    assert!(
        early
            .reason_codes()
            .contains(&"SCREENING_MISSING".to_owned())
    );
    assert_eq!(ledger_size(&server).await, before);

    let collected = ward_time(-30);
    register_donation(
        &server,
        &tech,
        &donor_id,
        json!({ "assign": true }),
        collected,
    )
    .await;
    screen_whole_panel(
        &server,
        &tech,
        &donor_id,
        collected.date_naive() - chrono::Days::new(2),
    )
    .await;
    let by_qa = server.gql(Some(&qa), REQUEST, request.clone()).await;
    cordtrace_tests::fixtures::assert_refused(&by_qa, "FORBIDDEN", None);

    let requested = server.gql(Some(&tech), REQUEST, request.clone()).await;
    let eligibility = &requested.data()["requestEligibility"]["eligibility"];
    assert_eq!(eligibility["status"], "PENDING");
    assert!(eligibility["requestedAt"].is_string(), "{eligibility}");
    assert!(eligibility["requestedBy"].is_string(), "{eligibility}");
    let before = ledger_size(&server).await;
    let twice = server.gql(Some(&tech), REQUEST, request.clone()).await;
    cordtrace_tests::fixtures::assert_refused(&twice, "CONFLICT", Some("ALREADY_REQUESTED"));
    assert_eq!(ledger_size(&server).await, before);

    // QA's signed determination answers the request; a determined donor is not asked again.
    server
        .gql(
            Some(&qa),
            DETERMINE,
            determination(&donor_id, "ELIGIBLE", &[], password()),
        )
        .await
        .data();
    let read = server
        .gql(
            Some(&qa),
            "query($id: UUID!) { donor(id: $id) { eligibility { status requestedAt } } }",
            json!({ "id": donor_id }),
        )
        .await;
    assert_eq!(
        read.data()["donor"]["eligibility"]["requestedAt"],
        Value::Null
    );
    let after = server.gql(Some(&tech), REQUEST, request).await;
    cordtrace_tests::fixtures::assert_refused(&after, "CONFLICT", Some("ELIGIBILITY_DETERMINED"));
    let auditor = server.user_token("auditor.one", &[Role::Auditor]).await;
    assert_ledger_verifies(&server, &auditor).await;
}
