//! Tables of the release area: `specification` and `specification_test` <-> [`Specification`],
//! `lot_testing` <-> [`LotTesting`], `test_result` <-> [`TestResult`], `investigation` <->
//! [`Investigation`], `disposition` and `disposition_unit` <-> [`Disposition`].
//!
//! Specifications never change once defined, so their tests are written once; results,
//! investigations and dispositions are upserted whenever an event touches them.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use cordtrace_domain::ids::{
    InvestigationId, LotId, SpecificationId, TestResultId, UnitId, UserId,
};
use cordtrace_domain::manufacturing::LotKind;
use cordtrace_domain::release::{
    Bound, Criterion, Disposition, Invalidation, Investigation, InvestigationClosure, LotTesting,
    NumericRange, Outcome, ResultValue, SpecVersion, Specification, SpecificationContent, TestCode,
    TestDefinition, TestResult, TestUnit,
};
use cordtrace_domain::subject::SubjectKind;
use cordtrace_domain::values::{Decimal, Label, Narrative};
use cordtrace_domain::{State, Timestamp};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

use super::common::{enum_text, insert_all, parse, parse_enum, position, upsert};
use super::{StateMismatch, compare_maps, touched};
use crate::entity::{
    disposition, disposition_unit, investigation, lot_testing, specification, specification_test,
    test_result,
};
use crate::error::{CommandError, QueryError, corrupt};

const NUMERIC: &str = "NUMERIC";
const QUALITATIVE: &str = "QUALITATIVE";
const REPORT: &str = "REPORT";

fn seq_column(seq: u64, what: &str) -> Result<i64, QueryError> {
    i64::try_from(seq).map_err(|e| corrupt(what, e))
}

fn seq_value(seq: i64, what: &str) -> Result<u64, QueryError> {
    u64::try_from(seq).map_err(|e| corrupt(what, e))
}

fn label(text: &str, what: &str) -> Result<Label, QueryError> {
    parse(Label::parse(text, "label"), what)
}

fn narrative(text: &str, what: &str) -> Result<Narrative, QueryError> {
    parse(Narrative::parse(text, "text"), what)
}

fn uuids<T: Copy + Into<Uuid>>(ids: &[T]) -> Vec<Uuid> {
    ids.iter().map(|id| (*id).into()).collect()
}

/// Saves the release aggregates of `kind` named by `ids`.
pub(crate) async fn save(
    txn: &DatabaseTransaction,
    state: &State,
    kind: SubjectKind,
    ids: &[&str],
) -> Result<(), CommandError> {
    match kind {
        SubjectKind::Specification => {
            save_specifications(txn, &touched(&state.specifications, ids, kind)?).await?;
        }
        SubjectKind::TestResult => {
            save_results(txn, &touched(&state.test_results, ids, kind)?).await?;
        }
        SubjectKind::Investigation => {
            save_investigations(txn, &touched(&state.investigations, ids, kind)?).await?;
        }
        other => {
            return Err(CommandError::Corrupt(format!(
                "{other} is not a release aggregate"
            )));
        }
    }
    Ok(())
}

/// Saves the per-lot records (testing begun, disposition) of `lot_ids` that the state holds.
pub(crate) async fn save_lot_records(
    txn: &DatabaseTransaction,
    state: &State,
    ids: &[&str],
) -> Result<(), CommandError> {
    let lot_ids = ids
        .iter()
        .map(|id| LotId::from_str(id).map_err(|error| corrupt("lot id", error)))
        .collect::<Result<Vec<LotId>, QueryError>>()?;
    let testing: Vec<&LotTesting> = lot_ids
        .iter()
        .filter_map(|id| state.lot_testing.get(id))
        .collect();
    save_lot_testing(txn, &testing).await?;
    let dispositions: Vec<&Disposition> = lot_ids
        .iter()
        .filter_map(|id| state.dispositions.get(id))
        .collect();
    save_dispositions(txn, &dispositions).await?;
    Ok(())
}

/// Loads every release table into `state`.
pub(crate) async fn load_all(
    db: &impl ConnectionTrait,
    state: &mut State,
) -> Result<(), QueryError> {
    state.specifications = load_specifications(db, SpecificationFilter::All).await?;
    state.lot_testing = load_lot_testing(db, None).await?;
    state.test_results = load_results(db, ResultFilter::All).await?;
    state.investigations = load_investigations(db, InvestigationFilter::All).await?;
    state.dispositions = load_dispositions(db, None).await?;
    Ok(())
}

