//! Specifications, lot testing, release test results, investigations and dispositions.

use sea_orm_migration::prelude::*;

use crate::builders::{col, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables, in the order foreign keys need them.
const TABLES: [&str; 7] = [
    "specification",
    "specification_test",
    "lot_testing",
    "test_result",
    "investigation",
    "disposition",
    "disposition_unit",
];

async fn create_specifications(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(Alias::new("specification"))
                .col(col("id").uuid().not_null().primary_key())
                .col(col("product_kind").string_len(32).not_null())
                .col(col("version").integer().not_null())
                .col(col("effective_on").date().not_null())
                .col(col("title").string_len(200).not_null())
                // Null when cordtrace imported the specification at installation.
                .col(col("defined_by").uuid().null())
                .col(col("defined_at").timestamp_with_time_zone().not_null())
                .foreign_key(&mut fk(
                    "fk_specification_defined_by",
                    ("specification", "defined_by"),
                    ("app_user", "id"),
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            index(
                "idx_specification_kind_version",
                "specification",
                &["product_kind", "version"],
            )
            .unique()
            .to_owned(),
        )
        .await?;
    manager
        .create_index(index(
            "idx_specification_defined_by",
            "specification",
            &["defined_by"],
        ))
        .await?;
    manager
        .create_table(
            Table::create()
                .table(Alias::new("specification_test"))
                .col(col("specification_id").uuid().not_null())
                .col(col("position").integer().not_null())
                .col(col("code").string_len(32).not_null())
                .col(col("name").string_len(200).not_null())
                .col(col("method").string_len(200).not_null())
                .col(col("unit").string_len(24).null())
                // NUMERIC (with min and/or max), QUALITATIVE (with expected_outcome) or REPORT.
                .col(col("criterion_kind").string_len(16).not_null())
                .col(col("min_value").string_len(40).null())
                .col(col("min_inclusive").boolean().null())
                .col(col("max_value").string_len(40).null())
                .col(col("max_inclusive").boolean().null())
                .col(col("expected_outcome").string_len(24).null())
                .col(col("requirement").string_len(16).not_null())
                .primary_key(
                    Index::create()
                        .col(Alias::new("specification_id"))
                        .col(Alias::new("position")),
                )
                .foreign_key(&mut fk(
                    "fk_specification_test_specification",
                    ("specification_test", "specification_id"),
                    ("specification", "id"),
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            index(
                "idx_specification_test_code",
                "specification_test",
                &["specification_id", "code"],
            )
            .unique()
            .to_owned(),
        )
        .await
}

async fn create_lot_testing(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(Alias::new("lot_testing"))
                .col(col("lot_id").uuid().not_null().primary_key())
                .col(col("specification_id").uuid().not_null())
                .col(col("started_by").uuid().not_null())
                .col(col("began_at").timestamp_with_time_zone().not_null())
                .foreign_key(&mut fk(
                    "fk_lot_testing_lot",
                    ("lot_testing", "lot_id"),
                    ("lot", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_lot_testing_specification",
                    ("lot_testing", "specification_id"),
                    ("specification", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_lot_testing_started_by",
                    ("lot_testing", "started_by"),
                    ("app_user", "id"),
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(index(
            "idx_lot_testing_specification",
            "lot_testing",
            &["specification_id"],
        ))
        .await?;
    manager
        .create_index(index(
            "idx_lot_testing_started_by",
            "lot_testing",
            &["started_by"],
        ))
        .await
}

async fn create_test_results(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(Alias::new("test_result"))
                .col(col("id").uuid().not_null().primary_key())
                .col(col("lot_id").uuid().not_null())
                .col(col("specification_id").uuid().not_null())
                .col(col("test_code").string_len(32).not_null())
                // NUMERIC (a decimal as text) or QUALITATIVE (an outcome name).
                .col(col("value_kind").string_len(16).not_null())
                .col(col("value").string_len(40).not_null())
                .col(col("unit").string_len(24).null())
                .col(col("method").string_len(200).not_null())
                .col(col("instrument").string_len(200).not_null())
                .col(col("sample_id").string_len(200).not_null())
                .col(col("tested_at").timestamp_with_time_zone().not_null())
                .col(col("evaluation").string_len(16).not_null())
                .col(col("retest_of").uuid().null())
                .col(col("analyst").uuid().not_null())
                .col(col("recorded_at").timestamp_with_time_zone().not_null())
                .col(col("entry_seq").big_integer().not_null())
                .col(col("invalidation_reason").text().null())
                .col(col("invalidated_by").uuid().null())
                .col(col("invalidated_at").timestamp_with_time_zone().null())
                .col(col("invalidation_entry_seq").big_integer().null())
                .foreign_key(&mut fk(
                    "fk_test_result_lot",
                    ("test_result", "lot_id"),
                    ("lot", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_test_result_specification",
                    ("test_result", "specification_id"),
                    ("specification", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_test_result_retest_of",
                    ("test_result", "retest_of"),
                    ("test_result", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_test_result_analyst",
                    ("test_result", "analyst"),
                    ("app_user", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_test_result_invalidated_by",
                    ("test_result", "invalidated_by"),
                    ("app_user", "id"),
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(index(
            "idx_test_result_lot_test",
            "test_result",
            &["lot_id", "test_code"],
        ))
        .await?;
    manager
        .create_index(index(
            "idx_test_result_specification",
            "test_result",
            &["specification_id"],
        ))
        .await?;
    // A result is retested at most once.
    manager
        .create_index(
            index("idx_test_result_retest_of", "test_result", &["retest_of"])
                .unique()
                .to_owned(),
        )
        .await?;
    manager
        .create_index(index(
            "idx_test_result_analyst",
            "test_result",
            &["analyst"],
        ))
        .await?;
    manager
        .create_index(index(
            "idx_test_result_invalidated_by",
            "test_result",
            &["invalidated_by"],
        ))
        .await
}

async fn create_investigations(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(Alias::new("investigation"))
                .col(col("id").uuid().not_null().primary_key())
                .col(col("lot_id").uuid().not_null())
                .col(col("result_id").uuid().not_null())
                .col(col("test_code").string_len(32).not_null())
                .col(col("opened_by").uuid().not_null())
                .col(col("opened_at").timestamp_with_time_zone().not_null())
                .col(col("conclusion").text().null())
                .col(col("closed_by").uuid().null())
                .col(col("closed_at").timestamp_with_time_zone().null())
                .col(col("closure_entry_seq").big_integer().null())
                .foreign_key(&mut fk(
                    "fk_investigation_lot",
                    ("investigation", "lot_id"),
                    ("lot", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_investigation_result",
                    ("investigation", "result_id"),
                    ("test_result", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_investigation_opened_by",
                    ("investigation", "opened_by"),
                    ("app_user", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_investigation_closed_by",
                    ("investigation", "closed_by"),
                    ("app_user", "id"),
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(index("idx_investigation_lot", "investigation", &["lot_id"]))
        .await?;
    // A failed result opens one investigation.
    manager
        .create_index(
            index("idx_investigation_result", "investigation", &["result_id"])
                .unique()
                .to_owned(),
        )
        .await?;
    manager
        .create_index(index(
            "idx_investigation_opened_by",
            "investigation",
            &["opened_by"],
        ))
        .await?;
    manager
        .create_index(index(
            "idx_investigation_closed_by",
            "investigation",
            &["closed_by"],
        ))
        .await
}

async fn create_dispositions(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(Alias::new("disposition"))
                .col(col("lot_id").uuid().not_null().primary_key())
                .col(col("decision").string_len(8).not_null())
                .col(col("specification_id").uuid().null())
                .col(col("text").text().null())
                .col(col("decided_by").uuid().not_null())
                .col(col("decided_at").timestamp_with_time_zone().not_null())
                .col(col("entry_seq").big_integer().not_null())
                .foreign_key(&mut fk(
                    "fk_disposition_lot",
                    ("disposition", "lot_id"),
                    ("lot", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_disposition_specification",
                    ("disposition", "specification_id"),
                    ("specification", "id"),
                ))
                .foreign_key(&mut fk(
                    "fk_disposition_decided_by",
                    ("disposition", "decided_by"),
                    ("app_user", "id"),
                ))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(index(
            "idx_disposition_specification",
            "disposition",
            &["specification_id"],
        ))
        .await?;
    manager
        .create_index(index(
            "idx_disposition_decided_by",
            "disposition",
            &["decided_by"],
        ))
        .await?;
    manager
        .create_table(
            Table::create()
                .table(Alias::new("disposition_unit"))
                .col(col("lot_id").uuid().not_null())
                .col(col("unit_id").uuid().not_null())
                .col(col("position").integer().not_null())
                .primary_key(
                    Index::create()
                        .col(Alias::new("lot_id"))
                        .col(Alias::new("unit_id")),
                )
                .foreign_key(&mut fk(
                    "fk_disposition_unit_disposition",
                    ("disposition_unit", "lot_id"),
                    ("disposition", "lot_id"),
                ))
                .foreign_key(&mut fk(
                    "fk_disposition_unit_unit",
                    ("disposition_unit", "unit_id"),
                    ("unit", "id"),
                ))
                .to_owned(),
        )
        .await?;
    // A unit changes status with one disposition only: its lot's.
    manager
        .create_index(
            index(
                "idx_disposition_unit_unit",
                "disposition_unit",
                &["unit_id"],
            )
            .unique()
            .to_owned(),
        )
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_specifications(manager).await?;
        create_lot_testing(manager).await?;
        create_test_results(manager).await?;
        create_investigations(manager).await?;
        create_dispositions(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES.iter().rev() {
            manager
                .drop_table(Table::drop().table(Alias::new(*table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
