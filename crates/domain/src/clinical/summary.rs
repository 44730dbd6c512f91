//! Outcome summaries by lot, by donor and by prescribed dose per kg: how many patients, the
//! change from baseline at 3, 6 and 12 months, and adverse events by grade. A pure function over
//! [`State`]; nothing here is recorded.
//!
//! Definitions (choices the issue leaves open):
//! - Day 0 of a patient is the date (UTC) of their first administration of any unit; a patient
//!   belongs to every group one of their administrations falls in, with that same day 0.
//! - Baseline of a measure: its value at the last visit on or before day 0 that measured it.
//! - At `m` months: its value at the visit after day 0 that measured it nearest to day 0 plus
//!   `m` calendar months, within [`SummaryPolicy::window_days`] either side (a tie goes to the
//!   earlier visit): [`FollowUpWindow`], which the follow-up schedule shares. A patient
//!   without both values is left out of that mean, not counted as 0.
//! - Dose groups use the order's prescribed dose per kg (the dose-finding variable).
//! - An adverse event counts in a group when it is linked to one of the group's
//!   administrations, or, linked to none, when its onset is on or after the patient's first
//!   administration in that group.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Days, Months, NaiveDate};
use rust_decimal::Decimal;

use crate::ids::{AdministrationId, DonorId, LotId, PatientId};
use crate::state::State;
use crate::values::DosePerKg;

use super::administration::Administration;
use super::followup::{Visit, VisitMeasures};

/// The summary's windows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SummaryPolicy {
    /// Months after day 0 to report (default 3, 6, 12).
    pub months: Vec<u32>,
    /// Days either side of a time point a visit may be (default 30).
    pub window_days: i64,
}

impl Default for SummaryPolicy {
    fn default() -> Self {
        Self {
            months: vec![3, 6, 12],
            window_days: 30,
        }
    }
}

/// The date an administration counts from: its start's date in UTC. A patient's day 0 is the
/// earliest of these over their administrations; the summary and the follow-up schedule both
/// count from it, so that a visit the schedule shows as done is the one the summary reports.
pub fn administered_on(administration: &Administration) -> NaiveDate {
    administration.started_at.as_datetime().date_naive()
}

/// The dates a visit counts for at one time point: after day 0, and within
/// [`SummaryPolicy::window_days`] of day 0 plus `months` calendar months, both ends included.
///
/// Built only non-empty, so `from <= to` always holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FollowUpWindow {
    target_on: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
}

impl FollowUpWindow {
    /// The window `months` after `day0`, `window_days` either side; `None` when no date can
    /// fall in it (a negative width, or a calendar overflow), since no visit can then count.
    ///
    /// A window that would open on or before day 0 opens the day after it: a visit on day 0
    /// is a baseline, never a follow-up.
    pub fn new(day0: NaiveDate, months: u32, window_days: i64) -> Option<Self> {
        let target_on = day0.checked_add_months(Months::new(months))?;
        let width = Days::new(u64::try_from(window_days).ok()?);
        let after_day0 = day0.succ_opt()?;
        // A bound beyond the calendar leaves that side open: every date is within it.
        let from = target_on
            .checked_sub_days(width)
            .map_or(after_day0, |from| from.max(after_day0));
        let to = target_on.checked_add_days(width).unwrap_or(NaiveDate::MAX);
        (from <= to).then_some(Self {
            target_on,
            from,
            to,
        })
    }

    /// Day 0 plus the time point's months.
    pub fn target_on(&self) -> NaiveDate {
        self.target_on
    }

    /// The first date that counts.
    pub fn from(&self) -> NaiveDate {
        self.from
    }

    /// The last date that counts.
    pub fn to(&self) -> NaiveDate {
        self.to
    }

    /// Whether a visit on `date` counts for this time point.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }

    /// The visit this time point reads, of `visits` (each dated by `visited_on`): the one in
    /// the window nearest the target, a tie going to the earlier date and, on one date, to the
    /// first in `visits`. The one selection the summary and the schedule share.
    pub fn nearest<T>(
        &self,
        visits: impl IntoIterator<Item = T>,
        visited_on: impl Fn(&T) -> NaiveDate,
    ) -> Option<T> {
        visits
            .into_iter()
            .filter(|visit| self.contains(visited_on(visit)))
            .min_by_key(|visit| {
                let on = visited_on(visit);
                ((on - self.target_on).num_days().abs(), on)
            })
    }
}

/// What a group is keyed by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GroupKey {
    /// The lot of the unit given.
    Lot(LotId),
    /// A donor of that lot.
    Donor(DonorId),
    /// The prescribed dose per kg.
    DosePerKg(DosePerKg),
}

