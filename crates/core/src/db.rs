//! Opening the handset's SQLite file: one `open_db()` that sets WAL, foreign keys, durable
//! commits and a busy timeout, checks the file is whole (`integrity`), then brings the schema
//! up to date.

use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::time::Duration;

use crate::error::CoreError;
use crate::store_key::StoreKey;

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

/// How a connection is keyed: with the store's data key (every handset store), or not at all (a
/// store made before stores were encrypted, opened only to migrate it, and the server's files).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Keying<'a> {
    Key(&'a StoreKey),
    Plain,
}

/// Opens the store at `path`, which must exist (`no_store` otherwise: a mistyped path leaves no
/// empty file behind), with its data key.
pub fn open_existing(path: &Path, key: &StoreKey) -> Result<Connection, CoreError> {
    if !path.is_file() {
        return Err(CoreError::NoStore(path.display().to_string()));
    }
    open_db(path, key)
}

/// Opens (creating if needed) the encrypted store at `path` with its data key and migrates it.
/// The key is checked at once by a read: a key that does not open the file is `wrong_key`, a file
/// that is not a Gridwork store — another program's database — is refused (`not_a_store`); a
/// store whose pages are damaged is refused as `damaged_store`, and left as it is.
pub fn open_db(path: &Path, key: &StoreKey) -> Result<Connection, CoreError> {
    open_keyed(path, Keying::Key(key))
}

/// Opens (creating if needed) a store without encryption. Only for a store made before stores
/// were encrypted (`Vault::create` migrates such a store in place) and for tests that build one.
pub fn open_unencrypted(path: &Path) -> Result<Connection, CoreError> {
    open_keyed(path, Keying::Plain)
}

pub(crate) fn open_keyed(path: &Path, keying: Keying<'_>) -> Result<Connection, CoreError> {
    open_checked(path, keying).map_err(|e| match e {
        CoreError::Storage(ref s) if is_corrupt(s) => crate::integrity::damaged(path, s.to_string(), keying),
        other => other,
    })
}

fn is_corrupt(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DatabaseCorrupt)
}

/// The first bytes of every SQLite file that is not encrypted.
const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Whether the file at `path` is an SQLite database without encryption.
pub fn is_unencrypted(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok() && &head == PLAIN_HEADER
}

/// A connection to `path` with `keying` applied and checked by a first read, with nothing else
/// set up: the start of every connection to a store (the engine's, the pull's second one, the
/// integrity check's read-only one).
pub(crate) fn connect(path: &Path, keying: Keying<'_>, flags: OpenFlags) -> Result<Connection, CoreError> {
    match connect_with(path, keying, flags, PAGE_HMAC) {
        // A store encrypted before the page HMAC was SHA-256 (in development only, before the
        // store key shipped) still opens, and keeps its SHA-512.
        Err(CoreError::WrongKey(_)) => connect_with(path, keying, flags, OLD_PAGE_HMAC),
        other => other,
    }
}

/// The HMAC SQLCipher writes on every page and checks on every read. SHA-256 rather than
/// SQLCipher 4's default SHA-512: CPUs with SHA extensions (this project's machines, ARMv8 phones)
/// hash SHA-256 in hardware, 2.6 times as fast here, and SHA-512 was most of what encryption added
/// to a write and to the open's integrity check (docs/benchmarks.md, issue 13). HMAC-SHA-256 with a
/// 256-bit key is as strong a page check as the data key itself.
const PAGE_HMAC: &str = "HMAC_SHA256";
/// SQLCipher 4's default, which the first encrypted stores used.
const OLD_PAGE_HMAC: &str = "HMAC_SHA512";

fn connect_with(path: &Path, keying: Keying<'_>, flags: OpenFlags, hmac: &str) -> Result<Connection, CoreError> {
    let conn = Connection::open_with_flags(path, flags)?;
    // Keying two connections at once in one process sometimes fails inside SQLCipher ("An error
    // occurred with PRAGMA key"), seen with parallel tests: the key and its check go one at a time.
    let _one_at_a_time = KEYING.lock().unwrap_or_else(|p| p.into_inner());
    if let Keying::Key(key) = keying {
        keep_cipher_active();
        // A wrong key is reported here, once, as `wrong_key`; SQLCipher would also log it.
        conn.execute_batch("PRAGMA cipher_log_level = NONE")?;
        conn.pragma_update(None, "key", &*key.sqlcipher_literal())?;
        conn.pragma_update(None, "cipher_hmac_algorithm", hmac)?;
    }
    conn.busy_timeout(Duration::from_secs(5))?;
    // The first read of a file the key does not open, or that is not a database, fails here,
    // before anything is written.
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0)).map_err(|e| match e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase => unreadable(path, keying),
        other => other.into(),
    })?;
    Ok(conn)
}

