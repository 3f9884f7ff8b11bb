//! The key file beside the store (`<db>.key`): the wrapped data key with what unwrapping it needs,
//! and the wrong-PIN count with the lock numbers (read while the store is locked). It never holds
//! the device token or any record. Written whole or not at all: temp file, fsync, rename, fsync
//! of the folder.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::wrap::KdfParams;
use crate::error::{CoreError, Result};

/// The key file's format version.
pub const VERSION: u32 = 1;

/// The lock numbers kept with the key, so they hold while the store is locked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockNumbers {
    pub pin_delay_after: u32,
    pub pin_wipe_after: u32,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct KeyFile {
    pub version: u32,
    pub kdf: KdfParams,
    /// Hex of the Argon2id salt (16 bytes).
    pub salt: String,
    /// Hex of the XChaCha20-Poly1305 nonce (24 bytes).
    pub nonce: String,
    /// Hex of the data key sealed under the key-encryption key (32 bytes + 16 of tag).
    pub wrapped_key: String,
    /// Whether the key-encryption key also takes a device secret from the OS keyring.
    pub keyring: bool,
    /// The keyring entry's name (random per store, so two stores never share one).
    pub keyring_id: String,
    /// Wrong PINs in a row; counted before each try is made.
    pub failures: u32,
    /// No try before this time (ms since the epoch; 0: none).
    pub wait_until_ms: u64,
    pub policy: LockNumbers,
}

/// The key file of the store at `db`.
pub fn path_for(db: &Path) -> PathBuf {
    suffixed(db, ".key")
}

pub(crate) fn suffixed(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn io(what: &str, path: &Path, e: std::io::Error) -> CoreError {
    CoreError::Corrupt(format!("cannot {what} {}: {e}", path.display()))
}

impl KeyFile {
    /// The key file that belongs beside the store file at `db` (for a store moved aside).
    pub fn path_beside(db: &Path) -> PathBuf {
        path_for(db)
    }

    /// The key file at `path`; `None` when there is none.
    pub fn read(path: &Path) -> Result<Option<Self>> {
        let text = match std::fs::read(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io("read", path, e)),
        };
        let kf: Self = serde_json::from_slice(&text)
            .map_err(|e| CoreError::Corrupt(format!("the key file {} cannot be read: {e}", path.display())))?;
        if kf.version != VERSION {
            return Err(CoreError::Corrupt(format!(
                "the key file {} is of version {}, which this app does not know",
                path.display(),
                kf.version
            )));
        }
        Ok(Some(kf))
    }

    /// Writes the key file at `path` durably: the old one stays whole until the new one replaces it.
    pub fn write(&self, path: &Path) -> Result<()> {
        // A temp name of its own: another process (the CLI beside the app) may be writing too.
        let tmp = suffixed(path, &format!(".tmp-{}-{}", std::process::id(), uuid::Uuid::now_v7().simple()));
        let text = serde_json::to_vec_pretty(self)?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        // Only this user reads it (the sealed key is what a PIN-guesser needs).
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut f = options.open(&tmp).map_err(|e| io("write", &tmp, e))?;
        f.write_all(&text).and_then(|()| f.sync_all()).map_err(|e| io("write", &tmp, e))?;
        drop(f);
        std::fs::rename(&tmp, path).map_err(|e| io("replace", path, e))?;
        sync_dir(path)
    }
}

/// Flushes the folder holding `path`, so a rename or a removal in it survives a power cut.
pub fn sync_dir(path: &Path) -> Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(|e| io("flush the folder", dir, e))
}

/// Destroys the file at `path`: overwritten with zeros and flushed, then removed (and the removal
/// flushed). Nothing to do when there is none.
pub fn shred(path: &Path) -> Result<()> {
    let len = match std::fs::metadata(path) {
        Ok(m) => m.len(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io("read", path, e)),
    };
    let zeros = vec![0u8; usize::try_from(len).unwrap_or(4096).max(1)];
    let mut f = std::fs::OpenOptions::new().write(true).open(path).map_err(|e| io("overwrite", path, e))?;
    f.write_all(&zeros).and_then(|()| f.sync_all()).map_err(|e| io("overwrite", path, e))?;
    drop(f);
    std::fs::remove_file(path).map_err(|e| io("remove", path, e))?;
    sync_dir(path)
}
