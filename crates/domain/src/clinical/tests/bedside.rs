//! The bedside check: each reason alone, several at once, and what the ledger records.

use chrono::Duration;

use crate::clinical::bedside::{BedsidePolicy, BedsideReason};
use crate::clinical::order::OrderStatus;
use crate::clinical::patient::WeightMeasurement;
use crate::event::Event;
use crate::manufacturing::events::{ConsentWithdrawn, EligibilityRevoked};
use crate::manufacturing::{LotStatus, UnitStatus, Withdrawal};
use crate::role::Role;
use crate::values::{Kilograms, Label, Narrative};

use super::fixture::*;

type Setup = fn(&mut Fixture);

fn nothing(_: &mut Fixture) {}

fn reweigh(fixture: &mut Fixture, kilograms: &str, days_ago: u64) {
    let patient = fixture
        .state
        .patients
        .get_mut(&id(PATIENT_1))
        .expect("patient 1");
    patient.weights = vec![WeightMeasurement {
        weight: Kilograms::parse(kilograms).expect("a weight"),
        measured_on: date(2026, 11, 25) - chrono::Days::new(days_ago),
        recorded_by: id(CLINICIAN),
        recorded_at: now(),
    }];
}

struct Case {
    name: &'static str,
    setup: Setup,
    unit: &'static [&'static str],
    patient: &'static str,
    when: (u32, u32),
    expected: &'static [&'static str],
}

const A: &[&str] = &UNIT_A_SCANS;
const A_NO_EXPIRY: &[&str] = &["=A99992600000168", "=<S1234VA0"];
const C: &[&str] = &["=A99992600000168", "=<S1234VC0"];

