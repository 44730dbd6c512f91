//! Release queries: specifications, a lot's testing record, results, investigations, what blocks
//! a release, and the certificate of analysis.

use async_graphql::{Context, Object};
use cordtrace_domain::ids::{InvestigationId, LotId, SpecificationId, TestResultId};
use cordtrace_store::queries::release::{self, InvestigationScope};
use uuid::Uuid;

use super::certificate::CertificateOfAnalysis;
use super::types::{Investigation, LotTesting, ReleaseCheck, Specification, TestResult};
use crate::context::parts;
use crate::error::{ApiError, ApiResult};
use crate::production::LotKind;

/// Release queries.
#[derive(Default)]
pub struct ReleaseQuery;

#[Object]
impl ReleaseQuery {
    /// Every specification version, of one product kind or all, newest version first.
    async fn specifications(
        &self,
        ctx: &Context<'_>,
        product_kind: Option<LotKind>,
    ) -> ApiResult<Vec<Specification>> {
        let (api, _) = parts(ctx)?;
        let found =
            release::specifications(api.executor.database(), product_kind.map(Into::into)).await?;
        Ok(found.into_iter().map(Specification::from).collect())
    }

    /// One specification version.
    async fn specification(&self, ctx: &Context<'_>, id: Uuid) -> ApiResult<Specification> {
        let (api, _) = parts(ctx)?;
        let id = SpecificationId::from_uuid(id);
        release::specification(api.executor.database(), id)
            .await?
            .map(Specification::from)
            .ok_or_else(|| ApiError::not_found(format!("specification {id}")))
    }

    /// The testing record of a lot (the specification version it is tested against); null
    /// before testing began.
    async fn lot_testing(&self, ctx: &Context<'_>, lot_id: Uuid) -> ApiResult<Option<LotTesting>> {
        let (api, _) = parts(ctx)?;
        let record = release::testing(api.executor.database(), LotId::from_uuid(lot_id)).await?;
        Ok(record.map(LotTesting::from))
    }

    /// One test result, invalidated or not.
    async fn test_result(&self, ctx: &Context<'_>, id: Uuid) -> ApiResult<TestResult> {
        let (api, _) = parts(ctx)?;
        let id = TestResultId::from_uuid(id);
        release::result(api.executor.database(), id)
            .await?
            .map(TestResult::from)
            .ok_or_else(|| ApiError::not_found(format!("test result {id}")))
    }

    /// Out-of-specification investigations: of one lot, or every one; only the open ones with
    /// `openOnly`. Oldest first.
    async fn investigations(
        &self,
        ctx: &Context<'_>,
        lot_id: Option<Uuid>,
        #[graphql(default)] open_only: bool,
    ) -> ApiResult<Vec<Investigation>> {
        let (api, _) = parts(ctx)?;
        let scope = match (lot_id, open_only) {
            (Some(lot_id), _) => InvestigationScope::Lot(LotId::from_uuid(lot_id)),
            (None, true) => InvestigationScope::Open,
            (None, false) => InvestigationScope::All,
        };
        let found = release::investigations(api.executor.database(), scope).await?;
        Ok(found
            .into_iter()
            .filter(|record| !open_only || record.investigation.is_open())
            .map(Investigation::from)
            .collect())
    }

    /// One investigation.
    async fn investigation(&self, ctx: &Context<'_>, id: Uuid) -> ApiResult<Investigation> {
        let (api, _) = parts(ctx)?;
        let id = InvestigationId::from_uuid(id);
        release::investigations(api.executor.database(), InvestigationScope::One(id))
            .await?
            .into_iter()
            .next()
            .map(Investigation::from)
            .ok_or_else(|| ApiError::not_found(format!("investigation {id}")))
    }

    /// What blocks the release of a lot now: every unmet condition, each with its code, as a
    /// release signed by you would be refused (so QA sees them before signing).
    async fn release_blockers(&self, ctx: &Context<'_>, lot_id: Uuid) -> ApiResult<ReleaseCheck> {
        let (api, viewer) = parts(ctx)?;
        let signer = viewer.session()?.user.id;
        let lot_id = LotId::from_uuid(lot_id);
        release::release_check(api.executor.database(), lot_id, Some(signer))
            .await?
            .map(ReleaseCheck::from)
            .ok_or_else(|| ApiError::not_found(format!("lot {lot_id}")))
    }

    /// The certificate of analysis of a lot (a draft until QA disposes of it). Also rendered for
    /// people at `GET /certificates/{lotId}`.
    async fn certificate_of_analysis(
        &self,
        ctx: &Context<'_>,
        lot_id: Uuid,
    ) -> ApiResult<CertificateOfAnalysis> {
        let (api, _) = parts(ctx)?;
        let lot_id = LotId::from_uuid(lot_id);
        release::certificate(&api.executor, api.signer.clone(), lot_id)
            .await?
            .map(CertificateOfAnalysis::from)
            .ok_or_else(|| ApiError::not_found(format!("lot {lot_id}")))
    }
}
