//! What the forms of a lot's review send to the API besides QA's disposition: the analyst
//! begins testing and records results; QA invalidates a result, closes an investigation and
//! assesses and closes a deviation, the signed ones with the signature dialog. One [`Action`]
//! per form, each one mutation; the API validates, decides, signs and records, and its refusal
//! comes back next to the field it concerns.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::form::{Fields, Problem, Refused};
use super::release::{self, Decision};
use super::release_record::{self, Record};
use super::{Shell, Shown, error_page, posted_shell};
use crate::client::{self, Failures};
use crate::{Shared, Web, documents};

/// The forms of the review other than the disposition, as named in their URL
/// (`/release/{lotId}/{action}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Action {
    BeginTesting,
    RecordResult,
    InvalidateResult,
    CloseInvestigation,
    AssessDeviation,
    CloseDeviation,
}

impl Action {
    /// Every form.
    pub(crate) const ALL: [Action; 6] = [
        Action::BeginTesting,
        Action::RecordResult,
        Action::InvalidateResult,
        Action::CloseInvestigation,
        Action::AssessDeviation,
        Action::CloseDeviation,
    ];

    /// The form's name in the page.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Action::BeginTesting => "begin-testing",
            Action::RecordResult => "record-result",
            Action::InvalidateResult => "invalidate-result",
            Action::CloseInvestigation => "close-investigation",
            Action::AssessDeviation => "assess-deviation",
            Action::CloseDeviation => "close-deviation",
        }
    }

    /// What the page says once it was done.
    pub(crate) fn done(self) -> &'static str {
        match self {
            Action::BeginTesting => {
                "Testing begun against the specification in force; record the results."
            }
            Action::RecordResult => "Result recorded and evaluated.",
            Action::InvalidateResult => {
                "Result invalidated and signed; it no longer counts and may be retested."
            }
            Action::CloseInvestigation => "Investigation closed and signed.",
            Action::AssessDeviation => "Impact assessment recorded; QA may close the deviation.",
            Action::CloseDeviation => "Deviation closed and signed.",
        }
    }

    /// The meaning the form's signature carries, for the signed forms.
    pub(crate) fn meaning(self) -> Option<&'static str> {
        match self {
            Action::InvalidateResult => Some("REVIEW"),
            Action::CloseInvestigation | Action::CloseDeviation => Some("APPROVAL"),
            Action::BeginTesting | Action::RecordResult | Action::AssessDeviation => None,
        }
    }
}

/// What a POST under a lot's review names: QA's disposition or another form.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum Posted {
    Decision(Decision),
    Action(Action),
}

/// Why an action did not happen.
enum NotDone {
    /// The form was not sent: a field does not have the shape its mutation takes, or names
    /// a record that is not this lot's.
    Field(Problem),
    /// The API refused it; `field` is the field the refusal concerns, when known.
    Refused {
        failures: Failures,
        field: Option<&'static str>,
    },
}

impl From<Problem> for NotDone {
    fn from(problem: Problem) -> Self {
        NotDone::Field(problem)
    }
}

/// `POST /release/{lotId}/{posted}`: the disposition goes to [`release::decide`]; another
/// form, done, goes back to the review (post, redirect, get), whose blockers are read again;
/// refused, the review comes back with what was typed and why, and nothing was written.
pub(crate) async fn post(
    State(web): State<Shared>,
    headers: HeaderMap,
    Path((lot_id, posted)): Path<(String, Posted)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let fields = Fields(fields);
    let shell = match posted_shell(&web, &headers, &fields).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    let action = match posted {
        Posted::Decision(decision) => {
            return release::decide(&web, &shell, &lot_id, decision, &fields).await;
        }
        Posted::Action(action) => action,
    };
    // The record is the lot's of the URL, read back through the API: an id in the form that
    // is not of this lot is refused here.
    let record = match release_record::read(&web, &shell, &lot_id).await {
        Ok(record) => record,
        Err(failures) => return error_page(Some(shell.layout()), &failures),
    };
    match run(&web, &shell, action, &lot_id, &record, &fields).await {
        Ok(()) => {
            Redirect::to(&format!("/release/{lot_id}?done={}", action.name())).into_response()
        }
        Err(not_done) => {
            let (shown, field) = match not_done {
                NotDone::Field(problem) => (problem.shown(), Some(problem.field)),
                NotDone::Refused { failures, field } => match failures.first() {
                    Some(failure) => (Shown::from(failure), field.map(str::to_owned)),
                    None => return super::internal_error(),
                },
            };
            let refused = Refused {
                form: action.name(),
                fields,
                shown,
                field,
            };
            release::review_page(&web, &shell, &lot_id, release::Outcome::Refused(refused)).await
        }
    }
}

