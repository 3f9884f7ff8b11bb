//! The SQLite store: one writer connection behind a mutex and a few read-only connections, all
//! used off the async threads; WAL, foreign keys and a busy timeout on every connection. Push
//! batches that arrive while the writer is busy are applied together (group commit), and the
//! writer does not wait for the disk: the log is flushed on a thread of its own (see `flush`).

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, SyncSender};
use std::sync::{Arc, Mutex, TryLockError};
use std::time::Duration;

use async_trait::async_trait;
use gridwork_domain::attention::{AttentionItem, AttentionReach};
use gridwork_domain::wire::{PushResponse, Role, StoredConflict};
use gridwork_domain::{Area, AreaCode, DeviceId, RecordId, SerialBlock};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::{Semaphore, SemaphorePermit};
use uuid::Uuid;

use super::flush::Flusher;
use super::sqlite_write::PushJob;
use super::{
    Account, AuditEntry, BatchMode, CodeEnrollment, DeviceAuth, DeviceContact, DeviceVersion, EnrollOutcome,
    Enrollment, FleetDevice, NewCodes, PullPage, Reenrollment, Seed, ServerWriter, StoreError, SyncStore, audit,
    migrations, sqlite_admin, sqlite_attention, sqlite_enroll, sqlite_office, sqlite_read, sqlite_serial,
    sqlite_versions, sqlite_write,
};
use crate::push_logic::Checked;
use gridwork_domain::wire::office::{NewAccount, OfficeAccount};

/// Read-only connections kept open next to the writer.
const READERS: usize = 2;

/// The embedded SQLite store.
#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Vec<Mutex<Connection>>,
    /// Requests wait their turn here, in arrival order and without a blocking thread each: one
    /// permit for the writer, one per reader connection.
    writer_turn: Semaphore,
    reader_turn: Semaphore,
    /// Push batches waiting for the writer; whoever holds the writer's turn applies them together.
    pushes: Mutex<Vec<PushJob>>,
    /// Nudges the checkpointing thread after a write.
    checkpoint: SyncSender<()>,
    /// Syncs the log for the writer's commits; a write is answered once its commit is on disk.
    flusher: Arc<Flusher>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.flusher.stop();
    }
}

/// Pages the log may hold before the writer checkpoints it itself: a backstop for when the
/// checkpointing thread falls behind.
const WRITER_CHECKPOINT_PAGES: i64 = 10_000;

/// Starts the thread that copies the log into the database file on its own connection whenever
/// a write nudges it, so that the writer never stops to do it. It ends with the store.
fn spawn_checkpointer(path: &Path) -> Result<SyncSender<()>, StoreError> {
    let conn = open_db(path, false)?;
    let (nudge, nudged) = mpsc::sync_channel::<()>(1);
    std::thread::Builder::new()
        .name("checkpointer".into())
        .spawn(move || {
            while nudged.recv().is_ok() {
                // PASSIVE: copies what it can without waiting for readers or the writer.
                if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                    tracing::warn!(error = %e, "checkpoint failed; the next write tries again");
                }
            }
        })
        .map_err(|e| StoreError::Backend(format!("cannot start the checkpointing thread: {e}")))?;
    Ok(nudge)
}

/// Most push batches applied in one transaction: enough to share one flush among a crowd of
/// devices, few enough that none waits long behind the group.
const GROUP: usize = 64;

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").field("path", &self.inner.path).finish_non_exhaustive()
    }
}

/// Bytes per database page of a new store file.
pub const PAGE_SIZE: i64 = 8192;

