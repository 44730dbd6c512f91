//! The conditions of release: each broken alone, then all at once.

use super::{Fixture, at, codes, narrative, release_by, uuid};
use crate::ids::{DeviationId, LotId, StepId};
use crate::manufacturing::{
    Closure, Deviation, EligibilityStatus, LotStatus, MaterialQcStatus, Severity, StepKind,
    Withdrawal,
};
use crate::refusal::RefusalKind;
use crate::release::TestResult;
use crate::release::commands;
use crate::release::conditions::release_blockers;
use crate::role::Role;
use crate::signature::Meaning;

fn invalidate(fixture: &mut Fixture, code: &str) {
    let result = fixture.current(code);
    let signature = fixture.sign(fixture.qa2, Meaning::Review);
    fixture
        .run(Fixture::actor(fixture.qa2, Role::Qa), |state, actor| {
            commands::invalidate_result(
                state,
                actor,
                result,
                narrative("pipetting error"),
                &signature,
            )
        })
        .unwrap();
}

fn retest(fixture: &mut Fixture, code: &str, value: &str, unit: Option<&str>) {
    let failed = fixture
        .state
        .test_results
        .values()
        .filter(|result| result.test_code.as_str() == code)
        .max_by_key(|result| result.entry_seq)
        .map(|result| result.id);
    let mut input = fixture.result_input(code, value, unit);
    input.retest_of = failed;
    fixture.record_as(fixture.analyst2, input).unwrap();
}

fn add_step(fixture: &mut Fixture, n: u128, kind: StepKind, inputs: &[LotId], outputs: &[LotId]) {
    let mut step = fixture.state.steps[&fixture.steps[2]].clone();
    step.id = StepId::from_uuid(uuid(n));
    step.kind = kind;
    step.inputs = inputs.to_vec();
    step.outputs = outputs.to_vec();
    step.ended_at = None;
    fixture.state.steps.insert(step.id, step);
}

fn add_deviation(fixture: &mut Fixture, n: u128, lot_id: LotId, open: bool) {
    let id = DeviationId::from_uuid(uuid(n));
    fixture.state.deviations.insert(
        id,
        Deviation {
            id,
            lot_id,
            step_id: None,
            severity: Severity::Minor,
            description: narrative("incubator door left open"),
            impact_assessment: None,
            opened_by: fixture.technician,
            opened_at: at(3, 9),
            closure: (!open).then(|| Closure {
                conclusion: narrative("no impact"),
                closed_by: fixture.qa2,
                closed_at: at(3, 10),
            }),
        },
    );
}

fn first_result_mut(fixture: &mut Fixture) -> &mut TestResult {
    fixture.state.test_results.values_mut().next().unwrap()
}

type Setup = fn(&mut Fixture);

