//! Deviations from procedure, against a lot or a step.

use serde::{Deserialize, Serialize};

use crate::ids::{DeviationId, LotId, StepId, UserId};
use crate::time::Timestamp;
use crate::values::Narrative;

/// How serious a deviation is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Severity {
    /// Minor.
    Minor,
    /// Major.
    Major,
    /// Critical.
    Critical,
}

/// The closure of a deviation, signed by QA.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    /// The conclusion.
    pub conclusion: Narrative,
    /// Who closed it.
    pub closed_by: UserId,
    /// When.
    pub closed_at: Timestamp,
}

/// A deviation. While open, it blocks release of its lot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deviation {
    /// Identity.
    pub id: DeviationId,
    /// The lot concerned.
    pub lot_id: LotId,
    /// The step concerned, if any.
    pub step_id: Option<StepId>,
    /// Its severity.
    pub severity: Severity,
    /// What happened.
    pub description: Narrative,
    /// The impact assessment, once made.
    pub impact_assessment: Option<Narrative>,
    /// Who opened it.
    pub opened_by: UserId,
    /// When.
    pub opened_at: Timestamp,
    /// The closure, once closed.
    pub closure: Option<Closure>,
}

impl Deviation {
    /// Whether it is still open.
    pub fn is_open(&self) -> bool {
        self.closure.is_none()
    }
}