/// A connection to the encrypted store at `path` with its key set and checked, and nothing else
/// set up (for benchmarks of the open's parts).
pub fn connect_only(path: &Path, key: &StoreKey) -> Result<Connection, CoreError> {
    connect(path, Keying::Key(key), OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
}

/// SQLCipher sets its crypto provider up when the first keyed connection opens and tears it down
/// when the last one closes; a key set while another thread tears down fails ("An error occurred
/// with PRAGMA key", seen with parallel tests). One keyed connection kept for the life of the
/// process (to an empty, already unlinked temp file) keeps the provider up. It also makes
/// [`PAGE_HMAC`] the default of every keyed database the process opens or attaches (the plain
/// store's migration attaches its encrypted copy).
pub(crate) fn keep_cipher_active() {
    static KEPT: std::sync::OnceLock<Option<std::sync::Mutex<Connection>>> = std::sync::OnceLock::new();
    KEPT.get_or_init(|| {
        let path =
            std::env::temp_dir().join(format!("gridwork-cipher-{}-{}", std::process::id(), uuid::Uuid::now_v7()));
        let conn = Connection::open(&path).ok()?;
        let kept = conn
            // A raw key, as the store's: a passphrase would cost SQLCipher's PBKDF2 (~80 ms) at
            // the first query, on every start of the app.
            .execute_batch(&format!(
                "PRAGMA cipher_log_level = NONE; PRAGMA cipher_default_hmac_algorithm = {PAGE_HMAC}; \
                 PRAGMA key = \"x'{}'\"",
                "00".repeat(32)
            ))
            .and_then(|()| conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0)));
        let _ = std::fs::remove_file(&path);
        kept.ok().map(|_| std::sync::Mutex::new(conn))
    });
}

