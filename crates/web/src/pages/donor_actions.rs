//! What the forms of a donor's page send to the API: one [`Action`] per form. Screening
//! records one result per marker of the panel given a result, in the panel's order; the
//! page turns the fields into variables and nothing more, the API validates and records.

use serde::Deserialize;
use serde_json::{Value, json};

use super::form::{Fields, Problem};
use super::{Shell, Shown};
use crate::Web;
use crate::client::{self, Failures};
use crate::documents;

/// The forms of a donor's page, as named in their URL (`/donors/{id}/{action}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Action {
    Consent,
    WithdrawConsent,
    Screening,
    RequestEligibility,
    Determine,
}

impl Action {
    /// Every form.
    pub(crate) const ALL: [Action; 5] = [
        Action::Consent,
        Action::WithdrawConsent,
        Action::Screening,
        Action::RequestEligibility,
        Action::Determine,
    ];

    /// The form's name in the page.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Action::Consent => "consent",
            Action::WithdrawConsent => "withdraw-consent",
            Action::Screening => "screening",
            Action::RequestEligibility => "request-eligibility",
            Action::Determine => "determine",
        }
    }

    /// What the page says once it was done.
    pub(crate) fn done(self) -> &'static str {
        match self {
            Action::Consent => "Consent recorded.",
            Action::WithdrawConsent => {
                "Withdrawal of consent recorded: her material is flagged CONSENT_WITHDRAWN."
            }
            Action::Screening => {
                "Screening results recorded. When the panel is complete, QA determines her \
                 eligibility on this page."
            }
            Action::RequestEligibility => {
                "QA's eligibility determination requested: the donor waits on QA's home page."
            }
            Action::Determine => "Eligibility determined and signed.",
        }
    }
}

/// Why an action did not happen.
pub(crate) enum NotDone {
    /// The form was not sent: a field does not have the shape its mutation takes.
    Field(Problem),
    /// The API refused it; `recorded` results of the same form were recorded before.
    Refused { failures: Failures, recorded: usize },
}

impl NotDone {
    /// The refusal as shown, and the field it concerns when known.
    pub(crate) fn shown(self) -> Option<(Shown, Option<String>)> {
        match self {
            NotDone::Field(problem) => Some((problem.shown(), Some(problem.field))),
            NotDone::Refused { failures, recorded } => {
                let mut shown = Shown::from(failures.first()?);
                if recorded > 0 {
                    shown.message = format!(
                        "{} (the {recorded} result(s) above it were recorded)",
                        shown.message
                    );
                }
                Some((shown, None))
            }
        }
    }
}

impl From<Problem> for NotDone {
    fn from(problem: Problem) -> Self {
        NotDone::Field(problem)
    }
}

impl From<Failures> for NotDone {
    fn from(failures: Failures) -> Self {
        NotDone::Refused {
            failures,
            recorded: 0,
        }
    }
}

/// The field of the screening form that holds the result of the panel's marker at `position`.
pub(crate) fn result_field(position: usize) -> String {
    format!("result-{position}")
}

/// Runs `action` for the donor `donor_id` with the posted `fields`; `markers` is the panel.
pub(crate) async fn run(
    web: &Web,
    shell: &Shell,
    action: Action,
    donor_id: &str,
    markers: &[&str],
    fields: &Fields,
) -> Result<(), NotDone> {
    let (document, variables) = match action {
        Action::Consent => (
            documents::RECORD_CONSENT,
            json!({ "donorId": donor_id, "consent": {
                "formId": fields.required("form_id", "The consent form")?,
                "formVersion": fields.required("form_version", "The form's version")?,
                "signedOn": fields.required("signed_on", "The date signed")?,
                "scope": fields.all("scope"),
            }}),
        ),
        Action::WithdrawConsent => (
            documents::WITHDRAW_CONSENT,
            json!({
                "donorId": donor_id,
                "withdrawnOn": fields.required("withdrawn_on", "The date of withdrawal")?,
                "reason": fields.required("reason", "The reason")?,
            }),
        ),
        Action::Screening => return screening(web, shell, donor_id, markers, fields).await,
        Action::RequestEligibility => (
            documents::REQUEST_ELIGIBILITY,
            json!({ "donorId": donor_id }),
        ),
        Action::Determine => (
            documents::DETERMINE_ELIGIBILITY,
            json!({
                "donorId": donor_id,
                "determination": {
                    "status": fields.required("status", "The decision")?,
                    "reasons": fields.lines("reasons"),
                },
                "signature": { "password": fields.text("password"), "meaning": "RESPONSIBILITY" },
            }),
        ),
    };
    client::run::<Value>(web, &shell.visitor.viewer, document, variables, None).await?;
    Ok(())
}

/// `recordScreening` for each marker given a result, with the method and specimen date of
/// the form.
async fn screening(
    web: &Web,
    shell: &Shell,
    donor_id: &str,
    markers: &[&str],
    fields: &Fields,
) -> Result<(), NotDone> {
    let method = fields.required("method", "The test method")?;
    let specimen_date = fields.required("specimen_date", "The specimen date")?;
    let tests: Vec<(&str, &str)> = markers
        .iter()
        .enumerate()
        .filter_map(
            |(position, marker)| match fields.text(&result_field(position)) {
                "" => None,
                result => Some((*marker, result)),
            },
        )
        .collect();
    if tests.is_empty() {
        return Err(Problem::new(
            &result_field(0),
            "give the result of at least one marker".to_owned(),
        )
        .into());
    }
    for (recorded, (marker, result)) in tests.into_iter().enumerate() {
        let variables = json!({ "donorId": donor_id, "test": {
            "marker": marker,
            "method": method,
            "result": result,
            "specimenDate": specimen_date,
        }});
        client::run::<Value>(
            web,
            &shell.visitor.viewer,
            documents::RECORD_SCREENING,
            variables,
            None,
        )
        .await
        .map_err(|failures| NotDone::Refused { failures, recorded })?;
    }
    Ok(())
}
