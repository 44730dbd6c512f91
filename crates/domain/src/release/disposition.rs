//! QA's disposition of a lot: released or rejected, once, with a signature.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::{LotId, SpecificationId, UnitId, UserId};
use crate::time::Timestamp;
use crate::values::Narrative;

/// What QA decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DispositionDecision {
    /// The lot may be used.
    Release,
    /// The lot may not be used; its units are set aside for destruction.
    Reject,
}

impl DispositionDecision {
    /// The name, as the API shows it.
    pub const fn as_str(&self) -> &'static str {
        match self {
            DispositionDecision::Release => "RELEASE",
            DispositionDecision::Reject => "REJECT",
        }
    }
}

impl fmt::Display for DispositionDecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A lot's disposition. A lot has at most one: it leaves QUARANTINE and never returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disposition {
    /// The lot.
    pub lot_id: LotId,
    /// The decision.
    pub decision: DispositionDecision,
    /// The specification the lot was tested against (always set for a release).
    pub specification_id: Option<SpecificationId>,
    /// The reason for a rejection, or QA's note on a release.
    pub text: Option<Narrative>,
    /// The units whose status changed with the lot.
    pub units: Vec<UnitId>,
    /// Who decided (the signer).
    pub decided_by: UserId,
    /// When.
    pub decided_at: Timestamp,
    /// The ledger entry of the decision, which carries the signature; its hash ends the
    /// certificate of analysis.
    pub entry_seq: u64,
}
