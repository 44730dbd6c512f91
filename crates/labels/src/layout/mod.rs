//! Where everything goes, in millimetres from the label's top left corner, decided once for
//! every output: the SVG, the PDF and the ZPL draw the same [`Layout`]. The symbols' geometry
//! (X dimension, quiet zones, module size) is fixed here; `base` and `vial` place the content.

mod base;
mod vial;

use crate::code128::Code128;
use crate::data_matrix::DataMatrixSymbol;
use crate::error::LabelError;
use crate::label::{Container, UnitLabel};
use crate::text::{Family, Weight, width_mm, wrap};

/// The X dimension (narrow bar width) of every Code 128 symbol at 100 % print size, in mm.
/// ISBT 128 asks for about 0.17-0.25 mm; 0.25 mm is exactly 2 dots of a 203 dpi (8 dots/mm)
/// thermal printer, so the ZPL label and the SVG/PDF label print the same bars, and the wide
/// end of the range reads best from a frosted bag in a dry shipper.
pub const X_DIMENSION_MM: f64 = 0.25;

/// The quiet zone on each side of a Code 128 symbol, in narrow bar widths (ISBT 128: at
/// least 10).
pub const QUIET_ZONE_MODULES: usize = 10;

/// The module size of the Data Matrix, in mm: 4 dots at 8 dots/mm.
pub const DATA_MATRIX_MODULE_MM: f64 = 0.5;

/// The quiet zone around the Data Matrix, in modules (ECC 200 asks for at least 1).
pub const DATA_MATRIX_QUIET_ZONE_MODULES: usize = 2;

/// A label laid out: its size and what is drawn on it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Layout {
    /// Width in mm.
    pub(crate) width_mm: f64,
    /// Height in mm.
    pub(crate) height_mm: f64,
    /// What is drawn, in drawing order.
    pub(crate) elements: Vec<Element>,
}

/// One thing drawn on a label.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Element {
    /// A Code 128 symbol.
    Bars(Bars),
    /// The Data Matrix.
    Matrix(Matrix),
    /// One line of text.
    Text(Text),
    /// An outlined rectangle (the box around the keyboard check character).
    Frame(Frame),
}

/// A Code 128 symbol whose first bar's left edge is at `x`; its quiet zones lie outside.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Bars {
    /// Left edge of the first bar.
    pub(crate) x: f64,
    /// Top of the bars.
    pub(crate) y: f64,
    /// Bar height.
    pub(crate) height: f64,
    /// The symbol.
    pub(crate) symbol: Code128,
}

/// The Data Matrix, its top left module at (`x`, `y`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Matrix {
    /// Left edge.
    pub(crate) x: f64,
    /// Top edge.
    pub(crate) y: f64,
    /// The symbol.
    pub(crate) symbol: DataMatrixSymbol,
}

/// A line of text starting at `x` on the baseline `baseline`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Text {
    /// Left end.
    pub(crate) x: f64,
    /// Baseline.
    pub(crate) baseline: f64,
    /// The em (font size), in mm.
    pub(crate) size: f64,
    /// Typeface family.
    pub(crate) family: Family,
    /// Weight.
    pub(crate) weight: Weight,
    /// The characters, as the caller wrote them.
    pub(crate) content: String,
}

/// An outlined rectangle.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Frame {
    /// Left edge.
    pub(crate) x: f64,
    /// Top edge.
    pub(crate) y: f64,
    /// Width.
    pub(crate) width: f64,
    /// Height.
    pub(crate) height: f64,
    /// Line width.
    pub(crate) stroke: f64,
}

/// The layout of `label` on its container's label.
pub(crate) fn layout(label: &UnitLabel) -> Result<Layout, LabelError> {
    label.check_no_control_characters()?;
    match label.container {
        Container::Bag => base::layout(label),
        Container::Vial => vial::layout(label),
    }
}

/// The width of a quiet zone, in mm.
pub(crate) fn quiet_zone_mm() -> f64 {
    QUIET_ZONE_MODULES as f64 * X_DIMENSION_MM
}

/// A horizontal band of the label that a symbol and its quiet zones must stay inside.
#[derive(Clone, Copy, Debug)]
struct Column {
    left: f64,
    right: f64,
}

impl Column {
    /// The width text may take from `x` to the column's right end.
    fn width_from(self, x: f64) -> f64 {
        self.right - x
    }
}

/// A paragraph to fit into a block: its text and field name.
struct Paragraph<'a> {
    field: &'static str,
    text: &'a str,
}

/// A label being laid out.
struct Sheet {
    layout: Layout,
}

impl Sheet {
    fn new(width_mm: f64, height_mm: f64) -> Self {
        Self {
            layout: Layout {
                width_mm,
                height_mm,
                elements: Vec::new(),
            },
        }
    }

    fn finish(self) -> Layout {
        self.layout
    }

    /// A Code 128 symbol of `data` at (`x`, `y`), refused when it and its quiet zones leave
    /// `column`: a quiet zone is never shortened to make room.
    fn bars(
        &mut self,
        column: Column,
        x: f64,
        y: f64,
        height: f64,
        data: &str,
    ) -> Result<(), LabelError> {
        let symbol = Code128::encode(data)?;
        let width = symbol.n_modules() as f64 * X_DIMENSION_MM;
        if x - quiet_zone_mm() < column.left || x + width + quiet_zone_mm() > column.right {
            return Err(LabelError::DoesNotFit { field: "data" });
        }
        self.layout.elements.push(Element::Bars(Bars {
            x,
            y,
            height,
            symbol,
        }));
        Ok(())
    }

