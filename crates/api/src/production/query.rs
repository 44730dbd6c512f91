//! Production queries: lots, steps, deviations and units.

use async_graphql::{Context, Object};
use cordtrace_domain::ids::{DeviationId, LotId, StepId, UnitId};
use cordtrace_domain::isbt128::Din;
use cordtrace_store::queries::production::{self, LotListFilter};
use uuid::Uuid;

use super::inputs::{din, product_code, refused};
use super::types::{CustodyState, Deviation, Lot, LotKind, LotStatus, Step, Unit};
use crate::context::parts;
use crate::error::{ApiError, ApiResult};
use crate::paging::{DEFAULT_PAGE, KeyConnection, connection, cursor, page_size};

fn lot_not_found(id: LotId) -> ApiError {
    ApiError::not_found(format!("lot {id}"))
}

/// Production queries.
#[derive(Default)]
pub struct ProductionQuery;

#[Object]
impl ProductionQuery {
    /// One lot.
    async fn lot(&self, ctx: &Context<'_>, id: Uuid) -> ApiResult<Lot> {
        let (api, _) = parts(ctx)?;
        let id = LotId::from_uuid(id);
        production::lot(api.executor.database(), id)
            .await?
            .map(Lot::from)
            .ok_or_else(|| lot_not_found(id))
    }

    /// One lot by its code, such as `DP26-000012`.
    async fn lot_by_code(&self, ctx: &Context<'_>, code: String) -> ApiResult<Lot> {
        let (api, _) = parts(ctx)?;
        production::lot_by_code(api.executor.database(), code.trim())
            .await?
            .map(Lot::from)
            .ok_or_else(|| ApiError::not_found(format!("lot {code}")))
    }

    /// Lots by code, optionally of one kind and one status. The cursor is the last code seen.
    async fn lots(
        &self,
        ctx: &Context<'_>,
        kind: Option<LotKind>,
        status: Option<LotStatus>,
        after: Option<String>,
        first: Option<i32>,
    ) -> ApiResult<KeyConnection<Lot>> {
        let (api, _) = parts(ctx)?;
        let first = page_size(first, DEFAULT_PAGE)?;
        let filter = LotListFilter {
            kind: kind.map(Into::into),
            status: status.map(Into::into),
        };
        let page =
            production::lots(api.executor.database(), filter, after.as_deref(), first).await?;
        Ok(connection(page, after.is_some(), |record| {
            record.lot.code.as_str().to_owned()
        }))
    }

    /// One processing step.
    async fn step(&self, ctx: &Context<'_>, id: Uuid) -> ApiResult<Step> {
        let (api, _) = parts(ctx)?;
        let id = StepId::from_uuid(id);
        production::step(api.executor.database(), id)
            .await?
            .map(Step::from)
            .ok_or_else(|| ApiError::not_found(format!("step {id}")))
    }

    /// Every step that took in or made a lot, by start time.
    async fn steps(&self, ctx: &Context<'_>, lot_id: Uuid) -> ApiResult<Vec<Step>> {
        let (api, _) = parts(ctx)?;
        let lot_id = LotId::from_uuid(lot_id);
        production::steps_of_lot(api.executor.database(), lot_id)
            .await?
            .map(|records| records.into_iter().map(Step::from).collect())
            .ok_or_else(|| lot_not_found(lot_id))
    }

    /// One deviation.
    async fn deviation(&self, ctx: &Context<'_>, id: Uuid) -> ApiResult<Deviation> {
        let (api, _) = parts(ctx)?;
        let id = DeviationId::from_uuid(id);
        production::deviation(api.executor.database(), id)
            .await?
            .map(Deviation::from)
            .ok_or_else(|| ApiError::not_found(format!("deviation {id}")))
    }

    /// Every deviation against a lot, oldest first.
    async fn deviations(&self, ctx: &Context<'_>, lot_id: Uuid) -> ApiResult<Vec<Deviation>> {
        let (api, _) = parts(ctx)?;
        let lot_id = LotId::from_uuid(lot_id);
        production::deviations_of_lot(api.executor.database(), lot_id)
            .await?
            .map(|records| records.into_iter().map(Deviation::from).collect())
            .ok_or_else(|| lot_not_found(lot_id))
    }

    /// One unit.
    async fn unit(&self, ctx: &Context<'_>, id: Uuid) -> ApiResult<Unit> {
        let (api, _) = parts(ctx)?;
        let id = UnitId::from_uuid(id);
        production::unit(api.executor.database(), id)
            .await?
            .map(Unit::from)
            .ok_or_else(|| ApiError::not_found(format!("unit {id}")))
    }

    /// Every unit filled from a lot, by DIN and product code.
    async fn units(&self, ctx: &Context<'_>, lot_id: Uuid) -> ApiResult<Vec<Unit>> {
        let (api, _) = parts(ctx)?;
        let lot_id = LotId::from_uuid(lot_id);
        production::units_of_lot(api.executor.database(), lot_id)
            .await?
            .map(|records| records.into_iter().map(Unit::from).collect())
            .ok_or_else(|| lot_not_found(lot_id))
    }

    /// Units in one custody state, in filling order; the cursor is the unit's id. IN_TRANSIT
    /// lists the hand-offs waiting to be received, RECEIVED the units received at a
    /// destination and not stored again since.
    async fn units_in_custody(
        &self,
        ctx: &Context<'_>,
        state: CustodyState,
        after: Option<String>,
        first: Option<i32>,
    ) -> ApiResult<KeyConnection<Unit>> {
        let (api, _) = parts(ctx)?;
        let after = cursor::<UnitId>(after)?;
        let first = page_size(first, DEFAULT_PAGE)?;
        let page =
            production::units_in_custody(api.executor.database(), state.into(), after, first)
                .await?;
        Ok(connection(page, after.is_some(), |record| {
            record.unit.id.to_string()
        }))
    }

    /// Every unit that carries a DIN, scanned (`=` + DIN + flag) or typed with the check
    /// character, or its 13 characters alone: the products and divisions of one donation.
    /// Empty when none does. A DIN without its check character is not guarded against a typing
    /// error, so this read answers with each unit's full DIN for the person to compare; no
    /// command takes one.
    async fn units_by_din(&self, ctx: &Context<'_>, din: String) -> ApiResult<Vec<Unit>> {
        let (api, _) = parts(ctx)?;
        let trimmed = din.trim();
        let din = if trimmed.len() == 13 && !trimmed.contains(' ') {
            Din::parse(trimmed).map_err(refused)?
        } else {
            self::din(trimmed)?
        };
        Ok(production::units_by_din(api.executor.database(), din)
            .await?
            .into_iter()
            .map(Unit::from)
            .collect())
    }

    /// The unit a label names: its DIN, typed with the check character or scanned (`=` + DIN +
    /// flag), and its product code, typed or scanned (`=<` + code).
    async fn unit_by_label(
        &self,
        ctx: &Context<'_>,
        din: String,
        product_code: String,
    ) -> ApiResult<Unit> {
        let (api, _) = parts(ctx)?;
        let din = self::din(&din)?;
        let product_code = self::product_code(&product_code)?;
        production::unit_by_label(api.executor.database(), din, product_code)
            .await?
            .map(Unit::from)
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "unit {} {}",
                    din.eye_readable(),
                    product_code.as_str()
                ))
            })
    }
}
