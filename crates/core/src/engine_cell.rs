//! Where the engine lives while a sync runs beside the worker: a cell that lends it out for one
//! step at a time. A sync takes what a request needs under `with` (a batch, the cursor, what the
//! store holds), lets go while the request is on the wire, and takes the engine again to settle
//! the answer — so a search, a draft or a form never waits for the server, only for a step of
//! the store (milliseconds).

use std::sync::Mutex;

use crate::engine::Engine;
use crate::error::Result;

/// The engine, lent out one step at a time.
pub trait EngineCell: Sync {
    /// Runs `f` with the engine; nobody else holds it meanwhile.
    fn with<T>(&self, f: impl FnOnce(&mut Engine) -> Result<T>) -> Result<T>;
    /// Wipes the store (the server answered `revoked`): for a store under a vault, its key first.
    fn wipe(&self) -> Result<()>;
}

/// A mutex around a borrowed engine: what `sync(&mut engine, …)` wraps for the CLI and the tests.
impl EngineCell for Mutex<&mut Engine> {
    fn with<T>(&self, f: impl FnOnce(&mut Engine) -> Result<T>) -> Result<T> {
        // A panic while holding the lock leaves SQLite consistent (transactions roll back), so a
        // poisoned lock is safe to keep using.
        f(&mut self.lock().unwrap_or_else(|p| p.into_inner()))
    }

    fn wipe(&self) -> Result<()> {
        self.with(|e| e.wipe())
    }
}

/// A mutex that owns its engine, for a sync on one thread beside searches on another.
impl EngineCell for Mutex<Engine> {
    fn with<T>(&self, f: impl FnOnce(&mut Engine) -> Result<T>) -> Result<T> {
        f(&mut self.lock().unwrap_or_else(|p| p.into_inner()))
    }

    fn wipe(&self) -> Result<()> {
        self.with(|e| e.wipe())
    }
}
