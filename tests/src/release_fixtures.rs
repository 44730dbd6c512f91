//! What release tests need: a drug product lot filled into units and completed to QUARANTINE
//! (through the store fixtures and the production API), the people who test and dispose of it,
//! and the release mutations as a client sends them.

use chrono::{Duration, Utc};
use cordtrace_domain::Role;
use serde_json::{Value, json};

use crate::fixtures::{Bench, DonorFixture, Eligibility, Fixtures, production_server, try_fill};
use crate::{GqlResponse, PASSWORD, TestServer};

/// The product description code release lots' units carry.
pub const PRODUCT_CODE: &str = "S1001";

/// Every test of the default specification with a passing value and its unit.
pub const PASSING: [(&str, &str, Option<&str>); 15] = [
    ("CD73", "98.5", Some("%")),
    ("CD90", "97.2", Some("%")),
    ("CD105", "96.0", Some("%")),
    ("CD34", "0.4", Some("%")),
    ("CD45", "0.3", Some("%")),
    ("CD14", "0.5", Some("%")),
    ("CD19", "0.2", Some("%")),
    ("HLA_DR", "0.6", Some("%")),
    ("VIABILITY", "92", Some("%")),
    ("VIABLE_CELL_COUNT", "2.5", Some("x10^6 cells/mL")),
    ("STERILITY", "NO_GROWTH", None),
    ("MYCOPLASMA", "NOT_DETECTED", None),
    ("ENDOTOXIN", "0.1", Some("EU/mL")),
    ("KARYOTYPE", "NORMAL_KARYOTYPE", None),
    ("POTENCY", "35", Some("%")),
];

/// The fields of a disposition the tests read back.
pub const DISPOSITION_FIELDS: &str = "lotId lotCode decision text specificationId unitIds \
    decidedBy { printedName } decidedAt entrySeq entryHash \
    signature { printedName meaning manifestation contentHash }";

/// The fields of a result the tests read back.
pub const RESULT_FIELDS: &str = "id lotId testCode value valueText unit evaluation valid \
    retestOf analyst { printedName } entrySeq \
    invalidation { reason invalidatedBy { printedName } signature { meaning manifestation } }";

/// A server with a drug product lot in QUARANTINE, filled with two units, and the people who
/// act on it.
pub struct ReleaseLot {
    /// The server (its installation FIN is the fixtures' pool FIN).
    pub server: TestServer,
    /// A writer acting as fixture users, for more donors.
    pub fixtures: Fixtures,
    /// The drug substance the lot was formulated from, left IN_PROCESS.
    pub substance_id: String,
    /// The drug product lot.
    pub lot_id: String,
    /// Its code.
    pub lot_code: String,
    /// Its units.
    pub unit_ids: Vec<String>,
    /// The lot's donor.
    pub donor: DonorFixture,
    /// The technician who recorded every step.
    pub tech: String,
    /// An analyst (`analyst.one`).
    pub analyst: String,
    /// A QA user (`qa.one`).
    pub qa: String,
    /// A second QA user (`qa.two`).
    pub qa2: String,
    /// An auditor.
    pub auditor: String,
}

/// Carries the donation of `donor` to a DRUG_PRODUCT lot in process through the production API
/// as `tech`; returns the drug substance lot (left IN_PROCESS) and the drug product lot.
pub async fn formulated_lot(
    server: &TestServer,
    tech: &str,
    donor: &DonorFixture,
) -> (String, String) {
    let bench = Bench {
        server,
        token: tech.to_owned(),
        equipment: Vec::new(),
        materials: Vec::new(),
    };
    let expanded = bench.expanded(donor.donation_id).await;
    let substance = bench.harvest(&expanded).await;
    let product = bench.formulate(&[&substance]).await;
    (substance, product)
}

/// Fills `lot_id` with two units of [`PRODUCT_CODE`] and completes it to QUARANTINE as `tech`;
/// returns the units and the lot code.
pub async fn fill_and_complete(
    server: &TestServer,
    tech: &str,
    lot_id: &str,
    first_division: char,
) -> (Vec<String>, String) {
    let second_division = char::from(first_division as u8 + 1);
    let units = vec![
        crate::fixtures::unit_input(&format!("{PRODUCT_CODE}V{first_division}0"), "P01"),
        crate::fixtures::unit_input(&format!("{PRODUCT_CODE}V{second_division}0"), "P02"),
    ];
    let filled = try_fill(server, tech, lot_id, units).await;
    let unit_ids: Vec<String> = filled.data()["fillUnits"]["units"]
        .as_array()
        .expect("units")
        .iter()
        .map(|unit| unit["id"].as_str().expect("a unit id").to_owned())
        .collect();
    let completed = server
        .gql(
            Some(tech),
            "mutation($id: UUID!) { completeLot(lotId: $id) { code status } }",
            json!({ "id": lot_id }),
        )
        .await;
    let lot = &completed.data()["completeLot"];
    assert_eq!(lot["status"], "QUARANTINE", "{}", completed.body);
    (unit_ids, lot["code"].as_str().expect("a code").to_owned())
}

