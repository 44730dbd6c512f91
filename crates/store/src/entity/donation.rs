//! `donation`: cord donations and their receipt.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "donation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub din: String,
    pub din_source: String,
    pub donor_id: Uuid,
    pub collected_at: String,
    pub collected_at_utc: DateTimeUtc,
    pub site: String,
    pub received_by: Option<Uuid>,
    pub received_at: Option<DateTimeUtc>,
    pub transport_temperature: Option<String>,
    pub arrival_condition: Option<String>,
    pub minutes_since_collection: Option<i64>,
    pub over_time_limit: Option<bool>,
    pub registered_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
