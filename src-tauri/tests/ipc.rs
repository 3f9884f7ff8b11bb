//! The command table through Tauri's IPC on the mock runtime: arguments in, answers and tagged
//! errors out, with a real store in a temporary data directory. No display needed.

use gridwork_core::{Engine, Profile};
use gridwork_domain::demo::{DemoSize, generate};
use gridwork_domain::wire::Role;
use serde_json::{Value, json};
use std::path::Path;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder, mock_context, noop_assets};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

struct TestApp {
    _app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
}

impl TestApp {
    fn start(dir: &Path) -> Self {
        let app = gridwork_app::setup(mock_builder(), Some(dir.to_owned()))
            .expect("open the store")
            .build(mock_context(noop_assets()))
            .expect("build the app on the mock runtime");
        let window = WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("main window");
        Self { _app: app, window }
    }

    /// Starts the app on an enrolled store and opens it with the PIN.
    fn unlocked(dir: &Path) -> Self {
        let app = Self::start(dir);
        let state = app.invoke("unlock", json!({"pin": PIN})).expect("unlock");
        assert_eq!(state["state"], "open", "{state}");
        app
    }

    /// Calls a command as the UI does; Ok is the answer, Err the error the UI would receive.
    fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().expect("url"),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        get_ipc_response(&self.window, request).map(|body| body.deserialize::<Value>().expect("json answer"))
    }
}

/// The worker's PIN in these tests.
const PIN: &str = "246810";

/// A store set up for a demo grid worker over a small demo banner, as after enrolling and syncing.
fn enrolled_store(dir: &Path, server_url: &str) -> String {
    let demo = generate(7, &DemoSize::small());
    let micro_grid = demo.households[0].1.micro_grid.clone();
    let mut engine = Engine::open_unencrypted(&dir.join(gridwork_app::state::DB_FILE)).unwrap();
    let mut profile =
        Profile::offline("王芳", "13800138000", Role::GridWorker, micro_grid.parent().unwrap(), 3).unwrap();
    profile.device_name = "王芳的手机".into();
    profile.server_url = Some(server_url.into());
    profile.token = Some("token".into());
    engine.set_profile(profile).unwrap();
    engine.load_demo(&demo).unwrap();
    micro_grid.to_string()
}

fn visit(household: &Value, follow_up_needed: bool, follow_up: &str) -> Value {
    json!({
        "household": household["id"], "micro_grid": household["micro_grid"], "worker": "王芳",
        "visited_at": "2026-11-20T08:30:00Z",
        "fix": {"point": {"lat": household["lat"], "lon": household["lon"]}, "accuracy_m": 8.0},
        "manual_position": false, "purpose": "routine", "findings": "一切正常",
        "follow_up_needed": follow_up_needed, "follow_up": follow_up,
    })
}

#[test]
fn a_fresh_install_is_not_enrolled_and_cannot_sync() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::start(dir.path());
    let lock = app.invoke("lock_state", json!({})).unwrap();
    assert_eq!(lock["state"], "new", "{lock}");
    assert_eq!(lock["wiped"], Value::Null);
    for cmd in ["status", "sync_now", "outbox"] {
        let err = app.invoke(cmd, json!({})).unwrap_err();
        assert_eq!(err["kind"], "not_initialized", "{cmd}: {err}");
    }
    // The first screen reads a scanned enrollment link before there is any store.
    let link = app.invoke(
        "read_enroll_link",
        json!({"text": "gridwork:enroll?server=http%3A%2F%2F10.0.0.2%3A8787&code=ABCD-EFGH-JK23"}),
    );
    assert_eq!(link.unwrap()["code"], "ABCD-EFGH-JK23");
    assert!(!dir.path().join(gridwork_app::state::DB_FILE).exists(), "nothing is written before enrollment");
}

