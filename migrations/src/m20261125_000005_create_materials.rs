//! Material lots, equipment and the installation's product description codes.

use sea_orm_migration::prelude::*;

use crate::builders::col;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("material_lot"))
                    .col(col("id").uuid().not_null().primary_key())
                    .col(col("material").string_len(200).not_null())
                    .col(col("supplier").string_len(200).not_null())
                    .col(col("supplier_lot").string_len(200).not_null())
                    .col(col("expires_on").date().not_null())
                    .col(col("qc_status").string_len(16).not_null())
                    .col(col("registered_at").timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("equipment"))
                    .col(col("id").uuid().not_null().primary_key())
                    .col(col("asset_tag").string_len(200).not_null().unique_key())
                    .col(col("kind").string_len(200).not_null())
                    .col(col("calibration_due").date().not_null())
                    .col(col("registered_at").timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("product_definition"))
                    .col(col("code").string_len(5).not_null().primary_key())
                    .col(col("description").string_len(200).not_null())
                    .col(col("defined_at").timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["product_definition", "equipment", "material_lot"] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
