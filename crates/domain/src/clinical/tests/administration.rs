//! Administration: only after an accepted check of the same unit and patient, signed with
//! meaning RESPONSIBILITY, at most once per unit.

use crate::clinical::bedside::BedsidePolicy;
use crate::clinical::commands::administration::{NewAdministration, administer};
use crate::clinical::commands::{orders, patients};
use crate::clinical::error::ClinicalError;
use crate::clinical::order::OrderStatus;
use crate::manufacturing::UnitStatus;
use crate::refusal::{RefusalKind, Refuse};
use crate::role::Role;
use crate::signature::{Meaning, Signature};
use crate::time::Timestamp;
use crate::values::{CellCount, Kilograms, Label, Millilitres};

use super::fixture::*;

fn infusion(unit: u128, patient: u128, start: Timestamp) -> NewAdministration {
    NewAdministration {
        administration_id: id(500),
        unit_id: id(unit),
        patient_id: id(patient),
        started_at: start,
        ended_at: start.plus(chrono::Duration::minutes(20)),
        volume: Millilitres::parse("50").expect("a volume"),
        cells: CellCount::new(60_000_000).expect("cells"),
        reactions: vec![],
    }
}

fn give(
    fixture: &Fixture,
    signature: &Signature,
    new: NewAdministration,
) -> Result<Vec<crate::event::Event>, ClinicalError> {
    administer(
        &fixture.state,
        &clinician(),
        signature,
        new,
        &BedsidePolicy::default(),
        at(12, 0),
    )
}

fn responsibility() -> Signature {
    signature(CLINICIAN, Meaning::Responsibility)
}

/// A fixture with an accepted check of unit A for patient 1 at 10:00.
fn checked() -> Fixture {
    let mut fixture = Fixture::new();
    let decision = fixture.check(
        1,
        &UNIT_A_SCANS,
        WRISTBAND_1,
        &BedsidePolicy::default(),
        now(),
    );
    assert!(decision.outcome.ok());
    fixture
}

#[test]
fn an_accepted_check_allows_one_administration() {
    let mut fixture = checked();
    let mut new = infusion(UNIT_A, PATIENT_1, at(10, 10));
    new.reactions = vec![Label::parse("mild chills", "reaction").expect("a reaction")];
    let events = give(&fixture, &responsibility(), new).expect("administers");
    fixture.record(clinician(), at(10, 40), events);
    let unit = &fixture.state.units[&id(UNIT_A)];
    assert_eq!(unit.status, UnitStatus::Administered);
    let administration = &fixture.state.administrations[&id(500)];
    assert_eq!(administration.check_id, id(1));
    assert_eq!(administration.cells_per_kg, 1_000_000);
    assert_eq!(administration.administered_by, id(CLINICIAN));
    let order = &fixture.state.orders[&id(ORDER_1)];
    assert_eq!(
        order.administrations,
        [id::<crate::ids::AdministrationId>(500)]
    );
    assert_eq!(
        order.status,
        OrderStatus::Active,
        "one of two infusions given"
    );
    assert_eq!(fixture.replay(), fixture.state);

    let second = give(
        &fixture,
        &responsibility(),
        infusion(UNIT_A, PATIENT_1, at(10, 15)),
    );
    let error = second.expect_err("a unit is given once");
    assert_eq!(
        (error.code(), error.kind()),
        ("ALREADY_ADMINISTERED", RefusalKind::Conflict)
    );

    let again = fixture.check(
        2,
        &UNIT_A_SCANS,
        WRISTBAND_1,
        &BedsidePolicy::default(),
        at(10, 45),
    );
    assert_eq!(codes(&again), ["ALREADY_ADMINISTERED"]);
}

#[test]
fn the_last_infusion_completes_the_order() {
    let mut fixture = Fixture::new();
    let unit_b = ["=A99992600000168", "=<S1234VB0"];
    let policy = BedsidePolicy::default();
    let decision = fixture.check(1, &unit_b, WRISTBAND_2, &policy, now());
    // Not thawed yet, and 60 x 10^6 cells for 80 kg is 750 000 cells/kg: 25 % under the dose.
    assert_eq!(codes(&decision), ["NOT_THAWED", "DOSE_OUT_OF_RANGE"]);
    assert_eq!(decision.outcome.facts.cells_per_kg, Some(750_000));
    let refused = give(
        &fixture,
        &responsibility(),
        infusion(UNIT_B, PATIENT_2, at(10, 5)),
    );
    assert_eq!(
        refused.map_err(|e| e.code()).err(),
        Some("NO_ACCEPTED_CHECK")
    );

    let weight = Kilograms::parse("60").expect("a weight");
    let events = patients::record_weight(
        &fixture.state,
        &clinician(),
        id(PATIENT_2),
        weight,
        date(2026, 11, 25),
        now(),
    )
    .expect("weighs");
    fixture.record(clinician(), at(9, 40), events);
    let events = orders::thaw(
        &fixture.state,
        &clinician(),
        id(UNIT_B),
        at(9, 50),
        &policy,
        now(),
    )
    .expect("thaws");
    fixture.record(clinician(), at(9, 55), events);
    assert!(
        fixture
            .check(2, &unit_b, WRISTBAND_2, &policy, now())
            .outcome
            .ok()
    );
    let events = give(
        &fixture,
        &responsibility(),
        infusion(UNIT_B, PATIENT_2, at(10, 5)),
    )
    .expect("administers");
    fixture.record(clinician(), at(10, 30), events);
    assert_eq!(
        fixture.state.orders[&id(ORDER_2)].status,
        OrderStatus::Completed
    );

    let unit_c = ["=A99992600000168", "=<S1234VC0"];
    let decision = fixture.check(3, &unit_c, WRISTBAND_2, &policy, at(10, 40));
    assert_eq!(
        codes(&decision),
        ["NOT_THAWED", "NOT_ALLOCATED", "NO_ACTIVE_ORDER"]
    );
    let refused = orders::allocate(&fixture.state, &clinician(), id(ORDER_2), id(UNIT_C), now());
    assert_eq!(
        refused.map_err(|e| e.code()).err(),
        Some("ORDER_NOT_ACTIVE")
    );
    assert_eq!(fixture.replay(), fixture.state);
}

