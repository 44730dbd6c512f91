//! Database migrations of cordtrace.
//!
//! One change per file, named `mYYYYMMDD_HHMMSS_verb_noun.rs`, never edited once landed, with no
//! imports from entity code: the schema history must stay reproducible whatever the entities become.

pub use sea_orm_migration::prelude::*;

mod builders;
mod m20261125_000001_create_ledger;
mod m20261125_000002_protect_ledger;
mod m20261125_000003_create_users;
mod m20261125_000004_create_donors;
mod m20261125_000005_create_materials;
mod m20261125_000006_create_lots_and_steps;
mod m20261125_000007_create_deviations_and_units;
mod m20261125_000008_create_release;
mod m20261125_000009_create_clinical;
mod m20261126_000010_add_personal_data_redaction;
mod m20261207_000011_add_unit_label_prints;
mod m20261208_000012_index_unit_custody;
mod m20261208_000013_add_eligibility_request;
mod m20261208_000014_add_unit_receiver;

/// Every migration, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_create_ledger::Migration),
            Box::new(m20261125_000002_protect_ledger::Migration),
            Box::new(m20261125_000003_create_users::Migration),
            Box::new(m20261125_000004_create_donors::Migration),
            Box::new(m20261125_000005_create_materials::Migration),
            Box::new(m20261125_000006_create_lots_and_steps::Migration),
            Box::new(m20261125_000007_create_deviations_and_units::Migration),
            Box::new(m20261125_000008_create_release::Migration),
            Box::new(m20261125_000009_create_clinical::Migration),
            Box::new(m20261126_000010_add_personal_data_redaction::Migration),
            Box::new(m20261207_000011_add_unit_label_prints::Migration),
            Box::new(m20261208_000012_index_unit_custody::Migration),
            Box::new(m20261208_000013_add_eligibility_request::Migration),
            Box::new(m20261208_000014_add_unit_receiver::Migration),
        ]
    }
}
