//! Processing steps: shapes, kinds, states, donors, supplies, times.

use crate::manufacturing::commands::lots::{self, LotAction};
use crate::manufacturing::commands::steps;
use crate::manufacturing::{LotKind, LotStatus, StepKind};

use super::world::{
    CABINET, EXPIRED_MEDIUM, OVERDUE_CABINET, QUARANTINED_MEDIUM, World, at, code, id, now, qa,
    tech,
};

#[test]
fn refusals_of_a_passage_each_with_their_code() {
    let mut world = World::new();
    let (_, donation) = world.donor(true);
    let primary = world.primary_culture(donation);
    type Edit = fn(&mut steps::StepInput);
    let cases: [(&str, Edit, &str); 9] = [
        ("as entered", |_| {}, "ACCEPTED"),
        (
            "end before start",
            |s| s.ended_at = Some(at(24, 8)),
            "END_BEFORE_START",
        ),
        (
            "start in the future",
            |s| s.started_at = at(26, 9),
            "IN_FUTURE",
        ),
        (
            "unreleased medium",
            |s| s.material_lots = vec![id(QUARANTINED_MEDIUM)],
            "MATERIAL_NOT_RELEASED",
        ),
        (
            "expired medium",
            |s| s.material_lots = vec![id(EXPIRED_MEDIUM)],
            "MATERIAL_EXPIRED",
        ),
        (
            "overdue cabinet",
            |s| s.equipment = vec![id(OVERDUE_CABINET)],
            "CALIBRATION_OVERDUE",
        ),
        (
            "unknown equipment",
            |s| s.equipment = vec![id(9_999)],
            "NOT_FOUND",
        ),
        (
            "equipment twice",
            |s| s.equipment = vec![id(CABINET), id(CABINET)],
            "BAD_LIST",
        ),
        (
            "drug product from a primary culture",
            |s| s.outputs[0].kind = LotKind::DrugProduct,
            "LOT_KIND_NOT_ALLOWED",
        ),
    ];
    for (name, edit, expected) in cases {
        let mut input = world.step(StepKind::Passage, vec![primary], &[LotKind::Passage]);
        edit(&mut input);
        assert_eq!(
            code(steps::record(&world.state, &tech(), input, now())),
            expected,
            "{name}"
        );
    }
}

#[test]
fn shapes_of_split_and_pool() {
    let mut world = World::new();
    let (_, donation) = world.donor(true);
    let primary = world.primary_culture(donation);
    let one_output_split = world.step(StepKind::Split, vec![primary], &[LotKind::Passage]);
    assert_eq!(
        code(steps::record(
            &world.state,
            &tech(),
            one_output_split,
            now()
        )),
        "STEP_SHAPE"
    );
    let split = world.step(
        StepKind::Split,
        vec![primary],
        &[LotKind::PrimaryCulture, LotKind::PrimaryCulture],
    );
    let halves = world.run(split);
    assert_eq!(halves.len(), 2);
    assert_eq!(world.state.lots[&halves[0]].parents, vec![primary]);
    let single_input_pool = world.step(StepKind::Pool, vec![halves[0]], &[LotKind::PrimaryCulture]);
    assert_eq!(
        code(steps::record(
            &world.state,
            &tech(),
            single_input_pool,
            now()
        )),
        "STEP_SHAPE"
    );
}

#[test]
fn pooling_donors_needs_every_donor_eligible_and_flags_the_pool() {
    let mut world = World::new();
    let (_, first) = world.donor(true);
    let (_, pending) = world.donor(false);
    let (_, second) = world.donor(true);
    let a = world.primary_culture(first);
    let b = world.primary_culture(pending);
    let c = world.primary_culture(second);
    let with_pending = world.step(StepKind::Pool, vec![a, b], &[LotKind::PrimaryCulture]);
    assert_eq!(
        code(steps::record(&world.state, &tech(), with_pending, now())),
        "POOL_DONOR_NOT_ELIGIBLE"
    );
    let eligible = world.step(StepKind::Pool, vec![a, c], &[LotKind::PrimaryCulture]);
    let pooled = world.run(eligible)[0];
    assert!(world.state.lots[&pooled].is_multi_donor());
    assert_eq!(world.state.lots[&pooled].donors.len(), 2);
}

#[test]
fn a_lot_in_the_wrong_state_is_refused_naming_the_state() {
    let mut world = World::new();
    let (_, donation) = world.donor(true);
    let primary = world.primary_culture(donation);
    let events = lots::change_status(&world.state, &tech(), primary, LotAction::Complete);
    world.ok(tech(), events);
    let passage = world.step(StepKind::Passage, vec![primary], &[LotKind::Passage]);
    let refused = steps::record(&world.state, &tech(), passage, now()).expect_err("refused");
    assert!(refused.to_string().contains("QUARANTINE"), "{refused}");
    // The state machine: QUARANTINE cannot be completed again, a hold can be lifted only back.
    assert_eq!(
        code(lots::change_status(
            &world.state,
            &tech(),
            primary,
            LotAction::Complete
        )),
        "WRONG_LOT_STATE"
    );
    let reason = crate::values::Narrative::parse("investigation", "reason").expect("text");
    let events = lots::change_status(
        &world.state,
        &qa(),
        primary,
        LotAction::Hold(reason.clone()),
    );
    world.ok(qa(), events);
    assert_eq!(world.state.lots[&primary].status, LotStatus::OnHold);
    let events = lots::change_status(&world.state, &qa(), primary, LotAction::LiftHold(reason));
    world.ok(qa(), events);
    assert_eq!(world.state.lots[&primary].status, LotStatus::Quarantine);
}

#[test]
fn open_steps_keep_a_lot_from_completing() {
    let mut world = World::new();
    let (_, donation) = world.donor(true);
    let primary = world.primary_culture(donation);
    let mut feeding = world.step(StepKind::InProcess, vec![primary], &[]);
    feeding.ended_at = None;
    let step_id = feeding.step_id;
    world.run(feeding);
    assert_eq!(
        code(lots::change_status(
            &world.state,
            &tech(),
            primary,
            LotAction::Complete
        )),
        "OPEN_STEPS"
    );
    let events = steps::complete(
        &world.state,
        &tech(),
        step_id,
        at(24, 11),
        Vec::new(),
        now(),
    );
    world.ok(tech(), events);
    assert_eq!(
        code(steps::complete(
            &world.state,
            &tech(),
            step_id,
            at(24, 12),
            Vec::new(),
            now()
        )),
        "STEP_COMPLETE"
    );
    assert_eq!(
        code(lots::change_status(
            &world.state,
            &tech(),
            primary,
            LotAction::Complete
        )),
        "ACCEPTED"
    );
}
