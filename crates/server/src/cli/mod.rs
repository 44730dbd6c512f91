//! The command line: every subcommand shares one configuration.

mod ledger;
mod seed;
mod seed_clinic;
mod seed_production;
mod seed_release;
mod seed_report;
mod seed_timeline;
mod spec;
mod users;

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};

use crate::config::{FlagOverrides, Settings};
use crate::telemetry;
use crate::{app, keys};

/// cordtrace: chain of identity and custody for UC-MSC cell therapy products.
#[derive(Parser, Debug)]
#[command(name = "cordtrace", version, about)]
pub struct Cli {
    #[command(flatten)]
    global: GlobalOptions,
    #[command(subcommand)]
    command: Command,
}

/// Options every subcommand accepts.
#[derive(Args, Debug)]
struct GlobalOptions {
    /// TOML configuration file.
    #[arg(long, global = true, env = "CORDTRACE_CONFIG")]
    config: Option<PathBuf>,
    /// Address to listen on (default 127.0.0.1:8080).
    #[arg(long, global = true)]
    listen: Option<std::net::SocketAddr>,
    /// Data directory (default ./cordtrace-data).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// Database URL; postgres:// selects PostgreSQL (default: SQLite in the data directory).
    #[arg(long, global = true)]
    database_url: Option<String>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Runs the server: migrates the database, then serves GraphQL, health and metrics.
    #[command(
        after_help = "Example:\n  cordtrace serve --listen 0.0.0.0:8080 --data-dir /var/lib/cordtrace"
    )]
    Serve,
    /// Applies pending migrations.
    #[command(after_help = "Examples:\n  cordtrace migrate --status\n  \
                            cordtrace migrate --database-url postgres://cordtrace_owner@db/cordtrace")]
    Migrate {
        /// Lists applied and pending migrations instead.
        #[arg(long)]
        status: bool,
    },
    /// Prints the GraphQL schema (SDL).
    #[command(after_help = "Example:\n  cordtrace schema > schema.graphql")]
    Schema,
    /// Prints the effective configuration (defaults, then the file, then CORDTRACE_* variables,
    /// then flags) as TOML, with secrets redacted. Each key is set by the variable CORDTRACE_ and
    /// the key in capitals, e.g. facility_name by CORDTRACE_FACILITY_NAME.
    #[command(after_help = "Example:\n  cordtrace config --config /etc/cordtrace/cordtrace.toml")]
    Config,
    /// Prints a shell completion script, e.g. `cordtrace completions bash >
    /// /etc/bash_completion.d/cordtrace`.
    #[command(after_help = "Example:\n  cordtrace completions zsh > ~/.zfunc/_cordtrace")]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Prints the manual page (roff), e.g. `cordtrace man > /usr/local/share/man/man1/cordtrace.1`.
    #[command(after_help = "Example:\n  cordtrace man | man -l -")]
    Man,
    /// Verifies, exports and signs the custody ledger.
    #[command(after_help = "Example:\n  cordtrace ledger verify")]
    Ledger {
        #[command(subcommand)]
        command: ledger::LedgerCommand,
    },
    /// Fills an empty installation with a small demo facility and nine months of history (or
    /// a large one with --scale); refuses while a server uses the SQLite database.
    #[command(
        after_help = "Examples:\n  cordtrace seed-demo\n  cordtrace seed-demo --json > demo.json"
    )]
    SeedDemo {
        /// Generate this many donations, each carried to 32 drug product lots of 32 units.
        #[arg(long)]
        scale: Option<usize>,
        /// Print the demo's address, users, next steps and bedside scans as one JSON object.
        #[arg(long, conflicts_with = "scale")]
        json: bool,
    },
    /// Imports and lists release specifications.
    #[command(after_help = "Example:\n  cordtrace spec import-default")]
    Spec {
        #[command(subcommand)]
        command: spec::SpecCommand,
    },
    /// Manages users.
    #[command(after_help = "Example:\n  cordtrace users list")]
    Users {
        #[command(subcommand)]
        command: users::UsersCommand,
    },
}

