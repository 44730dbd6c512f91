//! A unit in transit names the person who is to receive it: the projection of the receiver a
//! `unit.dispatched` entry names.

use sea_orm_migration::prelude::*;

use crate::builders::col;

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMN: &str = "custody_receiver";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("unit"))
                    .add_column(col(COLUMN).uuid().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("unit"))
                    .drop_column(Alias::new(COLUMN))
                    .to_owned(),
            )
            .await
    }
}
