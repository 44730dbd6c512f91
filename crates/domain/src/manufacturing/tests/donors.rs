//! Consent, screening windows, eligibility and the redaction of personal data.

use crate::manufacturing::commands::donors::{self, screening_test};
use crate::manufacturing::{EligibilityStatus, ScreeningPolicy, ScreeningResult};
use crate::refusal::RefusalKind;

use super::world::{World, date, id, label, qa, tech};

#[test]
fn eligibility_lists_every_unmet_condition_at_once() {
    let mut world = World::new();
    let (donor_id, _) = world.donor(false);
    // A reactive exclusionary marker, and a policy asking for one more marker never tested.
    let mut policy = ScreeningPolicy::default();
    let test = screening_test(
        id(world.fresh()),
        label("HIV-1/2"),
        label("CMIA"),
        ScreeningResult::Reactive,
        date(22),
    );
    let events = donors::record_screening(&world.state, &tech(), donor_id, test, &policy);
    world.ok(tech(), events);
    policy.markers.push(crate::manufacturing::MarkerRule {
        name: "WNV NAT".to_owned(),
        exclusionary: true,
    });
    let refusal = donors::determine_eligibility(
        &world.state,
        &qa(),
        donor_id,
        EligibilityStatus::Eligible,
        Vec::new(),
        &policy,
    )
    .expect_err("refused");
    assert_eq!(refusal.kind, RefusalKind::Conflict);
    let codes: Vec<&str> = refusal.reasons.iter().map(|r| r.code).collect();
    assert_eq!(codes, ["SCREENING_REACTIVE", "SCREENING_MISSING"]);
}

#[test]
fn only_qa_determines_and_ineligible_needs_a_reason() {
    let mut world = World::new();
    let (donor_id, _) = world.donor(false);
    let policy = ScreeningPolicy::default();
    let by_tech = donors::determine_eligibility(
        &world.state,
        &tech(),
        donor_id,
        EligibilityStatus::Eligible,
        Vec::new(),
        &policy,
    );
    assert_eq!(by_tech.expect_err("refused").code(), "WRONG_ROLE");
    let no_reason = donors::determine_eligibility(
        &world.state,
        &qa(),
        donor_id,
        EligibilityStatus::Ineligible,
        Vec::new(),
        &policy,
    );
    assert_eq!(no_reason.expect_err("refused").code(), "REASON_REQUIRED");
    assert!(
        donors::determine_eligibility(
            &world.state,
            &qa(),
            donor_id,
            EligibilityStatus::Eligible,
            Vec::new(),
            &policy
        )
        .is_ok()
    );
}

#[test]
fn specimens_must_lie_within_seven_days_of_recovery() {
    let mut world = World::new();
    let (donor_id, _) = world.donor(false);
    let policy = ScreeningPolicy::default();
    // Recovery was on the 23rd (local date).
    let cases = [
        (16, "ACCEPTED"),
        (15, "SPECIMEN_OUTSIDE_WINDOW"),
        (30, "ACCEPTED"),
        (1, "SPECIMEN_OUTSIDE_WINDOW"),
    ];
    for (day, expected) in cases {
        let test = screening_test(
            id(world.fresh()),
            label("CMV"),
            label("CMIA"),
            ScreeningResult::NonReactive,
            date(day),
        );
        let got = super::world::code(donors::record_screening(
            &world.state,
            &tech(),
            donor_id,
            test,
            &policy,
        ));
        assert_eq!(got, expected, "specimen on the {day}th");
    }
    let unknown = screening_test(
        id(world.fresh()),
        label("Zika"),
        label("NAT"),
        ScreeningResult::NonReactive,
        date(22),
    );
    assert_eq!(
        super::world::code(donors::record_screening(
            &world.state,
            &tech(),
            donor_id,
            unknown,
            &policy
        )),
        "UNKNOWN_MARKER"
    );
}

#[test]
fn a_reactive_result_revokes_a_standing_eligibility() {
    let mut world = World::new();
    let (donor_id, _) = world.donor(true);
    assert!(world.state.donors[&donor_id].is_eligible());
    let policy = ScreeningPolicy::default();
    let test = screening_test(
        id(world.fresh()),
        label("HBsAg"),
        label("CMIA"),
        ScreeningResult::Indeterminate,
        date(24),
    );
    let events =
        donors::record_screening(&world.state, &tech(), donor_id, test, &policy).expect("recorded");
    assert_eq!(events.len(), 2, "the result and the revocation");
    world.apply(tech(), events);
    assert!(!world.state.donors[&donor_id].is_eligible());
    // A reactive CMV (not exclusionary) revokes nothing.
    let cmv = screening_test(
        id(world.fresh()),
        label("CMV"),
        label("CMIA"),
        ScreeningResult::Reactive,
        date(24),
    );
    let events =
        donors::record_screening(&world.state, &tech(), donor_id, cmv, &policy).expect("recorded");
    assert_eq!(events.len(), 1);
}

#[test]
fn withdrawn_consent_blocks_further_use() {
    let mut world = World::new();
    let (donor_id, donation) = world.donor(true);
    let primary = world.primary_culture(donation);
    let events = donors::withdraw_consent(
        &world.state,
        &tech(),
        donor_id,
        date(25),
        crate::values::Narrative::parse("donor request", "reason").expect("text"),
    );
    world.ok(tech(), events);
    let passage = world.step(
        crate::manufacturing::StepKind::Passage,
        vec![primary],
        &[crate::manufacturing::LotKind::Passage],
    );
    let refused = crate::manufacturing::commands::steps::record(
        &world.state,
        &tech(),
        passage,
        super::world::now(),
    );
    assert_eq!(super::world::code(refused), "CONSENT_WITHDRAWN");
    let again = donors::withdraw_consent(
        &world.state,
        &tech(),
        donor_id,
        date(25),
        crate::values::Narrative::parse("again", "reason").expect("text"),
    );
    assert_eq!(super::world::code(again), "ALREADY_WITHDRAWN");
}

