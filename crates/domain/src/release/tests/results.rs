//! Results: refusals, evaluation, investigations, invalidation and retest.

use super::{Fixture, narrative, uuid};
use crate::actor::Actor;
use crate::event::Event;
use crate::ids::{InvestigationId, LotId, TestResultId};
use crate::manufacturing::LotStatus;
use crate::refusal::Refuse;
use crate::release::commands::{self, NewResult};
use crate::release::{Evaluation, ReleaseError};
use crate::role::Role;
use crate::signature::Meaning;

fn actions(events: &[Event]) -> Vec<&'static str> {
    events.iter().map(Event::action).collect()
}

type Edit = fn(&mut NewResult);

/// A result as entered: test code, value, unit.
type Entry = (&'static str, &'static str, Option<&'static str>);

#[test]
fn bad_results_are_refused_with_a_code() {
    let mut fixture = Fixture::new();
    fixture.begin_testing().unwrap();
    fixture.record("CD90", "99", Some("%")).unwrap();
    let analyst = Fixture::actor(fixture.analyst, Role::Analyst);
    let cases: [(&str, Actor, Entry, Edit, &str); 13] = [
        ("accepted", analyst, ("CD73", "98", Some("%")), |_| {}, "ok"),
        (
            "unknown test",
            analyst,
            ("CD200", "98", Some("%")),
            |_| {},
            "UNKNOWN_TEST",
        ),
        (
            "wrong unit",
            analyst,
            ("CD73", "98", Some("percent")),
            |_| {},
            "WRONG_UNIT",
        ),
        (
            "missing unit",
            analyst,
            ("CD73", "98", None),
            |_| {},
            "WRONG_UNIT",
        ),
        (
            "unit on a qualitative test",
            analyst,
            ("STERILITY", "NO_GROWTH", Some("%")),
            |_| {},
            "WRONG_UNIT",
        ),
        (
            "outcome for a number",
            analyst,
            ("CD73", "CONFORMS", Some("%")),
            |_| {},
            "WRONG_VALUE_KIND",
        ),
        (
            "number for an outcome",
            analyst,
            ("STERILITY", "0", None),
            |_| {},
            "WRONG_VALUE_KIND",
        ),
        (
            "outcome of another test",
            analyst,
            ("STERILITY", "NOT_DETECTED", None),
            |_| {},
            "WRONG_OUTCOME",
        ),
        (
            "tested tomorrow",
            analyst,
            ("CD73", "98", Some("%")),
            |input| input.tested_at = input.tested_at.plus(chrono::Duration::days(1)),
            "IN_FUTURE",
        ),
        (
            "unknown lot",
            analyst,
            ("CD73", "98", Some("%")),
            |input| input.lot_id = LotId::from_uuid(uuid(999)),
            "NOT_FOUND",
        ),
        (
            "lot not under test",
            analyst,
            ("CD73", "98", Some("%")),
            |input| input.lot_id = LotId::from_uuid(uuid(41)),
            "LOT_NOT_UNDER_TEST",
        ),
        (
            "second valid result",
            analyst,
            ("CD90", "98", Some("%")),
            |_| {},
            "RESULT_EXISTS",
        ),
        (
            "recorded by qa",
            Fixture::actor(fixture.qa, Role::Qa),
            ("CD73", "98", Some("%")),
            |_| {},
            "WRONG_ROLE",
        ),
    ];
    for (what, actor, (code, value, unit), edit, expected) in cases {
        let mut input = fixture.result_input(code, value, unit);
        edit(&mut input);
        let got = commands::record_result(&fixture.state, &actor, input, fixture.now);
        assert_eq!(got.map_or_else(|e| e.code(), |_| "ok"), expected, "{what}");
    }
}

#[test]
fn no_result_before_testing_begins_or_after_disposition() {
    let mut fixture = Fixture::new();
    let input = fixture.result_input("CD73", "98", Some("%"));
    let error = fixture.record_as(fixture.analyst, input).unwrap_err();
    assert_eq!(error.code(), "LOT_NOT_UNDER_TEST");
    assert_eq!(
        error.to_string(),
        "lot DP26-000001 is not under test: testing has not begun"
    );

    let mut fixture = Fixture::tested();
    fixture.state.lots.get_mut(&fixture.product).unwrap().status = LotStatus::Released;
    let input = fixture.result_input("CD200", "98", Some("%"));
    let error = fixture.record_as(fixture.analyst, input).unwrap_err();
    assert_eq!(error.code(), "LOT_NOT_UNDER_TEST");
}

#[test]
fn a_failed_required_result_opens_an_investigation_and_report_only_does_not() {
    let mut fixture = Fixture::new();
    fixture.begin_testing().unwrap();
    let cases = [
        (
            "CD73",
            "94.9",
            Some("%"),
            Evaluation::Fail,
            vec!["result.recorded", "investigation.opened"],
        ),
        (
            "STERILITY",
            "GROWTH",
            None,
            Evaluation::Fail,
            vec!["result.recorded", "investigation.opened"],
        ),
        (
            "CD34",
            "2",
            Some("%"),
            Evaluation::Pass,
            vec!["result.recorded"],
        ),
        (
            "POTENCY",
            "10",
            Some("%"),
            Evaluation::Fail,
            vec!["result.recorded"],
        ),
    ];
    for (code, value, unit, evaluation, expected) in cases {
        let events = fixture.record(code, value, unit).unwrap();
        assert_eq!(actions(&events), expected, "{code} {value}");
        assert_eq!(
            fixture.state.test_results[&fixture.current(code)].evaluation,
            evaluation
        );
    }
    assert_eq!(fixture.state.investigations.len(), 2);
    assert!(fixture.state.investigations.values().all(|i| i.is_open()));
}

#[test]
fn invalidation_and_retest() {
    let mut fixture = Fixture::new();
    fixture.begin_testing().unwrap();
    fixture.record("CD73", "90", Some("%")).unwrap();
    let failed = fixture.current("CD73");
    let investigation = *fixture.state.investigations.keys().next().unwrap();

    // A passing result cannot outvote the failing one while it stands.
    assert_eq!(
        fixture.record("CD73", "98", Some("%")).unwrap_err().code(),
        "RESULT_EXISTS"
    );

    let reason = narrative("sample mix-up: tube of another lot");
    let (qa, analyst) = (fixture.qa, fixture.analyst);
    let invalidate = |fixture: &mut Fixture, actor: Actor, signer, result: TestResultId| {
        let signature = fixture.sign(signer, Meaning::Approval);
        let reason = reason.clone();
        fixture
            .run(actor, |state, actor| {
                commands::invalidate_result(state, actor, result, reason, &signature)
            })
            .map_err(|error: ReleaseError| error.code())
            .map(|events| actions(&events))
    };
    let as_qa = Fixture::actor(qa, Role::Qa);
    let cases = [
        (
            Fixture::actor(analyst, Role::Analyst),
            analyst,
            failed,
            Err("WRONG_ROLE"),
        ),
        (
            Fixture::actor(analyst, Role::Qa),
            analyst,
            failed,
            Err("SIGNER_RECORDED_RESULT"),
        ),
        (as_qa, analyst, failed, Err("SIGNER_NOT_ACTOR")),
        (
            as_qa,
            qa,
            TestResultId::from_uuid(uuid(999)),
            Err("NOT_FOUND"),
        ),
        (as_qa, qa, failed, Ok(vec!["result.invalidated"])),
        (as_qa, qa, failed, Err("RESULT_ALREADY_INVALIDATED")),
    ];
    for (actor, signer, result, expected) in cases {
        assert_eq!(
            invalidate(&mut fixture, actor, signer, result),
            expected,
            "{actor:?}"
        );
    }
    let original = &fixture.state.test_results[&failed];
    assert_eq!(original.invalidation.as_ref().unwrap().reason, reason);
    assert_eq!(original.evaluation, Evaluation::Fail);

    // The retest must name the result it replaces, an invalidated one of the same test.
    let error = fixture.record("CD73", "98", Some("%")).unwrap_err();
    assert_eq!(error.code(), "RETEST_REFERENCE_REQUIRED");
    let mut input = fixture.result_input("CD73", "98", Some("%"));
    input.retest_of = Some(TestResultId::from_uuid(uuid(999)));
    assert_eq!(
        fixture.record_as(analyst, input).unwrap_err().code(),
        "INVALID_RETEST"
    );
    let mut input = fixture.result_input("CD73", "98", Some("%"));
    input.retest_of = Some(failed);
    fixture.record_as(fixture.analyst2, input).unwrap();
    let retest = fixture.current("CD73");
    assert_ne!(retest, failed);
    assert_eq!(fixture.state.test_results[&retest].retest_of, Some(failed));
    assert_eq!(
        fixture.state.test_results[&retest].evaluation,
        Evaluation::Pass
    );

    // An invalidated result is retested once; a further retest names the latest.
    assert_eq!(
        invalidate(&mut fixture, as_qa, qa, retest),
        Ok(vec!["result.invalidated"])
    );
    let mut input = fixture.result_input("CD73", "98.2", Some("%"));
    input.retest_of = Some(failed);
    assert_eq!(
        fixture.record_as(analyst, input).unwrap_err().code(),
        "INVALID_RETEST"
    );
    let mut input = fixture.result_input("CD73", "98.2", Some("%"));
    input.retest_of = Some(retest);
    fixture.record_as(analyst, input).unwrap();
    assert_eq!(fixture.state.test_results.len(), 3);

    // The investigation stays open until QA closes it, never by the analyst of the failed result.
    assert!(fixture.state.investigations[&investigation].is_open());
    let conclusion = narrative("laboratory error confirmed; retest passed");
    let close = |fixture: &mut Fixture, actor: Actor, signer, id: InvestigationId| {
        let signature = fixture.sign(signer, Meaning::Approval);
        let conclusion = conclusion.clone();
        fixture
            .run(actor, |state, actor| {
                commands::close_investigation(state, actor, id, conclusion, &signature)
            })
            .map_or_else(|error| error.code(), |_| "ok")
    };
    let cases = [
        (
            Fixture::actor(analyst, Role::Analyst),
            analyst,
            investigation,
            "WRONG_ROLE",
        ),
        (
            Fixture::actor(analyst, Role::Qa),
            analyst,
            investigation,
            "SIGNER_RECORDED_RESULT",
        ),
        (
            as_qa,
            qa,
            InvestigationId::from_uuid(uuid(999)),
            "NOT_FOUND",
        ),
        (as_qa, fixture.qa2, investigation, "SIGNER_NOT_ACTOR"),
        (as_qa, qa, investigation, "ok"),
        (as_qa, qa, investigation, "INVESTIGATION_CLOSED"),
    ];
    for (actor, signer, id, expected) in cases {
        assert_eq!(
            close(&mut fixture, actor, signer, id),
            expected,
            "{actor:?}"
        );
    }
    let closure = fixture.state.investigations[&investigation]
        .closure
        .clone()
        .unwrap();
    assert_eq!(closure.closed_by, qa);
    assert_eq!(closure.conclusion, conclusion);
}
