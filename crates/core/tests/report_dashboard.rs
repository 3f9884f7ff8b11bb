//! The dashboard's figures against independent counts in SQL over the records, every number
//! against the list behind it, and the edges: a running month, a period across the year's end, a
//! month without cases, an empty township, a reopened case, garbage requests.

mod report_common;

use gridwork_domain::report::{Dashboard, Figure, FigureQuery, PeriodSpec};
use gridwork_domain::{AreaCode, MediationLevel};
use report_common::independent::{self as ind, ALLOWANCE};
use report_common::{OTHER_TOWNSHIP, TOWNSHIP, fixture, ms, now_ms, supervisor};

fn month(m: &str) -> PeriodSpec {
    PeriodSpec::Month { month: m.into() }
}

fn periods() -> Vec<PeriodSpec> {
    vec![
        month("2026-11"),
        month("2026-12"),
        PeriodSpec::Quarter { quarter: "2026Q4".into() },
        PeriodSpec::Custom { from: "2025-12-01".into(), to: "2026-01-31".into() },
        month("2026-03"),
    ]
}

fn level_name(l: MediationLevel) -> &'static str {
    match l {
        MediationLevel::Village => "village",
        MediationLevel::Township => "township",
        MediationLevel::Banner => "banner",
    }
}

/// Every figure of the dashboard against the independent count.
fn check_against_sql(d: &Dashboard, conn: &rusqlite::Connection) {
    let area = d.scope.as_str();
    let (from, to) = (d.period.from_ms, d.period.to_ms);
    let label = &d.period.label;
    for c in &d.by_stage {
        let Figure::Stage { stage } = c.figure else { panic!("{c:?}") };
        let cond = format!("reported >= ?1 AND reported < ?2 AND stage = '{stage}'");
        assert_eq!(c.count, ind::count_cases(conn, area, &cond, &[from, to]), "{label} stage {stage}");
    }
    for c in &d.by_level {
        let Figure::Level { level } = c.figure else { panic!("{c:?}") };
        let cond = format!("reported >= ?1 AND reported < ?2 AND level = '{}'", level_name(level));
        assert_eq!(c.count, ind::count_cases(conn, area, &cond, &[from, to]), "{label} level {level:?}");
    }
    let closed = ind::count_cases(conn, area, "closed >= ?1 AND closed < ?2", &[from, to]);
    let in_village = ind::count_cases(conn, area, "closed >= ?1 AND closed < ?2 AND level = 'village'", &[from, to]);
    let in_township =
        ind::count_cases(conn, area, "closed >= ?1 AND closed < ?2 AND level IN ('village', 'township')", &[from, to]);
    assert_eq!((d.resolved_in_village.count, d.resolved_in_village.of), (in_village, closed), "{label}");
    assert_eq!((d.resolved_in_township.count, d.resolved_in_township.of), (in_township, closed), "{label}");
    let (median, p90) = ind::median_p90(ind::close_hours(conn, area, from, to));
    assert_eq!(d.close_time.closed, closed);
    let close = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() < 1e-6,
        (None, None) => true,
        _ => false,
    };
    assert!(close(d.close_time.median_hours, median), "{label}: {:?} vs {median:?}", d.close_time);
    assert!(close(d.close_time.p90_hours, p90), "{label}: {:?} vs {p90:?}", d.close_time);
    for c in &d.overdue {
        let Figure::Overdue { step } = &c.figure else { panic!("{c:?}") };
        let stages = match step.as_str() {
            "verify" => "'reported'",
            "dispatch" => "'open'",
            "handle" => "'dispatched', 'mediating'",
            "check" => "'resolved', 'referred'",
            _ => "'closed'",
        };
        let cond = format!("stage IN ({stages}) AND since + {ALLOWANCE} < ?1");
        assert_eq!(c.count, ind::count_cases(conn, area, &cond, &[d.as_of_ms]), "{label} overdue {step}");
    }
    let at = to.min(d.as_of_ms);
    assert!(!d.coverage.is_empty());
    for row in &d.coverage {
        assert_eq!((row.households, row.visited), ind::coverage(conn, row.area.as_str(), at), "{label} {}", row.name);
    }
    assert_eq!(d.cards.count, ind::cards_issued(conn, area, from, to), "{label} cards");
    let months = gridwork_domain::report::Period { label: String::new(), from_ms: from, to_ms: to }.months();
    assert_eq!(d.categories.iter().map(|m| m.month.clone()).collect::<Vec<_>>(), months);
    for m in &d.categories {
        let mp = month(&m.month).resolve().unwrap();
        let (f, t) = (mp.from_ms.max(from), mp.to_ms.min(to));
        let total: u32 = m.counts.iter().map(|c| c.count).sum();
        assert_eq!(total, ind::count_cases(conn, area, "reported >= ?1 AND reported < ?2", &[f, t]), "{}", m.month);
        for c in &m.counts {
            let Figure::Category { category, .. } = c.figure else { panic!() };
            let name = serde_json::to_value(category).unwrap();
            let cond = format!("reported >= ?1 AND reported < ?2 AND category = '{}'", name.as_str().unwrap());
            assert_eq!(c.count, ind::count_cases(conn, area, &cond, &[f, t]));
        }
    }
    let handler = |h: &str| {
        let cond = format!("closed >= ?1 AND closed < ?2 AND level = 'village' AND {h}");
        ind::count_cases(conn, area, &cond, &[from, to])
    };
    let handlers: Vec<u32> = d.handlers.iter().map(|c| c.count).collect();
    assert_eq!(
        handlers,
        [handler("handler = 'secretary'"), handler("handler = 'committee'"), handler("handler IS NULL")]
    );
}

