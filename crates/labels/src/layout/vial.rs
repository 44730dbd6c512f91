//! The small container label of a vial, 50 mm × 28 mm: the DIN, product code and expiry
//! symbols, each with its eye-readable text, stacked. ST-004 lets a small container carry only
//! these; the full label goes on the outer container. The height is the least that keeps
//! 5 mm bars (a 25 mm label would leave about 4 mm).

use super::{Column, Layout, Sheet};
use crate::error::LabelError;
use crate::label::UnitLabel;
use crate::text::{Family, Weight};

const WIDTH: f64 = 50.0;
const HEIGHT: f64 = 28.0;
const MARGIN: f64 = 3.0;
const TOP: f64 = 1.5;
const BAR_HEIGHT: f64 = 5.0;
/// From one row's bar top to the next.
const ROW_PITCH: f64 = 8.7;
/// From a row's bar top to its text's baseline.
const TEXT_BASELINE: f64 = 7.6;
const TEXT_SIZE: f64 = 2.2;

const WHOLE: Column = Column {
    left: 0.0,
    right: WIDTH,
};
const TEXT: Column = Column {
    left: MARGIN,
    right: WIDTH - MARGIN,
};

pub(super) fn layout(label: &UnitLabel) -> Result<Layout, LabelError> {
    let mut sheet = Sheet::new(WIDTH, HEIGHT);
    let row_top = |row_idx: usize| TOP + row_idx as f64 * ROW_PITCH;

    sheet.bars(
        WHOLE,
        MARGIN,
        row_top(0),
        BAR_HEIGHT,
        &label.data.din_data_structure(),
    )?;
    sheet.eye_readable_din(label, MARGIN, row_top(0) + TEXT_BASELINE, TEXT_SIZE);

    sheet.bars(
        WHOLE,
        MARGIN,
        row_top(1),
        BAR_HEIGHT,
        &label.data.product_data_structure(),
    )?;
    sheet.text(
        MARGIN,
        row_top(1) + TEXT_BASELINE,
        TEXT_SIZE,
        Family::Mono,
        Weight::Bold,
        label.data.product().as_str(),
    );

    sheet.bars(
        WHOLE,
        MARGIN,
        row_top(2),
        BAR_HEIGHT,
        &label.data.expiry_data_structure(),
    )?;
    sheet.line(
        TEXT,
        MARGIN,
        row_top(2) + TEXT_BASELINE,
        (TEXT_SIZE, 1.6),
        Family::Sans,
        Weight::Bold,
        "expiry",
        &label.expiry,
    )?;
    Ok(sheet.finish())
}
