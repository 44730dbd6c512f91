//! The inverse of [`Scan::parse`]: the characters a barcode encodes for one data structure,
//! data identifier included. Labels are printed from these strings, so what a scanner reads
//! back is exactly what the parser of `scan.rs` accepts (held by the property tests).

use super::dates::DateKind;
use super::scan::Scan;

impl Scan {
    /// The data structure as encoded in a barcode, for example `=A99992600000168`, `=<S1234V00`
    /// or `&>0261202359`. The keyboard check character is never part of it.
    pub fn data_structure(&self) -> String {
        match self {
            // `Din::barcode_data` refuses only a type 3 flag of another DIN, which a `Scan` cannot
            // hold (`Scan::parse` verifies it), so the `=` + DIN + flag form is written directly.
            Self::Din { din, flag } => format!("={din}{flag}"),
            Self::ProductCode(code) => format!("=<{code}"),
            Self::Expiry(expiry) => expiry.label().to_data_structure(DateKind::Expiry),
            Self::Collection(date) => date.to_data_structure(DateKind::Collection),
            Self::Production(date) => date.to_data_structure(DateKind::Production),
            Self::Patient(patient) => format!("&#{patient}"),
            Self::Staff(staff) => format!("='{staff}"),
            Self::ProcessorProduct(product) => format!("=/{product}"),
            Self::ChainOfIdentity(chain) => format!("&/{chain}"),
        }
    }
}
