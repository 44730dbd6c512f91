//! Cord donations over GraphQL: the three ways a DIN is entered, every read returning the DIN with
//! its check character, receipt at the lab with the transit time flagged over the limit, and
//! every bad DIN, time or temperature refused with its code and nothing written.

use crate::intake_common;

use cordtrace_domain::Role;
use cordtrace_tests::TestServer;
use intake_common::{
    DONATION_FIELDS, RECEIVE, REGISTER_DONATION, assert_ledger_verifies, assert_refused,
    consented_donor, donation_input, label_din, receipt_input, register_donation, register_donor,
    scanned, server, typed, unknown_id, ward_time,
};
use serde_json::{Value, json};

fn donation_query() -> String {
    format!("query($id: UUID!) {{ donation(id: $id) {{ {DONATION_FIELDS} }} }}")
}

#[tokio::test]
async fn every_din_entry_mode_registers_and_reads_back_with_its_check_character() {
    let server = server().await;
    let tech = server.user_token("tech.one", &[Role::Technician]).await;
    let donor_id = consented_donor(&server, &tech, "Tabitha Testcase").await;
    let collected = ward_time(-10);
    let year = collected.format("%y").to_string();

    let typed_din = label_din(11);
    let spaced = format!(
        "{} {} {} {}",
        &typed_din.to_string()[..5],
        &typed_din.to_string()[5..7],
        &typed_din.to_string()[7..],
        typed_din.check_character()
    );
    let flag_00 = format!("={}00", label_din(13));
    let entries = [
        (
            json!({ "typed": typed(typed_din) }),
            typed_din.to_string(),
            "TYPED",
        ),
        (
            json!({ "typed": spaced }),
            label_din(11).to_string(),
            "TYPED",
        ),
        (
            json!({ "scanned": scanned(label_din(12)) }),
            label_din(12).to_string(),
            "SCANNED",
        ),
        (
            json!({ "scanned": flag_00 }),
            label_din(13).to_string(),
            "SCANNED",
        ),
        (
            json!({ "assign": true }),
            format!("A9999{year}000001"),
            "ASSIGNED",
        ),
        (
            json!({ "assign": true }),
            format!("A9999{year}000002"),
            "ASSIGNED",
        ),
    ];
    for (index, (entry, expected_din, source)) in entries.into_iter().enumerate() {
        if index == 1 {
            // The spaced form of a DIN already registered is the same DIN: a duplicate.
            assert_refused(
                &server,
                &tech,
                REGISTER_DONATION,
                donation_input(&donor_id, entry, collected),
                "CONFLICT",
                Some("DUPLICATE_DIN"),
            )
            .await;
            continue;
        }
        let donation = register_donation(&server, &tech, &donor_id, entry, collected).await;
        assert_eq!(donation["din"], json!(expected_din));
        assert_eq!(donation["dinSource"], source);
        let din = cordtrace_domain::isbt128::Din::parse(&expected_din).expect("a DIN");
        assert_eq!(donation["dinWithCheck"], json!(din.eye_readable()));
        assert_eq!(
            donation["checkCharacter"],
            json!(din.check_character().to_string())
        );

        let id = donation["id"].as_str().expect("an id");
        let response = server
            .gql(Some(&tech), &donation_query(), json!({ "id": id }))
            .await;
        let read = &response.data()["donation"];
        assert_eq!(read["dinWithCheck"], json!(din.eye_readable()));
        assert_eq!(read["collectedAt"], json!(collected.to_rfc3339()));
        assert_eq!(read["donor"]["id"], json!(donor_id));
        assert_eq!(read["flags"], json!(["DONOR_ELIGIBILITY_PENDING"]));
        for form in [din.to_string(), din.eye_readable(), scanned(din)] {
            let response = server
                .gql(
                    Some(&tech),
                    "query($din: String!) { donationByDin(din: $din) { id dinWithCheck } }",
                    json!({ "din": form }),
                )
                .await;
            assert_eq!(response.data()["donationByDin"]["id"], json!(id), "{form}");
        }
    }

    let page = "query($after: String) { donations(first: 3, after: $after) {
        pageInfo { hasNextPage endCursor } edges { node { din } } } }";
    let first = server.gql(Some(&tech), page, json!({})).await;
    let first = &first.data()["donations"];
    assert_eq!(first["pageInfo"]["hasNextPage"], true);
    let second = server
        .gql(
            Some(&tech),
            page,
            json!({ "after": first["pageInfo"]["endCursor"] }),
        )
        .await;
    let second = &second.data()["donations"];
    assert_eq!(second["pageInfo"]["hasNextPage"], false);
    assert_eq!(second["edges"].as_array().map(Vec::len), Some(2));
    server.finish().await;
}

