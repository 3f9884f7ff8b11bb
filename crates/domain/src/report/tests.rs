//! Table tests and properties of periods, percentiles and the ranking template.

use proptest::prelude::*;

use super::percentile::{median, nearest_rank, p90};
use super::template::{RawFigures, part_score, rank, row, template_score};
use super::*;
use crate::ids::AreaCode;

const H: i64 = 3_600_000;
const D: i64 = 24 * H;

fn utc_ms(s: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp_millis()
}

fn month(m: &str) -> PeriodSpec {
    PeriodSpec::Month { month: m.into() }
}

fn quarter(q: &str) -> PeriodSpec {
    PeriodSpec::Quarter { quarter: q.into() }
}

fn custom(f: &str, t: &str) -> PeriodSpec {
    PeriodSpec::Custom { from: f.into(), to: t.into() }
}

#[test]
fn periods_are_china_days() {
    let cases = [
        (month("2026-11"), "2026-11", "2026-10-31T16:00:00Z", "2026-11-30T16:00:00Z"),
        (month("2026-12"), "2026-12", "2026-11-30T16:00:00Z", "2026-12-31T16:00:00Z"),
        (month(" 2024-02 "), "2024-02", "2024-01-31T16:00:00Z", "2024-02-29T16:00:00Z"),
        (quarter("2026Q4"), "2026Q4", "2026-09-30T16:00:00Z", "2026-12-31T16:00:00Z"),
        (quarter("2027q1"), "2027Q1", "2026-12-31T16:00:00Z", "2027-03-31T16:00:00Z"),
        (custom("2026-11-03", "2026-11-03"), "2026-11-03..2026-11-03", "2026-11-02T16:00:00Z", "2026-11-03T16:00:00Z"),
        (custom("2026-12-20", "2027-01-10"), "2026-12-20..2027-01-10", "2026-12-19T16:00:00Z", "2027-01-10T16:00:00Z"),
    ];
    for (spec, label, from, to) in cases {
        let p = spec.resolve().unwrap();
        assert_eq!(p, Period { label: label.into(), from_ms: utc_ms(from), to_ms: utc_ms(to) }, "{spec:?}");
    }
}

#[test]
fn garbage_periods_are_refused_with_their_codes() {
    let cases = [
        (month("2026-13"), "bad_month", "month"),
        (month("2026-1"), "bad_month", "month"),
        (month("26-11"), "bad_month", "month"),
        (month("2026/11"), "bad_month", "month"),
        (month(""), "bad_month", "month"),
        (month("1999-12"), "bad_month", "month"),
        (month("２０２６-11"), "bad_month", "month"),
        (quarter("2026Q5"), "bad_quarter", "quarter"),
        (quarter("2026Q0"), "bad_quarter", "quarter"),
        (quarter("2026-Q4"), "bad_quarter", "quarter"),
        (quarter("Q4"), "bad_quarter", "quarter"),
        (custom("2026-02-30", "2026-03-01"), "bad_date", "from"),
        (custom("2026-11-03", "tomorrow"), "bad_date", "to"),
        (custom("2026-1-3", "2026-11-03"), "bad_date", "from"),
        (custom("2026-11-04", "2026-11-03"), "period_reversed", "period"),
        (custom("2024-01-01", "2026-01-01"), "period_too_long", "period"),
    ];
    for (spec, code, field) in cases {
        let e = spec.resolve().unwrap_err();
        assert_eq!((e.code(), e.field()), (code, field), "{spec:?}: {e}");
        assert!(ReportError::CODES.contains(&e.code()));
        let v: crate::error::ValidationError = e.into();
        assert_eq!(v.code, code);
    }
}

#[test]
fn the_longest_custom_period_is_allowed() {
    // 2025 and 2026 hold 730 days: the longest period runs a day more.
    assert!(custom("2025-01-01", "2027-01-01").resolve().is_ok());
    assert!(custom("2025-01-01", "2027-01-02").resolve().is_err());
}

#[test]
fn months_touching_a_period_cross_the_year() {
    let p = custom("2026-12-20", "2027-02-01").resolve().unwrap();
    assert_eq!(p.months(), ["2026-12", "2027-01", "2027-02"]);
    assert_eq!(quarter("2026Q4").resolve().unwrap().months(), ["2026-10", "2026-11", "2026-12"]);
    assert_eq!(previous_month("2027-01").unwrap(), "2026-12");
    assert_eq!(previous_month("2026-11").unwrap(), "2026-10");
    assert_eq!(quarter_of_month("2026-11").unwrap(), "2026Q4");
    assert_eq!(quarter_of_month("2027-03").unwrap(), "2027Q1");
}

