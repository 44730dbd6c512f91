//! Text on a label: how wide it prints (to wrap and fit it), and the characters each output can
//! show. Widths are Helvetica's (the PDF's built-in font, metric-compatible with Arial and
//! Liberation Sans that an SVG viewer picks for `sans-serif`), with a margin for wider faces.

/// The typeface family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    /// Proportional sans-serif: Helvetica in the PDF, `sans-serif` in SVG.
    Sans,
    /// Fixed pitch, for identifiers whose characters must line up: Courier, `monospace`.
    Mono,
}

/// The weight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Weight {
    /// Regular.
    Regular,
    /// Bold, for identifiers and warnings.
    Bold,
}

/// Helvetica advance widths of ASCII 32 to 126 in thousandths of an em (Adobe's AFM files).
#[rustfmt::skip]
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/// Helvetica-Bold advance widths of ASCII 32 to 126 in thousandths of an em.
#[rustfmt::skip]
const HELVETICA_BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];

/// Courier's advance, every character alike.
const MONO_ADVANCE: f64 = 0.6;

/// The advance of a character outside ASCII: about an average capital, so a measure errs wide.
const OTHER_ADVANCE: f64 = 0.7;

/// How much wider than Helvetica a viewer's `sans-serif` may be (DejaVu Sans is about 8 %):
/// text is fitted as if this much wider, so it stays inside its quadrant in every viewer.
const WIDTH_MARGIN: f64 = 1.1;

/// The advance of `text` in ems in the PDF's built-in font of `family` and `weight`.
pub(crate) fn advance_ems(text: &str, family: Family, weight: Weight) -> f64 {
    text.chars()
        .map(|c| match family {
            Family::Mono => MONO_ADVANCE,
            Family::Sans => {
                let table = match weight {
                    Weight::Regular => &HELVETICA,
                    Weight::Bold => &HELVETICA_BOLD,
                };
                u32::from(c)
                    .checked_sub(32)
                    .and_then(|idx| table.get(idx as usize))
                    .map_or(OTHER_ADVANCE, |width| f64::from(*width) / 1000.0)
            }
        })
        .sum()
}

/// The width `text` may print at in mm at `size_mm` (the em, as `font-size`) in any viewer:
/// Helvetica's width with [`WIDTH_MARGIN`] for proportional text.
pub(crate) fn width_mm(text: &str, size_mm: f64, family: Family, weight: Weight) -> f64 {
    let exact = advance_ems(text, family, weight) * size_mm;
    match family {
        Family::Mono => exact,
        Family::Sans => exact * WIDTH_MARGIN,
    }
}

/// `text` broken into lines no wider than `max_width_mm`, at spaces where it can, inside a word
/// only when a word alone is too wide.
pub(crate) fn wrap(
    text: &str,
    size_mm: f64,
    family: Family,
    weight: Weight,
    max_width_mm: f64,
) -> Vec<String> {
    let fits = |line: &str| width_mm(line, size_mm, family, weight) <= max_width_mm;
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|word| !word.is_empty()) {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if fits(&candidate) {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            line.push(c);
            if !fits(&line) && line.chars().count() > 1 {
                line.pop();
                lines.push(std::mem::take(&mut line));
                line.push(c);
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The digit a superscript digit (`⁰` to `⁹`) stands for.
pub(crate) fn superscript_digit(c: char) -> Option<char> {
    match c {
        '⁰' => Some('0'),
        '¹' => Some('1'),
        '²' => Some('2'),
        '³' => Some('3'),
        '⁴' => Some('4'),
        '⁵' => Some('5'),
        '⁶' => Some('6'),
        '⁷' => Some('7'),
        '⁸' => Some('8'),
        '⁹' => Some('9'),
        _ => None,
    }
}

/// A character fonts without mathematical signs lack, replaced by the one people type: the
/// minus sign of `−150 °C` by a hyphen-minus.
pub(crate) fn typed_form(c: char) -> char {
    match c {
        '\u{2212}' | '\u{2010}' | '\u{2011}' => '-',
        '\u{00A0}' | '\u{202F}' => ' ',
        other => other,
    }
}

/// The text as a printer font without superscripts shows it: `75 × 10⁶` as `75 × 10^6`.
pub(crate) fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_superscript = false;
    for c in text.chars() {
        match superscript_digit(c) {
            Some(digit) => {
                if !in_superscript {
                    out.push('^');
                }
                out.push(digit);
                in_superscript = true;
            }
            None => {
                out.push(typed_form(c));
                in_superscript = false;
            }
        }
    }
    out
}

/// Whether the PDF built-in fonts' WinAnsiEncoding (Windows-1252) holds `c`.
pub(crate) fn in_win_ansi(c: char) -> bool {
    matches!(c, ' '..='~' | '\u{A0}'..='\u{FF}')
        || matches!(
            c,
            '€' | '‚'
                | 'ƒ'
                | '„'
                | '…'
                | '†'
                | '‡'
                | 'ˆ'
                | '‰'
                | 'Š'
                | '‹'
                | 'Œ'
                | 'Ž'
                | '‘'
                | '’'
                | '“'
                | '”'
                | '•'
                | '–'
                | '—'
                | '˜'
                | '™'
                | 'š'
                | '›'
                | 'œ'
                | 'ž'
                | 'Ÿ'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_breaks_at_spaces_and_keeps_every_word() {
        let text = "NOT EVALUATED FOR INFECTIOUS SUBSTANCES";
        let lines = wrap(text, 2.6, Family::Sans, Weight::Bold, 44.0);
        assert_eq!(lines, ["NOT EVALUATED FOR", "INFECTIOUS SUBSTANCES"]);
        assert!(
            lines
                .iter()
                .all(|line| width_mm(line, 2.6, Family::Sans, Weight::Bold) <= 44.0)
        );
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn a_word_wider_than_the_line_is_cut_inside() {
        let lines = wrap(
            "A999926000001A999926000001",
            3.0,
            Family::Mono,
            Weight::Bold,
            20.0,
        );
        assert_eq!(lines, ["A9999260000", "01A99992600", "0001"]);
    }

    #[test]
    fn plain_text_for_printer_fonts() {
        assert_eq!(
            plain("75 × 10⁶ viable cells, −150 °C"),
            "75 × 10^6 viable cells, -150 °C"
        );
        assert_eq!(plain("10¹²"), "10^12");
    }

    #[test]
    fn win_ansi_holds_latin_1_and_the_typographic_marks() {
        for c in ['A', '×', '°', 'é', '–', '’', '€'] {
            assert!(in_win_ansi(c), "{c}");
        }
        for c in ['−', '⁶', 'Ł', '≤', '\u{7F}'] {
            assert!(!in_win_ansi(c), "{c}");
        }
    }
}
