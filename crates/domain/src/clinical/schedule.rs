//! The follow-up schedule of one patient: for each outcome time point of the summary (3, 6 and
//! 12 months by default), when it falls, and whether its visit was made, is due now, was missed
//! or is still to come. This is what a clinician's list of visits due reads.
//!
//! The schedule counts exactly what the summary counts ([`super::summary`]): the same day 0
//! ([`administered_on`]), the same window ([`FollowUpWindow`]) and the same choice of visit
//! ([`FollowUpWindow::nearest`]). A time point shown as done is therefore one the summary has a
//! visit for, and a visit the summary cannot use (on day 0, or outside every window) never makes
//! one done. Nothing here is recorded: the schedule is computed from the record and today's date.

use chrono::NaiveDate;

use super::administration::Administration;
use super::followup::Visit;
use super::summary::{FollowUpWindow, SummaryPolicy, administered_on};

/// Where one time point stands on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FollowUpState {
    /// A visit falls in the window; `visited_on` is the one the summary reads.
    Done {
        /// The date of that visit.
        visited_on: NaiveDate,
    },
    /// Today is in the window and no visit falls in it yet.
    Due,
    /// The window has closed without a visit in it.
    Overdue,
    /// The window has not opened yet.
    Upcoming,
}

/// One follow-up time point of one patient. Built only by [`schedule`], so its state always
/// agrees with its window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FollowUp {
    months: u32,
    window: FollowUpWindow,
    state: FollowUpState,
}

impl FollowUp {
    /// Months after day 0.
    pub fn months(&self) -> u32 {
        self.months
    }

    /// The target date and the dates a visit counts for.
    pub fn window(&self) -> FollowUpWindow {
        self.window
    }

    /// Where it stands.
    pub fn state(&self) -> FollowUpState {
        self.state
    }
}

/// A patient's day 0: the earliest date any of `administrations` counts from; `None` for a
/// patient given nothing, who has nothing to follow up.
pub fn day_zero<'a>(
    administrations: impl IntoIterator<Item = &'a Administration>,
) -> Option<NaiveDate> {
    administrations.into_iter().map(administered_on).min()
}

/// The time points of a patient with day 0 `day0` and visits on `visit_dates`, as they stand on
/// `today`, in policy order. A time point whose window can hold no date (a negative width, or
/// past the end of the calendar) is left out: no visit could ever meet it.
pub fn schedule(
    day0: NaiveDate,
    visit_dates: &[NaiveDate],
    policy: &SummaryPolicy,
    today: NaiveDate,
) -> Vec<FollowUp> {
    policy
        .months
        .iter()
        .filter_map(|months| {
            let window = FollowUpWindow::new(day0, *months, policy.window_days)?;
            let state = match window.nearest(visit_dates.iter().copied(), |on| *on) {
                Some(visited_on) => FollowUpState::Done { visited_on },
                None if today < window.from() => FollowUpState::Upcoming,
                None if today > window.to() => FollowUpState::Overdue,
                None => FollowUpState::Due,
            };
            Some(FollowUp {
                months: *months,
                window,
                state,
            })
        })
        .collect()
}

