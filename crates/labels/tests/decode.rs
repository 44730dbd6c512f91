//! Round trip through decoders nobody here wrote: the SVG is rasterised by librsvg and the PDF
//! by poppler at 600 dpi, then ZBar reads the Code 128 symbols and libdmtx the Data Matrix.
//! What they read must be exactly the data structures the domain emitted (every one, nothing
//! else) and exactly the compound message, and the domain's scan parser must read those
//! strings back as the label's data. `pdftotext` must find the texts a person reads.
//!
//! The tools are Debian packages (`librsvg2-bin`, `poppler-utils`, `zbar-tools`,
//! `dmtx-utils`) that `.ci/run` installs; a missing one fails the test with its package name.

use std::collections::BTreeSet;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::{NaiveDate, NaiveTime};
use cordtrace_domain::isbt128::{
    Din, Expiry, Fin, LabelDateTime, LabelFlag, ProcessingDate, ProductCode, Scan, UnitLabelData,
};
use cordtrace_labels::{Container, Recipient, UnitLabel, pdf, svg};

/// The rasterising resolution: about 6 pixels per narrow bar at the 0.25 mm X dimension.
const DPI: &str = "600";

fn date_time(year: i32, month: u32, day: u32, time: Option<(u32, u32)>) -> LabelDateTime {
    let date = NaiveDate::from_ymd_opt(year, month, day).expect("a calendar date");
    let time = time.map(|(hour, minute)| NaiveTime::from_hms_opt(hour, minute, 0).expect("a time"));
    LabelDateTime::new(date, time).expect("whole minutes")
}

/// An allocated bag under test FIN A9999: four structures (DIN with check flag, product,
/// expiry with time, collection with time).
fn allocated_bag() -> UnitLabel {
    let din = Din::new(Fin::parse("A9999").expect("a test FIN"), 26, 1).expect("a DIN");
    UnitLabel {
        data: UnitLabelData::new(
            din,
            LabelFlag::CheckValue,
            ProductCode::parse("S1234V00").expect("a product code"),
            Expiry::new(date_time(2026, 4, 30, Some((9, 5)))),
            Some(ProcessingDate::Collection(date_time(
                2026,
                1,
                15,
                Some((9, 30)),
            ))),
        ),
        product_description: "Umbilical cord MSC, cryopreserved, 10 % DMSO (demo product)"
            .to_owned(),
        facility_name: "Demo Cord Cell Laboratory".to_owned(),
        facility_address: "1 Example Street, 00000 Demo City".to_owned(),
        collection: Some("Collected 2026-01-15 09:30 +01:00".to_owned()),
        expiry: "Expires 2026-04-30 09:05 +02:00".to_owned(),
        cells: "75 × 10⁶ viable cells".to_owned(),
        volume: "50 mL".to_owned(),
        storage: "Store at or below −150 °C".to_owned(),
        donor_key: "DNR-7Q2K-93XF".to_owned(),
        recipient: Some(Recipient {
            key: "RCP-0042".to_owned(),
            name: Some("Demo Patient B".to_owned()),
        }),
        warnings: vec![
            "FOR USE BY INTENDED RECIPIENT ONLY".to_owned(),
            "NOT EVALUATED FOR INFECTIOUS SUBSTANCES".to_owned(),
        ],
        container: Container::Bag,
    }
}

/// A reprinted bag under test FIN A9990: flag 05, a date-only expiry (004), a production date
/// and no recipient.
fn reprinted_bag() -> UnitLabel {
    let din = Din::new(Fin::parse("A9990").expect("a test FIN"), 25, 987_654).expect("a DIN");
    UnitLabel {
        data: UnitLabelData::new(
            din,
            LabelFlag::Reprinted,
            ProductCode::parse("S0002A0b").expect("a product code"),
            Expiry::new(date_time(2027, 12, 31, None)),
            Some(ProcessingDate::Production(date_time(
                2025,
                3,
                2,
                Some((14, 0)),
            ))),
        ),
        collection: None,
        expiry: "Expires 2027-12-31".to_owned(),
        recipient: None,
        warnings: vec!["FOR USE UNDER URGENT MEDICAL NEED ONLY".to_owned()],
        ..allocated_bag()
    }
}

fn vial() -> UnitLabel {
    UnitLabel {
        container: Container::Vial,
        ..allocated_bag()
    }
}

/// Runs a Debian tool, failing with the package to install when it is missing.
fn run(tool: &str, package: &str, args: &[&str]) -> Output {
    match Command::new(tool).args(args).output() {
        Ok(output) => output,
        Err(error) if error.kind() == ErrorKind::NotFound => panic!(
            "{tool} is not installed: install the Debian package {package} \
             (apt-get install -y {package}); .ci/run installs it"
        ),
        Err(error) => panic!("{tool} could not run: {error}"),
    }
}

