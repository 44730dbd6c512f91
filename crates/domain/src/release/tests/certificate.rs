//! The certificate of analysis.

use super::{Fixture, narrative};
use crate::release::commands::{self, DispositionInput};
use crate::release::{DispositionDecision, Evaluation, Requirement, certificate_of_analysis};
use crate::role::Role;
use crate::signature::Meaning;

#[test]
fn the_certificate_states_results_donors_and_the_signed_entries() {
    let mut fixture = Fixture::tested();
    // One invalidated result and its retest, so the certificate shows both.
    let viability = fixture.current("VIABILITY");
    let signature = fixture.sign(fixture.qa2, Meaning::Review);
    fixture
        .run(Fixture::actor(fixture.qa2, Role::Qa), |state, actor| {
            commands::invalidate_result(
                state,
                actor,
                viability,
                narrative("wrong dye lot"),
                &signature,
            )
        })
        .unwrap();
    let mut input = fixture.result_input("VIABILITY", "91.5", Some("%"));
    input.retest_of = Some(viability);
    fixture.record_as(fixture.analyst2, input).unwrap();

    let draft = certificate_of_analysis(&fixture.state, fixture.product).unwrap();
    assert!(draft.disposition.is_none());
    assert_eq!(draft.signed_entries.len(), 1);

    let signature = fixture.sign(fixture.qa, Meaning::Approval);
    let lot = fixture.product;
    fixture
        .run(Fixture::actor(fixture.qa, Role::Qa), |state, actor| {
            commands::dispose(
                state,
                actor,
                lot,
                DispositionInput::Release { note: None },
                &signature,
            )
        })
        .unwrap();
    let certificate = certificate_of_analysis(&fixture.state, fixture.product).unwrap();

    assert_eq!(certificate.lot.code.as_str(), "DP26-000001");
    let spec = certificate.specification.as_ref().unwrap();
    assert_eq!(
        (spec.version.get(), spec.effective_on.to_string()),
        (1, "2026-01-01".to_owned())
    );
    assert_eq!(certificate.units.len(), 3);
    assert_eq!(certificate.products.len(), 1);
    assert_eq!(certificate.products[0].description_code, "S1234");
    assert_eq!(certificate.tests.len(), 15);

    let rows: Vec<String> = certificate
        .tests
        .iter()
        .filter(|test| ["CD73", "VIABILITY", "STERILITY", "POTENCY"].contains(&test.code.as_str()))
        .map(|test| {
            let results: Vec<String> = test
                .results
                .iter()
                .map(|result| {
                    format!(
                        "{} {}{}{} by {}",
                        result.value_text,
                        result.evaluation,
                        if result.current { " current" } else { "" },
                        if result.invalidation.is_some() {
                            " invalidated"
                        } else {
                            ""
                        },
                        result.analyst.printed_name.as_ref().unwrap().as_str(),
                    )
                })
                .collect();
            format!(
                "{} [{}] {}: {}",
                test.code,
                test.criterion_text,
                test.requirement.as_str(),
                results.join("; ")
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            "CD73 [≥ 95 %] REQUIRED: 98.5 % PASS current by Ann Analyst",
            "VIABILITY [≥ 70 %] REQUIRED: 92 % PASS invalidated by Ann Analyst; 91.5 % PASS current by Abe Analyst",
            "STERILITY [NO_GROWTH] REQUIRED: NO_GROWTH PASS current by Ann Analyst",
            "POTENCY [≥ 20 %] REPORT_ONLY: 35 % PASS current by Ann Analyst",
        ]
    );
    assert!(
        certificate
            .tests
            .iter()
            .all(|test| test.current_evaluation == Some(Evaluation::Pass))
    );
    assert!(
        certificate
            .tests
            .iter()
            .any(|test| test.requirement == Requirement::ReportOnly)
    );

    let donor = &certificate.donors[0];
    assert_eq!(donor.key.as_str(), "DNR26-000001");
    assert_eq!(
        donor.eligibility,
        Some(crate::manufacturing::EligibilityStatus::Eligible)
    );
    assert!(!donor.consent_withdrawn);

    let disposition = certificate.disposition.as_ref().unwrap();
    assert_eq!(disposition.decision, DispositionDecision::Release);
    assert_eq!(
        disposition
            .decided_by
            .printed_name
            .as_ref()
            .unwrap()
            .as_str(),
        "Quinn Assurance"
    );
    let entries: Vec<&str> = certificate
        .signed_entries
        .iter()
        .map(|entry| entry.action)
        .collect();
    assert_eq!(entries, ["result.invalidated", "lot.released"]);
    assert_eq!(
        certificate.signed_entries[1].entry_seq,
        disposition.entry_seq
    );
    assert!(serde_json::to_string(&certificate).is_ok());
}

#[test]
fn a_lot_not_under_test_has_a_certificate_without_tests() {
    let fixture = Fixture::new();
    let certificate = certificate_of_analysis(&fixture.state, fixture.product).unwrap();
    assert!(certificate.specification.is_none());
    assert!(certificate.tests.is_empty());
    let unknown = crate::ids::LotId::from_uuid(super::uuid(999));
    assert!(certificate_of_analysis(&fixture.state, unknown).is_err());
}
