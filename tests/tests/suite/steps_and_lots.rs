//! Processing steps, lots and deviations over GraphQL: the whole production chain from a received
//! donation to received units (and a ledger that verifies afterwards), the lot state machine,
//! pooling rules and donor flags, deviations with signed closure, and bad input that is refused
//! with its code while nothing is written.

use chrono::{Duration, Utc};
use cordtrace_domain::Role;
use cordtrace_domain::manufacturing::{EligibilityStatus, MaterialQcStatus};
use cordtrace_tests::fixtures::{
    Bench, DONATION_FIN, Eligibility, Fixtures, POOL_FIN, STEP_FIELDS, assert_refused, ledger_size,
    output_ids, production_server, try_fill, unit_input,
};
use cordtrace_tests::{PASSWORD, TestServer};
use serde_json::{Value, json};

const LOT_FIELDS: &str = "id code kind bankLevel status heldFrom flags \
    donors { key eligibility consent } parents { id code } children { id code }";

async fn lot(server: &TestServer, token: &str, id: &str) -> Value {
    let query = format!("query($id: UUID!) {{ lot(id: $id) {{ {LOT_FIELDS} }} }}");
    server
        .gql(Some(token), &query, json!({ "id": id }))
        .await
        .data()["lot"]
        .clone()
}

async fn lot_action(
    server: &TestServer,
    token: &str,
    mutation: &str,
    lot_id: &str,
    reason: Option<&str>,
) -> cordtrace_tests::GqlResponse {
    let (params, args) = match reason {
        Some(_) => (
            "$id: UUID!, $reason: String!",
            "lotId: $id, reason: $reason",
        ),
        None => ("$id: UUID!", "lotId: $id"),
    };
    let query = format!("mutation({params}) {{ {mutation}({args}) {{ {LOT_FIELDS} }} }}");
    server
        .gql(
            Some(token),
            &query,
            json!({ "id": lot_id, "reason": reason }),
        )
        .await
}

