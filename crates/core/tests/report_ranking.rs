//! The quarterly ranking against independent counts in SQL over the records (each grid's and
//! village's raw figures, its highlight points with withdrawn awards left out), the ranks with
//! ties, and the notice's XLSX read back with calamine.

mod report_common;

use calamine::{Data, Reader, Xlsx, open_workbook};
use gridwork_core::highlights::NewHighlight;
use gridwork_core::report::{FIRST_AREA_ROW, NOTICE_SHEET, OVERDUE_SHEET, RANKING_SHEET};
use gridwork_domain::report::PeriodSpec;
use gridwork_domain::report::template::{TIMELY_DAYS, WEIGHTS, part_score};
use gridwork_domain::{AreaCode, RecordId};
use report_common::independent::{self as ind, ALLOWANCE};
use report_common::{Fixture, fixture, now_ms};

fn award(f: &mut Fixture, area: &AreaCode, points: i32) -> RecordId {
    let h = NewHighlight { area: area.clone(), quarter: "2026Q4".into(), points, reason: "调解工作突出".into() };
    f.engine.award_highlight(&h).unwrap()
}

/// Highlight points of an area for a quarter, straight from the records.
fn points(conn: &rusqlite::Connection, area: &str, quarter: &str) -> i32 {
    conn.query_row(
        "SELECT coalesce(sum(json_extract(state, '$.fields.points')), 0) FROM records WHERE kind = 'highlight'
           AND json_extract(state, '$.fields.area') = ?1 AND json_extract(state, '$.fields.quarter') = ?2
           AND NOT coalesce(json_extract(state, '$.fields.withdrawn'), 0)",
        (area, quarter),
        |r| r.get(0),
    )
    .unwrap()
}

/// The raw figures of an area for the quarter, independently: coverage, village share, overdue,
/// timeliness, rating, cards (template order).
fn raw(conn: &rusqlite::Connection, area: &str) -> [Option<f64>; 6] {
    let q = PeriodSpec::Quarter { quarter: "2026Q4".into() }.resolve().unwrap();
    let (from, to) = (q.from_ms, q.to_ms);
    let count = |cond: &str, extra: &[i64]| ind::count_cases(conn, area, cond, &[&[from, to], extra].concat());
    let share = |a: u32, b: u32| (b > 0).then(|| f64::from(a) / f64::from(b));
    let at = to.min(now_ms());
    let (households, visited) = ind::coverage(conn, area, at);
    let closed = count("closed >= ?1 AND closed < ?2", &[]);
    let reported = count("reported >= ?1 AND reported < ?2", &[]);
    let overdue = count(&format!("reported >= ?1 AND reported < ?2 AND since + {ALLOWANCE} < ?3"), &[now_ms()]);
    let timely = count("closed >= ?1 AND closed < ?2 AND closed - reported <= ?3", &[TIMELY_DAYS * 86_400_000]);
    let (rated, sum) = ind::ratings(conn, area, from, to);
    [
        share(visited, households),
        share(count("closed >= ?1 AND closed < ?2 AND level = 'village'", &[]), closed),
        share(overdue, reported),
        share(timely, closed),
        (rated > 0).then(|| f64::from(sum) / f64::from(rated)),
        share(ind::households_with_card(conn, area, at), households),
    ]
}

#[test]
fn every_ranking_figure_matches_an_independent_count() {
    let mut f = fixture();
    let first = f.engine.ranking_at("2026Q4", None, now_ms()).unwrap();
    let (a, b) = (first.grids[0].area.clone(), first.grids[1].area.clone());
    let village = first.villages[0].area.clone();
    award(&mut f, &b, 5);
    award(&mut f, &b, -3);
    let gone = award(&mut f, &a, 10);
    f.engine.withdraw_highlight(gone).unwrap();
    award(&mut f, &village, 7);
    let other_quarter =
        NewHighlight { area: a.clone(), quarter: "2026Q3".into(), points: 9, reason: "上季度".into() };
    f.engine.award_highlight(&other_quarter).unwrap();
    let r = f.engine.ranking_at("2026Q4", None, now_ms()).unwrap();
    let conn = &ind::open(&f.dir.path().join("office.db"));
    assert_eq!((r.grids.len(), r.villages.len()), (4, 2));
    for row in r.grids.iter().chain(&r.villages) {
        let want = raw(conn, row.area.as_str());
        let (mut sum, mut weight) = (0.0, 0.0);
        for ((part, raw), (key, w)) in row.parts.iter().zip(want).zip(WEIGHTS) {
            assert_eq!(part.key, key);
            match (part.raw, raw) {
                (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9, "{} {key}: {a} vs {b}", row.name),
                (a, b) => assert_eq!(a, b, "{} {key}", row.name),
            }
            if let Some(raw) = raw {
                sum += w * part_score(key, raw);
                weight += w;
            }
        }
        let template = if weight > 0.0 { (sum / weight * 100.0).round() / 100.0 } else { 0.0 };
        assert!((row.template_score - template).abs() < 1e-9, "{}: {} vs {template}", row.name, row.template_score);
        assert_eq!(row.highlight_points, points(conn, row.area.as_str(), "2026Q4"), "{}", row.name);
        assert!((row.total - (template + f64::from(row.highlight_points))).abs() < 1e-6);
    }
    let by = |k: &gridwork_domain::report::Ranking, code: &AreaCode| {
        k.grids.iter().chain(&k.villages).find(|g| &g.area == code).unwrap().highlight_points
    };
    let added = |code: &AreaCode| by(&r, code) - by(&first, code);
    assert_eq!(
        (added(&a), added(&b), added(&village)),
        (0, 2, 7),
        "withdrawn and other quarters' awards count nothing"
    );
    for rows in [&r.grids, &r.villages] {
        for row in rows.iter() {
            let above = rows.iter().filter(|o| o.total > row.total).count() as u32;
            assert_eq!(row.rank, above + 1, "{}", row.name);
        }
        assert!(rows.windows(2).all(|w| w[0].total >= w[1].total));
    }
}

