//! Release mutations: specifications, testing, results, investigations and disposition.
//!
//! Each resolver parses its input into domain types, re-checks the password of a signed action
//! (after the role check, so a viewer who may not act never has a password checked), runs one
//! store command as the viewer in the role the access table grants, and reads the result back.

use async_graphql::{Context, Object};
use cordtrace_domain::ids::{InvestigationId, LotId, SpecificationId, TestResultId};
use cordtrace_domain::release::commands::DispositionInput;
use cordtrace_domain::signature::{Meaning, Signature};
use cordtrace_store::commands::release::{
    BeginTesting, CloseInvestigation, DefineSpecification, DisposeLot, ImportDefaultSpecification,
    InvalidateResult, RecordResult,
};
use cordtrace_store::queries::release::{self, InvestigationScope};
use uuid::Uuid;

use super::inputs::{DefineSpecificationInput, RecordTestResultInput, narrative};
use super::types::{
    Disposition, Investigation, LotTesting, RecordTestResultPayload, Specification, TestResult,
};
use crate::context::{ApiContext, execute, parts};
use crate::error::{ApiError, ApiResult};
use crate::identity::SignatureInput;
use crate::signing;

/// Re-checks the viewer's password for a signed `operation`, once the access table lets them
/// perform it.
async fn sign(
    ctx: &Context<'_>,
    operation: &str,
    input: SignatureInput,
    required: Option<Meaning>,
) -> ApiResult<Signature> {
    let (api, viewer) = parts(ctx)?;
    viewer.actor(operation)?;
    signing::sign(api, viewer, input, required).await
}

async fn read_specification(api: &ApiContext, id: SpecificationId) -> ApiResult<Specification> {
    release::specification(api.executor.database(), id)
        .await?
        .map(Specification::from)
        .ok_or_else(|| ApiError::not_found(format!("specification {id}")))
}

async fn read_result(api: &ApiContext, id: TestResultId) -> ApiResult<TestResult> {
    release::result(api.executor.database(), id)
        .await?
        .map(TestResult::from)
        .ok_or_else(|| ApiError::not_found(format!("test result {id}")))
}

async fn read_investigation(api: &ApiContext, id: InvestigationId) -> ApiResult<Investigation> {
    release::investigations(api.executor.database(), InvestigationScope::One(id))
        .await?
        .into_iter()
        .next()
        .map(Investigation::from)
        .ok_or_else(|| ApiError::not_found(format!("investigation {id}")))
}

async fn dispose(
    ctx: &Context<'_>,
    operation: &str,
    lot_id: Uuid,
    input: DispositionInput,
    signature: SignatureInput,
) -> ApiResult<Disposition> {
    let lot_id = LotId::from_uuid(lot_id);
    let signature = sign(ctx, operation, signature, Some(Meaning::Approval)).await?;
    let command = DisposeLot {
        lot_id,
        input,
        signature,
    };
    let (api, ()) = execute(ctx, operation, command).await?;
    release::disposition(api.executor.database(), lot_id)
        .await?
        .map(Disposition::from)
        .ok_or_else(|| ApiError::not_found(format!("disposition of lot {lot_id}")))
}

/// Release mutations.
#[derive(Default)]
pub struct ReleaseMutation;

#[Object]
impl ReleaseMutation {
    /// Imports the default UC-MSC drug product specification shipped with cordtrace (version 1,
    /// from domain.md). Refused with CONFLICT `DUPLICATE_SPEC_VERSION` once imported.
    async fn import_default_specification(&self, ctx: &Context<'_>) -> ApiResult<Specification> {
        let command = ImportDefaultSpecification {
            specification_id: SpecificationId::from_uuid(Uuid::now_v7()),
        };
        let (api, id) = execute(ctx, "Mutation.importDefaultSpecification", command).await?;
        read_specification(api, id).await
    }

    /// Defines a new version of a product kind's specification. Versions and effective dates
    /// increase; a lot keeps the version in effect when its testing began.
    async fn define_specification(
        &self,
        ctx: &Context<'_>,
        input: DefineSpecificationInput,
    ) -> ApiResult<Specification> {
        let command = DefineSpecification {
            specification_id: SpecificationId::from_uuid(Uuid::now_v7()),
            content: input.parse()?,
        };
        let (api, id) = execute(ctx, "Mutation.defineSpecification", command).await?;
        read_specification(api, id).await
    }

