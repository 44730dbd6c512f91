//! `specification.defined`.

use serde::{Deserialize, Serialize};

use crate::event::{EventMeta, EventPayload};
use crate::ids::SpecificationId;
use crate::release::specification::{Specification, SpecificationContent};
use crate::state::{ApplyError, State};
use crate::subject::{Subject, SubjectKind};

use super::duplicate;

/// A specification version was defined (by QA, or imported by cordtrace at installation).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecificationDefined {
    /// The specification.
    pub specification_id: SpecificationId,
    /// What it says.
    pub specification: SpecificationContent,
}

impl EventPayload for SpecificationDefined {
    fn subjects(&self) -> Vec<Subject> {
        vec![Subject::new(
            SubjectKind::Specification,
            self.specification_id,
        )]
    }

    fn apply(&self, state: &mut State, meta: &EventMeta) -> Result<(), ApplyError> {
        if state.specifications.contains_key(&self.specification_id) {
            return Err(duplicate("specification", self.specification_id));
        }
        state.specifications.insert(
            self.specification_id,
            Specification {
                id: self.specification_id,
                content: self.specification.clone(),
                defined_by: meta.actor.user_id(),
                defined_at: meta.recorded_at,
            },
        );
        Ok(())
    }
}
