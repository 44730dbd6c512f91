//! Units over GraphQL: filling from a drug product lot (with the donation DIN), the refusals of a
//! bad fill, custody hand-offs between two people, lookups by label, and QA's status changes.

use chrono::{Duration, Utc};
use cordtrace_domain::Role;
use cordtrace_tests::fixtures::{
    Bench, Eligibility, Fixtures, UNIT_FIELDS, assert_refused, ledger_size, production_server,
    try_fill, unit_input,
};
use cordtrace_tests::{GqlResponse, TestServer};
use serde_json::{Value, json};

/// A server with one eligible donor's donation carried to a DRUG_PRODUCT lot in process, the
/// product code `S1001` defined, and a technician's token.
struct Filled {
    server: TestServer,
    tech: String,
    product: String,
    din: String,
}

async fn drug_product() -> Filled {
    let server = production_server().await;
    let fixtures = Fixtures::open(&server).await;
    let donor = fixtures.donor(Eligibility::Eligible).await;
    fixtures.product("S1001").await;
    fixtures.close().await;
    let tech = server.user_token("tech.one", &[Role::Technician]).await;
    let bench = Bench {
        server: &server,
        token: tech.clone(),
        equipment: Vec::new(),
        materials: Vec::new(),
    };
    let expanded = bench.expanded(donor.donation_id).await;
    let substance = bench.harvest(&expanded).await;
    let product = bench.formulate(&[&substance]).await;
    Filled {
        server,
        tech,
        product,
        din: donor.din.to_string(),
    }
}

async fn unit_mutation(
    server: &TestServer,
    token: &str,
    call: &str,
    variables: Value,
) -> GqlResponse {
    let query = format!("mutation($id: UUID!) {{ {call} {{ {UNIT_FIELDS} }} }}");
    server.gql(Some(token), &query, variables).await
}

