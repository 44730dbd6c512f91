//! Look-back and outcome summaries: the state slice they need, loaded with the recursive
//! lineage SQL so that only the lots a source reaches (and what hangs off them) are read.

use std::collections::{BTreeMap, BTreeSet};

use cordtrace_domain::State;
use cordtrace_domain::clinical::summary::{self, OutcomeSummary, SummaryPolicy};
use cordtrace_domain::clinical::{
    Lookback, LookbackSource, PatientKey, lookback as domain_lookback,
};
use cordtrace_domain::ids::{DonorId, LotId, OrderId, PatientId, UnitId};
use cordtrace_domain::manufacturing::{DonorKey, LotCode};
use sea_orm::ConnectionTrait;

use crate::db::Database;
use crate::error::QueryError;
use crate::lineage::{self, DownstreamStart};
use crate::projection::clinical::administrations::{self, AdministrationFilter};
use crate::projection::clinical::followup::{self, FollowUpFilter};
use crate::projection::clinical::orders::{self, OrderFilter, UnitRecordFilter};
use crate::projection::clinical::patients;
use crate::projection::donations::{self, DonationFilter};
use crate::projection::steps::{self, StepFilter};
use crate::projection::units::{self, UnitFilter};
use crate::projection::{donors, lots, materials};
use crate::queries::production::in_chunks;

/// The downstream trace a look-back or recall from `source` follows.
fn downstream_start(source: LookbackSource) -> DownstreamStart {
    match source {
        LookbackSource::Donor(id) => DownstreamStart::Donor(id),
        LookbackSource::Donation(id) => DownstreamStart::Donation(id),
        LookbackSource::MaterialLot(id) => DownstreamStart::MaterialLot(id),
        LookbackSource::Lot(id) => DownstreamStart::Lot(id),
    }
}

/// The state a look-back or recall from `source` decides on: the source itself (whole), every
/// lot it reaches (found by recursive SQL) with the steps around them, their units with
/// allocations and administrations, and the patients who received one. `None` when the source
/// does not exist.
pub(crate) async fn lookback_state(
    db: &impl ConnectionTrait,
    source: LookbackSource,
) -> Result<Option<State>, QueryError> {
    let mut state = State::default();
    let exists = match source {
        LookbackSource::Donor(id) => {
            state.donors = donors::load(db, Some(vec![id])).await?;
            !state.donors.is_empty()
        }
        LookbackSource::Donation(id) => {
            state.donations = donations::load(db, DonationFilter::Ids(vec![id])).await?;
            !state.donations.is_empty()
        }
        LookbackSource::MaterialLot(id) => {
            state.material_lots = materials::load_material_lots(db, Some(vec![id])).await?;
            !state.material_lots.is_empty()
        }
        LookbackSource::Lot(id) => {
            state.lots = lots::load(db, Some(vec![id])).await?;
            !state.lots.is_empty()
        }
    };
    if !exists {
        return Ok(None);
    }
    // A facility-wide material lot reaches more lots and units than a statement may bind: every
    // list below is loaded in chunks.
    let lot_ids: BTreeSet<LotId> = lineage::downstream_lots(db, downstream_start(source))
        .await?
        .into_iter()
        .collect();
    state
        .lots
        .extend(in_chunks(&lot_ids, |chunk| lots::load(db, Some(chunk))).await?);
    if matches!(source, LookbackSource::MaterialLot(_)) {
        state.steps = in_chunks(&lot_ids, |chunk| steps::load(db, StepFilter::Lots(chunk)))
            .await?
            .into_iter()
            .collect();
    }
    state.units = in_chunks(&lot_ids, |chunk| units::load(db, UnitFilter::Lots(chunk)))
        .await?
        .into_iter()
        .collect();
    let unit_ids: BTreeSet<UnitId> = state.units.keys().copied().collect();
    state.allocations = in_chunks(&unit_ids, |chunk| async move {
        orders::load_unit_records(db, UnitRecordFilter::Units(chunk))
            .await
            .map(|records| records.allocations)
    })
    .await?
    .into_iter()
    .collect();
    state.administrations = in_chunks(&unit_ids, |chunk| {
        administrations::load(db, AdministrationFilter::Units(chunk))
    })
    .await?
    .into_iter()
    .collect();
    let patient_ids: BTreeSet<PatientId> = state
        .administrations
        .values()
        .map(|administration| administration.patient_id)
        .collect();
    state.patients = in_chunks(&patient_ids, |chunk| patients::load(db, Some(chunk)))
        .await?
        .into_iter()
        .collect();
    Ok(Some(state))
}

/// Every lot and unit downstream of `source`, by status, and every patient who received one,
/// with dates. `None` when the source does not exist.
pub async fn lookback(
    database: &Database,
    source: LookbackSource,
) -> Result<Option<Lookback>, QueryError> {
    let Some(state) = lookback_state(database.connection(), source).await? else {
        return Ok(None);
    };
    domain_lookback::lookback(&state, source)
        .map(Some)
        .map_err(|error| QueryError::Corrupt(format!("look-back: {error}")))
}

/// An outcome summary with the names its groups and patients are shown by.
#[derive(Clone, Debug)]
pub struct OutcomeReport {
    /// The summary by lot, donor and dose.
    pub summary: OutcomeSummary,
    /// Lot codes of the lot groups.
    pub lot_codes: BTreeMap<LotId, LotCode>,
    /// Keys of the donor groups.
    pub donor_keys: BTreeMap<DonorId, DonorKey>,
    /// Keys of the patients.
    pub patient_keys: BTreeMap<PatientId, PatientKey>,
}

/// Summarises the outcomes of every administered patient: administrations, their lots (with
/// donors) and orders, and the patients' visits and adverse events.
pub async fn outcome_summary(
    database: &Database,
    policy: &SummaryPolicy,
) -> Result<OutcomeReport, QueryError> {
    let db = database.connection();
    let mut state = State {
        administrations: administrations::load(db, AdministrationFilter::All).await?,
        ..State::default()
    };
    let lot_ids: BTreeSet<LotId> = state.administrations.values().map(|a| a.lot_id).collect();
    let order_ids: BTreeSet<OrderId> = state.administrations.values().map(|a| a.order_id).collect();
    let patient_ids: Vec<PatientId> = state
        .administrations
        .values()
        .map(|a| a.patient_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    state.lots = lots::load(db, Some(lot_ids.into_iter().collect())).await?;
    state.orders = orders::load(db, OrderFilter::Ids(order_ids.into_iter().collect())).await?;
    state.visits = followup::load_visits(db, FollowUpFilter::Patients(patient_ids.clone())).await?;
    state.adverse_events =
        followup::load_adverse_events(db, FollowUpFilter::Patients(patient_ids.clone())).await?;
    let donor_ids: BTreeSet<DonorId> = state
        .lots
        .values()
        .flat_map(|lot| lot.donors.iter().copied())
        .collect();
    let donor_keys = donors::load(db, Some(donor_ids.into_iter().collect()))
        .await?
        .into_values()
        .map(|donor| (donor.id, donor.key))
        .collect();
    let patient_keys = patients::load(db, Some(patient_ids))
        .await?
        .into_values()
        .map(|patient| (patient.id, patient.key))
        .collect();
    let lot_codes = state
        .lots
        .values()
        .map(|lot| (lot.id, lot.code.clone()))
        .collect();
    Ok(OutcomeReport {
        summary: summary::summarize(&state, policy),
        lot_codes,
        donor_keys,
        patient_keys,
    })
}