#[test]
fn a_store_from_before_gets_a_pin_and_a_locked_app_answers_locked_until_the_pin_opens_it() {
    let dir = tempfile::tempdir().unwrap();
    enrolled_store(dir.path(), "http://127.0.0.1:9");
    let app = TestApp::start(dir.path());
    // A plain store from before the lock: the first PIN encrypts it in place.
    assert_eq!(app.invoke("lock_state", json!({})).unwrap()["state"], "plain");
    assert_eq!(app.invoke("today", json!({})).unwrap_err()["kind"], "locked");
    assert_eq!(app.invoke("unlock", json!({"pin": "12345"})).unwrap_err()["kind"], "bad_pin");
    assert_eq!(app.invoke("unlock", json!({"pin": PIN})).unwrap()["state"], "open");
    assert_eq!(app.invoke("status", json!({})).unwrap()["enrolled"], true, "nothing lost");
    let households = app.invoke("list_households", json!({"area": null, "text": "", "limit": 5})).unwrap();
    assert_eq!(households.as_array().map(Vec::len), Some(5));
    let state = app.invoke("lock", json!({})).unwrap();
    assert_eq!(state["state"], "locked");
    assert_eq!(state["keyring"], false, "no keyring here: the PIN alone protects the key");
    for (cmd, args) in
        [("status", json!({})), ("outbox", json!({})), ("sync_now", json!({})), ("load_draft", json!({"form": "x"}))]
    {
        let err = app.invoke(cmd, args).unwrap_err();
        assert_eq!(err["kind"], "locked", "{cmd}: {err}");
    }
    // A wrong PIN says so and counts; the right one opens and clears the count.
    let err = app.invoke("unlock", json!({"pin": "000000"})).unwrap_err();
    assert_eq!(err["kind"], "wrong_pin", "{err}");
    let state = app.invoke("lock_state", json!({})).unwrap();
    assert_eq!((state["failures"].as_u64(), state["left"].as_u64()), (Some(1), Some(9)), "{state}");
    assert_eq!(app.invoke("unlock", json!({"pin": PIN})).unwrap()["state"], "open");
    app.invoke("today", json!({})).unwrap();
    drop(app);
    // After a restart the store is locked.
    let app = TestApp::start(dir.path());
    let state = app.invoke("lock_state", json!({})).unwrap();
    assert_eq!((state["state"].as_str(), state["failures"].as_u64()), (Some("locked"), Some(0)), "{state}");
}

#[test]
fn a_damaged_encrypted_store_says_so_at_unlock_and_on_every_command_after() {
    let dir = tempfile::tempdir().unwrap();
    enrolled_store(dir.path(), "http://127.0.0.1:9");
    drop(TestApp::unlocked(dir.path()));
    // A page in the middle of the encrypted file is overwritten: its HMAC no longer matches.
    let db = dir.path().join(gridwork_app::state::DB_FILE);
    let mut bytes = std::fs::read(&db).unwrap();
    let page = bytes.len() / 4096 / 2 * 4096;
    bytes[page + 100..page + 200].fill(0x5a);
    std::fs::write(&db, bytes).unwrap();
    let app = TestApp::start(dir.path());
    let err = app.invoke("unlock", json!({"pin": PIN})).unwrap_err();
    assert_eq!(err["kind"], "damaged_store", "{err}");
    assert_eq!(app.invoke("lock_state", json!({})).unwrap()["state"], "damaged");
    for cmd in ["status", "outbox", "unlock"] {
        let again = app.invoke(cmd, json!({"pin": PIN})).unwrap_err();
        assert_eq!(again, err, "{cmd} says the same, with what can be read out of the store");
    }
}

#[test]
fn wrong_pins_are_counted_then_every_try_waits_even_the_right_pin() {
    let dir = tempfile::tempdir().unwrap();
    enrolled_store(dir.path(), "http://127.0.0.1:9");
    TestApp::unlocked(dir.path());
    let app = TestApp::start(dir.path());
    for n in 1..=4 {
        let err = app.invoke("unlock", json!({"pin": "000000"})).unwrap_err();
        assert_eq!(err["kind"], "wrong_pin", "try {n}: {err}");
    }
    // The fifth wrong PIN waits 30 s before the next try.
    let err = app.invoke("unlock", json!({"pin": "000000"})).unwrap_err();
    assert_eq!(err["kind"], "wrong_pin", "{err}");
    let state = app.invoke("lock_state", json!({})).unwrap();
    assert_eq!(state["left"], 5);
    assert!(state["wait_ms"].as_u64().is_some_and(|w| w > 25_000 && w <= 30_000), "{state}");
    assert_eq!(app.invoke("unlock", json!({"pin": PIN})).unwrap_err()["kind"], "pin_wait", "even the right PIN waits");
}

