//! Electronic signatures at the API: re-check the password, then hand the signature to the command.

use cordtrace_domain::signature::{Meaning, Signature};
use cordtrace_store::auth::{self, SignatureError};

use crate::context::{ApiContext, Viewer};
use crate::error::{ApiError, ApiResult};
use crate::identity::SignatureInput;

/// Re-checks the viewer's password for `input` and returns the signature to bind to the entry.
///
/// A wrong password (or a locked or deactivated account) is refused with FORBIDDEN and the reason
/// `SIGNATURE_REJECTED`; the failure is ledgered and counts toward the lockout, and nothing else
/// is written. `required` refuses any other meaning (release is APPROVAL, administration
/// RESPONSIBILITY).
pub(crate) async fn sign(
    api: &ApiContext,
    viewer: &Viewer,
    input: SignatureInput,
    required: Option<Meaning>,
) -> ApiResult<Signature> {
    let session = viewer.session()?;
    let meaning = Meaning::from(input.meaning);
    if let Some(required) = required
        && meaning != required
    {
        return Err(ApiError::validation(
            "WRONG_SIGNATURE_MEANING",
            format!("this action is signed with the meaning {required}, not {meaning}"),
        ));
    }
    auth::sign(
        &api.executor,
        api.auth_policy,
        &session.user,
        input.password,
        meaning,
    )
    .await
    .map_err(|error| match error {
        SignatureError::Rejected => ApiError::forbidden_because(
            "SIGNATURE_REJECTED",
            "the signature was refused: wrong password, or the account is locked or deactivated",
        ),
        SignatureError::Command(error) => error.into(),
    })
}
