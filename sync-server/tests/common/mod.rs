//! Test harness: an in-process server on a temp-dir SQLite file seeded with the small demo banner,
//! requests sent with `oneshot`, and simulated handsets that write records with their own clocks.
#![allow(dead_code)]

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use gridwork_domain::clock::wall_ms;
use gridwork_domain::wire::{EnrollResponse, PullResponse, PushResponse};
use gridwork_domain::{AreaCode, DeviceId, HlcClock, Household, RecordId, RecordState, Writer};
use gridwork_sync_server::admin::create_codes;
use gridwork_sync_server::store::{Account, SqliteStore, SyncStore};
use gridwork_sync_server::{AppState, Limits, app};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;
use uuid::Uuid;

pub const DEMO_SEED: u64 = 7;

pub struct TestServer {
    pub app: Router,
    pub store: Arc<dyn SyncStore>,
    pub accounts: Vec<Account>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    pub async fn demo() -> Self {
        Self::with_limits(Limits::default()).await
    }

    pub async fn with_limits(limits: Limits) -> Self {
        Self::with_state(|s| AppState { limits, ..s }).await
    }

    /// A demo server whose state `f` sets (from the defaults over a fresh store).
    pub async fn with_state(f: impl FnOnce(AppState) -> AppState) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn SyncStore> = Arc::new(SqliteStore::open(dir.path().join("sync.db")).unwrap());
        let accounts =
            gridwork_sync_server::seed::seed_demo(&*store, DEMO_SEED, 0).await.unwrap().expect("fresh store");
        let app = app(f(AppState::new(store.clone())));
        Self { app, store, accounts, _dir: dir }
    }

    /// The handle of the `n`th (1-based) demo account whose handle starts with `prefix` ("DEMO-W").
    pub fn code(&self, prefix: &str, n: usize) -> String {
        self.accounts.iter().filter(|a| a.code.starts_with(prefix)).nth(n - 1).expect("demo account").code.clone()
    }

    /// A fresh one-time enrollment code for the account `handle`, made by the demo admin.
    pub async fn one_time_code(&self, handle: &str) -> String {
        let admin = self.code("DEMO-A", 1);
        create_codes(&*self.store, handle, &admin, 7, 1).await.unwrap().remove(0)
    }

    /// Posts an enrollment with `code` and `request_id`.
    pub async fn enroll_raw(&self, code: &str, request_id: Uuid) -> (StatusCode, Value) {
        let body = json!({"code": code, "device_name": "测试手机", "request_id": request_id});
        self.call(Method::POST, "/api/v1/enroll", None, Some(&body)).await
    }

    pub async fn send(&self, req: Request<Body>) -> (StatusCode, HeaderMap, Bytes) {
        let res = self.app.clone().oneshot(req).await.unwrap();
        let (parts, body) = res.into_parts();
        (parts.status, parts.headers, body.collect().await.unwrap().to_bytes())
    }

    /// Sends JSON (or nothing) and reads JSON back.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (StatusCode, Value) {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let body = match body {
            Some(b) => {
                req = req.header("content-type", "application/json");
                Body::from(serde_json::to_vec(b).unwrap())
            }
            None => Body::empty(),
        };
        let (status, _, bytes) = self.send(req.body(body).unwrap()).await;
        let value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("not JSON ({e}): {bytes:?}"));
        (status, value)
    }

    /// Enrolls a new handset of the account `handle` with a fresh one-time code.
    pub async fn enroll(&self, handle: &str) -> Handset {
        let code = self.one_time_code(handle).await;
        let (status, v) = self.enroll_raw(&code, Uuid::now_v7()).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        let e: EnrollResponse = serde_json::from_value(v).unwrap();
        Handset { clock: HlcClock::default(), enrolled: e }
    }

    pub async fn push_raw(&self, h: &Handset, batch_id: Uuid, records: &[RecordState]) -> (StatusCode, Value) {
        let body = json!({"batch_id": batch_id, "records": records});
        self.call(Method::POST, "/api/v1/push", Some(&h.enrolled.token), Some(&body)).await
    }

    /// Pushes any JSON body, as a hostile handset may.
    pub async fn push_raw_value(&self, h: &Handset, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, "/api/v1/push", Some(&h.enrolled.token), Some(&body)).await
    }

    pub async fn push(&self, h: &Handset, records: &[RecordState]) -> PushResponse {
        let (status, v) = self.push_raw(h, Uuid::now_v7(), records).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        serde_json::from_value(v).unwrap()
    }

    pub async fn pull(&self, h: &Handset, after: u64, limit: u32) -> PullResponse {
        let path = format!("/api/v1/pull?after={after}&limit={limit}");
        let (status, v) = self.call(Method::GET, &path, Some(&h.enrolled.token), None).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        serde_json::from_value(v).unwrap()
    }

    /// Every change the handset can see, following the cursor to the end.
    pub async fn pull_all(&self, h: &Handset) -> PullResponse {
        let mut all = PullResponse { changes: vec![], next: 0, more: true, last_conflict: 0, history: 0 };
        while all.more {
            let page = self.pull(h, all.next, 5000).await;
            all.changes.extend(page.changes);
            all.next = page.next;
            all.more = page.more;
            all.last_conflict = all.last_conflict.max(page.last_conflict);
        }
        all
    }
}

/// A simulated handset: its enrollment and its clock.
pub struct Handset {
    pub clock: HlcClock,
    pub enrolled: EnrollResponse,
}

impl Handset {
    pub fn id(&self) -> DeviceId {
        self.enrolled.device_id
    }

    pub fn token(&self) -> &str {
        &self.enrolled.token
    }

    /// Micro-grid `n` of the handset's scope (the scope itself when it is a micro-grid).
    pub fn micro_grid(&self, n: u32) -> AreaCode {
        let mut code = self.enrolled.scope.clone();
        while code.as_str().len() < 18 {
            code = code.child(n);
        }
        code
    }

    pub fn writer(&mut self) -> Writer<'_> {
        Writer { device: self.enrolled.device_id, clock: &mut self.clock, now_ms: wall_ms() }
    }

    pub fn create(&mut self, h: &Household) -> RecordState {
        RecordState::create(RecordId::new(), h, &mut self.writer()).unwrap()
    }

    /// Edits a version the handset holds (observing its stamps first, as a real replica does).
    pub fn edit(&mut self, s: &RecordState, f: impl FnOnce(&mut Household)) -> RecordState {
        self.clock.observe(s.latest_stamp().hlc, wall_ms()).unwrap();
        let mut h: Household = s.decode().unwrap();
        f(&mut h);
        s.edit(&h, &mut self.writer()).unwrap().expect("the edit changes something")
    }
}

pub fn household(micro_grid: AreaCode, head: &str) -> Household {
    Household {
        phone: Some("13800138000".into()),
        ..Household::new(micro_grid, head, "平原街道锦园社区", "3号楼2单元501")
    }
}

/// The status word of each outcome of a push answer ("accepted", "merged", …).
pub fn statuses(v: &Value) -> Vec<String> {
    v["results"].as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap().to_owned()).collect()
}

/// The reject codes of a push answer (empty string for records not rejected).
pub fn reject_codes(v: &Value) -> Vec<String> {
    v["results"].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap_or("").to_owned()).collect()
}
