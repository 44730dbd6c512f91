//! `deviation` <-> [`Deviation`].

use std::collections::BTreeMap;

use cordtrace_domain::Timestamp;
use cordtrace_domain::ids::{DeviationId, LotId, StepId, UserId};
use cordtrace_domain::manufacturing::{Closure, Deviation};
use cordtrace_domain::values::Narrative;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::common::{enum_text, parse, parse_enum, upsert};
use crate::entity::deviation;
use crate::error::QueryError;

fn narrative(text: &str, what: &str) -> Result<Narrative, QueryError> {
    parse(Narrative::parse(text, "text"), what)
}

pub(crate) async fn save(
    db: &impl ConnectionTrait,
    deviations: &[&Deviation],
) -> Result<(), QueryError> {
    let rows = deviations
        .iter()
        .map(|d| {
            let closure = d.closure.as_ref();
            deviation::ActiveModel {
                id: Set(d.id.as_uuid()),
                lot_id: Set(d.lot_id.as_uuid()),
                step_id: Set(d.step_id.map(|s| s.as_uuid())),
                severity: Set(enum_text(&d.severity)),
                description: Set(d.description.as_str().to_owned()),
                impact_assessment: Set(d.impact_assessment.as_ref().map(|a| a.as_str().to_owned())),
                opened_by: Set(d.opened_by.as_uuid()),
                opened_at: Set(d.opened_at.as_datetime()),
                conclusion: Set(closure.map(|c| c.conclusion.as_str().to_owned())),
                closed_by: Set(closure.map(|c| c.closed_by.as_uuid())),
                closed_at: Set(closure.map(|c| c.closed_at.as_datetime())),
            }
        })
        .collect();
    upsert(db, rows).await
}

/// Which deviations to load.
pub(crate) enum DeviationFilter {
    /// All.
    All,
    /// By id.
    Ids(Vec<DeviationId>),
    /// Every deviation against these lots.
    Lots(Vec<LotId>),
}

/// Loads deviations.
pub(crate) async fn load(
    db: &impl ConnectionTrait,
    filter: DeviationFilter,
) -> Result<BTreeMap<DeviationId, Deviation>, QueryError> {
    let query = match filter {
        DeviationFilter::All => deviation::Entity::find(),
        DeviationFilter::Ids(ids) => deviation::Entity::find().filter(
            deviation::Column::Id
                .is_in(ids.iter().map(DeviationId::as_uuid).collect::<Vec<Uuid>>()),
        ),
        DeviationFilter::Lots(lots) => deviation::Entity::find().filter(
            deviation::Column::LotId.is_in(lots.iter().map(LotId::as_uuid).collect::<Vec<Uuid>>()),
        ),
    };
    query
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            let closure = match (row.conclusion, row.closed_by, row.closed_at) {
                (Some(conclusion), Some(by), Some(at)) => Some(Closure {
                    conclusion: narrative(&conclusion, "deviation.conclusion")?,
                    closed_by: UserId::from_uuid(by),
                    closed_at: Timestamp::from_datetime(at),
                }),
                (None, None, None) => None,
                _ => {
                    return Err(QueryError::Corrupt(
                        "deviation closure columns are inconsistent".to_owned(),
                    ));
                }
            };
            let deviation = Deviation {
                id: DeviationId::from_uuid(row.id),
                lot_id: LotId::from_uuid(row.lot_id),
                step_id: row.step_id.map(StepId::from_uuid),
                severity: parse_enum(&row.severity, "deviation.severity")?,
                description: narrative(&row.description, "deviation.description")?,
                impact_assessment: row
                    .impact_assessment
                    .as_deref()
                    .map(|a| narrative(a, "deviation.impact_assessment"))
                    .transpose()?,
                opened_by: UserId::from_uuid(row.opened_by),
                opened_at: Timestamp::from_datetime(row.opened_at),
                closure,
            };
            Ok((deviation.id, deviation))
        })
        .collect()
}
