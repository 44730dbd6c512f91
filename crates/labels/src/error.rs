//! The one error of rendering a label: what cannot be printed, said before any byte is written.

/// A label that cannot be rendered. No document is produced: a label with a cut warning or a
/// wrong character in a name is worse than no label.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LabelError {
    /// The text of a field does not fit its place on the label, even at the smallest print size.
    #[error("{field} does not fit on the label")]
    DoesNotFit {
        /// The [`UnitLabel`](crate::UnitLabel) field, for example `warnings`.
        field: &'static str,
    },
    /// A field holds a control character (a line break, a tab, ...), which no format can print.
    #[error("{field} holds the control character U+{code_point:04X}")]
    ControlCharacter {
        /// The [`UnitLabel`](crate::UnitLabel) field.
        field: &'static str,
        /// The character's code point.
        code_point: u32,
    },
    /// A field holds a character the PDF's built-in font cannot show (it would print as `?`).
    #[error("{field} holds {character:?}, which the PDF's built-in font cannot print")]
    NotInPdfFont {
        /// The [`UnitLabel`](crate::UnitLabel) field.
        field: &'static str,
        /// The character.
        character: char,
    },
    /// A symbol encoder refused the data. The domain's grammar of data structures makes this
    /// unreachable; it is reported rather than hidden behind a panic.
    #[error("internal error: {0}")]
    Internal(String),
}

impl LabelError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::DoesNotFit { .. } => "LABEL_DOES_NOT_FIT",
            Self::ControlCharacter { .. } => "LABEL_CONTROL_CHARACTER",
            Self::NotInPdfFont { .. } => "LABEL_CHARACTER_NOT_IN_PDF_FONT",
            Self::Internal(_) => "LABEL_INTERNAL",
        }
    }
}
