//! What no label is printed for: text that does not fit, control characters, characters the
//! PDF's font lacks.

use super::fixture::bag;
use crate::{LabelError, Recipient, UnitLabel, pdf, svg, zpl};

#[test]
fn warnings_that_do_not_fit_are_refused_not_cut() {
    let label = UnitLabel {
        warnings: vec!["WARNING: Advise patient of communicable disease risks".to_owned(); 12],
        ..bag()
    };
    let expected = Some(LabelError::DoesNotFit { field: "warnings" });
    assert_eq!(svg(&label).err(), expected);
    assert_eq!(zpl(&label).err(), expected);
    assert_eq!(pdf(&[bag(), label]).err(), expected);
}

#[test]
fn the_warnings_a_donor_can_collect_all_fit() {
    let label = UnitLabel {
        warnings: [
            "FOR USE UNDER URGENT MEDICAL NEED ONLY",
            "NOT EVALUATED FOR INFECTIOUS SUBSTANCES",
            "BIOHAZARD",
            "WARNING: Advise patient of communicable disease risks",
            "FOR USE BY INTENDED RECIPIENT ONLY",
        ]
        .map(str::to_owned)
        .to_vec(),
        ..bag()
    };
    let document = svg(&label).expect("five warnings fit");
    assert!(document.contains("BIOHAZARD"));
}

#[test]
fn a_long_name_shrinks_then_is_refused() {
    let shrunk = UnitLabel {
        facility_name: "Demo Cord Cell Laboratory and Cord Blood Bank of Demo City".to_owned(),
        ..bag()
    };
    assert!(svg(&shrunk).is_ok());
    let too_long = UnitLabel {
        facility_name: "Demo ".repeat(20),
        ..bag()
    };
    assert_eq!(
        svg(&too_long),
        Err(LabelError::DoesNotFit {
            field: "facility_name"
        })
    );
}

#[test]
fn control_characters_are_refused() {
    let label = UnitLabel {
        donor_key: "DNR\n^XZ".to_owned(),
        ..bag()
    };
    let expected = Some(LabelError::ControlCharacter {
        field: "donor_key",
        code_point: 0x0A,
    });
    assert_eq!(svg(&label).err(), expected);
    assert_eq!(zpl(&label).err(), expected);
    assert_eq!(pdf(&[label]).err(), expected);
}

#[test]
fn a_name_the_pdf_font_cannot_show_is_refused_there_only() {
    let label = UnitLabel {
        recipient: Some(Recipient {
            key: "RCP-0042".to_owned(),
            name: Some("Demo Łucja B".to_owned()),
        }),
        ..bag()
    };
    assert_eq!(
        pdf(std::slice::from_ref(&label)).err(),
        Some(LabelError::NotInPdfFont {
            field: "recipient.name",
            character: 'Ł'
        })
    );
    assert!(
        svg(&label)
            .expect("SVG text is Unicode")
            .contains("Demo Łucja B")
    );
    assert!(
        zpl(&label)
            .expect("ZPL text is UTF-8")
            .contains("Demo Łucja B")
    );
}

#[test]
fn error_codes_are_stable() {
    for (error, code) in [
        (
            LabelError::DoesNotFit { field: "warnings" },
            "LABEL_DOES_NOT_FIT",
        ),
        (
            LabelError::ControlCharacter {
                field: "donor_key",
                code_point: 9,
            },
            "LABEL_CONTROL_CHARACTER",
        ),
        (
            LabelError::NotInPdfFont {
                field: "recipient.name",
                character: 'Ł',
            },
            "LABEL_CHARACTER_NOT_IN_PDF_FONT",
        ),
        (LabelError::Internal("x".to_owned()), "LABEL_INTERNAL"),
    ] {
        assert_eq!(error.code(), code);
    }
    assert_eq!(
        LabelError::DoesNotFit { field: "warnings" }.to_string(),
        "warnings does not fit on the label"
    );
}
