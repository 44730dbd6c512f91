//! The lock file beside a SQLite database (`<database file>.lock`), so that `seed-demo` never
//! writes a history into a database a server is serving.
//!
//! Every server holds a shared advisory lock on it for its whole life (several processes may
//! serve one SQLite file); `seed-demo` takes it exclusively, so it refuses to start while any
//! server runs, and a server refuses to start while a seed runs. The operating system drops
//! the lock when the process ends, however it ends, so a crash leaves nothing to clean up. The
//! file itself stays (deleting it would let two processes lock two different files of the same
//! name). PostgreSQL needs no such file: `seed-demo` refuses a non-empty ledger there, and the
//! executor refuses a replayed command behind another writer's entry.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

use crate::config::Settings;

/// A held lock; dropping it releases the lock.
#[derive(Debug)]
pub struct DatabaseLock {
    _file: File,
}

/// The lock file of a SQLite database file.
pub fn lock_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// The shared lock a server holds while it serves; `None` when the database is not a SQLite
/// file. Fails while `seed-demo` seeds it.
pub fn for_server(settings: &Settings) -> anyhow::Result<Option<DatabaseLock>> {
    let Some(database) = settings.sqlite_path() else {
        return Ok(None);
    };
    let file = open(&database)?;
    match file.try_lock_shared() {
        Ok(()) => Ok(Some(DatabaseLock { _file: file })),
        Err(TryLockError::WouldBlock) => bail!(
            "cordtrace seed-demo is seeding {}; start the server when it has finished",
            database.display()
        ),
        Err(TryLockError::Error(error)) => {
            Err(error).with_context(|| format!("cannot lock {}", lock_path(&database).display()))
        }
    }
}

/// The exclusive lock `seed-demo` holds while it seeds; `None` when the database is not a
/// SQLite file. Fails while a server (or another seed) uses the database.
pub fn for_seed(settings: &Settings) -> anyhow::Result<Option<DatabaseLock>> {
    let Some(database) = settings.sqlite_path() else {
        return Ok(None);
    };
    let file = open(&database)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(DatabaseLock { _file: file })),
        Err(TryLockError::WouldBlock) => bail!(
            "a cordtrace server is using {}; stop it before seeding (seed-demo must be the \
             only writer of a new installation)",
            database.display()
        ),
        Err(TryLockError::Error(error)) => {
            Err(error).with_context(|| format!("cannot lock {}", lock_path(&database).display()))
        }
    }
}

fn open(database: &Path) -> anyhow::Result<File> {
    let path = lock_path(database);
    // Never truncated or written: the file's content means nothing, only its lock does.
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open the lock file {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(dir: &Path) -> Settings {
        Settings {
            data_dir: dir.to_path_buf(),
            ..Settings::default()
        }
    }

    #[test]
    fn servers_share_the_lock_and_a_seed_takes_it_alone() {
        let dir = tempfile::tempdir().unwrap();
        let settings = settings(dir.path());
        let first = for_server(&settings).unwrap();
        let second = for_server(&settings).unwrap();
        assert!(first.is_some() && second.is_some());
        let refused = for_seed(&settings).unwrap_err().to_string();
        assert!(refused.contains("a cordtrace server is using"), "{refused}");
        drop((first, second));

        let seeding = for_seed(&settings).unwrap();
        assert!(seeding.is_some());
        let refused = for_server(&settings).unwrap_err().to_string();
        assert!(refused.contains("seed-demo is seeding"), "{refused}");
        drop(seeding);
        assert!(for_server(&settings).unwrap().is_some());
        assert!(dir.path().join("cordtrace.db.lock").exists());
    }

    #[test]
    fn postgres_has_no_lock_file() {
        let settings = Settings {
            database_url: Some("postgres://cordtrace@db.example/cordtrace".to_owned()),
            ..Settings::default()
        };
        assert!(for_seed(&settings).unwrap().is_none());
        assert!(for_server(&settings).unwrap().is_none());
    }
}