#[test]
fn households_are_searched_and_a_visit_lands_in_the_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let micro_grid = enrolled_store(dir.path(), "http://127.0.0.1:9");
    let app = TestApp::unlocked(dir.path());
    let all = app.invoke("list_households", json!({"area": micro_grid, "text": "", "limit": 0})).unwrap();
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), DemoSize::small().households_per_micro_grid as usize);
    let first = &all[0];
    let door = first["door_number"].as_str().unwrap();
    let found = app.invoke("list_households", json!({"area": null, "text": door, "limit": 20})).unwrap();
    assert!(found.as_array().unwrap().iter().any(|h| h["id"] == first["id"]), "{door} not found");

    let receipt = app.invoke("record_visit", json!({"visit": visit(first, true, "下周复查燃气管道")})).unwrap();
    assert_eq!(receipt["distance"]["far"], false);
    let outbox = app.invoke("outbox", json!({})).unwrap();
    assert_eq!(outbox[0]["record_id"], receipt["id"]);
    assert_eq!(outbox[0]["kind"], "visit");
    assert_eq!(app.invoke("status", json!({})).unwrap()["pending"], 1);
    let history = app.invoke("household_history", json!({"id": first["id"]})).unwrap();
    assert_eq!(history["visits"][0][1]["follow_up"], "下周复查燃气管道");
    let today = app.invoke("today", json!({})).unwrap();
    assert_eq!(today["follow_ups"][0]["household"], first["id"]);
}

#[test]
fn invalid_input_and_unknown_records_cross_as_tagged_errors() {
    let dir = tempfile::tempdir().unwrap();
    let micro_grid = enrolled_store(dir.path(), "http://127.0.0.1:9");
    let app = TestApp::unlocked(dir.path());
    let households = app.invoke("list_households", json!({"area": micro_grid, "text": "", "limit": 1})).unwrap();
    let err = app.invoke("record_visit", json!({"visit": visit(&households[0], true, " ")})).unwrap_err();
    assert_eq!(err["kind"], "validation");
    assert_eq!(err["fields"][0]["field"], "follow_up");
    assert_eq!(err["fields"][0]["code"], "required");
    let unknown = uuid::Uuid::now_v7().to_string();
    assert_eq!(app.invoke("household_history", json!({"id": unknown})).unwrap_err()["kind"], "not_found");
    assert_eq!(app.invoke("outbox", json!({})).unwrap(), json!([]));
}

#[test]
fn a_household_is_added_edited_and_archived_through_the_register_commands() {
    let dir = tempfile::tempdir().unwrap();
    let micro_grid = enrolled_store(dir.path(), "http://127.0.0.1:9");
    let app = TestApp::unlocked(dir.path());
    let mut household = json!({
        "micro_grid": micro_grid, "head_name": "赵新民", "address": "锦园社区", "door_number": "9号楼1单元101",
        "phone": "13900001111", "members": [{"name": "赵小宝", "relation": "子女", "birth_year": 2015, "phone": null}],
        "tags": ["left_behind_child"], "location": null, "notes": "", "archived": false,
    });
    household["members"][0]["name"] = json!("");
    let err = app.invoke("save_household", json!({"id": null, "household": household})).unwrap_err();
    assert_eq!(err["kind"], "validation", "{err}");
    assert_eq!(err["fields"][0]["field"], "members[0].name");
    household["members"][0]["name"] = json!("赵小宝");

    let intervals = app.invoke("visit_intervals", json!({})).unwrap();
    assert_eq!(intervals["untagged_days"], 30);
    assert_eq!(intervals["tags"].as_array().unwrap().len(), 8);
    assert!(intervals["tags"].as_array().unwrap().contains(&json!(["elderly_alone", 7])), "{intervals}");

    let id = app.invoke("save_household", json!({"id": null, "household": household})).unwrap();
    assert_eq!(app.invoke("household", json!({"id": id})).unwrap(), household);
    let found = app.invoke("list_households", json!({"area": micro_grid, "text": "赵新民", "limit": 5})).unwrap();
    assert_eq!(found[0]["id"], id);

    household["tags"] = json!(["elderly_alone"]);
    assert_eq!(app.invoke("save_household", json!({"id": id, "household": household})).unwrap(), id);
    assert_eq!(app.invoke("household", json!({"id": id})).unwrap()["tags"], json!(["elderly_alone"]));
    household["archived"] = json!(true);
    app.invoke("save_household", json!({"id": id, "household": household})).unwrap();
    let found = app.invoke("list_households", json!({"area": micro_grid, "text": "赵新民", "limit": 5})).unwrap();
    assert_eq!(found, json!([]), "an archived household leaves the lists");
    let outbox = app.invoke("outbox", json!({})).unwrap();
    assert!(outbox.as_array().unwrap().iter().all(|r| r["record_id"] == id), "{outbox}");
}

