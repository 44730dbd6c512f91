//! Follow-up: visits with lupus measurements, and adverse events with their CTCAE grade.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ids::{AdministrationId, AdverseEventId, PatientId, UserId, VisitId};
use crate::time::Timestamp;
use crate::values::{Label, ValueError};

use super::measures::{
    AlbuminGPerL, AntiDsDnaIuPerMl, C3GPerL, C4GPerL, CreatinineUmolPerL, PrednisoneMgPerDay,
    ProteinCreatinineRatio, ProteinuriaGPerDay, Sledai2k,
};

/// What a visit measured. Every field is optional (a visit records what was done), but a visit
/// with none is refused.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitMeasures {
    /// SLEDAI-2K score.
    pub sledai_2k: Option<Sledai2k>,
    /// 24-hour proteinuria.
    pub proteinuria_g_per_day: Option<ProteinuriaGPerDay>,
    /// Spot urine protein/creatinine ratio (when no 24-hour collection was made).
    pub protein_creatinine_ratio: Option<ProteinCreatinineRatio>,
    /// Serum creatinine.
    pub creatinine: Option<CreatinineUmolPerL>,
    /// Serum albumin.
    pub albumin: Option<AlbuminGPerL>,
    /// Complement C3.
    pub c3: Option<C3GPerL>,
    /// Complement C4.
    pub c4: Option<C4GPerL>,
    /// Anti-dsDNA antibodies.
    pub anti_dsdna: Option<AntiDsDnaIuPerMl>,
    /// Glucocorticoid dose, prednisone equivalent.
    pub prednisone: Option<PrednisoneMgPerDay>,
    /// Other immunosuppressants, each with its dose as written (e.g. `mycophenolate 1 g/day`).
    pub other_immunosuppressants: Vec<Label>,
}

impl VisitMeasures {
    /// Most other immunosuppressants one visit may list.
    pub const MAX_OTHER_IMMUNOSUPPRESSANTS: usize = 20;

    /// Whether nothing at all was measured.
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}

/// A follow-up visit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Visit {
    /// Identity.
    pub id: VisitId,
    /// The patient.
    pub patient_id: PatientId,
    /// The administrations it follows up (empty for a baseline visit).
    pub administrations: Vec<AdministrationId>,
    /// The visit date.
    pub visited_on: NaiveDate,
    /// What was measured.
    pub measures: VisitMeasures,
    /// Who recorded it.
    pub recorded_by: UserId,
    /// When.
    pub recorded_at: Timestamp,
}

/// A CTCAE grade: 1 mild, 2 moderate, 3 severe, 4 life-threatening, 5 death.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct CtcaeGrade(u8);

impl CtcaeGrade {
    /// Death related to the adverse event.
    pub const FATAL: CtcaeGrade = CtcaeGrade(5);

    /// Checks the range 1 to 5.
    pub fn new(grade: u8) -> Result<Self, ValueError> {
        if !(1..=5).contains(&grade) {
            return Err(ValueError::OutOfRange {
                what: "a CTCAE grade",
                value: grade.to_string(),
                min: "1".to_owned(),
                max: "5".to_owned(),
                unit: "",
            });
        }
        Ok(Self(grade))
    }

    /// The grade.
    pub fn get(&self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for CtcaeGrade {
    type Error = ValueError;

    fn try_from(grade: u8) -> Result<Self, Self::Error> {
        Self::new(grade)
    }
}

impl From<CtcaeGrade> for u8 {
    fn from(grade: CtcaeGrade) -> Self {
        grade.0
    }
}

/// How likely the product caused the event (the usual five-point scale).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Relatedness {
    /// Not related.
    Unrelated,
    /// Unlikely related.
    Unlikely,
    /// Possibly related.
    Possible,
    /// Probably related.
    Probable,
    /// Definitely related.
    Definite,
}

impl Relatedness {
    /// Every value.
    pub const ALL: [Relatedness; 5] = [
        Relatedness::Unrelated,
        Relatedness::Unlikely,
        Relatedness::Possible,
        Relatedness::Probable,
        Relatedness::Definite,
    ];

    /// The name, as the API shows it.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Relatedness::Unrelated => "UNRELATED",
            Relatedness::Unlikely => "UNLIKELY",
            Relatedness::Possible => "POSSIBLE",
            Relatedness::Probable => "PROBABLE",
            Relatedness::Definite => "DEFINITE",
        }
    }

    /// Parses [`Relatedness::as_str`].
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|value| value.as_str() == name)
    }
}

impl fmt::Display for Relatedness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An adverse event of a patient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdverseEvent {
    /// Identity.
    pub id: AdverseEventId,
    /// The patient.
    pub patient_id: PatientId,
    /// The administrations it may follow (empty when it is not linked to one).
    pub administrations: Vec<AdministrationId>,
    /// The term (a CTCAE term as written).
    pub term: Label,
    /// The grade.
    pub grade: CtcaeGrade,
    /// Whether it is serious (death, life-threatening, hospitalisation, disability...).
    pub serious: bool,
    /// The investigator's assessment of causality.
    pub relatedness: Relatedness,
    /// The onset date.
    pub onset_on: NaiveDate,
    /// The resolution date; `None` while ongoing.
    pub resolved_on: Option<NaiveDate>,
    /// Who recorded it.
    pub recorded_by: UserId,
    /// When.
    pub recorded_at: Timestamp,
}
