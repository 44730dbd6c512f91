//! What the clinical suites share: released lots, and the clinical steps as a client sends them
//! over GraphQL (patients, weights, orders, allocation, thaw, bedside check, administration,
//! visits, adverse events, look-back and recall), with the documents they read back.
//!
//! Every name, record number and wristband here is invented; DINs use the test FINs.

use chrono::{DateTime, Duration, NaiveDate, SubsecRound, Utc};
use cordtrace_tests::fixtures::ledger_size;
use cordtrace_tests::release_fixtures::{
    PASSING, ReleaseLot, begin_testing, record, release, signature,
};
use cordtrace_tests::{GqlResponse, PASSWORD, TestServer};
use serde_json::{Value, json};

/// The cells a fixture unit holds (see `cordtrace_tests::fixtures::unit_input`).
pub const UNIT_CELLS: u64 = 75_000_000;

/// Today, UTC (visit and weight dates the server accepts).
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The server clock in whole seconds, shifted by `seconds`.
pub fn now_plus(seconds: i64) -> DateTime<Utc> {
    (Utc::now() + Duration::seconds(seconds)).trunc_subsecs(0)
}

/// Reads `value` as a string, failing the test otherwise.
pub fn text(value: &Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("expected a string, got {value}"))
        .to_owned()
}

/// The strings of a JSON array, sorted.
pub fn sorted_strings(value: &Value) -> Vec<String> {
    let mut list: Vec<String> = value
        .as_array()
        .unwrap_or_else(|| panic!("expected an array, got {value}"))
        .iter()
        .map(text)
        .collect();
    list.sort();
    list
}

/// `ids`, sorted.
pub fn sorted(ids: &[&str]) -> Vec<String> {
    let mut list: Vec<String> = ids.iter().map(|id| (*id).to_owned()).collect();
    list.sort();
    list
}

/// Tests, passes every test and releases the fixture's first lot (as `analyst.one` and
/// `qa.one`).
pub async fn release_first(lot: &ReleaseLot) {
    lot.under_test().await;
    lot.pass_all_but(&[]).await;
    release(&lot.server, &lot.qa, &lot.lot_id, signature("APPROVAL"))
        .await
        .data();
}

/// Tests, passes every test and releases `lot_id` (the specification is already imported).
pub async fn release_other(lot: &ReleaseLot, lot_id: &str) {
    begin_testing(&lot.server, &lot.analyst, lot_id)
        .await
        .data();
    for (code, value, unit) in PASSING {
        record(&lot.server, &lot.analyst, lot_id, code, value, unit)
            .await
            .data();
    }
    release(&lot.server, &lot.qa, lot_id, signature("APPROVAL"))
        .await
        .data();
}

/// A registered patient.
#[derive(Clone, Debug)]
pub struct PatientRef {
    /// Identity.
    pub id: String,
    /// The opaque key.
    pub key: String,
    /// The plain wristband id.
    pub wristband: String,
}

/// Registers a patient with invented personal data and wristband `wristband`.
pub async fn try_register_patient(
    server: &TestServer,
    token: &str,
    wristband: &str,
) -> GqlResponse {
    server
        .gql(
            Some(token),
            "mutation($p: PatientPersonalDataInput!) { registerPatient(personalData: $p) { id key } }",
            json!({ "p": {
                "fullName": format!("Invented Test Patient {wristband}"),
                "dateOfBirth": "1988-02-03",
                "hospitalRecordNumber": format!("TEST-{wristband}"),
                "wristbandId": wristband,
            }}),
        )
        .await
}

/// Registers a patient and records their weight today.
pub async fn patient(server: &TestServer, token: &str, wristband: &str, kg: &str) -> PatientRef {
    let registered = try_register_patient(server, token, wristband).await;
    let patient = &registered.data()["registerPatient"];
    let patient = PatientRef {
        id: text(&patient["id"]),
        key: text(&patient["key"]),
        wristband: wristband.to_owned(),
    };
    weigh(server, token, &patient.id, kg, today()).await.data();
    patient
}