fn stdout_lines(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The Code 128 symbols ZBar reads in a PNG.
fn read_code128(png: &Path) -> BTreeSet<String> {
    let png = png.to_str().expect("a UTF-8 temporary path");
    let output = run(
        "zbarimg",
        "zbar-tools",
        &["--raw", "-q", "-Sdisable", "-Scode128.enable", png],
    );
    let lines = stdout_lines(&output);
    assert!(
        output.status.success(),
        "zbarimg read nothing in {png}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let read: BTreeSet<String> = lines.iter().cloned().collect();
    assert_eq!(
        read.len(),
        lines.len(),
        "a symbol read twice in {png}: {lines:?}"
    );
    read
}

/// The Data Matrix symbols libdmtx reads in a PNG.
fn read_data_matrix(png: &Path) -> Vec<String> {
    let png = png.to_str().expect("a UTF-8 temporary path");
    // -n: one message a line; -S 4: a quarter of 600 dpi is still 3 pixels a module, and the
    // search of the whole image for further symbols takes seconds instead of half a minute;
    // -m: a bound on that search.
    let output = run(
        "dmtxread",
        "dmtx-utils",
        &["-n", "-S", "4", "-m", "60000", png],
    );
    stdout_lines(&output)
}

fn structures(label: &UnitLabel) -> BTreeSet<String> {
    label
        .data
        .structures()
        .iter()
        .map(Scan::data_structure)
        .collect()
}

/// What the decoders read on one rasterised label is exactly what the label was printed from.
fn assert_round_trip(png: &Path, label: &UnitLabel) {
    let read = read_code128(png);
    let expected: BTreeSet<String> = match label.container {
        Container::Bag => structures(label),
        Container::Vial => [
            label.data.din_data_structure(),
            label.data.product_data_structure(),
            label.data.expiry_data_structure(),
        ]
        .into_iter()
        .collect(),
    };
    assert_eq!(read, expected, "Code 128 symbols of {}", png.display());
    // The scanner path: each string read parses as one of the label's structures.
    let data_structures = label.data.structures();
    for string in &read {
        let scan = Scan::parse(string).expect("a decoded structure parses");
        assert!(
            data_structures.contains(&scan),
            "{string} is not the label's"
        );
    }

    let matrices = read_data_matrix(png);
    match label.container {
        Container::Bag => {
            let compound = label.data.compound().to_string();
            assert_eq!(
                matrices,
                std::slice::from_ref(&compound),
                "Data Matrix of {}",
                png.display()
            );
            assert_eq!(Scan::parse_all(&compound), Ok(data_structures));
        }
        Container::Vial => assert!(matrices.is_empty(), "a vial carries no Data Matrix"),
    }
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 temporary path")
}

#[test]
fn the_svg_symbols_decode_to_exactly_the_emitted_data() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (name, label) in [
        ("allocated", allocated_bag()),
        ("reprinted", reprinted_bag()),
        ("vial", vial()),
    ] {
        let svg_path = dir.path().join(format!("{name}.svg"));
        let png_path = dir.path().join(format!("{name}.png"));
        std::fs::write(&svg_path, svg(&label).expect("the label fits")).expect("write the SVG");
        let output = run(
            "rsvg-convert",
            "librsvg2-bin",
            &[
                "--dpi-x",
                DPI,
                "--dpi-y",
                DPI,
                "--background-color",
                "white",
                "--format",
                "png",
                "--output",
                path_str(&png_path),
                path_str(&svg_path),
            ],
        );
        assert!(
            output.status.success(),
            "rsvg-convert failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_round_trip(&png_path, &label);
    }
}

#[test]
fn the_pdf_pages_decode_to_exactly_the_emitted_data_and_hold_the_text() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let labels = [allocated_bag(), reprinted_bag(), vial()];
    let pdf_path = dir.path().join("sheet.pdf");
    std::fs::write(&pdf_path, pdf(&labels).expect("the labels fit")).expect("write the PDF");

    let info = run("pdfinfo", "poppler-utils", &[path_str(&pdf_path)]);
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(
        info.lines()
            .any(|line| line.split_whitespace().eq(["Pages:", "3"])),
        "one page per label: {info}"
    );

    let prefix = dir.path().join("page");
    let output = run(
        "pdftoppm",
        "poppler-utils",
        &["-r", DPI, "-png", path_str(&pdf_path), path_str(&prefix)],
    );
    assert!(
        output.status.success(),
        "pdftoppm failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    for (page_idx, label) in labels.iter().enumerate() {
        let png_path = page_png(dir.path(), page_idx + 1);
        assert_round_trip(&png_path, label);
    }

    let text = run("pdftotext", "poppler-utils", &[path_str(&pdf_path), "-"]);
    // Words wrapped across lines are compared with the lines joined.
    let text = String::from_utf8_lossy(&text.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for label in &labels {
        let eye = label.data.eye_readable_din();
        assert!(
            text.contains(&eye.din_text()),
            "{} in {text}",
            eye.din_text()
        );
        assert!(text.contains(label.data.product().as_str()));
        assert!(text.contains(&label.expiry));
    }
    for label in &labels[..2] {
        for wanted in [&label.product_description, &label.facility_name]
            .into_iter()
            .chain(&label.warnings)
        {
            assert!(
                text.contains(wanted.as_str()),
                "{wanted:?} missing from {text}"
            );
        }
    }
    assert!(text.contains("Demo Patient B"));
    assert!(
        text.contains("Store at or below -150 °C"),
        "the minus as a hyphen: {text}"
    );
}

/// pdftoppm's name for page `page_no`: `page-1.png`, or `page-01.png` from 10 pages on.
fn page_png(dir: &Path, page_no: usize) -> PathBuf {
    std::fs::read_dir(dir)
        .expect("the temporary directory")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .and_then(|name| name.strip_prefix("page-"))
                .and_then(|name| name.strip_suffix(".png"))
                .and_then(|number| number.parse::<usize>().ok())
                == Some(page_no)
        })
        .unwrap_or_else(|| panic!("pdftoppm wrote no page {page_no}"))
}
