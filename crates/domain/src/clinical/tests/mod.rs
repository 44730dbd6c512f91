//! Tests of the clinical record: a fixture world, then table-driven tests per area, each
//! ending with a replay of the log that must rebuild the same state.

mod administration;
mod bedside;
mod fixture;
mod followup;
mod orders;
mod recall;
mod redaction;
mod replay;
mod scans;
mod world;