/// `recordWeight`.
pub async fn weigh(
    server: &TestServer,
    token: &str,
    patient_id: &str,
    kg: &str,
    on: NaiveDate,
) -> GqlResponse {
    server
        .gql(
            Some(token),
            "mutation($p: UUID!, $kg: String!, $on: NaiveDate!) { \
             recordWeight(patientId: $p, kilograms: $kg, measuredOn: $on) { \
             id latestWeight { kilograms measuredOn } } }",
            json!({ "p": patient_id, "kg": kg, "on": on.to_string() }),
        )
        .await
}

/// A clinician signs an order of `dose_per_kg` cells per kg, one infusion from today.
pub async fn order(server: &TestServer, token: &str, patient_id: &str, dose_per_kg: u64) -> String {
    let placed = server
        .gql(
            Some(token),
            "mutation($o: OrderInput!, $s: SignatureInput!) { \
             placeOrder(order: $o, signature: $s) { id status dosePerKg scheduleDays } }",
            json!({
                "o": {
                    "patientId": patient_id,
                    "dosePerKg": dose_per_kg,
                    "scheduleDays": [0],
                    "startsOn": today().to_string(),
                },
                "s": { "password": PASSWORD, "meaning": "AUTHORSHIP" },
            }),
        )
        .await;
    let placed = &placed.data()["placeOrder"];
    assert_eq!(placed["status"], "ACTIVE", "{placed}");
    assert_eq!(placed["dosePerKg"], dose_per_kg);
    text(&placed["id"])
}

/// `allocateUnit`.
pub async fn allocate(server: &TestServer, token: &str, order_id: &str, unit_id: &str) {
    let allocated = server
        .gql(
            Some(token),
            "mutation($o: UUID!, $u: UUID!) { allocateUnit(orderId: $o, unitId: $u) { \
             id allocations { unitId } } }",
            json!({ "o": order_id, "u": unit_id }),
        )
        .await;
    let units: Vec<String> = allocated.data()["allocateUnit"]["allocations"]
        .as_array()
        .expect("allocations")
        .iter()
        .map(|a| text(&a["unitId"]))
        .collect();
    assert!(units.contains(&unit_id.to_owned()), "{}", allocated.body);
}

/// `thawUnit`, thawing finished ten minutes ago.
pub async fn thaw(server: &TestServer, token: &str, unit_id: &str) {
    let thawed = server
        .gql(
            Some(token),
            "mutation($u: UUID!, $t: DateTime!) { thawUnit(unitId: $u, thawedAt: $t) { \
             allocations { unitId thawedAt useBy } } }",
            json!({ "u": unit_id, "t": now_plus(-600).to_rfc3339() }),
        )
        .await;
    thawed.data();
}

/// The strings a scanner reads from the bag of `unit_id`: its DIN (data structure 001) and
/// product code (`=<`).
pub async fn unit_scans(server: &TestServer, token: &str, unit_id: &str) -> Vec<String> {
    let unit = server
        .gql(
            Some(token),
            "query($id: UUID!) { unit(id: $id) { din productCode } }",
            json!({ "id": unit_id }),
        )
        .await;
    let unit = &unit.data()["unit"];
    vec![
        format!("={}00", text(&unit["din"])),
        format!("=<{}", text(&unit["productCode"])),
    ]
}

/// The fields of a bedside check the tests read back.
pub const CHECK_FIELDS: &str = "checkId ok codes reasons { code message } scanErrors \
    facts { unitId lotId patientId patientKey orderId prescribedDosePerKg cellsPerKg }";

/// `bedsideCheck` of `unit_id` against `wristband`.
pub async fn bedside_check(
    server: &TestServer,
    token: &str,
    unit_id: &str,
    wristband: &str,
) -> Value {
    let scans = unit_scans(server, token, unit_id).await;
    let query = format!(
        "mutation($u: [String!]!, $p: String!) {{ bedsideCheck(unitScans: $u, patientScan: $p) \
         {{ {CHECK_FIELDS} }} }}"
    );
    let checked = server
        .gql(Some(token), &query, json!({ "u": scans, "p": wristband }))
        .await;
    checked.data()["bedsideCheck"].clone()
}

