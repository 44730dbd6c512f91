//! Unit labels over GraphQL (`printUnitLabel`): what a label carries, each print in the ledger
//! with the flag it carried (a reprint `05`), the warnings of a unit in quarantine and of an
//! allocated one, exactly the label's data structures accepted at the bedside for the right
//! patient and refused for another, and the refusals (a role that does not print, an unknown
//! unit, an administered unit) with nothing written; and the documents served at
//! `/labels/units/{id}.svg|.pdf|.zpl` and `/labels/lots/{id}.pdf`, rasterised (`rsvg-convert`,
//! `pdftoppm`) and decoded by tools nobody here wrote (`zbarimg` for Code 128, `dmtxread` for
//! Data Matrix), what they read fed to the bedside check. On SQLite, or PostgreSQL with
//! `TEST_POSTGRES_URL`.

use cordtrace_domain::Role;
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

/// GETs `path` with `token`: status, content type and body.
async fn fetch(clinic: &Clinic, token: &str, path: &str) -> (u16, String, Vec<u8>) {
    clinic.server.get_document(Some(token), path).await
}

/// Runs a Debian tool on `args`, panicking with the package to install when it is missing.
fn run_tool(tool: &str, package: &str, args: &[&std::ffi::OsStr]) -> std::process::Output {
    std::process::Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|error| panic!("{tool} runs (apt-get install {package}): {error}"))
}

/// Every symbol in a PNG, decoded by tools nobody here wrote: `zbarimg` reads the Code 128
/// symbols, `dmtxread` the Data Matrix.
fn decode(png: &std::path::Path) -> (Vec<String>, Vec<String>) {
    let zbar = run_tool(
        "zbarimg",
        "zbar-tools",
        &[
            "--raw".as_ref(),
            "-q".as_ref(),
            "-Sdisable".as_ref(),
            "-Scode128.enable".as_ref(),
            png.as_os_str(),
        ],
    );
    let dmtx = run_tool("dmtxread", "dmtx-utils", &["-N1".as_ref(), png.as_os_str()]);
    let lines = |bytes: &[u8]| -> Vec<String> {
        String::from_utf8_lossy(bytes)
            .lines()
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect()
    };
    (lines(&zbar.stdout), lines(&dmtx.stdout))
}