#[tokio::test]
async fn a_bad_fill_is_refused_with_its_code_and_writes_nothing() {
    let Filled {
        server,
        tech,
        product,
        din,
    } = drug_product().await;
    let first = try_fill(
        &server,
        &tech,
        &product,
        vec![unit_input("S1001VA0", "P01")],
    )
    .await;
    assert_eq!(first.data()["fillUnits"]["din"], din);

    let mut expired_first = unit_input("S1001VC0", "P03");
    expired_first["expiresAt"] = json!((Utc::now() - Duration::days(1)).to_rfc3339());
    let mut no_cells = unit_input("S1001VD0", "P04");
    no_cells["cells"] = json!(0);
    let mut bad_volume = unit_input("S1001VE0", "P05");
    bad_volume["volumeMl"] = json!("-1");
    let mut blank_position = unit_input("S1001VF0", "P06");
    blank_position["location"]["position"] = json!("");
    let unknown_lot = uuid::Uuid::now_v7().to_string();
    let cases: Vec<(&str, &str, Vec<Value>, &str, &str)> = vec![
        (
            "undefined product code",
            &product,
            vec![unit_input("S9999V00", "P02")],
            "VALIDATION",
            "UNKNOWN_PRODUCT_CODE",
        ),
        (
            "malformed product code",
            &product,
            vec![unit_input("S1001", "P02")],
            "VALIDATION",
            "PRODUCT_CODE_WRONG_LENGTH",
        ),
        (
            "lowercase product code",
            &product,
            vec![unit_input("s1001VB0", "P02")],
            "VALIDATION",
            "PRODUCT_CODE_LOWERCASE",
        ),
        (
            "a unit that exists",
            &product,
            vec![unit_input("S1001VA0", "P02")],
            "CONFLICT",
            "DUPLICATE_UNIT",
        ),
        (
            "the same unit twice in one fill",
            &product,
            vec![unit_input("S1001VB0", "P02"), unit_input("S1001VB0", "P03")],
            "CONFLICT",
            "DUPLICATE_UNIT",
        ),
        (
            "expiry before cryopreservation",
            &product,
            vec![expired_first],
            "VALIDATION",
            "END_BEFORE_START",
        ),
        (
            "no cells",
            &product,
            vec![no_cells],
            "VALIDATION",
            "INVALID_VALUE",
        ),
        (
            "negative volume",
            &product,
            vec![bad_volume],
            "VALIDATION",
            "INVALID_VALUE",
        ),
        (
            "blank position",
            &product,
            vec![blank_position],
            "VALIDATION",
            "INVALID_VALUE",
        ),
        ("no units", &product, Vec::new(), "VALIDATION", "BAD_LIST"),
        (
            "unknown lot",
            &unknown_lot,
            vec![unit_input("S1001VB0", "P02")],
            "NOT_FOUND",
            "NOT_FOUND",
        ),
    ];
    let before = ledger_size(&server).await;
    for (case, lot, units, code, reason) in cases {
        let response = try_fill(&server, &tech, lot, units).await;
        assert_eq!(response.error_code(), code, "{case}: {}", response.body);
        assert!(
            response.reason_codes().iter().any(|r| r == reason),
            "{case}: expected {reason}: {}",
            response.body
        );
        assert_eq!(
            ledger_size(&server).await,
            before,
            "{case} wrote to the ledger"
        );
    }

    // A fill in the future, from a lot that is not a drug product, or from a completed lot.
    let future = server
        .gql(
            Some(&tech),
            "mutation($input: FillUnitsInput!) { fillUnits(input: $input) { din } }",
            json!({ "input": {
                "lotId": product,
                "cryopreservedAt": (Utc::now() + Duration::hours(2)).to_rfc3339(),
                "units": [unit_input("S1001VB0", "P02")],
            } }),
        )
        .await;
    assert_refused(&future, "VALIDATION", Some("IN_FUTURE"));
    let lots = server
        .gql(
            Some(&tech),
            "{ lots(kind: DRUG_SUBSTANCE) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    let substance = lots.data()["lots"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let response = try_fill(
        &server,
        &tech,
        &substance,
        vec![unit_input("S1001VB0", "P02")],
    )
    .await;
    assert_refused(&response, "VALIDATION", Some("STEP_SHAPE"));
    assert_eq!(ledger_size(&server).await, before);
    server
        .gql(
            Some(&tech),
            "mutation($id: UUID!) { completeLot(lotId: $id) { status } }",
            json!({ "id": product }),
        )
        .await
        .data();
    let before = ledger_size(&server).await;
    let response = try_fill(
        &server,
        &tech,
        &product,
        vec![unit_input("S1001VB0", "P02")],
    )
    .await;
    assert_refused(&response, "CONFLICT", Some("WRONG_LOT_STATE"));
    assert_eq!(ledger_size(&server).await, before);
    server.finish().await;
}

