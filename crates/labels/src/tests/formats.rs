//! What each format holds: one Code 128 symbol per data structure with its eye-readable text,
//! one Data Matrix of the compound message, and text that cannot break out of its field.

use super::fixture::{bag, structures, vial};
use crate::{pdf, svg, zpl};

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn the_svg_holds_one_symbol_per_structure_and_the_eye_readable_texts() {
    let label = bag();
    let document = svg(&label).expect("the example fits");
    let structures = structures(&label);
    assert_eq!(structures.len(), 4);
    assert_eq!(count(&document, r#"<g class="code128""#), structures.len());
    for structure in &structures {
        let escaped = structure
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        assert_eq!(
            count(&document, &format!(r#"data-structure="{escaped}""#)),
            1,
            "{structure}"
        );
    }
    assert_eq!(count(&document, r#"<g class="datamatrix""#), 1);
    assert!(document.contains(&format!(
            r#"data-message="{}""#,
            label
                .data
                .compound()
                .to_string()
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
        )));

    let eye = label.data.eye_readable_din();
    for text in [
        format!(">{}</text>", eye.din_text()),
        format!(">{}</text>", eye.flag_text()),
        format!(">{}</text>", eye.check_character()),
        ">S1234V00</text>".to_owned(),
        ">Expires 2026-04-30 09:05 +02:00</text>".to_owned(),
        ">Collected 2026-01-15 09:30 +01:00</text>".to_owned(),
        ">Demo Patient B</text>".to_owned(),
        ">Donor DNR-7Q2K-93XF</text>".to_owned(),
        ">75 × 10⁶ viable cells</text>".to_owned(),
    ] {
        assert!(document.contains(&text), "{text} missing");
    }
    // Wrapped texts: every word, in order, across lines.
    let all_text = svg_text(&document);
    for text in [
        &label.facility_name,
        &label.facility_address,
        &label.product_description,
        &label.warnings[0],
        &label.warnings[1],
    ] {
        assert!(
            all_text.contains(text.as_str()),
            "{text} missing from {all_text}"
        );
    }
    assert!(document.contains(r#"width="100mm" height="100mm" viewBox="0 0 100 100""#));
    // The check character is boxed: a frame drawn around it.
    assert_eq!(count(&document, r##"fill="none" stroke="#000""##), 1);
    // Nothing outside the file: no link, no font file.
    assert!(!document.contains("href"));
    assert!(!document.contains("@font-face"));
}

/// The content of every `<text>` of an SVG, joined by spaces.
fn svg_text(document: &str) -> String {
    document
        .lines()
        .filter_map(|line| {
            let start = line.find("<text ")?;
            let content_start = line[start..].find('>')? + start + 1;
            let end = line.rfind("</text>")?;
            Some(&line[content_start..end])
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn svg_text_is_escaped() {
    let label = crate::UnitLabel {
        facility_name: r#"Cord & Co <"Demo">"#.to_owned(),
        ..bag()
    };
    let document = svg(&label).expect("fits");
    assert!(svg_text(&document).contains("Cord &amp; Co &lt;&quot;Demo&quot;&gt;"));
    assert!(!document.contains(r#"<"Demo">"#));
}

#[test]
fn the_vial_label_is_smaller_and_carries_din_product_and_expiry_only() {
    let label = vial();
    let document = svg(&label).expect("fits");
    assert!(document.contains(r#"width="50mm" height="28mm""#));
    let structures = structures(&label);
    let expected = [
        label.data.din_data_structure(),
        label.data.product_data_structure(),
        label.data.expiry_data_structure(),
    ];
    assert_eq!(count(&document, r#"<g class="code128""#), 3);
    for structure in &expected {
        assert!(
            document.contains(
                &structure
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
            )
        );
    }
    let collection = structures.last().expect("four structures");
    assert!(
        !document.contains(collection.as_str()),
        "no collection date symbol"
    );
    assert!(!document.contains("datamatrix"));
    for absent in [
        "Demo Cord Cell Laboratory",
        "Umbilical cord",
        "Demo Patient B",
        "RECIPIENT ONLY",
        "DNR-7Q2K",
    ] {
        assert!(!document.contains(absent), "{absent} on a vial");
    }
    assert!(document.contains(&label.data.eye_readable_din().din_text()));
    assert!(document.contains(">S1234V00</text>"));
    assert!(document.contains("Expires 2026-04-30"));

    let zpl_document = zpl(&label).expect("fits");
    assert!(zpl_document.contains("^PW400\n^LL224\n"));
    assert_eq!(count(&zpl_document, "^BC"), 3);
    assert_eq!(count(&zpl_document, "^BX"), 0);
}

/// The field data of each `^BC` field, read as ZPL II reads it: `^FH` hexadecimal escapes, then
/// the invocation codes of the ZPL manual's Code 128 table.
fn code128_fields(document: &str) -> Vec<String> {
    document
        .lines()
        .filter(|line| line.contains("^BC"))
        .map(|line| {
            assert!(
                line.contains("^FH^FD"),
                "every field data is hex-escaped: {line}"
            );
            let data = field_data(line);
            let mut decoded = String::new();
            let mut chars = data.chars();
            let mut set_c = false;
            while let Some(c) = chars.next() {
                if c == '>' {
                    match chars.next() {
                        Some(':') | Some('6') => set_c = false,
                        Some(';') | Some('5') => set_c = true,
                        Some('0') => decoded.push('>'),
                        Some('<') => decoded.push('^'),
                        Some('=') => decoded.push('~'),
                        other => panic!("unexpected invocation code {other:?} in {line}"),
                    }
                } else if set_c {
                    let second = chars.next().expect("set C takes digit pairs");
                    assert!(c.is_ascii_digit() && second.is_ascii_digit(), "{line}");
                    decoded.push(c);
                    decoded.push(second);
                } else {
                    decoded.push(c);
                }
            }
            decoded
        })
        .collect()
}

/// The data between `^FD` and `^FS` with the `^FH` escapes `_XX` resolved.
fn field_data(line: &str) -> String {
    let start = line.find("^FD").expect("a field data") + 3;
    let end = line[start..].find("^FS").expect("a field separator") + start;
    let raw = &line[start..end];
    let mut bytes = Vec::new();
    let mut idx = 0;
    let raw_bytes = raw.as_bytes();
    while idx < raw_bytes.len() {
        if raw_bytes[idx] == b'_' {
            let hex = &raw[idx + 1..idx + 3];
            bytes.push(u8::from_str_radix(hex, 16).expect("two hex digits"));
            idx += 3;
        } else {
            bytes.push(raw_bytes[idx]);
            idx += 1;
        }
    }
    String::from_utf8(bytes).expect("UTF-8 field data")
}

#[test]
fn the_zpl_holds_one_code128_field_per_structure_with_exactly_its_data() {
    let label = bag();
    let document = zpl(&label).expect("fits");
    assert!(document.starts_with("^XA\n"));
    assert!(document.ends_with("^XZ\n"));
    assert_eq!(count(&document, "^XA"), 1);
    assert_eq!(count(&document, "^XZ"), 1);
    assert!(document.contains("^PW800\n^LL800\n"));
    assert!(document.contains("^BY2\n"), "2-dot narrow bars");
    let mut fields = code128_fields(&document);
    let mut expected = structures(&label);
    fields.sort();
    expected.sort();
    assert_eq!(fields, expected);

    let matrix_lines: Vec<&str> = document
        .lines()
        .filter(|line| line.contains("^BX"))
        .collect();
    assert_eq!(matrix_lines.len(), 1);
    assert!(
        matrix_lines[0].contains("^BXN,4,200,"),
        "{}",
        matrix_lines[0]
    );
    assert_eq!(
        field_data(matrix_lines[0]),
        label.data.compound().to_string()
    );

    let eye = label.data.eye_readable_din();
    for text in [eye.din_text(), eye.flag_text(), "Demo Patient B".to_owned()] {
        assert!(document.contains(&format!("^FD{text}^FS")), "{text}");
    }
    assert!(document.contains("^A0N,"));
    assert!(
        document.contains("^FD75 × 10_5E6 viable cells^FS"),
        "superscript as ^6"
    );
    assert!(document.contains("^GB"), "the boxed check character");
}

#[test]
fn a_caret_or_tilde_in_text_cannot_become_a_zpl_command() {
    let label = crate::UnitLabel {
        facility_name: "Lab ^XZ~JA_1".to_owned(),
        ..bag()
    };
    let document = zpl(&label).expect("fits");
    assert!(document.contains("^FDLab _5EXZ_7EJA_5F1^FS"));
    assert_eq!(count(&document, "^XZ"), 1, "only the label's own end");
    assert!(!document.contains('~'));
    for line in document.lines() {
        if let Some(start) = line.find("^FD") {
            let end = line.rfind("^FS").expect("a field separator");
            assert!(!line[start + 3..end].contains('^'), "raw caret in {line}");
        }
    }
}

#[test]
fn the_pdf_has_one_page_per_label() {
    let labels = [bag(), vial(), bag()];
    let document = pdf(&labels).expect("fits");
    assert!(document.starts_with(b"%PDF"));
    assert_eq!(n_pages(&document), 3);
    assert_eq!(n_pages(&pdf(&[bag()]).expect("fits")), 1);
}

/// The page objects of a PDF: `/Type /Page` not followed by `s` (that is the page tree).
fn n_pages(document: &[u8]) -> usize {
    let text = String::from_utf8_lossy(document);
    let compact: String = text.split_whitespace().collect();
    compact
        .match_indices("/Type/Page")
        .filter(|(idx, _)| !compact[idx + "/Type/Page".len()..].starts_with('s'))
        .count()
}
