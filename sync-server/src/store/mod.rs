//! The server's storage behind one trait, [`SyncStore`], so that SQLite (embedded, the default) and
//! PostgreSQL (later) can stand behind the same routes. No database type appears in the trait.

use async_trait::async_trait;
use gridwork_domain::attention::{AttentionItem, AttentionReach};
use gridwork_domain::wire::office::{FleetRow, NewAccount, OfficeAccount};
use gridwork_domain::wire::{PushResponse, Role, StoredConflict};
use gridwork_domain::{Area, AreaCode, DeviceId, Hlc, RecordId, RecordState, SerialBlock};
use thiserror::Error;
use uuid::Uuid;

use crate::push_logic::{Checked, Pusher};

pub mod audit;
mod flush;
mod migrations;
mod sqlite;
mod sqlite_admin;
mod sqlite_attention;
mod sqlite_enroll;
mod sqlite_office;
mod sqlite_read;
mod sqlite_serial;
mod sqlite_versions;
mod sqlite_write;

pub use audit::{AuditEntry, AuditRow, append_audit};
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
    /// An office action the acting account may not take (see `gridwork_domain::authority::may_administer`).
    #[error("not allowed: {0}")]
    Forbidden(String),
}

/// A person who may enroll devices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// The account's public handle (`DEMO-W-0001`); a handset enrolls with a one-time code made
    /// for the account, never with this.
    pub code: String,
    pub name: String,
    pub phone: String,
    pub role: Role,
    /// The area the person's devices may read and write.
    pub scope: AreaCode,
}

/// A handset to enroll for the account with handle `code`, without a one-time code (tests and
/// tools): chosen id, its name, the SHA-256 (hex) of its new token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewDevice {
    pub id: DeviceId,
    pub name: String,
    pub token_hash: String,
    pub code: String,
}

/// A handset enrolling with a one-time code: its chosen id and name, the SHA-256 (hex) of its new
/// token and of the code as typed (see `enroll_codes::hash_code`), and the client's request id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeEnrollment {
    pub device_id: DeviceId,
    pub device_name: String,
    pub token_hash: String,
    pub code_hash: String,
    pub request_id: Uuid,
}

/// What came of an enrollment: the device (new, or the one an earlier try of the same request
/// made, with its token replaced), or why it was refused — for the log and the audit only, the
/// client is told no more than `unauthorized`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnrollOutcome {
    Enrolled(Enrollment),
    /// `unknown_code`, `used_code`, `expired_code`, `account_disabled` or `revoked`.
    Refused(&'static str),
}

/// One-time codes to store for an account: their hashes, made by the account `by`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCodes {
    /// The account's handle.
    pub account: String,
    /// The handle of the supervisor or admin making them.
    pub by: String,
    pub code_hashes: Vec<String>,
    pub expires_at_ms: u64,
}

/// A device taking a new identity (re-enrollment): the new id, name and token hash, and the
/// client's request id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reenrollment {
    pub device_id: DeviceId,
    pub device_name: String,
    pub token_hash: String,
    pub request_id: Uuid,
}

/// What a batch is: a device's own changes, or versions handed back to a server that lost them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BatchMode {
    /// Counted among the device's push batches.
    Push,
    /// Each record carries a receipt, which the store verifies; not counted.
    Restore,
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

/// The protocol and app version a device last spoke, and when the server noted them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceVersion {
    pub protocol: u32,
    /// `None` when the app did not say.
    pub app: Option<String>,
    pub at_ms: u64,
}

/// What a request told of the device that sent it, noted for the office's view of its fleet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceContact {
    pub protocol: u32,
    /// `None` when the app did not say.
    pub app: Option<String>,
    /// Changes waiting in its outbox (`Gridwork-Outbox`); `None` when it did not say.
    pub waiting: Option<u32>,
    pub at_ms: u64,
}