#[test]
fn qa_redacts_personal_data_once_and_the_donor_record_stays() {
    use crate::event::Event;
    use crate::identity::PrintedName;
    use crate::redaction::{Redaction, RedactionReason};
    use crate::signature::{Meaning, Signature};

    let signed = |meaning| Signature {
        signer_id: id(super::world::QA),
        printed_name: PrintedName::parse("Test Signer").expect("a name"),
        signed_at: super::world::now(),
        meaning,
    };
    let responsibility = signed(Meaning::Responsibility);
    let reason = RedactionReason::DataSubjectRequest;
    let mut world = World::new();
    let (donor_id, donation) = world.donor(true);
    let before = world.state.donors[&donor_id].clone();

    let state = &world.state;
    let refusals = [
        (
            "a technician",
            donors::redact_personal_data(state, &tech(), &responsibility, donor_id, reason),
            "WRONG_ROLE",
        ),
        (
            "signed as APPROVAL",
            donors::redact_personal_data(
                state,
                &qa(),
                &signed(Meaning::Approval),
                donor_id,
                reason,
            ),
            "WRONG_SIGNATURE_MEANING",
        ),
        (
            "an unknown donor",
            donors::redact_personal_data(state, &qa(), &responsibility, id(999_999), reason),
            "NOT_FOUND",
        ),
    ];
    for (name, decision, expected) in refusals {
        assert_eq!(super::world::code(decision), expected, "{name}");
    }

    let events = donors::redact_personal_data(state, &qa(), &responsibility, donor_id, reason)
        .expect("QA redacts");
    // The event holds the id and the coded reason, nothing else.
    let payload = events[0].payload_json();
    assert_eq!(
        payload,
        serde_json::json!({
            "donor_id": donor_id.to_string(),
            "reason": "DATA_SUBJECT_REQUEST",
        })
    );
    let back = Event::from_parts(events[0].action(), payload).expect("parses back");
    assert_eq!(back, events[0]);
    world.apply(qa(), events.clone());

    let after = &world.state.donors[&donor_id];
    assert_eq!(
        after.personal_data_redaction,
        Some(Redaction {
            reason,
            redacted_at: super::world::now(),
        })
    );
    // Key, consent, screening and eligibility are untouched; her donation still counts.
    assert_eq!(
        crate::manufacturing::Donor {
            personal_data_redaction: None,
            ..after.clone()
        },
        before
    );
    assert!(after.is_eligible());
    assert!(world.state.donations.contains_key(&donation));

    let again = donors::redact_personal_data(
        &world.state,
        &qa(),
        &responsibility,
        donor_id,
        RedactionReason::RetentionPeriodEnded,
    );
    assert_eq!(super::world::code(again), "ALREADY_REDACTED");
    // A ledger holding a second redaction is inconsistent: replay refuses it.
    let meta = crate::event::EventMeta {
        seq: 2,
        recorded_at: super::world::now(),
        actor: qa(),
    };
    assert!(events[0].apply(&mut world.state, &meta).is_err());
}

#[test]
fn a_technician_requests_a_determination_once_the_record_is_complete() {
    let mut world = World::new();
    let (donor_id, _) = world.donor(false);
    let mut policy = ScreeningPolicy::default();
    // A panel marker never tested: the request lists what is missing, and nothing is asked.
    policy.markers.push(crate::manufacturing::MarkerRule {
        name: "WNV NAT".to_owned(),
        exclusionary: true,
    });
    let incomplete =
        donors::request_eligibility(&world.state, &tech(), donor_id, &policy).expect_err("refused");
    assert_eq!(incomplete.kind, RefusalKind::Conflict);
    let codes: Vec<&str> = incomplete.reasons.iter().map(|r| r.code).collect();
    assert_eq!(codes, ["SCREENING_MISSING"]);

    let policy = ScreeningPolicy::default();
    let by_qa = donors::request_eligibility(&world.state, &qa(), donor_id, &policy);
    assert_eq!(by_qa.expect_err("refused").code(), "WRONG_ROLE");
    let events = donors::request_eligibility(&world.state, &tech(), donor_id, &policy);
    world.ok(tech(), events);
    let request = world.state.donors[&donor_id]
        .eligibility_request
        .expect("a request waits");
    assert_eq!(Some(request.requested_by), tech().user_id());
    let twice = donors::request_eligibility(&world.state, &tech(), donor_id, &policy);
    assert_eq!(twice.expect_err("refused").code(), "ALREADY_REQUESTED");

    // QA's determination answers it; a determined donor is not requested again.
    let events = donors::determine_eligibility(
        &world.state,
        &qa(),
        donor_id,
        EligibilityStatus::Eligible,
        Vec::new(),
        &policy,
    );
    world.ok(qa(), events);
    assert_eq!(world.state.donors[&donor_id].eligibility_request, None);
    let after = donors::request_eligibility(&world.state, &tech(), donor_id, &policy);
    assert_eq!(after.expect_err("refused").code(), "ELIGIBILITY_DETERMINED");
}
