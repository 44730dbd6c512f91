//! Inputs of the release mutations, parsed into domain types at the boundary. A refusal carries
//! the domain's reason code (INVALID_TEST_CODE, INVALID_UNIT, INVALID_VALUE,
//! INVALID_SPECIFICATION...).

use async_graphql::InputObject;
use chrono::{DateTime, NaiveDate, Utc};
use cordtrace_domain::ids::{InvestigationId, LotId, TestResultId};
use cordtrace_domain::release::commands::NewResult;
use cordtrace_domain::release::{
    Bound, Criterion, NumericRange, ReleaseError, ResultValue, SpecVersion, SpecificationContent,
    TestCode, TestDefinition, TestUnit,
};
use cordtrace_domain::values::{Decimal, Label, Narrative};
use cordtrace_domain::{Refusal, Timestamp};
use uuid::Uuid;

use super::types::{CriterionKind, TestOutcome, TestRequirement};
use crate::error::{ApiError, ApiResult};
use crate::production::LotKind;

/// A domain refusal of an input value, with the domain's reason code.
pub(crate) fn refused(error: impl Into<ReleaseError>) -> ApiError {
    Refusal::from(error.into()).into()
}

/// A short text (1 to 200 characters).
pub(crate) fn label(raw: &str, what: &'static str) -> ApiResult<Label> {
    Label::parse(raw, what).map_err(refused)
}

/// A longer text (1 to 4000 characters).
pub(crate) fn narrative(raw: &str, what: &'static str) -> ApiResult<Narrative> {
    Narrative::parse(raw, what).map_err(refused)
}

fn invalid_specification(why: String) -> ApiError {
    refused(ReleaseError::InvalidSpecification(why))
}

/// One end of a numeric range.
#[derive(InputObject, Debug)]
pub struct CriterionBoundInput {
    /// The limit, as a plain decimal such as `95` or `0.5`.
    pub value: String,
    /// Whether the limit itself passes.
    pub inclusive: bool,
}

impl CriterionBoundInput {
    fn parse(self) -> ApiResult<Bound> {
        Ok(Bound {
            value: Decimal::parse(&self.value).map_err(refused)?,
            inclusive: self.inclusive,
        })
    }
}

/// An acceptance criterion: NUMERIC with `min` and/or `max`, QUALITATIVE with `expected`, or
/// REPORT (report-only tests) with neither.
#[derive(InputObject, Debug)]
pub struct CriterionInput {
    /// How results are judged.
    pub kind: CriterionKind,
    /// The lower limit of a numeric criterion.
    pub min: Option<CriterionBoundInput>,
    /// The upper limit of a numeric criterion.
    pub max: Option<CriterionBoundInput>,
    /// The outcome that passes a qualitative criterion.
    pub expected: Option<TestOutcome>,
}

impl CriterionInput {
    fn parse(self, code: &TestCode) -> ApiResult<Criterion> {
        let has_bounds = self.min.is_some() || self.max.is_some();
        match (self.kind, self.expected) {
            (CriterionKind::Numeric, None) => {
                let min = self.min.map(CriterionBoundInput::parse).transpose()?;
                let max = self.max.map(CriterionBoundInput::parse).transpose()?;
                Ok(Criterion::Numeric(
                    NumericRange::new(min, max).map_err(refused)?,
                ))
            }
            (CriterionKind::Qualitative, Some(expected)) if !has_bounds => {
                Ok(Criterion::Qualitative {
                    expected: expected.into(),
                })
            }
            (CriterionKind::Report, None) if !has_bounds => Ok(Criterion::Report),
            (kind, _) => {
                let (name, takes) = match kind {
                    CriterionKind::Numeric => {
                        ("NUMERIC", "min and/or max, and no expected outcome")
                    }
                    CriterionKind::Qualitative => {
                        ("QUALITATIVE", "an expected outcome, and no min or max")
                    }
                    CriterionKind::Report => ("REPORT", "neither limits nor an expected outcome"),
                };
                Err(invalid_specification(format!(
                    "test {code}: a {name} criterion takes {takes}"
                )))
            }
        }
    }
}