/// Each condition broken alone, on a lot that is otherwise ready.
const CONDITIONS: &[(&str, Setup, &[&str])] = &[
    ("ready", |_| {}, &[]),
    (
        "required test without result",
        |f| invalidate(f, "CD73"),
        &["TEST_MISSING"],
    ),
    (
        "required test failed on retest",
        |f| {
            invalidate(f, "STERILITY");
            retest(f, "STERILITY", "GROWTH", None);
        },
        &["TEST_FAILED", "INVESTIGATION_OPEN"],
    ),
    (
        "report-only test failed",
        |f| {
            invalidate(f, "POTENCY");
            retest(f, "POTENCY", "5", Some("%"));
        },
        &[],
    ),
    (
        "donor pending",
        |f| f.state.donors.get_mut(&f.donor).unwrap().eligibility = None,
        &["DONOR_NOT_ELIGIBLE"],
    ),
    (
        "donor ineligible",
        |f| {
            let donor = f.state.donors.get_mut(&f.donor).unwrap();
            donor.eligibility.as_mut().unwrap().status = EligibilityStatus::Ineligible;
        },
        &["DONOR_NOT_ELIGIBLE"],
    ),
    (
        "consent withdrawn",
        |f| {
            let donor = f.state.donors.get_mut(&f.donor).unwrap();
            donor.consent.as_mut().unwrap().withdrawal = Some(Withdrawal {
                withdrawn_on: super::date(2026, 3, 4),
                reason: narrative("changed her mind"),
            });
        },
        &["CONSENT_WITHDRAWN"],
    ),
    (
        "own step open",
        |f| f.state.steps.get_mut(&f.steps[2]).unwrap().ended_at = None,
        &["STEP_OPEN"],
    ),
    (
        "ancestor step open",
        |f| f.state.steps.get_mut(&f.steps[0]).unwrap().ended_at = None,
        &["STEP_OPEN"],
    ),
    (
        "work on an ancestor open",
        |f| {
            let substance = f.substance;
            add_step(f, 80, StepKind::InProcess, &[substance], &[]);
        },
        &["STEP_OPEN"],
    ),
    (
        "a sibling's step open",
        |f| {
            let substance = f.substance;
            add_step(
                f,
                81,
                StepKind::Formulation,
                &[substance],
                &[LotId::from_uuid(uuid(44))],
            );
        },
        &[],
    ),
    (
        "deviation open on the lot",
        |f| {
            let lot = f.product;
            add_deviation(f, 90, lot, true);
        },
        &["DEVIATION_OPEN"],
    ),
    (
        "deviation open on an ancestor",
        |f| {
            let lot = f.tissue;
            add_deviation(f, 91, lot, true);
        },
        &["DEVIATION_OPEN"],
    ),
    (
        "deviation closed",
        |f| {
            let lot = f.product;
            add_deviation(f, 92, lot, false);
        },
        &[],
    ),
    (
        "material rejected after use",
        |f| {
            f.state
                .material_lots
                .get_mut(&f.material)
                .unwrap()
                .qc_status = MaterialQcStatus::Rejected
        },
        &["MATERIAL_REJECTED"],
    ),
    (
        "parent rejected",
        |f| f.state.lots.get_mut(&f.substance).unwrap().status = LotStatus::Rejected,
        &["PARENT_LOT_REJECTED"],
    ),
    (
        "grandparent recalled",
        |f| f.state.lots.get_mut(&f.tissue).unwrap().status = LotStatus::Recalled,
        &["PARENT_LOT_RECALLED"],
    ),
    (
        "parent on hold",
        |f| f.state.lots.get_mut(&f.substance).unwrap().status = LotStatus::OnHold,
        &["PARENT_LOT_ON_HOLD"],
    ),
    (
        "signer recorded a step",
        |f| f.state.steps.get_mut(&f.steps[1]).unwrap().operator = f.qa,
        &["SIGNER_RECORDED_STEP"],
    ),
    (
        "signer recorded a result",
        |f| {
            let qa = f.qa;
            first_result_mut(f).analyst = qa;
        },
        &["SIGNER_RECORDED_RESULT"],
    ),
    (
        "material lot not loaded",
        |f| {
            f.state.material_lots.remove(&f.material);
        },
        &["RECORD_MISSING"],
    ),
];

#[test]
fn each_unmet_condition_has_its_own_code() {
    for (what, setup, expected) in CONDITIONS {
        let mut fixture = Fixture::tested();
        setup(&mut fixture);
        let qa = fixture.qa;
        let got = release_by(&mut fixture, qa);
        let got_codes = got.as_ref().map_or_else(codes, |_| Vec::new());
        assert_eq!(&got_codes, expected, "{what}: {got:?}");
        if let Err(refusal) = got {
            let forbidden = expected.iter().any(|code| code.starts_with("SIGNER_"));
            let kind = if forbidden {
                RefusalKind::Forbidden
            } else {
                RefusalKind::Conflict
            };
            assert_eq!(refusal.kind, kind, "{what}");
        }
    }
}

#[test]
fn a_refusal_lists_every_unmet_condition_at_once() {
    let mut fixture = Fixture::tested();
    let mut expected: Vec<&str> = Vec::new();
    for (what, setup, codes) in CONDITIONS {
        // Skip the conditions that undo or replace what another one breaks.
        let replaced = ["RECORD_MISSING", "PARENT_LOT_ON_HOLD"];
        if codes.iter().any(|code| replaced.contains(code)) || *what == "donor pending" {
            continue;
        }
        setup(&mut fixture);
        expected.extend(codes.iter());
    }
    let qa = fixture.qa;
    let refusal = release_by(&mut fixture, qa).unwrap_err();
    let mut got = codes(&refusal);
    got.sort_unstable();
    expected.sort_unstable();
    assert_eq!(got, expected, "{refusal}");
    assert_eq!(refusal.kind, RefusalKind::Forbidden);
    assert_eq!(
        fixture.state.lots[&fixture.product].status,
        LotStatus::Quarantine
    );
    // QA can see the same list before signing, without separation of duties.
    let readiness = release_blockers(&fixture.state, fixture.product, None).unwrap();
    assert_eq!(readiness.len(), refusal.reasons.len() - 2);
}
