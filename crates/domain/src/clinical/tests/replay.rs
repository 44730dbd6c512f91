//! Every clinical event survives the ledger's JSON and rebuilds the same state on replay.

use crate::event::Event;

use super::followup::administered;

#[test]
fn events_round_trip_through_the_ledger_payload_and_replay() {
    let fixture = administered();
    let mut clinical = 0;
    for (event, _) in &fixture.log {
        let back = Event::from_parts(event.action(), event.payload_json()).expect("parses back");
        assert_eq!(&back, event, "{}", event.action());
        assert!(Event::ACTIONS.contains(&event.action()));
        let payload = event.payload_json().to_string();
        assert!(!payload.contains("WB-0001"), "no wristband in {payload}");
        if [
            "patient.",
            "order.",
            "unit.allocated",
            "unit.thawed",
            "bedside.",
            "unit.administered",
        ]
        .iter()
        .any(|prefix| event.action().starts_with(prefix))
        {
            clinical += 1;
        }
    }
    assert!(
        clinical >= 10,
        "the fixture exercises the clinical events ({clinical})"
    );
    assert_eq!(fixture.replay(), fixture.state);
}

#[test]
fn a_payload_with_a_bad_value_is_refused() {
    let bad_schedule = serde_json::json!({
        "order_id": "00000000-0000-0000-0000-0000000000d2",
        "patient_id": "00000000-0000-0000-0000-0000000000c8",
        "dose_per_kg": 1_000_000,
        "schedule": [0, 0],
        "route": "IV",
        "starts_on": "2026-11-25",
    });
    assert!(Event::from_parts("order.placed", bad_schedule).is_err());
    let bad_grade = serde_json::json!({
        "adverse_event_id": "00000000-0000-0000-0000-0000000002bc",
        "patient_id": "00000000-0000-0000-0000-0000000000c8",
        "administrations": [],
        "term": "Fever",
        "grade": 6,
        "serious": false,
        "relatedness": "POSSIBLE",
        "onset_on": "2026-11-25",
        "resolved_on": null,
    });
    assert!(Event::from_parts("adverse_event.recorded", bad_grade).is_err());
}
