//! Encrypting a plain store in place without loss. The plain store stays whole until one rename
//! replaces it: its log is folded in, an encrypted copy is written beside it (`<db>.encrypting`)
//! and checked table by table, flushed; then the key file is written, and the copy renamed over
//! the store. `settle` finishes or undoes a migration a crash cut short: a copy without a key file
//! is removed (the plain store is whole), a copy with one is renamed into place (it was whole and
//! flushed before the key file was written).

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use super::key_file::{self, KeyFile, suffixed};
use crate::db::{APPLICATION_ID, open_unencrypted};
use crate::error::{CoreError, Result};
use crate::store_key::StoreKey;

/// Where a migration may be stopped, to act out a crash (tests).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The encrypted copy is written, checked and flushed; no key file yet.
    Copied,
    /// The key file is written too; the copy is not renamed yet.
    KeyWritten,
}

/// The encrypted copy being made of the store at `db`.
pub fn temp_path(db: &Path) -> PathBuf {
    suffixed(db, ".encrypting")
}

/// Encrypts the plain store at `db` under `key`, writing `kf` as its key file. `false` when it
/// stopped at `stop`.
pub fn encrypt_in_place(db: &Path, key: &StoreKey, kf: &KeyFile, stop: Option<Step>) -> Result<bool> {
    let temp = temp_path(db);
    remove(&temp)?;
    let conn = open_unencrypted(db)?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    {
        let _one_at_a_time = crate::db::KEYING.lock().unwrap_or_else(|p| p.into_inner());
        // Sets the page HMAC every new encrypted file gets (the copy's too).
        crate::db::keep_cipher_active();
        conn.execute("ATTACH DATABASE ?1 AS enc KEY ?2", (temp.to_string_lossy(), &*key.sqlcipher_literal()))?;
    }
    conn.query_row("SELECT sqlcipher_export('enc')", [], |_| Ok(()))?;
    conn.pragma_update(Some("enc"), "application_id", APPLICATION_ID)?;
    same_rows(&conn)?;
    conn.execute_batch("DETACH DATABASE enc")?;
    conn.close().map_err(|(_, e)| CoreError::Storage(e))?;
    std::fs::File::open(&temp)
        .and_then(|f| f.sync_all())
        .map_err(|e| CoreError::Corrupt(format!("cannot flush {}: {e}", temp.display())))?;
    key_file::sync_dir(&temp)?;
    if stop == Some(Step::Copied) {
        return Ok(false);
    }
    kf.write(&key_file::path_for(db))?;
    if stop == Some(Step::KeyWritten) {
        return Ok(false);
    }
    replace(db)?;
    Ok(true)
}

/// Every table of the plain store holds as many rows in the encrypted copy.
fn same_rows(conn: &Connection) -> Result<()> {
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM main.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for t in tables {
        let quoted = t.replace('"', "\"\"");
        let count = |schema: &str| -> Result<i64> {
            Ok(conn.query_row(&format!("SELECT count(*) FROM {schema}.\"{quoted}\""), [], |r| r.get(0))?)
        };
        let (plain, enc) = (count("main")?, count("enc")?);
        if plain != enc {
            return Err(CoreError::Corrupt(format!(
                "encrypting the store: table {t} has {plain} rows but its encrypted copy {enc}; the plain store was kept"
            )));
        }
    }
    Ok(())
}

/// Puts the encrypted copy in the plain store's place: the plain store's log and shared memory
/// go first (its log was folded in; an old log beside the encrypted file would be read as its own).
fn replace(db: &Path) -> Result<()> {
    let [_, wal, shm] = crate::wipe::store_files(db);
    remove(&wal)?;
    remove(&shm)?;
    std::fs::rename(temp_path(db), db)
        .map_err(|e| CoreError::Corrupt(format!("cannot put the encrypted store in place at {}: {e}", db.display())))?;
    key_file::sync_dir(db)
}

/// Finishes or undoes a migration that a crash cut short. (A key file's unfinished temp is left:
/// another process may be writing it, and the next write starts it afresh.)
pub fn settle(db: &Path) -> Result<()> {
    let temp = temp_path(db);
    if !temp.exists() {
        return Ok(());
    }
    if key_file::path_for(db).exists() && crate::db::is_unencrypted(db) {
        tracing::warn!(db = %db.display(), "finishing the encryption of the store that a stop cut short");
        replace(db)
    } else {
        tracing::warn!(db = %db.display(), "undoing the encryption of the store that a stop cut short");
        remove(&temp)?;
        key_file::sync_dir(db)
    }
}

fn remove(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(CoreError::Corrupt(format!("cannot delete {}: {e}", path.display()))),
    }
}