pub(crate) static KEYING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Why a file could not be read at all: with a key, either the file is a plain database (not
/// this store's format) or the key is not the one it was encrypted with.
fn unreadable(path: &Path, keying: Keying<'_>) -> CoreError {
    let shown = path.display().to_string();
    match keying {
        Keying::Key(_) if is_unencrypted(path) && is_plain_store(path) => CoreError::Workflow(format!(
            "{shown} is a Gridwork store that is not encrypted yet: unlock it with the PIN (the vault encrypts \
             it in place) before opening it with a key"
        )),
        Keying::Key(_) if is_unencrypted(path) => CoreError::NotAStore(shown),
        Keying::Key(_) => CoreError::WrongKey(shown),
        Keying::Plain => CoreError::NotAStore(shown),
    }
}

fn open_checked(path: &Path, keying: Keying<'_>) -> Result<Connection, CoreError> {
    let not_a_store = || CoreError::NotAStore(path.display().to_string());
    let mut conn = connect(
        path,
        keying,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // Only this user reads the store (SQLite gives its log and shared memory the same mode).
    #[cfg(unix)]
    if let Keying::Key(_) = keying {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
    let app_id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
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
    // Sorts and temporary tables stay in memory: SQLCipher encrypts only the store's own files.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // Up to 16 MiB of pages kept in memory (SQLite's default is 2 MiB): a sync touches the
    // records index all over, and every page read again costs a system call and a copy.
    conn.pragma_update(None, "cache_size", -16_384)?;
    crate::integrity::check(&conn, path, keying)?;
    migrate(&mut conn)?;
    Ok(conn)
}

/// Whether the unencrypted SQLite file at `path` is a Gridwork store (read only, nothing changed).
pub fn is_plain_store(path: &Path) -> bool {
    let Ok(conn) =
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
    else {
        return false;
    };
    let app_id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0)).unwrap_or(-1);
    app_id == APPLICATION_ID || (app_id == 0 && empty_or_ours(&conn).unwrap_or(false))
}

/// An empty store in memory (what a wiped engine holds: every read finds nothing).
pub(crate) fn open_memory() -> Result<Connection, CoreError> {
    let mut conn = Connection::open_in_memory()?;
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

    fn key() -> StoreKey {
        StoreKey::from_bytes([7; 32])
    }

    #[test]
    fn another_programs_file_is_refused_and_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let other = dir.path().join("other.db");
        let c = Connection::open(&other).unwrap();
        c.execute_batch("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x');").unwrap();
        drop(c);
        let before = std::fs::read(&other).unwrap();
        assert!(matches!(open_db(&other, &key()), Err(CoreError::NotAStore(_))));
        assert!(matches!(open_unencrypted(&other), Err(CoreError::NotAStore(_))));
        assert_eq!(std::fs::read(&other).unwrap(), before, "nothing was added to it");
        let junk = dir.path().join("junk.db");
        std::fs::write(&junk, vec![0x5a; 8192]).unwrap();
        assert_eq!(open_unencrypted(&junk).unwrap_err().tag(), "not_a_store");
        // Under a key, junk and another key's store look alike: both are unreadable with it.
        assert_eq!(open_db(&junk, &key()).unwrap_err().tag(), "wrong_key");
        assert_eq!(std::fs::read(&junk).unwrap(), vec![0x5a; 8192]);
    }

    #[test]
    fn a_wrong_key_is_refused_at_open_and_the_file_holds_no_plain_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.db");
        let c = open_db(&path, &key()).unwrap();
        c.execute("INSERT INTO meta (key, value) VALUES ('who', '王芳 13800138000')", []).unwrap();
        drop(c);
        let err = open_db(&path, &StoreKey::from_bytes([8; 32])).unwrap_err();
        assert_eq!(err.tag(), "wrong_key", "{err}");
        assert!(err.to_string().contains("h.db"), "{err}");
        let bytes = std::fs::read(&path).unwrap();
        assert!(!bytes.starts_with(PLAIN_HEADER));
        assert!(!bytes.windows(11).any(|w| w == b"13800138000"));
        // The plain-file header is what tells a plain store from an encrypted one.
        assert!(!is_unencrypted(&path));
        let plain = dir.path().join("plain.db");
        drop(open_unencrypted(&plain).unwrap());
        assert!(is_unencrypted(&plain) && is_plain_store(&plain));
        assert_eq!(open_db(&plain, &key()).unwrap_err().tag(), "workflow");
    }

    /// A raw keyed connection with the page HMAC `hmac`, and whether its first read works.
    fn reads_with(path: &Path, hmac: &str) -> bool {
        let c = Connection::open(path).unwrap();
        c.execute_batch(&format!("PRAGMA cipher_log_level = NONE; PRAGMA cipher_hmac_algorithm = {hmac}")).unwrap();
        c.pragma_update(None, "key", &*key().sqlcipher_literal()).unwrap();
        c.pragma_update(None, "cipher_hmac_algorithm", hmac).unwrap();
        c.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0)).is_ok()
    }

    #[test]
    fn pages_carry_sha256_hmacs_and_a_store_made_with_sha512_still_opens() {
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("new.db");
        drop(open_db(&new, &key()).unwrap());
        assert!(reads_with(&new, PAGE_HMAC) && !reads_with(&new, OLD_PAGE_HMAC));
        // A store from the first encrypted builds (SQLCipher's default SHA-512).
        let old = dir.path().join("old.db");
        let c = Connection::open(&old).unwrap();
        c.pragma_update(None, "key", &*key().sqlcipher_literal()).unwrap();
        c.pragma_update(None, "cipher_hmac_algorithm", OLD_PAGE_HMAC).unwrap();
        c.execute_batch("CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('王芳')").unwrap();
        drop(c);
        assert!(reads_with(&old, OLD_PAGE_HMAC) && !reads_with(&old, PAGE_HMAC));
        let c = connect_only(&old, &key()).unwrap();
        let t: String = c.query_row("SELECT t FROM notes", [], |r| r.get(0)).unwrap();
        assert_eq!(t, "王芳");
        drop(c);
        assert!(reads_with(&old, OLD_PAGE_HMAC), "left with its own HMAC");
        assert_eq!(connect_only(&old, &StoreKey::from_bytes([8; 32])).unwrap_err().tag(), "wrong_key");
    }

    #[test]
    fn a_missing_store_is_not_created_by_opening_an_existing_one() {
        let dir = tempfile::tempdir().unwrap();
        let typo = dir.path().join("gridwrok.db");
        let err = open_existing(&typo, &key()).unwrap_err();
        assert_eq!(err.tag(), "no_store");
        assert!(err.to_string().contains("gridwork init"), "{err}");
        assert!(!typo.exists(), "no empty file left behind");
    }

    #[test]
    fn a_store_is_marked_as_gridworks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.db");
        drop(open_unencrypted(&path).unwrap());
        let c = Connection::open(&path).unwrap();
        let id: i32 = c.query_row("PRAGMA application_id", [], |r| r.get(0)).unwrap();
        assert_eq!(id, APPLICATION_ID);
        // A store made before stores were marked is recognised by its tables and marked.
        c.pragma_update(None, "application_id", 0).unwrap();
        drop(c);
        drop(open_unencrypted(&path).unwrap());
        let enc = dir.path().join("enc.db");
        let c = open_db(&enc, &key()).unwrap();
        let id: i32 = c.query_row("PRAGMA application_id", [], |r| r.get(0)).unwrap();
        assert_eq!(id, APPLICATION_ID);
    }

    #[test]
    fn opens_twice_and_migrates_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.db");
        drop(open_db(&path, &key()).unwrap());
        let conn = open_db(&path, &key()).unwrap();
        let n: i64 = conn.query_row("SELECT count(*) FROM schema_migrations", [], |r| r.get(0)).unwrap();
        assert_eq!(n, MIGRATIONS.len() as i64);
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
        assert_eq!(fk, 1);
    }
}
