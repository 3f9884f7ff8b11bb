//! The integrity check a store passes when it is opened, and what a damaged store says: the
//! problem, and how many unsynced changes could still be read out of it.

use rusqlite::{Connection, OpenFlags};
use std::path::Path;

use crate::db::{Keying, connect};
use crate::error::CoreError;

/// The problems SQLite lists at most before the check stops.
const SHOWN: u32 = 3;

/// Checks the store's pages with `PRAGMA quick_check` (every page, index and record format, but
/// not that indexes match their tables: 3 to 10 times cheaper than `integrity_check`; figures
/// in docs/benchmarks.md). `damaged_store` when it finds anything.
pub(crate) fn check(conn: &Connection, path: &Path, keying: Keying<'_>) -> Result<(), CoreError> {
    let found: Result<Vec<String>, rusqlite::Error> = conn
        .prepare(&format!("PRAGMA quick_check({SHOWN})"))
        .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect());
    match found {
        Ok(rows) if rows.iter().all(|r| r == "ok") => Ok(()),
        Ok(rows) => Err(damaged(path, rows.join("; "), keying)),
        Err(e) => Err(damaged(path, e.to_string(), keying)),
    }
}

/// The `damaged_store` error for the store at `path`, counting the unsynced changes that can
/// still be read out of it.
pub(crate) fn damaged(path: &Path, detail: String, keying: Keying<'_>) -> CoreError {
    tracing::error!(path = %path.display(), %detail, "the store is damaged");
    CoreError::DamagedStore { path: path.display().to_string(), detail, unsynced: readable_unsynced(path, keying) }
}

/// How many outbox entries (with their records' text) read back whole from the store at `path`,
/// opened read-only (with its key); `None` when the outbox itself cannot be read.
pub(crate) fn readable_unsynced(path: &Path, keying: Keying<'_>) -> Option<u64> {
    let conn = connect(path, keying, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX).ok()?;
    let mut st = conn.prepare("SELECT r.state FROM outbox o JOIN records r ON r.id = o.record_id").ok()?;
    let mut rows = st.query([]).ok()?;
    let mut n = 0;
    while let Some(row) = rows.next().ok()? {
        let state: String = row.get(0).ok()?;
        serde_json::from_str::<serde_json::Value>(&state).ok()?;
        n += 1;
    }
    Some(n)
}
