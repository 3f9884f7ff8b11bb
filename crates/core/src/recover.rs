//! The way out of a damaged store: its files are moved aside under a dated name (never deleted:
//! field support may still read unsynced changes out of them), a fresh store is enrolled again
//! with a new one-time code, and everything in the device's area is pulled again.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::engine::Engine;
use crate::error::{CoreError, Result};
use crate::profile::Profile;
use crate::sync::{SyncClient, SyncProgress, SyncReport, TlsOptions};
use crate::vault::{KeyFile, Pin, SecretStore, Vault};
use crate::wipe::store_files;
use gridwork_domain::policy::DevicePolicy;

/// What a recovery did.
#[derive(Clone, Debug, Serialize)]
pub struct Recovered {
    /// Where the damaged store's files now are.
    pub set_aside: Vec<PathBuf>,
    /// Unsynced changes that could still be read out of the damaged file.
    pub unsynced_in_damaged: Option<u64>,
    pub profile: Profile,
    pub report: SyncReport,
}

/// Recovers the damaged encrypted store of `vault`: sets it aside with its key file (so field
/// support can still open it with the PIN), makes a fresh store under the same PIN and lock
/// numbers, enrolls it with `code` (reaching the server as `tls` says) and pulls. Refused (and
/// nothing moved) when the store is not damaged, or the server address would be refused.
pub fn recover_vault(
    vault: &Vault,
    pin: &Pin,
    keyring: &dyn SecretStore,
    (server, code, device_name): (&str, &str, &str),
    tls: &TlsOptions,
    progress: &mut dyn FnMut(SyncProgress),
) -> Result<(Engine, Recovered)> {
    crate::sync::tls::check_address(server, tls.insecure)?;
    let numbers = KeyFile::read(&vault.key_path())?.map(|kf| kf.policy);
    recover_in(
        vault.db(),
        || vault.unlock(pin, keyring),
        |aside| {
            if let Some(first) = aside.first() {
                let to = KeyFile::path_beside(first);
                std::fs::rename(vault.key_path(), &to).map_err(|e| {
                    CoreError::Corrupt(format!("cannot move the key file aside to {}: {e}", to.display()))
                })?;
            }
            let mut policy = DevicePolicy::default();
            if let Some(n) = numbers {
                policy.pin_delay_after = n.pin_delay_after;
                policy.pin_wipe_after = n.pin_wipe_after;
            }
            vault.create(pin, keyring, &policy)
        },
        (server, code, device_name),
        tls,
        progress,
    )
}

/// Recovers the damaged store at `db` that has no encryption: sets it aside, enrolls a fresh
/// (unencrypted) store with `code` and pulls. Refused (and nothing moved) when the store at `db`
/// is not damaged. `progress` hears how the pull goes.
pub fn recover(
    db: &Path,
    server: &str,
    code: &str,
    device_name: &str,
    progress: &mut dyn FnMut(SyncProgress),
) -> Result<(Engine, Recovered)> {
    recover_with(db, server, code, device_name, &TlsOptions::default(), progress)
}

/// As [`recover`], reaching the server as `tls` says (a private CA, a pin, `--insecure`). A
/// server address that would be refused is refused before anything is moved.
pub fn recover_with(
    db: &Path,
    server: &str,
    code: &str,
    device_name: &str,
    tls: &TlsOptions,
    progress: &mut dyn FnMut(SyncProgress),
) -> Result<(Engine, Recovered)> {
    crate::sync::tls::check_address(server, tls.insecure)?;
    recover_in(
        db,
        || Engine::open_existing_unencrypted(db),
        |_| Engine::open_unencrypted(db),
        (server, code, device_name),
        tls,
        progress,
    )
}

fn recover_in(
    db: &Path,
    open_damaged: impl FnOnce() -> Result<Engine>,
    open_fresh: impl FnOnce(&[PathBuf]) -> Result<Engine>,
    (server, code, device_name): (&str, &str, &str),
    tls: &TlsOptions,
    progress: &mut dyn FnMut(SyncProgress),
) -> Result<(Engine, Recovered)> {
    let unsynced = match open_damaged() {
        Err(CoreError::DamagedStore { unsynced, .. }) => unsynced,
        Err(e) => return Err(e),
        Ok(_) => {
            return Err(CoreError::Workflow(format!(
                "the store {} is not damaged: nothing to recover (it was left as it is)",
                db.display()
            )));
        }
    };
    let set_aside = set_aside(db, chrono::Local::now().format("%Y%m%d-%H%M%S").to_string())?;
    tracing::warn!(?set_aside, "the damaged store was moved aside");
    let mut engine = open_fresh(&set_aside)?;
    let profile = crate::sync::enroll_with(&mut engine, server, code, device_name, tls)?;
    let client = SyncClient::for_profile(&profile)?;
    let report = crate::sync::sync(&mut engine, &client, progress)?;
    Ok((engine, Recovered { set_aside, unsynced_in_damaged: unsynced, profile, report }))
}

/// Moves the store's files (database, log, shared memory; those that exist) to
/// `<db>.damaged-<stamp>` (with the same `-wal`/`-shm` endings, so SQLite finds the log beside
/// it), picking a free name. Returns the new paths.
pub fn set_aside(db: &Path, stamp: String) -> Result<Vec<PathBuf>> {
    let mut base = format!("{}.damaged-{stamp}", db.display());
    let mut n = 1;
    while store_files(Path::new(&base)).iter().any(|p| p.exists()) {
        n += 1;
        base = format!("{}.damaged-{stamp}-{n}", db.display());
    }
    let mut moved = Vec::new();
    for (from, to) in store_files(db).into_iter().zip(store_files(Path::new(&base))) {
        if !from.exists() {
            continue;
        }
        std::fs::rename(&from, &to).map_err(|e| {
            CoreError::Corrupt(format!("cannot move {} aside to {}: {e}", from.display(), to.display()))
        })?;
        moved.push(to);
    }
    Ok(moved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_aside_keeps_every_file_under_a_free_dated_name() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("gridwork.db");
        for f in store_files(&db) {
            std::fs::write(&f, f.display().to_string()).unwrap();
        }
        let moved = set_aside(&db, "20250102-030405".into()).unwrap();
        assert_eq!(moved.len(), 3);
        assert!(moved[0].ends_with("gridwork.db.damaged-20250102-030405"), "{moved:?}");
        assert!(moved[1].ends_with("gridwork.db.damaged-20250102-030405-wal"), "{moved:?}");
        assert!(store_files(&db).iter().all(|p| !p.exists()));
        assert_eq!(std::fs::read_to_string(&moved[0]).unwrap(), db.display().to_string(), "moved, not rewritten");
        std::fs::write(&db, "again").unwrap();
        let again = set_aside(&db, "20250102-030405".into()).unwrap();
        assert!(again[0].ends_with("gridwork.db.damaged-20250102-030405-2"), "{again:?}");
        assert!(moved[0].exists(), "the first one is kept");
    }
}