impl ReleaseLot {
    /// A lot of a donor with `eligibility`, ready for testing (no specification imported yet).
    pub async fn start(eligibility: Eligibility) -> Self {
        let server = production_server().await;
        let fixtures = Fixtures::open(&server).await;
        let donor = fixtures.donor(eligibility).await;
        fixtures.product(PRODUCT_CODE).await;
        let tech = server.user_token("tech.one", &[Role::Technician]).await;
        let (substance_id, lot_id) = formulated_lot(&server, &tech, &donor).await;
        let (unit_ids, lot_code) = fill_and_complete(&server, &tech, &lot_id, 'A').await;
        let analyst = server.user_token("analyst.one", &[Role::Analyst]).await;
        let qa = server.user_token("qa.one", &[Role::Qa]).await;
        let qa2 = server.user_token("qa.two", &[Role::Qa]).await;
        let auditor = server.user_token("auditor.one", &[Role::Auditor]).await;
        Self {
            server,
            fixtures,
            substance_id,
            lot_id,
            lot_code,
            unit_ids,
            donor,
            tech,
            analyst,
            qa,
            qa2,
            auditor,
        }
    }

    /// Imports the default specification as `qa.one`; returns its id.
    pub async fn import_default(&self) -> String {
        let response = import_default(&self.server, &self.qa).await;
        response.data()["importDefaultSpecification"]["id"]
            .as_str()
            .expect("a specification id")
            .to_owned()
    }

    /// Imports the default specification and begins testing the lot as `analyst.one`.
    pub async fn under_test(&self) {
        self.import_default().await;
        begin_testing(&self.server, &self.analyst, &self.lot_id)
            .await
            .data();
    }

    /// Records a passing result of every test but `except` as `analyst.one`.
    pub async fn pass_all_but(&self, except: &[&str]) {
        for (code, value, unit) in PASSING {
            if except.contains(&code) {
                continue;
            }
            record(&self.server, &self.analyst, &self.lot_id, code, value, unit)
                .await
                .data();
        }
    }

    /// Another drug product lot in QUARANTINE, of a new eligible donor, filled with two units
    /// of divisions `first_division` and the next; returns the lot and its units.
    pub async fn another_lot(&self, first_division: char) -> (String, Vec<String>) {
        let donor = self.fixtures.donor(Eligibility::Eligible).await;
        let (_, lot_id) = formulated_lot(&self.server, &self.tech, &donor).await;
        let (unit_ids, _) =
            fill_and_complete(&self.server, &self.tech, &lot_id, first_division).await;
        (lot_id, unit_ids)
    }

    /// Closes the fixture writer, stops the server and drops its database.
    pub async fn finish(self) {
        self.fixtures.close().await;
        self.server.finish().await;
    }
}

/// `importDefaultSpecification` as `token`.
pub async fn import_default(server: &TestServer, token: &str) -> GqlResponse {
    server
        .gql(
            Some(token),
            "mutation { importDefaultSpecification { id productKind version effectiveOn title \
             definedBy tests { code unit requirement criterion { kind text expected \
             min { value inclusive } max { value inclusive } } } } }",
            json!({}),
        )
        .await
}

/// `beginTesting` of `lot_id` as `token`.
pub async fn begin_testing(server: &TestServer, token: &str, lot_id: &str) -> GqlResponse {
    server
        .gql(
            Some(token),
            "mutation($lot: UUID!) { beginTesting(lotId: $lot) { lotId beganAt \
             startedBy { printedName } specification { id version } } }",
            json!({ "lot": lot_id }),
        )
        .await
}

/// A `RecordTestResultInput` tested an hour ago.
pub fn result_input(lot_id: &str, code: &str, value: &str, unit: Option<&str>) -> Value {
    json!({
        "lotId": lot_id,
        "testCode": code,
        "value": value,
        "unit": unit,
        "method": "per specification",
        "instrument": "QC-INSTR-01",
        "sampleId": format!("QC-{code}-01"),
        "testedAt": (Utc::now() - Duration::hours(1)).to_rfc3339(),
    })
}

