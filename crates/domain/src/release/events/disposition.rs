//! `lot.released` and `lot.rejected`: one signed event per disposition, listing the units whose
//! status changes with the lot, so the signature covers them and each unit's chain shows it.

use serde::{Deserialize, Serialize};

use crate::event::{EventMeta, EventPayload};
use crate::ids::{LotId, SpecificationId, UnitId};
use crate::manufacturing::{LotStatus, UnitStatus};
use crate::release::disposition::{Disposition, DispositionDecision};
use crate::state::{ApplyError, State};
use crate::subject::{Subject, SubjectKind};
use crate::values::Narrative;

use super::{actor_user, duplicate, missing};

fn subjects(lot_id: LotId, units: &[UnitId]) -> Vec<Subject> {
    let mut subjects = vec![Subject::new(SubjectKind::Lot, lot_id)];
    subjects.extend(
        units
            .iter()
            .map(|unit| Subject::new(SubjectKind::Unit, unit)),
    );
    subjects
}

struct Decided<'a> {
    lot_id: LotId,
    decision: DispositionDecision,
    specification_id: Option<SpecificationId>,
    text: Option<&'a Narrative>,
    units: &'a [UnitId],
}

/// Moves the lot and its units, and records the disposition.
fn apply_disposition(
    state: &mut State,
    meta: &EventMeta,
    decided: Decided<'_>,
) -> Result<(), ApplyError> {
    let (lot_status, unit_status) = match decided.decision {
        DispositionDecision::Release => (LotStatus::Released, UnitStatus::Released),
        DispositionDecision::Reject => (LotStatus::Rejected, UnitStatus::Rejected),
    };
    let decided_by = actor_user(meta)?;
    if state.dispositions.contains_key(&decided.lot_id) {
        return Err(duplicate("disposition", decided.lot_id));
    }
    let lot = state
        .lots
        .get_mut(&decided.lot_id)
        .ok_or_else(|| missing("lot", decided.lot_id))?;
    lot.status = lot_status;
    lot.held_from = None;
    for unit_id in decided.units {
        let unit = state
            .units
            .get_mut(unit_id)
            .filter(|unit| unit.lot_id == decided.lot_id)
            .ok_or_else(|| missing("unit of the lot", unit_id))?;
        unit.status = unit_status;
    }
    state.dispositions.insert(
        decided.lot_id,
        Disposition {
            lot_id: decided.lot_id,
            decision: decided.decision,
            specification_id: decided.specification_id,
            text: decided.text.cloned(),
            units: decided.units.to_vec(),
            decided_by,
            decided_at: meta.recorded_at,
            entry_seq: meta.seq,
        },
    );
    Ok(())
}

/// QA released a lot (signed, meaning APPROVAL); its QUARANTINE units became RELEASED.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LotReleased {
    /// The lot.
    pub lot_id: LotId,
    /// The specification it met.
    pub specification_id: SpecificationId,
    /// The units released with it.
    pub units: Vec<UnitId>,
    /// QA's note, if any.
    pub note: Option<Narrative>,
}

impl EventPayload for LotReleased {
    fn subjects(&self) -> Vec<Subject> {
        subjects(self.lot_id, &self.units)
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        apply_disposition(
            state,
            meta,
            Decided {
                lot_id: self.lot_id,
                decision: DispositionDecision::Release,
                specification_id: Some(self.specification_id),
                text: self.note.as_ref(),
                units: &self.units,
            },
        )
    }
}

/// QA rejected a lot (signed, meaning APPROVAL); its QUARANTINE units became REJECTED, set aside
/// for destruction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LotRejected {
    /// The lot.
    pub lot_id: LotId,
    /// The specification it was tested against, if testing began.
    pub specification_id: Option<SpecificationId>,
    /// The units rejected with it.
    pub units: Vec<UnitId>,
    /// Why.
    pub reason: Narrative,
}

impl EventPayload for LotRejected {
    fn subjects(&self) -> Vec<Subject> {
        subjects(self.lot_id, &self.units)
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        apply_disposition(
            state,
            meta,
            Decided {
                lot_id: self.lot_id,
                decision: DispositionDecision::Reject,
                specification_id: self.specification_id,
                text: Some(&self.reason),
                units: &self.units,
            },
        )
    }
}
