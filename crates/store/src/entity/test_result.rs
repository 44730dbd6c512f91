//! `test_result`: release test results and their invalidations.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "test_result")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub lot_id: Uuid,
    pub specification_id: Uuid,
    pub test_code: String,
    pub value_kind: String,
    pub value: String,
    pub unit: Option<String>,
    pub method: String,
    pub instrument: String,
    pub sample_id: String,
    pub tested_at: DateTimeUtc,
    pub evaluation: String,
    pub retest_of: Option<Uuid>,
    pub analyst: Uuid,
    pub recorded_at: DateTimeUtc,
    pub entry_seq: i64,
    pub invalidation_reason: Option<String>,
    pub invalidated_by: Option<Uuid>,
    pub invalidated_at: Option<DateTimeUtc>,
    pub invalidation_entry_seq: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