#[tokio::test]
async fn the_production_chain_runs_from_a_donation_to_received_units_and_verifies() {
    let server = production_server().await;
    let fixtures = Fixtures::open(&server).await;
    let first = fixtures.donor(Eligibility::Eligible).await;
    let second = fixtures.donor(Eligibility::Eligible).await;
    let medium = fixtures.released_material("alpha-MEM medium").await;
    let dmso = fixtures.released_material("DMSO").await;
    let cabinet = fixtures.calibrated_equipment("BSC-TEST-01").await;
    fixtures.product("S1001").await;
    fixtures.product("S1002").await;
    fixtures.close().await;

    let tech = server.user_token("tech.one", &[Role::Technician]).await;
    let tech2 = server.user_token("tech.two", &[Role::Technician]).await;
    let qa = server.user_token("qa.one", &[Role::Qa]).await;
    let auditor = server.user_token("auditor.one", &[Role::Auditor]).await;
    let bench = Bench {
        server: &server,
        token: tech.clone(),
        equipment: vec![cabinet.to_string()],
        materials: vec![medium.to_string()],
    };

    // Tissue processing from the received donation: the step names the donation's DIN.
    let mut tissue_input = bench.input("TISSUE_PROCESSING", &[], &["CORD_TISSUE"]);
    tissue_input["donationId"] = json!(first.donation_id.to_string());
    let tissue_step = bench.step(tissue_input).await;
    assert_eq!(tissue_step["kind"], "TISSUE_PROCESSING");
    assert_eq!(tissue_step["operator"]["printedName"], "Test tech.one");
    assert_eq!(tissue_step["donation"]["din"], first.din.to_string());
    assert_eq!(
        tissue_step["donation"]["dinCheckCharacter"],
        first.din.check_character().to_string()
    );
    assert!(first.din.to_string().starts_with(DONATION_FIN));
    let tissue = output_ids(&tissue_step).remove(0);
    assert!(
        tissue_step["outputs"][0]["code"]
            .as_str()
            .is_some_and(|code| code.starts_with("CT"))
    );

    // Explant, then an open in-process step on the primary culture, completed later.
    let primary = bench
        .make("EXPLANT_CULTURE", &[&tissue], &["PRIMARY_CULTURE"])
        .await
        .remove(0);
    let mut feeding = bench.input("IN_PROCESS", &[&primary], &[]);
    feeding["endedAt"] = Value::Null;
    let feeding = bench.step(feeding).await;
    assert_eq!(feeding["endedAt"], Value::Null);
    let completed = server
        .gql(
            Some(&tech),
            &format!(
                "mutation($id: UUID!, $end: DateTime!, $m: [MeasurementInput!]!) {{ \
                 completeStep(stepId: $id, endedAt: $end, measurements: $m) {{ {STEP_FIELDS} }} }}"
            ),
            json!({
                "id": feeding["id"],
                "end": Utc::now().to_rfc3339(),
                "m": [{ "kind": "CONFLUENCE", "value": "80", "unit": "%" }],
            }),
        )
        .await;
    let completed = &completed.data()["completeStep"];
    assert!(completed["endedAt"].is_string());
    assert_eq!(
        completed["measurements"],
        json!([{ "kind": "CONFLUENCE", "value": "80", "unit": "%" }])
    );

    // A passage with typed measurements, then a split into three branches.
    let mut passage = bench.input("PASSAGE", &[&primary], &["PASSAGE"]);
    passage["measurements"] = json!([
        { "kind": "PASSAGE_NUMBER", "value": "1", "unit": "passage" },
        { "kind": "VIABLE_CELL_COUNT", "value": "250000000", "unit": "cells" },
        { "kind": "VIABILITY", "value": "94.5", "unit": "%" },
        { "kind": "POPULATION_DOUBLINGS", "value": "3.2", "unit": "PD" },
    ]);
    let passage = bench.step(passage).await;
    assert_eq!(passage["measurements"][2]["value"], "94.5");
    let expanded = output_ids(&passage).remove(0);
    let branches = bench
        .make("SPLIT", &[&expanded], &["PASSAGE", "PASSAGE", "PASSAGE"])
        .await;
    assert_eq!(branches.len(), 3);
    let bank_step = bench
        .step(bench.input("BANKING", &[&branches[2]], &["CELL_BANK"]))
        .await;
    assert_eq!(bank_step["outputs"][0]["kind"], "CELL_BANK");
    let bank = lot(&server, &tech, &output_ids(&bank_step)[0]).await;
    assert_eq!(bank["bankLevel"], "MASTER");

    // The first branch becomes a single-donor drug product.
    let substance = bench.harvest(&branches[0]).await;
    let product = bench.formulate(&[&substance]).await;

    // The second branch is pooled with the second donor's drug substance.
    let other = bench.expanded(second.donation_id).await;
    let other_substance = bench.harvest(&other).await;
    let own_substance = bench.harvest(&branches[1]).await;
    let pool_step = bench
        .step(bench.input(
            "POOL",
            &[&own_substance, &other_substance],
            &["DRUG_SUBSTANCE"],
        ))
        .await;
    let pooled = output_ids(&pool_step).remove(0);
    let pooled_lot = lot(&server, &tech, &pooled).await;
    assert_eq!(pooled_lot["flags"], json!(["MULTI_DONOR_POOL"]));
    assert_eq!(pooled_lot["donors"].as_array().map(Vec::len), Some(2));
    assert_eq!(pooled_lot["parents"].as_array().map(Vec::len), Some(2));
    let mut formulation = bench.input("FORMULATION", &[&pooled], &["DRUG_PRODUCT"]);
    formulation["materialLotIds"] = json!([medium.to_string(), dmso.to_string()]);
    let pool_product = output_ids(&bench.step(formulation).await).remove(0);

    // Lineage one level up and down, and lookups by code and by kind.
    let expanded_lot = lot(&server, &tech, &expanded).await;
    assert_eq!(expanded_lot["children"].as_array().map(Vec::len), Some(3));
    assert_eq!(expanded_lot["flags"], json!([]));
    assert_eq!(expanded_lot["donors"][0]["eligibility"], "ELIGIBLE");
    assert_eq!(expanded_lot["donors"][0]["consent"], "GIVEN");
    let product_lot = lot(&server, &tech, &product).await;
    let by_code = server
        .gql(
            Some(&auditor),
            "query($code: String!) { lotByCode(code: $code) { id } }",
            json!({ "code": product_lot["code"] }),
        )
        .await;
    assert_eq!(by_code.data()["lotByCode"]["id"], json!(product));
    let products = server
        .gql(
            Some(&auditor),
            "{ lots(kind: DRUG_PRODUCT, status: IN_PROCESS) { edges { node { id } } \
             pageInfo { hasNextPage } } }",
            json!({}),
        )
        .await;
    let listed: Vec<&Value> = products.data()["lots"]["edges"]
        .as_array()
        .map(|edges| edges.iter().map(|edge| &edge["node"]["id"]).collect())
        .unwrap_or_default();
    assert_eq!(listed, vec![&json!(product), &json!(pool_product)]);
    let first_page = server
        .gql(
            Some(&auditor),
            "{ lots(first: 2) { edges { cursor } pageInfo { hasNextPage endCursor } } }",
            json!({}),
        )
        .await;
    assert_eq!(first_page.data()["lots"]["pageInfo"]["hasNextPage"], true);
    let steps = server
        .gql(
            Some(&auditor),
            "query($lot: UUID!) { steps(lotId: $lot) { kind } }",
            json!({ "lot": primary }),
        )
        .await;
    let kinds: Vec<&Value> = steps.data()["steps"]
        .as_array()
        .map(|steps| steps.iter().map(|step| &step["kind"]).collect())
        .unwrap_or_default();
    assert_eq!(kinds.len(), 3, "explant, feeding and passage: {kinds:?}");

    // Fill units: the single-donor product carries the donation's DIN, the pool a pool DIN.
    let filled = try_fill(
        &server,
        &tech,
        &product,
        vec![unit_input("S1001VA0", "P01"), unit_input("S1001VB0", "P02")],
    )
    .await;
    let filled = &filled.data()["fillUnits"];
    assert_eq!(filled["din"], first.din.to_string());
    assert_eq!(filled["units"][0]["division"], "A0");
    assert_eq!(filled["units"][0]["status"], "QUARANTINE");
    assert_eq!(filled["units"][0]["custody"]["state"], "STORED");
    let pool_filled = try_fill(
        &server,
        &tech,
        &pool_product,
        vec![unit_input("S1002V00", "P03")],
    )
    .await;
    let pool_filled = &pool_filled.data()["fillUnits"];
    let pool_din = pool_filled["din"].as_str().unwrap_or_default();
    assert!(pool_din.starts_with(POOL_FIN), "{pool_din}");
    assert_ne!(pool_din, first.din.to_string());
    assert_eq!(
        pool_filled["dinCheckCharacter"].as_str().map(str::len),
        Some(1)
    );
    // A later fill of the same pool keeps its pool DIN.
    let refilled = try_fill(
        &server,
        &tech,
        &pool_product,
        vec![unit_input("S1002VB0", "P04")],
    )
    .await;
    assert_eq!(refilled.data()["fillUnits"]["din"], pool_din);

    // Custody: dispatched by one technician, received by another.
    let unit_id = filled["units"][0]["id"].clone();
    let dispatched = server
        .gql(
            Some(&tech),
            "mutation($id: UUID!) { dispatchUnit(unitId: $id, destination: \"Invented Hospital\", \
             receiver: \"tech.two\") { custody { state destination dispatchedBy { printedName } \
             dispatchedAt receiver { printedName } } } }",
            json!({ "id": unit_id }),
        )
        .await;
    let custody = &dispatched.data()["dispatchUnit"]["custody"];
    assert_eq!(custody["state"], "IN_TRANSIT");
    assert_eq!(custody["dispatchedBy"]["printedName"], "Test tech.one");
    let received = server
        .gql(
            Some(&tech2),
            "mutation($id: UUID!) { receiveUnit(unitId: $id, temperatureCelsius: \"-150\", \
             condition: INTACT) { custody { state destination receivedBy { printedName } \
             receivedAt arrivalTemperatureCelsius arrivalCondition } } }",
            json!({ "id": unit_id }),
        )
        .await;
    let custody = &received.data()["receiveUnit"]["custody"];
    assert_eq!(custody["state"], "RECEIVED");
    assert_eq!(custody["destination"], "Invented Hospital");
    assert_eq!(custody["receivedBy"]["printedName"], "Test tech.two");
    assert_eq!(custody["arrivalTemperatureCelsius"], "-150");

    // Processing of the product ends; QA holds it and lifts the hold.
    let done = lot_action(&server, &tech, "completeLot", &product, None).await;
    assert_eq!(done.data()["completeLot"]["status"], "QUARANTINE");
    let held = lot_action(&server, &qa, "holdLot", &product, Some("investigation")).await;
    assert_eq!(held.data()["holdLot"]["status"], "ON_HOLD");
    assert_eq!(held.data()["holdLot"]["heldFrom"], "QUARANTINE");
    let lifted = lot_action(&server, &qa, "liftLotHold", &product, Some("cleared")).await;
    assert_eq!(lifted.data()["liftLotHold"]["status"], "QUARANTINE");

    let verified = server
        .gql(
            Some(&auditor),
            "{ verifyLedger { ok fault { detail } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        verified.data()["verifyLedger"]["ok"],
        true,
        "{}",
        verified.body
    );
    server.finish().await;
}