/// The first release row that differs between replay and the tables.
pub(crate) fn first_mismatch(replayed: &State, stored: &State) -> Option<StateMismatch> {
    compare_maps(
        "specification",
        &replayed.specifications,
        &stored.specifications,
    )
    .or_else(|| compare_maps("lot_testing", &replayed.lot_testing, &stored.lot_testing))
    .or_else(|| compare_maps("test_result", &replayed.test_results, &stored.test_results))
    .or_else(|| {
        compare_maps(
            "investigation",
            &replayed.investigations,
            &stored.investigations,
        )
    })
    .or_else(|| compare_maps("disposition", &replayed.dispositions, &stored.dispositions))
}

// Specifications.

/// The columns of a criterion: kind, minimum, maximum and expected outcome.
struct CriterionColumns {
    kind: &'static str,
    min: Option<Bound>,
    max: Option<Bound>,
    expected: Option<Outcome>,
}

fn criterion_columns(criterion: &Criterion) -> CriterionColumns {
    match criterion {
        Criterion::Numeric(range) => CriterionColumns {
            kind: NUMERIC,
            min: range.min(),
            max: range.max(),
            expected: None,
        },
        Criterion::Qualitative { expected } => CriterionColumns {
            kind: QUALITATIVE,
            min: None,
            max: None,
            expected: Some(*expected),
        },
        Criterion::Report => CriterionColumns {
            kind: REPORT,
            min: None,
            max: None,
            expected: None,
        },
    }
}

fn bound(
    value: Option<&str>,
    inclusive: Option<bool>,
    what: &str,
) -> Result<Option<Bound>, QueryError> {
    match (value, inclusive) {
        (Some(value), Some(inclusive)) => Ok(Some(Bound {
            value: parse(Decimal::parse(value), what)?,
            inclusive,
        })),
        (None, None) => Ok(None),
        _ => Err(QueryError::Corrupt(format!(
            "{what} columns are inconsistent"
        ))),
    }
}

fn criterion_from_row(row: &specification_test::Model) -> Result<Criterion, QueryError> {
    let min = bound(
        row.min_value.as_deref(),
        row.min_inclusive,
        "specification_test.min",
    )?;
    let max = bound(
        row.max_value.as_deref(),
        row.max_inclusive,
        "specification_test.max",
    )?;
    let inconsistent =
        || QueryError::Corrupt("specification_test criterion columns are inconsistent".to_owned());
    match (row.criterion_kind.as_str(), row.expected_outcome.as_deref()) {
        (NUMERIC, None) => Ok(Criterion::Numeric(parse(
            NumericRange::new(min, max),
            "specification_test criterion",
        )?)),
        (QUALITATIVE, Some(expected)) if min.is_none() && max.is_none() => {
            Ok(Criterion::Qualitative {
                expected: parse(
                    Outcome::parse(expected),
                    "specification_test.expected_outcome",
                )?,
            })
        }
        (REPORT, None) if min.is_none() && max.is_none() => Ok(Criterion::Report),
        _ => Err(inconsistent()),
    }
}

fn test_from_row(row: &specification_test::Model) -> Result<TestDefinition, QueryError> {
    parse(
        TestDefinition::new(
            parse(TestCode::parse(&row.code), "specification_test.code")?,
            label(&row.name, "specification_test.name")?,
            label(&row.method, "specification_test.method")?,
            row.unit
                .as_deref()
                .map(|unit| parse(TestUnit::parse(unit), "specification_test.unit"))
                .transpose()?,
            criterion_from_row(row)?,
            parse_enum(&row.requirement, "specification_test.requirement")?,
        ),
        "specification_test",
    )
}

