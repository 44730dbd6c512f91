//! The bedside check itself: every rule, each adding a finding, none stopping the others.

use chrono::{NaiveDateTime, Timelike};
use rust_decimal::prelude::ToPrimitive;

use crate::ids::PatientId;
use crate::isbt128::Expiry;
use crate::manufacturing::{Donor, Lot, LotStatus, Unit, UnitStatus};
use crate::state::State;
use crate::time::Timestamp;

use super::super::order::{Order, OrderStatus};
use super::super::patient::{Patient, WeightMeasurement};
use super::{BedsideFacts, BedsideOutcome, BedsidePolicy, BedsideReason, BedsideScans, Finding};

use BedsideReason as R;

/// Checks the scanned unit and patient against the record at `now`.
///
/// `patient_id` is what the store found for [`BedsideScans::wristband`] (`None` when nothing
/// matched or the wristband did not read). The state must hold what the module documentation
/// lists; anything missing counts against the check.
pub fn check(
    state: &State,
    scans: &BedsideScans,
    patient_id: Option<PatientId>,
    policy: &BedsidePolicy,
    now: Timestamp,
) -> BedsideOutcome {
    let mut checker = Checker {
        state,
        policy,
        now,
        findings: scans.findings().to_vec(),
        facts: BedsideFacts::default(),
    };
    let unit = checker.unit(scans);
    let patient = checker.patient(scans, patient_id);
    let order = checker.order(unit, patient);
    if let (Some(unit), Some(patient), Some(order)) = (unit, patient, order) {
        checker.dose(unit, patient, order);
    }
    let Checker {
        mut findings,
        facts,
        ..
    } = checker;
    // A stable sort keeps the scan problems in the order scanned.
    findings.sort_by_key(|finding| finding.reason);
    BedsideOutcome { findings, facts }
}

struct Checker<'a> {
    state: &'a State,
    policy: &'a BedsidePolicy,
    now: Timestamp,
    findings: Vec<Finding>,
    facts: BedsideFacts,
}

impl<'a> Checker<'a> {
    fn add(&mut self, reason: BedsideReason, message: impl Into<String>) {
        self.findings.push(Finding::new(reason, message));
    }