/// One row per reason alone, then rows where several apply at once.
#[rustfmt::skip]
fn cases() -> Vec<Case> {
    let case = |name, setup, unit, patient, when, expected| Case { name, setup, unit, patient, when, expected };
    vec![
        case("accepted", nothing, A, WRISTBAND_1, (10, 0), &[]),
        case("accepted, &# wristband", nothing, A, WRISTBAND_1_ISBT, (10, 0), &[]),
        case("accepted, date-only expiry", nothing, &["=<S1234VA0", "=>027181", "=A99992600000168"], WRISTBAND_1, (10, 0), &[]),
        case("accepted, compound message", nothing, &["=+03000=A99992600000168=<S1234VA0&>0271812359"], WRISTBAND_1, (10, 0), &[]),
        case("accepted, concatenated, DIN flag 00", nothing, &["=<S1234VA0=A99992600000100"], WRISTBAND_1, (10, 0), &[]),
        case("wrong DIN flag", nothing, &["=A99992600000169", "=<S1234VA0"], WRISTBAND_1, (10, 0), &["MALFORMED_SCAN"]),
        case("DIN without product code", nothing, &["=A99992600000168"], WRISTBAND_1, (10, 0), &["MALFORMED_SCAN"]),
        case("product code without DIN", nothing, &["=<S1234VA0"], WRISTBAND_1, (10, 0), &["MALFORMED_SCAN"]),
        case("test tube label", nothing, &["=A99992600000107", "=<S1234VA0"], WRISTBAND_1, (10, 0), &["MALFORMED_SCAN"]),
        case("two product codes", nothing, &["=A99992600000168", "=<S1234VA0", "=<S1234VB0"], WRISTBAND_1, (10, 0), &["MALFORMED_SCAN"]),
        case("no unit scans", nothing, &[], WRISTBAND_1, (10, 0), &["MALFORMED_SCAN"]),
        case("unreadable wristband", nothing, A, "WB 0001?", (10, 0), &["MALFORMED_SCAN"]),
        case("wristband is a unit label", nothing, A, "=A99992600000168", (10, 0), &["MALFORMED_SCAN"]),
        case("wristband scanned as a unit", nothing, &["=A99992600000168", "=<S1234VA0", "&#0105AB123"], WRISTBAND_1, (10, 0), &["MALFORMED_SCAN"]),
        case("unknown unit", nothing, &["=A99992600000168", "=<S1234VD0"], WRISTBAND_1, (10, 0), &["UNKNOWN_UNIT"]),
        case("unknown patient", nothing, A, "WB-9999", (10, 0), &["UNKNOWN_PATIENT"]),
        case("unit in quarantine", |f| f.unit_status(UNIT_A, UnitStatus::Quarantine), A, WRISTBAND_1, (10, 0), &["NOT_RELEASED"]),
        case("unit recalled", |f| f.unit_status(UNIT_A, UnitStatus::Recalled), A, WRISTBAND_1, (10, 0), &["ON_HOLD_OR_RECALLED"]),
        case("unit on hold", |f| f.unit_status(UNIT_A, UnitStatus::OnHold), A, WRISTBAND_1, (10, 0), &["ON_HOLD_OR_RECALLED"]),
        case("lot on hold", |f| f.lot_status(LOT_DP, LotStatus::OnHold), A, WRISTBAND_1, (10, 0), &["ON_HOLD_OR_RECALLED"]),
        case("expired by time", |f| expire(f, 9, 30), A_NO_EXPIRY, WRISTBAND_1, (10, 0), &["EXPIRED"]),
        case("expired status", |f| f.unit_status(UNIT_A, UnitStatus::Expired), A, WRISTBAND_1, (10, 0), &["EXPIRED"]),
        case("label expiry differs", nothing, &["=A99992600000168", "=<S1234VA0", "&>0271802359"], WRISTBAND_1, (10, 0), &["LABEL_MISMATCH"]),
        case("label expiry time differs", nothing, &["=A99992600000168", "=<S1234VA0", "&>0271812358"], WRISTBAND_1, (10, 0), &["LABEL_MISMATCH"]),
        case("not thawed", allocate_c, C, WRISTBAND_1, (10, 0), &["NOT_THAWED"]),
        case("thaw window edge (13:00)", nothing, A, WRISTBAND_1, (13, 0), &[]),
        case("thaw window exceeded (13:01)", nothing, A, WRISTBAND_1, (13, 1), &["THAW_WINDOW_EXCEEDED"]),
        case("wrong patient", nothing, A, WRISTBAND_2, (10, 0), &["WRONG_PATIENT"]),
        case("wrong patient, who has no active order", complete_order_2, A, WRISTBAND_2, (10, 0), &["WRONG_PATIENT", "NO_ACTIVE_ORDER"]),
        case("not allocated", nothing, C, WRISTBAND_1, (10, 0), &["NOT_THAWED", "NOT_ALLOCATED"]),
        case("order completed", |f| set_order(f, OrderStatus::Completed), A, WRISTBAND_1, (10, 0), &["NO_ACTIVE_ORDER"]),
        case("order cancelled, unit freed", cancel_order, A, WRISTBAND_1, (10, 0), &["NOT_ALLOCATED", "NO_ACTIVE_ORDER"]),
        case("dose 20 % high (50 kg)", |f| reweigh(f, "50", 0), A, WRISTBAND_1, (10, 0), &["DOSE_OUT_OF_RANGE"]),
        case("dose 9.9 % high (54.6 kg)", |f| reweigh(f, "54.6", 0), A, WRISTBAND_1, (10, 0), &[]),
        case("dose 10.1 % high (54.5 kg)", |f| reweigh(f, "54.5", 0), A, WRISTBAND_1, (10, 0), &["DOSE_OUT_OF_RANGE"]),
        case("dose 9.1 % low (66 kg)", |f| reweigh(f, "66", 0), A, WRISTBAND_1, (10, 0), &[]),
        case("dose 10.4 % low (67 kg)", |f| reweigh(f, "67", 0), A, WRISTBAND_1, (10, 0), &["DOSE_OUT_OF_RANGE"]),
        case("weight 7 days old", |f| reweigh(f, "60", 7), A, WRISTBAND_1, (10, 0), &[]),
        case("weight 8 days old", |f| reweigh(f, "60", 8), A, WRISTBAND_1, (10, 0), &["WEIGHT_TOO_OLD"]),
        case("no weight", no_weight, A, WRISTBAND_1, (10, 0), &["WEIGHT_TOO_OLD"]),
        case("already administered", |f| f.unit_status(UNIT_A, UnitStatus::Administered), A, WRISTBAND_1, (10, 0), &["ALREADY_ADMINISTERED"]),
        case("donor eligibility revoked", revoke, A, WRISTBAND_1, (10, 0), &["DONOR_NOT_ELIGIBLE"]),
        case("donor withdrew consent", withdraw, A, WRISTBAND_1, (10, 0), &["DONOR_NOT_ELIGIBLE"]),
        case("several: recalled, late, wrong patient", |f| f.unit_status(UNIT_A, UnitStatus::Recalled), A, WRISTBAND_2, (14, 0), &["ON_HOLD_OR_RECALLED", "THAW_WINDOW_EXCEEDED", "WRONG_PATIENT"]),
        case("several: bad wristband, unknown unit", nothing, &["=A99992600000168", "=<S1234VD0"], "", (10, 0), &["MALFORMED_SCAN", "UNKNOWN_UNIT"]),
        case("several: everything about the unit", everything_wrong, &["=A99992600000168", "=<S1234VA0", "&>0271802359"], WRISTBAND_1, (10, 0),
            &["NOT_RELEASED", "ON_HOLD_OR_RECALLED", "EXPIRED", "LABEL_MISMATCH", "DOSE_OUT_OF_RANGE", "WEIGHT_TOO_OLD", "DONOR_NOT_ELIGIBLE"]),
    ]
}

