//! Specifications: the shipped default, parsing, versions, selection by date, begin testing.

use super::{Fixture, at, date, uuid};
use crate::actor::Actor;
use crate::ids::{LotId, SpecificationId};
use crate::manufacturing::{LotKind, LotStatus};
use crate::refusal::Refuse;
use crate::release::commands;
use crate::release::{
    DEFAULT_DRUG_PRODUCT_SPECIFICATION_JSON, Evaluation, Specification, SpecificationContent,
    TestCode, TestUnit, default_drug_product_specification, in_effect,
};
use crate::role::Role;

fn criterion_of(spec: &SpecificationContent, code: &str) -> String {
    let test = spec.test(&TestCode::parse(code).unwrap()).unwrap();
    format!(
        "{} {}",
        test.requirement().as_str(),
        test.criterion()
            .describe(test.unit().map(|unit| unit.as_str()))
    )
}

#[test]
fn the_default_specification_holds_the_domain_figures() {
    let spec = default_drug_product_specification().unwrap();
    assert_eq!(spec.product_kind(), LotKind::DrugProduct);
    assert_eq!(spec.version().get(), 1);
    assert_eq!(spec.effective_on(), date(2026, 1, 1));
    let cases = [
        ("CD73", "REQUIRED ≥ 95 %"),
        ("CD90", "REQUIRED ≥ 95 %"),
        ("CD105", "REQUIRED ≥ 95 %"),
        ("CD34", "REQUIRED ≤ 2 %"),
        ("CD45", "REQUIRED ≤ 2 %"),
        ("CD14", "REQUIRED ≤ 2 %"),
        ("CD19", "REQUIRED ≤ 2 %"),
        ("HLA_DR", "REQUIRED ≤ 2 %"),
        ("VIABILITY", "REQUIRED ≥ 70 %"),
        (
            "VIABLE_CELL_COUNT",
            "REQUIRED ≥ 1.0 and ≤ 5.0 x10^6 cells/mL",
        ),
        ("STERILITY", "REQUIRED NO_GROWTH"),
        ("MYCOPLASMA", "REQUIRED NOT_DETECTED"),
        ("ENDOTOXIN", "REQUIRED ≤ 0.5 EU/mL"),
        ("KARYOTYPE", "REQUIRED NORMAL_KARYOTYPE"),
        ("POTENCY", "REPORT_ONLY ≥ 20 %"),
    ];
    assert_eq!(spec.tests().len(), cases.len());
    for (code, expected) in cases {
        assert_eq!(criterion_of(&spec, code), expected, "{code}");
    }
}

#[test]
fn specifications_round_trip_through_json_without_floats() {
    let spec = default_drug_product_specification().unwrap();
    let json = serde_json::to_value(&spec).unwrap();
    fn no_floats(value: &serde_json::Value) -> bool {
        match value {
            serde_json::Value::Number(number) => !number.is_f64(),
            serde_json::Value::Array(items) => items.iter().all(no_floats),
            serde_json::Value::Object(map) => map.values().all(no_floats),
            _ => true,
        }
    }
    assert!(no_floats(&json), "{json}");
    let back: SpecificationContent = serde_json::from_value(json).unwrap();
    assert_eq!(back, spec);
}

