//! Code 128 symbols of ISBT 128 data structures. `barcoders` turns symbol characters into bars
//! and spaces; this module chooses the code sets (B, with C for runs of digits) so that every
//! data structure fits its 50 mm quadrant at the label's X dimension, and keeps the chosen
//! symbol characters so that the ZPL printer draws exactly the same symbol.

use barcoders::sym::code128::Code128 as Encoder;

use crate::error::LabelError;

/// A Code 128 code set this crate uses. Set B holds every printable ASCII character, set C a
/// pair of digits per symbol character; set A (control characters) is never needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CodeSet {
    /// Printable ASCII, one character per symbol character.
    B,
    /// Two digits per symbol character.
    C,
}

/// One symbol character before the check character and the stop pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SymbolChar {
    /// The start character of a code set.
    Start(CodeSet),
    /// A switch to another code set.
    Switch(CodeSet),
    /// A character of set B.
    Char(char),
    /// A pair of digits in set C.
    Digits(char, char),
}

/// A Code 128 symbol of one data structure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Code128 {
    data: String,
    chars: Vec<SymbolChar>,
    modules: Vec<bool>,
}

impl Code128 {
    /// The symbol of `data` with the fewest symbol characters.
    pub(crate) fn encode(data: &str) -> Result<Self, LabelError> {
        let chars = cheapest_code_sets(data)?;
        let encoder = Encoder::new(barcoders_input(&chars))
            .map_err(|error| LabelError::Internal(format!("Code 128 of {data:?}: {error}")))?;
        let modules = encoder
            .encode()
            .into_iter()
            .map(|module| module == 1)
            .collect();
        Ok(Self {
            data: data.to_owned(),
            chars,
            modules,
        })
    }

    /// The data structure the symbol encodes, data identifier included.
    pub(crate) fn data(&self) -> &str {
        &self.data
    }

    /// The symbol characters before the check character.
    pub(crate) fn chars(&self) -> &[SymbolChar] {
        &self.chars
    }

    /// The symbol's width in modules (narrow bar widths), quiet zones excluded.
    pub(crate) fn n_modules(&self) -> usize {
        self.modules.len()
    }

    /// The bars as `(first module, width in modules)`, left to right.
    pub(crate) fn bars(&self) -> Vec<(usize, usize)> {
        let mut bars = Vec::new();
        let mut module_idx = 0;
        while module_idx < self.modules.len() {
            if self.modules[module_idx] {
                let start = module_idx;
                while module_idx < self.modules.len() && self.modules[module_idx] {
                    module_idx += 1;
                }
                bars.push((start, module_idx - start));
            } else {
                module_idx += 1;
            }
        }
        bars
    }
}

/// The input `barcoders` reads: its own letters for start and switch characters.
fn barcoders_input(chars: &[SymbolChar]) -> String {
    let set_letter = |set: CodeSet| match set {
        CodeSet::B => 'Ɓ',
        CodeSet::C => 'Ć',
    };
    let mut input = String::new();
    for symbol_char in chars {
        match *symbol_char {
            SymbolChar::Start(set) | SymbolChar::Switch(set) => input.push(set_letter(set)),
            SymbolChar::Char(c) => input.push(c),
            SymbolChar::Digits(first, second) => {
                input.push(first);
                input.push(second);
            }
        }
    }
    input
}

