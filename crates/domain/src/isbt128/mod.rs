//! ISBT 128 identification (ICCBBA ST-001): the MOD 37-2 check character, the identifiers cordtrace
//! assigns or reads (FIN, DIN, product code, chain of identity identifier) and the data structures
//! a barcode scanner delivers.
//!
//! Every identifier is a newtype built only by a parser that returns a typed error; past this
//! module nothing takes a raw `String`. ISBT 128 is uppercase: lowercase input is refused, never
//! upper-cased behind the operator's back (the one exception is the second division character of
//! a product code, see [`ProductCode`]). Only the arithmetic and the grammar are built in; which
//! product codes exist is installation data.
//!
//! Assumptions, where the public material consulted did not settle a point (each is repeated on
//! the item it shapes):
//!
//! - Century digit `c` of `cyyjjj` dates: year = 2000 + 100 c + yy (`0` is 2000-2099). A
//!   third-party ST-001 implementation derives this from the ST-012 section 6.2 example, where
//!   `&>0183652359` is the expiry 2018-12-31 23:59.
//! - DIN flags `11`-`14` are refused as reserved: domain.md does not give them. The same
//!   third-party reading of ST-001 Table 3 lists 11 "match with unit label", 12 "affixed partial
//!   label", 13 "attached label" and 14 reserved.
//! - Patient identification `&#` is `&#` + `aa` (location code, table RT018) + `ll` (length) +
//!   `ll` characters, as read in that same implementation; the characters allowed are our choice.

mod check;
mod compound;
mod dates;
mod din;
mod emit;
mod fin;
mod flag;
mod ids;
mod label;
mod patient;
mod product;
mod scan;
mod text;

pub use check::{CheckError, CheckValue, mod37_2_check, mod37_2_check_value};
pub use compound::{CompoundError, CompoundMessage};
pub use dates::{DateError, DateKind, Expiry, LabelDateTime};
pub use din::{Din, DinError};
pub use fin::{Fin, FinError};
pub use flag::{ContainerNumber, Flag, FlagError, LocalFlag};
pub use ids::{
    ChainOfIdentityError, ChainOfIdentityId, ProcessorProductId, ProcessorProductIdError, StaffId,
    StaffIdError,
};
pub use label::{EyeReadableDin, LabelFlag, ProcessingDate, UnitLabelData};
pub use patient::{PatientId, PatientIdError};
pub use product::{ProductCode, ProductCodeError};
pub use scan::{Scan, ScanError};

#[cfg(test)]
mod tests;
