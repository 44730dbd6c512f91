//! What a certificate of analysis says, in the words and numbers a person reads: one
//! [`Report`] that the HTML page and the PDF both render, so the two never differ.

use chrono::DateTime;
use chrono_tz::Tz;
use cordtrace_domain::manufacturing::{Container, EligibilityStatus};
use cordtrace_domain::release::certificate::{CertificateOfAnalysis, Person};
use cordtrace_domain::time::Timestamp;
use cordtrace_labels::report::{Block, Cell, Report, Table};
use cordtrace_store::queries::release::{CertificateDocument, DispositionProof, SignatureLine};

/// The issuing facility, as its settings name it.
pub(super) struct Issuer<'a> {
    pub(super) name: &'a str,
    pub(super) address: &'a str,
    pub(super) zone: Tz,
}

/// The certificate as a document.
///
/// Its number is the lot's (`CoA-` and the lot code). Its version counts the signed acts it
/// records (invalidations, closed investigations, the disposition, a recall): a certificate
/// printed again after another signature carries a higher version, and one printed twice
/// without a new signature carries the same.
pub(super) fn report(
    document: &CertificateDocument,
    verifier_key: &str,
    issuer: &Issuer<'_>,
) -> Report {
    let content = &document.content;
    let time = |at: Timestamp| local(at, issuer.zone);
    let mut blocks = Vec::new();
    let version = document.signatures.len();
    let version = if content.disposition.is_none() {
        blocks.push(Block::Banner(
            "DRAFT: quality assurance has not disposed of this lot. This is not a release \
             certificate."
                .to_owned(),
        ));
        format!("{version} (draft)")
    } else {
        version.to_string()
    };
    blocks.push(facts(content, &time));
    units(&mut blocks, content, &time);
    results(&mut blocks, content, &time);
    investigations(&mut blocks, content, &time);
    donors(&mut blocks, content, &time);
    disposition(&mut blocks, content, &time);
    signatures(&mut blocks, &document.signatures);
    if let Some(proof) = &document.proof {
        ledger_proof(&mut blocks, proof, verifier_key);
    }
    Report {
        title: "Certificate of analysis".to_owned(),
        issuer: [issuer.name, issuer.address]
            .into_iter()
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect(),
        number: format!("CoA-{}", content.lot.code.as_str()),
        version,
        blocks,
    }
}

/// A time in the facility's zone with its offset, as every time shown to a person is.
fn local(at: Timestamp, zone: Tz) -> String {
    let local: DateTime<Tz> = at.as_datetime().with_timezone(&zone);
    local.format("%Y-%m-%d %H:%M %:z").to_string()
}

/// A cell count as people write it: `7.5 × 10⁷` (at most three significant digits shown, and
/// only when no digit is lost); small counts as they are.
pub(super) fn cells_text(cells: u64) -> String {
    if cells < 10_000 {
        return cells.to_string();
    }
    let exponent = cells.ilog10();
    let scale = 10_u64.pow(exponent);
    if !cells.is_multiple_of(scale / 100) {
        return cells.to_string();
    }
    let hundredths = cells / (scale / 100);
    let mut mantissa = format!("{}.{:02}", hundredths / 100, hundredths % 100);
    while mantissa.ends_with('0') {
        mantissa.pop();
    }
    if mantissa.ends_with('.') {
        mantissa.pop();
    }
    const SUPERSCRIPTS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let power: String = exponent
        .to_string()
        .chars()
        .filter_map(|digit| digit.to_digit(10))
        .filter_map(|digit| SUPERSCRIPTS.get(digit as usize))
        .collect();
    format!("{mantissa} × 10{power}")
}

fn person(person: &Person) -> String {
    person
        .printed_name
        .as_ref()
        .map_or_else(|| person.user_id.to_string(), ToString::to_string)
}

fn columns(names: &[(&str, u32)]) -> Vec<(String, u32)> {
    names
        .iter()
        .map(|(name, weight)| ((*name).to_owned(), *weight))
        .collect()
}

fn facts(content: &CertificateOfAnalysis, time: &impl Fn(Timestamp) -> String) -> Block {
    let lot = &content.lot;
    let products: Vec<String> = content
        .products
        .iter()
        .map(|product| match &product.description {
            Some(description) => format!("{} ({})", description.as_str(), product.description_code),
            None => product.description_code.clone(),
        })
        .collect();
    let specification = content.specification.as_ref().map_or_else(
        || "none: testing has not begun".to_owned(),
        |spec| {
            format!(
                "{} ({} {}, effective {})",
                spec.title.as_str(),
                spec.product_kind.as_str(),
                spec.version,
                spec.effective_on
            )
        },
    );
    let rows = [
        (
            "Product",
            if products.is_empty() {
                "no units filled".to_owned()
            } else {
                products.join("; ")
            },
        ),
        (
            "Lot",
            format!("{} ({})", lot.code.as_str(), lot.kind.as_str()),
        ),
        ("Lot status", lot.status.as_str().to_owned()),
        ("Made", time(lot.created_at)),
        ("Specification", specification),
        (
            "Testing began",
            content
                .testing_began_at
                .map_or_else(|| "not begun".to_owned(), time),
        ),
    ];
    Block::Table(Table {
        columns: columns(&[("", 1), ("", 3)]),
        rows: rows
            .into_iter()
            .map(|(name, value)| vec![Cell::bold(name), Cell::new(value)])
            .collect(),
    })
}

