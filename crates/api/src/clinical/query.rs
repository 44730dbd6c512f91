//! Clinical queries: patients, orders, administrations, look-back and outcome summaries.

use async_graphql::{Context, Object};
use cordtrace_domain::clinical::LookbackSource;
use cordtrace_domain::clinical::summary::SummaryPolicy;
use cordtrace_domain::ids::{AdministrationId, OrderId, PatientId};
use cordtrace_store::queries::clinical as reads;
use uuid::Uuid;

use super::lookback::{LookbackObject, OutcomeSummaryObject};
use super::types::{AdministrationObject, OrderObject, PatientObject};
use crate::context::parts;
use crate::error::{ApiError, ApiResult};
use crate::production::DownstreamFrom;

/// Most patients one page returns.
const MAX_PAGE: i32 = 200;

/// Clinical queries.
#[derive(Default)]
pub struct ClinicalQuery;

#[Object]
impl ClinicalQuery {
    /// A patient by id.
    async fn patient(&self, ctx: &Context<'_>, id: Uuid) -> ApiResult<PatientObject> {
        let (api, _) = parts(ctx)?;
        let id = PatientId::from_uuid(id);
        reads::patient(api.executor.database(), id)
            .await?
            .map(PatientObject::from)
            .ok_or_else(|| ApiError::not_found(format!("patient {id}")))
    }

    /// A patient by opaque key, e.g. `PAT26-000001`.
    async fn patient_by_key(&self, ctx: &Context<'_>, key: String) -> ApiResult<PatientObject> {
        let (api, _) = parts(ctx)?;
        reads::patient_by_key(api.executor.database(), &key)
            .await?
            .map(PatientObject::from)
            .ok_or_else(|| ApiError::not_found(format!("patient {key}")))
    }

    /// Patients by key: at most `first` (1 to 200, default 50) after the key `after`.
    async fn patients(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50)] first: i32,
        after: Option<String>,
    ) -> ApiResult<Vec<PatientObject>> {
        let (api, _) = parts(ctx)?;
        if !(1..=MAX_PAGE).contains(&first) {
            return Err(ApiError::validation(
                "BAD_PAGE_SIZE",
                format!("first must be 1 to {MAX_PAGE}"),
            ));
        }
        let first = u64::try_from(first).unwrap_or(1);
        Ok(
            reads::patients(api.executor.database(), after.as_deref(), first)
                .await?
                .into_iter()
                .map(PatientObject::from)
                .collect(),
        )
    }

    /// An order by id.
    async fn order(&self, ctx: &Context<'_>, id: Uuid) -> ApiResult<OrderObject> {
        let (api, _) = parts(ctx)?;
        let id = OrderId::from_uuid(id);
        reads::order(api.executor.database(), id)
            .await?
            .map(OrderObject::from)
            .ok_or_else(|| ApiError::not_found(format!("order {id}")))
    }

    /// An administration by id.
    async fn administration(&self, ctx: &Context<'_>, id: Uuid) -> ApiResult<AdministrationObject> {
        let (api, _) = parts(ctx)?;
        let id = AdministrationId::from_uuid(id);
        reads::administration(api.executor.database(), id)
            .await?
            .map(AdministrationObject::from)
            .ok_or_else(|| ApiError::not_found(format!("administration {id}")))
    }

    /// Look-back from a donor, donation, material lot or lot: every lot and unit downstream,
    /// by status, and every patient who received one, with dates.
    async fn lookback(&self, ctx: &Context<'_>, from: DownstreamFrom) -> ApiResult<LookbackObject> {
        let (api, _) = parts(ctx)?;
        reads::lookback(api.executor.database(), LookbackSource::from(from))
            .await?
            .map(LookbackObject)
            .ok_or_else(|| ApiError::not_found(from))
    }

    /// Outcomes of every administered patient by lot, by donor and by prescribed dose per kg:
    /// patients, change from baseline at 3, 6 and 12 months (visits within 30 days), and
    /// adverse events by grade.
    async fn outcome_summary(&self, ctx: &Context<'_>) -> ApiResult<OutcomeSummaryObject> {
        let (api, _) = parts(ctx)?;
        Ok(
            reads::outcome_summary(api.executor.database(), &SummaryPolicy::default())
                .await?
                .into(),
        )
    }
}