#[test]
fn refusals() {
    type Change = fn(&mut Fixture, &mut NewAdministration, &mut Signature);
    let cases: Vec<(&str, Change, &str)> = vec![
        (
            "meaning APPROVAL",
            |_, _, s| s.meaning = Meaning::Approval,
            "WRONG_SIGNATURE_MEANING",
        ),
        (
            "another signer",
            |_, _, s| s.signer_id = id(CLINICIAN_2),
            "SIGNER_NOT_ACTOR",
        ),
        (
            "no check",
            |f, _, _| {
                f.state.bedside_checks.clear();
            },
            "NO_ACCEPTED_CHECK",
        ),
        (
            "latest check refused",
            |f, _, _| {
                f.check(
                    9,
                    &UNIT_A_SCANS,
                    WRISTBAND_2,
                    &BedsidePolicy::default(),
                    at(10, 5),
                );
            },
            "NO_ACCEPTED_CHECK",
        ),
        (
            "check for patient 1, given to patient 2",
            |_, n, _| n.patient_id = id(PATIENT_2),
            "CHECK_FOR_ANOTHER_PATIENT",
        ),
        (
            "started 31 min after the check",
            |_, n, _| {
                n.started_at = at(10, 31);
                n.ended_at = at(10, 50);
            },
            "CHECK_EXPIRED",
        ),
        (
            "started before the check",
            |_, n, _| n.started_at = at(9, 55),
            "CHECK_EXPIRED",
        ),
        (
            "recalled since the check",
            |f, _, _| f.unit_status(UNIT_A, UnitStatus::Recalled),
            "NOT_RELEASED",
        ),
        (
            "more cells than the unit",
            |_, n, _| n.cells = CellCount::new(60_000_001).expect("cells"),
            "EXCEEDS_UNIT",
        ),
        (
            "more volume than the unit",
            |_, n, _| n.volume = Millilitres::parse("50.5").expect("a volume"),
            "EXCEEDS_UNIT",
        ),
        (
            "end before start",
            |_, n, _| n.ended_at = at(10, 0),
            "END_BEFORE_START",
        ),
        (
            "start in the future",
            |_, n, _| {
                n.started_at = at(12, 30);
                n.ended_at = at(12, 40);
            },
            "IN_FUTURE",
        ),
        ("unknown unit", |_, n, _| n.unit_id = id(999), "NOT_FOUND"),
    ];
    for (name, change, code) in cases {
        let mut fixture = checked();
        let mut new = infusion(UNIT_A, PATIENT_1, at(10, 10));
        let mut signature = responsibility();
        change(&mut fixture, &mut new, &mut signature);
        let refused = give(&fixture, &signature, new);
        assert_eq!(refused.map_err(|e| e.code()).err(), Some(code), "{name}");
    }
}

#[test]
fn past_the_thaw_window_even_with_a_fresh_check() {
    let mut fixture = Fixture::new();
    let decision = fixture.check(
        1,
        &UNIT_A_SCANS,
        WRISTBAND_1,
        &BedsidePolicy::default(),
        at(12, 50),
    );
    assert!(decision.outcome.ok());
    let refused = administer(
        &fixture.state,
        &clinician(),
        &responsibility(),
        infusion(UNIT_A, PATIENT_1, at(13, 5)),
        &BedsidePolicy::default(),
        at(13, 30),
    );
    assert_eq!(
        refused.map_err(|e| e.code()).err(),
        Some("THAW_WINDOW_EXCEEDED")
    );
}

#[test]
fn only_a_clinician_administers() {
    let fixture = checked();
    let refused = administer(
        &fixture.state,
        &user(QA, Role::Qa),
        &signature(QA, Meaning::Responsibility),
        infusion(UNIT_A, PATIENT_1, at(10, 10)),
        &BedsidePolicy::default(),
        at(12, 0),
    );
    assert_eq!(refused.map_err(|e| e.code()).err(), Some("WRONG_ROLE"));
}
