//! Units count the prints of their label: the projection of `unit.label_printed`, from which
//! the next print is known to be a reprint.

use sea_orm_migration::prelude::*;

use crate::builders::col;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("unit"))
                    .add_column(col("labels_printed").integer().not_null().default(0))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("unit"))
                    .drop_column(Alias::new("labels_printed"))
                    .to_owned(),
            )
            .await
    }
}
