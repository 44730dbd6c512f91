//! Patients, orders, allocation, deallocation and thaw.

use crate::clinical::bedside::BedsidePolicy;
use crate::clinical::commands::{orders, patients};
use crate::clinical::order::{InfusionSchedule, Route};
use crate::clinical::patient::PatientKey;
use crate::event::Event;
use crate::manufacturing::events::EligibilityRevoked;
use crate::manufacturing::{LotStatus, UnitStatus};
use crate::refusal::Refuse;
use crate::role::Role;
use crate::signature::Meaning;
use crate::values::{DosePerKg, Kilograms, Label, Narrative};

use super::fixture::*;

#[test]
fn schedules() {
    let cases: [(&[u16], Result<usize, &str>); 7] = [
        (&[0], Ok(1)),
        (&[0, 7], Ok(2)),
        (&[], Err("BAD_SCHEDULE")),
        (&[1, 7], Err("BAD_SCHEDULE")),
        (&[0, 7, 7], Err("BAD_SCHEDULE")),
        (&[0, 400], Err("BAD_SCHEDULE")),
        (
            &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
            Err("BAD_SCHEDULE"),
        ),
    ];
    for (days, expected) in cases {
        let got = InfusionSchedule::new(days.to_vec())
            .map(|s| s.infusions())
            .map_err(|e| e.code());
        assert_eq!(got, expected, "{days:?}");
    }
    let parsed: Result<InfusionSchedule, _> = serde_json::from_str("[0, 0]");
    assert!(parsed.is_err(), "a ledger payload is parsed, not trusted");
    assert_eq!(Route::parse("IV"), Some(Route::Intravenous));
    assert_eq!(PatientKey::new(26, 1).as_str(), "PAT26-000001");
}

#[test]
fn patient_and_order_refusals() {
    let fixture = Fixture::new();
    let doctor = clinician();
    let taken = patients::register(&fixture.state, &doctor, id(300), PatientKey::new(26, 1));
    assert_eq!(
        taken.map_err(|e| e.code()).err(),
        Some("DUPLICATE_PATIENT_KEY")
    );
    let technician = user(TECHNICIAN, Role::Technician);
    let by_technician =
        patients::register(&fixture.state, &technician, id(300), PatientKey::new(26, 9));
    assert_eq!(
        by_technician.map_err(|e| e.code()).err(),
        Some("WRONG_ROLE")
    );
    let weight = Kilograms::parse("61").expect("a weight");
    let tomorrow_plus_one = date(2026, 11, 27);
    let future = patients::record_weight(
        &fixture.state,
        &doctor,
        id(PATIENT_1),
        weight,
        tomorrow_plus_one,
        now(),
    );
    assert_eq!(future.map_err(|e| e.code()).err(), Some("IN_FUTURE"));
    let nobody = patients::record_weight(
        &fixture.state,
        &doctor,
        id(999),
        weight,
        date(2026, 11, 25),
        now(),
    );
    assert_eq!(nobody.map_err(|e| e.code()).err(), Some("NOT_FOUND"));

    let new = |patient: u128| orders::NewOrder {
        order_id: id(400),
        patient_id: id(patient),
        dose_per_kg: DosePerKg::STANDARD,
        schedule: InfusionSchedule::single(),
        route: Route::Intravenous,
        starts_on: date(2026, 12, 1),
    };
    let review = signature(CLINICIAN, Meaning::Review);
    let wrong_meaning = orders::place(&fixture.state, &doctor, &review, new(PATIENT_1));
    assert_eq!(
        wrong_meaning.map_err(|e| e.code()).err(),
        Some("WRONG_SIGNATURE_MEANING")
    );
    let authorship = signature(CLINICIAN, Meaning::Authorship);
    let unknown = orders::place(&fixture.state, &doctor, &authorship, new(999));
    assert_eq!(unknown.map_err(|e| e.code()).err(), Some("NOT_FOUND"));
    assert!(orders::place(&fixture.state, &doctor, &authorship, new(PATIENT_1)).is_ok());
}

