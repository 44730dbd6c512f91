//! What a barcode scanner delivers: one data structure, several concatenated (ST-001 section 10),
//! or a compound message (`=+aabbb`, data structure 023) that announces how many follow.
//!
//! Each structure is recognised by its data identifier, the first two characters. `=` followed
//! by a FIN's first character (A-N, P-Z, 1-9) is a DIN (structure 001, the identifier's second
//! character is data); `=<`, `=>`, `=*`, `=}`, `='`, `=/`, `=+`, `&>`, `&*`, `&}`, `&#`, `&/`
//! are the others read here. Any other identifier is refused by name, never skipped.
//! Compound header: `aa` is the number of data structures that follow (01-99) and `bbb` a
//! reference to a specified sequence (`000` none); the reference is not checked against ICCBBA's
//! table, and the structures may come in any order.

use super::dates::{DateError, DateKind, Expiry, LabelDateTime};
use super::din::{Din, DinError};
use super::fin::is_fin_first_character;
use super::flag::Flag;
use super::ids::{
    ChainOfIdentityError, ChainOfIdentityId, ProcessorProductId, ProcessorProductIdError, StaffId,
    StaffIdError,
};
use super::patient::{PatientId, PatientIdError};
use super::product::{ProductCode, ProductCodeError};
use super::text::digits_value;

/// One data structure read from a barcode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scan {
    /// Data structure 001: a DIN and its flag (a type 3 flag is already verified).
    Din {
        /// The donation identification number.
        din: Din,
        /// The flag characters.
        flag: Flag,
    },
    /// Data structure 003 (`=<`).
    ProductCode(ProductCode),
    /// Data structures 004 (`=>`) and 005 (`&>`).
    Expiry(Expiry),
    /// Data structures 006 (`=*`) and 007 (`&*`).
    Collection(LabelDateTime),
    /// Data structures 008 (`=}`) and 009 (`&}`).
    Production(LabelDateTime),
    /// Data structure 025 (`&#`).
    Patient(PatientId),
    /// Data structure 020 (`='`).
    Staff(StaffId),
    /// Data structure 034 (`=/`).
    ProcessorProduct(ProcessorProductId),
    /// Chain of Identity Identifier (`&/`, ST-028).
    ChainOfIdentity(ChainOfIdentityId),
}

