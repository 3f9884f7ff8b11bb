//! One-time enrollment codes: a code enrolls one device; a retry of the same request gets the same
//! device; used, expired and unknown codes are refused alike; failures lock an address out; codes
//! are stored hashed and made only by a supervisor (inside the township) or an admin.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::TestServer;
use gridwork_domain::clock::wall_ms;
use gridwork_domain::wire::EnrollResponse;
use gridwork_sync_server::admin::create_codes;
use gridwork_sync_server::enroll_codes::hash_code;
use gridwork_sync_server::store::{NewCodes, StoreError};
use serde_json::Value;
use uuid::Uuid;

fn enrolled(status: StatusCode, v: Value) -> EnrollResponse {
    assert_eq!(status, StatusCode::OK, "{v}");
    serde_json::from_value(v).unwrap()
}

fn refused(status: StatusCode, v: &Value) {
    assert_eq!((status, v["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")), "{v}");
}

#[tokio::test]
async fn a_code_enrolls_one_device_and_the_handle_enrolls_none() {
    let s = TestServer::demo().await;
    let (status, v) = s.enroll_raw("DEMO-W-0001", Uuid::now_v7()).await;
    refused(status, &v);
    let code = s.one_time_code("DEMO-W-0001").await;
    let first = s.enroll_raw(&code, Uuid::now_v7()).await;
    let a = enrolled(first.0, first.1);
    let (status, v) = s.enroll_raw(&code, Uuid::now_v7()).await;
    refused(status, &v);
    // Typed in lower case with spaces, a fresh code works all the same.
    let code = s.one_time_code("DEMO-W-0001").await.to_lowercase().replace('-', " ");
    let second = s.enroll_raw(&code, Uuid::now_v7()).await;
    let b = enrolled(second.0, second.1);
    assert_ne!(a.device_id, b.device_id);
    assert_eq!(a.scope, b.scope);
}

#[tokio::test]
async fn a_retried_enrollment_gets_the_same_device_and_block() {
    let s = TestServer::demo().await;
    let code = s.one_time_code("DEMO-W-0001").await;
    let request = Uuid::now_v7();
    let first = s.enroll_raw(&code, request).await;
    let a = enrolled(first.0, first.1);
    let again = s.enroll_raw(&code, request).await;
    let b = enrolled(again.0, again.1);
    assert_eq!((a.device_id, a.serial_block), (b.device_id, b.serial_block));
    // The token of the answer that counts works; the one replaced does not.
    let (status, _) = s.call(Method::GET, "/api/v1/reference", Some(&b.token), None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = s.call(Method::GET, "/api/v1/reference", Some(&a.token), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // The server made one device and one block, not two.
    let (status, v) = s.call(Method::POST, "/api/v1/serial-blocks", Some(&b.token), None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    let third = s.one_time_code("DEMO-W-0001").await;
    let c = s.enroll_raw(&third, Uuid::now_v7()).await;
    assert_eq!(enrolled(c.0, c.1).serial_block.block, a.serial_block.block + 1);
}

#[tokio::test]
async fn expired_codes_are_refused_like_unknown_ones() {
    let s = TestServer::demo().await;
    let code = "ABCD-EFGH-JKMN";
    let now = wall_ms();
    let codes = NewCodes {
        account: "DEMO-W-0001".into(),
        by: "DEMO-A-0001".into(),
        code_hashes: vec![hash_code(code)],
        expires_at_ms: now - 1,
    };
    s.store.create_codes(codes, now - 10).await.unwrap();
    let (status, expired) = s.enroll_raw(code, Uuid::now_v7()).await;
    refused(status, &expired);
    let (_, unknown) = s.enroll_raw("ABCD-EFGH-JKMP", Uuid::now_v7()).await;
    assert_eq!(expired, unknown, "the answer does not tell which");
}

#[tokio::test]
async fn failures_lock_the_client_out_with_retry_after() {
    let s = TestServer::demo().await;
    let good = s.one_time_code("DEMO-W-0001").await;
    for i in 0..5 {
        let (status, v) = s.enroll_raw(&format!("WRONG-{i}"), Uuid::now_v7()).await;
        refused(status, &v);
    }
    let body = serde_json::json!({"code": good, "device_name": "x", "request_id": Uuid::now_v7()});
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/enroll")
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let (status, headers, bytes) = s.send(req).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let v: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(v["code"], "rate_limited");
    let wait: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((800..=900).contains(&wait), "{wait}");
}

#[tokio::test]
async fn codes_are_kept_only_as_hashes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sync.db");
    let store = gridwork_sync_server::SqliteStore::open(&path).unwrap();
    gridwork_sync_server::seed::seed_demo(&store, 7, 0).await.unwrap();
    let code = create_codes(&store, "DEMO-W-0001", "DEMO-A-0001", 7, 1).await.unwrap().remove(0);
    drop(store);
    let c = rusqlite::Connection::open(&path).unwrap();
    let hashes: Vec<String> = c
        .prepare("SELECT code_hash FROM enroll_codes")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(hashes, vec![hash_code(&code)]);
    let raw = std::fs::read(&path).unwrap();
    let plain = code.replace('-', "");
    assert!(!raw.windows(plain.len()).any(|w| w == plain.as_bytes()), "the code is not in the file");
}

#[tokio::test]
async fn supervisors_make_codes_inside_their_township_only() {
    let s = TestServer::demo().await;
    let supervisor = s.accounts.iter().find(|a| a.code.starts_with("DEMO-S")).unwrap().clone();
    let inside = s.accounts.iter().find(|a| a.code.starts_with("DEMO-W") && a.scope.is_within(&supervisor.scope));
    let outside = s.accounts.iter().find(|a| a.code.starts_with("DEMO-W") && !a.scope.is_within(&supervisor.scope));
    let inside = inside.expect("a worker in the supervisor's township");
    assert!(create_codes(&*s.store, &inside.code, &supervisor.code, 7, 1).await.is_ok());
    if let Some(outside) = outside {
        let e = create_codes(&*s.store, &outside.code, &supervisor.code, 7, 1).await.unwrap_err();
        assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    }
    let admin = s.code("DEMO-A", 1);
    for by in [s.code("DEMO-W", 1), s.code("DEMO-L", 1)] {
        let e = create_codes(&*s.store, &inside.code, &by, 7, 1).await.unwrap_err();
        assert!(matches!(e, StoreError::Forbidden(_)), "{by}: {e}");
    }
    let e = create_codes(&*s.store, &admin, &supervisor.code, 7, 1).await.unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "no codes for an admin from a supervisor");
    let e = create_codes(&*s.store, "NOBODY", &admin, 7, 1).await.unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e}");
}

