//! Gridwork's handset engine: a local SQLite store in which every edit and its outbox entry land
//! in one transaction, the services the app calls, merging of remote versions, demo data, and
//! the sync client. No Tauri and no HTTP server live here.

pub mod areas;
pub mod attention;
pub mod authority;
pub mod cards;
pub mod case_queue;
pub mod cases;
mod clock_offset;
pub mod conflicts;
pub mod db;
pub mod demo;
pub mod dispute_rows;
pub mod drafts;
pub mod engine;
pub mod engine_cell;
pub mod error;
pub mod explain;
pub mod export;
pub mod handlers;
pub mod highlights;
pub mod households;
pub mod integrity;
pub mod net_error;
pub mod office;
pub mod offline_lock;
pub mod outbox;
pub mod profile;
pub(crate) mod projection;
pub mod recover;
pub mod remote;
pub mod report;
pub mod search;
pub mod status;
pub mod store_key;
pub mod sync;
pub mod today;
pub mod vault;
pub mod visits;
pub mod wipe;

pub use engine::Engine;
pub use engine_cell::EngineCell;
pub use error::{CoreError, NetCause, NetError, Result, TaggedError, TlsReason};
pub use households::{HouseholdHistory, HouseholdQuery, HouseholdRow};
pub use profile::Profile;
pub use store_key::StoreKey;
pub use vault::{MemoryKeyring, NoKeyring, OsKeyring, Pin, SecretStore, Vault, VaultState};