#[tokio::test]
async fn lot_status_moves_only_as_the_state_machine_allows() {
    let server = production_server().await;
    let fixtures = Fixtures::open(&server).await;
    let donor = fixtures.donor(Eligibility::Eligible).await;
    fixtures.close().await;
    let tech = server.user_token("tech.one", &[Role::Technician]).await;
    let qa = server.user_token("qa.one", &[Role::Qa]).await;
    let bench = Bench {
        server: &server,
        token: tech.clone(),
        equipment: Vec::new(),
        materials: Vec::new(),
    };
    let lot_id = bench.expanded(donor.donation_id).await;

    // An open step keeps the lot from completing.
    let mut open = bench.input("IN_PROCESS", &[&lot_id], &[]);
    open["endedAt"] = Value::Null;
    bench.step(open).await;
    let before = ledger_size(&server).await;
    let refused = lot_action(&server, &tech, "completeLot", &lot_id, None).await;
    assert_refused(&refused, "CONFLICT", Some("OPEN_STEPS"));
    assert_eq!(ledger_size(&server).await, before);

    // QA discards the lot in process; every further move names the current state.
    let rejected = lot_action(&server, &qa, "discardLot", &lot_id, Some("contaminated")).await;
    assert_eq!(rejected.data()["discardLot"]["status"], "REJECTED");
    let before = ledger_size(&server).await;
    let refusals = [
        ("completeLot", &tech, None, "REJECTED"),
        ("holdLot", &qa, Some("again"), "REJECTED"),
        ("liftLotHold", &qa, Some("no hold"), "REJECTED"),
        ("discardLot", &qa, Some("again"), "REJECTED"),
        ("expireLot", &qa, None, "REJECTED"),
    ];
    for (mutation, token, reason, state) in refusals {
        let response = lot_action(&server, token, mutation, &lot_id, reason).await;
        assert_refused(&response, "CONFLICT", Some("WRONG_LOT_STATE"));
        let message = response.body["errors"][0]["message"].as_str().unwrap_or("");
        assert!(message.contains(state), "{mutation}: {message}");
    }
    let step = bench
        .try_step(bench.input("PASSAGE", &[&lot_id], &["PASSAGE"]))
        .await;
    assert_refused(&step, "CONFLICT", Some("WRONG_LOT_STATE"));
    assert_eq!(ledger_size(&server).await, before);

    // Destruction needs QA and a reason, and ends the machine.
    let forbidden = lot_action(&server, &tech, "destroyLot", &lot_id, Some("done")).await;
    assert_refused(&forbidden, "FORBIDDEN", None);
    let blank = lot_action(&server, &qa, "destroyLot", &lot_id, Some("   ")).await;
    assert_refused(&blank, "VALIDATION", Some("INVALID_VALUE"));
    assert_eq!(ledger_size(&server).await, before);
    let destroyed = lot_action(&server, &qa, "destroyLot", &lot_id, Some("autoclaved")).await;
    assert_eq!(destroyed.data()["destroyLot"]["status"], "DESTROYED");
    let again = lot_action(&server, &qa, "destroyLot", &lot_id, Some("twice")).await;
    assert_refused(&again, "CONFLICT", Some("WRONG_LOT_STATE"));
    server.finish().await;
}

