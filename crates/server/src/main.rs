//! The `cordtrace` binary.

use std::process::ExitCode;

use clap::Parser;
use cordtrace_server::cli::Cli;

#[tokio::main]
async fn main() -> ExitCode {
    Cli::parse().run().await
}
