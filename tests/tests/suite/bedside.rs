//! The bedside check over GraphQL and HTTP, on SQLite or PostgreSQL: raw scanner strings for the
//! unit (in any order, compound messages included) and the wristband (`&#` or plain), the facts
//! the clinician is shown, every reason that applies listed with its code, every check in the
//! ledger whatever its outcome, and a patient's personal data kept from everyone but clinicians
//! and out of the ledger.

use chrono::{DateTime, Duration, Utc};
use cordtrace_tests::TestServer;
use cordtrace_tests::clinical_fixtures::{
    Clinic, ClinicalLot, LabelledUnit, PatientFixture, ThawAt, UnitSpec, compound_scan, din_scan,
    din_scan_type3, expiry_date_scan, expiry_scan, personal_data, product_code_scan, unit_scans,
    wristband_scan,
};
use cordtrace_tests::fixtures::POOL_FIN;
use cordtrace_tests::release_fixtures::assert_ledger_verifies;
use serde_json::{Value, json};

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("expected a list, got {value}"))
        .iter()
        .map(|item| item.as_str().expect("a string").to_owned())
        .collect()
}

fn time(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().expect("a time"))
        .expect("an RFC 3339 time")
        .with_timezone(&Utc)
}

/// A DIN that is no unit's: the unit's with another sequence number.
fn unknown_din(unit: &LabelledUnit) -> String {
    let last = if unit.din.ends_with('9') { '8' } else { '9' };
    format!("{}{last}", &unit.din[..12])
}

