//! The handset engine: one SQLite connection, this device's profile and clock, and the write
//! primitive every service uses — record, projection and outbox entry in one transaction.

use gridwork_domain::{DeviceId, HlcClock, Record, RecordId, RecordState, Writer, clock::wall_ms};
use rusqlite::{Connection, OptionalExtension, Transaction};
use std::path::Path;

use crate::db::{Keying, open_db, open_existing, open_keyed};
use crate::error::{CoreError, Result};
use crate::profile::Profile;
use crate::projection::{Projected, Typed};
use crate::store_key::StoreKey;
use crate::vault::VaultLink;

/// The handset's store and services. Not `Sync`: the app keeps it behind a mutex.
#[derive(Debug)]
pub struct Engine {
    pub(crate) conn: Connection,
    pub(crate) profile: Option<Profile>,
    pub(crate) clock: HlcClock,
    /// The server's clock minus the phone's, as last measured (meta `clock_offset_ms`).
    pub(crate) clock_offset_ms: i64,
    /// How far this phone's clock is set off the true time: 0 on a real phone; tests and demos
    /// set it to act out a phone whose clock runs wrong (`skew_phone_clock`).
    phone_skew_ms: i64,
    /// The store's data key, kept (wiped from memory when dropped) only while the store is open:
    /// every further connection to it needs it. `None` for a store without encryption.
    pub(crate) key: Option<StoreKey>,
    /// The vault the store was opened from: wiping destroys its key first.
    pub(crate) vault: Option<VaultLink>,
    /// The store was destroyed (`wipe` of a store opened from its vault): the engine holds nothing.
    pub(crate) wiped: bool,
}

impl Engine {
    /// Opens the encrypted store at `path` with its data key (creating it), set up or not.
    pub fn open(path: &Path, key: &StoreKey) -> Result<Self> {
        Self::from_connection(open_db(path, key)?, Some(key.clone()))
    }

    /// Opens the encrypted store at `path`, which must exist already (`no_store` otherwise).
    pub fn open_existing(path: &Path, key: &StoreKey) -> Result<Self> {
        Self::from_connection(open_existing(path, key)?, Some(key.clone()))
    }

    /// Opens (creating) a store without encryption. For tests that build a store as Gridwork made
    /// them before stores were encrypted (`Vault::create` encrypts such a store in place), and for
    /// the app until it opens its store through the vault.
    #[doc(hidden)]
    pub fn open_unencrypted(path: &Path) -> Result<Self> {
        Self::from_connection(crate::db::open_unencrypted(path)?, None)
    }

    /// Opens an existing store without encryption (`no_store` when there is none).
    #[doc(hidden)]
    pub fn open_existing_unencrypted(path: &Path) -> Result<Self> {
        if !path.is_file() {
            return Err(CoreError::NoStore(path.display().to_string()));
        }
        Self::open_unencrypted(path)
    }

