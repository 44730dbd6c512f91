//! Unit labels over GraphQL (`printUnitLabel`): what a label carries, each print in the ledger
//! with the flag it carried (a reprint `05`), the warnings of a unit in quarantine and of an
//! allocated one, exactly the label's data structures accepted at the bedside for the right
//! patient and refused for another, and the refusals (a role that does not print, an unknown
//! unit, an administered unit) with nothing written. On SQLite, or PostgreSQL with
//! `TEST_POSTGRES_URL`.

use cordtrace_domain::isbt128::{Din, Flag};
use cordtrace_tests::clinical_fixtures::{Clinic, ThawAt, UnitSpec};
use cordtrace_tests::fixtures::assert_refused;
use cordtrace_tests::release_fixtures::assert_ledger_verifies;
use serde_json::{Value, json};

const PRINT: &str = "mutation($unit: UUID!, $format: LabelFormat!) { \
    printUnitLabel(unitId: $unit, format: $format) { print unitId container dataStructures \
    compoundMessage eyeReadableDin flagCharacters checkCharacter productDescription \
    facilityName storage collectedAt expiresAt cells volumeMl donorKeys recipientKey warnings } }";

async fn print(
    clinic: &Clinic,
    token: &str,
    unit: &str,
    format: &str,
) -> cordtrace_tests::GqlResponse {
    clinic
        .server
        .gql(
            Some(token),
            PRINT,
            json!({ "unit": unit, "format": format }),
        )
        .await
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .expect("a list")
        .iter()
        .map(|item| item.as_str().expect("a string").to_owned())
        .collect()
}

#[tokio::test]
async fn a_label_carries_its_unit_and_every_print_is_ledgered_with_its_flag() {
    let clinic = Clinic::start().await;
    let server = &clinic.server;
    let lot = clinic.quarantined_lot(&[UnitSpec::standard('A')]).await;
    let unit = &lot.units[0];
    let din = Din::parse(&unit.din).expect("the unit's DIN");

    // The first print of a unit in quarantine: the check flag, the quarantine warning.
    let before = server.ledger_entry_count().await;
    let first =
        print(&clinic, &clinic.tech, &unit.id, "ZPL").await.data()["printUnitLabel"].clone();
    assert_eq!(server.ledger_entry_count().await, before + 1);
    let entry = clinic.last_entry().await;
    assert_eq!(entry["action"], "unit.label_printed");
    assert_eq!(entry["payload"]["unit_id"], unit.id.as_str());
    assert_eq!(entry["payload"]["print"], 1);
    assert_eq!(entry["payload"]["format"], "ZPL");
    assert_eq!(entry["payload"]["din_flag"], din.type3_flag().to_string());
    assert_eq!(first["print"], 1);
    assert_eq!(first["container"], "BAG");
    let structures = strings(&first["dataStructures"]);
    assert_eq!(
        structures[0],
        format!("={}{}", unit.din, din.type3_flag()),
        "data structure 001 with the type 3 flag"
    );
    assert_eq!(structures[1], format!("=<{}", unit.product_code));
    assert!(
        structures[2].starts_with("&>"),
        "expiry with its time: {structures:?}"
    );
    assert_eq!(
        structures.len(),
        4,
        "with the collection date: {structures:?}"
    );
    assert!(structures[3].starts_with("=*") || structures[3].starts_with("&*"));
    assert_eq!(
        first["compoundMessage"],
        format!("=+{:02}000{}", structures.len(), structures.concat())
    );
    let eye_readable = first["eyeReadableDin"]
        .as_str()
        .expect("the eye-readable DIN");
    assert_eq!(eye_readable.replace(' ', ""), unit.din, "{eye_readable}");
    assert_eq!(first["checkCharacter"], unit.check_character.to_string());
    assert_eq!(first["flagCharacters"], din.type3_flag().to_string());
    assert_eq!(
        first["productDescription"],
        "UC-MSC drug product, cryopreserved (test)"
    );
    assert_eq!(first["cells"], unit.cells.to_string());
    assert_eq!(first["volumeMl"], unit.volume_ml.as_str());
    let donor_keys = strings(&first["donorKeys"]);
    assert!(
        donor_keys.len() == 1 && donor_keys[0].starts_with("DNR"),
        "the donor's opaque key: {donor_keys:?}"
    );
    assert_eq!(first["recipientKey"], Value::Null);
    assert_eq!(strings(&first["warnings"]), ["QUARANTINE"]);

    // A reprint: numbered 2, flagged 05 (the facility marks reprints by default).
    let second = print(&clinic, &clinic.qa, &unit.id, "PDF").await.data()["printUnitLabel"].clone();
    assert_eq!(second["print"], 2);
    let reprinted = strings(&second["dataStructures"]);
    assert_eq!(
        reprinted[0],
        format!("={}{}", unit.din, Flag::ReprintedLabel)
    );
    assert_eq!(reprinted[1..], structures[1..], "only the flag differs");
    assert_eq!(clinic.last_entry().await["payload"]["din_flag"], "05");

    // Refusals write nothing.
    let before = server.ledger_entry_count().await;
    assert_refused(
        &print(&clinic, &clinic.clinician, &unit.id, "SVG").await,
        "FORBIDDEN",
        None,
    );
    assert_refused(
        &print(&clinic, &clinic.auditor, &unit.id, "SVG").await,
        "FORBIDDEN",
        None,
    );
    assert_refused(
        &print(
            &clinic,
            &clinic.tech,
            "01900000-0000-7000-8000-000000000000",
            "SVG",
        )
        .await,
        "NOT_FOUND",
        None,
    );
    assert_eq!(server.ledger_entry_count().await, before);
    assert_ledger_verifies(server, &clinic.auditor).await;
}

