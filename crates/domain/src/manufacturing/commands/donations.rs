//! Cord donations: registration under a DIN and receipt at the lab.

use crate::actor::Actor;
use crate::event::Event;
use crate::ids::{DonationId, DonorId};
use crate::isbt128::{Din, Fin};
use crate::manufacturing::ManufacturingError;
use crate::manufacturing::donation::{ArrivalCondition, DinSource, Receipt};
use crate::manufacturing::events::{DonationReceived, DonationRegistered};
use crate::role::Role;
use crate::state::State;
use crate::time::Timestamp;
use crate::values::{Celsius, Label, ZonedTime};

use super::{acting_user, not_in_future, unknown};

/// How the DIN of a new donation is given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DinInput {
    /// Scanned: `=` + DIN + two flag characters; a type 3 flag is checked.
    Scanned(String),
    /// Typed: the 13 characters and the keyboard check character.
    Typed(String),
    /// Assigned by cordtrace: the configured FIN, the year, and the next free sequence number
    /// (the store finds it among registered DINs).
    Assign {
        /// The facility.
        fin: Fin,
        /// Two-digit year.
        year_2digit: u8,
        /// The next free sequence number.
        next_sequence: u32,
    },
}

impl DinInput {
    /// The DIN and how it was entered.
    pub fn resolve(&self) -> Result<(Din, DinSource), ManufacturingError> {
        Ok(match self {
            DinInput::Scanned(raw) => (Din::parse_scanned(raw)?.0, DinSource::Scanned),
            DinInput::Typed(raw) => (Din::parse_typed(raw)?, DinSource::Typed),
            DinInput::Assign {
                fin,
                year_2digit,
                next_sequence,
            } => {
                let (din, _) = Din::assign(*fin, *year_2digit, *next_sequence)?;
                (din, DinSource::Assigned)
            }
        })
    }
}

/// What a new donation is registered with.
#[derive(Clone, Debug)]
pub struct NewDonation {
    /// Its id.
    pub donation_id: DonationId,
    /// The birth mother.
    pub donor_id: DonorId,
    /// Its DIN, resolved.
    pub din: Din,
    /// How the DIN was entered.
    pub din_source: DinSource,
    /// Recovery time with offset.
    pub collected_at: ZonedTime,
    /// Where.
    pub site: Label,
}

/// Registers a donation. The state must hold the donor and any donation with the same DIN.
pub fn register(
    state: &State,
    actor: &Actor,
    new: NewDonation,
    now: Timestamp,
) -> Result<Vec<Event>, ManufacturingError> {
    acting_user(actor, &[Role::Technician], "technician")?;
    let donor = state
        .donors
        .get(&new.donor_id)
        .ok_or_else(|| unknown("donor", new.donor_id))?;
    let key = donor.key.as_str().to_owned();
    match &donor.consent {
        None => return Err(ManufacturingError::NoConsent(key)),
        Some(consent) if consent.withdrawal.is_some() => {
            return Err(ManufacturingError::ConsentWithdrawn(key));
        }
        Some(consent) if !consent.therapy => return Err(ManufacturingError::ConsentScope(key)),
        Some(_) => {}
    }
    if state
        .donations
        .values()
        .any(|donation| donation.din == new.din)
    {
        return Err(ManufacturingError::DuplicateDin(new.din.eye_readable()));
    }
    not_in_future(new.collected_at.utc(), now, "the collection time")?;
    Ok(vec![Event::DonationRegistered(DonationRegistered {
        donation_id: new.donation_id,
        donor_id: new.donor_id,
        din: new.din,
        din_source: new.din_source,
        collected_at: new.collected_at,
        site: new.site,
    })])
}

/// What is recorded when a donation arrives at the lab.
#[derive(Clone, Debug)]
pub struct ReceiptInput {
    /// The donation.
    pub donation_id: DonationId,
    /// When it arrived.
    pub received_at: Timestamp,
    /// Temperature in the transport container.
    pub transport_temperature: Celsius,
    /// Its condition.
    pub condition: ArrivalCondition,
}

/// Records receipt at the lab; flags a transit longer than `max_transit_hours`.
pub fn receive(
    state: &State,
    actor: &Actor,
    input: ReceiptInput,
    max_transit_hours: i64,
    now: Timestamp,
) -> Result<Vec<Event>, ManufacturingError> {
    let ReceiptInput {
        donation_id,
        received_at,
        transport_temperature,
        condition,
    } = input;
    let received_by = acting_user(actor, &[Role::Technician], "technician")?;
    let donation = state
        .donations
        .get(&donation_id)
        .ok_or_else(|| unknown("donation", donation_id))?;
    if donation.receipt.is_some() {
        return Err(ManufacturingError::AlreadyReceived(
            donation.din.eye_readable(),
        ));
    }
    not_in_future(received_at, now, "the receipt time")?;
    let collected = donation.collected_at.utc();
    if received_at < collected {
        return Err(ManufacturingError::ReceiptBeforeCollection);
    }
    let minutes_since_collection =
        (received_at.as_datetime() - collected.as_datetime()).num_minutes();
    Ok(vec![Event::DonationReceived(DonationReceived {
        donation_id,
        receipt: Receipt {
            received_by,
            received_at,
            transport_temperature,
            condition,
            minutes_since_collection,
            over_time_limit: minutes_since_collection > max_transit_hours * 60,
        },
    })])
}
