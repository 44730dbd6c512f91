//! `cordtrace ledger`: verify, export, sign and show the public key.

use std::io::BufWriter;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Subcommand;
use cordtrace_ledger::{CheckpointVerifier, verify_export};
use cordtrace_store::ledger::{checkpoints, export, verify};
use cordtrace_store::{Database, Executor};

use super::say;
use crate::config::Settings;
use crate::{app, keys};

#[derive(Subcommand, Debug)]
pub(crate) enum LedgerCommand {
    /// Verifies the ledger: against the database (with a replay of every event), or offline
    /// against an export file and a verifier key with no database at all.
    #[command(after_help = "Examples:\n  cordtrace ledger verify\n  \
                            cordtrace ledger verify --file ledger.jsonl --key \"$(cordtrace ledger public-key | tail -n 1)\"")]
    Verify {
        /// An export file to verify offline instead of the database.
        #[arg(long, requires = "key")]
        file: Option<PathBuf>,
        /// The ledger's verifier key (`cordtrace ledger public-key`), for `--file`.
        #[arg(long, requires = "file")]
        key: Option<String>,
    },
    /// Writes every entry and checkpoint as JSON Lines.
    #[command(after_help = "Example:\n  cordtrace ledger export --out ledger.jsonl")]
    Export {
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Signs a checkpoint now if the ledger grew since the last one.
    #[command(after_help = "Example:\n  cordtrace ledger checkpoint")]
    Checkpoint,
    /// Prints the C2SP verifier key of this installation (as the last line).
    #[command(after_help = "Example:\n  cordtrace ledger public-key | tail -n 1 > ledger.pub")]
    PublicKey,
}

impl LedgerCommand {
    pub(crate) async fn run(self, settings: Settings) -> anyhow::Result<ExitCode> {
        match self {
            LedgerCommand::Verify {
                file: Some(file),
                key: Some(key),
            } => verify_offline(&file, &key),
            LedgerCommand::Verify { .. } => verify_database(&settings).await,
            LedgerCommand::Export { out } => {
                let database = app::open_database(&settings).await?;
                let file = std::fs::File::create(&out)
                    .with_context(|| format!("cannot create {}", out.display()))?;
                let mut writer = BufWriter::new(file);
                let summary = export::export(&database, &settings.origin, &mut writer).await?;
                database.close().await?;
                say(format_args!(
                    "exported {} entries and {} checkpoints to {}",
                    summary.entries,
                    summary.checkpoints,
                    out.display()
                ))?;
                Ok(ExitCode::SUCCESS)
            }
            LedgerCommand::Checkpoint => {
                let app::Installation { database, signer } =
                    app::open_installation(&settings).await?;
                let (executor, writer) = Executor::start(database.clone());
                let signed = checkpoints::sign(&executor, signer).await;
                drop(executor);
                writer.await.context("the command executor panicked")?;
                let latest = checkpoints::latest(&database).await;
                database.close().await?;
                match (signed?, latest?) {
                    (Some(checkpoint), _) => say(format_args!(
                        "signed checkpoint of {} entries\n{}",
                        checkpoint.size,
                        checkpoint.note.trim_end()
                    ))?,
                    (None, Some(latest)) => say(format_args!(
                        "the latest checkpoint already covers every entry ({})",
                        latest.size
                    ))?,
                    (None, None) => say("the ledger has no entries yet: there is nothing to sign")?,
                }
                Ok(ExitCode::SUCCESS)
            }
            LedgerCommand::PublicKey => {
                let installation = app::open_installation(&settings).await?;
                installation.database.close().await?;
                say(installation.signer.verifier_key())?;
                Ok(ExitCode::SUCCESS)
            }
        }
    }
}

/// Verifies the database with the installation's key, which verification never creates:
/// checkpoints checked against a new key would all look forged. An installation without a key
/// has never signed a checkpoint (see [`keys::for_installation`]), so its chain and state are
/// verified and any checkpoint found is a fault.
async fn verify_database(settings: &Settings) -> anyhow::Result<ExitCode> {
    let database = app::open_database(settings).await?;
    let verifier = match installation_verifier(settings, &database).await {
        Ok(verifier) => verifier,
        Err(error) => {
            database.close().await?;
            return Err(error);
        }
    };
    let result = match &verifier {
        Some(verifier) => verify::verify(&database, verifier).await,
        None => verify::verify_unsigned(&database).await,
    };
    database.close().await?;
    match result {
        Ok(report) => {
            let keyless = if verifier.is_none() {
                " (no checkpoint signed yet)"
            } else {
                ""
            };
            say(format_args!(
                "ledger verified: {} entries, {} checkpoints, replay matches current state, in {:.3} s{keyless}",
                report.entries,
                report.checkpoints,
                report.elapsed.as_secs_f64()
            ))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(verify::VerifyError::Fault(fault)) => {
            say(format_args!("ledger verification FAILED: {fault}"))?;
            Ok(ExitCode::FAILURE)
        }
        Err(error) => Err(error.into()),
    }
}

/// The installation's verifier key, or `None` for an installation that has no key yet and so
/// never signed a checkpoint.
async fn installation_verifier(
    settings: &Settings,
    database: &Database,
) -> anyhow::Result<Option<CheckpointVerifier>> {
    if !keys::key_configured(settings) {
        keys::refuse_if_signed(settings, database).await?;
        return Ok(None);
    }
    let signer = keys::for_installation(settings, database).await?;
    CheckpointVerifier::new(&signer.verifier_key())
        .map(Some)
        .context("the installation's verifier key does not parse")
}

fn verify_offline(file: &PathBuf, key: &str) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let reader = std::io::BufReader::new(
        std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?,
    );
    match verify_export(reader, key) {
        Ok(summary) => {
            say(format_args!(
                "export verified: {} entries, {} checkpoints (signed through entry {}), in {:.3} s",
                summary.entries,
                summary.checkpoints,
                summary.last_checkpoint_size,
                started.elapsed().as_secs_f64()
            ))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(fault) => {
            say(format_args!(
                "export verification FAILED: {}: {fault}",
                fault.kind()
            ))?;
            Ok(ExitCode::FAILURE)
        }
    }
}
