//! Follow-up over GraphQL and HTTP, on SQLite or PostgreSQL: visits with the lupus measures and
//! adverse events with their CTCAE grade, linked to the patient and their administrations; the
//! outcome summary by lot, by donor and by dose per kg, with the change from baseline at 3, 6
//! and 12 months and adverse events by grade; each patient's follow-up schedule (those time
//! points, each done, due, overdue or upcoming); and bad input that writes nothing.
//!
//! The API records an infusion only as it happens (its bedside check must precede the start by
//! at most 30 minutes), so a patient treated more than a year ago cannot be entered through it.
//! The summary and schedule tests therefore prepare and check each infusion through the API
//! and then record it in the past with [`history::administer_days_ago`].

use crate::clinical_flow;

use chrono::{DateTime, Days, Months, NaiveDate, Utc};
use clinical_flow::{
    RESOLVE_ADVERSE_EVENT, UNIT_CELLS, adverse_event, adverse_event_input,
    assert_refused_unwritten, bedside_check, group, measure, outcome_summary, patient, prepare,
    release_first, release_other, text, today, treat, try_adverse_event, try_visit, visit,
};
use cordtrace_domain::Role;
use cordtrace_domain::ids::UserId;
use cordtrace_tests::fixtures::{Eligibility, ledger_size};
use cordtrace_tests::history::{self, PastInfusion};
use cordtrace_tests::release_fixtures::{ReleaseLot, assert_ledger_verifies};
use cordtrace_tests::{PASSWORD, TestServer};
use serde_json::{Value, json};
use uuid::Uuid;

/// How long ago the summary's patients were treated: their 12-month visits are in the past.
const TREATED_DAYS_AGO: i64 = 400;

/// Gives `unit_id` to `patient_id` (already allocated, thawed and checked at the bedside) as
/// the clinician `clinician`, recorded [`TREATED_DAYS_AGO`] days ago.
async fn administer_long_ago(
    server: &TestServer,
    clinician: UserId,
    unit_id: &str,
    patient_id: &str,
) {
    administer_days_ago(server, clinician, unit_id, patient_id, TREATED_DAYS_AGO).await;
}

/// Gives the whole of `unit_id` (already allocated, thawed and checked at the bedside) to
/// `patient_id` as the clinician `clinician`, recorded `days_ago` days ago.
async fn administer_days_ago(
    server: &TestServer,
    clinician: UserId,
    unit_id: &str,
    patient_id: &str,
    days_ago: i64,
) {
    let infusion = PastInfusion {
        unit_id,
        patient_id,
        cells: UNIT_CELLS,
        volume_ml: "50",
    };
    history::administer_days_ago(server, clinician, infusion, days_ago).await;
}

/// The patient's only administration: its id and day 0 (the UTC date it started).
async fn only_administration(
    server: &TestServer,
    token: &str,
    patient_id: &str,
) -> (String, NaiveDate) {
    let read = server
        .gql(
            Some(token),
            "query($id: UUID!) { patient(id: $id) { administrations { id startedAt } } }",
            json!({ "id": patient_id }),
        )
        .await;
    let administrations = read.data()["patient"]["administrations"]
        .as_array()
        .expect("administrations")
        .clone();
    assert_eq!(administrations.len(), 1, "{}", read.body);
    let started: DateTime<Utc> = text(&administrations[0]["startedAt"])
        .parse()
        .expect("an RFC 3339 time");
    (text(&administrations[0]["id"]), started.date_naive())
}

fn plus_months(day: NaiveDate, months: u32) -> NaiveDate {
    day.checked_add_months(Months::new(months)).expect("a date")
}

fn plus_days(day: NaiveDate, days: u64) -> NaiveDate {
    day.checked_add_days(Days::new(days)).expect("a date")
}

fn minus_days(day: NaiveDate, days: u64) -> NaiveDate {
    day.checked_sub_days(Days::new(days)).expect("a date")
}

