//! Visits, adverse events and the outcome summary.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::clinical::bedside::BedsidePolicy;
use crate::clinical::commands::administration::{NewAdministration, administer};
use crate::clinical::commands::followup::{
    NewAdverseEvent, NewVisit, record_adverse_event, record_visit, resolve_adverse_event,
};
use crate::clinical::followup::{CtcaeGrade, Relatedness, VisitMeasures};
use crate::clinical::measures::{PrednisoneMgPerDay, ProteinuriaGPerDay, Sledai2k};
use crate::clinical::summary::{GroupKey, Measure, SummaryPolicy, summarize};
use crate::refusal::Refuse;
use crate::signature::Meaning;
use crate::values::{CellCount, DosePerKg, Label, Millilitres};

use super::fixture::*;

/// Unit A given to patient 1 at 10:10 on 2026-11-25 (administration 500).
pub fn administered() -> Fixture {
    let mut fixture = Fixture::new();
    assert!(
        fixture
            .check(
                1,
                &UNIT_A_SCANS,
                WRISTBAND_1,
                &BedsidePolicy::default(),
                now()
            )
            .outcome
            .ok()
    );
    let events = administer(
        &fixture.state,
        &clinician(),
        &signature(CLINICIAN, Meaning::Responsibility),
        NewAdministration {
            administration_id: id(500),
            unit_id: id(UNIT_A),
            patient_id: id(PATIENT_1),
            started_at: at(10, 10),
            ended_at: at(10, 30),
            volume: Millilitres::parse("50").expect("a volume"),
            cells: CellCount::new(60_000_000).expect("cells"),
            reactions: vec![],
        },
        &BedsidePolicy::default(),
        at(10, 40),
    )
    .expect("administers");
    fixture.record(clinician(), at(10, 40), events);
    fixture
}

fn measures(sledai: u8, prednisone: &str, proteinuria: Option<&str>) -> VisitMeasures {
    VisitMeasures {
        sledai_2k: Some(Sledai2k::new(sledai).expect("a score")),
        prednisone: Some(PrednisoneMgPerDay::parse(prednisone).expect("a dose")),
        proteinuria_g_per_day: proteinuria.map(|p| ProteinuriaGPerDay::parse(p).expect("g/day")),
        ..VisitMeasures::default()
    }
}

fn visit(fixture: &mut Fixture, n: u128, on: NaiveDate, measures: VisitMeasures) {
    let administrations = if on > date(2026, 11, 25) {
        vec![id(500)]
    } else {
        vec![]
    };
    let new = NewVisit {
        visit_id: id(n),
        patient_id: id(PATIENT_1),
        administrations,
        visited_on: on,
        measures,
    };
    // Visits are entered as they happen; "now" moves with them.
    let when =
        crate::time::Timestamp::from_datetime(on.and_hms_opt(12, 0, 0).expect("noon").and_utc());
    let events = record_visit(&fixture.state, &clinician(), new, when).expect("records a visit");
    fixture.record(clinician(), when, events);
}

fn adverse_event(n: u128, grade: u8, serious: bool, onset: NaiveDate) -> NewAdverseEvent {
    NewAdverseEvent {
        adverse_event_id: id(n),
        patient_id: id(PATIENT_1),
        administrations: vec![id(500)],
        term: Label::parse("Infusion related reaction", "term").expect("a term"),
        grade: CtcaeGrade::new(grade).expect("a grade"),
        serious,
        relatedness: Relatedness::Possible,
        onset_on: onset,
        resolved_on: None,
    }
}

#[test]
fn follow_up_refusals() {
    let fixture = administered();
    let doctor = clinician();
    let empty = NewVisit {
        visit_id: id(600),
        patient_id: id(PATIENT_1),
        administrations: vec![],
        visited_on: date(2026, 11, 25),
        measures: VisitMeasures::default(),
    };
    let got = record_visit(&fixture.state, &doctor, empty.clone(), now());
    assert_eq!(got.map_err(|e| e.code()).err(), Some("EMPTY_VISIT"));
    let not_theirs = NewVisit {
        patient_id: id(PATIENT_2),
        administrations: vec![id(500)],
        measures: measures(4, "5", None),
        ..empty.clone()
    };
    let got = record_visit(&fixture.state, &doctor, not_theirs, now());
    assert_eq!(
        got.map_err(|e| e.code()).err(),
        Some("NOT_PATIENTS_ADMINISTRATION")
    );
    let twice = NewVisit {
        administrations: vec![id(500), id(500)],
        measures: measures(4, "5", None),
        ..empty
    };
    let got = record_visit(&fixture.state, &doctor, twice, now());
    assert_eq!(got.map_err(|e| e.code()).err(), Some("BAD_LIST"));

    let fatal = adverse_event(700, 5, false, date(2026, 11, 25));
    let got = record_adverse_event(&fixture.state, &doctor, fatal, now());
    assert_eq!(got.map_err(|e| e.code()).err(), Some("GRADE5_NOT_SERIOUS"));
    let mut backwards = adverse_event(700, 2, false, date(2026, 11, 25));
    backwards.resolved_on = Some(date(2026, 11, 24));
    let got = record_adverse_event(&fixture.state, &doctor, backwards, now());
    assert_eq!(
        got.map_err(|e| e.code()).err(),
        Some("RESOLUTION_BEFORE_ONSET")
    );
    assert!(CtcaeGrade::new(0).is_err() && CtcaeGrade::new(6).is_err());
}

