//! A simulated handset: the real engine on its own SQLite file, enrolled with a server.

use gridwork_core::sync::{RetryPolicy, SyncClient, SyncReport, enroll, sync};
use gridwork_core::vault::{KdfParams, NoKeyring, Pin, Vault};
use gridwork_core::{Engine, Result};
use gridwork_domain::{RecordId, RecordState, Visit};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

/// The PIN of every simulated handset's store.
pub const PIN: &str = "135790";

pub fn pin() -> Pin {
    Pin::new(PIN).expect("a valid PIN")
}

/// The vault of a simulated handset's store: cheap Argon2id costs, no keyring.
pub fn vault(db: &Path) -> Vault {
    Vault::at(db).with_kdf(KdfParams { m_kib: 1024, t: 1, ..KdfParams::default() })
}

#[derive(Debug)]
pub struct Device {
    pub engine: Engine,
    pub client: SyncClient,
}

impl Device {
    /// Enrolls a new device (store `dir/name.db`) with the server at `url` as the account
    /// `account` (`DEMO-W-0001`): a fresh one-time code is made for it on that server's database
    /// (see `ServerProc::code`). Anything else in `account` is taken as a one-time code itself.
    pub fn enroll(dir: &Path, name: &str, url: &str, account: &str) -> Self {
        let code = crate::server::code_for(url, account).unwrap_or_else(|| account.to_owned());
        let mut engine = vault(&dir.join(format!("{name}.db")))
            .create(&pin(), &NoKeyring, &gridwork_domain::policy::DevicePolicy::default())
            .unwrap();
        let profile = enroll(&mut engine, url, &code, name).unwrap();
        let mut client = SyncClient::new(url, profile.token).unwrap();
        client.retry = RetryPolicy { attempts: 3, base: Duration::from_millis(20), max: Duration::from_millis(200) };
        Self { engine, client }
    }

    /// A consistent copy of this device's store at `path` with its key file: what a phone backup
    /// or a phone-clone tool takes.
    pub fn copy_store(&self, path: &Path) {
        self.engine.connection().execute("VACUUM INTO ?1", [path.to_str().expect("a UTF-8 path")]).unwrap();
        let from = self.engine.connection().path().expect("a store on disk");
        std::fs::copy(Vault::at(Path::new(from)).key_path(), Vault::at(path).key_path()).unwrap();
    }

    /// A handset running on a store copied with `copy_store` (restored, or on a second phone).
    pub fn open_copy(path: &Path) -> Self {
        let engine = Vault::at(path).unlock(&pin(), &NoKeyring).unwrap();
        let mut client = SyncClient::for_profile(engine.profile().unwrap()).unwrap();
        client.retry = RetryPolicy { attempts: 3, base: Duration::from_millis(20), max: Duration::from_millis(200) };
        Self { engine, client }
    }

    /// Points the device at another address (a proxy in front of the same server).
    pub fn via(&mut self, url: &str) {
        let retry = self.client.retry;
        self.client = SyncClient::new(url, self.engine.profile().unwrap().token.clone()).unwrap();
        self.client.retry = retry;
    }

    pub fn sync(&mut self) -> Result<SyncReport> {
        sync(&mut self.engine, &self.client, &mut |_| {})
    }

    /// Every record this device holds whose micro-grid starts with `prefix`.
    pub fn records_in(&self, prefix: &str) -> BTreeMap<RecordId, RecordState> {
        let mut stmt = self.engine.connection().prepare("SELECT state FROM records WHERE micro_grid LIKE ?1").unwrap();
        stmt.query_map([format!("{prefix}%")], |r| r.get::<_, String>(0))
            .unwrap()
            .map(|j| {
                let s: RecordState = serde_json::from_str(&j.unwrap()).unwrap();
                (s.id, s)
            })
            .collect()
    }

    /// A routine visit by this device's user to `household` (which it must hold).
    pub fn visit(&self, household: RecordId) -> Visit {
        let micro_grid = self.engine.household(household).unwrap().micro_grid;
        Visit::routine(household, micro_grid, &self.engine.profile().unwrap().user_name, chrono::Utc::now(), "走访")
    }

    pub fn scope(&self) -> String {
        self.engine.profile().unwrap().scope.to_string()
    }
}
