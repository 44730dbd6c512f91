//! Cord donations, identified by ISBT 128 DINs, and their receipt at the lab.

use serde::{Deserialize, Serialize};

use crate::ids::{DonationId, DonorId, UserId};
use crate::isbt128::Din;
use crate::time::Timestamp;
use crate::values::{Celsius, Label, ZonedTime};

/// How the DIN was entered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DinSource {
    /// Scanned from a barcode (data structure 001 with flags).
    Scanned,
    /// Typed with its keyboard check character.
    Typed,
    /// Assigned by cordtrace from the configured FIN.
    Assigned,
}

/// The state a shipment arrived in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ArrivalCondition {
    /// Intact, sealed, labelled.
    Intact,
    /// Packaging damaged.
    Damaged,
    /// Leaking.
    Leaking,
}

/// Receipt of a donation at the lab: the first custody hand-off.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// Who received it.
    pub received_by: UserId,
    /// When it arrived.
    pub received_at: Timestamp,
    /// Temperature measured in the transport container.
    pub transport_temperature: Celsius,
    /// Its condition.
    pub condition: ArrivalCondition,
    /// Minutes between collection and receipt.
    pub minutes_since_collection: i64,
    /// Whether that exceeds the configured limit.
    pub over_time_limit: bool,
}

/// A cord donation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Donation {
    /// Identity.
    pub id: DonationId,
    /// The ISBT 128 Donation Identification Number.
    pub din: Din,
    /// How the DIN was entered.
    pub din_source: DinSource,
    /// The birth mother.
    pub donor_id: DonorId,
    /// When the cord was recovered, with the ward's UTC offset.
    pub collected_at: ZonedTime,
    /// Where.
    pub site: Label,
    /// Receipt at the lab, once received.
    pub receipt: Option<Receipt>,
    /// When it was registered.
    pub registered_at: Timestamp,
}