#[tokio::test]
async fn bad_dins_and_times_are_refused_with_their_code_and_nothing_is_written() {
    // No FIN configured: assignment is refused.
    let server = TestServer::start().await;
    let tech = server.user_token("tech.one", &[Role::Technician]).await;
    let donor_id = consented_donor(&server, &tech, "Rosalind Nonperson").await;
    let taken = label_din(21);
    register_donation(
        &server,
        &tech,
        &donor_id,
        json!({ "typed": typed(taken) }),
        ward_time(-3),
    )
    .await;
    let no_consent = register_donor(&server, &tech, "Henrietta Unconsented").await;
    let research_only = register_donor(&server, &tech, "Beatrix Researchonly").await;
    server
        .gql(
            Some(&tech),
            intake_common::RECORD_CONSENT,
            json!({ "d": research_only, "c": { "formId": "F", "formVersion": "1",
                "signedOn": "2026-01-05", "scope": ["RESEARCH"] } }),
        )
        .await
        .data();

    let fresh = label_din(22);
    let wrong_check = {
        let check = fresh.check_character();
        let other = if check == 'A' { 'B' } else { 'A' };
        format!("{fresh}{other}")
    };
    let wrong_flag = {
        let flag = fresh.type3_flag().value();
        let other = if flag == 60 { 61 } else { 60 };
        format!("={fresh}{other}")
    };
    let lowercase = format!("a{}", &typed(fresh)[1..]);
    let lowercase_scan = format!(
        "=a{}{:02}",
        &fresh.to_string()[1..],
        fresh.type3_flag().value()
    );
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        (
            "a wrong check character",
            json!({ "typed": wrong_check }),
            "VALIDATION",
            "DIN_BAD_CHECK_CHARACTER",
        ),
        (
            "a type 3 flag of another DIN",
            json!({ "scanned": wrong_flag }),
            "VALIDATION",
            "DIN_FLAG_MISMATCH",
        ),
        (
            "a lowercase typed DIN",
            json!({ "typed": lowercase }),
            "VALIDATION",
            "DIN_LOWERCASE",
        ),
        (
            "a lowercase scan",
            json!({ "scanned": lowercase_scan }),
            "VALIDATION",
            "DIN_LOWERCASE",
        ),
        (
            "a DIN typed without its check character",
            json!({ "typed": fresh.to_string() }),
            "VALIDATION",
            "DIN_WRONG_LENGTH",
        ),
        (
            "a FIN starting with the letter O",
            json!({ "typed": "O999926000001X" }),
            "VALIDATION",
            "FIN_BAD_FIRST_CHARACTER",
        ),
        (
            "a FIN starting with zero",
            json!({ "typed": "0999926000001X" }),
            "VALIDATION",
            "FIN_BAD_FIRST_CHARACTER",
        ),
        (
            "letters in the sequence",
            json!({ "typed": "A99992600000AX" }),
            "VALIDATION",
            "DIN_NOT_DIGIT",
        ),
        (
            "a scan without its data identifier",
            json!({ "scanned": format!("&{fresh}00") }),
            "VALIDATION",
            "DIN_MISSING_DATA_IDENTIFIER",
        ),
        (
            "a reserved flag",
            json!({ "scanned": format!("={fresh}98") }),
            "VALIDATION",
            "FLAG_RESERVED",
        ),
        (
            "a registered DIN, typed",
            json!({ "typed": typed(taken) }),
            "CONFLICT",
            "DUPLICATE_DIN",
        ),
        (
            "a registered DIN, scanned",
            json!({ "scanned": scanned(taken) }),
            "CONFLICT",
            "DUPLICATE_DIN",
        ),
        (
            "assignment with no FIN configured",
            json!({ "assign": true }),
            "VALIDATION",
            "NO_FIN_CONFIGURED",
        ),
        (
            "assign: false",
            json!({ "assign": false }),
            "VALIDATION",
            "DIN_ENTRY",
        ),
    ];
    for (case, din, code, reason) in cases {
        let response = assert_refused(
            &server,
            &tech,
            REGISTER_DONATION,
            donation_input(&donor_id, din, ward_time(-2)),
            code,
            Some(reason),
        )
        .await;
        assert!(response.body["data"].is_null(), "{case}: {}", response.body);
    }

    let with_time = |collected_at: &str| {
        json!({ "i": { "donorId": donor_id, "din": { "typed": typed(fresh) },
            "collectedAt": collected_at, "site": "Test Ward" } })
    };
    let other_cases: Vec<(&str, Value, &str, Option<&str>)> = vec![
        (
            "two DIN forms at once",
            json!({ "i": { "donorId": donor_id,
            "din": { "typed": typed(fresh), "assign": true },
            "collectedAt": ward_time(-2).to_rfc3339(), "site": "Test Ward" } }),
            "VALIDATION",
            None,
        ),
        (
            "a collection time without offset",
            with_time("2026-01-05T08:30:00"),
            "VALIDATION",
            Some("INVALID_VALUE"),
        ),
        (
            "a collection time in the future",
            with_time(&ward_time(2).to_rfc3339()),
            "VALIDATION",
            Some("IN_FUTURE"),
        ),
        (
            "an unknown donor",
            donation_input(
                &unknown_id(),
                json!({ "typed": typed(fresh) }),
                ward_time(-2),
            ),
            "NOT_FOUND",
            Some("NOT_FOUND"),
        ),
        (
            "a donor without consent",
            donation_input(&no_consent, json!({ "typed": typed(fresh) }), ward_time(-2)),
            "CONFLICT",
            Some("NO_CONSENT"),
        ),
        (
            "consent for research only",
            donation_input(
                &research_only,
                json!({ "typed": typed(fresh) }),
                ward_time(-2),
            ),
            "CONFLICT",
            Some("CONSENT_SCOPE"),
        ),
        (
            "an empty site",
            json!({ "i": { "donorId": donor_id, "din": { "typed": typed(fresh) },
            "collectedAt": ward_time(-2).to_rfc3339(), "site": "" } }),
            "VALIDATION",
            Some("INVALID_VALUE"),
        ),
    ];
    for (case, variables, code, reason) in other_cases {
        let response =
            assert_refused(&server, &tech, REGISTER_DONATION, variables, code, reason).await;
        assert!(response.body["data"].is_null(), "{case}: {}", response.body);
    }

    let by_din = "query($din: String!) { donationByDin(din: $din) { id } }";
    assert_refused(
        &server,
        &tech,
        by_din,
        json!({ "din": typed(fresh) }),
        "NOT_FOUND",
        None,
    )
    .await;
    assert_refused(
        &server,
        &tech,
        by_din,
        json!({ "din": wrong_check }),
        "VALIDATION",
        Some("DIN_BAD_CHECK_CHARACTER"),
    )
    .await;
    assert_refused(
        &server,
        &tech,
        by_din,
        json!({ "din": "a99982600002" }),
        "VALIDATION",
        Some("DIN_LOWERCASE"),
    )
    .await;
    assert_refused(
        &server,
        &tech,
        &donation_query(),
        json!({ "id": unknown_id() }),
        "NOT_FOUND",
        None,
    )
    .await;
    server.finish().await;
}