#[tokio::test]
async fn an_accepted_check_shows_the_facts_however_the_unit_and_wristband_are_scanned() {
    let clinic = Clinic::start().await;
    let lot = clinic.released_lot(&[UnitSpec::standard('A')]).await;
    let unit = &lot.units[0];
    let patient = clinic.patient("WB1001", Some("75")).await;
    let order_id = clinic
        .ready_unit(&patient, unit, ThawAt::MinutesAgo(10))
        .await;
    let order = clinic.read_order(&clinic.clinician, &order_id).await;
    assert_eq!(order["dosePerKg"], 1_000_000, "the default dose");
    assert_eq!(order["scheduleDays"], json!([0, 7]));
    assert_eq!(order["route"], "IV");
    assert_eq!(order["status"], "ACTIVE");
    let allocation = &order["allocations"][0];
    assert_eq!(allocation["unitId"], unit.id.as_str());
    let thawed_at = time(&allocation["thawedAt"]);
    assert_eq!(time(&allocation["useBy"]), thawed_at + Duration::hours(4));
    let patient_read = clinic
        .server
        .gql(
            Some(&clinic.clinician),
            "query($id: UUID!) { patient(id: $id) { latestWeight { kilograms measuredOn } } }",
            json!({ "id": patient.id }),
        )
        .await;
    let weight = patient_read.data()["patient"]["latestWeight"].clone();
    assert_eq!(weight["kilograms"], "75");

    // Every label structure on its own scan, the plain wristband id.
    let before = clinic.server.ledger_entry_count().await;
    let check = clinic
        .accepted_check(&clinic.clinician, unit, &patient)
        .await;
    assert_eq!(clinic.server.ledger_entry_count().await, before + 1);
    assert_eq!(clinic.last_action().await, "bedside.check_accepted");
    assert_eq!(check["codes"], json!([]));
    assert_eq!(check["reasons"], json!([]));
    assert_eq!(check["scanErrors"], json!([]));
    let facts = &check["facts"];
    assert_eq!(facts["unitId"], unit.id.as_str());
    assert_eq!(facts["din"], unit.din.as_str());
    assert_eq!(facts["dinWithCheckCharacter"], unit.eye_readable().as_str());
    assert_eq!(facts["productCode"], unit.product_code.as_str());
    assert_eq!(
        facts["productDescription"],
        "UC-MSC drug product, cryopreserved (test)"
    );
    assert_eq!(facts["lotId"], lot.lot_id.as_str());
    assert_eq!(facts["lotCode"], lot.lot_code.as_str());
    assert_eq!(facts["cells"], 75_000_000);
    assert_eq!(facts["volumeMl"], "50");
    assert_eq!(time(&facts["expiresAt"]), unit.expires_at);
    assert_eq!(time(&facts["thawedAt"]), thawed_at);
    assert_eq!(time(&facts["useBy"]), thawed_at + Duration::hours(4));
    assert_eq!(facts["patientId"], patient.id.as_str());
    assert_eq!(facts["patientKey"], patient.key.as_str());
    assert_eq!(facts["orderId"], order_id.as_str());
    assert_eq!(facts["prescribedDosePerKg"], 1_000_000);
    assert_eq!(facts["weightKg"], "75");
    assert_eq!(facts["weightMeasuredOn"], weight["measuredOn"]);
    assert_eq!(facts["cellsPerKg"], 1_000_000);

    // The entry names the check, unit, patient and order, and never the wristband.
    let entry = clinic.last_entry().await;
    assert_eq!(entry["action"], "bedside.check_accepted");
    assert_eq!(entry["payload"]["check_id"], check["checkId"]);
    assert_eq!(entry["payload"]["cells_per_kg"], 1_000_000);
    let subjects: Vec<(String, String)> = entry["subjects"]
        .as_array()
        .expect("subjects")
        .iter()
        .map(|s| (string(&s["kind"]), string(&s["id"])))
        .collect();
    for id in [&unit.id, &patient.id, &order_id] {
        assert!(
            subjects.iter().any(|(_, subject)| subject == id),
            "{id} in {subjects:?}"
        );
    }
    assert!(!entry.to_string().contains(&patient.wristband));

    // The same unit and patient however the scanners deliver them.
    let din = din_scan(&unit.din, "00");
    let product = product_code_scan(&unit.product_code);
    let expiry = expiry_scan(unit.expires_at);
    let variants = [
        (
            "reverse order, the wristband as &#",
            vec![expiry.clone(), product.clone(), din.clone()],
            patient.wristband_scan(),
        ),
        (
            "one compound message",
            vec![compound_scan(&[
                din.clone(),
                product.clone(),
                expiry.clone(),
            ])],
            patient.wristband.clone(),
        ),
        (
            "structures a scanner concatenated, a trailing CR LF",
            vec![format!("{product}{din}\r\n")],
            format!("{}\r\n", patient.wristband_scan()),
        ),
        (
            "the type 3 flag and the date-only expiry",
            vec![
                product.clone(),
                expiry_date_scan(unit.expires_at),
                din_scan_type3(unit),
            ],
            patient.wristband_scan(),
        ),
        (
            "a reprinted label (flag 05), no expiry scanned",
            vec![din_scan(&unit.din, "05"), product.clone()],
            patient.wristband.clone(),
        ),
    ];
    for (case, scans, wristband) in variants {
        let before = clinic.server.ledger_entry_count().await;
        let check = clinic.check(&clinic.clinician, &scans, &wristband).await;
        assert_eq!(check["ok"], true, "{case}: {check}");
        assert_eq!(check["codes"], json!([]), "{case}");
        assert_eq!(check["facts"]["unitId"], unit.id.as_str(), "{case}");
        assert_eq!(check["facts"]["patientId"], patient.id.as_str(), "{case}");
        assert_eq!(check["facts"]["cellsPerKg"], 1_000_000, "{case}");
        assert_eq!(
            clinic.server.ledger_entry_count().await,
            before + 1,
            "{case}"
        );
        assert_eq!(
            clinic.last_action().await,
            "bedside.check_accepted",
            "{case}"
        );
    }
    clinic.finish().await;
}

fn string(value: &Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("expected a string, got {value}"))
        .to_owned()
}

/// One bedside check that must be refused with exactly `codes`.
struct Case {
    name: &'static str,
    unit_scans: Vec<String>,
    patient_scan: String,
    codes: &'static [&'static str],
    /// The scan problems' codes, when the scans are malformed.
    scan_errors: &'static [&'static str],
}

impl Case {
    fn new(
        name: &'static str,
        unit_scans: Vec<String>,
        patient_scan: impl Into<String>,
        codes: &'static [&'static str],
    ) -> Self {
        Self {
            name,
            unit_scans,
            patient_scan: patient_scan.into(),
            codes,
            scan_errors: &[],
        }
    }

    fn scan_errors(mut self, scan_errors: &'static [&'static str]) -> Self {
        self.scan_errors = scan_errors;
        self
    }
}