#[tokio::test]
async fn custody_passes_only_between_two_people_and_units_are_found_by_label() {
    let Filled {
        server,
        tech,
        product,
        din,
    } = drug_product().await;
    let clinician = server.user_token("clin.one", &[Role::Clinician]).await;
    let other_clinician = server.user_token("clin.two", &[Role::Clinician]).await;
    let analyst = server.user_token("analyst.one", &[Role::Analyst]).await;
    let filled = try_fill(
        &server,
        &tech,
        &product,
        vec![unit_input("S1001VA0", "P01"), unit_input("S1001VB0", "P02")],
    )
    .await;
    let unit = filled.data()["fillUnits"]["units"][0].clone();
    let id = unit["id"].clone();
    assert_eq!(unit["din"], din);
    assert_eq!(unit["productCode"], "S1001VA0");
    assert_eq!(unit["cells"], 75_000_000);
    assert_eq!(unit["volumeMl"], "50");
    assert_eq!(unit["container"], "BAG");
    assert_eq!(unit["location"]["position"], "P01");

    // Receipt needs a dispatch first, and someone other than the dispatcher.
    let receive = "receiveUnit(unitId: $id, temperatureCelsius: \"-160\", condition: INTACT)";
    let before = ledger_size(&server).await;
    let response = unit_mutation(&server, &clinician, receive, json!({ "id": id })).await;
    assert_refused(&response, "CONFLICT", Some("NOT_IN_TRANSIT"));
    assert_eq!(ledger_size(&server).await, before);
    // A dispatch names who receives it: someone who may hold custody, other than the
    // dispatcher; anything else is refused and writes nothing.
    let before = ledger_size(&server).await;
    for (receiver, code, reason) in [
        ("analyst.one", "VALIDATION", "RECEIVER_MAY_NOT_RECEIVE"),
        ("nobody.here", "VALIDATION", "RECEIVER_MAY_NOT_RECEIVE"),
        ("tech.one", "FORBIDDEN", "SAME_CUSTODIAN"),
        ("Not A Username", "VALIDATION", "BAD_USERNAME"),
    ] {
        let call = format!(
            "dispatchUnit(unitId: $id, destination: \"Invented Ward 7\", receiver: \"{receiver}\")"
        );
        let response = unit_mutation(&server, &tech, &call, json!({ "id": id })).await;
        assert_refused(&response, code, Some(reason));
    }
    assert_eq!(ledger_size(&server).await, before);
    let dispatch =
        "dispatchUnit(unitId: $id, destination: \"Invented Ward 7\", receiver: \"clin.one\")";
    let dispatched = unit_mutation(&server, &tech, dispatch, json!({ "id": id })).await;
    assert_eq!(
        dispatched.data()["dispatchUnit"]["custody"]["state"],
        "IN_TRANSIT"
    );
    let before = ledger_size(&server).await;
    let response = unit_mutation(&server, &tech, receive, json!({ "id": id })).await;
    assert_refused(&response, "FORBIDDEN", Some("SAME_CUSTODIAN"));
    let response = unit_mutation(&server, &clinician, dispatch, json!({ "id": id })).await;
    assert_refused(&response, "CONFLICT", Some("IN_TRANSIT"));
    let too_warm = "receiveUnit(unitId: $id, temperatureCelsius: \"80\", condition: INTACT)";
    let response = unit_mutation(&server, &clinician, too_warm, json!({ "id": id })).await;
    assert_refused(&response, "VALIDATION", Some("INVALID_VALUE"));
    let response = unit_mutation(&server, &analyst, receive, json!({ "id": id })).await;
    assert_refused(&response, "FORBIDDEN", None);
    // Only the person the dispatch named receives it.
    let response = unit_mutation(&server, &other_clinician, receive, json!({ "id": id })).await;
    assert_refused(&response, "FORBIDDEN", Some("NOT_THE_RECEIVER"));
    let store = "storeUnit(unitId: $id, location: { site: \"S\", freezer: \"F\", rack: \"R\", \
                 box: \"B\", position: \"P\" })";
    let response = unit_mutation(&server, &tech, store, json!({ "id": id })).await;
    assert_refused(&response, "CONFLICT", Some("IN_TRANSIT"));
    assert_eq!(ledger_size(&server).await, before);

    let received = unit_mutation(&server, &clinician, receive, json!({ "id": id })).await;
    let custody = &received.data()["receiveUnit"]["custody"];
    assert_eq!(custody["state"], "RECEIVED");
    assert_eq!(custody["receivedBy"]["printedName"], "Test clin.one");
    assert_eq!(custody["arrivalTemperatureCelsius"], "-160");
    assert_eq!(custody["arrivalCondition"], "INTACT");

    // The clinician finds the unit by its label, typed with the check character or scanned.
    let check = unit["dinCheckCharacter"].as_str().unwrap_or_default();
    let by_label = "query($din: String!, $code: String!) { unitByLabel(din: $din, \
                    productCode: $code) { id status custody { state } } }";
    let typed = server
        .gql(
            Some(&clinician),
            by_label,
            json!({ "din": format!("{din}{check}"), "code": "S1001VA0" }),
        )
        .await;
    assert_eq!(typed.data()["unitByLabel"]["id"], id);
    let scanned = server
        .gql(
            Some(&clinician),
            by_label,
            json!({ "din": format!("={din}00"), "code": "=<S1001VA0" }),
        )
        .await;
    assert_eq!(scanned.data()["unitByLabel"]["id"], id);
    let wrong_check = if check == "0" { "1" } else { "0" };
    let typo = server
        .gql(
            Some(&clinician),
            by_label,
            json!({ "din": format!("{din}{wrong_check}"), "code": "S1001VA0" }),
        )
        .await;
    assert_refused(&typo, "VALIDATION", Some("DIN_BAD_CHECK_CHARACTER"));
    let absent = server
        .gql(
            Some(&clinician),
            by_label,
            json!({ "din": format!("{din}{check}"), "code": "S1001VZ0" }),
        )
        .await;
    assert_refused(&absent, "NOT_FOUND", None);
    let listed = server
        .gql(
            Some(&clinician),
            "query($lot: UUID!) { units(lotId: $lot) { productCode } }",
            json!({ "lot": product }),
        )
        .await;
    assert_eq!(
        listed.data()["units"],
        json!([{ "productCode": "S1001VA0" }, { "productCode": "S1001VB0" }])
    );
    let lot = server
        .gql(
            Some(&clinician),
            "query($id: UUID!) { lot(id: $id) { code } }",
            json!({ "id": product }),
        )
        .await;
    assert_refused(&lot, "FORBIDDEN", None);

    // The clinician dispatches it back; the technician receives it and stores it.
    let back = "dispatchUnit(unitId: $id, destination: \"Invented Cell Therapy Facility\", \
                receiver: \"tech.one\")";
    unit_mutation(&server, &clinician, back, json!({ "id": id }))
        .await
        .data();
    unit_mutation(&server, &tech, receive, json!({ "id": id }))
        .await
        .data();
    let stored = unit_mutation(&server, &tech, store, json!({ "id": id })).await;
    let stored = &stored.data()["storeUnit"];
    assert_eq!(stored["custody"]["state"], "STORED");
    assert_eq!(stored["location"]["freezer"], "F");
    server.finish().await;
}