#[test]
fn adverse_events_resolve_once_and_not_before_onset() {
    let mut fixture = administered();
    let doctor = clinician();
    let events = record_adverse_event(
        &fixture.state,
        &doctor,
        adverse_event(700, 2, false, date(2026, 11, 25)),
        now(),
    )
    .expect("records");
    fixture.record(doctor, now(), events);
    let early = resolve_adverse_event(&fixture.state, &doctor, id(700), date(2026, 11, 24), now());
    assert_eq!(
        early.map_err(|e| e.code()).err(),
        Some("RESOLUTION_BEFORE_ONSET")
    );
    let events = resolve_adverse_event(&fixture.state, &doctor, id(700), date(2026, 11, 25), now())
        .expect("resolves");
    fixture.record(doctor, now(), events);
    assert_eq!(
        fixture.state.adverse_events[&id(700)].resolved_on,
        Some(date(2026, 11, 25))
    );
    let again = resolve_adverse_event(&fixture.state, &doctor, id(700), date(2026, 11, 26), now());
    assert_eq!(again.map_err(|e| e.code()).err(), Some("ALREADY_RESOLVED"));
    assert_eq!(fixture.replay(), fixture.state);
}

#[test]
fn summary_by_lot_donor_and_dose() {
    let mut fixture = administered();
    visit(
        &mut fixture,
        601,
        date(2026, 11, 1),
        measures(14, "40", Some("3.1")),
    );
    visit(
        &mut fixture,
        602,
        date(2026, 11, 20),
        measures(12, "30", Some("2.5")),
    );
    // Day 0 is 2026-11-25: 3 months is 2027-02-25, 6 months 2027-05-25, 12 months 2027-11-25.
    visit(
        &mut fixture,
        603,
        date(2027, 2, 27),
        measures(6, "15", None),
    );
    visit(
        &mut fixture,
        604,
        date(2027, 3, 20),
        measures(2, "5", Some("0.4")),
    );
    visit(
        &mut fixture,
        605,
        date(2027, 5, 20),
        measures(4, "7.5", Some("0.8")),
    );
    let doctor = clinician();
    for (n, grade, serious) in [(700, 1, false), (701, 3, true)] {
        let when = crate::time::Timestamp::from_datetime(
            date(2026, 12, 1)
                .and_hms_opt(9, 0, 0)
                .expect("a time")
                .and_utc(),
        );
        let events = record_adverse_event(
            &fixture.state,
            &doctor,
            adverse_event(n, grade, serious, date(2026, 11, 30)),
            when,
        )
        .expect("records");
        fixture.record(doctor, when, events);
    }
    assert_eq!(fixture.replay(), fixture.state);

    let summary = summarize(&fixture.state, &SummaryPolicy::default());
    assert_eq!(summary.by_lot.len(), 1);
    assert_eq!(summary.by_donor.len(), 1);
    assert_eq!(summary.by_dose.len(), 1);
    assert_eq!(summary.by_lot[0].key, GroupKey::Lot(id(LOT_DP)));
    assert_eq!(summary.by_donor[0].key, GroupKey::Donor(id(DONOR)));
    assert_eq!(
        summary.by_dose[0].key,
        GroupKey::DosePerKg(DosePerKg::STANDARD)
    );
    let group = &summary.by_lot[0];
    assert_eq!(group.patients, [id::<crate::ids::PatientId>(PATIENT_1)]);
    assert_eq!(group.adverse_events_by_grade, [1, 0, 1, 0, 0]);
    assert_eq!(group.serious_adverse_events, 1);
    let mean = |months: u32, measure: Measure| {
        group
            .timepoints
            .iter()
            .find(|t| t.months == months)
            .and_then(|t| t.changes[&measure].mean)
    };
    let d = |text: &str| Decimal::from_str_exact(text).expect("a decimal");
    // Baseline is the 2026-11-20 visit (SLEDAI 12, prednisone 30, proteinuria 2.5).
    assert_eq!(
        mean(3, Measure::Sledai2k),
        Some(d("-6")),
        "nearest visit 2027-02-27"
    );
    assert_eq!(mean(3, Measure::PrednisoneMgPerDay), Some(d("-15")));
    assert_eq!(
        mean(3, Measure::ProteinuriaGPerDay),
        Some(d("-2.1")),
        "2027-03-20 is the nearest with it"
    );
    assert_eq!(mean(6, Measure::Sledai2k), Some(d("-8")));
    assert_eq!(mean(6, Measure::PrednisoneMgPerDay), Some(d("-22.5")));
    assert_eq!(
        mean(12, Measure::Sledai2k),
        None,
        "no visit within 30 days of 12 months"
    );
    assert_eq!(mean(3, Measure::ProteinCreatinineRatio), None);
}
