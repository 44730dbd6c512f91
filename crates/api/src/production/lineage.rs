//! Lineage queries: upstream from a unit or lot to its donors, downstream from a donor,
//! donation, material lot or lot to every lot and unit made from it.

use async_graphql::{Context, Object, SimpleObject};
use cordtrace_store::queries::production::{self, Downstream, Upstream};

use super::inputs::{DownstreamFrom, UpstreamFrom};
use super::types::{
    DonorStanding, EquipmentUsed, Lot, MaterialLotUsed, SourceDonation, Step, Unit,
};
use crate::clinical::AdministrationObject;
use crate::context::parts;
use crate::error::{ApiError, ApiResult};

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
/// of its units.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(name = "Downstream")]
pub struct DownstreamObject {
    /// Every lot reached, oldest first.
    pub lots: Vec<Lot>,
    /// Every unit filled from those lots, with status and custody.
    pub units: Vec<Unit>,
    /// Every administration of those units (patients by opaque key), earliest first.
    pub administrations: Vec<AdministrationObject>,
}

impl From<Downstream> for DownstreamObject {
    fn from(downstream: Downstream) -> Self {
        Self {
            lots: downstream.lots.into_iter().map(Into::into).collect(),
            units: downstream.units.into_iter().map(Into::into).collect(),
            administrations: downstream
                .administrations
                .into_iter()
                .map(Into::into)
                .collect(),
        }
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
    /// the units with their status and administrations (look-back and recall).
    async fn downstream(
        &self,
        ctx: &Context<'_>,
        from: DownstreamFrom,
    ) -> ApiResult<DownstreamObject> {
        let (api, _) = parts(ctx)?;
        production::downstream(api.executor.database(), from.into())
            .await?
            .map(DownstreamObject::from)
            .ok_or_else(|| ApiError::not_found(from))
    }
}
