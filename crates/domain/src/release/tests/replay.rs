//! Replay: the events alone, through JSON and `apply`, rebuild the state the commands left.

use super::{Fixture, narrative};
use crate::event::Event;
use crate::release::commands::{self, DispositionInput};
use crate::role::Role;
use crate::signature::Meaning;
use crate::state::ApplyError;
use crate::subject::SubjectKind;

/// A fixture taken through every release event: a failed result, its investigation closed, an
/// invalidation and a retest, then the release.
fn released() -> Fixture {
    let mut fixture = Fixture::new();
    fixture.begin_testing().unwrap();
    fixture.record("ENDOTOXIN", "0.8", Some("EU/mL")).unwrap();
    let failed = fixture.current("ENDOTOXIN");
    let investigation = *fixture.state.investigations.keys().next().unwrap();
    let (qa, qa2) = (fixture.qa, fixture.qa2);
    let signature = fixture.sign(qa2, Meaning::Approval);
    fixture
        .run(Fixture::actor(qa2, Role::Qa), |state, actor| {
            commands::invalidate_result(
                state,
                actor,
                failed,
                narrative("diluted 1:10 twice"),
                &signature,
            )
        })
        .unwrap();
    let mut input = fixture.result_input("ENDOTOXIN", "0.08", Some("EU/mL"));
    input.retest_of = Some(failed);
    fixture.record_as(fixture.analyst2, input).unwrap();
    fixture
        .run(Fixture::actor(qa2, Role::Qa), |state, actor| {
            commands::close_investigation(
                state,
                actor,
                investigation,
                narrative("dilution error"),
                &signature,
            )
        })
        .unwrap();
    let codes: Vec<String> = fixture.state.specifications[&fixture.spec]
        .content
        .tests()
        .iter()
        .map(|test| test.code().as_str().to_owned())
        .filter(|code| code != "ENDOTOXIN")
        .collect();
    for code in codes {
        let (value, unit) = super::passing(&code);
        fixture.record(&code, value, unit).unwrap();
    }
    let signature = fixture.sign(qa, Meaning::Approval);
    let lot = fixture.product;
    fixture
        .run(Fixture::actor(qa, Role::Qa), |state, actor| {
            let note = Some(narrative("batch record reviewed"));
            commands::dispose(
                state,
                actor,
                lot,
                DispositionInput::Release { note },
                &signature,
            )
        })
        .unwrap();
    fixture
}

fn has_float(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Number(number) => number.is_f64(),
        serde_json::Value::Array(items) => items.iter().any(has_float),
        serde_json::Value::Object(map) => map.values().any(has_float),
        _ => false,
    }
}

#[test]
fn replaying_the_ledger_rebuilds_the_state() {
    let fixture = released();
    let mut actions: Vec<&str> = fixture
        .log
        .iter()
        .map(|(event, _)| event.action())
        .collect();
    actions.sort_unstable();
    actions.dedup();
    assert_eq!(
        actions,
        [
            "investigation.closed",
            "investigation.opened",
            "lot.released",
            "lot.testing_started",
            "result.invalidated",
            "result.recorded",
            "specification.defined",
        ]
    );
    let mut replayed = fixture.base.clone();
    for (event, meta) in &fixture.log {
        let payload = event.payload_json();
        assert!(
            !has_float(&payload),
            "{} carries a float: {payload}",
            event.action()
        );
        let decoded = Event::from_parts(event.action(), payload).unwrap();
        assert_eq!(&decoded, event);
        for subject in decoded.subjects() {
            assert_eq!(
                SubjectKind::parse(subject.kind.as_str()),
                Some(subject.kind)
            );
        }
        decoded.apply(&mut replayed, meta).unwrap();
    }
    assert_eq!(replayed, fixture.state);
}

#[test]
fn the_rejection_replays_too() {
    let mut fixture = Fixture::tested();
    let signature = fixture.sign(fixture.qa, Meaning::Approval);
    let lot = fixture.product;
    fixture
        .run(Fixture::actor(fixture.qa, Role::Qa), |state, actor| {
            let reason = narrative("customer cancelled; not needed");
            commands::dispose(
                state,
                actor,
                lot,
                DispositionInput::Reject { reason },
                &signature,
            )
        })
        .unwrap();
    let mut replayed = fixture.base.clone();
    for (event, meta) in &fixture.log {
        let decoded = Event::from_parts(event.action(), event.payload_json()).unwrap();
        decoded.apply(&mut replayed, meta).unwrap();
    }
    assert_eq!(replayed, fixture.state);
}

#[test]
fn an_inconsistent_ledger_fails_to_apply() {
    let fixture = released();
    let (release, meta) = fixture.log.last().unwrap();
    let mut state = fixture.state.clone();
    assert!(matches!(
        release.apply(&mut state, meta),
        Err(ApplyError::Duplicate {
            kind: "disposition",
            ..
        })
    ));
    let mut without_units = fixture.base.clone();
    without_units.units.clear();
    for (event, meta) in &fixture.log[..fixture.log.len() - 1] {
        event.apply(&mut without_units, meta).unwrap();
    }
    assert!(matches!(
        release.apply(&mut without_units, meta),
        Err(ApplyError::Missing {
            kind: "unit of the lot",
            ..
        })
    ));
}