#[tokio::test]
async fn outcomes_are_summarised_by_lot_donor_and_dose_from_linked_visits_and_adverse_events() {
    let lot = ReleaseLot::start(Eligibility::Eligible).await;
    let server = &lot.server;
    release_first(&lot).await;
    let (lot2, lot2_units) = lot.another_lot('C').await;
    release_other(&lot, &lot2).await;
    let clinician_id = server.add_user("clinician.one", &[Role::Clinician]).await;
    let clinician = server.login("clinician.one", PASSWORD).await;

    // Patient 1: lot 1, 1 x 10^6 cells/kg at 75 kg. Patient 2: lot 1, 2 x 10^6 cells/kg at
    // 37.5 kg. Patient 3: lot 2 (another donor), 1 x 10^6 cells/kg at 75 kg.
    let p1 = patient(server, &clinician, "WB-A9990-0101", "75").await;
    let p2 = patient(server, &clinician, "WB-A9990-0102", "37.5").await;
    let p3 = patient(server, &clinician, "WB-A9990-0103", "75").await;
    let plan = [
        (&p1, 1_000_000, lot.unit_ids[0].clone()),
        (&p2, 2_000_000, lot.unit_ids[1].clone()),
        (&p3, 1_000_000, lot2_units[0].clone()),
    ];
    for (patient, dose, unit_id) in &plan {
        prepare(server, &clinician, patient, *dose, unit_id).await;
        let check = bedside_check(server, &clinician, unit_id, &patient.wristband).await;
        assert_eq!(check["ok"], true, "{check}");
        assert_eq!(check["facts"]["cellsPerKg"], json!(dose), "{check}");
        administer_long_ago(server, clinician_id, unit_id, &patient.id).await;
    }
    let (a1, day1) = only_administration(server, &clinician, &p1.id).await;
    let (a2, day2) = only_administration(server, &clinician, &p2.id).await;
    let (a3, day3) = only_administration(server, &clinician, &p3.id).await;
    assert!(day1 < minus_days(today(), 365), "{day1}");

    // Patient 1: an older and a latest baseline, then visits near 3, 6 and 12 months.
    let baseline = try_visit(
        server,
        &clinician,
        json!({
            "patientId": p1.id,
            "visitedOn": minus_days(day1, 5).to_string(),
            "sledai2k": 12,
            "proteinuriaGPerDay": "2.5",
            "creatinineUmolPerL": "88",
            "albuminGPerL": "32",
            "c3GPerL": "0.62",
            "c4GPerL": "0.08",
            "antiDsdnaIuPerMl": "210",
            "prednisoneMgPerDay": "30",
            "otherImmunosuppressants": ["mycophenolate mofetil 1 g/day"],
        }),
    )
    .await;
    let baseline = baseline.data()["recordVisit"].clone();
    assert_eq!(baseline["patientId"], json!(p1.id));
    assert_eq!(baseline["administrationIds"], json!([]));
    assert_eq!(baseline["sledai2k"], 12);
    assert_eq!(baseline["proteinuriaGPerDay"], "2.5");
    assert_eq!(baseline["creatinineUmolPerL"], "88");
    assert_eq!(baseline["albuminGPerL"], "32");
    assert_eq!(baseline["c3GPerL"], "0.62");
    assert_eq!(baseline["c4GPerL"], "0.08");
    assert_eq!(baseline["antiDsdnaIuPerMl"], "210");
    assert_eq!(baseline["prednisoneMgPerDay"], "30");
    assert!(baseline["proteinCreatinineRatio"].is_null());
    assert_eq!(
        baseline["otherImmunosuppressants"],
        json!(["mycophenolate mofetil 1 g/day"])
    );
    visit(
        server,
        &clinician,
        &p1.id,
        &[],
        minus_days(day1, 20),
        14,
        "40",
        Some("3.1"),
    )
    .await;
    let at3 = visit(
        server,
        &clinician,
        &p1.id,
        &[&a1],
        plus_days(plus_months(day1, 3), 2),
        6,
        "15",
        None,
    )
    .await;
    assert_eq!(at3["administrationIds"], json!([a1]));
    visit(
        server,
        &clinician,
        &p1.id,
        &[&a1],
        plus_days(plus_months(day1, 3), 20),
        2,
        "5",
        Some("0.4"),
    )
    .await;
    visit(
        server,
        &clinician,
        &p1.id,
        &[&a1],
        minus_days(plus_months(day1, 6), 5),
        4,
        "7.5",
        Some("0.8"),
    )
    .await;
    visit(
        server,
        &clinician,
        &p1.id,
        &[&a1],
        plus_months(day1, 12),
        2,
        "5",
        None,
    )
    .await;
    // Patient 2: baseline and 3 months only.
    visit(
        server,
        &clinician,
        &p2.id,
        &[],
        minus_days(day2, 3),
        10,
        "20",
        None,
    )
    .await;
    visit(
        server,
        &clinician,
        &p2.id,
        &[&a2],
        plus_months(day2, 3),
        8,
        "20",
        None,
    )
    .await;
    // Patient 3: SLEDAI-2K and the protein/creatinine ratio, at baseline and 3 months.
    for (on, score, ratio, linked) in [
        (minus_days(day3, 1), 8, "1.2", Vec::new()),
        (plus_months(day3, 3), 8, "0.6", vec![a3.clone()]),
    ] {
        let recorded = try_visit(
            server,
            &clinician,
            json!({
                "patientId": p3.id,
                "administrationIds": linked,
                "visitedOn": on.to_string(),
                "sledai2k": score,
                "proteinCreatinineRatio": ratio,
            }),
        )
        .await;
        assert_eq!(
            recorded.data()["recordVisit"]["proteinCreatinineRatio"],
            ratio
        );
    }

    // Adverse events: patient 1's linked to the infusion, patient 3's unlinked after day 0,
    // patient 2's unlinked before day 0 (it counts nowhere).
    let reaction = adverse_event(
        server,
        &clinician,
        &p1.id,
        &[&a1],
        "Infusion related reaction",
        1,
        false,
        day1,
    )
    .await;
    assert_eq!(reaction["grade"], 1);
    assert_eq!(reaction["administrationIds"], json!([a1]));
    assert!(reaction["resolvedOn"].is_null());
    let pneumonia = adverse_event(
        server,
        &clinician,
        &p1.id,
        &[&a1],
        "Lung infection",
        3,
        true,
        plus_days(day1, 40),
    )
    .await;
    assert_eq!(pneumonia["serious"], true);
    assert_eq!(pneumonia["relatedness"], "POSSIBLE");
    adverse_event(
        server,
        &clinician,
        &p3.id,
        &[],
        "Herpes zoster",
        2,
        false,
        plus_days(day3, 100),
    )
    .await;
    adverse_event(
        server,
        &clinician,
        &p2.id,
        &[],
        "Arthralgia",
        2,
        false,
        minus_days(day2, 30),
    )
    .await;
    let resolved = server
        .gql(
            Some(&clinician),
            RESOLVE_ADVERSE_EVENT,
            json!({ "id": pneumonia["id"], "on": plus_days(day1, 55).to_string() }),
        )
        .await;
    assert_eq!(
        resolved.data()["resolveAdverseEvent"]["resolvedOn"],
        json!(plus_days(day1, 55).to_string())
    );

    // The patient's record: visits by date, adverse events by onset.
    let record = server
        .gql(
            Some(&lot.qa),
            "query($id: UUID!) { patient(id: $id) { key visits { visitedOn sledai2k } \
             adverseEvents { term grade serious onsetOn resolvedOn } } }",
            json!({ "id": p1.id }),
        )
        .await;
    let record = &record.data()["patient"];
    assert_eq!(record["key"], json!(p1.key));
    let dates: Vec<String> = record["visits"]
        .as_array()
        .expect("visits")
        .iter()
        .map(|v| text(&v["visitedOn"]))
        .collect();
    let mut in_order = dates.clone();
    in_order.sort();
    assert_eq!(dates, in_order);
    assert_eq!(dates.len(), 6);
    assert_eq!(record["visits"][0]["sledai2k"], 14);
    assert_eq!(
        record["adverseEvents"][0]["term"],
        "Infusion related reaction"
    );
    assert_eq!(record["adverseEvents"][1]["grade"], 3);
    assert_eq!(
        record["adverseEvents"][1]["resolvedOn"],
        json!(plus_days(day1, 55).to_string())
    );

    // The summary, as an analyst reads it.
    let summary = outcome_summary(server, &lot.analyst).await;
    assert_eq!(
        summary["byLot"].as_array().map(Vec::len),
        Some(2),
        "{summary}"
    );
    assert_eq!(
        summary["byDonor"].as_array().map(Vec::len),
        Some(2),
        "{summary}"
    );
    assert_eq!(
        summary["byDose"].as_array().map(Vec::len),
        Some(2),
        "{summary}"
    );
    let mut keys_1_2 = vec![p1.key.clone(), p2.key.clone()];
    keys_1_2.sort();
    let mut keys_1_3 = vec![p1.key.clone(), p3.key.clone()];
    keys_1_3.sort();
    let sorted_keys = |group: &Value| {
        let mut keys: Vec<String> = group["patientKeys"]
            .as_array()
            .expect("keys")
            .iter()
            .map(text)
            .collect();
        keys.sort();
        keys
    };
    let lot1 = group(&summary, "byLot", "lotId", &json!(lot.lot_id));
    let donor1 = group(
        &summary,
        "byDonor",
        "donorId",
        &json!(lot.donor.donor_id.to_string()),
    );
    for lot1 in [lot1, donor1] {
        assert_eq!(lot1["patientCount"], 2, "{lot1}");
        assert_eq!(sorted_keys(lot1), keys_1_2);
        assert_eq!(lot1["adverseEventsByGrade"], json!([1, 0, 1, 0, 0]));
        assert_eq!(lot1["seriousAdverseEvents"], 1);
        let timepoints: Vec<u64> = lot1["timepoints"]
            .as_array()
            .expect("timepoints")
            .iter()
            .map(|t| t["months"].as_u64().expect("months"))
            .collect();
        assert_eq!(timepoints, [3, 6, 12]);
        // 3 months: patient 1 from 12 to 6, patient 2 from 10 to 8.
        let sledai = measure(lot1, 3, "SLEDAI_2K");
        assert_eq!(sledai["patients"], 2, "{sledai}");
        assert_eq!(sledai["meanChange"], "-4.00", "{sledai}");
        let mine = sledai["changes"]
            .as_array()
            .and_then(|changes| changes.iter().find(|c| c["patientKey"] == json!(p1.key)))
            .expect("patient 1's change");
        assert_eq!(mine["baseline"], "12");
        assert_eq!(mine["baselineOn"], json!(minus_days(day1, 5).to_string()));
        assert_eq!(mine["value"], "6");
        assert_eq!(
            mine["valueOn"],
            json!(plus_days(plus_months(day1, 3), 2).to_string())
        );
        assert_eq!(mine["change"], "-6");
        assert_eq!(
            measure(lot1, 3, "PREDNISONE_MG_PER_DAY")["meanChange"],
            "-7.50"
        );
        let proteinuria = measure(lot1, 3, "PROTEINURIA_G_PER_DAY");
        assert_eq!(proteinuria["patients"], 1, "the nearest visit with it");
        assert_eq!(proteinuria["meanChange"], "-2.10");
        assert_eq!(measure(lot1, 6, "SLEDAI_2K")["meanChange"], "-8.00");
        assert_eq!(measure(lot1, 6, "SLEDAI_2K")["patients"], 1);
        assert_eq!(
            measure(lot1, 6, "PREDNISONE_MG_PER_DAY")["meanChange"],
            "-22.50"
        );
        assert_eq!(
            measure(lot1, 6, "PROTEINURIA_G_PER_DAY")["meanChange"],
            "-1.70"
        );
        assert_eq!(measure(lot1, 12, "SLEDAI_2K")["meanChange"], "-10.00");
        assert_eq!(measure(lot1, 12, "PROTEINURIA_G_PER_DAY")["patients"], 0);
        assert!(measure(lot1, 12, "PROTEINURIA_G_PER_DAY")["meanChange"].is_null());
        assert_eq!(measure(lot1, 3, "PROTEIN_CREATININE_RATIO")["patients"], 0);
    }
    assert!(lot1["lotCode"].is_string());
    assert!(donor1["donorKey"].is_string());
    let lot2_group = group(&summary, "byLot", "lotId", &json!(lot2));
    assert_eq!(lot2_group["patientKeys"], json!([p3.key]));
    assert_eq!(lot2_group["adverseEventsByGrade"], json!([0, 1, 0, 0, 0]));
    assert_eq!(lot2_group["seriousAdverseEvents"], 0);
    assert_eq!(measure(lot2_group, 3, "SLEDAI_2K")["meanChange"], "0.00");
    assert_eq!(
        measure(lot2_group, 3, "PROTEIN_CREATININE_RATIO")["meanChange"],
        "-0.60"
    );
    assert_eq!(measure(lot2_group, 6, "SLEDAI_2K")["patients"], 0);
    let standard = group(&summary, "byDose", "dosePerKg", &json!(1_000_000));
    assert_eq!(standard["patientCount"], 2);
    assert_eq!(sorted_keys(standard), keys_1_3);
    assert_eq!(standard["adverseEventsByGrade"], json!([1, 1, 1, 0, 0]));
    assert_eq!(standard["seriousAdverseEvents"], 1);
    assert_eq!(measure(standard, 3, "SLEDAI_2K")["meanChange"], "-3.00");
    let double = group(&summary, "byDose", "dosePerKg", &json!(2_000_000));
    assert_eq!(double["patientKeys"], json!([p2.key]));
    assert_eq!(double["adverseEventsByGrade"], json!([0, 0, 0, 0, 0]));
    assert_eq!(measure(double, 3, "SLEDAI_2K")["meanChange"], "-2.00");
    assert_eq!(
        measure(double, 3, "PREDNISONE_MG_PER_DAY")["meanChange"],
        "0.00"
    );

    // Clinicians, QA and auditors read it too; technicians do not.
    for token in [&clinician, &lot.qa, &lot.auditor] {
        assert_eq!(outcome_summary(server, token).await, summary);
    }
    let refused = server
        .gql(
            Some(&lot.tech),
            "{ outcomeSummary { byLot { patientCount } } }",
            json!({}),
        )
        .await;
    assert_eq!(refused.error_code(), "FORBIDDEN", "{}", refused.body);

    assert_ledger_verifies(server, &lot.auditor).await;
    lot.finish().await;
}