/// The symbol characters for `data` with the fewest of them: a shortest path over (position,
/// code set), where set B takes one character, set C two digits, and a switch costs one.
/// ISBT 128 data structures are short, so the table is tiny.
fn cheapest_code_sets(data: &str) -> Result<Vec<SymbolChar>, LabelError> {
    let chars: Vec<char> = data.chars().collect();
    if chars.is_empty() {
        return Err(LabelError::Internal("Code 128 of empty data".to_owned()));
    }
    if let Some(c) = chars.iter().find(|c| !(' '..='~').contains(*c)) {
        return Err(LabelError::Internal(format!(
            "Code 128 set B has no {c:?} (in {data:?})"
        )));
    }
    let n_chars = chars.len();
    let takes_c = |idx: usize| {
        idx + 1 < n_chars && chars[idx].is_ascii_digit() && chars[idx + 1].is_ascii_digit()
    };
    // cost[idx][set]: the fewest symbol characters that encode chars[idx..] when the symbol
    // is in `set` at idx (switches included). Unreachable states cost usize::MAX / 2, so that
    // adding a switch never overflows.
    const UNREACHABLE: usize = usize::MAX / 2;
    let mut stay_b = vec![0; n_chars + 1];
    let mut stay_c = vec![0; n_chars + 1];
    let mut best_b = vec![0; n_chars + 1];
    let mut best_c = vec![0; n_chars + 1];
    for idx in (0..n_chars).rev() {
        stay_b[idx] = 1 + best_b[idx + 1];
        stay_c[idx] = if takes_c(idx) {
            1 + best_c[idx + 2]
        } else {
            UNREACHABLE
        };
        best_b[idx] = stay_b[idx].min(1 + stay_c[idx]);
        best_c[idx] = stay_c[idx].min(1 + stay_b[idx]);
    }

    // Ties go to set B, the set a reader of the data would expect.
    let mut set = if stay_c[0] < stay_b[0] {
        CodeSet::C
    } else {
        CodeSet::B
    };
    let mut symbol_chars = vec![SymbolChar::Start(set)];
    let mut idx = 0;
    while idx < n_chars {
        let (stay, other) = match set {
            CodeSet::B => (stay_b[idx], stay_c[idx]),
            CodeSet::C => (stay_c[idx], stay_b[idx]),
        };
        if 1 + other < stay {
            set = match set {
                CodeSet::B => CodeSet::C,
                CodeSet::C => CodeSet::B,
            };
            symbol_chars.push(SymbolChar::Switch(set));
        }
        match set {
            CodeSet::B => {
                symbol_chars.push(SymbolChar::Char(chars[idx]));
                idx += 1;
            }
            CodeSet::C => {
                symbol_chars.push(SymbolChar::Digits(chars[idx], chars[idx + 1]));
                idx += 2;
            }
        }
    }
    Ok(symbol_chars)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The symbol characters as text: `B` / `C` start, `>B` / `>C` switch, digits pairs bracketed.
    fn show(data: &str) -> String {
        let chars = cheapest_code_sets(data).expect("printable ASCII");
        chars
            .iter()
            .map(|symbol_char| match symbol_char {
                SymbolChar::Start(CodeSet::B) => "B:".to_owned(),
                SymbolChar::Start(CodeSet::C) => "C:".to_owned(),
                SymbolChar::Switch(CodeSet::B) => ">B".to_owned(),
                SymbolChar::Switch(CodeSet::C) => ">C".to_owned(),
                SymbolChar::Char(c) => c.to_string(),
                SymbolChar::Digits(a, b) => format!("[{a}{b}]"),
            })
            .collect()
    }

    #[test]
    fn digit_runs_go_to_set_c_only_where_that_is_shorter() {
        for (data, expected) in [
            ("=A99992600000168", "B:=A>C[99][99][26][00][00][01][68]"),
            ("=<S1234V00", "B:=<S1234V00"),
            ("&>0261200905", "B:&>>C[02][61][20][09][05]"),
            ("=*026015", "B:=*>C[02][60][15]"),
            ("1234", "C:[12][34]"),
            ("123", "B:123"),
        ] {
            assert_eq!(show(data), expected, "{data}");
        }
    }

    #[test]
    fn the_symbol_is_11_modules_a_character_plus_check_and_stop() {
        let symbol = Code128::encode("=A99992600000168").expect("printable ASCII");
        // Start, 2 set B characters, switch, 7 digit pairs, check (11 each), stop (13).
        assert_eq!(symbol.n_modules(), 11 * 12 + 13);
        let bar_modules: usize = symbol.bars().iter().map(|(_, width)| width).sum();
        assert!(bar_modules > 0 && bar_modules < symbol.n_modules());
        assert_eq!(
            symbol.bars().first(),
            Some(&(0, 2)),
            "a start character opens with 2 modules"
        );
    }

    #[test]
    fn non_ascii_data_is_refused() {
        assert!(matches!(
            Code128::encode("=A9999é"),
            Err(LabelError::Internal(_))
        ));
    }
}