/// `recordTestResult` with `input` as `token`.
pub async fn record_input(server: &TestServer, token: &str, input: Value) -> GqlResponse {
    let query = format!(
        "mutation($input: RecordTestResultInput!) {{ recordTestResult(input: $input) {{ \
         result {{ {RESULT_FIELDS} }} investigation {{ id testCode open resultId }} }} }}"
    );
    server
        .gql(Some(token), &query, json!({ "input": input }))
        .await
}

/// Records a result of `code` for `lot_id` as `token`.
pub async fn record(
    server: &TestServer,
    token: &str,
    lot_id: &str,
    code: &str,
    value: &str,
    unit: Option<&str>,
) -> GqlResponse {
    record_input(server, token, result_input(lot_id, code, value, unit)).await
}

/// A signature with the test password and `meaning`.
pub fn signature(meaning: &str) -> Value {
    json!({ "password": PASSWORD, "meaning": meaning })
}

/// `releaseLot` of `lot_id` as `token`, signed with `signature`.
pub async fn release(
    server: &TestServer,
    token: &str,
    lot_id: &str,
    signature: Value,
) -> GqlResponse {
    let query = format!(
        "mutation($lot: UUID!, $sig: SignatureInput!) {{ releaseLot(lotId: $lot, \
         note: \"batch record reviewed\", signature: $sig) {{ {DISPOSITION_FIELDS} }} }}"
    );
    server
        .gql(
            Some(token),
            &query,
            json!({ "lot": lot_id, "sig": signature }),
        )
        .await
}

/// `rejectLot` of `lot_id` as `token`, signed with `signature`.
pub async fn reject(
    server: &TestServer,
    token: &str,
    lot_id: &str,
    signature: Value,
) -> GqlResponse {
    let query = format!(
        "mutation($lot: UUID!, $sig: SignatureInput!) {{ rejectLot(lotId: $lot, \
         reason: \"endotoxin trend\", signature: $sig) {{ {DISPOSITION_FIELDS} }} }}"
    );
    server
        .gql(
            Some(token),
            &query,
            json!({ "lot": lot_id, "sig": signature }),
        )
        .await
}

/// `releaseBlockers` of `lot_id` as `token`: the codes, in order.
pub async fn blocker_codes(server: &TestServer, token: &str, lot_id: &str) -> Vec<String> {
    let response = server
        .gql(
            Some(token),
            "query($lot: UUID!) { releaseBlockers(lotId: $lot) { releasable lotStatus \
             blockers { code message } } }",
            json!({ "lot": lot_id }),
        )
        .await;
    let check = &response.data()["releaseBlockers"];
    let codes: Vec<String> = check["blockers"]
        .as_array()
        .expect("blockers")
        .iter()
        .map(|blocker| blocker["code"].as_str().expect("a code").to_owned())
        .collect();
    assert_eq!(check["releasable"], codes.is_empty(), "{}", response.body);
    codes
}

/// The status of lot `lot_id` and of each of `unit_ids`, read as `token`.
pub async fn statuses(
    server: &TestServer,
    token: &str,
    lot_id: &str,
    unit_ids: &[String],
) -> (String, Vec<String>) {
    let lot = server
        .gql(
            Some(token),
            "query($id: UUID!) { lot(id: $id) { status } }",
            json!({ "id": lot_id }),
        )
        .await;
    let lot_status = lot.data()["lot"]["status"]
        .as_str()
        .expect("a status")
        .to_owned();
    let mut unit_statuses = Vec::new();
    for unit_id in unit_ids {
        let unit = server
            .gql(
                Some(token),
                "query($id: UUID!) { unit(id: $id) { status } }",
                json!({ "id": unit_id }),
            )
            .await;
        unit_statuses.push(
            unit.data()["unit"]["status"]
                .as_str()
                .expect("a status")
                .to_owned(),
        );
    }
    (lot_status, unit_statuses)
}

/// Runs `verifyLedger` as `token` and asserts that it passes.
pub async fn assert_ledger_verifies(server: &TestServer, token: &str) {
    let response = server
        .gql(
            Some(token),
            "{ verifyLedger { ok entries fault { kind seq table row detail } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        response.data()["verifyLedger"]["ok"],
        true,
        "{}",
        response.body
    );
}
