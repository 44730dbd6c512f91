//! Paged documents (the certificate of analysis) as a PDF: a header with the issuing facility,
//! the document number and version on every page, "Page x of y" in every footer, paragraphs
//! wrapped to the page, tables that fit its width and repeat their header row on every page
//! they run onto, rows kept whole where they fit, and a Data Matrix where a scanner should read.
//!
//! The caller writes every text as a person should read it (times in the facility's zone with
//! their offset, `7.5 × 10⁷ cells`); this module only places it. The fonts are DejaVu, embedded,
//! so that the text reads the same on any machine in thirty years and `pdftotext`
//! extracts it as written; a character the fonts lack is refused ([`ReportError`]), never
//! printed as a blank box.

mod fonts;
mod layout;
mod pdf;

pub use fonts::Style;

/// Paper sizes a certificate is printed on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paper {
    /// ISO A4, 210 mm × 297 mm.
    A4,
    /// US Letter, 8.5 in × 11 in.
    Letter,
}

impl Paper {
    /// Width and height in millimetres.
    pub(crate) fn size_mm(self) -> (f64, f64) {
        match self {
            Self::A4 => (210.0, 297.0),
            Self::Letter => (215.9, 279.4),
        }
    }
}

/// A document: what every page's header says, then its blocks in reading order.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// The document's title, for example `Certificate of analysis`.
    pub title: String,
    /// The issuer: the facility's name, then its address lines.
    pub issuer: Vec<String>,
    /// The document number, for example `CoA-A9990 26 000001`.
    pub number: String,
    /// The document's version.
    pub version: String,
    /// The content.
    pub blocks: Vec<Block>,
}

/// One block of a document's content.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// A warning in a frame, in bold (a draft that is not a release certificate).
    Banner(String),
    /// A section heading; never left alone at the foot of a page.
    Heading(String),
    /// A paragraph, wrapped at spaces.
    Paragraph(String),
    /// Monospaced text (hashes, a signed note, a command), wrapped anywhere and at its line
    /// breaks.
    Code(String),
    /// A table.
    Table(Table),
    /// A Data Matrix (ECC 200) of `data`, with `caption` beside it.
    Symbol {
        /// The message.
        data: String,
        /// What it holds, in words.
        caption: String,
    },
}

/// A table whose columns share the page's width by their weights; when every heading is
/// empty (a table of names and values), it has no header row.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// Each column's heading and relative width.
    pub columns: Vec<(String, u32)>,
    /// The rows, one cell per column.
    pub rows: Vec<Vec<Cell>>,
}

/// A table cell.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// Its text.
    pub text: String,
    /// Its style (bold for what must not be missed: a FAIL).
    pub style: Style,
}

impl Cell {
    /// A cell in the regular style.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            style: Style::Regular,
        }
    }

    /// A cell in bold.
    pub fn bold(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            style: Style::Bold,
        }
    }
}

/// A document that cannot be rendered whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// A text holds a character the embedded fonts have no glyph for.
    #[error("{character:?} (U+{code_point:04X}) is not in the document's fonts", code_point = u32::from(*character))]
    NotInFont {
        /// The character.
        character: char,
    },
    /// A table row does not have one cell per column.
    #[error("a table row has {cells} cells for {columns} columns")]
    RaggedTable {
        /// Cells in the row.
        cells: usize,
        /// Columns of the table.
        columns: usize,
    },
    /// The fonts or the symbol encoder failed; not reachable with the fonts bundled.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ReportError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotInFont { .. } => "DOCUMENT_CHARACTER_NOT_IN_FONT",
            Self::RaggedTable { .. } => "DOCUMENT_RAGGED_TABLE",
            Self::Internal(_) => "DOCUMENT_INTERNAL",
        }
    }
}

/// `report` as a PDF on `paper`.
pub fn pdf(report: &Report, paper: Paper) -> Result<Vec<u8>, ReportError> {
    let fonts = fonts::Fonts::load()?;
    let pages = layout::paginate(report, paper, &fonts)?;
    pdf::render(report, paper, &fonts, &pages)
}
