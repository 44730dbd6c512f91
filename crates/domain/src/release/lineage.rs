//! The batch record QA reviews before releasing a lot: the lot, its ancestors, and the steps that
//! belong to them.
//!
//! The lineage is the lot and every ancestor (parents, their parents, up to the cord tissue). The
//! steps of the record are:
//! - every step that made a lot of the lineage (including the tissue processing of the donation);
//! - every step that took the lot itself as input;
//! - every step that made no lot and worked on a lot of the lineage (feeding, counting,
//!   cryopreservation of an intermediate).
//!
//! A step that took an ancestor as input to make some other lot (a sibling made from the same cell
//! bank) is not part of this lot's record, so an open step of another batch never blocks it.

use std::collections::{BTreeSet, VecDeque};

use crate::ids::{LotId, StepId};
use crate::state::State;

/// The lot, its ancestors and the steps of its record, as far as the state holds them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchRecord {
    /// The lot, then its ancestors nearest first, each once.
    pub lineage: Vec<LotId>,
    /// The steps of the record, in id order.
    pub steps: Vec<StepId>,
    /// Lots and steps the record names that the state does not hold (`lot <id>`, `step <id>`).
    /// The store loads the whole record before a disposition, so anything here is a refusal,
    /// never a silent pass.
    pub missing: Vec<String>,
}

impl BatchRecord {
    /// Walks the lineage of `lot_id` through the state.
    pub fn of(state: &State, lot_id: LotId) -> Self {
        let mut lineage = Vec::new();
        let mut missing = Vec::new();
        let mut seen = BTreeSet::new();
        let mut queue = VecDeque::from([lot_id]);
        while let Some(current) = queue.pop_front() {
            if !seen.insert(current) {
                continue;
            }
            match state.lots.get(&current) {
                Some(lot) => {
                    lineage.push(current);
                    if !state.steps.contains_key(&lot.made_by) {
                        missing.push(format!("step {}", lot.made_by));
                    }
                    queue.extend(lot.parents.iter().copied());
                }
                None => missing.push(format!("lot {current}")),
            }
        }
        let in_lineage: BTreeSet<LotId> = lineage.iter().copied().collect();
        let steps = state
            .steps
            .values()
            .filter(|step| {
                step.outputs.iter().any(|lot| in_lineage.contains(lot))
                    || step.inputs.contains(&lot_id)
                    || (step.outputs.is_empty()
                        && step.inputs.iter().any(|lot| in_lineage.contains(lot)))
            })
            .map(|step| step.id)
            .collect();
        Self {
            lineage,
            steps,
            missing,
        }
    }

    /// The ancestors alone (the lineage without the lot).
    pub fn ancestors(&self) -> &[LotId] {
        self.lineage.get(1..).unwrap_or(&[])
    }

    /// Whether `lot_id` is the lot or one of its ancestors.
    pub fn contains(&self, lot_id: LotId) -> bool {
        self.lineage.contains(&lot_id)
    }
}