/// Scanned data that is not what it should be.
///
/// A character position inside a structure's own error counts from the first character after
/// that structure's data identifier (for a DIN, from its `=`), not from the start of the scan.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    /// Nothing was scanned (or only whitespace).
    #[error("nothing was scanned")]
    Empty,
    /// The data identifier is not one cordtrace reads.
    #[error("unknown data identifier {identifier:?}")]
    UnknownDataIdentifier {
        /// The identifier found (up to two characters).
        identifier: String,
    },
    /// A structure is shorter or longer than its grammar says.
    #[error("{structure} must be {expected} characters, found {found}")]
    WrongLength {
        /// The structure read.
        structure: &'static str,
        /// Characters its grammar requires.
        expected: usize,
        /// Characters found.
        found: usize,
    },
    /// A DIN (structure 001) is malformed or its flag is wrong.
    #[error("DIN: {0}")]
    Din(#[from] DinError),
    /// A product code is malformed.
    #[error("product code: {0}")]
    ProductCode(#[from] ProductCodeError),
    /// A date or date-time is malformed.
    #[error("date: {0}")]
    Date(#[from] DateError),
    /// A patient identification is malformed.
    #[error("patient identification: {0}")]
    Patient(#[from] PatientIdError),
    /// A staff identification is malformed.
    #[error("staff identification: {0}")]
    Staff(#[from] StaffIdError),
    /// A processor product identification code is malformed.
    #[error("processor product identification code: {0}")]
    ProcessorProduct(#[from] ProcessorProductIdError),
    /// A chain of identity identifier is malformed.
    #[error("chain of identity identifier: {0}")]
    ChainOfIdentity(#[from] ChainOfIdentityError),
    /// A compound message was given where one structure was expected.
    #[error("a compound message holds several structures; read it with Scan::parse_all")]
    UnexpectedCompound,
    /// The compound header is not `=+` with `aa` 01-99 and `bbb` three digits.
    #[error("compound message header must be =+ then 2 digits (01-99) and 3 digits")]
    BadCompoundHeader,
    /// A compound message holds another compound header.
    #[error("a compound message cannot hold another compound message")]
    NestedCompound,
    /// The compound header announces a different number of structures than follow.
    #[error("compound message announces {declared} data structures, found {found}")]
    CompoundCountMismatch {
        /// The number the header announces.
        declared: usize,
        /// The number found.
        found: usize,
    },
}

impl ScanError {
    /// Stable machine-readable code (a structure's own code for a malformed structure).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "SCAN_EMPTY",
            Self::UnknownDataIdentifier { .. } => "SCAN_UNKNOWN_DATA_IDENTIFIER",
            Self::WrongLength { .. } => "SCAN_WRONG_LENGTH",
            Self::Din(inner) => inner.code(),
            Self::ProductCode(inner) => inner.code(),
            Self::Date(inner) => inner.code(),
            Self::Patient(inner) => inner.code(),
            Self::Staff(inner) => inner.code(),
            Self::ProcessorProduct(inner) => inner.code(),
            Self::ChainOfIdentity(inner) => inner.code(),
            Self::UnexpectedCompound => "SCAN_UNEXPECTED_COMPOUND",
            Self::BadCompoundHeader => "SCAN_BAD_COMPOUND_HEADER",
            Self::NestedCompound => "SCAN_NESTED_COMPOUND",
            Self::CompoundCountMismatch { .. } => "SCAN_COMPOUND_COUNT_MISMATCH",
        }
    }
}

/// The structures the dispatcher knows, by data identifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Structure {
    Din,
    ProductCode,
    Date(DateKind, bool),
    Patient,
    Staff,
    ProcessorProduct,
    ChainOfIdentity,
    Compound,
}

/// Length of the compound header `=+aabbb`.
const COMPOUND_HEADER_LENGTH: usize = 7;
/// Length of `&#aall`, before the patient number.
const PATIENT_HEADER_LENGTH: usize = 6;

impl Structure {
    /// The structure whose data identifier starts `chars`.
    fn identify(chars: &[char]) -> Result<Self, ScanError> {
        let structure = match chars {
            ['=', second, ..] if is_fin_first_character(*second) => Self::Din,
            ['=', '<', ..] => Self::ProductCode,
            ['=', '\'', ..] => Self::Staff,
            ['=', '/', ..] => Self::ProcessorProduct,
            ['=', '+', ..] => Self::Compound,
            ['&', '#', ..] => Self::Patient,
            ['&', '/', ..] => Self::ChainOfIdentity,
            [first, second, ..] => {
                let identifier: String = [*first, *second].iter().collect();
                let (kind, with_time) = DateKind::from_data_identifier(&identifier)
                    .ok_or(ScanError::UnknownDataIdentifier { identifier })?;
                Self::Date(kind, with_time)
            }
            _ => {
                return Err(ScanError::UnknownDataIdentifier {
                    identifier: chars.iter().collect(),
                });
            }
        };
        Ok(structure)
    }

    /// A name for messages.
    fn name(self) -> &'static str {
        match self {
            Self::Din => "DIN (data structure 001)",
            Self::ProductCode => "product code (=<)",
            Self::Date(kind, with_time) => match (kind, with_time) {
                (DateKind::Expiry, false) => "expiry date (=>)",
                (DateKind::Expiry, true) => "expiry date and time (&>)",
                (DateKind::Collection, false) => "collection date (=*)",
                (DateKind::Collection, true) => "collection date and time (&*)",
                (DateKind::Production, false) => "production date (=})",
                (DateKind::Production, true) => "production date and time (&})",
            },
            Self::Patient => "patient identification (&#)",
            Self::Staff => "staff identification (=')",
            Self::ProcessorProduct => "processor product identification code (=/)",
            Self::ChainOfIdentity => "chain of identity identifier (&/)",
            Self::Compound => "compound message header (=+)",
        }
    }

    /// The length of the structure starting `chars`, data identifier included.
    fn length(self, chars: &[char]) -> Result<usize, ScanError> {
        let length = match self {
            Self::Din => 16,
            Self::ProductCode => 10,
            Self::Date(_, false) => 8,
            Self::Date(_, true) => 12,
            Self::Staff => 13,
            Self::ProcessorProduct => 18,
            Self::ChainOfIdentity => 17,
            Self::Compound => COMPOUND_HEADER_LENGTH,
            Self::Patient => {
                if chars.len() < PATIENT_HEADER_LENGTH {
                    return Err(self.wrong_length(PATIENT_HEADER_LENGTH, chars.len()));
                }
                PATIENT_HEADER_LENGTH + PatientId::declared_length(&chars[4..6])?
            }
        };
        Ok(length)
    }

    fn wrong_length(self, expected: usize, found: usize) -> ScanError {
        ScanError::WrongLength {
            structure: self.name(),
            expected,
            found,
        }
    }

    /// Parses exactly the characters of one structure, data identifier included.
    fn parse(self, chars: &[char]) -> Result<Scan, ScanError> {
        let content: String = chars.iter().skip(2).collect();
        let scan = match self {
            Self::Din => {
                let whole: String = chars.iter().collect();
                let (din, flag) = Din::parse_scanned(&whole)?;
                Scan::Din { din, flag }
            }
            Self::ProductCode => Scan::ProductCode(ProductCode::parse(&content)?),
            Self::Date(kind, with_time) => {
                let label = if with_time {
                    LabelDateTime::parse_date_time(&content)?
                } else {
                    LabelDateTime::parse_date(&content)?
                };
                match kind {
                    DateKind::Expiry => Scan::Expiry(Expiry::new(label)),
                    DateKind::Collection => Scan::Collection(label),
                    DateKind::Production => Scan::Production(label),
                }
            }
            Self::Patient => Scan::Patient(PatientId::parse(&content)?),
            Self::Staff => Scan::Staff(StaffId::parse(&content)?),
            Self::ProcessorProduct => Scan::ProcessorProduct(ProcessorProductId::parse(&content)?),
            Self::ChainOfIdentity => Scan::ChainOfIdentity(ChainOfIdentityId::parse(&content)?),
            Self::Compound => return Err(ScanError::UnexpectedCompound),
        };
        Ok(scan)
    }
}

/// The scanned characters without surrounding whitespace (a scanner's trailing CR/LF included).
fn trimmed_chars(raw: &str) -> Result<Vec<char>, ScanError> {
    let chars: Vec<char> = raw.trim().chars().collect();
    if chars.is_empty() {
        Err(ScanError::Empty)
    } else {
        Ok(chars)
    }
}

/// Reads concatenated structures until the end; a compound header among them is refused.
fn parse_sequence(chars: &[char]) -> Result<Vec<Scan>, ScanError> {
    let mut scans = Vec::new();
    let mut pos = 0;
    while pos < chars.len() {
        let rest = &chars[pos..];
        let structure = Structure::identify(rest)?;
        if structure == Structure::Compound {
            return Err(ScanError::NestedCompound);
        }
        let length = structure.length(rest)?;
        if length > rest.len() {
            return Err(structure.wrong_length(length, rest.len()));
        }
        scans.push(structure.parse(&rest[..length])?);
        pos += length;
    }
    Ok(scans)
}

impl Scan {
    /// Reads exactly one data structure. Surrounding whitespace and a trailing CR/LF are
    /// trimmed; anything else unexpected, including a second structure, is an error.
    pub fn parse(raw: &str) -> Result<Self, ScanError> {
        let chars = trimmed_chars(raw)?;
        let structure = Structure::identify(&chars)?;
        if structure == Structure::Compound {
            return Err(ScanError::UnexpectedCompound);
        }
        let length = structure.length(&chars)?;
        if length != chars.len() {
            return Err(structure.wrong_length(length, chars.len()));
        }
        structure.parse(&chars)
    }

    /// Reads a compound message into its structures (their count must match the header), or
    /// one structure, or structures a scanner concatenated, in the order scanned.
    pub fn parse_all(raw: &str) -> Result<Vec<Self>, ScanError> {
        let chars = trimmed_chars(raw)?;
        if Structure::identify(&chars)? != Structure::Compound {
            return parse_sequence(&chars);
        }
        if chars.len() < COMPOUND_HEADER_LENGTH {
            return Err(Structure::Compound.wrong_length(COMPOUND_HEADER_LENGTH, chars.len()));
        }
        let header = &chars[2..COMPOUND_HEADER_LENGTH];
        if !header.iter().all(char::is_ascii_digit) {
            return Err(ScanError::BadCompoundHeader);
        }
        let declared = usize::try_from(digits_value(&header[..2])).unwrap_or(0);
        if declared == 0 {
            return Err(ScanError::BadCompoundHeader);
        }
        let scans = parse_sequence(&chars[COMPOUND_HEADER_LENGTH..])?;
        if scans.len() != declared {
            return Err(ScanError::CompoundCountMismatch {
                declared,
                found: scans.len(),
            });
        }
        Ok(scans)
    }

    /// A short name of the structure, for messages such as "expected a DIN, scanned a product
    /// code".
    pub fn structure_name(&self) -> &'static str {
        match self {
            Self::Din { .. } => "DIN",
            Self::ProductCode(_) => "product code",
            Self::Expiry(_) => "expiry",
            Self::Collection(_) => "collection date",
            Self::Production(_) => "production date",
            Self::Patient(_) => "patient identification",
            Self::Staff(_) => "staff identification",
            Self::ProcessorProduct(_) => "processor product identification code",
            Self::ChainOfIdentity(_) => "chain of identity identifier",
        }
    }
}
