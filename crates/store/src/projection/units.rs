//! `unit` <-> [`Unit`].

use std::collections::BTreeMap;

use cordtrace_domain::Timestamp;
use cordtrace_domain::ids::{HandoffId, LotId, UnitId, UserId};
use cordtrace_domain::isbt128::{Din, ProductCode};
use cordtrace_domain::manufacturing::{Custody, StorageLocation, Unit};
use cordtrace_domain::values::{CellCount, Celsius, Label, Millilitres};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::common::{enum_text, parse, parse_enum, upsert};
use crate::entity::unit;
use crate::error::QueryError;

/// Where a unit stands in its custody, as the `unit.custody_state` column holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CustodyState {
    /// In storage at its location.
    Stored,
    /// Dispatched, not yet received.
    InTransit,
    /// Received at a destination.
    Received,
}

impl CustodyState {
    const ALL: [CustodyState; 3] = [
        CustodyState::Stored,
        CustodyState::InTransit,
        CustodyState::Received,
    ];

    /// The column's value.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            CustodyState::Stored => "STORED",
            CustodyState::InTransit => "IN_TRANSIT",
            CustodyState::Received => "RECEIVED",
        }
    }

    fn of(custody: &Custody) -> Self {
        match custody {
            Custody::Stored => CustodyState::Stored,
            Custody::InTransit { .. } => CustodyState::InTransit,
            Custody::Received { .. } => CustodyState::Received,
        }
    }

    fn parse(column: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == column)
    }
}

fn label(text: &str, what: &str) -> Result<Label, QueryError> {
    parse(Label::parse(text, "label"), what)
}

