//! Administration over GraphQL and HTTP, on SQLite or PostgreSQL: only after an accepted bedside
//! check of the same unit and patient within the window, signed with meaning RESPONSIBILITY, a
//! unit given at most once (two clinicians confirming it at once: exactly one succeeds), and bad
//! input to patients, weights, orders, allocation and thaw refused with a code, writing nothing.

use chrono::{Duration, Utc};
use cordtrace_tests::clinical_fixtures::{
    Clinic, LabelledUnit, PatientFixture, ThawAt, UnitSpec, administration_input, personal_data,
    signed, unit_scans, wristband_scan, wrong_password,
};
use cordtrace_tests::release_fixtures::assert_ledger_verifies;
use serde_json::{Value, json};

fn codes(values: &[&str]) -> Vec<String> {
    values.iter().map(|code| (*code).to_owned()).collect()
}

/// Administration of `input` as `token` signed with `signature` must be refused with `code` and
/// exactly the reason `reason`, writing nothing.
async fn assert_not_given(
    clinic: &Clinic,
    case: &str,
    token: &str,
    input: Value,
    signature: Value,
    code: &str,
    reason: Option<&str>,
) {
    let before = clinic.server.ledger_entry_count().await;
    let response = clinic.try_administer(token, input, signature).await;
    assert_eq!(response.error_code(), code, "{case}: {}", response.body);
    if let Some(reason) = reason {
        assert_eq!(response.reason_codes(), codes(&[reason]), "{case}");
    }
    assert!(
        response.body["data"]["administerUnit"].is_null(),
        "{case}: {}",
        response.body
    );
    assert_eq!(
        clinic.server.ledger_entry_count().await,
        before,
        "{case}: nothing is written"
    );
}

fn with(mut input: Value, field: &str, value: Value) -> Value {
    input[field] = value;
    input
}

async fn patient_administrations(clinic: &Clinic, patient: &PatientFixture) -> Vec<Value> {
    let response = clinic
        .server
        .gql(
            Some(&clinic.auditor),
            "query($id: UUID!) { patient(id: $id) { administrations { id unitId } } }",
            json!({ "id": patient.id }),
        )
        .await;
    response.data()["patient"]["administrations"]
        .as_array()
        .expect("administrations")
        .clone()
}

