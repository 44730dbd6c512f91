//! Units (bags, vials) filled from a drug product lot, their storage and their custody.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::{HandoffId, LotId, UnitId, UserId};
use crate::isbt128::{Din, ProductCode};
use crate::time::Timestamp;
use crate::values::{CellCount, Celsius, Label, Millilitres};

use super::donation::ArrivalCondition;

/// The container.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Container {
    /// A cryobag.
    Bag,
    /// A cryovial.
    Vial,
}

/// The document a unit's label was printed as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LabelFormat {
    /// SVG, for a browser's print dialog.
    Svg,
    /// PDF, at the label's size.
    Pdf,
    /// ZPL II, for a thermal label printer.
    Zpl,
}

/// The status of a unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UnitStatus {
    /// Its lot awaits disposition.
    Quarantine,
    /// Released with its lot.
    Released,
    /// Held.
    OnHold,
    /// Recalled.
    Recalled,
    /// Its lot was rejected: set aside for destruction.
    Rejected,
    /// Past its expiry.
    Expired,
    /// Destroyed.
    Destroyed,
    /// Given to a patient.
    Administered,
}

impl UnitStatus {
    /// Every status.
    pub const ALL: [UnitStatus; 8] = [
        UnitStatus::Quarantine,
        UnitStatus::Released,
        UnitStatus::OnHold,
        UnitStatus::Recalled,
        UnitStatus::Rejected,
        UnitStatus::Expired,
        UnitStatus::Destroyed,
        UnitStatus::Administered,
    ];

    /// The name, as the API shows it.
    pub const fn as_str(&self) -> &'static str {
        match self {
            UnitStatus::Quarantine => "QUARANTINE",
            UnitStatus::Released => "RELEASED",
            UnitStatus::OnHold => "ON_HOLD",
            UnitStatus::Recalled => "RECALLED",
            UnitStatus::Rejected => "REJECTED",
            UnitStatus::Expired => "EXPIRED",
            UnitStatus::Destroyed => "DESTROYED",
            UnitStatus::Administered => "ADMINISTERED",
        }
    }

    /// Parses [`UnitStatus::as_str`].
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == name)
    }
}

impl fmt::Display for UnitStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a unit is stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageLocation {
    /// Site.
    pub site: Label,
    /// Freezer (dewar).
    pub freezer: Label,
    /// Rack.
    pub rack: Label,
    /// Box.
    pub r#box: Label,
    /// Position in the box.
    pub position: Label,
}

impl fmt::Display for StorageLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} / {} / {} / {} / {}",
            self.site, self.freezer, self.rack, self.r#box, self.position
        )
    }
}

/// Who holds a unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Custody {
    /// In storage at its location.
    Stored,
    /// Dispatched, not yet received.
    InTransit {
        /// The hand-off.
        handoff: HandoffId,
        /// Who dispatched it.
        dispatched_by: UserId,
        /// When.
        dispatched_at: Timestamp,
        /// Where to.
        destination: Label,
        /// The person the dispatch names, who alone receives it.
        receiver: UserId,
    },
    /// Received at a destination.
    Received {
        /// The hand-off.
        handoff: HandoffId,
        /// Where.
        destination: Label,
        /// Who received it.
        received_by: UserId,
        /// When.
        received_at: Timestamp,
        /// Temperature on arrival.
        temperature: Celsius,
        /// Condition on arrival.
        condition: ArrivalCondition,
    },
}

/// A unit of drug product, identified by DIN, product code (with division) and container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    /// Identity.
    pub id: UnitId,
    /// The drug product lot it was filled from.
    pub lot_id: LotId,
    /// The DIN: the source donation's, or the pool DIN of a multi-donor lot.
    pub din: Din,
    /// The ISBT 128 product code, with division.
    pub product_code: ProductCode,
    /// Bag or vial.
    pub container: Container,
    /// Volume.
    pub volume: Millilitres,
    /// Viable cells.
    pub cells: CellCount,
    /// When it was cryopreserved.
    pub cryopreserved_at: Timestamp,
    /// When it expires.
    pub expires_at: Timestamp,
    /// Where it is stored.
    pub location: StorageLocation,
    /// Its status.
    pub status: UnitStatus,
    /// Who holds it.
    pub custody: Custody,
    /// When it was filled.
    pub filled_at: Timestamp,
    /// How many times its label was printed: the next print is a reprint once this is not 0.
    pub labels_printed: u32,
}

impl Unit {
    /// DIN and product code, as people name a unit.
    pub fn label(&self) -> String {
        format!("{} {}", self.din, self.product_code.as_str())
    }
}