/// The outcome measures summarised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Measure {
    /// SLEDAI-2K, points.
    Sledai2k,
    /// 24-hour proteinuria, g/day.
    ProteinuriaGPerDay,
    /// Urine protein/creatinine ratio, g/g.
    ProteinCreatinineRatio,
    /// Prednisone equivalent, mg/day.
    PrednisoneMgPerDay,
}

impl Measure {
    /// Every measure, in report order.
    pub const ALL: [Measure; 4] = [
        Measure::Sledai2k,
        Measure::ProteinuriaGPerDay,
        Measure::ProteinCreatinineRatio,
        Measure::PrednisoneMgPerDay,
    ];

    /// The measure's value at a visit, if taken.
    pub fn value(&self, measures: &VisitMeasures) -> Option<Decimal> {
        match self {
            Measure::Sledai2k => measures.sledai_2k.map(|s| Decimal::from(s.get())),
            Measure::ProteinuriaGPerDay => {
                measures.proteinuria_g_per_day.map(|v| v.value().inner())
            }
            Measure::ProteinCreatinineRatio => {
                measures.protein_creatinine_ratio.map(|v| v.value().inner())
            }
            Measure::PrednisoneMgPerDay => measures.prednisone.map(|v| v.value().inner()),
        }
    }
}

/// One patient's change in one measure at one time point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatientChange {
    /// The patient.
    pub patient_id: PatientId,
    /// Baseline value and its visit date.
    pub baseline: (Decimal, NaiveDate),
    /// Value at the time point and its visit date.
    pub value: (Decimal, NaiveDate),
    /// `value - baseline`.
    pub change: Decimal,
}

/// The change in one measure at one time point across a group.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Change {
    /// Each patient with both values.
    pub patients: Vec<PatientChange>,
    /// Their mean change, rounded to exactly 2 decimals; `None` when nobody has both values.
    pub mean: Option<Decimal>,
}

/// One time point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timepoint {
    /// Months after day 0.
    pub months: u32,
    /// The change in each measure.
    pub changes: BTreeMap<Measure, Change>,
}

/// The outcomes of one group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutcomeGroup {
    /// What the group is.
    pub key: GroupKey,
    /// Its patients.
    pub patients: Vec<PatientId>,
    /// Its time points, in policy order.
    pub timepoints: Vec<Timepoint>,
    /// Adverse events by CTCAE grade: index 0 is grade 1, index 4 grade 5.
    pub adverse_events_by_grade: [usize; 5],
    /// Of those, how many serious.
    pub serious_adverse_events: usize,
}

/// Every group, by lot, by donor and by dose.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutcomeSummary {
    /// By lot.
    pub by_lot: Vec<OutcomeGroup>,
    /// By donor.
    pub by_donor: Vec<OutcomeGroup>,
    /// By prescribed dose per kg.
    pub by_dose: Vec<OutcomeGroup>,
}

#[derive(Default)]
struct Members {
    administrations: BTreeSet<AdministrationId>,
    first_given_on: BTreeMap<PatientId, NaiveDate>,
}

/// Summarises every administered patient's outcomes.
pub fn summarize(state: &State, policy: &SummaryPolicy) -> OutcomeSummary {
    let mut day0: BTreeMap<PatientId, NaiveDate> = BTreeMap::new();
    let mut groups: BTreeMap<GroupKey, Members> = BTreeMap::new();
    for administration in state.administrations.values() {
        let given_on = administered_on(administration);
        let first = day0.entry(administration.patient_id).or_insert(given_on);
        *first = (*first).min(given_on);
        let mut keys = vec![GroupKey::Lot(administration.lot_id)];
        if let Some(lot) = state.lots.get(&administration.lot_id) {
            keys.extend(lot.donors.iter().map(|donor| GroupKey::Donor(*donor)));
        }
        if let Some(order) = state.orders.get(&administration.order_id) {
            keys.push(GroupKey::DosePerKg(order.dose_per_kg));
        }
        for key in keys {
            let members = groups.entry(key).or_default();
            members.administrations.insert(administration.id);
            let first = members
                .first_given_on
                .entry(administration.patient_id)
                .or_insert(given_on);
            *first = (*first).min(given_on);
        }
    }
    let mut visits: BTreeMap<PatientId, Vec<&Visit>> = BTreeMap::new();
    for visit in state.visits.values() {
        visits.entry(visit.patient_id).or_default().push(visit);
    }
    let mut summary = OutcomeSummary::default();
    for (key, members) in groups {
        let group = outcome_group(state, policy, key, &members, &day0, &visits);
        match key {
            GroupKey::Lot(_) => summary.by_lot.push(group),
            GroupKey::Donor(_) => summary.by_donor.push(group),
            GroupKey::DosePerKg(_) => summary.by_dose.push(group),
        }
    }
    summary
}

