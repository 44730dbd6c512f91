//! `cordtrace users`: bootstrap and list users from the command line.

use std::io::Read as _;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::Subcommand;
use cordtrace_domain::identity::commands::NewUser;
use cordtrace_domain::identity::{Password, PrintedName, Username};
use cordtrace_domain::ids::UserId;
use cordtrace_domain::{Actor, Role, Roles};
use cordtrace_store::Executor;
use cordtrace_store::auth;
use cordtrace_store::commands::users::RegisterUser;

use super::say;
use crate::app;
use crate::config::Settings;

#[derive(Subcommand, Debug)]
pub(crate) enum UsersCommand {
    /// Adds a user. The password is read from standard input or CORDTRACE_PASSWORD, never from
    /// the command line, where other users of the machine could see it.
    #[command(
        after_help = "Example:\n  CORDTRACE_PASSWORD='a long passphrase' cordtrace users add \\\n    \
                            --username qa.lead --name 'Invented QA Lead' --role qa"
    )]
    Add {
        /// Login name.
        #[arg(long)]
        username: String,
        /// Printed name, as signatures show it.
        #[arg(long)]
        name: String,
        /// A role; repeat for several (technician, analyst, qa, clinician, auditor, admin).
        #[arg(long = "role", required = true)]
        roles: Vec<Role>,
    },
    /// Lists users.
    #[command(after_help = "Example:\n  cordtrace users list")]
    List,
}

fn read_password() -> anyhow::Result<String> {
    if let Ok(password) = std::env::var("CORDTRACE_PASSWORD") {
        return Ok(password);
    }
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("cannot read the password from standard input")?;
    let password = input.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        bail!("no password given: pipe it on standard input or set CORDTRACE_PASSWORD");
    }
    Ok(password)
}

impl UsersCommand {
    pub(crate) async fn run(self, settings: Settings) -> anyhow::Result<ExitCode> {
        let database = app::open_installation(&settings).await?.database;
        let (executor, writer) = Executor::start(database.clone());
        let result = self.run_with(&executor).await;
        drop(executor);
        writer.await.context("the command executor panicked")?;
        database.close().await?;
        result
    }

    async fn run_with(self, executor: &Executor) -> anyhow::Result<ExitCode> {
        match self {
            UsersCommand::Add {
                username,
                name,
                roles,
            } => {
                let username = Username::parse(&username)?;
                let printed_name = PrintedName::parse(&name)?;
                let roles = Roles::new(roles)?;
                let password = Password::new(read_password()?, &username)?;
                let password_hash = auth::password::hash(password).await?;
                let user_id = UserId::from_uuid(uuid::Uuid::now_v7());
                let new = NewUser {
                    user_id,
                    username: username.clone(),
                    printed_name,
                    roles,
                    must_change_password: false,
                };
                executor
                    .execute(Actor::System, RegisterUser { new, password_hash })
                    .await
                    .context("cannot add the user")?;
                say(format_args!("added user {username} ({user_id})"))?;
            }
            UsersCommand::List => {
                let users = auth::list_users(executor).await?;
                if users.is_empty() {
                    // On standard error: the listing itself stays empty for scripts.
                    eprintln!("no user yet: `cordtrace users add` adds the first administrator");
                }
                for user in users {
                    let roles: Vec<&str> = user.roles.iter().map(|r| r.as_str()).collect();
                    let state = if user.active { "active" } else { "deactivated" };
                    say(format_args!(
                        "{}\t{}\t{}\t{}\t{}",
                        user.id,
                        user.username,
                        user.printed_name,
                        roles.join(","),
                        state
                    ))?;
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}
