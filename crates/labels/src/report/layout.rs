//! The body of a document broken into pages: positions in millimetres from each page's top
//! left corner. Headers and footers are drawn by the writer, which knows the page count.

use super::fonts::{Fonts, Style};
use super::{Block, Cell, Paper, Report, ReportError, Table};
use crate::data_matrix::DataMatrixSymbol;

/// Left and right margins.
pub(crate) const MARGIN_MM: f64 = 18.0;
/// Where the header's rule is drawn and the body begins below it.
pub(crate) const HEADER_RULE_MM: f64 = 30.0;
const BODY_TOP_MM: f64 = HEADER_RULE_MM + 5.0;
/// The room kept at the foot of every page for the footer.
pub(crate) const FOOTER_MM: f64 = 16.0;

const BODY_PT: f64 = 9.5;
const TABLE_PT: f64 = 8.0;
const CODE_PT: f64 = 7.5;
const HEADING_PT: f64 = 12.0;
const BANNER_PT: f64 = 10.5;
/// Line height as a multiple of the size.
const LEADING: f64 = 1.3;
const CELL_PADDING_MM: f64 = 1.2;
const BLOCK_GAP_MM: f64 = 3.0;
/// A heading is moved to the next page unless this much room follows it.
const KEEP_WITH_HEADING_MM: f64 = 22.0;
/// A Data Matrix module: 0.5 mm, which a phone camera reads at arm's length.
const MODULE_MM: f64 = 0.5;
/// ECC 200's quiet zone is one module; two keep a printed frame or text clear of it.
const QUIET_MODULES: f64 = 2.0;

/// Something drawn on a page.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Item {
    /// A line of text whose baseline starts at (`x`, `baseline`).
    Text {
        x: f64,
        baseline: f64,
        size_pt: f64,
        style: Style,
        text: String,
    },
    /// A rectangle's outline, or a light grey fill behind a table's header row.
    Rect {
        x: f64,
        y: f64,
        width: f64,
        height: f64,
        shaded: bool,
    },
    /// A Data Matrix whose top left module is at (`x`, `y`).
    Matrix {
        x: f64,
        y: f64,
        module: f64,
        symbol: DataMatrixSymbol,
    },
}

/// One page's body.
pub(crate) type Page = Vec<Item>;

fn line_mm(size_pt: f64) -> f64 {
    size_pt * LEADING * 25.4 / 72.0
}

/// The distance from a line's top to its baseline.
fn ascent_mm(size_pt: f64) -> f64 {
    size_pt * 0.95 * 25.4 / 72.0
}

pub(crate) fn paginate(
    report: &Report,
    paper: Paper,
    fonts: &Fonts,
) -> Result<Vec<Page>, ReportError> {
    let (width, height) = paper.size_mm();
    let mut cursor = Cursor {
        fonts,
        left: MARGIN_MM,
        width: width - 2.0 * MARGIN_MM,
        bottom: height - FOOTER_MM,
        y: BODY_TOP_MM,
        pages: vec![Vec::new()],
    };
    for block in &report.blocks {
        match block {
            Block::Banner(text) => cursor.banner(text)?,
            Block::Heading(text) => cursor.heading(text)?,
            Block::Paragraph(text) => {
                let lines = wrap(fonts, text, Style::Regular, BODY_PT, cursor.width, false)?;
                cursor.lines(&lines, Style::Regular, BODY_PT)?;
            }
            Block::Code(text) => {
                let lines = wrap(fonts, text, Style::Mono, CODE_PT, cursor.width, true)?;
                cursor.lines(&lines, Style::Mono, CODE_PT)?;
            }
            Block::Table(table) => cursor.table(table)?,
            Block::Symbol { data, caption } => cursor.symbol(data, caption)?,
        }
        cursor.y += BLOCK_GAP_MM;
    }
    Ok(cursor.pages)
}

struct Cursor<'a> {
    fonts: &'a Fonts,
    left: f64,
    width: f64,
    bottom: f64,
    y: f64,
    pages: Vec<Page>,
}

