//! Disposition: units move with the lot, only a lot in quarantine is disposed, signatures.

use std::collections::BTreeMap;

use super::{Fixture, codes, narrative, reject_by, release_by, uuid};
use crate::event::{Event, EventMeta};
use crate::ids::LotId;
use crate::manufacturing::events::LotStatusChanged;
use crate::manufacturing::{LotStatus, UnitStatus};
use crate::refusal::RefusalKind;
use crate::release::DispositionDecision;
use crate::release::commands::{self, DispositionInput};
use crate::role::Role;
use crate::signature::Meaning;

#[test]
fn release_moves_the_lot_and_its_quarantined_units() {
    let mut fixture = Fixture::tested();
    let qa = fixture.qa;
    let events = release_by(&mut fixture, qa).unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].action(), "lot.released");
    let subjects: Vec<String> = events[0]
        .subjects()
        .iter()
        .map(|s| format!("{} {}", s.kind, s.id))
        .collect();
    assert_eq!(
        subjects,
        [
            format!("lot {}", fixture.product),
            format!("unit {}", fixture.units[0]),
            format!("unit {}", fixture.units[1]),
        ]
    );
    let statuses: Vec<UnitStatus> = fixture
        .units
        .iter()
        .map(|id| fixture.state.units[id].status)
        .collect();
    assert_eq!(
        statuses,
        [
            UnitStatus::Released,
            UnitStatus::Released,
            UnitStatus::Expired
        ]
    );
    assert_eq!(
        fixture.state.lots[&fixture.product].status,
        LotStatus::Released
    );
    let disposition = &fixture.state.dispositions[&fixture.product];
    assert_eq!(disposition.decision, DispositionDecision::Release);
    assert_eq!(disposition.decided_by, qa);
    assert_eq!(disposition.specification_id, Some(fixture.spec));
    assert_eq!(disposition.entry_seq, fixture.log.last().unwrap().1.seq);

    // The recall hook: a released lot can later be recalled through the manufacturing machine.
    let recall = Event::LotStatusChanged(LotStatusChanged {
        lot_id: fixture.product,
        from: LotStatus::Released,
        to: LotStatus::Recalled,
        reason: Some(narrative("donor look-back")),
    });
    assert!(LotStatus::Released.may_become(LotStatus::Recalled, None));
    let meta = EventMeta {
        seq: 999,
        recorded_at: fixture.now,
        actor: Fixture::actor(qa, Role::Qa),
    };
    recall.apply(&mut fixture.state, &meta).unwrap();
    assert_eq!(
        fixture.state.lots[&fixture.product].status,
        LotStatus::Recalled
    );
}

#[test]
fn rejection_sets_the_units_aside_whatever_the_tests_say() {
    let mut fixture = Fixture::new();
    let qa = fixture.qa;
    let events = reject_by(&mut fixture, qa).unwrap();
    assert_eq!(events[0].action(), "lot.rejected");
    let statuses: Vec<UnitStatus> = fixture
        .units
        .iter()
        .map(|id| fixture.state.units[id].status)
        .collect();
    assert_eq!(
        statuses,
        [
            UnitStatus::Rejected,
            UnitStatus::Rejected,
            UnitStatus::Expired
        ]
    );
    assert_eq!(
        fixture.state.lots[&fixture.product].status,
        LotStatus::Rejected
    );
    let disposition = &fixture.state.dispositions[&fixture.product];
    assert_eq!(disposition.specification_id, None);
    assert_eq!(
        disposition.text,
        Some(narrative("sterility failure confirmed"))
    );
}