/// A device as the fleet view reads it, before its flags are judged (`routes::fleet`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FleetDevice {
    /// Flags empty, days without contact unset.
    pub row: FleetRow,
    pub revoked: bool,
    pub disabled: bool,
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
    /// `(seq, state as JSON text, receipt)`, in seq order.
    pub changes: Vec<(u64, String, Option<String>)>,
    pub next: u64,
    pub more: bool,
    /// The newest conflict id among the records looked at (0 when none).
    pub last_conflict: u64,
    /// The history token of change number `next` (0 for 0).
    pub history: u64,
}

impl PullPage {
    /// The page as the JSON text of a `PullResponse`.
    pub fn to_json(&self) -> String {
        let size: usize = self.changes.iter().map(|(_, s, _)| s.len() + 80).sum();
        let mut out = String::with_capacity(size + 96);
        out.push_str("{\"changes\":[");
        for (i, (seq, state, receipt)) in self.changes.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            match receipt {
                // A receipt is hex: nothing in it needs escaping.
                Some(r) => out.push_str(&format!("{{\"seq\":{seq},\"receipt\":\"{r}\",\"state\":")),
                None => out.push_str(&format!("{{\"seq\":{seq},\"state\":")),
            }
            out.push_str(state);
            out.push('}');
        }
        out.push_str(&format!(
            "],\"next\":{},\"more\":{},\"last_conflict\":{},\"history\":{}}}",
            self.next, self.more, self.last_conflict, self.history
        ));
        out
    }
}

