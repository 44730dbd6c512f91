//! `specification_test`: the tests of a specification, in order.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "specification_test")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub specification_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub position: i32,
    pub code: String,
    pub name: String,
    pub method: String,
    pub unit: Option<String>,
    pub criterion_kind: String,
    pub min_value: Option<String>,
    pub min_inclusive: Option<bool>,
    pub max_value: Option<String>,
    pub max_inclusive: Option<bool>,
    pub expected_outcome: Option<String>,
    pub requirement: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
