//! Patients (with personal data apart), weights, orders, allocations, thaws, bedside checks, administrations, follow-up and recalls.
//!
//! Every foreign key refuses deletion and has an index behind it. `administration.unit_id` is
//! unique: a unit is given at most once, whatever reaches the database.

use sea_orm_migration::prelude::*;

use crate::builders::{col, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A foreign key `table.column -> target.id`, named `fk_<table>_<column>`, with its index.
struct Reference {
    column: &'static str,
    target: &'static str,
}

const fn refers(column: &'static str, target: &'static str) -> Reference {
    Reference { column, target }
}

/// Creates `table` with `references`, then an index behind each reference that neither the
/// primary key (whose first column is `keyed_by`) nor one of the extra `indexes` (name suffix,
/// columns, unique) leads with.
async fn create(
    manager: &SchemaManager<'_>,
    table: &str,
    keyed_by: &str,
    mut statement: TableCreateStatement,
    references: &[Reference],
    indexes: &[(&str, &[&str], bool)],
) -> Result<(), DbErr> {
    statement.table(Alias::new(table));
    for reference in references {
        statement.foreign_key(&mut fk(
            &format!("fk_{table}_{}", reference.column),
            (table, reference.column),
            (reference.target, "id"),
        ));
    }
    manager.create_table(statement).await?;
    for reference in references {
        let covered = reference.column == keyed_by
            || indexes
                .iter()
                .any(|(_, columns, _)| columns.first() == Some(&reference.column));
        if !covered {
            manager
                .create_index(index(
                    &format!("idx_{table}_{}", reference.column),
                    table,
                    &[reference.column],
                ))
                .await?;
        }
    }
    for (suffix, columns, unique) in indexes {
        let mut statement = index(&format!("idx_{table}_{suffix}"), table, columns);
        if *unique {
            statement.unique();
        }
        manager.create_index(statement).await?;
    }
    Ok(())
}

fn timestamp(name: &str) -> ColumnDef {
    col(name).timestamp_with_time_zone().not_null().to_owned()
}

fn decimal_text(name: &str) -> ColumnDef {
    col(name).string_len(16).to_owned()
}

/// A child list of `parent` naming rows of `item_table`: (parent, position) -> item.
async fn list_table(
    manager: &SchemaManager<'_>,
    table: &str,
    parent: (&'static str, &'static str),
    item: (&'static str, &'static str),
) -> Result<(), DbErr> {
    create(
        manager,
        table,
        parent.0,
        Table::create()
            .col(col(parent.0).uuid().not_null())
            .col(col("position").integer().not_null())
            .col(col(item.0).uuid().not_null())
            .primary_key(
                Index::create()
                    .col(Alias::new(parent.0))
                    .col(Alias::new("position")),
            )
            .to_owned(),
        &[refers(parent.0, parent.1), refers(item.0, item.1)],
        &[],
    )
    .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create(
            manager,
            "patient",
            "id",
            Table::create()
                .col(col("id").uuid().not_null().primary_key())
                .col(col("patient_key").string_len(32).not_null().unique_key())
                .col(timestamp("registered_at"))
                .to_owned(),
            &[],
            &[],
        )
        .await?;
        // Personal data of the patient: readable by clinicians only, never in the ledger, and
        // redactable (the fields can be blanked) without breaking the chain. The wristband id is
        // what a bedside scan is looked up by, so it is unique while set.
        create(
            manager,
            "patient_personal",
            "patient_id",
            Table::create()
                .col(col("patient_id").uuid().not_null().primary_key())
                .col(col("full_name").string_len(200).null())
                .col(col("date_of_birth").date().null())
                .col(col("hospital_record_number").string_len(64).null())
                .col(col("wristband_id").string_len(99).null())
                .col(col("redacted_at").timestamp_with_time_zone().null())
                .to_owned(),
            &[refers("patient_id", "patient")],
            &[("wristband", &["wristband_id"], true)],
        )
        .await?;
        create(
            manager,
            "patient_weight",
            "patient_id",
            Table::create()
                .col(col("patient_id").uuid().not_null())
                .col(col("position").integer().not_null())
                .col(decimal_text("weight_kg").not_null())
                .col(col("measured_on").date().not_null())
                .col(col("recorded_by").uuid().not_null())
                .col(timestamp("recorded_at"))
                .primary_key(
                    Index::create()
                        .col(Alias::new("patient_id"))
                        .col(Alias::new("position")),
                )
                .to_owned(),
            &[
                refers("patient_id", "patient"),
                refers("recorded_by", "app_user"),
            ],
            &[],
        )
        .await?;
        create(
            manager,
            "clinical_order",
            "id",
            Table::create()
                .col(col("id").uuid().not_null().primary_key())
                .col(col("patient_id").uuid().not_null())
                .col(col("dose_per_kg").big_integer().not_null())
                .col(col("schedule_days").string_len(100).not_null())
                .col(col("route").string_len(8).not_null())
                .col(col("starts_on").date().not_null())
                .col(col("ordered_by").uuid().not_null())
                .col(timestamp("ordered_at"))
                .col(col("status").string_len(16).not_null())
                .col(col("cancel_reason").text().null())
                .col(col("cancelled_by").uuid().null())
                .col(col("cancelled_at").timestamp_with_time_zone().null())
                .to_owned(),
            &[
                refers("patient_id", "patient"),
                refers("ordered_by", "app_user"),
                refers("cancelled_by", "app_user"),
            ],
            &[],
        )
        .await?;
        create(
            manager,
            "unit_allocation",
            "unit_id",
            Table::create()
                .col(col("unit_id").uuid().not_null().primary_key())
                .col(col("order_id").uuid().not_null())
                .col(col("patient_id").uuid().not_null())
                .col(col("allocated_by").uuid().not_null())
                .col(timestamp("allocated_at"))
                .to_owned(),
            &[
                refers("unit_id", "unit"),
                refers("order_id", "clinical_order"),
                refers("patient_id", "patient"),
                refers("allocated_by", "app_user"),
            ],
            &[],
        )
        .await?;
        create(
            manager,
            "unit_thaw",
            "unit_id",
            Table::create()
                .col(col("unit_id").uuid().not_null().primary_key())
                .col(timestamp("thawed_at"))
                .col(timestamp("use_by"))
                .col(col("recorded_by").uuid().not_null())
                .to_owned(),
            &[refers("unit_id", "unit"), refers("recorded_by", "app_user")],
            &[],
        )
        .await?;
        // The latest bedside check of each unit; every check is in the ledger.
        create(
            manager,
            "unit_bedside_check",
            "unit_id",
            Table::create()
                .col(col("unit_id").uuid().not_null().primary_key())
                .col(col("check_id").uuid().not_null())
                .col(col("accepted").boolean().not_null())
                .col(col("patient_id").uuid().null())
                .col(timestamp("checked_at"))
                .col(col("checked_by").uuid().null())
                .to_owned(),
            &[
                refers("unit_id", "unit"),
                refers("patient_id", "patient"),
                refers("checked_by", "app_user"),
            ],
            &[],
        )
        .await?;
        create(
            manager,
            "administration",
            "id",
            Table::create()
                .col(col("id").uuid().not_null().primary_key())
                .col(col("unit_id").uuid().not_null())
                .col(col("lot_id").uuid().not_null())
                .col(col("patient_id").uuid().not_null())
                .col(col("order_id").uuid().not_null())
                .col(col("order_position").integer().not_null())
                .col(col("check_id").uuid().not_null())
                .col(timestamp("started_at"))
                .col(timestamp("ended_at"))
                .col(decimal_text("volume_ml").not_null())
                .col(col("cells").big_integer().not_null())
                .col(decimal_text("weight_kg").not_null())
                .col(col("cells_per_kg").big_integer().not_null())
                .col(col("reactions").text().not_null())
                .col(col("administered_by").uuid().not_null())
                .col(timestamp("recorded_at"))
                .to_owned(),
            &[
                refers("unit_id", "unit"),
                refers("lot_id", "lot"),
                refers("patient_id", "patient"),
                refers("order_id", "clinical_order"),
                refers("administered_by", "app_user"),
            ],
            &[
                ("unit", &["unit_id"], true),
                ("order_position", &["order_id", "order_position"], true),
            ],
        )
        .await?;
        create(
            manager,
            "visit",
            "id",
            Table::create()
                .col(col("id").uuid().not_null().primary_key())
                .col(col("patient_id").uuid().not_null())
                .col(col("visited_on").date().not_null())
                .col(col("sledai_2k").small_integer().null())
                .col(decimal_text("proteinuria_g_per_day").null())
                .col(decimal_text("protein_creatinine_ratio").null())
                .col(decimal_text("creatinine_umol_per_l").null())
                .col(decimal_text("albumin_g_per_l").null())
                .col(decimal_text("c3_g_per_l").null())
                .col(decimal_text("c4_g_per_l").null())
                .col(decimal_text("anti_dsdna_iu_per_ml").null())
                .col(decimal_text("prednisone_mg_per_day").null())
                .col(col("other_immunosuppressants").text().not_null())
                .col(col("recorded_by").uuid().not_null())
                .col(timestamp("recorded_at"))
                .to_owned(),
            &[
                refers("patient_id", "patient"),
                refers("recorded_by", "app_user"),
            ],
            &[],
        )
        .await?;
        list_table(
            manager,
            "visit_administration",
            ("visit_id", "visit"),
            ("administration_id", "administration"),
        )
        .await?;
        create(
            manager,
            "adverse_event",
            "id",
            Table::create()
                .col(col("id").uuid().not_null().primary_key())
                .col(col("patient_id").uuid().not_null())
                .col(col("term").string_len(200).not_null())
                .col(col("grade").small_integer().not_null())
                .col(col("serious").boolean().not_null())
                .col(col("relatedness").string_len(16).not_null())
                .col(col("onset_on").date().not_null())
                .col(col("resolved_on").date().null())
                .col(col("recorded_by").uuid().not_null())
                .col(timestamp("recorded_at"))
                .to_owned(),
            &[
                refers("patient_id", "patient"),
                refers("recorded_by", "app_user"),
            ],
            &[],
        )
        .await?;
        list_table(
            manager,
            "adverse_event_administration",
            ("adverse_event_id", "adverse_event"),
            ("administration_id", "administration"),
        )
        .await?;
        create(
            manager,
            "recall",
            "id",
            Table::create()
                .col(col("id").uuid().not_null().primary_key())
                .col(col("source_kind").string_len(16).not_null())
                .col(col("source_id").uuid().not_null())
                .col(col("reason").text().not_null())
                .col(col("initiated_by").uuid().not_null())
                .col(timestamp("initiated_at"))
                .to_owned(),
            &[refers("initiated_by", "app_user")],
            &[("source", &["source_kind", "source_id"], false)],
        )
        .await?;
        list_table(
            manager,
            "recall_lot",
            ("recall_id", "recall"),
            ("lot_id", "lot"),
        )
        .await?;
        list_table(
            manager,
            "recall_unit",
            ("recall_id", "recall"),
            ("unit_id", "unit"),
        )
        .await?;
        list_table(
            manager,
            "recall_patient",
            ("recall_id", "recall"),
            ("patient_id", "patient"),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "recall_patient",
            "recall_unit",
            "recall_lot",
            "recall",
            "adverse_event_administration",
            "adverse_event",
            "visit_administration",
            "visit",
            "administration",
            "unit_bedside_check",
            "unit_thaw",
            "unit_allocation",
            "clinical_order",
            "patient_weight",
            "patient_personal",
            "patient",
        ] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
