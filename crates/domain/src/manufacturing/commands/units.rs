//! Units: filling, storage, custody hand-offs and status.

use std::collections::BTreeSet;

use crate::actor::Actor;
use crate::event::Event;
use crate::identity::{User, Username};
use crate::ids::{HandoffId, LotId, UnitId};
use crate::isbt128::{Din, LabelFlag, ProductCode, UnitLabelData};
use crate::manufacturing::events::{
    FilledUnit, UnitDispatched, UnitLabelPrinted, UnitReceived, UnitStatusChanged, UnitStored,
    UnitsFilled,
};
use crate::manufacturing::{
    ArrivalCondition, Container, Custody, LabelFormat, LotKind, LotStatus, ManufacturingError,
    StorageLocation, Unit, UnitStatus,
};
use crate::role::Role;
use crate::state::State;
use crate::time::Timestamp;
use crate::values::{CellCount, Celsius, Label, Millilitres, Narrative};

use super::steps::check_donors_usable;
use super::{acting_user, not_in_future, unknown};

/// Most units one fill may create.
pub const MAX_UNITS_PER_FILL: usize = 1_000;

/// One unit to fill.
#[derive(Clone, Debug)]
pub struct UnitSpec {
    /// Its id.
    pub unit_id: UnitId,
    /// Product code with division.
    pub product_code: ProductCode,
    /// Bag or vial.
    pub container: Container,
    /// Volume.
    pub volume: Millilitres,
    /// Viable cells.
    pub cells: CellCount,
    /// Expiry.
    pub expires_at: Timestamp,
    /// Storage location.
    pub location: StorageLocation,
}

/// Where the units' DIN comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitDin {
    /// The lot's material comes from one donation: its DIN.
    Donation(Din),
    /// Several donations: a pool DIN the store assigned from the configured FIN.
    Pool(Din),
}

impl UnitDin {
    /// The DIN.
    pub fn din(&self) -> Din {
        match self {
            UnitDin::Donation(din) | UnitDin::Pool(din) => *din,
        }
    }
}

fn unit(state: &State, unit_id: UnitId) -> Result<&Unit, ManufacturingError> {
    state
        .units
        .get(&unit_id)
        .ok_or_else(|| unknown("unit", unit_id))
}

fn unit_state_error(unit: &Unit, action: &'static str) -> ManufacturingError {
    ManufacturingError::UnitState {
        unit: unit.label(),
        status: unit.status.as_str().to_owned(),
        action,
    }
}

/// Fills units from a DRUG_PRODUCT lot in process. The state must hold the lot, its donors, every
/// existing unit with the same DIN, and the installation's product definitions.
pub fn fill(
    state: &State,
    actor: &Actor,
    lot_id: LotId,
    din: UnitDin,
    cryopreserved_at: Timestamp,
    units: Vec<UnitSpec>,
    now: Timestamp,
) -> Result<Vec<Event>, ManufacturingError> {
    acting_user(actor, &[Role::Technician], "technician")?;
    let lot = state
        .lots
        .get(&lot_id)
        .ok_or_else(|| unknown("lot", lot_id))?;
    if lot.kind != LotKind::DrugProduct {
        return Err(ManufacturingError::StepShape(format!(
            "units are filled from a DRUG_PRODUCT lot; {} is {}",
            lot.code, lot.kind
        )));
    }
    if lot.status != LotStatus::InProcess {
        return Err(ManufacturingError::LotState {
            lot: lot.code.as_str().to_owned(),
            status: lot.status,
            action: "filling",
        });
    }
    check_donors_usable(state, &lot.donors)?;
    if units.is_empty() || units.len() > MAX_UNITS_PER_FILL {
        return Err(ManufacturingError::BadList(format!(
            "a fill makes 1 to {MAX_UNITS_PER_FILL} units"
        )));
    }
    not_in_future(cryopreserved_at, now, "the cryopreservation time")?;
    let din = din.din();
    let mut product_codes: BTreeSet<&str> = state
        .units
        .values()
        .filter(|existing| existing.din == din)
        .map(|existing| existing.product_code.as_str())
        .collect();
    for spec in &units {
        if !state
            .products
            .contains_key(spec.product_code.description_code())
        {
            return Err(ManufacturingError::UnknownProductCode(
                spec.product_code.as_str().to_owned(),
            ));
        }
        if !product_codes.insert(spec.product_code.as_str()) {
            return Err(ManufacturingError::DuplicateUnit(format!(
                "{din} {}",
                spec.product_code.as_str()
            )));
        }
        if spec.expires_at <= cryopreserved_at {
            return Err(ManufacturingError::EndBeforeStart);
        }
    }
    Ok(vec![Event::UnitsFilled(UnitsFilled {
        lot_id,
        units: units
            .into_iter()
            .map(|spec| FilledUnit {
                unit_id: spec.unit_id,
                din,
                product_code: spec.product_code,
                container: spec.container,
                volume: spec.volume,
                cells: spec.cells,
                cryopreserved_at,
                expires_at: spec.expires_at,
                location: spec.location,
            })
            .collect(),
    })])
}

