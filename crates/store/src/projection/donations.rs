//! `donation` <-> [`Donation`].

use std::collections::BTreeMap;

use cordtrace_domain::Timestamp;
use cordtrace_domain::ids::{DonationId, DonorId, UserId};
use cordtrace_domain::isbt128::Din;
use cordtrace_domain::manufacturing::{Donation, Receipt};
use cordtrace_domain::values::{Celsius, Label, ZonedTime};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::common::{enum_text, parse, parse_enum, upsert};
use crate::entity::donation;
use crate::error::QueryError;

pub(crate) async fn save(
    db: &impl ConnectionTrait,
    donations: &[&Donation],
) -> Result<(), QueryError> {
    let rows = donations
        .iter()
        .map(|d| {
            let receipt = d.receipt.as_ref();
            donation::ActiveModel {
                id: Set(d.id.as_uuid()),
                din: Set(d.din.to_string()),
                din_source: Set(enum_text(&d.din_source)),
                donor_id: Set(d.donor_id.as_uuid()),
                collected_at: Set(String::from(d.collected_at)),
                collected_at_utc: Set(d.collected_at.utc().as_datetime()),
                site: Set(d.site.to_string()),
                received_by: Set(receipt.map(|r| r.received_by.as_uuid())),
                received_at: Set(receipt.map(|r| r.received_at.as_datetime())),
                transport_temperature: Set(
                    receipt.map(|r| r.transport_temperature.value().to_string())
                ),
                arrival_condition: Set(receipt.map(|r| enum_text(&r.condition))),
                minutes_since_collection: Set(receipt.map(|r| r.minutes_since_collection)),
                over_time_limit: Set(receipt.map(|r| r.over_time_limit)),
                registered_at: Set(d.registered_at.as_datetime()),
            }
        })
        .collect();
    upsert(db, rows).await
}

fn from_row(row: donation::Model) -> Result<Donation, QueryError> {
    let receipt = match (
        row.received_by,
        row.received_at,
        row.transport_temperature,
        row.arrival_condition,
        row.minutes_since_collection,
        row.over_time_limit,
    ) {
        (Some(by), Some(at), Some(temperature), Some(condition), Some(minutes), Some(over)) => {
            Some(Receipt {
                received_by: UserId::from_uuid(by),
                received_at: Timestamp::from_datetime(at),
                transport_temperature: parse(
                    Celsius::parse(&temperature),
                    "donation.transport_temperature",
                )?,
                condition: parse_enum(&condition, "donation.arrival_condition")?,
                minutes_since_collection: minutes,
                over_time_limit: over,
            })
        }
        (None, None, None, None, None, None) => None,
        _ => {
            return Err(QueryError::Corrupt(
                "donation receipt columns are inconsistent".to_owned(),
            ));
        }
    };
    Ok(Donation {
        id: DonationId::from_uuid(row.id),
        din: parse(Din::parse(&row.din), "donation.din")?,
        din_source: parse_enum(&row.din_source, "donation.din_source")?,
        donor_id: DonorId::from_uuid(row.donor_id),
        collected_at: parse(ZonedTime::parse(&row.collected_at), "donation.collected_at")?,
        site: parse(Label::parse(&row.site, "site"), "donation.site")?,
        receipt,
        registered_at: Timestamp::from_datetime(row.registered_at),
    })
}

/// Which donations to load.
pub(crate) enum DonationFilter {
    /// Every donation.
    All,
    /// By id.
    Ids(Vec<DonationId>),
    /// Every donation of these donors.
    Donors(Vec<DonorId>),
    /// The donation with this DIN.
    Din(Din),
}

/// Loads donations.
pub(crate) async fn load(
    db: &impl ConnectionTrait,
    filter: DonationFilter,
) -> Result<BTreeMap<DonationId, Donation>, QueryError> {
    let query = match filter {
        DonationFilter::All => donation::Entity::find(),
        DonationFilter::Ids(ids) => donation::Entity::find().filter(
            donation::Column::Id.is_in(ids.iter().map(DonationId::as_uuid).collect::<Vec<Uuid>>()),
        ),
        DonationFilter::Donors(ids) => donation::Entity::find().filter(
            donation::Column::DonorId
                .is_in(ids.iter().map(DonorId::as_uuid).collect::<Vec<Uuid>>()),
        ),
        DonationFilter::Din(din) => {
            donation::Entity::find().filter(donation::Column::Din.eq(din.to_string()))
        }
    };
    query
        .all(db)
        .await?
        .into_iter()
        .map(|row| from_row(row).map(|d| (d.id, d)))
        .collect()
}
