//! The current state of everything, as replay rebuilds it and as the store persists it.

use std::collections::BTreeMap;

use crate::clinical::{
    Administration, AdverseEvent, Allocation, LatestCheck, Order, Patient, Recall, Thaw, Visit,
};
use crate::identity::User;
use crate::ids::{AdministrationId, AdverseEventId, OrderId, PatientId, RecallId, VisitId};
use crate::ids::{
    DeviationId, DonationId, DonorId, EquipmentId, LotId, MaterialLotId, StepId, UnitId, UserId,
};
use crate::ids::{InvestigationId, SpecificationId, TestResultId};
use crate::manufacturing::{
    Deviation, Donation, Donor, Equipment, Lot, MaterialLot, ProcessingStep, ProductDefinition,
    Unit,
};
use crate::release::{Disposition, Investigation, LotTesting, Specification, TestResult};

/// Every aggregate, keyed by id. The store loads the part a command needs; replay builds it whole.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct State {
    /// Staff users.
    pub users: BTreeMap<UserId, User>,
    /// Donors (no personal data).
    pub donors: BTreeMap<DonorId, Donor>,
    /// Cord donations.
    pub donations: BTreeMap<DonationId, Donation>,
    /// Material lots.
    pub material_lots: BTreeMap<MaterialLotId, MaterialLot>,
    /// Equipment.
    pub equipment: BTreeMap<EquipmentId, Equipment>,
    /// Product description codes the installation defined, by code.
    pub products: BTreeMap<String, ProductDefinition>,
    /// Manufacturing lots.
    pub lots: BTreeMap<LotId, Lot>,
    /// Processing steps.
    pub steps: BTreeMap<StepId, ProcessingStep>,
    /// Deviations.
    pub deviations: BTreeMap<DeviationId, Deviation>,
    /// Units.
    pub units: BTreeMap<UnitId, Unit>,
    /// Release specifications, every version.
    pub specifications: BTreeMap<SpecificationId, Specification>,
    /// Which specification each lot under test is tested against, by lot.
    pub lot_testing: BTreeMap<LotId, LotTesting>,
    /// Release test results, invalidated ones included.
    pub test_results: BTreeMap<TestResultId, TestResult>,
    /// Out-of-specification investigations.
    pub investigations: BTreeMap<InvestigationId, Investigation>,
    /// QA dispositions, by lot.
    pub dispositions: BTreeMap<LotId, Disposition>,
    /// Patients (no personal data).
    pub patients: BTreeMap<PatientId, Patient>,
    /// Orders for infusions.
    pub orders: BTreeMap<OrderId, Order>,
    /// Units allocated to orders, by unit.
    pub allocations: BTreeMap<UnitId, Allocation>,
    /// Thaws, by unit.
    pub thaws: BTreeMap<UnitId, Thaw>,
    /// The latest bedside check of each unit, accepted or refused.
    pub bedside_checks: BTreeMap<UnitId, LatestCheck>,
    /// Administrations.
    pub administrations: BTreeMap<AdministrationId, Administration>,
    /// Follow-up visits.
    pub visits: BTreeMap<VisitId, Visit>,
    /// Adverse events.
    pub adverse_events: BTreeMap<AdverseEventId, AdverseEvent>,
    /// Recalls.
    pub recalls: BTreeMap<RecallId, Recall>,
}

/// An event that cannot apply to the state: the ledger contradicts itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplyError {
    /// The event names an aggregate that does not exist.
    #[error("{kind} {id} does not exist")]
    Missing {
        /// The kind of aggregate.
        kind: &'static str,
        /// Its id.
        id: String,
    },
    /// The event creates an aggregate that already exists.
    #[error("{kind} {id} already exists")]
    Duplicate {
        /// The kind of aggregate.
        kind: &'static str,
        /// Its id.
        id: String,
    },
    /// The event contradicts the state it applies to.
    #[error("{0}")]
    Inconsistent(String),
}

impl State {
    /// The user, or the replay error for a missing one.
    pub fn user_mut(&mut self, id: UserId) -> Result<&mut User, ApplyError> {
        self.users.get_mut(&id).ok_or_else(|| ApplyError::Missing {
            kind: "user",
            id: id.to_string(),
        })
    }
}