#[tokio::test]
async fn bad_step_input_is_refused_with_its_code_and_writes_nothing() {
    let server = production_server().await;
    let fixtures = Fixtures::open(&server).await;
    let donor = fixtures.donor(Eligibility::Eligible).await;
    let released = fixtures.released_material("alpha-MEM medium").await;
    // Two days back, so that the steps below, which start hours before now, fall after it
    // even when the test runs just after midnight UTC.
    let lapsed = (Utc::now() - Duration::days(2)).date_naive();
    let next_year = (Utc::now() + Duration::days(365)).date_naive();
    let expired = fixtures
        .material_lot("trypsin", MaterialQcStatus::Released, lapsed)
        .await;
    let quarantined = fixtures
        .material_lot("platelet lysate", MaterialQcStatus::Quarantine, next_year)
        .await;
    let calibrated = fixtures.calibrated_equipment("BSC-OK").await;
    let overdue = fixtures.equipment("BSC-OVERDUE", lapsed).await;
    fixtures.close().await;
    let tech = server.user_token("tech.one", &[Role::Technician]).await;
    let analyst = server.user_token("analyst.one", &[Role::Analyst]).await;
    let bench = Bench {
        server: &server,
        token: tech.clone(),
        equipment: vec![calibrated.to_string()],
        materials: vec![released.to_string()],
    };
    let tissue = bench.tissue(donor.donation_id).await;
    let unknown = uuid::Uuid::now_v7().to_string();

    let explant = || bench.input("EXPLANT_CULTURE", &[&tissue], &["PRIMARY_CULTURE"]);
    let with = |mut input: Value, field: &str, value: Value| {
        input[field] = value;
        input
    };
    let now = Utc::now();
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        (
            "unknown input lot",
            bench.input("EXPLANT_CULTURE", &[&unknown], &["PRIMARY_CULTURE"]),
            "NOT_FOUND",
            "NOT_FOUND",
        ),
        (
            "unknown donation",
            with(
                bench.input("TISSUE_PROCESSING", &[], &["CORD_TISSUE"]),
                "donationId",
                json!(unknown),
            ),
            "NOT_FOUND",
            "NOT_FOUND",
        ),
        (
            "unknown equipment",
            with(explant(), "equipmentIds", json!([unknown])),
            "NOT_FOUND",
            "NOT_FOUND",
        ),
        (
            "unknown material lot",
            with(explant(), "materialLotIds", json!([unknown])),
            "NOT_FOUND",
            "NOT_FOUND",
        ),
        (
            "end before start",
            with(
                explant(),
                "endedAt",
                json!((now - Duration::hours(3)).to_rfc3339()),
            ),
            "VALIDATION",
            "END_BEFORE_START",
        ),
        (
            "start in the future",
            with(
                with(
                    explant(),
                    "startedAt",
                    json!((now + Duration::hours(2)).to_rfc3339()),
                ),
                "endedAt",
                Value::Null,
            ),
            "VALIDATION",
            "IN_FUTURE",
        ),
        (
            "wrong unit",
            with(
                explant(),
                "measurements",
                json!([{ "kind": "VIABILITY", "value": "92", "unit": "percent" }]),
            ),
            "VALIDATION",
            "STEP_SHAPE",
        ),
        (
            "viability out of range",
            with(
                explant(),
                "measurements",
                json!([{ "kind": "VIABILITY", "value": "120", "unit": "%" }]),
            ),
            "VALIDATION",
            "INVALID_VALUE",
        ),
        (
            "negative cell count",
            with(
                explant(),
                "measurements",
                json!([{ "kind": "VIABLE_CELL_COUNT", "value": "-5", "unit": "cells" }]),
            ),
            "VALIDATION",
            "INVALID_VALUE",
        ),
        (
            "split into one",
            bench.input("SPLIT", &[&tissue], &["CORD_TISSUE"]),
            "VALIDATION",
            "STEP_SHAPE",
        ),
        (
            "pool of one",
            bench.input("POOL", &[&tissue], &["CORD_TISSUE"]),
            "VALIDATION",
            "STEP_SHAPE",
        ),
        (
            "explant making a drug product",
            bench.input("EXPLANT_CULTURE", &[&tissue], &["DRUG_PRODUCT"]),
            "VALIDATION",
            "LOT_KIND_NOT_ALLOWED",
        ),
        (
            "cell bank without a level",
            with(
                bench.input("BANKING", &[&tissue], &[]),
                "outputs",
                json!([{ "kind": "CELL_BANK" }]),
            ),
            "VALIDATION",
            "STEP_SHAPE",
        ),
        (
            "the same lot twice",
            bench.input("POOL", &[&tissue, &tissue], &["CORD_TISSUE"]),
            "VALIDATION",
            "BAD_LIST",
        ),
        (
            "expired material lot",
            with(explant(), "materialLotIds", json!([expired.to_string()])),
            "CONFLICT",
            "MATERIAL_EXPIRED",
        ),
        (
            "unreleased material lot",
            with(
                explant(),
                "materialLotIds",
                json!([quarantined.to_string()]),
            ),
            "CONFLICT",
            "MATERIAL_NOT_RELEASED",
        ),
        (
            "equipment past calibration",
            with(explant(), "equipmentIds", json!([overdue.to_string()])),
            "CONFLICT",
            "CALIBRATION_OVERDUE",
        ),
        (
            "blank SOP",
            with(explant(), "sopId", json!(" ")),
            "VALIDATION",
            "INVALID_VALUE",
        ),
        (
            "tissue processing making a passage",
            with(
                bench.input("TISSUE_PROCESSING", &[], &["PASSAGE"]),
                "donationId",
                json!(donor.donation_id.to_string()),
            ),
            "VALIDATION",
            "STEP_SHAPE",
        ),
    ];
    let before = ledger_size(&server).await;
    for (case, input, code, reason) in cases {
        let response = bench.try_step(input).await;
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

    // Completing a step: unknown, before its start, twice.
    let done = bench.step(explant()).await;
    let complete = |id: Value, end: String| {
        server.gql(
            Some(&tech),
            "mutation($id: UUID!, $end: DateTime!) { completeStep(stepId: $id, endedAt: $end) { id } }",
            json!({ "id": id, "end": end }),
        )
    };
    let before = ledger_size(&server).await;
    let response = complete(json!(unknown), now.to_rfc3339()).await;
    assert_refused(&response, "NOT_FOUND", Some("NOT_FOUND"));
    let response = complete(done["id"].clone(), now.to_rfc3339()).await;
    assert_refused(&response, "CONFLICT", Some("STEP_COMPLETE"));
    assert_eq!(ledger_size(&server).await, before);

    // Only technicians record steps.
    let response = server
        .gql(
            Some(&analyst),
            "mutation($input: RecordStepInput!) { recordStep(input: $input) { id } }",
            json!({ "input": explant() }),
        )
        .await;
    assert_refused(&response, "FORBIDDEN", None);
    assert_eq!(ledger_size(&server).await, before);
    server.finish().await;
}

