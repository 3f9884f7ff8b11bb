//! The "needs attention" list through the HTTP API: a refused push is kept for the pushing
//! device and for the leaders of its area, counted when refused again, closed once a later version
//! of the record is accepted; a leader of another grid sees nothing, a worker only its own.

mod common;

use axum::http::{Method, StatusCode};
use common::{Handset, TestServer, household};
use gridwork_domain::attention::AttentionList;
use gridwork_domain::wire::Role;
use gridwork_domain::{AreaCode, RecordState};
use serde_json::Value;
use uuid::Uuid;

async fn attention(s: &TestServer, h: &Handset) -> AttentionList {
    let (status, v) = s.call(Method::GET, "/api/v1/attention?after=0&limit=100", Some(h.token()), None).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    serde_json::from_value(v).unwrap()
}

/// The version as JSON with an empty head name: refused `validation`.
fn without_head(state: &RecordState) -> Value {
    let mut v = serde_json::to_value(state).unwrap();
    v["fields"]["head_name"] = Value::String(String::new());
    v
}

async fn push_values(s: &TestServer, h: &Handset, records: Vec<Value>) -> Value {
    let body = serde_json::json!({"batch_id": Uuid::now_v7(), "records": records});
    let (status, v) = s.push_raw_value(h, body).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    v
}

#[tokio::test]
async fn a_refusal_waits_for_the_leaders_of_its_area_until_a_later_version_is_taken() {
    let s = TestServer::demo().await;
    let mut worker = s.enroll(&s.code("DEMO-W", 1)).await;
    let grid = worker.enrolled.scope.clone();
    let leader_code = s.accounts.iter().find(|a| a.role == Role::GridLeader && a.scope == grid).unwrap().code.clone();
    let leader = s.enroll(&leader_code).await;
    let other_code = s
        .accounts
        .iter()
        .find(|a| a.role == Role::GridLeader && !grid.is_within(&a.scope))
        .expect("a leader of another grid")
        .code
        .clone();
    let other_leader = s.enroll(&other_code).await;
    let township = s.accounts.iter().find(|a| a.role == Role::Supervisor && grid.is_within(&a.scope)).unwrap();
    let supervisor = s.enroll(&township.code.clone()).await;
    let other_worker_code =
        s.accounts.iter().find(|a| a.role == Role::GridWorker && a.code != s.code("DEMO-W", 1)).unwrap().code.clone();
    let other_worker = s.enroll(&other_worker_code).await;

    let inside = worker.micro_grid(1);
    let first = worker.create(&household(inside.clone(), "张伟"));
    let outside = AreaCode::parse("150621002001001001").unwrap();
    assert!(!outside.is_within(&grid));
    let elsewhere = worker.create(&household(outside, "李娜"));
    let answer = push_values(&s, &worker, vec![without_head(&first), serde_json::to_value(&elsewhere).unwrap()]).await;
    assert_eq!(common::reject_codes(&answer), ["validation", "out_of_scope"]);

    let seen = attention(&s, &leader).await.items;
    assert_eq!(seen.len(), 2, "{seen:?}");
    let bad = seen.iter().find(|i| i.record_id == first.id).unwrap();
    // Refused before it could be read whole: no kind nor place kept, shown by the pusher's area.
    assert_eq!((bad.code.as_str(), bad.kind.as_deref(), bad.count), ("validation", None, 1));
    assert_eq!(bad.micro_grid, None);
    assert_eq!(bad.device, worker.id());
    assert!(!bad.user_name.is_empty());
    let out = seen.iter().find(|i| i.record_id == elsewhere.id).unwrap();
    assert_eq!(out.code, "out_of_scope");
    assert_eq!(out.micro_grid, None, "nothing of a place outside the area is kept");
    assert!(!out.message.contains("150621002"), "{}", out.message);

    assert_eq!(attention(&s, &supervisor).await.items.len(), 2, "the township sees its grids'");
    assert!(attention(&s, &other_leader).await.items.is_empty(), "a leader of another grid sees nothing");
    assert_eq!(attention(&s, &worker).await.items.len(), 2, "a worker sees its own device's");
    assert!(attention(&s, &other_worker).await.items.is_empty(), "a worker never reads a leader's list");

    // Refused again: one item, counted.
    push_values(&s, &worker, vec![without_head(&first)]).await;
    let again = attention(&s, &leader).await.items;
    assert_eq!(again.iter().find(|i| i.record_id == first.id).unwrap().count, 2);
    assert!(again.iter().all(|i| i.record_id != first.id || i.first_ms == bad.first_ms));

    // A later version taken: the item closes.
    let fixed = worker.edit(&first, |h| h.notes = "改正".into());
    let taken = s.push(&worker, &[fixed]).await;
    assert_eq!(common::statuses(&serde_json::to_value(&taken).unwrap()), ["accepted"]);
    let left = attention(&s, &leader).await.items;
    assert_eq!(left.iter().map(|i| i.record_id).collect::<Vec<_>>(), [elsewhere.id]);

    // Paging by id.
    let (status, v) =
        s.call(Method::GET, &format!("/api/v1/attention?after={}", left[0].id), Some(leader.token()), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["items"].as_array().unwrap().len(), 0);
    let (status, _) = s.call(Method::GET, "/api/v1/attention", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
