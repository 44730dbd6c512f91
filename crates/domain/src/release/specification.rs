//! Release specifications as versioned data: for a product kind, from an effective date, the tests
//! a lot must pass and how each is judged.
//!
//! Every type here is built by a parser, and deserialising one (from the shipped JSON file, from
//! an API input, from a ledger payload) runs the same checks, so a `SpecificationContent` in hand
//! is always consistent.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ids::{SpecificationId, UserId};
use crate::manufacturing::LotKind;
use crate::time::Timestamp;
use crate::values::Label;

use super::criterion::Criterion;
use super::error::ReleaseError;
use super::identifiers::{SpecVersion, TestCode, TestUnit};

/// Whether a test's result gates release.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Requirement {
    /// The lot is released only with a valid PASS.
    Required,
    /// Reported on the certificate; never blocks release and opens no investigation.
    ReportOnly,
}

impl Requirement {
    /// The name, as the API shows it.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Requirement::Required => "REQUIRED",
            Requirement::ReportOnly => "REPORT_ONLY",
        }
    }
}

/// One test of a specification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawTest")]
pub struct TestDefinition {
    code: TestCode,
    name: Label,
    method: Label,
    unit: Option<TestUnit>,
    criterion: Criterion,
    requirement: Requirement,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTest {
    code: TestCode,
    name: Label,
    method: Label,
    #[serde(default)]
    unit: Option<TestUnit>,
    criterion: Criterion,
    requirement: Requirement,
}

impl TryFrom<RawTest> for TestDefinition {
    type Error = ReleaseError;

    fn try_from(raw: RawTest) -> Result<Self, Self::Error> {
        Self::new(
            raw.code,
            raw.name,
            raw.method,
            raw.unit,
            raw.criterion,
            raw.requirement,
        )
    }
}

impl TestDefinition {
    /// Checks that a qualitative test has no unit and that a required test has a criterion.
    pub fn new(
        code: TestCode,
        name: Label,
        method: Label,
        unit: Option<TestUnit>,
        criterion: Criterion,
        requirement: Requirement,
    ) -> Result<Self, ReleaseError> {
        if !criterion.is_numeric() && unit.is_some() {
            return Err(ReleaseError::InvalidSpecification(format!(
                "test {code} has a qualitative criterion and so no unit"
            )));
        }
        if criterion == Criterion::Report && requirement == Requirement::Required {
            return Err(ReleaseError::InvalidSpecification(format!(
                "test {code} is REQUIRED and so needs an acceptance criterion"
            )));
        }
        Ok(Self {
            code,
            name,
            method,
            unit,
            criterion,
            requirement,
        })
    }

    /// The code.
    pub fn code(&self) -> &TestCode {
        &self.code
    }

    /// The name, e.g. `CD73 expression`.
    pub fn name(&self) -> &Label {
        &self.name
    }

    /// The method, e.g. `Flow cytometry`.
    pub fn method(&self) -> &Label {
        &self.method
    }

    /// The unit results are reported in; `None` for qualitative tests.
    pub fn unit(&self) -> Option<&TestUnit> {
        self.unit.as_ref()
    }

    /// The acceptance criterion.
    pub fn criterion(&self) -> &Criterion {
        &self.criterion
    }

    /// Whether it gates release.
    pub fn requirement(&self) -> Requirement {
        self.requirement
    }
}

/// Most tests one specification may hold.
pub const MAX_TESTS: usize = 100;

/// What a specification says: product kind, version, effective date, title and tests (unique codes,
/// at least one REQUIRED). The shipped JSON file and the `specification.defined` payload have this
/// shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawSpecification")]
pub struct SpecificationContent {
    product_kind: LotKind,
    version: SpecVersion,
    effective_on: NaiveDate,
    title: Label,
    tests: Vec<TestDefinition>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpecification {
    product_kind: LotKind,
    version: SpecVersion,
    effective_on: NaiveDate,
    title: Label,
    tests: Vec<TestDefinition>,
}

impl TryFrom<RawSpecification> for SpecificationContent {
    type Error = ReleaseError;

    fn try_from(raw: RawSpecification) -> Result<Self, Self::Error> {
        Self::new(
            raw.product_kind,
            raw.version,
            raw.effective_on,
            raw.title,
            raw.tests,
        )
    }
}

impl SpecificationContent {
    /// Checks the list of tests: 1 to [`MAX_TESTS`], unique codes, at least one REQUIRED.
    pub fn new(
        product_kind: LotKind,
        version: SpecVersion,
        effective_on: NaiveDate,
        title: Label,
        tests: Vec<TestDefinition>,
    ) -> Result<Self, ReleaseError> {
        let invalid = |why: String| Err(ReleaseError::InvalidSpecification(why));
        if tests.is_empty() || tests.len() > MAX_TESTS {
            return invalid(format!("a specification has 1 to {MAX_TESTS} tests"));
        }
        let mut codes = BTreeSet::new();
        for test in &tests {
            if !codes.insert(test.code()) {
                return invalid(format!("test {} is listed twice", test.code()));
            }
        }
        if !tests
            .iter()
            .any(|test| test.requirement() == Requirement::Required)
        {
            return invalid("a specification needs at least one REQUIRED test".to_owned());
        }
        Ok(Self {
            product_kind,
            version,
            effective_on,
            title,
            tests,
        })
    }

    /// Parses the JSON form (the shipped file, or an installation's own).
    pub fn from_json(json: &str) -> Result<Self, ReleaseError> {
        serde_json::from_str(json)
            .map_err(|error| ReleaseError::InvalidSpecification(error.to_string()))
    }

    /// The product kind it applies to.
    pub fn product_kind(&self) -> LotKind {
        self.product_kind
    }

    /// Its version within the product kind.
    pub fn version(&self) -> SpecVersion {
        self.version
    }

    /// The first day it is in effect (UTC calendar day).
    pub fn effective_on(&self) -> NaiveDate {
        self.effective_on
    }

    /// Its title.
    pub fn title(&self) -> &Label {
        &self.title
    }

    /// Its tests, in the order written.
    pub fn tests(&self) -> &[TestDefinition] {
        &self.tests
    }

    /// The test with `code`, if any.
    pub fn test(&self, code: &TestCode) -> Option<&TestDefinition> {
        self.tests.iter().find(|test| test.code() == code)
    }

    /// `DRUG_PRODUCT v1`, for messages.
    pub fn label(&self) -> String {
        format!("{} specification {}", self.product_kind, self.version)
    }
}

/// A defined specification. Never changed once defined; a change is a new version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Specification {
    /// Identity.
    pub id: SpecificationId,
    /// What it says.
    pub content: SpecificationContent,
    /// Who defined it (`None` when cordtrace imported it at installation).
    pub defined_by: Option<UserId>,
    /// When it was defined.
    pub defined_at: Timestamp,
}

/// The specification of `kind` in effect on `day`: the one with the latest effective date on or
/// before that day. Effective dates of one kind strictly increase with the version (see
/// [`define_specification`](super::commands::define_specification)), so at most one qualifies.
pub fn in_effect<'a>(
    specifications: impl IntoIterator<Item = &'a Specification>,
    kind: LotKind,
    day: NaiveDate,
) -> Option<&'a Specification> {
    specifications
        .into_iter()
        .filter(|spec| spec.content.product_kind() == kind && spec.content.effective_on() <= day)
        .max_by_key(|spec| (spec.content.effective_on(), spec.content.version()))
}
