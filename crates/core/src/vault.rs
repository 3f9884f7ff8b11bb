//! The vault: the store's data key sealed under the worker's PIN (and a device secret in the OS
//! keyring where one is reachable), the wrong-PIN count with its waits and wipe, and the way from a
//! locked store to an open engine. `Vault::create` makes a new encrypted store, or encrypts a plain
//! one in place.

mod key_file;
mod migrate;
mod pin;
mod secret_store;
mod wrap;

use std::path::{Path, PathBuf};

use gridwork_domain::clock::wall_ms;
use gridwork_domain::policy::{DevicePolicy, PinOutcome};
use rand::RngCore;
use serde::Serialize;

pub use key_file::{KeyFile, LockNumbers};
pub use migrate::Step as MigrationStep;
pub use pin::Pin;
pub use secret_store::{MemoryKeyring, NoKeyring, OsKeyring, SecretStore};
pub use wrap::KdfParams;

use crate::engine::Engine;
use crate::error::{CoreError, Result};
use crate::store_key::StoreKey;
use crate::wipe::store_files;

/// The store at a path with its key file beside it (`<db>.key`).
#[derive(Clone, Debug)]
pub struct Vault {
    db: PathBuf,
    kdf: KdfParams,
}

/// Where a vault stands before it is opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum VaultState {
    /// No store yet: set a PIN and enroll.
    New,
    /// A store from before stores were encrypted: setting a PIN encrypts it in place.
    Plain,
    /// An encrypted store: the PIN opens it. `wait_ms` before the next try, `left` tries before a wipe.
    Locked { failures: u32, wait_ms: u64, left: u32 },
}

/// An open engine's tie to its vault, so that wiping destroys the key first.
#[derive(Debug)]
pub(crate) struct VaultLink {
    pub vault: Vault,
    pub keyring: Box<dyn SecretStore>,
}

impl Vault {
    /// The vault of the store at `db`; nothing is read yet.
    pub fn at(db: &Path) -> Self {
        Self { db: db.to_path_buf(), kdf: KdfParams::default() }
    }

    /// With other Argon2id costs for new seals (tests use cheap ones; the default is for handsets).
    pub fn with_kdf(mut self, kdf: KdfParams) -> Self {
        self.kdf = kdf;
        self
    }

    pub fn db(&self) -> &Path {
        &self.db
    }

    pub fn key_path(&self) -> PathBuf {
        key_file::path_for(&self.db)
    }

    pub fn state(&self) -> Result<VaultState> {
        migrate::settle(&self.db)?;
        if let Some(kf) = KeyFile::read(&self.key_path())? {
            return Ok(VaultState::Locked {
                failures: kf.failures,
                wait_ms: kf.wait_until_ms.saturating_sub(wall_ms()),
                left: kf.policy.pin_wipe_after.saturating_sub(kf.failures),
            });
        }
        if crate::db::is_unencrypted(&self.db) {
            if !crate::db::is_plain_store(&self.db) {
                return Err(CoreError::NotAStore(self.db.display().to_string()));
            }
            return Ok(VaultState::Plain);
        }
        Ok(VaultState::New)
    }

    /// Whether the store's key is kept by the PIN alone, said for a person; `None` when the OS
    /// keyring holds a share too (or there is no key yet).
    pub fn keyring_note(&self) -> Result<Option<String>> {
        Ok(KeyFile::read(&self.key_path())?.filter(|kf| !kf.keyring).map(|_| {
            "no OS keyring could be reached (no Secret Service on this session): the store is encrypted and its key \
             is protected by the PIN alone"
                .to_owned()
        }))
    }

    /// Sets the PIN: a new random data key sealed under it, and a new encrypted store — or the
    /// plain store already at the path, encrypted in place without loss.
    pub fn create(&self, pin: &Pin, keyring: &dyn SecretStore, policy: &DevicePolicy) -> Result<Engine> {
        self.create_until(pin, keyring, policy, None)?
            .ok_or_else(|| CoreError::Corrupt("the store was not opened".into()))
    }

