//! The office's API over HTTP: the fleet and its flags from each device's last contact, accounts
//! made, one-time codes issued and spent once, handsets revoked and accounts disabled — refused
//! (and audited) for workers, leaders and supervisors outside their township, and bad bodies
//! refused with their codes.

mod common;

use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::{Handset, TestServer};
use gridwork_domain::AreaCode;
use gridwork_domain::wire::Role;
use gridwork_sync_server::store::Account;
use serde_json::{Value, json};
use uuid::Uuid;

/// An account of `role` whose area lies inside (or outside) `township`.
fn account(s: &TestServer, role: Role, township: &AreaCode, inside: bool) -> Account {
    s.accounts.iter().find(|a| a.role == role && a.scope.is_within(township) == inside).expect("demo account").clone()
}

fn answer_code(v: &(StatusCode, Value)) -> (u16, &str) {
    (v.0.as_u16(), v.1["code"].as_str().unwrap_or(""))
}

async fn audit_results(s: &TestServer, action: &str) -> Vec<(Option<String>, Option<String>, String)> {
    let rows = s.store.audit_rows(0, 10_000).await.unwrap();
    rows.into_iter().filter(|r| r.action == action).map(|r| (r.actor, r.account, r.result)).collect()
}

fn new_worker(scope: &AreaCode) -> Value {
    json!({"name": "赵小梅", "phone": "13912345678", "role": "grid_worker", "scope": scope})
}

/// A grid of the township (the scope of one of its workers).
fn grid_of(s: &TestServer, township: &AreaCode, inside: bool) -> AreaCode {
    account(s, Role::GridWorker, township, inside).scope
}

/// Sends a GET of `path` with an outbox count and app version.
async fn get_with(s: &TestServer, h: &Handset, path: &str, outbox: &str, app: &str) -> StatusCode {
    let req = Request::builder()
        .uri(path)
        .header("authorization", format!("Bearer {}", h.token()))
        .header("gridwork-outbox", outbox)
        .header("gridwork-app", app)
        .body(Body::empty())
        .unwrap();
    s.send(req).await.0
}

#[tokio::test]
async fn workers_and_leaders_are_refused_every_office_route() {
    let s = TestServer::demo().await;
    let sup = account(&s, Role::Supervisor, &AreaCode::parse("150621").unwrap(), true);
    let target = s.enroll(&account(&s, Role::GridWorker, &sup.scope, true).code).await;
    let target_account = account(&s, Role::GridWorker, &sup.scope, true).code;
    for role in [Role::GridWorker, Role::GridLeader] {
        let h = s.enroll(&account(&s, role, &sup.scope, true).code).await;
        let t = Some(h.token());
        let grid = grid_of(&s, &sup.scope, true);
        let calls = [
            s.call(Method::GET, "/api/v1/fleet", t, None).await,
            s.call(Method::GET, "/api/v1/admin/accounts", t, None).await,
            s.call(Method::POST, "/api/v1/admin/accounts", t, Some(&new_worker(&grid))).await,
            s.call(
                Method::POST,
                &format!("/api/v1/admin/accounts/{target_account}/codes"),
                t,
                Some(&json!({"valid_days": 7})),
            )
            .await,
            s.call(Method::POST, &format!("/api/v1/admin/devices/{}/revoke", target.id()), t, None).await,
            s.call(Method::POST, &format!("/api/v1/admin/accounts/{target_account}/disable"), t, None).await,
        ];
        for (i, answer) in calls.iter().enumerate() {
            assert_eq!(answer_code(answer), (403, "forbidden"), "{role:?} call {i}: {}", answer.1);
        }
    }
    // The target still works, and every refused action was audited.
    assert_eq!(s.call(Method::GET, "/api/v1/reference", Some(target.token()), None).await.0, StatusCode::OK);
    for action in ["account_create", "code_create", "device_revoke", "account_disable"] {
        let rows = audit_results(&s, action).await;
        let refused = rows.iter().filter(|(_, _, r)| r == "forbidden").count();
        assert_eq!(refused, 2, "{action}: {rows:?}");
    }
}

