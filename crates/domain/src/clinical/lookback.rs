//! Look-back: from a donor, donation, material lot or lot to every lot and unit downstream, by
//! status, and every patient who received one, with dates. Pure functions over [`State`].
//!
//! Which lots a source reaches:
//! - a donor: every lot whose donors include them (a lot inherits its parents' donors, so this
//!   is already closed downstream);
//! - a donation: the lots made from it, and their descendants;
//! - a material lot: the lots made by the steps that used it, or, for a step that makes no lot
//!   (feeding, counting), the lot it worked on; then their descendants. A parent lot a step
//!   drew from is not reached: the material went into the lot made, not back into the source;
//! - a lot: itself and its descendants.
//!
//! The state must hold every lot (descendants are found through their parents), the steps that
//! used a material lot, and the units, allocations, administrations and patients of the lots
//! reached. The store's recursive lineage query can narrow that down.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::ids::{
    AdministrationId, DonationId, DonorId, LotId, MaterialLotId, OrderId, PatientId, UnitId,
};
use crate::isbt128::{Din, ProductCode};
use crate::manufacturing::{LotCode, LotKind, LotStatus, UnitStatus};
use crate::state::State;
use crate::subject::{Subject, SubjectKind};
use crate::time::Timestamp;

use super::error::{ClinicalError, unknown};
use super::patient::PatientKey;

/// Where a look-back or recall starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LookbackSource {
    /// A donor.
    Donor(DonorId),
    /// A cord donation.
    Donation(DonationId),
    /// A material lot.
    MaterialLot(MaterialLotId),
    /// A manufacturing lot.
    Lot(LotId),
}

impl LookbackSource {
    /// The ledger subject of the source.
    pub fn subject(&self) -> Subject {
        match self {
            LookbackSource::Donor(id) => Subject::new(SubjectKind::Donor, id),
            LookbackSource::Donation(id) => Subject::new(SubjectKind::Donation, id),
            LookbackSource::MaterialLot(id) => Subject::new(SubjectKind::MaterialLot, id),
            LookbackSource::Lot(id) => Subject::new(SubjectKind::Lot, id),
        }
    }
}

/// A lot reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AffectedLot {
    /// The lot.
    pub lot_id: LotId,
    /// Its code.
    pub code: LotCode,
    /// Its kind.
    pub kind: LotKind,
    /// Its status now.
    pub status: LotStatus,
    /// When it was made.
    pub created_at: Timestamp,
}

/// A unit reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AffectedUnit {
    /// The unit.
    pub unit_id: UnitId,
    /// Its lot.
    pub lot_id: LotId,
    /// Its DIN.
    pub din: Din,
    /// Its product code.
    pub product_code: ProductCode,
    /// Its status now.
    pub status: UnitStatus,
    /// The order it is allocated to, if any.
    pub allocated_to: Option<OrderId>,
    /// Its administration, if it was given.
    pub administration: Option<Exposure>,
}

/// One administration of an affected unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exposure {
    /// The administration.
    pub administration_id: AdministrationId,
    /// The unit.
    pub unit_id: UnitId,
    /// Its lot.
    pub lot_id: LotId,
    /// The patient.
    pub patient_id: PatientId,
    /// Infusion start.
    pub started_at: Timestamp,
    /// Infusion end.
    pub ended_at: Timestamp,
}

/// A patient who received at least one affected unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatientExposure {
    /// The patient.
    pub patient_id: PatientId,
    /// The opaque key (the store joins the contact details for whoever may see them).
    pub key: Option<PatientKey>,
    /// Every affected administration, earliest first.
    pub administrations: Vec<Exposure>,
}

/// What a look-back found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lookback {
    /// Where it started.
    pub source: LookbackSource,
    /// Every lot reached, by id.
    pub lots: Vec<AffectedLot>,
    /// Every unit of those lots, by id.
    pub units: Vec<AffectedUnit>,
    /// Every patient who received one, by id.
    pub patients: Vec<PatientExposure>,
}

impl Lookback {
    /// The lots grouped by status.
    pub fn lots_by_status(&self) -> BTreeMap<LotStatus, Vec<&AffectedLot>> {
        let mut groups: BTreeMap<LotStatus, Vec<&AffectedLot>> = BTreeMap::new();
        for lot in &self.lots {
            groups.entry(lot.status).or_default().push(lot);
        }
        groups
    }