#[test]
fn instants_fall_in_china_months() {
    // 16:00 UTC on the last day of October is midnight of 1 November in China.
    assert_eq!(month_of(utc_ms("2026-10-31T15:59:59Z")), "2026-10");
    assert_eq!(month_of(utc_ms("2026-10-31T16:00:00Z")), "2026-11");
    assert_eq!(quarter_of(utc_ms("2026-12-31T16:00:00Z")), "2027Q1");
    let p = month("2026-11").resolve().unwrap();
    assert!(!p.contains(utc_ms("2026-10-31T15:59:59Z")));
    assert!(p.contains(utc_ms("2026-10-31T16:00:00Z")));
    assert!(!p.contains(p.to_ms));
}

#[test]
fn percentile_table() {
    let cases: [(&[f64], Option<f64>, Option<f64>); 6] = [
        (&[], None, None),
        (&[5.0], Some(5.0), Some(5.0)),
        (&[4.0, 1.0], Some(2.5), Some(4.0)),
        (&[3.0, 1.0, 2.0], Some(2.0), Some(3.0)),
        (&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], Some(5.5), Some(9.0)),
        (&[10.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 100.0], Some(6.0), Some(10.0)),
    ];
    for (values, m, p) in cases {
        assert_eq!((median(values), p90(values)), (m, p), "{values:?}");
    }
    assert_eq!(nearest_rank(&[1.0, 2.0], 0), None);
    assert_eq!(nearest_rank(&[1.0, 2.0], 100), Some(2.0));
    assert_eq!(median(&[f64::NAN, 2.0]), Some(2.0));
}

#[test]
fn part_scores_map_raw_figures_to_0_100() {
    let cases = [
        ("coverage", 0.87, 87.0),
        ("coverage", 1.2, 100.0),
        ("village_share", 0.95, 100.0),
        ("village_share", 0.99, 100.0),
        ("village_share", 0.85, 50.0),
        ("village_share", 0.75, 0.0),
        ("village_share", 0.5, 0.0),
        ("overdue", 0.0, 100.0),
        ("overdue", 0.05, 75.0),
        ("overdue", 0.2, 0.0),
        ("overdue", 0.9, 0.0),
        ("timeliness", 0.6, 60.0),
        ("rating", 5.0, 100.0),
        ("rating", 1.0, 0.0),
        ("rating", 4.0, 75.0),
        ("cards", 0.4, 40.0),
        ("cards", f64::NAN, 0.0),
    ];
    for (key, raw, want) in cases {
        assert!((part_score(key, raw) - want).abs() < 1e-9, "{key} {raw}: {}", part_score(key, raw));
    }
}

fn code(s: &str) -> AreaCode {
    AreaCode::parse(s).unwrap()
}

#[test]
fn parts_without_a_figure_leave_their_weight_to_the_others() {
    let all = RawFigures {
        coverage: Some(0.9),
        village_share: Some(0.95),
        overdue: Some(0.0),
        timeliness: Some(0.8),
        rating: Some(4.5),
        cards: Some(0.5),
    };
    // 30·90 + 25·100 + 15·100 + 15·80 + 10·87.5 + 5·50 = 9025 → 90.25
    assert_eq!(row(code("150621001001"), "a".into(), "t".into(), &all, 0).template_score, 90.25);
    let no_cases = RawFigures { coverage: Some(0.9), cards: Some(0.5), ..RawFigures::default() };
    // (30·90 + 5·50) / 35 = 84.2857…
    let r = row(code("150621001001"), "a".into(), "t".into(), &no_cases, 3);
    assert_eq!(r.template_score, 84.29);
    assert_eq!(r.total, 87.29);
    assert_eq!(r.parts.iter().filter(|p| p.raw.is_none()).count(), 4);
    assert_eq!(
        template_score(&row(code("150621001001"), "a".into(), "t".into(), &RawFigures::default(), 0).parts),
        0.0
    );
}