fn text(d: Option<&Data>) -> String {
    match d {
        Some(Data::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

fn number(d: Option<&Data>) -> Option<f64> {
    match d {
        Some(Data::Float(x)) => Some(*x),
        Some(Data::Int(x)) => Some(*x as f64),
        Some(Data::String(s)) if s == "—" => None,
        other => panic!("not a figure: {other:?}"),
    }
}

#[test]
fn the_xlsx_reads_back_with_the_notice_and_the_ranking() {
    let mut f = fixture();
    let grid = f.engine.ranking_at("2026Q4", None, now_ms()).unwrap().grids[3].area.clone();
    award(&mut f, &grid, 20);
    let out = tempfile::tempdir().unwrap();
    let written = f.engine.export_notice_at("2026-11", None, out.path(), now_ms()).unwrap();
    assert!(written.xlsx.ends_with("月通报-150621001-2026-11.xlsx"), "{}", written.xlsx);
    assert!(std::path::Path::new(&written.csv).is_file());
    let notice = f.engine.monthly_notice_at("2026-11", None, now_ms()).unwrap();
    let ranking = f.engine.ranking_at("2026Q4", None, now_ms()).unwrap();
    let mut book: Xlsx<_> = open_workbook(&written.xlsx).unwrap();
    assert_eq!(book.sheet_names(), [NOTICE_SHEET, OVERDUE_SHEET, RANKING_SHEET]);
    let sheet = book.worksheet_range(NOTICE_SHEET).unwrap();
    assert_eq!(text(sheet.get_value((0, 0))), format!("{} 2026-11 月通报", notice.scope_name));
    assert_eq!(text(sheet.get_value((3, 2))), "上报案件");
    assert_eq!((text(sheet.get_value((4, 2))), text(sheet.get_value((4, 3)))), ("本月".into(), "上月".into()));
    for (i, row) in std::iter::once(&notice.total).chain(&notice.rows).enumerate() {
        let r = FIRST_AREA_ROW + i as u32;
        assert_eq!(text(sheet.get_value((r, 0))).trim_start_matches('　'), row.name);
        for (j, cell) in row.cells.iter().enumerate() {
            let c = 2 + 2 * j as u32;
            assert_eq!(number(sheet.get_value((r, c))), cell.value, "{} {} this month", row.name, cell.key);
            assert_eq!(number(sheet.get_value((r, c + 1))), cell.previous, "{} {} last month", row.name, cell.key);
        }
    }
    assert_eq!(sheet.get_value((FIRST_AREA_ROW + 1 + notice.rows.len() as u32, 0)), None, "nothing after the rows");
    let overdue = book.worksheet_range(OVERDUE_SHEET).unwrap();
    assert_eq!(overdue.height(), 1 + notice.overdue.len());
    for (i, o) in notice.overdue.iter().enumerate() {
        assert_eq!(text(overdue.get_value((1 + i as u32, 0))), o.dispute.to_string());
        assert_eq!(number(overdue.get_value((1 + i as u32, 6))), Some(f64::from(o.days_overdue)));
    }
    let sheet = book.worksheet_range(RANKING_SHEET).unwrap();
    assert_eq!(text(sheet.get_value((0, 0))), "2026Q4 季度排名");
    // The grids' table: a title row, a heading row, then one row per grid in rank order.
    for (i, row) in ranking.grids.iter().enumerate() {
        let r = 5 + i as u32;
        assert_eq!(number(sheet.get_value((r, 0))), Some(f64::from(row.rank)));
        assert_eq!(text(sheet.get_value((r, 1))), row.name);
        assert_eq!(number(sheet.get_value((r, 10))), Some(f64::from(row.highlight_points)));
        assert_eq!(number(sheet.get_value((r, 11))), Some(row.total));
    }
    assert!(ranking.grids.iter().any(|g| g.area == grid && g.highlight_points == 20));
}