impl Cli {
    /// Runs the command and returns the process exit code.
    pub async fn run(self) -> ExitCode {
        // Documents of the command line itself need no configuration: they work even where
        // the configuration is broken.
        match self.command {
            Command::Completions { shell } => return completions(shell),
            Command::Man => return manual_page(),
            _ => {}
        }
        let flags = FlagOverrides {
            listen: self.global.listen,
            data_dir: self.global.data_dir,
            database_url: self.global.database_url,
        };
        let settings = match Settings::load(self.global.config.as_deref(), &flags) {
            Ok(settings) => settings,
            Err(error) => {
                eprintln!("error: invalid configuration: {error}");
                return ExitCode::from(2);
            }
        };
        let filter = match telemetry::log_filter(&settings.log_level) {
            Ok(filter) => filter,
            Err(error) => {
                eprintln!("error: invalid configuration: {error}");
                return ExitCode::from(2);
            }
        };
        telemetry::init_logging(settings.log_format, filter);
        match self.command.run(settings).await {
            Ok(code) => code,
            Err(error) => {
                eprintln!("error: {error:#}");
                ExitCode::FAILURE
            }
        }
    }
}

/// Prints the completion script of `shell`.
fn completions(shell: clap_complete::Shell) -> ExitCode {
    let mut command = <Cli as clap::CommandFactory>::command();
    clap_complete::generate(shell, &mut command, "cordtrace", &mut std::io::stdout());
    ExitCode::SUCCESS
}

/// Prints the manual page.
fn manual_page() -> ExitCode {
    let man = clap_mangen::Man::new(<Cli as clap::CommandFactory>::command());
    match man.render(&mut std::io::stdout()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: cannot write the manual page: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Writes a line to standard output; the CLI's answers go there, logs go to standard error.
pub(crate) fn say(line: impl std::fmt::Display) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}")?;
    Ok(())
}

impl Command {
    async fn run(self, settings: Settings) -> anyhow::Result<ExitCode> {
        match self {
            Command::Serve => app::serve(settings).await.map(|()| ExitCode::SUCCESS),
            Command::Migrate { status } => {
                let database = app::open_database_unmigrated(&settings).await?;
                if !status {
                    database.migrate().await?;
                    // Migrating is a new installation's first write: its key is made with it.
                    if let Err(error) = keys::for_installation(&settings, &database).await {
                        database.close().await?;
                        return Err(error);
                    }
                }
                for migration in database.migration_status().await? {
                    let state = if migration.applied {
                        "applied"
                    } else {
                        "pending"
                    };
                    say(format_args!("{state:8} {}", migration.name))?;
                }
                database.close().await?;
                Ok(ExitCode::SUCCESS)
            }
            Command::Schema => {
                say(cordtrace_api::sdl().trim_end())?;
                Ok(ExitCode::SUCCESS)
            }
            Command::Config => {
                let text = settings
                    .redacted_toml()
                    .context("the configuration cannot be written as TOML")?;
                say(format_args!(
                    "# The effective configuration of cordtrace; secrets are redacted.\n{}",
                    text.trim_end()
                ))?;
                Ok(ExitCode::SUCCESS)
            }
            Command::Completions { shell } => Ok(completions(shell)),
            Command::Man => Ok(manual_page()),
            Command::Users { command } => command.run(settings).await,
            Command::Spec { command } => command.run(settings).await,
            Command::Ledger { command } => command.run(settings).await,
            Command::SeedDemo { scale, json } => seed::run(settings, scale, json).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    /// Every subcommand, at any depth, by its path (`ledger verify`).
    fn every_subcommand(command: &clap::Command, path: &str, found: &mut Vec<(String, String)>) {
        for sub in command.get_subcommands() {
            let path = format!("{path} {}", sub.get_name()).trim().to_owned();
            let after = sub
                .get_after_help()
                .map(ToString::to_string)
                .unwrap_or_default();
            found.push((path.clone(), after));
            every_subcommand(sub, &path, found);
        }
    }

    #[test]
    fn every_subcommand_shows_an_example_of_itself() {
        let mut found = Vec::new();
        every_subcommand(&Cli::command(), "", &mut found);
        assert!(found.len() >= 15, "{found:?}");
        for (path, after) in found {
            assert!(
                after.contains("Example"),
                "`cordtrace {path} --help` has no example"
            );
            assert!(
                after.contains(&format!("cordtrace {path}")),
                "the example of `{path}` runs it: {after}"
            );
        }
    }
}
