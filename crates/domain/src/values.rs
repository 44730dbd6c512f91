//! Constrained quantities: each is built by a parser that checks its range and unit.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::text::{self, UnsafeCharacter};
use crate::time::Timestamp;

/// A decimal number as people write it ("98.5", "1.25"), kept exactly; JSON carries it as a string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Decimal(rust_decimal::Decimal);

/// A value that is not a decimal number or is out of range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// Not a number.
    #[error("`{0}` is not a decimal number")]
    NotANumber(String),
    /// Outside the allowed range.
    #[error("{what} must be between {min} and {max} {unit}, got {value}")]
    OutOfRange {
        /// What the value is.
        what: &'static str,
        /// The value given.
        value: String,
        /// Smallest allowed.
        min: String,
        /// Largest allowed.
        max: String,
        /// Its unit.
        unit: &'static str,
    },
    /// A text field is empty or too long.
    #[error("{what} must be 1 to {max} characters")]
    BadText {
        /// What the text is.
        what: &'static str,
        /// The most characters it may have.
        max: usize,
    },
    /// A text field holds a character that must not be printed for people (see [`text`]).
    #[error(transparent)]
    UnsafeCharacter(#[from] UnsafeCharacter),
    /// A timestamp without a UTC offset or otherwise malformed.
    #[error("`{0}` is not an RFC 3339 date-time with a UTC offset")]
    BadDateTime(String),
}

impl ValueError {
    /// The reason code clients see: `UNSAFE_CHARACTER` for a refused character, `INVALID_VALUE`
    /// for everything else.
    pub fn code(&self) -> &'static str {
        match self {
            ValueError::UnsafeCharacter(error) => error.code(),
            ValueError::NotANumber(_)
            | ValueError::OutOfRange { .. }
            | ValueError::BadText { .. }
            | ValueError::BadDateTime(_) => "INVALID_VALUE",
        }
    }
}