impl Cursor<'_> {
    fn page(&mut self) -> &mut Page {
        // `paginate` starts with one page and pages are only ever added.
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = BODY_TOP_MM;
    }

    fn at_top(&self) -> bool {
        self.y <= BODY_TOP_MM
    }

    /// Moves to a new page unless `needed` millimetres remain (or the page is empty anyway).
    fn room(&mut self, needed: f64) {
        if self.y + needed > self.bottom && !self.at_top() {
            self.new_page();
        }
    }

    fn text(&mut self, x: f64, top: f64, size_pt: f64, style: Style, text: &str) {
        self.page().push(Item::Text {
            x,
            baseline: top + ascent_mm(size_pt),
            size_pt,
            style,
            text: text.to_owned(),
        });
    }

    fn lines(&mut self, lines: &[String], style: Style, size_pt: f64) -> Result<(), ReportError> {
        let step = line_mm(size_pt);
        for line in lines {
            self.room(step);
            let (x, y) = (self.left, self.y);
            self.text(x, y, size_pt, style, line);
            self.y += step;
        }
        Ok(())
    }

    fn heading(&mut self, text: &str) -> Result<(), ReportError> {
        let lines = wrap(self.fonts, text, Style::Bold, HEADING_PT, self.width, false)?;
        let height = lines.len() as f64 * line_mm(HEADING_PT);
        self.room(height + KEEP_WITH_HEADING_MM);
        if !self.at_top() {
            self.y += 2.0;
        }
        self.lines(&lines, Style::Bold, HEADING_PT)
    }

    fn banner(&mut self, text: &str) -> Result<(), ReportError> {
        let padding = 2.5;
        let lines = wrap(
            self.fonts,
            text,
            Style::Bold,
            BANNER_PT,
            self.width - 2.0 * padding,
            false,
        )?;
        let height = lines.len() as f64 * line_mm(BANNER_PT) + 2.0 * padding;
        self.room(height);
        let (x, top, width) = (self.left, self.y, self.width);
        self.page().push(Item::Rect {
            x,
            y: top,
            width,
            height,
            shaded: false,
        });
        for (n, line) in lines.iter().enumerate() {
            let line_top = top + padding + n as f64 * line_mm(BANNER_PT);
            self.text(x + padding, line_top, BANNER_PT, Style::Bold, line);
        }
        self.y = top + height;
        Ok(())
    }

    fn symbol(&mut self, data: &str, caption: &str) -> Result<(), ReportError> {
        let symbol = DataMatrixSymbol::encode(data)
            .map_err(|error| ReportError::Internal(error.to_string()))?;
        let side = (symbol.n_modules() as f64 + 2.0 * QUIET_MODULES) * MODULE_MM;
        let caption_x = self.left + side + 4.0;
        let lines = wrap(
            self.fonts,
            caption,
            Style::Regular,
            BODY_PT,
            self.width - side - 4.0,
            false,
        )?;
        let caption_height = lines.len() as f64 * line_mm(BODY_PT);
        self.room(side.max(caption_height));
        let (x, top) = (self.left, self.y);
        self.page().push(Item::Matrix {
            x: x + QUIET_MODULES * MODULE_MM,
            y: top + QUIET_MODULES * MODULE_MM,
            module: MODULE_MM,
            symbol,
        });
        for (n, line) in lines.iter().enumerate() {
            let line_top = top + QUIET_MODULES * MODULE_MM + n as f64 * line_mm(BODY_PT);
            self.text(caption_x, line_top, BODY_PT, Style::Regular, line);
        }
        self.y = top + side.max(caption_height);
        Ok(())
    }

    fn table(&mut self, table: &Table) -> Result<(), ReportError> {
        let total: u32 = table.columns.iter().map(|(_, weight)| *weight).sum();
        let widths: Vec<f64> = table
            .columns
            .iter()
            .map(|(_, weight)| self.width * f64::from(*weight) / f64::from(total.max(1)))
            .collect();
        let header: Vec<Cell> = table
            .columns
            .iter()
            .map(|(title, _)| Cell::bold(title.clone()))
            .collect();
        let has_header = table.columns.iter().any(|(title, _)| !title.is_empty());
        let header = if has_header {
            self.cell_lines(&header, &widths)?
        } else {
            Vec::new()
        };
        let header_height = if has_header { row_height(&header) } else { 0.0 };
        let step = line_mm(TABLE_PT);
        // The header row and at least one line of the first row stay together.
        self.room(header_height + step + 2.0 * CELL_PADDING_MM);
        if has_header {
            self.row(&header, &widths, true);
        }
        for row in &table.rows {
            if row.len() != widths.len() {
                return Err(ReportError::RaggedTable {
                    cells: row.len(),
                    columns: widths.len(),
                });
            }
            let mut rest = self.cell_lines(row, &widths)?;
            loop {
                let needed = row_height(&rest);
                if self.y + needed <= self.bottom {
                    self.row(&rest, &widths, false);
                    break;
                }
                // A row taller than what a fresh page holds is continued on the next page
                // (its cells' later lines, under the repeated header); any other row is
                // moved whole.
                let fresh_room = self.bottom - BODY_TOP_MM - header_height;
                if needed > fresh_room {
                    let fit = ((self.bottom - self.y - 2.0 * CELL_PADDING_MM) / step).floor();
                    if fit >= 1.0 {
                        let (now, later) = split_row(rest, fit as usize);
                        self.row(&now, &widths, false);
                        rest = later;
                    }
                }
                self.new_page();
                if has_header {
                    self.row(&header, &widths, true);
                }
            }
        }
        Ok(())
    }

    /// Each cell's text wrapped to its column, with its style.
    fn cell_lines(&self, cells: &[Cell], widths: &[f64]) -> Result<Vec<CellLines>, ReportError> {
        cells
            .iter()
            .zip(widths)
            .map(|(cell, width)| {
                Ok(CellLines {
                    style: cell.style,
                    lines: wrap(
                        self.fonts,
                        &cell.text,
                        cell.style,
                        TABLE_PT,
                        width - 2.0 * CELL_PADDING_MM,
                        false,
                    )?,
                })
            })
            .collect()
    }

    fn row(&mut self, cells: &[CellLines], widths: &[f64], shaded: bool) {
        let height = row_height(cells);
        let top = self.y;
        let mut x = self.left;
        for (cell, width) in cells.iter().zip(widths) {
            if shaded {
                self.page().push(Item::Rect {
                    x,
                    y: top,
                    width: *width,
                    height,
                    shaded: true,
                });
            }
            self.page().push(Item::Rect {
                x,
                y: top,
                width: *width,
                height,
                shaded: false,
            });
            for (n, line) in cell.lines.iter().enumerate() {
                let line_top = top + CELL_PADDING_MM + n as f64 * line_mm(TABLE_PT);
                self.text(x + CELL_PADDING_MM, line_top, TABLE_PT, cell.style, line);
            }
            x += width;
        }
        self.y = top + height;
    }
}

