//! `lot_testing`: which specification each lot under test is tested against.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lot_testing")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub lot_id: Uuid,
    pub specification_id: Uuid,
    pub started_by: Uuid,
    pub began_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
