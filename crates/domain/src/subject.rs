//! What a ledger entry is about: each aggregate it touches.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The kinds of aggregate a ledger entry can touch; each has its own sub-chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// A staff user.
    User,
    /// A donor.
    Donor,
    /// A cord donation.
    Donation,
    /// A material lot.
    MaterialLot,
    /// A piece of equipment.
    Equipment,
    /// A product description code of the installation.
    Product,
    /// A manufacturing lot.
    Lot,
    /// A processing step.
    Step,
    /// A deviation.
    Deviation,
    /// A unit.
    Unit,
    /// A version of a release specification.
    Specification,
    /// A release test result.
    TestResult,
    /// An out-of-specification investigation.
    Investigation,
    /// A patient (opaque id).
    Patient,
    /// An order for infusions.
    Order,
    /// A bedside check.
    BedsideCheck,
    /// An administration of a unit.
    Administration,
    /// A follow-up visit.
    Visit,
    /// An adverse event.
    AdverseEvent,
    /// A recall.
    Recall,
}

impl SubjectKind {
    /// The name used in the ledger.
    pub const fn as_str(&self) -> &'static str {
        match self {
            SubjectKind::User => "user",
            SubjectKind::Donor => "donor",
            SubjectKind::Donation => "donation",
            SubjectKind::MaterialLot => "material_lot",
            SubjectKind::Equipment => "equipment",
            SubjectKind::Product => "product",
            SubjectKind::Lot => "lot",
            SubjectKind::Step => "step",
            SubjectKind::Deviation => "deviation",
            SubjectKind::Unit => "unit",
            SubjectKind::Specification => "specification",
            SubjectKind::TestResult => "test_result",
            SubjectKind::Investigation => "investigation",
            SubjectKind::Patient => "patient",
            SubjectKind::Order => "order",
            SubjectKind::BedsideCheck => "bedside_check",
            SubjectKind::Administration => "administration",
            SubjectKind::Visit => "visit",
            SubjectKind::AdverseEvent => "adverse_event",
            SubjectKind::Recall => "recall",
        }
    }

    /// Every kind, in a fixed order.
    pub const ALL: [SubjectKind; 20] = [
        SubjectKind::User,
        SubjectKind::Donor,
        SubjectKind::Donation,
        SubjectKind::MaterialLot,
        SubjectKind::Equipment,
        SubjectKind::Product,
        SubjectKind::Lot,
        SubjectKind::Step,
        SubjectKind::Deviation,
        SubjectKind::Unit,
        SubjectKind::Specification,
        SubjectKind::TestResult,
        SubjectKind::Investigation,
        SubjectKind::Patient,
        SubjectKind::Order,
        SubjectKind::BedsideCheck,
        SubjectKind::Administration,
        SubjectKind::Visit,
        SubjectKind::AdverseEvent,
        SubjectKind::Recall,
    ];

    /// Parses [`SubjectKind::as_str`].
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

impl fmt::Display for SubjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One aggregate touched by an event.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Subject {
    /// Its kind.
    pub kind: SubjectKind,
    /// Its id as text (a UUID).
    pub id: String,
}

impl Subject {
    /// A subject from a kind and anything that prints as its id.
    pub fn new(kind: SubjectKind, id: impl fmt::Display) -> Self {
        Self {
            kind,
            id: id.to_string(),
        }
    }
}