/// Runs every case: each is refused with exactly its codes (every finding's code among them,
/// each with a message), adds exactly one `bedside.check_refused` entry that lists the same
/// reasons and never holds the wristband. Returns the results by case name.
async fn run(clinic: &Clinic, cases: Vec<Case>) -> Vec<(&'static str, Value)> {
    let mut results = Vec::new();
    for case in cases {
        let name = case.name;
        let before = clinic.server.ledger_entry_count().await;
        let check = clinic
            .check(&clinic.clinician, &case.unit_scans, &case.patient_scan)
            .await;
        assert_eq!(check["ok"], false, "{name}: {check}");
        assert_eq!(strings(&check["codes"]), case.codes, "{name}: {check}");
        let reasons = check["reasons"].as_array().expect("reasons");
        let mut finding_codes: Vec<String> = reasons
            .iter()
            .map(|reason| {
                assert!(
                    !reason["message"].as_str().unwrap_or_default().is_empty(),
                    "{name}: {reason}"
                );
                string(&reason["code"])
            })
            .collect();
        finding_codes.dedup();
        assert_eq!(finding_codes, case.codes, "{name}: findings in order");
        assert_eq!(
            strings(&check["scanErrors"]),
            case.scan_errors,
            "{name}: {check}"
        );
        assert_eq!(
            clinic.server.ledger_entry_count().await,
            before + 1,
            "{name}: exactly one entry"
        );
        let entry = clinic.last_entry().await;
        assert_eq!(entry["action"], "bedside.check_refused", "{name}");
        assert_eq!(entry["payload"]["check_id"], check["checkId"], "{name}");
        assert_eq!(
            strings(&entry["payload"]["reasons"]),
            case.codes,
            "{name}: the recorded reasons"
        );
        assert_eq!(
            strings(&entry["payload"]["scan_errors"]),
            case.scan_errors,
            "{name}: the recorded scan problems"
        );
        let text = entry.to_string();
        assert!(
            !text.contains(&case.patient_scan) || case.patient_scan.is_empty(),
            "{name}: the wristband is in the ledger"
        );
        results.push((name, check));
    }
    results
}

