//! Data structure 023, the compound message a Data Matrix carries: `=+`, `aa` the number of
//! data structures that follow (01-99), `bbb` the ICCBBA reference of a defined message
//! structure, then the structures concatenated, each with its own data identifier.
//!
//! cordtrace emits `bbb = 000` (no defined structure): ICCBBA's table of defined sequences is
//! not built in, and `000` lets the structures come in the order the label prints them.

use std::fmt;

use super::scan::Scan;

/// The most data structures a compound header can announce (`aa` is two digits).
const MAX_STRUCTURES: usize = 99;

/// A compound message of 1 to 99 data structures (never another compound message: a [`Scan`]
/// cannot hold one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompoundMessage(Vec<Scan>);

/// A compound message that cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompoundError {
    /// No data structure, or more than the header's two digits can count.
    #[error("a compound message holds 1 to 99 data structures, found {found}")]
    WrongCount {
        /// The number of structures given.
        found: usize,
    },
}

impl CompoundError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::WrongCount { .. } => "COMPOUND_WRONG_COUNT",
        }
    }
}

impl CompoundMessage {
    /// The compound message of `structures`, in that order.
    pub fn new(structures: Vec<Scan>) -> Result<Self, CompoundError> {
        if structures.is_empty() || structures.len() > MAX_STRUCTURES {
            return Err(CompoundError::WrongCount {
                found: structures.len(),
            });
        }
        Ok(Self(structures))
    }

    /// The compound message of a label's few structures (always 1 to 99, so never refused).
    pub(super) fn of_label(structures: Vec<Scan>) -> Self {
        debug_assert!((1..=MAX_STRUCTURES).contains(&structures.len()));
        Self(structures)
    }

    /// The structures, in the order encoded.
    pub fn structures(&self) -> &[Scan] {
        &self.0
    }
}

/// The encoded message, for example `=+03000=A99992600000168=<S1234V00&>0261202359`.
impl fmt::Display for CompoundMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "=+{:02}000", self.0.len())?;
        self.0
            .iter()
            .try_for_each(|structure| f.write_str(&structure.data_structure()))
    }
}
