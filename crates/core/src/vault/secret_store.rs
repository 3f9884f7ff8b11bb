//! Where the device's share of the key wrapping lives: the OS keyring (Secret Service on desktop
//! Linux, Keychain, Credential Manager), nowhere (`NoKeyring`: the PIN alone protects the key), or
//! memory (tests). On Android (not built here) a `SecretStore` keeps the 32-byte device secret
//! sealed by a non-exportable AES-GCM key in the Android Keystore (StrongBox where the phone has
//! one), the sealed bytes in the app's private files: a copied key file and store then open with
//! nothing but this phone's Keystore and the PIN.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::error::{CoreError, Result};

/// A keeper of small secrets by id.
pub trait SecretStore: Send + Sync + std::fmt::Debug {
    /// The secret kept under `id`; `None` when there is none. An error when the store cannot be reached.
    fn get(&self, id: &str) -> Result<Option<Vec<u8>>>;
    fn set(&self, id: &str, secret: &[u8]) -> Result<()>;
    /// Forgets the secret under `id` (nothing to do when there is none).
    fn delete(&self, id: &str) -> Result<()>;
    /// What this store is, for messages ("the system keyring (Secret Service)").
    fn describe(&self) -> String;
    /// A handle to the same store, kept by an open engine to forget the secret when it wipes.
    fn handle(&self) -> Box<dyn SecretStore>;
}

/// The service name entries are filed under.
const SERVICE: &str = "gridwork";

/// The operating system's keyring through the `keyring` crate (Secret Service over D-Bus on Linux).
#[derive(Clone, Copy, Debug, Default)]
pub struct OsKeyring;

fn unreachable(e: impl std::fmt::Display) -> CoreError {
    CoreError::KeyringUnreachable(format!("the system keyring cannot be reached: {e}"))
}

fn entry(id: &str) -> Result<keyring::Entry> {
    keyring::Entry::new(SERVICE, id).map_err(unreachable)
}

impl SecretStore for OsKeyring {
    fn get(&self, id: &str) -> Result<Option<Vec<u8>>> {
        match entry(id)?.get_secret() {
            Ok(s) => Ok(Some(s)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(unreachable(e)),
        }
    }

    fn set(&self, id: &str, secret: &[u8]) -> Result<()> {
        entry(id)?.set_secret(secret).map_err(unreachable)
    }

    fn delete(&self, id: &str) -> Result<()> {
        match entry(id)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(unreachable(e)),
        }
    }

    fn describe(&self) -> String {
        "the system keyring (Secret Service)".into()
    }

    fn handle(&self) -> Box<dyn SecretStore> {
        Box::new(*self)
    }
}

/// No keyring: every `set` fails, so the PIN alone protects the key.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoKeyring;

impl SecretStore for NoKeyring {
    fn get(&self, _id: &str) -> Result<Option<Vec<u8>>> {
        Err(CoreError::KeyringUnreachable("no keyring is used on this device".into()))
    }

    fn set(&self, _id: &str, _secret: &[u8]) -> Result<()> {
        Err(CoreError::KeyringUnreachable("no keyring is used on this device".into()))
    }

    fn delete(&self, _id: &str) -> Result<()> {
        Ok(())
    }

    fn describe(&self) -> String {
        "no keyring".into()
    }

    fn handle(&self) -> Box<dyn SecretStore> {
        Box::new(*self)
    }
}

/// A keyring in memory, shared by its clones: for tests (`forget_all` acts out a keyring whose
/// secrets are gone).
#[derive(Clone, Debug, Default)]
pub struct MemoryKeyring(Arc<Mutex<HashMap<String, Vec<u8>>>>);

impl MemoryKeyring {
    pub fn new() -> Self {
        Self::default()
    }

    /// Loses every secret, as a reinstalled system or a new user profile would.
    pub fn forget_all(&self) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    pub fn len(&self) -> usize {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl SecretStore for MemoryKeyring {
    fn get(&self, id: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.0.lock().unwrap_or_else(|p| p.into_inner()).get(id).cloned())
    }

    fn set(&self, id: &str, secret: &[u8]) -> Result<()> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).insert(id.to_owned(), secret.to_vec());
        Ok(())
    }

    fn delete(&self, id: &str) -> Result<()> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).remove(id);
        Ok(())
    }

    fn describe(&self) -> String {
        "a keyring in memory".into()
    }

    fn handle(&self) -> Box<dyn SecretStore> {
        Box::new(self.clone())
    }
}