#[tokio::test]
async fn a_supervisor_acts_only_inside_its_township_and_the_centre_everywhere() {
    let s = TestServer::demo().await;
    let banner = AreaCode::parse("150621").unwrap();
    let sup = account(&s, Role::Supervisor, &banner, true);
    let office = s.enroll(&sup.code).await;
    let t = Some(office.token());
    let outside = account(&s, Role::GridWorker, &sup.scope, false);
    let outside_device = s.enroll(&outside.code).await;

    let refused = [
        s.call(Method::POST, "/api/v1/admin/accounts", t, Some(&new_worker(&outside.scope))).await,
        s.call(
            Method::POST,
            "/api/v1/admin/accounts",
            t,
            Some(&json!({"name": "钱七", "phone": "13912345679", "role": "supervisor", "scope": sup.scope})),
        )
        .await,
        s.call(
            Method::POST,
            &format!("/api/v1/admin/accounts/{}/codes", outside.code),
            t,
            Some(&json!({"valid_days": 7})),
        )
        .await,
        s.call(Method::POST, &format!("/api/v1/admin/devices/{}/revoke", outside_device.id()), t, None).await,
        s.call(Method::POST, &format!("/api/v1/admin/accounts/{}/disable", outside.code), t, None).await,
    ];
    for (i, answer) in refused.iter().enumerate() {
        assert_eq!(answer_code(answer), (403, "forbidden"), "call {i}: {}", answer.1);
    }
    let codes = audit_results(&s, "code_create").await;
    assert!(codes.contains(&(Some(sup.code.clone()), Some(outside.code.clone()), "forbidden".into())), "{codes:?}");
    let revokes = audit_results(&s, "device_revoke").await;
    assert!(revokes.contains(&(Some(sup.code.clone()), Some(outside.code.clone()), "forbidden".into())));
    assert_eq!(s.call(Method::GET, "/api/v1/reference", Some(outside_device.token()), None).await.0, StatusCode::OK);

    // Its own township: an account made, with the township's next handle.
    let grid = grid_of(&s, &sup.scope, true);
    let (status, made) = s.call(Method::POST, "/api/v1/admin/accounts", t, Some(&new_worker(&grid))).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(made["handle"], format!("{}-W-0001", sup.scope));
    assert_eq!((made["role"].as_str(), made["disabled"].as_bool()), (Some("grid_worker"), Some(false)));
    let (_, again) = s.call(Method::POST, "/api/v1/admin/accounts", t, Some(&new_worker(&grid))).await;
    assert_eq!(again["handle"], format!("{}-W-0002", sup.scope));
    let creates = audit_results(&s, "account_create").await;
    assert_eq!(creates.iter().filter(|(_, _, r)| r == "ok").count(), 2);

    // The list holds its township's accounts only; the centre's holds every one.
    let (_, list) = s.call(Method::GET, "/api/v1/admin/accounts", t, None).await;
    let handles: Vec<&str> = list.as_array().unwrap().iter().map(|a| a["handle"].as_str().unwrap()).collect();
    assert!(handles.contains(&made["handle"].as_str().unwrap()));
    assert!(!handles.contains(&outside.code.as_str()), "{handles:?}");
    let centre = s.enroll(&account(&s, Role::Admin, &banner, true).code).await;
    let (_, all) = s.call(Method::GET, "/api/v1/admin/accounts", Some(centre.token()), None).await;
    assert_eq!(all.as_array().unwrap().len(), s.accounts.len() + 2);
    let (status, v) = s
        .call(
            Method::POST,
            &format!("/api/v1/admin/devices/{}/revoke", outside_device.id()),
            Some(centre.token()),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["devices"][0]["flags"], json!(["revoked"]));
}

