//! Revocation: a revoked device, or every device of a disabled account, is answered `revoked`
//! within seconds (the token cache's lifetime); others go on; only a supervisor of the township or
//! an admin may do it; a revoked device cannot come back through a retried enrollment.

mod common;

use std::time::Duration;

use axum::http::{Method, StatusCode};
use common::{Handset, TestServer};
use gridwork_sync_server::admin::{disable_account, revoke_device};
use gridwork_sync_server::store::StoreError;
use gridwork_sync_server::token_cache::TTL;
use serde_json::Value;
use uuid::Uuid;

async fn reference(s: &TestServer, h: &Handset) -> (StatusCode, Value) {
    s.call(Method::GET, "/api/v1/reference", Some(h.token()), None).await
}

fn is_revoked((status, v): (StatusCode, Value)) -> bool {
    (status, v["code"].as_str()) == (StatusCode::UNAUTHORIZED, Some("revoked"))
}

#[tokio::test]
async fn a_revoked_device_is_refused_within_seconds_and_others_go_on() {
    let s = TestServer::demo().await;
    let a = s.enroll("DEMO-W-0001").await;
    let b = s.enroll("DEMO-W-0001").await;
    // Both tokens are in the cache now.
    assert_eq!(reference(&s, &a).await.0, StatusCode::OK);
    assert_eq!(reference(&s, &b).await.0, StatusCode::OK);
    revoke_device(&*s.store, a.id(), "DEMO-A-0001").await.unwrap();
    assert!(TTL <= Duration::from_secs(5), "within seconds");
    tokio::time::sleep(TTL + Duration::from_millis(100)).await;
    assert!(is_revoked(reference(&s, &a).await));
    let (status, v) = s
        .call(
            Method::POST,
            "/api/v1/push",
            Some(a.token()),
            Some(&serde_json::json!({"batch_id": Uuid::now_v7(), "records": []})),
        )
        .await;
    assert!(is_revoked((status, v)));
    assert!(is_revoked(s.call(Method::GET, "/api/v1/pull?after=0", Some(a.token()), None).await));
    assert_eq!(reference(&s, &b).await.0, StatusCode::OK, "the account's other device goes on");
    // An unknown token is still just unknown.
    let (status, v) = s.call(Method::GET, "/api/v1/reference", Some("00"), None).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")));
}

#[tokio::test]
async fn a_disabled_account_loses_every_device_and_enrolls_no_more() {
    let s = TestServer::demo().await;
    let a = s.enroll("DEMO-W-0001").await;
    let b = s.enroll("DEMO-W-0001").await;
    let other = s.enroll("DEMO-W-0002").await;
    let code = s.one_time_code("DEMO-W-0001").await;
    disable_account(&*s.store, "DEMO-W-0001", "DEMO-A-0001").await.unwrap();
    assert!(is_revoked(reference(&s, &a).await));
    assert!(is_revoked(reference(&s, &b).await));
    assert_eq!(reference(&s, &other).await.0, StatusCode::OK);
    let (status, v) = s.enroll_raw(&code, Uuid::now_v7()).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")), "{v}");
}

#[tokio::test]
async fn a_revoked_device_does_not_come_back_through_its_enrollment_retry() {
    let s = TestServer::demo().await;
    let code = s.one_time_code("DEMO-W-0001").await;
    let request = Uuid::now_v7();
    let (status, v) = s.enroll_raw(&code, request).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let device = v["device_id"].as_str().unwrap().parse().unwrap();
    revoke_device(&*s.store, device, "DEMO-A-0001").await.unwrap();
    let (status, v) = s.enroll_raw(&code, request).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")), "{v}");
}

#[tokio::test]
async fn only_the_office_revokes() {
    let s = TestServer::demo().await;
    let a = s.enroll("DEMO-W-0001").await;
    for by in ["DEMO-W-0001", "DEMO-L-0001"] {
        let e = revoke_device(&*s.store, a.id(), by).await.unwrap_err();
        assert!(matches!(e, StoreError::Forbidden(_)), "{by}: {e}");
        let e = disable_account(&*s.store, "DEMO-W-0001", by).await.unwrap_err();
        assert!(matches!(e, StoreError::Forbidden(_)), "{by}: {e}");
    }
    assert_eq!(reference(&s, &a).await.0, StatusCode::OK);
    let supervisor = s.accounts.iter().find(|x| x.code.starts_with("DEMO-S") && a.enrolled.scope.is_within(&x.scope));
    let supervisor = supervisor.expect("the worker's township supervisor").code.clone();
    revoke_device(&*s.store, a.id(), &supervisor).await.unwrap();
    let e = revoke_device(&*s.store, gridwork_domain::DeviceId::new(), &supervisor).await.unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e}");
}