#[tokio::test]
async fn an_infusion_needs_a_recent_accepted_check_and_a_responsibility_signature() {
    let clinic = Clinic::start().await;
    let lot = clinic
        .released_lot(&[
            UnitSpec::standard('A'),
            UnitSpec::standard('B'),
            UnitSpec::standard('C'),
        ])
        .await;
    let (first, second, others) = (&lot.units[0], &lot.units[1], &lot.units[2]);
    let patient = clinic.patient("WB4001", Some("75")).await;
    let other_patient = clinic.patient("WB4002", Some("75")).await;
    let order_id = clinic.order(&patient.id, None, &[0, 7]).await;
    clinic
        .ready_for_order(&order_id, first, ThawAt::MinutesAgo(20))
        .await;
    clinic
        .ready_for_order(&order_id, second, ThawAt::MinutesAgo(20))
        .await;
    clinic
        .ready_unit(&other_patient, others, ThawAt::MinutesAgo(20))
        .await;
    let clin = clinic.clinician.clone();
    let responsibility = signed("RESPONSIBILITY");
    let input = || administration_input(first, &patient);

    // No check yet; then only a refused one.
    assert_not_given(
        &clinic,
        "no check",
        &clin,
        input(),
        responsibility.clone(),
        "CONFLICT",
        Some("NO_ACCEPTED_CHECK"),
    )
    .await;
    let refused = clinic.check(&clin, &unit_scans(first), "WB9999").await;
    assert_eq!(refused["ok"], false);
    assert_not_given(
        &clinic,
        "a refused check",
        &clin,
        input(),
        responsibility.clone(),
        "CONFLICT",
        Some("NO_ACCEPTED_CHECK"),
    )
    .await;
    // The other patient's unit, checked for them, is not this patient's to receive.
    clinic.accepted_check(&clin, others, &other_patient).await;
    assert_not_given(
        &clinic,
        "another patient's checked unit",
        &clin,
        administration_input(others, &patient),
        responsibility.clone(),
        "CONFLICT",
        Some("CHECK_FOR_ANOTHER_PATIENT"),
    )
    .await;

    // An accepted check, and administrations that break a rule.
    let check = clinic.accepted_check(&clin, first, &patient).await;
    let now = Utc::now();
    let mut reactions: Vec<String> = Vec::new();
    reactions.resize(21, "chills".to_owned());
    let unknown = uuid::Uuid::new_v4().to_string();
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        (
            "the check is for this patient, not another",
            administration_input(first, &other_patient),
            "CONFLICT",
            "CHECK_FOR_ANOTHER_PATIENT",
        ),
        (
            "started ten minutes before the check",
            with(
                input(),
                "startedAt",
                json!((now - Duration::minutes(10)).to_rfc3339()),
            ),
            "CONFLICT",
            "CHECK_EXPIRED",
        ),
        (
            "started in an hour",
            with(
                with(
                    input(),
                    "startedAt",
                    json!((now + Duration::hours(1)).to_rfc3339()),
                ),
                "endedAt",
                json!((now + Duration::hours(2)).to_rfc3339()),
            ),
            "VALIDATION",
            "IN_FUTURE",
        ),
        (
            "ended before it started",
            with(
                input(),
                "endedAt",
                json!((now - Duration::minutes(5)).to_rfc3339()),
            ),
            "VALIDATION",
            "END_BEFORE_START",
        ),
        (
            "more cells than the unit holds",
            with(input(), "cells", json!(first.cells + 1)),
            "VALIDATION",
            "EXCEEDS_UNIT",
        ),
        (
            "more volume than the unit holds",
            with(input(), "volumeMl", json!("50.5")),
            "VALIDATION",
            "EXCEEDS_UNIT",
        ),
        (
            "a volume that is not a number",
            with(input(), "volumeMl", json!("fifty")),
            "VALIDATION",
            "INVALID_VALUE",
        ),
        (
            "no cells",
            with(input(), "cells", json!(0)),
            "VALIDATION",
            "INVALID_VALUE",
        ),
        (
            "a blank reaction",
            with(input(), "reactions", json!(["  "])),
            "VALIDATION",
            "INVALID_VALUE",
        ),
        (
            "21 reactions",
            with(input(), "reactions", json!(reactions)),
            "VALIDATION",
            "BAD_LIST",
        ),
        (
            "an unknown unit",
            with(input(), "unitId", json!(unknown)),
            "NOT_FOUND",
            "NOT_FOUND",
        ),
        (
            "an unknown patient",
            with(input(), "patientId", json!(unknown)),
            "NOT_FOUND",
            "NOT_FOUND",
        ),
    ];
    for (case, input, code, reason) in cases {
        assert_not_given(
            &clinic,
            case,
            &clin,
            input,
            responsibility.clone(),
            code,
            Some(reason),
        )
        .await;
    }

    // What the check established is checked again: a hold after the check stops the infusion.
    clinic.hold(&lot.lot_id, true).await;
    assert_not_given(
        &clinic,
        "the lot held after the check",
        &clin,
        input(),
        responsibility.clone(),
        "CONFLICT",
        Some("LOT_NOT_RELEASED"),
    )
    .await;
    clinic.hold(&lot.lot_id, false).await;

    // The signature: the meaning RESPONSIBILITY, by a clinician.
    for meaning in ["APPROVAL", "AUTHORSHIP", "REVIEW", "VERIFICATION"] {
        assert_not_given(
            &clinic,
            meaning,
            &clin,
            input(),
            signed(meaning),
            "VALIDATION",
            Some("WRONG_SIGNATURE_MEANING"),
        )
        .await;
    }
    for token in [&clinic.tech, &clinic.qa, &clinic.auditor] {
        assert_not_given(
            &clinic,
            "not a clinician",
            token,
            input(),
            responsibility.clone(),
            "FORBIDDEN",
            None,
        )
        .await;
    }
    // A wrong password: only the authentication failure is written.
    let before = clinic.server.ledger_entry_count().await;
    let rejected = clinic
        .try_administer(&clin, input(), wrong_password("RESPONSIBILITY"))
        .await;
    assert_eq!(rejected.error_code(), "FORBIDDEN", "{}", rejected.body);
    assert_eq!(rejected.reason_codes(), codes(&["SIGNATURE_REJECTED"]));
    assert_eq!(clinic.server.ledger_entry_count().await, before + 1);
    assert_eq!(clinic.last_action().await, "user.authentication_failed");
    assert_eq!(clinic.unit_status(&first.id).await, "RELEASED");
    assert!(patient_administrations(&clinic, &patient).await.is_empty());

    // The infusion, signed.
    let before = clinic.server.ledger_entry_count().await;
    let started = Utc::now();
    let given = clinic
        .try_administer(
            &clin,
            json!({
                "unitId": first.id,
                "patientId": patient.id,
                "startedAt": started.to_rfc3339(),
                "endedAt": started.to_rfc3339(),
                "volumeMl": "48.5",
                "cells": 72_750_000u64,
                "reactions": ["transient fever"],
            }),
            responsibility.clone(),
        )
        .await;
    let administration = given.data()["administerUnit"].clone();
    assert_eq!(clinic.server.ledger_entry_count().await, before + 1);
    assert_eq!(administration["unitId"], first.id.as_str());
    assert_eq!(administration["lotId"], lot.lot_id.as_str());
    assert_eq!(administration["patientId"], patient.id.as_str());
    assert_eq!(administration["patientKey"], patient.key.as_str());
    assert_eq!(administration["orderId"], order_id.as_str());
    assert_eq!(administration["checkId"], check["checkId"]);
    assert_eq!(administration["volumeMl"], "48.5");
    assert_eq!(administration["cells"], 72_750_000);
    assert_eq!(administration["weightKg"], "75");
    assert_eq!(administration["cellsPerKg"], 970_000);
    assert_eq!(administration["reactions"], json!(["transient fever"]));
    assert_eq!(
        administration["unit"]["dinWithCheckCharacter"],
        first.eye_readable().as_str()
    );
    assert_eq!(administration["unit"]["lotCode"], lot.lot_code.as_str());
    let entry = clinic.last_entry().await;
    assert_eq!(entry["action"], "unit.administered");
    assert_eq!(entry["signature"]["meaning"], "RESPONSIBILITY");
    assert_eq!(entry["signature"]["printed_name"], "Test clin.one");
    assert_eq!(
        entry["signature"]["signer_id"],
        administration["administeredBy"]
    );
    assert_eq!(entry["payload"]["check_id"], check["checkId"]);
    assert!(!entry.to_string().contains(&patient.wristband));
    assert_eq!(clinic.unit_status(&first.id).await, "ADMINISTERED");
    let order = clinic.read_order(&clinic.auditor, &order_id).await;
    assert_eq!(order["status"], "ACTIVE", "one of two infusions given");
    assert_eq!(order["administrationIds"], json!([administration["id"]]));
    let read = clinic
        .server
        .gql(
            Some(&clinic.qa),
            "query($id: UUID!) { administration(id: $id) { id unitId cellsPerKg } }",
            json!({ "id": administration["id"] }),
        )
        .await;
    assert_eq!(read.data()["administration"]["cellsPerKg"], 970_000);

    // Given once: a second confirmation, and a new check, are refused.
    assert_not_given(
        &clinic,
        "given already",
        &clin,
        input(),
        responsibility.clone(),
        "CONFLICT",
        Some("ALREADY_ADMINISTERED"),
    )
    .await;
    let again = clinic
        .check(&clin, &unit_scans(first), &patient.wristband)
        .await;
    assert_eq!(again["codes"], json!(["ALREADY_ADMINISTERED"]));
    assert_not_given(
        &clinic,
        "given already, checked again",
        &clinic.clinician2,
        input(),
        responsibility.clone(),
        "CONFLICT",
        Some("ALREADY_ADMINISTERED"),
    )
    .await;

    // The second unit completes the order.
    clinic.accepted_check(&clin, second, &patient).await;
    clinic.administer(&clin, second, &patient).await;
    let order = clinic.read_order(&clinic.auditor, &order_id).await;
    assert_eq!(order["status"], "COMPLETED");
    assert_eq!(order["administrationIds"].as_array().map(Vec::len), Some(2));
    assert_eq!(patient_administrations(&clinic, &patient).await.len(), 2);
    assert_ledger_verifies(&clinic.server, &clinic.auditor).await;
    clinic.finish().await;
}