fn result<'a>(results: &'a [(&'static str, Value)], name: &str) -> &'a Value {
    &results
        .iter()
        .find(|(case, _)| *case == name)
        .unwrap_or_else(|| panic!("no case {name}"))
        .1
}

/// Units of the table's lot, by what each is for.
struct Units {
    ok: LabelledUnit,
    dose: LabelledUnit,
    old_weight: LabelledUnit,
    not_thawed: LabelledUnit,
    thawed_long_ago: LabelledUnit,
    expired: LabelledUnit,
    given: LabelledUnit,
    unallocated: LabelledUnit,
    no_weight: LabelledUnit,
    completed: LabelledUnit,
}

impl Units {
    fn of(lot: &ClinicalLot) -> Self {
        let unit = |index: usize| lot.units[index].clone();
        Self {
            ok: unit(0),
            dose: unit(1),
            old_weight: unit(2),
            not_thawed: unit(3),
            thawed_long_ago: unit(4),
            expired: unit(5),
            given: unit(6),
            unallocated: unit(7),
            no_weight: unit(8),
            completed: unit(9),
        }
    }
}

/// The patients of the table, by what each is for.
struct Patients {
    /// 75 kg today; the unit `ok` is ready for them.
    ok: PatientFixture,
    /// 50 kg today: a standard unit is 1.5 x 10^6 cells/kg.
    light: PatientFixture,
    /// 75 kg, weighed 10 days ago.
    old_weight: PatientFixture,
    /// Their unit is allocated and on the ward, not thawed.
    not_thawed: PatientFixture,
    /// Their unit was thawed 5 hours ago.
    thawed_long_ago: PatientFixture,
    /// Received one of the two infusions ordered.
    given: PatientFixture,
    /// Weighed, no order.
    no_order: PatientFixture,
    /// Never weighed.
    no_weight: PatientFixture,
    /// Received the single infusion ordered: the order is complete.
    completed: PatientFixture,
}

#[tokio::test]
async fn every_reason_that_applies_is_listed_and_every_refusal_is_ledgered() {
    let clinic = Clinic::start().await;
    let mut specs: Vec<UnitSpec> = "ABCDE".chars().map(UnitSpec::standard).collect();
    specs.push(UnitSpec::expired('F'));
    specs.extend("GHIJ".chars().map(UnitSpec::standard));
    let lot = clinic.quarantined_lot(&specs).await;
    let units = Units::of(&lot);
    let patients = Patients {
        ok: clinic.patient("WB2001", Some("75")).await,
        light: clinic.patient("WB2002", Some("50")).await,
        old_weight: clinic.patient("WB2003", None).await,
        not_thawed: clinic.patient("WB2004", Some("75")).await,
        thawed_long_ago: clinic.patient("WB2005", Some("75")).await,
        given: clinic.patient("WB2006", Some("75")).await,
        no_order: clinic.patient("WB2007", Some("75")).await,
        no_weight: clinic.patient("WB2008", None).await,
        completed: clinic.patient("WB2009", Some("75")).await,
    };
    clinic.weigh(&patients.old_weight.id, "75", 10).await.data();
    let ok_order = clinic.order(&patients.ok.id, None, &[0, 7]).await;
    let plain = |patient: &PatientFixture| patient.wristband.clone();

    // A unit of a lot in quarantine.
    run(
        &clinic,
        vec![Case::new(
            "a unit not released",
            unit_scans(&units.ok),
            plain(&patients.ok),
            &["NOT_RELEASED", "NOT_THAWED", "NOT_ALLOCATED"],
        )],
    )
    .await;

    clinic.release(&lot).await;
    clinic
        .ready_for_order(&ok_order, &units.ok, ThawAt::MinutesAgo(10))
        .await;
    let ready = [
        (&patients.light, &units.dose, ThawAt::MinutesAgo(10)),
        (
            &patients.old_weight,
            &units.old_weight,
            ThawAt::MinutesAgo(10),
        ),
        (&patients.not_thawed, &units.not_thawed, ThawAt::Never),
        (
            &patients.thawed_long_ago,
            &units.thawed_long_ago,
            ThawAt::MinutesAgo(300),
        ),
        (&patients.given, &units.given, ThawAt::MinutesAgo(10)),
        (
            &patients.no_weight,
            &units.no_weight,
            ThawAt::MinutesAgo(10),
        ),
    ];
    for (patient, unit, thaw) in ready {
        clinic.ready_unit(patient, unit, thaw).await;
    }
    let single = clinic.order(&patients.completed.id, None, &[0]).await;
    clinic
        .ready_for_order(&single, &units.completed, ThawAt::MinutesAgo(10))
        .await;
    for (unit, patient) in [
        (&units.given, &patients.given),
        (&units.completed, &patients.completed),
    ] {
        clinic
            .accepted_check(&clinic.clinician, unit, patient)
            .await;
        clinic.administer(&clinic.clinician, unit, patient).await;
    }
    assert_eq!(
        clinic.read_order(&clinic.clinician, &single).await["status"],
        "COMPLETED"
    );
    // The unit ready for `ok` passes, so each refusal below is for its own reason.
    clinic
        .accepted_check(&clinic.clinician, &units.ok, &patients.ok)
        .await;

    let ok = &units.ok;
    let din = din_scan(&ok.din, "00");
    let product = product_code_scan(&ok.product_code);
    let expiry = expiry_scan(ok.expires_at);
    let unknown_product = product_code_scan("S1001VZ0");
    let cases = vec![
        Case::new(
            "no unit scan",
            vec![],
            plain(&patients.ok),
            &["MALFORMED_SCAN"],
        )
        .scan_errors(&["UNIT_NOT_SCANNED"]),
        Case::new(
            "eleven unit scans",
            vec![din.clone(); 11],
            plain(&patients.ok),
            &["MALFORMED_SCAN"],
        )
        .scan_errors(&["TOO_MANY_SCANS"]),
        Case::new(
            "a unit scan of 501 characters",
            vec![din.clone(), product.clone(), "=".repeat(501)],
            plain(&patients.ok),
            &["MALFORMED_SCAN"],
        )
        .scan_errors(&["SCAN_TOO_LONG"]),
        Case::new(
            "the DIN alone",
            vec![din.clone()],
            plain(&patients.ok),
            &["MALFORMED_SCAN"],
        )
        .scan_errors(&["PRODUCT_CODE_NOT_SCANNED"]),
        Case::new(
            "the product code alone",
            vec![product.clone()],
            plain(&patients.ok),
            &["MALFORMED_SCAN"],
        )
        .scan_errors(&["DIN_NOT_SCANNED"]),
        Case::new(
            "the DIN from a pilot tube (flag 06)",
            vec![din_scan(&ok.din, "06"), product.clone()],
            plain(&patients.ok),
            &["MALFORMED_SCAN"],
        )
        .scan_errors(&["NOT_A_PRODUCT_LABEL"]),
        Case::new(
            "two different DINs",
            vec![
                din.clone(),
                product.clone(),
                din_scan(&unknown_din(ok), "00"),
            ],
            plain(&patients.ok),
            &["MALFORMED_SCAN"],
        )
        .scan_errors(&["DIN_CONFLICT"]),
        Case::new(
            "the wristband scanned as a unit label",
            vec![din.clone(), product.clone(), patients.ok.wristband_scan()],
            plain(&patients.ok),
            &["MALFORMED_SCAN"],
        )
        .scan_errors(&["PATIENT_SCANNED_AS_UNIT"]),
        Case::new(
            "a wristband that is not a patient identification",
            unit_scans(ok),
            din.clone(),
            &["MALFORMED_SCAN"],
        )
        .scan_errors(&["WRISTBAND_NOT_PATIENT_IDENTIFICATION"]),
        Case::new(
            "a plain wristband with a space",
            unit_scans(ok),
            "WB 2001",
            &["MALFORMED_SCAN"],
        )
        .scan_errors(&["WRISTBAND_BAD_PLAIN_ID"]),
        Case::new(
            "an empty wristband scan",
            unit_scans(ok),
            "",
            &["MALFORMED_SCAN"],
        )
        .scan_errors(&["WRISTBAND_EMPTY"]),
        Case::new(
            "an unreadable extra scan and an unknown wristband",
            vec![
                din.clone(),
                "?!".to_owned(),
                product.clone(),
                expiry.clone(),
            ],
            "WB9999",
            &["MALFORMED_SCAN", "UNKNOWN_PATIENT"],
        )
        .scan_errors(&["SCAN_UNKNOWN_DATA_IDENTIFIER"]),
        Case::new(
            "a product code no unit of the DIN carries",
            vec![din.clone(), unknown_product.clone()],
            plain(&patients.ok),
            &["UNKNOWN_UNIT"],
        ),
        Case::new(
            "a DIN no unit carries",
            vec![din_scan(&unknown_din(ok), "00"), product.clone()],
            patients.ok.wristband_scan(),
            &["UNKNOWN_UNIT"],
        ),
        Case::new(
            "an unknown plain wristband",
            unit_scans(ok),
            "WB9999",
            &["UNKNOWN_PATIENT"],
        ),
        Case::new(
            "an unknown &# wristband",
            unit_scans(ok),
            wristband_scan("WB9999"),
            &["UNKNOWN_PATIENT"],
        ),
        Case::new(
            "another patient, with an order of their own",
            unit_scans(ok),
            plain(&patients.light),
            &["WRONG_PATIENT"],
        ),
        Case::new(
            "another patient, without any order",
            unit_scans(ok),
            patients.no_order.wristband_scan(),
            &["WRONG_PATIENT", "NO_ACTIVE_ORDER"],
        ),
        Case::new(
            "an unknown unit, a patient without any order",
            vec![din.clone(), unknown_product],
            plain(&patients.no_order),
            &["UNKNOWN_UNIT", "NO_ACTIVE_ORDER"],
        ),
        Case::new(
            "an unallocated unit, a patient without any order",
            unit_scans(&units.unallocated),
            plain(&patients.no_order),
            &["NOT_THAWED", "NOT_ALLOCATED", "NO_ACTIVE_ORDER"],
        ),
        Case::new(
            "an expired unit",
            unit_scans(&units.expired),
            plain(&patients.ok),
            &["EXPIRED", "NOT_THAWED", "NOT_ALLOCATED"],
        ),
        Case::new(
            "a label whose expiry differs from the record",
            vec![
                din.clone(),
                product.clone(),
                expiry_scan(ok.expires_at + Duration::days(1)),
            ],
            plain(&patients.ok),
            &["LABEL_MISMATCH"],
        ),
        Case::new(
            "a unit not thawed",
            unit_scans(&units.not_thawed),
            plain(&patients.not_thawed),
            &["NOT_THAWED"],
        ),
        Case::new(
            "a unit thawed 5 hours ago",
            unit_scans(&units.thawed_long_ago),
            plain(&patients.thawed_long_ago),
            &["THAW_WINDOW_EXCEEDED"],
        ),
        Case::new(
            "1.5 x 10^6 cells/kg for 1 x 10^6 prescribed",
            unit_scans(&units.dose),
            plain(&patients.light),
            &["DOSE_OUT_OF_RANGE"],
        ),
        Case::new(
            "the latest weight 10 days old",
            unit_scans(&units.old_weight),
            plain(&patients.old_weight),
            &["WEIGHT_TOO_OLD"],
        ),
        Case::new(
            "no weight at all",
            unit_scans(&units.no_weight),
            plain(&patients.no_weight),
            &["WEIGHT_TOO_OLD"],
        ),
        Case::new(
            "a unit already given, the order still active",
            unit_scans(&units.given),
            plain(&patients.given),
            &["ALREADY_ADMINISTERED"],
        ),
        Case::new(
            "a unit already given, the order complete",
            unit_scans(&units.completed),
            plain(&patients.completed),
            &["NO_ACTIVE_ORDER", "ALREADY_ADMINISTERED"],
        ),
        Case::new(
            "many at once",
            vec![
                expiry_scan(units.thawed_long_ago.expires_at - Duration::days(2)),
                "=<".to_owned(),
                din_scan(&units.thawed_long_ago.din, "00"),
                product_code_scan(&units.thawed_long_ago.product_code),
            ],
            plain(&patients.old_weight),
            &[
                "MALFORMED_SCAN",
                "LABEL_MISMATCH",
                "THAW_WINDOW_EXCEEDED",
                "WRONG_PATIENT",
                "WEIGHT_TOO_OLD",
            ],
        )
        .scan_errors(&["SCAN_WRONG_LENGTH"]),
    ];
    let results = run(&clinic, cases).await;

    // What the refusals show: the unit and patient as far as they were established.
    let dose = &result(&results, "1.5 x 10^6 cells/kg for 1 x 10^6 prescribed")["facts"];
    assert_eq!(dose["cellsPerKg"], 1_500_000);
    assert_eq!(dose["weightKg"], "50");
    assert_eq!(dose["prescribedDosePerKg"], 1_000_000);
    let wrong = &result(&results, "another patient, with an order of their own")["facts"];
    assert_eq!(wrong["unitId"], units.ok.id.as_str());
    assert_eq!(wrong["patientKey"], patients.light.key.as_str());
    assert!(wrong["orderId"].is_null(), "the order is not the patient's");
    let late = &result(&results, "a unit thawed 5 hours ago")["facts"];
    assert_eq!(
        time(&late["useBy"]),
        time(&late["thawedAt"]) + Duration::hours(4)
    );
    assert!(time(&late["useBy"]) < Utc::now());
    let unknown = &result(&results, "an unknown plain wristband")["facts"];
    assert_eq!(unknown["unitId"], units.ok.id.as_str());
    assert!(unknown["patientId"].is_null());
    let malformed = &result(&results, "the DIN alone")["facts"];
    assert!(malformed["unitId"].is_null(), "nothing was looked up");
    assert_eq!(malformed["patientId"], patients.ok.id.as_str());

    // A refusal supersedes the acceptance: the unit may not be given on the older check.
    let refused = clinic
        .try_administer(
            &clinic.clinician,
            cordtrace_tests::clinical_fixtures::administration_input(&units.ok, &patients.ok),
            cordtrace_tests::clinical_fixtures::signed("RESPONSIBILITY"),
        )
        .await;
    assert_eq!(refused.error_code(), "CONFLICT", "{}", refused.body);
    assert_eq!(refused.reason_codes(), vec!["NO_ACCEPTED_CHECK".to_owned()]);

    // The lot on hold.
    clinic.hold(&lot.lot_id, true).await;
    run(
        &clinic,
        vec![
            Case::new(
                "a unit of a lot on hold",
                unit_scans(ok),
                plain(&patients.ok),
                &["ON_HOLD_OR_RECALLED"],
            ),
            Case::new(
                "an expired unit of a lot on hold, a patient without any order",
                unit_scans(&units.expired),
                patients.no_order.wristband_scan(),
                &[
                    "ON_HOLD_OR_RECALLED",
                    "EXPIRED",
                    "NOT_THAWED",
                    "NOT_ALLOCATED",
                    "NO_ACTIVE_ORDER",
                ],
            ),
        ],
    )
    .await;
    clinic.hold(&lot.lot_id, false).await;
    clinic
        .accepted_check(&clinic.clinician, ok, &patients.ok)
        .await;

    // The donor withdraws consent.
    clinic.fixtures.withdraw_consent(lot.donor.donor_id).await;
    run(
        &clinic,
        vec![
            Case::new(
                "a unit whose donor withdrew consent",
                unit_scans(ok),
                plain(&patients.ok),
                &["DONOR_NOT_ELIGIBLE"],
            ),
            Case::new(
                "that, with the dose out of range",
                unit_scans(&units.dose),
                patients.light.wristband_scan(),
                &["DOSE_OUT_OF_RANGE", "DONOR_NOT_ELIGIBLE"],
            ),
            Case::new(
                "that, and an unknown wristband",
                unit_scans(ok),
                "WB9999",
                &["UNKNOWN_PATIENT", "DONOR_NOT_ELIGIBLE"],
            ),
        ],
    )
    .await;
    // Replaying every check rebuilds each unit's latest check exactly.
    assert_ledger_verifies(&clinic.server, &clinic.auditor).await;
    clinic.finish().await;
}

#[tokio::test]
async fn personal_data_is_for_clinicians_only_and_never_reaches_the_ledger() {
    let clinic = Clinic::start().await;
    // Registered with the wristband's ISBT 128 form; matched by its number.
    let registered = clinic
        .try_register(&personal_data(&wristband_scan("WB3001")))
        .await;
    let patient = registered.data()["registerPatient"].clone();
    let personal = &patient["personalData"];
    assert_eq!(
        personal["fullName"],
        format!("Invented Patient {}", wristband_scan("WB3001"))
    );
    assert_eq!(personal["dateOfBirth"], "1984-05-17");
    assert_eq!(personal["wristbandId"], "WB3001");
    assert!(personal["redactedAt"].is_null());
    let key = string(&patient["key"]);
    assert!(key.starts_with("PAT"), "an opaque key: {key}");
    let id = string(&patient["id"]);
    clinic.weigh(&id, "62.5", 1).await.data();

    let query = "query($id: UUID!) { patient(id: $id) { id key \
                 latestWeight { kilograms } personalData { fullName wristbandId } } }";
    let by_clinician = clinic
        .server
        .gql(Some(&clinic.clinician2), query, json!({ "id": id }))
        .await;
    let read = &by_clinician.data()["patient"];
    assert_eq!(read["personalData"]["wristbandId"], "WB3001");
    assert_eq!(read["latestWeight"]["kilograms"], "62.5");

    // QA and auditors read the patient by key, never the personal data.
    for token in [&clinic.qa, &clinic.auditor] {
        let response = clinic
            .server
            .gql(Some(token), query, json!({ "id": id }))
            .await;
        assert_eq!(
            response.error_codes(),
            vec!["FORBIDDEN".to_owned()],
            "{}",
            response.body
        );
        assert_eq!(
            response.body["errors"][0]["path"],
            json!(["patient", "personalData"])
        );
        let read = &response.body["data"]["patient"];
        assert_eq!(read["key"], key.as_str());
        assert!(read["personalData"].is_null(), "{}", response.body);
        let text = response.body.to_string();
        assert!(!text.contains("Invented Patient") && !text.contains("WB3001"));
    }
    let listed = clinic
        .server
        .gql(
            Some(&clinic.auditor),
            "{ patients { key personalData { fullName } } }",
            json!({}),
        )
        .await;
    assert_eq!(listed.error_code(), "FORBIDDEN");
    assert_eq!(listed.body["data"]["patients"][0]["key"], key.as_str());
    assert!(listed.body["data"]["patients"][0]["personalData"].is_null());
    // Technicians and analysts do not read patients at all.
    for token in [&clinic.tech, &clinic.analyst] {
        let response = clinic
            .server
            .gql(Some(token), query, json!({ "id": id }))
            .await;
        assert_eq!(response.error_code(), "FORBIDDEN", "{}", response.body);
        assert!(!response.body.to_string().contains("WB3001"));
    }

    // Only clinicians check at the bedside; a refused caller writes nothing.
    let scans = vec![
        din_scan("A999926000001", "00"),
        product_code_scan("S1001VA0"),
    ];
    let before = clinic.server.ledger_entry_count().await;
    for token in [&clinic.qa, &clinic.tech, &clinic.auditor] {
        let response = clinic.try_check(token, &scans, "WB3001").await;
        assert_eq!(response.error_code(), "FORBIDDEN", "{}", response.body);
    }
    let anonymous = clinic
        .server
        .gql(
            None,
            "mutation { bedsideCheck(unitScans: [], patientScan: \"WB3001\") { ok } }",
            json!({}),
        )
        .await;
    assert_eq!(anonymous.error_code(), "UNAUTHENTICATED");
    assert_eq!(clinic.server.ledger_entry_count().await, before);

    // A clinician's check shows the key, not the person; the ledger holds neither.
    let check = clinic.check(&clinic.clinician, &scans, "WB3001").await;
    assert_eq!(
        strings(&check["codes"]),
        vec!["UNKNOWN_UNIT", "NO_ACTIVE_ORDER"]
    );
    assert_eq!(check["facts"]["patientKey"], key.as_str());
    assert_eq!(check["facts"]["weightKg"], "62.5");
    assert!(!check.to_string().contains("Invented Patient"));
    assert_eq!(clinic.server.ledger_entry_count().await, before + 1);
    let ledger = clinic.ledger_text().await;
    for secret in ["WB3001", "Invented Patient", "TEST-HRN", "1984-05-17"] {
        assert!(!ledger.contains(secret), "{secret} is in the ledger");
    }
    assert!(
        ledger.contains(&key),
        "the key is the patient's name in the ledger"
    );
    clinic.finish().await;
}

#[tokio::test]
async fn the_limits_and_the_labels_time_zone_are_settings() {
    let server = TestServer::start_with(|settings| {
        settings.fin = Some(POOL_FIN.to_owned());
        settings.thaw_window_minutes = 60;
        settings.weight_window_days = 2;
        settings.dose_tolerance_percent = 30;
        // UTC+9 all year: labels are printed in the facility's local time.
        settings.facility_time_zone = "Asia/Tokyo".to_owned();
    })
    .await;
    let clinic = Clinic::on(server).await;
    let lot = clinic
        .released_lot(&[
            UnitSpec::standard('A'),
            UnitSpec::standard('B'),
            UnitSpec::standard('C'),
        ])
        .await;
    let (late, weighed, light) = (&lot.units[0], &lot.units[1], &lot.units[2]);
    let late_patient = clinic.patient("WB6001", Some("75")).await;
    let weighed_patient = clinic.patient("WB6002", None).await;
    clinic.weigh(&weighed_patient.id, "75", 3).await.data();
    let light_patient = clinic.patient("WB6003", Some("60")).await;
    let order_id = clinic
        .ready_unit(&late_patient, late, ThawAt::MinutesAgo(90))
        .await;
    clinic
        .ready_unit(&weighed_patient, weighed, ThawAt::MinutesAgo(10))
        .await;
    clinic
        .ready_unit(&light_patient, light, ThawAt::MinutesAgo(10))
        .await;
    let order = clinic.read_order(&clinic.clinician, &order_id).await;
    let allocation = &order["allocations"][0];
    assert_eq!(
        time(&allocation["useBy"]),
        time(&allocation["thawedAt"]) + Duration::hours(1),
        "the use-by is fixed from the window in force"
    );

    // The expiry label in Tokyo time reads; the same instant printed in UTC does not.
    let tokyo = |unit: &LabelledUnit| {
        vec![
            din_scan(&unit.din, "00"),
            product_code_scan(&unit.product_code),
            expiry_scan(unit.expires_at + Duration::hours(9)),
        ]
    };
    let utc_label = vec![
        din_scan(&light.din, "00"),
        product_code_scan(&light.product_code),
        expiry_scan(light.expires_at),
    ];
    let cases = [
        (
            "thawed 90 minutes ago, a window of 60",
            tokyo(late),
            &late_patient,
            vec!["THAW_WINDOW_EXCEEDED"],
        ),
        (
            "weighed 3 days ago, a window of 2",
            tokyo(weighed),
            &weighed_patient,
            vec!["WEIGHT_TOO_OLD"],
        ),
        (
            "the expiry printed in UTC",
            utc_label,
            &light_patient,
            vec!["LABEL_MISMATCH"],
        ),
    ];
    for (case, scans, patient, expected) in cases {
        let before = clinic.server.ledger_entry_count().await;
        let check = clinic
            .check(&clinic.clinician, &scans, &patient.wristband)
            .await;
        assert_eq!(strings(&check["codes"]), expected, "{case}: {check}");
        assert_eq!(clinic.server.ledger_entry_count().await, before + 1);
        assert_eq!(clinic.last_action().await, "bedside.check_refused");
    }
    // 1.25 x 10^6 cells/kg for 1 x 10^6 prescribed is within a tolerance of 30 %.
    let check = clinic
        .check(&clinic.clinician, &tokyo(light), &light_patient.wristband)
        .await;
    assert_eq!(check["ok"], true, "{check}");
    assert_eq!(check["facts"]["cellsPerKg"], 1_250_000);
    assert_eq!(clinic.last_action().await, "bedside.check_accepted");
    clinic.finish().await;
}
