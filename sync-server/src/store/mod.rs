//! The server's storage behind one trait, [`SyncStore`], so that SQLite (embedded, the default) and
//! PostgreSQL (later) can stand behind the same routes. No database type appears in the trait.

use async_trait::async_trait;
use gridwork_domain::wire::{PushResponse, Role, StoredConflict};
use gridwork_domain::{Area, AreaCode, DeviceId, Hlc, RecordState, SerialBlock};
use thiserror::Error;
use uuid::Uuid;

use crate::push_logic::{Checked, Pusher};

mod flush;
mod migrations;
mod sqlite;
mod sqlite_read;
mod sqlite_write;

pub use sqlite::SqliteStore;

/// What the store can fail with. `Backend` and `Corrupt` carry details for the log only.
#[derive(Clone, Debug, Error)]
pub enum StoreError {
    #[error("not found: {0}")]
    NotFound(String),
    /// A request that contradicts what is stored (a stable code and a human message).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("database error: {0}")]
    Backend(String),
    #[error("stored data cannot be read: {0}")]
    Corrupt(String),
}

/// A person who may enroll devices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// The enrollment code a new handset of this person presents.
    pub code: String,
    pub name: String,
    pub phone: String,
    pub role: Role,
    /// The area the person's devices may read and write.
    pub scope: AreaCode,
}

/// A handset to enroll: chosen id, its name, the SHA-256 (hex) of its new token, and the code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewDevice {
    pub id: DeviceId,
    pub name: String,
    pub token_hash: String,
    pub code: String,
}

/// An enrolled device: who it belongs to and its first serial block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enrollment {
    pub device_id: DeviceId,
    pub account: Account,
    pub serial_block: SerialBlock,
}

/// The device behind a bearer token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceAuth {
    pub device_id: DeviceId,
    pub user_name: String,
    pub role: Role,
    pub scope: AreaCode,
}

impl DeviceAuth {
    pub fn pusher(&self) -> Pusher {
        Pusher { device: self.device_id, name: self.user_name.clone(), role: self.role, scope: self.scope.clone() }
    }
}

/// The server's own identity as a writer of records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerWriter {
    pub device: DeviceId,
    /// The last reading of the server's hybrid logical clock.
    pub clock: Hlc,
}

/// What a first start seeds: areas, accounts, and records the server itself wrote.
#[derive(Clone, Debug, Default)]
pub struct Seed {
    pub areas: Vec<Area>,
    pub accounts: Vec<Account>,
    pub records: Vec<RecordState>,
    /// The server clock after writing `records`.
    pub clock: Hlc,
}

/// The storage the routes need.
/// One page of the change feed with each record's state as the JSON text the store holds, so it
/// goes out without being parsed and written again. Its JSON is a `PullResponse`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PullPage {
    /// `(seq, state as JSON text)`, in seq order.
    pub changes: Vec<(u64, String)>,
    pub next: u64,
    pub more: bool,
    /// The newest conflict id among the records looked at (0 when none).
    pub last_conflict: u64,
}

impl PullPage {
    /// The page as the JSON text of a `PullResponse`.
    pub fn to_json(&self) -> String {
        let size: usize = self.changes.iter().map(|(_, s)| s.len() + 32).sum();
        let mut out = String::with_capacity(size + 64);
        out.push_str("{\"changes\":[");
        for (i, (seq, state)) in self.changes.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&format!("{{\"seq\":{seq},\"state\":"));
            out.push_str(state);
            out.push('}');
        }
        out.push_str(&format!(
            "],\"next\":{},\"more\":{},\"last_conflict\":{}}}",
            self.next, self.more, self.last_conflict
        ));
        out
    }
}

#[async_trait]
pub trait SyncStore: Send + Sync + std::fmt::Debug + 'static {
    /// Checks that the database answers.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Trades an enrollment code for a new device and its first serial block
    /// (`NotFound` for an unknown code).
    async fn enroll(&self, device: NewDevice, now_ms: u64) -> Result<Enrollment, StoreError>;

    /// The device holding the token with this SHA-256 (hex), if any.
    async fn authenticate(&self, token_hash: &str) -> Result<Option<DeviceAuth>, StoreError>;

    /// Applies one checked batch in one transaction together with its dedupe-ledger row, or
    /// returns the answer stored for that batch id when it was applied before.
    async fn push(
        &self,
        device: &DeviceAuth,
        batch_id: Uuid,
        records: Vec<Checked>,
        now_ms: u64,
    ) -> Result<PushResponse, StoreError>;

    /// The changes inside `scope` numbered after `after`, in order, looking at up to `limit` of
    /// them; changes that `device` itself pushed and that were stored as sent are left out (the
    /// cursor still moves past them).
    async fn pull(&self, scope: &AreaCode, device: DeviceId, after: u64, limit: u32) -> Result<PullPage, StoreError>;

    /// The areas inside `scope` and the ones enclosing it, ordered by code.
    async fn areas(&self, scope: &AreaCode) -> Result<Vec<Area>, StoreError>;

    /// Up to `limit` stored conflicts inside `scope` with an id after `after`, in order.
    async fn conflicts(&self, scope: &AreaCode, after: u64, limit: u32) -> Result<Vec<StoredConflict>, StoreError>;

    /// Hands the device a fresh contact-card serial block.
    async fn assign_serial_block(&self, device: DeviceId, now_ms: u64) -> Result<SerialBlock, StoreError>;

    /// Adds or replaces accounts (by enrollment code).
    async fn put_accounts(&self, accounts: Vec<Account>) -> Result<(), StoreError>;

    /// The server's device id and clock, for records it writes itself.
    async fn server_writer(&self) -> Result<ServerWriter, StoreError>;

    /// Seeds an empty database in one transaction; `false` (and nothing written) when it already
    /// holds areas or accounts.
    async fn seed(&self, seed: Seed) -> Result<bool, StoreError>;
}