#[tokio::test]
async fn two_clinicians_confirming_one_unit_at_once_exactly_one_succeeds() {
    let clinic = Clinic::start().await;
    let lot = clinic
        .released_lot(&[UnitSpec::standard('A'), UnitSpec::standard('B')])
        .await;
    let patient = clinic.patient("WB4101", Some("75")).await;
    let order_id = clinic.order(&patient.id, None, &[0, 7]).await;
    for unit in &lot.units {
        clinic
            .ready_for_order(&order_id, unit, ThawAt::MinutesAgo(15))
            .await;
    }
    for unit in &lot.units {
        // Both clinicians check the unit at the bedside and both confirm it at once.
        clinic
            .accepted_check(&clinic.clinician, unit, &patient)
            .await;
        clinic
            .accepted_check(&clinic.clinician2, unit, &patient)
            .await;
        let before = clinic.server.ledger_entry_count().await;
        let confirm = |token: String, unit: LabelledUnit| {
            let clinic = &clinic;
            let patient = &patient;
            async move {
                clinic
                    .try_administer(
                        &token,
                        administration_input(&unit, patient),
                        signed("RESPONSIBILITY"),
                    )
                    .await
            }
        };
        let (one, two) = tokio::join!(
            confirm(clinic.clinician.clone(), unit.clone()),
            confirm(clinic.clinician2.clone(), unit.clone()),
        );
        let succeeded: Vec<_> = [&one, &two]
            .into_iter()
            .filter(|response| response.body.get("errors").is_none())
            .collect();
        assert_eq!(
            succeeded.len(),
            1,
            "exactly one succeeds: {} / {}",
            one.body,
            two.body
        );
        let loser = if succeeded[0].body == one.body {
            &two
        } else {
            &one
        };
        assert_eq!(loser.error_code(), "CONFLICT", "{}", loser.body);
        assert_eq!(loser.reason_codes(), codes(&["ALREADY_ADMINISTERED"]));
        assert_eq!(
            succeeded[0].data()["administerUnit"]["unitId"],
            unit.id.as_str()
        );
        assert_eq!(clinic.server.ledger_entry_count().await, before + 1);
        assert_eq!(clinic.unit_status(&unit.id).await, "ADMINISTERED");
        let given: Vec<Value> = patient_administrations(&clinic, &patient)
            .await
            .into_iter()
            .filter(|a| a["unitId"] == unit.id.as_str())
            .collect();
        assert_eq!(given.len(), 1, "one administration of {}", unit.id);
    }
    let order = clinic.read_order(&clinic.auditor, &order_id).await;
    assert_eq!(order["status"], "COMPLETED");
    assert_eq!(order["administrationIds"].as_array().map(Vec::len), Some(2));
    assert_ledger_verifies(&clinic.server, &clinic.auditor).await;
    clinic.finish().await;
}

