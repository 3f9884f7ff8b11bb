//! Regression tests for what a hostile handset with a grid worker's token got away with before
//! the server checked authority: each one failed on the server as it was.

mod common;

use axum::http::StatusCode;
use chrono::Utc;
use common::{Handset, TestServer, household};
use gridwork_domain::wire::PushStatus;
use gridwork_domain::{
    AreaCode, AttemptOutcome, DisputeAction, DisputeEvent, MediationLevel, RecordId, RecordState, Referral, Stamp,
    Visit,
};
use serde_json::{Value, json};
use uuid::Uuid;

const INSIDE: &str = "150621001001001001";

fn area(s: &str) -> AreaCode {
    AreaCode::parse(s).unwrap()
}

async fn push_value(s: &TestServer, h: &Handset, records: Value) -> Value {
    let (status, v) = s.push_raw_value(h, json!({"batch_id": Uuid::now_v7(), "records": records})).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    v
}

fn code_of(v: &Value) -> String {
    let r = &v["results"][0];
    r["code"].as_str().unwrap_or(r["status"].as_str().unwrap()).to_owned()
}

fn event(h: &mut Handset, dispute: RecordId, action: DisputeAction) -> RecordState {
    let e = DisputeEvent {
        dispute,
        micro_grid: area(INSIDE),
        actor: h.enrolled.user_name.clone(),
        at: Utc::now(),
        action,
        note: "已处理".into(),
        visit: None,
    };
    RecordState::create(RecordId::new(), &e, &mut h.writer()).unwrap()
}

#[tokio::test]
async fn a_worker_cannot_take_the_leaders_steps() {
    let s = TestServer::demo().await;
    let mut w = s.enroll(&s.code("DEMO-W", 1)).await;
    let dispute = RecordId::new();
    let steps = [
        DisputeAction::Closed { household_confirmed: true, village_handler: None },
        DisputeAction::Escalated { to: MediationLevel::Township },
        DisputeAction::Referred { to: Referral::Court },
        DisputeAction::Dispatched { to: "王芳".into() },
        DisputeAction::Rated { score: 5 },
        DisputeAction::Verified,
        DisputeAction::MediationAttempt {
            level: MediationLevel::Village,
            number: 1,
            outcome: AttemptOutcome::Succeeded,
            mediator: String::new(),
            agreement: String::new(),
        },
    ];
    for step in steps {
        let e = event(&mut w, dispute, step.clone());
        let r = s.push(&w, &[e]).await;
        assert!(
            matches!(&r.results[0].status, PushStatus::Rejected { code, .. } if code == "forbidden"),
            "{step:?}: {r:?}"
        );
    }
}

/// Leader writes a household; the attacker pushes it with the leader's counter moved ahead.
#[tokio::test]
async fn a_forged_successor_vector_does_not_swallow_the_leaders_next_edit() {
    let s = TestServer::demo().await;
    let mut leader = s.enroll(&s.code("DEMO-L", 1)).await;
    let mut attacker = s.enroll(&s.code("DEMO-W", 1)).await;
    let v1 = leader.create(&household(area(INSIDE), "张伟"));
    s.push(&leader, std::slice::from_ref(&v1)).await;
    for forged_counter in [2, 1000, u64::MAX] {
        let mut forged = attacker.edit(&v1, |h| h.notes = "篡改".into());
        let mut vv: Vec<(gridwork_domain::DeviceId, u64)> = forged.vv.iter().collect();
        for (d, n) in &mut vv {
            if *d == leader.id() {
                *n = forged_counter;
            }
        }
        forged.vv = vv.into_iter().collect();
        let r = s.push(&attacker, &[forged]).await;
        assert!(matches!(&r.results[0].status, PushStatus::Rejected { .. }), "counter {forged_counter}: {r:?}");
    }
    // A record that names the leader as its creator.
    let mut stolen = attacker.create(&household(area(INSIDE), "李四"));
    stolen.origin = Stamp { device: leader.id(), ..stolen.origin };
    stolen.vv = [(leader.id(), 1)].into_iter().collect();
    let r = s.push(&attacker, &[stolen]).await;
    assert!(matches!(&r.results[0].status, PushStatus::Rejected { code, .. } if code == "forbidden"), "{r:?}");
    // The leader's real next edit is taken, not answered "already known".
    let v2 = leader.edit(&v1, |h| h.notes = "独居老人".into());
    let r = s.push(&leader, std::slice::from_ref(&v2)).await;
    assert_eq!(r.results[0].status, PushStatus::Accepted);
    let v3 = leader.edit(&v2, |h| h.door_number = "18号".into());
    assert_eq!(s.push(&leader, std::slice::from_ref(&v3)).await.results[0].status, PushStatus::Accepted);
}

