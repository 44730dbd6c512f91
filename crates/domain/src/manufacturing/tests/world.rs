//! A small world built only through the commands: users, supplies, donors with consent and
//! screening, received donations, and a helper to record steps. "Now" is 2026-11-25 12:00 UTC.

use chrono::{NaiveDate, TimeZone, Utc};
use uuid::Uuid;

use crate::actor::Actor;
use crate::event::{Event, EventMeta};
use crate::ids::*;
use crate::manufacturing::commands::donations::{self, NewDonation, ReceiptInput};
use crate::manufacturing::commands::donors::{self, screening_test};
use crate::manufacturing::commands::materials;
use crate::manufacturing::commands::steps::{self, OutputSpec, StepInput};
use crate::manufacturing::{
    ArrivalCondition, Consent, DinSource, EligibilityStatus, LotCode, LotKind, MaterialQcStatus,
    ScreeningPolicy, ScreeningResult, StepKind,
};
use crate::refusal::Refusal;
use crate::role::Role;
use crate::state::State;
use crate::time::Timestamp;
use crate::values::{Celsius, Label, ZonedTime};

pub(super) fn id<T: From<Uuid>>(n: u128) -> T {
    T::from(Uuid::from_u128(n))
}

pub(super) fn at(day: u32, hour: u32) -> Timestamp {
    Timestamp::from_datetime(
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0)
            .single()
            .expect("a time"),
    )
}

pub(super) fn now() -> Timestamp {
    at(25, 12)
}

pub(super) fn date(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, day).expect("a date")
}

pub(super) fn label(text: &str) -> Label {
    Label::parse(text, "label").expect("a label")
}

pub(super) const TECH: u128 = 1;
pub(super) const TECH_2: u128 = 2;
pub(super) const QA: u128 = 3;
pub(super) const MEDIUM: u128 = 10;
pub(super) const QUARANTINED_MEDIUM: u128 = 11;
pub(super) const EXPIRED_MEDIUM: u128 = 12;
pub(super) const CABINET: u128 = 20;
pub(super) const OVERDUE_CABINET: u128 = 21;

pub(super) fn tech() -> Actor {
    Actor::User {
        user_id: id(TECH),
        role: Role::Technician,
    }
}

pub(super) fn tech_2() -> Actor {
    Actor::User {
        user_id: id(TECH_2),
        role: Role::Technician,
    }
}

pub(super) fn qa() -> Actor {
    Actor::User {
        user_id: id(QA),
        role: Role::Qa,
    }
}

/// The world, and a counter for fresh ids.
pub(super) struct World {
    pub state: State,
    next: u128,
}

impl World {
    /// Applies events as `actor` at `now()`.
    pub fn apply(&mut self, actor: Actor, events: Vec<Event>) {
        for event in events {
            let meta = EventMeta {
                seq: 1,
                recorded_at: now(),
                actor,
            };
            event
                .apply(&mut self.state, &meta)
                .expect("the event applies");
        }
    }

    /// Applies the events of a decision that must succeed.
    pub fn ok<E: std::fmt::Debug>(&mut self, actor: Actor, decision: Result<Vec<Event>, E>) {
        let events = decision.expect("the command is accepted");
        self.apply(actor, events);
    }

    pub fn fresh(&mut self) -> u128 {
        self.next += 1;
        self.next
    }

    /// Supplies: a released medium, a quarantined one, an expired one; a calibrated cabinet and
    /// an overdue one.
    pub fn new() -> Self {
        let mut world = World {
            state: State::default(),
            next: 1_000,
        };
        for (n, expires, release) in [
            (MEDIUM, date(30), true),
            (QUARANTINED_MEDIUM, date(30), false),
            (EXPIRED_MEDIUM, date(1), true),
        ] {
            let events = materials::register_material_lot(
                &tech(),
                id(n),
                label("alpha-MEM"),
                label("Demo Media"),
                label(&format!("MED-{n}")),
                expires,
            );
            world.ok(tech(), events);
            if release {
                let events = materials::set_material_qc(
                    &world.state,
                    &qa(),
                    id(n),
                    MaterialQcStatus::Released,
                );
                world.ok(qa(), events);
            }
        }
        for (n, due) in [(CABINET, date(30)), (OVERDUE_CABINET, date(2))] {
            let events = materials::register_equipment(
                &world.state,
                &tech(),
                id(n),
                label(&format!("BSC-{n}")),
                label("biosafety cabinet"),
                due,
            );
            world.ok(tech(), events);
        }
        world
    }

