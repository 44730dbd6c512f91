//! `cordtrace spec`: release specifications from the command line.

use std::process::ExitCode;

use anyhow::Context as _;
use clap::Subcommand;
use cordtrace_domain::ids::SpecificationId;
use cordtrace_domain::{Actor, Refusal};
use cordtrace_store::commands::release::ImportDefaultSpecification;
use cordtrace_store::queries::release;
use cordtrace_store::{CommandError, Executor};
use uuid::Uuid;

use super::say;
use crate::app;
use crate::config::Settings;

/// The refusal code of a version that already exists.
const DUPLICATE_VERSION: &str = "DUPLICATE_SPEC_VERSION";

#[derive(Subcommand, Debug)]
pub(crate) enum SpecCommand {
    /// Imports the default UC-MSC drug product specification shipped with cordtrace (version 1),
    /// as cordtrace itself. Does nothing if it is already defined.
    #[command(after_help = "Example:\n  cordtrace spec import-default")]
    ImportDefault,
    /// Lists every specification version.
    #[command(after_help = "Example:\n  cordtrace spec list")]
    List,
}

impl SpecCommand {
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
            SpecCommand::ImportDefault => match import_default(executor).await? {
                Some(id) => {
                    say(format_args!(
                        "imported the default DRUG_PRODUCT specification v1 as {id}"
                    ))?;
                    Ok(ExitCode::SUCCESS)
                }
                None => {
                    say("the default DRUG_PRODUCT specification v1 is already defined")?;
                    Ok(ExitCode::SUCCESS)
                }
            },
            SpecCommand::List => {
                let specifications = release::specifications(executor.database(), None).await?;
                if specifications.is_empty() {
                    // On standard error: the listing itself stays empty for scripts.
                    eprintln!(
                        "no specification yet: `cordtrace spec import-default` imports the default"
                    );
                }
                for spec in specifications {
                    let content = &spec.content;
                    say(format_args!(
                        "{} {:<14} {:<4} effective {}  {} tests  {}",
                        spec.id,
                        content.product_kind().as_str(),
                        content.version().to_string(),
                        content.effective_on(),
                        content.tests().len(),
                        content.title()
                    ))?;
                }
                Ok(ExitCode::SUCCESS)
            }
        }
    }
}

/// Imports the default specification as cordtrace; `None` if it is already defined.
pub(crate) async fn import_default(executor: &Executor) -> anyhow::Result<Option<SpecificationId>> {
    let command = ImportDefaultSpecification {
        specification_id: SpecificationId::from_uuid(Uuid::now_v7()),
    };
    match executor.execute(Actor::System, command).await {
        Ok(committed) => Ok(Some(committed.output)),
        Err(CommandError::Refused(Refusal { reasons, .. }))
            if reasons
                .iter()
                .any(|reason| reason.code == DUPLICATE_VERSION) =>
        {
            Ok(None)
        }
        Err(error) => Err(error).context("cannot import the default specification"),
    }
}
