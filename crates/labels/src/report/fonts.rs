//! The document's three faces and their metrics. DejaVu comes from the `dejavu` crate, which
//! bundles the fonts' own files under their permissive licence, so nothing is fetched at build
//! time and no font file is kept in this repository. The condensed sans fits a results table of
//! eight columns on A4 at a readable size; the monospaced face sets hashes and signed notes.

use printpdf::ParsedFont;

use super::ReportError;

/// How a text is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Style {
    /// DejaVu Sans Condensed.
    Regular,
    /// DejaVu Sans Condensed Bold.
    Bold,
    /// DejaVu Sans Mono.
    Mono,
}

impl Style {
    pub(crate) const ALL: [Self; 3] = [Self::Regular, Self::Bold, Self::Mono];
}

/// The parsed faces.
pub(crate) struct Fonts {
    regular: ParsedFont,
    bold: ParsedFont,
    mono: ParsedFont,
}

impl Fonts {
    pub(crate) fn load() -> Result<Self, ReportError> {
        Ok(Self {
            regular: parse(dejavu::sans_condensed::regular(), "DejaVu Sans Condensed")?,
            bold: parse(dejavu::sans_condensed::bold(), "DejaVu Sans Condensed Bold")?,
            mono: parse(dejavu::sans_mono::regular(), "DejaVu Sans Mono")?,
        })
    }

    pub(crate) fn face(&self, style: Style) -> &ParsedFont {
        match style {
            Style::Regular => &self.regular,
            Style::Bold => &self.bold,
            Style::Mono => &self.mono,
        }
    }

    /// The width of `text` set in `style` at `size_pt`, in millimetres; an error names the
    /// first character the face has no glyph for.
    pub(crate) fn width_mm(
        &self,
        text: &str,
        style: Style,
        size_pt: f64,
    ) -> Result<f64, ReportError> {
        let face = self.face(style);
        let units_per_em = f64::from(face.units_per_em.max(1));
        let mut units = 0.0;
        for character in text.chars() {
            let glyph = face
                .lookup_glyph_index(u32::from(character))
                .filter(|&glyph| glyph != 0)
                .ok_or(ReportError::NotInFont { character })?;
            units += f64::from(face.get_glyph_width(glyph).unwrap_or(0));
        }
        Ok(units / units_per_em * size_pt * 25.4 / 72.0)
    }

    /// Refuses a text with a character the face lacks.
    pub(crate) fn check(&self, text: &str, style: Style) -> Result<(), ReportError> {
        self.width_mm(text, style, 1.0).map(|_| ())
    }
}

fn parse(bytes: &[u8], name: &str) -> Result<ParsedFont, ReportError> {
    // printpdf's warnings are about tables a PDF does not need (kerning, hinting); a face
    // that cannot be used at all is `None`.
    let mut warnings = Vec::new();
    ParsedFont::from_bytes(bytes, 0, &mut warnings)
        .ok_or_else(|| ReportError::Internal(format!("the bundled font {name} does not parse")))
}
