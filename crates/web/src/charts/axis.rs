//! The scale and tick arithmetic of the charts: a value axis that always includes zero, and a
//! date axis.

use chrono::{Datelike, NaiveDate};

/// At most this many intervals between value ticks, so an axis has 3 to 5 ticks.
const MAX_INTERVALS: i32 = 4;

/// At least this many intervals, so even a single value gets a readable axis.
const MIN_INTERVALS: i32 = 2;

/// A value axis from `lo` to `hi`, both multiples of `step`, with zero among its ticks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct ValueAxis {
    /// The lowest tick: zero, or a negative multiple of `step`.
    pub(super) lo: f64,
    /// The highest tick: a multiple of `step`, at least `lo + 2 * step`.
    pub(super) hi: f64,
    step: f64,
}

impl ValueAxis {
    /// The smallest "round" axis (steps of 1, 2, 2.5 or 5 times a power of ten) from at most
    /// `min` to at least `max` that includes zero and has 2 to 4 intervals. `whole` keeps the
    /// steps whole numbers, for counts. Non-finite bounds count as zero, and an all-zero range
    /// becomes 0 to 1 (0 to 2 for counts), so the result is always finite with `hi > lo`.
    pub(super) fn covering(min: f64, max: f64, whole: bool) -> Self {
        let lo = if min.is_finite() { min.min(0.0) } else { 0.0 };
        let mut hi = if max.is_finite() { max.max(0.0) } else { 0.0 };
        if hi - lo <= 0.0 {
            hi = 1.0;
        }
        let span = hi - lo;
        let magnitude = 10f64.powi((span / f64::from(MAX_INTERVALS)).log10().floor() as i32);
        let fallback = if whole { 1.0 } else { 0.01 };
        let step = (0..3)
            .flat_map(|power| {
                [1.0, 2.0, 2.5, 5.0].map(|mantissa| mantissa * magnitude * 10f64.powi(power))
            })
            .filter(|&step| step_is_printable(step, whole))
            .find(|&step| intervals(lo, step) + intervals(hi, step) <= MAX_INTERVALS)
            .unwrap_or(fallback);
        let n_below = intervals(lo, step);
        let n_above = intervals(hi, step).max(MIN_INTERVALS - n_below);
        Self {
            lo: -f64::from(n_below) * step,
            hi: f64::from(n_above) * step,
            step,
        }
    }

    /// The tick values, from `lo` to `hi`.
    pub(super) fn ticks(&self) -> Vec<f64> {
        let n_below = intervals(self.lo, self.step);
        let n_above = intervals(self.hi, self.step);
        (-n_below..=n_above)
            .map(|index| f64::from(index) * self.step)
            .collect()
    }
}

/// Whether tick labels at multiples of `step` print exactly with at most two decimals (and as
/// whole numbers when `whole`), so no two ticks print the same.
fn step_is_printable(step: f64, whole: bool) -> bool {
    let unit = if whole { 1.0 } else { 0.01 };
    let in_units = step / unit;
    step >= unit && (in_units - in_units.round()).abs() < 1e-6
}

/// How many steps from zero it takes to reach `value` (either side), rounding up. The small
/// tolerance keeps float noise (0.3 / 0.1 = 2.9999…) from adding an interval.
fn intervals(value: f64, step: f64) -> i32 {
    let steps = (value.abs() / step - 1e-9).ceil();
    // The axis has at most a handful of intervals, so the conversion cannot truncate.
    steps.max(0.0) as i32
}

/// A vertical pixel scale over a value axis: `top` is the pixel of `axis.hi`, `bottom` that of
/// `axis.lo`.
#[derive(Clone, Copy, Debug)]
pub(super) struct YScale {
    pub(super) axis: ValueAxis,
    pub(super) top: f64,
    pub(super) bottom: f64,
}

impl YScale {
    /// The pixel row of `value`.
    pub(super) fn y(&self, value: f64) -> f64 {
        let fraction = (value - self.axis.lo) / (self.axis.hi - self.axis.lo);
        self.bottom - fraction * (self.bottom - self.top)
    }
}

/// A horizontal pixel scale over dates from `first` to `last`, drawn from `left` to `right`.
#[derive(Clone, Copy, Debug)]
pub(super) struct DateScale {
    first: NaiveDate,
    last: NaiveDate,
    left: f64,
    right: f64,
}

/// Month ticks closer than this (in pixels) to each other are thinned out.
const MONTH_SPACING: f64 = 48.0;

/// Month ticks closer than this to the first or last date are left out: those ends carry a
/// full `YYYY-MM-DD` label, about 62 pixels wide at the font size used.
const END_CLEARANCE: f64 = 56.0;

impl DateScale {
    /// A scale covering every date of `dates`, `None` when there are none.
    pub(super) fn covering(
        dates: impl IntoIterator<Item = NaiveDate>,
        left: f64,
        right: f64,
    ) -> Option<Self> {
        let mut dates = dates.into_iter();
        let start = dates.next()?;
        let (first, last) = dates.fold((start, start), |(first, last), date| {
            (first.min(date), last.max(date))
        });
        Some(Self {
            first,
            last,
            left,
            right,
        })
    }

    fn span_days(&self) -> i64 {
        (self.last - self.first).num_days()
    }

