//! The laid-out pages written as PDF, each with the header (issuer, title, number and version)
//! and the footer (number, version, "Page x of y").

use std::collections::HashMap;

use printpdf::{
    Color, FontId, Greyscale, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, Rect, TextItem,
};

use super::fonts::{Fonts, Style};
use super::layout::{FOOTER_MM, HEADER_RULE_MM, Item, MARGIN_MM, Page};
use super::{Paper, Report, ReportError};

const ISSUER_PT: f64 = 10.0;
const ADDRESS_PT: f64 = 8.0;
const TITLE_PT: f64 = 13.0;
const NUMBER_PT: f64 = 8.5;
const FOOTER_PT: f64 = 7.5;
const RULE_MM: f64 = 0.3;
const CELL_RULE_MM: f64 = 0.2;

pub(crate) fn render(
    report: &Report,
    paper: Paper,
    fonts: &Fonts,
    pages: &[Page],
) -> Result<Vec<u8>, ReportError> {
    let mut document = PdfDocument::new(&format!("{} {}", report.title, report.number));
    let ids: HashMap<Style, FontId> = Style::ALL
        .into_iter()
        .map(|style| (style, document.add_font(fonts.face(style))))
        .collect();
    let (width, height) = paper.size_mm();
    let count = pages.len();
    let mut pdf_pages = Vec::with_capacity(count);
    for (index, body) in pages.iter().enumerate() {
        let mut page = Writer {
            height,
            ids: &ids,
            ops: vec![
                Op::SetFillColor { col: grey(0.0) },
                Op::SetOutlineColor { col: grey(0.0) },
            ],
        };
        let furniture = furniture(report, fonts, width, height, index + 1, count)?;
        for item in furniture.iter().chain(body) {
            page.item(item)?;
        }
        pdf_pages.push(PdfPage::new(Mm(width as f32), Mm(height as f32), page.ops));
    }
    document.with_pages(pdf_pages);
    // The faces are embedded whole (about 0.9 MB for the three): printpdf subsets fonts only
    // with its `text_layout` feature, whose layout engine this document does not need.
    let mut warnings = Vec::new();
    Ok(document.save(&PdfSaveOptions::default(), &mut warnings))
}

/// The header and footer of page `number` of `count`.
fn furniture(
    report: &Report,
    fonts: &Fonts,
    width: f64,
    height: f64,
    number: usize,
    count: usize,
) -> Result<Vec<Item>, ReportError> {
    let right = width - MARGIN_MM;
    let mut items = Vec::new();
    let mut text = |x: f64, baseline: f64, size_pt: f64, style: Style, text: &str| {
        items.push(Item::Text {
            x,
            baseline,
            size_pt,
            style,
            text: text.to_owned(),
        });
    };
    let mut baseline = 14.0;
    for (n, line) in report.issuer.iter().enumerate() {
        let (size, style) = if n == 0 {
            (ISSUER_PT, Style::Bold)
        } else {
            (ADDRESS_PT, Style::Regular)
        };
        fonts.check(line, style)?;
        text(MARGIN_MM, baseline, size, style, line);
        baseline += size * 1.3 * 25.4 / 72.0;
    }
    let title_width = fonts.width_mm(&report.title, Style::Bold, TITLE_PT)?;
    text(
        right - title_width,
        15.0,
        TITLE_PT,
        Style::Bold,
        &report.title,
    );
    let document_number = format!("Document {}", report.number);
    let version = format!("Version {}", report.version);
    for (line, at) in [(&document_number, 20.5), (&version, 24.5)] {
        let line_width = fonts.width_mm(line, Style::Regular, NUMBER_PT)?;
        text(right - line_width, at, NUMBER_PT, Style::Regular, line);
    }
    let footer_baseline = height - FOOTER_MM + 9.0;
    let left = format!(
        "{} {}, version {}",
        report.title, report.number, report.version
    );
    text(MARGIN_MM, footer_baseline, FOOTER_PT, Style::Regular, &left);
    let page = format!("Page {number} of {count}");
    let page_width = fonts.width_mm(&page, Style::Regular, FOOTER_PT)?;
    text(
        right - page_width,
        footer_baseline,
        FOOTER_PT,
        Style::Regular,
        &page,
    );
    items.push(Item::Rect {
        x: MARGIN_MM,
        y: HEADER_RULE_MM,
        width: width - 2.0 * MARGIN_MM,
        height: 0.0,
        shaded: false,
    });
    Ok(items)
}

fn grey(level: f32) -> Color {
    Color::Greyscale(Greyscale::new(level, None))
}

/// A page's operations, with the layout's top-down millimetres turned into PDF points from
/// the bottom left corner.
struct Writer<'a> {
    height: f64,
    ids: &'a HashMap<Style, FontId>,
    ops: Vec<Op>,
}

impl Writer<'_> {
    fn item(&mut self, item: &Item) -> Result<(), ReportError> {
        match item {
            Item::Text {
                x,
                baseline,
                size_pt,
                style,
                text,
            } => {
                let font = self
                    .ids
                    .get(style)
                    .cloned()
                    .ok_or_else(|| ReportError::Internal(format!("no font for {style:?}")))?;
                self.ops.extend([
                    Op::StartTextSection,
                    Op::SetFont {
                        font: PdfFontHandle::External(font),
                        size: Pt(*size_pt as f32),
                    },
                    Op::SetTextCursor {
                        pos: Point {
                            x: pt(*x),
                            y: pt(self.height - baseline),
                        },
                    },
                    Op::ShowText {
                        items: vec![TextItem::Text(text.clone())],
                    },
                    Op::EndTextSection,
                ]);
            }
            Item::Rect {
                x,
                y,
                width,
                height,
                shaded: true,
            } => {
                self.ops.push(Op::SetFillColor { col: grey(0.9) });
                self.ops.push(Op::DrawRectangle {
                    rectangle: Rect {
                        mode: Some(PaintMode::Fill),
                        ..self.rect(*x, *y, *width, *height)
                    },
                });
                self.ops.push(Op::SetFillColor { col: grey(0.0) });
            }
            Item::Rect {
                x,
                y,
                width,
                height,
                shaded: false,
            } => {
                let thickness = if *height == 0.0 {
                    RULE_MM
                } else {
                    CELL_RULE_MM
                };
                self.ops.push(Op::SetOutlineThickness { pt: pt(thickness) });
                self.ops.push(Op::DrawRectangle {
                    rectangle: Rect {
                        mode: Some(PaintMode::Stroke),
                        ..self.rect(*x, *y, *width, *height)
                    },
                });
            }
            Item::Matrix {
                x,
                y,
                module,
                symbol,
            } => {
                for (column, row, n_modules) in symbol.dark_runs() {
                    self.ops.push(Op::DrawRectangle {
                        rectangle: Rect {
                            mode: Some(PaintMode::Fill),
                            ..self.rect(
                                x + column as f64 * module,
                                y + row as f64 * module,
                                n_modules as f64 * module,
                                *module,
                            )
                        },
                    });
                }
            }
        }
        Ok(())
    }

    /// The rectangle whose top left corner is (`x`, `y`) in layout millimetres.
    fn rect(&self, x: f64, y: f64, width: f64, height: f64) -> Rect {
        Rect::from_xywh(pt(x), pt(self.height - y - height), pt(width), pt(height))
    }
}

fn pt(mm: f64) -> Pt {
    Pt((mm * 72.0 / 25.4) as f32)
}
