//! `merkle_hash`: stored Merkle subtree hashes by tlog stored-hash index.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "merkle_hash")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub hash_index: i64,
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
