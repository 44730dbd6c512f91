//! Conversions shared by the table mappings.

use chrono::{DateTime, Utc};
use cordtrace_domain::Timestamp;
use cordtrace_domain::redaction::Redaction;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{QueryError, corrupt};

/// Rows per INSERT, well under both backends' bound-parameter limits.
pub(crate) const CHUNK: usize = 200;

/// The text of a unit-only enum as the domain serialises it (`"IN_PROCESS"`).
pub(crate) fn enum_text<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        // Unit-only enums always serialise to a string; anything else is a programming error
        // that verification would report as a mismatch.
        other => format!("{other:?}"),
    }
}

/// Parses what [`enum_text`] wrote.
pub(crate) fn parse_enum<T: DeserializeOwned>(text: &str, what: &str) -> Result<T, QueryError> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).map_err(|e| corrupt(what, e))
}

/// Reads a value through its domain parser, reporting the column on failure.
pub(crate) fn parse<T, E: std::fmt::Display>(
    result: Result<T, E>,
    what: &str,
) -> Result<T, QueryError> {
    result.map_err(|e| corrupt(what, e))
}

/// The `personal_data_redacted_at` and `personal_data_redaction_reason` columns of a donor or
/// patient row.
pub(crate) fn redaction_columns(
    redaction: Option<&Redaction>,
) -> (Option<DateTime<Utc>>, Option<String>) {
    (
        redaction.map(|r| r.redacted_at.as_datetime()),
        redaction.map(|r| enum_text(&r.reason)),
    )
}

/// Reads back what [`redaction_columns`] wrote to `table`; one column without the other is
/// corruption.
pub(crate) fn redaction_from_columns(
    redacted_at: Option<DateTime<Utc>>,
    reason: Option<String>,
    table: &str,
) -> Result<Option<Redaction>, QueryError> {
    match (redacted_at, reason) {
        (Some(at), Some(reason)) => Ok(Some(Redaction {
            reason: parse_enum(&reason, &format!("{table}.personal_data_redaction_reason"))?,
            redacted_at: Timestamp::from_datetime(at),
        })),
        (None, None) => Ok(None),
        _ => Err(QueryError::Corrupt(format!(
            "{table} redaction columns are inconsistent"
        ))),
    }
}

/// A position in a child list as stored.
pub(crate) fn position(index: usize) -> i32 {
    i32::try_from(index).unwrap_or(i32::MAX)
}

/// Inserts `rows`, replacing every non-key column of rows that already exist.
pub(crate) async fn upsert<A>(
    db: &impl sea_orm::ConnectionTrait,
    rows: Vec<A>,
) -> Result<(), QueryError>
where
    A: sea_orm::ActiveModelTrait + Send,
{
    use sea_orm::{EntityTrait, IdenStatic, Iterable, PrimaryKeyToColumn};
    if rows.is_empty() {
        return Ok(());
    }
    let keys: Vec<<A::Entity as EntityTrait>::Column> =
        <A::Entity as EntityTrait>::PrimaryKey::iter()
            .map(|key| key.into_column())
            .collect();
    let key_names: Vec<&str> = keys.iter().map(|column| column.as_str()).collect();
    let others: Vec<<A::Entity as EntityTrait>::Column> =
        <A::Entity as EntityTrait>::Column::iter()
            .filter(|column| !key_names.contains(&column.as_str()))
            .collect();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(CHUNK).collect();
        let mut conflict = sea_orm::sea_query::OnConflict::columns(keys.iter().copied());
        if others.is_empty() {
            conflict.do_nothing();
        } else {
            conflict.update_columns(others.iter().copied());
        }
        <A::Entity as EntityTrait>::insert_many(chunk)
            .on_conflict(conflict)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Inserts `rows` in chunks.
pub(crate) async fn insert_all<A>(
    db: &impl sea_orm::ConnectionTrait,
    rows: Vec<A>,
) -> Result<(), QueryError>
where
    A: sea_orm::ActiveModelTrait + Send,
{
    use sea_orm::EntityTrait;
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(CHUNK).collect();
        <A::Entity as EntityTrait>::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
