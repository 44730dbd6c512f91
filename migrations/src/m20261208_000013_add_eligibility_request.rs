//! Donors carry the technician's request for QA's eligibility determination: the projection
//! of `donor.eligibility_requested`, answered by the determination.

use sea_orm_migration::prelude::*;

use crate::builders::col;

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: [&str; 2] = ["eligibility_requested_by", "eligibility_requested_at"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite alters a table one change at a time.
        for column in [
            col(COLUMNS[0]).uuid().null().to_owned(),
            col(COLUMNS[1]).timestamp_with_time_zone().null().to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new("donor"))
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new("donor"))
                        .drop_column(Alias::new(column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