#[test]
fn sync_with_the_server_down_says_offline_and_keeps_the_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let micro_grid = enrolled_store(dir.path(), "http://127.0.0.1:9");
    let app = TestApp::unlocked(dir.path());
    let households = app.invoke("list_households", json!({"area": micro_grid, "text": "", "limit": 1})).unwrap();
    app.invoke("record_visit", json!({"visit": visit(&households[0], false, "")})).unwrap();
    let err = app.invoke("sync_now", json!({})).unwrap_err();
    assert_eq!(err["kind"], "offline", "{err}");
    assert_eq!(err["net"]["cause"], "refused", "{err}");
    let outbox = app.invoke("outbox", json!({})).unwrap();
    assert_eq!(outbox[0]["attempts"], 1);
    assert_eq!(outbox[0]["status"], "pending");
}

#[test]
fn drafts_survive_a_restart_of_the_app() {
    let dir = tempfile::tempdir().unwrap();
    enrolled_store(dir.path(), "http://127.0.0.1:9");
    {
        let app = TestApp::unlocked(dir.path());
        app.invoke("save_draft", json!({"form": "dispute", "body": "{\"description\":\"楼上漏水\"}"})).unwrap();
    }
    let app = TestApp::unlocked(dir.path());
    let body = app.invoke("load_draft", json!({"form": "dispute"})).unwrap();
    assert_eq!(body, "{\"description\":\"楼上漏水\"}");
    assert_eq!(app.invoke("delete_draft", json!({"form": "dispute"})).unwrap(), true);
    assert_eq!(app.invoke("load_draft", json!({"form": "dispute"})).unwrap(), Value::Null);
}

#[test]
fn every_command_is_registered_and_granted_by_the_capability() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::start(dir.path());
    let capability: Value = serde_json::from_str(include_str!("../capabilities/default.json")).unwrap();
    let granted: Vec<&str> = capability["permissions"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    for name in gridwork_app::commands::NAMES {
        let permission = format!("allow-{}", name.replace('_', "-"));
        assert!(granted.contains(&permission.as_str()), "{permission} is not granted");
        // Called without its arguments, a registered command complains about them, not about itself.
        if let Err(e) = app.invoke(name, json!({"__probe": true})) {
            let text = e.to_string();
            assert!(!text.contains("not found"), "{name}: {text}");
        }
    }
    let own: Vec<_> = granted.iter().filter(|p| p.starts_with("allow-")).collect();
    assert_eq!(own.len(), gridwork_app::commands::NAMES.len(), "grants for commands that do not exist");
}

/// A demo sync server on a free loopback port, in a runtime of its own.
struct DemoServer {
    rt: tokio::runtime::Runtime,
    store: std::sync::Arc<dyn gridwork_sync_server::SyncStore>,
    url: String,
}

impl DemoServer {
    fn start(dir: &Path) -> Self {
        Self::with_policy(dir, gridwork_domain::policy::DevicePolicy::default())
    }

    /// A server that hands its handsets `policy` with the reference data.
    fn with_policy(dir: &Path, policy: gridwork_domain::policy::DevicePolicy) -> Self {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let store =
            gridwork_sync_server::config::open_store(&format!("sqlite://{}", dir.join("server.db").display())).unwrap();
        rt.block_on(gridwork_sync_server::seed::seed_demo(&*store, 7, 0)).unwrap();
        let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let mut state = gridwork_sync_server::AppState::new(store.clone());
        state.policy = policy;
        let app = gridwork_sync_server::app(state);
        rt.spawn(async move { axum::serve(listener, app).await });
        Self { rt, store, url }
    }

    fn code(&self, handle: &str) -> String {
        let codes = gridwork_sync_server::admin::create_codes(&*self.store, handle, "DEMO-A-0001", 1, 1);
        self.rt.block_on(codes).unwrap().remove(0)
    }
}

