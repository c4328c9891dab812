//! An exclusive lock that serialises the writers of one database file.

use std::path::{Path, PathBuf};

use rustix::fs::{flock, FlockOperation};

use crate::IntelError;

/// An exclusive `flock` on `<db>.lock`, released when dropped (or when the process dies).
///
/// Two imports or updates of the same database each copy it, add their sources and rename
/// their copy over it, so without the lock the one that finishes last drops the other's
/// sources. Readers do not take the lock: they see the file before or after a rename.
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
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        fs_err::create_dir_all(dir).map_err(lock_error)?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(lock_error)?;
    match flock(&file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => return Ok(DbLock { _file: file }),
        Err(rustix::io::Errno::WOULDBLOCK) => {}
        Err(errno) => return Err(lock_error(errno.into())),
    }
    tracing::warn!(
        "waiting for another import of `{}` to finish (lock file `{}`)",
        db_path.display(),
        path.display()
    );
    flock(&file, FlockOperation::LockExclusive).map_err(|errno| lock_error(errno.into()))?;
    Ok(DbLock { _file: file })
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
}
