//! Manufacturing lots, their lineage and donors, and processing steps with what they used.

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
                    .table(Alias::new("lot"))
                    .col(col("id").uuid().not_null().primary_key())
                    .col(col("code").string_len(32).not_null().unique_key())
                    .col(col("kind").string_len(32).not_null())
                    .col(col("bank_level").string_len(16).null())
                    .col(col("status").string_len(16).not_null())
                    .col(col("held_from").string_len(16).null())
                    .col(col("donation_id").uuid().null())
                    // The step that made the lot is saved after it in the same transaction, so no foreign key.
                    .col(col("made_by").uuid().not_null())
                    .col(col("created_at").timestamp_with_time_zone().not_null())
                    .foreign_key(&mut fk(
                        "fk_lot_donation",
                        ("lot", "donation_id"),
                        ("donation", "id"),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("idx_lot_donation", "lot", &["donation_id"]))
            .await?;
        manager
            .create_index(index("idx_lot_made_by", "lot", &["made_by"]))
            .await?;
        manager
            .create_index(index("idx_lot_kind_status", "lot", &["kind", "status"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("lot_parent"))
                    .col(col("lot_id").uuid().not_null())
                    .col(col("parent_id").uuid().not_null())
                    .col(col("position").integer().not_null())
                    .primary_key(
                        Index::create()
                            .col(Alias::new("lot_id"))
                            .col(Alias::new("parent_id")),
                    )
                    .foreign_key(&mut fk(
                        "fk_lot_parent_lot",
                        ("lot_parent", "lot_id"),
                        ("lot", "id"),
                    ))
                    .foreign_key(&mut fk(
                        "fk_lot_parent_parent",
                        ("lot_parent", "parent_id"),
                        ("lot", "id"),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("idx_lot_parent_parent", "lot_parent", &["parent_id"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("lot_donor"))
                    .col(col("lot_id").uuid().not_null())
                    .col(col("donor_id").uuid().not_null())
                    .primary_key(
                        Index::create()
                            .col(Alias::new("lot_id"))
                            .col(Alias::new("donor_id")),
                    )
                    .foreign_key(&mut fk(
                        "fk_lot_donor_lot",
                        ("lot_donor", "lot_id"),
                        ("lot", "id"),
                    ))
                    .foreign_key(&mut fk(
                        "fk_lot_donor_donor",
                        ("lot_donor", "donor_id"),
                        ("donor", "id"),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("idx_lot_donor_donor", "lot_donor", &["donor_id"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("processing_step"))
                    .col(col("id").uuid().not_null().primary_key())
                    .col(col("kind").string_len(32).not_null())
                    .col(col("sop_id").string_len(200).not_null())
                    .col(col("sop_version").string_len(200).not_null())
                    .col(col("operator").uuid().not_null())
                    .col(col("started_at").timestamp_with_time_zone().not_null())
                    .col(col("ended_at").timestamp_with_time_zone().null())
                    .col(col("donation_id").uuid().null())
                    .col(col("notes").text().null())
                    .col(col("recorded_at").timestamp_with_time_zone().not_null())
                    .foreign_key(&mut fk(
                        "fk_processing_step_operator",
                        ("processing_step", "operator"),
                        ("app_user", "id"),
                    ))
                    .foreign_key(&mut fk(
                        "fk_processing_step_donation",
                        ("processing_step", "donation_id"),
                        ("donation", "id"),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_processing_step_operator",
                "processing_step",
                &["operator"],
            ))
            .await?;
        manager
            .create_index(index(
                "idx_processing_step_donation",
                "processing_step",
                &["donation_id"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("step_input"))
                    .col(col("step_id").uuid().not_null())
                    .col(col("lot_id").uuid().not_null())
                    .col(col("position").integer().not_null())
                    .primary_key(
                        Index::create()
                            .col(Alias::new("step_id"))
                            .col(Alias::new("lot_id")),
                    )
                    .foreign_key(&mut fk(
                        "fk_step_input_step",
                        ("step_input", "step_id"),
                        ("processing_step", "id"),
                    ))
                    .foreign_key(&mut fk(
                        "fk_step_input_lot",
                        ("step_input", "lot_id"),
                        ("lot", "id"),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("idx_step_input_lot_id", "step_input", &["lot_id"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("step_output"))
                    .col(col("step_id").uuid().not_null())
                    .col(col("lot_id").uuid().not_null())
                    .col(col("position").integer().not_null())
                    .primary_key(
                        Index::create()
                            .col(Alias::new("step_id"))
                            .col(Alias::new("lot_id")),
                    )
                    .foreign_key(&mut fk(
                        "fk_step_output_step",
                        ("step_output", "step_id"),
                        ("processing_step", "id"),
                    ))
                    .foreign_key(&mut fk(
                        "fk_step_output_lot",
                        ("step_output", "lot_id"),
                        ("lot", "id"),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("idx_step_output_lot_id", "step_output", &["lot_id"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("step_equipment"))
                    .col(col("step_id").uuid().not_null())
                    .col(col("equipment_id").uuid().not_null())
                    .col(col("position").integer().not_null())
                    .primary_key(
                        Index::create()
                            .col(Alias::new("step_id"))
                            .col(Alias::new("equipment_id")),
                    )
                    .foreign_key(&mut fk(
                        "fk_step_equipment_step",
                        ("step_equipment", "step_id"),
                        ("processing_step", "id"),
                    ))
                    .foreign_key(&mut fk(
                        "fk_step_equipment_equipment",
                        ("step_equipment", "equipment_id"),
                        ("equipment", "id"),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_step_equipment_equipment_id",
                "step_equipment",
                &["equipment_id"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("step_material"))
                    .col(col("step_id").uuid().not_null())
                    .col(col("material_lot_id").uuid().not_null())
                    .col(col("position").integer().not_null())
                    .primary_key(
                        Index::create()
                            .col(Alias::new("step_id"))
                            .col(Alias::new("material_lot_id")),
                    )
                    .foreign_key(&mut fk(
                        "fk_step_material_step",
                        ("step_material", "step_id"),
                        ("processing_step", "id"),
                    ))
                    .foreign_key(&mut fk(
                        "fk_step_material_material",
                        ("step_material", "material_lot_id"),
                        ("material_lot", "id"),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_step_material_material_lot_id",
                "step_material",
                &["material_lot_id"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("step_measurement"))
                    .col(col("step_id").uuid().not_null())
                    .col(col("position").integer().not_null())
                    .col(col("kind").string_len(32).not_null())
                    .col(col("value").string_len(40).not_null())
                    .col(col("unit").string_len(16).not_null())
                    .primary_key(
                        Index::create()
                            .col(Alias::new("step_id"))
                            .col(Alias::new("position")),
                    )
                    .foreign_key(&mut fk(
                        "fk_step_measurement_step",
                        ("step_measurement", "step_id"),
                        ("processing_step", "id"),
                    ))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "step_measurement",
            "step_material",
            "step_equipment",
            "step_output",
            "step_input",
            "processing_step",
            "lot_donor",
            "lot_parent",
            "lot",
        ] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