fn outcome_group(
    state: &State,
    policy: &SummaryPolicy,
    key: GroupKey,
    members: &Members,
    day0: &BTreeMap<PatientId, NaiveDate>,
    visits: &BTreeMap<PatientId, Vec<&Visit>>,
) -> OutcomeGroup {
    let patients: Vec<PatientId> = members.first_given_on.keys().copied().collect();
    let timepoints = policy
        .months
        .iter()
        .map(|months| {
            let changes = Measure::ALL
                .into_iter()
                .map(|measure| {
                    let patients: Vec<PatientChange> = patients
                        .iter()
                        .filter_map(|patient_id| {
                            let start = *day0.get(patient_id)?;
                            let own = visits.get(patient_id)?;
                            change(
                                *patient_id,
                                own,
                                measure,
                                start,
                                *months,
                                policy.window_days,
                            )
                        })
                        .collect();
                    (measure, with_mean(patients))
                })
                .collect();
            Timepoint {
                months: *months,
                changes,
            }
        })
        .collect();
    let mut by_grade = [0_usize; 5];
    let mut serious = 0;
    for adverse_event in state.adverse_events.values() {
        let counts = if adverse_event.administrations.is_empty() {
            members
                .first_given_on
                .get(&adverse_event.patient_id)
                .is_some_and(|first| adverse_event.onset_on >= *first)
        } else {
            adverse_event
                .administrations
                .iter()
                .any(|id| members.administrations.contains(id))
        };
        if counts {
            let idx = usize::from(adverse_event.grade.get().saturating_sub(1)).min(4);
            by_grade[idx] += 1;
            serious += usize::from(adverse_event.serious);
        }
    }
    OutcomeGroup {
        key,
        patients,
        timepoints,
        adverse_events_by_grade: by_grade,
        serious_adverse_events: serious,
    }
}

fn change(
    patient_id: PatientId,
    visits: &[&Visit],
    measure: Measure,
    day0: NaiveDate,
    months: u32,
    window_days: i64,
) -> Option<PatientChange> {
    let baseline = visits
        .iter()
        .filter(|visit| visit.visited_on <= day0)
        .filter_map(|visit| Some((measure.value(&visit.measures)?, *visit)))
        .max_by_key(|(_, visit)| (visit.visited_on, visit.recorded_at))?;
    let follow_up = FollowUpWindow::new(day0, months, window_days)?.nearest(
        visits
            .iter()
            .filter_map(|visit| Some((measure.value(&visit.measures)?, *visit))),
        |(_, visit)| visit.visited_on,
    )?;
    Some(PatientChange {
        patient_id,
        baseline: (baseline.0, baseline.1.visited_on),
        value: (follow_up.0, follow_up.1.visited_on),
        change: follow_up.0 - baseline.0,
    })
}

fn with_mean(patients: Vec<PatientChange>) -> Change {
    let mean = (!patients.is_empty()).then(|| {
        let total: Decimal = patients.iter().map(|p| p.change).sum();
        // Always two decimals, so that every mean reads alike ("-4.00", "-7.50"): an exact
        // quotient would otherwise keep the scale of its operands and an inexact one get two.
        let mut mean = (total / Decimal::from(patients.len())).round_dp(2);
        mean.rescale(2);
        mean
    });
    Change { patients, mean }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changed_by(n: u128, change: &str) -> PatientChange {
        let day = NaiveDate::from_ymd_opt(2026, 1, 1).expect("a date");
        let change = Decimal::from_str_exact(change).expect("a decimal");
        PatientChange {
            patient_id: PatientId::from_uuid(uuid::Uuid::from_u128(n)),
            baseline: (Decimal::ZERO, day),
            value: (change, day),
            change,
        }
    }

    #[test]
    fn a_mean_change_always_reads_with_two_decimals() {
        for (changes, expected) in [
            (vec!["-6", "-2"], "-4.00"),
            (vec!["-15", "0"], "-7.50"),
            (vec!["-2.1"], "-2.10"),
            (vec!["1", "1", "2"], "1.33"),
            (vec!["0"], "0.00"),
        ] {
            let patients = changes
                .iter()
                .enumerate()
                .map(|(n, change)| changed_by(n as u128, change))
                .collect();
            let mean = with_mean(patients).mean.map(|mean| mean.to_string());
            assert_eq!(mean.as_deref(), Some(expected), "{changes:?}");
        }
        assert_eq!(with_mean(Vec::new()).mean, None);
    }
}
