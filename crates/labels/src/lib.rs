//! ISBT 128 unit labels (ICCBBA ST-004) for cordtrace's cell therapy products, rendered from
//! the label data the domain emits ([`UnitLabelData`](cordtrace_domain::isbt128::UnitLabelData))
//! and texts the caller has formatted. No I/O, no database, no clock: the same label in, the
//! same SVG and ZPL out (a PDF differs only in the document ID printpdf draws from a counter).
//! What cannot be printed whole (a warning that does not fit, a control character, a name the
//! PDF font lacks) is a [`LabelError`], never a cut or garbled label.
//!
//! - [`svg`]: a standalone SVG in millimetres, for the browser and for print at 100 %.
//! - [`pdf`]: one page per label at the label's size; a lot's sheet is every unit's label.
//! - [`zpl`]: ZPL II for a 203 dpi thermal label printer, which draws the symbols itself.
//!
//! A bag gets the base label, 100 mm × 100 mm in four quadrants; a vial the small container
//! label with the DIN, product code and expiry ([`Container`]). Every data structure from
//! `UnitLabelData::structures()` is one Code 128 symbol with its eye-readable text beneath, and
//! one Data Matrix (ECC 200) carries the compound message (data structure 023).
//!
//! The symbologies come from crates: `barcoders` encodes Code 128 symbol characters to modules
//! and `datamatrix` encodes ECC 200 to a bitmap. Written here by hand is only the layout: the
//! choice of code sets (set C for digit runs, so the DIN fits its quadrant at
//! [`X_DIMENSION_MM`]), the placement of symbols, quiet zones and text, and the three writers
//! that draw that one layout the same way.
//!
//! [`report`] sets paged documents (the certificate of analysis) as PDF, on A4 or US Letter,
//! with the same Data Matrix encoder.

mod code128;
mod data_matrix;
mod error;
mod label;
mod layout;
mod pdf;
pub mod report;
mod svg;
mod text;
mod zpl;

#[cfg(test)]
mod tests;

pub use error::LabelError;
pub use label::{Container, Recipient, UnitLabel};
pub use layout::{
    DATA_MATRIX_MODULE_MM, DATA_MATRIX_QUIET_ZONE_MODULES, QUIET_ZONE_MODULES, X_DIMENSION_MM,
};
pub use zpl::{ZPL_DOTS_PER_MM, ZPL_DPI};

/// The label as a standalone SVG document (`width`/`height` in mm, viewBox in mm).
pub fn svg(label: &UnitLabel) -> Result<String, LabelError> {
    Ok(svg::render(&layout::layout(label)?))
}

/// The label as a ZPL II format (`^XA` ... `^XZ`) for a [`ZPL_DPI`] printer.
pub fn zpl(label: &UnitLabel) -> Result<String, LabelError> {
    Ok(zpl::render(&layout::layout(label)?))
}

/// The labels as one PDF, a page per label at its own size, in the order given.
pub fn pdf(labels: &[UnitLabel]) -> Result<Vec<u8>, LabelError> {
    pdf::render(labels)
}
