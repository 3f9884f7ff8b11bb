//! The demo sync server run inside the test process on a fixed loopback address, so the test
//! can stop it (the worker goes out of range) and start it again on the same address and data.

use gridwork_domain::DeviceId;
use gridwork_domain::demo::DemoSize;
use gridwork_domain::policy::DevicePolicy;
use gridwork_sync_server::admin::create_codes;
use gridwork_sync_server::config::open_store;
use gridwork_sync_server::seed::{DemoPlan, seed_plan};
use gridwork_sync_server::{AppState, app};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

#[derive(Debug)]
pub struct Server {
    pub addr: SocketAddr,
    /// What the demo seeds on first start: the banner's size, cases per grid at every step of the
    /// loop, months of history.
    plan: DemoPlan,
    /// The handsets' lock rules it serves with the reference data.
    policy: DevicePolicy,
    db: PathBuf,
    running: Option<(oneshot::Sender<()>, JoinHandle<()>)>,
}

impl Server {
    /// Starts a server with the demo banner (seeded on first start) on `addr`.
    pub async fn start(db: &Path, addr: SocketAddr) -> Self {
        Self::start_with_cases(db, addr, 0).await
    }

    /// Starts a server whose demo banner also holds `cases_per_grid` cases in every grid.
    pub async fn start_with_cases(db: &Path, addr: SocketAddr, cases_per_grid: u32) -> Self {
        let plan = DemoPlan { seed: 20_221, size: DemoSize::small(), cases_per_grid, months: 0 };
        Self::start_with_plan(db, addr, plan).await
    }

    /// Starts a server with the office's demo banner (27 grids) and `months` months of history
    /// (visits, cards, cases, highlight points).
    pub async fn start_with_history(db: &Path, addr: SocketAddr, months: u32) -> Self {
        let plan = DemoPlan { seed: 20_221, size: DemoSize::office(), cases_per_grid: 0, months };
        Self::start_with_plan(db, addr, plan).await
    }

    /// Starts a server with the demo banner that hands the handsets `policy` (as
    /// `--pin-delay-after`, `--pin-wipe-after`, `--idle-lock-secs`, `--offline-lock-days` do).
    pub async fn start_with_policy(db: &Path, addr: SocketAddr, policy: DevicePolicy) -> Self {
        let plan = DemoPlan { seed: 20_221, size: DemoSize::small(), cases_per_grid: 0, months: 0 };
        let mut s = Self { addr, plan, policy, db: db.to_owned(), running: None };
        s.resume().await;
        s
    }

    async fn start_with_plan(db: &Path, addr: SocketAddr, plan: DemoPlan) -> Self {
        let mut s = Self { addr, plan, policy: DevicePolicy::default(), db: db.to_owned(), running: None };
        s.resume().await;
        s
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A fresh one-time enrollment code for the demo account `handle`, made by the demo admin.
    pub async fn code(&self, handle: &str) -> String {
        let store = open_store(&format!("sqlite://{}", self.db.display())).expect("open the server store");
        create_codes(&*store, handle, "DEMO-A-0001", 1, 1).await.expect("make a code").remove(0)
    }

    /// Revokes the handset named `device_name` (as the office's revoke does); it is wiped at its next sync.
    pub async fn revoke(&self, device_name: &str) {
        let store = open_store(&format!("sqlite://{}", self.db.display())).expect("open the server store");
        let fleet = store.fleet(&"150621".parse().expect("the demo banner")).await.expect("the fleet");
        let device: DeviceId = fleet
            .iter()
            .find(|d| d.row.device_name == device_name)
            .map(|d| d.row.device)
            .expect("the handset enrolled");
        gridwork_sync_server::admin::revoke_device(&*store, device, "DEMO-A-0001").await.expect("revoke");
    }

    /// Adds the demo fleet (a dozen handsets with their last contacts), as `--demo` does.
    pub async fn seed_demo_fleet(&self) {
        let store = open_store(&format!("sqlite://{}", self.db.display())).expect("open the server store");
        let accounts = store.accounts_in(&"150621".parse().expect("the demo banner")).await.expect("the accounts");
        let now = i64::try_from(gridwork_domain::clock::wall_ms()).expect("a time");
        gridwork_sync_server::demo_fleet::seed_demo_fleet(&*store, &accounts, now).await.expect("seed the fleet");
    }

    /// Starts it again after `stop`, same address, same data.
    pub async fn resume(&mut self) {
        let store = open_store(&format!("sqlite://{}", self.db.display())).expect("open the server store");
        seed_plan(&*store, &self.plan).await.expect("seed the demo banner");
        let listener = tokio::net::TcpListener::bind(self.addr).await.expect("bind the server address");
        let (tx, rx) = oneshot::channel::<()>();
        let mut state = AppState::new(store);
        state.policy = self.policy;
        let task = tokio::spawn(async move {
            axum::serve(listener, app(state))
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await
                .expect("serve");
        });
        self.running = Some((tx, task));
    }

    /// Stops answering: the listener closes, so the app's next request is refused.
    pub async fn stop(&mut self) {
        if let Some((tx, task)) = self.running.take() {
            let _ = tx.send(());
            let abort = task.abort_handle();
            if tokio::time::timeout(std::time::Duration::from_secs(3), task).await.is_err() {
                abort.abort();
            }
        }
    }
}
