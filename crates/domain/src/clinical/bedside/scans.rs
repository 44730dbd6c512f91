//! Reading what the bedside scanners delivered: the unit's ISBT 128 structures in any order, and
//! the wristband as `&#...` or a plain id. Problems become MALFORMED_SCAN findings rather than
//! errors, because a refused check is itself recorded.

use std::fmt;

use crate::isbt128::{self, Din, Expiry, Flag, ProductCode, Scan, ScanError};

use super::{BedsideReason, Finding};

/// The unit as identified by its scanned structures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScannedUnit {
    /// The DIN (data structure 001).
    pub din: Option<Din>,
    /// The product code (`=<`).
    pub product_code: Option<ProductCode>,
    /// The expiry (`=>` or `&>`).
    pub expiry: Option<Expiry>,
}

/// A wristband as scanned or typed. Personal data: never logged, never recorded; its `Debug`
/// hides the number.
#[derive(Clone, PartialEq, Eq)]
pub enum Wristband {
    /// Data structure 025 (`&#`): location code and patient number.
    Isbt(isbt128::PatientId),
    /// A plain wristband id: 1 to 64 characters, ASCII letters, digits and `-`.
    Plain(String),
}

/// A wristband scan that is not one. Messages never repeat the scanned characters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WristbandError {
    /// Nothing was scanned.
    #[error("nothing was scanned from the wristband")]
    Empty,
    /// An ISBT 128 scan that does not read.
    #[error("wristband: {0}")]
    Scan(ScanError),
    /// An ISBT 128 scan that is not (only) a patient identification.
    #[error("the wristband scan is an ISBT 128 label but not a patient identification (&#)")]
    NotPatientIdentification,
    /// A plain id with characters other than ASCII letters, digits and `-`, or too long.
    #[error("a wristband id is 1 to 64 ASCII letters, digits or hyphens")]
    BadPlainId,
}

impl WristbandError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "WRISTBAND_EMPTY",
            Self::Scan(error) => error.code(),
            Self::NotPatientIdentification => "WRISTBAND_NOT_PATIENT_IDENTIFICATION",
            Self::BadPlainId => "WRISTBAND_BAD_PLAIN_ID",
        }
    }
}

impl Wristband {
    /// Most characters of a plain wristband id.
    pub const MAX_PLAIN_LENGTH: usize = 64;

    /// Reads a wristband scan. Anything starting with an ISBT 128 data identifier character
    /// (`=` or `&`) must be exactly one `&#` structure.
    pub fn parse(raw: &str) -> Result<Self, WristbandError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(WristbandError::Empty);
        }
        if trimmed.starts_with(['=', '&']) {
            return match Scan::parse_all(trimmed)
                .map_err(WristbandError::Scan)?
                .as_slice()
            {
                [Scan::Patient(patient)] => Ok(Self::Isbt(patient.clone())),
                _ => Err(WristbandError::NotPatientIdentification),
            };
        }
        let fits = trimmed.chars().count() <= Self::MAX_PLAIN_LENGTH
            && trimmed
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-');
        if fits {
            Ok(Self::Plain(trimmed.to_owned()))
        } else {
            Err(WristbandError::BadPlainId)
        }
    }

    /// What the store compares with the wristband id on record: the patient number of an `&#`
    /// structure (its location code names the assigning facility, not the patient), or the plain
    /// id as scanned. The comparison must be exact.
    pub fn lookup_key(&self) -> &str {
        match self {
            Self::Isbt(patient) => patient.number(),
            Self::Plain(id) => id,
        }
    }

    /// The location code of an `&#` scan.
    pub fn location_code(&self) -> Option<&str> {
        match self {
            Self::Isbt(patient) => Some(patient.location_code()),
            Self::Plain(_) => None,
        }
    }
}

impl fmt::Debug for Wristband {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Isbt(patient) => write!(f, "Wristband::Isbt({patient:?})"),
            Self::Plain(_) => f.write_str("Wristband::Plain(<redacted>)"),
        }
    }
}

/// Everything read from the bedside scans, with a MALFORMED_SCAN finding for each problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BedsideScans {
    unit: ScannedUnit,
    wristband: Option<Wristband>,
    findings: Vec<Finding>,
    scan_errors: Vec<&'static str>,
}

impl BedsideScans {
    /// Most unit scans one check reads.
    pub const MAX_UNIT_SCANS: usize = 10;
    /// Most characters of one scan (a compound message of every structure fits easily).
    pub const MAX_SCAN_LENGTH: usize = 500;

    /// Reads the unit's scans (any order; each may hold several structures) and the wristband.
    pub fn parse<S: AsRef<str>>(unit_scans: &[S], patient_scan: &str) -> Self {
        let mut scans = Self {
            unit: ScannedUnit {
                din: None,
                product_code: None,
                expiry: None,
            },
            wristband: None,
            findings: Vec::new(),
            scan_errors: Vec::new(),
        };
        scans.read_unit(unit_scans);
        scans.read_wristband(patient_scan);
        scans
    }