#[tokio::test]
async fn the_printed_documents_decode_to_exactly_their_data_and_pass_the_bedside() {
    let clinic = Clinic::start().await;
    let lot = clinic
        .released_lot(&[UnitSpec::standard('A'), UnitSpec::standard('B')])
        .await;
    let unit = &lot.units[0];
    let patient = clinic.patient("WB3001", Some("75")).await;
    let other = clinic.patient("WB3002", Some("75")).await;
    clinic
        .ready_unit(&patient, unit, ThawAt::MinutesAgo(10))
        .await;
    let dir = tempfile::tempdir().expect("a temporary directory");

    // The SVG, rasterised at 600 dpi, decodes to the data structures of that print.
    let before = clinic.server.ledger_entry_count().await;
    let (status, content_type, svg) = fetch(
        &clinic,
        &clinic.tech,
        &format!("/labels/units/{}.svg", unit.id),
    )
    .await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&svg));
    assert!(content_type.starts_with("image/svg+xml"), "{content_type}");
    assert_eq!(
        clinic.server.ledger_entry_count().await,
        before + 1,
        "a print is ledgered"
    );
    let entry = clinic.last_entry().await;
    assert_eq!(entry["action"], "unit.label_printed");
    assert_eq!(entry["payload"]["format"], "SVG");
    let svg_file = dir.path().join("label.svg");
    std::fs::write(&svg_file, &svg).expect("the SVG is written");
    let svg_png = dir.path().join("label-svg.png");
    let rasterised = run_tool(
        "rsvg-convert",
        "librsvg2-bin",
        &[
            "--dpi-x=600".as_ref(),
            "--dpi-y=600".as_ref(),
            "--background-color=white".as_ref(),
            "-o".as_ref(),
            svg_png.as_os_str(),
            svg_file.as_os_str(),
        ],
    );
    assert!(rasterised.status.success(), "{rasterised:?}");
    let (mut code128, datamatrix) = decode(&svg_png);
    code128.sort();
    let din = Din::parse(&unit.din).expect("the DIN");
    assert!(
        code128.contains(&format!("={}{}", unit.din, din.type3_flag())),
        "the DIN symbol with its check flag: {code128:?}"
    );
    assert!(
        code128.contains(&format!("=<{}", unit.product_code)),
        "{code128:?}"
    );
    assert_eq!(
        code128.len(),
        4,
        "one symbol per data structure: {code128:?}"
    );
    assert_eq!(datamatrix.len(), 1, "one Data Matrix: {datamatrix:?}");
    assert!(datamatrix[0].starts_with("=+04000"), "{datamatrix:?}");

    // What the scanners read is what the bedside takes: accepted for the patient, refused for
    // another, as the Code 128 symbols and as the Data Matrix.
    for scans in [code128.clone(), datamatrix.clone()] {
        let check = clinic
            .check(&clinic.clinician, &scans, &patient.wristband)
            .await;
        assert_eq!(check["ok"], true, "{check}");
        let refused = clinic
            .check(&clinic.clinician, &scans, &other.wristband)
            .await;
        assert!(
            strings(&refused["codes"]).contains(&"WRONG_PATIENT".to_owned()),
            "{refused}"
        );
    }

    // The PDF, a reprint: its DIN symbol carries 05, and its text is extractable.
    let (status, content_type, pdf) = fetch(
        &clinic,
        &clinic.qa,
        &format!("/labels/units/{}.pdf", unit.id),
    )
    .await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&pdf));
    assert_eq!(content_type, "application/pdf");
    let pdf_file = dir.path().join("label.pdf");
    std::fs::write(&pdf_file, &pdf).expect("the PDF is written");
    let prefix = dir.path().join("label-pdf");
    let rasterised = run_tool(
        "pdftoppm",
        "poppler-utils",
        &[
            "-r".as_ref(),
            "600".as_ref(),
            "-png".as_ref(),
            "-singlefile".as_ref(),
            pdf_file.as_os_str(),
            prefix.as_os_str(),
        ],
    );
    assert!(rasterised.status.success(), "{rasterised:?}");
    let (code128, datamatrix) = decode(&prefix.with_extension("png"));
    assert!(
        code128.contains(&format!("={}{}", unit.din, Flag::ReprintedLabel)),
        "the reprint's DIN symbol: {code128:?}"
    );
    assert_eq!(datamatrix.len(), 1, "{datamatrix:?}");
    let text = run_tool(
        "pdftotext",
        "poppler-utils",
        &[pdf_file.as_os_str(), "-".as_ref()],
    );
    // Words as read, whatever the lines the layout wrapped them into.
    let text = String::from_utf8_lossy(&text.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        text.contains("FOR USE BY INTENDED RECIPIENT ONLY"),
        "{text}"
    );
    assert!(
        text.contains("UC-MSC drug product, cryopreserved (test)"),
        "{text}"
    );
    assert!(text.contains(&patient.key), "the recipient's key: {text}");
    assert!(
        !text.contains("Invented Patient"),
        "QA may not read a patient's name, so its print names the key alone: {text}"
    );

    // A technician who is also a clinician may read the name, so their print carries it; the
    // ledger entry of that print names the unit and the printer, never the patient.
    let clinical_technician = clinic
        .server
        .user_token("tech.clin", &[Role::Technician, Role::Clinician])
        .await;
    let (status, _, svg) = fetch(
        &clinic,
        &clinical_technician,
        &format!("/labels/units/{}.svg", unit.id),
    )
    .await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&svg));
    let svg = String::from_utf8(svg).expect("SVG is text");
    let name = format!("Invented Patient {}", patient.wristband);
    assert!(svg.contains(&name), "the recipient's name: {svg}");
    let entry = clinic.last_entry().await;
    assert_eq!(entry["action"], "unit.label_printed");
    assert!(
        !entry.to_string().contains("Invented Patient"),
        "no personal data in the ledger: {entry}"
    );

    // ZPL for a thermal printer: Code 128 and Data Matrix fields with the same data.
    let (status, _, zpl) = fetch(
        &clinic,
        &clinic.tech,
        &format!("/labels/units/{}.zpl", unit.id),
    )
    .await;
    assert_eq!(status, 200);
    let zpl = String::from_utf8(zpl).expect("ZPL is text");
    assert!(
        zpl.starts_with("^XA") && zpl.trim_end().ends_with("^XZ"),
        "{zpl}"
    );
    assert!(zpl.contains("^BC") && zpl.contains("^BXN"), "{zpl}");
    assert!(zpl.contains(&format!("=<{}", unit.product_code)), "{zpl}");

    // The lot's sheet: a page per unit, each a print.
    let before = clinic.server.ledger_entry_count().await;
    let (status, content_type, _) = fetch(
        &clinic,
        &clinic.tech,
        &format!("/labels/lots/{}.pdf", lot.lot_id),
    )
    .await;
    assert_eq!((status, content_type.as_str()), (200, "application/pdf"));
    assert_eq!(clinic.server.ledger_entry_count().await, before + 2);

    // Refusals: nothing written, a clear code.
    let before = clinic.server.ledger_entry_count().await;
    for (token, path, status, code) in [
        (
            &clinic.clinician,
            format!("/labels/units/{}.svg", unit.id),
            403,
            "FORBIDDEN",
        ),
        (
            &clinic.tech,
            format!("/labels/units/{}.png", unit.id),
            404,
            "NOT_FOUND",
        ),
        (
            &clinic.tech,
            "/labels/units/01900000-0000-7000-8000-000000000000.svg".to_owned(),
            404,
            "NOT_FOUND",
        ),
        (
            &clinic.tech,
            format!("/labels/lots/{}.svg", lot.lot_id),
            404,
            "NOT_FOUND",
        ),
        (
            &clinic.tech,
            "/labels/lots/01900000-0000-7000-8000-000000000000.pdf".to_owned(),
            404,
            "NOT_FOUND",
        ),
    ] {
        let (got, _, body) = fetch(&clinic, token, &path).await;
        let body: Value = serde_json::from_slice(&body).expect("a JSON error");
        assert_eq!(got, status, "{path}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], code,
            "{path}: {body}"
        );
    }
    assert_eq!(clinic.server.ledger_entry_count().await, before);
    assert_ledger_verifies(&clinic.server, &clinic.auditor).await;
}