#[test]
fn only_a_lot_in_quarantine_is_disposed() {
    let cases = [
        (
            LotStatus::InProcess,
            None,
            "release",
            vec!["LOT_NOT_IN_QUARANTINE"],
        ),
        (
            LotStatus::Released,
            None,
            "reject",
            vec!["LOT_NOT_IN_QUARANTINE"],
        ),
        (
            LotStatus::Rejected,
            None,
            "release",
            vec!["LOT_NOT_IN_QUARANTINE"],
        ),
        (
            LotStatus::Expired,
            None,
            "release",
            vec!["LOT_NOT_IN_QUARANTINE"],
        ),
        (
            LotStatus::OnHold,
            Some(LotStatus::Released),
            "release",
            vec!["LOT_NOT_IN_QUARANTINE", "LOT_ON_HOLD"],
        ),
        (
            LotStatus::OnHold,
            Some(LotStatus::Quarantine),
            "reject",
            vec!["LOT_NOT_IN_QUARANTINE", "LOT_ON_HOLD"],
        ),
        // Held from quarantine: the other unmet conditions of a release are listed too.
        (
            LotStatus::OnHold,
            Some(LotStatus::Quarantine),
            "release",
            vec!["LOT_NOT_IN_QUARANTINE", "LOT_ON_HOLD", "DONOR_NOT_ELIGIBLE"],
        ),
    ];
    for (status, held_from, action, expected) in cases {
        let mut fixture = Fixture::tested();
        fixture
            .state
            .donors
            .get_mut(&fixture.donor)
            .unwrap()
            .eligibility = None;
        let lot = fixture.state.lots.get_mut(&fixture.product).unwrap();
        lot.status = status;
        lot.held_from = held_from;
        let qa = fixture.qa;
        let refusal = if action == "release" {
            release_by(&mut fixture, qa)
        } else {
            reject_by(&mut fixture, qa)
        }
        .unwrap_err();
        assert_eq!(codes(&refusal), expected, "{status} {action}");
        assert_eq!(refusal.kind, RefusalKind::Conflict);
        assert!(
            refusal.reasons[0]
                .message
                .contains(&format!("is {status}, not QUARANTINE"))
        );
    }
}

#[test]
fn of_two_concurrent_dispositions_the_second_gets_a_conflict() {
    for second in ["release", "reject"] {
        let mut fixture = Fixture::tested();
        let (qa, qa2) = (fixture.qa, fixture.qa2);
        release_by(&mut fixture, qa).unwrap();
        let refusal = if second == "release" {
            release_by(&mut fixture, qa2)
        } else {
            reject_by(&mut fixture, qa2)
        }
        .unwrap_err();
        assert_eq!(refusal.kind, RefusalKind::Conflict);
        assert_eq!(codes(&refusal), ["LOT_NOT_IN_QUARANTINE"]);
        assert_eq!(
            refusal.to_string(),
            "lot DP26-000001 is RELEASED, not QUARANTINE: disposition is not allowed"
        );
    }
}

#[test]
fn dispositions_need_qa_and_an_approval_signed_by_the_actor() {
    let fixture = Fixture::tested();
    let input = DispositionInput::Release { note: None };
    let (qa, qa2, analyst) = (fixture.qa, fixture.qa2, fixture.analyst);
    let cases = [
        (
            Fixture::actor(analyst, Role::Analyst),
            analyst,
            Meaning::Approval,
            fixture.product,
            "WRONG_ROLE",
            RefusalKind::Forbidden,
        ),
        (
            Fixture::actor(qa, Role::Qa),
            qa,
            Meaning::Review,
            fixture.product,
            "WRONG_SIGNATURE_MEANING",
            RefusalKind::Validation,
        ),
        (
            Fixture::actor(qa, Role::Qa),
            qa2,
            Meaning::Approval,
            fixture.product,
            "SIGNER_NOT_ACTOR",
            RefusalKind::Forbidden,
        ),
        (
            Fixture::actor(qa, Role::Qa),
            qa,
            Meaning::Approval,
            LotId::from_uuid(uuid(999)),
            "NOT_FOUND",
            RefusalKind::NotFound,
        ),
    ];
    for (actor, signer, meaning, lot, code, kind) in cases {
        let signature = fixture.sign(signer, meaning);
        let refusal =
            commands::dispose(&fixture.state, &actor, lot, input.clone(), &signature).unwrap_err();
        assert_eq!((refusal.code(), refusal.kind), (code, kind));
    }
    let before: BTreeMap<_, _> = fixture
        .state
        .lots
        .iter()
        .map(|(id, lot)| (*id, lot.status))
        .collect();
    assert_eq!(before[&fixture.product], LotStatus::Quarantine);
}