fn movable(unit: &Unit, action: &'static str) -> Result<(), ManufacturingError> {
    if matches!(
        unit.status,
        UnitStatus::Destroyed | UnitStatus::Administered
    ) {
        return Err(unit_state_error(unit, action));
    }
    if matches!(unit.custody, Custody::InTransit { .. }) {
        return Err(ManufacturingError::InTransit(unit.label()));
    }
    Ok(())
}

/// Moves a unit to a storage location.
pub fn store(
    state: &State,
    actor: &Actor,
    unit_id: UnitId,
    location: StorageLocation,
) -> Result<Vec<Event>, ManufacturingError> {
    acting_user(actor, &[Role::Technician], "technician")?;
    movable(unit(state, unit_id)?, "storing")?;
    Ok(vec![Event::UnitStored(UnitStored { unit_id, location })])
}

/// The roles that print unit labels: the lab, which fills and stores units, and QA.
pub const LABEL_PRINTERS: [Role; 2] = [Role::Technician, Role::Qa];

/// A print of a unit's label, as decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LabelPrint {
    /// Which print this is, from 1.
    pub print: u32,
    /// The flag characters data structure 001 carries on this print.
    pub flag: LabelFlag,
}

/// The next print of a unit's label: its number and the flag it carries. The first print
/// carries the type 3 check flag; a reprint `05` where the facility marks reprints so
/// (`facility_flags_reprints`). A destroyed, administered or expired unit gets no new label:
/// nothing should be done with it but what its status says.
pub fn next_label_print(
    unit: &Unit,
    facility_flags_reprints: bool,
) -> Result<LabelPrint, ManufacturingError> {
    if matches!(
        unit.status,
        UnitStatus::Destroyed | UnitStatus::Administered | UnitStatus::Expired
    ) {
        return Err(unit_state_error(unit, "printing a label for"));
    }
    let print = unit.labels_printed.saturating_add(1);
    let flag = LabelFlag::for_print(print > 1, facility_flags_reprints);
    Ok(LabelPrint { print, flag })
}

/// Records `prepared`, a print of a unit's label made as [`next_label_print`] said: refused
/// when another print was recorded since, because the document prepared carries that
/// print's number and flag and the ledger must say what was printed.
pub fn print_label(
    state: &State,
    actor: &Actor,
    unit_id: UnitId,
    format: LabelFormat,
    prepared: LabelPrint,
    facility_flags_reprints: bool,
) -> Result<Vec<Event>, ManufacturingError> {
    acting_user(actor, &LABEL_PRINTERS, "technician or qa")?;
    let unit = unit(state, unit_id)?;
    let LabelPrint { print, flag } = next_label_print(unit, facility_flags_reprints)?;
    if (print, flag) != (prepared.print, prepared.flag) {
        return Err(ManufacturingError::LabelPrintedMeanwhile {
            unit: unit.label(),
            recorded: unit.labels_printed,
        });
    }
    let din_flag = UnitLabelData::flag_for(unit.din, flag).to_string();
    let event = Event::UnitLabelPrinted(UnitLabelPrinted {
        unit_id,
        print,
        format,
        din_flag,
    });
    Ok(vec![event])
}