    /// A second connection to the same store with the same key (the pull's checkpointer).
    pub fn open_second(&self) -> Result<Connection> {
        let path = self
            .conn
            .path()
            .filter(|p| !p.is_empty())
            .ok_or_else(|| CoreError::Workflow("a store in memory has no second connection".into()))?;
        let keying = self.key.as_ref().map_or(Keying::Plain, Keying::Key);
        crate::db::connect(
            Path::new(path),
            keying,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
    }

    /// Reopens the store at `path` with this engine's key (after a wipe without a vault).
    pub(crate) fn reopen(&self, path: &Path) -> Result<Connection> {
        open_keyed(path, self.key.as_ref().map_or(Keying::Plain, Keying::Key))
    }

    /// Whether the store was destroyed (a wipe of a store opened from its vault): the app goes
    /// back to enrollment.
    pub fn is_wiped(&self) -> bool {
        self.wiped
    }

    /// Keeps the server's lock numbers (wrong PINs before a wait, before a wipe) in the vault's
    /// key file, where they hold while the store is locked. Nothing to do for a store opened
    /// without its vault.
    pub fn keep_lock_policy(&self, policy: &gridwork_domain::policy::DevicePolicy) -> Result<()> {
        match &self.vault {
            Some(link) => link.vault.set_policy(policy),
            None => Ok(()),
        }
    }

    fn from_connection(conn: Connection, key: Option<StoreKey>) -> Result<Self> {
        let profile = get_meta(&conn, "profile")?.map(|s| serde_json::from_str(&s)).transpose()?;
        let clock = HlcClock::resume(
            get_meta(&conn, "hlc")?.map(|s| serde_json::from_str(&s)).transpose()?.unwrap_or_default(),
        );
        let clock_offset_ms = get_meta_number(&conn, CLOCK_OFFSET)?.unwrap_or(0);
        Ok(Self { conn, profile, clock, clock_offset_ms, phone_skew_ms: 0, key, vault: None, wiped: false })
    }

    /// The phone's wall clock, ms since the epoch.
    pub(crate) fn phone_ms(&self) -> u64 {
        wall_ms().saturating_add_signed(self.phone_skew_ms)
    }

    /// The time by the server's clock, as far as this handset knows it: what it stamps writes with.
    pub(crate) fn now_ms(&self) -> u64 {
        self.phone_ms().saturating_add_signed(self.clock_offset_ms)
    }

    /// Acts out a phone whose clock runs `ms` off the true time (ahead when positive), for tests
    /// and demonstrations of what the engine does about it.
    pub fn skew_phone_clock(&mut self, ms: i64) {
        self.phone_skew_ms = ms;
    }

    /// Sets this device up (or replaces its profile, e.g. after enrolling with a server).
    pub fn set_profile(&mut self, profile: Profile) -> Result<()> {
        set_meta(&self.conn, "profile", &serde_json::to_string(&profile)?)?;
        self.profile = Some(profile);
        Ok(())
    }

    pub fn profile(&self) -> Result<&Profile> {
        self.profile.as_ref().ok_or(CoreError::NotInitialized)
    }

    pub fn device_id(&self) -> Result<DeviceId> {
        Ok(self.profile()?.device_id)
    }

    /// The raw connection, for diagnostics and tests.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` in one transaction with a writer for this device; commits only if `f` succeeds,
    /// so a failure anywhere leaves no partial record and no orphaned outbox entry.
    pub(crate) fn write<T>(&mut self, f: impl FnOnce(&Transaction<'_>, &mut Writer<'_>) -> Result<T>) -> Result<T> {
        let device = self.device_id()?;
        let now_ms = self.now_ms();
        let tx = self.conn.transaction()?;
        let mut w = Writer { device, clock: &mut self.clock, now_ms };
        let out = f(&tx, &mut w)?;
        save_clock(&tx, w.clock)?;
        tx.commit()?;
        Ok(out)
    }
}

/// Stores a new local version: the record row, its projection (from `record`, the typed form of
/// `state`), and its outbox entry.
pub(crate) fn put_local<R: Projected>(
    tx: &Transaction<'_>,
    state: &RecordState,
    record: &R,
    now_ms: u64,
) -> Result<()> {
    write_row(tx, state, (&serde_json::to_string(state)?, None), now_ms, Held::Replace)?;
    record.project_into(tx, state)?;
    queue(tx, state, now_ms)
}

/// Stores a new local version made by the engine itself (stamped again, written again under a
/// new identity) like `put_local`, its typed record decoded from the state.
pub(crate) fn put_local_state(tx: &Transaction<'_>, state: &RecordState, now_ms: u64) -> Result<()> {
    write_row(tx, state, (&serde_json::to_string(state)?, None), now_ms, Held::Replace)?;
    Typed::decode(state)?.project_into(tx, state)?;
    queue(tx, state, now_ms)
}

/// Queues a new local version in the outbox (a newer one replaces the entry and bumps its revision).
fn queue(tx: &Transaction<'_>, state: &RecordState, now_ms: u64) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO outbox (record_id, kind, queued_ms) VALUES (?1, ?2, ?3)
         ON CONFLICT (record_id) DO UPDATE SET rev = rev + 1, queued_ms = excluded.queued_ms,
             status = 'pending', last_error = NULL",
    )?
    .execute((state.id.to_string(), state.kind.as_str(), now_ms as i64))?;
    Ok(())
}

/// Stores a version (local or from the server) and its projection, without queueing it; with the
/// server's receipt when `text` (the version's JSON text, written when `None`) is one the server
/// gave or took as it is.
pub(crate) fn put_state(
    tx: &Transaction<'_>,
    state: &RecordState,
    text: Option<(&str, Option<&str>)>,
    now_ms: u64,
) -> Result<()> {
    match text {
        Some(t) => write_row(tx, state, t, now_ms, Held::Replace)?,
        None => write_row(tx, state, (&serde_json::to_string(state)?, None), now_ms, Held::Replace)?,
    };
    Typed::decode(state)?.project_into(tx, state)
}

