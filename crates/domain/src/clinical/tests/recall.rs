//! Look-back and recall.

use std::collections::BTreeSet;

use crate::clinical::bedside::BedsidePolicy;
use crate::clinical::commands::recall::recall;
use crate::clinical::lookback::{LookbackSource, lookback};
use crate::event::Event;
use crate::ids::{LotId, UnitId};
use crate::manufacturing::{LotStatus, UnitStatus};
use crate::refusal::Refuse;
use crate::role::Role;
use crate::signature::Meaning;
use crate::values::Narrative;

use super::fixture::*;
use super::followup::administered;

#[test]
fn lookback_reaches_what_each_source_went_into() {
    let fixture = administered();
    let cases: [(&str, LookbackSource, &[u128]); 5] = [
        ("donor", LookbackSource::Donor(id(DONOR)), &[LOT_CT, LOT_DP]),
        (
            "donation",
            LookbackSource::Donation(id(DONATION)),
            &[LOT_CT, LOT_DP],
        ),
        (
            "material lot",
            LookbackSource::MaterialLot(id(MATERIAL)),
            &[LOT_DP],
        ),
        (
            "cord tissue lot",
            LookbackSource::Lot(id(LOT_CT)),
            &[LOT_CT, LOT_DP],
        ),
        (
            "drug product lot",
            LookbackSource::Lot(id(LOT_DP)),
            &[LOT_DP],
        ),
    ];
    for (name, source, lots) in cases {
        let found = lookback(&fixture.state, source).expect("looks back");
        let got: BTreeSet<LotId> = found.lots.iter().map(|lot| lot.lot_id).collect();
        assert_eq!(got, ids(lots), "{name}");
        let units: BTreeSet<UnitId> = found.units.iter().map(|unit| unit.unit_id).collect();
        assert_eq!(units, ids(&[UNIT_A, UNIT_B, UNIT_C]), "{name}");
        assert_eq!(found.patients.len(), 1, "{name}");
        let exposure = &found.patients[0];
        assert_eq!(exposure.patient_id, id(PATIENT_1));
        assert_eq!(
            exposure.key.as_ref().map(|k| k.as_str()),
            Some("PAT26-000001")
        );
        assert_eq!(exposure.administrations[0].started_at, at(10, 10));
        let by_status = found.units_by_status();
        assert_eq!(by_status[&UnitStatus::Administered].len(), 1, "{name}");
        assert_eq!(by_status[&UnitStatus::Released].len(), 2, "{name}");
    }
    let unknown = lookback(&fixture.state, LookbackSource::Donor(id(999)));
    assert_eq!(unknown.map_err(|e| e.code()).err(), Some("NOT_FOUND"));
}

#[test]
fn recall_holds_or_recalls_everything_downstream_and_names_the_patients() {
    let mut fixture = administered();
    let qa = user(QA, Role::Qa);
    let reason = Narrative::parse("donor's late HIV NAT reactive", "reason").expect("a reason");
    let decision = recall(
        &fixture.state,
        &qa,
        &signature(QA, Meaning::Approval),
        id(800),
        LookbackSource::Donor(id(DONOR)),
        reason,
    )
    .expect("recalls");
    let actions: Vec<&str> = decision.events.iter().map(Event::action).collect();
    assert_eq!(
        actions,
        [
            "recall.initiated",
            "lot.status_changed",
            "lot.status_changed",
            "unit.status_changed",
            "unit.status_changed",
        ]
    );
    let patients: Vec<_> = decision
        .patients_to_contact()
        .iter()
        .map(|p| p.patient_id)
        .collect();
    assert_eq!(patients, [id(PATIENT_1)]);
    fixture.record(qa, at(11, 0), decision.events);

    let lots = &fixture.state.lots;
    assert_eq!(
        lots[&id(LOT_CT)].status,
        LotStatus::OnHold,
        "was QUARANTINE"
    );
    assert_eq!(
        lots[&id(LOT_DP)].status,
        LotStatus::Recalled,
        "was RELEASED"
    );
    let units = &fixture.state.units;
    assert_eq!(
        units[&id(UNIT_A)].status,
        UnitStatus::Administered,
        "given: left alone"
    );
    assert_eq!(units[&id(UNIT_B)].status, UnitStatus::Recalled);
    assert_eq!(units[&id(UNIT_C)].status, UnitStatus::Recalled);
    let recalled = &fixture.state.recalls[&id(800)];
    assert_eq!(recalled.patients, [id(PATIENT_1)]);
    assert_eq!(recalled.units.len(), 2);
    assert_eq!(fixture.replay(), fixture.state);

    let decision = fixture.check(
        9,
        &["=A99992600000168", "=<S1234VB0"],
        WRISTBAND_2,
        &BedsidePolicy::default(),
        at(11, 5),
    );
    assert!(codes(&decision).contains(&"ON_HOLD_OR_RECALLED"));

    // A second recall finds nothing left to move but still names the patients.
    let again = recall(
        &fixture.state,
        &qa,
        &signature(QA, Meaning::Approval),
        id(801),
        LookbackSource::Lot(id(LOT_DP)),
        Narrative::parse("confirming", "reason").expect("a reason"),
    )
    .expect("recalls");
    assert_eq!(again.events.len(), 1);
    assert_eq!(again.patients_to_contact().len(), 1);
}

