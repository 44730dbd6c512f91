//! Processing steps and the measurements they record.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::{DonationId, EquipmentId, LotId, MaterialLotId, StepId, UserId};
use crate::time::Timestamp;
use crate::values::{
    CellCount, Decimal, Label, Millilitres, Narrative, Percent, PopulationDoublings, ValueError,
};

use super::error::ManufacturingError;

/// What a step does, which fixes how many lots go in and come out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StepKind {
    /// Cord tissue prepared from a received donation: the donation in, one CORD_TISSUE lot out.
    TissueProcessing,
    /// Explant culture: one lot in, one lot out.
    ExplantCulture,
    /// A passage: one lot in, one lot out.
    Passage,
    /// A split: one lot in, two or more out.
    Split,
    /// A pool: two or more lots in, one out.
    Pool,
    /// Banking: one lot in, one CELL_BANK lot out.
    Banking,
    /// Harvest: one lot in, one lot out.
    Harvest,
    /// Formulation: one or more lots in, one lot out.
    Formulation,
    /// Work on one lot that makes no new lot (feeding, counting, inspection, cryopreservation).
    InProcess,
}

impl StepKind {
    /// The name, as the API shows it.
    pub const fn as_str(&self) -> &'static str {
        match self {
            StepKind::TissueProcessing => "TISSUE_PROCESSING",
            StepKind::ExplantCulture => "EXPLANT_CULTURE",
            StepKind::Passage => "PASSAGE",
            StepKind::Split => "SPLIT",
            StepKind::Pool => "POOL",
            StepKind::Banking => "BANKING",
            StepKind::Harvest => "HARVEST",
            StepKind::Formulation => "FORMULATION",
            StepKind::InProcess => "IN_PROCESS",
        }
    }

    /// Checks how many lots go in and come out.
    pub fn check_shape(
        &self,
        donation: bool,
        inputs: usize,
        outputs: usize,
    ) -> Result<(), ManufacturingError> {
        let fits = match self {
            StepKind::TissueProcessing => donation && inputs == 0 && outputs == 1,
            StepKind::Split => !donation && inputs == 1 && outputs >= 2,
            StepKind::Pool => !donation && inputs >= 2 && outputs == 1,
            StepKind::Formulation => !donation && inputs >= 1 && outputs == 1,
            StepKind::ExplantCulture
            | StepKind::Passage
            | StepKind::Banking
            | StepKind::Harvest => !donation && inputs == 1 && outputs == 1,
            StepKind::InProcess => !donation && inputs == 1 && outputs == 0,
        };
        if fits {
            Ok(())
        } else {
            Err(ManufacturingError::StepShape(format!(
                "a {} step takes {}",
                self.as_str(),
                match self {
                    StepKind::TissueProcessing => "a donation and makes one lot",
                    StepKind::Split => "one lot and makes two or more",
                    StepKind::Pool => "two or more lots and makes one",
                    StepKind::Formulation => "one or more lots and makes one",
                    StepKind::InProcess => "one lot and makes none",
                    _ => "one lot and makes one",
                }
            )))
        }
    }
}

impl fmt::Display for StepKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A typed measurement; each kind has one unit and one range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Measurement {
    /// Viable cells counted, in cells.
    ViableCellCount(CellCount),
    /// Viability, in %.
    Viability(Percent),
    /// Passage number.
    PassageNumber(u16),
    /// Cumulative population doublings, in PD.
    PopulationDoublings(PopulationDoublings),
    /// Volume, in mL.
    Volume(Millilitres),
    /// Confluence, in %.
    Confluence(Percent),
}

impl Measurement {
    /// The measurement kinds and their units, for the API.
    pub const KINDS: [(&'static str, &'static str); 6] = [
        ("VIABLE_CELL_COUNT", "cells"),
        ("VIABILITY", "%"),
        ("PASSAGE_NUMBER", "passage"),
        ("POPULATION_DOUBLINGS", "PD"),
        ("VOLUME", "mL"),
        ("CONFLUENCE", "%"),
    ];

