//! Push: accepted, already known, merged with conflicts, rejected per record, and retried batches
//! answered the same and applied once.

mod common;

use axum::http::{Method, StatusCode};
use common::{TestServer, household, reject_codes, statuses};
use gridwork_domain::wire::{ConflictList, PushStatus};
use gridwork_domain::{Household, RecordState};
use uuid::Uuid;

#[tokio::test]
async fn new_then_same_again_is_accepted_then_already_known() {
    let s = TestServer::demo().await;
    let mut w = s.enroll(&s.code("DEMO-W", 1)).await;
    let rec = w.create(&household(w.micro_grid(1), "赵六"));
    let r = s.push(&w, std::slice::from_ref(&rec)).await;
    assert_eq!(r.results[0].id, rec.id);
    assert_eq!(r.results[0].status, PushStatus::Accepted);
    let r = s.push(&w, std::slice::from_ref(&rec)).await;
    assert_eq!(r.results[0].status, PushStatus::AlreadyKnown);
    // A newer version is accepted; the older one sent again is already known.
    let newer = w.edit(&rec, |h| h.notes = "独居".into());
    assert_eq!(s.push(&w, std::slice::from_ref(&newer)).await.results[0].status, PushStatus::Accepted);
    assert_eq!(s.push(&w, std::slice::from_ref(&rec)).await.results[0].status, PushStatus::AlreadyKnown);
    let peer = s.enroll(&s.code("DEMO-W", 1)).await;
    let mine: Vec<RecordState> =
        s.pull_all(&peer).await.changes.into_iter().map(|c| c.state).filter(|st| st.id == rec.id).collect();
    assert_eq!(mine, vec![newer]);
}

#[tokio::test]
async fn concurrent_edits_merge_and_the_conflict_is_visible_to_the_leader() {
    let s = TestServer::demo().await;
    let mut worker = s.enroll(&s.code("DEMO-W", 1)).await;
    let mut leader = s.enroll(&s.code("DEMO-L", 1)).await;
    assert_eq!(worker.enrolled.scope, leader.enrolled.scope, "demo worker 1 and leader 1 share a grid");
    // Both start from a household the server seeded.
    let base = s.pull(&worker, 0, 1).await.changes.remove(0).state;
    let by_worker = worker.edit(&base, |h| {
        h.notes = "worker's note".into();
        h.door_number = "1号".into();
    });
    leader.clock.observe(by_worker.latest_stamp().hlc, gridwork_domain::clock::wall_ms()).unwrap();
    let by_leader = leader.edit(&base, |h| {
        h.notes = "leader's note".into();
        h.address = "新地址".into();
    });
    assert_eq!(s.push(&worker, std::slice::from_ref(&by_worker)).await.results[0].status, PushStatus::Accepted);
    let r = s.push(&leader, std::slice::from_ref(&by_leader)).await;
    let PushStatus::Merged { state, conflicts } = &r.results[0].status else { panic!("expected merged: {r:?}") };
    let merged: Household = state.decode().unwrap();
    assert_eq!(merged.door_number, "1号", "the worker's other field is kept");
    assert_eq!(merged.address, "新地址", "the leader's other field is kept");
    assert_eq!(merged.notes, "leader's note", "the later stamp wins");
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].field, "notes");
    // The server now holds the merged version, and it is what both devices pull.
    let latest = s.pull_all(&worker).await.changes.into_iter().rfind(|c| c.state.id == base.id).unwrap();
    assert_eq!(&latest.state, state);
    // The conflict is stored and served.
    let (status, v) = s.call(Method::GET, "/api/v1/conflicts", Some(leader.token()), None).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let list: ConflictList = serde_json::from_value(v).unwrap();
    assert_eq!(list.conflicts.len(), 1);
    assert_eq!(list.conflicts[0].conflict, conflicts[0]);
    // Pulls name the conflict with its record, also after a later change of that record.
    let id = list.conflicts[0].id;
    assert_eq!(s.pull_all(&leader).await.last_conflict, id);
    let later = worker.edit(state, |h| h.phone = Some("13900001111".into()));
    assert_eq!(s.push(&worker, std::slice::from_ref(&later)).await.results[0].status, PushStatus::Accepted);
    let fresh = s.enroll(&s.code("DEMO-L", 1)).await;
    assert_eq!(s.pull_all(&fresh).await.last_conflict, id);
    let other_grid = s.enroll(&s.code("DEMO-W", 2)).await;
    assert_eq!(s.pull_all(&other_grid).await.last_conflict, 0);
    // After the cursor: nothing more.
    let path = format!("/api/v1/conflicts?after={}", list.conflicts[0].id);
    let (_, v) = s.call(Method::GET, &path, Some(leader.token()), None).await;
    assert_eq!(v["conflicts"].as_array().unwrap().len(), 0);
    // Another grid's devices do not see it.
    let other = s.enroll(&s.code("DEMO-W", 2)).await;
    let (_, v) = s.call(Method::GET, "/api/v1/conflicts", Some(other.token()), None).await;
    assert_eq!(v["conflicts"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn a_retried_batch_is_answered_the_same_and_applied_once() {
    let s = TestServer::demo().await;
    let mut w = s.enroll(&s.code("DEMO-W", 1)).await;
    // What was stored is seen from a second handset of the grid (a pusher's own pull leaves it out).
    let peer = s.enroll(&s.code("DEMO-W", 1)).await;
    let before = s.pull_all(&peer).await;
    let recs = vec![w.create(&household(w.micro_grid(1), "甲")), w.create(&household(w.micro_grid(2), "乙"))];
    let batch = Uuid::now_v7();
    let (status, first) = s.push_raw(&w, batch, &recs).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(statuses(&first), ["accepted", "accepted"]);
    let after_first = s.pull_all(&peer).await;
    // The retry carries the same id (even with different content): same answer, nothing applied.
    let edited: Vec<RecordState> = recs.iter().map(|r| w.edit(r, |h| h.notes = "retry".into())).collect();
    for body in [&recs, &edited] {
        let (status, again) = s.push_raw(&w, batch, body).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(again, first);
    }
    let after_retry = s.pull_all(&peer).await;
    assert_eq!(after_first.changes.len(), before.changes.len() + 2);
    assert_eq!(after_retry.next, after_first.next, "no change numbered by the retry");
    assert_eq!(after_retry.changes, after_first.changes);
    // Another device may not reuse the batch id.
    let other = s.enroll(&s.code("DEMO-L", 1)).await;
    let (status, v) = s.push_raw(&other, batch, &recs).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::CONFLICT, Some("batch_id_reused")));
}