#[test]
fn recall_refusals() {
    let fixture = administered();
    let reason = || Narrative::parse("why", "reason").expect("a reason");
    let source = LookbackSource::Lot(id(LOT_DP));
    let not_qa = recall(
        &fixture.state,
        &clinician(),
        &signature(CLINICIAN, Meaning::Approval),
        id(800),
        source,
        reason(),
    );
    assert_eq!(not_qa.map_err(|e| e.code()).err(), Some("WRONG_ROLE"));
    let qa = user(QA, Role::Qa);
    let review = recall(
        &fixture.state,
        &qa,
        &signature(QA, Meaning::Review),
        id(800),
        source,
        reason(),
    );
    assert_eq!(
        review.map_err(|e| e.code()).err(),
        Some("WRONG_SIGNATURE_MEANING")
    );
    let unknown = recall(
        &fixture.state,
        &qa,
        &signature(QA, Meaning::Approval),
        id(800),
        LookbackSource::MaterialLot(id(999)),
        reason(),
    );
    assert_eq!(unknown.map_err(|e| e.code()).err(), Some("NOT_FOUND"));
}

#[test]
fn a_lot_held_after_release_is_recalled_and_one_in_quarantine_held() {
    let mut fixture = Fixture::new();
    fixture.lot_status(LOT_DP, LotStatus::OnHold);
    // ON_HOLD from RELEASED: the recall moves it to RECALLED, and its released units with it.
    let decision = recall(
        &fixture.state,
        &user(QA, Role::Qa),
        &signature(QA, Meaning::Approval),
        id(800),
        LookbackSource::MaterialLot(id(MATERIAL)),
        Narrative::parse("endotoxin in the lysate", "reason").expect("a reason"),
    )
    .expect("recalls");
    fixture.record(user(QA, Role::Qa), at(11, 0), decision.events);
    assert_eq!(fixture.state.lots[&id(LOT_DP)].status, LotStatus::Recalled);
    assert_eq!(
        fixture.state.lots[&id(LOT_CT)].status,
        LotStatus::Quarantine,
        "not reached"
    );
    assert_eq!(
        fixture.state.units[&id(UNIT_A)].status,
        UnitStatus::Recalled
    );

    let mut fixture = Fixture::new();
    fixture.lot_status(LOT_DP, LotStatus::Quarantine);
    fixture.unit_status(UNIT_C, UnitStatus::Quarantine);
    let decision = recall(
        &fixture.state,
        &user(QA, Role::Qa),
        &signature(QA, Meaning::Approval),
        id(801),
        LookbackSource::Lot(id(LOT_DP)),
        Narrative::parse("sterility failure", "reason").expect("a reason"),
    )
    .expect("recalls");
    fixture.record(user(QA, Role::Qa), at(11, 0), decision.events);
    assert_eq!(fixture.state.lots[&id(LOT_DP)].status, LotStatus::OnHold);
    assert_eq!(
        fixture.state.lots[&id(LOT_DP)].held_from,
        Some(LotStatus::Quarantine)
    );
    assert_eq!(fixture.state.units[&id(UNIT_C)].status, UnitStatus::OnHold);
    assert_eq!(fixture.replay(), fixture.state);
}
