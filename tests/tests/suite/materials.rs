//! Material lots, equipment and product codes over GraphQL: registration, QC status set by QA,
//! calibration, codes defined by admins, and every refusal coded with nothing written.

use crate::intake_common;

use cordtrace_domain::Role;
use cordtrace_tests::release_fixtures::signature;
use intake_common::{RefusalCase, assert_ledger_verifies, assert_refused, server, unknown_id};
use serde_json::{Value, json};

const REGISTER_LOT: &str = "mutation($l: MaterialLotInput!) {
    registerMaterialLot(lot: $l) { id material supplier supplierLot expiresOn qcStatus } }";

const SET_QC: &str = "mutation($id: UUID!, $s: MaterialQcStatus!, $sig: SignatureInput!) {
    setMaterialQcStatus(materialLotId: $id, status: $s, signature: $sig) { id qcStatus } }";

const REGISTER_EQUIPMENT: &str = "mutation($e: EquipmentInput!) {
    registerEquipment(equipment: $e) { id assetTag kind calibrationDue } }";

const CALIBRATE: &str = "mutation($id: UUID!, $due: NaiveDate!) {
    calibrateEquipment(equipmentId: $id, calibrationDue: $due) { id calibrationDue } }";

const DEFINE_PRODUCT: &str = "mutation($code: String!, $text: String!) {
    defineProduct(code: $code, description: $text) { code description } }";

fn lot(material: &str, supplier_lot: &str) -> Value {
    json!({ "l": { "material": material, "supplier": "Test Supplier",
        "supplierLot": supplier_lot, "expiresOn": "2030-12-31" } })
}

#[tokio::test]
async fn material_lots_enter_quarantine_and_qa_releases_or_rejects_them() {
    let server = server().await;
    let tech = server.user_token("tech.one", &[Role::Technician]).await;
    let qa = server.user_token("qa.lead", &[Role::Qa]).await;
    let analyst = server.user_token("analyst.one", &[Role::Analyst]).await;

    let response = server
        .gql(
            Some(&tech),
            REGISTER_LOT,
            lot("human platelet lysate", "HPL-T-001"),
        )
        .await;
    let registered = response.data()["registerMaterialLot"].clone();
    assert_eq!(registered["qcStatus"], "QUARANTINE");
    let lot_id = registered["id"].as_str().expect("an id").to_owned();
    for (material, supplier_lot) in [("DMSO", "DMSO-T-002"), ("TrypLE", "TRY-T-003")] {
        server
            .gql(Some(&tech), REGISTER_LOT, lot(material, supplier_lot))
            .await
            .data();
    }

    assert_refused(
        &server,
        &tech,
        SET_QC,
        json!({ "id": lot_id, "s": "RELEASED", "sig": signature("APPROVAL") }),
        "FORBIDDEN",
        None,
    )
    .await;
    let response = server
        .gql(
            Some(&qa),
            SET_QC,
            json!({ "id": lot_id, "s": "RELEASED", "sig": signature("APPROVAL") }),
        )
        .await;
    assert_eq!(
        response.data()["setMaterialQcStatus"]["qcStatus"],
        "RELEASED"
    );
    let response = server
        .gql(
            Some(&qa),
            SET_QC,
            json!({ "id": lot_id, "s": "REJECTED", "sig": signature("APPROVAL") }),
        )
        .await;
    assert_eq!(
        response.data()["setMaterialQcStatus"]["qcStatus"],
        "REJECTED"
    );

    let cases: Vec<RefusalCase> = vec![
        (
            "nothing leaves REJECTED",
            SET_QC,
            json!({ "id": lot_id, "s": "RELEASED", "sig": signature("APPROVAL") }),
            "CONFLICT",
            Some("MATERIAL_STATUS"),
            &qa,
        ),
        (
            "a QC decision signed as RESPONSIBILITY",
            SET_QC,
            json!({ "id": lot_id, "s": "REJECTED", "sig": signature("RESPONSIBILITY") }),
            "VALIDATION",
            Some("WRONG_SIGNATURE_MEANING"),
            &qa,
        ),
        (
            "QC of an unknown lot",
            SET_QC,
            json!({ "id": unknown_id(), "s": "RELEASED", "sig": signature("APPROVAL") }),
            "NOT_FOUND",
            Some("NOT_FOUND"),
            &qa,
        ),
        (
            "an unknown status",
            SET_QC,
            json!({ "id": lot_id, "s": "APPROVED", "sig": signature("APPROVAL") }),
            "VALIDATION",
            None,
            &qa,
        ),
        (
            "an empty material",
            REGISTER_LOT,
            lot(" ", "X-1"),
            "VALIDATION",
            Some("INVALID_VALUE"),
            &tech,
        ),
        (
            "a malformed expiry",
            REGISTER_LOT,
            json!({ "l": { "material": "DMSO", "supplier": "S",
            "supplierLot": "X-2", "expiresOn": "2030-02-30" } }),
            "VALIDATION",
            None,
            &tech,
        ),
        (
            "an unknown lot",
            "query($id: UUID!) { materialLot(id: $id) { id } }",
            json!({ "id": unknown_id() }),
            "NOT_FOUND",
            None,
            &analyst,
        ),
        (
            "a lot registered by an analyst",
            REGISTER_LOT,
            lot("DMSO", "X-3"),
            "FORBIDDEN",
            None,
            &analyst,
        ),
    ];
    for (case, query, variables, code, reason, token) in cases {
        let response = assert_refused(&server, token, query, variables, code, reason).await;
        assert!(response.body["errors"][0]["message"].is_string(), "{case}");
    }

    let response = server
        .gql(
            Some(&analyst),
            "query($id: UUID!) { materialLot(id: $id) { qcStatus supplierLot } }",
            json!({ "id": lot_id }),
        )
        .await;
    assert_eq!(
        response.data()["materialLot"],
        json!({ "qcStatus": "REJECTED", "supplierLot": "HPL-T-001" })
    );
    let page = "query($after: String) { materialLots(first: 2, after: $after) {
        pageInfo { hasNextPage endCursor } edges { node { supplierLot } } } }";
    let first = server.gql(Some(&analyst), page, json!({})).await;
    let first = &first.data()["materialLots"];
    assert_eq!(first["pageInfo"]["hasNextPage"], true);
    let second = server
        .gql(
            Some(&analyst),
            page,
            json!({ "after": first["pageInfo"]["endCursor"] }),
        )
        .await;
    assert_eq!(
        second.data()["materialLots"]["edges"],
        json!([{ "node": { "supplierLot": "TRY-T-003" } }])
    );
    assert_ledger_verifies(&server, &qa).await;
    server.finish().await;
}