fn units(
    blocks: &mut Vec<Block>,
    content: &CertificateOfAnalysis,
    time: &impl Fn(Timestamp) -> String,
) {
    blocks.push(Block::Heading(format!("Units ({})", content.units.len())));
    if content.units.is_empty() {
        blocks.push(Block::Paragraph("No units.".to_owned()));
        return;
    }
    let rows = content
        .units
        .iter()
        .map(|unit| {
            let container = match unit.container {
                Container::Bag => "bag",
                Container::Vial => "vial",
            };
            vec![
                Cell::new(format!("{} {}", unit.din, unit.din.check_character())),
                Cell::new(unit.product_code.as_str()),
                Cell::new(container),
                Cell::new(format!("{} mL", unit.volume.value())),
                Cell::new(cells_text(unit.cells.get())),
                Cell::new(time(unit.expires_at)),
                Cell::new(unit.status.as_str()),
            ]
        })
        .collect();
    blocks.push(Block::Table(Table {
        columns: columns(&[
            ("DIN", 8),
            ("Product code", 4),
            ("Container", 3),
            ("Volume", 3),
            ("Viable cells", 4),
            ("Expires", 5),
            ("Status", 6),
        ]),
        rows,
    }));
}

fn results(
    blocks: &mut Vec<Block>,
    content: &CertificateOfAnalysis,
    time: &impl Fn(Timestamp) -> String,
) {
    blocks.push(Block::Heading("Test results".to_owned()));
    if content.tests.is_empty() {
        blocks.push(Block::Paragraph("No specification applies yet.".to_owned()));
        return;
    }
    let mut rows = Vec::new();
    for test in &content.tests {
        let requirement = if test.requirement.as_str() == "REQUIRED" {
            ""
        } else {
            " (report only)"
        };
        let heading = format!("{} {}{requirement}", test.code.as_str(), test.name.as_str());
        if test.results.is_empty() {
            rows.push(vec![
                Cell::new(heading.clone()),
                Cell::new(test.method.as_str()),
                Cell::new(test.criterion_text.clone()),
                Cell::bold("no result"),
                Cell::new(""),
                Cell::new(""),
                Cell::new(""),
                Cell::new(""),
            ]);
            continue;
        }
        for result in &test.results {
            let evaluation = result.evaluation.as_str();
            // PASS and FAIL are said in words, and a void result says why, so that nothing
            // rests on a colour or a strike-through that a copier loses.
            let evaluation = match &result.invalidation {
                Some(invalidation) => Cell::new(format!(
                    "{evaluation}, INVALIDATED {} by {}: {}",
                    time(invalidation.at),
                    person(&invalidation.by),
                    invalidation.reason.as_str()
                )),
                None if evaluation == "FAIL" => Cell::bold(evaluation),
                None => Cell::new(evaluation),
            };
            let retest = if result.retest_of.is_some() {
                " (retest)"
            } else {
                ""
            };
            rows.push(vec![
                Cell::new(heading.clone()),
                Cell::new(result.method.as_str()),
                Cell::new(test.criterion_text.clone()),
                Cell::new(format!("{}{retest}", result.value_text)),
                evaluation,
                Cell::new(format!(
                    "{} / {}",
                    result.instrument.as_str(),
                    result.sample_id.as_str()
                )),
                Cell::new(time(result.tested_at)),
                Cell::new(person(&result.analyst)),
            ]);
        }
    }
    blocks.push(Block::Table(Table {
        columns: columns(&[
            ("Test", 4),
            ("Method", 3),
            ("Acceptance criterion", 3),
            ("Result", 3),
            ("Evaluation", 3),
            ("Instrument / sample", 3),
            ("Tested", 3),
            ("Analyst", 3),
        ]),
        rows,
    }));
}

fn investigations(
    blocks: &mut Vec<Block>,
    content: &CertificateOfAnalysis,
    time: &impl Fn(Timestamp) -> String,
) {
    if content.investigations.is_empty() {
        return;
    }
    blocks.push(Block::Heading(
        "Out-of-specification investigations".to_owned(),
    ));
    let rows = content
        .investigations
        .iter()
        .map(|investigation| {
            vec![
                Cell::new(investigation.test_code.as_str()),
                Cell::new(time(investigation.opened_at)),
                investigation
                    .conclusion
                    .as_ref()
                    .map_or_else(|| Cell::bold("OPEN"), |c| Cell::new(c.as_str())),
                Cell::new(
                    investigation
                        .closed_by
                        .as_ref()
                        .map_or_else(String::new, person),
                ),
                Cell::new(investigation.closed_at.map_or_else(String::new, time)),
            ]
        })
        .collect();
    blocks.push(Block::Table(Table {
        columns: columns(&[
            ("Test", 2),
            ("Opened", 3),
            ("Conclusion", 5),
            ("Closed by", 3),
            ("Closed", 3),
        ]),
        rows,
    }));
}

