//! Processing steps: the work done on lots, and the lots it makes.

use std::collections::BTreeSet;

use crate::actor::Actor;
use crate::event::Event;
use crate::ids::{DonationId, DonorId, EquipmentId, LotId, MaterialLotId, StepId};
use crate::manufacturing::events::{NewLot, StepCompleted, StepRecorded};
use crate::manufacturing::{
    CellBankLevel, LotCode, LotKind, LotStatus, ManufacturingError, MaterialQcStatus, Measurement,
    StepKind,
};
use crate::role::Role;
use crate::state::State;
use crate::time::Timestamp;
use crate::values::{Label, Narrative};

use super::{acting_user, not_in_future, unknown};

/// A lot the step will make.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputSpec {
    /// Its id.
    pub lot_id: LotId,
    /// Its kind.
    pub kind: LotKind,
    /// For cell banks.
    pub bank_level: Option<CellBankLevel>,
    /// Its code, assigned by the store from the kind's sequence.
    pub code: LotCode,
}

/// A step as entered.
#[derive(Clone, Debug)]
pub struct StepInput {
    /// Its id.
    pub step_id: StepId,
    /// What it does.
    pub kind: StepKind,
    /// SOP.
    pub sop_id: Label,
    /// SOP version.
    pub sop_version: Label,
    /// Start.
    pub started_at: Timestamp,
    /// End, if already done.
    pub ended_at: Option<Timestamp>,
    /// The donation, for tissue processing.
    pub donation: Option<DonationId>,
    /// Input lots.
    pub inputs: Vec<LotId>,
    /// Lots made.
    pub outputs: Vec<OutputSpec>,
    /// Measurements.
    pub measurements: Vec<Measurement>,
    /// Equipment used.
    pub equipment: Vec<EquipmentId>,
    /// Material lots used.
    pub material_lots: Vec<MaterialLotId>,
    /// Notes.
    pub notes: Option<Narrative>,
}

fn no_duplicates<T: Ord + Copy>(items: &[T], what: &str) -> Result<(), ManufacturingError> {
    let unique: BTreeSet<T> = items.iter().copied().collect();
    if unique.len() == items.len() {
        Ok(())
    } else {
        Err(ManufacturingError::BadList(format!(
            "{what} are listed twice"
        )))
    }
}

/// Refuses the use of material from a donor who withdrew consent or was found ineligible.
pub(crate) fn check_donors_usable(
    state: &State,
    donors: &BTreeSet<DonorId>,
) -> Result<(), ManufacturingError> {
    for donor_id in donors {
        let donor = state
            .donors
            .get(donor_id)
            .ok_or_else(|| unknown("donor", donor_id))?;
        if donor.consent_withdrawn() {
            return Err(ManufacturingError::ConsentWithdrawn(
                donor.key.as_str().to_owned(),
            ));
        }
        if donor.is_ineligible() {
            return Err(ManufacturingError::DonorIneligible(
                donor.key.as_str().to_owned(),
            ));
        }
    }
    Ok(())
}

