//! One sync at a time per store. A second sync started while one runs (the sync button pressed
//! again, the automatic sync firing during a manual one) is answered `sync_running` at once
//! rather than queued: the running one already carries what the worker asked for, and a queued
//! one would hold a thread for as long as a hanging server keeps the first. The guard is kept by
//! the store's path for the whole process, so an engine opened again on the same file (after the
//! app locks and unlocks) cannot start a second sync beside one still waiting on the network.

use std::collections::BTreeSet;
use std::sync::Mutex;

use crate::engine::Engine;
use crate::error::{CoreError, Result};

/// The stores with a sync running, by path.
static RUNNING: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

/// Held for the length of a sync; let go when dropped (on any return, or a panic).
#[derive(Debug)]
pub(super) struct SyncGuard(Option<String>);

impl SyncGuard {
    /// Claims the store `engine` works on, or `sync_running`. A store in memory (tests) has no
    /// path to claim and is not guarded.
    pub(super) fn claim(engine: &Engine) -> Result<Self> {
        let Some(path) = engine.conn.path().filter(|p| !p.is_empty()) else { return Ok(Self(None)) };
        if !running().insert(path.to_owned()) {
            return Err(CoreError::SyncRunning);
        }
        Ok(Self(Some(path.to_owned())))
    }
}

impl Drop for SyncGuard {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            running().remove(&path);
        }
    }
}

fn running() -> std::sync::MutexGuard<'static, BTreeSet<String>> {
    // Nothing can be left half-done in a set of paths: a poisoned lock is safe to use.
    RUNNING.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_sync_of_one_store_is_refused_until_the_first_ends() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.db");
        let (a, b) = (
            Engine::open(&path, &crate::StoreKey::from_bytes([1; 32])).unwrap(),
            Engine::open(&path, &crate::StoreKey::from_bytes([1; 32])).unwrap(),
        );
        let first = SyncGuard::claim(&a).unwrap();
        assert!(matches!(SyncGuard::claim(&a), Err(CoreError::SyncRunning)));
        assert!(matches!(SyncGuard::claim(&b), Err(CoreError::SyncRunning)), "another engine on the same file");
        let other = Engine::open(&dir.path().join("other.db"), &crate::StoreKey::from_bytes([1; 32])).unwrap();
        drop(SyncGuard::claim(&other).unwrap());
        drop(first);
        SyncGuard::claim(&b).unwrap();
    }
}