    /// Builds a measurement from its kind, value and unit as entered; the unit must be the
    /// kind's unit and the value within its range.
    pub fn parse(kind: &str, value: &str, unit: &str) -> Result<Self, ManufacturingError> {
        let expected = Self::KINDS
            .iter()
            .find(|(name, _)| *name == kind)
            .map(|(_, unit)| *unit)
            .ok_or_else(|| {
                ManufacturingError::StepShape(format!("unknown measurement kind {kind}"))
            })?;
        if unit != expected {
            return Err(ManufacturingError::StepShape(format!(
                "{kind} is measured in {expected}, not {unit}"
            )));
        }
        let integer = |what: &'static str| -> Result<u64, ValueError> {
            let decimal = Decimal::parse(value)?;
            let text = decimal.to_string();
            text.parse::<u64>().map_err(|_| ValueError::OutOfRange {
                what,
                value: text,
                min: "0".to_owned(),
                max: "a whole number".to_owned(),
                unit: "",
            })
        };
        Ok(match kind {
            "VIABLE_CELL_COUNT" => {
                Measurement::ViableCellCount(CellCount::new(integer("a cell count")?)?)
            }
            "VIABILITY" => Measurement::Viability(Percent::parse(value)?),
            "PASSAGE_NUMBER" => {
                let passage = integer("a passage number")?;
                Measurement::PassageNumber(
                    u16::try_from(passage).ok().filter(|p| *p <= 100).ok_or(
                        ValueError::OutOfRange {
                            what: "a passage number",
                            value: passage.to_string(),
                            min: "0".to_owned(),
                            max: "100".to_owned(),
                            unit: "",
                        },
                    )?,
                )
            }
            "POPULATION_DOUBLINGS" => {
                Measurement::PopulationDoublings(PopulationDoublings::parse(value)?)
            }
            "VOLUME" => Measurement::Volume(Millilitres::parse(value)?),
            _ => Measurement::Confluence(Percent::parse(value)?),
        })
    }

    /// The kind's name.
    pub fn kind(&self) -> &'static str {
        match self {
            Measurement::ViableCellCount(_) => "VIABLE_CELL_COUNT",
            Measurement::Viability(_) => "VIABILITY",
            Measurement::PassageNumber(_) => "PASSAGE_NUMBER",
            Measurement::PopulationDoublings(_) => "POPULATION_DOUBLINGS",
            Measurement::Volume(_) => "VOLUME",
            Measurement::Confluence(_) => "CONFLUENCE",
        }
    }

    /// The value as text.
    pub fn value_text(&self) -> String {
        match self {
            Measurement::ViableCellCount(count) => count.get().to_string(),
            Measurement::Viability(percent) | Measurement::Confluence(percent) => {
                percent.value().to_string()
            }
            Measurement::PassageNumber(passage) => passage.to_string(),
            Measurement::PopulationDoublings(pd) => pd.value().to_string(),
            Measurement::Volume(volume) => volume.value().to_string(),
        }
    }

    /// The unit.
    pub fn unit(&self) -> &'static str {
        Self::KINDS
            .iter()
            .find(|(name, _)| *name == self.kind())
            .map_or("", |(_, unit)| *unit)
    }
}

/// A processing step (21 CFR 1271.270: made as the step is done, naming the person and date).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessingStep {
    /// Identity.
    pub id: StepId,
    /// What it does.
    pub kind: StepKind,
    /// The SOP followed.
    pub sop_id: Label,
    /// Its version.
    pub sop_version: Label,
    /// Who did it (from the session).
    pub operator: UserId,
    /// When it started.
    pub started_at: Timestamp,
    /// When it ended; `None` while open.
    pub ended_at: Option<Timestamp>,
    /// For tissue processing, the donation.
    pub donation: Option<DonationId>,
    /// Lots that went in.
    pub inputs: Vec<LotId>,
    /// Lots it made.
    pub outputs: Vec<LotId>,
    /// Measurements, in the order recorded.
    pub measurements: Vec<Measurement>,
    /// Equipment used.
    pub equipment: Vec<EquipmentId>,
    /// Material lots used.
    pub material_lots: Vec<MaterialLotId>,
    /// Notes.
    pub notes: Option<Narrative>,
    /// When it was recorded.
    pub recorded_at: Timestamp,
}

impl ProcessingStep {
    /// Every lot the step touched.
    pub fn lots(&self) -> impl Iterator<Item = LotId> + '_ {
        self.inputs.iter().chain(&self.outputs).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measurements_check_unit_and_range() {
        let cases = [
            ("VIABILITY", "92.5", "%", Ok("92.5")),
            ("VIABILITY", "92.5", "percent", Err("STEP_SHAPE")),
            ("VIABILITY", "120", "%", Err("INVALID_VALUE")),
            ("VIABLE_CELL_COUNT", "120000000", "cells", Ok("120000000")),
            ("VIABLE_CELL_COUNT", "-5", "cells", Err("INVALID_VALUE")),
            ("VIABLE_CELL_COUNT", "1.5", "cells", Err("INVALID_VALUE")),
            ("PASSAGE_NUMBER", "4", "passage", Ok("4")),
            ("VOLUME", "0.5", "mL", Ok("0.5")),
            ("WEIGHT", "1", "kg", Err("STEP_SHAPE")),
        ];
        for (kind, value, unit, expected) in cases {
            let got = Measurement::parse(kind, value, unit).map(|m| m.value_text());
            match expected {
                Ok(text) => assert_eq!(got.unwrap(), text, "{kind} {value}"),
                Err(code) => {
                    let error = got.unwrap_err();
                    assert_eq!(crate::refusal::Refuse::code(&error), code, "{kind} {value}");
                }
            }
        }
    }

    #[test]
    fn step_shapes() {
        assert!(StepKind::Split.check_shape(false, 1, 2).is_ok());
        assert!(StepKind::Split.check_shape(false, 1, 1).is_err());
        assert!(StepKind::Pool.check_shape(false, 1, 1).is_err());
        assert!(StepKind::TissueProcessing.check_shape(true, 0, 1).is_ok());
        assert!(StepKind::TissueProcessing.check_shape(false, 1, 1).is_err());
        assert!(StepKind::InProcess.check_shape(false, 1, 0).is_ok());
    }
}
