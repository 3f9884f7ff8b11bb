//! The server's side of "no work stranded": a write number reused with other content is refused
//! `dot_reused` (never answered `already_known`), `/me` tells a device what the server holds of
//! it, a device takes a new identity with `/reenroll`, versions handed back with the server's
//! receipts are taken again (`/restore`) and forged receipts are refused, and every stretch of
//! change numbers carries a history token.

mod common;

use axum::http::{Method, StatusCode};
use common::{Handset, TestServer, household};
use gridwork_domain::wire::{DeviceState, EnrollResponse, PushResponse, PushStatus};
use gridwork_domain::{HlcClock, RecordState};
use serde_json::{Value, json};
use uuid::Uuid;

const INSIDE: &str = "150621001001001001";

fn area(s: &str) -> gridwork_domain::AreaCode {
    gridwork_domain::AreaCode::parse(s).unwrap()
}

async fn me(s: &TestServer, h: &Handset, cursor: u64) -> DeviceState {
    let (status, v) = s.call(Method::GET, &format!("/api/v1/me?cursor={cursor}"), Some(h.token()), None).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    serde_json::from_value(v).unwrap()
}

fn status_code(r: &PushResponse, i: usize) -> String {
    match &r.results[i].status {
        PushStatus::Rejected { code, .. } => code.clone(),
        PushStatus::Accepted => "accepted".into(),
        PushStatus::Merged { .. } => "merged".into(),
        PushStatus::AlreadyKnown => "already_known".into(),
    }
}

async fn restore(s: &TestServer, h: &Handset, records: Value) -> PushResponse {
    let body = json!({"batch_id": Uuid::now_v7(), "records": records});
    let (status, v) = s.call(Method::POST, "/api/v1/restore", Some(h.token()), Some(&body)).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    serde_json::from_value(v).unwrap()
}

#[tokio::test]
async fn a_write_number_reused_with_other_content_is_refused_not_dropped() {
    let s = TestServer::demo().await;
    let mut phone = s.enroll("DEMO-W-0001").await;
    let v1 = phone.create(&household(area(INSIDE), "张伟"));
    s.push(&phone, std::slice::from_ref(&v1)).await;
    // The phone renames the head (its write 2) and pushes; a restored copy of the store at v1
    // then sets the notes instead, numbering that write 2 as well.
    let v2 = phone.edit(&v1, |h| h.head_name = "王秀英".into());
    assert_eq!(status_code(&s.push(&phone, std::slice::from_ref(&v2)).await, 0), "accepted");
    let copy2 = phone.edit(&v1, |h| h.notes = "独居老人".into());
    let r = s.push(&phone, std::slice::from_ref(&copy2)).await;
    assert_eq!(status_code(&r, 0), "dot_reused", "{r:?}");
    // The very same version again is still only known.
    assert_eq!(status_code(&s.push(&phone, std::slice::from_ref(&v2)).await, 0), "already_known");
}

#[tokio::test]
async fn me_counts_the_devices_batches_and_names_the_history_at_its_cursor() {
    let s = TestServer::demo().await;
    let mut phone = s.enroll("DEMO-W-0001").await;
    let start = me(&s, &phone, 0).await;
    assert_eq!((start.pushes, start.history), (0, Some(0)));
    assert!(start.server_ms > 1_700_000_000_000);
    let page = s.pull(&phone, 0, 5000).await;
    assert!(page.history > 0, "a page names the history token of its cursor");
    assert_eq!(me(&s, &phone, page.next).await.history, Some(page.history));
    let first = phone.create(&household(area(INSIDE), "张伟"));
    let r = s.push(&phone, &[first]).await;
    assert_eq!(r.pushes, 1);
    let second = phone.create(&household(area(INSIDE), "李娜"));
    let r = s.push(&phone, &[second]).await;
    assert_eq!(r.pushes, 2);
    assert!(r.results[0].receipt.is_some(), "an accepted version comes with its receipt");
    assert_eq!(me(&s, &phone, 0).await.pushes, 2);
    // A retried batch is answered from the ledger and not counted again.
    let batch = Uuid::now_v7();
    let rec = phone.create(&household(area(INSIDE), "赵强"));
    for _ in 0..2 {
        let (status, _) = s.push_raw(&phone, batch, std::slice::from_ref(&rec)).await;
        assert_eq!(status, StatusCode::OK);
    }
    assert_eq!(me(&s, &phone, 0).await.pushes, 3);
    // Past the last change there is no history yet.
    assert_eq!(me(&s, &phone, 10_000_000).await.history, None);
}