fn no_weight(fixture: &mut Fixture) {
    let patient = fixture.state.patients.get_mut(&id(PATIENT_1));
    patient.expect("patient 1").weights.clear();
}

fn expire(fixture: &mut Fixture, hour: u32, minute: u32) {
    fixture
        .state
        .units
        .get_mut(&id(UNIT_A))
        .expect("unit A")
        .expires_at = at(hour, minute);
}

fn allocate_c(fixture: &mut Fixture) {
    let events = crate::clinical::commands::orders::allocate(
        &fixture.state,
        &clinician(),
        id(ORDER_1),
        id(UNIT_C),
        now(),
    )
    .expect("allocates");
    fixture.record(clinician(), at(7, 30), events);
}

fn set_order(fixture: &mut Fixture, status: OrderStatus) {
    fixture
        .state
        .orders
        .get_mut(&id(ORDER_1))
        .expect("order 1")
        .status = status;
}

fn complete_order_2(fixture: &mut Fixture) {
    fixture
        .state
        .orders
        .get_mut(&id(ORDER_2))
        .expect("order 2")
        .status = OrderStatus::Completed;
}

fn cancel_order(fixture: &mut Fixture) {
    let events = crate::clinical::commands::orders::cancel(
        &fixture.state,
        &clinician(),
        id(ORDER_1),
        Narrative::parse("patient declined", "reason").expect("a reason"),
    )
    .expect("cancels");
    fixture.record(clinician(), at(9, 30), events);
}

fn revoke(fixture: &mut Fixture) {
    let event = Event::EligibilityRevoked(EligibilityRevoked {
        donor_id: id(DONOR),
        reason: Label::parse("late reactive result", "reason").expect("a reason"),
    });
    fixture.record(user(QA, Role::Qa), at(9, 30), vec![event]);
}

fn withdraw(fixture: &mut Fixture) {
    let event = Event::ConsentWithdrawn(ConsentWithdrawn {
        donor_id: id(DONOR),
        withdrawal: Withdrawal {
            withdrawn_on: date(2026, 11, 24),
            reason: Narrative::parse("withdrew", "reason").expect("a reason"),
        },
    });
    fixture.record(user(QA, Role::Qa), at(9, 30), vec![event]);
}

fn everything_wrong(fixture: &mut Fixture) {
    fixture.unit_status(UNIT_A, UnitStatus::Quarantine);
    fixture.lot_status(LOT_DP, LotStatus::OnHold);
    expire(fixture, 9, 0);
    reweigh(fixture, "40", 30);
    revoke(fixture);
}

#[test]
fn every_reason_alone_and_together() {
    let policy = BedsidePolicy::default();
    for (idx, case) in cases().into_iter().enumerate() {
        let mut fixture = Fixture::new();
        (case.setup)(&mut fixture);
        // Some setups edit the state directly (no event moves an expiry); only the others replay.
        let replays = fixture.replay() == fixture.state;
        let when = at(case.when.0, case.when.1);
        let decision = fixture.check(1000 + idx as u128, case.unit, case.patient, &policy, when);
        assert_eq!(codes(&decision), case.expected, "{}", case.name);
        assert_eq!(
            decision.outcome.ok(),
            case.expected.is_empty(),
            "{}",
            case.name
        );
        assert_eq!(decision.events.len(), 1, "{}", case.name);
        match &decision.events[0] {
            Event::BedsideCheckAccepted(_) => assert!(case.expected.is_empty(), "{}", case.name),
            Event::BedsideCheckRefused(refused) => {
                let recorded: Vec<&str> = refused.reasons.iter().map(|r| r.code()).collect();
                assert_eq!(recorded, case.expected, "{}", case.name);
            }
            other => panic!("{}: unexpected event {}", case.name, other.action()),
        }
        if replays {
            assert_eq!(fixture.replay(), fixture.state, "{}", case.name);
        }
    }
}

#[test]
fn the_facts_shown_at_the_bedside() {
    let mut fixture = Fixture::new();
    let decision = fixture.check(1, A, WRISTBAND_1, &BedsidePolicy::default(), now());
    let facts = &decision.outcome.facts;
    assert!(decision.outcome.ok());
    assert_eq!(
        facts.din_with_check_character().as_deref(),
        Some("A9999260000018")
    );
    assert_eq!(
        facts.product_code.map(|c| c.to_string()).as_deref(),
        Some("S1234VA0")
    );
    assert_eq!(
        facts.product_description.as_ref().map(|d| d.as_str()),
        Some("UC-MSC, cryopreserved, 50 mL bag")
    );
    assert_eq!(facts.cells.map(|c| c.get()), Some(60_000_000));
    assert_eq!(facts.cells_per_kg, Some(1_000_000));
    assert_eq!(
        facts.prescribed_dose_per_kg.map(|d| d.get()),
        Some(1_000_000)
    );
    assert_eq!(facts.thawed_at, Some(at(9, 0)));
    assert_eq!(facts.use_by, Some(at(13, 0)));
    assert_eq!(
        facts.patient_key.as_ref().map(|k| k.as_str()),
        Some("PAT26-000001")
    );
    assert_eq!(facts.order_id, Some(id(ORDER_1)));
    assert_eq!(fixture.state.bedside_checks[&id(UNIT_A)].check_id, id(1));
}