    /// The units grouped by status.
    pub fn units_by_status(&self) -> BTreeMap<UnitStatus, Vec<&AffectedUnit>> {
        let mut groups: BTreeMap<UnitStatus, Vec<&AffectedUnit>> = BTreeMap::new();
        for unit in &self.units {
            groups.entry(unit.status).or_default().push(unit);
        }
        groups
    }
}

/// Every lot the source reaches; refuses a source that is not on record.
pub fn affected_lots(
    state: &State,
    source: LookbackSource,
) -> Result<BTreeSet<LotId>, ClinicalError> {
    let seeds: BTreeSet<LotId> = match source {
        LookbackSource::Donor(donor_id) => {
            state
                .donors
                .get(&donor_id)
                .ok_or_else(|| unknown("donor", donor_id))?;
            state
                .lots
                .values()
                .filter(|lot| lot.donors.contains(&donor_id))
                .map(|lot| lot.id)
                .collect()
        }
        LookbackSource::Donation(donation_id) => {
            state
                .donations
                .get(&donation_id)
                .ok_or_else(|| unknown("donation", donation_id))?;
            state
                .lots
                .values()
                .filter(|lot| lot.donation_id == Some(donation_id))
                .map(|lot| lot.id)
                .collect()
        }
        LookbackSource::MaterialLot(material_lot_id) => {
            state
                .material_lots
                .get(&material_lot_id)
                .ok_or_else(|| unknown("material lot", material_lot_id))?;
            state
                .steps
                .values()
                .filter(|step| step.material_lots.contains(&material_lot_id))
                .flat_map(|step| {
                    if step.outputs.is_empty() {
                        step.inputs.clone()
                    } else {
                        step.outputs.clone()
                    }
                })
                .collect()
        }
        LookbackSource::Lot(lot_id) => {
            state
                .lots
                .get(&lot_id)
                .ok_or_else(|| unknown("lot", lot_id))?;
            BTreeSet::from([lot_id])
        }
    };
    Ok(with_descendants(state, seeds))
}

/// `seeds` and every lot made from any of them, however many steps down.
fn with_descendants(state: &State, seeds: BTreeSet<LotId>) -> BTreeSet<LotId> {
    let mut reached = seeds;
    loop {
        let before = reached.len();
        let children: Vec<LotId> = state
            .lots
            .values()
            .filter(|lot| !reached.contains(&lot.id))
            .filter(|lot| lot.parents.iter().any(|parent| reached.contains(parent)))
            .map(|lot| lot.id)
            .collect();
        reached.extend(children);
        if reached.len() == before {
            return reached;
        }
    }
}

/// The full look-back from `source`.
pub fn lookback(state: &State, source: LookbackSource) -> Result<Lookback, ClinicalError> {
    let lot_ids = affected_lots(state, source)?;
    let lots = lot_ids
        .iter()
        .filter_map(|lot_id| state.lots.get(lot_id))
        .map(|lot| AffectedLot {
            lot_id: lot.id,
            code: lot.code.clone(),
            kind: lot.kind,
            status: lot.status,
            created_at: lot.created_at,
        })
        .collect();
    let exposures: BTreeMap<UnitId, Exposure> = state
        .administrations
        .values()
        .filter(|administration| lot_ids.contains(&administration.lot_id))
        .map(|administration| {
            let exposure = Exposure {
                administration_id: administration.id,
                unit_id: administration.unit_id,
                lot_id: administration.lot_id,
                patient_id: administration.patient_id,
                started_at: administration.started_at,
                ended_at: administration.ended_at,
            };
            (administration.unit_id, exposure)
        })
        .collect();
    let units = state
        .units
        .values()
        .filter(|unit| lot_ids.contains(&unit.lot_id))
        .map(|unit| AffectedUnit {
            unit_id: unit.id,
            lot_id: unit.lot_id,
            din: unit.din,
            product_code: unit.product_code,
            status: unit.status,
            allocated_to: state.allocations.get(&unit.id).map(|a| a.order_id),
            administration: exposures.get(&unit.id).cloned(),
        })
        .collect();
    let mut by_patient: BTreeMap<PatientId, Vec<Exposure>> = BTreeMap::new();
    for exposure in exposures.into_values() {
        by_patient
            .entry(exposure.patient_id)
            .or_default()
            .push(exposure);
    }
    let patients = by_patient
        .into_iter()
        .map(|(patient_id, mut administrations)| {
            administrations.sort_by_key(|exposure| exposure.started_at);
            PatientExposure {
                patient_id,
                key: state.patients.get(&patient_id).map(|p| p.key.clone()),
                administrations,
            }
        })
        .collect();
    Ok(Lookback {
        source,
        lots,
        units,
        patients,
    })
}
