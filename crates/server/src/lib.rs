//! The cordtrace server as a library: configuration, CLI, HTTP, start-up and shutdown.
//!
//! The binary is a thin `main` over [`cli::Cli`]; the end-to-end tests start servers through
//! [`app::start`].

pub mod app;
mod checkpointer;
pub mod cli;
pub mod config;
mod database_lock;
pub mod exposition;
mod http;
pub mod keys;
pub mod telemetry;
