//! Wiping the store when the office withdraws the device or too many wrong PINs were entered. A
//! store opened from its vault loses its key first (unreadable at once), then its files (records,
//! outbox, drafts, profile and token all live there); the engine is left empty (`is_wiped`) and
//! the app goes back to enrollment. A store opened with a bare key starts over on a fresh, empty
//! store at the same place with the same key.

use std::path::{Path, PathBuf};

use gridwork_domain::HlcClock;

use crate::engine::Engine;
use crate::error::{CoreError, Result};

/// The files of the store at `db`: the database, its write-ahead log and its shared memory.
pub fn store_files(db: &Path) -> [PathBuf; 3] {
    let with = |suffix: &str| {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    [db.to_path_buf(), with("-wal"), with("-shm")]
}

impl Engine {
    /// Deletes everything this device holds: from a vault, its key first and then its files,
    /// leaving the engine empty (`is_wiped`); otherwise an empty store is reopened in its place.
    /// An in-memory store is simply replaced.
    pub fn wipe(&mut self) -> Result<()> {
        let path = self.conn.path().filter(|p| !p.is_empty()).map(PathBuf::from);
        let old = std::mem::replace(&mut self.conn, crate::db::open_memory()?);
        old.close().map_err(|(_, e)| CoreError::Storage(e))?;
        self.profile = None;
        self.clock = HlcClock::default();
        self.clock_offset_ms = 0;
        if let Some(link) = self.vault.take() {
            self.key = None;
            self.wiped = true;
            link.vault.destroy(&*link.keyring)?;
            tracing::warn!("the store's key was destroyed and its files removed");
            return Ok(());
        }
        if let Some(path) = path {
            for file in store_files(&path) {
                match std::fs::remove_file(&file) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(CoreError::Corrupt(format!("cannot delete {}: {e}", file.display()))),
                }
            }
            self.conn = self.reopen(&path)?;
        }
        tracing::warn!("the device was withdrawn by the office: its store was wiped");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Profile;
    use gridwork_domain::AreaCode;
    use gridwork_domain::wire::Role;

    #[test]
    fn a_wiped_store_holds_nothing_and_can_be_set_up_again() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("gridwork.db");
        let key = crate::store_key::StoreKey::random();
        let mut e = Engine::open(&db, &key).unwrap();
        let scope = AreaCode::parse("150621001001001").unwrap();
        e.set_profile(Profile::offline("王芳", "13800138000", Role::GridWorker, scope.clone(), 3).unwrap()).unwrap();
        e.save_draft("dispute", "{\"description\":\"楼上漏水\"}").unwrap();
        e.wipe().unwrap();
        assert!(matches!(e.profile(), Err(CoreError::NotInitialized)));
        assert_eq!(e.load_draft("dispute").unwrap(), None);
        drop(e);
        let raw = std::fs::read(&db).unwrap_or_default();
        assert!(!String::from_utf8_lossy(&raw).contains("王芳"));
        let mut again = Engine::open(&db, &key).unwrap();
        assert!(again.profile().is_err());
        again.set_profile(Profile::offline("李明", "13800138001", Role::GridWorker, scope, 4).unwrap()).unwrap();
    }
}