#[tokio::test]
async fn a_new_identity_is_for_the_same_account_and_a_retry_gets_the_same_device() {
    let s = TestServer::demo().await;
    let phone = s.enroll("DEMO-W-0001").await;
    let request_id = Uuid::now_v7();
    let body = json!({"device_name": "restored phone", "request_id": request_id});
    let (status, v) = s.call(Method::POST, "/api/v1/reenroll", Some(phone.token()), Some(&body)).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let first: EnrollResponse = serde_json::from_value(v).unwrap();
    assert_ne!(first.device_id, phone.id());
    assert_eq!((first.user_name.as_str(), &first.scope), (phone.enrolled.user_name.as_str(), &phone.enrolled.scope));
    let (_, v) = s.call(Method::POST, "/api/v1/reenroll", Some(phone.token()), Some(&body)).await;
    let again: EnrollResponse = serde_json::from_value(v).unwrap();
    assert_eq!(again.device_id, first.device_id, "the answer was lost: the same device again");
    // Both identities work: the other copy of the store keeps the old one.
    let new = Handset { clock: HlcClock::default(), enrolled: again };
    assert_eq!(me(&s, &new, 0).await.device_id, new.id());
    assert_eq!(me(&s, &phone, 0).await.device_id, phone.id());
    // Without a token there is no new identity.
    let (status, _) = s.call(Method::POST, "/api/v1/reenroll", None, Some(&body)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn versions_handed_back_need_the_servers_receipt() {
    let s = TestServer::demo().await;
    let mut author = s.enroll("DEMO-W-0001").await;
    let other = s.enroll("DEMO-W-0001").await;
    let v = author.create(&household(area(INSIDE), "张伟"));
    let pushed = s.push(&author, std::slice::from_ref(&v)).await;
    let receipt = pushed.results[0].receipt.clone().unwrap();
    let text = serde_json::to_value(&v).unwrap();
    // Another device hands the author's version back with its receipt: it is the server's own.
    let r = restore(&s, &other, json!([{"receipt": receipt, "state": text}])).await;
    assert_eq!(status_code(&r, 0), "already_known");
    // A version of the other device's own making, or changed on the way, is refused.
    let mut forged: RecordState = v.clone();
    forged.fields.insert("notes".into(), json!("改过的"));
    let r = restore(&s, &other, json!([{"receipt": receipt, "state": forged}])).await;
    assert_eq!(status_code(&r, 0), "bad_receipt");
    let r = restore(&s, &other, json!([{"receipt": "00".repeat(16), "state": text}])).await;
    assert_eq!(status_code(&r, 0), "bad_receipt");
    // Handing back does not count as a push batch of the device.
    assert_eq!(me(&s, &other, 0).await.pushes, 0);
}

#[tokio::test]
async fn what_a_hostile_handset_sends_to_the_new_ways_in_is_refused_with_a_code() {
    let s = TestServer::demo().await;
    let mut admin = s.enroll("DEMO-A-0001").await;
    let mut worker = s.enroll("DEMO-W-0001").await;
    // A household in another township, with the receipt the admin's push got for it.
    let elsewhere = admin.create(&household(area("150621002001001001"), "远方"));
    let receipt = s.push(&admin, std::slice::from_ref(&elsewhere)).await.results[0].receipt.clone().unwrap();
    // Handing back a genuine version outside the worker's area: the receipt does not open the area.
    let r = restore(&s, &worker, json!([{"receipt": receipt, "state": elsewhere}])).await;
    assert_eq!(status_code(&r, 0), "out_of_scope");
    // Asking for it by id: left out, as if not held.
    let body = json!({"ids": [elsewhere.id]});
    let (status, v) = s.call(Method::POST, "/api/v1/records", Some(worker.token()), Some(&body)).await;
    assert_eq!((status, v["records"].as_array().map(Vec::len)), (StatusCode::OK, Some(0)), "{v}");
    // More ids than a batch: refused whole.
    let ids: Vec<Uuid> = (0..1001).map(|_| Uuid::now_v7()).collect();
    let (status, v) = s.call(Method::POST, "/api/v1/records", Some(worker.token()), Some(&json!({"ids": ids}))).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("batch_too_large")), "{v}");
    // A new identity with no name, or a name too long: refused.
    for name in ["", &"长".repeat(61)] {
        let body = json!({"device_name": name, "request_id": Uuid::now_v7()});
        let (status, v) = s.call(Method::POST, "/api/v1/reenroll", Some(worker.token()), Some(&body)).await;
        assert_eq!((status, v["code"].as_str()), (StatusCode::BAD_REQUEST, Some("validation")), "{v}");
    }
    // A forged account of what the store holds only stops the forger's own batch: nothing is applied.
    let mine = worker.create(&household(area(INSIDE), "张伟"));
    let body = json!({"batch_id": Uuid::now_v7(), "held": {"pushes": 0, "cursor": 5, "history": 12345},
                      "records": [mine]});
    let (status, v) = s.call(Method::POST, "/api/v1/push", Some(worker.token()), Some(&body)).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::CONFLICT, Some("history_changed")), "{v}");
    assert_eq!(me(&s, &worker, 0).await.pushes, 0, "the batch was not applied");
    let (status, v) = s.call(Method::GET, "/api/v1/pull?after=0&pushes=7", Some(worker.token()), None).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::CONFLICT, Some("history_changed")), "{v}");
    let (status, v) = s.call(Method::GET, "/api/v1/me?cursor=-1", Some(worker.token()), None).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::BAD_REQUEST, Some("validation")), "{v}");
}