async fn save_specifications(
    db: &impl ConnectionTrait,
    specifications: &[&Specification],
) -> Result<(), QueryError> {
    let rows = specifications
        .iter()
        .map(|spec| {
            let content = &spec.content;
            Ok(specification::ActiveModel {
                id: Set(spec.id.as_uuid()),
                product_kind: Set(enum_text(&content.product_kind())),
                version: Set(i32::try_from(content.version().get())
                    .map_err(|e| corrupt("specification.version", e))?),
                effective_on: Set(content.effective_on()),
                title: Set(content.title().as_str().to_owned()),
                defined_by: Set(spec.defined_by.map(|user| user.as_uuid())),
                defined_at: Set(spec.defined_at.as_datetime()),
            })
        })
        .collect::<Result<Vec<_>, QueryError>>()?;
    upsert(db, rows).await?;
    // A specification never changes, so its tests are written once, with the specification.
    let ids: Vec<Uuid> = specifications
        .iter()
        .map(|spec| spec.id.as_uuid())
        .collect();
    let written: BTreeSet<Uuid> = specification_test::Entity::find()
        .filter(specification_test::Column::SpecificationId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|row| row.specification_id)
        .collect();
    let tests = specifications
        .iter()
        .filter(|spec| !written.contains(&spec.id.as_uuid()))
        .flat_map(|spec| {
            spec.content
                .tests()
                .iter()
                .enumerate()
                .map(|(index, test)| {
                    let criterion = criterion_columns(test.criterion());
                    specification_test::ActiveModel {
                        specification_id: Set(spec.id.as_uuid()),
                        position: Set(position(index)),
                        code: Set(test.code().as_str().to_owned()),
                        name: Set(test.name().as_str().to_owned()),
                        method: Set(test.method().as_str().to_owned()),
                        unit: Set(test.unit().map(|unit| unit.as_str().to_owned())),
                        criterion_kind: Set(criterion.kind.to_owned()),
                        min_value: Set(criterion.min.map(|b| b.value.to_string())),
                        min_inclusive: Set(criterion.min.map(|b| b.inclusive)),
                        max_value: Set(criterion.max.map(|b| b.value.to_string())),
                        max_inclusive: Set(criterion.max.map(|b| b.inclusive)),
                        expected_outcome: Set(criterion
                            .expected
                            .map(|outcome| outcome.as_str().to_owned())),
                        requirement: Set(enum_text(&test.requirement())),
                    }
                })
        })
        .collect();
    insert_all(db, tests).await
}

/// Which specifications to load.
pub(crate) enum SpecificationFilter {
    /// All.
    All,
    /// By id.
    Ids(Vec<SpecificationId>),
    /// Every version of one product kind.
    Kind(LotKind),
}

/// Loads specifications with their tests.
pub(crate) async fn load_specifications(
    db: &impl ConnectionTrait,
    filter: SpecificationFilter,
) -> Result<BTreeMap<SpecificationId, Specification>, QueryError> {
    let query = match filter {
        SpecificationFilter::All => specification::Entity::find(),
        SpecificationFilter::Ids(ids) => {
            specification::Entity::find().filter(specification::Column::Id.is_in(uuids(&ids)))
        }
        SpecificationFilter::Kind(kind) => specification::Entity::find()
            .filter(specification::Column::ProductKind.eq(enum_text(&kind))),
    };
    let rows = query.all(db).await?;
    if rows.is_empty() {
        return Ok(BTreeMap::new());
    }
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let mut tests: BTreeMap<Uuid, Vec<specification_test::Model>> = BTreeMap::new();
    for row in specification_test::Entity::find()
        .filter(specification_test::Column::SpecificationId.is_in(ids))
        .order_by_asc(specification_test::Column::Position)
        .all(db)
        .await?
    {
        tests.entry(row.specification_id).or_default().push(row);
    }
    rows.into_iter()
        .map(|row| {
            let definitions = tests
                .remove(&row.id)
                .unwrap_or_default()
                .iter()
                .map(test_from_row)
                .collect::<Result<Vec<_>, _>>()?;
            let version =
                u32::try_from(row.version).map_err(|e| corrupt("specification.version", e))?;
            let content = parse(
                SpecificationContent::new(
                    parse_enum(&row.product_kind, "specification.product_kind")?,
                    parse(SpecVersion::new(version), "specification.version")?,
                    row.effective_on,
                    label(&row.title, "specification.title")?,
                    definitions,
                ),
                "specification",
            )?;
            let spec = Specification {
                id: SpecificationId::from_uuid(row.id),
                content,
                defined_by: row.defined_by.map(UserId::from_uuid),
                defined_at: Timestamp::from_datetime(row.defined_at),
            };
            Ok((spec.id, spec))
        })
        .collect()
}

// Lot testing.

async fn save_lot_testing(
    db: &impl ConnectionTrait,
    records: &[&LotTesting],
) -> Result<(), QueryError> {
    let rows = records
        .iter()
        .map(|testing| lot_testing::ActiveModel {
            lot_id: Set(testing.lot_id.as_uuid()),
            specification_id: Set(testing.specification_id.as_uuid()),
            started_by: Set(testing.started_by.as_uuid()),
            began_at: Set(testing.began_at.as_datetime()),
        })
        .collect();
    upsert(db, rows).await
}