#[test]
fn every_dashboard_figure_matches_an_independent_count() {
    let f = fixture();
    let conn = &ind::open(&f.dir.path().join("office.db"));
    for spec in periods() {
        let d = f.engine.dashboard_at(&spec, None, now_ms()).unwrap();
        assert_eq!(d.scope.as_str(), TOWNSHIP);
        check_against_sql(&d, conn);
        // A village's dashboard too.
        let village = d.coverage.iter().find(|r| r.level == "village").unwrap().area.clone();
        check_against_sql(&f.engine.dashboard_at(&spec, Some(&village), now_ms()).unwrap(), conn);
    }
    // The fixture's edges are in the November figures: a township and a banner closure, handlers.
    let nov = f.engine.dashboard_at(&month("2026-11"), None, now_ms()).unwrap();
    assert!(nov.resolved_in_township.count > nov.resolved_in_village.count);
    assert!(nov.resolved_in_township.count < nov.resolved_in_township.of, "the banner closure is outside both");
    assert!(nov.handlers[0].count >= 2 && nov.handlers[1].count >= 1, "{:?}", nov.handlers);
    assert!(nov.overdue.iter().map(|c| c.count).sum::<u32>() > 0, "the demo has overdue cases");
    let over_year = f
        .engine
        .dashboard_at(&PeriodSpec::Custom { from: "2025-12-01".into(), to: "2026-01-31".into() }, None, now_ms())
        .unwrap();
    assert_eq!(over_year.resolved_in_village.count, 1, "the case reported in 2025 and closed in 2026");
    assert_eq!(over_year.categories.len(), 2);
}

#[test]
fn every_number_opens_the_list_behind_it() {
    let f = fixture();
    let d = f.engine.dashboard_at(&month("2026-11"), None, now_ms()).unwrap();
    let mut figures: Vec<(Figure, u32)> = d
        .by_stage
        .iter()
        .chain(&d.by_level)
        .chain(&d.overdue)
        .chain(&d.handlers)
        .map(|c| (c.figure.clone(), c.count))
        .collect();
    figures.push((d.resolved_in_village.figure.clone(), d.resolved_in_village.count));
    figures.push((d.resolved_in_township.figure.clone(), d.resolved_in_township.count));
    figures.push((Figure::Closed, d.resolved_in_village.of));
    figures.push((d.cards.figure.clone(), d.cards.count));
    for m in &d.categories {
        figures.extend(m.counts.iter().map(|c| (c.figure.clone(), c.count)));
    }
    for row in &d.coverage {
        figures.push((Figure::Visited { area: row.area.clone() }, row.visited));
        figures.push((Figure::NotVisited { area: row.area.clone() }, row.households - row.visited));
    }
    for (figure, count) in figures {
        let mut seen = std::collections::HashSet::new();
        let mut offset = 0;
        loop {
            let q = FigureQuery { scope: None, period: month("2026-11"), figure: figure.clone(), offset, limit: 7 };
            let page = f.engine.figure_list_at(&q, now_ms()).unwrap();
            assert_eq!(page.total, count, "{figure:?}");
            if page.items.is_empty() {
                break;
            }
            for item in &page.items {
                assert!(seen.insert(item.id), "{figure:?}: {} twice", item.id);
                if let Figure::Overdue { .. } = figure {
                    assert!(item.overdue, "{figure:?}: {item:?}");
                }
                if let Figure::NotVisited { .. } = figure {
                    assert!(item.overdue, "a household not visited in time is due: {item:?}");
                }
            }
            offset += 7;
        }
        assert_eq!(seen.len() as u32, count, "{figure:?}");
    }
}