#[tokio::test]
async fn qa_records_expiry_and_destruction_of_units() {
    let Filled {
        server,
        tech,
        product,
        ..
    } = drug_product().await;
    let qa = server.user_token("qa.one", &[Role::Qa]).await;
    // One unit expired already (an old cryopreservation), one that expires next year.
    let mut old = unit_input("S1001VA0", "P01");
    old["expiresAt"] = json!((Utc::now() - Duration::minutes(30)).to_rfc3339());
    let filled = try_fill(
        &server,
        &tech,
        &product,
        vec![old, unit_input("S1001VB0", "P02")],
    )
    .await;
    let units = filled.data()["fillUnits"]["units"].clone();
    let (expired, fresh) = (units[0]["id"].clone(), units[1]["id"].clone());

    let set = |token: &str, id: &Value, status: &str, reason: Option<&str>| {
        let query = format!(
            "mutation($id: UUID!, $status: UnitStatus!, $reason: String) {{ \
             setUnitStatus(unitId: $id, status: $status, reason: $reason) {{ {UNIT_FIELDS} }} }}"
        );
        let variables = json!({ "id": id, "status": status, "reason": reason });
        let token = token.to_owned();
        let server = &server;
        async move { server.gql(Some(&token), &query, variables).await }
    };
    let before = ledger_size(&server).await;
    let response = set(&tech, &expired, "EXPIRED", None).await;
    assert_refused(&response, "FORBIDDEN", None);
    let response = set(&qa, &fresh, "EXPIRED", None).await;
    assert_refused(&response, "CONFLICT", Some("WRONG_UNIT_STATE"));
    let response = set(&qa, &fresh, "DESTROYED", Some("dropped")).await;
    assert_refused(&response, "CONFLICT", Some("WRONG_UNIT_STATE"));
    let response = set(&qa, &fresh, "RELEASED", None).await;
    assert_refused(&response, "CONFLICT", Some("WRONG_UNIT_STATE"));
    let response = set(
        &qa,
        &uuid::Uuid::now_v7().to_string().into(),
        "EXPIRED",
        None,
    )
    .await;
    assert_refused(&response, "NOT_FOUND", None);
    assert_eq!(ledger_size(&server).await, before);

    let response = set(&qa, &expired, "EXPIRED", None).await;
    assert_eq!(response.data()["setUnitStatus"]["status"], "EXPIRED");
    let before = ledger_size(&server).await;
    let response = set(&qa, &expired, "DESTROYED", None).await;
    assert_refused(&response, "CONFLICT", Some("WRONG_UNIT_STATE"));
    assert_eq!(ledger_size(&server).await, before);
    let response = set(&qa, &expired, "DESTROYED", Some("expired; autoclaved")).await;
    assert_eq!(response.data()["setUnitStatus"]["status"], "DESTROYED");
    let before = ledger_size(&server).await;
    let response = unit_mutation(
        &server,
        &tech,
        "dispatchUnit(unitId: $id, destination: \"Anywhere\", receiver: \"tech.one\")",
        json!({ "id": expired }),
    )
    .await;
    assert_refused(&response, "CONFLICT", Some("WRONG_UNIT_STATE"));
    assert_eq!(ledger_size(&server).await, before);
    server.finish().await;
}

