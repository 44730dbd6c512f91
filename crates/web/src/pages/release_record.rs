//! What a lot's review reads for its forms, beside the certificate's words: each result's id
//! and the retest that answers an invalidation, the investigations by id, the steps of the lot
//! with who recorded them, and its deviations. The forms of [`super::release_actions`] name
//! only ids found here, so a forged id of another lot's record is refused before the API.

use serde::Deserialize;
use serde_json::json;

use super::Shell;
use crate::client::{self, Failures};
use crate::time::FacilityTime;
use crate::{Web, documents};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RecordData {
    certificate_of_analysis: Certificate,
    steps: Vec<Step>,
    deviations: Vec<Deviation>,
}

#[derive(Deserialize)]
struct Certificate {
    tests: Vec<Test>,
    investigations: Vec<Investigation>,
}

/// A test of the specification in force, as the result form offers it.
#[derive(Deserialize)]
pub(crate) struct Test {
    pub(crate) code: String,
    pub(crate) method: String,
    pub(crate) unit: Option<String>,
    results: Vec<ResultRead>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResultRead {
    id: String,
    value_text: String,
    tested_at: String,
    retest_of: Option<String>,
    current: bool,
    invalidation: Option<InvalidationRead>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InvalidationRead {
    invalidated_by: Staff,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Staff {
    printed_name: String,
}

/// An out-of-specification investigation, by id.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Investigation {
    pub(crate) id: String,
    pub(crate) test_code: String,
    pub(crate) result_id: String,
    pub(crate) opened_at: String,
    pub(crate) conclusion: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Step {
    id: String,
    kind: String,
    sop_id: String,
    sop_version: String,
    operator: Staff,
    started_at: String,
    ended_at: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Deviation {
    id: String,
    step_id: Option<String>,
    severity: String,
    description: String,
    impact_assessment: Option<String>,
    opened_by: Staff,
    opened_at: String,
    open: bool,
    conclusion: Option<String>,
    closed_by: Option<Staff>,
}

/// A result as the forms name it: what it was and whether it may be invalidated or retested.
pub(crate) struct ResultShown {
    pub(crate) id: String,
    pub(crate) test_code: String,
    /// `CD73 98.5 %, tested 2026-12-07 14:05 +01:00`.
    pub(crate) label: String,
    /// It stands: QA may invalidate it.
    pub(crate) current: bool,
    /// Invalidated (by whom), and not yet answered by a retest: the analyst may retest it.
    pub(crate) awaiting_retest: Option<String>,
}

/// A step of the lot and who recorded it.
pub(crate) struct StepShown {
    pub(crate) kind: String,
    pub(crate) sop: String,
    pub(crate) operator: String,
    pub(crate) started_at: String,
    pub(crate) ended_at: String,
}

/// A deviation and where it stands.
pub(crate) struct DeviationShown {
    pub(crate) id: String,
    /// What it concerns: the lot, or one of its steps.
    pub(crate) concerns: String,
    pub(crate) severity: String,
    pub(crate) description: String,
    pub(crate) opened: String,
    pub(crate) impact_assessment: Option<String>,
    pub(crate) open: bool,
    /// The conclusion and who closed it, once closed.
    pub(crate) closure: Option<String>,
}

/// The record behind a lot's review forms.
pub(crate) struct Record {
    pub(crate) tests: Vec<Test>,
    pub(crate) results: Vec<ResultShown>,
    pub(crate) investigations: Vec<Investigation>,
    pub(crate) steps: Vec<StepShown>,
    pub(crate) deviations: Vec<DeviationShown>,
}

impl Record {
    /// The test `code` of the specification in force.
    pub(crate) fn test(&self, code: &str) -> Option<&Test> {
        self.tests.iter().find(|test| test.code == code)
    }

    /// The result `id` of this lot.
    pub(crate) fn result(&self, id: &str) -> Option<&ResultShown> {
        self.results.iter().find(|result| result.id == id)
    }

    /// Whether a result stands (QA may invalidate it).
    pub(crate) fn has_standing_result(&self) -> bool {
        self.results.iter().any(|result| result.current)
    }

    /// Whether the investigation `id` is one of this lot.
    pub(crate) fn has_investigation(&self, id: &str) -> bool {
        self.investigations
            .iter()
            .any(|investigation| investigation.id == id)
    }

    /// Whether the deviation `id` is one of this lot.
    pub(crate) fn has_deviation(&self, id: &str) -> bool {
        self.deviations.iter().any(|deviation| deviation.id == id)
    }
}

/// Reads the record of `lot_id` as the viewer.
pub(crate) async fn read(web: &Web, shell: &Shell, lot_id: &str) -> Result<Record, Failures> {
    let data: RecordData = client::run(
        web,
        &shell.visitor.viewer,
        documents::RELEASE_RECORD,
        json!({ "lotId": lot_id }),
        None,
    )
    .await?;
    let time = &shell.time;
    let mut results = Vec::new();
    for test in &data.certificate_of_analysis.tests {
        for result in &test.results {
            let retested = test
                .results
                .iter()
                .any(|other| other.retest_of.as_deref() == Some(result.id.as_str()));
            results.push(ResultShown {
                id: result.id.clone(),
                test_code: test.code.clone(),
                label: format!(
                    "{} {}, tested {}",
                    test.code,
                    result.value_text,
                    time.show(&result.tested_at)
                ),
                current: result.current,
                awaiting_retest: result
                    .invalidation
                    .as_ref()
                    .filter(|_| !retested)
                    .map(|invalidation| invalidation.invalidated_by.printed_name.clone()),
            });
        }
    }
    let deviations = data
        .deviations
        .into_iter()
        .map(|deviation| deviation_shown(time, &data.steps, deviation))
        .collect();
    Ok(Record {
        steps: data
            .steps
            .into_iter()
            .map(|step| step_shown(time, step))
            .collect(),
        deviations,
        tests: data.certificate_of_analysis.tests,
        results,
        investigations: data
            .certificate_of_analysis
            .investigations
            .into_iter()
            .map(|investigation| Investigation {
                opened_at: time.show(&investigation.opened_at),
                ..investigation
            })
            .collect(),
    })
}

fn step_shown(time: &FacilityTime, step: Step) -> StepShown {
    StepShown {
        kind: step.kind,
        sop: format!("{} version {}", step.sop_id, step.sop_version),
        operator: step.operator.printed_name,
        started_at: time.show(&step.started_at),
        ended_at: step
            .ended_at
            .map_or_else(|| "open".to_owned(), |ended| time.show(&ended)),
    }
}

fn deviation_shown(time: &FacilityTime, steps: &[Step], deviation: Deviation) -> DeviationShown {
    let step = deviation
        .step_id
        .as_deref()
        .map(|id| steps.iter().find(|step| step.id == id));
    DeviationShown {
        concerns: match step {
            None => "the lot".to_owned(),
            Some(Some(step)) => format!(
                "the step {} started {}",
                step.kind,
                time.show(&step.started_at)
            ),
            // A step of an ancestor lot: named by its id, as the API gives it.
            Some(None) => format!("the step {}", deviation.step_id.unwrap_or_default()),
        },
        opened: format!(
            "{} by {}",
            time.show(&deviation.opened_at),
            deviation.opened_by.printed_name
        ),
        closure: deviation.conclusion.map(|conclusion| {
            let by = deviation
                .closed_by
                .map_or_else(String::new, |staff| format!(" ({})", staff.printed_name));
            format!("{conclusion}{by}")
        }),
        id: deviation.id,
        severity: deviation.severity,
        description: deviation.description,
        impact_assessment: deviation.impact_assessment,
        open: deviation.open,
    }
}
