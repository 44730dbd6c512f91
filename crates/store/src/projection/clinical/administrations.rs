//! `administration` <-> [`Administration`].

use std::collections::{BTreeMap, BTreeSet};

use cordtrace_domain::clinical::Administration;
use cordtrace_domain::ids::{
    AdministrationId, BedsideCheckId, LotId, OrderId, PatientId, UnitId, UserId,
};
use cordtrace_domain::values::{CellCount, Kilograms, Millilitres};
use cordtrace_domain::{State, Timestamp};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};
use uuid::Uuid;

use super::super::common::{insert_all, parse, position};
use super::uuids;
use crate::entity::administration;
use crate::error::{QueryError, corrupt};

fn whole(value: u64, what: &str) -> Result<i64, QueryError> {
    i64::try_from(value).map_err(|e| corrupt(what, e))
}

/// Saves new administrations (an administration never changes once recorded, so commands that
/// only name one, such as a visit, need not load its order). A new one's position in its order
/// comes from the order in the state.
pub(crate) async fn save(
    db: &impl ConnectionTrait,
    state: &State,
    administrations: &[&Administration],
) -> Result<(), QueryError> {
    let ids: Vec<AdministrationId> = administrations.iter().map(|a| a.id).collect();
    let existing: BTreeSet<Uuid> = administration::Entity::find()
        .select_only()
        .column(administration::Column::Id)
        .filter(administration::Column::Id.is_in(uuids(&ids)))
        .into_tuple::<Uuid>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let rows = administrations
        .iter()
        .filter(|a| !existing.contains(&a.id.as_uuid()))
        .map(|a| {
            let order_position = state
                .orders
                .get(&a.order_id)
                .and_then(|order| order.administrations.iter().position(|id| *id == a.id))
                .ok_or_else(|| {
                    QueryError::Corrupt(format!(
                        "administration {} is not listed by its order {}",
                        a.id, a.order_id
                    ))
                })?;
            Ok(administration::ActiveModel {
                id: Set(a.id.as_uuid()),
                unit_id: Set(a.unit_id.as_uuid()),
                lot_id: Set(a.lot_id.as_uuid()),
                patient_id: Set(a.patient_id.as_uuid()),
                order_id: Set(a.order_id.as_uuid()),
                order_position: Set(position(order_position)),
                check_id: Set(a.check_id.as_uuid()),
                started_at: Set(a.started_at.as_datetime()),
                ended_at: Set(a.ended_at.as_datetime()),
                volume_ml: Set(a.volume.value().to_string()),
                cells: Set(whole(a.cells.get(), "administration.cells")?),
                weight_kg: Set(a.weight.value().to_string()),
                cells_per_kg: Set(whole(a.cells_per_kg, "administration.cells_per_kg")?),
                reactions: Set(serde_json::to_string(&a.reactions)
                    .map_err(|e| corrupt("administration.reactions", e))?),
                administered_by: Set(a.administered_by.as_uuid()),
                recorded_at: Set(a.recorded_at.as_datetime()),
            })
        })
        .collect::<Result<Vec<_>, QueryError>>()?;
    insert_all(db, rows).await
}

/// Which administrations to load.
pub(crate) enum AdministrationFilter {
    /// All.
    All,
    /// By id.
    Ids(Vec<AdministrationId>),
    /// Of these units.
    Units(Vec<UnitId>),
    /// Of these patients.
    Patients(Vec<PatientId>),
}

fn from_row(row: administration::Model) -> Result<Administration, QueryError> {
    Ok(Administration {
        id: AdministrationId::from_uuid(row.id),
        unit_id: UnitId::from_uuid(row.unit_id),
        lot_id: LotId::from_uuid(row.lot_id),
        patient_id: PatientId::from_uuid(row.patient_id),
        order_id: OrderId::from_uuid(row.order_id),
        check_id: BedsideCheckId::from_uuid(row.check_id),
        started_at: Timestamp::from_datetime(row.started_at),
        ended_at: Timestamp::from_datetime(row.ended_at),
        volume: parse(
            Millilitres::parse(&row.volume_ml),
            "administration.volume_ml",
        )?,
        cells: parse(
            CellCount::new(u64::try_from(row.cells).unwrap_or(0)),
            "administration.cells",
        )?,
        weight: parse(Kilograms::parse(&row.weight_kg), "administration.weight_kg")?,
        cells_per_kg: u64::try_from(row.cells_per_kg)
            .map_err(|e| corrupt("administration.cells_per_kg", e))?,
        reactions: serde_json::from_str(&row.reactions)
            .map_err(|e| corrupt("administration.reactions", e))?,
        administered_by: UserId::from_uuid(row.administered_by),
        recorded_at: Timestamp::from_datetime(row.recorded_at),
    })
}

/// Loads administrations.
pub(crate) async fn load(
    db: &impl ConnectionTrait,
    filter: AdministrationFilter,
) -> Result<BTreeMap<AdministrationId, Administration>, QueryError> {
    use administration::Column;
    let query = administration::Entity::find();
    let query = match &filter {
        AdministrationFilter::All => query,
        AdministrationFilter::Ids(ids) => query.filter(Column::Id.is_in(uuids(ids))),
        AdministrationFilter::Units(ids) => query.filter(Column::UnitId.is_in(uuids(ids))),
        AdministrationFilter::Patients(ids) => query.filter(Column::PatientId.is_in(uuids(ids))),
    };
    query
        .all(db)
        .await?
        .into_iter()
        .map(|row| from_row(row).map(|a| (a.id, a)))
        .collect()
}
