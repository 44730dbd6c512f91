//! The whole life of a product, every step through GraphQL over HTTP, on SQLite or PostgreSQL:
//! donor, consent, screening, eligibility, donation, receipt, processing steps with a material
//! lot and equipment, units, release testing and signed release, order, allocation, thaw,
//! bedside check, signed administration, follow-up, outcome summary, look-back, signed recall,
//! and verification of the ledger from the database, over GraphQL and offline from an export.

use crate::clinical_flow;
use crate::intake_common;

use chrono::{Days, Utc};
use clinical_flow::{
    adverse_event, bedside_check, counts_by_status, from, lookback, lot_statuses, measure,
    outcome_summary, patient, prepare, sorted_strings, text, today, treat, try_recall,
    unit_statuses, visit,
};
use cordtrace_domain::Role;
use cordtrace_ledger::verify_export;
use cordtrace_store::ledger::{export, verify};
use cordtrace_tests::fixtures::{Bench, ledger_size, try_fill, unit_input};
use cordtrace_tests::release_fixtures::{
    PASSING, begin_testing, blocker_codes, import_default, record, release, signature, statuses,
};
use cordtrace_tests::{PASSWORD, TestServer};
use intake_common::{
    DETERMINE, RECEIVE, consented_donor, determination, receipt_input, register_donation,
    screen_whole_panel, ward_time,
};
use serde_json::json;

/// A mutation as `token`, failing the test if it is refused; returns `data[field]`.
async fn run(
    server: &TestServer,
    token: &str,
    query: &str,
    variables: serde_json::Value,
    field: &str,
) -> serde_json::Value {
    server.gql(Some(token), query, variables).await.data()[field].clone()
}