/// Loads the testing records of `lots`, or every one with `None`.
pub(crate) async fn load_lot_testing(
    db: &impl ConnectionTrait,
    lots: Option<Vec<LotId>>,
) -> Result<BTreeMap<LotId, LotTesting>, QueryError> {
    let mut query = lot_testing::Entity::find();
    if let Some(lots) = lots {
        query = query.filter(lot_testing::Column::LotId.is_in(uuids(&lots)));
    }
    Ok(query
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            let testing = LotTesting {
                lot_id: LotId::from_uuid(row.lot_id),
                specification_id: SpecificationId::from_uuid(row.specification_id),
                started_by: UserId::from_uuid(row.started_by),
                began_at: Timestamp::from_datetime(row.began_at),
            };
            (testing.lot_id, testing)
        })
        .collect())
}

// Results.

fn value_columns(value: &ResultValue) -> (&'static str, String) {
    match value {
        ResultValue::Numeric(number) => (NUMERIC, number.to_string()),
        ResultValue::Qualitative(outcome) => (QUALITATIVE, outcome.as_str().to_owned()),
    }
}

async fn save_results(
    db: &impl ConnectionTrait,
    results: &[&TestResult],
) -> Result<(), QueryError> {
    let rows = results
        .iter()
        .map(|result| {
            let (value_kind, value) = value_columns(&result.value);
            let invalidation = result.invalidation.as_ref();
            Ok(test_result::ActiveModel {
                id: Set(result.id.as_uuid()),
                lot_id: Set(result.lot_id.as_uuid()),
                specification_id: Set(result.specification_id.as_uuid()),
                test_code: Set(result.test_code.as_str().to_owned()),
                value_kind: Set(value_kind.to_owned()),
                value: Set(value),
                unit: Set(result.unit.as_ref().map(|unit| unit.as_str().to_owned())),
                method: Set(result.method.as_str().to_owned()),
                instrument: Set(result.instrument.as_str().to_owned()),
                sample_id: Set(result.sample_id.as_str().to_owned()),
                tested_at: Set(result.tested_at.as_datetime()),
                evaluation: Set(enum_text(&result.evaluation)),
                retest_of: Set(result.retest_of.map(|id| id.as_uuid())),
                analyst: Set(result.analyst.as_uuid()),
                recorded_at: Set(result.recorded_at.as_datetime()),
                entry_seq: Set(seq_column(result.entry_seq, "test_result.entry_seq")?),
                invalidation_reason: Set(invalidation.map(|i| i.reason.as_str().to_owned())),
                invalidated_by: Set(invalidation.map(|i| i.invalidated_by.as_uuid())),
                invalidated_at: Set(invalidation.map(|i| i.invalidated_at.as_datetime())),
                invalidation_entry_seq: Set(invalidation
                    .map(|i| seq_column(i.entry_seq, "test_result.invalidation_entry_seq"))
                    .transpose()?),
            })
        })
        .collect::<Result<Vec<_>, QueryError>>()?;
    upsert(db, rows).await
}

fn result_from_row(row: test_result::Model) -> Result<TestResult, QueryError> {
    let value = match row.value_kind.as_str() {
        NUMERIC => ResultValue::Numeric(parse(Decimal::parse(&row.value), "test_result.value")?),
        QUALITATIVE => {
            ResultValue::Qualitative(parse(Outcome::parse(&row.value), "test_result.value")?)
        }
        other => {
            return Err(QueryError::Corrupt(format!(
                "test_result.value_kind {other:?}"
            )));
        }
    };
    let invalidation = match (
        row.invalidation_reason.as_deref(),
        row.invalidated_by,
        row.invalidated_at,
        row.invalidation_entry_seq,
    ) {
        (Some(reason), Some(by), Some(at), Some(seq)) => Some(Invalidation {
            reason: narrative(reason, "test_result.invalidation_reason")?,
            invalidated_by: UserId::from_uuid(by),
            invalidated_at: Timestamp::from_datetime(at),
            entry_seq: seq_value(seq, "test_result.invalidation_entry_seq")?,
        }),
        (None, None, None, None) => None,
        _ => {
            return Err(QueryError::Corrupt(
                "test_result invalidation columns are inconsistent".to_owned(),
            ));
        }
    };
    Ok(TestResult {
        id: TestResultId::from_uuid(row.id),
        lot_id: LotId::from_uuid(row.lot_id),
        specification_id: SpecificationId::from_uuid(row.specification_id),
        test_code: parse(TestCode::parse(&row.test_code), "test_result.test_code")?,
        value,
        unit: row
            .unit
            .as_deref()
            .map(|unit| parse(TestUnit::parse(unit), "test_result.unit"))
            .transpose()?,
        method: label(&row.method, "test_result.method")?,
        instrument: label(&row.instrument, "test_result.instrument")?,
        sample_id: label(&row.sample_id, "test_result.sample_id")?,
        tested_at: Timestamp::from_datetime(row.tested_at),
        evaluation: parse_enum(&row.evaluation, "test_result.evaluation")?,
        retest_of: row.retest_of.map(TestResultId::from_uuid),
        analyst: UserId::from_uuid(row.analyst),
        recorded_at: Timestamp::from_datetime(row.recorded_at),
        entry_seq: seq_value(row.entry_seq, "test_result.entry_seq")?,
        invalidation,
    })
}

