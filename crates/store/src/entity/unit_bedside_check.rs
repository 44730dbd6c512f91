//! `unit_bedside_check`: the latest bedside check of each unit.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "unit_bedside_check")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit_id: Uuid,
    pub check_id: Uuid,
    pub accepted: bool,
    pub patient_id: Option<Uuid>,
    pub checked_at: DateTimeUtc,
    pub checked_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
