//! A small world for the clinical tests: one eligible donor and donation, a cord tissue lot in
//! quarantine, a released drug product lot with three units (DIN `A999926000001`, product codes
//! `S1234VA0`, `S1234VB0`, `S1234VC0`, 60 x 10^6 cells each), two patients weighed yesterday
//! (60 kg and 80 kg), an order each at 1 x 10^6 cells/kg, unit A allocated to patient 1's order
//! and thawed at 09:00, unit B allocated to patient 2's. "Now" is 2026-11-25 10:00 UTC.
//!
//! Every change goes through an event with its meta, so [`Fixture::replay`] can rebuild the
//! state from the log alone.

use std::collections::BTreeSet;

use chrono::{NaiveDate, TimeZone, Utc};
use uuid::Uuid;

use crate::actor::Actor;
use crate::clinical::bedside::{BedsidePolicy, BedsideScans};
use crate::clinical::commands::bedside::{self as bedside_commands, BedsideDecision};
use crate::clinical::commands::{orders, patients};
use crate::clinical::order::{InfusionSchedule, Route};
use crate::clinical::patient::PatientKey;
use crate::event::{Event, EventMeta};
use crate::identity::PrintedName;
use crate::ids::*;
use crate::manufacturing::events::*;
use crate::manufacturing::{LotStatus, UnitStatus};
use crate::role::Role;
use crate::signature::{Meaning, Signature};
use crate::state::State;
use crate::time::Timestamp;
use crate::values::{DosePerKg, Kilograms};

/// A deterministic id from a small number.
pub fn id<T: From<Uuid>>(n: u128) -> T {
    T::from(Uuid::from_u128(n))
}

/// 2026-11-25 at `hour:minute` UTC.
pub fn at(hour: u32, minute: u32) -> Timestamp {
    Timestamp::from_datetime(
        Utc.with_ymd_and_hms(2026, 11, 25, hour, minute, 0)
            .single()
            .expect("a valid time"),
    )
}

/// The tests' "now".
pub fn now() -> Timestamp {
    at(10, 0)
}

/// A date.
pub fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a valid date")
}

/// Users.
pub const CLINICIAN: u128 = 1;
/// A second clinician.
pub const CLINICIAN_2: u128 = 2;
/// QA.
pub const QA: u128 = 3;
/// A technician.
pub const TECHNICIAN: u128 = 4;

/// Aggregates.
pub const DONOR: u128 = 100;
pub const DONATION: u128 = 101;
pub const MATERIAL: u128 = 102;
pub const STEP_TISSUE: u128 = 103;
pub const STEP_FORMULATION: u128 = 104;
pub const LOT_CT: u128 = 105;
pub const LOT_DP: u128 = 106;
pub const UNIT_A: u128 = 110;
pub const UNIT_B: u128 = 111;
pub const UNIT_C: u128 = 112;
pub const PATIENT_1: u128 = 200;
pub const PATIENT_2: u128 = 201;
pub const ORDER_1: u128 = 210;
pub const ORDER_2: u128 = 211;

/// The scans of unit A as its label reads.
pub const UNIT_A_SCANS: [&str; 3] = ["=A99992600000168", "=<S1234VA0", "&>0271812359"];
/// Patient 1's plain wristband, and patient 2's.
pub const WRISTBAND_1: &str = "WB-0001";
/// Patient 2's plain wristband.
pub const WRISTBAND_2: &str = "WB-0002";
/// Patient 1's `&#` wristband (number `AB123`).
pub const WRISTBAND_1_ISBT: &str = "&#0105AB123";

/// An actor in a role.
pub fn user(n: u128, role: Role) -> Actor {
    Actor::User {
        user_id: id(n),
        role,
    }
}

/// The clinician.
pub fn clinician() -> Actor {
    user(CLINICIAN, Role::Clinician)
}

/// A signature by user `n`.
pub fn signature(n: u128, meaning: Meaning) -> Signature {
    Signature {
        signer_id: id(n),
        printed_name: PrintedName::parse("Test Signer").expect("a name"),
        signed_at: now(),
        meaning,
    }
}

/// The world and the log that built it.
pub struct Fixture {
    /// The state.
    pub state: State,
    /// Every event applied, with its meta.
    pub log: Vec<(Event, EventMeta)>,
}

impl Fixture {
    /// Applies events as if recorded by `actor` at `recorded_at`.
    pub fn record(&mut self, actor: Actor, recorded_at: Timestamp, events: Vec<Event>) {
        for event in events {
            let meta = EventMeta {
                seq: self.log.len() as u64 + 1,
                recorded_at,
                actor,
            };
            event
                .apply(&mut self.state, &meta)
                .expect("the event applies");
            self.log.push((event, meta));
        }
    }