#[tokio::test]
async fn bad_follow_up_input_is_refused_with_a_clear_code_and_writes_nothing() {
    let lot = ReleaseLot::start(Eligibility::Eligible).await;
    let server = &lot.server;
    release_first(&lot).await;
    let clinician = server.user_token("clinician.one", &[Role::Clinician]).await;
    let p1 = patient(server, &clinician, "WB-A9990-0201", "75").await;
    let treated = treat(server, &clinician, &p1, 1_000_000, &lot.unit_ids[0]).await;
    let a1 = text(&treated.administration["id"]);
    let p2 = patient(server, &clinician, "WB-A9990-0202", "75").await;
    let unknown = Uuid::now_v7().to_string();
    let yesterday = minus_days(today(), 1);
    let far = plus_days(today(), 3);

    let visit_of = |patient: &str, changes: Value| {
        let mut input = json!({
            "patientId": patient,
            "administrationIds": [a1],
            "visitedOn": yesterday.to_string(),
            "sledai2k": 4,
        });
        if let (Some(input), Some(changes)) = (input.as_object_mut(), changes.as_object()) {
            for (field, value) in changes {
                input.insert(field.clone(), value.clone());
            }
        }
        json!({ "v": input })
    };
    let visit_cases: Vec<(&str, Value, &str, Option<&str>)> = vec![
        (
            "SLEDAI-2K above 105",
            visit_of(&p1.id, json!({ "sledai2k": 106 })),
            "VALIDATION",
            Some("INVALID_VALUE"),
        ),
        (
            "SLEDAI-2K negative",
            visit_of(&p1.id, json!({ "sledai2k": -1 })),
            "VALIDATION",
            Some("INVALID_VALUE"),
        ),
        (
            "negative proteinuria",
            visit_of(&p1.id, json!({ "proteinuriaGPerDay": "-0.5" })),
            "VALIDATION",
            Some("INVALID_VALUE"),
        ),
        (
            "proteinuria not a number",
            visit_of(&p1.id, json!({ "proteinuriaGPerDay": "lots" })),
            "VALIDATION",
            Some("INVALID_VALUE"),
        ),
        (
            "ratio out of range",
            visit_of(&p1.id, json!({ "proteinCreatinineRatio": "51" })),
            "VALIDATION",
            Some("INVALID_VALUE"),
        ),
        (
            "creatinine out of range",
            visit_of(&p1.id, json!({ "creatinineUmolPerL": "4" })),
            "VALIDATION",
            Some("INVALID_VALUE"),
        ),
        (
            "albumin out of range",
            visit_of(&p1.id, json!({ "albuminGPerL": "71" })),
            "VALIDATION",
            Some("INVALID_VALUE"),
        ),
        (
            "C3 out of range",
            visit_of(&p1.id, json!({ "c3GPerL": "5.5" })),
            "VALIDATION",
            Some("INVALID_VALUE"),
        ),
        (
            "C4 out of range",
            visit_of(&p1.id, json!({ "c4GPerL": "-0.1" })),
            "VALIDATION",
            Some("INVALID_VALUE"),
        ),
        (
            "anti-dsDNA out of range",
            visit_of(&p1.id, json!({ "antiDsdnaIuPerMl": "100001" })),
            "VALIDATION",
            Some("INVALID_VALUE"),
        ),
        (
            "prednisone out of range",
            visit_of(&p1.id, json!({ "prednisoneMgPerDay": "2001" })),
            "VALIDATION",
            Some("INVALID_VALUE"),
        ),
        (
            "empty immunosuppressant",
            visit_of(&p1.id, json!({ "otherImmunosuppressants": [""] })),
            "VALIDATION",
            Some("INVALID_VALUE"),
        ),
        (
            "nothing measured",
            visit_of(&p1.id, json!({ "sledai2k": null })),
            "VALIDATION",
            Some("EMPTY_VISIT"),
        ),
        (
            "a date in the future",
            visit_of(&p1.id, json!({ "visitedOn": far.to_string() })),
            "VALIDATION",
            Some("IN_FUTURE"),
        ),
        (
            "not a date",
            visit_of(&p1.id, json!({ "visitedOn": "next week" })),
            "VALIDATION",
            None,
        ),
        (
            "an administration listed twice",
            visit_of(&p1.id, json!({ "administrationIds": [a1, a1] })),
            "VALIDATION",
            Some("BAD_LIST"),
        ),
        (
            "another patient's administration",
            visit_of(&p2.id, json!({})),
            "VALIDATION",
            Some("NOT_PATIENTS_ADMINISTRATION"),
        ),
        (
            "an unknown administration",
            visit_of(&p1.id, json!({ "administrationIds": [unknown] })),
            "NOT_FOUND",
            Some("NOT_FOUND"),
        ),
        (
            "an unknown patient",
            visit_of(&unknown, json!({ "administrationIds": [] })),
            "NOT_FOUND",
            Some("NOT_FOUND"),
        ),
    ];
    for (what, variables, code, reason) in visit_cases {
        println!("visit: {what}");
        assert_refused_unwritten(
            server,
            &clinician,
            clinical_flow::RECORD_VISIT,
            variables,
            code,
            reason,
        )
        .await;
    }

    let event_of = |patient: &str, changes: Value| {
        let mut input = adverse_event_input(patient, &[&a1], "Headache", 1, false, yesterday);
        if let (Some(input), Some(changes)) = (input.as_object_mut(), changes.as_object()) {
            for (field, value) in changes {
                input.insert(field.clone(), value.clone());
            }
        }
        json!({ "e": input })
    };
    let event_cases: Vec<(&str, Value, &str, Option<&str>)> = vec![
        (
            "grade 0",
            event_of(&p1.id, json!({ "grade": 0 })),
            "VALIDATION",
            Some("INVALID_VALUE"),
        ),
        (
            "grade 6",
            event_of(&p1.id, json!({ "grade": 6 })),
            "VALIDATION",
            Some("INVALID_VALUE"),
        ),
        (
            "grade -1",
            event_of(&p1.id, json!({ "grade": -1 })),
            "VALIDATION",
            Some("INVALID_VALUE"),
        ),
        (
            "grade 5 not serious",
            event_of(&p1.id, json!({ "grade": 5, "serious": false })),
            "VALIDATION",
            Some("GRADE5_NOT_SERIOUS"),
        ),
        (
            "an empty term",
            event_of(&p1.id, json!({ "term": "" })),
            "VALIDATION",
            Some("INVALID_VALUE"),
        ),
        (
            "onset in the future",
            event_of(&p1.id, json!({ "onsetOn": far.to_string() })),
            "VALIDATION",
            Some("IN_FUTURE"),
        ),
        (
            "resolution before onset",
            event_of(
                &p1.id,
                json!({ "resolvedOn": minus_days(yesterday, 1).to_string() }),
            ),
            "VALIDATION",
            Some("RESOLUTION_BEFORE_ONSET"),
        ),
        (
            "resolution in the future",
            event_of(&p1.id, json!({ "resolvedOn": far.to_string() })),
            "VALIDATION",
            Some("IN_FUTURE"),
        ),
        (
            "an unknown relatedness",
            event_of(&p1.id, json!({ "relatedness": "MAYBE" })),
            "VALIDATION",
            None,
        ),
        (
            "another patient's administration",
            event_of(&p2.id, json!({})),
            "VALIDATION",
            Some("NOT_PATIENTS_ADMINISTRATION"),
        ),
        (
            "an unknown patient",
            event_of(&unknown, json!({ "administrationIds": [] })),
            "NOT_FOUND",
            Some("NOT_FOUND"),
        ),
    ];
    for (what, variables, code, reason) in event_cases {
        println!("adverse event: {what}");
        assert_refused_unwritten(
            server,
            &clinician,
            clinical_flow::RECORD_ADVERSE_EVENT,
            variables,
            code,
            reason,
        )
        .await;
    }

    // Only clinicians record follow-up; nobody anonymous.
    for token in [&lot.qa, &lot.analyst, &lot.tech, &lot.auditor] {
        assert_refused_unwritten(
            server,
            token,
            clinical_flow::RECORD_VISIT,
            visit_of(&p1.id, json!({})),
            "FORBIDDEN",
            None,
        )
        .await;
        assert_refused_unwritten(
            server,
            token,
            clinical_flow::RECORD_ADVERSE_EVENT,
            event_of(&p1.id, json!({})),
            "FORBIDDEN",
            None,
        )
        .await;
    }
    let size = ledger_size(server).await;
    let anonymous = server
        .gql(
            None,
            clinical_flow::RECORD_VISIT,
            visit_of(&p1.id, json!({})),
        )
        .await;
    assert_eq!(
        anonymous.error_code(),
        "UNAUTHENTICATED",
        "{}",
        anonymous.body
    );
    assert_eq!(ledger_size(server).await, size);

    // Resolution: unknown, before onset, in the future, twice.
    let headache = try_adverse_event(
        server,
        &clinician,
        adverse_event_input(&p1.id, &[&a1], "Headache", 1, false, yesterday),
    )
    .await;
    let headache = text(&headache.data()["recordAdverseEvent"]["id"]);
    for (what, id, on, code, reason) in [
        (
            "unknown",
            unknown.as_str(),
            today(),
            "NOT_FOUND",
            "NOT_FOUND",
        ),
        (
            "before onset",
            headache.as_str(),
            minus_days(yesterday, 1),
            "VALIDATION",
            "RESOLUTION_BEFORE_ONSET",
        ),
        (
            "in the future",
            headache.as_str(),
            far,
            "VALIDATION",
            "IN_FUTURE",
        ),
    ] {
        println!("resolution: {what}");
        assert_refused_unwritten(
            server,
            &clinician,
            RESOLVE_ADVERSE_EVENT,
            json!({ "id": id, "on": on.to_string() }),
            code,
            Some(reason),
        )
        .await;
    }
    let resolved = server
        .gql(
            Some(&clinician),
            RESOLVE_ADVERSE_EVENT,
            json!({ "id": headache, "on": today().to_string() }),
        )
        .await;
    assert_eq!(
        resolved.data()["resolveAdverseEvent"]["resolvedOn"],
        json!(today().to_string())
    );
    assert_refused_unwritten(
        server,
        &clinician,
        RESOLVE_ADVERSE_EVENT,
        json!({ "id": headache, "on": today().to_string() }),
        "CONFLICT",
        Some("ALREADY_RESOLVED"),
    )
    .await;

    // A visit recorded today, after all that, still links as it should.
    let fine = visit(server, &clinician, &p1.id, &[&a1], today(), 4, "10", None).await;
    assert_eq!(fine["administrationIds"], json!([a1]));
    assert_ledger_verifies(server, &lot.auditor).await;
    lot.finish().await;
}

