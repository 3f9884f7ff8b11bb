//! The monthly notice against independent counts in SQL over the records: the scope's row, each
//! village's and each grid's, this month and last (across the year's end too), and the overdue
//! list; the CSV's byte-order mark and its "—" for shares of nothing.

mod report_common;

use gridwork_domain::report::{MonthlyNotice, NoticeRow, PeriodSpec};
use report_common::independent::{self as ind, ALLOWANCE};
use report_common::{TOWNSHIP, fixture, now_ms};

/// The cells of a row computed independently for the month `m` (`"2026-11"`).
fn expected(conn: &rusqlite::Connection, area: &str, m: &str) -> Vec<(String, Option<f64>)> {
    let p = PeriodSpec::Month { month: m.into() }.resolve().unwrap();
    let (from, to) = (p.from_ms, p.to_ms);
    let count = |cond: &str, extra: &[i64]| ind::count_cases(conn, area, cond, &[&[from, to], extra].concat());
    let share = |a: u32, b: u32| (b > 0).then(|| f64::from(a) / f64::from(b));
    let closed = count("closed >= ?1 AND closed < ?2", &[]);
    let (median, p90) = ind::median_p90(ind::close_hours(conn, area, from, to));
    let (households, visited) = ind::coverage(conn, area, to.min(now_ms()));
    let (rated, sum) = ind::ratings(conn, area, from, to);
    let secretary = count("closed >= ?1 AND closed < ?2 AND level = 'village' AND handler = 'secretary'", &[]);
    let committee = count("closed >= ?1 AND closed < ?2 AND level = 'village' AND handler = 'committee'", &[]);
    let overdue = format!(
        "reported >= ?1 AND reported < ?2 AND stage IN ('reported', 'open', 'dispatched', 'mediating', 'resolved', 'referred', 'closed') AND since + {ALLOWANCE} < ?3"
    );
    vec![
        ("cases_reported".into(), Some(f64::from(count("reported >= ?1 AND reported < ?2", &[])))),
        ("closed".into(), Some(f64::from(closed))),
        ("resolved_in_village".into(), share(count("closed >= ?1 AND closed < ?2 AND level = 'village'", &[]), closed)),
        (
            "resolved_in_township".into(),
            share(count("closed >= ?1 AND closed < ?2 AND level IN ('village', 'township')", &[]), closed),
        ),
        ("median_close_hours".into(), median),
        ("p90_close_hours".into(), p90),
        ("overdue".into(), Some(f64::from(count(&overdue, &[now_ms()])))),
        ("coverage".into(), share(visited, households)),
        ("cards".into(), Some(f64::from(ind::cards_issued(conn, area, from, to)))),
        ("rating_avg".into(), (rated > 0).then(|| f64::from(sum) / f64::from(rated))),
        ("secretary_share".into(), share(secretary, secretary + committee)),
    ]
}

fn same(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() < 1e-9,
        (None, None) => true,
        _ => false,
    }
}

fn check_row(conn: &rusqlite::Connection, n: &MonthlyNotice, row: &NoticeRow) {
    let now = expected(conn, row.area.as_str(), &n.month);
    let before = expected(conn, row.area.as_str(), &n.previous_month);
    let keys: Vec<&str> = row.cells.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(keys, n.columns.iter().map(String::as_str).collect::<Vec<_>>());
    for ((cell, (key, value)), (_, previous)) in row.cells.iter().zip(now).zip(before) {
        assert_eq!(cell.key, key);
        assert!(same(cell.value, value), "{} {} {key}: {:?} vs {value:?}", n.month, row.name, cell.value);
        assert!(
            same(cell.previous, previous),
            "{} {} {key} last month: {:?} vs {previous:?}",
            n.month,
            row.name,
            cell.previous
        );
    }
}

#[test]
fn every_notice_figure_matches_an_independent_count() {
    let f = fixture();
    let conn = &ind::open(&f.dir.path().join("office.db"));
    for month in ["2026-11", "2026-12", "2026-01"] {
        let n = f.engine.monthly_notice_at(month, None, now_ms()).unwrap();
        assert_eq!((n.scope.as_str(), n.total.level.as_str()), (TOWNSHIP, "township"));
        check_row(conn, &n, &n.total);
        // Villages, each followed by its grids.
        assert_eq!(n.rows.iter().filter(|r| r.level == "village").count(), 2);
        assert_eq!(n.rows.iter().filter(|r| r.level == "grid").count(), 4);
        let mut village = None;
        for row in &n.rows {
            match row.level.as_str() {
                "village" => village = Some(row.area.clone()),
                _ => assert_eq!(row.area.parent(), village, "{} follows its village", row.name),
            }
            check_row(conn, &n, row);
        }
    }
    let jan = f.engine.monthly_notice_at("2026-01", None, now_ms()).unwrap();
    assert_eq!(jan.previous_month, "2025-12");
    let closed = jan.total.cells.iter().find(|c| c.key == "closed").unwrap();
    assert_eq!((closed.value, closed.previous), (Some(1.0), Some(0.0)), "closed in January, reported in December");
    let share = jan.total.cells.iter().find(|c| c.key == "resolved_in_village").unwrap();
    assert_eq!((share.value, share.previous), (Some(1.0), None), "no closures in December: no share");
}

#[test]
fn the_overdue_list_holds_every_case_overdue_now_most_overdue_first() {
    let f = fixture();
    let conn = &ind::open(&f.dir.path().join("office.db"));
    let n = f.engine.monthly_notice_at("2026-12", None, now_ms()).unwrap();
    let want = ind::count_cases(conn, TOWNSHIP, &format!("since + {ALLOWANCE} < ?1"), &[now_ms()]);
    assert_eq!(n.overdue.len() as u32, want);
    assert!(want > 0);
    assert!(n.overdue.windows(2).all(|w| w[0].due_ms <= w[1].due_ms));
    for o in &n.overdue {
        assert!(o.due_ms < now_ms());
        assert_eq!(o.days_overdue as i64, (now_ms() - o.due_ms) / 86_400_000);
    }
}

#[test]
fn the_csv_opens_in_excel_and_shows_a_dash_for_nothing() {
    let f = fixture();
    let n = f.engine.monthly_notice_at("2026-03", None, now_ms()).unwrap();
    let path = f.dir.path().join("n.csv");
    gridwork_core::report::write_csv(&n, &path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 with a byte-order mark");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert!(lines[0].starts_with("区域编码,区域,层级,上报案件(本月 2026-03),上报案件(上月 2026-02)"), "{}", lines[0]);
    let total: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(total[0], TOWNSHIP);
    // No case closed in March 2026: the village share is "—", not NaN.
    let col = 3 + 2 * n.columns.iter().position(|c| c == "resolved_in_village").unwrap();
    assert_eq!(total[col], "—");
    assert!(!text.contains("NaN"));
    assert_eq!(lines.len(), 1 + 1 + n.rows.len() + 1 + 1 + n.overdue.len() + 1);
}