/// One test of a new specification version.
#[derive(InputObject, Debug)]
pub struct SpecificationTestInput {
    /// Its code: 1 to 32 letters, digits or underscores, starting with a letter (upper-cased).
    pub code: String,
    /// Its name.
    pub name: String,
    /// The method.
    pub method: String,
    /// The unit results are reported in; none for qualitative tests.
    pub unit: Option<String>,
    /// The acceptance criterion.
    pub criterion: CriterionInput,
    /// Whether it gates release.
    pub requirement: TestRequirement,
}

impl SpecificationTestInput {
    fn parse(self) -> ApiResult<TestDefinition> {
        let code = TestCode::parse(&self.code).map_err(refused)?;
        let criterion = self.criterion.parse(&code)?;
        TestDefinition::new(
            code,
            label(&self.name, "a test name")?,
            label(&self.method, "a method")?,
            self.unit
                .as_deref()
                .map(TestUnit::parse)
                .transpose()
                .map_err(refused)?,
            criterion,
            self.requirement.into(),
        )
        .map_err(refused)
    }
}

/// A new version of a product kind's release specification.
#[derive(InputObject, Debug)]
pub struct DefineSpecificationInput {
    /// The product kind it applies to.
    pub product_kind: LotKind,
    /// Its version: above every existing version of the kind.
    pub version: u32,
    /// The first day (UTC) it is in effect: after the latest version's.
    pub effective_on: NaiveDate,
    /// Its title.
    pub title: String,
    /// Its tests (1 to 100, unique codes, at least one REQUIRED).
    pub tests: Vec<SpecificationTestInput>,
}

impl DefineSpecificationInput {
    /// Parses the specification.
    pub(crate) fn parse(self) -> ApiResult<SpecificationContent> {
        let tests = self
            .tests
            .into_iter()
            .map(SpecificationTestInput::parse)
            .collect::<ApiResult<Vec<_>>>()?;
        SpecificationContent::new(
            self.product_kind.into(),
            SpecVersion::new(self.version).map_err(refused)?,
            self.effective_on,
            label(&self.title, "a title")?,
            tests,
        )
        .map_err(refused)
    }
}

/// A release test result as the analyst enters it.
#[derive(InputObject, Debug)]
pub struct RecordTestResultInput {
    /// The lot under test.
    pub lot_id: Uuid,
    /// The test's code in the lot's specification, such as `CD73`.
    pub test_code: String,
    /// The value: a plain decimal (`98.5`) or an outcome name (`NO_GROWTH`).
    pub value: String,
    /// The unit, exactly as the specification writes it (`%`, `EU/mL`); none for qualitative
    /// tests.
    pub unit: Option<String>,
    /// The method used.
    pub method: String,
    /// The instrument used.
    pub instrument: String,
    /// The sample tested.
    pub sample_id: String,
    /// When the test was done (not in the future).
    pub tested_at: DateTime<Utc>,
    /// The invalidated result this one retests.
    pub retest_of: Option<Uuid>,
}

impl RecordTestResultInput {
    /// Parses the result, with new ids for it and for the investigation a failure would open.
    pub(crate) fn parse(self) -> ApiResult<NewResult> {
        Ok(NewResult {
            result_id: TestResultId::from_uuid(Uuid::now_v7()),
            investigation_id: InvestigationId::from_uuid(Uuid::now_v7()),
            lot_id: LotId::from_uuid(self.lot_id),
            test_code: TestCode::parse(&self.test_code).map_err(refused)?,
            value: ResultValue::parse(&self.value).map_err(refused)?,
            unit: self
                .unit
                .as_deref()
                .map(TestUnit::parse)
                .transpose()
                .map_err(refused)?,
            method: label(&self.method, "a method")?,
            instrument: label(&self.instrument, "an instrument")?,
            sample_id: label(&self.sample_id, "a sample id")?,
            tested_at: Timestamp::from_datetime(self.tested_at),
            retest_of: self.retest_of.map(TestResultId::from_uuid),
        })
    }
}