#[derive(Clone, Debug)]
struct CellLines {
    style: Style,
    lines: Vec<String>,
}

fn row_height(cells: &[CellLines]) -> f64 {
    let lines = cells
        .iter()
        .map(|cell| cell.lines.len())
        .max()
        .unwrap_or(0)
        .max(1);
    lines as f64 * line_mm(TABLE_PT) + 2.0 * CELL_PADDING_MM
}

/// The first `n` lines of every cell, and the rest.
fn split_row(cells: Vec<CellLines>, n: usize) -> (Vec<CellLines>, Vec<CellLines>) {
    cells
        .into_iter()
        .map(|mut cell| {
            let later = cell.lines.split_off(n.min(cell.lines.len()));
            let style = cell.style;
            (
                cell,
                CellLines {
                    style,
                    lines: later,
                },
            )
        })
        .unzip()
}

/// `text` broken into lines no wider than `width` millimetres: at spaces (a word longer than
/// a line is broken between characters), or anywhere when `anywhere`; always at `\n`.
pub(crate) fn wrap(
    fonts: &Fonts,
    text: &str,
    style: Style,
    size_pt: f64,
    width: f64,
    anywhere: bool,
) -> Result<Vec<String>, ReportError> {
    fonts.check(&text.replace('\n', ""), style)?;
    let fits = |line: &str| -> Result<bool, ReportError> {
        Ok(fonts.width_mm(line, style, size_pt)? <= width)
    };
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let pieces: Vec<String> = if anywhere {
            paragraph.chars().map(String::from).collect()
        } else {
            paragraph.split(' ').map(str::to_owned).collect()
        };
        for piece in pieces {
            let candidate = match (line.is_empty(), anywhere) {
                (true, _) | (false, true) => format!("{line}{piece}"),
                (false, false) => format!("{line} {piece}"),
            };
            if fits(&candidate)? {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A word wider than the line on its own is broken between its characters.
            for character in piece.chars() {
                let longer = format!("{line}{character}");
                if !line.is_empty() && !fits(&longer)? {
                    lines.push(std::mem::take(&mut line));
                    line.push(character);
                } else {
                    line = longer;
                }
            }
        }
        lines.push(line);
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> Fonts {
        Fonts::load().expect("the bundled fonts parse")
    }

    #[test]
    fn wrapping_keeps_every_character_and_every_line_fits() {
        let fonts = fonts();
        let text = "Sterility (Ph. Eur. 2.6.27) no growth after 14 days 7.5 × 10⁷ cells \
                    e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let lines = wrap(&fonts, text, Style::Regular, 8.0, 30.0, false).expect("wraps");
        assert!(lines.len() > 3, "{lines:?}");
        for line in &lines {
            let width = fonts.width_mm(line, Style::Regular, 8.0).expect("measured");
            assert!(width <= 30.0, "{line:?} is {width} mm");
        }
        assert_eq!(lines.join(" ").replace(' ', ""), text.replace(' ', ""));
    }

    #[test]
    fn a_character_outside_the_fonts_is_refused() {
        let fonts = fonts();
        assert_eq!(
            wrap(&fonts, "lot \u{10FFFD}", Style::Regular, 8.0, 100.0, false),
            Err(ReportError::NotInFont {
                character: '\u{10FFFD}'
            })
        );
    }

    #[test]
    fn a_long_table_repeats_its_header_on_every_page_and_keeps_rows_whole() {
        let fonts = fonts();
        let rows: Vec<Vec<Cell>> = (0..120)
            .map(|n| vec![Cell::new(format!("row {n}")), Cell::new("PASS")])
            .collect();
        let report = Report {
            title: "Certificate of analysis".to_owned(),
            issuer: vec!["Test facility".to_owned()],
            number: "CoA-1".to_owned(),
            version: "1".to_owned(),
            blocks: vec![Block::Table(Table {
                columns: vec![("Test".to_owned(), 3), ("Evaluation".to_owned(), 1)],
                rows,
            })],
        };
        let pages = paginate(&report, Paper::A4, &fonts).expect("laid out");
        assert!(pages.len() >= 3, "{}", pages.len());
        let (_, height) = Paper::A4.size_mm();
        for page in &pages {
            let texts: Vec<&str> = page
                .iter()
                .filter_map(|item| match item {
                    Item::Text { text, .. } => Some(text.as_str()),
                    _ => None,
                })
                .collect();
            assert_eq!(&texts[..2], ["Test", "Evaluation"], "{texts:?}");
            for item in page {
                if let Item::Rect { y, height: h, .. } = item {
                    assert!(
                        y + h <= height - FOOTER_MM + 1e-9,
                        "a row runs into the footer"
                    );
                }
            }
        }
        let all: usize = pages
            .iter()
            .flatten()
            .filter(|item| matches!(item, Item::Text { text, .. } if text.starts_with("row ")))
            .count();
        assert_eq!(all, 120);
    }
}