    /// Begins testing a lot in QUARANTINE against the specification of its kind in effect today.
    async fn begin_testing(&self, ctx: &Context<'_>, lot_id: Uuid) -> ApiResult<LotTesting> {
        let lot_id = LotId::from_uuid(lot_id);
        let (api, _) = execute(ctx, "Mutation.beginTesting", BeginTesting { lot_id }).await?;
        release::testing(api.executor.database(), lot_id)
            .await?
            .map(LotTesting::from)
            .ok_or_else(|| ApiError::not_found(format!("testing record of lot {lot_id}")))
    }

    /// Records a result for a lot under test, evaluated at once. A FAIL of a required test opens
    /// an out-of-specification investigation. A test with a valid result takes no other: QA
    /// invalidates it first, and the retest names it in `retestOf`.
    async fn record_test_result(
        &self,
        ctx: &Context<'_>,
        input: RecordTestResultInput,
    ) -> ApiResult<RecordTestResultPayload> {
        let new = input.parse()?;
        let (api, recorded) =
            execute(ctx, "Mutation.recordTestResult", RecordResult { new }).await?;
        let result = read_result(api, recorded.result_id).await?;
        let investigation = match recorded.investigation_id {
            Some(id) => Some(read_investigation(api, id).await?),
            None => None,
        };
        Ok(RecordTestResultPayload {
            result,
            investigation,
        })
    }

    /// Invalidates a result with a reason, signed (any meaning). It stays readable and no longer
    /// counts; the analyst who recorded it may not invalidate it.
    async fn invalidate_test_result(
        &self,
        ctx: &Context<'_>,
        result_id: Uuid,
        reason: String,
        signature: SignatureInput,
    ) -> ApiResult<TestResult> {
        let operation = "Mutation.invalidateTestResult";
        let result_id = TestResultId::from_uuid(result_id);
        let reason = narrative(&reason, "a reason")?;
        let signature = sign(ctx, operation, signature, None).await?;
        let command = InvalidateResult {
            result_id,
            reason,
            signature,
        };
        let (api, ()) = execute(ctx, operation, command).await?;
        read_result(api, result_id).await
    }

    /// Closes an out-of-specification investigation with its conclusion, signed (any meaning).
    async fn close_investigation(
        &self,
        ctx: &Context<'_>,
        investigation_id: Uuid,
        conclusion: String,
        signature: SignatureInput,
    ) -> ApiResult<Investigation> {
        let operation = "Mutation.closeInvestigation";
        let investigation_id = InvestigationId::from_uuid(investigation_id);
        let conclusion = narrative(&conclusion, "a conclusion")?;
        let signature = sign(ctx, operation, signature, None).await?;
        let command = CloseInvestigation {
            investigation_id,
            conclusion,
            signature,
        };
        let (api, ()) = execute(ctx, operation, command).await?;
        read_investigation(api, investigation_id).await
    }

    /// Releases a lot in QUARANTINE, signed with the meaning APPROVAL. Refused unless every
    /// condition holds; the refusal lists every unmet one in `extensions.reasons` (see
    /// `releaseBlockers`). A DRUG_PRODUCT lot's units are released with it.
    async fn release_lot(
        &self,
        ctx: &Context<'_>,
        lot_id: Uuid,
        note: Option<String>,
        signature: SignatureInput,
    ) -> ApiResult<Disposition> {
        let note = note
            .as_deref()
            .map(|note| narrative(note, "a note"))
            .transpose()?;
        let input = DispositionInput::Release { note };
        dispose(ctx, "Mutation.releaseLot", lot_id, input, signature).await
    }

    /// Rejects a lot in QUARANTINE with a reason, signed with the meaning APPROVAL. Its units are
    /// set aside for destruction (REJECTED).
    async fn reject_lot(
        &self,
        ctx: &Context<'_>,
        lot_id: Uuid,
        reason: String,
        signature: SignatureInput,
    ) -> ApiResult<Disposition> {
        let reason = narrative(&reason, "a reason")?;
        let input = DispositionInput::Reject { reason };
        dispose(ctx, "Mutation.rejectLot", lot_id, input, signature).await
    }
}
