//! Enrollment with one-time codes made for the demo accounts, health, reference data.

mod common;

use axum::http::{Method, StatusCode};
use common::TestServer;
use gridwork_domain::AreaLevel;
use gridwork_domain::wire::{ReferenceData, Role};
use serde_json::json;
use uuid::Uuid;

#[tokio::test]
async fn health_needs_no_token() {
    let s = TestServer::demo().await;
    let (status, v) = s.call(Method::GET, "/api/v1/health", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["status"], "ok");
}

#[tokio::test]
async fn enroll_with_a_demo_code_gives_identity_scope_and_a_serial_block() {
    let s = TestServer::demo().await;
    let code = s.code("DEMO-W", 1);
    let account = s.accounts.iter().find(|a| a.code == code).unwrap().clone();
    let a = s.enroll(&code).await;
    let b = s.enroll(&s.code("DEMO-L", 1)).await;
    assert_eq!(a.enrolled.role, Role::GridWorker);
    assert_eq!(a.enrolled.scope, account.scope);
    assert_eq!(
        (a.enrolled.user_name.as_str(), a.enrolled.user_phone.as_str()),
        (account.name.as_str(), account.phone.as_str())
    );
    assert_eq!(a.enrolled.token.len(), 64);
    assert_ne!(a.enrolled.token, b.enrolled.token);
    assert_ne!(a.id(), b.id());
    assert_ne!(a.enrolled.serial_block.block, b.enrolled.serial_block.block);
    assert_eq!(a.enrolled.serial_block.used, 0);
    // The token works.
    let (status, _) = s.call(Method::GET, "/api/v1/reference", Some(a.token()), None).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn unknown_or_empty_codes_are_refused() {
    let s = TestServer::demo().await;
    let id = Uuid::now_v7();
    let (status, v) = s
        .call(
            Method::POST,
            "/api/v1/enroll",
            None,
            Some(&json!({"code": "NOPE", "device_name": "x", "request_id": id})),
        )
        .await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")));
    let (status, v) = s
        .call(Method::POST, "/api/v1/enroll", None, Some(&json!({"code": " ", "device_name": "x", "request_id": id})))
        .await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::BAD_REQUEST, Some("validation")));
    let (status, v) = s.call(Method::POST, "/api/v1/enroll", None, Some(&json!({"code": "DEMO-W-0001"}))).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::BAD_REQUEST, Some("validation")));
    // Without a request id: the shape is wrong.
    let code = s.one_time_code("DEMO-W-0001").await;
    let (status, v) =
        s.call(Method::POST, "/api/v1/enroll", None, Some(&json!({"code": code, "device_name": "x"}))).await;
    assert_eq!((status, v["code"].as_str()), (StatusCode::BAD_REQUEST, Some("validation")));
}

#[tokio::test]
async fn reference_lists_the_scope_its_ancestors_and_departments() {
    let s = TestServer::demo().await;
    let w = s.enroll(&s.code("DEMO-W", 1)).await;
    let (status, v) = s.call(Method::GET, "/api/v1/reference", Some(w.token()), None).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let r: ReferenceData = serde_json::from_value(v).unwrap();
    let scope = &w.enrolled.scope;
    assert!(r.departments.iter().any(|d| d == "派出所"));
    // A grid worker's scope is a grid: banner, township, village above it; the grid; its micro-grids.
    let levels: Vec<AreaLevel> = r.areas.iter().map(|a| a.level).collect();
    assert_eq!(levels[..4], [AreaLevel::Banner, AreaLevel::Township, AreaLevel::Village, AreaLevel::Grid]);
    assert!(levels[4..].iter().all(|l| *l == AreaLevel::MicroGrid) && levels.len() > 4, "{levels:?}");
    for a in &r.areas {
        assert!(a.code.is_within(scope) || scope.is_within(&a.code), "{} is unrelated to {scope}", a.code);
    }
    // Another grid's micro-grids are not listed.
    let other = s.enroll(&s.code("DEMO-W", 2)).await;
    assert!(r.areas.iter().all(|a| !a.code.is_within(&other.enrolled.scope)));
}

#[tokio::test]
async fn reference_lists_whom_a_case_may_be_dispatched_to_and_the_deadlines() {
    use gridwork_domain::wire::HandlerKind;
    let s = TestServer::demo().await;
    let leader = s.enroll(&s.code("DEMO-L", 1)).await;
    let (_, v) = s.call(Method::GET, "/api/v1/reference", Some(leader.token()), None).await;
    let r: ReferenceData = serde_json::from_value(v).unwrap();
    let kinds = |k: HandlerKind| r.handlers.iter().filter(|h| h.kind == k).collect::<Vec<_>>();
    // The grid's worker and leader, by name; nobody from another grid.
    let worker = s.enroll(&s.code("DEMO-W", 1)).await;
    assert!(kinds(HandlerKind::GridWorker).iter().any(|h| h.key == worker.enrolled.user_name), "{:?}", r.handlers);
    assert!(kinds(HandlerKind::GridLeader).iter().any(|h| h.key == leader.enrolled.user_name));
    for h in r.handlers.iter().filter(|h| matches!(h.kind, HandlerKind::GridWorker | HandlerKind::GridLeader)) {
        assert!(h.area.as_ref().is_some_and(|a| a.is_within(&leader.enrolled.scope)), "{h:?}");
    }
    // The village committee and the centres above it; the departments.
    let mediators: Vec<&str> = kinds(HandlerKind::Mediator).iter().map(|h| h.name.as_str()).collect();
    assert_eq!(mediators.len(), 3, "{mediators:?}");
    assert!(mediators[0].ends_with("多元化解中心") && mediators[2].ends_with("人民调解委员会"), "{mediators:?}");
    assert!(kinds(HandlerKind::Department).iter().any(|h| h.name == "派出所"));
    assert_eq!(r.deadlines.verify_hours, 24);
    // A supervisor's list holds the township's accounts.
    let sup = s.enroll(&s.code("DEMO-S", 1)).await;
    let (_, v) = s.call(Method::GET, "/api/v1/reference", Some(sup.token()), None).await;
    let r: ReferenceData = serde_json::from_value(v).unwrap();
    assert!(r.handlers.iter().any(|h| h.key == worker.enrolled.user_name));
    assert!(r.handlers.iter().filter(|h| h.kind == HandlerKind::GridWorker).count() > 1);
}