#[test]
fn a_reopened_case_is_not_a_closure() {
    let f = fixture();
    let conn = f.engine.connection();
    let reopened: String = conn
        .query_row(
            "SELECT json_extract(state, '$.fields.dispute') FROM records WHERE kind = 'dispute_event'
               AND json_extract(state, '$.fields.action.type') = 'reopened'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let q = FigureQuery { scope: None, period: month("2026-11"), figure: Figure::Closed, offset: 0, limit: 500 };
    let list = f.engine.figure_list_at(&q, now_ms()).unwrap();
    assert!(!list.items.iter().any(|i| i.id.to_string() == reopened));
    let open = FigureQuery { figure: Figure::Stage { stage: gridwork_domain::workflow::CaseStage::Open }, ..q };
    assert!(f.engine.figure_list_at(&open, now_ms()).unwrap().items.iter().any(|i| i.id.to_string() == reopened));
}

#[test]
fn a_month_without_cases_shares_nothing_and_an_empty_township_counts_zero() {
    let f = fixture();
    let d = f.engine.dashboard_at(&month("2026-03"), None, now_ms()).unwrap();
    assert_eq!((d.resolved_in_village.count, d.resolved_in_village.of), (0, 0));
    assert_eq!(d.resolved_in_village.ratio(), None, "a share of nothing is not a number");
    assert_eq!((d.close_time.median_hours, d.close_time.p90_hours), (None, None));
    // A township office whose store holds the areas and nothing else.
    let dir = tempfile::tempdir().unwrap();
    let mut e = supervisor(&dir, OTHER_TOWNSHIP);
    e.import_areas(&f.banner.areas).unwrap();
    let d = e.dashboard_at(&month("2026-11"), None, now_ms()).unwrap();
    assert!(d.by_stage.iter().chain(&d.overdue).all(|c| c.count == 0));
    assert_eq!(d.resolved_in_township.ratio(), None);
    assert!(d.coverage.iter().all(|r| (r.households, r.visited) == (0, 0)) && !d.coverage.is_empty());
}

#[test]
fn garbage_requests_are_refused_with_their_codes() {
    let f = fixture();
    let code = |e: gridwork_core::CoreError| {
        let t = e.to_tagged();
        (t.kind, t.code.or_else(|| t.fields.first().map(|v| v.code.clone())).unwrap_or_default())
    };
    let bad = f.engine.dashboard_at(&month("2026-13"), None, now_ms()).unwrap_err();
    assert_eq!(code(bad), ("validation", "bad_month".into()));
    let reversed = PeriodSpec::Custom { from: "2026-11-05".into(), to: "2026-11-01".into() };
    assert_eq!(
        code(f.engine.dashboard_at(&reversed, None, now_ms()).unwrap_err()),
        ("validation", "period_reversed".into())
    );
    let outside = AreaCode::parse(OTHER_TOWNSHIP).unwrap();
    assert_eq!(
        code(f.engine.dashboard_at(&month("2026-11"), Some(&outside), now_ms()).unwrap_err()),
        ("forbidden", "outside_area".into())
    );
    let q =
        |figure: Figure, limit: u32| FigureQuery { scope: None, period: month("2026-11"), figure, offset: 0, limit };
    assert_eq!(
        code(f.engine.figure_list_at(&q(Figure::Closed, 0), now_ms()).unwrap_err()),
        ("validation", "bad_limit".into())
    );
    assert_eq!(
        code(f.engine.figure_list_at(&q(Figure::Closed, 501), now_ms()).unwrap_err()),
        ("validation", "bad_limit".into())
    );
    let step = Figure::Overdue { step: "lunch".into() };
    assert_eq!(code(f.engine.figure_list_at(&q(step, 10), now_ms()).unwrap_err()), ("validation", "bad_step".into()));
    let elsewhere = Figure::Visited { area: AreaCode::parse("150621002001").unwrap() };
    assert_eq!(
        code(f.engine.figure_list_at(&q(elsewhere, 10), now_ms()).unwrap_err()),
        ("forbidden", "outside_area".into())
    );
    let month_garbage = Figure::Category { month: "11/2026".into(), category: gridwork_domain::DisputeCategory::Land };
    assert_eq!(
        code(f.engine.figure_list_at(&q(month_garbage, 10), now_ms()).unwrap_err()),
        ("validation", "bad_month".into())
    );
    let _ = ms("2026-11-01T00:00:00Z");
}
