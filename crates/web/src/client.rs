//! Executing the documents of [`crate::documents`] against the in-process schema.

use std::collections::BTreeMap;

use async_graphql::{Request, Variables};
use cordtrace_api::{ClientAddress, Viewer};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::Web;

/// One coded reason of a refusal (`extensions.reasons[]`).
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct Reason {
    /// The stable code.
    pub(crate) code: String,
    /// The sentence.
    pub(crate) message: String,
}

/// An error of the API, as it is shown to a person: the sentence and its codes.
#[derive(Clone, Debug)]
pub(crate) struct Failure {
    /// The API's message.
    pub(crate) message: String,
    /// `extensions.code`: VALIDATION, NOT_FOUND, UNAUTHENTICATED, FORBIDDEN, CONFLICT, INTERNAL.
    pub(crate) code: String,
    /// `extensions.reasons`, each with its own code.
    pub(crate) reasons: Vec<Reason>,
}

impl Failure {
    /// A failure outside the API's answer (an answer that does not have the expected shape).
    fn internal() -> Self {
        Self {
            message: "internal error".to_owned(),
            code: "INTERNAL".to_owned(),
            reasons: Vec::new(),
        }
    }

    /// Whether this is the refusal for a missing or dead session.
    pub(crate) fn is_unauthenticated(&self) -> bool {
        self.code == "UNAUTHENTICATED"
    }

    /// Whether the user must change the password before anything else.
    pub(crate) fn is_password_change_required(&self) -> bool {
        self.reasons
            .iter()
            .any(|reason| reason.code == "PASSWORD_CHANGE_REQUIRED")
    }
}

/// The failures of one answer; the first is the one a page shows.
pub(crate) type Failures = Vec<Failure>;

/// Runs `document` with `variables` as `viewer` and reads its data as `T`. Any error in the
/// answer fails the whole call: a page shows a complete answer or the refusal, never a part.
pub(crate) async fn run<T: DeserializeOwned>(
    web: &Web,
    viewer: &Viewer,
    document: &str,
    variables: serde_json::Value,
    address: Option<ClientAddress>,
) -> Result<T, Failures> {
    let mut request = Request::new(document)
        .variables(Variables::from_json(variables))
        .data(viewer.clone());
    if let Some(address) = address {
        request = request.data(address);
    }
    let response = web.schema.execute(request).await;
    if !response.errors.is_empty() {
        return Err(response.errors.iter().map(failure).collect());
    }
    let data = response.data.into_json().map_err(|error| {
        tracing::error!(%error, "a GraphQL answer is not JSON");
        vec![Failure::internal()]
    })?;
    serde_json::from_value(data).map_err(|error| {
        tracing::error!(%error, "a GraphQL answer does not have the shape its page expects");
        vec![Failure::internal()]
    })
}

/// Runs a lookup `document` (one root field that selects the `id` of one record) with
/// `variables` as `viewer`, and answers that id.
pub(crate) async fn run_for_id(
    web: &Web,
    viewer: &Viewer,
    document: &str,
    variables: serde_json::Value,
) -> Result<String, Failures> {
    #[derive(Deserialize)]
    struct Found {
        id: String,
    }
    let answer: BTreeMap<String, Found> = run(web, viewer, document, variables, None).await?;
    answer
        .into_values()
        .next()
        .map(|found| found.id)
        .ok_or_else(|| {
            tracing::error!("a lookup answered no record");
            vec![Failure::internal()]
        })
}

fn failure(error: &async_graphql::ServerError) -> Failure {
    let extensions = error
        .extensions
        .as_ref()
        .and_then(|extensions| serde_json::to_value(extensions).ok());
    let code = extensions
        .as_ref()
        .and_then(|extensions| extensions.get("code"))
        .and_then(serde_json::Value::as_str)
        // An error without a code comes from parsing or validation: the document is wrong.
        .unwrap_or("VALIDATION")
        .to_owned();
    let reasons = extensions
        .as_ref()
        .and_then(|extensions| extensions.get("reasons"))
        .and_then(|reasons| serde_json::from_value(reasons.clone()).ok())
        .unwrap_or_default();
    Failure {
        message: error.message.clone(),
        code,
        reasons,
    }
}