/// The ids of the units `unitsInCustody(state:)` lists, page by page of `first`, with the
/// number of pages it took.
async fn in_custody(
    server: &TestServer,
    token: &str,
    state: &str,
    first: i32,
) -> (Vec<String>, usize) {
    let query = "query($state: CustodyState!, $first: Int, $after: String) { \
                 unitsInCustody(state: $state, first: $first, after: $after) { \
                 pageInfo { hasNextPage endCursor } nodes { id custody { state } } } }";
    let (mut ids, mut pages, mut after) = (Vec::new(), 0, Value::Null);
    loop {
        let answer = server
            .gql(
                Some(token),
                query,
                json!({ "state": state, "first": first, "after": after }),
            )
            .await;
        let connection = answer.data()["unitsInCustody"].clone();
        pages += 1;
        for node in connection["nodes"].as_array().expect("nodes") {
            assert_eq!(node["custody"]["state"], state, "{node}");
            ids.push(node["id"].as_str().expect("an id").to_owned());
        }
        if connection["pageInfo"]["hasNextPage"] != true {
            return (ids, pages);
        }
        after = connection["pageInfo"]["endCursor"].clone();
    }
}

#[tokio::test]
async fn units_are_listed_by_custody_state_page_by_page() {
    let Filled {
        server,
        tech,
        product,
        ..
    } = drug_product().await;
    let clinician = server.user_token("clin.one", &[Role::Clinician]).await;
    let filled = try_fill(
        &server,
        &tech,
        &product,
        ["S1001VA0", "S1001VB0", "S1001VC0", "S1001VD0"]
            .iter()
            .enumerate()
            .map(|(index, code)| unit_input(code, &format!("P0{index}")))
            .collect(),
    )
    .await;
    let units: Vec<Value> = filled.data()["fillUnits"]["units"]
        .as_array()
        .expect("units")
        .iter()
        .map(|unit| unit["id"].clone())
        .collect();
    let dispatch =
        "dispatchUnit(unitId: $id, destination: \"Invented Ward 7\", receiver: \"clin.one\")";
    for id in &units[..3] {
        unit_mutation(&server, &tech, dispatch, json!({ "id": id }))
            .await
            .data();
    }
    let receive = "receiveUnit(unitId: $id, temperatureCelsius: \"-160\", condition: INTACT)";
    unit_mutation(&server, &clinician, receive, json!({ "id": units[0] }))
        .await
        .data();

    let id = |value: &Value| value.as_str().expect("an id").to_owned();
    let (in_transit, pages) = in_custody(&server, &tech, "IN_TRANSIT", 1).await;
    assert_eq!(
        in_transit,
        vec![id(&units[1]), id(&units[2])],
        "in filling order"
    );
    assert_eq!(pages, 2, "one unit a page");
    let (received, _) = in_custody(&server, &tech, "RECEIVED", 10).await;
    assert_eq!(received, vec![id(&units[0])]);
    let (stored, _) = in_custody(&server, &tech, "STORED", 10).await;
    assert_eq!(stored, vec![id(&units[3])]);

    // Who may not read units is refused; a cursor that is not one is refused with its code.
    let analyst_query = "{ unitsInCustody(state: STORED) { nodes { id } } }";
    let clinical_only = server.user_token("admin.one", &[Role::Admin]).await;
    let refused = server
        .gql(Some(&clinical_only), analyst_query, json!({}))
        .await;
    assert_refused(&refused, "FORBIDDEN", None);
    let bad_cursor = server
        .gql(
            Some(&tech),
            "{ unitsInCustody(state: STORED, after: \"not-a-unit\") { nodes { id } } }",
            json!({}),
        )
        .await;
    assert_refused(&bad_cursor, "VALIDATION", Some("BAD_CURSOR"));
}