impl Decimal {
    /// Parses a plain decimal (no exponent, at most 6 fractional digits).
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let trimmed = raw.trim();
        let parsed = rust_decimal::Decimal::from_str_exact(trimmed)
            .map_err(|_| ValueError::NotANumber(raw.to_owned()))?;
        if parsed.scale() > 6 {
            return Err(ValueError::NotANumber(raw.to_owned()));
        }
        Ok(Self(parsed))
    }

    /// A whole number.
    pub fn from_integer(value: i64) -> Self {
        Self(rust_decimal::Decimal::from(value))
    }

    fn within(
        self,
        what: &'static str,
        min: i64,
        max: i64,
        unit: &'static str,
    ) -> Result<Self, ValueError> {
        if self.0 < rust_decimal::Decimal::from(min) || self.0 > rust_decimal::Decimal::from(max) {
            return Err(ValueError::OutOfRange {
                what,
                value: self.to_string(),
                min: min.to_string(),
                max: max.to_string(),
                unit,
            });
        }
        Ok(self)
    }

    /// The value as a float, for display arithmetic only (never for stored values).
    pub fn to_f64(self) -> f64 {
        self.to_string().parse().unwrap_or(f64::NAN)
    }

    /// The exact value.
    pub fn inner(self) -> rust_decimal::Decimal {
        self.0
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl TryFrom<String> for Decimal {
    type Error = ValueError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<Decimal> for String {
    fn from(value: Decimal) -> Self {
        value.to_string()
    }
}

impl FromStr for Decimal {
    type Err = ValueError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

macro_rules! bounded_decimal {
    ($(#[$doc:meta])* $name:ident, $what:literal, $min:expr, $max:expr, $unit:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "Decimal", into = "Decimal")]
        pub struct $name(Decimal);

        impl $name {
            /// The unit the value is in.
            pub const UNIT: &'static str = $unit;

            /// Checks the range.
            pub fn new(value: Decimal) -> Result<Self, ValueError> {
                value.within($what, $min, $max, $unit).map(Self)
            }

            /// Parses and checks the range.
            pub fn parse(raw: &str) -> Result<Self, ValueError> {
                Self::new(Decimal::parse(raw)?)
            }

            /// The value.
            pub fn value(&self) -> Decimal {
                self.0
            }
        }

        impl TryFrom<Decimal> for $name {
            type Error = ValueError;

            fn try_from(value: Decimal) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }

        impl From<$name> for Decimal {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{} {}", self.0, $unit)
            }
        }
    };
}

bounded_decimal!(
    /// A percentage, 0 to 100.
    Percent, "a percentage", 0, 100, "%"
);
bounded_decimal!(
    /// A temperature in degrees Celsius, from liquid nitrogen to a hot day.
    Celsius, "a temperature", -200, 60, "°C"
);
bounded_decimal!(
    /// A volume in millilitres.
    Millilitres, "a volume", 0, 10_000, "mL"
);
bounded_decimal!(
    /// A body weight in kilograms.
    Kilograms, "a body weight", 1, 400, "kg"
);
bounded_decimal!(
    /// Cumulative population doublings of a culture.
    PopulationDoublings, "cumulative population doublings", 0, 200, "PD"
);

/// A number of cells. At most 10^13, far beyond any product and within the ledger's integer range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u64")]
pub struct CellCount(u64);

impl CellCount {
    /// The unit.
    pub const UNIT: &'static str = "cells";
    /// The largest count accepted.
    pub const MAX: u64 = 10_000_000_000_000;

    /// Checks the range (1 to 10^13).
    pub fn new(cells: u64) -> Result<Self, ValueError> {
        if cells == 0 || cells > Self::MAX {
            return Err(ValueError::OutOfRange {
                what: "a cell count",
                value: cells.to_string(),
                min: "1".to_owned(),
                max: Self::MAX.to_string(),
                unit: Self::UNIT,
            });
        }
        Ok(Self(cells))
    }

    /// The count.
    pub fn get(&self) -> u64 {
        self.0
    }
}

impl TryFrom<u64> for CellCount {
    type Error = ValueError;

    fn try_from(cells: u64) -> Result<Self, Self::Error> {
        Self::new(cells)
    }
}

impl From<CellCount> for u64 {
    fn from(count: CellCount) -> Self {
        count.0
    }
}

/// A dose in cells per kilogram of body weight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u64")]
pub struct DosePerKg(u64);

impl DosePerKg {
    /// The SLE trials' dose: 1 x 10^6 cells/kg.
    pub const STANDARD: DosePerKg = DosePerKg(1_000_000);

    /// Checks the range (10^3 to 10^9 cells/kg).
    pub fn new(cells_per_kg: u64) -> Result<Self, ValueError> {
        if !(1_000..=1_000_000_000).contains(&cells_per_kg) {
            return Err(ValueError::OutOfRange {
                what: "a dose",
                value: cells_per_kg.to_string(),
                min: "1000".to_owned(),
                max: "1000000000".to_owned(),
                unit: "cells/kg",
            });
        }
        Ok(Self(cells_per_kg))
    }

    /// Cells per kilogram.
    pub fn get(&self) -> u64 {
        self.0
    }
}

impl TryFrom<u64> for DosePerKg {
    type Error = ValueError;

    fn try_from(value: u64) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<DosePerKg> for u64 {
    fn from(dose: DosePerKg) -> Self {
        dose.0
    }
}

/// A short free text on one line (a site, a supplier, a reason, a person's name in their
/// personal data): trimmed, 1 to 200 characters, none of them a control, bidirectional,
/// invisible, noncharacter or private-use character ([`text::printable`]). Longer narratives use
/// [`Narrative`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Label(String);

impl Label {
    /// The most characters a label has.
    pub const MAX_CHARS: usize = 200;

    /// Parses a label; `what` names the field in the error.
    pub fn parse(raw: &str, what: &'static str) -> Result<Self, ValueError> {
        let trimmed = text::printable(raw.trim(), what)?;
        if (1..=Self::MAX_CHARS).contains(&trimmed.chars().count()) {
            Ok(Self(trimmed.to_owned()))
        } else {
            Err(ValueError::BadText {
                what,
                max: Self::MAX_CHARS,
            })
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Label {
    type Error = ValueError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw, "a label")
    }
}

impl From<Label> for String {
    fn from(label: Label) -> Self {
        label.0
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A longer free text (notes, an impact assessment, a reason): trimmed, 1 to 4000 characters,
/// on several lines if need be; tab, line feed and carriage return are its only control
/// characters, and it holds no bidirectional, invisible, noncharacter or private-use character
/// ([`text::printable_lines`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Narrative(String);

impl Narrative {
    /// The most characters a narrative has.
    pub const MAX_CHARS: usize = 4000;

    /// Parses a narrative; `what` names the field in the error.
    pub fn parse(raw: &str, what: &'static str) -> Result<Self, ValueError> {
        let trimmed = text::printable_lines(raw.trim(), what)?;
        if (1..=Self::MAX_CHARS).contains(&trimmed.chars().count()) {
            Ok(Self(trimmed.to_owned()))
        } else {
            Err(ValueError::BadText {
                what,
                max: Self::MAX_CHARS,
            })
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Narrative {
    type Error = ValueError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw, "a text")
    }
}

impl From<Narrative> for String {
    fn from(text: Narrative) -> Self {
        text.0
    }
}

/// A local date-time that keeps its UTC offset (a collection time at the maternity ward).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ZonedTime(DateTime<FixedOffset>);

impl ZonedTime {
    /// Parses RFC 3339 with an offset (`Z` or `+01:00`), truncated to microseconds.
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        DateTime::parse_from_rfc3339(raw.trim())
            .map(|time| Self(chrono::SubsecRound::trunc_subsecs(time, 6)))
            .map_err(|_| ValueError::BadDateTime(raw.to_owned()))
    }

    /// The instant in UTC.
    pub fn utc(&self) -> Timestamp {
        Timestamp::from_datetime(self.0.to_utc())
    }

    /// The local time with its offset.
    pub fn local(&self) -> DateTime<FixedOffset> {
        self.0
    }
}

impl TryFrom<String> for ZonedTime {
    type Error = ValueError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<ZonedTime> for String {
    fn from(time: ZonedTime) -> Self {
        time.0.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_keep_their_written_form() {
        for raw in ["98.5", "98.50", "0", "-196", "1.000001"] {
            assert_eq!(Decimal::parse(raw).unwrap().to_string(), raw);
        }
        for raw in ["", "abc", "1e5", "1.0000001", "NaN"] {
            assert!(Decimal::parse(raw).is_err(), "{raw}");
        }
    }

    #[test]
    fn ranges() {
        assert!(Percent::parse("100").is_ok());
        assert!(Percent::parse("100.1").is_err());
        assert!(Percent::parse("-0.5").is_err());
        assert!(Celsius::parse("-196").is_ok());
        assert!(Kilograms::parse("0.5").is_err());
        assert!(CellCount::new(0).is_err());
        assert!(CellCount::new(CellCount::MAX + 1).is_err());
        assert_eq!(DosePerKg::STANDARD.get(), 1_000_000);
        assert!(DosePerKg::new(10).is_err());
    }

    #[test]
    fn zoned_times_keep_the_offset() {
        let time = ZonedTime::parse("2026-11-20T08:30:00+01:00").unwrap();
        assert_eq!(time.utc().to_rfc3339(), "2026-11-20T07:30:00.000000Z");
        assert_eq!(String::from(time), "2026-11-20T08:30:00+01:00");
        assert!(ZonedTime::parse("2026-11-20T08:30:00").is_err());
    }

    #[test]
    fn labels() {
        assert_eq!(
            Label::parse("  St Mary ", "site").unwrap().as_str(),
            "St Mary"
        );
        assert!(Label::parse(" ", "site").is_err());
        assert!(Label::parse(&"x".repeat(201), "site").is_err());
        assert_eq!(
            Label::parse("a\u{0}b", "site").map_err(|error| error.code()),
            Err("UNSAFE_CHARACTER")
        );
        assert_eq!(
            Label::parse(" ", "site").map(|_| ()),
            Err(ValueError::BadText {
                what: "site",
                max: 200
            })
        );
    }

    /// Every free-text type refuses what [`text::printable`] refuses, with the same message;
    /// what each refuses besides is its own rule.
    #[test]
    fn free_text_types_refuse_unsafe_characters() {
        let cases: &[(&str, &str)] = &[
            ("Lot \u{202e}DESAELER", "U+202E RIGHT-TO-LEFT OVERRIDE"),
            ("\u{2066}Ada\u{2069}", "U+2066 LEFT-TO-RIGHT ISOLATE"),
            ("Ada\u{200d}Tester", "U+200D ZERO WIDTH JOINER"),
            ("Ada\u{200b}", "U+200B ZERO WIDTH SPACE"),
            ("Ada\u{fdd0}", "U+FDD0 (a noncharacter)"),
            ("Ada\u{e000}", "U+E000 (a private-use character)"),
            ("Ada\u{1b}[2J", "U+001B ESCAPE"),
        ];
        for &(raw, shown) in cases {
            let expected = format!("notes contains {shown}, which is not allowed");
            let label = Label::parse(raw, "notes").expect_err(raw);
            assert_eq!(
                (label.code(), label.to_string()),
                ("UNSAFE_CHARACTER", expected.clone())
            );
            let narrative = Narrative::parse(raw, "notes").expect_err(raw);
            assert_eq!(
                (narrative.code(), narrative.to_string()),
                ("UNSAFE_CHARACTER", expected)
            );
        }
    }

    #[test]
    fn narratives_keep_their_lines_and_say_their_own_length() {
        let notes = "Thawed at 37 °C.\r\n\tViability 92 %.\nNo clumps.";
        assert_eq!(
            Narrative::parse(notes, "notes").map(String::from),
            Ok(notes.to_owned())
        );
        assert!(Narrative::parse(&"x".repeat(4000), "notes").is_ok());
        assert_eq!(
            Narrative::parse(&"x".repeat(4001), "notes").map_err(|error| error.to_string()),
            Err("notes must be 1 to 4000 characters".to_owned())
        );
        for name in ["Zoë Ångström", "李小龙", "محمد"] {
            assert!(Label::parse(name, "full name").is_ok(), "{name}");
            assert!(Narrative::parse(name, "notes").is_ok(), "{name}");
        }
    }
}
