//! The app lock as the UI sees it (`lock_state`): where the app stands, the wrong PINs so far
//! with the wait and the tries left, the offline lock, the server's rules, whether the OS keyring
//! keeps a share of the key, and why the device was wiped when it was.

use gridwork_core::offline_lock::OfflineLock;
use gridwork_domain::policy::DevicePolicy;
use serde::Serialize;

/// Where the app stands: no store yet, an unencrypted store waiting for a PIN, locked, open, or
/// a damaged store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum LockPhase {
    New,
    Plain,
    Locked,
    Open,
    Damaged,
}

/// Why this device was wiped back to enrollment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum WipeReason {
    /// The office withdrew the device (the server answered `revoked`).
    Revoked,
    /// The last wrong PIN the server's rules allow.
    WrongPins,
}

/// The app lock as the UI shows it.
#[derive(Clone, Debug, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct LockState {
    pub state: LockPhase,
    /// Wrong PINs in a row so far.
    pub failures: u32,
    /// How long before the next try is allowed, ms (0: now).
    pub wait_ms: u64,
    /// Tries left before the device wipes itself.
    pub left: u32,
    pub offline_lock: Option<OfflineLock>,
    pub policy: DevicePolicy,
    /// Whether the OS keyring keeps a share of the key (otherwise the PIN alone protects the data).
    pub keyring: bool,
    /// Set after a wipe, until the device enrolls again.
    pub wiped: Option<WipeReason>,
}