#[test]
fn a_shorter_thaw_window_applies_at_once_and_a_longer_one_never_extends() {
    let mut fixture = Fixture::new();
    let short = BedsidePolicy {
        thaw_window: Duration::minutes(30),
        ..BedsidePolicy::default()
    };
    let decision = fixture.check(1, A, WRISTBAND_1, &short, now());
    assert_eq!(codes(&decision), ["THAW_WINDOW_EXCEEDED"]);
    let long = BedsidePolicy {
        thaw_window: Duration::hours(8),
        ..BedsidePolicy::default()
    };
    let decision = fixture.check(2, A, WRISTBAND_1, &long, at(14, 0));
    assert_eq!(codes(&decision), ["THAW_WINDOW_EXCEEDED"]);
}

#[test]
fn a_label_in_local_time_matches_the_utc_record() {
    let mut fixture = Fixture::new();
    // The record says 2027-06-30 23:59 UTC, which is 2027-07-01 01:59 at UTC+2 (day 182).
    let policy = BedsidePolicy {
        label_offset: chrono::FixedOffset::east_opt(2 * 3600).expect("an offset"),
        ..BedsidePolicy::default()
    };
    let scans = ["=A99992600000168", "=<S1234VA0", "&>0271820159"];
    assert!(
        fixture
            .check(1, &scans, WRISTBAND_1, &policy, now())
            .outcome
            .ok()
    );
    let decision = fixture.check(2, A, WRISTBAND_1, &policy, now());
    assert_eq!(codes(&decision), ["LABEL_MISMATCH"]);
}

#[test]
fn refusals_record_codes_and_ids_never_the_wristband() {
    let mut fixture = Fixture::new();
    let unit_with_wristband = ["=A99992600000168", "=<S1234VA0", "&#0105AB123"];
    let decision = fixture.check(
        1,
        &unit_with_wristband,
        "WB-0002",
        &BedsidePolicy::default(),
        now(),
    );
    let Event::BedsideCheckRefused(refused) = &decision.events[0] else {
        panic!("refused expected");
    };
    assert_eq!(refused.unit_id, Some(id(UNIT_A)));
    assert_eq!(refused.patient_id, Some(id(PATIENT_2)));
    assert_eq!(refused.scan_errors, ["PATIENT_SCANNED_AS_UNIT"]);
    let payload = decision.events[0].payload_json().to_string();
    for personal in ["AB123", "WB-0002", "&#"] {
        assert!(
            !payload.contains(personal),
            "{personal} leaked into {payload}"
        );
    }
    let subjects: Vec<String> = decision.events[0]
        .subjects()
        .iter()
        .map(|s| s.kind.as_str().to_owned())
        .collect();
    assert_eq!(subjects, ["bedside_check", "unit", "patient"]);
    assert!(!fixture.state.bedside_checks[&id(UNIT_A)].accepted);

    let unknown = fixture.check(
        2,
        &["=A99992600000168", "=<S1234VD0"],
        "WB-9999",
        &BedsidePolicy::default(),
        now(),
    );
    let Event::BedsideCheckRefused(refused) = &unknown.events[0] else {
        panic!("refused expected");
    };
    assert_eq!((refused.unit_id, refused.patient_id), (None, None));
    assert_eq!(
        refused.reasons,
        [BedsideReason::UnknownUnit, BedsideReason::UnknownPatient]
    );
    assert!(
        !unknown.events[0]
            .payload_json()
            .to_string()
            .contains("WB-9999")
    );
}

#[test]
fn only_a_clinician_checks() {
    let fixture = Fixture::new();
    let scans = crate::clinical::bedside::BedsideScans::parse(A, WRISTBAND_1);
    let refused = crate::clinical::commands::bedside::check(
        &fixture.state,
        &user(QA, Role::Qa),
        id(1),
        &scans,
        Some(id(PATIENT_1)),
        &BedsidePolicy::default(),
        now(),
    );
    assert_eq!(
        refused
            .map(|_| ())
            .map_err(|e| crate::refusal::Refuse::code(&e)),
        Err("WRONG_ROLE")
    );
}