#[tokio::test]
async fn bad_bodies_and_paths_get_their_codes() {
    let s = TestServer::demo().await;
    let sup = account(&s, Role::Supervisor, &AreaCode::parse("150621").unwrap(), true);
    let office = s.enroll(&sup.code).await;
    let grid = grid_of(&s, &sup.scope, true);
    let raw = |path: &str, body: Vec<u8>| {
        Request::builder()
            .method(Method::POST)
            .uri(path)
            .header("authorization", format!("Bearer {}", office.token()))
            .header("content-type", "application/json")
            .body(Body::from(body))
            .unwrap()
    };
    let mut big = serde_json::to_vec(&new_worker(&grid)).unwrap();
    big.splice(1..1, format!("\"pad\":\"{}\",", "x".repeat(5000)).into_bytes());
    let worker = account(&s, Role::GridWorker, &sup.scope, true).code;
    let codes_path = format!("/api/v1/admin/accounts/{worker}/codes");
    let cases: Vec<(Request<Body>, u16, &str)> = vec![
        (raw("/api/v1/admin/accounts", big), 413, "payload_too_large"),
        (raw("/api/v1/admin/accounts", b"{".to_vec()), 400, "malformed_json"),
        (raw("/api/v1/admin/accounts", b"[1,2]".to_vec()), 400, "validation"),
        (raw("/api/v1/admin/accounts", br#"{"name":"x","phone":"1","role":"king","scope":"150621"}"#.to_vec()), 400, "validation"),
        (raw("/api/v1/admin/accounts", serde_json::to_vec(&json!({"name": "", "phone": "123", "role": "grid_worker", "scope": grid})).unwrap()), 400, "validation"),
        (raw("/api/v1/admin/accounts", serde_json::to_vec(&json!({"name": "甲", "phone": "13912345678", "role": "grid_worker", "scope": format!("{}999", sup.scope)})).unwrap()), 409, "unknown_area"),
        (raw("/api/v1/admin/accounts", serde_json::to_vec(&json!({"name": "甲", "phone": "13912345678", "role": "grid_leader", "scope": format!("{}", grid.parent().unwrap())})).unwrap()), 409, "scope_role"),
        (raw(&codes_path, br#"{"valid_days":0}"#.to_vec()), 400, "validation"),
        (raw(&codes_path, br#"{"valid_days":31}"#.to_vec()), 400, "validation"),
        (raw(&codes_path, br#"{"valid_days":-1}"#.to_vec()), 400, "validation"),
        (raw(&codes_path, b"".to_vec()), 400, "malformed_json"),
        (raw("/api/v1/admin/accounts/NOPE-W-9999/codes", br#"{"valid_days":7}"#.to_vec()), 404, "not_found"),
        (raw("/api/v1/admin/accounts/a%27%3B--/codes", br#"{"valid_days":7}"#.to_vec()), 400, "validation"),
        (raw(&format!("/api/v1/admin/accounts/{}/disable", "W".repeat(65)), vec![]), 400, "validation"),
        (raw("/api/v1/admin/devices/not-a-uuid/revoke", vec![]), 400, "bad_uuid"),
        (raw(&format!("/api/v1/admin/devices/{}/revoke", Uuid::now_v7()), vec![]), 404, "not_found"),
    ];
    for (i, (req, status, want)) in cases.into_iter().enumerate() {
        let (got, _, body) = s.send(req).await;
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!((got.as_u16(), v["code"].as_str().unwrap_or("")), (status, want), "case {i}: {v}");
    }
    let (_, v) = s
        .call(
            Method::POST,
            "/api/v1/admin/accounts",
            Some(office.token()),
            Some(&json!({"name": "", "phone": "123", "role": "grid_worker", "scope": grid})),
        )
        .await;
    let message = v["message"].as_str().unwrap();
    assert!(message.contains("name") && message.contains("phone"), "both fields named: {message}");
}

#[tokio::test]
async fn codes_enroll_once_and_revoked_or_disabled_handsets_are_refused_at_their_next_request() {
    let s = TestServer::demo().await;
    let sup = account(&s, Role::Supervisor, &AreaCode::parse("150621").unwrap(), true);
    let office = s.enroll(&sup.code).await;
    let t = Some(office.token());
    let grid = grid_of(&s, &sup.scope, true);
    let (_, made) = s.call(Method::POST, "/api/v1/admin/accounts", t, Some(&new_worker(&grid))).await;
    let handle = made["handle"].as_str().unwrap().to_owned();
    let (status, issued) = s
        .call(Method::POST, &format!("/api/v1/admin/accounts/{handle}/codes"), t, Some(&json!({"valid_days": 3})))
        .await;
    assert_eq!(status, StatusCode::OK, "{issued}");
    let code = issued["code"].as_str().unwrap();
    assert_eq!(code.len(), 14, "{code}");
    let expires = issued["expires_ms"].as_i64().unwrap();
    let in_3_days = gridwork_domain::clock::wall_ms() as i64 + 3 * 86_400_000;
    assert!((in_3_days - expires).abs() < 60_000, "{expires}");
    let (status, enrolled) = s.enroll_raw(code, Uuid::now_v7()).await;
    assert_eq!(status, StatusCode::OK, "{enrolled}");
    assert_eq!(enrolled["user_name"], "赵小梅");
    let (status, v) = s.enroll_raw(code, Uuid::now_v7()).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")), "single use");
    let token = enrolled["token"].as_str().unwrap().to_owned();
    let device = enrolled["device_id"].as_str().unwrap().to_owned();
    // Its token is in the cache now; the revocation still reaches its very next request.
    assert_eq!(s.call(Method::GET, "/api/v1/reference", Some(&token), None).await.0, StatusCode::OK);
    let (status, v) = s.call(Method::POST, &format!("/api/v1/admin/devices/{device}/revoke"), t, None).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(answer_code(&s.call(Method::GET, "/api/v1/reference", Some(&token), None).await), (401, "revoked"));

    // A second handset of the account, then the account disabled: refused at once, and no more codes.
    let (_, issued) = s
        .call(Method::POST, &format!("/api/v1/admin/accounts/{handle}/codes"), t, Some(&json!({"valid_days": 1})))
        .await;
    let (_, second) = s.enroll_raw(issued["code"].as_str().unwrap(), Uuid::now_v7()).await;
    let second = second["token"].as_str().unwrap().to_owned();
    assert_eq!(s.call(Method::GET, "/api/v1/reference", Some(&second), None).await.0, StatusCode::OK);
    let (status, v) = s.call(Method::POST, &format!("/api/v1/admin/accounts/{handle}/disable"), t, None).await;
    assert_eq!((status, v["disabled"].as_bool()), (StatusCode::OK, Some(true)), "{v}");
    assert_eq!(answer_code(&s.call(Method::GET, "/api/v1/reference", Some(&second), None).await), (401, "revoked"));
    let answer = s
        .call(Method::POST, &format!("/api/v1/admin/accounts/{handle}/codes"), t, Some(&json!({"valid_days": 1})))
        .await;
    assert_eq!(answer_code(&answer), (409, "account_disabled"));
}

/// Waits until the fleet (as `viewer` sees it) has a row for `device` that `ok` accepts.
async fn fleet_row(s: &TestServer, viewer: &Handset, device: &str, ok: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..100 {
        let (status, fleet) = s.call(Method::GET, "/api/v1/fleet", Some(viewer.token()), None).await;
        assert_eq!(status, StatusCode::OK, "{fleet}");
        if let Some(row) = fleet["rows"].as_array().unwrap().iter().find(|r| r["device"] == device && ok(r)) {
            return row.clone();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("no such row for {device}");
}

#[tokio::test]
async fn the_fleet_shows_each_handsets_last_contact_and_flags() {
    let s = TestServer::demo().await;
    let banner = AreaCode::parse("150621").unwrap();
    let sup = account(&s, Role::Supervisor, &banner, true);
    let office = s.enroll(&sup.code).await;
    let worker = account(&s, Role::GridWorker, &sup.scope, true);
    let behind = s.enroll(&worker.code).await;
    let current = s.enroll(&worker.code).await;
    let quiet = s.enroll(&worker.code).await;
    let elsewhere = s.enroll(&account(&s, Role::GridWorker, &sup.scope, false).code).await;
    let pull = "/api/v1/pull?after=0&limit=1";
    assert_eq!(get_with(&s, &behind, pull, "153", "0.4.0").await, StatusCode::OK);
    assert_eq!(get_with(&s, &current, pull, "0", "0.5.0").await, StatusCode::OK);
    assert_eq!(get_with(&s, &elsewhere, pull, "0", "0.9.0").await, StatusCode::OK);

    let id = |h: &Handset| h.id().to_string();
    // Contacts are noted off the requests' path: wait for the newest app to be seen first.
    fleet_row(&s, &office, &id(&current), |r| r["app_version"] == "0.5.0").await;
    let row = fleet_row(&s, &office, &id(&behind), |r| r["waiting_at_contact"] == 153).await;
    assert_eq!(row["flags"], json!(["backlog", "old_app"]), "{row}");
    assert_eq!((row["app_version"].as_str(), row["days_without_contact"].as_u64()), (Some("0.4.0"), Some(0)));
    assert_eq!(row["account"], worker.code);
    let first_contact = row["last_contact_ms"].as_i64().unwrap();
    let row = fleet_row(&s, &office, &id(&current), |r| r["app_version"] == "0.5.0").await;
    assert_eq!(row["flags"], json!([]), "{row}");
    let row = fleet_row(&s, &office, &id(&quiet), |_| true).await;
    assert_eq!((row["flags"].clone(), row["last_contact_ms"].clone()), (json!(["never_synced"]), Value::Null));

    // Nothing new within the minute: not written again. A new count: written at once.
    tokio::time::sleep(Duration::from_millis(30)).await;
    assert_eq!(get_with(&s, &behind, pull, "153", "0.4.0").await, StatusCode::OK);
    assert_eq!(get_with(&s, &behind, "/api/v1/reference", "153", "0.4.0").await, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let row = fleet_row(&s, &office, &id(&behind), |_| true).await;
    assert_eq!(row["last_contact_ms"].as_i64(), Some(first_contact), "coalesced");
    assert_eq!(get_with(&s, &behind, pull, "2", "0.5.0").await, StatusCode::OK);
    let row = fleet_row(&s, &office, &id(&behind), |r| r["waiting_at_contact"] == 2).await;
    assert!(row["last_contact_ms"].as_i64().unwrap() > first_contact);
    assert_eq!(row["flags"], json!([]));

    // The supervisor sees its township only; the centre sees all; a hostile count is not kept.
    let (_, fleet) = s.call(Method::GET, "/api/v1/fleet", Some(office.token()), None).await;
    let devices: Vec<&str> = fleet["rows"].as_array().unwrap().iter().map(|r| r["device"].as_str().unwrap()).collect();
    assert!(!devices.contains(&id(&elsewhere).as_str()));
    assert_eq!((fleet["silent_days"].as_u64(), fleet["backlog_limit"].as_u64()), (Some(3), Some(100)));
    assert_eq!(fleet["scope"], json!(sup.scope));
    let centre = s.enroll(&account(&s, Role::Admin, &banner, true).code).await;
    fleet_row(&s, &centre, &id(&elsewhere), |_| true).await;
    assert_eq!(get_with(&s, &current, pull, "-5; DROP", "0.5.0").await, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let row = fleet_row(&s, &office, &id(&current), |_| true).await;
    assert_eq!(row["waiting_at_contact"], 0);
}

#[tokio::test]
async fn the_demo_fleet_shows_the_centre_silent_backlogged_never_synced_and_old_handsets() {
    let s = TestServer::demo().await;
    let now = gridwork_domain::clock::wall_ms() as i64;
    let n = gridwork_sync_server::demo_fleet::seed_demo_fleet(&*s.store, &s.accounts, now).await.unwrap();
    let centre = s.enroll(&account(&s, Role::Admin, &AreaCode::parse("150621").unwrap(), true).code).await;
    let (status, fleet) = s.call(Method::GET, "/api/v1/fleet", Some(centre.token()), None).await;
    assert_eq!(status, StatusCode::OK, "{fleet}");
    let all = fleet["rows"].as_array().unwrap();
    assert_eq!(all.len(), n + 1, "the demo handsets and the centre's own");
    let mine = centre.id().to_string();
    let rows: Vec<&Value> = all.iter().filter(|r| r["device"] != mine.as_str()).collect();
    let count = |flag: &str| rows.iter().filter(|r| r["flags"].as_array().unwrap().contains(&json!(flag))).count();
    assert_eq!((count("silent"), count("backlog"), count("never_synced"), count("old_app")), (3, 1, 1, 1));
    // Flagged first, the longest silent at the top; a demo token does not open the API.
    let never = rows.iter().position(|r| r["flags"] == json!(["never_synced"])).unwrap();
    let nine = rows.iter().position(|r| r["days_without_contact"] == 9).unwrap();
    let quiet = rows.iter().position(|r| r["flags"] == json!([])).unwrap();
    assert!(never < nine && nine < quiet, "{never} {nine} {quiet}");
    let (status, _) = s.call(Method::GET, "/api/v1/reference", Some("0000"), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
