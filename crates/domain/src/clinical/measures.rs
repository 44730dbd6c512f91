//! Typed, ranged follow-up measurements of lupus activity and treatment. Each has one unit; a
//! value outside its range is refused at the boundary (the ranges are physiological limits wide
//! enough for any real patient, not clinical targets).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::values::{Decimal, ValueError};

macro_rules! measure {
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
                let inner = value.inner();
                let (min, max): (i64, i64) = ($min, $max);
                if inner < rust_decimal::Decimal::from(min) || inner > rust_decimal::Decimal::from(max) {
                    return Err(ValueError::OutOfRange {
                        what: $what,
                        value: value.to_string(),
                        min: min.to_string(),
                        max: max.to_string(),
                        unit: $unit,
                    });
                }
                Ok(Self(value))
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

measure!(
    /// 24-hour urine protein, in grams per day.
    ProteinuriaGPerDay, "24-hour proteinuria", 0, 50, "g/day"
);
measure!(
    /// Spot urine protein/creatinine ratio, in g/g (equal to mg/mg).
    ProteinCreatinineRatio, "a urine protein/creatinine ratio", 0, 50, "g/g"
);
measure!(
    /// Serum creatinine, in µmol/L.
    CreatinineUmolPerL, "serum creatinine", 5, 3000, "µmol/L"
);
measure!(
    /// Serum albumin, in g/L.
    AlbuminGPerL, "serum albumin", 5, 70, "g/L"
);
measure!(
    /// Complement C3, in g/L.
    C3GPerL, "complement C3", 0, 5, "g/L"
);
measure!(
    /// Complement C4, in g/L.
    C4GPerL, "complement C4", 0, 2, "g/L"
);
measure!(
    /// Anti-dsDNA antibodies, in IU/mL.
    AntiDsDnaIuPerMl, "anti-dsDNA", 0, 100_000, "IU/mL"
);
measure!(
    /// Glucocorticoid dose as prednisone equivalent, in mg/day (pulses included).
    PrednisoneMgPerDay, "a prednisone-equivalent dose", 0, 2000, "mg/day"
);

/// SLEDAI-2K, the SLE Disease Activity Index 2000: a whole score from 0 to 105.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Sledai2k(u8);

impl Sledai2k {
    /// The highest score the index can reach.
    pub const MAX: u8 = 105;

    /// Checks the range.
    pub fn new(score: u8) -> Result<Self, ValueError> {
        if score > Self::MAX {
            return Err(ValueError::OutOfRange {
                what: "a SLEDAI-2K score",
                value: score.to_string(),
                min: "0".to_owned(),
                max: Self::MAX.to_string(),
                unit: "points",
            });
        }
        Ok(Self(score))
    }

    /// Checks a score entered as any integer.
    pub fn from_i64(score: i64) -> Result<Self, ValueError> {
        u8::try_from(score)
            .map_err(|_| ValueError::OutOfRange {
                what: "a SLEDAI-2K score",
                value: score.to_string(),
                min: "0".to_owned(),
                max: Self::MAX.to_string(),
                unit: "points",
            })
            .and_then(Self::new)
    }

    /// The score.
    pub fn get(&self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Sledai2k {
    type Error = ValueError;

    fn try_from(score: u8) -> Result<Self, Self::Error> {
        Self::new(score)
    }
}

impl From<Sledai2k> for u8 {
    fn from(score: Sledai2k) -> Self {
        score.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_checked_at_the_boundary() {
        let cases: [(&str, Result<String, &str>); 6] = [
            ("3.5", Ok("3.5 g/day".to_owned())),
            ("0", Ok("0 g/day".to_owned())),
            ("50.01", Err("a")),
            ("-0.1", Err("a")),
            ("abc", Err("a")),
            ("1e3", Err("a")),
        ];
        for (raw, expected) in cases {
            let got = ProteinuriaGPerDay::parse(raw).map(|v| v.to_string());
            assert_eq!(got.is_ok(), expected.is_ok(), "{raw}");
            if let (Ok(got), Ok(expected)) = (got, expected) {
                assert_eq!(got, expected);
            }
        }
        assert!(Sledai2k::new(105).is_ok());
        assert!(Sledai2k::new(106).is_err());
        assert!(Sledai2k::from_i64(-1).is_err());
        assert!(C4GPerL::parse("2.01").is_err());
        assert!(PrednisoneMgPerDay::parse("7.5").is_ok());
        assert!(CreatinineUmolPerL::parse("4").is_err());
    }
}