    /// `create`, stopped after `stop` when the store is a plain one: acts out a crash between the
    /// migration's steps (for tests). `None` when it stopped.
    #[doc(hidden)]
    pub fn create_until(
        &self,
        pin: &Pin,
        keyring: &dyn SecretStore,
        policy: &DevicePolicy,
        stop: Option<MigrationStep>,
    ) -> Result<Option<Engine>> {
        pin.refuse_weak()?;
        policy.validate()?;
        match self.state()? {
            VaultState::Locked { .. } => {
                return Err(CoreError::Workflow(format!(
                    "the store {} has a PIN already: unlock it, or change the PIN",
                    self.db.display()
                )));
            }
            VaultState::New => {
                // An encrypted file without its key file is unreadable by anyone (a wipe that
                // stopped after destroying the key): it goes.
                remove_files(&self.db)?;
            }
            VaultState::Plain => {}
        }
        let key = StoreKey::random();
        let keyring_id = format!("store-{}", uuid::Uuid::now_v7());
        let mut secret = zeroize::Zeroizing::new([0u8; 32]);
        rand::rng().fill_bytes(secret.as_mut());
        let with_keyring = match keyring.set(&keyring_id, secret.as_ref()) {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(keyring = %keyring.describe(), %e, "no OS keyring: the store's key is protected by the PIN alone");
                false
            }
        };
        let made = self.seal_and_open(
            &key,
            pin,
            keyring,
            with_keyring.then_some(&secret[..]),
            keyring_id.clone(),
            policy,
            stop,
        );
        if made.is_err() && with_keyring && KeyFile::read(&self.key_path()).ok().flatten().is_none() {
            let _ = keyring.delete(&keyring_id);
        }
        made
    }

    #[allow(clippy::too_many_arguments)]
    fn seal_and_open(
        &self,
        key: &StoreKey,
        pin: &Pin,
        keyring: &dyn SecretStore,
        device_secret: Option<&[u8]>,
        keyring_id: String,
        policy: &DevicePolicy,
        stop: Option<MigrationStep>,
    ) -> Result<Option<Engine>> {
        let with_keyring = device_secret.is_some();
        let sealed = wrap::seal(key, pin, device_secret, &self.kdf, &keyring_id)?;
        let kf = KeyFile {
            version: key_file::VERSION,
            kdf: self.kdf,
            salt: hex::encode(sealed.salt),
            nonce: hex::encode(sealed.nonce),
            wrapped_key: hex::encode(&sealed.sealed),
            keyring: with_keyring,
            keyring_id,
            failures: 0,
            wait_until_ms: 0,
            policy: LockNumbers { pin_delay_after: policy.pin_delay_after, pin_wipe_after: policy.pin_wipe_after },
        };
        if crate::db::is_unencrypted(&self.db) {
            if !migrate::encrypt_in_place(&self.db, key, &kf, stop)? {
                return Ok(None);
            }
        } else {
            kf.write(&self.key_path())?;
        }
        self.open_engine(key, keyring).map(Some)
    }

    /// Opens the store with the PIN. Each try is counted in the key file before it is made (a
    /// try cut short by a kill still counts); a right PIN clears the count. A wrong one answers
    /// `wrong_pin` with the tries left (and the wait before the next), a try during a wait
    /// `pin_wait` without trying, and the last allowed wrong PIN destroys the key and the store:
    /// `wiped_after_wrong_pins`.
    pub fn unlock(&self, pin: &Pin, keyring: &dyn SecretStore) -> Result<Engine> {
        let key = self.try_pin(pin, keyring)?.0;
        self.open_engine(&key, keyring)
    }

    /// Seals the key again under a new PIN (the old one must be right, and counts like an unlock).
    pub fn change_pin(&self, old: &Pin, new: &Pin, keyring: &dyn SecretStore) -> Result<()> {
        new.refuse_weak()?;
        let (key, mut kf, secret) = self.try_pin(old, keyring)?;
        let sealed = wrap::seal(&key, new, secret.as_deref().map(|s| &s[..]), &kf.kdf, &kf.keyring_id)?;
        kf.salt = hex::encode(sealed.salt);
        kf.nonce = hex::encode(sealed.nonce);
        kf.wrapped_key = hex::encode(&sealed.sealed);
        kf.write(&self.key_path())
    }

    /// Keeps the server's lock numbers with the key, where they hold while the store is locked.
    pub fn set_policy(&self, policy: &DevicePolicy) -> Result<()> {
        policy.validate()?;
        let mut kf = self.key_file()?;
        let numbers = LockNumbers { pin_delay_after: policy.pin_delay_after, pin_wipe_after: policy.pin_wipe_after };
        if kf.policy != numbers {
            kf.policy = numbers;
            kf.write(&self.key_path())?;
        }
        Ok(())
    }

    /// Destroys the store: the key first (the key file overwritten with zeros, flushed and removed;
    /// the keyring's share forgotten), so the data is unreadable at once; then the store's files.
    pub fn destroy(&self, keyring: &dyn SecretStore) -> Result<()> {
        let kf = KeyFile::read(&self.key_path()).ok().flatten();
        key_file::shred(&self.key_path())?;
        if let Some(kf) = kf.filter(|kf| kf.keyring) {
            if let Err(e) = keyring.delete(&kf.keyring_id) {
                // The share alone opens nothing: the sealed key it was for is gone.
                tracing::warn!(%e, "the keyring's share of a destroyed key could not be forgotten");
            }
        }
        remove_files(&self.db)?;
        tracing::warn!(db = %self.db.display(), "the store's key was destroyed and its files removed");
        Ok(())
    }

    fn key_file(&self) -> Result<KeyFile> {
        KeyFile::read(&self.key_path())?.ok_or_else(|| match crate::db::is_unencrypted(&self.db) {
            true => CoreError::Workflow(format!(
                "the store {} has no PIN yet: set one (it encrypts the store in place)",
                self.db.display()
            )),
            false => CoreError::NoStore(self.db.display().to_string()),
        })
    }

    /// The store's key from the PIN, with the key file (its count cleared) and the device secret.
    #[allow(clippy::type_complexity)]
    fn try_pin(
        &self,
        pin: &Pin,
        keyring: &dyn SecretStore,
    ) -> Result<(StoreKey, KeyFile, Option<zeroize::Zeroizing<Vec<u8>>>)> {
        migrate::settle(&self.db)?;
        let path = self.key_path();
        let mut kf = self.key_file()?;
        let now = wall_ms();
        if kf.wait_until_ms > now {
            return Err(CoreError::PinWait { wait_ms: kf.wait_until_ms - now });
        }
        let secret = if kf.keyring { Some(self.device_secret(&kf, keyring)?) } else { None };
        let sealed = wrap::Sealed {
            salt: unhex(&kf.salt)?,
            nonce: unhex(&kf.nonce)?,
            sealed: hex::decode(&kf.wrapped_key).map_err(|e| CoreError::Corrupt(format!("the key file: {e}")))?,
        };
        // Counted before trying: a kill during the try still spends it.
        kf.failures = kf.failures.saturating_add(1);
        kf.write(&path)?;
        match wrap::open(&sealed, pin, secret.as_deref().map(|s| &s[..]), &kf.kdf, &kf.keyring_id)? {
            Some(key) => {
                kf.failures = 0;
                kf.wait_until_ms = 0;
                kf.write(&path)?;
                Ok((key, kf, secret))
            }
            None => {
                let policy = DevicePolicy {
                    pin_delay_after: kf.policy.pin_delay_after,
                    pin_wipe_after: kf.policy.pin_wipe_after,
                    ..DevicePolicy::default()
                };
                match policy.after_wrong_pins(kf.failures) {
                    PinOutcome::TryAgain { left } => Err(CoreError::WrongPin { left, wait_ms: 0 }),
                    PinOutcome::Wait { wait_ms, left } => {
                        kf.wait_until_ms = now.saturating_add(wait_ms);
                        kf.write(&path)?;
                        Err(CoreError::WrongPin { left, wait_ms })
                    }
                    PinOutcome::Wipe => {
                        self.destroy(keyring)?;
                        Err(CoreError::WipedAfterWrongPins)
                    }
                }
            }
        }
    }

    fn device_secret(&self, kf: &KeyFile, keyring: &dyn SecretStore) -> Result<zeroize::Zeroizing<Vec<u8>>> {
        let gone = |why: String| {
            CoreError::KeyringUnreachable(format!(
                "the store {}'s key is sealed with the PIN and a device secret kept in {}, and {why}. Unlock it \
                 where that keyring is open (the same user session); if the secret is lost for good, the data \
                 cannot be read: remove the store and enroll again (unsynced changes are lost)",
                self.db.display(),
                keyring.describe()
            ))
        };
        match keyring.get(&kf.keyring_id) {
            Ok(Some(s)) => Ok(zeroize::Zeroizing::new(s)),
            Ok(None) => Err(gone("the keyring no longer holds it".into())),
            Err(e) => Err(gone(format!("it cannot be reached ({e})"))),
        }
    }

    fn open_engine(&self, key: &StoreKey, keyring: &dyn SecretStore) -> Result<Engine> {
        let mut engine = Engine::open(&self.db, key)?;
        engine.vault = Some(VaultLink { vault: self.clone(), keyring: keyring.handle() });
        Ok(engine)
    }
}