#[async_trait]
pub trait SyncStore: Send + Sync + std::fmt::Debug + 'static {
    /// Checks that the database answers.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Trades a one-time code for a new device and its first serial block, in one transaction with
    /// its audit row; the same request again gets the same device. A refusal is audited too.
    async fn enroll(&self, enrollment: CodeEnrollment, now_ms: u64) -> Result<EnrollOutcome, StoreError>;

    /// The active device holding the token with this SHA-256 (hex), if any: a revoked device or
    /// one of a disabled account is not.
    async fn authenticate(&self, token_hash: &str) -> Result<Option<DeviceAuth>, StoreError>;

    /// Whether the token names a device that was revoked or whose account was disabled.
    async fn token_revoked(&self, token_hash: &str) -> Result<bool, StoreError>;

    /// Stores one-time codes for an account, if `by` may administer it (`Forbidden` otherwise;
    /// `NotFound` for an unknown handle). Audited either way.
    async fn create_codes(&self, codes: NewCodes, now_ms: u64) -> Result<(), StoreError>;

    /// Withdraws a device, if `by` may administer its account. Audited either way.
    async fn revoke_device(&self, device: DeviceId, by: &str, now_ms: u64) -> Result<(), StoreError>;

    /// Disables an account (every device of it is refused from then on), if `by` may administer
    /// it. Audited either way.
    async fn disable_account(&self, account: &str, by: &str, now_ms: u64) -> Result<(), StoreError>;

    /// Up to `limit` audit rows with an id after `after`, oldest first.
    async fn audit_rows(&self, after: u64, limit: u32) -> Result<Vec<AuditEntry>, StoreError>;

    /// Applies one checked batch in one transaction together with its dedupe-ledger row, or
    /// returns the answer stored for that batch id when it was applied before.
    async fn push(
        &self,
        device: &DeviceAuth,
        batch_id: Uuid,
        records: Vec<Checked>,
        now_ms: u64,
    ) -> Result<PushResponse, StoreError>;

    /// Applies versions handed back with receipts (`/api/v1/restore`) as [`SyncStore::push`] applies
    /// a batch, except that each one whose receipt is this server's is taken without judging its
    /// writer again (that was done when it was first taken), one whose receipt is not is refused
    /// `bad_receipt`, and the batch is not counted among the device's push batches.
    async fn restore(
        &self,
        device: &DeviceAuth,
        batch_id: Uuid,
        records: Vec<Checked>,
        now_ms: u64,
    ) -> Result<PushResponse, StoreError>;

    /// What the server holds of a device: how many of its push batches it applied, and the
    /// history token of change number `cursor` (`None` when it holds no change numbered that or
    /// later; 0 for 0).
    async fn device_state(&self, device: DeviceId, cursor: u64) -> Result<(u64, Option<u64>), StoreError>;

    /// Makes a new device for the account of device `follows` (which stays as it is), with its
    /// first serial block, in one transaction with its audit row; the same request again gets
    /// the same device, with the new token. `Forbidden` when `follows` is revoked.
    async fn reenroll(&self, follows: DeviceId, device: Reenrollment, now_ms: u64) -> Result<Enrollment, StoreError>;

    /// The changes inside `scope` numbered after `after`, in order, looking at up to `limit` of
    /// them; changes that `device` itself pushed and that were stored as sent are left out (the
    /// cursor still moves past them).
    async fn pull(&self, scope: &AreaCode, device: DeviceId, after: u64, limit: u32) -> Result<PullPage, StoreError>;

    /// The stored JSON texts of the records named that lie inside `scope`, in the order named.
    async fn records(&self, scope: &AreaCode, ids: Vec<RecordId>) -> Result<Vec<String>, StoreError>;

    /// The areas inside `scope` and the ones enclosing it, ordered by code.
    async fn areas(&self, scope: &AreaCode) -> Result<Vec<Area>, StoreError>;

    /// Up to `limit` stored conflicts inside `scope` with an id after `after`, in order.
    async fn conflicts(&self, scope: &AreaCode, after: u64, limit: u32) -> Result<Vec<StoredConflict>, StoreError>;

    /// Up to `limit` open "needs attention" items (refused pushes) with an id after `after` that
    /// `reach` covers, in order.
    async fn attention(&self, reach: AttentionReach, after: u64, limit: u32) -> Result<Vec<AttentionItem>, StoreError>;

    /// Hands the device a fresh contact-card serial block, once its current block is mostly used
    /// (`Conflict` `serial_quota` otherwise). Audited either way.
    async fn assign_serial_block(&self, device: DeviceId, now_ms: u64) -> Result<SerialBlock, StoreError>;

    /// Notes a contact with `device`: when, the protocol and app version it spoke (the time of a
    /// new version kept apart), and the changes waiting in its outbox. Not flushed before it returns.
    async fn note_contact(&self, device: DeviceId, contact: DeviceContact) -> Result<(), StoreError>;

    /// Every device of an account whose area lies inside `scope`, by account handle then enrollment.
    async fn fleet(&self, scope: &AreaCode) -> Result<Vec<FleetDevice>, StoreError>;

    /// The accounts whose area lies inside `scope` (disabled ones too), by handle, without devices.
    async fn office_accounts(&self, scope: &AreaCode) -> Result<Vec<OfficeAccount>, StoreError>;

    /// The handle of the account `device` belongs to.
    async fn account_of(&self, device: DeviceId) -> Result<String, StoreError>;

    /// Makes an account with the next free handle of its township and role
    /// (`wire::office::handle_prefix`), if `by` may administer an account of that role and area
    /// (`Forbidden` otherwise) and the area exists and fits the role (`Conflict` `unknown_area` /
    /// `scope_role`). Audited either way.
    async fn create_account(&self, account: NewAccount, by: &str, now_ms: u64) -> Result<Account, StoreError>;

    /// Adds the demo fleet's handsets (`demo_fleet`) with their last contacts, in one transaction.
    async fn seed_devices(&self, devices: Vec<crate::demo_fleet::DemoDevice>) -> Result<(), StoreError>;

    /// What each device last spoke (devices not heard from since the versions were kept are left out).
    async fn device_versions(&self) -> Result<Vec<(DeviceId, DeviceVersion)>, StoreError>;

    /// Adds or replaces accounts (by enrollment code).
    async fn put_accounts(&self, accounts: Vec<Account>) -> Result<(), StoreError>;

    /// The accounts (not disabled) whose area lies inside `scope`, by role then name: whom a case
    /// in the area may be dispatched to.
    async fn accounts_in(&self, scope: &AreaCode) -> Result<Vec<Account>, StoreError>;

    /// The server's device id and clock, for records it writes itself.
    async fn server_writer(&self) -> Result<ServerWriter, StoreError>;

    /// Seeds an empty database in one transaction; `false` (and nothing written) when it already
    /// holds areas or accounts.
    async fn seed(&self, seed: Seed) -> Result<bool, StoreError>;
}