/// Records a step. The state must hold the donation or input lots, their donors, the equipment
/// and the material lots.
pub fn record(
    state: &State,
    actor: &Actor,
    input: StepInput,
    now: Timestamp,
) -> Result<Vec<Event>, ManufacturingError> {
    acting_user(actor, &[Role::Technician], "technician")?;
    input.kind.check_shape(
        input.donation.is_some(),
        input.inputs.len(),
        input.outputs.len(),
    )?;
    no_duplicates(&input.inputs, "input lots")?;
    no_duplicates(&input.equipment, "equipment")?;
    no_duplicates(&input.material_lots, "material lots")?;
    not_in_future(input.started_at, now, "the start")?;
    if let Some(ended_at) = input.ended_at {
        not_in_future(ended_at, now, "the end")?;
        if ended_at < input.started_at {
            return Err(ManufacturingError::EndBeforeStart);
        }
    }

    let mut donors = BTreeSet::new();
    let mut parent_kinds = Vec::new();
    if let Some(donation_id) = input.donation {
        let donation = state
            .donations
            .get(&donation_id)
            .ok_or_else(|| unknown("donation", donation_id))?;
        if donation.receipt.is_none() {
            return Err(ManufacturingError::NotReceived(donation.din.eye_readable()));
        }
        donors.insert(donation.donor_id);
    }
    for lot_id in &input.inputs {
        let lot = state
            .lots
            .get(lot_id)
            .ok_or_else(|| unknown("lot", lot_id))?;
        let usable = lot.status == LotStatus::InProcess
            || (lot.kind == LotKind::CellBank && lot.status == LotStatus::Released);
        if !usable {
            return Err(ManufacturingError::LotState {
                lot: lot.code.as_str().to_owned(),
                status: lot.status,
                action: "processing",
            });
        }
        donors.extend(lot.donors.iter().copied());
        parent_kinds.push(lot.kind);
    }
    check_donors_usable(state, &donors)?;
    if input.kind == StepKind::Pool && donors.len() > 1 {
        for donor_id in &donors {
            let donor = state
                .donors
                .get(donor_id)
                .ok_or_else(|| unknown("donor", donor_id))?;
            if !donor.is_eligible() {
                return Err(ManufacturingError::PoolDonorNotEligible(
                    donor.key.as_str().to_owned(),
                ));
            }
        }
    }

    for output in &input.outputs {
        if output.kind == LotKind::CellBank && output.bank_level.is_none() {
            return Err(ManufacturingError::StepShape(
                "a CELL_BANK lot needs a bank level (MASTER or WORKING)".to_owned(),
            ));
        }
        if output.kind != LotKind::CellBank && output.bank_level.is_some() {
            return Err(ManufacturingError::StepShape(
                "only CELL_BANK lots have a bank level".to_owned(),
            ));
        }
        if input.kind == StepKind::TissueProcessing {
            if output.kind != LotKind::CordTissue {
                return Err(ManufacturingError::StepShape(
                    "tissue processing makes a CORD_TISSUE lot".to_owned(),
                ));
            }
            continue;
        }
        let keeps_kind = matches!(input.kind, StepKind::Split | StepKind::Pool);
        for parent in &parent_kinds {
            let allowed = parent.may_become(output.kind) || (keeps_kind && *parent == output.kind);
            if !allowed {
                return Err(ManufacturingError::LotKindNotAllowed {
                    parent: parent.as_str().to_owned(),
                    child: output.kind.as_str().to_owned(),
                });
            }
        }
        if input.kind == StepKind::Banking && output.kind != LotKind::CellBank {
            return Err(ManufacturingError::StepShape(
                "banking makes a CELL_BANK lot".to_owned(),
            ));
        }
    }

    let step_day = input.started_at.as_datetime().date_naive();
    for equipment_id in &input.equipment {
        let equipment = state
            .equipment
            .get(equipment_id)
            .ok_or_else(|| unknown("equipment", equipment_id))?;
        if equipment.calibration_due < step_day {
            return Err(ManufacturingError::CalibrationOverdue(
                equipment.asset_tag.as_str().to_owned(),
            ));
        }
    }
    for material_lot_id in &input.material_lots {
        let material = state
            .material_lots
            .get(material_lot_id)
            .ok_or_else(|| unknown("material lot", material_lot_id))?;
        let name = format!("{} {}", material.material, material.supplier_lot);
        if material.qc_status != MaterialQcStatus::Released {
            return Err(ManufacturingError::MaterialNotReleased {
                lot: name,
                status: material.qc_status.as_str().to_owned(),
            });
        }
        if material.expires_on < step_day {
            return Err(ManufacturingError::MaterialExpired(name));
        }
    }

    Ok(vec![Event::StepRecorded(StepRecorded {
        step_id: input.step_id,
        kind: input.kind,
        sop_id: input.sop_id,
        sop_version: input.sop_version,
        started_at: input.started_at,
        ended_at: input.ended_at,
        donation: input.donation,
        inputs: input.inputs,
        outputs: input
            .outputs
            .into_iter()
            .map(|output| NewLot {
                lot_id: output.lot_id,
                code: output.code,
                kind: output.kind,
                bank_level: output.bank_level,
            })
            .collect(),
        measurements: input.measurements,
        equipment: input.equipment,
        material_lots: input.material_lots,
        notes: input.notes,
    })])
}

/// Completes an open step.
pub fn complete(
    state: &State,
    actor: &Actor,
    step_id: StepId,
    ended_at: Timestamp,
    measurements: Vec<Measurement>,
    now: Timestamp,
) -> Result<Vec<Event>, ManufacturingError> {
    acting_user(actor, &[Role::Technician], "technician")?;
    let step = state
        .steps
        .get(&step_id)
        .ok_or_else(|| unknown("step", step_id))?;
    if step.ended_at.is_some() {
        return Err(ManufacturingError::StepComplete(step_id.to_string()));
    }
    not_in_future(ended_at, now, "the end")?;
    if ended_at < step.started_at {
        return Err(ManufacturingError::EndBeforeStart);
    }
    Ok(vec![Event::StepCompleted(StepCompleted {
        step_id,
        ended_at,
        measurements,
        lots: step.lots().collect(),
    })])
}
