//! Highlight points through the HTTP API: only a township supervisor (inside the township) or the
//! banner centre may award or withdraw them, in their own name; and an award kept at a grid's own
//! code reaches the grid's handsets, which a narrow pull used to skip (it sought only codes inside
//! the scope, never the scope's own).

mod common;

use axum::http::StatusCode;
use chrono::Utc;
use common::{Handset, TestServer};
use gridwork_domain::highlight::Highlight;
use gridwork_domain::wire::Role;
use gridwork_domain::{AreaCode, RecordId, RecordState};
use uuid::Uuid;

const GRID: &str = "150621001001001";
const OTHER_TOWNSHIP_GRID: &str = "150621002001001";

fn award(h: &mut Handset, area: &str, by: Option<&str>) -> RecordState {
    let highlight = Highlight {
        area: AreaCode::parse(area).unwrap(),
        quarter: "2026Q4".into(),
        points: 5,
        reason: "矛盾调处成效突出".into(),
        awarded_by: by.map_or_else(|| h.enrolled.user_name.clone(), str::to_owned),
        awarded_at: Utc::now(),
        withdrawn: false,
    };
    RecordState::create(RecordId::new(), &highlight, &mut h.writer()).unwrap()
}

async fn outcome(s: &TestServer, h: &Handset, r: &RecordState) -> String {
    let (status, v) = s.push_raw(h, Uuid::now_v7(), std::slice::from_ref(r)).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let result = &v["results"][0];
    result["code"].as_str().unwrap_or(result["status"].as_str().unwrap()).to_owned()
}

fn handle(s: &TestServer, role: Role, scope: &str) -> String {
    s.accounts.iter().find(|a| a.role == role && a.scope.as_str() == scope).expect("a demo account").code.clone()
}

#[tokio::test]
async fn only_the_office_awards_points_and_the_grid_receives_them() {
    let s = TestServer::demo().await;
    let mut supervisor = s.enroll(&handle(&s, Role::Supervisor, "150621001")).await;
    let mut worker = s.enroll(&handle(&s, Role::GridWorker, GRID)).await;
    let mut leader = s.enroll(&handle(&s, Role::GridLeader, GRID)).await;

    let given = award(&mut supervisor, GRID, None);
    assert_eq!(outcome(&s, &supervisor, &given).await, "accepted");
    let elsewhere = award(&mut supervisor, OTHER_TOWNSHIP_GRID, None);
    assert_eq!(outcome(&s, &supervisor, &elsewhere).await, "out_of_scope");
    let in_another_name = award(&mut supervisor, GRID, Some("刘强"));
    assert_eq!(outcome(&s, &supervisor, &in_another_name).await, "forbidden");
    for h in [&mut worker, &mut leader] {
        let own = award(h, GRID, None);
        assert_eq!(outcome(&s, h, &own).await, "forbidden", "{}", h.enrolled.user_name);
    }

    // The grid's own handsets receive the award kept at the grid's code.
    for h in [&worker, &leader] {
        let ids: Vec<RecordId> = s.pull_all(h).await.changes.iter().map(|c| c.state.id).collect();
        assert!(ids.contains(&given.id), "{} sees the award", h.enrolled.user_name);
    }

    // A leader may not withdraw it; the supervisor may.
    let withdraw = |h: &mut Handset| {
        h.clock.observe(given.latest_stamp().hlc, gridwork_domain::clock::wall_ms()).unwrap();
        let mut r: Highlight = given.decode().unwrap();
        r.withdrawn = true;
        given.edit(&r, &mut h.writer()).unwrap().expect("a change")
    };
    let by_leader = withdraw(&mut leader);
    assert_eq!(outcome(&s, &leader, &by_leader).await, "forbidden");
    let by_supervisor = withdraw(&mut supervisor);
    assert_eq!(outcome(&s, &supervisor, &by_supervisor).await, "accepted");
}
