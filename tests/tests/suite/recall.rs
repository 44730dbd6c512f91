//! Look-back and recall over GraphQL and HTTP, on SQLite or PostgreSQL: from a donor, a
//! donation or a lot to every lot and unit downstream by status and every patient who received
//! one; a signed QA recall that holds or recalls everything not yet given in one transaction
//! and names the patients to contact; a bedside check of a recalled unit refused at once; and
//! refusals (role, signature, reason, unknown source) that write nothing.

use crate::clinical_flow;

use std::collections::{BTreeMap, BTreeSet};

use clinical_flow::{
    assert_refused_unwritten, bedside_check, counts_by_status, from, lookback, lot_statuses,
    patient, prepare, recall_query, release_first, sorted, sorted_strings, text, treat,
    try_administer, try_lookback, try_recall, unit_statuses,
};
use cordtrace_domain::Role;
use cordtrace_tests::fixtures::{Bench, Eligibility, ledger_size};
use cordtrace_tests::release_fixtures::{
    ReleaseLot, assert_ledger_verifies, fill_and_complete, statuses,
};
use cordtrace_tests::{PASSWORD, all_entries};
use serde_json::{Value, json};

const REASON: &str = "late reactive HIV-1 NAT on the birth mother's archived sample";

/// What a recall moves a lot of `status` to (unchanged when `None`).
fn lot_target(status: &str) -> Option<&'static str> {
    match status {
        "RELEASED" => Some("RECALLED"),
        "IN_PROCESS" | "QUARANTINE" => Some("ON_HOLD"),
        _ => None,
    }
}

