//! The ST-004 base label of a bag, 100 mm × 100 mm in four quadrants of 50 mm:
//!
//! - upper left: the DIN symbol (001) with the eye-readable DIN, its flags and boxed check
//!   character, the facility's name and address, and the collection or production date symbol
//!   with its text;
//! - upper right: the product code symbol (003) with the code, the product's proper name and
//!   attributes, the cell count and the volume;
//! - lower right: the expiry symbol (004/005) with the expiry text, the storage conditions and
//!   the Data Matrix of the compound message (023);
//! - lower left: the donor's key, the intended recipient, and the warnings.

use cordtrace_domain::isbt128::ProcessingDate;

use super::{
    Column, DATA_MATRIX_MODULE_MM, DATA_MATRIX_QUIET_ZONE_MODULES, Layout, Paragraph, Sheet, ascent,
};
use crate::data_matrix::DataMatrixSymbol;
use crate::error::LabelError;
use crate::label::UnitLabel;
use crate::text::{Family, Weight};

/// The label's side, in mm.
const SIDE: f64 = 100.0;
/// The distance from the label's edge (and from the quadrant line) to text and bars.
const MARGIN: f64 = 3.0;
/// The height of the DIN, product and expiry bars.
const BAR_HEIGHT: f64 = 10.0;
/// The height of the collection or production date bars, smaller: it is read least.
const DATE_BAR_HEIGHT: f64 = 8.0;

const LEFT: Column = Column {
    left: 0.0,
    right: SIDE / 2.0,
};
const RIGHT: Column = Column {
    left: SIDE / 2.0,
    right: SIDE,
};

/// Text columns end `MARGIN` before the quadrant line, clear of the next quadrant's quiet zone.
const LEFT_TEXT: Column = Column {
    left: MARGIN,
    right: SIDE / 2.0 - MARGIN,
};
const RIGHT_TEXT: Column = Column {
    left: SIDE / 2.0 + MARGIN,
    right: SIDE - MARGIN,
};

pub(super) fn layout(label: &UnitLabel) -> Result<Layout, LabelError> {
    let mut sheet = Sheet::new(SIDE, SIDE);
    upper_left(&mut sheet, label)?;
    upper_right(&mut sheet, label)?;
    lower_right(&mut sheet, label)?;
    lower_left(&mut sheet, label)?;
    Ok(sheet.finish())
}

fn upper_left(sheet: &mut Sheet, label: &UnitLabel) -> Result<(), LabelError> {
    let x = LEFT_TEXT.left;
    sheet.bars(
        LEFT,
        x,
        MARGIN,
        BAR_HEIGHT,
        &label.data.din_data_structure(),
    )?;
    sheet.eye_readable_din(label, x, 17.8, 3.5);
    let name_bottom = sheet.block(
        LEFT_TEXT,
        x,
        (19.6, 26.0),
        (2.6, 1.8),
        Weight::Bold,
        &[Paragraph {
            field: "facility_name",
            text: &label.facility_name,
        }],
    )?;
    sheet.block(
        LEFT_TEXT,
        x,
        (name_bottom + 0.3, 31.5),
        (2.2, 1.8),
        Weight::Regular,
        &[Paragraph {
            field: "facility_address",
            text: &label.facility_address,
        }],
    )?;

    let date_text = processing_date_text(label);
    let text_baseline = match label.data.processing_date_data_structure() {
        Some(structure) => {
            sheet.bars(LEFT, x, 33.0, DATE_BAR_HEIGHT, &structure)?;
            44.5
        }
        None => 35.0,
    };
    if let Some((field, text)) = date_text {
        sheet.line(
            LEFT_TEXT,
            x,
            text_baseline,
            (2.4, 1.8),
            Family::Sans,
            Weight::Regular,
            field,
            &text,
        )?;
    }
    Ok(())
}

/// The text beneath the collection or production date symbol: the caller's collection text
/// (in the facility's zone, with its offset) for a collection date, otherwise the date the
/// symbol encodes. A collection text without a symbol is printed on its own.
fn processing_date_text(label: &UnitLabel) -> Option<(&'static str, String)> {
    match (label.data.processing_date(), &label.collection) {
        (Some(ProcessingDate::Collection(_)) | None, Some(text)) => {
            Some(("collection", text.clone()))
        }
        (Some(ProcessingDate::Collection(date)), None) => {
            Some(("data", format!("Collected {}", label_date(date))))
        }
        (Some(ProcessingDate::Production(date)), _) => {
            Some(("data", format!("Produced {}", label_date(date))))
        }
        (None, None) => None,
    }
}