    /// Finds the unit by DIN and product code and checks what belongs to it alone.
    fn unit(&mut self, scans: &BedsideScans) -> Option<&'a Unit> {
        let (din, product_code) = scans.unit_key()?;
        let state = self.state;
        let Some(unit) = state
            .units
            .values()
            .find(|unit| unit.din == din && unit.product_code == product_code)
        else {
            self.add(
                R::UnknownUnit,
                format!("no unit {} {product_code} is on record", din.eye_readable()),
            );
            return None;
        };
        self.facts.unit_id = Some(unit.id);
        self.facts.din = Some(unit.din);
        self.facts.product_code = Some(unit.product_code);
        self.facts.product_description = state
            .products
            .get(unit.product_code.description_code())
            .map(|product| product.description.clone());
        self.facts.lot_id = Some(unit.lot_id);
        self.facts.cells = Some(unit.cells);
        self.facts.volume = Some(unit.volume);
        self.facts.expires_at = Some(unit.expires_at);
        self.unit_status(unit);
        let lot = state.lots.get(&unit.lot_id);
        self.lot_status(lot);
        if unit.expires_at <= self.now {
            self.add(
                R::Expired,
                format!("the unit expired at {}", unit.expires_at),
            );
        }
        if let Some(expiry) = scans.unit().expiry {
            self.label(unit, expiry);
        }
        self.thaw(unit);
        if let Some(lot) = lot {
            self.donors(lot);
        }
        Some(unit)
    }

    fn unit_status(&mut self, unit: &Unit) {
        let administered = self
            .state
            .administrations
            .values()
            .any(|administration| administration.unit_id == unit.id);
        let status = unit.status;
        match status {
            UnitStatus::Released if !administered => {}
            UnitStatus::Released | UnitStatus::Administered => {
                self.add(R::AlreadyAdministered, "the unit was already administered");
            }
            UnitStatus::Quarantine | UnitStatus::Rejected | UnitStatus::Destroyed => {
                self.add(R::NotReleased, format!("the unit is {status}"));
            }
            UnitStatus::OnHold | UnitStatus::Recalled => {
                self.add(R::OnHoldOrRecalled, format!("the unit is {status}"));
            }
            UnitStatus::Expired => self.add(R::Expired, "the unit is EXPIRED"),
        }
    }

    fn lot_status(&mut self, lot: Option<&Lot>) {
        let Some(lot) = lot else {
            self.add(R::NotReleased, "the unit's lot is not on record");
            return;
        };
        self.facts.lot_code = Some(lot.code.clone());
        let (code, status) = (&lot.code, lot.status);
        match status {
            LotStatus::Released => {}
            LotStatus::OnHold | LotStatus::Recalled => {
                self.add(R::OnHoldOrRecalled, format!("lot {code} is {status}"));
            }
            LotStatus::Expired => self.add(R::Expired, format!("lot {code} is EXPIRED")),
            LotStatus::InProcess
            | LotStatus::Quarantine
            | LotStatus::Rejected
            | LotStatus::Destroyed => {
                self.add(R::NotReleased, format!("lot {code} is {status}"));
            }
        }
    }

    /// The scanned expiry must say what the record says, in the facility's local time.
    fn label(&mut self, unit: &Unit, expiry: Expiry) {
        let local = unit
            .expires_at
            .as_datetime()
            .with_timezone(&self.policy.label_offset)
            .naive_local();
        let matches = match expiry.label().time() {
            Some(_) => Some(expiry.at()) == to_minute(local),
            None => expiry.label().date() == local.date(),
        };
        if !matches {
            self.add(
                R::LabelMismatch,
                format!(
                    "the label's expiry {} differs from the record's {}",
                    expiry.at().format("%Y-%m-%d %H:%M"),
                    local.format("%Y-%m-%d %H:%M")
                ),
            );
        }
    }

    fn thaw(&mut self, unit: &Unit) {
        let Some(thaw) = self.state.thaws.get(&unit.id) else {
            self.add(R::NotThawed, "the unit has not been thawed");
            return;
        };
        let use_by = thaw
            .use_by
            .min(thaw.thawed_at.plus(self.policy.thaw_window));
        self.facts.thawed_at = Some(thaw.thawed_at);
        self.facts.use_by = Some(use_by);
        if self.now > use_by {
            self.add(
                R::ThawWindowExceeded,
                format!("thawed at {}, to be used by {use_by}", thaw.thawed_at),
            );
        }
    }

    fn donors(&mut self, lot: &Lot) {
        let state = self.state;
        let unusable: Vec<String> = lot
            .donors
            .iter()
            .filter(|donor_id| !state.donors.get(donor_id).is_some_and(donor_usable))
            .map(|donor_id| {
                state
                    .donors
                    .get(donor_id)
                    .map_or_else(|| donor_id.to_string(), |d| d.key.as_str().to_owned())
            })
            .collect();
        if lot.donors.is_empty() {
            // Every lot descends from a donation; a lot naming no donor cannot be vouched for.
            self.add(
                R::DonorNotEligible,
                format!("lot {} names no donor", lot.code),
            );
        } else if !unusable.is_empty() {
            self.add(
                R::DonorNotEligible,
                format!(
                    "donor(s) {} not ELIGIBLE, or consent to therapy does not stand",
                    unusable.join(", ")
                ),
            );
        }
    }

    /// Finds the patient the store resolved and checks the weight.
    fn patient(
        &mut self,
        scans: &BedsideScans,
        patient_id: Option<PatientId>,
    ) -> Option<&'a Patient> {
        // An unreadable wristband is already MALFORMED_SCAN; nothing was looked up.
        scans.wristband()?;
        let state = self.state;
        let Some(patient) = patient_id.and_then(|id| state.patients.get(&id)) else {
            self.add(R::UnknownPatient, "no patient has this wristband");
            return None;
        };
        self.facts.patient_id = Some(patient.id);
        self.facts.patient_key = Some(patient.key.clone());
        match patient.latest_weight() {
            None => self.add(R::WeightTooOld, "the patient has no weight on record"),
            Some(weight) => {
                self.facts.weight = Some(weight.weight);
                self.facts.weight_measured_on = Some(weight.measured_on);
                let today = self.now.as_datetime().date_naive();
                let age = (today - weight.measured_on).num_days();
                if age > self.policy.weight_window_days {
                    self.add(
                        R::WeightTooOld,
                        format!(
                            "the latest weight is {age} days old (limit {} days)",
                            self.policy.weight_window_days
                        ),
                    );
                }
            }
        }
        Some(patient)
    }

    /// Matches the unit's allocation with the patient; returns the order when both agree.
    fn order(&mut self, unit: Option<&Unit>, patient: Option<&Patient>) -> Option<&'a Order> {
        let state = self.state;
        let has_active_order = |patient: &Patient| {
            state
                .orders
                .values()
                .any(|order| order.patient_id == patient.id && order.status == OrderStatus::Active)
        };
        let Some(unit) = unit else {
            if let Some(patient) = patient
                && !has_active_order(patient)
            {
                self.add(R::NoActiveOrder, "the patient has no active order");
            }
            return None;
        };
        let Some(allocation) = state.allocations.get(&unit.id) else {
            self.add(R::NotAllocated, "the unit is not allocated to an order");
            if let Some(patient) = patient
                && !has_active_order(patient)
            {
                self.add(R::NoActiveOrder, "the patient has no active order");
            }
            return None;
        };
        let patient = patient?;
        if allocation.patient_id != patient.id {
            self.add(
                R::WrongPatient,
                "the unit is allocated to another patient's order",
            );
            // Every reason that applies: the scanned patient may have no active order at all,
            // as when the unit is unknown or allocated to no order.
            if !has_active_order(patient) {
                self.add(R::NoActiveOrder, "the patient has no active order");
            }
            return None;
        }
        let Some(order) = state.orders.get(&allocation.order_id) else {
            self.add(R::NoActiveOrder, "the unit's order is not on record");
            return None;
        };
        self.facts.order_id = Some(order.id);
        self.facts.prescribed_dose_per_kg = Some(order.dose_per_kg);
        if order.status != OrderStatus::Active {
            self.add(
                R::NoActiveOrder,
                format!("the unit's order is {}", order.status),
            );
        }
        Some(order)
    }

    /// The unit's cells per kg at the latest weight against the prescribed dose.
    fn dose(&mut self, unit: &Unit, patient: &Patient, order: &Order) {
        let Some(weight) = patient.latest_weight() else {
            return;
        };
        let (cells_per_kg, within) =
            dose_at(unit, weight, order, self.policy.dose_tolerance_percent);
        self.facts.cells_per_kg = Some(cells_per_kg);
        if !within {
            self.add(
                R::DoseOutOfRange,
                format!(
                    "{cells_per_kg} cells/kg at {} is more than {} % from the prescribed {} cells/kg",
                    weight.weight,
                    self.policy.dose_tolerance_percent,
                    order.dose_per_kg.get()
                ),
            );
        }
    }
}

