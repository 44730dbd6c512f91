//! Loading a lot's batch record: everything [`release_blockers`] and the certificate of analysis
//! read, in one query per table whatever the size of the lineage.
//!
//! [`release_blockers`]: cordtrace_domain::release::conditions::release_blockers

use std::collections::BTreeSet;

use cordtrace_domain::State;
use cordtrace_domain::ids::{DonorId, LotId, MaterialLotId, SpecificationId};
use sea_orm::ConnectionTrait;

use crate::error::QueryError;
use crate::lineage;
use crate::projection::deviations::{self, DeviationFilter};
use crate::projection::release::{
    InvestigationFilter, ResultFilter, SpecificationFilter, load_dispositions, load_investigations,
    load_lot_testing, load_results, load_specifications,
};
use crate::projection::steps::{self, StepFilter};
use crate::projection::units::{self, UnitFilter};
use crate::projection::{donors, lots, materials};

/// The batch record of `lot_id`: the lot and its ancestors, the lot's donors, every step that
/// made or took in a lot of the lineage with the material lots they used, the deviations,
/// results and investigations of the lineage, the lot's testing record, specification,
/// disposition and units. A lot that does not exist gives an empty state (the domain names it).
pub(crate) async fn batch_record(
    db: &impl ConnectionTrait,
    lot_id: LotId,
) -> Result<State, QueryError> {
    let mut state = State::default();
    let lineage = lineage::with_ancestors(db, lot_id).await?;
    state.lots = lots::load(db, Some(lineage.clone())).await?;
    let Some(lot) = state.lots.get(&lot_id) else {
        return Ok(state);
    };
    let donor_ids: Vec<DonorId> = lot.donors.iter().copied().collect();
    if !donor_ids.is_empty() {
        state.donors = donors::load(db, Some(donor_ids)).await?;
    }
    state.steps = steps::load(db, StepFilter::Lots(lineage.clone())).await?;
    let material_ids: BTreeSet<MaterialLotId> = state
        .steps
        .values()
        .flat_map(|step| step.material_lots.iter().copied())
        .collect();
    if !material_ids.is_empty() {
        state.material_lots =
            materials::load_material_lots(db, Some(material_ids.into_iter().collect())).await?;
    }
    state.deviations = deviations::load(db, DeviationFilter::Lots(lineage.clone())).await?;
    state.test_results = load_results(db, ResultFilter::Lots(lineage.clone())).await?;
    state.investigations = load_investigations(db, InvestigationFilter::Lots(lineage)).await?;
    state.lot_testing = load_lot_testing(db, Some(vec![lot_id])).await?;
    let specification_ids: Vec<SpecificationId> = state
        .lot_testing
        .values()
        .map(|testing| testing.specification_id)
        .collect();
    if !specification_ids.is_empty() {
        state.specifications =
            load_specifications(db, SpecificationFilter::Ids(specification_ids)).await?;
    }
    state.dispositions = load_dispositions(db, Some(vec![lot_id])).await?;
    state.units = units::load(db, UnitFilter::Lots(vec![lot_id])).await?;
    Ok(state)
}
