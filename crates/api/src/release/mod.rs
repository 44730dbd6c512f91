//! Release testing and QA disposition over GraphQL: specifications, testing, results and their
//! invalidation, out-of-specification investigations, the signed release or rejection of a lot,
//! what blocks a release, and the certificate of analysis.

mod certificate;
mod inputs;
mod mutation;
mod query;
mod types;

pub use mutation::ReleaseMutation;
pub use query::ReleaseQuery;

use cordtrace_domain::ids::LotId;
use cordtrace_store::queries::release::{self, CertificateDocument};

use crate::access;
use crate::context::{ApiContext, Viewer};
use crate::error::{ApiError, ApiResult};

/// The operation whose access rule the rendered certificate shares.
pub const CERTIFICATE_OPERATION: &str = "Query.certificateOfAnalysis";

/// The certificate of analysis of `lot_id` for `viewer`, under the same access rule as the
/// `certificateOfAnalysis` field, for the rendered document served over HTTP.
pub async fn certificate_document(
    api: &ApiContext,
    viewer: &Viewer,
    lot_id: LotId,
) -> ApiResult<CertificateDocument> {
    access::authorize(viewer, CERTIFICATE_OPERATION)?;
    release::certificate(&api.executor, api.signer.clone(), lot_id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("lot {lot_id}")))
}
