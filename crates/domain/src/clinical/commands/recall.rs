//! Recall: QA, signed with meaning APPROVAL, with a reason, from a donor, donation, material lot
//! or lot. One command returns the `recall.initiated` event, then one `lot.status_changed` per
//! lot and one `unit.status_changed` per unit it moves (see [`crate::clinical::recall`] for the
//! rules), and the patients to contact.

use std::collections::BTreeMap;

use crate::actor::Actor;
use crate::clinical::error::ClinicalError;
use crate::clinical::events::RecallInitiated;
use crate::clinical::lookback::{Lookback, LookbackSource, PatientExposure, lookback};
use crate::clinical::recall::{lot_target, unit_target};
use crate::event::Event;
use crate::ids::{LotId, RecallId};
use crate::manufacturing::LotStatus;
use crate::manufacturing::events::{LotStatusChanged, UnitStatusChanged};
use crate::role::Role;
use crate::signature::{Meaning, Signature};
use crate::state::State;
use crate::values::Narrative;

use super::{acting_user, check_signature};

/// What a recall decided.
#[derive(Clone, Debug, PartialEq)]
pub struct RecallDecision {
    /// The events to record, in order.
    pub events: Vec<Event>,
    /// The look-back as it stood before the recall (statuses before the change).
    pub lookback: Lookback,
}

impl RecallDecision {
    /// The patients who received an affected unit, with their administrations and dates.
    pub fn patients_to_contact(&self) -> &[PatientExposure] {
        &self.lookback.patients
    }
}

/// Initiates a recall. The state must hold what [`lookback`] needs (every lot, the steps that
/// used a material lot, and the units, allocations, administrations and patients reached).
pub fn recall(
    state: &State,
    actor: &Actor,
    signature: &Signature,
    recall_id: RecallId,
    source: LookbackSource,
    reason: Narrative,
) -> Result<RecallDecision, ClinicalError> {
    let qa = acting_user(actor, &[Role::Qa], "qa")?;
    check_signature(qa, signature, &[Meaning::Approval], "APPROVAL")?;
    let found = lookback(state, source)?;
    let mut after: BTreeMap<LotId, LotStatus> = BTreeMap::new();
    let mut lot_events = Vec::new();
    for affected in &found.lots {
        let Some(lot) = state.lots.get(&affected.lot_id) else {
            continue;
        };
        let target = lot_target(lot);
        after.insert(lot.id, target.unwrap_or(lot.status));
        if let Some(to) = target {
            lot_events.push(Event::LotStatusChanged(LotStatusChanged {
                lot_id: lot.id,
                from: lot.status,
                to,
                reason: Some(reason.clone()),
            }));
        }
    }
    let mut unit_events = Vec::new();
    for affected in &found.units {
        let Some(unit) = state.units.get(&affected.unit_id) else {
            continue;
        };
        if let Some(to) = unit_target(unit, after.get(&unit.lot_id).copied()) {
            unit_events.push(Event::UnitStatusChanged(UnitStatusChanged {
                unit_id: unit.id,
                from: unit.status,
                to,
                reason: Some(reason.clone()),
            }));
        }
    }
    let lots = lot_events
        .iter()
        .filter_map(|event| match event {
            Event::LotStatusChanged(change) => Some(change.lot_id),
            _ => None,
        })
        .collect();
    let units = unit_events
        .iter()
        .filter_map(|event| match event {
            Event::UnitStatusChanged(change) => Some(change.unit_id),
            _ => None,
        })
        .collect();
    let mut events = vec![Event::RecallInitiated(RecallInitiated {
        recall_id,
        source,
        reason,
        lots,
        units,
        patients: found.patients.iter().map(|p| p.patient_id).collect(),
    })];
    events.extend(lot_events);
    events.extend(unit_events);
    Ok(RecallDecision {
        events,
        lookback: found,
    })
}