/// Dispatches a unit: the first half of a custody hand-off.
pub fn dispatch(
    state: &State,
    actor: &Actor,
    unit_id: UnitId,
    handoff_id: HandoffId,
    destination: Label,
    receiver: Receiver<'_>,
) -> Result<Vec<Event>, ManufacturingError> {
    let dispatcher = acting_user(actor, &CUSTODIANS, "technician or clinician")?;
    movable(unit(state, unit_id)?, "dispatch")?;
    let receiver = match receiver {
        Receiver::Found(user) => user,
        Receiver::Unknown(username) => {
            return Err(ManufacturingError::ReceiverMayNotReceive(
                username.as_str().to_owned(),
            ));
        }
    };
    if receiver.id == dispatcher {
        return Err(ManufacturingError::SameCustodian);
    }
    if !receiver.active || !CUSTODIANS.iter().any(|role| receiver.roles.contains(*role)) {
        return Err(ManufacturingError::ReceiverMayNotReceive(
            receiver.username.as_str().to_owned(),
        ));
    }
    Ok(vec![Event::UnitDispatched(UnitDispatched {
        unit_id,
        handoff_id,
        destination,
        receiver: receiver.id,
    })])
}

/// The person a dispatch names, as the store found them by username.
#[derive(Clone, Copy, Debug)]
pub enum Receiver<'a> {
    /// The user with that username.
    Found(&'a User),
    /// No user has it.
    Unknown(&'a Username),
}

/// Who holds a unit between storage and the bedside: they dispatch and receive it.
const CUSTODIANS: [Role; 2] = [Role::Technician, Role::Clinician];

/// Receives a dispatched unit: the second half, by someone other than the dispatcher.
pub fn receive(
    state: &State,
    actor: &Actor,
    unit_id: UnitId,
    temperature: Celsius,
    condition: ArrivalCondition,
) -> Result<Vec<Event>, ManufacturingError> {
    let receiver = acting_user(actor, &CUSTODIANS, "technician or clinician")?;
    let unit = unit(state, unit_id)?;
    let Custody::InTransit {
        handoff,
        dispatched_by,
        receiver: named,
        ..
    } = &unit.custody
    else {
        return Err(ManufacturingError::NotInTransit(unit.label()));
    };
    if *dispatched_by == receiver {
        return Err(ManufacturingError::SameCustodian);
    }
    if *named != receiver {
        return Err(ManufacturingError::NotTheReceiver(unit.label()));
    }
    Ok(vec![Event::UnitReceived(UnitReceived {
        unit_id,
        handoff_id: *handoff,
        temperature,
        condition,
    })])
}

/// QA records a unit's expiry or destruction.
pub fn change_status(
    state: &State,
    actor: &Actor,
    unit_id: UnitId,
    to: UnitStatus,
    reason: Option<Narrative>,
    now: Timestamp,
) -> Result<Vec<Event>, ManufacturingError> {
    acting_user(actor, &[Role::Qa], "qa")?;
    let unit = unit(state, unit_id)?;
    let allowed = match (unit.status, to) {
        (
            UnitStatus::Quarantine | UnitStatus::Released | UnitStatus::OnHold,
            UnitStatus::Expired,
        ) => unit.expires_at <= now,
        (
            UnitStatus::Rejected | UnitStatus::Recalled | UnitStatus::Expired,
            UnitStatus::Destroyed,
        ) => reason.is_some(),
        _ => false,
    };
    if !allowed {
        return Err(unit_state_error(unit, "this status change"));
    }
    Ok(vec![Event::UnitStatusChanged(UnitStatusChanged {
        unit_id,
        from: unit.status,
        to,
        reason,
    })])
}