#[test]
fn equal_totals_share_a_rank() {
    let raws = [0.5, 0.9, 0.5, 0.7, 0.9];
    let mut rows: Vec<RankRow> = raws
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let raw = RawFigures { coverage: Some(*c), ..RawFigures::default() };
            row(code(&format!("150621001{:03}", i + 1)), format!("v{i}"), "t".into(), &raw, 0)
        })
        .collect();
    rank(&mut rows);
    let got: Vec<(u32, &str)> = rows.iter().map(|r| (r.rank, r.area.as_str())).collect();
    assert_eq!(
        got,
        [(1, "150621001002"), (1, "150621001005"), (3, "150621001004"), (4, "150621001001"), (4, "150621001003")]
    );
}

#[test]
fn highlight_points_can_overtake() {
    let good = RawFigures { coverage: Some(0.9), ..RawFigures::default() };
    let weak = RawFigures { coverage: Some(0.8), ..RawFigures::default() };
    let mut rows = vec![
        row(code("150621001001"), "good".into(), "t".into(), &good, -5),
        row(code("150621001002"), "weak".into(), "t".into(), &weak, 6),
    ];
    rank(&mut rows);
    assert_eq!((rows[0].name.as_str(), rows[0].total, rows[1].total), ("weak", 86.0, 85.0));
}

fn raw_strategy() -> impl Strategy<Value = RawFigures> {
    let share = || proptest::option::of(0.0f64..=1.0);
    (share(), share(), share(), share(), proptest::option::of(1.0f64..=5.0), share()).prop_map(
        |(coverage, village_share, overdue, timeliness, rating, cards)| RawFigures {
            coverage,
            village_share,
            overdue,
            timeliness,
            rating,
            cards,
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Any figures score inside 0..=100, and a better coverage never lowers the score.
    #[test]
    fn template_scores_stay_in_range_and_are_monotone(raw in raw_strategy(), bump in 0.0f64..=1.0) {
        let a = row(code("150621001001"), "a".into(), "t".into(), &raw, 0);
        prop_assert!((0.0..=100.0).contains(&a.template_score));
        if let Some(c) = raw.coverage {
            let better = RawFigures { coverage: Some((c + bump).min(1.0)), ..raw };
            let b = row(code("150621001001"), "a".into(), "t".into(), &better, 0);
            prop_assert!(b.template_score >= a.template_score);
        }
    }

    /// Ranks are 1-based, never decrease down the list, equal totals share one, and each rank is
    /// one more than the number of rows with a strictly higher total.
    #[test]
    fn ranks_count_the_rows_above(covs in proptest::collection::vec(0u8..=4, 0..30), points in proptest::collection::vec(-3i32..=3, 30)) {
        let mut rows: Vec<RankRow> = covs.iter().enumerate().map(|(i, c)| {
            let raw = RawFigures { coverage: Some(f64::from(*c) / 4.0), ..RawFigures::default() };
            row(code(&format!("150621001{:03}", i + 1)), format!("v{i}"), "t".into(), &raw, points[i])
        }).collect();
        rank(&mut rows);
        for r in &rows {
            let above = rows.iter().filter(|o| o.total > r.total).count() as u32;
            prop_assert_eq!(r.rank, above + 1);
        }
        for w in rows.windows(2) {
            prop_assert!(w[0].total >= w[1].total);
        }
    }

    /// Percentiles lie between the extremes, and p90 is at least the median.
    #[test]
    fn percentiles_lie_between_the_extremes(values in proptest::collection::vec(0.0f64..10_000.0, 1..200)) {
        let (m, p) = (median(&values).unwrap(), p90(&values).unwrap());
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        prop_assert!(min <= m && m <= max && m <= p && p <= max);
        prop_assert!(values.contains(&p));
    }

    /// Every instant (February 2000 to 2099) falls in exactly one month, and its bounds hold it.
    #[test]
    fn every_instant_has_its_month(ms in 949_363_200_000i64..4_102_444_800_000i64) {
        let m = month_of(ms);
        let p = PeriodSpec::Month { month: m.clone() }.resolve().unwrap();
        prop_assert!(p.contains(ms));
        prop_assert_eq!(p.to_ms - p.from_ms >= 28 * D, true);
        let prev = PeriodSpec::Month { month: previous_month(&m).unwrap() }.resolve().unwrap();
        prop_assert_eq!(prev.to_ms, p.from_ms);
    }
}