/// Which results to load.
pub(crate) enum ResultFilter {
    /// All.
    All,
    /// By id.
    Ids(Vec<TestResultId>),
    /// Every result of these lots.
    Lots(Vec<LotId>),
}

/// Loads results, invalidated ones included.
pub(crate) async fn load_results(
    db: &impl ConnectionTrait,
    filter: ResultFilter,
) -> Result<BTreeMap<TestResultId, TestResult>, QueryError> {
    let query = match filter {
        ResultFilter::All => test_result::Entity::find(),
        ResultFilter::Ids(ids) => {
            test_result::Entity::find().filter(test_result::Column::Id.is_in(uuids(&ids)))
        }
        ResultFilter::Lots(lots) => {
            test_result::Entity::find().filter(test_result::Column::LotId.is_in(uuids(&lots)))
        }
    };
    query
        .all(db)
        .await?
        .into_iter()
        .map(|row| result_from_row(row).map(|result| (result.id, result)))
        .collect()
}

// Investigations.

async fn save_investigations(
    db: &impl ConnectionTrait,
    investigations: &[&Investigation],
) -> Result<(), QueryError> {
    let rows = investigations
        .iter()
        .map(|investigation| {
            let closure = investigation.closure.as_ref();
            Ok(investigation::ActiveModel {
                id: Set(investigation.id.as_uuid()),
                lot_id: Set(investigation.lot_id.as_uuid()),
                result_id: Set(investigation.result_id.as_uuid()),
                test_code: Set(investigation.test_code.as_str().to_owned()),
                opened_by: Set(investigation.opened_by.as_uuid()),
                opened_at: Set(investigation.opened_at.as_datetime()),
                conclusion: Set(closure.map(|c| c.conclusion.as_str().to_owned())),
                closed_by: Set(closure.map(|c| c.closed_by.as_uuid())),
                closed_at: Set(closure.map(|c| c.closed_at.as_datetime())),
                closure_entry_seq: Set(closure
                    .map(|c| seq_column(c.entry_seq, "investigation.closure_entry_seq"))
                    .transpose()?),
            })
        })
        .collect::<Result<Vec<_>, QueryError>>()?;
    upsert(db, rows).await
}

fn investigation_from_row(row: investigation::Model) -> Result<Investigation, QueryError> {
    let closure = match (
        row.conclusion.as_deref(),
        row.closed_by,
        row.closed_at,
        row.closure_entry_seq,
    ) {
        (Some(conclusion), Some(by), Some(at), Some(seq)) => Some(InvestigationClosure {
            conclusion: narrative(conclusion, "investigation.conclusion")?,
            closed_by: UserId::from_uuid(by),
            closed_at: Timestamp::from_datetime(at),
            entry_seq: seq_value(seq, "investigation.closure_entry_seq")?,
        }),
        (None, None, None, None) => None,
        _ => {
            return Err(QueryError::Corrupt(
                "investigation closure columns are inconsistent".to_owned(),
            ));
        }
    };
    Ok(Investigation {
        id: InvestigationId::from_uuid(row.id),
        lot_id: LotId::from_uuid(row.lot_id),
        result_id: TestResultId::from_uuid(row.result_id),
        test_code: parse(TestCode::parse(&row.test_code), "investigation.test_code")?,
        opened_by: UserId::from_uuid(row.opened_by),
        opened_at: Timestamp::from_datetime(row.opened_at),
        closure,
    })
}

/// Which investigations to load.
pub(crate) enum InvestigationFilter {
    /// All.
    All,
    /// By id.
    Ids(Vec<InvestigationId>),
    /// Every investigation of these lots.
    Lots(Vec<LotId>),
    /// Every open investigation.
    Open,
}