/// Cells per kg rounded to a whole cell, and whether the exact value is within `tolerance` % of
/// the prescribed dose. The comparison multiplies out (|cells - dose x weight| x 100 <= tolerance
/// x dose x weight) so no division rounds it.
pub(crate) fn dose_at(
    unit: &Unit,
    weight: &WeightMeasurement,
    order: &Order,
    tolerance_percent: u32,
) -> (u64, bool) {
    let cells = rust_decimal::Decimal::from(unit.cells.get());
    let kilograms = weight.weight.value().inner();
    let prescribed = rust_decimal::Decimal::from(order.dose_per_kg.get()) * kilograms;
    let deviation = (cells - prescribed).abs() * rust_decimal::Decimal::from(100);
    let allowed = prescribed * rust_decimal::Decimal::from(tolerance_percent);
    let cells_per_kg = cells_per_kg(unit.cells.get(), kilograms);
    (cells_per_kg, deviation <= allowed)
}

/// `cells / kilograms`, rounded half to even to a whole cell per kg.
pub(crate) fn cells_per_kg(cells: u64, kilograms: rust_decimal::Decimal) -> u64 {
    rust_decimal::Decimal::from(cells)
        .checked_div(kilograms)
        .and_then(|per_kg| per_kg.round().to_u64())
        .unwrap_or(0)
}

/// Whether the donor is ELIGIBLE, consented to therapy and has not withdrawn.
pub(crate) fn donor_usable(donor: &Donor) -> bool {
    donor.is_eligible()
        && !donor.consent_withdrawn()
        && donor
            .consent
            .as_ref()
            .is_some_and(|consent| consent.therapy)
}

fn to_minute(local: NaiveDateTime) -> Option<NaiveDateTime> {
    local
        .with_second(0)
        .and_then(|time| time.with_nanosecond(0))
}
