//! The app's state: the handset engine behind a mutex, opened in the app's data directory; or,
//! while the store there is damaged, no engine, and the way out (`recover`).

use gridwork_core::recover::{Recovered, recover};
use gridwork_core::sync::SyncProgress;
use gridwork_core::{CoreError, Engine, TaggedError};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// File name of the store inside the data directory (the CLI can open it with `--db`).
pub const DB_FILE: &str = "gridwork.db";

#[derive(Debug)]
pub struct AppState {
    db: PathBuf,
    /// `None` while the store is damaged: every command answers `damaged_store` until the worker
    /// takes the way out (`recover`), which the first screen offers.
    engine: Mutex<Option<Engine>>,
}

impl AppState {
    /// Opens (creating) the store in `dir`. A damaged store does not stop the app: it starts
    /// without an engine and shows the way out.
    pub fn open(dir: &Path) -> Result<Self, Box<dyn std::error::Error>> {
        std::fs::create_dir_all(dir)?;
        let db = dir.join(DB_FILE);
        let engine = match Engine::open(&db) {
            Ok(engine) => Some(engine),
            Err(e @ CoreError::DamagedStore { .. }) => {
                tracing::error!(%e, "the store is damaged; the app offers to recover");
                None
            }
            Err(e) => return Err(e.into()),
        };
        tracing::info!(dir = %dir.display(), "store opened");
        Ok(Self { db, engine: Mutex::new(engine) })
    }

    /// Runs `f` with the engine; an engine error crosses to the UI tagged.
    pub fn with<T>(&self, f: impl FnOnce(&mut Engine) -> Result<T, CoreError>) -> Result<T, TaggedError> {
        // A panic while holding the lock leaves SQLite consistent (transactions roll back), so a
        // poisoned lock is safe to keep using.
        let mut slot = self.engine.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_none() {
            // Still damaged (this says so again, with what can be read out of it).
            *slot = Some(Engine::open(&self.db).map_err(|e| e.to_tagged())?);
        }
        let engine = slot.as_mut().ok_or_else(|| CoreError::NotInitialized.to_tagged())?;
        f(engine).map_err(|e| e.to_tagged())
    }

    /// The way out of a damaged store: sets it aside (kept), enrolls again and pulls.
    pub fn recover(
        &self,
        server: &str,
        code: &str,
        device_name: &str,
        progress: &mut dyn FnMut(SyncProgress),
    ) -> Result<Recovered, TaggedError> {
        let mut slot = self.engine.lock().unwrap_or_else(|p| p.into_inner());
        // The damaged file is closed before it is moved (a healthy store is refused by `recover`
        // and opened again below).
        drop(slot.take());
        let result = recover(&self.db, server, code, device_name, progress);
        match result {
            Ok((engine, recovered)) => {
                *slot = Some(engine);
                Ok(recovered)
            }
            Err(e) => {
                *slot = Engine::open(&self.db).ok();
                Err(e.to_tagged())
            }
        }
    }
}
