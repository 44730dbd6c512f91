//! The label in ZPL II for a 203 dpi (8 dots/mm) Zebra-compatible thermal printer. The printer
//! draws the symbols itself from `^BC` and `^BX`; the Code 128 field data spells out the code
//! sets chosen here with ZPL's invocation codes, so the printed bars are the SVG's bars.
//!
//! Nothing a caller writes can become a command: every `^FD` is preceded by `^FH`, and `_`, `^`
//! and `~` in it are written as the hexadecimal escapes `_5F`, `_5E`, `_7E`.

use std::fmt::Write as _;

use crate::code128::{CodeSet, SymbolChar};
use crate::layout::{
    Bars, DATA_MATRIX_MODULE_MM, Element, Frame, Layout, Matrix, Text, X_DIMENSION_MM,
};
use crate::text::plain;

/// The printer's resolution in dots per inch (nominal: such printers have 8 dots per mm).
pub const ZPL_DPI: u32 = 203;

/// The printer's dots per mm.
pub const ZPL_DOTS_PER_MM: f64 = 8.0;

/// The ZPL II label format of a laid-out label.
pub(crate) fn render(layout: &Layout) -> String {
    let mut zpl = String::new();
    zpl.push_str("^XA\n");
    // UTF-8 field data, so that `×`, `°` and accented names print as written.
    zpl.push_str("^CI28\n");
    let _ = writeln!(
        zpl,
        "^PW{}\n^LL{}\n^LH0,0",
        dots(layout.width_mm),
        dots(layout.height_mm)
    );
    // The narrow bar of every Code 128 symbol: the label's X dimension in dots.
    let _ = writeln!(zpl, "^BY{}", dots(X_DIMENSION_MM));
    for element in &layout.elements {
        match element {
            Element::Bars(bars) => write_bars(&mut zpl, bars),
            Element::Matrix(matrix) => write_matrix(&mut zpl, matrix),
            Element::Text(text) => write_text(&mut zpl, text),
            Element::Frame(frame) => write_frame(&mut zpl, frame),
        }
    }
    zpl.push_str("^XZ\n");
    zpl
}

fn write_bars(zpl: &mut String, bars: &Bars) {
    // Mode N: the field data carries its own start and switch codes; no interpretation line
    // (the eye-readable text is laid out separately), no UCC check digit.
    let _ = writeln!(
        zpl,
        "^FO{},{}^BCN,{},N,N,N,N^FH^FD{}^FS",
        dots(bars.x),
        dots(bars.y),
        dots(bars.height),
        field_data(&invocation_codes(bars.symbol.chars()))
    );
}

/// Code 128 symbol characters in ZPL's field data syntax: `>:` / `>;` start set B / C, `>5` /
/// `>6` switch to C / B, and `>0`, `><`, `>=` for the set B characters `>`, `^`, `~`, which
/// ZPL reserves.
fn invocation_codes(chars: &[SymbolChar]) -> String {
    let mut data = String::new();
    for symbol_char in chars {
        match *symbol_char {
            SymbolChar::Start(CodeSet::B) => data.push_str(">:"),
            SymbolChar::Start(CodeSet::C) => data.push_str(">;"),
            SymbolChar::Switch(CodeSet::C) => data.push_str(">5"),
            SymbolChar::Switch(CodeSet::B) => data.push_str(">6"),
            SymbolChar::Char('>') => data.push_str(">0"),
            SymbolChar::Char('^') => data.push_str("><"),
            SymbolChar::Char('~') => data.push_str(">="),
            SymbolChar::Char(c) => data.push(c),
            SymbolChar::Digits(first, second) => {
                data.push(first);
                data.push(second);
            }
        }
    }
    data
}

fn write_matrix(zpl: &mut String, matrix: &Matrix) {
    // ECC 200 at the layout's module size and symbol size: the printer encodes the message
    // itself, into the same number of rows and columns as the SVG's symbol.
    let n_modules = matrix.symbol.n_modules();
    let _ = writeln!(
        zpl,
        "^FO{},{}^BXN,{},200,{n_modules},{n_modules}^FH^FD{}^FS",
        dots(matrix.x),
        dots(matrix.y),
        dots(DATA_MATRIX_MODULE_MM),
        field_data(matrix.symbol.message())
    );
}

fn write_text(zpl: &mut String, text: &Text) {
    // ^FT places the text's baseline, as the layout does; font 0 is the printer's scalable
    // font. Printer fonts have no superscripts or minus sign: `10⁶` prints as `10^6`.
    let height = dots(text.size);
    let _ = writeln!(
        zpl,
        "^FT{},{}^A0N,{height},{height}^FH^FD{}^FS",
        dots(text.x),
        dots(text.baseline),
        field_data(&plain(&text.content))
    );
}

fn write_frame(zpl: &mut String, frame: &Frame) {
    let _ = writeln!(
        zpl,
        "^FO{},{}^GB{},{},{}^FS",
        dots(frame.x),
        dots(frame.y),
        dots(frame.width),
        dots(frame.height),
        dots(frame.stroke).max(1)
    );
}

/// Millimetres in printer dots.
fn dots(mm: f64) -> i64 {
    (mm * ZPL_DOTS_PER_MM).round() as i64
}

/// Field data after `^FH`: the hexadecimal indicator `_` and the command prefixes `^` and `~`
/// written as escapes, so that no text ends the field or starts a command.
pub(crate) fn field_data(text: &str) -> String {
    let mut data = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '_' => data.push_str("_5F"),
            '^' => data.push_str("_5E"),
            '~' => data.push_str("_7E"),
            other => data.push(other),
        }
    }
    data
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code128::Code128;

    #[test]
    fn field_data_cannot_hold_a_command() {
        assert_eq!(field_data("^XZ~JA_"), "_5EXZ_7EJA_5F");
    }

    #[test]
    fn code_sets_are_spelled_with_invocation_codes() {
        let symbol = Code128::encode("&>0261200905").expect("printable ASCII");
        assert_eq!(invocation_codes(symbol.chars()), ">:&>0>50261200905");
    }

    #[test]
    fn the_x_dimension_and_data_matrix_module_are_whole_dots() {
        for mm in [X_DIMENSION_MM, DATA_MATRIX_MODULE_MM] {
            let exact = mm * ZPL_DOTS_PER_MM;
            assert!(
                (exact - exact.round()).abs() < 1e-9,
                "{mm} mm is {exact} dots"
            );
        }
        assert_eq!(dots(X_DIMENSION_MM), 2);
        // 203 dpi is the trade name of 8 dots per mm.
        assert!((f64::from(ZPL_DPI) / 25.4 - ZPL_DOTS_PER_MM).abs() < 0.01);
    }
}
