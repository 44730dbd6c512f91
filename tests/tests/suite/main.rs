//! The end-to-end suite: real servers on free ports, real HTTP, real Chromium, on SQLite or on
//! PostgreSQL (`TEST_POSTGRES_URL`). One binary rather than one per file, so that the whole stack
//! is linked once and the tests of every area run side by side; each test still makes its own
//! database and server and depends on no other. `metrics.rs` and `schema.rs` stay binaries of
//! their own: the first asserts exact counts of the process-wide metrics recorder, the second is
//! the schema check run on its own (`--test schema`).
//!
//! One area's tests: `cargo test -p cordtrace-tests --test suite web_clinic::`.

mod abuse;
mod administration;
mod authorization;
mod bedside;
mod clinical_flow;
mod donations;
mod donors;
mod followup;
mod full_flow;
mod http;
mod http_hardening;
mod identity;
mod intake_common;
mod labels;
mod ledger_api;
mod ledger_concurrency;
mod ledger_tamper;
mod lineage;
mod materials;
mod read_rules;
mod recall;
mod redaction;
mod release;
mod replay_clock;
mod session_end;
mod smoke;
mod steps_and_lots;
mod text_safety;
mod units;
mod web_audit;
mod web_batch_record;
mod web_bedside;
mod web_clinic;
mod web_intake;
mod web_lineage;
mod web_release;