/// Stores a version received for a record this store does not hold yet, with its typed row;
/// `false`, with nothing written, when the store holds the record already. For a pull of new
/// records this is one statement per record instead of a lookup and then a write.
pub(crate) fn insert_received(
    tx: &Transaction<'_>,
    state: &RecordState,
    text: (&str, Option<&str>),
    typed: &Typed,
    now_ms: u64,
) -> Result<bool> {
    let inserted = write_row(tx, state, text, now_ms, Held::Keep)?;
    if inserted {
        typed.project_into(tx, state)?;
    }
    Ok(inserted)
}

/// What writing a record's row does when the store holds the record already.
#[derive(Clone, Copy, Debug)]
enum Held {
    Replace,
    Keep,
}

/// Writes the `records` row of a version (its text, and the server's receipt of that text when
/// there is one); `false` when a held record was kept.
fn write_row(
    tx: &Transaction<'_>,
    state: &RecordState,
    (text, receipt): (&str, Option<&str>),
    now_ms: u64,
    held: Held,
) -> Result<bool> {
    let sql = match held {
        Held::Replace => {
            "INSERT INTO records (id, kind, micro_grid, state, updated_ms, receipt) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (id) DO UPDATE SET micro_grid = excluded.micro_grid, state = excluded.state,
                 updated_ms = excluded.updated_ms, receipt = excluded.receipt"
        }
        Held::Keep => {
            "INSERT INTO records (id, kind, micro_grid, state, updated_ms, receipt) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (id) DO NOTHING"
        }
    };
    // Written as the record holds it; the record was validated when written or received.
    let micro_grid = state.str_field(state.kind.area_field()).unwrap_or_default();
    let written = tx.prepare_cached(sql)?.execute((
        state.id.to_string(),
        state.kind.as_str(),
        micro_grid,
        text,
        now_ms as i64,
        receipt,
    ))?;
    Ok(written > 0)
}

/// The stored JSON text of a record's version.
pub(crate) fn get_state_text(conn: &Connection, id: RecordId) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT state FROM records WHERE id = ?1")?
        .query_row([id.to_string()], |r| r.get(0))
        .optional()?)
}

/// The stored version of a record.
pub(crate) fn get_state(conn: &Connection, id: RecordId) -> Result<Option<RecordState>> {
    Ok(get_state_text(conn, id)?.map(|j| serde_json::from_str(&j)).transpose()?)
}

/// The typed records whose states `sql` selects (one column, `records.state`) with one parameter.
pub(crate) fn typed_records<R: Record>(conn: &Connection, sql: &str, param: &str) -> Result<Vec<(RecordId, R)>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([param], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for json in rows {
        let state: RecordState = serde_json::from_str(&json?)?;
        out.push((state.id, state.decode()?));
    }
    Ok(out)
}

/// The typed record, or `not_found`.
pub(crate) fn get_record<R: Record>(conn: &Connection, id: RecordId, what: &'static str) -> Result<(RecordState, R)> {
    let state = get_state(conn, id)?
        .filter(|s| s.kind == R::KIND)
        .ok_or_else(|| CoreError::NotFound { what, id: id.to_string() })?;
    let record = state.decode()?;
    Ok((state, record))
}

pub(crate) fn get_meta(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn.prepare_cached("SELECT value FROM meta WHERE key = ?1")?.query_row([key], |r| r.get(0)).optional()?)
}

/// A number kept in the meta table (a cursor, a time); `None` when absent or unreadable.
pub(crate) fn get_meta_number<T: std::str::FromStr>(conn: &Connection, key: &str) -> Result<Option<T>> {
    Ok(get_meta(conn, key)?.and_then(|v| v.parse().ok()))
}

/// The meta key of the measured clock offset (server minus phone, ms).
pub(crate) const CLOCK_OFFSET: &str = "clock_offset_ms";

/// Keeps the clock's last reading, so that a restart resumes after it.
pub(crate) fn save_clock(conn: &Connection, clock: &HlcClock) -> Result<()> {
    set_meta(conn, "hlc", &serde_json::to_string(&clock.last())?)
}

pub(crate) fn set_meta(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute((key, value))?;
    Ok(())
}

/// Reads column `i` of a row as a record id.
pub(crate) fn row_id(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<RecordId> {
    let text: String = r.get(i)?;
    text.parse().map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e)))
}
