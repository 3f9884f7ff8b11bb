//! The app's state: the handset engine behind a mutex, opened in the app's data directory.

use gridwork_core::{CoreError, Engine, TaggedError};
use std::path::Path;
use std::sync::Mutex;

/// File name of the store inside the data directory (the CLI can open it with `--db`).
pub const DB_FILE: &str = "gridwork.db";

#[derive(Debug)]
pub struct AppState {
    engine: Mutex<Engine>,
}

impl AppState {
    /// Opens (creating) the store in `dir`.
    pub fn open(dir: &Path) -> Result<Self, Box<dyn std::error::Error>> {
        std::fs::create_dir_all(dir)?;
        let engine = Engine::open(&dir.join(DB_FILE))?;
        tracing::info!(dir = %dir.display(), "store opened");
        Ok(Self { engine: Mutex::new(engine) })
    }

    /// Runs `f` with the engine; an engine error crosses to the UI tagged.
    pub fn with<T>(&self, f: impl FnOnce(&mut Engine) -> Result<T, CoreError>) -> Result<T, TaggedError> {
        // A panic while holding the lock leaves SQLite consistent (transactions roll back), so a
        // poisoned lock is safe to keep using.
        let mut engine = self.engine.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut engine).map_err(|e| e.to_tagged())
    }
}
