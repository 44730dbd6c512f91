//! `unit`: units, their storage and custody.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "unit")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub lot_id: Uuid,
    pub din: String,
    pub product_code: String,
    pub container: String,
    pub volume_ml: String,
    pub cells: i64,
    pub cryopreserved_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub location_site: String,
    pub location_freezer: String,
    pub location_rack: String,
    pub location_box: String,
    pub location_position: String,
    pub status: String,
    pub custody_state: String,
    pub handoff_id: Option<Uuid>,
    pub custody_destination: Option<String>,
    pub dispatched_by: Option<Uuid>,
    pub dispatched_at: Option<DateTimeUtc>,
    pub custody_receiver: Option<Uuid>,
    pub received_by: Option<Uuid>,
    pub received_at: Option<DateTimeUtc>,
    pub arrival_temperature: Option<String>,
    pub arrival_condition: Option<String>,
    pub filled_at: DateTimeUtc,
    pub labels_printed: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