fn unhex<const N: usize>(s: &str) -> Result<[u8; N]> {
    hex::decode(s)
        .ok()
        .and_then(|v| v.try_into().ok())
        .ok_or_else(|| CoreError::Corrupt("the key file holds a malformed salt or nonce".into()))
}

/// Removes the store's files (database, log, shared memory, an unfinished migration's copy),
/// those that exist, and flushes the folder.
pub(crate) fn remove_files(db: &Path) -> Result<()> {
    let mut files = store_files(db).to_vec();
    files.push(migrate::temp_path(db));
    for file in files {
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(CoreError::Corrupt(format!("cannot delete {}: {e}", file.display()))),
        }
    }
    key_file::sync_dir(db)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_servers_lock_numbers_reach_the_key_file_when_the_engine_keeps_them() {
        let dir = tempfile::tempdir().unwrap();
        let vault =
            Vault::at(&dir.path().join("h.db")).with_kdf(KdfParams { m_kib: 1024, t: 1, ..KdfParams::default() });
        let pin = Pin::new("246810").unwrap();
        let mut e = vault.create(&pin, &NoKeyring, &DevicePolicy::default()).unwrap();
        let policy = DevicePolicy { pin_delay_after: 3, pin_wipe_after: 6, ..DevicePolicy::default() };
        e.keep_policy(&policy).unwrap();
        let kf = KeyFile::read(&vault.key_path()).unwrap().unwrap();
        assert_eq!(kf.policy, LockNumbers { pin_delay_after: 3, pin_wipe_after: 6 });
        drop(e);
        assert_eq!(vault.state().unwrap(), VaultState::Locked { failures: 0, wait_ms: 0, left: 6 });
    }
}
