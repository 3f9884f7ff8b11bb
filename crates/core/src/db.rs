//! Opening the handset's SQLite file: one `open_db()` that sets WAL, foreign keys, durable
//! commits and a busy timeout, checks the file is whole (`integrity`), then brings the schema
//! up to date.

use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::time::Duration;

use crate::error::CoreError;

/// Numbered migrations, applied in order, each in one transaction with its bookkeeping row.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/0001_init.sql")),
    (2, include_str!("../migrations/0002_outbox_order.sql")),
    (3, include_str!("../migrations/0003_outbox_reject_code.sql")),
    (4, include_str!("../migrations/0004_receipts.sql")),
    (5, include_str!("../migrations/0005_case_queue.sql")),
    (6, include_str!("../migrations/0006_highlights.sql")),
    (7, include_str!("../migrations/0007_report_columns.sql")),
];

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

/// `PRAGMA application_id` of a Gridwork store ("GRDW"): another program's SQLite file is refused,
/// never adopted.
pub const APPLICATION_ID: i32 = 0x4752_4457;

/// Opens the store at `path`, which must exist (`no_store` otherwise: a mistyped path leaves no
/// empty file behind).
pub fn open_existing(path: &Path) -> Result<Connection, CoreError> {
    if !path.is_file() {
        return Err(CoreError::NoStore(path.display().to_string()));
    }
    open_db(path)
}

/// Opens (creating if needed) the store at `path` and migrates it. A file that is not a Gridwork
/// store — another program's database, or not a database at all — is refused (`not_a_store`);
/// a store whose pages are damaged is refused as `damaged_store`, and left as it is.
pub fn open_db(path: &Path) -> Result<Connection, CoreError> {
    open_checked(path).map_err(|e| match e {
        CoreError::Storage(ref s) if is_corrupt(s) => crate::integrity::damaged(path, s.to_string()),
        other => other,
    })
}

fn is_corrupt(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DatabaseCorrupt)
}

fn open_checked(path: &Path) -> Result<Connection, CoreError> {
    let not_a_store = || CoreError::NotAStore(path.display().to_string());
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(5))?;
    // The first read of a file that is not a database fails here, before anything is written.
    let app_id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0)).map_err(|e| match e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase => not_a_store(),
        other => other.into(),
    })?;
    if app_id != APPLICATION_ID {
        if app_id != 0 || !empty_or_ours(&conn)? {
            return Err(not_a_store());
        }
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    }
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
    crate::integrity::check(&conn, path)?;
    migrate(&mut conn)?;
    Ok(conn)
}

/// A file with no tables (new), or one holding a Gridwork store made before stores were marked.
fn empty_or_ours(conn: &Connection) -> Result<bool, CoreError> {
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let ours = ["schema_migrations", "records", "outbox", "meta"];
    Ok(tables.is_empty() || ours.iter().all(|t| tables.iter().any(|n| n == t)))
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
            if *version == 5 {
                // The queue's columns of the cases already held.
                crate::cases::refresh_all(&tx)?;
            }
            if *version == 7 {
                // The report columns of the cases already held.
                crate::report::columns::backfill(&tx)?;
            }
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
    fn another_programs_file_is_refused_and_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let other = dir.path().join("other.db");
        let c = Connection::open(&other).unwrap();
        c.execute_batch("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x');").unwrap();
        drop(c);
        let before = std::fs::read(&other).unwrap();
        assert!(matches!(open_db(&other), Err(CoreError::NotAStore(_))));
        assert_eq!(std::fs::read(&other).unwrap(), before, "nothing was added to it");
        let junk = dir.path().join("junk.db");
        std::fs::write(&junk, vec![0x5a; 8192]).unwrap();
        let err = open_db(&junk).unwrap_err();
        assert_eq!(err.tag(), "not_a_store", "{err}");
        assert_eq!(std::fs::read(&junk).unwrap(), vec![0x5a; 8192]);
    }

    #[test]
    fn a_missing_store_is_not_created_by_opening_an_existing_one() {
        let dir = tempfile::tempdir().unwrap();
        let typo = dir.path().join("gridwrok.db");
        let err = open_existing(&typo).unwrap_err();
        assert_eq!(err.tag(), "no_store");
        assert!(err.to_string().contains("gridwork init"), "{err}");
        assert!(!typo.exists(), "no empty file left behind");
    }

    #[test]
    fn a_store_is_marked_as_gridworks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.db");
        drop(open_db(&path).unwrap());
        let c = Connection::open(&path).unwrap();
        let id: i32 = c.query_row("PRAGMA application_id", [], |r| r.get(0)).unwrap();
        assert_eq!(id, APPLICATION_ID);
        // A store made before stores were marked is recognised by its tables and marked.
        c.pragma_update(None, "application_id", 0).unwrap();
        drop(c);
        drop(open_db(&path).unwrap());
    }

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