pub(crate) async fn save(db: &impl ConnectionTrait, units: &[&Unit]) -> Result<(), QueryError> {
    let rows = units
        .iter()
        .map(|u| {
            let mut row = unit::ActiveModel {
                id: Set(u.id.as_uuid()),
                lot_id: Set(u.lot_id.as_uuid()),
                din: Set(u.din.to_string()),
                product_code: Set(u.product_code.as_str().to_owned()),
                container: Set(enum_text(&u.container)),
                volume_ml: Set(u.volume.value().to_string()),
                cells: Set(i64::try_from(u.cells.get()).unwrap_or(i64::MAX)),
                cryopreserved_at: Set(u.cryopreserved_at.as_datetime()),
                expires_at: Set(u.expires_at.as_datetime()),
                location_site: Set(u.location.site.to_string()),
                location_freezer: Set(u.location.freezer.to_string()),
                location_rack: Set(u.location.rack.to_string()),
                location_box: Set(u.location.r#box.to_string()),
                location_position: Set(u.location.position.to_string()),
                status: Set(enum_text(&u.status)),
                custody_state: Set(CustodyState::of(&u.custody).as_str().to_owned()),
                handoff_id: Set(None),
                custody_destination: Set(None),
                dispatched_by: Set(None),
                dispatched_at: Set(None),
                custody_receiver: Set(None),
                received_by: Set(None),
                received_at: Set(None),
                arrival_temperature: Set(None),
                arrival_condition: Set(None),
                filled_at: Set(u.filled_at.as_datetime()),
                labels_printed: Set(i32::try_from(u.labels_printed).unwrap_or(i32::MAX)),
            };
            match &u.custody {
                Custody::Stored => {}
                Custody::InTransit {
                    handoff,
                    dispatched_by,
                    dispatched_at,
                    destination,
                    receiver,
                } => {
                    row.handoff_id = Set(Some(handoff.as_uuid()));
                    row.custody_receiver = Set(Some(receiver.as_uuid()));
                    row.dispatched_by = Set(Some(dispatched_by.as_uuid()));
                    row.dispatched_at = Set(Some(dispatched_at.as_datetime()));
                    row.custody_destination = Set(Some(destination.to_string()));
                }
                Custody::Received {
                    handoff,
                    destination,
                    received_by,
                    received_at,
                    temperature,
                    condition,
                } => {
                    row.handoff_id = Set(Some(handoff.as_uuid()));
                    row.custody_destination = Set(Some(destination.to_string()));
                    row.received_by = Set(Some(received_by.as_uuid()));
                    row.received_at = Set(Some(received_at.as_datetime()));
                    row.arrival_temperature = Set(Some(temperature.value().to_string()));
                    row.arrival_condition = Set(Some(enum_text(condition)));
                }
            }
            row
        })
        .collect();
    upsert(db, rows).await
}

fn from_row(row: unit::Model) -> Result<Unit, QueryError> {
    let state = CustodyState::parse(&row.custody_state).ok_or_else(|| {
        QueryError::Corrupt(format!("unit.custody_state {:?}", row.custody_state))
    })?;
    let custody = match state {
        CustodyState::Stored => Custody::Stored,
        CustodyState::InTransit => match (
            row.handoff_id,
            row.dispatched_by,
            row.dispatched_at,
            row.custody_destination.as_deref(),
            row.custody_receiver,
        ) {
            (Some(handoff), Some(by), Some(at), Some(destination), Some(receiver)) => {
                Custody::InTransit {
                    handoff: HandoffId::from_uuid(handoff),
                    dispatched_by: UserId::from_uuid(by),
                    dispatched_at: Timestamp::from_datetime(at),
                    destination: label(destination, "unit.custody_destination")?,
                    receiver: UserId::from_uuid(receiver),
                }
            }
            _ => {
                return Err(QueryError::Corrupt(
                    "unit custody columns are inconsistent".to_owned(),
                ));
            }
        },
        CustodyState::Received => match (
            row.handoff_id,
            row.custody_destination.as_deref(),
            row.received_by,
            row.received_at,
            row.arrival_temperature.as_deref(),
            row.arrival_condition.as_deref(),
        ) {
            (
                Some(handoff),
                Some(destination),
                Some(by),
                Some(at),
                Some(temperature),
                Some(condition),
            ) => Custody::Received {
                handoff: HandoffId::from_uuid(handoff),
                destination: label(destination, "unit.custody_destination")?,
                received_by: UserId::from_uuid(by),
                received_at: Timestamp::from_datetime(at),
                temperature: parse(Celsius::parse(temperature), "unit.arrival_temperature")?,
                condition: parse_enum(condition, "unit.arrival_condition")?,
            },
            _ => {
                return Err(QueryError::Corrupt(
                    "unit custody columns are inconsistent".to_owned(),
                ));
            }
        },
    };
    Ok(Unit {
        id: UnitId::from_uuid(row.id),
        lot_id: LotId::from_uuid(row.lot_id),
        din: parse(Din::parse(&row.din), "unit.din")?,
        product_code: parse(ProductCode::parse(&row.product_code), "unit.product_code")?,
        container: parse_enum(&row.container, "unit.container")?,
        volume: parse(Millilitres::parse(&row.volume_ml), "unit.volume_ml")?,
        cells: parse(
            CellCount::new(u64::try_from(row.cells).unwrap_or(0)),
            "unit.cells",
        )?,
        cryopreserved_at: Timestamp::from_datetime(row.cryopreserved_at),
        expires_at: Timestamp::from_datetime(row.expires_at),
        location: StorageLocation {
            site: label(&row.location_site, "unit.location_site")?,
            freezer: label(&row.location_freezer, "unit.location_freezer")?,
            rack: label(&row.location_rack, "unit.location_rack")?,
            r#box: label(&row.location_box, "unit.location_box")?,
            position: label(&row.location_position, "unit.location_position")?,
        },
        status: parse_enum(&row.status, "unit.status")?,
        custody,
        filled_at: Timestamp::from_datetime(row.filled_at),
        labels_printed: u32::try_from(row.labels_printed)
            .map_err(|_| QueryError::Corrupt("unit.labels_printed is negative".to_owned()))?,
    })
}

/// Which units to load.
pub(crate) enum UnitFilter {
    /// All.
    All,
    /// By id.
    Ids(Vec<UnitId>),
    /// Every unit with this DIN.
    Din(Din),
    /// Every unit of these lots.
    Lots(Vec<LotId>),
}

/// Loads units.
pub(crate) async fn load(
    db: &impl ConnectionTrait,
    filter: UnitFilter,
) -> Result<BTreeMap<UnitId, Unit>, QueryError> {
    let query = match filter {
        UnitFilter::All => unit::Entity::find(),
        UnitFilter::Ids(ids) => unit::Entity::find()
            .filter(unit::Column::Id.is_in(ids.iter().map(UnitId::as_uuid).collect::<Vec<Uuid>>())),
        UnitFilter::Din(din) => unit::Entity::find().filter(unit::Column::Din.eq(din.to_string())),
        UnitFilter::Lots(lots) => unit::Entity::find().filter(
            unit::Column::LotId.is_in(lots.iter().map(LotId::as_uuid).collect::<Vec<Uuid>>()),
        ),
    };
    query
        .all(db)
        .await?
        .into_iter()
        .map(|row| from_row(row).map(|u| (u.id, u)))
        .collect()
}