    /// The state rebuilt from the log alone.
    pub fn replay(&self) -> State {
        let mut state = State::default();
        for (event, meta) in &self.log {
            event.apply(&mut state, meta).expect("replay applies");
        }
        state
    }

    /// The patient the store would find for a wristband.
    pub fn resolve(scans: &BedsideScans) -> Option<PatientId> {
        match scans.wristband()?.lookup_key() {
            "WB-0001" | "AB123" => Some(id(PATIENT_1)),
            "WB-0002" => Some(id(PATIENT_2)),
            _ => None,
        }
    }

    /// A bedside check by the clinician, recorded.
    pub fn check(
        &mut self,
        check: u128,
        unit_scans: &[&str],
        patient_scan: &str,
        policy: &BedsidePolicy,
        when: Timestamp,
    ) -> BedsideDecision {
        let scans = BedsideScans::parse(unit_scans, patient_scan);
        let decision = bedside_commands::check(
            &self.state,
            &clinician(),
            id(check),
            &scans,
            Self::resolve(&scans),
            policy,
            when,
        )
        .expect("a clinician may check");
        self.record(clinician(), when, decision.events.clone());
        decision
    }

    /// Sets a unit's status through the manufacturing event.
    pub fn unit_status(&mut self, unit: u128, to: UnitStatus) {
        let from = self.state.units[&id(unit)].status;
        let event = Event::UnitStatusChanged(UnitStatusChanged {
            unit_id: id(unit),
            from,
            to,
            reason: None,
        });
        self.record(user(QA, Role::Qa), at(8, 0), vec![event]);
    }

    /// Sets a lot's status through the manufacturing event.
    pub fn lot_status(&mut self, lot: u128, to: LotStatus) {
        let from = self.state.lots[&id(lot)].status;
        let event = Event::LotStatusChanged(LotStatusChanged {
            lot_id: id(lot),
            from,
            to,
            reason: None,
        });
        self.record(user(QA, Role::Qa), at(8, 0), vec![event]);
    }

    /// The standard world.
    pub fn new() -> Self {
        let mut fixture = Self {
            state: State::default(),
            log: Vec::new(),
        };
        super::world::manufacturing(&mut fixture);
        fixture.clinical();
        fixture
    }

    fn clinical(&mut self) {
        let doctor = clinician();
        let sign = signature(CLINICIAN, Meaning::Approval);
        for (patient, sequence, kilograms, order) in
            [(PATIENT_1, 1, "60", ORDER_1), (PATIENT_2, 2, "80", ORDER_2)]
        {
            let mut events = patients::register(
                &self.state,
                &doctor,
                id(patient),
                PatientKey::new(26, sequence),
            )
            .expect("registers");
            self.record(doctor, at(7, 0), std::mem::take(&mut events));
            let weight = Kilograms::parse(kilograms).expect("a weight");
            let events = patients::record_weight(
                &self.state,
                &doctor,
                id(patient),
                weight,
                date(2026, 11, 24),
                now(),
            )
            .expect("weighs");
            self.record(doctor, at(7, 5), events);
            let schedule = if patient == PATIENT_1 {
                InfusionSchedule::new(vec![0, 7]).expect("a schedule")
            } else {
                InfusionSchedule::single()
            };
            let new = orders::NewOrder {
                order_id: id(order),
                patient_id: id(patient),
                dose_per_kg: DosePerKg::STANDARD,
                schedule,
                route: Route::Intravenous,
                starts_on: date(2026, 11, 25),
            };
            let events = orders::place(&self.state, &doctor, &sign, new).expect("orders");
            self.record(doctor, at(7, 10), events);
        }
        for (unit, order) in [(UNIT_A, ORDER_1), (UNIT_B, ORDER_2)] {
            let events = orders::allocate(&self.state, &doctor, id(order), id(unit), now())
                .expect("allocates");
            self.record(doctor, at(7, 20), events);
        }
        let events = orders::thaw(
            &self.state,
            &doctor,
            id(UNIT_A),
            at(9, 0),
            &BedsidePolicy::default(),
            now(),
        )
        .expect("thaws");
        self.record(doctor, at(9, 1), events);
    }
}

/// The reason codes of a decision, as text.
pub fn codes(decision: &BedsideDecision) -> Vec<&'static str> {
    decision
        .outcome
        .reasons()
        .into_iter()
        .map(|reason| reason.code())
        .collect()
}

/// A set of ids, for comparisons.
pub fn ids<T: From<Uuid> + Ord>(numbers: &[u128]) -> BTreeSet<T> {
    numbers.iter().map(|n| id(*n)).collect()
}