#[tokio::test]
async fn an_append_only_record_cannot_be_re_attributed() {
    let s = TestServer::demo().await;
    let mut w = s.enroll(&s.code("DEMO-W", 1)).await;
    let mut attacker = s.enroll(&s.code("DEMO-W", 1)).await;
    let visit = Visit::routine(RecordId::new(), area(INSIDE), "王芳", Utc::now(), "一切正常");
    let v = RecordState::create(RecordId::new(), &visit, &mut w.writer()).unwrap();
    assert_eq!(s.push(&w, std::slice::from_ref(&v)).await.results[0].status, PushStatus::Accepted);
    let mut moved = v.clone();
    moved.vv = [(attacker.id(), 1)].into_iter().collect();
    moved.origin = Stamp { device: attacker.id(), hlc: attacker.clock.tick(gridwork_domain::clock::wall_ms()), n: 1 };
    let r = s.push(&attacker, &[moved]).await;
    assert!(matches!(&r.results[0].status, PushStatus::Rejected { code, .. } if code == "immutable"), "{r:?}");
    // The stored visit is still the worker's own.
    let peer = s.enroll(&s.code("DEMO-L", 1)).await;
    let held: Vec<RecordState> =
        s.pull_all(&peer).await.changes.into_iter().map(|c| c.state).filter(|x| x.id == v.id).collect();
    assert_eq!(held, vec![v]);
}

#[tokio::test]
async fn unknown_keys_and_oversized_records_are_refused_and_never_served() {
    let s = TestServer::demo().await;
    let mut w = s.enroll(&s.code("DEMO-W", 1)).await;
    let rec = w.create(&household(area(INSIDE), "赵六"));
    let mut v = serde_json::to_value(&rec).unwrap();
    v["fields"]["blob"] = json!("x".repeat(10 * 1024 * 1024));
    let answer = push_value(&s, &w, json!([v])).await;
    assert_eq!(code_of(&answer), "validation", "{}", answer["results"][0]["message"]);
    let mut small = serde_json::to_value(&rec).unwrap();
    small["fields"]["members"] =
        json!([{"name": "李娜", "relation": "配偶", "birth_year": null, "phone": null, "x": 1}]);
    let answer = push_value(&s, &w, json!([small])).await;
    assert_eq!(code_of(&answer), "validation");
    assert!(answer["results"][0]["message"].as_str().unwrap().contains(".x' is not a field"), "{answer}");
    let peer = s.enroll(&s.code("DEMO-L", 1)).await;
    assert!(s.pull_all(&peer).await.changes.iter().all(|c| c.state.id != rec.id), "nothing was stored");
}

/// Pushing the id of a record outside the area answers exactly as a new record outside the area
/// does: neither whether the server holds it, nor its kind.
#[tokio::test]
async fn a_rejection_reveals_nothing_about_records_outside_the_area() {
    let s = TestServer::demo().await;
    let admin = s.enroll(&s.code("DEMO-A", 1)).await;
    let mut w = s.enroll(&s.code("DEMO-W", 1)).await;
    let outside_household = s
        .pull_all(&admin)
        .await
        .changes
        .into_iter()
        .map(|c| c.state)
        .find(|r| !r.micro_grid().unwrap().is_within(&w.enrolled.scope))
        .unwrap();
    // A visit inside the area whose id is that household's.
    let visit = Visit::routine(RecordId::new(), area(INSIDE), "王芳", Utc::now(), "一切正常");
    let mut probe = RecordState::create(outside_household.id, &visit, &mut w.writer()).unwrap();
    let answer = push_value(&s, &w, json!([probe.clone()])).await;
    let message = answer["results"][0]["message"].as_str().unwrap().to_owned();
    assert_eq!(code_of(&answer), "out_of_scope");
    assert!(!message.contains("household"), "{message}");
    // The same answer as for a fresh id whose record itself lies outside.
    probe.id = RecordId::new();
    let mut out = serde_json::to_value(&probe).unwrap();
    out["fields"]["micro_grid"] = json!(outside_household.micro_grid().unwrap().as_str());
    let other = push_value(&s, &w, json!([out])).await;
    assert_eq!(code_of(&other), "out_of_scope");
    assert_eq!(
        other["results"][0]["message"].as_str().unwrap(),
        message.replace(&outside_household.id.to_string(), &probe.id.to_string())
    );
}
