//! Table-driven tests of the manufacturing rules, on a small world built through the commands.

mod world;

mod donors;
mod steps;
mod units;