#[test]
fn allocation_refusals() {
    type Setup = fn(&mut Fixture);
    let cases: Vec<(&str, Setup, u128, u128, &str)> = vec![
        (
            "already allocated",
            |_| {},
            ORDER_1,
            UNIT_B,
            "ALREADY_ALLOCATED",
        ),
        (
            "order full",
            |_| {},
            ORDER_2,
            UNIT_C,
            "ORDER_FULLY_ALLOCATED",
        ),
        (
            "unit not released",
            |f| f.unit_status(UNIT_C, UnitStatus::Quarantine),
            ORDER_1,
            UNIT_C,
            "NOT_RELEASED",
        ),
        (
            "lot on hold",
            |f| f.lot_status(LOT_DP, LotStatus::OnHold),
            ORDER_1,
            UNIT_C,
            "LOT_NOT_RELEASED",
        ),
        (
            "unit expired",
            |f| f.state.units.get_mut(&id(UNIT_C)).expect("unit").expires_at = at(9, 0),
            ORDER_1,
            UNIT_C,
            "EXPIRED",
        ),
        (
            "donor not eligible",
            revoke,
            ORDER_1,
            UNIT_C,
            "DONOR_NOT_ELIGIBLE",
        ),
        ("unknown order", |_| {}, 999, UNIT_C, "NOT_FOUND"),
        ("unknown unit", |_| {}, ORDER_1, 999, "NOT_FOUND"),
        (
            "cancelled order",
            cancel,
            ORDER_1,
            UNIT_C,
            "ORDER_NOT_ACTIVE",
        ),
    ];
    for (name, setup, order, unit, code) in cases {
        let mut fixture = Fixture::new();
        setup(&mut fixture);
        let refused = orders::allocate(&fixture.state, &clinician(), id(order), id(unit), now());
        assert_eq!(refused.map_err(|e| e.code()).err(), Some(code), "{name}");
    }
}

fn revoke(fixture: &mut Fixture) {
    let event = Event::EligibilityRevoked(EligibilityRevoked {
        donor_id: id(DONOR),
        reason: Label::parse("late reactive result", "reason").expect("a reason"),
    });
    fixture.record(user(QA, Role::Qa), at(9, 30), vec![event]);
}

fn cancel(fixture: &mut Fixture) {
    let reason = Narrative::parse("no longer indicated", "reason").expect("a reason");
    let events =
        orders::cancel(&fixture.state, &clinician(), id(ORDER_1), reason).expect("cancels");
    fixture.record(clinician(), at(9, 30), events);
}

#[test]
fn cancelling_frees_the_units_and_deallocation_too() {
    let mut fixture = Fixture::new();
    cancel(&mut fixture);
    assert!(!fixture.state.allocations.contains_key(&id(UNIT_A)));
    let again = orders::cancel(
        &fixture.state,
        &clinician(),
        id(ORDER_1),
        Narrative::parse("twice", "reason").expect("a reason"),
    );
    assert_eq!(again.map_err(|e| e.code()).err(), Some("ORDER_NOT_ACTIVE"));
    // Unit A was thawed: it can never be allocated again.
    let thawed = orders::allocate(&fixture.state, &clinician(), id(ORDER_2), id(UNIT_A), now());
    assert_eq!(thawed.map_err(|e| e.code()).err(), Some("ALREADY_THAWED"));

    let reason = Narrative::parse("bag damaged", "reason").expect("a reason");
    let events = orders::deallocate(&fixture.state, &clinician(), id(UNIT_B), reason.clone())
        .expect("deallocates");
    fixture.record(clinician(), at(9, 40), events);
    assert!(!fixture.state.allocations.contains_key(&id(UNIT_B)));
    let twice = orders::deallocate(&fixture.state, &clinician(), id(UNIT_B), reason);
    assert_eq!(twice.map_err(|e| e.code()).err(), Some("NOT_ALLOCATED"));
    let events = orders::allocate(&fixture.state, &clinician(), id(ORDER_2), id(UNIT_C), now())
        .expect("allocates");
    fixture.record(clinician(), at(9, 45), events);
    assert_eq!(fixture.replay(), fixture.state);
}

#[test]
fn thaw_refusals() {
    let fixture = Fixture::new();
    let policy = BedsidePolicy::default();
    let doctor = clinician();
    let cases = [
        (UNIT_A, at(9, 30), "ALREADY_THAWED"),
        (UNIT_C, at(9, 30), "NOT_ALLOCATED"),
        (UNIT_B, at(10, 5), "IN_FUTURE"),
        (999, at(9, 30), "NOT_FOUND"),
    ];
    for (unit, thawed_at, code) in cases {
        let refused = orders::thaw(&fixture.state, &doctor, id(unit), thawed_at, &policy, now());
        assert_eq!(refused.map_err(|e| e.code()).err(), Some(code), "{code}");
    }
    let events = orders::thaw(
        &fixture.state,
        &doctor,
        id(UNIT_B),
        at(9, 30),
        &policy,
        now(),
    )
    .expect("thaws");
    let Event::UnitThawed(thawed) = &events[0] else {
        panic!("a thaw event");
    };
    assert_eq!(thawed.use_by, at(13, 30));
}