fn label_date(date: cordtrace_domain::isbt128::LabelDateTime) -> String {
    match date.time() {
        Some(time) => format!("{} {}", date.date(), time.format("%H:%M")),
        None => date.date().to_string(),
    }
}

fn upper_right(sheet: &mut Sheet, label: &UnitLabel) -> Result<(), LabelError> {
    let x = RIGHT_TEXT.left;
    sheet.bars(
        RIGHT,
        x,
        MARGIN,
        BAR_HEIGHT,
        &label.data.product_data_structure(),
    )?;
    sheet.text(
        x,
        17.5,
        3.0,
        Family::Mono,
        Weight::Bold,
        label.data.product().as_str(),
    );
    sheet.block(
        RIGHT_TEXT,
        x,
        (19.5, 40.5),
        (2.6, 1.8),
        Weight::Bold,
        &[Paragraph {
            field: "product_description",
            text: &label.product_description,
        }],
    )?;
    for (baseline, field, text) in [
        (44.0, "cells", &label.cells),
        (47.5, "volume", &label.volume),
    ] {
        sheet.line(
            RIGHT_TEXT,
            x,
            baseline,
            (2.4, 1.8),
            Family::Sans,
            Weight::Regular,
            field,
            text,
        )?;
    }
    Ok(())
}

fn lower_right(sheet: &mut Sheet, label: &UnitLabel) -> Result<(), LabelError> {
    let x = RIGHT_TEXT.left;
    let top = SIDE / 2.0 + MARGIN;
    sheet.bars(
        RIGHT,
        x,
        top,
        BAR_HEIGHT,
        &label.data.expiry_data_structure(),
    )?;
    sheet.line(
        RIGHT_TEXT,
        x,
        67.5,
        (2.8, 1.8),
        Family::Sans,
        Weight::Bold,
        "expiry",
        &label.expiry,
    )?;

    // The Data Matrix sits in the corner, its quiet zone inside the label's margin.
    let symbol = DataMatrixSymbol::encode(&label.data.compound().to_string())?;
    let matrix_side = symbol.n_modules() as f64 * DATA_MATRIX_MODULE_MM;
    let matrix_x = SIDE - MARGIN - matrix_side;
    let matrix_y = SIDE - MARGIN - matrix_side;
    let matrix_quiet = DATA_MATRIX_QUIET_ZONE_MODULES as f64 * DATA_MATRIX_MODULE_MM;
    let storage_top = 69.5;
    sheet.block(
        RIGHT_TEXT,
        x,
        (storage_top, matrix_y - matrix_quiet),
        (2.4, 1.8),
        Weight::Regular,
        &[Paragraph {
            field: "storage",
            text: &label.storage,
        }],
    )?;
    if matrix_y - matrix_quiet < storage_top {
        return Err(LabelError::DoesNotFit { field: "data" });
    }
    sheet.matrix(matrix_x, matrix_y, symbol);
    Ok(())
}

fn lower_left(sheet: &mut Sheet, label: &UnitLabel) -> Result<(), LabelError> {
    let x = LEFT_TEXT.left;
    let mut baseline = SIDE / 2.0 + MARGIN + ascent(2.4);
    sheet.line(
        LEFT_TEXT,
        x,
        baseline,
        (2.4, 1.8),
        Family::Sans,
        Weight::Regular,
        "donor_key",
        &format!("Donor {}", label.donor_key),
    )?;
    if let Some(recipient) = &label.recipient {
        baseline += 3.5;
        sheet.line(
            LEFT_TEXT,
            x,
            baseline,
            (2.4, 1.8),
            Family::Sans,
            Weight::Regular,
            "recipient.key",
            &format!("Recipient {}", recipient.key),
        )?;
        if let Some(name) = &recipient.name {
            baseline += 3.5;
            sheet.line(
                LEFT_TEXT,
                x,
                baseline,
                (2.6, 1.8),
                Family::Sans,
                Weight::Bold,
                "recipient.name",
                name,
            )?;
        }
    }
    let warnings: Vec<Paragraph<'_>> = label
        .warnings
        .iter()
        .map(|warning| Paragraph {
            field: "warnings",
            text: warning,
        })
        .collect();
    sheet.block(
        LEFT_TEXT,
        x,
        (baseline + 2.5, SIDE - MARGIN),
        (2.6, 1.8),
        Weight::Bold,
        &warnings,
    )?;
    Ok(())
}
