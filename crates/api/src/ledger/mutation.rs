//! Ledger mutations.

use async_graphql::{Context, Object};
use cordtrace_store::ledger::checkpoints;

use super::types::CheckpointObject;
use crate::context::parts;
use crate::error::{ApiError, ApiResult};

/// Ledger mutations.
#[derive(Default)]
pub struct LedgerMutation;

#[Object]
impl LedgerMutation {
    /// Signs a checkpoint now if the ledger grew, and returns the latest checkpoint.
    async fn sign_checkpoint(&self, ctx: &Context<'_>) -> ApiResult<CheckpointObject> {
        let (api, _) = parts(ctx)?;
        if let Some(signed) = checkpoints::sign(&api.executor, api.signer.clone()).await? {
            return Ok(signed.into());
        }
        checkpoints::latest(api.executor.database())
            .await?
            .map(CheckpointObject::from)
            .ok_or_else(|| ApiError::not_found("checkpoint (the ledger is empty)"))
    }
}