fn donors(
    blocks: &mut Vec<Block>,
    content: &CertificateOfAnalysis,
    time: &impl Fn(Timestamp) -> String,
) {
    blocks.push(Block::Heading("Donor eligibility".to_owned()));
    let rows = content
        .donors
        .iter()
        .map(|donor| {
            let eligibility = match donor.eligibility {
                Some(EligibilityStatus::Eligible) => Cell::new("ELIGIBLE"),
                Some(EligibilityStatus::Ineligible) => Cell::bold("INELIGIBLE"),
                None => Cell::bold("PENDING"),
            };
            vec![
                Cell::new(donor.key.as_str()),
                eligibility,
                Cell::new(donor.determined_at.map_or_else(String::new, time)),
                if donor.consent_withdrawn {
                    Cell::bold("WITHDRAWN")
                } else {
                    Cell::new("given")
                },
            ]
        })
        .collect();
    blocks.push(Block::Table(Table {
        columns: columns(&[
            ("Donor", 3),
            ("Eligibility", 2),
            ("Determined", 3),
            ("Consent", 2),
        ]),
        rows,
    }));
}

fn disposition(
    blocks: &mut Vec<Block>,
    content: &CertificateOfAnalysis,
    time: &impl Fn(Timestamp) -> String,
) {
    blocks.push(Block::Heading("Disposition".to_owned()));
    let Some(disposition) = &content.disposition else {
        blocks.push(Block::Paragraph("Awaiting QA disposition.".to_owned()));
        return;
    };
    blocks.push(Block::Paragraph(format!(
        "{} by {} on {}.{}",
        disposition.decision.as_str(),
        person(&disposition.decided_by),
        time(disposition.decided_at),
        disposition
            .text
            .as_ref()
            .map_or_else(String::new, |text| format!(" {}", text.as_str())),
    )));
}

fn signatures(blocks: &mut Vec<Block>, signatures: &[SignatureLine]) {
    blocks.push(Block::Heading("Electronic signatures".to_owned()));
    if signatures.is_empty() {
        blocks.push(Block::Paragraph("None yet.".to_owned()));
        return;
    }
    let rows = signatures
        .iter()
        .map(|line| {
            vec![
                Cell::new(line.manifestation.clone()),
                Cell::new(line.action.clone()),
                Cell::new(line.entry_seq.to_string()),
            ]
        })
        .collect();
    blocks.push(Block::Table(Table {
        columns: columns(&[("Signature", 6), ("Act", 3), ("Ledger entry", 1)]),
        rows,
    }));
}

fn ledger_proof(blocks: &mut Vec<Block>, proof: &DispositionProof, verifier_key: &str) {
    let note = proof.checkpoint.note.trim_end();
    blocks.extend([
        Block::Heading("Ledger proof".to_owned()),
        Block::Paragraph(format!(
            "The disposition is ledger entry {} ({}) with hash",
            proof.entry_seq, proof.action
        )),
        Block::Code(proof.entry_hash.clone()),
        Block::Paragraph(format!(
            "It is included in the signed checkpoint of the first {} entries (Merkle root {}, \
             signed {}):",
            proof.checkpoint.size, proof.checkpoint.root, proof.checkpoint.signed_at
        )),
        Block::Code(note.to_owned()),
        Block::Paragraph(format!(
            "To check: export the ledger (cordtrace ledger export --out ledger.jsonl), verify \
             the export with the installation's verifier key (cordtrace ledger verify --file \
             ledger.jsonl --key '{verifier_key}'), then confirm that its entry {} has the hash \
             above and that it holds this checkpoint.",
            proof.entry_seq
        )),
        Block::Symbol {
            data: format!(
                "cordtrace disposition entry {} {}\n{note}",
                proof.entry_seq, proof.entry_hash
            ),
            caption: format!(
                "Data Matrix: the disposition entry {} and its hash, then the signed \
                 checkpoint note above, for a scanner or a phone.",
                proof.entry_seq
            ),
        },
    ]);
}

#[cfg(test)]
mod tests {
    use super::cells_text;

    #[test]
    fn cell_counts_are_written_in_scientific_notation_without_losing_a_digit() {
        assert_eq!(cells_text(75_000_000), "7.5 × 10⁷");
        assert_eq!(cells_text(100_000_000), "1 × 10⁸");
        assert_eq!(cells_text(1_230_000_000), "1.23 × 10⁹");
        assert_eq!(cells_text(12_345_678), "12345678");
        assert_eq!(cells_text(9_999), "9999");
    }
}