#[tokio::test]
async fn exactly_what_a_label_carries_passes_the_bedside_for_its_patient_only() {
    let clinic = Clinic::start().await;
    let lot = clinic.released_lot(&[UnitSpec::standard('A')]).await;
    let unit = &lot.units[0];
    let patient = clinic.patient("WB2001", Some("75")).await;
    let other = clinic.patient("WB2002", Some("75")).await;
    clinic
        .ready_unit(&patient, unit, ThawAt::MinutesAgo(10))
        .await;

    let label =
        print(&clinic, &clinic.tech, &unit.id, "SVG").await.data()["printUnitLabel"].clone();
    assert_eq!(label["recipientKey"], patient.key.as_str());
    assert_eq!(
        strings(&label["warnings"]),
        ["FOR USE BY INTENDED RECIPIENT ONLY"]
    );
    // Each Code 128 symbol scanned on its own, then the Data Matrix alone.
    let structures = strings(&label["dataStructures"]);
    let compound = vec![
        label["compoundMessage"]
            .as_str()
            .expect("a message")
            .to_owned(),
    ];
    for scans in [&structures, &compound] {
        let check = clinic
            .check(&clinic.clinician, scans, &patient.wristband)
            .await;
        assert_eq!(check["ok"], true, "{check}");
        let refused = clinic
            .check(&clinic.clinician, scans, &other.wristband)
            .await;
        assert_eq!(refused["ok"], false, "{refused}");
        assert!(
            strings(&refused["codes"]).contains(&"WRONG_PATIENT".to_owned()),
            "{refused}"
        );
    }

    // An administered unit gets no new label.
    clinic
        .accepted_check(&clinic.clinician, unit, &patient)
        .await;
    clinic.administer(&clinic.clinician, unit, &patient).await;
    let before = clinic.server.ledger_entry_count().await;
    assert_refused(
        &print(&clinic, &clinic.tech, &unit.id, "SVG").await,
        "CONFLICT",
        Some("WRONG_UNIT_STATE"),
    );
    assert_eq!(clinic.server.ledger_entry_count().await, before);
    assert_ledger_verifies(&clinic.server, &clinic.auditor).await;
}
