//! `disposition`: QA's release or rejection of a lot.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "disposition")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub lot_id: Uuid,
    pub decision: String,
    pub specification_id: Option<Uuid>,
    pub text: Option<String>,
    pub decided_by: Uuid,
    pub decided_at: DateTimeUtc,
    pub entry_seq: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