    fn matrix(&mut self, x: f64, y: f64, symbol: DataMatrixSymbol) {
        self.layout
            .elements
            .push(Element::Matrix(Matrix { x, y, symbol }));
    }

    fn text(
        &mut self,
        x: f64,
        baseline: f64,
        size: f64,
        family: Family,
        weight: Weight,
        content: &str,
    ) {
        self.layout.elements.push(Element::Text(Text {
            x,
            baseline,
            size,
            family,
            weight,
            content: content.to_owned(),
        }));
    }

    fn frame(&mut self, x: f64, y: f64, width: f64, height: f64) {
        self.layout.elements.push(Element::Frame(Frame {
            x,
            y,
            width,
            height,
            stroke: 0.2,
        }));
    }

    /// One line of text at the largest size from `size` down to `min_size` at which it fits
    /// the column; refused when it fits at none.
    #[expect(
        clippy::too_many_arguments,
        reason = "a line's place, its type and its text"
    )]
    fn line(
        &mut self,
        column: Column,
        x: f64,
        baseline: f64,
        (size, min_size): (f64, f64),
        family: Family,
        weight: Weight,
        field: &'static str,
        content: &str,
    ) -> Result<(), LabelError> {
        let max_width = column.width_from(x);
        let size = sizes(size, min_size)
            .find(|&size| width_mm(content, size, family, weight) <= max_width)
            .ok_or(LabelError::DoesNotFit { field })?;
        self.text(x, baseline, size, family, weight, content);
        Ok(())
    }

    /// Paragraphs wrapped into the block from `top` to `bottom`, all at the largest size from
    /// `size` down to `min_size` at which every line fits; refused, never cut, when none does.
    /// Returns the bottom of the last line.
    fn block(
        &mut self,
        column: Column,
        x: f64,
        (top, bottom): (f64, f64),
        (size, min_size): (f64, f64),
        weight: Weight,
        paragraphs: &[Paragraph<'_>],
    ) -> Result<f64, LabelError> {
        if paragraphs.is_empty() {
            return Ok(top);
        }
        let max_width = column.width_from(x);
        let laid_out = sizes(size, min_size).find_map(|size| {
            let wrapped: Vec<Vec<String>> = paragraphs
                .iter()
                .map(|paragraph| wrap(paragraph.text, size, Family::Sans, weight, max_width))
                .collect();
            let n_lines: usize = wrapped.iter().map(Vec::len).sum();
            let height = n_lines as f64 * line_height(size)
                + (wrapped.len() - 1) as f64 * paragraph_gap(size);
            (top + height <= bottom).then_some((size, wrapped))
        });
        let Some((size, wrapped)) = laid_out else {
            // The last paragraph's field is the one that overflowed, the one to shorten.
            let field = paragraphs
                .last()
                .map_or("text", |paragraph| paragraph.field);
            return Err(LabelError::DoesNotFit { field });
        };
        let mut line_top = top;
        for lines in wrapped {
            for line in lines {
                self.text(
                    x,
                    line_top + ascent(size),
                    size,
                    Family::Sans,
                    weight,
                    &line,
                );
                line_top += line_height(size);
            }
            line_top += paragraph_gap(size);
        }
        Ok(line_top - paragraph_gap(size))
    }

    /// The eye-readable DIN on `baseline`: the spaced DIN, the flag characters smaller, and
    /// the keyboard check character in a box (printed only: no symbol encodes it).
    fn eye_readable_din(&mut self, label: &UnitLabel, x: f64, baseline: f64, size: f64) {
        let eye = label.data.eye_readable_din();
        let din_text = eye.din_text();
        let flag_text = eye.flag_text();
        let flag_size = size * 0.7;
        let gap = size * 0.3;
        self.text(x, baseline, size, Family::Mono, Weight::Bold, &din_text);
        let flag_x = x + width_mm(&din_text, size, Family::Mono, Weight::Bold) + gap;
        self.text(
            flag_x,
            baseline,
            flag_size,
            Family::Mono,
            Weight::Regular,
            &flag_text,
        );
        let box_x = flag_x + width_mm(&flag_text, flag_size, Family::Mono, Weight::Regular) + gap;
        let pad = size * 0.2;
        let check = eye.check_character().to_string();
        self.frame(
            box_x,
            baseline - ascent(size) - pad,
            width_mm(&check, size, Family::Mono, Weight::Bold) + 2.0 * pad,
            ascent(size) + 2.0 * pad,
        );
        self.text(
            box_x + pad,
            baseline,
            size,
            Family::Mono,
            Weight::Bold,
            &check,
        );
    }
}

/// Candidate sizes from `size` down to `min_size` in steps of 0.1 mm.
fn sizes(size: f64, min_size: f64) -> impl Iterator<Item = f64> {
    let n_steps = ((size - min_size) / 0.1).round().max(0.0) as usize;
    (0..=n_steps).map(move |step| size - step as f64 * 0.1)
}

/// How far a line's capitals rise above its baseline (Helvetica's cap height is 0.72 em).
fn ascent(size: f64) -> f64 {
    size * 0.75
}

fn line_height(size: f64) -> f64 {
    size * 1.2
}

fn paragraph_gap(size: f64) -> f64 {
    size * 0.4
}
