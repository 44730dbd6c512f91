//! The label as a standalone SVG sized in millimetres (the viewBox is in mm, so 1 user unit is
//! 1 mm at 100 % print size). Bars and modules are rectangles; text uses generic font families
//! only, so the file needs nothing outside itself.

use std::fmt::Write as _;

use crate::layout::{
    Bars, DATA_MATRIX_MODULE_MM, Element, Frame, Layout, Matrix, Text, X_DIMENSION_MM,
};
use crate::text::{Family, Weight};

/// The SVG document of a laid-out label.
pub(crate) fn render(layout: &Layout) -> String {
    let mut svg = String::new();
    let width = mm(layout.width_mm);
    let height = mm(layout.height_mm);
    // `write!` into a String cannot fail; the results are ignored for that reason only.
    let _ = writeln!(svg, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}mm" height="{height}mm" viewBox="0 0 {width} {height}">"#
    );
    // An opaque white ground: a label is read as dark on light whatever the viewer's page.
    let _ = writeln!(
        svg,
        r##"<rect x="0" y="0" width="{width}" height="{height}" fill="#fff"/>"##
    );
    for element in &layout.elements {
        match element {
            Element::Bars(bars) => write_bars(&mut svg, bars),
            Element::Matrix(matrix) => write_matrix(&mut svg, matrix),
            Element::Text(text) => write_text(&mut svg, text),
            Element::Frame(frame) => write_frame(&mut svg, frame),
        }
    }
    svg.push_str("</svg>\n");
    svg
}

fn write_bars(svg: &mut String, bars: &Bars) {
    let _ = writeln!(
        svg,
        r##"<g class="code128" data-structure="{}" fill="#000" shape-rendering="crispEdges">"##,
        escape(bars.symbol.data())
    );
    for (first_module, n_modules) in bars.symbol.bars() {
        let _ = writeln!(
            svg,
            r#"<rect x="{}" y="{}" width="{}" height="{}"/>"#,
            mm(bars.x + first_module as f64 * X_DIMENSION_MM),
            mm(bars.y),
            mm(n_modules as f64 * X_DIMENSION_MM),
            mm(bars.height)
        );
    }
    svg.push_str("</g>\n");
}

fn write_matrix(svg: &mut String, matrix: &Matrix) {
    let _ = writeln!(
        svg,
        r##"<g class="datamatrix" data-message="{}" fill="#000" shape-rendering="crispEdges">"##,
        escape(matrix.symbol.message())
    );
    for (column, row, n_modules) in matrix.symbol.dark_runs() {
        let _ = writeln!(
            svg,
            r#"<rect x="{}" y="{}" width="{}" height="{}"/>"#,
            mm(matrix.x + column as f64 * DATA_MATRIX_MODULE_MM),
            mm(matrix.y + row as f64 * DATA_MATRIX_MODULE_MM),
            mm(n_modules as f64 * DATA_MATRIX_MODULE_MM),
            mm(DATA_MATRIX_MODULE_MM)
        );
    }
    svg.push_str("</g>\n");
}

fn write_text(svg: &mut String, text: &Text) {
    let family = match text.family {
        Family::Sans => "Helvetica, Arial, sans-serif",
        Family::Mono => "Courier, monospace",
    };
    let weight = match text.weight {
        Weight::Regular => "normal",
        Weight::Bold => "bold",
    };
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="{}" font-family="{family}" font-size="{}" font-weight="{weight}">{}</text>"#,
        mm(text.x),
        mm(text.baseline),
        mm(text.size),
        escape(&text.content)
    );
}

fn write_frame(svg: &mut String, frame: &Frame) {
    let _ = writeln!(
        svg,
        r##"<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#000" stroke-width="{}"/>"##,
        mm(frame.x),
        mm(frame.y),
        mm(frame.width),
        mm(frame.height),
        mm(frame.stroke)
    );
}

/// A length in mm with at most three decimals and no trailing zeros.
fn mm(value: f64) -> String {
    let text = format!("{value:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// `text` safe in XML character data and in attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_written_short() {
        assert_eq!(mm(3.0), "3");
        assert_eq!(mm(36.25), "36.25");
        assert_eq!(mm(0.1 + 0.2), "0.3");
        assert_eq!(mm(-0.0001), "0");
    }

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(escape(r#"<b>&"x'"#), "&lt;b&gt;&amp;&quot;x&apos;");
    }
}
