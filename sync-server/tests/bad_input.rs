//! Every kind of bad request gets its error code, and a valid request right after it still works.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::{Handset, TestServer, household, reject_codes, statuses};
use gridwork_domain::clock::{MAX_FUTURE_MS, wall_ms};
use gridwork_domain::{DeviceId, HlcClock, RecordState, Writer};
use gridwork_sync_server::Limits;
use serde_json::{Value, json};
use uuid::Uuid;

/// A valid push still goes through.
async fn still_serves(s: &TestServer, w: &mut Handset) {
    let rec = w.create(&household(w.micro_grid(1), "周九"));
    let (status, v) = s.push_raw(w, Uuid::now_v7(), &[rec]).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(statuses(&v), ["accepted"]);
}

async fn raw_push(s: &TestServer, token: Option<&str>, body: &'static str) -> (StatusCode, Value) {
    let mut req =
        Request::builder().method(Method::POST).uri("/api/v1/push").header("content-type", "application/json");
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let (status, headers, bytes) = s.send(req.body(Body::from(body)).unwrap()).await;
    assert_eq!(headers["content-type"], "application/json");
    (status, serde_json::from_slice(&bytes).unwrap())
}

#[tokio::test]
async fn malformed_envelopes_get_their_code() {
    let s = TestServer::demo().await;
    let mut w = s.enroll(&s.code("DEMO-W", 1)).await;
    let token = w.token().to_owned();
    let cases: [(&'static str, StatusCode, &str); 5] = [
        (r#"{"batch_id": "#, StatusCode::BAD_REQUEST, "malformed_json"),
        ("hello", StatusCode::BAD_REQUEST, "malformed_json"),
        (r#"{"batch_id": "0191e0b5-2c1a-7000-8000-000000000001"}"#, StatusCode::BAD_REQUEST, "validation"),
        (r#"{"batch_id": "nope", "records": []}"#, StatusCode::BAD_REQUEST, "bad_uuid"),
        (r#"{"batch_id": 7, "records": []}"#, StatusCode::BAD_REQUEST, "validation"),
    ];
    for (body, status, code) in cases {
        let (got, v) = raw_push(&s, Some(&token), body).await;
        assert_eq!((got, v["code"].as_str()), (status, Some(code)), "{body}: {v}");
        assert!(!v["message"].as_str().unwrap().is_empty());
        still_serves(&s, &mut w).await;
    }
}

#[tokio::test]
async fn missing_or_unknown_tokens_are_unauthorized() {
    let s = TestServer::demo().await;
    let mut w = s.enroll(&s.code("DEMO-W", 1)).await;
    let body = r#"{"batch_id": "0191e0b5-2c1a-7000-8000-000000000001", "records": []}"#;
    for token in [None, Some("0000"), Some("")] {
        let (status, v) = raw_push(&s, token, body).await;
        assert_eq!((status, v["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")), "{token:?}");
        still_serves(&s, &mut w).await;
    }
    for path in ["/api/v1/pull?after=0", "/api/v1/reference", "/api/v1/conflicts"] {
        let (status, v) = s.call(Method::GET, path, Some("wrong"), None).await;
        assert_eq!((status, v["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")), "{path}");
    }
}

#[tokio::test]
async fn bad_records_are_rejected_one_by_one() {
    let s = TestServer::demo().await;
    let mut w = s.enroll(&s.code("DEMO-W", 1)).await;
    let good = w.create(&household(w.micro_grid(1), "吴十"));
    let v1 = w.create(&household(w.micro_grid(1), "郑一"));
    let v2 = w.edit(&v1, |h| h.notes = "second".into());
    assert_eq!(s.push(&w, &[v1.clone(), v2]).await.results.len(), 2);
    // A version that lacks this device's own later write yet carries another device's edit.
    let mut other = HlcClock::default();
    let mut ow = Writer { device: DeviceId::new(), clock: &mut other, now_ms: wall_ms() };
    let mut h: gridwork_domain::Household = v1.decode().unwrap();
    h.notes = "from elsewhere".into();
    let backwards = v1.edit(&h, &mut ow).unwrap().unwrap();
    let mut future_clock = HlcClock::default();
    let future = RecordState::create(
        gridwork_domain::RecordId::new(),
        &household(w.micro_grid(1), "王二"),
        &mut Writer { device: w.id(), clock: &mut future_clock, now_ms: wall_ms() + 2 * MAX_FUTURE_MS },
    )
    .unwrap();
    let mut records: Vec<Value> = vec![serde_json::to_value(&good).unwrap()];
    let mut with = |f: &dyn Fn(&mut Value)| {
        let mut v = serde_json::to_value(w.create(&household(w.micro_grid(2), "冯三"))).unwrap();
        f(&mut v);
        records.push(v);
    };
    with(&|v| v["kind"] = json!("spaceship"));
    with(&|v| v["id"] = json!("not-a-uuid"));
    with(&|v| v["fields"]["head_name"] = json!(""));
    with(&|v| v["fields"]["members"] = json!(42));
    with(&|v| v["vv"] = json!({}));
    records.push(serde_json::to_value(&backwards).unwrap());
    records.push(serde_json::to_value(&future).unwrap());
    records.push(json!("just a string"));
    let body = json!({"batch_id": Uuid::now_v7(), "records": records});
    let (status, v) = s.call(Method::POST, "/api/v1/push", Some(w.token()), Some(&body)).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(
        reject_codes(&v),
        [
            "",
            "unknown_kind",
            "bad_uuid",
            "validation",
            "validation",
            "bad_version",
            "bad_version",
            "clock_skew",
            "validation"
        ]
    );
    assert_eq!(statuses(&v)[0], "accepted");
    assert_eq!(v["results"][2]["id"], Uuid::nil().to_string(), "an unreadable id is reported as the nil UUID");
    // Only the good record was stored (seen from another handset of the same grid: the pusher's
    // own pull leaves out what it already holds).
    let peer = s.enroll(&s.code("DEMO-W", 1)).await;
    let ids: Vec<_> = s.pull_all(&peer).await.changes.into_iter().map(|c| c.state.id).collect();
    assert!(ids.contains(&good.id));
    assert!(!ids.contains(&future.id));
    still_serves(&s, &mut w).await;
}

#[tokio::test]
async fn oversized_batches_and_bodies_are_refused() {
    let limits = Limits { max_body_bytes: 256 * 1024, ..Limits::default() };
    let s = TestServer::with_limits(limits).await;
    let mut w = s.enroll(&s.code("DEMO-W", 1)).await;
    let records: Vec<Value> = (0..1001).map(|_| json!({})).collect();
    let body = json!({"batch_id": Uuid::now_v7(), "records": records});
    let (status, v) = s.call(Method::POST, "/api/v1/push", Some(w.token()), Some(&body)).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("batch_too_large")), "{v}");
    still_serves(&s, &mut w).await;
    let big = json!({"batch_id": Uuid::now_v7(), "records": [{"padding": "x".repeat(300 * 1024)}]});
    let (status, v) = s.call(Method::POST, "/api/v1/push", Some(w.token()), Some(&big)).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large")), "{v}");
    still_serves(&s, &mut w).await;
    // Refused from its Content-Length alone, before the body is read: still a JSON error.
    let bytes = serde_json::to_vec(&big).unwrap();
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/push")
        .header("authorization", format!("Bearer {}", w.token()))
        .header("content-length", bytes.len())
        .body(Body::from(bytes))
        .unwrap();
    let (status, _, body) = s.send(req).await;
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!((status, v["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large")), "{v}");
    still_serves(&s, &mut w).await;
}

#[tokio::test]
async fn routing_and_query_errors_are_json_too() {
    let s = TestServer::demo().await;
    let mut w = s.enroll(&s.code("DEMO-W", 1)).await;
    let cases = [
        (Method::GET, "/api/v1/nowhere", StatusCode::NOT_FOUND, "not_found"),
        (Method::DELETE, "/api/v1/push", StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
        (Method::GET, "/api/v1/pull", StatusCode::BAD_REQUEST, "validation"),
        (Method::GET, "/api/v1/pull?after=-1", StatusCode::BAD_REQUEST, "validation"),
        (Method::GET, "/api/v1/pull?after=0&limit=many", StatusCode::BAD_REQUEST, "validation"),
    ];
    for (method, path, status, code) in cases {
        let (got, v) = s.call(method.clone(), path, Some(w.token()), None).await;
        assert_eq!((got, v["code"].as_str()), (status, Some(code)), "{method} {path}: {v}");
        still_serves(&s, &mut w).await;
    }
    // An absurd limit is clamped, not refused.
    let page = s.pull(&w, 0, u32::MAX).await;
    assert!(!page.changes.is_empty());
}
