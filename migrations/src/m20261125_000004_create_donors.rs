//! Donors, their screening results, their personal data (apart, redactable) and cord donations.

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
                    .table(Alias::new("donor"))
                    .col(col("id").uuid().not_null().primary_key())
                    .col(col("donor_key").string_len(32).not_null().unique_key())
                    .col(col("consent_form_id").string_len(200).null())
                    .col(col("consent_form_version").string_len(200).null())
                    .col(col("consent_signed_on").date().null())
                    .col(col("consent_therapy").boolean().null())
                    .col(col("consent_research").boolean().null())
                    .col(col("consent_withdrawn_on").date().null())
                    .col(col("consent_withdrawal_reason").text().null())
                    .col(col("eligibility_status").string_len(16).null())
                    .col(col("eligibility_reasons").text().null())
                    .col(col("eligibility_determined_by").uuid().null())
                    .col(
                        col("eligibility_determined_at")
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(col("registered_at").timestamp_with_time_zone().not_null())
                    .foreign_key(&mut fk(
                        "fk_donor_determined_by",
                        ("donor", "eligibility_determined_by"),
                        ("app_user", "id"),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_donor_determined_by",
                "donor",
                &["eligibility_determined_by"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Alias::new("donor_screening"))
                    .col(col("id").uuid().not_null().primary_key())
                    .col(col("donor_id").uuid().not_null())
                    .col(col("position").integer().not_null())
                    .col(col("marker").string_len(200).not_null())
                    .col(col("method").string_len(200).not_null())
                    .col(col("result").string_len(16).not_null())
                    .col(col("specimen_date").date().not_null())
                    .foreign_key(&mut fk(
                        "fk_donor_screening_donor",
                        ("donor_screening", "donor_id"),
                        ("donor", "id"),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "idx_donor_screening_donor",
                    "donor_screening",
                    &["donor_id", "position"],
                )
                .unique()
                .to_owned(),
            )
            .await?;

        // Personal data of the birth mother: readable by technicians and QA only, never in the
        // ledger, and redactable (the row's fields can be blanked) without breaking the chain.
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("donor_personal"))
                    .col(col("donor_id").uuid().not_null().primary_key())
                    .col(col("full_name").string_len(200).null())
                    .col(col("date_of_birth").date().null())
                    .col(col("hospital_record_number").string_len(64).null())
                    .col(col("contact").string_len(400).null())
                    .col(col("redacted_at").timestamp_with_time_zone().null())
                    .foreign_key(&mut fk(
                        "fk_donor_personal_donor",
                        ("donor_personal", "donor_id"),
                        ("donor", "id"),
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Alias::new("donation"))
                    .col(col("id").uuid().not_null().primary_key())
                    .col(col("din").string_len(13).not_null().unique_key())
                    .col(col("din_source").string_len(16).not_null())
                    .col(col("donor_id").uuid().not_null())
                    .col(col("collected_at").string_len(40).not_null())
                    .col(
                        col("collected_at_utc")
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(col("site").string_len(200).not_null())
                    .col(col("received_by").uuid().null())
                    .col(col("received_at").timestamp_with_time_zone().null())
                    .col(col("transport_temperature").string_len(16).null())
                    .col(col("arrival_condition").string_len(16).null())
                    .col(col("minutes_since_collection").big_integer().null())
                    .col(col("over_time_limit").boolean().null())
                    .col(col("registered_at").timestamp_with_time_zone().not_null())
                    .foreign_key(&mut fk(
                        "fk_donation_donor",
                        ("donation", "donor_id"),
                        ("donor", "id"),
                    ))
                    .foreign_key(&mut fk(
                        "fk_donation_received_by",
                        ("donation", "received_by"),
                        ("app_user", "id"),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("idx_donation_donor", "donation", &["donor_id"]))
            .await?;
        manager
            .create_index(index(
                "idx_donation_received_by",
                "donation",
                &["received_by"],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["donation", "donor_personal", "donor_screening", "donor"] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
