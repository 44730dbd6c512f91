//! A paged report read back by tools nobody here wrote: poppler's `pdfinfo` for the paper
//! size, `pdffonts` for embedded fonts, `pdftotext` for the text a person reads on each page
//! (header, footer with "Page x of y", repeated table headers) and `pdftoppm` with libdmtx's
//! `dmtxread` for the Data Matrix. The tools are Debian packages that `.ci/run` installs.

use std::io::ErrorKind;
use std::path::Path;
use std::process::{Command, Output};

use cordtrace_labels::report::{self, Block, Cell, Paper, Report, Table};

fn run(tool: &str, package: &str, args: &[&str]) -> Output {
    match Command::new(tool).args(args).output() {
        Ok(output) if output.status.success() => output,
        Ok(output) => panic!(
            "{tool} {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ),
        Err(error) if error.kind() == ErrorKind::NotFound => panic!(
            "{tool} is not installed: install the Debian package {package} \
             (apt-get install -y {package}); .ci/run installs it"
        ),
        Err(error) => panic!("{tool} could not run: {error}"),
    }
}

fn poppler(tool: &str, args: &[&str]) -> String {
    String::from_utf8_lossy(&run(tool, "poppler-utils", args).stdout).into_owned()
}

const PROOF: &str = "cordtrace entry 41 sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 checkpoint 57";

fn report() -> Report {
    let rows = (1..=70)
        .map(|n| {
            vec![
                Cell::new(format!("T{n:02} Viable cell count")),
                Cell::new("≥ 7.0 × 10⁷ cells"),
                Cell::new(format!("7.{} × 10⁷ cells", n % 10)),
                if n == 13 {
                    Cell::bold("FAIL")
                } else {
                    Cell::new("PASS")
                },
                Cell::new("2026-11-30 14:05 +01:00"),
            ]
        })
        .collect();
    Report {
        title: "Certificate of analysis".to_owned(),
        issuer: vec![
            "Demo Cord Cell Laboratory".to_owned(),
            "1 Example Street, 00000 Demo City".to_owned(),
        ],
        number: "CoA-A9990 26 000001".to_owned(),
        version: "3".to_owned(),
        blocks: vec![
            Block::Banner("DRAFT: this is not a release certificate.".to_owned()),
            Block::Heading("Test results".to_owned()),
            Block::Table(Table {
                columns: vec![
                    ("Test".to_owned(), 4),
                    ("Acceptance criterion".to_owned(), 3),
                    ("Result".to_owned(), 3),
                    ("Evaluation".to_owned(), 2),
                    ("Tested".to_owned(), 3),
                ],
                rows,
            }),
            Block::Heading("Ledger proof".to_owned()),
            Block::Code(PROOF.to_owned()),
            Block::Symbol {
                data: PROOF.to_owned(),
                caption: "The disposition entry's hash and the checkpoint, for a scanner."
                    .to_owned(),
            },
        ],
    }
}

#[test]
fn a_long_report_prints_on_a4_and_letter_with_headers_pages_and_a_readable_symbol() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (paper, size) in [
        (Paper::A4, "595.276 x 841.89 pts (A4)"),
        (Paper::Letter, "612 x 792 pts (letter)"),
    ] {
        let bytes = report::pdf(&report(), paper).expect("a PDF");
        let file = dir.path().join(format!("{paper:?}.pdf"));
        std::fs::write(&file, bytes).expect("written");
        let file = file.to_str().expect("a UTF-8 path");

        let info = poppler("pdfinfo", &[file]);
        assert!(info.contains(size), "{paper:?}: {info}");
        let pages: usize = info
            .lines()
            .find_map(|line| line.strip_prefix("Pages:"))
            .and_then(|count| count.trim().parse().ok())
            .expect("a page count");
        assert!(pages >= 2, "{info}");

        // Every face is embedded, none left to the reader's machine.
        let fonts = poppler("pdffonts", &[file]);
        let faces: Vec<&str> = fonts.lines().skip(2).collect();
        assert_eq!(faces.len(), 3, "{fonts}");
        for face in faces {
            let columns: Vec<&str> = face.split_whitespace().collect();
            let embedded = columns.iter().rev().nth(4);
            assert_eq!(embedded, Some(&"yes"), "not embedded: {face}");
        }

        let mut rows_seen = 0;
        for page in 1..=pages {
            let number = page.to_string();
            let text = poppler(
                "pdftotext",
                &["-layout", "-f", &number, "-l", &number, file, "-"],
            );
            for expected in [
                "Demo Cord Cell Laboratory",
                "1 Example Street, 00000 Demo City",
                "Document CoA-A9990 26 000001",
                "Version 3",
                &format!("Page {page} of {pages}"),
            ] {
                assert!(
                    text.contains(expected),
                    "page {page} lacks {expected:?}:\n{text}"
                );
            }
            rows_seen += text.matches("Viable cell count").count();
            if text.contains("Viable cell count") {
                assert!(
                    text.contains("Acceptance criterion"),
                    "page {page} has rows without the table's header:\n{text}"
                );
            }
        }
        assert_eq!(rows_seen, 70, "every row printed once");
        let all = poppler("pdftotext", &[file, "-"]);
        assert!(all.contains("7.3 × 10⁷ cells"), "{all}");
        assert!(all.contains("FAIL"), "{all}");

        let prefix = dir.path().join(format!("{paper:?}-last"));
        let prefix = prefix.to_str().expect("a UTF-8 path");
        let last = pages.to_string();
        poppler(
            "pdftoppm",
            &[
                "-png",
                "-r",
                "300",
                "-f",
                &last,
                "-l",
                &last,
                "-singlefile",
                file,
                prefix,
            ],
        );
        let png = format!("{prefix}.png");
        assert!(Path::new(&png).exists());
        let read = run("dmtxread", "dmtx-utils", &["-N1", "-m", "5000", &png]);
        assert_eq!(String::from_utf8_lossy(&read.stdout).trim_end(), PROOF);
    }
}

#[test]
fn a_ragged_table_is_refused_before_anything_is_written() {
    let mut broken = report();
    broken.blocks.push(Block::Table(Table {
        columns: vec![("One".to_owned(), 1), ("Two".to_owned(), 1)],
        rows: vec![vec![Cell::new("only one")]],
    }));
    let refused = report::pdf(&broken, Paper::A4).expect_err("refused");
    assert_eq!(refused.code(), "DOCUMENT_RAGGED_TABLE");
}