/// The schedule of a patient from their record: day 0 from `administrations`, and `visits`.
/// Empty for a patient never given a unit.
pub fn follow_ups<'a>(
    administrations: impl IntoIterator<Item = &'a Administration>,
    visits: impl IntoIterator<Item = &'a Visit>,
    policy: &SummaryPolicy,
    today: NaiveDate,
) -> Vec<FollowUp> {
    let Some(day0) = day_zero(administrations) else {
        return Vec::new();
    };
    let visit_dates: Vec<NaiveDate> = visits.into_iter().map(|visit| visit.visited_on).collect();
    schedule(day0, &visit_dates, policy, today)
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use uuid::Uuid;

    use super::FollowUpState::{Done, Due, Overdue, Upcoming};
    use super::*;
    use crate::clinical::followup::VisitMeasures;
    use crate::clinical::measures::Sledai2k;
    use crate::clinical::summary::{Measure, summarize};
    use crate::ids::{
        AdministrationId, BedsideCheckId, LotId, OrderId, PatientId, UnitId, UserId, VisitId,
    };
    use crate::state::State;
    use crate::time::Timestamp;
    use crate::values::{CellCount, Kilograms, Millilitres};

    fn date(text: &str) -> NaiveDate {
        text.parse().expect("a date")
    }

    fn dates(texts: &[&str]) -> Vec<NaiveDate> {
        texts.iter().map(|text| date(text)).collect()
    }

    fn done(on: &str) -> FollowUpState {
        Done {
            visited_on: date(on),
        }
    }

    fn states(
        day0: &str,
        visits: &[&str],
        policy: &SummaryPolicy,
        today: &str,
    ) -> Vec<FollowUpState> {
        schedule(date(day0), &dates(visits), policy, date(today))
            .iter()
            .map(FollowUp::state)
            .collect()
    }

    #[test]
    fn each_time_point_is_done_due_overdue_or_upcoming() {
        // Day 0 2026-01-15: 3 months is 2026-04-15 (window 2026-03-16 to 2026-05-15), 6 months
        // 2026-07-15 (2026-06-15 to 2026-08-14), 12 months 2027-01-15 (2026-12-16 to 2027-02-14).
        let policy = SummaryPolicy::default();
        let cases: &[(&str, &[&str], &str, [FollowUpState; 3])] = &[
            (
                "treated today",
                &[],
                "2026-01-15",
                [Upcoming, Upcoming, Upcoming],
            ),
            (
                "the day before the window",
                &[],
                "2026-03-15",
                [Upcoming, Upcoming, Upcoming],
            ),
            (
                "the window's first day",
                &[],
                "2026-03-16",
                [Due, Upcoming, Upcoming],
            ),
            (
                "the window's last day",
                &[],
                "2026-05-15",
                [Due, Upcoming, Upcoming],
            ),
            (
                "the day after the window",
                &[],
                "2026-05-16",
                [Overdue, Upcoming, Upcoming],
            ),
            (
                "a visit in the window",
                &["2026-04-10"],
                "2026-04-20",
                [done("2026-04-10"), Upcoming, Upcoming],
            ),
            (
                "a visit on the window's first day",
                &["2026-03-16"],
                "2026-03-16",
                [done("2026-03-16"), Upcoming, Upcoming],
            ),
            (
                "a visit the day before the window does not count",
                &["2026-03-15"],
                "2026-04-01",
                [Due, Upcoming, Upcoming],
            ),
            (
                "a visit the day after the window does not count",
                &["2026-05-16"],
                "2026-05-16",
                [Overdue, Upcoming, Upcoming],
            ),
            (
                "the nearest visit is the one read",
                &["2026-03-20", "2026-04-14", "2026-05-10"],
                "2026-05-20",
                [done("2026-04-14"), Upcoming, Upcoming],
            ),
            (
                "a tie goes to the earlier visit",
                &["2026-04-17", "2026-04-13"],
                "2026-05-20",
                [done("2026-04-13"), Upcoming, Upcoming],
            ),
            (
                "done stays done once the window has closed",
                &["2026-04-15", "2026-07-01"],
                "2027-06-01",
                [done("2026-04-15"), done("2026-07-01"), Overdue],
            ),
            (
                "a visit between two windows counts for neither",
                &["2026-06-01"],
                "2026-06-20",
                [Overdue, Due, Upcoming],
            ),
            (
                "a baseline visit before day 0 counts for nothing",
                &["2026-01-10"],
                "2026-12-20",
                [Overdue, Overdue, Due],
            ),
        ];
        for (what, visits, today, expected) in cases {
            assert_eq!(
                states("2026-01-15", visits, &policy, today),
                expected,
                "{what}"
            );
        }
    }

    #[test]
    fn windows_are_the_target_plus_or_minus_the_window_days() {
        let follow_ups = schedule(
            date("2026-01-15"),
            &[],
            &SummaryPolicy::default(),
            date("2026-01-15"),
        );
        let windows: Vec<(u32, NaiveDate, NaiveDate, NaiveDate)> = follow_ups
            .iter()
            .map(|f| {
                let window = f.window();
                (f.months(), window.target_on(), window.from(), window.to())
            })
            .collect();
        assert_eq!(
            windows,
            [
                (
                    3,
                    date("2026-04-15"),
                    date("2026-03-16"),
                    date("2026-05-15")
                ),
                (
                    6,
                    date("2026-07-15"),
                    date("2026-06-15"),
                    date("2026-08-14")
                ),
                (
                    12,
                    date("2027-01-15"),
                    date("2026-12-16"),
                    date("2027-02-14")
                ),
            ]
        );
    }

    #[test]
    fn months_past_the_end_of_a_short_month_land_on_its_last_day() {
        // 31 January plus 3 months is 30 April (calendar months, clamped), not 1 May.
        let follow_ups = schedule(
            date("2026-01-31"),
            &dates(&["2026-05-30", "2026-05-31"]),
            &SummaryPolicy {
                months: vec![1, 3],
                window_days: 30,
            },
            date("2026-06-15"),
        );
        let one = follow_ups[0].window();
        assert_eq!(one.target_on(), date("2026-02-28"));
        let three = follow_ups[1].window();
        assert_eq!(three.target_on(), date("2026-04-30"));
        assert_eq!(
            (three.from(), three.to()),
            (date("2026-03-31"), date("2026-05-30"))
        );
        assert_eq!(follow_ups[1].state(), done("2026-05-30"));
        assert_eq!(follow_ups[0].state(), Overdue);
    }

    #[test]
    fn a_visit_on_day_0_is_a_baseline_never_a_follow_up() {
        // A window wide enough to reach back past day 0 still opens the day after it.
        let policy = SummaryPolicy {
            months: vec![1],
            window_days: 45,
        };
        let follow_ups = schedule(
            date("2026-01-15"),
            &dates(&["2026-01-15"]),
            &policy,
            date("2026-01-20"),
        );
        assert_eq!(follow_ups[0].window().from(), date("2026-01-16"));
        assert_eq!(follow_ups[0].state(), Due);
        assert_eq!(
            states("2026-01-15", &["2026-01-15"], &policy, "2026-01-15"),
            [Upcoming],
            "treated today: the window opens tomorrow"
        );
        assert_eq!(
            states(
                "2026-01-15",
                &["2026-01-15", "2026-01-16"],
                &policy,
                "2026-01-20"
            ),
            [done("2026-01-16")]
        );
    }

    #[test]
    fn a_window_that_can_hold_no_date_is_left_out() {
        let policy = SummaryPolicy {
            months: vec![0, 3],
            window_days: 0,
        };
        // At 0 months with no width the only date is day 0 itself, which never counts.
        let follow_ups = schedule(date("2026-01-15"), &[], &policy, date("2026-01-15"));
        assert_eq!(
            follow_ups.iter().map(FollowUp::months).collect::<Vec<_>>(),
            [3]
        );
        let negative = SummaryPolicy {
            months: vec![3],
            window_days: -1,
        };
        assert!(schedule(date("2026-01-15"), &[], &negative, date("2026-01-15")).is_empty());
    }

    fn uuid(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn at(text: &str) -> Timestamp {
        Timestamp::from_datetime(
            DateTime::parse_from_rfc3339(text)
                .expect("an RFC 3339 time")
                .with_timezone(&Utc),
        )
    }

    fn patient() -> PatientId {
        PatientId::from_uuid(uuid(1))
    }

    fn administration(n: u128, started_at: &str) -> Administration {
        let started_at = at(started_at);
        Administration {
            id: AdministrationId::from_uuid(uuid(100 + n)),
            unit_id: UnitId::from_uuid(uuid(200 + n)),
            lot_id: LotId::from_uuid(uuid(2)),
            patient_id: patient(),
            order_id: OrderId::from_uuid(uuid(3)),
            check_id: BedsideCheckId::from_uuid(uuid(300 + n)),
            started_at,
            ended_at: started_at,
            volume: Millilitres::parse("50").expect("a volume"),
            cells: CellCount::new(60_000_000).expect("a cell count"),
            weight: Kilograms::parse("75").expect("a weight"),
            cells_per_kg: 800_000,
            reactions: Vec::new(),
            administered_by: UserId::from_uuid(uuid(4)),
            recorded_at: started_at,
        }
    }

    fn visit(n: u128, on: NaiveDate) -> Visit {
        Visit {
            id: VisitId::from_uuid(uuid(400 + n)),
            patient_id: patient(),
            administrations: Vec::new(),
            visited_on: on,
            measures: VisitMeasures {
                sledai_2k: Some(Sledai2k::new(4).expect("a score")),
                ..VisitMeasures::default()
            },
            recorded_by: UserId::from_uuid(uuid(4)),
            recorded_at: at("2028-01-01T00:00:00Z"),
        }
    }

    #[test]
    fn day_0_is_the_utc_date_of_the_first_administration() {
        let late_evening = administration(1, "2026-01-15T23:30:00Z");
        let later = administration(2, "2026-02-01T08:00:00Z");
        assert_eq!(day_zero([&later, &late_evening]), Some(date("2026-01-15")));
        assert_eq!(day_zero([]), None);
    }

    #[test]
    fn a_patient_never_given_a_unit_has_no_schedule() {
        let visits = [visit(1, date("2026-04-15"))];
        let follow_ups = follow_ups([], &visits, &SummaryPolicy::default(), date("2026-05-01"));
        assert!(follow_ups.is_empty());
    }

    /// One case of [`the_visit_shown_done_is_the_one_the_summary_reads`].
    struct Agreement {
        what: &'static str,
        policy: SummaryPolicy,
        /// Visits after the baseline on day 0.
        visits: &'static [&'static str],
        /// The visit shown done at each time point, if any.
        done: &'static [Option<&'static str>],
    }

    #[test]
    fn the_visit_shown_done_is_the_one_the_summary_reads() {
        // Day 0 2026-01-31 (targets 2026-04-30, 2026-07-31, 2027-01-31); a baseline on day 0
        // itself, so that the summary has a change to report wherever a visit counts.
        let cases = [
            Agreement {
                what: "a tie either side of 3 months",
                policy: SummaryPolicy::default(),
                visits: &["2026-04-28", "2026-05-02"],
                done: &[Some("2026-04-28"), None, None],
            },
            Agreement {
                what: "the window's edges and just outside them",
                policy: SummaryPolicy::default(),
                visits: &["2026-03-30", "2026-03-31", "2026-08-30", "2026-08-31"],
                done: &[Some("2026-03-31"), Some("2026-08-30"), None],
            },
            Agreement {
                what: "several visits near 6 and 12 months",
                policy: SummaryPolicy::default(),
                visits: &[
                    "2026-07-01",
                    "2026-07-30",
                    "2026-08-02",
                    "2027-01-31",
                    "2027-02-01",
                ],
                done: &[None, Some("2026-07-30"), Some("2027-01-31")],
            },
            Agreement {
                what: "a window reaching back past day 0",
                policy: SummaryPolicy {
                    months: vec![1],
                    window_days: 45,
                },
                visits: &["2026-02-01", "2026-03-01"],
                done: &[Some("2026-03-01")],
            },
            Agreement {
                what: "no follow-up visit",
                policy: SummaryPolicy::default(),
                visits: &[],
                done: &[None, None, None],
            },
        ];
        for case in &cases {
            let mut state = State::default();
            let given = administration(1, "2026-01-31T10:00:00Z");
            state.administrations.insert(given.id, given.clone());
            let baseline = date("2026-01-31");
            let all_dates: Vec<NaiveDate> = std::iter::once(baseline)
                .chain(case.visits.iter().map(|text| date(text)))
                .collect();
            for (n, on) in all_dates.iter().enumerate() {
                let visit = visit(n as u128, *on);
                state.visits.insert(visit.id, visit);
            }
            let summary = summarize(&state, &case.policy);
            let read_by_summary: Vec<Option<NaiveDate>> = summary.by_lot[0]
                .timepoints
                .iter()
                .map(|timepoint| {
                    timepoint.changes[&Measure::Sledai2k]
                        .patients
                        .first()
                        .map(|change| change.value.1)
                })
                .collect();
            let follow_ups = follow_ups(
                [&given],
                state.visits.values(),
                &case.policy,
                date("2028-01-01"),
            );
            let shown_done: Vec<Option<NaiveDate>> = follow_ups
                .iter()
                .map(|follow_up| match follow_up.state() {
                    Done { visited_on } => Some(visited_on),
                    Due | Overdue | Upcoming => None,
                })
                .collect();
            assert_eq!(shown_done, read_by_summary, "{}", case.what);
            let expected: Vec<Option<NaiveDate>> =
                case.done.iter().map(|on| on.map(date)).collect();
            assert_eq!(shown_done, expected, "{}", case.what);
        }
    }
}