/// The fields of an administration the tests read back.
pub const ADMINISTRATION_FIELDS: &str = "id unitId lotId patientId patientKey orderId checkId \
    startedAt endedAt volumeMl cells weightKg cellsPerKg reactions administeredBy \
    unit { din productCode lotCode }";

/// `administerUnit` of the whole `unit_id` to `patient_id`, starting now, signed with
/// RESPONSIBILITY and `password`.
pub async fn try_administer(
    server: &TestServer,
    token: &str,
    unit_id: &str,
    patient_id: &str,
    password: &str,
) -> GqlResponse {
    let started = now_plus(0);
    let query = format!(
        "mutation($a: AdministrationInput!, $s: SignatureInput!) {{ \
         administerUnit(administration: $a, signature: $s) {{ {ADMINISTRATION_FIELDS} }} }}"
    );
    server
        .gql(
            Some(token),
            &query,
            json!({
                "a": {
                    "unitId": unit_id,
                    "patientId": patient_id,
                    "startedAt": started.to_rfc3339(),
                    "endedAt": started.to_rfc3339(),
                    "volumeMl": "50",
                    "cells": UNIT_CELLS,
                    "reactions": [],
                },
                "s": { "password": password, "meaning": "RESPONSIBILITY" },
            }),
        )
        .await
}

/// A unit given to a patient through the API.
#[derive(Clone, Debug)]
pub struct Treated {
    /// The order.
    pub order_id: String,
    /// The administration, as read back.
    pub administration: Value,
}

/// Allocates `unit_id` to a new order of `dose_per_kg` for `patient` and thaws it.
pub async fn prepare(
    server: &TestServer,
    token: &str,
    patient: &PatientRef,
    dose_per_kg: u64,
    unit_id: &str,
) -> String {
    let order_id = order(server, token, &patient.id, dose_per_kg).await;
    allocate(server, token, &order_id, unit_id).await;
    thaw(server, token, unit_id).await;
    order_id
}

/// Orders, allocates, thaws, checks at the bedside and administers `unit_id` to `patient`, as
/// clinician `token`, now.
pub async fn treat(
    server: &TestServer,
    token: &str,
    patient: &PatientRef,
    dose_per_kg: u64,
    unit_id: &str,
) -> Treated {
    let order_id = prepare(server, token, patient, dose_per_kg, unit_id).await;
    let check = bedside_check(server, token, unit_id, &patient.wristband).await;
    assert_eq!(check["ok"], true, "{check}");
    let given = try_administer(server, token, unit_id, &patient.id, PASSWORD).await;
    let administration = given.data()["administerUnit"].clone();
    assert_eq!(administration["checkId"], check["checkId"]);
    Treated {
        order_id,
        administration,
    }
}

/// The `recordVisit` document.
pub const RECORD_VISIT: &str = "mutation($v: VisitInput!) { recordVisit(visit: $v) { id patientId \
    administrationIds visitedOn sledai2k proteinuriaGPerDay proteinCreatinineRatio \
    creatinineUmolPerL albuminGPerL c3GPerL c4GPerL antiDsdnaIuPerMl prednisoneMgPerDay \
    otherImmunosuppressants } }";

/// `recordVisit` with `visit`.
pub async fn try_visit(server: &TestServer, token: &str, visit: Value) -> GqlResponse {
    server
        .gql(Some(token), RECORD_VISIT, json!({ "v": visit }))
        .await
}

/// Records a visit of `patient_id` on `on` following `administrations`, measuring SLEDAI-2K,
/// prednisone and, when given, 24-hour proteinuria.
#[allow(clippy::too_many_arguments, reason = "one argument per recorded field")]
pub async fn visit(
    server: &TestServer,
    token: &str,
    patient_id: &str,
    administrations: &[&str],
    on: NaiveDate,
    sledai: i64,
    prednisone: &str,
    proteinuria: Option<&str>,
) -> Value {
    let recorded = try_visit(
        server,
        token,
        json!({
            "patientId": patient_id,
            "administrationIds": administrations,
            "visitedOn": on.to_string(),
            "sledai2k": sledai,
            "prednisoneMgPerDay": prednisone,
            "proteinuriaGPerDay": proteinuria,
        }),
    )
    .await;
    recorded.data()["recordVisit"].clone()
}

