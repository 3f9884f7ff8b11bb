//! The app's side of the store's key: what lies in the data directory (nothing yet, a store
//! waiting for a PIN, a locked store), opening it with the worker's PIN, making a new one, and
//! destroying it — through the core's `Vault`, with the OS keyring where one answers and the PIN
//! alone where none does (the first screen says so).

use gridwork_core::vault::{NoKeyring, OsKeyring, Pin, SecretStore, Vault, VaultState};
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

/// The id the keyring is asked about to learn whether it answers at all.
const PROBE: &str = "gridwork-probe";

/// The OS keyring when it answers (Secret Service on a desktop session), otherwise none: the PIN
/// alone protects the key. The flag says whether it is the OS keyring.
pub fn keyring() -> (Box<dyn SecretStore>, bool) {
    match OsKeyring.get(PROBE) {
        Ok(_) => (Box::new(OsKeyring), true),
        Err(e) => {
            tracing::warn!(%e, "no system keyring: the store's key is protected by the PIN alone");
            (Box::new(NoKeyring), false)
        }
    }
}

pub fn found(db: &Path) -> Result<Found, CoreError> {
    Ok(match Vault::at(db).state()? {
        VaultState::New => Found::New,
        VaultState::Plain => Found::Plain,
        VaultState::Locked { failures, wait_ms, left } => Found::Locked { failures, wait_ms, left },
    })
}

/// Whether the store's key has a share in the OS keyring (`None`: no key yet).
pub fn keyring_kept(db: &Path) -> Result<Option<bool>, CoreError> {
    let vault = Vault::at(db);
    if !vault.key_path().exists() {
        return Ok(None);
    }
    Ok(Some(vault.keyring_note()?.is_none()))
}

/// A PIN is 6 digits (`bad_pin` otherwise).
pub fn check_pin(pin: &str) -> Result<(), CoreError> {
    Pin::new(pin).map(drop)
}

/// Opens the store with the worker's PIN (wrong ones counted, waited and wiped by the vault).
pub fn open(db: &Path, pin: &str, keyring: &dyn SecretStore) -> Result<Engine, CoreError> {
    Vault::at(db).unlock(&Pin::new(pin)?, keyring)
}

/// A new store under a new PIN (or the plain store found there, encrypted in place).
pub fn create(db: &Path, pin: &str, keyring: &dyn SecretStore, policy: &DevicePolicy) -> Result<Engine, CoreError> {
    Vault::at(db).create(&Pin::new(pin)?, keyring, policy)
}

/// Keeps the server's lock rules in the key file, readable while the store is locked.
pub fn set_policy(db: &Path, policy: &DevicePolicy) -> Result<(), CoreError> {
    Vault::at(db).set_policy(policy)
}

/// The key first, then the store's files.
pub fn destroy(db: &Path, keyring: &dyn SecretStore) -> Result<(), CoreError> {
    Vault::at(db).destroy(keyring)
}

/// The way out of a damaged store: set aside with its key file, a fresh store under the PIN,
/// enrolled with a new code and pulled.
pub fn recover(
    db: &Path,
    pin: &str,
    keyring: &dyn SecretStore,
    enrollment: (&str, &str, &str),
    progress: &mut dyn FnMut(gridwork_core::sync::SyncProgress),
) -> Result<(Engine, gridwork_core::recover::Recovered), CoreError> {
    let tls = gridwork_core::sync::TlsOptions::default();
    gridwork_core::recover::recover_vault(&Vault::at(db), &Pin::new(pin)?, keyring, enrollment, &tls, progress)
}
