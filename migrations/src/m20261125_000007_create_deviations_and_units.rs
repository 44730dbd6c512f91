//! Deviations and units with their storage and custody.

use sea_orm_migration::prelude::*;

use crate::builders::{col, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("deviation"))
                    .col(col("id").uuid().not_null().primary_key())
                    .col(col("lot_id").uuid().not_null())
                    .col(col("step_id").uuid().null())
                    .col(col("severity").string_len(16).not_null())
                    .col(col("description").text().not_null())
                    .col(col("impact_assessment").text().null())
                    .col(col("opened_by").uuid().not_null())
                    .col(col("opened_at").timestamp_with_time_zone().not_null())
                    .col(col("conclusion").text().null())
                    .col(col("closed_by").uuid().null())
                    .col(col("closed_at").timestamp_with_time_zone().null())
                    .foreign_key(&mut fk(
                        "fk_deviation_lot",
                        ("deviation", "lot_id"),
                        ("lot", "id"),
                    ))
                    .foreign_key(&mut fk(
                        "fk_deviation_step",
                        ("deviation", "step_id"),
                        ("processing_step", "id"),
                    ))
                    .foreign_key(&mut fk(
                        "fk_deviation_opened_by",
                        ("deviation", "opened_by"),
                        ("app_user", "id"),
                    ))
                    .foreign_key(&mut fk(
                        "fk_deviation_closed_by",
                        ("deviation", "closed_by"),
                        ("app_user", "id"),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("idx_deviation_lot", "deviation", &["lot_id"]))
            .await?;
        manager
            .create_index(index("idx_deviation_step", "deviation", &["step_id"]))
            .await?;
        manager
            .create_index(index(
                "idx_deviation_opened_by",
                "deviation",
                &["opened_by"],
            ))
            .await?;
        manager
            .create_index(index(
                "idx_deviation_closed_by",
                "deviation",
                &["closed_by"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("unit"))
                    .col(col("id").uuid().not_null().primary_key())
                    .col(col("lot_id").uuid().not_null())
                    .col(col("din").string_len(13).not_null())
                    .col(col("product_code").string_len(8).not_null())
                    .col(col("container").string_len(8).not_null())
                    .col(col("volume_ml").string_len(16).not_null())
                    .col(col("cells").big_integer().not_null())
                    .col(
                        col("cryopreserved_at")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(col("expires_at").timestamp_with_time_zone().not_null())
                    .col(col("location_site").string_len(200).not_null())
                    .col(col("location_freezer").string_len(200).not_null())
                    .col(col("location_rack").string_len(200).not_null())
                    .col(col("location_box").string_len(200).not_null())
                    .col(col("location_position").string_len(200).not_null())
                    .col(col("status").string_len(16).not_null())
                    .col(col("custody_state").string_len(16).not_null())
                    .col(col("handoff_id").uuid().null())
                    .col(col("custody_destination").string_len(200).null())
                    .col(col("dispatched_by").uuid().null())
                    .col(col("dispatched_at").timestamp_with_time_zone().null())
                    .col(col("received_by").uuid().null())
                    .col(col("received_at").timestamp_with_time_zone().null())
                    .col(col("arrival_temperature").string_len(16).null())
                    .col(col("arrival_condition").string_len(16).null())
                    .col(col("filled_at").timestamp_with_time_zone().not_null())
                    .foreign_key(&mut fk("fk_unit_lot", ("unit", "lot_id"), ("lot", "id")))
                    .foreign_key(&mut fk(
                        "fk_unit_dispatched_by",
                        ("unit", "dispatched_by"),
                        ("app_user", "id"),
                    ))
                    .foreign_key(&mut fk(
                        "fk_unit_received_by",
                        ("unit", "received_by"),
                        ("app_user", "id"),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index("uq_unit_din_product_code", "unit", &["din", "product_code"])
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("idx_unit_lot", "unit", &["lot_id"]))
            .await?;
        manager
            .create_index(index("idx_unit_dispatched_by", "unit", &["dispatched_by"]))
            .await?;
        manager
            .create_index(index("idx_unit_received_by", "unit", &["received_by"]))
            .await?;
        manager
            .create_index(index("idx_unit_status", "unit", &["status"]))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["unit", "deviation"] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