#[tokio::test]
async fn pools_need_every_donor_eligible_and_lots_carry_donor_flags() {
    let server = production_server().await;
    let fixtures = Fixtures::open(&server).await;
    let eligible = fixtures.donor(Eligibility::Eligible).await;
    let eligible_too = fixtures.donor(Eligibility::Eligible).await;
    let pending = fixtures.donor(Eligibility::Pending).await;
    let doomed = fixtures.donor(Eligibility::Pending).await;
    let withdrawing = fixtures.donor(Eligibility::Eligible).await;
    let tech = server.user_token("tech.one", &[Role::Technician]).await;
    let bench = Bench {
        server: &server,
        token: tech.clone(),
        equipment: Vec::new(),
        materials: Vec::new(),
    };
    let from_eligible = bench.expanded(eligible.donation_id).await;
    let from_eligible_too = bench.expanded(eligible_too.donation_id).await;
    let from_pending = bench.expanded(pending.donation_id).await;
    let from_doomed = bench.expanded(doomed.donation_id).await;
    let from_withdrawing = bench.expanded(withdrawing.donation_id).await;

    // A pending donor's material is processed in quarantine, flagged, and cannot be pooled.
    let pending_lot = lot(&server, &tech, &from_pending).await;
    assert_eq!(pending_lot["flags"], json!(["DONOR_ELIGIBILITY_PENDING"]));
    assert_eq!(pending_lot["donors"][0]["eligibility"], "PENDING");
    let before = ledger_size(&server).await;
    let response = bench
        .try_step(bench.input("POOL", &[&from_eligible, &from_pending], &["PASSAGE"]))
        .await;
    assert_refused(&response, "CONFLICT", Some("POOL_DONOR_NOT_ELIGIBLE"));
    assert_eq!(ledger_size(&server).await, before);

    // An ineligible donor's lots are flagged and their material may not be used at all.
    fixtures
        .determine(doomed.donor_id, EligibilityStatus::Ineligible)
        .await;
    let doomed_lot = lot(&server, &tech, &from_doomed).await;
    assert_eq!(doomed_lot["flags"], json!(["DONOR_INELIGIBLE"]));
    let before = ledger_size(&server).await;
    let response = bench
        .try_step(bench.input("POOL", &[&from_eligible, &from_doomed], &["PASSAGE"]))
        .await;
    assert_refused(&response, "CONFLICT", Some("DONOR_INELIGIBLE"));
    let response = bench
        .try_step(bench.input("PASSAGE", &[&from_doomed], &["PASSAGE"]))
        .await;
    assert_refused(&response, "CONFLICT", Some("DONOR_INELIGIBLE"));
    assert_eq!(ledger_size(&server).await, before);

    // A withdrawal shows wherever the material is and blocks any further use.
    fixtures.withdraw_consent(withdrawing.donor_id).await;
    fixtures.close().await;
    let withdrawn_lot = lot(&server, &tech, &from_withdrawing).await;
    assert_eq!(withdrawn_lot["flags"], json!(["CONSENT_WITHDRAWN"]));
    assert_eq!(withdrawn_lot["donors"][0]["consent"], "WITHDRAWN");
    let before = ledger_size(&server).await;
    let response = bench
        .try_step(bench.input("HARVEST", &[&from_withdrawing], &["DRUG_SUBSTANCE"]))
        .await;
    assert_refused(&response, "CONFLICT", Some("CONSENT_WITHDRAWN"));
    assert_eq!(ledger_size(&server).await, before);

    // Two eligible donors pool, and the pool is flagged.
    let pooled = bench
        .make("POOL", &[&from_eligible, &from_eligible_too], &["PASSAGE"])
        .await
        .remove(0);
    let pooled_lot = lot(&server, &tech, &pooled).await;
    assert_eq!(pooled_lot["flags"], json!(["MULTI_DONOR_POOL"]));
    server.finish().await;
}

