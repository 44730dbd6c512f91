//! Units are found by their custody state (the hand-offs open, the units received) without
//! reading every unit the facility ever filled.

use sea_orm_migration::prelude::*;

use crate::builders::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

const NAME: &str = "idx_unit_custody_state";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(index(NAME, "unit", &["custody_state", "id"]))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(NAME)
                    .table(Alias::new("unit"))
                    .to_owned(),
            )
            .await
    }
}