/// `Patient.followUps`, as `token` reads it.
async fn follow_ups(server: &TestServer, token: &str, patient_id: &str) -> Value {
    let read = server
        .gql(
            Some(token),
            "query($id: UUID!) { patient(id: $id) { followUps { months targetOn windowFrom \
             windowTo state visitedOn } } }",
            json!({ "id": patient_id }),
        )
        .await;
    read.data()["patient"]["followUps"].clone()
}

/// The 3, 6 and 12 month follow-ups of a patient with day 0 `day0`, in `states`, the one at
/// `done` months (if any) met by a visit on `visited_on`.
fn expected_follow_ups(
    day0: NaiveDate,
    states: [&str; 3],
    done: Option<(u32, NaiveDate)>,
) -> Value {
    let points: Vec<Value> = [3, 6, 12]
        .into_iter()
        .zip(states)
        .map(|(months, state)| {
            let target = plus_months(day0, months);
            let visited_on = done
                .filter(|(at, _)| *at == months)
                .map(|(_, on)| on.to_string());
            json!({
                "months": months,
                "targetOn": target.to_string(),
                "windowFrom": minus_days(target, 30).to_string(),
                "windowTo": plus_days(target, 30).to_string(),
                "state": state,
                "visitedOn": visited_on,
            })
        })
        .collect();
    Value::Array(points)
}