#[tokio::test]
async fn a_cord_goes_from_donor_to_patient_and_back_and_the_ledger_verifies() {
    let server = intake_common::server().await;
    let admin = server.user_token("admin.one", &[Role::Admin]).await;
    let tech = server.user_token("tech.one", &[Role::Technician]).await;
    let qa = server.user_token("qa.one", &[Role::Qa]).await;
    let analyst = server.user_token("analyst.one", &[Role::Analyst]).await;
    let clinician = server.user_token("clinician.one", &[Role::Clinician]).await;
    let auditor = server.user_token("auditor.one", &[Role::Auditor]).await;

    // Master data: the product code, a released reagent lot, calibrated equipment.
    let product = run(
        &server,
        &admin,
        "mutation($c: String!, $d: String!) { defineProduct(code: $c, description: $d) { code } }",
        json!({ "c": "S1001", "d": "UC-MSC drug product, cryopreserved (test)" }),
        "defineProduct",
    )
    .await;
    assert_eq!(product["code"], "S1001");
    let reagent = run(
        &server,
        &tech,
        "mutation($l: MaterialLotInput!) { registerMaterialLot(lot: $l) { id qcStatus } }",
        json!({ "l": {
            "material": "human platelet lysate",
            "supplier": "Invented Supplies Ltd",
            "supplierLot": "HPL-TEST-0001",
            "expiresOn": (today() + Days::new(365)).to_string(),
        }}),
        "registerMaterialLot",
    )
    .await;
    let reagent_id = text(&reagent["id"]);
    let qc = run(
        &server,
        &qa,
        "mutation($id: UUID!, $sig: SignatureInput!) { setMaterialQcStatus(materialLotId: $id, \
         status: RELEASED, signature: $sig) { qcStatus } }",
        json!({ "id": reagent_id, "sig": signature("APPROVAL") }),
        "setMaterialQcStatus",
    )
    .await;
    assert_eq!(qc["qcStatus"], "RELEASED");
    let cabinet = run(
        &server,
        &tech,
        "mutation($e: EquipmentInput!) { registerEquipment(equipment: $e) { id } }",
        json!({ "e": {
            "assetTag": "BSC-TEST-01",
            "kind": "biosafety cabinet",
            "calibrationDue": (today() + Days::new(180)).to_string(),
        }}),
        "registerEquipment",
    )
    .await;

    // The donor: consent, the whole screening panel, a cord donation, its receipt, eligibility.
    let donor_id = consented_donor(&server, &tech, "Invented Birth Mother").await;
    let collected = ward_time(-30);
    let donation = register_donation(
        &server,
        &tech,
        &donor_id,
        json!({ "assign": true }),
        collected,
    )
    .await;
    let donation_id = text(&donation["id"]);
    assert!(text(&donation["din"]).starts_with("A9999"));
    screen_whole_panel(&server, &tech, &donor_id, collected.date_naive()).await;
    let received = run(
        &server,
        &tech,
        RECEIVE,
        receipt_input(&donation_id, ward_time(-24), "4.5"),
        "receiveDonation",
    )
    .await;
    assert_eq!(received["receipt"]["overTimeLimit"], false);
    let determined = run(
        &server,
        &qa,
        DETERMINE,
        determination(&donor_id, "ELIGIBLE", &[], PASSWORD),
        "determineEligibility",
    )
    .await;
    assert_eq!(determined["eligibility"]["status"], "ELIGIBLE");

    // Processing: tissue, explant, passage, harvest, formulation, each step with the reagent
    // lot and the cabinet; two bags filled and the lot completed to QUARANTINE.
    let bench = Bench {
        server: &server,
        token: tech.clone(),
        equipment: vec![text(&cabinet["id"])],
        materials: vec![reagent_id.clone()],
    };
    let donation_uuid = uuid::Uuid::parse_str(&donation_id).expect("a donation id");
    let expanded = bench
        .expanded(cordtrace_domain::ids::DonationId::from_uuid(donation_uuid))
        .await;
    let substance = bench.harvest(&expanded).await;
    let product_lot = bench.formulate(&[&substance]).await;
    let filled = try_fill(
        &server,
        &tech,
        &product_lot,
        vec![unit_input("S1001VA0", "P01"), unit_input("S1001VB0", "P02")],
    )
    .await;
    let units: Vec<String> = filled.data()["fillUnits"]["units"]
        .as_array()
        .expect("units")
        .iter()
        .map(|unit| text(&unit["id"]))
        .collect();
    assert_eq!(units.len(), 2);
    assert_eq!(filled.data()["fillUnits"]["din"], donation["din"]);
    let completed = run(
        &server,
        &tech,
        "mutation($id: UUID!) { completeLot(lotId: $id) { status } }",
        json!({ "id": product_lot }),
        "completeLot",
    )
    .await;
    assert_eq!(completed["status"], "QUARANTINE");

    // Release: the default specification, every result, QA's signed release.
    import_default(&server, &qa).await.data();
    begin_testing(&server, &analyst, &product_lot).await.data();
    for (code, value, unit) in PASSING {
        let recorded = record(&server, &analyst, &product_lot, code, value, unit).await;
        assert_eq!(
            recorded.data()["recordTestResult"]["result"]["evaluation"],
            "PASS"
        );
    }
    assert!(blocker_codes(&server, &qa, &product_lot).await.is_empty());
    let released = release(&server, &qa, &product_lot, signature("APPROVAL")).await;
    assert_eq!(released.data()["releaseLot"]["decision"], "RELEASE");
    assert_eq!(
        statuses(&server, &qa, &product_lot, &units).await,
        ("RELEASED".to_owned(), vec!["RELEASED".to_owned(); 2])
    );

    // The clinic: patient 1 weighed, ordered, the first bag allocated, thawed, checked at the
    // bedside and given, signed.
    let p1 = patient(&server, &clinician, "WB-A9999-0001", "75").await;
    let treated = treat(&server, &clinician, &p1, 1_000_000, &units[0]).await;
    let given = &treated.administration;
    assert_eq!(given["unitId"], json!(units[0]));
    assert_eq!(given["lotId"], json!(product_lot));
    assert_eq!(given["patientKey"], json!(p1.key));
    assert_eq!(given["orderId"], json!(treated.order_id));
    assert_eq!(given["cellsPerKg"], 1_000_000);
    assert_eq!(given["weightKg"], "75");
    assert_eq!(given["unit"]["din"], donation["din"]);
    let administration_id = text(&given["id"]);
    let order = run(
        &server,
        &clinician,
        "query($id: UUID!) { order(id: $id) { status administrationIds } }",
        json!({ "id": treated.order_id }),
        "order",
    )
    .await;
    assert_eq!(order["status"], "COMPLETED");
    assert_eq!(order["administrationIds"], json!([administration_id]));
    // Patient 2 gets the second bag ready, not yet given.
    let p2 = patient(&server, &clinician, "WB-A9999-0002", "75").await;
    prepare(&server, &clinician, &p2, 1_000_000, &units[1]).await;

    // Follow-up: a baseline visit before, one after, an infusion reaction.
    let day0 = chrono::DateTime::parse_from_rfc3339(&text(&given["startedAt"]))
        .expect("a time")
        .with_timezone(&Utc)
        .date_naive();
    visit(
        &server,
        &clinician,
        &p1.id,
        &[],
        day0 - Days::new(7),
        12,
        "30",
        Some("2.5"),
    )
    .await;
    let followed = visit(
        &server,
        &clinician,
        &p1.id,
        &[&administration_id],
        today(),
        11,
        "30",
        Some("2.4"),
    )
    .await;
    assert_eq!(followed["administrationIds"], json!([administration_id]));
    let reaction = adverse_event(
        &server,
        &clinician,
        &p1.id,
        &[&administration_id],
        "Infusion related reaction",
        1,
        false,
        today(),
    )
    .await;
    assert_eq!(reaction["grade"], 1);
    let summary = outcome_summary(&server, &analyst).await;
    for list in ["byLot", "byDonor", "byDose"] {
        let groups = summary[list].as_array().expect("groups");
        assert_eq!(groups.len(), 1, "{list}: {summary}");
        let group = &groups[0];
        assert_eq!(group["patientCount"], 1);
        assert_eq!(group["patientKeys"], json!([p1.key]));
        assert_eq!(group["adverseEventsByGrade"], json!([1, 0, 0, 0, 0]));
        // Treated today: no visit is near 3, 6 or 12 months yet.
        for months in [3, 6, 12] {
            let sledai = measure(group, months, "SLEDAI_2K");
            assert_eq!(sledai["patients"], 0, "{sledai}");
            assert!(sledai["meanChange"].is_null(), "{sledai}");
        }
    }
    assert_eq!(summary["byLot"][0]["lotId"], json!(product_lot));
    assert_eq!(summary["byDonor"][0]["donorId"], json!(donor_id));
    assert_eq!(summary["byDose"][0]["dosePerKg"], 1_000_000);

    // Look-back from the reagent lot: the lots its steps made, down to the product, the bag
    // given with its date, and patient 1.
    let before = lookback(&server, &analyst, from("materialLotId", &reagent_id)).await;
    let lots = lot_statuses(&before);
    assert!(lots.contains_key(&product_lot) && lots.contains_key(&substance));
    assert_eq!(lots[&product_lot], "RELEASED");
    assert_eq!(
        unit_statuses(&before),
        [
            (units[0].clone(), "ADMINISTERED".to_owned()),
            (units[1].clone(), "RELEASED".to_owned()),
        ]
        .into_iter()
        .collect()
    );
    assert_eq!(before["patients"][0]["patientId"], json!(p1.id));
    assert_eq!(
        before["patients"][0]["administrations"][0]["startedAt"],
        given["startedAt"]
    );
    let by_donor = lookback(&server, &clinician, from("donorId", &donor_id)).await;
    assert!(lot_statuses(&by_donor).len() >= lots.len());

    // The reagent lot is found contaminated: QA recalls from it, signed.
    let size = ledger_size(&server).await;
    let recalled = try_recall(
        &server,
        &qa,
        from("materialLotId", &reagent_id),
        "supplier notice: platelet lysate lot contaminated",
        PASSWORD,
    )
    .await;
    let recalled = recalled.data()["recall"].clone();
    assert_eq!(
        sorted_strings(&recalled["unitsChanged"]),
        vec![units[1].clone()]
    );
    let changed = recalled["lotsChanged"].as_array().map_or(0, Vec::len);
    assert!(
        changed >= 2,
        "the product and the lots in process: {recalled}"
    );
    assert_eq!(
        ledger_size(&server).await,
        size + 1 + i64::try_from(changed).expect("a count") + 1
    );
    assert_eq!(recalled["patientsToContact"][0]["patientId"], json!(p1.id));
    assert_eq!(
        recalled["patientsToContact"][0]["administrations"][0]["administrationId"],
        json!(administration_id)
    );
    let after = &recalled["lookback"];
    assert_eq!(lot_statuses(after)[&product_lot], "RECALLED");
    assert!(
        lot_statuses(after)
            .values()
            .all(|status| status == "RECALLED" || status == "ON_HOLD"),
        "{after}"
    );
    assert_eq!(
        counts_by_status(&after["unitsByStatus"]),
        [("ADMINISTERED".to_owned(), 1), ("RECALLED".to_owned(), 1)]
            .into_iter()
            .collect()
    );
    // The second bag is refused at the bedside at once.
    let check = bedside_check(&server, &clinician, &units[1], &p2.wristband).await;
    assert_eq!(check["ok"], false);
    assert_eq!(check["codes"], json!(["ON_HOLD_OR_RECALLED"]), "{check}");

    // Verification: over GraphQL, from the database, and offline from an export with the
    // installation's public key.
    let signed = run(
        &server,
        &auditor,
        "mutation { signCheckpoint { treeSize } }",
        json!({}),
        "signCheckpoint",
    )
    .await;
    let size = ledger_size(&server).await;
    assert_eq!(signed["treeSize"], size);
    let verified = run(
        &server,
        &auditor,
        "{ verifyLedger { ok entries fault { kind seq table detail } } }",
        json!({}),
        "verifyLedger",
    )
    .await;
    assert_eq!(verified["ok"], true, "{verified}");
    assert_eq!(verified["entries"], size);
    let database = server.store_database().await;
    let report = verify::verify(&database, &server.checkpoint_verifier())
        .await
        .expect("the ledger verifies from the database");
    assert_eq!(
        i64::try_from(report.entries).expect("a count"),
        size,
        "every entry replayed"
    );
    let mut exported = Vec::new();
    export::export(&database, &server.settings.origin, &mut exported)
        .await
        .expect("the ledger exports");
    database.close().await.expect("the database closes");
    let offline = verify_export(
        exported.as_slice(),
        server.checkpoint_verifier().verifier_key(),
    )
    .expect("the export verifies offline");
    assert_eq!(i64::try_from(offline.entries).expect("a count"), size);
    assert_eq!(
        i64::try_from(offline.last_checkpoint_size).expect("a size"),
        size
    );
    let text = String::from_utf8(exported).expect("the export is text");
    for action in [
        "donor.eligibility_determined",
        "lot.released",
        "unit.administered",
        "visit.recorded",
        "recall.initiated",
    ] {
        assert!(text.contains(action), "the export lacks {action}");
    }
    assert!(
        !text.contains("Invented Birth Mother") && !text.contains("WB-A9999-0001"),
        "no personal data in the ledger"
    );
    server.finish().await;
}
