//! The two flag characters `ff` that follow the DIN in data structure 001 (ST-001 Table 3).

use std::fmt;

use super::check::CheckValue;

/// What the two flag characters after a DIN in a barcode say.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Flag {
    /// `00`: flag not used.
    Unused,
    /// `01`-`04` and `15`-`19`: container 1 to 4 and 5 to 9 of a set.
    ContainerOfSet(ContainerNumber),
    /// `05`: second or later (reprinted) label.
    ReprintedLabel,
    /// `06`: pilot tube label.
    PilotTube,
    /// `07`: test tube label.
    TestTube,
    /// `08`: donor record label.
    DonorRecord,
    /// `09`: sample tube for NAT testing.
    NatSample,
    /// `10`: sample for bacterial testing.
    BacterialTestingSample,
    /// `20`-`59`: meaning assigned by the local facility.
    Local(LocalFlag),
    /// `60`-`96` ("type 3"): 60 plus the MOD 37-2 check value of the DIN.
    CheckValue(CheckValue),
}

/// The number of a container within a set, 1 to 9 (flags `01`-`04`, `15`-`19`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContainerNumber(u8);

impl ContainerNumber {
    /// Container `number` of a set, or `None` outside 1 to 9.
    pub const fn new(number: u8) -> Option<Self> {
        if number >= 1 && number <= 9 {
            Some(Self(number))
        } else {
            None
        }
    }

    /// The number, 1 to 9.
    pub const fn get(self) -> u8 {
        self.0
    }
}

/// A locally defined flag value, 20 to 59.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocalFlag(u8);

impl LocalFlag {
    /// The local flag `value`, or `None` outside 20 to 59.
    pub const fn new(value: u8) -> Option<Self> {
        if value >= 20 && value <= 59 {
            Some(Self(value))
        } else {
            None
        }
    }

    /// The flag value, 20 to 59.
    pub const fn get(self) -> u8 {
        self.0
    }
}

/// Flag characters that are not a known flag.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FlagError {
    /// The flag is not two digits.
    #[error("flag must be two digits, found {found:?}")]
    NotTwoDigits {
        /// The characters found.
        found: String,
    },
    /// The value is reserved (`11`-`14`, `97`-`99`) or above 99.
    #[error("flag {value:02} is reserved and not accepted")]
    Reserved {
        /// The flag value.
        value: u8,
    },
}

impl FlagError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotTwoDigits { .. } => "FLAG_NOT_TWO_DIGITS",
            Self::Reserved { .. } => "FLAG_RESERVED",
        }
    }
}

impl Flag {
    /// Parses the two flag characters.
    pub fn parse(raw: &str) -> Result<Self, FlagError> {
        let chars: Vec<char> = raw.chars().collect();
        match chars.as_slice() {
            [tens, units] if tens.is_ascii_digit() && units.is_ascii_digit() => {
                let value = tens.to_digit(10).unwrap_or(0) * 10 + units.to_digit(10).unwrap_or(0);
                Self::from_value(u8::try_from(value).unwrap_or(u8::MAX))
            }
            _ => Err(FlagError::NotTwoDigits {
                found: raw.to_owned(),
            }),
        }
    }

    /// The flag with numeric value `value` (0 to 96, reserved values refused).
    ///
    /// Flags 11-14 are refused: domain.md does not define them (a third-party reading of ST-001
    /// Table 3 gives 11-13 meanings for partial and attached labels; 14 is reserved).
    pub fn from_value(value: u8) -> Result<Self, FlagError> {
        let flag = match value {
            0 => Self::Unused,
            1..=4 => Self::ContainerOfSet(ContainerNumber(value)),
            5 => Self::ReprintedLabel,
            6 => Self::PilotTube,
            7 => Self::TestTube,
            8 => Self::DonorRecord,
            9 => Self::NatSample,
            10 => Self::BacterialTestingSample,
            15..=19 => Self::ContainerOfSet(ContainerNumber(value - 10)),
            20..=59 => Self::Local(LocalFlag(value)),
            60..=96 => {
                Self::CheckValue(CheckValue::new(value - 60).ok_or(FlagError::Reserved { value })?)
            }
            _ => return Err(FlagError::Reserved { value }),
        };
        Ok(flag)
    }

    /// The numeric value, 0 to 96.
    pub fn value(self) -> u8 {
        match self {
            Self::Unused => 0,
            Self::ContainerOfSet(number) if number.0 <= 4 => number.0,
            Self::ContainerOfSet(number) => number.0 + 10,
            Self::ReprintedLabel => 5,
            Self::PilotTube => 6,
            Self::TestTube => 7,
            Self::DonorRecord => 8,
            Self::NatSample => 9,
            Self::BacterialTestingSample => 10,
            Self::Local(local) => local.0,
            Self::CheckValue(check) => 60 + check.value(),
        }
    }
}

/// The two flag characters, for example `00` or `68`.
impl fmt::Display for Flag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}", self.value())
    }
}
