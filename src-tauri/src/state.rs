//! The app's state: the store in the app's data directory, as the lock allows — nothing yet
//! (`New`: enroll first), locked (the PIN opens it), open (the engine), or damaged (no engine,
//! and the way out, `recover`). Every command passes `admit` first: the backend's idle lock (a
//! backstop to the UI's), `locked` unless open, `offline_locked` while the offline lock holds.

use gridwork_core::offline_lock::OfflineLock;
use gridwork_core::recover::Recovered;
use gridwork_core::sync::SyncProgress;
use gridwork_core::{CoreError, Engine, EngineCell, TaggedError};
use gridwork_domain::policy::DevicePolicy;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::keystore::{self, Found};
use crate::lock_state::{LockPhase, LockState, WipeReason};
use gridwork_core::vault::SecretStore;

/// File name of the store inside the data directory (the CLI can open it with `--db`).
pub const DB_FILE: &str = "gridwork.db";

/// A command's flags in the command table (`command_table.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flag {
    /// Answers while the offline lock holds (the "please sync" screen's commands).
    Offline,
    /// Not the worker using the app (the UI's own polling): does not hold off the idle lock.
    Passive,
    /// Runs before there is a store to open (enrollment, recovery): checks the state itself.
    Setup,
}

/// The store as the lock allows it.
#[derive(Debug)]
enum Slot {
    New,
    Plain,
    Locked,
    Open(Box<Engine>),
    /// The store would not open: the refusal it gave (with what can still be read out of it).
    Damaged(TaggedError),
}

#[derive(Debug)]
pub struct AppState {
    db: PathBuf,
    slot: Mutex<Slot>,
    /// The last command that was the worker using the app.
    last_use: Mutex<Instant>,
    /// The server's rules as last known (read from the engine while open).
    policy: Mutex<DevicePolicy>,
    /// The OS keyring when it answers, otherwise none (the PIN alone protects the key).
    keyring: Box<dyn SecretStore>,
    /// Whether the OS keyring answered at start.
    os_keyring: bool,
    wiped: Mutex<Option<WipeReason>>,
}

/// The `locked` refusal: no command reads data while the store is locked.
pub fn locked() -> TaggedError {
    tagged("locked", "Gridwork is locked: enter the PIN")
}

fn tagged(kind: &'static str, message: &str) -> TaggedError {
    TaggedError {
        kind,
        message: message.to_owned(),
        fields: Vec::new(),
        net: None,
        unsynced: None,
        code: None,
        params: None,
    }
}

impl AppState {
    /// Looks at what lies in `dir` without opening anything that needs the PIN. A damaged store
    /// does not stop the app: it starts without an engine and shows the way out.
    pub fn open(dir: &Path) -> Result<Self, Box<dyn std::error::Error>> {
        std::fs::create_dir_all(dir)?;
        let db = dir.join(DB_FILE);
        let policy = DevicePolicy::default();
        let slot = match keystore::found(&db)? {
            Found::New => Slot::New,
            Found::Plain => Slot::Plain,
            Found::Locked { .. } => Slot::Locked,
        };
        let (keyring, os_keyring) = keystore::keyring();
        tracing::info!(dir = %dir.display(), ?slot, "store found");
        Ok(Self {
            db,
            slot: Mutex::new(slot),
            last_use: Mutex::new(Instant::now()),
            policy: Mutex::new(policy),
            keyring,
            os_keyring,
            wiped: Mutex::new(None),
        })
    }