    /// A donor with therapy consent, the whole default panel NON_REACTIVE, a donation collected
    /// on the 23rd and received, and, if `eligible`, an ELIGIBLE determination. Returns the
    /// donor and donation.
    pub fn donor(&mut self, eligible: bool) -> (DonorId, DonationId) {
        let donor_id: DonorId = id(self.fresh());
        let key = crate::manufacturing::DonorKey::new(26, u32::try_from(self.next).unwrap_or(0));
        self.ok(tech(), donors::register(&tech(), donor_id, key));
        let consent = Consent {
            form_id: label("UC-CONSENT"),
            form_version: label("3"),
            signed_on: date(1),
            therapy: true,
            research: false,
            withdrawal: None,
        };
        let events = donors::record_consent(&self.state, &tech(), donor_id, consent);
        self.ok(tech(), events);
        let donation_id: DonationId = id(self.fresh());
        let din = crate::isbt128::Din::new(
            crate::isbt128::Fin::parse("A9999").expect("a FIN"),
            26,
            u32::try_from(self.next).unwrap_or(1),
        )
        .expect("a DIN");
        let events = donations::register(
            &self.state,
            &tech(),
            NewDonation {
                donation_id,
                donor_id,
                din,
                din_source: DinSource::Assigned,
                collected_at: ZonedTime::parse("2026-11-23T08:30:00+01:00").expect("a time"),
                site: label("Ward 3"),
            },
            now(),
        );
        self.ok(tech(), events);
        let policy = ScreeningPolicy::default();
        for rule in &policy.markers {
            let test = screening_test(
                id(self.fresh()),
                label(&rule.name),
                label("CMIA"),
                ScreeningResult::NonReactive,
                date(22),
            );
            let events = donors::record_screening(&self.state, &tech(), donor_id, test, &policy);
            self.ok(tech(), events);
        }
        let receipt = ReceiptInput {
            donation_id,
            received_at: at(23, 14),
            transport_temperature: Celsius::parse("5").expect("a temperature"),
            condition: ArrivalCondition::Intact,
        };
        let events = donations::receive(&self.state, &tech(), receipt, 48, now());
        self.ok(tech(), events);
        if eligible {
            let events = donors::determine_eligibility(
                &self.state,
                &qa(),
                donor_id,
                EligibilityStatus::Eligible,
                Vec::new(),
                &policy,
            )
            .map_err(|refusal: Refusal| refusal);
            self.ok(qa(), events);
        }
        (donor_id, donation_id)
    }

    /// A step as the technician enters it, using the released medium and the cabinet.
    pub fn step(&mut self, kind: StepKind, inputs: Vec<LotId>, outputs: &[LotKind]) -> StepInput {
        let outputs = outputs
            .iter()
            .map(|kind| {
                let n = self.fresh();
                OutputSpec {
                    lot_id: id(n),
                    kind: *kind,
                    bank_level: (*kind == LotKind::CellBank)
                        .then_some(crate::manufacturing::CellBankLevel::Master),
                    code: LotCode::new(*kind, 26, u32::try_from(n).unwrap_or(0)),
                }
            })
            .collect();
        StepInput {
            step_id: id(self.fresh()),
            kind,
            sop_id: label("SOP-1"),
            sop_version: label("1"),
            started_at: at(24, 9),
            ended_at: Some(at(24, 10)),
            donation: None,
            inputs,
            outputs,
            measurements: Vec::new(),
            equipment: vec![id(CABINET)],
            material_lots: vec![id(MEDIUM)],
            notes: None,
        }
    }

    /// Records a step that must succeed and returns the lots it made.
    pub fn run(&mut self, input: StepInput) -> Vec<LotId> {
        let made = input.outputs.iter().map(|o| o.lot_id).collect();
        let events = steps::record(&self.state, &tech(), input, now());
        self.ok(tech(), events);
        made
    }

    /// Cord tissue from a donation, then a primary culture; returns the primary culture lot.
    pub fn primary_culture(&mut self, donation: DonationId) -> LotId {
        let mut tissue = self.step(
            StepKind::TissueProcessing,
            Vec::new(),
            &[LotKind::CordTissue],
        );
        tissue.donation = Some(donation);
        let cord = self.run(tissue);
        let explant = self.step(StepKind::ExplantCulture, cord, &[LotKind::PrimaryCulture]);
        self.run(explant)[0]
    }
}

/// The code of a refused decision.
pub(super) fn code<T, E: crate::refusal::Refuse>(result: Result<T, E>) -> &'static str {
    match result {
        Ok(_) => "ACCEPTED",
        Err(error) => error.code(),
    }
}
