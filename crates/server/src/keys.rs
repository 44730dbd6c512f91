//! The installation's checkpoint signing key: from configuration, or a file created on first start.

use std::io::Write as _;
use std::path::Path;

use anyhow::{Context as _, bail};
use cordtrace_ledger::LedgerSigner;

use crate::config::Settings;

/// Loads the signing key from the settings or the key file, creating the file if it is missing.
///
/// The key never reaches a log: errors name the file, not its content.
pub fn load_or_create(settings: &Settings) -> anyhow::Result<LedgerSigner> {
    let signer = match &settings.signing_key {
        Some(text) => LedgerSigner::from_private_key(text.trim())
            .context("the configured signing_key is not a valid PRIVATE+KEY string")?,
        None => {
            let path = settings.signing_key_path();
            if path.exists() {
                read_key_file(&path)?
            } else {
                create_key_file(&path, &settings.origin)?
            }
        }
    };
    if signer.origin() != settings.origin {
        bail!(
            "the signing key is for origin `{}` but the configured origin is `{}`",
            signer.origin(),
            settings.origin
        );
    }
    Ok(signer)
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