const REGISTER: &str =
    "mutation($p: PatientPersonalDataInput!) { registerPatient(personalData: $p) { id } }";
const WEIGH: &str = "mutation($id: UUID!, $kg: String!, $on: NaiveDate!) { \
    recordWeight(patientId: $id, kilograms: $kg, measuredOn: $on) { id } }";
const ORDER: &str = "mutation($o: OrderInput!, $s: SignatureInput!) { \
    placeOrder(order: $o, signature: $s) { id } }";
const ALLOCATE: &str =
    "mutation($o: UUID!, $u: UUID!) { allocateUnit(orderId: $o, unitId: $u) { id } }";
const THAW: &str =
    "mutation($u: UUID!, $t: DateTime!) { thawUnit(unitId: $u, thawedAt: $t) { id } }";
const CANCEL: &str =
    "mutation($o: UUID!, $r: String!) { cancelOrder(orderId: $o, reason: $r) { id } }";

/// One request that must be refused with `code` and `reason`, writing nothing.
struct Refusal<'a> {
    case: &'a str,
    token: &'a str,
    query: &'static str,
    variables: Value,
    code: &'static str,
    reason: Option<&'static str>,
}

async fn assert_refusals(clinic: &Clinic, refusals: Vec<Refusal<'_>>) {
    for refusal in refusals {
        let case = refusal.case;
        let before = clinic.server.ledger_entry_count().await;
        let response = clinic
            .server
            .gql(Some(refusal.token), refusal.query, refusal.variables)
            .await;
        assert_eq!(
            response.error_code(),
            refusal.code,
            "{case}: {}",
            response.body
        );
        if let Some(reason) = refusal.reason {
            assert_eq!(response.reason_codes(), codes(&[reason]), "{case}");
        }
        assert_eq!(
            clinic.server.ledger_entry_count().await,
            before,
            "{case}: nothing is written"
        );
    }
}

fn order_input(patient_id: &str) -> Value {
    json!({ "patientId": patient_id, "startsOn": Utc::now().date_naive() })
}

