//! Acceptance criteria of a release test, result values, and the evaluation of one against the
//! other. Evaluation is pure and happens once, when the result is recorded; the evaluation is
//! stored in the event, so a later specification never changes it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::values::Decimal;

use super::error::ReleaseError;

/// A qualitative outcome a test reports. Outcomes come in pairs ([`Outcome::opposite`]): a test
/// expecting one member of a pair may report only that member or the other.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Outcome {
    /// Negative.
    Negative,
    /// Positive.
    Positive,
    /// Not detected (mycoplasma).
    NotDetected,
    /// Detected.
    Detected,
    /// No growth (sterility).
    NoGrowth,
    /// Growth.
    Growth,
    /// Conforms (appearance, identity).
    Conforms,
    /// Does not conform.
    DoesNotConform,
    /// Normal karyotype.
    NormalKaryotype,
    /// Abnormal karyotype.
    AbnormalKaryotype,
}

impl Outcome {
    /// Every outcome.
    pub const ALL: [Outcome; 10] = [
        Outcome::Negative,
        Outcome::Positive,
        Outcome::NotDetected,
        Outcome::Detected,
        Outcome::NoGrowth,
        Outcome::Growth,
        Outcome::Conforms,
        Outcome::DoesNotConform,
        Outcome::NormalKaryotype,
        Outcome::AbnormalKaryotype,
    ];