#[tokio::test]
async fn a_recall_from_a_donor_holds_or_recalls_everything_not_given_and_names_the_patients() {
    let lot = ReleaseLot::start(Eligibility::Eligible).await;
    let server = &lot.server;
    // Lot 1 of the donor is released with units U1 and U2.
    release_first(&lot).await;
    let dp1 = lot.lot_id.clone();
    let (u1, u2) = (lot.unit_ids[0].clone(), lot.unit_ids[1].clone());
    // Lot 2 of the same donor, formulated from the same drug substance, waits in QUARANTINE.
    let bench = Bench {
        server,
        token: lot.tech.clone(),
        equipment: Vec::new(),
        materials: Vec::new(),
    };
    let dp2 = bench.formulate(&[&lot.substance_id]).await;
    let (dp2_units, _) = fill_and_complete(server, &lot.tech, &dp2, 'C').await;
    // Another donor's lot must not be touched.
    let (other_lot, other_units) = lot.another_lot('E').await;

    // U1 is given to patient 1; U2 is allocated to patient 2, thawed and checked, not yet given.
    let clinician = server.user_token("clinician.one", &[Role::Clinician]).await;
    let analyst = lot.analyst.clone();
    let p1 = patient(server, &clinician, "WB-A9990-0001", "75").await;
    let treated = treat(server, &clinician, &p1, 1_000_000, &u1).await;
    let administration_id = text(&treated.administration["id"]);
    let p2 = patient(server, &clinician, "WB-A9990-0002", "75").await;
    let order2 = prepare(server, &clinician, &p2, 1_000_000, &u2).await;
    let check = bedside_check(server, &clinician, &u2, &p2.wristband).await;
    assert_eq!(check["ok"], true, "{check}");

    // Look-back from the donor, before the recall: every lot of hers, each unit by status, and
    // patient 1 with the date of the infusion.
    let donor = lot.donor.donor_id.to_string();
    let before = lookback(server, &analyst, from("donorId", &donor)).await;
    let lots_before = lot_statuses(&before);
    assert_eq!(lots_before.get(&dp1).map(String::as_str), Some("RELEASED"));
    assert_eq!(
        lots_before.get(&dp2).map(String::as_str),
        Some("QUARANTINE")
    );
    assert_eq!(
        lots_before.get(&lot.substance_id).map(String::as_str),
        Some("IN_PROCESS")
    );
    assert!(
        lots_before.len() >= 6,
        "tissue, culture, passage, substance and two products: {before}"
    );
    assert!(!lots_before.contains_key(&other_lot), "{before}");
    let units_before = unit_statuses(&before);
    let expected_units: BTreeMap<String, String> = [
        (u1.clone(), "ADMINISTERED"),
        (u2.clone(), "RELEASED"),
        (dp2_units[0].clone(), "QUARANTINE"),
        (dp2_units[1].clone(), "QUARANTINE"),
    ]
    .into_iter()
    .map(|(id, status)| (id, status.to_owned()))
    .collect();
    assert_eq!(units_before, expected_units);
    assert_eq!(
        counts_by_status(&before["unitsByStatus"]),
        BTreeMap::from([
            ("ADMINISTERED".to_owned(), 1),
            ("QUARANTINE".to_owned(), 2),
            ("RELEASED".to_owned(), 1),
        ])
    );
    let unit_u2 = before["units"]
        .as_array()
        .and_then(|units| units.iter().find(|unit| unit["id"] == json!(u2)))
        .expect("U2 is listed");
    assert_eq!(unit_u2["allocatedToOrder"], json!(order2));
    assert!(unit_u2["administration"].is_null());
    let patients = before["patients"].as_array().expect("patients");
    assert_eq!(patients.len(), 1, "{before}");
    assert_eq!(patients[0]["patientId"], json!(p1.id));
    assert_eq!(patients[0]["patientKey"], json!(p1.key));
    let exposure = &patients[0]["administrations"][0];
    assert_eq!(exposure["administrationId"], json!(administration_id));
    assert_eq!(exposure["unitId"], json!(u1));
    assert_eq!(exposure["lotId"], json!(dp1));
    assert_eq!(exposure["startedAt"], treated.administration["startedAt"]);
    assert_eq!(exposure["endedAt"], treated.administration["endedAt"]);

    // The downstream lineage from the donor lists the same administration, by patient key, to
    // those who read administrations (QA here); an analyst gets the count and null there.
    let response = server
        .gql(
            Some(&lot.qa),
            "query($from: DownstreamFrom!) { downstream(from: $from) { administrationCount \
                administrations(first: 10) { nodes { id unit { id } patientKey } } } }",
            json!({ "from": from("donorId", &donor) }),
        )
        .await;
    let downstream = &response.data()["downstream"];
    assert_eq!(downstream["administrationCount"], 1, "{}", response.body);
    let given = &downstream["administrations"]["nodes"];
    assert_eq!(given.as_array().map(Vec::len), Some(1), "{given}");
    assert_eq!(given[0]["id"], json!(administration_id));
    assert_eq!(given[0]["unit"]["id"], json!(u1));
    assert_eq!(given[0]["patientKey"], json!(p1.key));
    let response = server
        .gql(
            Some(&analyst),
            "query($from: DownstreamFrom!) { downstream(from: $from) { administrationCount \
                administrations(first: 10) { nodes { id weightKg } } } }",
            json!({ "from": from("donorId", &donor) }),
        )
        .await;
    assert_eq!(
        response.body["data"]["downstream"]["administrationCount"],
        1
    );
    assert!(response.body["data"]["downstream"]["administrations"].is_null());
    assert_eq!(response.error_code(), "FORBIDDEN", "{}", response.body);
    assert_eq!(
        response.body["errors"][0]["path"],
        json!(["downstream", "administrations"])
    );

    // The same lots from her donation; from lot 1, only lot 1 and its units.
    let by_donation = lookback(
        server,
        &analyst,
        from("donationId", &lot.donor.donation_id.to_string()),
    )
    .await;
    assert_eq!(lot_statuses(&by_donation), lots_before);
    let by_lot = lookback(server, &clinician, from("lotId", &dp1)).await;
    assert_eq!(
        lot_statuses(&by_lot).into_keys().collect::<Vec<_>>(),
        vec![dp1.clone()]
    );
    assert_eq!(
        unit_statuses(&by_lot).into_keys().collect::<Vec<_>>(),
        sorted(&[&u1, &u2])
    );
    assert_eq!(by_lot["patients"][0]["patientId"], json!(p1.id));

    // Refusals write nothing (a wrong signature password writes only its failure).
    let qa = lot.qa.clone();
    let recall_variables = |from: Value, reason: &str, password: &str, meaning: &str| {
        json!({
            "f": from,
            "r": reason,
            "s": { "password": password, "meaning": meaning },
        })
    };
    for token in [&clinician, &analyst, &lot.tech, &lot.auditor] {
        assert_refused_unwritten(
            server,
            token,
            &recall_query(),
            recall_variables(from("donorId", &donor), REASON, PASSWORD, "APPROVAL"),
            "FORBIDDEN",
            None,
        )
        .await;
    }
    assert_refused_unwritten(
        server,
        &qa,
        &recall_query(),
        recall_variables(from("donorId", &donor), "", PASSWORD, "APPROVAL"),
        "VALIDATION",
        Some("INVALID_VALUE"),
    )
    .await;
    assert_refused_unwritten(
        server,
        &qa,
        &recall_query(),
        recall_variables(from("donorId", &donor), REASON, PASSWORD, "REVIEW"),
        "VALIDATION",
        Some("WRONG_SIGNATURE_MEANING"),
    )
    .await;
    let unknown = uuid::Uuid::now_v7().to_string();
    for kind in ["donorId", "donationId", "materialLotId", "lotId"] {
        assert_refused_unwritten(
            server,
            &qa,
            &recall_query(),
            recall_variables(from(kind, &unknown), REASON, PASSWORD, "APPROVAL"),
            "NOT_FOUND",
            None,
        )
        .await;
        assert_refused_unwritten(
            server,
            &analyst,
            "query($f: DownstreamFrom!) { lookback(from: $f) { lots { id } } }",
            json!({ "f": from(kind, &unknown) }),
            "NOT_FOUND",
            None,
        )
        .await;
    }
    // Exactly one source: none or two are refused before anything is read.
    for bad in [json!({}), json!({ "donorId": donor, "lotId": dp1 })] {
        let refused = try_lookback(server, &analyst, bad.clone()).await;
        assert!(!refused.error_codes().is_empty(), "{}", refused.body);
        assert!(refused.body["data"].is_null(), "{}", refused.body);
        assert_refused_unwritten(
            server,
            &qa,
            &recall_query(),
            recall_variables(bad, REASON, PASSWORD, "APPROVAL"),
            "VALIDATION",
            None,
        )
        .await;
    }
    assert_refused_unwritten(
        server,
        &lot.tech,
        "query($f: DownstreamFrom!) { lookback(from: $f) { lots { id } } }",
        json!({ "f": from("donorId", &donor) }),
        "FORBIDDEN",
        None,
    )
    .await;
    let size = ledger_size(server).await;
    let wrong = try_recall(
        server,
        &qa,
        from("donorId", &donor),
        REASON,
        "not the password",
    )
    .await;
    assert_eq!(wrong.error_code(), "FORBIDDEN", "{}", wrong.body);
    assert!(
        wrong
            .reason_codes()
            .contains(&"SIGNATURE_REJECTED".to_owned()),
        "{}",
        wrong.body
    );
    assert_eq!(ledger_size(server).await, size + 1);
    let database = server.store_database().await;
    let entries = all_entries(&database).await;
    database.close().await.expect("the database closes");
    assert_eq!(
        entries.last().map(|e| e.body().action.as_str().to_owned()),
        Some("user.authentication_failed".to_owned())
    );
    let unchanged = lookback(server, &analyst, from("donorId", &donor)).await;
    assert_eq!(lot_statuses(&unchanged), lots_before);
    assert_eq!(unit_statuses(&unchanged), units_before);

    // The recall: one transaction, its own signed entry then one entry per lot and unit moved.
    let size = ledger_size(server).await;
    let recalled = try_recall(server, &qa, from("donorId", &donor), REASON, PASSWORD).await;
    let recalled = recalled.data()["recall"].clone();
    let expected_lots: BTreeMap<String, String> = lots_before
        .iter()
        .map(|(id, status)| {
            let after = lot_target(status).unwrap_or(status.as_str());
            (id.clone(), after.to_owned())
        })
        .collect();
    let changed_lots: Vec<String> = lots_before
        .iter()
        .filter(|(_, status)| lot_target(status).is_some())
        .map(|(id, _)| id.clone())
        .collect();
    assert_eq!(sorted_strings(&recalled["lotsChanged"]), changed_lots);
    assert!(changed_lots.contains(&dp1) && changed_lots.contains(&dp2));
    assert_eq!(
        sorted_strings(&recalled["unitsChanged"]),
        sorted(&[&u2, &dp2_units[0], &dp2_units[1]])
    );
    let contact = recalled["patientsToContact"].as_array().expect("patients");
    assert_eq!(contact.len(), 1, "{recalled}");
    assert_eq!(contact[0]["patientId"], json!(p1.id));
    assert_eq!(contact[0]["patientKey"], json!(p1.key));
    assert_eq!(
        contact[0]["administrations"][0]["administrationId"],
        json!(administration_id)
    );
    assert_eq!(
        contact[0]["administrations"][0]["startedAt"],
        treated.administration["startedAt"]
    );
    let after = &recalled["lookback"];
    assert_eq!(lot_statuses(after), expected_lots);
    assert_eq!(expected_lots[&dp1], "RECALLED");
    assert_eq!(expected_lots[&dp2], "ON_HOLD");
    assert_eq!(expected_lots[&lot.substance_id], "ON_HOLD");
    let expected_units: BTreeMap<String, String> = [
        (u1.clone(), "ADMINISTERED"),
        (u2.clone(), "RECALLED"),
        (dp2_units[0].clone(), "ON_HOLD"),
        (dp2_units[1].clone(), "ON_HOLD"),
    ]
    .into_iter()
    .map(|(id, status)| (id, status.to_owned()))
    .collect();
    assert_eq!(unit_statuses(after), expected_units);
    assert_eq!(
        counts_by_status(&after["unitsByStatus"]),
        BTreeMap::from([
            ("ADMINISTERED".to_owned(), 1),
            ("ON_HOLD".to_owned(), 2),
            ("RECALLED".to_owned(), 1),
        ])
    );
    let lot_counts = counts_by_status(&after["lotsByStatus"]);
    assert_eq!(lot_counts.get("RECALLED"), Some(&1));
    assert_eq!(lot_counts.values().sum::<u64>(), lots_before.len() as u64);

    let moved = changed_lots.len() + 3;
    assert_eq!(
        ledger_size(server).await,
        size + 1 + i64::try_from(moved).expect("a small count")
    );
    let database = server.store_database().await;
    let entries = all_entries(&database).await;
    database.close().await.expect("the database closes");
    let new: Vec<_> = entries
        .iter()
        .filter(|entry| i64::try_from(entry.seq()).is_ok_and(|seq| seq > size))
        .collect();
    assert_eq!(new[0].body().action.as_str(), "recall.initiated");
    assert!(new[0].body().signature.is_some(), "the recall is signed");
    let actions: BTreeSet<&str> = new[1..]
        .iter()
        .map(|entry| entry.body().action.as_str())
        .collect();
    assert_eq!(
        actions,
        BTreeSet::from(["lot.status_changed", "unit.status_changed"])
    );
    assert!(
        new.iter()
            .all(|entry| entry.body().recorded_at == new[0].body().recorded_at),
        "one command, one time"
    );

    // The same through the other reads: the lot and its units, the other donor's lot untouched.
    assert_eq!(
        statuses(server, &qa, &dp1, &lot.unit_ids).await,
        (
            "RECALLED".to_owned(),
            vec!["ADMINISTERED".to_owned(), "RECALLED".to_owned()]
        )
    );
    assert_eq!(
        statuses(server, &qa, &other_lot, &other_units).await,
        ("QUARANTINE".to_owned(), vec!["QUARANTINE".to_owned(); 2])
    );

    // U2 was checked before the recall; its infusion is refused now, and writes nothing.
    let size = ledger_size(server).await;
    let refused = try_administer(server, &clinician, &u2, &p2.id, PASSWORD).await;
    assert_eq!(refused.error_code(), "CONFLICT", "{}", refused.body);
    assert!(
        refused.reason_codes().contains(&"NOT_RELEASED".to_owned()),
        "{}",
        refused.body
    );
    assert_eq!(ledger_size(server).await, size);
    // A new bedside check of U2 is refused at once, for the recall alone; it is recorded.
    let check = bedside_check(server, &clinician, &u2, &p2.wristband).await;
    assert_eq!(check["ok"], false, "{check}");
    assert_eq!(check["codes"], json!(["ON_HOLD_OR_RECALLED"]), "{check}");
    assert_eq!(check["facts"]["unitId"], json!(u2));
    assert_eq!(ledger_size(server).await, size + 1);
    // And so is a check of a held unit of lot 2, whoever's wristband is scanned.
    let held = bedside_check(server, &clinician, &dp2_units[0], &p2.wristband).await;
    assert_eq!(held["ok"], false, "{held}");
    assert!(
        held["codes"]
            .as_array()
            .is_some_and(|codes| codes.contains(&json!("ON_HOLD_OR_RECALLED"))),
        "{held}"
    );

    // A recall from a lot already recalled moves nothing more but still names the patients.
    let again = try_recall(server, &qa, from("lotId", &dp1), REASON, PASSWORD).await;
    let again = &again.data()["recall"];
    assert_eq!(again["lotsChanged"], json!([]));
    assert_eq!(again["unitsChanged"], json!([]));
    assert_eq!(again["patientsToContact"][0]["patientId"], json!(p1.id));

    assert_ledger_verifies(server, &lot.auditor).await;
    lot.finish().await;
}