#[tokio::test]
async fn receipt_is_checked_and_a_transit_over_the_limit_is_flagged() {
    let server = server().await;
    let tech = server.user_token("tech.one", &[Role::Technician]).await;
    let qa = server.user_token("qa.lead", &[Role::Qa]).await;
    let donor_id = consented_donor(&server, &tech, "Cordelia Fakename").await;
    let collected = ward_time(-60);
    let slow = register_donation(
        &server,
        &tech,
        &donor_id,
        json!({ "assign": true }),
        collected,
    )
    .await;
    let quick = register_donation(
        &server,
        &tech,
        &donor_id,
        json!({ "assign": true }),
        collected,
    )
    .await;
    let slow_id = slow["id"].as_str().expect("an id");
    let quick_id = quick["id"].as_str().expect("an id");

    let cases: Vec<(&str, Value, &str, &str)> = vec![
        (
            "a receipt before collection",
            receipt_input(quick_id, ward_time(-61), "4"),
            "VALIDATION",
            "RECEIPT_BEFORE_COLLECTION",
        ),
        (
            "a receipt tomorrow",
            receipt_input(quick_id, ward_time(24), "4"),
            "VALIDATION",
            "IN_FUTURE",
        ),
        (
            "a temperature below absolute zero",
            receipt_input(quick_id, ward_time(-54), "-300"),
            "VALIDATION",
            "INVALID_VALUE",
        ),
        (
            "a temperature below the range",
            receipt_input(quick_id, ward_time(-54), "-250.5"),
            "VALIDATION",
            "INVALID_VALUE",
        ),
        (
            "a temperature above the range",
            receipt_input(quick_id, ward_time(-54), "61"),
            "VALIDATION",
            "INVALID_VALUE",
        ),
        (
            "a temperature that is no number",
            receipt_input(quick_id, ward_time(-54), "cold"),
            "VALIDATION",
            "INVALID_VALUE",
        ),
        (
            "a receipt time without offset",
            json!({ "d": quick_id, "r": { "receivedAt": "2026-01-05T08:30:00",
            "transportTemperature": "4", "condition": "INTACT" } }),
            "VALIDATION",
            "INVALID_VALUE",
        ),
        (
            "an unknown donation",
            receipt_input(&unknown_id(), ward_time(-54), "4"),
            "NOT_FOUND",
            "NOT_FOUND",
        ),
    ];
    for (case, variables, code, reason) in cases {
        let response = assert_refused(&server, &tech, RECEIVE, variables, code, Some(reason)).await;
        assert!(response.body["data"].is_null(), "{case}: {}", response.body);
    }
    assert_refused(
        &server,
        &tech,
        RECEIVE,
        json!({ "d": quick_id, "r": { "receivedAt": ward_time(-54).to_rfc3339(),
            "transportTemperature": "4", "condition": "MELTED" } }),
        "VALIDATION",
        None,
    )
    .await;
    assert_refused(
        &server,
        &qa,
        RECEIVE,
        receipt_input(quick_id, ward_time(-54), "4"),
        "FORBIDDEN",
        None,
    )
    .await;

    let response = server
        .gql(
            Some(&tech),
            RECEIVE,
            receipt_input(quick_id, ward_time(-54), "4.5"),
        )
        .await;
    let receipt = &response.data()["receiveDonation"]["receipt"];
    assert_eq!(receipt["minutesSinceCollection"], 360);
    assert_eq!(receipt["hoursSinceCollection"], 6.0);
    assert_eq!(receipt["overTimeLimit"], false);
    assert_eq!(receipt["transportTemperature"], "4.5");
    assert_eq!(receipt["condition"], "INTACT");

    let response = server
        .gql(
            Some(&tech),
            RECEIVE,
            receipt_input(slow_id, ward_time(-1), "18"),
        )
        .await;
    let receipt = &response.data()["receiveDonation"]["receipt"];
    assert_eq!(receipt["hoursSinceCollection"], 59.0);
    assert_eq!(receipt["overTimeLimit"], true);

    assert_refused(
        &server,
        &tech,
        RECEIVE,
        receipt_input(slow_id, ward_time(-1), "4"),
        "CONFLICT",
        Some("ALREADY_RECEIVED"),
    )
    .await;
    let response = server
        .gql(Some(&qa), &donation_query(), json!({ "id": slow_id }))
        .await;
    assert_eq!(
        response.data()["donation"]["receipt"]["overTimeLimit"],
        true
    );
    assert_ledger_verifies(&server, &qa).await;
    server.finish().await;
}