    /// The name, as the ledger and the API show it.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Outcome::Negative => "NEGATIVE",
            Outcome::Positive => "POSITIVE",
            Outcome::NotDetected => "NOT_DETECTED",
            Outcome::Detected => "DETECTED",
            Outcome::NoGrowth => "NO_GROWTH",
            Outcome::Growth => "GROWTH",
            Outcome::Conforms => "CONFORMS",
            Outcome::DoesNotConform => "DOES_NOT_CONFORM",
            Outcome::NormalKaryotype => "NORMAL_KARYOTYPE",
            Outcome::AbnormalKaryotype => "ABNORMAL_KARYOTYPE",
        }
    }

    /// Parses [`Outcome::as_str`] (surrounding spaces ignored).
    pub fn parse(raw: &str) -> Result<Self, ReleaseError> {
        let name = raw.trim();
        Self::ALL
            .into_iter()
            .find(|outcome| outcome.as_str() == name)
            .ok_or_else(|| ReleaseError::InvalidOutcome(raw.to_owned()))
    }

    /// The other member of the outcome's pair.
    pub const fn opposite(&self) -> Outcome {
        match self {
            Outcome::Negative => Outcome::Positive,
            Outcome::Positive => Outcome::Negative,
            Outcome::NotDetected => Outcome::Detected,
            Outcome::Detected => Outcome::NotDetected,
            Outcome::NoGrowth => Outcome::Growth,
            Outcome::Growth => Outcome::NoGrowth,
            Outcome::Conforms => Outcome::DoesNotConform,
            Outcome::DoesNotConform => Outcome::Conforms,
            Outcome::NormalKaryotype => Outcome::AbnormalKaryotype,
            Outcome::AbnormalKaryotype => Outcome::NormalKaryotype,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One end of a numeric range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bound {
    /// The limit.
    pub value: Decimal,
    /// Whether the limit itself is within the range.
    pub inclusive: bool,
}

impl Bound {
    /// An inclusive limit.
    pub fn inclusive(value: Decimal) -> Self {
        Self {
            value,
            inclusive: true,
        }
    }

    /// An exclusive limit.
    pub fn exclusive(value: Decimal) -> Self {
        Self {
            value,
            inclusive: false,
        }
    }
}

/// A non-empty numeric range with at least one limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawRange")]
pub struct NumericRange {
    min: Option<Bound>,
    max: Option<Bound>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRange {
    #[serde(default)]
    min: Option<Bound>,
    #[serde(default)]
    max: Option<Bound>,
}

impl TryFrom<RawRange> for NumericRange {
    type Error = ReleaseError;

    fn try_from(raw: RawRange) -> Result<Self, Self::Error> {
        Self::new(raw.min, raw.max)
    }
}

impl NumericRange {
    /// Checks that there is a limit and that some value lies within the limits.
    pub fn new(min: Option<Bound>, max: Option<Bound>) -> Result<Self, ReleaseError> {
        let invalid = |why: &str| Err(ReleaseError::InvalidSpecification(why.to_owned()));
        match (min, max) {
            (None, None) => return invalid("a numeric criterion needs a minimum or a maximum"),
            (Some(low), Some(high)) => {
                let empty = low.value > high.value
                    || (low.value == high.value && !(low.inclusive && high.inclusive));
                if empty {
                    return invalid("a numeric criterion's minimum is above its maximum");
                }
            }
            _ => {}
        }
        Ok(Self { min, max })
    }

    /// The lower limit.
    pub fn min(&self) -> Option<Bound> {
        self.min
    }

    /// The upper limit.
    pub fn max(&self) -> Option<Bound> {
        self.max
    }

    /// Whether `value` lies within the range.
    pub fn contains(&self, value: Decimal) -> bool {
        let above_min = self.min.is_none_or(|low| {
            if low.inclusive {
                value >= low.value
            } else {
                value > low.value
            }
        });
        let below_max = self.max.is_none_or(|high| {
            if high.inclusive {
                value <= high.value
            } else {
                value < high.value
            }
        });
        above_min && below_max
    }
}

/// What a result must show to pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Criterion {
    /// A number within a range.
    Numeric(NumericRange),
    /// One qualitative outcome.
    Qualitative {
        /// The outcome that passes; its [`Outcome::opposite`] fails.
        expected: Outcome,
    },
    /// A number reported without acceptance criterion (report-only tests alone).
    Report,
}

impl Criterion {
    /// Whether results are numbers.
    pub fn is_numeric(&self) -> bool {
        !matches!(self, Criterion::Qualitative { .. })
    }

    /// The criterion as people read it, e.g. `≥ 95 %`, `> 0.1 and ≤ 2 %`, `NO_GROWTH`.
    pub fn describe(&self, unit: Option<&str>) -> String {
        let unit = unit.map(|unit| format!(" {unit}")).unwrap_or_default();
        match self {
            Criterion::Numeric(range) => {
                let low = range.min.map(|b| {
                    let sign = if b.inclusive { "≥" } else { ">" };
                    format!("{sign} {}", b.value)
                });
                let high = range.max.map(|b| {
                    let sign = if b.inclusive { "≤" } else { "<" };
                    format!("{sign} {}", b.value)
                });
                let text = match (low, high) {
                    (Some(low), Some(high)) => format!("{low} and {high}"),
                    (Some(one), None) | (None, Some(one)) => one,
                    (None, None) => String::new(),
                };
                format!("{text}{unit}")
            }
            Criterion::Qualitative { expected } => expected.as_str().to_owned(),
            Criterion::Report => "report the value".to_owned(),
        }
    }

    /// Evaluates `value`; `code` names the test in a refusal. Refuses a value of the wrong kind
    /// and an outcome outside the expected pair.
    pub fn evaluate(&self, code: &str, value: &ResultValue) -> Result<Evaluation, ReleaseError> {
        match (self, value) {
            (Criterion::Numeric(range), ResultValue::Numeric(number)) => {
                Ok(if range.contains(*number) {
                    Evaluation::Pass
                } else {
                    Evaluation::Fail
                })
            }
            (Criterion::Report, ResultValue::Numeric(_)) => Ok(Evaluation::Reported),
            (Criterion::Qualitative { expected }, ResultValue::Qualitative(outcome)) => {
                if outcome == expected {
                    Ok(Evaluation::Pass)
                } else if *outcome == expected.opposite() {
                    Ok(Evaluation::Fail)
                } else {
                    Err(ReleaseError::WrongOutcome {
                        code: code.to_owned(),
                        allowed: format!("{expected} or {}", expected.opposite()),
                        given: outcome.as_str().to_owned(),
                    })
                }
            }
            (Criterion::Qualitative { .. }, ResultValue::Numeric(_)) => {
                Err(ReleaseError::WrongValueKind {
                    code: code.to_owned(),
                    expected: "a qualitative outcome, not a number",
                })
            }
            (Criterion::Numeric(_) | Criterion::Report, ResultValue::Qualitative(_)) => {
                Err(ReleaseError::WrongValueKind {
                    code: code.to_owned(),
                    expected: "a number, not a qualitative outcome",
                })
            }
        }
    }
}

/// The verdict on one result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Evaluation {
    /// Meets the criterion.
    Pass,
    /// Does not meet it.
    Fail,
    /// No criterion: the value is reported.
    Reported,
}

impl Evaluation {
    /// The name, as the ledger and the API show it.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Evaluation::Pass => "PASS",
            Evaluation::Fail => "FAIL",
            Evaluation::Reported => "REPORTED",
        }
    }
}

impl fmt::Display for Evaluation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a test reported: an exact number or a qualitative outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ResultValue {
    /// A number, kept exactly.
    Numeric(Decimal),
    /// An outcome.
    Qualitative(Outcome),
}

impl ResultValue {
    /// Parses a value as entered: a plain decimal is a number, anything else must be an outcome
    /// name. The two never overlap, so the test's criterion need not be known yet.
    pub fn parse(raw: &str) -> Result<Self, ReleaseError> {
        let trimmed = raw.trim();
        let looks_numeric = trimmed
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '-' || c == '+' || c == '.');
        if looks_numeric {
            Ok(ResultValue::Numeric(Decimal::parse(trimmed)?))
        } else {
            Outcome::parse(trimmed).map(ResultValue::Qualitative)
        }
    }
}

impl fmt::Display for ResultValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResultValue::Numeric(number) => number.fmt(f),
            ResultValue::Qualitative(outcome) => outcome.fmt(f),
        }
    }
}