    /// An engine just opened, with the phone's clock acted out as `GRIDWORK_PHONE_CLOCK_SKEW_MS`
    /// says (tests of the offline lock and the clock warning). Debug builds only: in a release
    /// build a clock set back this way would put off the offline lock.
    fn opened(&self, mut engine: Engine) -> Box<Engine> {
        let skew = std::env::var(crate::PHONE_CLOCK_SKEW_ENV).ok().filter(|_| cfg!(debug_assertions));
        if let Some(ms) = skew.and_then(|v| v.parse::<i64>().ok()) {
            tracing::warn!(ms, "the phone's clock is acted out off the true time");
            engine.skew_phone_clock(ms);
        }
        Box::new(engine)
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Slot> {
        // A panic while holding the lock leaves SQLite consistent (transactions roll back), so a
        // poisoned lock is safe to keep using.
        self.slot.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn policy(&self) -> DevicePolicy {
        *self.policy.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Notes the worker's use (unless `Passive`); locks first when the last use is older than
    /// the idle lock allows (the UI locks visibly; this is the backstop).
    pub fn touch(&self, flags: &[Flag]) {
        let mut last = self.last_use.lock().unwrap_or_else(|p| p.into_inner());
        if flags.contains(&Flag::Passive) {
            return;
        }
        let idle = Duration::from_secs(u64::from(self.policy().idle_lock_s));
        if last.elapsed() > idle {
            let mut slot = self.slot();
            if matches!(*slot, Slot::Open(_)) {
                tracing::info!("idle longer than the policy allows: locked");
                *slot = Slot::Locked;
            }
        }
        *last = Instant::now();
    }

    /// The gate of `engine` and `net` commands: the idle lock, then `locked` unless open, then
    /// `offline_locked` unless the command is flagged `Offline`.
    pub fn admit(&self, name: &str, flags: &[Flag]) -> Result<(), TaggedError> {
        if flags.contains(&Flag::Setup) {
            return Ok(());
        }
        self.touch(flags);
        let slot = self.slot();
        match &*slot {
            Slot::Open(engine) if !flags.contains(&Flag::Offline) => {
                if let Some(lock) = offline_lock(engine)? {
                    tracing::info!(command = name, days = lock.days_without_contact, "refused: offline lock");
                    return Err(CoreError::OfflineLocked { days: lock.days_without_contact }.to_tagged());
                }
                Ok(())
            }
            Slot::Open(_) => Ok(()),
            // The damaged store says so again, with what can be read out of it (`with`).
            Slot::Damaged(_) => Ok(()),
            Slot::New => Err(CoreError::NotInitialized.to_tagged()),
            Slot::Plain | Slot::Locked => Err(locked()),
        }
    }

    /// Runs `f` with the engine; an engine error crosses to the UI tagged.
    pub fn with<T>(&self, f: impl FnOnce(&mut Engine) -> Result<T, CoreError>) -> Result<T, TaggedError> {
        let mut slot = self.slot();
        match &mut *slot {
            Slot::Open(engine) => f(engine).map_err(|e| e.to_tagged()),
            // Still damaged: this says so again, with what can be read out of it.
            Slot::Damaged(refusal) => Err(refusal.clone()),
            Slot::New => Err(CoreError::NotInitialized.to_tagged()),
            Slot::Plain | Slot::Locked => Err(locked()),
        }
    }

    /// The lock as the UI shows it.
    pub fn lock_state(&self) -> Result<LockState, TaggedError> {
        let slot = self.slot();
        let mut policy = self.policy();
        let (state, failures, wait_ms, left, offline) = match &*slot {
            Slot::Open(engine) => {
                policy = engine.device_policy().map_err(|e| e.to_tagged())?;
                *self.policy.lock().unwrap_or_else(|p| p.into_inner()) = policy;
                (LockPhase::Open, 0, 0, policy.pin_wipe_after, offline_lock(engine)?)
            }
            Slot::Locked => match keystore::found(&self.db).map_err(|e| e.to_tagged())? {
                Found::Locked { failures, wait_ms, left } => (LockPhase::Locked, failures, wait_ms, left, None),
                _ => (LockPhase::Locked, 0, 0, policy.pin_wipe_after, None),
            },
            Slot::New => (LockPhase::New, 0, 0, policy.pin_wipe_after, None),
            Slot::Plain => (LockPhase::Plain, 0, 0, policy.pin_wipe_after, None),
            Slot::Damaged(_) => (LockPhase::Damaged, 0, 0, policy.pin_wipe_after, None),
        };
        Ok(LockState {
            state,
            failures,
            wait_ms,
            left,
            offline_lock: offline,
            policy,
            keyring: keystore::keyring_kept(&self.db).map_err(|e| e.to_tagged())?.unwrap_or(self.os_keyring),
            wiped: *self.wiped.lock().unwrap_or_else(|p| p.into_inner()),
        })
    }

    /// Locks now: the engine is closed (its key forgotten); the PIN opens it again.
    pub fn lock(&self) -> Result<LockState, TaggedError> {
        {
            let mut slot = self.slot();
            if matches!(*slot, Slot::Open(_)) {
                *slot = Slot::Locked;
                tracing::info!("locked");
            }
        }
        self.lock_state()
    }

    /// Opens the store with the PIN (a plain store from before: encrypts it under this PIN).
    /// The last wrong PIN the rules allow wipes the device: the app is back at enrollment.
    pub fn unlock(&self, pin: &str) -> Result<LockState, TaggedError> {
        {
            let mut slot = self.slot();
            let opened = match &*slot {
                Slot::Open(_) => None,
                Slot::Locked => Some(keystore::open(&self.db, pin, &*self.keyring)),
                Slot::Plain => Some(keystore::create(&self.db, pin, &*self.keyring, &self.policy())),
                Slot::New => return Err(CoreError::NotInitialized.to_tagged()),
                Slot::Damaged(refusal) => return Err(refusal.clone()),
            };
            match opened {
                None => {}
                Some(Ok(engine)) => {
                    *slot = Slot::Open(self.opened(engine));
                    tracing::info!("unlocked");
                }
                Some(Err(e @ CoreError::DamagedStore { .. })) => {
                    *slot = Slot::Damaged(e.to_tagged());
                    return Err(e.to_tagged());
                }
                Some(Err(e)) if e.to_tagged().kind == "wiped_after_wrong_pins" => {
                    *slot = Slot::New;
                    *self.wiped.lock().unwrap_or_else(|p| p.into_inner()) = Some(WipeReason::WrongPins);
                    tracing::warn!("the last wrong PIN: the store was wiped");
                    return Err(e.to_tagged());
                }
                Some(Err(e)) => return Err(e.to_tagged()),
            }
        }
        *self.last_use.lock().unwrap_or_else(|p| p.into_inner()) = Instant::now();
        self.keep_policy();
        self.lock_state()
    }

    /// Makes a new store under `pin` and runs `enroll` with its engine; when enrollment fails the
    /// new store is destroyed again (the app stays at enrollment).
    pub fn enroll(&self, pin: &str, enroll: impl FnOnce(&Self) -> Result<(), TaggedError>) -> Result<(), TaggedError> {
        {
            let mut slot = self.slot();
            let fresh = match &*slot {
                Slot::New => true,
                Slot::Open(engine) => !engine.status().map(|s| s.enrolled).unwrap_or(false),
                _ => false,
            };
            if !fresh {
                return Err(tagged("already_enrolled", "this device is enrolled already"));
            }
            if matches!(*slot, Slot::New) {
                *slot = Slot::Open(self.opened(
                    keystore::create(&self.db, pin, &*self.keyring, &self.policy()).map_err(|e| e.to_tagged())?,
                ));
            }
        }
        match enroll(self) {
            Ok(()) => {
                *self.wiped.lock().unwrap_or_else(|p| p.into_inner()) = None;
                *self.last_use.lock().unwrap_or_else(|p| p.into_inner()) = Instant::now();
                self.keep_policy();
                Ok(())
            }
            Err(e) => {
                let mut slot = self.slot();
                *slot = Slot::New;
                if let Err(d) = keystore::destroy(&self.db, &*self.keyring) {
                    tracing::error!(%d, "the store of a failed enrollment could not be removed");
                }
                Err(e)
            }
        }
    }

    /// Keeps the server's rules beside the store (after enrollment and every sync), so they hold
    /// while it is locked.
    pub fn keep_policy(&self) {
        let slot = self.slot();
        if let Slot::Open(engine) = &*slot {
            match engine.device_policy() {
                Ok(policy) => {
                    *self.policy.lock().unwrap_or_else(|p| p.into_inner()) = policy;
                    if let Err(e) = keystore::set_policy(&self.db, &policy) {
                        tracing::error!(%e, "the server's lock rules could not be kept beside the store");
                    }
                }
                Err(e) => tracing::error!(%e, "the server's lock rules could not be read"),
            }
        }
    }

    /// The office withdrew the device: the key first, then the files; back to enrollment.
    pub fn wipe(&self, reason: WipeReason) -> Result<(), CoreError> {
        let mut slot = self.slot();
        if let Slot::Open(engine) = &mut *slot {
            engine.wipe()?;
        }
        *slot = Slot::New;
        keystore::destroy(&self.db, &*self.keyring)?;
        *self.wiped.lock().unwrap_or_else(|p| p.into_inner()) = Some(reason);
        Ok(())
    }

    /// The way out of a damaged store: sets it aside (kept, with its key file), makes a new one
    /// under the PIN, enrolls again and pulls.
    pub fn recover(
        &self,
        server: &str,
        code: &str,
        device_name: &str,
        pin: &str,
        progress: &mut dyn FnMut(SyncProgress),
    ) -> Result<Recovered, TaggedError> {
        keystore::check_pin(pin).map_err(|e| e.to_tagged())?;
        let mut slot = self.slot();
        // The damaged file is closed before it is moved.
        *slot = Slot::Damaged(damaged(&self.db));
        match keystore::recover(&self.db, pin, &*self.keyring, (server, code, device_name), progress) {
            Ok((engine, recovered)) => {
                *slot = Slot::Open(self.opened(engine));
                *self.wiped.lock().unwrap_or_else(|p| p.into_inner()) = None;
                Ok(recovered)
            }
            Err(e) => Err(e.to_tagged()),
        }
    }
}

/// The `damaged_store` refusal of a store that would not open.
fn damaged(db: &Path) -> TaggedError {
    CoreError::DamagedStore {
        path: db.display().to_string(),
        unsynced: None,
        detail: "the store could not be opened".into(),
    }
    .to_tagged()
}

/// The engine's offline lock, when it holds.
fn offline_lock(engine: &Engine) -> Result<Option<OfflineLock>, TaggedError> {
    engine.offline_lock().map_err(|e| e.to_tagged())
}

/// Sync and enrollment take the engine one step at a time (never across the network), so the
/// worker's commands run between the steps; a store that locks meanwhile stops the sync.
impl EngineCell for AppState {
    fn with<T>(&self, f: impl FnOnce(&mut Engine) -> Result<T, CoreError>) -> Result<T, CoreError> {
        match &mut *self.slot() {
            Slot::Open(engine) => f(engine),
            Slot::New => Err(CoreError::NotInitialized),
            // Locked (or damaged) meanwhile: the sync stops, and the worker unlocks first.
            _ => Err(CoreError::Locked),
        }
    }

    /// The office withdrew the device (`revoked`): the key first, then the files.
    fn wipe(&self) -> Result<(), CoreError> {
        AppState::wipe(self, WipeReason::Revoked)
    }
}
