//! Criteria: bounds, outcomes, value parsing.

use crate::refusal::Refuse;
use crate::release::{Bound, Criterion, Evaluation, NumericRange, Outcome, ResultValue};
use crate::values::Decimal;

fn dec(raw: &str) -> Decimal {
    Decimal::parse(raw).unwrap()
}

fn bound(raw: &str, inclusive: bool) -> Option<Bound> {
    Some(Bound {
        value: dec(raw),
        inclusive,
    })
}

/// Renders an evaluation or the refusal code, as one comparable string.
fn check(criterion: &Criterion, value: &str) -> String {
    let value = ResultValue::parse(value).unwrap();
    match criterion.evaluate("T", &value) {
        Ok(evaluation) => evaluation.as_str().to_owned(),
        Err(error) => error.code().to_owned(),
    }
}

#[test]
fn numeric_bounds_inclusive_and_exclusive() {
    let at_least_95 = Criterion::Numeric(NumericRange::new(bound("95", true), None).unwrap());
    let above_95 = Criterion::Numeric(NumericRange::new(bound("95", false), None).unwrap());
    let at_most_2 = Criterion::Numeric(NumericRange::new(None, bound("2", true)).unwrap());
    let below_2 = Criterion::Numeric(NumericRange::new(None, bound("2", false)).unwrap());
    let between =
        Criterion::Numeric(NumericRange::new(bound("1.0", true), bound("5.0", false)).unwrap());
    let cases = [
        (&at_least_95, "95", "PASS"),
        (&at_least_95, "95.000", "PASS"),
        (&at_least_95, "94.999999", "FAIL"),
        (&at_least_95, "100", "PASS"),
        (&above_95, "95", "FAIL"),
        (&above_95, "95.000001", "PASS"),
        (&at_most_2, "2", "PASS"),
        (&at_most_2, "2.01", "FAIL"),
        (&at_most_2, "-1", "PASS"),
        (&below_2, "2", "FAIL"),
        (&below_2, "1.99", "PASS"),
        (&between, "1.0", "PASS"),
        (&between, "0.99", "FAIL"),
        (&between, "4.999", "PASS"),
        (&between, "5", "FAIL"),
        (&between, "NO_GROWTH", "WRONG_VALUE_KIND"),
    ];
    for (criterion, value, expected) in cases {
        assert_eq!(check(criterion, value), expected, "{criterion:?} {value}");
    }
}

#[test]
fn qualitative_outcomes_and_their_pairs() {
    let sterility = Criterion::Qualitative {
        expected: Outcome::NoGrowth,
    };
    let mycoplasma = Criterion::Qualitative {
        expected: Outcome::NotDetected,
    };
    let karyotype = Criterion::Qualitative {
        expected: Outcome::NormalKaryotype,
    };
    let cases = [
        (&sterility, "NO_GROWTH", "PASS"),
        (&sterility, "GROWTH", "FAIL"),
        (&sterility, "NEGATIVE", "WRONG_OUTCOME"),
        (&sterility, "12", "WRONG_VALUE_KIND"),
        (&mycoplasma, "NOT_DETECTED", "PASS"),
        (&mycoplasma, "DETECTED", "FAIL"),
        (&karyotype, "NORMAL_KARYOTYPE", "PASS"),
        (&karyotype, "ABNORMAL_KARYOTYPE", "FAIL"),
        (&karyotype, "CONFORMS", "WRONG_OUTCOME"),
        (&Criterion::Report, "35", "REPORTED"),
        (&Criterion::Report, "CONFORMS", "WRONG_VALUE_KIND"),
    ];
    for (criterion, value, expected) in cases {
        assert_eq!(check(criterion, value), expected, "{criterion:?} {value}");
    }
    for outcome in Outcome::ALL {
        assert_eq!(outcome.opposite().opposite(), outcome);
        assert_ne!(outcome.opposite(), outcome);
        assert_eq!(Outcome::parse(outcome.as_str()).unwrap(), outcome);
    }
}

#[test]
fn ranges_need_a_limit_and_room_between_limits() {
    let cases = [
        (None, None, false),
        (bound("1", true), bound("1", true), true),
        (bound("1", true), bound("1", false), false),
        (bound("2", true), bound("1", true), false),
        (bound("1", false), bound("1.000001", false), true),
    ];
    for (min, max, ok) in cases {
        assert_eq!(NumericRange::new(min, max).is_ok(), ok, "{min:?} {max:?}");
    }
}

#[test]
fn values_parse_as_numbers_or_outcomes() {
    let cases = [
        ("98.5", Ok(ResultValue::Numeric(dec("98.5")))),
        (" -0.5 ", Ok(ResultValue::Numeric(dec("-0.5")))),
        ("NO_GROWTH", Ok(ResultValue::Qualitative(Outcome::NoGrowth))),
        ("no_growth", Err("INVALID_OUTCOME")),
        ("1e5", Err("INVALID_VALUE")),
        ("", Err("INVALID_OUTCOME")),
    ];
    for (raw, expected) in cases {
        let got = ResultValue::parse(raw).map_err(|error| error.code());
        assert_eq!(got, expected, "{raw:?}");
    }
}

#[test]
fn criteria_describe_themselves() {
    let between =
        Criterion::Numeric(NumericRange::new(bound("1.0", true), bound("5.0", false)).unwrap());
    let cases = [
        (
            between,
            Some("x10^6 cells/mL"),
            "≥ 1.0 and < 5.0 x10^6 cells/mL",
        ),
        (
            Criterion::Numeric(NumericRange::new(None, bound("2", true)).unwrap()),
            Some("%"),
            "≤ 2 %",
        ),
        (
            Criterion::Qualitative {
                expected: Outcome::NoGrowth,
            },
            None,
            "NO_GROWTH",
        ),
        (Criterion::Report, Some("%"), "report the value"),
    ];
    for (criterion, unit, expected) in cases {
        assert_eq!(criterion.describe(unit), expected);
    }
    assert_eq!(Evaluation::Pass.to_string(), "PASS");
}