#[tokio::test]
async fn the_demo_can_bring_cases_at_every_step_of_the_loop() {
    use gridwork_domain::workflow::fold_lenient;
    use gridwork_domain::{DisputeEvent, RecordKind, RecordState};
    let dir = tempfile::tempdir().unwrap();
    let store = gridwork_sync_server::SqliteStore::open(dir.path().join("sync.db")).unwrap();
    gridwork_sync_server::seed::seed_demo(&store, 7, 6).await.unwrap().expect("seeded");
    let c = rusqlite::Connection::open(dir.path().join("sync.db")).unwrap();
    let states: Vec<RecordState> = c
        .prepare("SELECT state FROM records")
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|s| serde_json::from_str(&s.unwrap()).unwrap())
        .collect();
    let disputes = states.iter().filter(|s| s.kind == RecordKind::Dispute).count();
    assert!(disputes >= 6, "{disputes}");
    // Each case's events, in stamp order, follow the loop without a misfit.
    let mut events: Vec<&RecordState> = states.iter().filter(|s| s.kind == RecordKind::DisputeEvent).collect();
    events.sort_by_key(|s| s.origin);
    let mut by_case: std::collections::HashMap<_, Vec<DisputeEvent>> = Default::default();
    for s in events {
        let e: DisputeEvent = s.decode().unwrap();
        by_case.entry(e.dispute).or_default().push(e);
    }
    assert_eq!(by_case.len(), disputes);
    let stages: std::collections::HashSet<_> = by_case
        .values()
        .map(|evs| {
            let state = fold_lenient(evs);
            assert!(state.skipped.is_empty(), "{:?}", state.skipped);
            state.stage
        })
        .collect();
    assert!(stages.len() >= 3, "{stages:?}");
}

#[tokio::test]
async fn the_demo_can_bring_months_of_history_that_each_office_sees_for_its_township() {
    use gridwork_domain::RecordKind;
    use gridwork_domain::demo::DemoSize;
    use gridwork_sync_server::seed::{DemoPlan, seed_plan};
    let dir = tempfile::tempdir().unwrap();
    let store = gridwork_sync_server::SqliteStore::open(dir.path().join("sync.db")).unwrap();
    let plan = DemoPlan { seed: 7, size: DemoSize::small(), cases_per_grid: 0, months: 3 };
    seed_plan(&store, &plan).await.unwrap().expect("seeded");
    let c = rusqlite::Connection::open(dir.path().join("sync.db")).unwrap();
    let count = |kind: RecordKind, prefix: &str| -> i64 {
        c.query_row(
            "SELECT count(*) FROM records WHERE kind = ?1 AND micro_grid LIKE ?2 || '%'",
            [kind.as_str(), prefix],
            |r| r.get(0),
        )
        .unwrap()
    };
    for kind in [
        RecordKind::Visit,
        RecordKind::ContactCard,
        RecordKind::Dispute,
        RecordKind::DisputeEvent,
        RecordKind::Highlight,
    ] {
        assert!(count(kind, "150621001") > 0, "{kind} in the first township");
        assert!(count(kind, "150621002") > 0, "{kind} in the second township");
    }
    // Three months of visits to 288 households: several per household.
    assert!(count(RecordKind::Visit, "150621") > 3 * 288, "{}", count(RecordKind::Visit, "150621"));
}