    fn malformed(&mut self, code: &'static str, message: impl Into<String>) {
        self.scan_errors.push(code);
        self.findings
            .push(Finding::new(BedsideReason::MalformedScan, message));
    }

    fn read_unit<S: AsRef<str>>(&mut self, unit_scans: &[S]) {
        if unit_scans.is_empty() {
            self.malformed("UNIT_NOT_SCANNED", "the unit was not scanned");
            return;
        }
        if unit_scans.len() > Self::MAX_UNIT_SCANS {
            self.malformed("TOO_MANY_SCANS", "more than 10 unit scans");
            return;
        }
        let mut dins: Vec<(Din, Flag)> = Vec::new();
        let mut codes: Vec<ProductCode> = Vec::new();
        let mut expiries: Vec<Expiry> = Vec::new();
        let mut unreadable = false;
        for (idx, raw) in unit_scans.iter().enumerate() {
            let number = idx + 1;
            let raw = raw.as_ref();
            if raw.chars().count() > Self::MAX_SCAN_LENGTH {
                self.malformed("SCAN_TOO_LONG", format!("unit scan {number} is too long"));
                unreadable = true;
                continue;
            }
            match Scan::parse_all(raw) {
                Err(error) => {
                    self.malformed(error.code(), format!("unit scan {number}: {error}"));
                    unreadable = true;
                }
                Ok(structures) => {
                    for structure in structures {
                        match structure {
                            Scan::Din { din, flag } => dins.push((din, flag)),
                            Scan::ProductCode(code) => codes.push(code),
                            Scan::Expiry(expiry) => expiries.push(expiry),
                            Scan::Patient(_) => self.malformed(
                                "PATIENT_SCANNED_AS_UNIT",
                                format!("unit scan {number} is a patient identification"),
                            ),
                            // Collection and production dates, staff and processor ids and the
                            // chain of identity identifier do not identify the unit here.
                            _ => {}
                        }
                    }
                }
            }
        }
        self.unit.din = self.one_din(&dins);
        self.unit.product_code = self.one_of(&codes, "PRODUCT_CODE_CONFLICT", "product codes");
        self.unit.expiry = self.one_of(&expiries, "EXPIRY_CONFLICT", "expiry dates");
        if self.unit.din.is_some() && codes.is_empty() && !unreadable {
            self.malformed(
                "PRODUCT_CODE_NOT_SCANNED",
                "the product code (=<) was not scanned: a DIN alone names the donation, not the unit",
            );
        }
        if dins.is_empty() && !unreadable {
            self.malformed("DIN_NOT_SCANNED", "the unit's DIN was not scanned");
        }
    }

    fn one_din(&mut self, dins: &[(Din, Flag)]) -> Option<Din> {
        let (first, _) = *dins.first()?;
        if dins.iter().any(|(din, _)| *din != first) {
            self.malformed("DIN_CONFLICT", "the unit's scans hold two different DINs");
            return None;
        }
        let sample = dins.iter().any(|(_, flag)| {
            matches!(
                flag,
                Flag::PilotTube
                    | Flag::TestTube
                    | Flag::DonorRecord
                    | Flag::NatSample
                    | Flag::BacterialTestingSample
            )
        });
        if sample {
            self.malformed(
                "NOT_A_PRODUCT_LABEL",
                "the DIN was scanned from a sample or record label, not the product container",
            );
            return None;
        }
        Some(first)
    }

    fn one_of<T: Copy + PartialEq>(
        &mut self,
        values: &[T],
        code: &'static str,
        what: &str,
    ) -> Option<T> {
        let first = *values.first()?;
        if values.iter().any(|value| *value != first) {
            self.malformed(code, format!("the unit's scans hold two different {what}"));
            return None;
        }
        Some(first)
    }

    fn read_wristband(&mut self, patient_scan: &str) {
        if patient_scan.chars().count() > Self::MAX_SCAN_LENGTH {
            self.malformed("SCAN_TOO_LONG", "the wristband scan is too long");
            return;
        }
        match Wristband::parse(patient_scan) {
            Ok(wristband) => self.wristband = Some(wristband),
            Err(error) => self.malformed(error.code(), error.to_string()),
        }
    }

    /// DIN and product code, when both were scanned unambiguously: what the store looks up.
    pub fn unit_key(&self) -> Option<(Din, ProductCode)> {
        Some((self.unit.din?, self.unit.product_code?))
    }

    /// The unit as scanned.
    pub fn unit(&self) -> ScannedUnit {
        self.unit
    }

    /// The wristband, when it reads: what the store resolves to a patient.
    pub fn wristband(&self) -> Option<&Wristband> {
        self.wristband.as_ref()
    }

    /// A MALFORMED_SCAN finding per problem.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// The stable code of each problem (safe to record: codes hold no scanned data).
    pub fn scan_errors(&self) -> &[&'static str] {
        &self.scan_errors
    }
}