    /// The pixel column of `date`. A scale over a single day puts it in the middle.
    pub(super) fn x(&self, date: NaiveDate) -> f64 {
        let span = self.span_days();
        if span == 0 {
            return (self.left + self.right) / 2.0;
        }
        let fraction = (date - self.first).num_days() as f64 / span as f64;
        self.left + fraction * (self.right - self.left)
    }

    /// The labelled ticks: the first and last dates as `YYYY-MM-DD`, and between them the
    /// first days of months (every 1, 2, 3, 6 or 12 months, whichever leaves room) as `Mar`,
    /// or `Jan 2027` at a new year.
    pub(super) fn ticks(&self) -> Vec<(NaiveDate, String)> {
        let mut ticks = vec![(self.first, iso(self.first))];
        if self.last == self.first {
            return ticks;
        }
        let pixels_per_month = (self.right - self.left) * 30.44 / self.span_days() as f64;
        let stride = [1, 2, 3, 6, 12]
            .into_iter()
            .find(|&months| f64::from(months) * pixels_per_month >= MONTH_SPACING)
            .unwrap_or(12);
        let mut month = first_of_next_month(self.first);
        while let Some(date) = month.filter(|date| *date < self.last) {
            let x = self.x(date);
            let clear = x - self.left >= END_CLEARANCE && self.right - x >= END_CLEARANCE;
            if date.month0() % stride == 0 && clear {
                let label = if date.month() == 1 {
                    date.format("%b %Y").to_string()
                } else {
                    date.format("%b").to_string()
                };
                ticks.push((date, label));
            }
            month = first_of_next_month(date);
        }
        ticks.push((self.last, iso(self.last)));
        ticks
    }
}

/// A date as people at the facility write it in records.
pub(super) fn iso(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// The first day of the month after `date`'s (`None` past the end of chrono's calendar).
fn first_of_next_month(date: NaiveDate) -> Option<NaiveDate> {
    let (year, month) = if date.month() == 12 {
        (date.year() + 1, 1)
    } else {
        (date.year(), date.month() + 1)
    };
    NaiveDate::from_ymd_opt(year, month, 1)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::{DateScale, ValueAxis};

    #[test]
    fn value_axes_are_round_include_zero_and_have_three_to_five_ticks() {
        let cases: [(f64, f64, bool, f64, f64, usize); 10] = [
            // (min, max, whole) => (lo, hi, number of ticks)
            (0.0, 12.0, false, 0.0, 15.0, 4),
            (0.0, 10.0, false, 0.0, 10.0, 5),
            (0.0, 4.0, false, 0.0, 4.0, 5),
            (0.0, 2.5, false, 0.0, 3.0, 4),
            (0.0, 0.3, false, 0.0, 0.3, 4),
            (0.0, 0.0, false, 0.0, 1.0, 5),
            (-3.2, 1.5, false, -4.0, 2.0, 4),
            (-4.0, -1.0, false, -4.0, 0.0, 5),
            (0.0, 1.0, true, 0.0, 2.0, 3),
            (0.0, 7.0, true, 0.0, 8.0, 5),
        ];
        for (min, max, whole, lo, hi, n_ticks) in cases {
            let axis = ValueAxis::covering(min, max, whole);
            let close = (axis.lo - lo).abs() < 1e-9 && (axis.hi - hi).abs() < 1e-9;
            assert!(close, "{min}..{max}: {axis:?}");
            let ticks = axis.ticks();
            assert_eq!(ticks.len(), n_ticks, "{min}..{max}: {ticks:?}");
            assert!(ticks.contains(&0.0), "{min}..{max}: {ticks:?}");
        }
        let broken = ValueAxis::covering(f64::NAN, f64::INFINITY, false);
        assert_eq!((broken.lo, broken.hi), (0.0, 1.0));
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("a date")
    }

    #[test]
    fn date_ticks_label_both_ends_and_months_between() {
        let scale =
            DateScale::covering([day("2026-07-02"), day("2026-01-05")], 0.0, 560.0).expect("dates");
        let labels: Vec<String> = scale.ticks().into_iter().map(|(_, label)| label).collect();
        assert_eq!(
            labels,
            [
                "2026-01-05",
                "Feb",
                "Mar",
                "Apr",
                "May",
                "Jun",
                "2026-07-02"
            ]
        );
        assert_eq!(scale.x(day("2026-01-05")), 0.0);
        assert_eq!(scale.x(day("2026-07-02")), 560.0);

        let years =
            DateScale::covering([day("2024-01-01"), day("2028-01-01")], 0.0, 560.0).expect("dates");
        let labels: Vec<String> = years.ticks().into_iter().map(|(_, label)| label).collect();
        assert_eq!(
            labels,
            [
                "2024-01-01",
                "Jul",
                "Jan 2025",
                "Jul",
                "Jan 2026",
                "Jul",
                "Jan 2027",
                "Jul",
                "2028-01-01"
            ]
        );

        let single = DateScale::covering([day("2026-01-05")], 0.0, 560.0).expect("a date");
        assert_eq!(single.x(day("2026-01-05")), 280.0);
        assert_eq!(single.ticks().len(), 1);
        assert!(DateScale::covering([], 0.0, 560.0).is_none());
    }
}