/// The `recordAdverseEvent` document.
pub const RECORD_ADVERSE_EVENT: &str = "mutation($e: AdverseEventInput!) { \
    recordAdverseEvent(adverseEvent: $e) { id patientId administrationIds term grade serious \
    relatedness onsetOn resolvedOn } }";

/// `recordAdverseEvent` with `event`.
pub async fn try_adverse_event(server: &TestServer, token: &str, event: Value) -> GqlResponse {
    server
        .gql(Some(token), RECORD_ADVERSE_EVENT, json!({ "e": event }))
        .await
}

/// An `AdverseEventInput`.
pub fn adverse_event_input(
    patient_id: &str,
    administrations: &[&str],
    term: &str,
    grade: i64,
    serious: bool,
    onset: NaiveDate,
) -> Value {
    json!({
        "patientId": patient_id,
        "administrationIds": administrations,
        "term": term,
        "grade": grade,
        "serious": serious,
        "relatedness": "POSSIBLE",
        "onsetOn": onset.to_string(),
    })
}

/// Records an adverse event and returns it.
#[allow(clippy::too_many_arguments, reason = "one argument per recorded field")]
pub async fn adverse_event(
    server: &TestServer,
    token: &str,
    patient_id: &str,
    administrations: &[&str],
    term: &str,
    grade: i64,
    serious: bool,
    onset: NaiveDate,
) -> Value {
    let recorded = try_adverse_event(
        server,
        token,
        adverse_event_input(patient_id, administrations, term, grade, serious, onset),
    )
    .await;
    recorded.data()["recordAdverseEvent"].clone()
}

/// The `resolveAdverseEvent` document.
pub const RESOLVE_ADVERSE_EVENT: &str = "mutation($id: UUID!, $on: NaiveDate!) { \
    resolveAdverseEvent(adverseEventId: $id, resolvedOn: $on) { id onsetOn resolvedOn } }";

/// The fields of a look-back the tests read back.
pub const LOOKBACK_FIELDS: &str = "lots { id code kind status createdAt } \
    lotsByStatus { status count lots { id } } \
    units { id lotId dinWithCheckCharacter productCode status allocatedToOrder \
      administration { administrationId unitId lotId patientId startedAt endedAt } } \
    unitsByStatus { status count units { id } } \
    patients { patientId patientKey \
      administrations { administrationId unitId lotId patientId startedAt endedAt } }";

/// A `DownstreamFrom` naming `id` as a `kind` (`donorId`, `donationId`, `materialLotId`,
/// `lotId`).
pub fn from(kind: &str, id: &str) -> Value {
    json!({ kind: id })
}

/// `lookback` from `from` as `token`.
pub async fn try_lookback(server: &TestServer, token: &str, from: Value) -> GqlResponse {
    let query =
        format!("query($f: DownstreamFrom!) {{ lookback(from: $f) {{ {LOOKBACK_FIELDS} }} }}");
    server.gql(Some(token), &query, json!({ "f": from })).await
}

/// `lookback` from `from`, failing the test if it is refused.
pub async fn lookback(server: &TestServer, token: &str, from: Value) -> Value {
    try_lookback(server, token, from).await.data()["lookback"].clone()
}

/// The status of every lot of a look-back, by id.
pub fn lot_statuses(lookback: &Value) -> std::collections::BTreeMap<String, String> {
    lookback["lots"]
        .as_array()
        .expect("lots")
        .iter()
        .map(|lot| (text(&lot["id"]), text(&lot["status"])))
        .collect()
}

