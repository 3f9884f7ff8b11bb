//! Opening the handset's SQLite file: one `open_db()` that sets WAL, foreign keys, durable
//! commits and a busy timeout, then brings the schema up to date.

use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::time::Duration;

use crate::error::CoreError;

/// Numbered migrations, applied in order, each in one transaction with its bookkeeping row.
const MIGRATIONS: &[(i64, &str)] =
    &[(1, include_str!("../migrations/0001_init.sql")), (2, include_str!("../migrations/0002_outbox_order.sql"))];

/// The `synchronous` setting of every commit but the few that may be lost (see `relaxed`).
const DURABLE: &str = "FULL";

/// Runs `f` in a transaction whose commit is not flushed to disk on its own: for sync bookkeeping
/// that is safe to lose in a power cut because the next sync redoes it to the same effect. The
/// log is written in order, so the next durable commit flushes it along with its own.
pub(crate) fn relaxed<T>(
    conn: &mut Connection,
    f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, CoreError>,
) -> Result<T, CoreError> {
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    let out = (|| {
        let tx = conn.transaction()?;
        let v = f(&tx)?;
        tx.commit()?;
        Ok(v)
    })();
    conn.pragma_update(None, "synchronous", DURABLE)?;
    out
}

/// Opens (creating if needed) the store at `path` and migrates it.
pub fn open_db(path: &Path) -> Result<Connection, CoreError> {
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(5))?;
    // The services use more distinct statements than rusqlite's default cache of 16 holds;
    // re-preparing them on every write cost about a seventh of a visit's write time.
    conn.set_prepared_statement_cache_capacity(128);
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // FULL: a commit survives power loss, which is the promise to a worker who typed it.
    conn.pragma_update(None, "synchronous", DURABLE)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Up to 16 MiB of pages kept in memory (SQLite's default is 2 MiB): a sync touches the
    // records index all over, and every page read again costs a system call and a copy.
    conn.pragma_update(None, "cache_size", -16_384)?;
    migrate(&mut conn)?;
    Ok(conn)
}

fn migrate(conn: &mut Connection) -> Result<(), CoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_ms INTEGER NOT NULL)",
    )?;
    for (version, sql) in MIGRATIONS {
        let tx = conn.transaction()?;
        let done: bool =
            tx.query_row("SELECT EXISTS(SELECT 1 FROM schema_migrations WHERE version = ?1)", [version], |r| r.get(0))?;
        if !done {
            tx.execute_batch(sql)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, applied_ms) VALUES (?1, ?2)",
                (version, gridwork_domain::clock::wall_ms() as i64),
            )?;
        }
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_twice_and_migrates_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.db");
        drop(open_db(&path).unwrap());
        let conn = open_db(&path).unwrap();
        let n: i64 = conn.query_row("SELECT count(*) FROM schema_migrations", [], |r| r.get(0)).unwrap();
        assert_eq!(n, MIGRATIONS.len() as i64);
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
        assert_eq!(fk, 1);
    }
}
