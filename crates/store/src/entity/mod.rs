//! sea-orm entities, one module per table. Only the store sees them; the API has its own types.

pub mod app_user;
pub mod checkpoint;
pub mod deviation;
pub mod donation;
pub mod donor;
pub mod donor_personal;
pub mod donor_screening;
pub mod equipment;
pub mod ledger_entry;
pub mod ledger_subject;
pub mod lot;
pub mod lot_donor;
pub mod lot_parent;
pub mod material_lot;
pub mod merkle_hash;
pub mod processing_step;
pub mod product_definition;
pub mod step_equipment;
pub mod step_input;
pub mod step_material;
pub mod step_measurement;
pub mod step_output;
pub mod unit;
pub mod user_credential;
pub mod user_session;