/// The status of every unit of a look-back, by id.
pub fn unit_statuses(lookback: &Value) -> std::collections::BTreeMap<String, String> {
    lookback["units"]
        .as_array()
        .expect("units")
        .iter()
        .map(|unit| (text(&unit["id"]), text(&unit["status"])))
        .collect()
}

/// The count of each status of a `lotsByStatus` or `unitsByStatus` list, checking that each
/// count is the length of its list.
pub fn counts_by_status(groups: &Value) -> std::collections::BTreeMap<String, u64> {
    groups
        .as_array()
        .expect("groups")
        .iter()
        .map(|group| {
            let count = group["count"].as_u64().expect("a count");
            let listed = group["lots"]
                .as_array()
                .or_else(|| group["units"].as_array())
                .map_or(0, Vec::len);
            assert_eq!(usize::try_from(count).ok(), Some(listed), "{group}");
            (text(&group["status"]), count)
        })
        .collect()
}

/// The `recall` document.
pub fn recall_query() -> String {
    format!(
        "mutation($f: DownstreamFrom!, $r: String!, $s: SignatureInput!) {{ \
         recall(from: $f, reason: $r, signature: $s) {{ recallId lotsChanged unitsChanged \
         patientsToContact {{ patientId patientKey \
           administrations {{ administrationId unitId lotId startedAt endedAt }} }} \
         lookback {{ {LOOKBACK_FIELDS} }} }} }}"
    )
}

/// `recall` from `from` as `token`, with `reason`, signed with APPROVAL and `password`.
pub async fn try_recall(
    server: &TestServer,
    token: &str,
    from: Value,
    reason: &str,
    password: &str,
) -> GqlResponse {
    server
        .gql(
            Some(token),
            &recall_query(),
            json!({
                "f": from,
                "r": reason,
                "s": { "password": password, "meaning": "APPROVAL" },
            }),
        )
        .await
}

/// Sends `query` and checks that it is refused with `code` (and `reason` among
/// `extensions.reasons`, when given) and that the ledger did not grow.
pub async fn assert_refused_unwritten(
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
    assert!(
        response.body["data"].is_null()
            || response.body["data"]
                .as_object()
                .is_some_and(|data| data.values().all(Value::is_null)),
        "a refusal returns no data: {}",
        response.body
    );
    assert_eq!(
        ledger_size(server).await,
        before,
        "a refused request writes nothing: {}",
        response.body
    );
    response
}

/// The `outcomeSummary` document.
pub const OUTCOME_SUMMARY: &str = "{ outcomeSummary { \
    byLot { ...group } byDonor { ...group } byDose { ...group } } } \
    fragment group on OutcomeGroupObject { lotId lotCode donorId donorKey dosePerKg \
      patientCount patientKeys adverseEventsByGrade seriousAdverseEvents \
      timepoints { months measures { measure patients meanChange \
        changes { patientKey baseline baselineOn value valueOn change } } } }";

/// The outcome summary as `token` reads it.
pub async fn outcome_summary(server: &TestServer, token: &str) -> Value {
    let summary = server.gql(Some(token), OUTCOME_SUMMARY, json!({})).await;
    summary.data()["outcomeSummary"].clone()
}

/// The group of `list` (`byLot`, `byDonor`, `byDose`) whose `field` is `value`.
pub fn group<'a>(summary: &'a Value, list: &str, field: &str, value: &Value) -> &'a Value {
    summary[list]
        .as_array()
        .expect("groups")
        .iter()
        .find(|group| &group[field] == value)
        .unwrap_or_else(|| panic!("no {list} group with {field} {value}: {summary}"))
}

/// The change in `measure` at `months` in `group`.
pub fn measure<'a>(group: &'a Value, months: u64, measure: &str) -> &'a Value {
    group["timepoints"]
        .as_array()
        .expect("timepoints")
        .iter()
        .find(|timepoint| timepoint["months"] == months)
        .and_then(|timepoint| {
            timepoint["measures"]
                .as_array()
                .expect("measures")
                .iter()
                .find(|m| m["measure"] == measure)
        })
        .unwrap_or_else(|| panic!("no {measure} at {months} months: {group}"))
}
