//! The installation's checkpoint signing key: from configuration, or a file created with the
//! installation.

use std::io::Write as _;
use std::path::Path;

use anyhow::{Context as _, bail};
use cordtrace_ledger::LedgerSigner;
use cordtrace_store::Database;
use cordtrace_store::ledger::checkpoints;

use crate::config::Settings;

/// The installation's signing key, created by the first command that opens a new installation.
///
/// A missing key is created only while the ledger holds no signed checkpoint. Once one exists,
/// a new key would make every checkpoint look forged and the next ones be signed by a stranger,
/// so a lost or mistyped key file is refused with what to do instead of silently replaced.
pub async fn for_installation(
    settings: &Settings,
    database: &Database,
) -> anyhow::Result<LedgerSigner> {
    if !key_configured(settings) {
        refuse_if_signed(settings, database).await?;
    }
    load_or_create(settings)
}

/// Refuses when the ledger holds a signed checkpoint but the installation has no key.
pub(crate) async fn refuse_if_signed(
    settings: &Settings,
    database: &Database,
) -> anyhow::Result<()> {
    let latest = checkpoints::latest(database)
        .await
        .context("cannot read the latest checkpoint")?;
    if let Some(checkpoint) = latest {
        bail!(
            "there is no ledger signing key at {} but this installation's ledger holds signed \
             checkpoints (the latest covers {} entries): restore the key file there or point \
             CORDTRACE_SIGNING_KEY_FILE at it; a new key would make every checkpoint look forged",
            settings.signing_key_path().display(),
            checkpoint.size
        );
    }
    Ok(())
}

/// Whether a key is given in the configuration or exists as a file.
pub(crate) fn key_configured(settings: &Settings) -> bool {
    settings.signing_key.is_some() || settings.signing_key_path().exists()
}

/// Loads the signing key from the settings or the key file, creating the file if it is missing.
///
/// The key never reaches a log: errors name the file, not its content. Commands reach it
/// through [`for_installation`], which first makes sure a missing key may be created.
fn load_or_create(settings: &Settings) -> anyhow::Result<LedgerSigner> {
    if key_configured(settings) {
        return load_existing(settings);
    }
    let signer = create_key_file(&settings.signing_key_path(), &settings.origin)?;
    check_origin(&signer, settings)?;
    Ok(signer)
}

/// Loads the configured key or the existing key file; never creates one.
pub fn load_existing(settings: &Settings) -> anyhow::Result<LedgerSigner> {
    let signer = match &settings.signing_key {
        Some(text) => LedgerSigner::from_private_key(text.trim())
            .context("the configured signing_key is not a valid PRIVATE+KEY string")?,
        None => read_key_file(&settings.signing_key_path())?,
    };
    check_origin(&signer, settings)?;
    Ok(signer)
}

fn check_origin(signer: &LedgerSigner, settings: &Settings) -> anyhow::Result<()> {
    if signer.origin() != settings.origin {
        bail!(
            "the signing key is for origin `{}` but the configured origin is `{}`",
            signer.origin(),
            settings.origin
        );
    }
    Ok(())
}

fn read_key_file(path: &Path) -> anyhow::Result<LedgerSigner> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the signing key file {}", path.display()))?;
    LedgerSigner::from_private_key(text.trim())
        .with_context(|| format!("{} does not hold a valid signing key", path.display()))
}

fn create_key_file(path: &Path, origin: &str) -> anyhow::Result<LedgerSigner> {
    let signer = LedgerSigner::generate(origin)
        .with_context(|| format!("cannot create a signing key for origin `{origin}`"))?;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    // Write the key to a private temporary file first and link it into place: the key file then
    // appears whole or not at all, so another process starting at the same moment never reads a
    // half-written key, and an existing key is never overwritten.
    let temporary = path.with_extension(format!("tmp.{}", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options
        .open(&temporary)
        .and_then(|mut file| {
            writeln!(file, "{}", signer.private_key_string())?;
            file.sync_all()
        })
        .with_context(|| format!("cannot write {}", temporary.display()));
    let linked = written.and_then(|()| match std::fs::hard_link(&temporary, path) {
        Ok(()) => Ok(true),
        // Another process created it first: use theirs, so every process signs with one key.
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(error) => Err(error).with_context(|| format!("cannot create {}", path.display())),
    });
    let _ = std::fs::remove_file(&temporary);
    if !linked? {
        return read_key_file(path);
    }
    tracing::info!(path = %path.display(), verifier_key = %signer.verifier_key(), "created the ledger signing key");
    Ok(signer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_once_then_reuses_the_key_file() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings {
            data_dir: dir.path().to_path_buf(),
            ..Settings::default()
        };
        let first = load_or_create(&settings).unwrap();
        let second = load_or_create(&settings).unwrap();
        assert_eq!(first.verifier_key(), second.verifier_key());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(settings.signing_key_path())
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let other_origin = Settings {
            origin: "elsewhere.example/ledger".to_owned(),
            ..settings
        };
        assert!(load_or_create(&other_origin).is_err());
    }
}
