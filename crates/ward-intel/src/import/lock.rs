//! An exclusive lock that serialises the writers of one database file.

use std::fs::TryLockError;
use std::path::{Path, PathBuf};

use crate::IntelError;

/// An exclusive lock on `<db>.lock` (`flock` on Unix, `LockFileEx` on Windows), released when
/// dropped or when the process dies.
///
/// Two imports or updates of the same database each copy it, add their sources and rename
/// their copy over it, so without the lock the one that finishes last drops the other's
/// sources. Opening a file of an older schema migrates it the same way and takes the lock
/// too. Other readers do not take it: they see the file before or after a rename.
#[derive(Debug)]
pub(crate) struct DbLock {
    _file: std::fs::File,
}

/// Returns the lock file path of `db_path`: the same path with `.lock` appended.
pub(crate) fn lock_path(db_path: &Path) -> PathBuf {
    let mut path = db_path.as_os_str().to_owned();
    path.push(".lock");
    PathBuf::from(path)
}

/// Takes the lock of `db_path`, waiting for another import or update to finish first.
pub(crate) fn lock_database(db_path: &Path) -> Result<DbLock, IntelError> {
    let path = lock_path(db_path);
    let lock_error = |source: std::io::Error| IntelError::Lock {
        path: path.clone(),
        source,
    };
    // Failing to create the lock file means the import could not write its copy either.
    let create_error = |source: std::io::Error| IntelError::CreateDatabase {
        path: db_path.to_owned(),
        source,
    };
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(create_error)?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(create_error)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            tracing::warn!(
                "waiting for another import or migration of `{}` to finish (lock file `{}`)",
                db_path.display(),
                path.display()
            );
            file.lock().map_err(lock_error)?;
        }
        Err(TryLockError::Error(error)) => return Err(lock_error(error)),
    }
    remove_stale_temp_files(db_path);
    Ok(DbLock { _file: file })
}

/// Deletes the `.<db name>.*.tmp` working copies that a killed import left next to the
/// database. The caller holds the lock, so no other import or migration is writing one.
fn remove_stale_temp_files(db_path: &Path) {
    let Some(name) = db_path.file_name().map(|name| name.to_string_lossy()) else {
        return;
    };
    let prefix = format!(".{name}.");
    let dir = match db_path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        if !(file_name.starts_with(&prefix) && file_name.ends_with(".tmp")) {
            continue;
        }
        let path = entry.path();
        match std::fs::remove_file(&path) {
            Ok(()) => tracing::info!(path = %path.display(), "removed a stale temporary database"),
            Err(error) => tracing::warn!(
                path = %path.display(),
                %error,
                "cannot remove a stale temporary database"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn second_lock_waits_for_first() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("intel.sqlite");
        let first = lock_database(&db).unwrap();
        let (sender, receiver) = mpsc::channel();

        let waiter = std::thread::spawn({
            let db = db.clone();
            move || {
                let second = lock_database(&db).unwrap();
                sender.send(()).unwrap();
                drop(second);
            }
        });

        assert!(receiver.recv_timeout(Duration::from_millis(300)).is_err());
        drop(first);
        assert!(receiver.recv_timeout(Duration::from_secs(5)).is_ok());
        waiter.join().unwrap();
        assert!(lock_path(&db).exists());
    }

    #[test]
    fn lock_removes_stale_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("intel.sqlite");
        let stale = dir.path().join(".intel.sqlite.a1B2c3.tmp");
        let other = dir.path().join(".other.sqlite.a1B2c3.tmp");
        std::fs::write(&db, b"").unwrap();
        std::fs::write(&stale, b"partial").unwrap();
        std::fs::write(&other, b"partial").unwrap();

        let _lock = lock_database(&db).unwrap();

        assert!(!stale.exists());
        assert!(other.exists());
        assert!(db.exists());
    }
}
