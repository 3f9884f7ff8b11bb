//! Versions: the protocol a server refuses (`426 upgrade_required`) and the one it answers, the
//! server's clock on every answer, each device's last-spoken app version, and the push rules for a
//! field a kind gained — declared to the server, carried by handsets that do not know it.

mod common;

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use common::{Handset, TestServer, household, reject_codes, statuses};
use gridwork_domain::clock::wall_ms;
use gridwork_domain::extra_fields::ExtraFields;
use gridwork_domain::{RecordState, Stamp};
use gridwork_sync_server::protocol_version::VersionRules;
use gridwork_sync_server::{AppState, app};
use serde_json::{Value, json};
use uuid::Uuid;

fn fields(list: &[&str]) -> Arc<ExtraFields> {
    Arc::new(list.iter().map(|s| s.parse().unwrap()).collect())
}

async fn server(min_protocol: u32, declared: &[&str]) -> TestServer {
    let versions = VersionRules { min_protocol, fields: fields(declared) };
    TestServer::with_state(|s| AppState { versions, ..s }).await
}

/// Sends a GET with these headers; returns status, headers and the body as JSON (or null).
async fn get(s: &TestServer, path: &str, headers: &[(&str, &str)]) -> (StatusCode, HeaderMap, Value) {
    let mut req = Request::builder().method(Method::GET).uri(path);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let (status, h, body) = s.send(req.body(Body::empty()).unwrap()).await;
    (status, h, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

fn server_time(h: &HeaderMap) -> u64 {
    h.get("gridwork-time").expect("Gridwork-Time on every answer").to_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn every_answer_carries_the_servers_clock_and_protocol() {
    let s = server(1, &[]).await;
    let w = s.enroll(&s.code("DEMO-W", 1)).await;
    let bearer = format!("Bearer {}", w.token());
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, u16);
    let cases: [Case<'_>; 5] = [
        ("/api/v1/health", vec![], 200),
        ("/api/v1/pull?after=0&limit=1", vec![("authorization", &bearer)], 200),
        ("/api/v1/pull?after=0", vec![], 401),
        ("/api/v1/nowhere", vec![], 404),
        ("/api/v1/pull?after=0", vec![("gridwork-protocol", "x")], 400),
    ];
    for (path, headers, want) in cases {
        let before = wall_ms();
        let (status, h, _) = get(&s, path, &headers).await;
        assert_eq!(status.as_u16(), want, "{path}");
        let t = server_time(&h);
        assert!(t >= before && t <= wall_ms(), "{path}: {t} not in [{before}, now]");
        assert_eq!(h.get("gridwork-protocol").unwrap(), "1", "{path}");
    }
}

#[tokio::test]
async fn a_protocol_below_the_minimum_is_told_to_update() {
    let s = server(2, &[]).await;
    let code = s.one_time_code(&s.code("DEMO-W", 1)).await;
    // An app from before the header, and one that says 1: both refused, enrollment too.
    for headers in [vec![], vec![("gridwork-protocol", "1"), ("gridwork-app", "0.3.0")]] {
        for path in ["/api/v1/pull?after=0", "/api/v1/reference"] {
            let (status, h, body) = get(&s, path, &headers).await;
            assert_eq!(status, StatusCode::UPGRADE_REQUIRED, "{path} {headers:?}");
            assert_eq!(body["code"], "upgrade_required");
            assert!(body["message"].as_str().unwrap().contains("update the app"), "{body}");
            assert_eq!(h.get("content-type").unwrap(), "application/json");
            server_time(&h);
        }
    }
    let (status, _) = s.enroll_raw(&code, Uuid::now_v7()).await;
    assert_eq!(status, StatusCode::UPGRADE_REQUIRED);
    // Monitoring still answers.
    assert_eq!(get(&s, "/api/v1/health", &[]).await.0, StatusCode::OK);
    // A handset speaking 2 goes on to the handler (401: it sent no token).
    let (status, _, body) = get(&s, "/api/v1/pull?after=0", &[("gridwork-protocol", "2")]).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")));
}

#[tokio::test]
async fn a_newer_protocol_is_answered_in_the_servers_own() {
    let s = server(1, &[]).await;
    let w = s.enroll(&s.code("DEMO-W", 1)).await;
    let bearer = format!("Bearer {}", w.token());
    let (status, h, body) =
        get(&s, "/api/v1/pull?after=0&limit=1", &[("authorization", &bearer), ("gridwork-protocol", "7")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(h.get("gridwork-protocol").unwrap(), "1", "the server names the protocol it answers in");
}

#[tokio::test]
async fn each_device_keeps_the_version_it_last_spoke() {
    let s = server(1, &[]).await;
    let w = s.enroll(&s.code("DEMO-W", 1)).await;
    let quiet = s.enroll(&s.code("DEMO-W", 1)).await;
    let bearer = format!("Bearer {}", w.token());
    for app in ["0.4.1 (android 9)", "0.5.0<script>"] {
        let headers = [("authorization", bearer.as_str()), ("gridwork-protocol", "1"), ("gridwork-app", app)];
        assert_eq!(get(&s, "/api/v1/pull?after=0&limit=1", &headers).await.0, StatusCode::OK);
        let want = app.replace(['<', '>'], "");
        // Noted off the request's path: wait for it.
        let mut seen = None;
        for _ in 0..100 {
            let all = s.store.device_versions().await.unwrap();
            seen = all.into_iter().find(|(d, v)| *d == w.id() && v.app.as_deref() == Some(want.as_str()));
            if seen.is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let (_, v) = seen.unwrap_or_else(|| panic!("{app} not noted"));
        assert_eq!(v.protocol, 1);
        assert!(v.at_ms > 0);
    }
    let all = s.store.device_versions().await.unwrap();
    assert!(all.iter().all(|(d, _)| *d != quiet.id()), "a device not heard from is not listed");
}

/// `s` with `key` set to `value` as a write of `h` (a new dot), as an app that knows the field does.
fn write_field(h: &mut Handset, s: &RecordState, key: &str, value: Value) -> RecordState {
    h.clock.observe(s.latest_stamp().hlc, wall_ms()).unwrap();
    let mut next = s.clone();
    let n = next.vv.increment(h.id());
    let stamp = Stamp { hlc: h.clock.tick(wall_ms()), device: h.id(), n };
    next.stamps.insert(key.into(), stamp);
    next.fields.insert(key.into(), value);
    next
}

async fn push_one(s: &TestServer, h: &Handset, r: &RecordState) -> (String, String) {
    let (status, v) = s.push_raw(h, Uuid::now_v7(), std::slice::from_ref(r)).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    (statuses(&v).remove(0), reject_codes(&v).remove(0))
}

async fn server_version(s: &TestServer, h: &Handset, r: &RecordState) -> RecordState {
    s.pull_all(h).await.changes.into_iter().map(|c| c.state).rev().find(|st| st.id == r.id).unwrap()
}

#[tokio::test]
async fn a_declared_field_is_kept_and_carried_and_never_introduced() {
    let s = server(1, &["household.dialect:text"]).await;
    let mut newer = s.enroll(&s.code("DEMO-W", 1)).await;
    let mut older = s.enroll(&s.code("DEMO-W", 1)).await;
    let created = newer.create(&household(newer.micro_grid(1), "乌兰"));
    assert_eq!(push_one(&s, &newer, &created).await.0, "accepted");
    // The newer app writes the new field: of its type, or refused.
    let wrong = write_field(&mut newer, &created, "dialect", json!(3));
    assert_eq!(push_one(&s, &newer, &wrong).await, ("rejected".into(), "validation".into()));
    let with = write_field(&mut newer, &created, "dialect", json!("蒙古语"));
    assert_eq!(push_one(&s, &newer, &with).await.0, "accepted");

    // The older handset pulls it, edits another field (its typed form has no dialect) and pushes.
    let pulled = server_version(&s, &older, &with).await;
    assert_eq!(pulled.fields["dialect"], "蒙古语");
    let edited = older.edit(&pulled, |h| h.notes = "独居老人".into());
    assert_eq!(edited.fields["dialect"], "蒙古语", "an edit keeps what the app does not know");
    assert_eq!(push_one(&s, &older, &edited).await.0, "accepted");
    let held = server_version(&s, &newer, &with).await;
    assert_eq!((held.fields["dialect"].clone(), held.fields["notes"].clone()), (json!("蒙古语"), json!("独居老人")));

    // A handset may not introduce a key the server does not know, however it stamps it.
    let blob = write_field(&mut older, &held, "blob", json!("x"));
    assert_eq!(push_one(&s, &older, &blob).await, ("rejected".into(), "validation".into()));
    let mut forged = older.edit(&held, |h| h.notes = "改".into());
    forged.fields.insert("blob".into(), json!("x"));
    let theirs = *forged.stamp_of("dialect");
    forged.stamps.insert("blob".into(), theirs);
    let (status, code) = push_one(&s, &older, &forged).await;
    assert_eq!(status, "rejected");
    assert!(code == "forbidden" || code == "validation", "{code}");
}

/// A server that no longer declares the field (its settings rolled back, or a second server not
/// yet told): records holding the field still take edits that carry it as the server holds it.
#[tokio::test]
async fn a_field_the_server_holds_is_carried_back_even_when_undeclared() {
    let mut s = server(1, &["household.dialect:text"]).await;
    let mut newer = s.enroll(&s.code("DEMO-W", 1)).await;
    let mut older = s.enroll(&s.code("DEMO-W", 1)).await;
    let created = newer.create(&household(newer.micro_grid(1), "乌兰"));
    let with = write_field(&mut newer, &created, "dialect", json!("蒙古语"));
    assert_eq!(push_one(&s, &newer, &with).await.0, "accepted");
    let pulled = server_version(&s, &older, &with).await;

    s.app = app(AppState::new(s.store.clone()));
    let edited = older.edit(&pulled, |h| h.notes = "独居老人".into());
    assert_eq!(push_one(&s, &older, &edited).await.0, "accepted", "carried exactly as held");
    let held = server_version(&s, &newer, &with).await;
    assert_eq!((held.fields["dialect"].clone(), held.fields["notes"].clone()), (json!("蒙古语"), json!("独居老人")));

    let cases: [(&str, RecordState, &str); 3] = [
        (
            "a new write of the field, by the newer app",
            write_field(&mut newer, &held, "dialect", json!("汉语")),
            "validation",
        ),
        (
            "a new write of the field, by the older one",
            write_field(&mut older, &held, "dialect", json!("汉语")),
            "validation",
        ),
        (
            "its value changed under the other device's stamp",
            {
                let mut x = older.edit(&held, |h| h.notes = "再改".into());
                x.fields["dialect"] = json!("汉语");
                x
            },
            "forbidden",
        ),
    ];
    for (name, pushed, code) in cases {
        let by = if pushed.vv.get(newer.id()) > held.vv.get(newer.id()) { &newer } else { &older };
        assert_eq!(push_one(&s, by, &pushed).await, ("rejected".into(), code.into()), "{name}");
    }
    assert_eq!(server_version(&s, &newer, &with).await, held, "nothing refused changed the record");
}
