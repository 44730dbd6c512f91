//! `cordtrace ledger`: verify, export, sign and show the public key.

use std::io::BufWriter;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::Subcommand;
use cordtrace_ledger::{CheckpointVerifier, LedgerSigner, verify_export};
use cordtrace_store::Executor;
use cordtrace_store::ledger::{checkpoints, export, verify};

use super::say;
use crate::config::Settings;
use crate::{app, keys};

#[derive(Subcommand, Debug)]
pub(crate) enum LedgerCommand {
    /// Verifies the ledger: against the database (with a replay of every event), or offline
    /// against an export file and a verifier key with no database at all.
    Verify {
        /// An export file to verify offline instead of the database.
        #[arg(long, requires = "key")]
        file: Option<PathBuf>,
        /// The ledger's verifier key (`cordtrace ledger public-key`), for `--file`.
        #[arg(long, requires = "file")]
        key: Option<String>,
    },
    /// Writes every entry and checkpoint as JSON Lines.
    Export {
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Signs a checkpoint now if the ledger grew since the last one.
    Checkpoint,
    /// Prints the C2SP verifier key of this installation (as the last line).
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
                let signer = keys::load_or_create(&settings)?;
                let database = app::open_database(&settings).await?;
                let (executor, writer) = Executor::start(database.clone());
                let signed = checkpoints::sign(&executor, signer).await;
                drop(executor);
                writer.await.context("the command executor panicked")?;
                database.close().await?;
                match signed? {
                    Some(checkpoint) => say(format_args!(
                        "signed checkpoint of {} entries\n{}",
                        checkpoint.size,
                        checkpoint.note.trim_end()
                    ))?,
                    None => say("the latest checkpoint already covers every entry")?,
                }
                Ok(ExitCode::SUCCESS)
            }
            LedgerCommand::PublicKey => {
                let signer = keys::load_or_create(&settings)?;
                say(signer.verifier_key())?;
                Ok(ExitCode::SUCCESS)
            }
        }
    }
}

/// The installation's signing key, which verification never creates: checkpoints checked
/// against a new key would all look forged.
fn existing_signer(settings: &Settings) -> anyhow::Result<LedgerSigner> {
    let path = settings.signing_key_path();
    if settings.signing_key.is_none() && !path.exists() {
        bail!(
            "there is no ledger signing key at {}: point CORDTRACE_SIGNING_KEY_FILE at this \
             installation's key",
            path.display()
        );
    }
    keys::load_or_create(settings)
}

async fn verify_database(settings: &Settings) -> anyhow::Result<ExitCode> {
    let signer = existing_signer(settings)?;
    let verifier = CheckpointVerifier::new(&signer.verifier_key())
        .context("the installation's verifier key does not parse")?;
    let database = app::open_database(settings).await?;
    let result = verify::verify(&database, &verifier).await;
    database.close().await?;
    match result {
        Ok(report) => {
            say(format_args!(
                "ledger verified: {} entries, {} checkpoints, replay matches current state, in {:.3} s",
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