#[tokio::test]
async fn equipment_is_registered_and_calibrated() {
    let server = server().await;
    let tech = server.user_token("tech.one", &[Role::Technician]).await;
    let auditor = server.user_token("auditor.one", &[Role::Auditor]).await;
    let equipment = json!({ "e": { "assetTag": "BSC-T-01", "kind": "biosafety cabinet",
        "calibrationDue": "2027-06-30" } });
    let response = server
        .gql(Some(&tech), REGISTER_EQUIPMENT, equipment.clone())
        .await;
    let registered = response.data()["registerEquipment"].clone();
    let equipment_id = registered["id"].as_str().expect("an id").to_owned();
    assert_eq!(registered["calibrationDue"], "2027-06-30");

    let response = server
        .gql(
            Some(&tech),
            CALIBRATE,
            json!({ "id": equipment_id, "due": "2028-06-30" }),
        )
        .await;
    assert_eq!(
        response.data()["calibrateEquipment"]["calibrationDue"],
        "2028-06-30"
    );

    assert_refused(
        &server,
        &tech,
        REGISTER_EQUIPMENT,
        equipment,
        "CONFLICT",
        Some("DUPLICATE"),
    )
    .await;
    assert_refused(
        &server,
        &tech,
        CALIBRATE,
        json!({ "id": unknown_id(), "due": "2028-06-30" }),
        "NOT_FOUND",
        Some("NOT_FOUND"),
    )
    .await;
    assert_refused(
        &server,
        &tech,
        REGISTER_EQUIPMENT,
        json!({ "e": { "assetTag": "", "kind": "incubator", "calibrationDue": "2027-06-30" } }),
        "VALIDATION",
        Some("INVALID_VALUE"),
    )
    .await;
    assert_refused(
        &server,
        &auditor,
        CALIBRATE,
        json!({ "id": equipment_id, "due": "2029-06-30" }),
        "FORBIDDEN",
        None,
    )
    .await;

    let response = server
        .gql(
            Some(&auditor),
            "query($id: UUID!) { equipment(id: $id) { assetTag calibrationDue }
                equipmentList { edges { node { assetTag } } } }",
            json!({ "id": equipment_id }),
        )
        .await;
    assert_eq!(
        response.data()["equipment"],
        json!({ "assetTag": "BSC-T-01", "calibrationDue": "2028-06-30" })
    );
    assert_eq!(
        response.data()["equipmentList"]["edges"],
        json!([{ "node": { "assetTag": "BSC-T-01" } }])
    );
    server.finish().await;
}

#[tokio::test]
async fn product_codes_are_defined_by_admins_and_read_by_everyone() {
    let server = server().await;
    let admin = server.user_token("admin.one", &[Role::Admin]).await;
    let tech = server.user_token("tech.one", &[Role::Technician]).await;
    let response = server
        .gql(
            Some(&admin),
            DEFINE_PRODUCT,
            json!({ "code": "S1234", "text": "UC-MSC, cryopreserved, 50 mL bag (test)" }),
        )
        .await;
    assert_eq!(response.data()["defineProduct"]["code"], "S1234");

    let cases: Vec<(&str, Value, &str, &str, Option<&str>)> = vec![
        (
            "a lowercase code",
            json!({ "code": "s1234", "text": "x" }),
            "VALIDATION",
            &admin,
            Some("MALFORMED_PRODUCT_CODE"),
        ),
        (
            "a code too long",
            json!({ "code": "S12345", "text": "x" }),
            "VALIDATION",
            &admin,
            Some("MALFORMED_PRODUCT_CODE"),
        ),
        (
            "a code defined twice",
            json!({ "code": "S1234", "text": "x" }),
            "CONFLICT",
            &admin,
            Some("DUPLICATE"),
        ),
        (
            "an empty description",
            json!({ "code": "S1235", "text": "" }),
            "VALIDATION",
            &admin,
            Some("INVALID_VALUE"),
        ),
        (
            "a code defined by a technician",
            json!({ "code": "S1236", "text": "x" }),
            "FORBIDDEN",
            &tech,
            None,
        ),
    ];
    for (case, variables, code, token, reason) in cases {
        let response =
            assert_refused(&server, token, DEFINE_PRODUCT, variables, code, reason).await;
        assert!(response.body["errors"][0]["message"].is_string(), "{case}");
    }

    for token in [&admin, &tech] {
        let response = server
            .gql(
                Some(token),
                "{ products { edges { cursor node { code description } } } }",
                json!({}),
            )
            .await;
        assert_eq!(
            response.data()["products"]["edges"],
            json!([{ "cursor": "S1234",
                "node": { "code": "S1234", "description": "UC-MSC, cryopreserved, 50 mL bag (test)" } }])
        );
    }
    server.finish().await;
}