#[test]
fn inconsistent_specifications_are_refused() {
    let base = DEFAULT_DRUG_PRODUCT_SPECIFICATION_JSON;
    let cd73 = r#""code": "CD73""#;
    let cases = [
        ("duplicate code", base.replace(r#""code": "CD90""#, cd73)),
        ("bad code", base.replace(cd73, r#""code": "CD 73""#)),
        ("version 0", base.replace(r#""version": 1"#, r#""version": 0"#)),
        ("unknown field", base.replace(r#""title""#, r#""extra": 1, "title""#)),
        (
            "qualitative with a unit",
            base.replace(
                r#""method": "Ph. Eur. 2.6.7 NAT","#,
                r#""method": "Ph. Eur. 2.6.7 NAT", "unit": "%","#,
            ),
        ),
        (
            "required without criterion",
            base.replace(
                r#""criterion": { "kind": "NUMERIC", "min": { "value": "70", "inclusive": true } }"#,
                r#""criterion": { "kind": "REPORT" }"#,
            ),
        ),
        (
            "empty range",
            base.replace(r#""min": { "value": "1.0""#, r#""min": { "value": "6.0""#),
        ),
        ("unknown outcome", base.replace("NO_GROWTH", "STERILE")),
        ("unknown kind", base.replace("DRUG_PRODUCT", "PILL")),
        ("no required test", base.replace(r#""REQUIRED""#, r#""REPORT_ONLY""#)),
    ];
    for (what, json) in cases {
        assert_ne!(json, base, "{what}: the replacement did not apply");
        let error = SpecificationContent::from_json(&json).unwrap_err();
        assert_eq!(error.code(), "INVALID_SPECIFICATION", "{what}: {error}");
    }
}

#[test]
fn test_codes_are_parsed() {
    let cases = [
        ("CD73", Some("CD73")),
        (" hla_dr ", Some("HLA_DR")),
        ("7AAD", None),
        ("HLA-DR", None),
        ("", None),
        ("A23456789012345678901234567890123", None),
    ];
    for (raw, expected) in cases {
        let got = TestCode::parse(raw).ok();
        assert_eq!(got.as_ref().map(TestCode::as_str), expected, "{raw:?}");
    }
}

#[test]
fn units_are_printable_text() {
    let cases = [
        (" EU/mL ", Ok("EU/mL")),
        ("x10^6 cells/mL", Ok("x10^6 cells/mL")),
        ("µmol/L", Ok("µmol/L")),
        ("", Err("INVALID_UNIT")),
        ("a unit longer than twenty-four", Err("INVALID_UNIT")),
        ("EU/\u{202e}Lm", Err("UNSAFE_CHARACTER")),
        ("%\u{200b}", Err("UNSAFE_CHARACTER")),
        ("EU\tmL", Err("UNSAFE_CHARACTER")),
    ];
    for (raw, expected) in cases {
        let got = TestUnit::parse(raw);
        assert_eq!(
            got.as_ref().map(TestUnit::as_str).map_err(Refuse::code),
            expected,
            "{raw:?}"
        );
    }
    let refused = TestUnit::parse("EU/\u{202e}Lm").expect_err("refused");
    assert_eq!(
        refused.to_string(),
        "a unit contains U+202E RIGHT-TO-LEFT OVERRIDE, which is not allowed"
    );
}

fn version(
    spec: &SpecificationContent,
    version: u32,
    effective_on: (i32, u32, u32),
) -> SpecificationContent {
    let mut json = serde_json::to_value(spec).unwrap();
    json["version"] = version.into();
    json["effective_on"] = date(effective_on.0, effective_on.1, effective_on.2)
        .to_string()
        .into();
    serde_json::from_value(json).unwrap()
}

#[test]
fn versions_and_effective_dates_increase() {
    let fixture = Fixture::new();
    let v1 = default_drug_product_specification().unwrap();
    let qa = Fixture::actor(fixture.qa, Role::Qa);
    let cases = [
        (qa, version(&v1, 2, (2026, 6, 1)), "ok"),
        (qa, version(&v1, 1, (2026, 6, 1)), "DUPLICATE_SPEC_VERSION"),
        (
            qa,
            version(&v1, 2, (2026, 1, 1)),
            "SPEC_EFFECTIVE_DATE_NOT_INCREASING",
        ),
        (
            qa,
            version(&v1, 2, (2025, 6, 1)),
            "SPEC_EFFECTIVE_DATE_NOT_INCREASING",
        ),
        (Actor::System, version(&v1, 3, (2026, 6, 1)), "ok"),
        (
            Fixture::actor(fixture.analyst, Role::Analyst),
            version(&v1, 2, (2026, 6, 1)),
            "WRONG_ROLE",
        ),
    ];
    for (actor, content, expected) in cases {
        let got = commands::define_specification(
            &fixture.state,
            &actor,
            SpecificationId::from_uuid(uuid(71)),
            content.clone(),
        );
        let got = got.map_or_else(|error| error.code(), |_| "ok");
        assert_eq!(
            got,
            expected,
            "v{} {}",
            content.version(),
            content.effective_on()
        );
    }
    let mut later = Fixture::new();
    let v3 = version(&v1, 3, (2026, 6, 1));
    later
        .run(qa, |state, actor| {
            commands::define_specification(state, actor, SpecificationId::from_uuid(uuid(71)), v3)
        })
        .unwrap();
    let lower = commands::define_specification(
        &later.state,
        &qa,
        SpecificationId::from_uuid(uuid(72)),
        version(&v1, 2, (2026, 9, 1)),
    );
    assert_eq!(lower.unwrap_err().code(), "SPEC_VERSION_NOT_INCREASING");
}

#[test]
fn the_version_in_effect_is_chosen_by_date() {
    let v1 = default_drug_product_specification().unwrap();
    let spec = |n: u128, content: SpecificationContent| Specification {
        id: SpecificationId::from_uuid(uuid(n)),
        content,
        defined_by: None,
        defined_at: at(1, 8),
    };
    let cell_bank = serde_json::to_value(&v1).unwrap();
    let mut cell_bank = cell_bank;
    cell_bank["product_kind"] = "CELL_BANK".into();
    cell_bank["effective_on"] = "2025-01-01".into();
    let specs = [
        spec(1, v1.clone()),
        spec(2, version(&v1, 2, (2026, 3, 10))),
        spec(3, serde_json::from_value(cell_bank).unwrap()),
    ];
    let cases = [
        ((2025, 12, 31), None),
        ((2026, 1, 1), Some(1)),
        ((2026, 3, 9), Some(1)),
        ((2026, 3, 10), Some(2)),
        ((2030, 1, 1), Some(2)),
    ];
    for ((y, m, d), expected) in cases {
        let got = in_effect(&specs, LotKind::DrugProduct, date(y, m, d))
            .map(|s| s.content.version().get());
        assert_eq!(got, expected, "{y}-{m}-{d}");
    }
}

#[test]
fn begin_testing_refusals() {
    let mut fixture = Fixture::new();
    fixture
        .state
        .lots
        .get_mut(&fixture.substance)
        .unwrap()
        .status = LotStatus::Quarantine;
    fixture.state.lots.get_mut(&fixture.tissue).unwrap().status = LotStatus::InProcess;
    let analyst = Fixture::actor(fixture.analyst, Role::Analyst);
    let cases = [
        (analyst, LotId::from_uuid(uuid(999)), "NOT_FOUND"),
        (
            Fixture::actor(fixture.technician, Role::Technician),
            fixture.product,
            "WRONG_ROLE",
        ),
        (analyst, fixture.tissue, "LOT_NOT_IN_QUARANTINE"),
        (analyst, fixture.substance, "NO_SPECIFICATION_IN_EFFECT"),
        (analyst, fixture.product, "ok"),
    ];
    for (actor, lot, expected) in cases {
        let got = commands::begin_testing(&fixture.state, &actor, lot, fixture.now);
        assert_eq!(got.map_or_else(|e| e.code(), |_| "ok"), expected, "{lot}");
    }
    fixture.begin_testing().unwrap();
    assert_eq!(
        fixture.begin_testing().unwrap_err().code(),
        "TESTING_ALREADY_STARTED"
    );
}

#[test]
fn a_new_version_never_changes_an_old_evaluation() {
    let mut fixture = Fixture::new();
    fixture.begin_testing().unwrap();
    // Version 2 asks 95 % viability from tomorrow; the lot under test keeps version 1.
    let v1 = default_drug_product_specification().unwrap();
    let mut json = serde_json::to_value(version(&v1, 2, (2026, 3, 6))).unwrap();
    json["tests"][8]["criterion"]["min"]["value"] = "95".into();
    let v2: SpecificationContent = serde_json::from_value(json).unwrap();
    let v2_id = SpecificationId::from_uuid(uuid(71));
    let qa = Fixture::actor(fixture.qa, Role::Qa);
    fixture
        .run(qa, |state, actor| {
            commands::define_specification(state, actor, v2_id, v2)
        })
        .unwrap();
    fixture.now = at(7, 8);
    fixture.record("VIABILITY", "92", Some("%")).unwrap();
    let result = &fixture.state.test_results[&fixture.current("VIABILITY")];
    assert_eq!(result.evaluation, Evaluation::Pass);
    assert_eq!(result.specification_id, fixture.spec);
    assert_eq!(
        fixture.state.lot_testing[&fixture.product].specification_id,
        fixture.spec
    );

    // A lot whose testing begins now gets version 2, and the same value fails.
    let other = LotId::from_uuid(uuid(43));
    let mut lot = fixture.state.lots[&fixture.product].clone();
    lot.id = other;
    fixture.state.lots.insert(other, lot);
    let now = fixture.now;
    let analyst = Fixture::actor(fixture.analyst, Role::Analyst);
    fixture
        .run(analyst, |state, actor| {
            commands::begin_testing(state, actor, other, now)
        })
        .unwrap();
    assert_eq!(fixture.state.lot_testing[&other].specification_id, v2_id);
    let mut input = fixture.result_input("VIABILITY", "92", Some("%"));
    input.lot_id = other;
    fixture.record_as(fixture.analyst, input).unwrap();
    let failed = crate::release::current_result(
        &fixture.state,
        other,
        &TestCode::parse("VIABILITY").unwrap(),
    )
    .unwrap();
    assert_eq!(failed.evaluation, Evaluation::Fail);
}
