//! Separation of duties: one rule set, consulted by every command that needs it.
//!
//! 21 CFR 1271.265 asks for release by a responsible person after review of the records; EU GMP
//! chapter 2 asks that quality assurance be independent of production and control. In cordtrace
//! that becomes a small table: each [`Duty`] lists the kinds of earlier [`Work`] that exclude the
//! person who did them. A command gathers the earlier work on the record it acts on (who recorded
//! each step, each result) and asks [`conflicts`] whether the performer is excluded. Holding the
//! rules in one table keeps them reviewable in one place and lets a test walk them all.

use std::fmt;

use crate::ids::UserId;

/// Something a person can have done on a record that makes them unfit to check it later.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Work {
    /// They recorded (performed) a processing step.
    ProcessingStep,
    /// They recorded a release test result.
    TestResult,
}

impl Work {
    /// The stable code of a conflict caused by this work.
    pub const fn conflict_code(&self) -> &'static str {
        match self {
            Work::ProcessingStep => "SIGNER_RECORDED_STEP",
            Work::TestResult => "SIGNER_RECORDED_RESULT",
        }
    }

    const fn noun(&self) -> &'static str {
        match self {
            Work::ProcessingStep => "processing step",
            Work::TestResult => "test result",
        }
    }
}

/// A duty that must be performed by someone independent of some earlier work.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Duty {
    /// Releasing a lot (QA disposition).
    ReleaseLot,
    /// Invalidating a test result.
    InvalidateResult,
    /// Closing an out-of-specification investigation.
    CloseInvestigation,
}

impl Duty {
    /// The duty as a phrase, for messages.
    pub const fn as_phrase(&self) -> &'static str {
        match self {
            Duty::ReleaseLot => "release this lot",
            Duty::InvalidateResult => "invalidate this result",
            Duty::CloseInvestigation => "close this investigation",
        }
    }
}

impl fmt::Display for Duty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_phrase())
    }
}

/// The rule set: each duty and the kinds of earlier work that exclude its performer.
///
/// Release: nobody releases a lot for which they recorded a processing step or a test result
/// (issue 4, item 6). Invalidating a result or closing the investigation of a failed one: never the
/// analyst who recorded it, so nobody can test a lot into compliance on their own.
pub const RULES: &[(Duty, &[Work])] = &[
    (Duty::ReleaseLot, &[Work::ProcessingStep, Work::TestResult]),
    (Duty::InvalidateResult, &[Work::TestResult]),
    (Duty::CloseInvestigation, &[Work::TestResult]),
];

/// The kinds of work that exclude the performer of `duty`.
pub fn excluded_by(duty: Duty) -> &'static [Work] {
    RULES
        .iter()
        .find(|(rule_duty, _)| *rule_duty == duty)
        .map_or(&[], |(_, works)| works)
}

/// One piece of earlier work on the record a duty concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PriorWork {
    /// What kind of work.
    pub work: Work,
    /// Who did it.
    pub by: UserId,
    /// How a person names it, e.g. `PASSAGE` or `CD73`: by what, not when, because the domain
    /// knows no facility time zone to show a time in (the lot's review lists the times).
    pub description: String,
}

/// A performer excluded from a duty by earlier work of theirs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DutyConflict {
    /// The stable code ([`Work::conflict_code`]).
    pub code: &'static str,
    /// A sentence for a person, naming the work.
    pub message: String,
}

/// Every conflict between `performer` doing `duty` and the earlier work on the record: one per
/// kind of work, naming each item, in the order of [`Work`].
pub fn conflicts(duty: Duty, performer: UserId, prior: &[PriorWork]) -> Vec<DutyConflict> {
    let mut excluded: Vec<Work> = excluded_by(duty).to_vec();
    excluded.sort();
    excluded
        .into_iter()
        .filter_map(|work| {
            let items: Vec<&str> = prior
                .iter()
                .filter(|item| item.work == work && item.by == performer)
                .map(|item| item.description.as_str())
                .collect();
            if items.is_empty() {
                return None;
            }
            let plural = if items.len() == 1 { "" } else { "s" };
            Some(DutyConflict {
                code: work.conflict_code(),
                message: format!(
                    "separation of duties: you recorded the {}{plural} {}, so someone else must {duty}",
                    work.noun(),
                    items.join(", ")
                ),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    fn user(n: u128) -> UserId {
        UserId::from_uuid(Uuid::from_u128(n))
    }

    fn work(work: Work, by: u128, description: &str) -> PriorWork {
        PriorWork {
            work,
            by: user(by),
            description: description.to_owned(),
        }
    }

    #[test]
    fn every_duty_has_a_rule() {
        for duty in [
            Duty::ReleaseLot,
            Duty::InvalidateResult,
            Duty::CloseInvestigation,
        ] {
            assert!(!excluded_by(duty).is_empty(), "{duty}");
        }
    }

    #[test]
    fn conflicts_table() {
        let record = [
            work(Work::ProcessingStep, 1, "PASSAGE"),
            work(Work::ProcessingStep, 1, "HARVEST"),
            work(Work::TestResult, 2, "CD73"),
        ];
        let cases: [(Duty, u128, &[&str]); 7] = [
            (Duty::ReleaseLot, 1, &["SIGNER_RECORDED_STEP"]),
            (Duty::ReleaseLot, 2, &["SIGNER_RECORDED_RESULT"]),
            (Duty::ReleaseLot, 3, &[]),
            (Duty::InvalidateResult, 1, &[]),
            (Duty::InvalidateResult, 2, &["SIGNER_RECORDED_RESULT"]),
            (Duty::CloseInvestigation, 2, &["SIGNER_RECORDED_RESULT"]),
            (Duty::CloseInvestigation, 3, &[]),
        ];
        for (duty, performer, expected) in cases {
            let codes: Vec<&str> = conflicts(duty, user(performer), &record)
                .iter()
                .map(|conflict| conflict.code)
                .collect();
            assert_eq!(codes, expected, "{duty} by user {performer}");
        }
    }

    #[test]
    fn one_conflict_per_kind_names_every_item() {
        let record = [
            work(Work::ProcessingStep, 1, "PASSAGE"),
            work(Work::ProcessingStep, 1, "HARVEST"),
            work(Work::TestResult, 1, "CD73"),
        ];
        let found = conflicts(Duty::ReleaseLot, user(1), &record);
        assert_eq!(found.len(), 2);
        assert_eq!(
            found[0].message,
            "separation of duties: you recorded the processing steps PASSAGE, HARVEST, so someone \
             else must release this lot"
        );
    }
}
