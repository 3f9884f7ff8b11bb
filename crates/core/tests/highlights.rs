//! Highlight points on the engine: who may award them and where, what a bad award is told, how a
//! withdrawal shows, and that both go to the outbox like any record.

mod common;

use common::engine_as;
use gridwork_core::highlights::NewHighlight;
use gridwork_core::{CoreError, Engine};
use gridwork_domain::AreaCode;
use gridwork_domain::demo::{DemoSize, generate};
use gridwork_domain::wire::Role;

const GRID: &str = "150621001001001";
const VILLAGE: &str = "150621001001";
const OTHER_TOWNSHIP_GRID: &str = "150621002001001";

fn with_areas(dir: &tempfile::TempDir, role: Role, user: &str, scope: &str) -> Engine {
    let mut e = engine_as(dir, &format!("{user}.db"), role, user, scope);
    e.import_areas(&generate(7, &DemoSize::small()).areas).unwrap();
    e
}

fn award(area: &str, points: i32, reason: &str) -> NewHighlight {
    NewHighlight { area: AreaCode::parse(area).unwrap(), quarter: "2026Q4".into(), points, reason: reason.into() }
}

fn code(e: CoreError) -> (String, Option<String>) {
    let t = e.to_tagged();
    (t.kind.to_owned(), t.code.clone())
}

#[test]
fn a_supervisor_awards_and_withdraws_points_inside_the_township() {
    let dir = tempfile::tempdir().unwrap();
    let mut e = with_areas(&dir, Role::Supervisor, "李娜", "150621001");
    let grid = e.award_highlight(&award(GRID, 5, "矛盾调处成效突出")).unwrap();
    let village = e.award_highlight(&award(VILLAGE, -2, "走访台账不全")).unwrap();
    let rows = e.highlights("2026Q4", None).unwrap();
    assert_eq!(rows.len(), 2);
    let g = rows.iter().find(|r| r.id == grid).unwrap();
    assert_eq!((g.points, g.awarded_by.as_str(), g.withdrawn), (5, "李娜", false));
    assert!(!g.area_name.is_empty() && g.area_name != GRID, "the grid's name, not its code: {}", g.area_name);
    assert!(e.highlights("2026Q3", None).unwrap().is_empty());

    e.withdraw_highlight(village).unwrap();
    let rows = e.highlights("2026Q4", None).unwrap();
    assert!(rows.iter().find(|r| r.id == village).unwrap().withdrawn);
    let queued: Vec<_> = e.outbox().unwrap().into_iter().map(|r| r.record_id).collect();
    assert!(queued.contains(&grid) && queued.contains(&village), "both awards wait to sync");
}

#[test]
fn workers_and_leaders_may_not_and_nobody_outside_their_area() {
    let dir = tempfile::tempdir().unwrap();
    for (role, user, scope) in [(Role::GridWorker, "王芳", GRID), (Role::GridLeader, "张伟", GRID)] {
        let mut e = with_areas(&dir, role, user, scope);
        let got = code(e.award_highlight(&award(GRID, 5, "自评")).unwrap_err());
        assert_eq!(got, ("forbidden".into(), Some("forbidden".into())), "{role:?}");
        assert!(e.outbox().unwrap().is_empty());
    }
    let mut supervisor = with_areas(&dir, Role::Supervisor, "李娜", "150621001");
    let got = code(supervisor.award_highlight(&award(OTHER_TOWNSHIP_GRID, 5, "跨镇")).unwrap_err());
    assert_eq!(got, ("forbidden".into(), Some("outside_area".into())));
    let mut centre = with_areas(&dir, Role::Admin, "刘强", "150621");
    centre.award_highlight(&award(OTHER_TOWNSHIP_GRID, 3, "全旗表彰")).unwrap();
}

#[test]
fn a_bad_award_is_told_what_is_wrong_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut e = with_areas(&dir, Role::Supervisor, "李娜", "150621001");
    for (bad, field) in [
        (award(GRID, 0, "无分"), "points"),
        (award(GRID, 21, "太多"), "points"),
        (award(GRID, 5, "  "), "reason"),
        (NewHighlight { quarter: "2026Q5".into(), ..award(GRID, 5, "好") }, "quarter"),
        (award("150621001001001001", 5, "小微网格"), "area"),
    ] {
        let err = e.award_highlight(&bad).unwrap_err();
        let t = err.to_tagged();
        assert_eq!(t.kind, "validation", "{bad:?}");
        assert_eq!(t.fields.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(), vec![field], "{bad:?}");
    }
    let unknown = code(e.award_highlight(&award("150621001009009", 5, "不存在的网格")).unwrap_err());
    assert_eq!(unknown.0, "not_found");
    assert!(e.outbox().unwrap().is_empty());
    assert!(e.highlights("2026Q4", None).unwrap().is_empty());
}