fn order_with(patient_id: &str, field: &str, value: Value) -> Value {
    let mut order = order_input(patient_id);
    order[field] = value;
    json!({ "o": order, "s": signed("AUTHORSHIP") })
}

fn person(field: &str, value: Value) -> Value {
    let mut data = personal_data("WB5009");
    data[field] = value;
    json!({ "p": data })
}

#[tokio::test]
async fn bad_patient_weight_order_allocation_and_thaw_input_is_refused_and_writes_nothing() {
    let clinic = Clinic::start().await;
    let lot = clinic
        .quarantined_lot(&[
            UnitSpec::standard('A'),
            UnitSpec::expired('B'),
            UnitSpec::standard('C'),
            UnitSpec::standard('D'),
        ])
        .await;
    let (unit, expired, spare, unallocated) =
        (&lot.units[0], &lot.units[1], &lot.units[2], &lot.units[3]);
    let patient = clinic.patient("WB5001", Some("75")).await;
    let order_id = clinic.order(&patient.id, None, &[]).await;
    let clin = clinic.clinician.clone();
    let tech = clinic.tech.clone();
    let unknown = uuid::Uuid::new_v4().to_string();
    let today = Utc::now().date_naive();
    let allocate = |order: &str, unit: &str| json!({ "o": order, "u": unit });

    // A unit in quarantine is not allocated.
    assert_refusals(
        &clinic,
        vec![Refusal {
            case: "a unit in quarantine",
            token: &tech,
            query: ALLOCATE,
            variables: allocate(&order_id, &unit.id),
            code: "CONFLICT",
            reason: Some("NOT_RELEASED"),
        }],
    )
    .await;
    clinic.release(&lot).await;
    clinic.allocate(&order_id, &unit.id).await;
    clinic.thaw(&unit.id, 5).await;
    // A cancelled order gives its units back.
    let cancelled = clinic.order(&patient.id, None, &[]).await;
    clinic.allocate(&cancelled, &spare.id).await;
    let cancel = clinic
        .server
        .gql(
            Some(&clin),
            "mutation($o: UUID!, $r: String!) { cancelOrder(orderId: $o, reason: $r) { \
             id status cancelReason allocations { unitId } } }",
            json!({ "o": cancelled, "r": "patient transferred" }),
        )
        .await;
    let cancel = &cancel.data()["cancelOrder"];
    assert_eq!(cancel["status"], "CANCELLED");
    assert_eq!(cancel["cancelReason"], "patient transferred");
    assert_eq!(cancel["allocations"], json!([]));
    let second_order = clinic.order(&patient.id, None, &[]).await;

    let long_name = "N".repeat(201);
    let long_record = "R".repeat(65);
    let refusals = vec![
        // Patients.
        Refusal {
            case: "a blank name",
            token: &clin,
            query: REGISTER,
            variables: person("fullName", json!("   ")),
            code: "VALIDATION",
            reason: Some("INVALID_VALUE"),
        },
        Refusal {
            case: "a name of 201 characters",
            token: &clin,
            query: REGISTER,
            variables: person("fullName", json!(long_name)),
            code: "VALIDATION",
            reason: Some("INVALID_VALUE"),
        },
        Refusal {
            case: "a blank record number",
            token: &clin,
            query: REGISTER,
            variables: person("hospitalRecordNumber", json!("")),
            code: "VALIDATION",
            reason: Some("INVALID_VALUE"),
        },
        Refusal {
            case: "a record number of 65 characters",
            token: &clin,
            query: REGISTER,
            variables: person("hospitalRecordNumber", json!(long_record)),
            code: "VALIDATION",
            reason: Some("INVALID_VALUE"),
        },
        Refusal {
            case: "born tomorrow week",
            token: &clin,
            query: REGISTER,
            variables: person("dateOfBirth", json!(today + chrono::Days::new(8))),
            code: "VALIDATION",
            reason: Some("IN_FUTURE"),
        },
        Refusal {
            case: "a blank wristband",
            token: &clin,
            query: REGISTER,
            variables: person("wristbandId", json!(" ")),
            code: "VALIDATION",
            reason: Some("WRISTBAND_EMPTY"),
        },
        Refusal {
            case: "a wristband with a space",
            token: &clin,
            query: REGISTER,
            variables: person("wristbandId", json!("WB 5009")),
            code: "VALIDATION",
            reason: Some("WRISTBAND_BAD_PLAIN_ID"),
        },
        Refusal {
            case: "a wristband that is a DIN",
            token: &clin,
            query: REGISTER,
            variables: person("wristbandId", json!(format!("={}00", unit.din))),
            code: "VALIDATION",
            reason: Some("WRISTBAND_NOT_PATIENT_IDENTIFICATION"),
        },
        Refusal {
            case: "a wristband in use",
            token: &clin,
            query: REGISTER,
            variables: json!({ "p": personal_data("WB5001") }),
            code: "CONFLICT",
            reason: Some("WRISTBAND_IN_USE"),
        },
        Refusal {
            case: "a wristband in use, scanned as &#",
            token: &clin,
            query: REGISTER,
            variables: json!({ "p": personal_data(&wristband_scan("WB5001")) }),
            code: "CONFLICT",
            reason: Some("WRISTBAND_IN_USE"),
        },
        Refusal {
            case: "registered by QA",
            token: &clinic.qa,
            query: REGISTER,
            variables: json!({ "p": personal_data("WB5010") }),
            code: "FORBIDDEN",
            reason: None,
        },
        // Weights.
        Refusal {
            case: "half a kilogram",
            token: &clin,
            query: WEIGH,
            variables: json!({ "id": patient.id, "kg": "0.5", "on": today }),
            code: "VALIDATION",
            reason: Some("INVALID_VALUE"),
        },
        Refusal {
            case: "401 kg",
            token: &clin,
            query: WEIGH,
            variables: json!({ "id": patient.id, "kg": "401", "on": today }),
            code: "VALIDATION",
            reason: Some("INVALID_VALUE"),
        },
        Refusal {
            case: "a negative weight",
            token: &clin,
            query: WEIGH,
            variables: json!({ "id": patient.id, "kg": "-70", "on": today }),
            code: "VALIDATION",
            reason: Some("INVALID_VALUE"),
        },
        Refusal {
            case: "a weight in words",
            token: &clin,
            query: WEIGH,
            variables: json!({ "id": patient.id, "kg": "seventy", "on": today }),
            code: "VALIDATION",
            reason: Some("INVALID_VALUE"),
        },
        Refusal {
            case: "weighed next week",
            token: &clin,
            query: WEIGH,
            variables: json!({ "id": patient.id, "kg": "70", "on": today + chrono::Days::new(7) }),
            code: "VALIDATION",
            reason: Some("IN_FUTURE"),
        },
        Refusal {
            case: "an unknown patient weighed",
            token: &clin,
            query: WEIGH,
            variables: json!({ "id": unknown, "kg": "70", "on": today }),
            code: "NOT_FOUND",
            reason: Some("NOT_FOUND"),
        },
        Refusal {
            case: "weighed by a technician",
            token: &tech,
            query: WEIGH,
            variables: json!({ "id": patient.id, "kg": "70", "on": today }),
            code: "FORBIDDEN",
            reason: None,
        },
        // Orders.
        Refusal {
            case: "an order for an unknown patient",
            token: &clin,
            query: ORDER,
            variables: order_with(&unknown, "route", json!("IV")),
            code: "NOT_FOUND",
            reason: Some("NOT_FOUND"),
        },
        Refusal {
            case: "a dose of 0",
            token: &clin,
            query: ORDER,
            variables: order_with(&patient.id, "dosePerKg", json!(0)),
            code: "VALIDATION",
            reason: Some("INVALID_VALUE"),
        },
        Refusal {
            case: "a dose of 10^10 cells/kg",
            token: &clin,
            query: ORDER,
            variables: order_with(&patient.id, "dosePerKg", json!(10_000_000_000u64)),
            code: "VALIDATION",
            reason: Some("INVALID_VALUE"),
        },
        Refusal {
            case: "a negative dose",
            token: &clin,
            query: ORDER,
            variables: order_with(&patient.id, "dosePerKg", json!(-1_000_000)),
            code: "VALIDATION",
            reason: None,
        },
        Refusal {
            case: "no infusion",
            token: &clin,
            query: ORDER,
            variables: order_with(&patient.id, "scheduleDays", json!([])),
            code: "VALIDATION",
            reason: Some("BAD_SCHEDULE"),
        },
        Refusal {
            case: "a schedule not starting on day 0",
            token: &clin,
            query: ORDER,
            variables: order_with(&patient.id, "scheduleDays", json!([1, 7])),
            code: "VALIDATION",
            reason: Some("BAD_SCHEDULE"),
        },
        Refusal {
            case: "a day twice",
            token: &clin,
            query: ORDER,
            variables: order_with(&patient.id, "scheduleDays", json!([0, 7, 7])),
            code: "VALIDATION",
            reason: Some("BAD_SCHEDULE"),
        },
        Refusal {
            case: "day 400",
            token: &clin,
            query: ORDER,
            variables: order_with(&patient.id, "scheduleDays", json!([0, 400])),
            code: "VALIDATION",
            reason: Some("BAD_SCHEDULE"),
        },
        Refusal {
            case: "an unknown route",
            token: &clin,
            query: ORDER,
            variables: order_with(&patient.id, "route", json!("ORAL")),
            code: "VALIDATION",
            reason: None,
        },
        Refusal {
            case: "an order signed as a review",
            token: &clin,
            query: ORDER,
            variables: json!({ "o": order_input(&patient.id), "s": signed("REVIEW") }),
            code: "VALIDATION",
            reason: Some("WRONG_SIGNATURE_MEANING"),
        },
        Refusal {
            case: "an order by QA",
            token: &clinic.qa,
            query: ORDER,
            variables: json!({ "o": order_input(&patient.id), "s": signed("APPROVAL") }),
            code: "FORBIDDEN",
            reason: None,
        },
        Refusal {
            case: "cancelled twice",
            token: &clin,
            query: CANCEL,
            variables: json!({ "o": cancelled, "r": "again" }),
            code: "CONFLICT",
            reason: Some("ORDER_NOT_ACTIVE"),
        },
        Refusal {
            case: "cancelled without a reason",
            token: &clin,
            query: CANCEL,
            variables: json!({ "o": second_order, "r": " " }),
            code: "VALIDATION",
            reason: Some("INVALID_VALUE"),
        },
        Refusal {
            case: "an unknown order cancelled",
            token: &clin,
            query: CANCEL,
            variables: json!({ "o": unknown, "r": "mistake" }),
            code: "NOT_FOUND",
            reason: Some("NOT_FOUND"),
        },
        // Allocation.
        Refusal {
            case: "an unknown order",
            token: &tech,
            query: ALLOCATE,
            variables: allocate(&unknown, &spare.id),
            code: "NOT_FOUND",
            reason: Some("NOT_FOUND"),
        },
        Refusal {
            case: "an unknown unit",
            token: &tech,
            query: ALLOCATE,
            variables: allocate(&second_order, &unknown),
            code: "NOT_FOUND",
            reason: Some("NOT_FOUND"),
        },
        Refusal {
            case: "an expired unit",
            token: &tech,
            query: ALLOCATE,
            variables: allocate(&second_order, &expired.id),
            code: "CONFLICT",
            reason: Some("EXPIRED"),
        },
        Refusal {
            case: "a unit allocated already",
            token: &tech,
            query: ALLOCATE,
            variables: allocate(&second_order, &unit.id),
            code: "CONFLICT",
            reason: Some("ALREADY_ALLOCATED"),
        },
        Refusal {
            case: "an order with a unit for each infusion",
            token: &tech,
            query: ALLOCATE,
            variables: allocate(&order_id, &spare.id),
            code: "CONFLICT",
            reason: Some("ORDER_FULLY_ALLOCATED"),
        },
        Refusal {
            case: "a cancelled order",
            token: &tech,
            query: ALLOCATE,
            variables: allocate(&cancelled, &spare.id),
            code: "CONFLICT",
            reason: Some("ORDER_NOT_ACTIVE"),
        },
        Refusal {
            case: "allocated by an analyst",
            token: &clinic.analyst,
            query: ALLOCATE,
            variables: allocate(&second_order, &spare.id),
            code: "FORBIDDEN",
            reason: None,
        },
        // Thaw.
        Refusal {
            case: "a unit allocated to no order",
            token: &clin,
            query: THAW,
            variables: json!({ "u": unallocated.id, "t": Utc::now().to_rfc3339() }),
            code: "CONFLICT",
            reason: Some("NOT_ALLOCATED"),
        },
        Refusal {
            case: "thawed already",
            token: &clin,
            query: THAW,
            variables: json!({ "u": unit.id, "t": Utc::now().to_rfc3339() }),
            code: "CONFLICT",
            reason: Some("ALREADY_THAWED"),
        },
        Refusal {
            case: "an unknown unit thawed",
            token: &clin,
            query: THAW,
            variables: json!({ "u": unknown, "t": Utc::now().to_rfc3339() }),
            code: "NOT_FOUND",
            reason: Some("NOT_FOUND"),
        },
        Refusal {
            case: "thawed by QA",
            token: &clinic.qa,
            query: THAW,
            variables: json!({ "u": unit.id, "t": Utc::now().to_rfc3339() }),
            code: "FORBIDDEN",
            reason: None,
        },
    ];
    assert_refusals(&clinic, refusals).await;

    // Thaw times: not in the future, not before cryopreservation.
    clinic.allocate(&second_order, &spare.id).await;
    assert_refusals(
        &clinic,
        vec![
            Refusal {
                case: "thawed in an hour",
                token: &clin,
                query: THAW,
                variables: json!({ "u": spare.id,
                                   "t": (Utc::now() + Duration::hours(1)).to_rfc3339() }),
                code: "VALIDATION",
                reason: Some("IN_FUTURE"),
            },
            Refusal {
                case: "thawed before it was frozen",
                token: &clin,
                query: THAW,
                variables: json!({ "u": spare.id,
                                   "t": (Utc::now() - Duration::days(40)).to_rfc3339() }),
                code: "VALIDATION",
                reason: Some("END_BEFORE_START"),
            },
        ],
    )
    .await;

    // A unit not yet given is taken back from its order, once.
    let deallocate = "mutation($u: UUID!, $r: String!) { deallocateUnit(unitId: $u, reason: $r) \
                      { id allocations { unitId } } }";
    assert_refusals(
        &clinic,
        vec![
            Refusal {
                case: "taken back without a reason",
                token: &tech,
                query: deallocate,
                variables: json!({ "u": spare.id, "r": "" }),
                code: "VALIDATION",
                reason: Some("INVALID_VALUE"),
            },
            Refusal {
                case: "an unknown unit taken back",
                token: &tech,
                query: deallocate,
                variables: json!({ "u": unknown, "r": "mistake" }),
                code: "NOT_FOUND",
                reason: Some("NOT_FOUND"),
            },
            Refusal {
                case: "a unit allocated to no order taken back",
                token: &tech,
                query: deallocate,
                variables: json!({ "u": unallocated.id, "r": "mistake" }),
                code: "CONFLICT",
                reason: Some("NOT_ALLOCATED"),
            },
        ],
    )
    .await;
    let taken_back = clinic
        .server
        .gql(
            Some(&tech),
            deallocate,
            json!({ "u": spare.id, "r": "allocated to the wrong order" }),
        )
        .await;
    assert_eq!(
        taken_back.data()["deallocateUnit"],
        json!({ "id": second_order, "allocations": [] })
    );
    assert_refusals(
        &clinic,
        vec![Refusal {
            case: "taken back twice",
            token: &tech,
            query: deallocate,
            variables: json!({ "u": spare.id, "r": "again" }),
            code: "CONFLICT",
            reason: Some("NOT_ALLOCATED"),
        }],
    )
    .await;

    // A wrong password on an order: only the authentication failure is written.
    let before = clinic.server.ledger_entry_count().await;
    let rejected = clinic
        .try_order(order_input(&patient.id), wrong_password("AUTHORSHIP"))
        .await;
    assert_eq!(rejected.error_code(), "FORBIDDEN", "{}", rejected.body);
    assert_eq!(rejected.reason_codes(), codes(&["SIGNATURE_REJECTED"]));
    assert_eq!(clinic.server.ledger_entry_count().await, before + 1);
    assert_eq!(clinic.last_action().await, "user.authentication_failed");

    // Nothing of the refused registrations reached the personal data or the patients.
    let patients = clinic
        .server
        .gql(
            Some(&clin),
            "{ patients { key personalData { wristbandId } } }",
            json!({}),
        )
        .await;
    let wristbands: Vec<Value> = patients.data()["patients"]
        .as_array()
        .expect("patients")
        .iter()
        .map(|p| p["personalData"]["wristbandId"].clone())
        .collect();
    assert_eq!(wristbands, vec![json!("WB5001")]);
    let order = clinic.read_order(&clin, &order_id).await;
    assert_eq!(order["allocations"].as_array().map(Vec::len), Some(1));
    assert_eq!(order["status"], "ACTIVE");
    assert_ledger_verifies(&clinic.server, &clinic.auditor).await;
    clinic.finish().await;
}