#[tokio::test]
async fn a_record_outside_the_scope_is_rejected_and_the_rest_of_the_batch_accepted() {
    let s = TestServer::demo().await;
    let mut a = s.enroll(&s.code("DEMO-W", 1)).await;
    let b = s.enroll(&s.code("DEMO-W", 2)).await;
    let mine = a.create(&household(a.micro_grid(1), "甲"));
    let theirs = a.create(&household(b.micro_grid(1), "乙"));
    let mine2 = a.create(&household(a.micro_grid(3), "丙"));
    let (status, v) = s.push_raw(&a, Uuid::now_v7(), &[mine.clone(), theirs.clone(), mine2.clone()]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(statuses(&v), ["accepted", "rejected", "accepted"]);
    assert_eq!(reject_codes(&v)[1], "out_of_scope");
    assert_eq!(v["results"][1]["id"], theirs.id.to_string());
    let b_sees = s.pull_all(&b).await;
    assert!(b_sees.changes.iter().all(|c| c.state.id != theirs.id));
    // Editing another grid's record (reusing its id with an in-scope micro-grid) is refused too.
    let foreign = s.pull(&b, 0, 1).await.changes.remove(0).state;
    let mg = a.micro_grid(1);
    let hijack = a.edit(&foreign, |h| h.micro_grid = mg);
    let r = s.push(&a, &[hijack]).await;
    assert!(matches!(&r.results[0].status, PushStatus::Rejected { code, .. } if code == "out_of_scope"), "{r:?}");
}

#[tokio::test]
async fn append_only_records_cannot_be_changed() {
    use gridwork_domain::{RecordId, Visit};
    let s = TestServer::demo().await;
    let mut w = s.enroll(&s.code("DEMO-W", 1)).await;
    let v = Visit::routine(RecordId::new(), w.micro_grid(1), "王芳", chrono::Utc::now(), "一切正常");
    let rec = RecordState::create(RecordId::new(), &v, &mut w.writer()).unwrap();
    assert_eq!(s.push(&w, std::slice::from_ref(&rec)).await.results[0].status, PushStatus::Accepted);
    let mut changed = rec.clone();
    changed.fields.insert("findings".into(), "改过了".into());
    changed.vv.increment(w.id());
    let r = s.push(&w, &[changed]).await;
    assert!(matches!(&r.results[0].status, PushStatus::Rejected { code, .. } if code == "immutable"), "{r:?}");
}

#[tokio::test]
async fn an_accepted_version_is_served_as_the_very_text_pushed() {
    let s = TestServer::demo().await;
    let mut w = s.enroll(&s.code("DEMO-W", 1)).await;
    let rec = w.create(&household(w.micro_grid(1), "孙七"));
    // Keys in another order and spaces a serializer would not write: still the same version.
    let mut keys: Vec<(String, serde_json::Value)> =
        serde_json::to_value(&rec).unwrap().as_object().unwrap().clone().into_iter().collect();
    keys.reverse();
    let text = format!("{{ {} }}", keys.iter().map(|(k, v)| format!("\"{k}\" : {v}")).collect::<Vec<_>>().join(" ,  "));
    let body = format!("{{\"batch_id\":\"{}\",\"records\":[{text}]}}", Uuid::now_v7());
    let req = axum::http::Request::post("/api/v1/push")
        .header("authorization", format!("Bearer {}", w.token()))
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body))
        .unwrap();
    let (status, _, answer) = s.send(req).await;
    assert_eq!(status, StatusCode::OK, "{answer:?}");
    let peer = s.enroll(&s.code("DEMO-L", 1)).await;
    let path = "/api/v1/pull?after=0&limit=5000";
    let req = axum::http::Request::get(path)
        .header("authorization", format!("Bearer {}", peer.token()))
        .body(axum::body::Body::empty())
        .unwrap();
    let (status, _, page) = s.send(req).await;
    assert_eq!(status, StatusCode::OK);
    let page = String::from_utf8(page.to_vec()).unwrap();
    assert!(page.contains(&text), "the pull carries the pushed text byte for byte");
}

#[tokio::test]
async fn a_record_with_a_key_the_protocol_does_not_know_is_refused() {
    let s = TestServer::demo().await;
    let mut w = s.enroll(&s.code("DEMO-W", 1)).await;
    let rec = w.create(&household(w.micro_grid(1), "周八"));
    let mut v = serde_json::to_value(&rec).unwrap();
    v["passenger"] = serde_json::json!("x".repeat(1000));
    let body = serde_json::json!({"batch_id": Uuid::now_v7(), "records": [v]});
    let (status, answer) = s.call(Method::POST, "/api/v1/push", Some(w.token()), Some(&body)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(reject_codes(&answer), vec!["validation"]);
    assert!(answer.to_string().contains("passenger"), "the message names the key: {answer}");
}