/// Opens one connection with the settings every connection of the store uses.
pub fn open_db(path: &Path, read_only: bool) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(path, OpenFlags::default())?;
    conn.busy_timeout(Duration::from_secs(10))?;
    // More distinct statements than rusqlite's default cache of 16: keep them all prepared.
    conn.set_prepared_statement_cache_capacity(128);
    if read_only {
        conn.pragma_update(None, "query_only", "ON")?;
    } else {
        // For a new file: a pushed batch of a thousand records commits in half as many log
        // frames (and writes) as with 4 KiB pages, which took about a tenth off the writer's time.
        // An existing file keeps the page size it was made with.
        conn.pragma_update(None, "page_size", PAGE_SIZE)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path` and brings its schema up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref().to_path_buf();
        let mut writer = open_db(&path, false)?;
        migrations::migrate(&mut writer)?;
        sqlite_write::init_server_identity(&writer)?;
        writer.pragma_update(None, "wal_autocheckpoint", WRITER_CHECKPOINT_PAGES)?;
        // Everything so far was committed with `synchronous=FULL`, so it is on disk. From here on
        // the writer's commits leave the syncing to the flushing thread.
        let flusher = Flusher::start(wal_path(&path), sqlite_read::marks(&writer)?)?;
        writer.pragma_update(None, "synchronous", "NORMAL")?;
        let checkpoint = spawn_checkpointer(&path)?;
        let readers = (0..READERS).map(|_| open_db(&path, true).map(Mutex::new)).collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            inner: Arc::new(Inner {
                path,
                writer: Mutex::new(writer),
                reader_turn: Semaphore::new(readers.len()),
                readers,
                writer_turn: Semaphore::new(1),
                pushes: Mutex::new(Vec::new()),
                checkpoint,
                flusher,
            }),
        })
    }

    /// Runs `f` on the writer connection on a blocking thread and returns once what it committed
    /// is on disk.
    async fn write<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        F: FnOnce(&mut Connection) -> Result<R, StoreError> + Send + 'static,
        R: Send + 'static,
    {
        let turn = self.writer_turn().await?;
        let (out, position) = self.write_unflushed(turn, f).await?;
        self.inner.flusher.flushed(position).await?;
        Ok(out)
    }

    /// Waits for the writer's turn: requests get it in arrival order.
    async fn writer_turn(&self) -> Result<SemaphorePermit<'_>, StoreError> {
        self.inner.writer_turn.acquire().await.map_err(|e| StoreError::Backend(e.to_string()))
    }

    /// Runs `f` on the writer connection on a blocking thread in the given turn, and gives the turn
    /// up without waiting for the disk. Returns the position of the commit, which the caller must
    /// see flushed before telling anyone.
    async fn write_unflushed<R, F>(&self, _turn: SemaphorePermit<'_>, f: F) -> Result<(R, u64), StoreError>
    where
        F: FnOnce(&mut Connection) -> Result<R, StoreError> + Send + 'static,
        R: Send + 'static,
    {
        let inner = self.inner.clone();
        run_blocking(move || {
            // A panic inside a transaction rolls it back while unwinding, so the connection is usable.
            let mut conn = inner.writer.lock().unwrap_or_else(|p| p.into_inner());
            let out = f(&mut conn);
            // Noted even when `f` failed: it may have committed before failing.
            let position = inner.flusher.committed(sqlite_read::marks(&conn)?);
            inner.nudge_checkpoint();
            out.map(|r| (r, position))
        })
        .await
    }

    /// Runs `f` on one of the read-only connections on a blocking thread.
    async fn read<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        F: FnOnce(&Connection) -> Result<R, StoreError> + Send + 'static,
        R: Send + 'static,
    {
        let _turn = self.inner.reader_turn.acquire().await.map_err(|e| StoreError::Backend(e.to_string()))?;
        let inner = self.inner.clone();
        run_blocking(move || {
            // Holding a turn means at least one reader connection is free.
            let conn = inner
                .readers
                .iter()
                .find_map(|m| match m.try_lock() {
                    Ok(c) => Some(c),
                    Err(TryLockError::Poisoned(p)) => Some(p.into_inner()),
                    Err(TryLockError::WouldBlock) => None,
                })
                .ok_or_else(|| StoreError::Backend("no reader connection free".into()))?;
            f(&conn)
        })
        .await
    }
}

impl SqliteStore {
    /// Queues a batch for the writer (group commit) and waits for its answer.
    async fn queue_batch(
        &self,
        mode: BatchMode,
        device: &DeviceAuth,
        batch_id: Uuid,
        records: Vec<Checked>,
        now_ms: u64,
    ) -> Result<PushResponse, StoreError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job = PushJob { mode, device: device.clone(), batch_id, records, now_ms, reply };
        self.inner.pushes.lock().unwrap_or_else(|p| p.into_inner()).push(job);
        // Applied and answered by a task of its own: a client that hangs up meanwhile does not
        // take the answers of the batches grouped with its own along.
        let store = self.clone();
        tokio::spawn(async move { store.apply_queued_pushes().await });
        answer.await.map_err(|_| StoreError::Backend("the push was dropped unanswered".into()))?
    }

    /// Takes the writer's turn and applies the push batches queued by then (unless an earlier
    /// holder of the turn took them); answers them once their commit is on disk.
    async fn apply_queued_pushes(&self) {
        let turn = match self.writer_turn().await {
            Ok(turn) => turn,
            Err(e) => {
                tracing::error!(error = %e, "no turn at the writer for queued pushes");
                return;
            }
        };
        let jobs: Vec<PushJob> = {
            let mut queue = self.inner.pushes.lock().unwrap_or_else(|p| p.into_inner());
            let n = queue.len().min(GROUP);
            queue.drain(..n).collect()
        };
        // An earlier holder of the turn took them: nothing to do, and no thread to wake for it.
        if jobs.is_empty() {
            return;
        }
        match self.write_unflushed(turn, move |conn| Ok(sqlite_write::push_group(conn, jobs))).await {
            Ok((group, position)) => {
                // The next group may have the writer meanwhile; the answers wait for the disk.
                let flushed = self.inner.flusher.flushed(position).await;
                for (reply, answer) in group.answers {
                    // A caller that went away needs no answer.
                    let _ = reply.send(flushed.clone().and(answer));
                }
                // Freed on a blocking thread of its own.
                tokio::task::spawn_blocking(move || drop(group.spent));
            }
            // The group's callers see their answers dropped and report it.
            Err(e) => tracing::error!(error = %e, "a group of pushes failed"),
        }
    }
}

impl Inner {
    /// Asks for a checkpoint; one already asked for and not yet begun covers this write too.
    fn nudge_checkpoint(&self) {
        let _ = self.checkpoint.try_send(());
    }
}

async fn run_blocking<R: Send + 'static>(
    f: impl FnOnce() -> Result<R, StoreError> + Send + 'static,
) -> Result<R, StoreError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| StoreError::Backend(format!("blocking task failed: {e}")))?
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Backend(e.to_string())
    }
}

/// A count or time as SQLite stores it (an i64; values past it are held at the largest).
pub(super) fn sql_int(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

pub(super) fn to_json<T: Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(super) fn from_json<T: DeserializeOwned>(s: &str) -> Result<T, StoreError> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// A role as stored: its wire name (`grid_worker`, …).
pub(super) fn role_str(role: Role) -> Result<String, StoreError> {
    match serde_json::to_value(role) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        _ => Err(StoreError::Corrupt(format!("role {role:?} has no name"))),
    }
}

pub(super) fn parse_role(s: &str) -> Result<Role, StoreError> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(super) fn parse_area(s: &str) -> Result<AreaCode, StoreError> {
    AreaCode::parse(s).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(super) fn parse_device(s: &str) -> Result<DeviceId, StoreError> {
    s.parse().map_err(|e: gridwork_domain::ValidationError| StoreError::Corrupt(e.to_string()))
}

/// The log file SQLite keeps next to the database file in WAL mode.
fn wal_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push("-wal");
    PathBuf::from(name)
}

/// The half-open range of codes `[scope, scope~)` that lie inside `scope` (codes are digits).
pub(super) fn scope_range(scope: &AreaCode) -> (String, String) {
    (scope.as_str().to_owned(), format!("{}~", scope.as_str()))
}

#[async_trait]
impl SyncStore for SqliteStore {
    async fn ping(&self) -> Result<(), StoreError> {
        self.read(|c| Ok(c.query_row("SELECT 1", [], |_| Ok(()))?)).await
    }

    async fn enroll(&self, enrollment: CodeEnrollment, now_ms: u64) -> Result<EnrollOutcome, StoreError> {
        self.write(move |c| sqlite_enroll::enroll(c, &enrollment, now_ms)).await
    }

    async fn authenticate(&self, token_hash: &str) -> Result<Option<DeviceAuth>, StoreError> {
        let hash = token_hash.to_owned();
        self.read(move |c| sqlite_read::authenticate(c, &hash)).await
    }

    async fn token_revoked(&self, token_hash: &str) -> Result<bool, StoreError> {
        let hash = token_hash.to_owned();
        self.read(move |c| sqlite_admin::token_revoked(c, &hash)).await
    }

    async fn create_codes(&self, codes: NewCodes, now_ms: u64) -> Result<(), StoreError> {
        self.write(move |c| sqlite_admin::create_codes(c, &codes, now_ms)).await
    }

    async fn revoke_device(&self, device: DeviceId, by: &str, now_ms: u64) -> Result<(), StoreError> {
        let by = by.to_owned();
        self.write(move |c| sqlite_admin::revoke_device(c, device, &by, now_ms)).await
    }

    async fn disable_account(&self, account: &str, by: &str, now_ms: u64) -> Result<(), StoreError> {
        let (account, by) = (account.to_owned(), by.to_owned());
        self.write(move |c| sqlite_admin::disable_account(c, &account, &by, now_ms)).await
    }

    async fn audit_rows(&self, after: u64, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
        self.read(move |c| audit::read_audit(c, after, limit)).await
    }

    async fn push(
        &self,
        device: &DeviceAuth,
        batch_id: Uuid,
        records: Vec<Checked>,
        now_ms: u64,
    ) -> Result<PushResponse, StoreError> {
        self.queue_batch(BatchMode::Push, device, batch_id, records, now_ms).await
    }

    async fn restore(
        &self,
        device: &DeviceAuth,
        batch_id: Uuid,
        records: Vec<Checked>,
        now_ms: u64,
    ) -> Result<PushResponse, StoreError> {
        self.queue_batch(BatchMode::Restore, device, batch_id, records, now_ms).await
    }

    async fn records(&self, scope: &AreaCode, ids: Vec<RecordId>) -> Result<Vec<String>, StoreError> {
        let scope = scope.clone();
        self.read(move |c| sqlite_read::records(c, &scope, &ids)).await
    }

    async fn device_state(&self, device: DeviceId, cursor: u64) -> Result<(u64, Option<u64>), StoreError> {
        self.read(move |c| sqlite_write::device_state(c, device, cursor)).await
    }

    async fn reenroll(&self, follows: DeviceId, device: Reenrollment, now_ms: u64) -> Result<Enrollment, StoreError> {
        self.write(move |c| sqlite_write::reenroll(c, follows, &device, now_ms)).await
    }

    async fn pull(&self, scope: &AreaCode, device: DeviceId, after: u64, limit: u32) -> Result<PullPage, StoreError> {
        let scope = scope.clone();
        let upto = self.inner.flusher.durable().seq;
        self.read(move |c| sqlite_read::pull(c, &scope, device, after, limit, upto)).await
    }

    async fn areas(&self, scope: &AreaCode) -> Result<Vec<Area>, StoreError> {
        let scope = scope.clone();
        self.read(move |c| sqlite_read::areas(c, &scope)).await
    }

    async fn accounts_in(&self, scope: &AreaCode) -> Result<Vec<Account>, StoreError> {
        let scope = scope.clone();
        self.read(move |c| sqlite_read::accounts_in(c, &scope)).await
    }

    async fn conflicts(&self, scope: &AreaCode, after: u64, limit: u32) -> Result<Vec<StoredConflict>, StoreError> {
        let scope = scope.clone();
        let upto = self.inner.flusher.durable().conflict;
        self.read(move |c| sqlite_read::conflicts(c, &scope, after, limit, upto)).await
    }

    async fn attention(&self, reach: AttentionReach, after: u64, limit: u32) -> Result<Vec<AttentionItem>, StoreError> {
        self.read(move |c| sqlite_attention::list(c, &reach, after, limit)).await
    }

    async fn assign_serial_block(&self, device: DeviceId, now_ms: u64) -> Result<SerialBlock, StoreError> {
        self.write(move |c| sqlite_serial::grant_block(c, device, now_ms)).await
    }

    async fn note_contact(&self, device: DeviceId, contact: DeviceContact) -> Result<(), StoreError> {
        // A note lost in a power cut is written again at the device's next request: it need not
        // wait for the disk (a crowd of handsets syncing after a restart would each wait a flush).
        let turn = self.writer_turn().await?;
        self.write_unflushed(turn, move |c| sqlite_office::note_contact(c, device, &contact)).await.map(|_| ())
    }

    async fn fleet(&self, scope: &AreaCode) -> Result<Vec<FleetDevice>, StoreError> {
        let scope = scope.clone();
        self.read(move |c| sqlite_office::fleet(c, &scope)).await
    }

    async fn office_accounts(&self, scope: &AreaCode) -> Result<Vec<OfficeAccount>, StoreError> {
        let scope = scope.clone();
        self.read(move |c| sqlite_office::office_accounts(c, &scope)).await
    }

    async fn account_of(&self, device: DeviceId) -> Result<String, StoreError> {
        self.read(move |c| sqlite_office::account_of(c, device)).await
    }

    async fn seed_devices(&self, devices: Vec<crate::demo_fleet::DemoDevice>) -> Result<(), StoreError> {
        self.write(move |c| sqlite_office::seed_devices(c, &devices)).await
    }

    async fn create_account(&self, account: NewAccount, by: &str, now_ms: u64) -> Result<Account, StoreError> {
        let by = by.to_owned();
        self.write(move |c| sqlite_office::create_account(c, &account, &by, now_ms)).await
    }

    async fn device_versions(&self) -> Result<Vec<(DeviceId, DeviceVersion)>, StoreError> {
        self.read(sqlite_versions::device_versions).await
    }

    async fn put_accounts(&self, accounts: Vec<Account>) -> Result<(), StoreError> {
        self.write(move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            sqlite_write::put_accounts(&tx, &accounts)?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn server_writer(&self) -> Result<ServerWriter, StoreError> {
        self.read(sqlite_read::server_writer).await
    }

    async fn seed(&self, seed: Seed) -> Result<bool, StoreError> {
        self.write(move |c| sqlite_write::seed(c, &seed)).await
    }
}

/// The meta keys of the server's own identity.
pub(super) const SERVER_DEVICE_KEY: &str = "server_device";
pub(super) const SERVER_CLOCK_KEY: &str = "server_clock";