/// Loads investigations.
pub(crate) async fn load_investigations(
    db: &impl ConnectionTrait,
    filter: InvestigationFilter,
) -> Result<BTreeMap<InvestigationId, Investigation>, QueryError> {
    let query = match filter {
        InvestigationFilter::All => investigation::Entity::find(),
        InvestigationFilter::Ids(ids) => {
            investigation::Entity::find().filter(investigation::Column::Id.is_in(uuids(&ids)))
        }
        InvestigationFilter::Lots(lots) => {
            investigation::Entity::find().filter(investigation::Column::LotId.is_in(uuids(&lots)))
        }
        InvestigationFilter::Open => {
            investigation::Entity::find().filter(investigation::Column::ClosedAt.is_null())
        }
    };
    query
        .all(db)
        .await?
        .into_iter()
        .map(|row| investigation_from_row(row).map(|i| (i.id, i)))
        .collect()
}

// Dispositions.

async fn save_dispositions(
    db: &impl ConnectionTrait,
    dispositions: &[&Disposition],
) -> Result<(), QueryError> {
    if dispositions.is_empty() {
        return Ok(());
    }
    let rows = dispositions
        .iter()
        .map(|d| {
            Ok(disposition::ActiveModel {
                lot_id: Set(d.lot_id.as_uuid()),
                decision: Set(enum_text(&d.decision)),
                specification_id: Set(d.specification_id.map(|id| id.as_uuid())),
                text: Set(d.text.as_ref().map(|text| text.as_str().to_owned())),
                decided_by: Set(d.decided_by.as_uuid()),
                decided_at: Set(d.decided_at.as_datetime()),
                entry_seq: Set(seq_column(d.entry_seq, "disposition.entry_seq")?),
            })
        })
        .collect::<Result<Vec<_>, QueryError>>()?;
    upsert(db, rows).await?;
    // A disposition never changes, so its units are written once, with it.
    let lots: Vec<Uuid> = dispositions.iter().map(|d| d.lot_id.as_uuid()).collect();
    let written: BTreeSet<Uuid> = disposition_unit::Entity::find()
        .filter(disposition_unit::Column::LotId.is_in(lots))
        .all(db)
        .await?
        .into_iter()
        .map(|row| row.lot_id)
        .collect();
    let units = dispositions
        .iter()
        .filter(|d| !written.contains(&d.lot_id.as_uuid()))
        .flat_map(|d| {
            d.units
                .iter()
                .enumerate()
                .map(|(index, unit)| disposition_unit::ActiveModel {
                    lot_id: Set(d.lot_id.as_uuid()),
                    unit_id: Set(unit.as_uuid()),
                    position: Set(position(index)),
                })
        })
        .collect();
    insert_all(db, units).await
}

/// Loads the dispositions of `lots`, or every one with `None`.
pub(crate) async fn load_dispositions(
    db: &impl ConnectionTrait,
    lots: Option<Vec<LotId>>,
) -> Result<BTreeMap<LotId, Disposition>, QueryError> {
    let mut query = disposition::Entity::find();
    let mut units_query =
        disposition_unit::Entity::find().order_by_asc(disposition_unit::Column::Position);
    if let Some(lots) = lots {
        let lots = uuids(&lots);
        query = query.filter(disposition::Column::LotId.is_in(lots.clone()));
        units_query = units_query.filter(disposition_unit::Column::LotId.is_in(lots));
    }
    let mut units: BTreeMap<Uuid, Vec<UnitId>> = BTreeMap::new();
    for row in units_query.all(db).await? {
        units
            .entry(row.lot_id)
            .or_default()
            .push(UnitId::from_uuid(row.unit_id));
    }
    query
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            let disposition = Disposition {
                lot_id: LotId::from_uuid(row.lot_id),
                decision: parse_enum(&row.decision, "disposition.decision")?,
                specification_id: row.specification_id.map(SpecificationId::from_uuid),
                text: row
                    .text
                    .as_deref()
                    .map(|text| narrative(text, "disposition.text"))
                    .transpose()?,
                units: units.remove(&row.lot_id).unwrap_or_default(),
                decided_by: UserId::from_uuid(row.decided_by),
                decided_at: Timestamp::from_datetime(row.decided_at),
                entry_seq: seq_value(row.entry_seq, "disposition.entry_seq")?,
            };
            Ok((disposition.lot_id, disposition))
        })
        .collect()
}
