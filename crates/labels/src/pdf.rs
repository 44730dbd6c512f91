//! Labels as a PDF, one page per label at the label's size (a lot's sheet is every unit's
//! label in one file). Bars and modules are filled rectangles, text is real text.
//!
//! The text uses the PDF's built-in Helvetica and Courier, which are not embedded: a label
//! needs no font file in the repository (no licence to track, no bytes to bundle), the files
//! stay a few kilobytes, and `pdftotext` and screen readers extract the text as written. The
//! price is WinAnsiEncoding (Windows-1252): a character outside it is refused, never printed
//! as `?` ([`LabelError::NotInPdfFont`]); the minus sign prints as a hyphen and superscript
//! digits are set raised and smaller.

use printpdf::{
    BuiltinFont, Color, Greyscale, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, Rect, TextItem,
};

use crate::error::LabelError;
use crate::label::UnitLabel;
use crate::layout::{
    self, Bars, DATA_MATRIX_MODULE_MM, Element, Frame, Layout, Matrix, Text, X_DIMENSION_MM,
};
use crate::text::{Family, Weight, advance_ems, in_win_ansi, superscript_digit, typed_form};

/// How much smaller superscript digits are set, and how far their baseline is raised (ems).
const SUPERSCRIPT_SCALE: f64 = 0.65;
const SUPERSCRIPT_RISE: f64 = 0.35;

/// The PDF of `labels`, one page each.
pub(crate) fn render(labels: &[UnitLabel]) -> Result<Vec<u8>, LabelError> {
    let mut pages = Vec::with_capacity(labels.len());
    for label in labels {
        // The layout first: it refuses control characters, which the font check would
        // report less clearly.
        let layout = layout::layout(label)?;
        check_font_coverage(label)?;
        pages.push(page(&layout));
    }
    let mut document = PdfDocument::new("ISBT 128 unit labels");
    document.with_pages(pages);
    // printpdf's warnings describe its own parsing and font handling; none applies to the
    // built-in fonts and rectangles written here.
    let mut warnings = Vec::new();
    Ok(document.save(&PdfSaveOptions::default(), &mut warnings))
}

/// Refuses a text field the built-in fonts cannot show.
fn check_font_coverage(label: &UnitLabel) -> Result<(), LabelError> {
    for (field, text) in label.text_fields() {
        let unprintable = text
            .chars()
            .find(|&c| superscript_digit(c).is_none() && !in_win_ansi(typed_form(c)));
        if let Some(character) = unprintable {
            return Err(LabelError::NotInPdfFont { field, character });
        }
    }
    Ok(())
}

fn page(layout: &Layout) -> PdfPage {
    let mut page = PageOps {
        height_mm: layout.height_mm,
        ops: vec![
            Op::SetFillColor { col: black() },
            Op::SetOutlineColor { col: black() },
        ],
    };
    for element in &layout.elements {
        match element {
            Element::Bars(bars) => page.bars(bars),
            Element::Matrix(matrix) => page.matrix(matrix),
            Element::Text(text) => page.text(text),
            Element::Frame(frame) => page.frame(frame),
        }
    }
    PdfPage::new(
        Mm(layout.width_mm as f32),
        Mm(layout.height_mm as f32),
        page.ops,
    )
}

fn black() -> Color {
    Color::Greyscale(Greyscale::new(0.0, None))
}

/// A page's operations, with the layout's top-down millimetres turned into PDF points from
/// the bottom left corner.
struct PageOps {
    height_mm: f64,
    ops: Vec<Op>,
}

impl PageOps {
    fn bars(&mut self, bars: &Bars) {
        for (first_module, n_modules) in bars.symbol.bars() {
            self.fill(
                bars.x + first_module as f64 * X_DIMENSION_MM,
                bars.y,
                n_modules as f64 * X_DIMENSION_MM,
                bars.height,
            );
        }
    }

    fn matrix(&mut self, matrix: &Matrix) {
        for (column, row, n_modules) in matrix.symbol.dark_runs() {
            self.fill(
                matrix.x + column as f64 * DATA_MATRIX_MODULE_MM,
                matrix.y + row as f64 * DATA_MATRIX_MODULE_MM,
                n_modules as f64 * DATA_MATRIX_MODULE_MM,
                DATA_MATRIX_MODULE_MM,
            );
        }
    }

    fn frame(&mut self, frame: &Frame) {
        self.ops.push(Op::SetOutlineThickness {
            pt: pt(frame.stroke),
        });
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                mode: Some(PaintMode::Stroke),
                ..self.rect(frame.x, frame.y, frame.width, frame.height)
            },
        });
    }

    /// A line of text, split into runs where superscript digits are raised.
    fn text(&mut self, text: &Text) {
        let font = builtin_font(text.family, text.weight);
        let mut x = text.x;
        for (run, is_superscript) in runs(&text.content) {
            let (size, baseline) = if is_superscript {
                (
                    text.size * SUPERSCRIPT_SCALE,
                    text.baseline - text.size * SUPERSCRIPT_RISE,
                )
            } else {
                (text.size, text.baseline)
            };
            self.ops.extend([
                Op::StartTextSection,
                Op::SetFont {
                    font: PdfFontHandle::Builtin(font),
                    size: pt(size),
                },
                Op::SetTextCursor {
                    pos: Point {
                        x: pt(x),
                        y: pt(self.height_mm - baseline),
                    },
                },
                Op::ShowText {
                    items: vec![TextItem::Text(run.clone())],
                },
                Op::EndTextSection,
            ]);
            x += advance_ems(&run, text.family, text.weight) * size;
        }
    }

    fn fill(&mut self, x: f64, y: f64, width: f64, height: f64) {
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                mode: Some(PaintMode::Fill),
                ..self.rect(x, y, width, height)
            },
        });
    }

    /// The rectangle whose top left corner is (`x`, `y`) in layout millimetres.
    fn rect(&self, x: f64, y: f64, width: f64, height: f64) -> Rect {
        Rect::from_xywh(
            pt(x),
            pt(self.height_mm - y - height),
            pt(width),
            pt(height),
        )
    }
}

fn builtin_font(family: Family, weight: Weight) -> BuiltinFont {
    match (family, weight) {
        (Family::Sans, Weight::Regular) => BuiltinFont::Helvetica,
        (Family::Sans, Weight::Bold) => BuiltinFont::HelveticaBold,
        (Family::Mono, Weight::Regular) => BuiltinFont::Courier,
        (Family::Mono, Weight::Bold) => BuiltinFont::CourierBold,
    }
}

/// `content` as runs of normal and of superscript characters (`true`), the superscripts as
/// plain digits and every character in the form the built-in fonts hold.
fn runs(content: &str) -> Vec<(String, bool)> {
    let mut runs: Vec<(String, bool)> = Vec::new();
    for c in content.chars() {
        let (c, is_superscript) = match superscript_digit(c) {
            Some(digit) => (digit, true),
            None => (typed_form(c), false),
        };
        match runs.last_mut() {
            Some((run, run_is_superscript)) if *run_is_superscript == is_superscript => {
                run.push(c);
            }
            _ => runs.push((c.to_string(), is_superscript)),
        }
    }
    runs
}

fn pt(mm: f64) -> Pt {
    Pt((mm * 72.0 / 25.4) as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn superscripts_become_raised_runs() {
        assert_eq!(
            runs("75 × 10⁶ cells, −150 °C"),
            [
                ("75 × 10".to_owned(), false),
                ("6".to_owned(), true),
                (" cells, -150 °C".to_owned(), false),
            ]
        );
    }
}
