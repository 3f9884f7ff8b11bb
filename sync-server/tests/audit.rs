//! The audit log over the API: pushed records (accepted, already known, refused), enrollments and
//! serial-block refusals each leave a row with the device, the account's handle and the result,
//! exported as CSV; the log refuses to be changed.

mod common;

use axum::http::Method;
use common::{TestServer, household};
use gridwork_sync_server::audit_csv::{HEADER, export};

async fn csv(s: &TestServer) -> String {
    let mut out = Vec::new();
    export(&*s.store, &mut out).await.unwrap();
    String::from_utf8(out).unwrap()
}

#[tokio::test]
async fn pushes_enrollments_and_refusals_are_audited() {
    let s = TestServer::demo().await;
    let mut w = s.enroll("DEMO-W-0001").await;
    let h = w.create(&household(w.micro_grid(1), "张伟"));
    s.push(&w, std::slice::from_ref(&h)).await;
    s.push(&w, std::slice::from_ref(&h)).await;
    let mut other = s.enroll("DEMO-W-0002").await;
    let outside = other.create(&household(other.micro_grid(1), "李明"));
    s.push(&w, &[outside]).await;
    s.call(Method::POST, "/api/v1/serial-blocks", Some(w.token()), None).await;
    let text = csv(&s).await;
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows[0], HEADER);
    let device = w.id().to_string();
    let id = h.id.to_string();
    let row = |needle: &[&str]| rows.iter().any(|r| needle.iter().all(|n| r.contains(n)));
    // A pushed record's row names the action the authority table judged it as.
    assert!(row(&[&device, "DEMO-W-0001", ",household_create,", &id, "household", ",accepted"]), "{text}");
    assert!(row(&[&device, ",push,", &id, ",already_known"]), "{text}");
    assert!(row(&[&device, ",push,", ",out_of_scope"]), "{text}");
    assert!(row(&[&device, "DEMO-W-0001", ",enroll,", ",ok"]), "{text}");
    assert!(row(&[&device, ",serial_block,", ",serial_quota"]), "{text}");
    assert!(!text.contains("张伟") && !text.contains("李明"), "{text}");
}
