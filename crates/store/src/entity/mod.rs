//! sea-orm entities, one module per table. Only the store sees them; the API has its own types.

pub mod app_user;
pub mod checkpoint;
pub mod ledger_entry;
pub mod ledger_subject;
pub mod merkle_hash;
pub mod user_credential;
pub mod user_session;