#[tokio::test]
async fn follow_ups_show_each_time_point_and_a_visit_in_its_window_meets_it() {
    let lot = ReleaseLot::start(Eligibility::Eligible).await;
    let server = &lot.server;
    release_first(&lot).await;
    let (lot2, lot2_units) = lot.another_lot('C').await;
    release_other(&lot, &lot2).await;
    let clinician_id = server.add_user("clinician.one", &[Role::Clinician]).await;
    let clinician = server.login("clinician.one", PASSWORD).await;

    // Not yet given anything: no schedule.
    let fresh = patient(server, &clinician, "WB-A9990-0301", "75").await;
    assert_eq!(follow_ups(server, &clinician, &fresh.id).await, json!([]));

    // Given a unit now, through the API: every time point is still to come.
    treat(server, &clinician, &fresh, 1_000_000, &lot.unit_ids[0]).await;
    let (_, day0) = only_administration(server, &clinician, &fresh.id).await;
    assert_eq!(
        follow_ups(server, &clinician, &fresh.id).await,
        expected_follow_ups(day0, ["UPCOMING", "UPCOMING", "UPCOMING"], None)
    );

    // Given a unit 100 days ago: the 3-month visit is due (its window is open), the others
    // are to come. A visit on day 0 is a baseline and meets nothing.
    let due = patient(server, &clinician, "WB-A9990-0302", "75").await;
    prepare(server, &clinician, &due, 1_000_000, &lot.unit_ids[1]).await;
    let check = bedside_check(server, &clinician, &lot.unit_ids[1], &due.wristband).await;
    assert_eq!(check["ok"], true, "{check}");
    administer_days_ago(server, clinician_id, &lot.unit_ids[1], &due.id, 100).await;
    let (given, day0) = only_administration(server, &clinician, &due.id).await;
    visit(server, &clinician, &due.id, &[], day0, 12, "30", None).await;
    assert_eq!(
        follow_ups(server, &clinician, &due.id).await,
        expected_follow_ups(day0, ["DUE", "UPCOMING", "UPCOMING"], None)
    );
    // A visit in the 3-month window (five days before its target, so in the past) meets it.
    let visited_on = minus_days(plus_months(day0, 3), 5);
    assert!(visited_on < today(), "{visited_on}");
    visit(
        server,
        &clinician,
        &due.id,
        &[&given],
        visited_on,
        6,
        "15",
        None,
    )
    .await;
    let done = follow_ups(server, &clinician, &due.id).await;
    assert_eq!(
        done,
        expected_follow_ups(
            day0,
            ["DONE", "UPCOMING", "UPCOMING"],
            Some((3, visited_on))
        )
    );

    // Given a unit 400 days ago and never seen since: every window has closed. A visit near
    // 6 months meets that one only.
    let lapsed = patient(server, &clinician, "WB-A9990-0303", "75").await;
    prepare(server, &clinician, &lapsed, 1_000_000, &lot2_units[0]).await;
    let check = bedside_check(server, &clinician, &lot2_units[0], &lapsed.wristband).await;
    assert_eq!(check["ok"], true, "{check}");
    administer_days_ago(server, clinician_id, &lot2_units[0], &lapsed.id, 400).await;
    let (given, day0) = only_administration(server, &clinician, &lapsed.id).await;
    assert_eq!(
        follow_ups(server, &clinician, &lapsed.id).await,
        expected_follow_ups(day0, ["OVERDUE", "OVERDUE", "OVERDUE"], None)
    );
    let near_six = plus_days(plus_months(day0, 6), 12);
    visit(
        server,
        &clinician,
        &lapsed.id,
        &[&given],
        near_six,
        4,
        "10",
        None,
    )
    .await;
    assert_eq!(
        follow_ups(server, &clinician, &lapsed.id).await,
        expected_follow_ups(day0, ["OVERDUE", "DONE", "OVERDUE"], Some((6, near_six)))
    );

    // Read as patients are: QA and auditors see the same; analysts and technicians read no
    // patient at all. A list of patients carries each one's schedule.
    for token in [&lot.qa, &lot.auditor] {
        assert_eq!(follow_ups(server, token, &due.id).await, done);
    }
    for token in [&lot.analyst, &lot.tech] {
        let refused = server
            .gql(
                Some(token),
                "query($id: UUID!) { patient(id: $id) { followUps { state } } }",
                json!({ "id": due.id }),
            )
            .await;
        assert_eq!(refused.error_code(), "FORBIDDEN", "{}", refused.body);
    }
    let listed = server
        .gql(
            Some(&clinician),
            "{ patients { key followUps { months state visitedOn } } }",
            json!({}),
        )
        .await;
    let states: Vec<(String, Vec<String>)> = listed.data()["patients"]
        .as_array()
        .expect("patients")
        .iter()
        .map(|patient| {
            let states = patient["followUps"]
                .as_array()
                .expect("follow-ups")
                .iter()
                .map(|point| text(&point["state"]))
                .collect();
            (text(&patient["key"]), states)
        })
        .collect();
    let mut expected = vec![
        (fresh.key.clone(), vec!["UPCOMING", "UPCOMING", "UPCOMING"]),
        (due.key.clone(), vec!["DONE", "UPCOMING", "UPCOMING"]),
        (lapsed.key.clone(), vec!["OVERDUE", "DONE", "OVERDUE"]),
    ];
    expected.sort();
    let expected: Vec<(String, Vec<String>)> = expected
        .into_iter()
        .map(|(key, states)| (key, states.into_iter().map(str::to_owned).collect()))
        .collect();
    assert_eq!(states, expected, "{}", listed.body);

    assert_ledger_verifies(server, &lot.auditor).await;
    lot.finish().await;
}
