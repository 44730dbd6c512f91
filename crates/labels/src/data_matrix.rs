//! The label's Data Matrix (ECC 200) of the compound message. The `datamatrix` crate encodes;
//! this module fixes the choices that keep the symbol the same on every output: square symbols
//! only, and ASCII encodation only, so the size chosen here is one a printer's own encoder
//! (ZPL `^BX`) can always fill with the same message.

use datamatrix::{DataMatrixBuilder, EncodationType, SymbolList};

use crate::error::LabelError;

/// A Data Matrix symbol: its message and its modules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DataMatrixSymbol {
    message: String,
    n_modules: usize,
    dark: Vec<(usize, usize)>,
}

impl DataMatrixSymbol {
    /// The smallest square ECC 200 symbol of `message` in ASCII encodation.
    pub(crate) fn encode(message: &str) -> Result<Self, LabelError> {
        let symbol = DataMatrixBuilder::new()
            .with_encodation_types(EncodationType::Ascii)
            .with_symbol_list(SymbolList::default().enforce_square())
            // Macros (05/06 headers) are for other industries' messages, never ISBT 128.
            .with_macros(false)
            .encode(message.as_bytes())
            .map_err(|error| {
                LabelError::Internal(format!("Data Matrix of {message:?}: {error:?}"))
            })?;
        let bitmap = symbol.bitmap();
        Ok(Self {
            message: message.to_owned(),
            n_modules: bitmap.width(),
            dark: bitmap.pixels().collect(),
        })
    }

    /// The message encoded.
    pub(crate) fn message(&self) -> &str {
        &self.message
    }

    /// The number of modules on a side (the symbol is square), quiet zone excluded.
    pub(crate) fn n_modules(&self) -> usize {
        self.n_modules
    }

    /// The dark modules of each row merged into runs `(column, row, n_modules)`: a few
    /// rectangles instead of one per module, and no hairline seams between neighbours when a
    /// viewer anti-aliases their edges.
    pub(crate) fn dark_runs(&self) -> Vec<(usize, usize, usize)> {
        let mut runs: Vec<(usize, usize, usize)> = Vec::new();
        // `dark` comes row by row, left to right (the `datamatrix` crate's order).
        for &(column, row) in &self.dark {
            match runs.last_mut() {
                Some((run_column, run_row, n_modules))
                    if *run_row == row && *run_column + *n_modules == column =>
                {
                    *n_modules += 1;
                }
                _ => runs.push((column, row, 1)),
            }
        }
        runs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_symbol_decodes_back_to_the_message() {
        let message = "=+04000=A99992600000105=<S1234V00&>0261200905=*026015";
        let symbol = DataMatrixSymbol::encode(message).expect("a short ASCII message");
        let n_modules = symbol.n_modules();
        let mut pixels = vec![false; n_modules * n_modules];
        for (column, row, n_run) in symbol.dark_runs() {
            for module_idx in column..column + n_run {
                pixels[row * n_modules + module_idx] = true;
            }
        }
        // The crate's own decoder reads the runs as drawn: the rendering's coordinates and the
        // merging of runs are the ones the encoder meant.
        let decoded = datamatrix::DataMatrix::decode(&pixels, n_modules).expect("a valid symbol");
        assert_eq!(decoded, message.as_bytes());
        assert_eq!(symbol.message(), message);
    }
}