#[test]
fn a_revoked_device_wipes_its_store_and_returns_to_enrollment() {
    let dir = tempfile::tempdir().unwrap();
    let server = DemoServer::start(dir.path());
    let data = dir.path().join("app");
    let app = TestApp::start(&data);
    let code = server.code("DEMO-W-0001");
    let args = json!({"server_url": server.url, "code": "XXXX-XXXX-XXXX", "device_name": "王芳的手机", "pin": PIN});
    assert_eq!(app.invoke("enroll", args).unwrap_err()["kind"], "unauthorized", "a wrong code");
    assert_eq!(app.invoke("lock_state", json!({})).unwrap()["state"], "new", "a failed enrollment leaves nothing");
    let args = json!({"server_url": server.url, "code": code, "device_name": "王芳的手机", "pin": PIN});
    let status = app.invoke("enroll", args).unwrap();
    assert_eq!(status["enrolled"], true);
    app.invoke("sync_now", json!({})).unwrap();
    app.invoke("save_draft", json!({"form": "dispute", "body": "{\"description\":\"楼上漏水\"}"})).unwrap();
    let fleet = server.rt.block_on(server.store.fleet(&"150621".parse().unwrap())).unwrap();
    let device = fleet.iter().find(|d| d.row.device_name == "王芳的手机").expect("the enrolled handset").row.device;

    server.rt.block_on(gridwork_sync_server::admin::revoke_device(&*server.store, device, "DEMO-A-0001")).unwrap();
    std::thread::sleep(gridwork_sync_server::token_cache::TTL + std::time::Duration::from_millis(200));
    let err = app.invoke("sync_now", json!({})).unwrap_err();
    assert_eq!(err["kind"], "revoked", "{err}");
    let lock = app.invoke("lock_state", json!({})).unwrap();
    assert_eq!(lock["state"], "new", "back to the first-run screen: {lock}");
    assert_eq!(lock["wiped"], "revoked", "which says why");
    assert!(!data.join(gridwork_app::state::DB_FILE).exists(), "the store is gone");
    for cmd in ["status", "outbox", "sync_now"] {
        assert_eq!(app.invoke(cmd, json!({})).unwrap_err()["kind"], "not_initialized", "{cmd}");
    }
    // It can enroll again with a new code.
    let args =
        json!({"server_url": server.url, "code": server.code("DEMO-W-0001"), "device_name": "王芳的手机", "pin": PIN});
    assert_eq!(app.invoke("enroll", args).unwrap()["enrolled"], true);
}

#[test]
fn the_servers_rules_reach_the_app_and_it_locks_itself_after_the_idle_time() {
    let dir = tempfile::tempdir().unwrap();
    let policy = gridwork_domain::policy::DevicePolicy {
        pin_delay_after: 2,
        pin_wipe_after: 4,
        idle_lock_s: 5,
        offline_lock_days: 3,
    };
    let server = DemoServer::with_policy(dir.path(), policy);
    let app = TestApp::start(&dir.path().join("app"));
    let args =
        json!({"server_url": server.url, "code": server.code("DEMO-W-0001"), "device_name": "王芳的手机", "pin": PIN});
    app.invoke("enroll", args).unwrap();
    let state = app.invoke("lock_state", json!({})).unwrap();
    assert_eq!(state["state"], "open");
    assert_eq!(state["policy"], serde_json::to_value(policy).unwrap(), "the policy came with the reference data");
    assert_eq!(state["offline_lock"], Value::Null);
    app.invoke("today", json!({})).unwrap();
    // The UI's own polling does not count as use; after the idle time the next command locks first.
    std::thread::sleep(std::time::Duration::from_millis(5_300));
    app.invoke("status", json!({})).unwrap();
    app.invoke("lock_state", json!({})).unwrap();
    assert_eq!(app.invoke("today", json!({})).unwrap_err()["kind"], "locked");
    let state = app.invoke("lock_state", json!({})).unwrap();
    assert_eq!((state["state"].as_str(), state["left"].as_u64()), (Some("locked"), Some(4)), "{state}");
    app.invoke("unlock", json!({"pin": PIN})).unwrap();
    app.invoke("today", json!({})).unwrap();
}
