//! The app's side of the store's key: what lies in the data directory (nothing yet, a store
//! waiting for a PIN, a locked store), opening it with the worker's PIN, making a new one, and
//! destroying it. The vault in the core does the work; this is where the app meets it.
//!
//! Until the core's vault lands, the store stays plain: a PIN is asked for and checked for its
//! form (6 digits) but opens any store (see docs/security.md for what the vault adds).

use gridwork_core::{CoreError, Engine};
use gridwork_domain::policy::DevicePolicy;
use std::path::Path;

/// What lies at the store's place before anything is opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Found {
    /// Nothing: the device enrolls (and sets its PIN) first.
    New,
    /// An unencrypted store from before the lock: the worker sets a PIN, the store is encrypted.
    Plain,
    /// A store under a key: the PIN opens it.
    Locked { failures: u32, wait_ms: u64, left: u32 },
}

/// Whether the OS keyring can keep a share of the key (Secret Service on a desktop).
pub fn keyring_reachable() -> bool {
    false
}

pub fn found(db: &Path, policy: &DevicePolicy) -> Result<Found, CoreError> {
    Ok(if db.exists() { Found::Locked { failures: 0, wait_ms: 0, left: policy.pin_wipe_after } } else { Found::New })
}

/// A PIN is 6 digits.
pub fn check_pin(pin: &str) -> Result<(), CoreError> {
    if pin.len() == 6 && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(CoreError::Validation(vec![gridwork_domain::ValidationError::coded(
            "pin",
            "format",
            "the PIN must be 6 digits",
        )]))
    }
}

/// Opens the store with the worker's PIN.
pub fn open(db: &Path, pin: &str) -> Result<Engine, CoreError> {
    check_pin(pin)?;
    Engine::open_existing_unencrypted(db)
}

/// A new store under a new PIN (or the plain store found there, encrypted in place).
pub fn create(db: &Path, pin: &str, _policy: &DevicePolicy) -> Result<Engine, CoreError> {
    check_pin(pin)?;
    Engine::open_unencrypted(db)
}

/// Keeps the server's lock rules beside the store, readable while it is locked.
pub fn set_policy(_db: &Path, _policy: &DevicePolicy) -> Result<(), CoreError> {
    Ok(())
}

/// The key first, then the store's files.
pub fn destroy(db: &Path) -> Result<(), CoreError> {
    for file in gridwork_core::wipe::store_files(db) {
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(CoreError::Corrupt(format!("cannot delete {}: {e}", file.display()))),
        }
    }
    Ok(())
}