#[tokio::test]
async fn deviations_close_only_when_assessed_and_signed() {
    let server = production_server().await;
    let fixtures = Fixtures::open(&server).await;
    let donor = fixtures.donor(Eligibility::Eligible).await;
    let other_donor = fixtures.donor(Eligibility::Eligible).await;
    fixtures.close().await;
    let tech = server.user_token("tech.one", &[Role::Technician]).await;
    let qa = server.user_token("qa.one", &[Role::Qa]).await;
    let bench = Bench {
        server: &server,
        token: tech.clone(),
        equipment: Vec::new(),
        materials: Vec::new(),
    };
    let tissue = bench.tissue(donor.donation_id).await;
    let explant = bench
        .step(bench.input("EXPLANT_CULTURE", &[&tissue], &["PRIMARY_CULTURE"]))
        .await;
    let primary = output_ids(&explant).remove(0);
    let other = bench.tissue(other_donor.donation_id).await;

    const DEVIATION: &str = "id open severity impactAssessment conclusion lot { id } stepId \
        openedBy { printedName } closedBy { printedName } closedAt";
    let open_query = format!(
        "mutation($input: OpenDeviationInput!) {{ openDeviation(input: $input) {{ {DEVIATION} }} }}"
    );
    let open = |lot: &str, step: Option<&Value>| {
        server.gql(
            Some(&tech),
            &open_query,
            json!({ "input": {
                "lotId": lot,
                "stepId": step,
                "severity": "MAJOR",
                "description": "incubator door left open for 20 minutes",
            } }),
        )
    };
    let before = ledger_size(&server).await;
    let response = open(&other, Some(&explant["id"])).await;
    assert_refused(&response, "VALIDATION", Some("BAD_LIST"));
    assert_eq!(ledger_size(&server).await, before);
    let opened = open(&primary, Some(&explant["id"])).await;
    let deviation = opened.data()["openDeviation"].clone();
    assert_eq!(deviation["open"], true);
    assert_eq!(deviation["openedBy"]["printedName"], "Test tech.one");
    let id = deviation["id"].clone();

    let close_query = format!(
        "mutation($id: UUID!, $sig: SignatureInput!) {{ closeDeviation(deviationId: $id, \
         conclusion: \"no impact on the product\", signature: $sig) {{ {DEVIATION} }} }}"
    );
    let close = |password: &str, meaning: &str| {
        server.gql(
            Some(&qa),
            &close_query,
            json!({ "id": id, "sig": { "password": password, "meaning": meaning } }),
        )
    };
    // Without an assessment the closure is refused, and nothing is written.
    let before = ledger_size(&server).await;
    let response = close(PASSWORD, "APPROVAL").await;
    assert_refused(&response, "CONFLICT", Some("NO_IMPACT_ASSESSMENT"));
    assert_eq!(ledger_size(&server).await, before);

    let assessed = server
        .gql(
            Some(&tech),
            "mutation($id: UUID!) { assessDeviation(deviationId: $id, \
             impactAssessment: \"temperature stayed within 36-38 °C\") { impactAssessment } }",
            json!({ "id": id }),
        )
        .await;
    assert!(assessed.data()["assessDeviation"]["impactAssessment"].is_string());

    // A technician may not close it; a wrong meaning is refused before the password is checked.
    let before = ledger_size(&server).await;
    let response = server
        .gql(
            Some(&tech),
            "mutation($id: UUID!, $sig: SignatureInput!) { closeDeviation(deviationId: $id, \
             conclusion: \"fine\", signature: $sig) { id } }",
            json!({ "id": id, "sig": { "password": PASSWORD, "meaning": "APPROVAL" } }),
        )
        .await;
    assert_refused(&response, "FORBIDDEN", None);
    let response = close(PASSWORD, "AUTHORSHIP").await;
    assert_refused(&response, "VALIDATION", Some("WRONG_SIGNATURE_MEANING"));
    assert_eq!(ledger_size(&server).await, before);

    // A wrong password: the failed signature is recorded (it counts toward the lockout), the
    // deviation is untouched.
    let response = close("not the password at all", "APPROVAL").await;
    assert_refused(&response, "FORBIDDEN", Some("SIGNATURE_REJECTED"));
    assert_eq!(ledger_size(&server).await, before + 1);
    let still_open = server
        .gql(
            Some(&qa),
            "query($id: UUID!) { deviation(id: $id) { open } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(still_open.data()["deviation"]["open"], true);

    let closed = close(PASSWORD, "APPROVAL").await;
    let closed = &closed.data()["closeDeviation"];
    assert_eq!(closed["open"], false);
    assert_eq!(closed["closedBy"]["printedName"], "Test qa.one");
    assert_eq!(closed["conclusion"], "no impact on the product");
    let before = ledger_size(&server).await;
    let response = close(PASSWORD, "APPROVAL").await;
    assert_refused(&response, "CONFLICT", Some("DEVIATION_CLOSED"));
    assert_eq!(ledger_size(&server).await, before);

    let listed = server
        .gql(
            Some(&qa),
            "query($lot: UUID!) { deviations(lotId: $lot) { id open } }",
            json!({ "lot": primary }),
        )
        .await;
    assert_eq!(
        listed.data()["deviations"],
        json!([{ "id": id, "open": false }])
    );
    let unknown = server
        .gql(
            Some(&qa),
            "query($lot: UUID!) { deviations(lotId: $lot) { id } }",
            json!({ "lot": uuid::Uuid::now_v7() }),
        )
        .await;
    assert_refused(&unknown, "NOT_FOUND", None);
    server.finish().await;
}
