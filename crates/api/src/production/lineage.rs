//! Lineage queries: upstream from a unit or lot to its donors, downstream from a donor,
//! donation, material lot or lot to every lot and unit made from it, page by page.

use async_graphql::{Context, Object, SimpleObject};
use cordtrace_domain::ids::{AdministrationId, LotId, UnitId};
use cordtrace_store::queries::production::{self, DownstreamStart, Reached, Upstream};

use super::inputs::{DownstreamFrom, UpstreamFrom};
use super::types::{
    DonorStanding, EquipmentUsed, Lot, MaterialLotUsed, SourceDonation, Step, Unit,
};
use crate::clinical::AdministrationObject;
use crate::context::parts;
use crate::error::{ApiError, ApiResult};
use crate::paging::{DEFAULT_PAGE, KeyConnection, connection, cursor, page_size};

/// Everything behind a unit or lot.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(name = "Upstream")]
pub struct UpstreamObject {
    /// The unit the trace started from, if it started from a unit.
    pub unit: Option<Unit>,
    /// The starting lot and every ancestor, oldest first.
    pub lots: Vec<Lot>,
    /// The steps that made those lots or worked on them in place, by start time.
    pub steps: Vec<Step>,
    /// Every material lot those steps used.
    pub material_lots: Vec<MaterialLotUsed>,
    /// Every piece of equipment those steps used.
    pub equipment: Vec<EquipmentUsed>,
    /// The cord donations at the root.
    pub donations: Vec<SourceDonation>,
    /// The donors, with their current eligibility and consent.
    pub donors: Vec<DonorStanding>,
}

impl From<Upstream> for UpstreamObject {
    fn from(upstream: Upstream) -> Self {
        Self {
            unit: upstream.unit.map(Into::into),
            lots: upstream.lots.into_iter().map(Into::into).collect(),
            steps: upstream.steps.into_iter().map(Into::into).collect(),
            material_lots: upstream.material_lots.into_iter().map(Into::into).collect(),
            equipment: upstream.equipment.into_iter().map(Into::into).collect(),
            donations: upstream.donations.into_iter().map(Into::into).collect(),
            donors: upstream.donors.into_iter().map(Into::into).collect(),
        }
    }
}

/// Everything made from a donor, donation, material lot or lot, down to the administrations
/// of its units. A facility-wide material lot reaches a million units, so every list is a page
/// and every count a field of its own, each answered by one recursive statement when asked.
pub struct DownstreamObject {
    start: DownstreamStart,
}

#[Object(name = "Downstream")]
impl DownstreamObject {
    /// The lots reached, the start's own first, in the order they were recorded. The cursor is
    /// the lot's id.
    async fn lots(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        first: Option<i32>,
    ) -> ApiResult<KeyConnection<Lot>> {
        let (api, _) = parts(ctx)?;
        let after = cursor::<LotId>(after)?;
        let first = page_size(first, DEFAULT_PAGE)?;
        let page =
            production::downstream_lots(api.executor.database(), self.start, after, first).await?;
        Ok(connection(page, after.is_some(), |record| {
            record.lot.id.to_string()
        }))
    }

    /// The units filled from those lots, with status and custody, in the order they were
    /// recorded. The cursor is the unit's id.
    async fn units(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        first: Option<i32>,
    ) -> ApiResult<KeyConnection<Unit>> {
        let (api, _) = parts(ctx)?;
        let after = cursor::<UnitId>(after)?;
        let first = page_size(first, DEFAULT_PAGE)?;
        let page =
            production::downstream_units(api.executor.database(), self.start, after, first).await?;
        Ok(connection(page, after.is_some(), |record| {
            record.unit.id.to_string()
        }))
    }

    /// The administrations of those units (patients by opaque key), in the order they were
    /// recorded. The cursor is the administration's id. Read by those who read administrations
    /// (clinician, QA, auditor); anyone else gets null here with FORBIDDEN.
    async fn administrations(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        first: Option<i32>,
    ) -> ApiResult<Option<KeyConnection<AdministrationObject>>> {
        let (api, _) = parts(ctx)?;
        let after = cursor::<AdministrationId>(after)?;
        let first = page_size(first, DEFAULT_PAGE)?;
        let page = production::downstream_administrations(
            api.executor.database(),
            self.start,
            after,
            first,
        )
        .await?;
        Ok(Some(connection(page, after.is_some(), |record| {
            record.administration.id.to_string()
        })))
    }

    /// How many lots the trace reaches.
    async fn lot_count(&self, ctx: &Context<'_>) -> ApiResult<u64> {
        self.count(ctx, Reached::Lots).await
    }

    /// How many units were filled from them.
    async fn unit_count(&self, ctx: &Context<'_>) -> ApiResult<u64> {
        self.count(ctx, Reached::Units).await
    }

    /// How many of those units were administered.
    async fn administration_count(&self, ctx: &Context<'_>) -> ApiResult<u64> {
        self.count(ctx, Reached::Administrations).await
    }
}

impl DownstreamObject {
    async fn count(&self, ctx: &Context<'_>, listing: Reached) -> ApiResult<u64> {
        let (api, _) = parts(ctx)?;
        Ok(production::downstream_count(api.executor.database(), self.start, listing).await?)
    }
}

/// Lineage queries.
#[derive(Default)]
pub struct LineageQuery;

#[Object]
impl LineageQuery {
    /// Everything behind a unit or lot, at any depth: ancestor lots, their steps, the material
    /// lots and equipment used, the donations and the donors with their eligibility and consent.
    async fn upstream(&self, ctx: &Context<'_>, from: UpstreamFrom) -> ApiResult<UpstreamObject> {
        let (api, _) = parts(ctx)?;
        production::upstream(api.executor.database(), from.into())
            .await?
            .map(UpstreamObject::from)
            .ok_or_else(|| ApiError::not_found(from))
    }

    /// Everything made from a donor, donation, material lot or lot, at any depth: the lots and
    /// the units with their status and administrations (look-back and recall), page by page.
    async fn downstream(
        &self,
        ctx: &Context<'_>,
        from: DownstreamFrom,
    ) -> ApiResult<DownstreamObject> {
        let (api, _) = parts(ctx)?;
        let start = DownstreamStart::from(from);
        if production::downstream_exists(api.executor.database(), start).await? {
            Ok(DownstreamObject { start })
        } else {
            Err(ApiError::not_found(from))
        }
    }
}
