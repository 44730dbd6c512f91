//! `administration`: units given to patients.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "administration")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub unit_id: Uuid,
    pub lot_id: Uuid,
    pub patient_id: Uuid,
    pub order_id: Uuid,
    pub order_position: i32,
    pub check_id: Uuid,
    pub started_at: DateTimeUtc,
    pub ended_at: DateTimeUtc,
    pub volume_ml: String,
    pub cells: i64,
    pub weight_kg: String,
    pub cells_per_kg: i64,
    pub reactions: String,
    pub administered_by: Uuid,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