/// Runs `action` on the lot `lot_id` with the posted `fields`.
async fn run(
    web: &Web,
    shell: &Shell,
    action: Action,
    lot_id: &str,
    record: &Record,
    fields: &Fields,
) -> Result<(), NotDone> {
    let signature = action
        .meaning()
        .map(|meaning| json!({ "password": fields.text("password"), "meaning": meaning }));
    let (document, variables) = match action {
        Action::BeginTesting => (documents::BEGIN_TESTING, json!({ "lotId": lot_id })),
        Action::RecordResult => (
            documents::RECORD_TEST_RESULT,
            result_input(shell, lot_id, record, fields)?,
        ),
        Action::InvalidateResult => {
            let result_id = fields.text("result_id");
            if !record
                .result(result_id)
                .is_some_and(|result| result.current)
            {
                return Err(not_of_lot("result_id", "a standing result").into());
            }
            (
                documents::INVALIDATE_TEST_RESULT,
                json!({
                    "resultId": result_id,
                    "reason": fields.text("reason"),
                    "signature": signature,
                }),
            )
        }
        Action::CloseInvestigation => {
            let investigation_id = fields.text("id");
            if !record.has_investigation(investigation_id) {
                return Err(not_of_lot("conclusion", "an investigation").into());
            }
            (
                documents::CLOSE_INVESTIGATION,
                json!({
                    "investigationId": investigation_id,
                    "conclusion": fields.text("conclusion"),
                    "signature": signature,
                }),
            )
        }
        Action::AssessDeviation => {
            let deviation_id = fields.text("id");
            if !record.has_deviation(deviation_id) {
                return Err(not_of_lot("impact_assessment", "a deviation").into());
            }
            (
                documents::ASSESS_DEVIATION,
                json!({
                    "deviationId": deviation_id,
                    "impactAssessment": fields.text("impact_assessment"),
                }),
            )
        }
        Action::CloseDeviation => {
            let deviation_id = fields.text("id");
            if !record.has_deviation(deviation_id) {
                return Err(not_of_lot("conclusion", "a deviation").into());
            }
            (
                documents::CLOSE_DEVIATION,
                json!({
                    "deviationId": deviation_id,
                    "conclusion": fields.text("conclusion"),
                    "signature": signature,
                }),
            )
        }
    };
    match client::run::<Value>(web, &shell.visitor.viewer, document, variables, None).await {
        Ok(_) => Ok(()),
        Err(failures) => {
            let field = field_of(action, &failures);
            Err(NotDone::Refused { failures, field })
        }
    }
}

/// A form that names a record this lot does not have (a forged or stale form).
fn not_of_lot(field: &str, what: &str) -> Problem {
    Problem::new(field, format!("the form does not name {what} of this lot"))
}

/// `recordTestResult`'s input: the test chosen from the specification in force, with the unit
/// and method the specification writes for it, and the time typed in the facility's zone.
fn result_input(
    shell: &Shell,
    lot_id: &str,
    record: &Record,
    fields: &Fields,
) -> Result<Value, Problem> {
    let test = record.test(fields.text("test_code")).ok_or_else(|| {
        Problem::new(
            "test_code",
            "choose a test of the specification in force".to_owned(),
        )
    })?;
    let tested_at = shell
        .time
        .parse_input(fields.text("tested_at"))
        .ok_or_else(|| {
            Problem::new(
                "tested_at",
                format!(
                    "the time tested must be a date and time in {}",
                    shell.time.name()
                ),
            )
        })?;
    let retest_of = fields.optional("retest_of");
    if let Value::String(id) = &retest_of
        && !record
            .result(id)
            .is_some_and(|result| result.awaiting_retest.is_some() && result.test_code == test.code)
    {
        return Err(Problem::new(
            "retest_of",
            format!(
                "a retest names an invalidated result of {} of this lot",
                test.code
            ),
        ));
    }
    Ok(json!({ "input": {
        "lotId": lot_id,
        "testCode": test.code,
        // Sent as typed: whether it is a decimal or an outcome of the test is the API's rule.
        "value": fields.text("value"),
        "unit": test.unit,
        "method": test.method,
        "instrument": fields.text("instrument"),
        "sampleId": fields.text("sample_id"),
        "testedAt": tested_at,
        "retestOf": retest_of,
    }}))
}

/// The field of `action`'s form a refusal concerns, from its reason codes.
fn field_of(action: Action, failures: &Failures) -> Option<&'static str> {
    let failure = failures.first()?;
    let signed = action.meaning().is_some();
    failure.reasons.iter().find_map(|reason| {
        match (action, reason.code.as_str()) {
            (_, "SIGNATURE_REJECTED") if signed => Some("password"),
            // The instrument and sample are required and bounded in the form, so an invalid
            // value of a sent result form is its value.
            (
                Action::RecordResult,
                "INVALID_VALUE" | "INVALID_OUTCOME" | "WRONG_VALUE_KIND" | "WRONG_OUTCOME",
            ) => Some("value"),
            (Action::RecordResult, "IN_FUTURE") => Some("tested_at"),
            (Action::RecordResult, "RETEST_REFERENCE_REQUIRED" | "INVALID_RETEST") => {
                Some("retest_of")
            }
            (Action::RecordResult, "UNKNOWN_TEST" | "WRONG_UNIT" | "RESULT_EXISTS") => {
                Some("test_code")
            }
            (Action::InvalidateResult, "INVALID_VALUE") => Some("reason"),
            (Action::CloseInvestigation | Action::CloseDeviation, "INVALID_VALUE") => {
                Some("conclusion")
            }
            (Action::AssessDeviation, "INVALID_VALUE") => Some("impact_assessment"),
            _ => None,
        }
    })
}
